"""依申请公开 kept one row per applicant type: the rows are 自然人, 商业企业 … 合计, the columns the outcomes.

Offices often keep their 台账 summary this way (the official table turned on its side), with the
column headings in their own words (新收申请, 予以公开, 不予公开—国家秘密, 本机关不掌握, 结转下年度),
sometimes under a merged group heading (不予公开 over 国家秘密 … 行政查询事项). A heading is read with
the chat's lexicon, so the same words mean the same rows.
"""

from __future__ import annotations

from nianbao.intake.changes import CellChange
from nianbao.intake.lexicon import REQ, ColumnRef, GroupRef, Ref, RowRef
from nianbao.intake.tokens import tokenize
from nianbao.readers.document import clean
from nianbao.readers.tables import parse_value
from nianbao.schema import ReportFormat, row_spec, rows_of

_TOTAL_WORDS = ("合计", "总计", "小计")
_MIN_COLUMNS = 3


def applicant_rows_changes(rows: list[list[str]], fmt: ReportFormat) -> tuple[list[CellChange], list[str]] | None:
    """The cells of a sheet in this layout and notes on headings not understood; None if it is not one."""
    for index, row in enumerate(rows):
        above = rows[index - 1] if index else []
        columns = _heading_rows(above, row, fmt)
        if len([c for c in columns if c]) >= _MIN_COLUMNS and _applicant_of(_first(rows, index + 1)) is not None:
            return _read_body(rows[index + 1 :], columns, row, fmt)
    return None


def _first(rows: list[list[str]], index: int) -> list[str]:
    return rows[index] if index < len(rows) else []


def _heading_rows(above: list[str], row: list[str], fmt: ReportFormat) -> list[str | None]:
    """The row key under each column: the heading, with a merged group heading above carried right."""
    group = ""
    keys: list[str | None] = []
    for position, cell in enumerate(row):
        over = clean(above[position]) if position < len(above) else ""
        group = over or group
        keys.append(row_of_heading(clean(cell), group, fmt))
    return keys


def row_of_heading(heading: str, group: str, fmt: ReportFormat) -> str | None:
    """The 依申请公开 row a heading (or a pasted row's label) names, in the chat's words; None if not one."""
    official = [s.key for s in rows_of(fmt, REQ) if s.label.replace(" ", "") == heading.replace(" ", "")]
    if len(official) == 1:  # the official label as it stands (3.其他 is only （六）'s)
        return official[0]
    refs = [r for t in tokenize(heading) for r in t.refs]
    rows = [r for r in refs if isinstance(r, RowRef) and r.table is REQ and r.rank >= 1]
    if rows:
        best = max(r.rank for r in rows)
        keys = list(dict.fromkeys(r.key for r in rows if r.rank == best))
        return keys[0] if len(keys) == 1 and _in_format(fmt, keys[0]) else None
    group_refs = [r for t in tokenize(group) for r in t.refs if isinstance(r, GroupRef)]
    if group_refs and heading:
        return _item_of_group(heading, group_refs[0].group, fmt)
    return None


def _item_of_group(heading: str, group: str, fmt: ReportFormat) -> str | None:
    """``3.其他`` under 其他处理: the row of that group whose label the heading names."""
    for spec in rows_of(fmt, REQ):
        if spec.group == group and heading.lstrip("0123456789.、") in spec.label:
            return spec.key
    return None


def _in_format(fmt: ReportFormat, key: str) -> bool:
    try:
        row_spec(fmt, REQ, key)
    except KeyError:
        return False
    return True


def _applicant_of(row: list[str]) -> str | None:
    label = next((clean(c) for c in row if clean(c)), "")
    if any(word in label for word in _TOTAL_WORDS):
        return "总计"
    refs: list[Ref] = [r for t in tokenize(label) for r in t.refs]
    columns = [r.column for r in refs if isinstance(r, ColumnRef) and r.table is REQ]
    return columns[0] if len(set(columns)) == 1 else None


def _read_body(
    body: list[list[str]], keys: list[str | None], heading: list[str], fmt: ReportFormat
) -> tuple[list[CellChange], list[str]]:
    changes: list[CellChange] = []
    notes: list[str] = []
    for row in body:
        column = _applicant_of(row)
        if column is None:
            if any(clean(c) for c in row):
                break  # the table ended
            continue
        for position, key in enumerate(keys):
            raw = clean(row[position]) if position < len(row) else ""
            if key is None or not raw:
                continue
            value = parse_value(raw, row_spec(fmt, REQ, key).kind_of(column))
            if value is None or value < 0:
                notes.append(f"“{column}”一行“{clean(heading[position])}”一栏的“{raw}”不是数字，未填入。")
                continue
            source = f"{column} / {clean(heading[position])} = {raw}"
            changes.append(CellChange(table=REQ, row=key, column=column, new=value, source_text=source))
    notes.extend(_unread_headings(keys, heading, bool(changes)))
    return changes, notes


def _unread_headings(keys: list[str | None], heading: list[str], read: bool) -> list[str]:
    """Headings with numbers under them that name no row of the table (the first is the row labels)."""
    if not read:
        return []
    return [
        f"表头“{clean(h)}”不是依申请公开表中的一行，这一栏未填入。"
        for k, h in zip(keys[1:], heading[1:], strict=True)
        if k is None and clean(h)
    ]
