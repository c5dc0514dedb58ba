"""Proposed changes to a draft's cells: preview (old → new, derived cells, what is missing), apply, refuse.

The input report is never touched: a change is tried on a copy, derived cells are computed,
and the copy is checked. An input that contradicts a rule is refused with the rule's message.
A total that agreed with its parts before the change follows them (it is recomputed).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from nianbao.checker import check_report
from nianbao.errors import InvalidInputError
from nianbao.intake.changes import Address, CellChange, Origin, describe_address
from nianbao.intake.derive import Relation, contradicts, derive, describe_missing, relations
from nianbao.intake.explain import explain
from nianbao.model import Cell, CellNumber, Finding, Report
from nianbao.numerals import parse_chinese_number
from nianbao.schema import TableId, ValueKind, row_spec

_CELL_RULES = ("cells.count", "cells.fee")


class Proposal(BaseModel):
    """What applying the changes would do: the new report, every changed cell, what is still missing."""

    report: Report
    changes: list[CellChange] = Field(default_factory=list)
    missing: str = ""
    notes: list[str] = Field(default_factory=list)

    def diff(self) -> list[str]:
        """One line per changed cell: ``依申请公开 / 一 … / 自然人：空 → 240``."""
        return [c.describe(self.report.format) for c in self.changes]


def preview(report: Report, changes: list[CellChange], notes: list[str] | None = None) -> Proposal:
    """The proposal for these changes; InvalidInputError (nothing changed) if they contradict a rule."""
    draft, given, derived = _followed(report, changes)
    changed = set(given) | {(c.table, c.row, c.column) for c in draft.cells if c.value != report.value(*_address(c))}
    _refuse_contradictions(draft, changed, given)
    return Proposal(
        report=draft,
        changes=_diff(report, draft, {**derived, **given}),
        missing=describe_missing(draft),
        notes=list(notes or []),
    )


def preview_edit(report: Report, changes: list[CellChange]) -> Proposal:
    """A cell typed into the grid: kept as typed even when it breaks a rule (the checker shows that at the
    cell), with the totals that agreed with their parts following them, as for a chat message. A total
    that cannot follow (it would be negative) keeps its value, so that the broken rule is seen, not a blank."""
    draft, given, derived = _followed(report, changes)
    for cell in draft.cells:
        address = _address(cell)
        if cell.value is None and address not in given and report.value(*address) is not None:
            draft.set_value(*address, report.value(*address))
    return Proposal(report=draft, changes=_diff(report, draft, {**derived, **given}), missing=describe_missing(draft))


def _followed(report: Report, changes: list[CellChange]) -> tuple[Report, dict[Address, CellChange], dict]:
    """A copy with the changes set, the totals that followed their parts cleared and derived again."""
    draft = report.model_copy(deep=True)
    _check_addresses(draft, changes)
    given = {c.address: c for c in changes}
    for address, change in given.items():
        draft.set_value(*address, change.new)
    _clear_followers(report, draft, set(given))
    derived = {c.address: c for c in derive(draft)}
    return draft, given, derived


def apply_changes(report: Report, changes: list[CellChange]) -> Report:
    """A new report with the changes and the derived cells; the input report is untouched."""
    return preview(report, changes).report


def edit_cell(report: Report, table: TableId, row: str, column: str, text: str | CellNumber | None) -> Proposal:
    """A direct edit of one cell (“258”“二百五十八”“2460.9543”, or a number; empty or None clears it)."""
    typed = "" if text is None else str(text)
    value = parse_cell_text(report, (table, row, column), typed)
    change = CellChange(table=table, row=row, column=column, new=value, source_text=typed)
    return preview(report, [change])


def parse_cell_text(report: Report, address: Address, text: str) -> CellNumber | None:
    """The number a user typed for a cell; InvalidInputError when it is not one."""
    if not text.strip():
        return None
    value = parse_chinese_number(text.replace("万元", "").strip())
    kind = _kind(report, address)
    if value is None or value < 0 or (kind is ValueKind.COUNT and not isinstance(value, int)):
        what = "以万元计的非负数" if kind is ValueKind.MONEY else "非负整数"
        raise InvalidInputError(f"{describe_address(address, report.format)}：应为{what}，输入的是“{text}”。")
    return value


def _kind(report: Report, address: Address) -> ValueKind:
    table, row, column = address
    return row_spec(report.format, table, row).kind_of(column)


def _check_addresses(report: Report, changes: list[CellChange]) -> None:
    for change in changes:
        try:
            report.cell(*change.address)
        except KeyError as e:
            raise InvalidInputError(
                f"表格中没有“{change.table.value} / {change.row} / {change.column}”这个单元格。"
            ) from e


def _clear_followers(before: Report, draft: Report, given: set[Address]) -> None:
    """Blank the totals that agreed with their parts before, so that derive recomputes them."""
    stale = set(given)
    progress = True
    while progress:
        progress = False
        for relation in relations(draft.format):
            follower = _follower(relation)
            if follower in given or follower in stale or not stale.intersection(relation.cells):
                continue
            if _balanced(before, relation):
                draft.set_value(*follower, None)
                stale.add(follower)
                progress = True


def _follower(relation: Relation) -> Address:
    """The cell computed from the others: the total, or 四 in 一 + 二 = 三.七 + 四."""
    return relation.anchor


def _balanced(report: Report, relation: Relation) -> bool:
    values = [report.value(*a) for a in relation.cells]
    if any(v is None for v in values):
        return False
    left = sum(int(report.value(*a) or 0) for a in relation.left)
    right = sum(int(report.value(*a) or 0) for a in relation.right)
    return left == right


def _address(cell: Cell) -> Address:
    return (cell.table, cell.row, cell.column)


def _refuse_contradictions(draft: Report, changed: set[Address], given: dict[Address, CellChange]) -> None:
    """Refuse what breaks a rule: first in the user's own figures and words, then the rule."""
    findings = check_report(draft).errors
    for relation in relations(draft.format):
        if changed.intersection(relation.cells) and contradicts(draft, relation):
            raise InvalidInputError(f"{explain(draft, relation, given)}\n{_message(findings, relation)}")
    for finding in findings:
        where = finding.location
        address = (where.table, where.row, where.column)
        if finding.rule in _CELL_RULES and address in changed:
            said = f"“{given[address].source_text}”：" if address in given and given[address].source_text else ""
            raise InvalidInputError(said + finding.message)


def _message(findings: list[Finding], relation: Relation) -> str:
    table, row, column = relation.anchor
    for finding in findings:
        where = finding.location
        if finding.rule == relation.rule and (where.table, where.row, where.column) == (table, row, column):
            return f"（规则 {finding.rule}：{finding.message}）"
    return f"（规则 {relation.rule}：{relation.name}与各项之和不一致。）"


def _diff(before: Report, after: Report, sources: dict[Address, CellChange]) -> list[CellChange]:
    changed: list[CellChange] = []
    for cell in after.cells:
        address = (cell.table, cell.row, cell.column)
        old = before.value(*address)
        if old == cell.value:
            continue
        change = sources.get(address) or CellChange(
            table=cell.table, row=cell.row, column=cell.column, origin=Origin.DERIVED, note="按勾稽关系计算"
        )
        changed.append(change.model_copy(update={"old": old, "new": cell.value}))
    return changed
