"""Rules 1–7 of domain.md: the tables' arithmetic and their cells."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from nianbao.model import Cell, Finding, Location, Report, Severity
from nianbao.rules import CheckContext, rule
from nianbao.schema import (
    APPEAL_PARTS,
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    ReportFormat,
    TableId,
    ValueKind,
    outcome_keys,
    row_spec,
    rows_of,
)

REQ = TableId.REQUESTS
BALANCE_SIDES = (("一", "二"), ("三.七", "四"))  # received (new + carried over) = closed + carried forward


def sum_addends(fmt: ReportFormat, rule_id: str, row: str, column: str) -> list[tuple[TableId, str, str]]:
    """The cells a sum rule adds up (or balances) at the place of its total; none for any other rule.

    The rules below use it, and so does the app when it tells a wrong sum from one not yet filled in."""
    if rule_id == "arith.row_total":
        return [(REQ, row, c) for c in APPLICANT_COLUMNS]
    if rule_id == "arith.column_total":
        return [(REQ, key, column) for key in outcome_keys(fmt)]
    if rule_id == "arith.balance":
        return [(REQ, key, column) for side in BALANCE_SIDES for key in side]
    if rule_id == "arith.appeal_total":
        return [(TableId.APPEALS, row, c) for c in APPEAL_PARTS]
    return []


def _where(report: Report, cell: Cell) -> Location:
    return Location(
        table=cell.table,
        row=cell.row,
        row_label=report.row_label(cell.table, cell.row),
        column=cell.column,
    )


def _unread(report: Report, addresses: list[tuple[TableId, str, str]]) -> bool:
    """True when a cell of the sum was not read: the sum is not checked (the reader said why)."""
    return any(report.cell(*address).unread for address in addresses)


def _sum_with_group_totals(report: Report, addends: list[tuple[TableId, str, str]], column: str) -> int | None:
    """The addends' sum, a group of unread sub-rows counted by its printed total; None if unknown."""
    unread_groups = {row.rsplit(".", 1)[0] for _, row, _ in addends if report.cell(REQ, row, column).unread}
    totals = [report.group_totals.get(group, {}).get(column) for group in unread_groups]
    if any(t is None for t in totals):
        return None
    read = sum(report.count(*a) for a in addends if a[1].rsplit(".", 1)[0] not in unread_groups)
    return read + sum(t or 0 for t in totals)


def _sum_error(report: Report, rule_id: str, total: Cell, expected: int, how: str) -> Finding:
    shown = total.raw or "空白"
    where = _where(report, total).describe()
    return Finding(
        rule=rule_id,
        severity=Severity.ERROR,
        location=_where(report, total),
        expected=str(expected),
        found=shown,
        message=f"{where}：按勾稽关系应为 {expected}（{how}），表中为 {shown}。",
    )


@rule("arith.row_total")
def row_totals(ctx: CheckContext) -> Iterator[Finding]:
    """依申请公开 每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会组织 + 法律服务机构 + 其他。"""
    report = ctx.report
    for spec in rows_of(report.format, REQ):
        addends = sum_addends(report.format, "arith.row_total", spec.key, "总计")
        total = report.cell(REQ, spec.key, "总计")
        if _unread(report, [*addends, (REQ, spec.key, "总计")]):
            continue
        expected = sum(report.count(*a) for a in addends)
        if report.count(REQ, spec.key, "总计") != expected:
            yield _sum_error(report, "arith.row_total", total, expected, "各类申请人之和")


@rule("arith.column_total")
def column_totals(ctx: CheckContext) -> Iterator[Finding]:
    """依申请公开 每一列：（七）总计 = 本年度办理结果各项之和（部分公开只计一次）。"""
    report = ctx.report
    for column in REQUEST_COLUMNS:
        addends = sum_addends(report.format, "arith.column_total", "三.七", column)
        total = report.cell(REQ, "三.七", column)
        expected = _sum_with_group_totals(report, addends, column)
        if expected is None or total.unread:
            continue
        if report.count(REQ, "三.七", column) != expected:
            yield _sum_error(report, "arith.column_total", total, expected, "办理结果各项之和")


@rule("arith.balance")
def balance(ctx: CheckContext) -> Iterator[Finding]:
    """依申请公开 每一列：第一项加第二项之和，等于第三项加第四项之和。"""
    report = ctx.report
    for column in REQUEST_COLUMNS:
        if _unread(report, sum_addends(report.format, "arith.balance", "四", column)):
            continue
        received, closed = (sum(report.count(REQ, key, column) for key in side) for side in BALANCE_SIDES)
        if received != closed:
            where = Location(table=REQ, row="四", row_label=report.row_label(REQ, "四"), column=column)
            yield Finding(
                rule="arith.balance",
                severity=Severity.ERROR,
                location=where,
                expected=f"一+二 = {received}",
                found=f"三.七+四 = {closed}",
                message=(
                    f"依申请公开“{column}”列不平衡：本年新收加上年结转为 {received}，"
                    f"办理结果总计加结转下年度为 {closed}，两者应相等。"
                ),
            )


@rule("arith.appeal_total")
def appeal_totals(ctx: CheckContext) -> Iterator[Finding]:
    """复议诉讼 每一行：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。"""
    report = ctx.report
    for spec in rows_of(report.format, TableId.APPEALS):
        addends = sum_addends(report.format, "arith.appeal_total", spec.key, "总计")
        total = report.cell(TableId.APPEALS, spec.key, "总计")
        if _unread(report, [*addends, (TableId.APPEALS, spec.key, "总计")]):
            continue
        expected = sum(report.count(*a) for a in addends)
        if report.count(TableId.APPEALS, spec.key, "总计") != expected:
            yield _sum_error(report, "arith.appeal_total", total, expected, "四种结果之和")


@rule("cells.count")
def count_cells(ctx: CheckContext) -> Iterator[Finding]:
    """Every count is a non-negative integer (a 2019 本年增/减 may be negative); a blank is reported."""
    report = ctx.report
    for cell in report.cells:
        kind = row_spec(report.format, cell.table, cell.row).kind_of(cell.column)
        if kind is not ValueKind.MONEY and not cell.unread:
            yield from _check_count(report, cell, signed=kind is ValueKind.CHANGE)


def _check_count(report: Report, cell: Cell, signed: bool = False) -> Iterator[Finding]:
    if not cell.is_blank and isinstance(cell.value, int) and (signed or cell.value >= 0):
        return  # the usual case, decided before building a Location for every cell
    where = _where(report, cell)
    if cell.is_blank:
        yield Finding(
            rule="cells.count",
            severity=Severity.WARNING,
            location=where,
            expected="整数",
            found=cell.raw or "空白",
            message=f"{where.describe()}：单元格为空（{cell.raw or '空白'}），计算时按 0 计；如实际为 0 请填写 0。",
        )
    elif cell.value is None or isinstance(cell.value, Decimal) or cell.value < 0:
        yield Finding(
            rule="cells.count",
            severity=Severity.ERROR,
            location=where,
            expected="非负整数",
            found=cell.raw,
            message=f"{where.describe()}：应为非负整数，表中为“{cell.raw}”。",
        )


@rule("cells.fee")
def fee_cells(ctx: CheckContext) -> Iterator[Finding]:
    """本年收费金额 (and 2019's 采购总金额) is a non-negative number of 万元."""
    report = ctx.report
    for cell in report.cells:
        kind = row_spec(report.format, cell.table, cell.row).kind_of(cell.column)
        if kind is not ValueKind.MONEY or cell.unread:
            continue
        where = _where(report, cell)
        if cell.is_blank:
            yield Finding(
                rule="cells.fee",
                severity=Severity.WARNING,
                location=where,
                expected="金额（万元）",
                found=cell.raw or "空白",
                message=f"{where.describe()}：金额为空；如未收费请填写 0。",
            )
        elif cell.value is None or cell.value < 0:
            yield Finding(
                rule="cells.fee",
                severity=Severity.ERROR,
                location=where,
                expected="非负数（万元）",
                found=cell.raw,
                message=f"{where.describe()}：应为以万元计的非负数，表中为“{cell.raw}”。",
            )


@rule("plaus.valid_count")
def valid_count(ctx: CheckContext) -> Iterator[Finding]:
    """现行有效件数 ≥ 本年制发件数 (规章, 行政规范性文件)."""
    report = ctx.report
    if report.format is not ReportFormat.F2021:
        return
    for row in ("规章", "行政规范性文件"):
        issued = report.value(TableId.ACTIVE, row, "本年制发件数")
        valid = report.value(TableId.ACTIVE, row, "现行有效件数")
        if isinstance(issued, int) and isinstance(valid, int) and valid < issued:
            cell = report.cell(TableId.ACTIVE, row, "现行有效件数")
            yield Finding(
                rule="plaus.valid_count",
                severity=Severity.WARNING,
                location=_where(report, cell),
                expected=f"≥ {issued}",
                found=str(valid),
                message=f"{row}：现行有效件数（{valid}）少于本年制发件数（{issued}），请核对。",
            )
