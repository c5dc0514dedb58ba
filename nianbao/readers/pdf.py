"""PDF with a text layer (pdfplumber): page text lines, page numbers dropped.

Pages are read one at a time, so a table that crosses a page break simply continues on the
next lines. A PDF that is encrypted, scanned (no text layer), damaged, has far too many pages
or takes too long is refused with a message in Chinese, never a traceback or a hang.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document

# pdfminer logs every oddity of a damaged file ("Data-loss while decompressing…") as a warning;
# what matters to a user is our one message, so keep only its errors.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MAX_PAGES = 300
DEADLINE_SECONDS = 60.0
# Fewer visible characters than this in the whole file: there is no real text layer.
MIN_TEXT_CHARS = 20

# pdfminer writes a glyph that its font maps to no character as "(cid:123)".
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
# A page number: "- 3 -" or "第 3 页 共 6 页" anywhere; a bare "3" only as a page's first or
# last line, since inside a page a number alone on its line can be a table cell.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(\s*共\s*\d+\s*页)?)\s*$")
_BARE_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")

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
    try:
        pdf = _open(data)
        _check_page_count(_declared_page_count(pdf), max_pages)
        pages = list(_pages(pdf, max_pages, time.monotonic() + deadline_seconds, deadline_seconds))
    except ReportReadError:
        raise
    except Exception as e:  # pdfminer raises many unrelated types for damaged files
        raise _failure(e) from e
    for line in _without_running_heads(pages):
        document.add_text(line)
    _check_text_layer(document)
    return document


def _open(data: bytes) -> Any:
    import pdfplumber

    # The stream is a BytesIO of our own: nothing to close. PDF.close() would walk every page.
    return pdfplumber.open(BytesIO(data))


def _pages(pdf: Any, max_pages: int, deadline: float, seconds: float) -> Iterator[list[str]]:
    """The text lines of each page, without page numbers, checking the limits between pages."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    for number, page_object in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        _check_page_count(number, max_pages)  # the declared count can be missing or wrong
        if time.monotonic() > deadline:
            raise ReportReadError(
                ReadFailure.TIMEOUT,
                f"PDF 解析超时：超过 {seconds:g} 秒仍未读完（已读到第 {number - 1} 页），文件可能过大或结构异常。",
            )
        page = Page(pdf, page_object, page_number=number)
        text = page.extract_text() or ""
        page.close()
        yield _without_page_numbers(text.split("\n"))


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


def _declared_page_count(pdf: Any) -> int:
    """The page count the file declares (0 if it declares none): cheap, before reading pages."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog.get("Pages"))
        return int(resolve1(pages.get("Count", 0)))
    except (AttributeError, TypeError, ValueError):
        return 0


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise ReportReadError(
            ReadFailure.TOO_LARGE,
            f"PDF 页数太多，超过 {max_pages} 页的上限（年度报告一般只有十几页），请确认文件是否正确。",
        )


def _failure(error: Exception) -> ReportReadError:
    if _is_encryption_error(error):
        return ReportReadError(ReadFailure.ENCRYPTED, ENCRYPTED_MESSAGE)
    return ReportReadError(ReadFailure.DAMAGED, DAMAGED_MESSAGE)


def _is_encryption_error(error: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors: look through the wrapper's args and the chain."""
    from pdfminer.pdfdocument import PDFEncryptionError

    seen: list[BaseException] = [error]
    while seen:
        current = seen.pop()
        if isinstance(current, PDFEncryptionError):
            return True
        seen.extend(arg for arg in current.args if isinstance(arg, BaseException))
        if current.__cause__ is not None:
            seen.append(current.__cause__)
    return False


def _check_text_layer(document: Document) -> None:
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
