"""Rows of the tables pasted into the chat from a spreadsheet: a label, then its numbers, separated by tabs
(or by spaces, as WPS and some browsers paste them).

Without a heading row the columns can only be the official ones, in their order, so a row is read only when
it can be nothing else:
- 依申请公开: seven numbers, the last the sum of the six before it (自然人 … 其他, 总计); a heading row of
  applicant types pasted above gives their order;
- 复议诉讼: five numbers under a row's name, or the table's one row of fifteen (行政复议, 未经复议直接起诉,
  复议后起诉), each 总计 the sum of the four results before it;
- 主动公开: as many numbers as the row has columns (规章 制发, 废止, 现行有效), from tabs only: nothing checks
  them, and numbers typed with spaces (规范性文件 5 2 41) are asked, like 5/2/41.
Any other pasted row is asked about, never read as a sentence (its last number would be taken for a total).
"""

from __future__ import annotations

import re

from nianbao.intake.by_applicant import row_of_heading
from nianbao.intake.changes import CellChange
from nianbao.intake.lexicon import ColumnRef, RowRef
from nianbao.intake.tokens import tokenize
from nianbao.model import CellNumber
from nianbao.readers.document import clean
from nianbao.readers.tables import is_value_token, parse_value
from nianbao.schema import APPEAL_COLUMNS, REQUEST_COLUMNS, ReportFormat, TableId, ValueKind, row_spec

_MIN_TABS = 2
_SPACED_ROW = re.compile(r"^(?P<label>.*?)(?P<numbers>(?:[ \t\u3000]+\d+(?:\.\d+)?){3,})[ \t\u3000]*$")
"""``（一）予以公开 16 2 0 0 0 0 18``: a label, then three numbers or more, each after spaces."""
_UNNAMED = {"总计": "总计", "合计": "总计", "其他": "其他", "其它": "其他"}
"""Headings the lexicon reads as words (其他 = other, 总计 = a total), not as the column they name here."""
_APPEAL_ROWS = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
NOT_A_ROW = (
    "像是从表格复制的一行，但行名或数字对不上表格（依申请公开为行名和自然人、商业企业、科研机构、社会组织、"
    "法律服务机构、其他、总计七个数；复议诉讼为维持、纠正、其他结果、尚未审结、总计五个数），"
    "请上传表格文件，或用一句话说明。"
)


def pasted_rows(text: str, fmt: ReportFormat) -> tuple[list[CellChange], list[str], str]:
    """The cells of the pasted rows, notes on those not read, and the text with every pasted row blanked
    (same length, so the positions of the rest keep)."""
    changes: list[CellChange] = []
    notes: list[str] = []
    kept: list[str] = []
    order: tuple[str, ...] = REQUEST_COLUMNS
    for line in text.split("\n"):
        cells = _cells(line)
        if cells is None:
            heading = _applicant_heading(line)
            order = heading or order
            kept.append(" " * len(line) if heading else line)
            continue
        kept.append(" " * len(line))
        tabbed = "\t" in line
        read = _row(cells, fmt, order, tabbed)
        if read is None:
            notes.append(f"这句没有读懂：“{line.strip()}”——{NOT_A_ROW}")
        changes.extend(read or [])
    return changes, notes, "\n".join(kept)


def _cells(line: str) -> list[str] | None:
    """The label and numbers of a pasted row, or None when the line is not one."""
    if line.count("\t") >= _MIN_TABS:
        cells = [clean(c) for c in line.split("\t")]
        if len([c for c in cells if c and is_value_token(c)]) >= _MIN_TABS:
            return cells
    if not line.rstrip()[-1:].isdigit():
        return None
    spaced = _SPACED_ROW.match(line)
    if spaced is None or not (label := spaced.group("label").strip()) or label[-1].isdigit():
        return None
    return [clean(label), *spaced.group("numbers").split()]


def _applicant_heading(line: str) -> tuple[str, ...] | None:
    """A heading row of the seven columns of 依申请公开 in the order the sheet keeps them, or None."""
    if line.count("\t") < _MIN_TABS:
        return None
    columns: list[str] = []
    for cell in (clean(c) for c in line.split("\t")):
        refs = [r for t in tokenize(cell) for r in t.refs] if cell else []
        named = [r.column for r in refs if isinstance(r, ColumnRef) and r.table is TableId.REQUESTS]
        columns += named[:1] or [_UNNAMED.get(cell, "")][: cell in _UNNAMED]
    return tuple(columns) if sorted(columns) == sorted(REQUEST_COLUMNS) else None


def _row(cells: list[str], fmt: ReportFormat, order: tuple[str, ...], tabbed: bool) -> list[CellChange] | None:
    label = "".join(c for c in cells if c and not is_value_token(c))
    raw = [c for c in cells if c and is_value_token(c)]
    source = "\t".join(c for c in cells if c)
    if len(raw) == len(REQUEST_COLUMNS):
        key = row_of_heading(label, "", fmt)
        counts = _counts(raw)
        if (
            key is None
            or counts is None
            or sum(counts[i] for i, c in enumerate(order) if c != "总计") != counts[order.index("总计")]
        ):
            return None
        return [
            _change(TableId.REQUESTS, key, column, count, source) for column, count in zip(order, counts, strict=True)
        ]
    if len(raw) in (len(APPEAL_COLUMNS), len(APPEAL_COLUMNS) * len(_APPEAL_ROWS)):
        return _appeal_rows(label, raw, source)
    return _active_row(label, raw, fmt, source) if tabbed else None


def _appeal_rows(label: str, raw: list[str], source: str) -> list[CellChange] | None:
    """复议诉讼: one row of five under its name, or the table's row of fifteen (its label only names the table)."""
    rows = [r.key for r in _row_refs(label) if r.table is TableId.APPEALS and r.key in _APPEAL_ROWS]
    others = [r for r in _row_refs(label) if r.table is not TableId.APPEALS]
    if len(raw) == len(APPEAL_COLUMNS):
        if len(set(rows)) != 1:
            return None
        named = rows[:1]
    else:
        if rows or others:
            return None
        named = list(_APPEAL_ROWS)
    counts = _counts(raw)
    if counts is None:
        return None
    size = len(APPEAL_COLUMNS)
    groups = [counts[i * size : (i + 1) * size] for i in range(len(named))]
    if any(sum(g[:-1]) != g[-1] for g in groups):
        return None
    return [
        _change(TableId.APPEALS, row, column, count, source)
        for row, group in zip(named, groups, strict=True)
        for column, count in zip(APPEAL_COLUMNS, group, strict=True)
    ]


def _active_row(label: str, raw: list[str], fmt: ReportFormat, source: str) -> list[CellChange] | None:
    """主动公开: a row named alone (规章, 行政许可), as many numbers as its columns, in their order."""
    refs = [r for t in tokenize(label) for r in t.refs]
    rows = {r.key for r in refs if isinstance(r, RowRef)}
    if len(rows) != 1 or any(
        isinstance(r, ColumnRef) or (isinstance(r, RowRef) and r.table is not TableId.ACTIVE) for r in refs
    ):
        return None
    try:
        spec = row_spec(fmt, TableId.ACTIVE, rows.pop())
    except KeyError:  # a row the report's format does not have
        return None
    if len(raw) != len(spec.columns):
        return None
    values = [parse_value(v, spec.kind_of(c)) for v, c in zip(raw, spec.columns, strict=True)]
    if any(v is None for v in values):
        return None
    return [
        _change(TableId.ACTIVE, spec.key, column, value, source)
        for column, value in zip(spec.columns, values, strict=True)
        if value is not None
    ]


def _row_refs(label: str) -> list[RowRef]:
    return [r for t in tokenize(label) for r in t.refs if isinstance(r, RowRef) and r.rank >= 1]


def _counts(raw: list[str]) -> list[int] | None:
    values = [parse_value(v, ValueKind.COUNT) for v in raw]
    return None if any(v is None for v in values) else [int(v or 0) for v in values]


def _change(table: TableId, row: str, column: str, value: CellNumber, source: str) -> CellChange:
    return CellChange(table=table, row=row, column=column, new=value, source_text=source)
