"""This year's figures from a file, whatever it is: cells CSV, XLSX, a CSV table, or Chinese sentences.

For ``nianbao draft --facts FILE`` and uploads: the file's content (not its name) decides how it
is read, and the result is the same as for a chat message: proposed changes and notes.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.errors import InvalidInputError, ReportReadError
from nianbao.intake.extractor import Extraction, extract
from nianbao.intake.spreadsheet import check_file_size, load_file, read_guarded, read_spreadsheet_bytes
from nianbao.readers import DEFAULT_LIMITS, ReadLimits
from nianbao.schema import ReportFormat


def read_facts(
    path: str | Path, fmt: ReportFormat = ReportFormat.F2021, max_bytes: int = DEFAULT_LIMITS.max_bytes
) -> Extraction:
    """The figures a file gives; InvalidInputError (Chinese) when it cannot be read."""
    path = Path(path)
    return read_facts_bytes(load_file(path, "数据文件", max_bytes), path.name, fmt, max_bytes)


def read_facts_guarded(
    path: str | Path, fmt: ReportFormat = ReportFormat.F2021, limits: ReadLimits = DEFAULT_LIMITS
) -> Extraction:
    """``read_facts`` in a worker process, within ``limits`` (nianbao.readers.guard)."""
    path = Path(path)
    return read_facts_bytes_guarded(load_file(path, "数据文件", limits.max_bytes), path.name, fmt, limits)


def read_facts_bytes_guarded(
    data: bytes, name: str = "", fmt: ReportFormat = ReportFormat.F2021, limits: ReadLimits = DEFAULT_LIMITS
) -> Extraction:
    """``read_facts_bytes`` in a worker process, within ``limits``."""
    return read_guarded(read_facts_bytes, data, name, fmt, "数据文件", limits)


def read_facts_bytes(
    data: bytes, name: str = "", fmt: ReportFormat = ReportFormat.F2021, max_bytes: int = DEFAULT_LIMITS.max_bytes
) -> Extraction:
    """The figures of a file given as bytes: a spreadsheet when it looks like one, else sentences."""
    check_file_size(len(data), name, "数据文件", max_bytes)
    if data.startswith(b"PK\x03\x04") or _looks_tabular(data):
        sheet = read_spreadsheet_bytes(data, name, fmt, max_bytes)
        return Extraction(changes=sheet.changes, notes=sheet.notes)
    text = _decode(data, name)
    if not text.strip():
        raise InvalidInputError(f"数据文件“{name}”是空的。")
    result = extract(text, fmt)
    if not result.changes:
        raise InvalidInputError(f"数据文件“{name}”中没有读到可以填入表格的数字。" + "".join(result.notes[:3]))
    return result


def _decode(data: bytes, name: str) -> str:
    from nianbao.readers.text import decode

    try:
        return decode(data)
    except ReportReadError as e:
        raise InvalidInputError(f"无法读取数据文件“{name}”：{e.message}") from e


def _looks_tabular(data: bytes) -> bool:
    """Most lines split into three or more fields by commas or tabs (a CSV, not sentences)."""
    head = data[:65536]
    if head.lstrip(b"\xef\xbb\xbf").lower().startswith(b"table,row,column,value"):
        return True
    lines = [line for line in head.splitlines() if line.strip()]
    tabular = [line for line in lines if line.count(b",") >= 2 or line.count(b"\t") >= 2]
    return bool(lines) and len(tabular) * 2 > len(lines)
