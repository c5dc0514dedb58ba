"""Totals and derived cells are computed by code; the cells still missing are named in Chinese."""

from __future__ import annotations

import pytest

from nianbao.checker import check_report
from nianbao.intake import derive, describe_missing, missing_cells
from nianbao.model import Report, empty_report
from nianbao.readers import read_report
from nianbao.schema import APPEAL_PARTS, APPLICANT_COLUMNS, REQUEST_COLUMNS, TableId, outcome_keys
from tests.conftest import SEED

REQ = TableId.REQUESTS
APPEALS = TableId.APPEALS


def report_with(values: dict[tuple[TableId, str, str], int]) -> Report:
    report = empty_report()
    for address, value in values.items():
        report.set_value(*address, value)
    return report


def test_a_row_total_is_the_sum_of_its_applicants() -> None:
    report = report_with({(REQ, "一", c): n for c, n in zip(APPLICANT_COLUMNS, [5, 1, 0, 2, 0, 3], strict=True)})
    derive(report)
    assert report.value(REQ, "一", "总计") == 11


def test_the_one_unknown_applicant_is_the_total_minus_the_others() -> None:
    values = {(REQ, "一", c): n for c, n in zip(APPLICANT_COLUMNS[1:], [1, 0, 2, 0, 3], strict=True)}
    report = report_with({**values, (REQ, "一", "总计"): 20})
    derive(report)
    assert report.value(REQ, "一", "自然人") == 14


def test_unknown_applicants_are_zero_when_the_known_ones_make_the_total() -> None:
    report = report_with({(REQ, "一", "总计"): 12, (REQ, "一", "自然人"): 12})
    derive(report)
    assert [report.value(REQ, "一", c) for c in APPLICANT_COLUMNS[1:]] == [0, 0, 0, 0, 0]


def test_a_part_is_never_derived_negative() -> None:
    report = report_with({(REQ, "一", "总计"): 3, **{(REQ, "一", c): 2 for c in APPLICANT_COLUMNS[:5]}})
    derive(report)
    assert report.value(REQ, "一", "其他") is None


def test_three_seven_is_the_sum_of_the_outcomes_in_each_column() -> None:
    report = report_with({(REQ, key, "自然人"): 1 for key in outcome_keys(empty_report().format)})
    derive(report)
    assert report.value(REQ, "三.七", "自然人") == len(outcome_keys(report.format))


def test_four_is_one_plus_two_minus_three_seven() -> None:
    report = report_with({(REQ, "一", "总计"): 223, (REQ, "二", "总计"): 5, (REQ, "三.七", "总计"): 220})
    derive(report)
    assert report.value(REQ, "四", "总计") == 8


def test_an_appeal_total_is_the_sum_of_its_results() -> None:
    report = report_with({(APPEALS, "行政复议", c): n for c, n in zip(APPEAL_PARTS, [1, 1, 0, 1], strict=True)})
    derive(report)
    assert report.value(APPEALS, "行政复议", "总计") == 3


def test_a_zero_total_makes_every_part_zero() -> None:
    report = report_with({(APPEALS, "行政诉讼/复议后起诉", "总计"): 0})
    derive(report)
    assert [report.value(APPEALS, "行政诉讼/复议后起诉", c) for c in APPEAL_PARTS] == [0, 0, 0, 0]


def test_the_seed_without_its_totals_gets_them_all_back() -> None:
    seed = read_report(SEED)
    stripped = seed.model_copy(deep=True)
    for key in ("一", "二", "三.一"):
        stripped.set_value(REQ, key, "总计", None)
    for column in REQUEST_COLUMNS:
        stripped.set_value(REQ, "三.七", column, None)
        stripped.set_value(REQ, "四", column, None)
    stripped.set_value(APPEALS, "行政复议", "总计", None)
    blanked = sum(1 for c in stripped.cells if c.value is None)
    made = derive(stripped)
    assert len(made) == blanked == 3 + 2 * 7 + 1
    assert [c.value for c in stripped.cells] == [c.value for c in seed.cells]
    assert check_report(stripped).ok


def test_nothing_is_derived_from_nothing() -> None:
    report = empty_report()
    assert derive(report) == []
    assert len(missing_cells(report)) == len(report.cells)


def test_missing_cells_are_named_by_table_row_and_column() -> None:
    report = report_with({(REQ, "一", "总计"): 12, (REQ, "一", "自然人"): 10})
    text = describe_missing(report)
    assert text.startswith("还缺少：")
    assert "一 本年新收政府信息公开申请数量（商业企业、科研机构、社会组织、法律服务机构、其他）" in text
    assert "（三）不予公开各项（三.三.1–三.三.8）" in text
    assert "主动公开：整张表" in text


def test_missing_cells_are_a_few_lines_not_one_per_cell() -> None:
    assert len(describe_missing(empty_report()).splitlines()) == 4


@pytest.mark.parametrize("table", list(TableId))
def test_a_complete_table_is_not_mentioned(table: TableId) -> None:
    seed = read_report(SEED)
    assert describe_missing(seed) == ""
    seed.set_value(REQ, "三.三.1", "自然人", None)
    assert (table.value in describe_missing(seed)) is (table is REQ)
