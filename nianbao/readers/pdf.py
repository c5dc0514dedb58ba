"""PDF with a text layer (pdfium): page text lines, page numbers dropped.

Pages are read one at a time, so a table that crosses a page break simply continues on the
next lines. A PDF that is encrypted, scanned (no text layer), damaged, has far too many pages
or takes too long is refused with a message in Chinese, never a traceback or a hang.

The lines are built from pdfium's characters and their positions the way pdfplumber's
``extract_text`` builds them (the same lines on the corpus and the generated PDFs), at a tenth
of the time: pdfminer's interpreter in pure Python was 99 % of a PDF check.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from operator import itemgetter
from typing import Any, TypeVar

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.bounds import GlyphBudget, check_pdf_streams
from nianbao.readers.document import Document

T = TypeVar("T")
MAX_PAGES = 300
DEADLINE_SECONDS = 60.0
# Fewer visible characters than this in the whole file: there is no real text layer.
MIN_TEXT_CHARS = 20
# pdfplumber's default tolerances (points): characters closer than this share a word or a line.
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0

# A glyph that its font maps to no character: pdfium flags it, pdfminer wrote "(cid:123)".
UNMAPPED = "\ufffd"
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)|\ufffd")
# A page number: "- 3 -" or "第 3 页 共 6 页" anywhere; a bare "3" only as a page's first or
# last line, since inside a page a number alone on its line can be a table cell.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(\s*共\s*\d+\s*页)?)\s*$")
_BARE_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_LINE_BREAKS = (10, 13)
_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD

ENCRYPTED_MESSAGE = "这份 PDF 设置了密码保护（已加密），无法读取其中的文字。请提供未加密的 PDF 或 Word 文档。"
SCANNED_MESSAGE = "这份 PDF 是扫描件（图片），没有文字层，无法读取其中的文字和数字。请提供带文字的 PDF 或 Word 文档。"
UNMAPPED_MESSAGE = (
    "这份 PDF 的文字层无法识别（字体缺少文字编码，提取出来的是乱码），无法读取其中的文字和数字。"
    "请提供带文字的 PDF 或 Word 文档。"
)
DAMAGED_MESSAGE = "PDF 文件已损坏或不完整（可能下载或复制时被截断），无法解析。请重新获取原文件。"


def read_pdf(
    data: bytes,
    source: str = "",
    max_pages: int = MAX_PAGES,
    deadline_seconds: float = DEADLINE_SECONDS,
) -> Document:
    """Read the text layer of a PDF, page by page; tables continue across page breaks."""
    document = Document(source=source, hard_wrapped=True)
    check_pdf_streams(data)
    pdf = _open(data)
    try:
        _check_page_count(len(pdf), max_pages)
        pages = list(_pages(pdf, time.monotonic() + deadline_seconds, deadline_seconds, _PlumberPages(data)))
    except ReportReadError:
        raise
    except Exception as e:  # pdfium reports a broken page as a generic error
        raise ReportReadError(ReadFailure.DAMAGED, DAMAGED_MESSAGE) from e
    finally:
        pdf.close()
    for line in _without_running_heads(pages):
        document.add_text(line)
    check_text_layer(document)
    return document


def _open(data: bytes) -> Any:
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        if getattr(e, "err_code", None) == _PASSWORD_ERROR:
            raise ReportReadError(ReadFailure.ENCRYPTED, ENCRYPTED_MESSAGE) from e
        raise ReportReadError(ReadFailure.DAMAGED, DAMAGED_MESSAGE) from e


class _RotatedText(Exception):
    """A page with rotated characters: pdfplumber lays them out (pdfium's lines are for upright text)."""


class _PlumberPages:
    """pdfplumber, opened only if a page needs it (rotated text), for that page's lines."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None

    def lines(self, index: int) -> list[str]:
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(BytesIO(self.data))
        page = self.pdf.pages[index]
        text = page.extract_text() or ""
        page.close()
        return text.split("\n")


def _pages(pdf: Any, deadline: float, seconds: float, rotated: _PlumberPages) -> Iterator[list[str]]:
    """The text lines of each page, without page numbers, checking the time limit between pages."""
    glyphs = GlyphBudget()
    for number in range(1, len(pdf) + 1):
        if time.monotonic() > deadline:
            raise ReportReadError(
                ReadFailure.TIMEOUT,
                f"PDF 解析超时：超过 {seconds:g} 秒仍未读完（已读到第 {number - 1} 页），文件可能过大或结构异常。",
            )
        page = pdf[number - 1]
        try:
            lines = page_text_lines(page, partial(glyphs.spend, number))
        except _RotatedText:
            lines = rotated.lines(number - 1)
        finally:
            page.close()
        yield _without_page_numbers(lines)


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float  # as pdfminer places it: the font's descent below the baseline, plus its size


def page_text_lines(page: Any, count: Callable[[int], None] = lambda glyphs: None) -> list[str]:
    """The page's text as pdfplumber's extract_text gives it: lines of words, top to bottom.

    ``count`` is told the page's number of glyphs before they are read (a budget raises there)."""
    lines = _clusters(_chars(page, count), top=lambda char: char.top)
    words = [word for line in lines for word in _words(sorted(line, key=_x0))]
    return [" ".join(text for text, _ in line) for line in _clusters(words, top=itemgetter(1))]


def _chars(page: Any, count: Callable[[int], None]) -> list[_Char]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    raw = textpage.raw
    height = page.get_height()
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    x, y, descent = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    descents: dict[int | None, float] = {}
    chars: list[_Char] = []
    try:
        glyphs = pdfium_c.FPDFText_CountChars(raw)
        count(glyphs)
        for index in range(glyphs):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code in _LINE_BREAKS or pdfium_c.FPDFText_IsGenerated(raw, index):
                continue
            pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
            pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
            pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
            if not (matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0):  # pdfminer's "upright"
                raise _RotatedText
            size = pdfium_c.FPDFText_GetFontSize(raw, index) * abs(matrix.d)
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(raw, index))
            key = ctypes.cast(font, ctypes.c_void_p).value
            if key not in descents:
                pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1.0), descent)
                descents[key] = descent.value
            text = UNMAPPED if pdfium_c.FPDFText_HasUnicodeMapError(raw, index) else chr(code)
            top = height - y.value - (descents[key] + 1) * size
            chars.append(_Char(text, box.left, box.right, top))
    finally:
        textpage.close()
    return chars


def _x0(char: _Char) -> float:
    return char.x0


def _clusters(items: list[T], top: Callable[[T], float]) -> list[list[T]]:
    """Items grouped into lines: tops within the tolerance of the next one form one line."""
    groups: dict[float, int] = {}
    group, last = -1, 0.0
    for value in sorted({top(item) for item in items}):
        if group < 0 or value > last + Y_TOLERANCE:
            group += 1
        groups[value] = group
        last = value
    ordered = sorted(items, key=lambda item: groups[top(item)])
    return [list(line) for _, line in itertools.groupby(ordered, key=lambda item: groups[top(item)])]


def _words(line: list[_Char]) -> Iterator[tuple[str, float]]:
    """A line's words (text and top): a space, a gap or a step up or down starts a new one."""
    word: list[_Char] = []
    for char in line:
        if char.text.isspace():
            yield from _word(word)
            word = []
            continue
        if word and _begins_word(word[-1], char):
            yield from _word(word)
            word = []
        word.append(char)
    yield from _word(word)


def _begins_word(previous: _Char, char: _Char) -> bool:
    return char.x0 < previous.x0 or char.x0 > previous.x1 + X_TOLERANCE or abs(char.top - previous.top) > Y_TOLERANCE


def _word(chars: list[_Char]) -> Iterator[tuple[str, float]]:
    if chars:
        yield "".join(c.text for c in chars), min(c.top for c in chars)


def _without_page_numbers(lines: list[str]) -> list[str]:
    kept = [line for line in lines if line.strip() and not _PAGE_NUMBER.match(line)]
    if kept and _BARE_PAGE_NUMBER.match(kept[-1]):
        kept.pop()
    if kept and _BARE_PAGE_NUMBER.match(kept[0]):
        kept.pop(0)
    return kept


def _without_running_heads(pages: list[list[str]]) -> Iterator[str]:
    """Every line in reading order, less the running head or foot repeated on most pages.

    A line that opens (or closes) at least half the pages, three at least, is the page's head
    (or foot), e.g. the report's title; a page's only line is its text, not a head. A table
    header repeated on a new page has no number either, so dropping it loses nothing. Digits
    are ignored when comparing (页码, 年份).
    """
    repeated = _repeated_edges(pages)
    for lines in pages:
        for position, line in enumerate(lines):
            at_edge = len(lines) > 1 and position in (0, len(lines) - 1)
            if not (at_edge and _edge_key(line) in repeated):
                yield line


def _repeated_edges(pages: list[list[str]]) -> set[str]:
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_edge_key(lines[0]), _edge_key(lines[-1])} if len(lines) > 1 else set():
            counts[key] = counts.get(key, 0) + 1
    needed = max(3, (len(pages) + 1) // 2)
    return {key for key, count in counts.items() if count >= needed and len(key) >= 4}


def _edge_key(line: str) -> str:
    return re.sub(r"[\d\s]", "", line)


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise ReportReadError(
            ReadFailure.TOO_LARGE,
            f"PDF 页数太多，超过 {max_pages} 页的上限（年度报告一般只有十几页），请确认文件是否正确。",
        )


def check_text_layer(document: Document) -> None:
    """Refuse a PDF whose text layer is missing (scanned) or only unmapped glyphs."""
    text = re.sub(r"\s", "", document.text)
    glyphs = len(_UNMAPPED_GLYPH.findall(text))
    readable = len(_UNMAPPED_GLYPH.sub("", text))
    if readable < MIN_TEXT_CHARS and glyphs >= MIN_TEXT_CHARS:
        raise ReportReadError(ReadFailure.SCANNED, UNMAPPED_MESSAGE)
    if readable < MIN_TEXT_CHARS:
        raise ReportReadError(ReadFailure.SCANNED, SCANNED_MESSAGE)
    if glyphs > readable:
        raise ReportReadError(ReadFailure.SCANNED, UNMAPPED_MESSAGE)
