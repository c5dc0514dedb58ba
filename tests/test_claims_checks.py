"""What the engine finds wrong in a narrative, as `nianbao check` reports it.

Sentences are written the way real reports write them and added to the seed (鹿邑县人民政府 2021):
一 223, 三.一 185, 三.二 8, 不予公开 2, 无法提供 16, 不予处理 11 (信访举报投诉类 8), 其他处理 1,
三.七 223, 四 0; 行政复议 1 (结果维持 1); 现行有效行政规范性文件 26.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.checker import check_report
from nianbao.claims.changes import cells_not_given, change_text, last_year_cell
from nianbao.claims.counts import count_claims
from nianbao.model import Finding, Report, Severity
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import FIXTURES, SEED

REQ, APP, ACTIVE = TableId.REQUESTS, TableId.APPEALS, TableId.ACTIVE


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def with_paragraph(report: Report, paragraph: str, part: str = "一") -> Report:
    target = report.part(part)
    assert target is not None
    target.text += "\n" + paragraph
    return report


def narrative_findings(report: Report, rule: str) -> list[Finding]:
    return [f for f in check_report(report).findings if f.rule == rule]


# --- numbers in words are claims like numbers in digits ---------------------------------------


@pytest.mark.parametrize("share", ["百分之九十", "90%", "９０％"])
def test_a_share_in_words_is_checked_as_in_digits(seed: Report, share: str) -> None:
    with_paragraph(seed, f"其中，予以公开185件，占办结总数的{share}。")
    [finding] = narrative_findings(seed, "narrative.percent")
    assert (finding.expected or "").startswith("83%（依申请公开 三.一 予以公开 总计 185 ÷ 办理结果总计（三.七） 223）")
    assert finding.found == share.replace("９０％", "90%")


def test_a_right_share_in_words_passes(seed: Report) -> None:
    with_paragraph(seed, "其中，予以公开185件，占办结总数的百分之八十三。")
    assert narrative_findings(seed, "narrative.percent") == []


@pytest.mark.parametrize("count", ["二百二十五件", "225件", "２２５件"])
def test_a_count_in_chinese_numerals_is_checked(seed: Report, count: str) -> None:
    with_paragraph(seed, f"本年度，本机关共收到政府信息公开申请{count}。")
    [finding] = narrative_findings(seed, "narrative.count")
    assert finding.expected == "依申请公开 一 本年新收 总计 223"


# --- scope: an error at the body's own scope, a reminder at another ---------------------------


def test_a_count_at_the_bodys_own_scope_that_contradicts_the_table_is_an_error(seed: Report) -> None:
    with_paragraph(seed, "本年度共收到政府信息公开申请999件。")
    [finding] = narrative_findings(seed, "narrative.count")
    assert finding.severity is Severity.ERROR
    assert not check_report(seed).ok


def test_a_count_that_may_be_of_a_narrower_scope_is_a_reminder(seed: Report) -> None:
    with_paragraph(seed, "2021年，县政府办（代县政府）受理政府信息公开申请17件，均已按时答复。")
    [finding] = narrative_findings(seed, "narrative.count")
    assert finding.severity is Severity.WARNING and "统计口径" in finding.message


# --- all-claims against pending and carried-over cases ----------------------------------------


def test_all_upheld_while_a_review_is_pending_is_flagged(seed: Report) -> None:
    seed.set_value(APP, "行政复议", "尚未审结", 1)
    seed.set_value(APP, "行政复议", "总计", 2)
    with_paragraph(seed, "本年度被申请行政复议2件，均获维持。")
    [finding] = narrative_findings(seed, "narrative.claim")
    assert finding.found == "均获维持" and "尚未审结 1" in (finding.expected or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "所有申请均已按要求办理完成。",
        "对收到的政府信息公开申请，全部按时答复。",
        "全年政府信息公开申请办结率100%。",
        "全年政府信息公开申请办结率达百分之百。",
        "全年依申请公开工作无一件未办结。",
    ],
)
def test_all_closed_while_requests_are_carried_over_is_flagged(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    assert narrative_findings(seed, "narrative.claim") == []
    seed.set_value(REQ, "四", "总计", 3)
    [finding] = [f for f in narrative_findings(seed, "narrative.claim") if f.location.sentence == sentence]
    assert "结转下年度继续办理 总计 3" in (finding.expected or "")


def test_no_review_at_all_is_contradicted_by_a_review(seed: Report) -> None:
    with_paragraph(seed, "本年度无一起政府信息公开行政复议案件。")
    [finding] = narrative_findings(seed, "narrative.claim")
    assert "行政复议 总计 1" in (finding.expected or "")


# --- categories listed against 办结, and a category given as one of its sub-items --------------


def test_listed_categories_that_add_up_to_less_than_closed_are_flagged(seed: Report) -> None:
    with_paragraph(seed, "其中，予以公开及部分公开193件，不予公开2件，无法提供16件，不予处理8件。")
    [finding] = narrative_findings(seed, "narrative.list")
    assert finding.found == "合计 219" and "223" in (finding.expected or "")
    assert "其他处理 1 件" in finding.message


def test_listed_categories_that_add_up_to_closed_pass(seed: Report) -> None:
    with_paragraph(seed, "其中，予以公开及部分公开193件，不予公开2件，无法提供16件，不予处理11件，其他处理1件。")
    assert narrative_findings(seed, "narrative.list") == []


def test_a_category_given_as_one_of_its_sub_items_says_which(seed: Report) -> None:
    with_paragraph(seed, "本年度不予处理8件。")
    [finding] = narrative_findings(seed, "narrative.count")
    assert "信访举报投诉类申请" in finding.message
    [claim] = [c for c in count_claims(seed) if c.claim.name == "不予处理"]
    assert claim.sub_item is not None and claim.sub_item.value == 8


# --- 主动公开 figures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    ["截至年底，现行有效行政规范性文件393件。", "本年度制发行政规范性文件393件。", "废止规范性文件393件。"],
)
def test_active_figures_in_the_text_are_checked(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    [finding] = narrative_findings(seed, "narrative.count")
    assert finding.found == "393件" and "行政规范性文件" in (finding.expected or "")


def test_active_figures_that_agree_pass(seed: Report) -> None:
    with_paragraph(seed, "本年度制发行政规范性文件10件，废止8件，现行有效行政规范性文件26件。")
    assert narrative_findings(seed, "narrative.count") == []


# --- changes against last year ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "then", "unit", "percent", "written"),
    [
        (241, 223, "件", True, "同比增长8.07%"),
        (19046, 20815, "件", True, "同比下降8.50%"),
        (13, 10, "件", False, "同比增加3件"),
        (8, 8, "件", False, "与上年持平"),
        (5, 0, "件", True, "同比增加5件"),  # no share of nothing
        (Decimal("2340.9543"), Decimal("2460.9543"), "万元", False, "比上年减少120.00万元"),
        (13, None, "件", False, ""),
    ],
)
def test_a_change_is_written_as_reports_write_it(
    now: int | Decimal, then: int | Decimal | None, unit: str, percent: bool, written: str
) -> None:
    assert change_text(now, then, unit, percent) == written


@pytest.fixture
def format_2019() -> Report:
    return read_report(FIXTURES / "luyi_2020_format2019.txt")  # 行政许可 处理决定数量 19870


def test_a_2019_format_report_gives_last_years_decisions_and_nothing_it_does_not_count(
    seed: Report, format_2019: Report
) -> None:
    assert last_year_cell(format_2019, ACTIVE, "行政许可", "本年处理决定数量") == 19870
    assert last_year_cell(format_2019, ACTIVE, "行政规范性文件", "现行有效件数") is None
    assert last_year_cell(seed, ACTIVE, "行政规范性文件", "现行有效件数") == 26
    rows = {row for table, row, _ in cells_not_given(format_2019, seed) if table is ACTIVE}
    assert rows == {"规章", "行政规范性文件", "行政事业性收费"}


def test_a_wrong_change_of_decisions_against_a_2019_format_year_is_flagged(seed: Report, format_2019: Report) -> None:
    report = with_paragraph(seed, "全年作出行政许可决定20815件，同比增长6%。制发行政规范性文件10件，同比增加2件。")
    found = [(f.found, f.expected) for f in check_report(report, format_2019).findings if f.rule == "narrative.change"]
    assert found == [("增长6%", "增长5%")]  # 945 of 19870; the documents' change cannot be known from 2019


def test_a_breakdown_after_a_change_in_counts_still_breaks_down_the_figure_before(seed: Report) -> None:
    report = with_paragraph(seed, "全年共新收政府信息公开申请223件，较上年增加20件，其中自然人申请200件。")
    [finding] = narrative_findings(report, "narrative.count")
    assert (finding.found, finding.expected) == ("200件", "依申请公开 一 本年新收 自然人 210")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("较上年提高1.32个百分点", None),  # 86.55 % against 2020's 85.22 %
        ("较上年提高1.33个百分点", None),  # from the shares as published: one unit at the last place apart
        ("同比提高2.3个百分点", "提高1.3个百分点"),
        ("同比下降一个百分点", "上升1个百分点"),
        ("较上年有所下降", "上升"),
    ],
)
def test_a_change_of_a_share_is_checked_in_percentage_points(
    seed: Report, format_2019: Report, change: str, expected: str | None
) -> None:
    sentence = f"全年办结政府信息公开申请223件，其中予以公开及部分公开共193件，占86.55%，{change}。"
    found = [f.expected for f in check_report(with_paragraph(seed, sentence), format_2019).findings]
    assert (expected in found) if expected else not [f for f in found if f and "百分点" in f]
