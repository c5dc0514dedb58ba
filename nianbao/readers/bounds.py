"""What one file may expand to while it is read: inflated bytes and glyphs, checked as they are produced.

A compressed file can hide a thousand times its size (a 1.5 MB PDF page of 1.5 GB of spaces, a DOCX
part that inflates past the size it declares). Checking sizes after inflating is too late, so every
inflation here stops one byte past its limit, and the PDF reader counts glyphs while a page is laid
out. Each refusal is a ReportReadError(TOO_LARGE) saying in Chinese which limit was hit.
"""

from __future__ import annotations

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
MAX_GLYPHS = 250_000
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


def inflate(data: bytes, limit: int = MAX_PDF_STREAM_BYTES) -> bytes:
    """zlib data inflated, never past ``limit`` bytes (ReportReadError); a damaged tail keeps what came before.

    pdfminer's own inflation takes the whole output at once, then falls back to byte-by-byte for a
    damaged stream: both unbounded. This is its behaviour (zlib.error for a stream damaged from the
    start), bounded.
    """
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        out = _inflate_damaged(data, limit)
    if len(out) > limit:
        raise too_large(f"PDF 中有一个数据流解压后超过 {_mb(limit)} MB 的上限")
    _spend(len(out))
    return out


def _inflate_damaged(data: bytes, limit: int) -> bytes:
    """What inflates before the damage (as pdfminer keeps it), by pieces; the damaged piece byte by byte."""
    inflater, out = zlib.decompressobj(), bytearray()
    for start in range(0, len(data), _PIECE):
        before = inflater.copy()
        try:
            out += inflater.decompress(data[start : start + _PIECE], limit + 1 - len(out))
        except zlib.error:
            out += _up_to_damage(before, data[start : start + _PIECE], limit + 1 - len(out))
            break
        if len(out) > limit or inflater.unconsumed_tail:
            return bytes(out) + b"\0"  # past the limit: the caller refuses it
    if not out:
        raise zlib.error("damaged from the start")
    return bytes(out)


def _up_to_damage(inflater: Any, piece: bytes, room: int) -> bytes:
    out = bytearray()
    for index in range(len(piece)):
        if len(out) >= room:  # max_length 0 would mean no limit at all
            break
        try:
            out += inflater.decompress(piece[index : index + 1], room - len(out))
        except zlib.error:
            break
    return bytes(out)


def lzw_inflate(data: bytes, limit: int = MAX_PDF_STREAM_BYTES) -> bytes:
    """LZW data decoded, never past ``limit`` bytes."""
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    pieces, size = [], 0
    for piece in LZWDecoder(BytesIO(data)).run():
        size += len(piece)
        if size > limit:
            raise too_large(f"PDF 中有一个数据流解压后超过 {_mb(limit)} MB 的上限")
        pieces.append(piece)
    _spend(size)
    return b"".join(pieces)


def _spend(size: int) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend(size)


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes: the same names, inflation bounded."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        return inflate(data)


def bound_pdfminer() -> None:
    """Make pdfminer inflate (Flate, LZW) within the limits above; done once per process."""
    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _BoundedZlib):
        pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
        pdftypes.lzwdecode = lzw_inflate


def check_page_content(page_object: Any, number: int, limit: int = MAX_PAGE_CONTENT_BYTES) -> None:
    """Refuse a page whose content streams inflate past ``limit`` bytes, before it is laid out."""
    from pdfminer.pdftypes import resolve1, stream_value

    size = 0
    for content in page_object.contents or []:
        size += len(stream_value(resolve1(content)).get_data())
        if size > limit:
            raise too_large(f"PDF 第 {number} 页的内容解压后超过 {_mb(limit)} MB 的上限")


@dataclass
class GlyphBudget:
    """Glyphs laid out so far: per page and for the whole file."""

    page_limit: int = MAX_PAGE_GLYPHS
    file_limit: int = MAX_GLYPHS
    page_number: int = 0
    on_page: int = 0
    total: int = 0

    def new_page(self, number: int) -> None:
        self.page_number, self.on_page = number, 0

    def spend(self) -> None:
        self.on_page += 1
        self.total += 1
        if self.on_page > self.page_limit:
            raise too_large(f"PDF 第 {self.page_number} 页的字符超过 {self.page_limit} 个的上限")
        if self.total > self.file_limit:
            raise too_large(f"PDF 的字符总数超过 {self.file_limit} 个的上限（读到第 {self.page_number} 页）")


def lay_out(page: Any, budget: GlyphBudget) -> None:
    """Lay out a pdfplumber page as pdfplumber would, counting glyphs as they are drawn (stops at the budget)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class CountingDevice(PDFPageAggregatorWithMarkedContent):
        def render_char(self, *args: Any, **kwargs: Any) -> float:
            budget.spend()
            return float(super().render_char(*args, **kwargs))

    device = CountingDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


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

    name = ""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
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
