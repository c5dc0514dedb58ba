"""Read a report file of any supported format (TXT, Markdown, HTML, DOCX, PDF) into a Report."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers.document import Document

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may take: its size, its time, and its worker's memory beyond its start (MB; 0: no
    ceiling). The defaults are those of NIANBAO_MAX_FILE_MB, NIANBAO_READ_TIMEOUT and NIANBAO_READ_MEMORY_MB;
    the shells pass the configured ones down (``Settings.read_limits``)."""

    max_bytes: int = 20 * MB
    timeout: float = 60.0
    memory_mb: int = 400


DEFAULT_LIMITS = ReadLimits()


def read_report(path: str | Path, max_bytes: int = DEFAULT_LIMITS.max_bytes) -> Report:
    """Read a report file; ReportReadError (with a Chinese message) when it cannot be read."""
    path = Path(path)
    data = _load(path, max_bytes)
    return read_report_bytes(data, path.name, max_bytes)


def read_report_bytes(data: bytes, name: str = "", max_bytes: int = DEFAULT_LIMITS.max_bytes) -> Report:
    """Read a report from its bytes; ``name`` is only used in messages and as the source."""
    from nianbao.readers.parse import parse_document

    check_size(len(data), max_bytes)
    return parse_document(read_document(data, name))


def read_document(data: bytes, name: str = "") -> Document:
    """The lines of a file, by what the bytes are (not by the file name's extension)."""
    kind = sniff(data)
    if kind == "pdf":
        from nianbao.readers.pdf import read_pdf

        return read_pdf(data, name)
    if kind == "docx":
        from nianbao.readers.docx import read_docx

        return read_docx(data, name)
    if kind == "html":
        from nianbao.readers.html import read_html

        return read_html(data, name)
    from nianbao.readers.text import read_text

    return read_text(data, name)


def sniff(data: bytes) -> str:
    """'pdf', 'docx', 'html' or 'text'; ReportReadError for other binary formats."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise ReportReadError(
            ReadFailure.ENCRYPTED, "这个 Word 文件设置了打开密码（已加密），无法读取；请取消密码后另存为 .docx 再上传。"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportReadError(
            ReadFailure.NOT_A_REPORT,
            "这是旧版 Word（.doc）或 Excel 文件，暂不支持，请另存为 .docx 后再上传。",
        )
    head = data[:4096].lower()
    if b"<html" in head or b"<!doctype html" in head or b"<body" in head or head.lstrip().startswith(b"<"):
        return "html"
    # A table alone is no web page: Markdown converted from a PDF writes its tables as HTML between
    # lines of text (the text reader reads them); a page's fragment has its paragraphs in tags too.
    if b"<table" in head and any(tag in head for tag in _PARAGRAPH_TAGS):
        return "html"
    return "text"


_PARAGRAPH_TAGS = (b"<p>", b"<p ", b"<div", b"<br", b"<span")


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:  # NotImplemented: a zip version
        raise ReportReadError(ReadFailure.DAMAGED, "文件已损坏：这是一个无法打开的压缩包（.docx）。") from e
    if "word/document.xml" in names:
        return "docx"
    raise ReportReadError(ReadFailure.NOT_A_REPORT, "这是一个压缩包，但不是 Word（.docx）文档，无法作为年度报告读取。")


def _load(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise ReportReadError(ReadFailure.NOT_FOUND, f"找不到文件：{path}") from e
    except OSError as e:
        raise ReportReadError(ReadFailure.NOT_FOUND, f"无法打开文件：{path}（{e.strerror}）") from e
    check_size(size, max_bytes)
    if path.is_dir():
        raise ReportReadError(ReadFailure.NOT_FOUND, f"这是一个文件夹，不是文件：{path}")
    return path.read_bytes()


def check_size(size: int, max_bytes: int) -> None:
    """ReportReadError for an empty file or one larger than ``max_bytes``."""
    if size == 0:
        raise ReportReadError(ReadFailure.EMPTY, "文件是空的（0 字节），没有可读取的内容。")
    if size > max_bytes:
        raise ReportReadError(
            ReadFailure.TOO_LARGE,
            f"文件太大（{size / 1024 / 1024:.1f} MB），超过 {_megabytes(max_bytes)} MB 的上限。",
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.2f}".rstrip("0").rstrip(".")
