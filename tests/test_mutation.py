"""Mutation test: change one number at a time and see whether the checker notices.

Every 依申请公开 and 复议诉讼 cell is tied to others by arithmetic (row totals, column totals,
一+二 = 三.七+四, the four results of each appeal row), so any single change must give an
error pointing at that cell's row or column. The 主动公开 cells are not tied to each other by
any sum — each is a count or amount on its own — so a change there cannot be detected from the
report alone and must not be reported as an error either (at most a plausibility warning).

The reports are read once; each mutation changes a cell in memory and puts it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.checker import CheckResult, check_report
from nianbao.model import Cell, CellNumber, Location, Report
from nianbao.readers import read_report
from nianbao.schema import TableId

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORTS = ("luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf")
TIED_TABLES = (TableId.REQUESTS, TableId.APPEALS)


@pytest.fixture(scope="module", params=REPORTS)
def report(request: pytest.FixtureRequest) -> Report:
    return read_report(CORPUS / request.param)


def mutations(value: CellNumber) -> list[CellNumber]:
    """One more, and a different value altogether."""
    return [value + 1, 0 if value else 3]


@contextmanager
def changed(cell: Cell, value: CellNumber) -> Iterator[None]:
    raw, original = cell.raw, cell.value
    cell.value, cell.raw = value, str(value)
    try:
        yield
    finally:
        cell.value, cell.raw = original, raw


def errors_at_row_or_column(result: CheckResult, cell: Cell) -> list[str]:
    """The rules whose errors point at the cell's row or column of the same table."""
    return [f.rule for f in result.errors if f.location.table == cell.table and _on_line(f.location, cell)]


def _on_line(location: Location, cell: Cell) -> bool:
    return cell.row == location.row or cell.column == location.column


def test_unchanged_reports_have_no_arithmetic_errors(report: Report) -> None:
    assert check_report(report).errors == []


@pytest.mark.parametrize("table", TIED_TABLES)
def test_every_change_to_a_tied_cell_is_flagged_at_its_row_or_column(report: Report, table: TableId) -> None:
    missed = []
    cells = [c for c in report.cells if c.table is table]
    assert cells and all(isinstance(c.value, int) for c in cells)
    for cell in cells:
        for value in mutations(cell.value):  # type: ignore[arg-type]
            with changed(cell, value):
                if not errors_at_row_or_column(check_report(report), cell):
                    missed.append(f"{cell.row}/{cell.column}: {cell.value} -> {value}")
    assert missed == []


def test_a_flagged_change_names_the_changed_row() -> None:
    # A single change always breaks its own row's 总计, so the error is at that very row.
    seed = read_report(CORPUS / "luyi_2021.txt")
    seed.set_value(TableId.REQUESTS, "三.三.6", "科研机构", 2)
    rows = {(f.rule, f.location.row) for f in check_report(seed).errors}
    assert ("arith.row_total", "三.三.6") in rows
    assert ("arith.column_total", "三.七") in rows


def test_changes_to_active_disclosure_cells_are_not_errors(report: Report) -> None:
    # 主动公开: 本年制发件数, 本年废止件数, 现行有效件数 and the counts of decisions are
    # independent figures; no arithmetic of domain.md ties them, so nothing can be an error.
    cells = [c for c in report.cells if c.table is TableId.ACTIVE]
    assert len(cells) == 10
    for cell in cells:
        for value in mutations(cell.value):  # type: ignore[arg-type]
            with changed(cell, value):
                errors = check_report(report).errors
            assert errors == [], f"{cell.row}/{cell.column} -> {value}: {[e.message for e in errors]}"


def test_implausible_active_disclosure_change_is_only_a_warning() -> None:
    # Rule 7 (现行有效件数 ≥ 本年制发件数) is a plausibility warning, never an error.
    seed = read_report(CORPUS / "luyi_2021.txt")
    seed.set_value(TableId.ACTIVE, "行政规范性文件", "本年制发件数", 99)
    result = check_report(seed)
    assert result.errors == []
    assert any(f.location.row == "行政规范性文件" for f in result.warnings)


def test_fee_amount_change_is_not_an_error() -> None:
    seed = read_report(CORPUS / "luyi_2021.txt")
    seed.set_value(TableId.ACTIVE, "行政事业性收费", "本年收费金额", Decimal("2461.9543"))
    assert check_report(seed).errors == []
