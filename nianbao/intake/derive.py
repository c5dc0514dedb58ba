"""Totals and derived cells computed by code, and the cells still missing, named in Chinese.

Every arithmetic rule of the tables is a relation ``sum(left) = sum(right)`` between cells.
A relation fills a blank when it is the only unknown, and fills the blanks of one side with 0
when the other side is known and the known cells already balance it (counts are never
negative). The relations are applied until nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.intake.changes import Address, CellChange, Origin
from nianbao.model import Report
from nianbao.schema import (
    APPEAL_PARTS,
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    ReportFormat,
    RowSpec,
    TableId,
    outcome_keys,
    rows_of,
)

REQ = TableId.REQUESTS
APPEALS = TableId.APPEALS


@dataclass(frozen=True)
class Relation:
    """``sum(left) = sum(right)``; ``rule`` is the checker's rule id, ``name`` says it in Chinese."""

    rule: str
    left: tuple[Address, ...]
    right: tuple[Address, ...]
    name: str

    @property
    def cells(self) -> tuple[Address, ...]:
        return self.left + self.right

    @property
    def anchor(self) -> Address:
        """The cell where the checker reports this relation's error."""
        return self.right[-1] if self.rule == "arith.balance" else self.left[0]


def relations(fmt: ReportFormat) -> list[Relation]:
    """Every arithmetic relation of the tables (rules 1–4 of domain.md)."""
    found: list[Relation] = []
    for spec in rows_of(fmt, REQ):
        parts = tuple((REQ, spec.key, c) for c in APPLICANT_COLUMNS)
        found.append(Relation("arith.row_total", ((REQ, spec.key, "总计"),), parts, f"{spec.display} 的总计"))
    for column in REQUEST_COLUMNS:
        outcomes = tuple((REQ, key, column) for key in outcome_keys(fmt))
        found.append(Relation("arith.column_total", ((REQ, "三.七", column),), outcomes, f"“{column}”列的三.七 总计"))
        found.append(
            Relation(
                "arith.balance",
                ((REQ, "一", column), (REQ, "二", column)),
                ((REQ, "三.七", column), (REQ, "四", column)),
                f"“{column}”列的 四 结转下年度（一 + 二 − 三.七）",
            )
        )
    for spec in rows_of(fmt, APPEALS):
        parts = tuple((APPEALS, spec.key, c) for c in APPEAL_PARTS)
        found.append(Relation("arith.appeal_total", ((APPEALS, spec.key, "总计"),), parts, f"{spec.key} 的总计"))
    return found


def derive(report: Report) -> list[CellChange]:
    """Fill every cell the relations determine, in place; the changes made, in order."""
    made: list[CellChange] = []
    progress = True
    while progress:
        progress = False
        for relation in relations(report.format):
            for address, value in _solve(report, relation):
                report.set_value(*address, value)
                made.append(_derived_change(address, value, relation))
                progress = True
    return made


def _derived_change(address: Address, value: int, relation: Relation) -> CellChange:
    return CellChange(
        table=address[0],
        row=address[1],
        column=address[2],
        new=value,
        origin=Origin.DERIVED,
        note=f"按勾稽关系计算：{relation.name}",
    )


def _solve(report: Report, relation: Relation) -> Iterator[tuple[Address, int]]:
    unknown = [a for a in relation.cells if report.value(*a) is None]
    if not unknown:
        return
    left_known = _known_sum(report, relation.left)
    right_known = _known_sum(report, relation.right)
    if len(unknown) == 1:
        sign = 1 if unknown[0] in relation.left else -1
        value = (right_known - left_known) * sign
        if value >= 0:
            yield unknown[0], value
        return
    for side, other, side_sum, other_sum in (
        (relation.left, relation.right, left_known, right_known),
        (relation.right, relation.left, right_known, left_known),
    ):
        if _all_known(report, other) and side_sum == other_sum:
            yield from ((a, 0) for a in side if a in unknown)


def _known_sum(report: Report, cells: tuple[Address, ...]) -> int:
    return sum(int(v) for a in cells if (v := report.value(*a)) is not None)


def _all_known(report: Report, cells: tuple[Address, ...]) -> bool:
    return all(report.value(*a) is not None for a in cells)


def contradicts(report: Report, relation: Relation) -> bool:
    """True when the relation is broken whatever the blank cells turn out to be."""
    left_known = _all_known(report, relation.left)
    right_known = _all_known(report, relation.right)
    left_sum = _known_sum(report, relation.left)
    right_sum = _known_sum(report, relation.right)
    if left_known and right_known:
        return left_sum != right_sum
    return (left_known and right_sum > left_sum) or (right_known and left_sum > right_sum)


def missing_cells(report: Report) -> list[Address]:
    """Canonical cells still blank, in canonical order."""
    return [(c.table, c.row, c.column) for c in report.cells if c.value is None]


def describe_missing(report: Report) -> str:
    """What is still missing, grouped by table and row: ``还缺少：依申请公开 整行：…；…``; '' if nothing."""
    lines = [_describe_table(report, table) for table in TableId]
    lines = [line for line in lines if line]
    return "还缺少：\n" + "\n".join(lines) if lines else ""


def _describe_table(report: Report, table: TableId) -> str:
    specs = rows_of(report.format, table)
    whole: list[RowSpec] = []
    partial: list[str] = []
    for spec in specs:
        blank = [c for c in spec.columns if report.value(table, spec.key, c) is None]
        if len(blank) == len(spec.columns):
            whole.append(spec)
        elif blank:
            partial.append(f"{short_label(spec)}（{_columns_named(blank)}）")
    if len(whole) == len(specs):
        return f"{table.value}：整张表"
    bits = []
    if whole:
        prefix = "整行：" if table is not TableId.ACTIVE else ""
        bits.append(prefix + "、".join(_grouped(whole, specs)))
    bits.extend(partial)
    return f"{table.value}：" + "；".join(bits) if bits else ""


def _columns_named(blank: list[str]) -> str:
    if set(APPLICANT_COLUMNS) <= set(blank):
        return "、".join(["各类申请人", *(c for c in blank if c not in APPLICANT_COLUMNS)])
    return "、".join(blank)


def _grouped(whole: list[RowSpec], specs: tuple[RowSpec, ...]) -> list[str]:
    """Row names, with a whole group (（三）不予公开 1–8) said once."""
    names: list[str] = []
    done: set[str] = set()
    for spec in whole:
        members = [s for s in specs if spec.group and s.group == spec.group]
        if members and all(m in whole for m in members):
            if spec.group not in done:
                names.append(f"{spec.group}各项（{members[0].key}–{members[-1].key}）")
                done.add(spec.group)
            continue
        names.append(short_label(spec))
    return names


_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|\d+\.)")


def short_label(spec: RowSpec) -> str:
    """``三.六.1 申请人无正当理由逾期不补正``: the code and the label without numbering or its long tail."""
    if spec.table is not TableId.REQUESTS:
        return spec.label
    label = _NUMBERING.sub("", spec.label).split("（")[0].split("、")[0]
    return f"{spec.key} {label}"
