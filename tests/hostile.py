"""Test helper: hostile files built in the test (never shipped): bombs, oversized streams, lying archives.

Each is what an attacker would upload: a small file that expands to gigabytes, or a structure
that makes a reader work without end. They are written byte by byte, so nothing here depends on
a library refusing to write a broken file.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def deflate_repeated(piece: bytes, times: int) -> bytes:
    """zlib data inflating to ``piece * times``, made in a moment whatever its inflated size.

    After a full flush a deflate stream forgets what came before, so every further copy of the
    piece compresses to the same bytes: compress two, repeat the second, checksum the whole.
    """
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflater.compress(piece) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(piece) + deflater.flush(zlib.Z_FULL_FLUSH)
    body = first + again * (times - 1) + deflater.flush()
    checksum = 1
    for _ in range(times):
        checksum = zlib.adler32(piece, checksum)
    return b"\x78\xda" + body + struct.pack(">I", checksum)


def pdf(page_streams: list[bytes], compressed: bool = True) -> bytes:
    """A PDF whose pages have these content streams (zlib data when ``compressed``), Helvetica as /F1."""
    objects: list[bytes] = []
    count = len(page_streams)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(_FONT)
    for i, stream in enumerate(page_streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        flate = b" /Filter /FlateDecode" if compressed else b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_ops(glyphs: int, per_show: int = 100) -> bytes:
    """A page's content drawing ``glyphs`` characters, ``per_show`` per text operator."""
    shows = b"(" + b"A" * per_show + b") Tj\n"
    return b"BT /F1 1 Tf 10 800 Td\n" + shows * (glyphs // per_show) + b"ET"


def spaces_bomb_pdf(inflated: int = 1536 * MB) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes of spaces (1.5 GB: about 1.5 MB)."""
    return pdf([deflate_repeated(b" " * MB, inflated // MB)])


def binary_bomb_pdf(inflated: int = 1536 * MB) -> bytes:
    """One stream that inflates to ``inflated`` zero bytes (as an image or a font would be binary)."""
    return pdf([deflate_repeated(b"\0" * MB, inflated // MB)])


def big_content_pdf(size: int = 18 * MB, compressed: bool = True) -> bytes:
    """One page with a ``size``-byte content stream of text operators."""
    ops = text_ops(10_000)
    times = size // len(ops)
    return pdf([deflate_repeated(ops, times) if compressed else ops * times], compressed)


def many_glyphs_pdf(pages: int = 300, glyphs: int = 20_000) -> bytes:
    """``pages`` pages of ``glyphs`` characters each."""
    stream = zlib.compress(text_ops(glyphs))
    return pdf([stream] * pages)


@dataclass
class ZipEntry:
    """One archive member as stored: its compressed bytes and what the directory says about it."""

    name: str
    stored: bytes
    size: int  # the declared inflated size
    crc: int
    method: int = 8  # 8: deflate, 0: stored
    version_needed: int = 20

    @classmethod
    def of(cls, name: str, data: bytes) -> ZipEntry:
        deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, deflater.compress(data) + deflater.flush(), len(data), zlib.crc32(data))


def zip_bytes(entries: list[ZipEntry]) -> bytes:
    """An archive written from its entries as given, lies included."""
    out, directory = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            e.version_needed,
            0,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.stored),
            e.size,
            len(name),
            0,
        )
        out += name + e.stored
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            e.version_needed,
            0,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.stored),
            e.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + end)


def docx_entries(docx: bytes) -> list[ZipEntry]:
    """The members of a real .docx, to be tampered with and written again by ``zip_bytes``."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [ZipEntry.of(info.filename, archive.read(info)) for info in archive.infolist()]


def lying_docx(docx: bytes, inflated: int = 1024 * MB, declared: int = 16 * MB) -> bytes:
    """The .docx with its document.xml inflating to ``inflated`` bytes while declaring ``declared``."""
    entries = docx_entries(docx)
    for entry in entries:
        if entry.name == "word/document.xml":
            entry.stored = deflate_repeated(b" " * MB, inflated // MB)[2:-4]  # raw deflate: no zlib header, no checksum
            entry.size, entry.crc = declared, 0
    return zip_bytes(entries)
