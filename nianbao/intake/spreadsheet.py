"""Figures from a spreadsheet: XLSX or CSV in the official table layout, or the cells CSV of ``nianbao cells``.

A sheet in the official layout has the rows with their official labels and their values
(依申请公开: 7 columns). Its rows are placed on canonical cells by the same code that reads
published reports (``nianbao.readers.tables``); the table a row belongs to is found from the part
headings (二、主动公开政府信息情况 …) or, without them, from the table's own header words.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field

from nianbao.errors import InvalidInputError, ReportReadError
from nianbao.intake.by_applicant import applicant_rows_changes
from nianbao.intake.changes import CellChange
from nianbao.model import Report, blank_cells
from nianbao.numerals import normalize_digits
from nianbao.readers import DEFAULT_LIMITS, ReadLimits
from nianbao.readers.document import Line, clean
from nianbao.readers.tables import is_value_token, parse_value, place_table_lines
from nianbao.schema import PART_TITLE_VARIANTS, REQUEST_COLUMNS, ReportFormat, TableId, addresses, row_spec

T = TypeVar("T")

CELLS_HEADER = ["table", "row", "column", "value"]
# The end of the message when reading a spreadsheet overran NIANBAO_READ_TIMEOUT.
SHEET_ADVICE = "请检查表格，或只保留年度报告的表格、另存为 .xlsx 或 CSV 后再试。"
_TABLE_PARTS = ("二", "三", "四")
_START_WORDS = {
    "二": ("第二十条", "信息内容", "规章", "行政许可"),
    "三": ("申请人情况", "勾稽关系", "本年新收"),
    "四": ("结果维持", "未经复议直接起诉", "行政复议", "行政诉讼"),
}


class SheetIntake(BaseModel):
    """The cells a spreadsheet gives, and notes on rows that could not be placed."""

    changes: list[CellChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def read_spreadsheet(
    path: str | Path, fmt: ReportFormat = ReportFormat.F2021, max_bytes: int = DEFAULT_LIMITS.max_bytes
) -> SheetIntake:
    """Read an XLSX or CSV file of figures; InvalidInputError (Chinese) when it cannot be used."""
    path = Path(path)
    return read_spreadsheet_bytes(load_file(path, "表格文件", max_bytes), path.name, fmt, max_bytes)


def load_file(path: Path, what: str, max_bytes: int = DEFAULT_LIMITS.max_bytes) -> bytes:
    """The bytes of a file within the size limit (NIANBAO_MAX_FILE_MB); InvalidInputError (Chinese) if not."""
    try:
        check_file_size(path.stat().st_size, path.name, what, max_bytes)
        return path.read_bytes()
    except OSError as e:
        raise InvalidInputError(f"无法打开{what}“{path.name}”：文件不存在或无法读取。") from e


def check_file_size(size: int, name: str, what: str, max_bytes: int = DEFAULT_LIMITS.max_bytes) -> None:
    """InvalidInputError when a file is larger than ``max_bytes`` (NIANBAO_MAX_FILE_MB, as for reports)."""
    if size > max_bytes:
        mb = f"{max_bytes / 1024 / 1024:.2f}".rstrip("0").rstrip(".")
        raise InvalidInputError(f"{what}“{name}”太大（{size / 1024 / 1024:.1f} MB），超过 {mb} MB 的上限。")


def read_spreadsheet_bytes_guarded(
    data: bytes, name: str = "", fmt: ReportFormat = ReportFormat.F2021, limits: ReadLimits = DEFAULT_LIMITS
) -> SheetIntake:
    """``read_spreadsheet_bytes`` in a worker process, within ``limits`` (for uploads)."""
    return read_guarded(read_spreadsheet_bytes, data, name, fmt, "表格文件", limits)


def read_guarded(
    read: Callable[..., T], data: bytes, name: str, fmt: ReportFormat, what: str, limits: ReadLimits = DEFAULT_LIMITS
) -> T:
    """``read(data, name, fmt, max_bytes)`` in a worker process (nianbao.readers.guard), within ``limits``; a file
    over the size limit is refused before it is sent there."""
    from nianbao.readers.guard import run_guarded

    check_file_size(len(data), name, what, limits.max_bytes)
    return run_guarded(read, data, name, fmt, limits.max_bytes, limits=limits, advice=SHEET_ADVICE)


def read_spreadsheet_bytes(
    data: bytes, name: str = "", fmt: ReportFormat = ReportFormat.F2021, max_bytes: int = DEFAULT_LIMITS.max_bytes
) -> SheetIntake:
    """The figures of a spreadsheet given as bytes (XLSX by content, otherwise CSV text)."""
    check_file_size(len(data), name, "表格文件", max_bytes)
    if not data.strip():
        raise InvalidInputError(f"表格文件“{name}”是空的。")
    rows = _xlsx_rows(data, name) if data.startswith(b"PK\x03\x04") else _csv_rows(data, name)
    if rows and rows[0] and [clean(c).lower() for c in rows[0][:4]] == CELLS_HEADER:
        return SheetIntake(changes=cells_csv_changes(rows[1:], fmt, name))
    rows = [[_value_text(c) for c in row] for row in rows]
    by_applicant = applicant_rows_changes(rows, fmt)
    if by_applicant is not None and by_applicant[0]:
        return SheetIntake(changes=by_applicant[0], notes=by_applicant[1])
    return layout_changes(rows, fmt, name)


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    from nianbao.readers.bounds import check_inflation

    check_inflation(data, f"Excel 文件“{name}”")  # inflated piece by piece, within limits, before openpyxl
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SyntaxError as e:
        raise _broken_sheet(name) from e
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError) as e:
        raise InvalidInputError(f"“{name}”不是可以打开的 Excel（.xlsx）文件，请另存为 .xlsx 或 CSV 后再试。") from e
    rows: list[list[str]] = []
    try:
        for sheet in book.worksheets:
            rows.extend([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            rows.append([])
    except SyntaxError as e:
        raise _broken_sheet(name) from e
    finally:
        book.close()
    return rows


_COUNTED = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:件|个|条|项|宗|起|件次|万元)")


def _value_text(cell: str) -> str:
    """``３０件`` or ``2.156万元`` typed in a cell: the number (a cell that is not one would shift the row's values)."""
    text = normalize_digits(cell)
    counted = _COUNTED.fullmatch(text.strip())
    return counted.group(1) if counted else text


def _broken_sheet(name: str) -> InvalidInputError:
    """A sheet's XML malformed, or with entities that expand without end (expat's ParseError, a SyntaxError)."""
    return InvalidInputError(f"Excel 文件“{name}”中的工作表已损坏（XML 无法解析），请另存为 .xlsx 或 CSV 后再试。")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value).strip()


NOT_A_SHEET = "“{name}”不是文本格式的 CSV 文件，也不是 Excel（.xlsx）文件，请另存为 .xlsx 或 CSV 后再试。"


def _csv_rows(data: bytes, name: str) -> list[list[str]]:
    from nianbao.readers.text import decode

    try:
        text = decode(data)
    except ReportReadError as e:  # its message is about reports (TXT、PDF …), not spreadsheets
        raise InvalidInputError(NOT_A_SHEET.format(name=name)) from e
    if "\x00" in text:
        raise InvalidInputError(NOT_A_SHEET.format(name=name))
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    try:
        return [list(row) for row in reader]
    except csv.Error as e:  # a field over the csv module's limit (128 KB), a NUL in a quoted field …
        raise InvalidInputError(f"无法读取 CSV 文件“{name}”：第 {reader.line_num} 行格式有误（{e}）。") from e


def cells_csv_changes(rows: list[list[str]], fmt: ReportFormat, name: str = "") -> list[CellChange]:
    """The rows ``table,row,column,value`` of ``nianbao cells`` as changes (empty values skipped)."""
    known = set(addresses(fmt))
    changes: list[CellChange] = []
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 4:
            raise InvalidInputError(f"“{name}”第 {number} 行应有 table,row,column,value 四列，实际只有 {len(row)} 列。")
        table_name, key, column, raw = (clean(c) for c in row[:4])
        table = next((t for t in TableId if t.value == table_name), None)
        if table is None or (table, key, column) not in known:
            raise InvalidInputError(f"“{name}”第 {number} 行：表格中没有“{table_name} / {key} / {column}”这个单元格。")
        if not raw:
            continue
        value = parse_value(raw, row_spec(fmt, table, key).kind_of(column))
        if value is None or value < 0:
            raise InvalidInputError(f"“{name}”第 {number} 行：“{raw}”不是有效的数字。")
        changes.append(CellChange(table=table, row=key, column=column, new=value, source_text=",".join(row[:4])))
    return changes


_COLUMN_NAMES = {
    "自然人": "自然人",
    "商业企业": "商业企业",
    "企业": "商业企业",
    "科研机构": "科研机构",
    "社会组织": "社会组织",
    "社会公益组织": "社会组织",
    "法律服务机构": "法律服务机构",
    "其他": "其他",
    "其他组织": "其他",
    "总计": "总计",
    "合计": "总计",
}
_APPEAL_NAMES = {
    "结果维持": "结果维持",
    "维持": "结果维持",
    "结果纠正": "结果纠正",
    "纠正": "结果纠正",
    "其他结果": "其他结果",
    "尚未审结": "尚未审结",
    "未审结": "尚未审结",
    "总计": "总计",
    "合计": "总计",
}
_OFFICIAL_ORDERS = (
    (_COLUMN_NAMES, ("自然人", "商业企业", "科研机构", "社会组织", "法律服务机构", "其他", "总计")),
    (_APPEAL_NAMES, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")),
)


_LEFT_OUT = -1
_MIN_NAMED = 4
"""A heading naming at least this many of a table's columns, 总计 among them, says where each one is."""
_TOTALS_ONLY = [-2]
"""The heading of a 依申请公开 table that gives one number per row: 项目 | 总计 (or 数量, 件数)."""
_TOTAL_HEADINGS = ("总计", "合计", "数量", "件数", "数量（件）", "件数（件）", "总数")


def _column_positions(row: list[str]) -> list[int] | None:
    """Where each official column stands in a heading row naming all of them, in the official order
    (``_TOTALS_ONLY`` for a heading that names only a total)."""
    names = [clean(c).replace(" ", "") for c in row]
    filled = [n for n in names if n]
    if len(filled) <= 2 and filled[-1:] and filled[-1] in _TOTAL_HEADINGS:
        return _TOTALS_ONLY
    for synonyms, official in _OFFICIAL_ORDERS:
        named = [synonyms[n] for n in names if n in synonyms]
        where = {synonyms[n]: i for i, n in enumerate(names) if n in synonyms}
        positions = sorted(where.values())
        whole = len(where) == len(named) and positions and positions[-1] - positions[0] + 1 == len(named)
        if whole and "总计" in where and len(where) >= _MIN_NAMED:  # a column left out (科研机构) stays blank
            return [where.get(column, _LEFT_OUT) for column in official]
    return None


def _moved(row: list[str], positions: list[int]) -> list[str]:
    given = [p for p in positions if p != _LEFT_OUT]
    cells = [*row, *[""] * (max(given) + 1 - len(row))]
    moved = [cells[p] if p != _LEFT_OUT else "" for p in positions]
    return [*cells[: min(given)], *moved, *cells[max(given) + 1 :]]


def layout_changes(rows: list[list[str]], fmt: ReportFormat, name: str = "") -> SheetIntake:
    """Rows in the official table layout placed on canonical cells."""
    sections = _sections(rows)
    if not sections:
        raise InvalidInputError(
            f"“{name}”中没有找到标准表格：{_LEDGER_ADVICE if _is_ledger(rows) else ''}请使用年度报告格式中的表格"
            "（含“本年新收政府信息公开申请数量”等行名），或 nianbao cells 导出的 table,row,column,value 表格。"
        )
    scratch = Report(format=fmt, cells=blank_cells(fmt))
    findings = place_table_lines(scratch, sections)
    changes = [
        CellChange(table=c.table, row=c.row, column=c.column, new=c.value, source_text=c.raw)
        for c in scratch.cells
        if c.value is not None
    ]
    # A row the sheet leaves out is fine (partial figures); a row given twice is worth a note.
    notes = [f.message for f in findings if f.rule != "structure.rows" or f.found != "0"]
    notes.extend(_unreadable(scratch))
    if not changes:
        raise InvalidInputError(f"“{name}”的表格中没有可以识别的数字。" + "".join(notes[:3]))
    return SheetIntake(changes=changes, notes=notes)


_LEDGER_HEADINGS = ("序号", "申请人类型", "申请人类别", "办理结果", "答复结果", "处理结果", "收到日期", "申请日期")
_LEDGER_ADVICE = "这像是逐件登记的申请台账，请按申请人类别和办理结果汇总后再上传（或在对话中说明各项数字）；"


def _is_ledger(rows: list[list[str]]) -> bool:
    """A heading row of an application-by-application 台账 (序号, 申请人类型, 办理结果 …)."""
    return any(sum(clean(c) in _LEDGER_HEADINGS for c in row) >= 2 for row in rows[:10])


def _unreadable(report: Report) -> list[str]:
    return [
        f"{c.table.value} / {report.row_label(c.table, c.row)} / {c.column}：“{c.raw}”不是数字，未填入。"
        for c in report.cells
        if c.value is None and not c.is_blank
    ]


def _sections(rows: list[list[str]]) -> dict[str, list[Line]]:
    """The rows of each table (二, 三, 四). A table whose columns are named in one heading row in another order
    (总计 first, 合计 维持 纠正 …) has its values moved under the official order, which the reader places by
    position."""
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    moves: list[int] | None = None
    for row in rows:
        cells = [clean(c) for c in row]
        text = "".join(cells)
        if not text:
            continue
        section = _section_of(text, current)
        found = _column_positions(cells)
        if found is not None or (current is not None and section != current):
            moves = found if found is not None and (found is _TOTALS_ONLY or found != sorted(found)) else None
        current = section
        if current == "三" and moves == _TOTALS_ONLY:
            cells = _total_only(cells)
        elif moves:
            cells = _moved(cells, moves)
        if current is not None:
            sections.setdefault(current, []).append(Line(cells, grid=True))
    return sections


def _total_only(cells: list[str]) -> list[str]:
    """``本年新收政府信息公开申请数量 | 34`` under a heading 总计/数量: the row's 总计, the applicant columns blank."""
    values = [i for i, c in enumerate(cells) if c and is_value_token(c)]
    if len(values) != 1 or any(c for c in cells[values[0] + 1 :]):
        return cells
    label = [c for c in cells[: values[0]] if c]
    return [*label, *[""] * (len(REQUEST_COLUMNS) - 1), cells[values[0]]]


def _section_of(text: str, current: str | None) -> str | None:
    squashed = text.replace(" ", "")
    has_digits = any(ch.isdigit() for ch in squashed)
    for number in _TABLE_PARTS:
        heading = not has_digits and squashed.startswith(number)
        if heading and number != current and any(v in squashed for v in PART_TITLE_VARIANTS[number]):
            return number
        if number != current and any(w in squashed for w in _START_WORDS[number]):
            return number
    return current
