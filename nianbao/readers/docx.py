"""DOCX (python-docx): body paragraphs and tables in document order, merged cells expanded.

The archive is inspected before anything is inflated: a zip bomb (a huge declared size, an
impossible compression ratio, or sizes that lie) is refused without decompressing it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.bounds import check_inflation
from nianbao.readers.document import Document
from nianbao.readers.html import MAX_SPAN, SpanCell, expand_spans, join_pieces
from nianbao.readers.numbering import Numbering

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_XML_PART_BYTES = 16 * 1024 * 1024  # a long report's word/document.xml is a few MB
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ENTRIES = 5000
# A 100-page report has a few thousand paragraphs (table cells included); far more is not a
# report, and reading millions of them would take minutes.
MAX_PARAGRAPHS = 50_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = frozenset({f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"})
_TEXT_BOX = f"{_W}txbxContent"
_TEXT_TAGS = frozenset({f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"})


def read_docx(data: bytes, source: str = "") -> Document:
    """Read a Word (.docx) report into lines: table rows as grids, paragraphs as text."""
    check_archive(data)
    word = _open(data)
    body = word.element.body
    if body is None:  # a document part without <w:body>
        raise ReportReadError(ReadFailure.DAMAGED, "Word 文件已损坏：正文（word/document.xml）中没有 body 部分。")
    if _count_paragraphs(body) > MAX_PARAGRAPHS:
        raise ReportReadError(ReadFailure.TOO_LARGE, "Word 文件中的段落数量远超正常年度报告，已拒绝读取。")
    for fallback in list(body.iter(_MC_FALLBACK)):  # the same content as its mc:Choice
        fallback.getparent().remove(fallback)
    reader = _Reader(Document(source=source, hard_wrapped=False), Numbering.of(word))
    reader.read_blocks(body)
    return reader.document


def check_archive(data: bytes) -> None:
    """Refuse a zip bomb from its directory alone, before inflating any part."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise ReportReadError(ReadFailure.DAMAGED, "Word 文件已损坏：无法打开这个 .docx 压缩包。") from e
    if len(entries) > MAX_ENTRIES:
        raise _bomb(f"压缩包中有 {len(entries)} 个文件，远超正常 Word 文档")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _bomb(f"解压后共 {total / 1024 / 1024:.0f} MB，超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB 的上限")
    for entry in entries:
        _check_entry(entry)
    check_inflation(data, "Word 文件")


def _check_entry(entry: zipfile.ZipInfo) -> None:
    is_xml = entry.filename.lower().endswith((".xml", ".rels"))
    if entry.file_size > (MAX_XML_PART_BYTES if is_xml else MAX_PART_BYTES):
        raise _bomb(f"其中 {entry.filename} 解压后有 {entry.file_size / 1024 / 1024:.0f} MB")
    stored = max(entry.compress_size, 1)
    if entry.file_size >= RATIO_CHECKED_FROM and entry.file_size / stored > MAX_RATIO:
        raise _bomb(f"其中 {entry.filename} 的压缩比高达 {entry.file_size // stored} 倍")
    # Deflate never grows data by more than a few bytes per 16 KB: a larger stored size means
    # the declared size lies, and inflating it would not stop where it says.
    if entry.compress_type != zipfile.ZIP_STORED and entry.compress_size > entry.file_size * 1.01 + 1024:
        raise ReportReadError(
            ReadFailure.DAMAGED,
            f"Word 文件已损坏：{entry.filename} 记录的大小与实际数据不符（可能是压缩炸弹），已拒绝读取。",
        )


def _bomb(detail: str) -> ReportReadError:
    return ReportReadError(ReadFailure.TOO_LARGE, f"Word 文件解压后过大（疑似压缩炸弹）：{detail}，已拒绝读取。")


def _open(data: bytes) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as e:
        raise ReportReadError(ReadFailure.DAMAGED, "Word 文件已损坏：无法读取其中的正文（word/document.xml）。") from e
    except Exception as e:  # lxml and python-docx raise many unrelated types for broken parts
        raise ReportReadError(ReadFailure.DAMAGED, "Word 文件已损坏或格式不正确，无法读取。") from e


def _count_paragraphs(body: Any) -> int:
    from lxml import etree

    return int(etree.XPath("count(.//w:p)", namespaces={"w": _W[1:-1]})(body))


@dataclass
class _Reader:
    """Reads a body into lines; Word's list numbering is counted in document order."""

    document: Document
    numbering: Numbering

    def read_blocks(self, container: Any) -> None:
        """Paragraphs and tables of a body (or of a layout table's cell), in order, without recursion."""
        stack = [iter(container)]
        while stack:
            element = next(stack[-1], None)
            if element is None:
                stack.pop()
            elif element.tag == f"{_W}p":
                boxes = _take_text_boxes(element)
                self.document.add_text(self.paragraph(element))
                if boxes:
                    stack.append(iter([block for box in boxes for block in box]))
            elif element.tag == f"{_W}tbl":
                self._table(element, stack)
            elif element.tag in _WRAPPERS or element.tag == f"{_W}tc":
                stack.append(iter(element))

    def paragraph(self, paragraph: Any) -> str:
        """A paragraph's text with the label Word numbers it with (一、 1.), if any."""
        text = paragraph_text(paragraph)
        label = self.numbering.label(paragraph) if text.strip() else ""
        return f"{label}{text.lstrip()}" if label else text

    def _table(self, table: Any, stack: list[Iterator[Any]]) -> None:
        if any(True for _ in table.iterdescendants(f"{_W}tbl")):
            # A table used for page layout: its cells hold the report's paragraphs and tables.
            stack.append(iter([cell for row in _rows(table) for cell in _cells(row)]))
            return
        grid = expand_spans(_span_rows(table, self._cell_text))
        width = max((len(row) for row in grid), default=0)
        for row in grid:
            if width <= 1:
                self.document.add_text(row[0] if row else "")
            elif any(row):
                self.document.add_row(row + [""] * (width - len(row)))

    def _cell_text(self, tc: Any) -> str:
        return join_pieces([self.paragraph(p) for p in tc.iter(f"{_W}p")])


def _take_text_boxes(paragraph: Any) -> list[Any]:
    """The text boxes anchored in a paragraph (WPS puts tables and figures in them), taken out of it:
    their paragraphs and tables are read after it as blocks of their own, not run into its text."""
    boxes = [box for box in paragraph.iter(_TEXT_BOX) if box.getparent() is not None]
    outermost = [box for box in boxes if not any(True for _ in box.iterancestors(_TEXT_BOX))]
    for box in outermost:
        box.getparent().remove(box)
    return outermost


def _rows(table: Any) -> Iterator[Any]:
    return _children(table, f"{_W}tr")


def _cells(row: Any) -> Iterator[Any]:
    return _children(row, f"{_W}tc")


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Children with this tag, looking through content controls (w:sdt) that wrap them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _span_rows(table: Any, cell_text: Callable[[Any], str]) -> list[list[SpanCell]]:
    """Rows as span cells: gridSpan gives the width; a vMerge run becomes one cell with a rowspan."""
    rows: list[list[SpanCell]] = []
    open_merges: dict[int, SpanCell] = {}
    for tr in _rows(table):
        column = _int_val(tr, f"{_W}trPr/{_W}gridBefore", default=0)
        row = [SpanCell("", 1, column)] if column else []
        for tc in _cells(tr):
            span = _int_val(tc, f"{_W}tcPr/{_W}gridSpan")
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continues = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
            if continues and column in open_merges:
                open_merges[column].rowspan += 1
            elif _continues_across(tc) and row:
                row[-1].colspan += span  # legacy w:hMerge, written by old converters
            else:
                cell = SpanCell(cell_text(tc), 1, span)
                row.append(cell)
                if merge is not None:
                    open_merges[column] = cell
                else:
                    open_merges.pop(column, None)
            column += span
        rows.append(row)
    # expand_spans places each row's cells left to right around the columns that rowspans
    # above still cover, which is exactly where Word's vMerge continuation cells sit.
    return rows


def _continues_across(tc: Any) -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}hMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"


def _int_val(element: Any, path: str, default: int = 1) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return min(max(int(found.get(f"{_W}val", default)), 0), MAX_SPAN) or default
    except ValueError:
        return default


def _superscript(run: Any) -> bool:
    """A run printed raised: a footnote mark (26 with a raised 1), which would join its number (261)."""
    align = run.find(f"{_W}rPr/{_W}vertAlign") if run is not None else None
    return align is not None and align.get(f"{_W}val") == "superscript"


def paragraph_text(paragraph: Any) -> str:
    """The text of a w:p as Word shows it: tabs as spaces, line breaks kept."""
    pieces: list[str] = []
    for node in paragraph.iter(_TEXT_TAGS):
        tag = node.tag
        if tag == f"{_W}t":
            if not _superscript(node.getparent()):
                pieces.append(node.text or "")
        elif tag == f"{_W}tab":
            pieces.append(" ")
        elif tag == f"{_W}noBreakHyphen":
            pieces.append("-")
        else:
            pieces.append("\n")
    return "".join(pieces)
