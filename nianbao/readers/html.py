"""HTML as published on government sites: tables with rowspan/colspan, Word-exported pages.

Tables become grid rows with every span expanded (a label spanning several rows or columns
is repeated in each cell it covers, so every row carries its whole label); the text around
the tables becomes lines in reading order. Nothing is rendered and no script is run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document
from nianbao.readers.encoding import decode
from nianbao.readers.values import is_value_token

MAX_SPAN = 64
MAX_COLUMNS = 128
MAX_GRID_CELLS = 200_000
# A long report exported from Word has some 20 000 elements; far more is not a report, and
# walking millions of elements would take minutes.
MAX_ELEMENTS = 200_000

_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "select", "xml"})
_BLOCKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "section", "article", "header",
        "footer", "main", "aside", "blockquote", "pre", "center", "dl", "dt", "dd", "address", "form", "fieldset",
        "caption", "hr", "body", "html", "td", "th", "tbody", "thead", "tfoot", "figure", "figcaption", "nav",
    }
)  # fmt: skip
# Site navigation and footers around the article: skipped by tag or by class/id.
_CHROME_TAGS = frozenset({"nav", "footer"})
_CHROME_NAMES = re.compile(r"nav|menu|crumb|foot|copyright|share", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# Control characters are no text; lxml parses them but refuses them when the break marks are set.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\n]*\n[ \t\r\n]*(?=[{_CJK}])")
# Private-use characters that mark, while a table's text is read in one pass, a paragraph
# boundary inside a cell, the end of a cell and the start of a row.
_BREAK, _CELL_END, _ROW_START = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile("[\ue000-\ue002]")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
_GB_NAMES = ("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn")


def read_html(data: bytes, source: str = "") -> Document:
    """Read an HTML report (or a Word single-file web page, .mht) into lines."""
    root = _parse(_mhtml_page(data) or decode_html(data))
    document = Document(source=source, hard_wrapped=False)
    _Walker(document).walk(root)
    return document


def decode_html(data: bytes) -> str:
    """The page's text: the charset its <meta> declares when it fits, else UTF-8 or GB18030."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    declared = _declared_charset(data[:4096])
    if declared in _GB_NAMES:
        declared = "gb18030"
    for codec in filter(None, (declared, "utf-8", "gb18030")):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue  # a wrong declaration is common: try what the bytes are
    return decode(data)


def _mhtml_page(data: bytes) -> str | None:
    """The HTML of a Word "single file web page" (MIME multipart/related, .mht), if it is one."""
    head = data[:2048].lower()
    if b"mime-version" not in head or b"multipart/related" not in head:
        return None
    import email

    message = email.message_from_bytes(data)
    html = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if html is None:
        return None
    payload = html.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    charset = (html.get_content_charset() or "").lower()
    if charset in _GB_NAMES:
        charset = "gb18030"
    try:
        return payload.decode(charset) if charset else decode_html(payload)
    except (LookupError, UnicodeDecodeError):
        return decode_html(payload)


def _declared_charset(head: bytes) -> str | None:
    match = _CHARSET.search(head)
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _parse(text: str) -> Any:
    from lxml import etree

    text = _XML_DECLARATION.sub("", _MARKS.sub("", _NOT_XML_CHARS.sub("", text)))
    if not text.strip():
        raise ReportReadError(ReadFailure.EMPTY, "网页文件中没有任何文字内容。")
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise ReportReadError(ReadFailure.DAMAGED, "网页文件已损坏或无法解析。") from e
    if root is None:
        raise ReportReadError(ReadFailure.DAMAGED, "网页文件已损坏或无法解析。")
    # A footnote mark printed as a superscript (26<sup>1</sup>) would join its number: 261.
    etree.strip_elements(root, *_SKIPPED, "sup", with_tail=False)
    if root.xpath("count(//*)") > MAX_ELEMENTS:
        raise ReportReadError(ReadFailure.TOO_LARGE, "网页结构过于庞大（元素数量远超正常年度报告），已拒绝读取。")
    return root


def table_grids(fragment: str) -> list[list[list[str]]]:
    """The data tables of an HTML fragment (a table written into Markdown), each a rectangular grid
    of its non-empty rows, spans expanded as on a page."""
    grids = []
    for table in _parse(fragment).iter("table"):
        if not _is_data_table(table):
            continue
        rows = [row for row in expand_spans(_html_rows(table)) if any(row)]
        width = max((len(row) for row in rows), default=0)
        grids.append([row + [""] * (width - len(row)) for row in rows])
    return grids


def join_pieces(pieces: list[str]) -> str:
    """Join text pieces (lines of one cell or paragraph); a line break between two Chinese characters vanishes."""
    text = "\n".join(p for p in pieces if p and p.strip())
    return _WHITESPACE.sub(" ", _WRAP_BETWEEN_CJK.sub("", text)).strip()


def inline_text(text: str) -> str:
    """Running HTML text as a browser shows it: source line breaks inside Chinese text vanish."""
    return _WHITESPACE.sub(" ", _WRAP_BETWEEN_CJK.sub("", text))


def _tag(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


@dataclass
class _Walker:
    """Walks the tree without recursion (pages can nest thousands of levels deep)."""

    document: Document
    buffer: list[str] = field(default_factory=list)

    def walk(self, root: Any) -> None:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            element, leaving = stack.pop()
            if leaving:
                self._leave(element)
                continue
            self._enter(element, stack)
        self._flush()

    def _enter(self, element: Any, stack: list[tuple[Any, bool]]) -> None:
        tag = _tag(element)
        stack.append((element, True))
        if tag in _SKIPPED or not tag or _is_page_chrome(element, tag):
            return
        if tag == "br":
            self._flush()
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "table" and _is_data_table(element):
            self._flush()
            self._table(element)
            return
        if element.text:
            self.buffer.append(element.text)
        stack.extend((child, False) for child in reversed(element))

    def _leave(self, element: Any) -> None:
        if _tag(element) in _BLOCKS:
            self._flush()
        if element.tail:
            self.buffer.append(element.tail)

    def _flush(self) -> None:
        text = inline_text("".join(self.buffer)).strip()
        self.buffer.clear()
        if text:
            self.document.add_text(text)

    def _table(self, table: Any) -> None:
        for caption in table.iterchildren("caption"):
            self.document.add_text(inline_text("".join(caption.itertext())).strip())
        grid = expand_spans(_html_rows(table))
        width = max((len(row) for row in grid), default=0)
        for row in grid:
            if width <= 1:
                self.document.add_text(row[0] if row else "")
            elif any(cell for cell in row):
                self.document.add_row(row + [""] * (width - len(row)))


def _is_page_chrome(element: Any, tag: str) -> bool:
    if tag in _CHROME_TAGS:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
    # Word's own classes (MsoFootnoteText …) are report content, never site chrome.
    return bool(names) and not names.startswith("Mso") and bool(_CHROME_NAMES.search(names))


def _is_data_table(table: Any) -> bool:
    """A table laid out for data, not a page layout: it holds no other table."""
    return not any(True for _ in table.iterdescendants("table"))


@dataclass
class SpanCell:
    """A cell as written in the source: its text and how many rows and columns it covers."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def _html_rows(table: Any) -> list[list[SpanCell]]:
    """The table's rows of cells, their texts read in one pass over the whole table's text."""
    rows = [list(tr.iterchildren("td", "th")) for tr in table.iter("tr")]
    _mark_breaks_in_cells(table)
    for tr in table.iter("tr"):
        tr.text = _marked(_ROW_START, tr.text)
    for cells in rows:
        for td in cells:
            td.tail = _marked(_CELL_END, td.tail)
    texts = [segment.split(_CELL_END) for segment in _string_value()(table).split(_ROW_START)[1:]]
    return [
        [
            SpanCell(_cell_text(text), _span(td.get("rowspan")), _span(td.get("colspan")))
            for td, text in zip(cells, row_texts, strict=False)
        ]
        for cells, row_texts in zip(rows, texts, strict=False)
    ]


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        span = int(value.strip())
    except ValueError:
        return 1
    return min(max(span, 1), MAX_SPAN)


_IN_CELL_BREAKS = tuple(_BLOCKS - {"td", "th", "tr", "tbody", "thead", "tfoot", "html", "body"})


def _mark_breaks_in_cells(table: Any) -> None:
    """Put a break mark around each paragraph and after each <br> inside the table's cells."""
    for element in table.iter(*_IN_CELL_BREAKS):
        element.text = _marked(_BREAK, element.text)
        element.tail = _marked(_BREAK, element.tail)
    for element in table.iter("br"):
        element.tail = _marked(_BREAK, element.tail)


def _marked(mark: str, text: str | None) -> str:
    # lxml keeps control characters that came from character references (&#1;) but refuses
    # them in a string we set, so they go here.
    if not text:
        return mark
    if not text.strip(" \t\r\n"):  # layout white space between tags: nothing to clean
        return mark + text
    return mark + _NOT_XML_CHARS.sub("", text)


@cache
def _string_value() -> Any:
    from lxml import etree

    return etree.XPath("string()")  # compiled once: the whole text of an element, in C


def _cell_text(text: str) -> str:
    """A cell's text from its marked text: each paragraph or <br> starts a new piece of the label."""
    pieces = [piece for piece in text.split(_BREAK) if piece and not piece.isspace()]
    if len(pieces) == 1:
        only = pieces[0]
        return only if only.isalnum() else inline_text(only).strip()
    return join_pieces([inline_text(piece) for piece in pieces])


def expand_spans(rows: list[list[SpanCell]]) -> list[list[str]]:
    """A rectangular grid: a spanned label fills every cell it covers, a spanned value only its first."""
    taken: list[dict[int, str]] = [{} for _ in rows]
    budget = MAX_GRID_CELLS
    for r, row in enumerate(rows):
        column = 0
        for cell in row:
            while column in taken[r]:
                column += 1
            budget -= cell.rowspan * cell.colspan
            if column >= MAX_COLUMNS or budget < 0:
                break
            _cover(taken, r, column, cell)
            column += cell.colspan
    return [[cells.get(c, "") for c in range(max(cells) + 1)] if cells else [] for cells in taken]


def _cover(taken: list[dict[int, str]], r: int, column: int, cell: SpanCell) -> None:
    if cell.rowspan == cell.colspan == 1:
        taken[r][column] = cell.text
        return
    repeat = not is_value_token(cell.text)
    for dr in range(min(cell.rowspan, len(taken) - r)):
        for dc in range(min(cell.colspan, MAX_COLUMNS - column)):
            first = dr == 0 and dc == 0
            taken[r + dr][column + dc] = cell.text if first or repeat else ""
