"""同比 of 办结 and of 行政复议/行政诉讼, written only where the body wrote one last year, in its words.

柘城县市场监督管理局 (tests/fixtures/changes) wrote in its 2022 report “全年办结35件，较上年增加5件” and “被申请行政复议
2件，较上年减少1件……；被提起行政诉讼1件，与上年持平”. Its 2023 draft says the same of this year's figures, from the two
years' cells (较上年增加6件, 与上年持平), and every such change is one the claims engine checks and accepts. A body that
compared none of them last year (鹿邑) gets none: no sentence is invented.

2022: 新收 36, 办结 35, 行政复议 2 (维持 1, 未审结 1), 行政诉讼 1 (维持 1).
2023 (made here): 新收 42, 办结 41, 行政复议 1 (维持 1), 行政诉讼 1 (维持 1).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.claims.changes import ChangeForm
from nianbao.drafting.datapara import Style, appeals_paragraph, closed_sentence, style_of
from nianbao.drafting.model import UNVERIFIED, Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import Status, check_numbers, mark_failing
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import FIXTURES

REQ, APPEAL = TableId.REQUESTS, TableId.APPEALS
AGENCY = "柘城县市场监督管理局"
CHANGE_WORDS = re.compile(r"同比|较上年|比上年|与上年持平")


@pytest.fixture(scope="module")
def last_year() -> Report:
    return read_report(FIXTURES / "changes" / "zhecheng_scj_2022.txt")


def next_year(last: Report, more: int = 6, review: tuple[int, int] = (1, 0), suits: int = 1) -> Report:
    """2023's cells: ``more`` applications more received and disclosed; 行政复议 (维持, 尚未审结); 行政诉讼 维持."""
    report = last.model_copy(deep=True)
    report.year = 2023
    for row in ("一", "三.一", "三.七"):
        for column in ("自然人", "总计"):
            report.set_value(REQ, row, column, report.count(REQ, row, column) + more)
    report.set_value(APPEAL, "行政复议", "结果维持", review[0])
    report.set_value(APPEAL, "行政复议", "尚未审结", review[1])
    report.set_value(APPEAL, "行政复议", "总计", sum(review))
    report.set_value(APPEAL, "行政诉讼/未经复议直接起诉", "结果维持", suits)
    report.set_value(APPEAL, "行政诉讼/未经复议直接起诉", "总计", suits)
    return report


def rewritten(report: Report, old: str, new: str) -> Report:
    """The report with a passage of its 一 written otherwise."""
    report = report.model_copy(deep=True)
    one = report.part("一")
    assert one is not None and old in one.text
    one.text = one.text.replace(old, new)
    return report


def requests_data(draft: Draft) -> str:
    return next(line for line in draft.report.part_text("一").split("\n") if "新收政府信息公开申请" in line)


def draft_of(last: Report, this_year: Report) -> Draft:
    return draft_offline(AGENCY, 2023, this_year, ReportList([last]), {"信息处理费": 0})


# --- what the draft says --------------------------------------------------------------------------


def test_figures_the_body_compared_last_year_are_compared_again_in_its_words(last_year: Report) -> None:
    data = requests_data(draft_of(last_year, next_year(last_year)))
    assert "办结41件，较上年增加6件，其中予以公开26件" in data
    assert "被申请行政复议1件，较上年减少1件，其中结果维持1件" in data
    assert "被提起行政诉讼1件，与上年持平，其中结果维持1件" in data


def test_a_body_that_compared_none_of_them_gets_no_change_for_them(seed: Report, cells: Report) -> None:
    draft = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]), {"信息处理费": 0})
    data = requests_data(draft)
    assert "同比增长8.07%" in data  # 新收 is always compared
    assert re.search(r"办结\d+件，其中", data)
    assert re.search(r"被申请行政复议\d+件，其中", data) and re.search(r"被提起行政诉讼\d+件，其中", data)


def test_only_the_figures_it_compared_are_compared(last_year: Report) -> None:
    only_closed = rewritten(last_year, "2件，较上年减少1件，其中", "2件，其中")
    only_closed = rewritten(only_closed, "1件，与上年持平，结果维持", "1件，结果维持")
    data = requests_data(draft_of(only_closed, next_year(last_year)))
    assert "办结41件，较上年增加6件，其中" in data
    assert "被申请行政复议1件，其中结果维持1件" in data and "被提起行政诉讼1件，其中结果维持1件" in data


@pytest.mark.parametrize(
    ("written_last_year", "written_now"),
    [
        ("较上年增加5件", "较上年增加6件"),
        ("同比增长16.67%", "同比增长17.14%"),  # 41 against 35, a share of last year's as the body wrote it
        ("比上年多5件", "比上年增加6件"),
        ("同比有所增加", "较上年增加6件"),  # a direction only: the change in the form of its other changes
    ],
)
def test_the_change_of_closed_applications_takes_the_form_the_body_used(
    last_year: Report, written_last_year: str, written_now: str
) -> None:
    last = rewritten(last_year, "全年办结35件，较上年增加5件", f"全年办结35件，{written_last_year}")
    assert f"办结41件，{written_now}，其中" in requests_data(draft_of(last, next_year(last_year)))


def test_pending_appeals_and_a_fall_to_none_are_said_right(last_year: Report) -> None:
    data = requests_data(draft_of(last_year, next_year(last_year, review=(0, 3), suits=0)))
    assert "被申请行政复议3件，较上年增加1件，其中尚未审结3件；未被提起行政诉讼。" in data


def test_without_last_years_own_report_no_change_is_written(last_year: Report) -> None:
    this_year = next_year(last_year)
    this_year.year = 2024
    draft = draft_offline(AGENCY, 2024, this_year, ReportList([last_year]), {"信息处理费": 0})
    data = requests_data(draft)
    assert "办结41件，其中" in data and "被申请行政复议1件，其中" in data and "被提起行政诉讼1件，其中" in data


# --- the recheck: every change the drafter writes is one the engine accepts ------------------------


def test_every_change_in_the_drafted_data_paragraph_is_checked_and_agrees(last_year: Report) -> None:
    draft = draft_of(last_year, next_year(last_year))
    data = requests_data(draft)
    checks = [c for c in check_numbers(data, draft.report, {}, "一", last_year) if (c.quotes or "").startswith("同比")]
    assert len(checks) == len(CHANGE_WORDS.findall(data)) == 4  # 新收, 办结, 行政复议, 行政诉讼
    assert all(c.status is Status.OK for c in checks)
    assert UNVERIFIED not in data


@pytest.mark.parametrize(
    ("sentence", "clause"),
    [
        ("办结41件，较上年增加5件，其中予以公开26件。", "较上年增加5件"),  # 41 against 35: 6
        ("因政府信息公开工作被申请行政复议1件，较上年增加1件，其中结果维持1件。", "较上年增加1件"),  # 1 against 2
        ("因政府信息公开工作被提起行政诉讼1件，较上年减少1件，其中结果维持1件。", "较上年减少1件"),  # level
    ],
)
def test_a_wrong_change_of_closed_or_appeals_is_marked_at_its_own_clause(
    last_year: Report, sentence: str, clause: str
) -> None:
    text = "2023年，我局共新收政府信息公开申请42件。" + sentence
    marked, checks = mark_failing(text, next_year(last_year), {}, "一", last_year)
    assert [c.number for c in checks if c.failed] == [clause[-2:]]
    assert f"{clause}{UNVERIFIED}，其中" in marked


_COMPARED: dict[str, tuple[tuple[str, ChangeForm | None], ...]] = {}


def compared_as(last_year: Report, written: str) -> tuple[tuple[str, ChangeForm | None], ...]:
    """What the body compared last year, had it written its change of 办结 as ``written`` (read once a form)."""
    if written not in _COMPARED:
        _COMPARED[written] = style_of(rewritten(last_year, "较上年增加5件", written)).compared
    return _COMPARED[written]


CLOSED_FORMS = [("较上年增加5件", "较上年", False), ("同比增长16.67%", "同比", True), ("与上年持平", None, None)]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    closed=st.tuples(st.integers(0, 3000), st.integers(0, 3000)),
    review=st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)),
    suits=st.tuples(st.integers(0, 20), st.integers(0, 20)),
    form=st.sampled_from(CLOSED_FORMS),
    places=st.integers(0, 2),
    method=st.sampled_from([None, "截尾"]),
)
def test_every_change_of_closed_and_appeals_the_drafter_writes_the_engine_accepts(
    last_year: Report,
    closed: tuple[int, int],
    review: tuple[int, int, int],
    suits: tuple[int, int],
    form: tuple[str, str | None, bool | None],
    places: int,
    method: str | None,
) -> None:
    this_year, last = last_year.model_copy(deep=True), last_year.model_copy(deep=True)
    this_year.year = 2023
    for report, count in ((this_year, closed[0]), (last, closed[1])):
        report.set_value(REQ, "三.一", "总计", count)
        report.set_value(REQ, "三.七", "总计", count)
        for row in ("三.二", "三.三.4", "三.三.6", "三.四.1", "三.五.1"):
            report.set_value(REQ, row, "总计", 0)
    this_year.set_value(APPEAL, "行政复议", "结果维持", review[0])
    this_year.set_value(APPEAL, "行政复议", "尚未审结", review[1])
    this_year.set_value(APPEAL, "行政复议", "总计", review[0] + review[1])
    last.set_value(APPEAL, "行政复议", "总计", review[2])
    this_year.set_value(APPEAL, "行政诉讼/复议后起诉", "结果维持", suits[0])
    this_year.set_value(APPEAL, "行政诉讼/复议后起诉", "总计", suits[0])
    last.set_value(APPEAL, "行政诉讼/复议后起诉", "总计", suits[1])
    style = Style(places=places, method=method, change_lead=form[1], compared=compared_as(last_year, form[0]))
    text = closed_sentence(this_year, style, last) + appeals_paragraph(this_year, last, style)
    text = "2023年，我局依法办理政府信息公开申请。" + text  # 办结 counts applications: the paragraph says so first
    checks = check_numbers(text, this_year, {}, "一", last)
    assert [c.message for c in checks if c.failed] == []
    changes = [c for c in checks if (c.quotes or "").startswith("同比")]
    assert len(changes) == len(CHANGE_WORDS.findall(text))
    if closed[0]:
        assert CHANGE_WORDS.search(text.split("办结")[1].split("，其中")[0])


def test_the_style_read_from_last_years_report_names_what_it_compared(last_year: Report, seed: Report) -> None:
    assert dict(style_of(last_year).compared).keys() >= {"办结/答复", "行政复议", "行政诉讼"}
    assert not {"办结/答复", "行政复议", "行政诉讼"} & dict(style_of(seed).compared).keys()
