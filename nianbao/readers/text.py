"""TXT and Markdown: tab-separated text, text pasted from a PDF, Markdown tables."""

from __future__ import annotations

import codecs
import re

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document, looks_hard_wrapped

_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
_EMPHASIS = re.compile(r"(\*\*|__)")
# A table row pasted from a PDF: a label and at least two numbers separated by spaces.
_SPACED_ROW = re.compile(r"(?:\s[-+]?\d[\d,.]*){2,}\s*$")
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
    for raw in text.split("\n"):
        line = _EMPHASIS.sub("", _MARKDOWN_HEADING.sub("", raw.rstrip()))
        if "\t" in line or line.lstrip().startswith("|"):
            cells = _row_cells(line)
            if cells is not None:
                document.add_row(cells)
        elif not _PAGE_NUMBER.match(line):
            document.add_text(line)
            if not _SPACED_ROW.search(line):
                prose.append(line)
    # Text pasted from a PDF is cut at the page width everywhere, also in parts too short
    # to tell on their own (a two-line 六); table rows are left out of the judgement, being
    # short. Otherwise the parser judges part by part.
    if looks_hard_wrapped(prose):
        document.hard_wrapped = True
    return document


def _row_cells(line: str) -> list[str] | None:
    if line.lstrip().startswith("|"):
        if _MARKDOWN_RULE.match(line.strip()):
            return None
        inner = line.strip().strip("|")
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in line.split("\t")]
