"""Bytes to text: the encodings reports come in (UTF-8 with or without BOM, UTF-16, GBK/GB18030)."""

from __future__ import annotations

import codecs
import re

from nianbao.errors import ReadFailure, ReportReadError

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
