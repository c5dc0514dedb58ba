"""What one file may expand to while it is read: inflated bytes and glyphs, checked before they are used.

A compressed file can hide a thousand times its size (a 1.5 MB PDF page of 1.5 GB of spaces, a DOCX
part that inflates past the size it declares). Checking sizes after inflating is too late, so every
inflation here is done piece by piece, keeping nothing, and stops at its limit; the PDF reader counts
a page's glyphs before it reads them. Each refusal is a ReportReadError(TOO_LARGE) saying in Chinese
which limit was hit.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from nianbao.errors import ReadFailure, ReportReadError

MB = 1024 * 1024
# One PDF stream inflated: an embedded CJK font can be ten-odd MB, a page's text a few hundred KB.
MAX_PDF_STREAM_BYTES = 48 * MB
# All the streams of one PDF inflated together.
MAX_PDF_INFLATED_BYTES = 160 * MB
# The content streams of one page: a dense page of a real report is well under 1 MB.
MAX_PAGE_CONTENT_BYTES = 4 * MB
# Glyphs laid out on one page (a page of 6-point type holds about 12,000) and in the whole file.
MAX_PAGE_GLYPHS = 15_000
MAX_GLYPHS = 120_000
# A DOCX or XLSX inflated, altogether and one member (the DOCX reader has tighter limits of its own).
MAX_ARCHIVE_BYTES = 200 * MB
MAX_ARCHIVE_PART_BYTES = 50 * MB
_PIECE = 64 * 1024


def too_large(message: str) -> ReportReadError:
    return ReportReadError(ReadFailure.TOO_LARGE, f"{message}，已停止读取（文件可能是恶意构造的或已损坏）。")


def _mb(size: int) -> str:
    return f"{size / MB:g}"


@dataclass
class InflationBudget:
    """The bytes a file's streams may still inflate to, altogether."""

    left: int = MAX_PDF_INFLATED_BYTES

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise too_large(f"PDF 中的数据解压后合计超过 {_mb(MAX_PDF_INFLATED_BYTES)} MB 的上限")


@dataclass
class GlyphBudget:
    """Glyphs a PDF may still have: per page and in the whole file."""

    page_limit: int = MAX_PAGE_GLYPHS
    file_limit: int = MAX_GLYPHS
    total: int = 0

    def spend(self, page_number: int, glyphs: int) -> None:
        self.total += glyphs
        if glyphs > self.page_limit:
            raise too_large(f"PDF 第 {page_number} 页有 {glyphs} 个字符，超过每页 {self.page_limit} 个的上限")
        if self.total > self.file_limit:
            raise too_large(f"PDF 的字符总数超过 {self.file_limit} 个的上限（读到第 {page_number} 页）")


_budget: ContextVar[InflationBudget | None] = ContextVar("nianbao_inflation_budget", default=None)


@contextmanager
def inflation_budget() -> Iterator[InflationBudget]:
    """A fresh budget for the streams inflated inside the ``with`` block (one file's read)."""
    budget = InflationBudget()
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def _spend(size: int) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend(size)


_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_OTHER_FILTER = re.compile(rb"/Filter\b")


def check_pdf_streams(data: bytes) -> None:
    """Refuse a PDF whose streams, inflated, pass the limits: before pdfium, which inflates and parses a
    page's content whole (an 18 MB content stream took it past 400 MB, 1.5 GB of spaces further).

    Each stream is found by its keyword and inflated piece by piece, nothing kept. One that reads as
    text (page content, a form's drawing) is held to MAX_PAGE_CONTENT_BYTES; a binary one (a font, an
    image) to MAX_PDF_STREAM_BYTES; all of them together to MAX_PDF_INFLATED_BYTES.
    """
    with inflation_budget():
        for match in _STREAM.finditer(data):
            head = data[max(0, match.start() - 512) : match.start()]
            head = head[head.rfind(b"obj") + 1 :] if b"obj" in head else head
            if _FLATE.search(head):
                size, text_like = _measure_flate(data, match.end())
            elif _OTHER_FILTER.search(head):
                continue  # DCT images and the like: pdfium does not inflate them into a page
            else:
                end = data.find(b"endstream", match.end())
                raw = data[match.end() : end if end >= 0 else len(data)]
                size, text_like = len(raw), _looks_like_text(raw[:_PIECE])
                _spend(size)
            if text_like and size > MAX_PAGE_CONTENT_BYTES:
                raise too_large(f"PDF 中有一段页面内容解压后超过 {_mb(MAX_PAGE_CONTENT_BYTES)} MB 的上限")


def _measure_flate(data: bytes, start: int) -> tuple[int, bool]:
    """The inflated size of the zlib stream at ``start`` (to its end or its damage), and whether it is text."""
    inflater, size, first, text_like = zlib.decompressobj(), 0, b"", False
    position = start
    while position < len(data) and not inflater.eof:
        piece = inflater.unconsumed_tail or data[position : position + _PIECE]
        if not inflater.unconsumed_tail:
            position += _PIECE
        try:
            out = inflater.decompress(piece, _PIECE)
        except zlib.error:
            break  # damaged: pdfium keeps what came before, as measured
        if not first and out:
            first, text_like = out, _looks_like_text(out)  # judged once, on the first piece
        size += len(out)
        _spend(len(out))
        if size > (MAX_PAGE_CONTENT_BYTES if text_like else MAX_PDF_STREAM_BYTES):
            break
    text_like = _looks_like_text(first)
    if not text_like and size > MAX_PDF_STREAM_BYTES:
        raise too_large(f"PDF 中有一个数据流解压后超过 {_mb(MAX_PDF_STREAM_BYTES)} MB 的上限")
    return size, text_like


_PRINTABLE = bytes([9, 10, 13, *range(32, 127)])


def _looks_like_text(sample: bytes) -> bool:
    """Page content and other drawing operators are printable ASCII; fonts and images are not."""
    if not sample:
        return False
    head = sample[:4096]
    printable = len(head) - len(head.translate(None, _PRINTABLE))  # counted in C: a PDF has hundreds
    return printable >= 0.95 * len(head)


def _check_declared(entries: list[Any], what: str) -> None:
    total = sum(entry.file_size for entry in entries)
    if total > MAX_ARCHIVE_BYTES:
        raise too_large(f"{what}解压后共 {total / MB:.0f} MB，超过 {_mb(MAX_ARCHIVE_BYTES)} MB 的上限")
    for entry in entries:
        if entry.file_size > MAX_ARCHIVE_PART_BYTES:
            size, limit = f"{entry.file_size / MB:.0f}", _mb(MAX_ARCHIVE_PART_BYTES)
            raise too_large(f"{what}中 {entry.filename} 解压后有 {size} MB，超过 {limit} MB 的上限")


def check_inflation(data: bytes, what: str) -> None:
    """Inflate every member of a zip archive (DOCX, XLSX) piece by piece, keeping nothing: ReportReadError
    when the declared sizes pass the limits, or a member inflates past the size it declares, fails its
    checksum, or uses a method that cannot be read.

    zipfile inflates a member in one go (a 1 MB part that declares 16 MB inflated to 1 GB before
    its size was checked); read by the piece, it stops at the declared size and checks the CRC
    there. The declared sizes themselves are checked against the limits before this is called.
    """
    import zipfile
    from io import BytesIO

    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # not an archive at all: the caller's own reader says so in its words
    name = ""
    try:
        with archive:
            _check_declared(archive.infolist(), what)
            for entry in archive.infolist():
                name = entry.filename
                with archive.open(entry) as member:
                    while member.read(_PIECE):
                        pass
    except NotImplementedError as e:  # a compression method or zip version zipfile does not read
        raise ReportReadError(
            ReadFailure.DAMAGED, f"{what}已损坏或使用了不支持的压缩方式：其中 {name} 无法解压，已停止读取。"
        ) from e
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as e:
        raise ReportReadError(
            ReadFailure.DAMAGED,
            f"{what}已损坏：其中 {name} 解压后的内容与记录的大小或校验值不符"
            "（可能是压缩炸弹或文件不完整），已停止读取。",
        ) from e
