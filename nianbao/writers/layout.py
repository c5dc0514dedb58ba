"""The official layout of a report, shared by every writer: title, parts and the three tables.

Two table layouts: ``official_table`` (the national format's header rows and merged cells,
for DOCX) and ``flat_table`` (one row per canonical row with its official label, for
Markdown and plain text). Both read back through our readers to the same cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import groupby

from nianbao.model import Cell, Part, Report
from nianbao.schema import (
    APPEAL_COLUMNS,
    PART_NUMERALS,
    PART_TITLES,
    TABLE_PARTS,
    RowSpec,
    TableId,
    rows_of,
)

REQUEST_RULE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
OUTCOMES_LABEL = "三、本年度办理结果"
REQUEST_HEADINGS = {
    "一": "一、本年新收政府信息公开申请数量",
    "二": "二、上年结转政府信息公开申请数量",
    "四": "四、结转下年度继续办理",
}
ORGANISATION_COLUMNS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPEAL_GROUPS = (
    ("行政复议", "行政复议", ""),
    ("行政诉讼/未经复议直接起诉", "行政诉讼", "未经复议直接起诉"),
    ("行政诉讼/复议后起诉", "行政诉讼", "复议后起诉"),
)
_COLUMN_HEADINGS = {"本年收费金额": "本年收费金额（单位：万元）", "采购总金额": "采购总金额（单位：万元）"}
ACTIVE_WIDTH = 4
TABLE_OF_PART = {number: table for table, number in TABLE_PARTS.items()}


class Role(StrEnum):
    """What a table cell shows, which decides how it is set (centred, left, right-aligned)."""

    HEADER = "header"
    LABEL = "label"
    VALUE = "value"


@dataclass(frozen=True)
class Box:
    """One cell of a laid-out table, as written: its text and the grid cells it covers."""

    text: str
    role: Role = Role.HEADER
    rowspan: int = 1
    colspan: int = 1


def title_of(report: Report) -> str:
    """The report's title as published, or the official form built from agency and year."""
    if report.title.strip():
        return report.title
    year = f"{report.year}年" if report.year else ""
    return f"{report.agency or ''}{year}政府信息公开工作年度报告"


def parts_to_write(report: Report) -> list[Part]:
    """The parts in order; a table part is always written (its table holds the cells)."""
    present = {p.number: p for p in report.parts}
    parts = []
    for number in PART_NUMERALS:
        if number in present:
            part = present[number]
            parts.append(part.model_copy(update={"heading": _readable_heading(part)}))
        elif number in TABLE_OF_PART:
            parts.append(Part(number=number, heading=official_heading(number)))
    return parts


def official_heading(number: str) -> str:
    return f"{number}、{PART_TITLES[number]}"


def _readable_heading(part: Part) -> str:
    """The part's own heading when a reader will know it as that part, else the official one."""
    heading = part.heading.strip()
    numbered = heading.startswith(f"{part.number}、") and len(heading) <= 40
    return heading if numbered and not any(ch.isdigit() for ch in heading) else official_heading(part.number)


def cell_text(cell: Cell) -> str:
    """A cell as printed: its number, nothing when blank, the published text otherwise."""
    if cell.value is None:
        return "" if cell.is_blank else cell.raw.strip()
    if isinstance(cell.value, Decimal):
        return format(cell.value, "f")
    return str(cell.value)


def value_boxes(report: Report, spec: RowSpec) -> list[Box]:
    return [Box(cell_text(report.cell(spec.table, spec.key, c)), Role.VALUE) for c in spec.columns]


def column_heading(column: str) -> str:
    return _COLUMN_HEADINGS.get(column, column)


# --- the official layout, with merged header cells (DOCX) -------------------------------


def official_table(report: Report, table: TableId) -> list[list[Box]]:
    """The rows of a table as the national format lays it out, merged cells included."""
    builders = {TableId.ACTIVE: _active_rows, TableId.REQUESTS: _request_rows, TableId.APPEALS: _appeal_rows}
    return builders[table](report)


def _active_rows(report: Report) -> list[list[Box]]:
    rows: list[list[Box]] = []
    for group, specs in groupby(rows_of(report.format, TableId.ACTIVE), key=lambda s: s.group):
        members = list(specs)
        columns = members[0].columns
        rows.append([Box(group, Role.HEADER, colspan=ACTIVE_WIDTH)])
        rows.append([Box("信息内容"), *_stretch([Box(column_heading(c)) for c in columns])])
        rows.extend([Box(spec.label, Role.LABEL), *_stretch(value_boxes(report, spec))] for spec in members)
    return rows


def _stretch(boxes: list[Box]) -> list[Box]:
    """Widen the last box so a row of fewer columns fills the table's width."""
    extra = ACTIVE_WIDTH - 1 - len(boxes)
    if extra <= 0:
        return boxes
    last = boxes[-1]
    return [*boxes[:-1], Box(last.text, last.role, colspan=1 + extra)]


def _request_rows(report: Report) -> list[list[Box]]:
    rows = [
        [Box(REQUEST_RULE_NOTE, rowspan=3, colspan=3), Box("申请人情况", colspan=7)],
        [Box("自然人", rowspan=2), Box("法人或其他组织", colspan=5), Box("总计", rowspan=2)],
        [Box(c) for c in ORGANISATION_COLUMNS],
    ]
    specs = rows_of(report.format, TableId.REQUESTS)
    outcomes = [s for s in specs if s.key.startswith("三")]
    group_sizes = {g: len(list(members)) for g, members in groupby(outcomes, key=lambda s: s.group) if g}
    seen_groups: set[str] = set()
    for spec in specs:
        row: list[Box] = []
        if spec.key in REQUEST_HEADINGS:
            row.append(Box(REQUEST_HEADINGS[spec.key], Role.LABEL, colspan=3))
        else:
            if spec is outcomes[0]:
                row.append(Box(OUTCOMES_LABEL, Role.LABEL, rowspan=len(outcomes)))
            row.extend(_outcome_labels(spec, group_sizes, seen_groups))
        rows.append(row + value_boxes(report, spec))
    return rows


def _outcome_labels(spec: RowSpec, group_sizes: dict[str, int], seen_groups: set[str]) -> list[Box]:
    if not spec.group:
        return [Box(spec.label, Role.LABEL, colspan=2)]
    boxes = []
    if spec.group not in seen_groups:
        seen_groups.add(spec.group)
        boxes.append(Box(spec.group, Role.LABEL, rowspan=group_sizes[spec.group]))
    return [*boxes, Box(spec.label, Role.LABEL)]


def _appeal_rows(report: Report) -> list[list[Box]]:
    width = len(APPEAL_COLUMNS)
    values = [box for spec in rows_of(report.format, TableId.APPEALS) for box in value_boxes(report, spec)]
    return [
        [Box("行政复议", colspan=width), Box("行政诉讼", colspan=2 * width)],
        [
            *(Box(c, rowspan=2) for c in APPEAL_COLUMNS),
            Box("未经复议直接起诉", colspan=width),
            Box("复议后起诉", colspan=width),
        ],
        [Box(c) for c in APPEAL_COLUMNS * 2],
        values,
    ]


def table_width(rows: list[list[Box]]) -> int:
    return sum(box.colspan for box in rows[0])


def place_boxes(rows: list[list[Box]]) -> list[tuple[int, int, Box]]:
    """Each box with its top-left grid position (row, column), rowspans taken into account."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        column = 0
        for box in row:
            while (r, column) in taken:
                column += 1
            placed.append((r, column, box))
            taken.update((r + dr, column + dc) for dr in range(box.rowspan) for dc in range(box.colspan))
            column += box.colspan
    return placed


# --- one row per canonical row (Markdown, plain text) -----------------------------------


@dataclass(frozen=True)
class FlatTable:
    """A simple table: an optional caption line, a header row and labelled value rows.

    A row of one item is a label over the rows that follow (三、本年度办理结果).
    """

    caption: str
    header: list[str]
    rows: list[list[str]]


def flat_tables(report: Report, table: TableId) -> list[FlatTable]:
    """The table as plain rows, one per canonical row, each with its official label."""
    if table is TableId.ACTIVE:
        return _flat_active(report)
    if table is TableId.REQUESTS:
        return [_flat_requests(report)]
    return [_flat_appeals(report)]


def _flat_active(report: Report) -> list[FlatTable]:
    tables = []
    for group, specs in groupby(rows_of(report.format, TableId.ACTIVE), key=lambda s: s.group):
        members = list(specs)
        header = ["信息内容", *(column_heading(c) for c in members[0].columns)]
        rows = [[spec.label, *_texts(report, spec)] for spec in members]
        tables.append(FlatTable(group, header, rows))
    return tables


def _flat_requests(report: Report) -> FlatTable:
    header = ["项目", "自然人", *ORGANISATION_COLUMNS, "总计"]
    rows: list[list[str]] = []
    for spec in rows_of(report.format, TableId.REQUESTS):
        if spec.key == "三.一":
            rows.append([OUTCOMES_LABEL])
        rows.append([flat_request_label(spec), *_texts(report, spec)])
    return FlatTable(REQUEST_RULE_NOTE, header, rows)


def flat_request_label(spec: RowSpec) -> str:
    """The official label of a 依申请公开 row, with its group (（三）不予公开 1.属于国家秘密)."""
    if spec.key in REQUEST_HEADINGS:
        return REQUEST_HEADINGS[spec.key]
    return f"{spec.group} {spec.label}" if spec.group else spec.label


def _flat_appeals(report: Report) -> FlatTable:
    rows = []
    for spec in rows_of(report.format, TableId.APPEALS):
        label = next(" ".join(filter(None, (a, b))) for key, a, b in APPEAL_GROUPS if key == spec.key)
        rows.append([label, *_texts(report, spec)])
    return FlatTable("", ["项目", *APPEAL_COLUMNS], rows)


def _texts(report: Report, spec: RowSpec) -> list[str]:
    return [cell_text(report.cell(spec.table, spec.key, c)) for c in spec.columns]


def write_lines(
    report: Report,
    title: Callable[[str], str],
    heading: Callable[[str], str],
    paragraph: Callable[[str], str],
    table: Callable[[FlatTable], list[str]],
) -> str:
    """A line-based document (Markdown, plain text): title, preamble, parts, each table in its part."""
    lines = [title(line) for line in title_of(report).split("\n") if line.strip()]
    lines.append("")
    lines.extend(_paragraph_lines(report.preamble, paragraph))
    for part in parts_to_write(report):
        lines.extend([heading(part.heading), ""])
        table_id = TABLE_OF_PART.get(part.number)
        if table_id is None:
            lines.extend(_paragraph_lines(part.text, paragraph))
        else:
            for flat in flat_tables(report, table_id):
                lines.extend(table(flat))
    return "\n".join(lines).rstrip("\n") + "\n"


def _paragraph_lines(text: str, paragraph: Callable[[str], str]) -> list[str]:
    lines: list[str] = []
    for piece in text.split("\n"):
        if piece.strip():
            lines.extend([paragraph(piece.strip()), ""])
    return lines
