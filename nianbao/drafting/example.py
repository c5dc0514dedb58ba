"""Made-up figures for next year, consistent with the rules, for demos, tests and benchmarks.

Next year's 二 (上年结转) is last year's 四, every outcome changes a little, and the totals
are computed so that every arithmetic rule holds.
"""

from __future__ import annotations

from decimal import Decimal

from nianbao.model import Report, blank_cells
from nianbao.schema import (
    APPEAL_PARTS,
    APPLICANT_COLUMNS,
    ReportFormat,
    TableId,
    ValueKind,
    outcome_keys,
    rows_of,
)

REQ, APPEAL, ACTIVE = TableId.REQUESTS, TableId.APPEALS, TableId.ACTIVE


def example_next_year(last: Report, step: int = 3) -> Report:
    """Cells for ``last.year + 1`` derived from last year's cells (``step`` varies them)."""
    report = Report(agency=last.agency, year=(last.year or 0) + 1, format=last.format, cells=blank_cells(last.format))
    _active(report, last, step)
    for index, column in enumerate(APPLICANT_COLUMNS):
        _request_column(report, last, column, step + index)
    _totals(report)
    _appeals(report, last, step)
    return report


def _active(report: Report, last: Report, step: int) -> None:
    for spec in rows_of(report.format, ACTIVE):
        for offset, column in enumerate(spec.columns):
            old = last.value(ACTIVE, spec.key, column) or 0
            if spec.kind_of(column) is ValueKind.MONEY:
                report.set_value(ACTIVE, spec.key, column, (Decimal(old) * Decimal("1.05")).quantize(Decimal("0.0001")))
            else:
                report.set_value(ACTIVE, spec.key, column, int(old) + (step + offset) % 4)
    if report.format is ReportFormat.F2021:
        for row in ("规章", "行政规范性文件"):
            issued = report.count(ACTIVE, row, "本年制发件数")
            repealed = min(report.count(ACTIVE, row, "本年废止件数"), last.count(ACTIVE, row, "现行有效件数"))
            report.set_value(ACTIVE, row, "本年废止件数", repealed)
            valid = last.count(ACTIVE, row, "现行有效件数") + issued - repealed
            report.set_value(ACTIVE, row, "现行有效件数", valid)


def _request_column(report: Report, last: Report, column: str, step: int) -> None:
    keys = outcome_keys(report.format)
    for position, key in enumerate(keys):
        old = last.count(REQ, key, column)
        report.set_value(REQ, key, column, max(0, old + (step + position) % 3 - 1) if old else 0)
    report.set_value(REQ, keys[0], column, last.count(REQ, keys[0], column) + step % 5)
    carried_in = last.count(REQ, "四", column)
    carried_out = (last.count(REQ, "一", column) + step) % 3 if last.count(REQ, "一", column) else 0
    closed = sum(report.count(REQ, key, column) for key in keys)
    report.set_value(REQ, "二", column, carried_in)
    report.set_value(REQ, "四", column, carried_out)
    report.set_value(REQ, "三.七", column, closed)
    report.set_value(REQ, "一", column, max(0, closed + carried_out - carried_in))
    surplus = carried_in - closed - carried_out  # more carried in than closed: close them as 予以公开
    if surplus > 0:
        report.set_value(REQ, keys[0], column, report.count(REQ, keys[0], column) + surplus)
        report.set_value(REQ, "三.七", column, closed + surplus)


def _totals(report: Report) -> None:
    for spec in rows_of(report.format, REQ):
        report.set_value(REQ, spec.key, "总计", sum(report.count(REQ, spec.key, c) for c in APPLICANT_COLUMNS))


def _appeals(report: Report, last: Report, step: int) -> None:
    for index, spec in enumerate(rows_of(report.format, APPEAL)):
        for offset, column in enumerate(APPEAL_PARTS):
            old = last.count(APPEAL, spec.key, column)
            report.set_value(APPEAL, spec.key, column, old + (step + index + offset) % 2)
        report.set_value(APPEAL, spec.key, "总计", sum(report.count(APPEAL, spec.key, c) for c in APPEAL_PARTS))
