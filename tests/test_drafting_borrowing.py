"""A county department with no past report of its own (沭阳县发展和改革局), drafted when the store holds only a
provincial general office's report full of its own names, places, events, programmes, dates and figures.

Only the structure may be borrowed: not one fact of the other body reaches the draft, the draft says which
report served as the model, and the department speaks of itself as a 局 does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.draft import LLMDrafter
from agents.llm import chat_model_from_settings
from nianbao.drafting.example import example_next_year
from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.worknotes import WorkFact
from nianbao.kb.service import KnowledgeBase
from nianbao.readers import read_report
from nianbao.settings import Settings
from tests.conftest import FIXTURES, kb_settings
from tests.fake_openai import Reply, fake_openai

PROVINCIAL = FIXTURES / "borrowing" / "jiangsu_office_2022.txt"
DEPARTMENT = "沭阳县发展和改革局"
# Everything in the provincial report that is its own: names, places, events, programmes, documents, figures.
ITS_OWN = [
    "江苏",
    "省政府",
    "办公厅",
    "南京",
    "苏州",
    "连云港",
    "无锡",
    "常州",
    "南通",
    "自由贸易试验区",
    "进口博览会",
    "进博",
    "苏品",
    "苏服办",
    "苏政通",
    "苏政办发",
    "长三角",
    "太湖",
    "沪苏浙皖",
    "南京大学",
    "3.2万",
    "86场",
    "1260",
    "1863",
    "1.5亿",
    "687",
    "912",
    "1200元",
    "13个设区市",
    "全省",
    "我省",
    "我厅",
]


@pytest.fixture(scope="module")
def borrowed(tmp_path_factory: pytest.TempPathFactory) -> Draft:
    kb = KnowledgeBase(kb_settings(tmp_path_factory.mktemp("borrowing") / "data"))
    assert [r.status for r in kb.add([PROVINCIAL])] == ["added"]
    cells = example_next_year(read_report(PROVINCIAL))
    return draft_offline(DEPARTMENT, 2023, cells, KnowledgeBaseSource(kb), {"信息处理费": 0})


def narrative(draft: Draft) -> str:
    return "\n".join(draft.report.part_text(n) for n in ("一", "五", "六"))


@pytest.mark.parametrize("fact", ITS_OWN)
def test_not_one_fact_of_the_other_body_is_in_the_draft(borrowed: Draft, fact: str) -> None:
    assert fact not in narrative(borrowed)


def test_the_draft_says_which_report_served_as_the_model(borrowed: Draft) -> None:
    assert any(
        note.startswith("结构参照：江苏省人民政府办公厅2022年报告（没有县级部门的报告可参照，该报告为省级部门）")
        and "均未采用" in note
        for note in borrowed.notes
    )
    assert borrowed.sources() == []  # no paragraph is drawn from it


def test_the_department_uses_its_own_name_and_speaks_of_itself_as_a_bureau(borrowed: Draft) -> None:
    assert borrowed.report.title == "沭阳县发展和改革局2023年政府信息公开工作年度报告"
    assert "2023年，我局" in borrowed.report.part_text("一")
    assert "我县" not in narrative(borrowed) and "我市" not in narrative(borrowed)


def test_the_structure_borrowed_is_the_subsections_under_the_formats_own_headings(borrowed: Draft) -> None:
    headings = [line for line in borrowed.report.part_text("一").split("\n") if line.startswith("（")]
    assert headings == [
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "（三）政府信息管理情况",
        "（四）政府信息公开平台建设情况",
        "（五）监督保障情况",
    ]


def test_nothing_is_borrowed_from_a_body_of_another_level_at_all(tmp_path: Path) -> None:
    from nianbao.drafting.sources import ReportList

    huaian = read_report(FIXTURES.parent.parent / "corpus" / "huaian_2024.pdf")  # a 市 government
    draft = draft_offline(DEPARTMENT, 2025, example_next_year(huaian), ReportList([huaian]))
    assert "淮安" not in narrative(draft) and "我市" not in narrative(draft)


def test_a_county_department_is_modelled_on_a_county_departments_report_before_a_provinces_office() -> None:
    from nianbao.drafting.sources import ReportList

    provincial = read_report(PROVINCIAL)
    county = provincial.model_copy(update={"agency": "泗阳县发展和改革局", "year": 2021}, deep=True)
    draft = draft_offline(DEPARTMENT, 2023, example_next_year(provincial), ReportList([provincial, county]))
    assert any("结构参照：泗阳县发展和改革局2021年报告（同为县级部门；" in note for note in draft.notes)


# ---- through a model: nothing of the other body is even sent -------------------------------------------------------


def test_a_model_drafting_five_and_six_for_the_department_is_sent_nothing_of_the_other_body(
    tmp_path_factory: pytest.TempPathFactory, borrowed: Draft
) -> None:
    kb = KnowledgeBase(kb_settings(tmp_path_factory.mktemp("borrowing_llm") / "data"))
    kb.add([PROVINCIAL])
    work = [
        WorkFact(about="问题", text="政策解读形式还比较单一"),
        WorkFact(about="其他", text="今年没有其他需要报告的事项"),
    ]
    with fake_openai([Reply("政策解读形式较为单一。"), Reply("无其他需要报告的事项。")]) as server:
        settings = Settings(OPENAI_API_KEY="k", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake-model")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        drafter = LLMDrafter(model, KnowledgeBaseSource(kb))
        five = drafter.draft_part(borrowed, "五", {"信息处理费": 0}, work)
        drafter.draft_part(five, "六", {"信息处理费": 0}, work)
    sent = "\n".join(m["content"] for request in server.requests for m in request["messages"])
    assert len(server.requests) == 2
    assert [fact for fact in ITS_OWN if fact in sent] == []
