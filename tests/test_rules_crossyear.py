"""Rules 12 and 13 of domain.md, with last year's report (``--previous``).

The fixtures are a made-up 鹿邑县 2022 report derived from the seed (鹿邑县 2021, where 四 is 0
in every column and 行政规范性文件 现行有效 is 26):
- luyi_2022_consistent.txt: 二 is 0 everywhere; 行政规范性文件 制发 6, 废止 3, 现行有效 29 = 26 + 6 − 3.
- luyi_2022_inconsistent.txt: 二 自然人 and 总计 are 4 (balanced by 四 = 4, so the year's own
  arithmetic holds); 现行有效 31.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.model import Finding, Report, Severity, empty_report
from nianbao.readers import read_report
from nianbao.schema import ReportFormat, TableId
from tests.conftest import CORPUS, FIXTURES, ROOT, SEED

REQ, ACT = TableId.REQUESTS, TableId.ACTIVE
CONSISTENT = FIXTURES / "luyi_2022_consistent.txt"
INCONSISTENT = FIXTURES / "luyi_2022_inconsistent.txt"
CROSS_YEAR_RULES = ("crossyear.previous", "crossyear.carryover", "crossyear.valid_count")


@pytest.fixture
def last_year() -> Report:
    return read_report(SEED)


@pytest.fixture
def this_year() -> Report:
    return read_report(CONSISTENT)


def findings_of(report: Report, previous: Report | None, rule: str) -> list[Finding]:
    return [f for f in check_report(report, previous).findings if f.rule == rule]


def test_fixtures_are_the_seed_body_one_year_later(this_year: Report, last_year: Report) -> None:
    assert (this_year.agency, this_year.year) == (last_year.agency, 2022)
    assert check_report(this_year).findings == []  # clean on its own


@pytest.mark.parametrize("rule", CROSS_YEAR_RULES)
def test_consistent_next_year_passes_every_cross_year_rule(this_year: Report, last_year: Report, rule: str) -> None:
    assert findings_of(this_year, last_year, rule) == []


@pytest.mark.parametrize("rule", CROSS_YEAR_RULES)
def test_without_last_year_the_cross_year_rules_are_silent(rule: str) -> None:
    assert findings_of(read_report(INCONSISTENT), None, rule) == []


def test_carried_over_must_equal_last_years_carried_forward_per_column(last_year: Report) -> None:
    report = read_report(INCONSISTENT)
    found = findings_of(report, last_year, "crossyear.carryover")
    assert {(f.location.row, f.location.column) for f in found} == {("二", "自然人"), ("二", "总计")}
    assert all(f.severity is Severity.ERROR and (f.expected, f.found) == ("0", "4") for f in found)
    assert "上年结转为 4" in found[0].message


def test_carried_over_follows_last_years_column_not_its_total(this_year: Report, last_year: Report) -> None:
    last_year.set_value(REQ, "四", "其他", 2)
    last_year.set_value(REQ, "四", "总计", 2)
    this_year.set_value(REQ, "二", "自然人", 2)  # the right total, in the wrong column
    this_year.set_value(REQ, "二", "总计", 2)
    found = findings_of(this_year, last_year, "crossyear.carryover")
    assert {f.location.column for f in found} == {"自然人", "其他"}


def test_valid_count_must_follow_last_year_with_issued_and_repealed(last_year: Report) -> None:
    report = read_report(INCONSISTENT)
    [finding] = findings_of(report, last_year, "crossyear.valid_count")
    assert finding.severity is Severity.WARNING
    assert (finding.location.table, finding.location.row) == (ACT, "行政规范性文件")
    assert finding.expected is not None and finding.expected.startswith("29")
    assert finding.found == "31"


def test_valid_count_with_a_blank_cell_is_left_to_the_cell_rules(this_year: Report, last_year: Report) -> None:
    this_year.set_value(ACT, "行政规范性文件", "现行有效件数", None)
    assert findings_of(this_year, last_year, "crossyear.valid_count") == []


def test_previous_report_of_another_year_is_flagged_and_not_compared(last_year: Report) -> None:
    report = read_report(INCONSISTENT)
    report.year = 2023
    [finding] = findings_of(report, last_year, "crossyear.previous")
    assert "应为 2022 年度" in finding.message
    assert findings_of(report, last_year, "crossyear.carryover") == []


def test_previous_report_of_another_body_is_flagged() -> None:
    report = read_report(CONSISTENT)
    other = read_report(CORPUS / "huaian_2024.pdf")
    messages = [f.message for f in findings_of(report, other, "crossyear.previous")]
    assert any("淮安市人民政府" in m for m in messages)
    assert any("应为 2021 年度" in m for m in messages)


# --- the command line ----------------------------------------------------------------------


def run_check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "check", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_cli_previous_with_consistent_report_exits_0() -> None:
    result = run_check(CONSISTENT, "--previous", SEED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "crossyear" not in result.stdout


def test_cli_previous_with_inconsistent_carry_over_exits_1_and_says_where() -> None:
    result = run_check(INCONSISTENT, "--previous", SEED)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "crossyear.carryover" in result.stdout
    assert "上年结转" in result.stdout


def test_cli_the_inconsistent_report_alone_exits_0() -> None:
    # Its own arithmetic holds: only last year's report shows the error.
    assert run_check(INCONSISTENT).returncode == 0


def test_cli_previous_json_lists_the_cross_year_findings() -> None:
    result = run_check(INCONSISTENT, "--previous", SEED, "--json")
    payload = json.loads(result.stdout)
    rules = sorted(f["rule"] for f in payload["findings"])
    assert rules == ["crossyear.carryover", "crossyear.carryover", "crossyear.valid_count"]
    assert payload["status"] == "failed"


def test_last_year_in_the_2019_format_is_compared_for_carry_over_only(this_year: Report) -> None:
    previous = empty_report(ReportFormat.F2019)
    previous.agency, previous.year = this_year.agency, 2021
    previous.set_value(REQ, "四", "自然人", 2)
    previous.set_value(REQ, "四", "总计", 2)
    found = findings_of(this_year, previous, "crossyear.carryover")
    assert {f.location.column for f in found} == {"自然人", "总计"}
    # 2019 has 规范性文件 with other columns: rule 13 does not apply across formats.
    assert findings_of(this_year, previous, "crossyear.valid_count") == []
