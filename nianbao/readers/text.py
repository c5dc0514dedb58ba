"""TXT and Markdown: tab-separated text, text pasted from a PDF, Markdown tables."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document, looks_hard_wrapped
from nianbao.schema import PART_TITLE_VARIANTS

_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
# A table drawn with box characters (│ ┃ ┌─┬─┐) or ASCII (+----+): its rules are no text, its
# vertical bars part cells as Markdown's do.
_BOX_RULE = re.compile(r"^\s*[\u2500-\u257f+][\u2500-\u257f+\-=:\s]{2,}$")
_BOX_BARS = str.maketrans({"│": "|", "┃": "|", "║": "|", "┆": "|", "┊": "|"})
_EMPHASIS = re.compile(r"(\*\*|__)")
# A table row pasted from a PDF: a label and at least two numbers separated by spaces.
_SPACED_ROW = re.compile(r"(?:\s[-+]?\d[\d,.]*){2,}\s*$")
# A line that is one number only, or a mark for none (—, /): a table cell copied on a line of its own.
_NUMBER_LINE = re.compile(r"^\s*(?:[-+]?\d[\d,]*(?:\.\d+)?|[—/／－-]{1,2})\s*$")
_PART_HEADING = re.compile(r"^(?:第)?([一二三四五六])\s*[、.．]")
# Page numbers left in text pasted from a PDF: "- 3 -", "—3—", "第 3 页 共 6 页". A bare "3"
# is kept: in pasted tables a number alone on a line can be a cell.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$")

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f")
BINARY_MESSAGE = (
    "文件内容不是文字（像是二进制文件或不支持的格式），无法作为年度报告读取。"
    "支持的格式：TXT、Markdown、HTML、Word（.docx）和带文字的 PDF。"
)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], codec)
    if _looks_binary(data):
        raise ReportReadError(ReadFailure.NOT_A_REPORT, BINARY_MESSAGE)
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text
    raise ReportReadError(
        ReadFailure.UNKNOWN_ENCODING,
        "无法识别文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030），请另存为 UTF-8 文本后再试。",
    )


def _looks_binary(data: bytes) -> bool:
    """Control bytes (NUL and the like) never occur in UTF-8 or GB18030 text."""
    head = data[:8192]
    return len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) * 0.01


def _decode_as(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise ReportReadError(ReadFailure.UNKNOWN_ENCODING, "文件编码损坏，无法读取文字。") from e


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    return len(_CONTROL_CHARS.findall(text)) <= len(text) * 0.01


def read_text(data: bytes, source: str = "") -> Document:
    """Read a TXT or Markdown report into lines."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    return text_to_document(text, source)


def text_to_document(text: str, source: str = "") -> Document:
    """Split text into lines: tab rows and Markdown table rows become grid rows."""
    document = Document(source=source)
    prose: list[str] = []
    for line in _rejoin_cells(_lines(text)):
        if isinstance(line, list):
            document.add_row(line)
            continue
        document.add_text(line)
        if not _SPACED_ROW.search(line):
            prose.append(line)
    # Text pasted from a PDF is cut at the page width everywhere, also in parts too short
    # to tell on their own (a two-line 六); table rows are left out of the judgement, being
    # short. Otherwise the parser judges part by part.
    if looks_hard_wrapped(prose):
        document.hard_wrapped = True
    return document


def _lines(text: str) -> Iterator[str | list[str]]:
    """Each line: a table row's cells (tabs, Markdown) or its text; page numbers dropped."""
    for raw in text.split("\n"):
        # Trailing tabs are kept: they are a row's blank last cells (a blank 总计).
        line = _EMPHASIS.sub("", _MARKDOWN_HEADING.sub("", raw.rstrip(" \r\u3000"))).translate(_BOX_BARS)
        if _BOX_RULE.match(line):
            continue
        if "\t" in line or line.lstrip().startswith("|"):
            cells = _row_cells(line)
            if cells is not None:
                yield cells
        elif not _PAGE_NUMBER.match(line):
            yield line


def _rejoin_cells(lines: Iterable[str | list[str]]) -> list[str | list[str]]:
    """Put a table row pasted one cell per line back on one line: its numbers after its label.

    Some PDF viewers copy each table cell as a line of its own; a line that is only a number
    goes back onto the line before it (the label, or the number before it).
    """
    joined: list[str | list[str]] = []
    after_number = False
    for line in lines:
        number = isinstance(line, str) and bool(_NUMBER_LINE.match(line))
        last = joined[-1] if joined else None
        if number and isinstance(last, str) and (after_number or _takes_numbers(last)):
            joined[-1] = f"{last.rstrip()} {str(line).strip()}"
        else:
            joined.append(line)
        after_number = number
    return joined


def _takes_numbers(line: str) -> bool:
    """A line numbers can follow: not blank, not the end of a sentence, not a part heading."""
    text = line.strip()
    return bool(text) and not text.endswith("。") and not _is_part_heading(text)


def _is_part_heading(text: str) -> bool:
    match = _PART_HEADING.match(text)
    if match is None:
        return False
    return any(variant in text.replace(" ", "") for variant in PART_TITLE_VARIANTS[match.group(1)])


def _row_cells(line: str) -> list[str] | None:
    if line.lstrip().startswith("|"):
        if _MARKDOWN_RULE.match(line.strip()):
            return None
        inner = line.strip().strip("|")
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in line.split("\t")]
