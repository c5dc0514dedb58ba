"""The data paragraphs of 一 as a clerk would sign them: no “0件” of what did not happen, no figure said twice.

A county department (某县自然资源局) with few or no applications drafts 2022 with the 鹿邑 2021 report's figures
as last year; its zeros are said in words (未收到, 均为自然人申请, 无上年结转的申请), and every number left is one the
recheck verifies.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.drafting.datapara import Style, active_paragraph, requests_paragraph, style_of
from nianbao.drafting.example import example_next_year
from nianbao.drafting.verify import check_numbers
from nianbao.model import Report
from nianbao.schema import REQUEST_COLUMNS, TableId, rows_of

REQ, ACTIVE = TableId.REQUESTS, TableId.ACTIVE


def with_requests(report: Report, **totals: int) -> Report:
    """The report with every 依申请公开 cell 0 but the 自然人 and 总计 cells given (row → count)."""
    report = report.model_copy(deep=True)
    for row in rows_of(report.format, REQ):
        for column in REQUEST_COLUMNS:
            value = totals.get(row.key.replace(".", "_"), 0) if column in ("自然人", "总计") else 0
            report.set_value(REQ, row.key, column, value)
    return report


def verified(text: str, report: Report, previous: Report) -> str:
    failing = [c.message for c in check_numbers(text, report, {}, "一", previous) if c.failed]
    assert failing == []
    return text


@pytest.fixture(scope="module")
def this_year(seed: Report) -> Report:
    return example_next_year(seed)


def test_no_application_at_all_is_said_in_one_sentence(this_year: Report, seed: Report) -> None:
    report = with_requests(this_year)
    said = requests_paragraph(report, seed, style_of(seed), "我局")
    assert said == "2022年，我局未收到政府信息公开申请，无上年结转的申请。"


def test_applications_all_from_people_and_none_carried_are_said_in_words(this_year: Report, seed: Report) -> None:
    report = with_requests(this_year, 一=5, 三_一=4, 三_七=4, 四=1)
    text = verified(requests_paragraph(report, seed, style_of(seed), "我局"), report, seed)
    assert text.startswith("2022年，我局共新收政府信息公开申请5件，同比下降97.76%，均为自然人申请；无上年结转的申请。")
    assert "办结4件，其中予以公开4件，占100.00%。结转下年度继续办理1件。" in text
    assert "0件" not in text and "部分公开" not in text


def test_nothing_carried_forward_is_said_in_words(this_year: Report, seed: Report) -> None:
    report = with_requests(this_year, 一=3, 三_二=3, 三_七=3)
    text = verified(requests_paragraph(report, seed, style_of(seed), "我局"), report, seed)
    assert "办结3件，其中部分公开3件，占100.00%。无结转下年度继续办理的申请。" in text


def test_no_decision_of_any_kind_is_said_once_not_as_zeros(this_year: Report) -> None:
    report = this_year.model_copy(deep=True)
    for row in ("行政许可", "行政处罚", "行政强制"):
        report.set_value(ACTIVE, row, "本年处理决定数量", 0)
    report.set_value(ACTIVE, "行政事业性收费", "本年收费金额", 0)
    text = active_paragraph(report, "我局", None)
    assert "全年未作出行政许可、行政处罚、行政强制决定。本年度未收取行政事业性收费。" in text


def test_changes_follow_the_words_and_form_the_body_used_last_year(this_year: Report, seed: Report) -> None:
    last_year = seed.model_copy(deep=True)
    one = last_year.part("一")
    assert one is not None
    one.text += "\n全年共新收政府信息公开申请223件，较上年减少12件。"
    style = style_of(last_year)
    assert (style.change_lead, style.change_in_percent) == ("较上年", False)
    requests = verified(requests_paragraph(this_year, seed, style, "我县"), this_year, seed)
    assert "共新收政府信息公开申请241件，较上年增加18件，" in requests
    active = verified(active_paragraph(this_year, "我县", seed, style), this_year, seed)
    assert "行政许可决定20818件，较上年增加3件" in active and "制发行政规范性文件13件，较上年增加3件" in active
    assert "收取行政事业性收费2584.00万元，较上年增加123.05万元" in active


def test_without_a_change_in_last_years_report_shares_are_written_for_requests_and_decisions(seed: Report) -> None:
    assert (style_of(seed).change_lead, style_of(seed).change_in_percent) == (None, None)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    decisions=st.tuples(*[st.integers(0, 50_000)] * 6),
    documents=st.tuples(*[st.integers(0, 40)] * 4),
    fees=st.tuples(*[st.decimals(0, 9999, places=4)] * 2),
    places=st.integers(0, 2),
    method=st.sampled_from([None, "截尾"]),
    money=st.integers(0, 4),
)
def test_every_change_the_drafter_writes_the_engine_reads_as_agreeing(
    seed: Report,
    decisions: tuple[int, ...],
    documents: tuple[int, ...],
    fees: tuple[Decimal, Decimal],
    places: int,
    method: str | None,
    money: int,
) -> None:
    this_year, last_year = example_next_year(seed), seed.model_copy(deep=True)
    for index, row in enumerate(("行政许可", "行政处罚", "行政强制")):
        this_year.set_value(ACTIVE, row, "本年处理决定数量", decisions[index])
        last_year.set_value(ACTIVE, row, "本年处理决定数量", decisions[index + 3])
    for report, (issued, valid) in ((this_year, documents[:2]), (last_year, documents[2:])):
        report.set_value(ACTIVE, "行政规范性文件", "本年制发件数", issued)
        report.set_value(ACTIVE, "行政规范性文件", "现行有效件数", valid)
    this_year.set_value(ACTIVE, "行政事业性收费", "本年收费金额", fees[0])
    last_year.set_value(ACTIVE, "行政事业性收费", "本年收费金额", fees[1])
    style = Style(places=places, method=method, money_places=money)
    text = verified(active_paragraph(this_year, "我县", last_year, style), this_year, last_year)
    if decisions[0] and decisions[3]:
        said = text.split("行政许可决定")[1].split("；")[0].split("。")[0]
        assert "同比" in said or "与上年持平" in said


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    received=st.tuples(st.integers(0, 5000), st.integers(0, 5000)),
    places=st.integers(0, 2),
    method=st.sampled_from([None, "截尾"]),
    form=st.sampled_from([(None, None), ("较上年", False), ("比上年", True)]),
)
def test_every_change_of_new_applications_the_drafter_writes_the_engine_reads_as_agreeing(
    seed: Report,
    received: tuple[int, int],
    places: int,
    method: str | None,
    form: tuple[str | None, bool | None],
) -> None:
    this_year = with_requests(seed, 一=received[0], 三_一=received[0], 三_七=received[0])
    this_year.year, last_year = 2022, seed.model_copy(deep=True)
    last_year.set_value(REQ, "一", "总计", received[1])
    style = Style(places=places, method=method, change_lead=form[0], change_in_percent=form[1])
    text = verified(requests_paragraph(this_year, last_year, style, "我局"), this_year, last_year)
    if received[0] and received[1]:
        assert "同比" in text or "上年" in text.split("件")[1]
