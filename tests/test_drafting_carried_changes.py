"""A carried sentence that compares a figure with last year gets the change the two years' cells give.

A county department (柘城县市场监督管理局, tests/fixtures/changes) drafts 2023 from its own 2022 report, whose opening
says “全年共办结政府信息公开申请35件，同比增加2件；现行有效行政规范性文件12件，比上年增加2件。” The sentence is
carried over (marked as such), its figures made this year's, and its changes written from the cells: 增加/减少 N 件,
与上年持平 when the figure did not move, a direction word (有所增加) turned when the cells go the other way. Only a
change that cannot be computed (last year's own report missing) is marked 【待核实】.
"""

from __future__ import annotations

import pytest

from nianbao.drafting.marks import CARRIED
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import check_numbers
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import FIXTURES

REQ, ACTIVE = TableId.REQUESTS, TableId.ACTIVE
LAST_YEAR = FIXTURES / "changes" / "zhecheng_scj_2022.txt"
OPENING = "全年共办结政府信息公开申请35件，同比增加2件；现行有效行政规范性文件12件，比上年增加2件。"


@pytest.fixture(scope="module")
def last_year() -> Report:
    return read_report(LAST_YEAR)


def next_year(last: Report, closed_more: int = 0, valid: int = 12) -> Report:
    """2023's cells: 2022's, with ``closed_more`` more applications received and disclosed, and ``valid``
    行政规范性文件 in force."""
    report = last.model_copy(deep=True)
    report.year = 2023
    for row in ("一", "三.一", "三.七"):
        for column in ("自然人", "总计"):
            report.set_value(REQ, row, column, report.count(REQ, row, column) + closed_more)
    report.set_value(REQ, "二", "自然人", 3)
    report.set_value(REQ, "二", "总计", 3)
    report.set_value(REQ, "一", "自然人", report.count(REQ, "一", "自然人") - 1)
    report.set_value(REQ, "一", "总计", report.count(REQ, "一", "总计") - 1)
    report.set_value(ACTIVE, "行政规范性文件", "现行有效件数", valid)
    report.set_value(ACTIVE, "行政规范性文件", "本年废止件数", 12 + 3 - valid)  # last year's 12, 3 issued
    return report


def with_opening(last: Report, opening: str) -> Report:
    """Last year's report with its opening's comparison sentence written otherwise."""
    report = last.model_copy(deep=True)
    one = report.part("一")
    assert one is not None and OPENING in one.text
    one.text = one.text.replace(OPENING, opening)
    return report


def opening_of(last: Report, this_year: Report, year: int = 2023) -> str:
    draft = draft_offline(last.agency or "", year, this_year, ReportList([last]), {"信息处理费": 0})
    one = draft.report.part_text("一")
    return one.split("\n")[0]


def test_a_figure_that_did_not_move_is_said_level_with_last_year(last_year: Report) -> None:
    opening = opening_of(last_year, next_year(last_year))
    assert f"全年共办结政府信息公开申请35件，与上年持平{CARRIED}；" in opening
    assert f"现行有效行政规范性文件12件，与上年持平{CARRIED}。" in opening
    assert UNVERIFIED not in opening


def test_a_figure_that_moved_gets_the_change_the_cells_give(last_year: Report) -> None:
    opening = opening_of(last_year, next_year(last_year, closed_more=6, valid=10))
    assert "全年共办结政府信息公开申请41件，同比增加6件" in opening
    assert "现行有效行政规范性文件10件，比上年减少2件" in opening
    assert UNVERIFIED not in opening


@pytest.mark.parametrize(
    ("written", "closed_more", "expected"),
    [
        ("同比增长6.06%", 6, "同比增长17.14%"),  # a share of last year's, to the places written
        ("同比有所增加", -4, "同比有所减少"),
        ("同比有所增加", 0, "与上年持平"),
        ("与上年持平", 3, "同比增加3件"),
        ("同比增加2件，增幅6.06%", 0, "与上年持平"),  # said once, not “与上年持平，与上年持平”
    ],
)
def test_each_written_form_of_a_change_is_rewritten_from_the_cells(
    last_year: Report, written: str, closed_more: int, expected: str
) -> None:
    last = with_opening(last_year, OPENING.replace("同比增加2件", written))
    this_year = next_year(last_year, closed_more=closed_more)
    opening = opening_of(last, this_year)
    assert f"全年共办结政府信息公开申请{35 + closed_more}件，{expected}{CARRIED}；" in opening
    assert UNVERIFIED not in opening


def test_every_rewritten_change_is_one_the_claims_engine_accepts(last_year: Report) -> None:
    this_year = next_year(last_year, closed_more=6, valid=10)
    draft = draft_offline(last_year.agency or "", 2023, this_year, ReportList([last_year]), {"信息处理费": 0})
    opening = draft.report.part_text("一").split("\n")[0]
    checks = check_numbers(opening, draft.report, {}, "一", last_year)
    changes = [c for c in checks if (c.quotes or "").startswith("同比")]
    assert [c.number for c in changes] == ["6件", "2件"]
    assert all(not c.failed for c in changes)


def test_a_change_that_cannot_be_computed_is_marked(last_year: Report) -> None:
    # 2024 drafted from the 2022 report: 2023's own report is missing, so no change can be computed.
    this_year = next_year(last_year, closed_more=6)
    this_year.year = 2024
    opening = opening_of(last_year, this_year, year=2024)
    assert "全年共办结政府信息公开申请41件，同比增加2件" in opening
    assert opening.count(UNVERIFIED) == 2  # at each change's clause, once


# --- what the data paragraphs say fresh is not carried over again ---------------------------------


def subsection(draft_text: str, heading: str) -> str:
    lines = draft_text.split("\n")
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("（")), len(lines))
    return "\n".join(lines[start:end])


def test_last_years_request_counts_give_way_to_the_data_paragraph_sentence_by_sentence(last_year: Report) -> None:
    # “……申请36件……；上年结转2件。全年办结35件……”: the clauses after the first name no 申请 of their own.
    draft = draft_offline(last_year.agency or "", 2023, next_year(last_year, 6), ReportList([last_year]), {})
    requests = subsection(draft.report.part_text("一"), "（二）依申请公开")
    assert requests.count("上年结转") == 1 and requests.count("办结") == 1  # the data paragraph's
    assert CARRIED not in requests and UNVERIFIED not in requests


def test_a_sentence_of_only_last_years_decisions_is_not_said_again(last_year: Report) -> None:
    draft = draft_offline(last_year.agency or "", 2023, next_year(last_year), ReportList([last_year]), {})
    active = subsection(draft.report.part_text("一"), "（一）主动公开")
    assert active.count("行政许可决定1520件") == 1  # the data paragraph's, with its change
    assert f"栏目主动公开政府信息1256条{UNVERIFIED}{CARRIED}" in active  # the rest of the paragraph is carried


def test_the_tables_figures_restated_in_another_subsection_are_said_only_once(last_year: Report) -> None:
    last = last_year.model_copy(deep=True)
    one = last.part("一")
    assert one is not None
    oversight = "将政务公开纳入股室年度考核，组织政务公开业务培训2次。"
    one.text = one.text.replace(oversight, "全年被申请行政复议2件，结果维持1件，被提起行政诉讼1件。" + oversight)
    draft = draft_offline(last.agency or "", 2023, next_year(last_year), ReportList([last]), {})
    text = draft.report.part_text("一")
    assert "行政复议" not in subsection(text, "（五）监督保障")
    assert f"将政务公开纳入股室年度考核，组织政务公开业务培训2次{UNVERIFIED}{CARRIED}。" in text
    assert text.count("被申请行政复议") == 1  # in the data paragraph of （二）
