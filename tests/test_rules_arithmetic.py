"""Rules 1–7 of domain.md: each passes on the seed and fails on a seed with one cell changed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.checker import check_report
from nianbao.model import Report, Severity
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import SEED

REQ, ACT, APP = TableId.REQUESTS, TableId.ACTIVE, TableId.APPEALS


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def findings_of(report: Report, rule: str) -> list:
    return [f for f in check_report(report).findings if f.rule == rule]


ARITHMETIC_RULES = ["arith.row_total", "arith.column_total", "arith.balance", "arith.appeal_total", "cells.count"]


@pytest.mark.parametrize("rule", [*ARITHMETIC_RULES, "cells.fee", "plaus.valid_count"])
def test_seed_passes_every_table_rule(seed: Report, rule: str) -> None:
    assert findings_of(seed, rule) == []


def test_row_total_fails_when_an_applicant_cell_changes(seed: Report) -> None:
    seed.set_value(REQ, "三.一", "商业企业", 4)
    [finding] = findings_of(seed, "arith.row_total")
    assert finding.severity is Severity.ERROR
    assert (finding.location.row, finding.location.column) == ("三.一", "总计")
    assert (finding.expected, finding.found) == ("186", "185")
    assert "三.一" in finding.message


def test_column_total_fails_when_an_outcome_changes(seed: Report) -> None:
    seed.set_value(REQ, "三.四.1", "自然人", 16)
    seed.set_value(REQ, "三.四.1", "总计", 16)
    found = findings_of(seed, "arith.column_total")
    assert {(f.location.row, f.location.column) for f in found} == {("三.七", "自然人"), ("三.七", "总计")}
    assert all(f.severity is Severity.ERROR for f in found)


def test_partial_disclosure_counts_once_in_the_column_total(seed: Report) -> None:
    # 部分公开 "只计这一情形": the 2021 seed sums to 三.七 only when 三.二 is counted once.
    assert seed.count(REQ, "三.二", "总计") == 8
    assert findings_of(seed, "arith.column_total") == []


def test_balance_fails_when_carry_over_is_wrong(seed: Report) -> None:
    seed.set_value(REQ, "四", "其他", 1)
    seed.set_value(REQ, "四", "总计", 1)
    found = findings_of(seed, "arith.balance")
    assert {f.location.column for f in found} == {"其他", "总计"}
    assert "不平衡" in found[0].message


def test_appeal_total_fails_when_a_result_changes(seed: Report) -> None:
    seed.set_value(APP, "行政诉讼/复议后起诉", "结果纠正", 2)
    [finding] = findings_of(seed, "arith.appeal_total")
    assert finding.location.row == "行政诉讼/复议后起诉"
    assert (finding.expected, finding.found) == ("2", "0")


def test_blank_cell_is_a_warning_and_breaks_the_sum_it_belongs_to(seed: Report) -> None:
    seed.set_value(REQ, "一", "自然人", None)
    blank = findings_of(seed, "cells.count")
    assert [(f.severity, f.location.row, f.location.column) for f in blank] == [(Severity.WARNING, "一", "自然人")]
    assert findings_of(seed, "arith.row_total")[0].severity is Severity.ERROR


@pytest.mark.parametrize("raw", ["-3", "2.5", "abc", "十"])
def test_count_that_is_not_a_non_negative_integer_is_an_error(seed: Report, raw: str) -> None:
    cell = seed.cell(REQ, "三.三.8", "自然人")
    cell.raw, cell.value = raw, (-3 if raw == "-3" else None)
    [finding] = findings_of(seed, "cells.count")
    assert finding.severity is Severity.ERROR and finding.found == raw


def test_blank_marks_are_blanks_not_errors(seed: Report) -> None:
    for mark in ("/", "—", "-"):
        cell = seed.cell(ACT, "规章", "本年制发件数")
        cell.raw, cell.value = mark, None
        [finding] = findings_of(seed, "cells.count")
        assert finding.severity is Severity.WARNING


def test_fee_must_be_a_non_negative_amount(seed: Report) -> None:
    assert seed.value(ACT, "行政事业性收费", "本年收费金额") == Decimal("2460.9543")
    seed.set_value(ACT, "行政事业性收费", "本年收费金额", Decimal("-1.5"))
    [finding] = findings_of(seed, "cells.fee")
    assert finding.severity is Severity.ERROR


def test_valid_documents_fewer_than_issued_is_a_warning(seed: Report) -> None:
    seed.set_value(ACT, "行政规范性文件", "现行有效件数", 9)
    [finding] = findings_of(seed, "plaus.valid_count")
    assert finding.severity is Severity.WARNING
    assert (finding.expected, finding.found) == ("≥ 10", "9")


def test_checker_reports_every_failure_not_just_the_first(seed: Report) -> None:
    seed.set_value(REQ, "一", "自然人", 211)
    seed.set_value(APP, "行政复议", "总计", 5)
    rules = {f.rule for f in check_report(seed).errors}
    assert {"arith.row_total", "arith.balance", "arith.appeal_total"} <= rules
