"""Part 一 with an LLM when the clerk gave facts about this year's work: the model writes only the work
paragraph of each subsection she gave facts for, from those facts, with last year's subsection as a short
style example; headings and data paragraphs are the tables', every other subsection the built-in drafter's.
Through the real openai/langchain client against tests/fake_openai.py."""

from __future__ import annotations

from agents.draft import LLMDrafter
from nianbao.drafting.marks import CARRIED
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from tests.fake_openai import Reply, fake_openai
from tests.test_drafting_llm import AGENCY, model_for

WORK = [
    WorkFact(about="主动公开", text="今年开了2次新闻发布会"),
    WorkFact(about="监督保障", text="组织了全县政务公开业务培训3次"),
]
ACTIVE = "2022年，我县召开新闻发布会2次，及时回应社会关切。"
OVERSIGHT = "2022年，我县组织全县政务公开业务培训3次，提升了工作人员业务能力。"


def test_the_model_writes_each_work_paragraph_from_her_facts_only(seed: Report, cells: Report) -> None:
    offline = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, WORK)
    with fake_openai([Reply(OVERSIGHT), Reply(ACTIVE)]) as server:
        drafter = LLMDrafter(model_for(server), ReportList([seed]))
        draft = drafter.draft_part(offline, "一", work=WORK)
    prompts = server.prompts()
    assert len(prompts) == 2  # one short request per subsection she gave facts for, none for the others
    assert "“（一）机构与制度建设取得新进展”" in prompts[0] and "- 组织了全县政务公开业务培训3次" in prompts[0]
    assert "- 今年开了2次新闻发布会" in prompts[1]
    assert all(len(p) < 900 for p in prompts)  # last year's subsection is cut to a short style example
    one = draft.report.part_text("一")
    assert "（一）机构与制度建设取得新进展\n" + OVERSIGHT in one
    assert ACTIVE in one.split("（四）")[1]
    assert "共新收政府信息公开申请241件，同比增长8.07%" in one  # the data paragraph: the tables', not the model's
    assert CARRIED in one.split("（三）")[1].split("（四）")[0]  # no facts for 平台建设: carried over, marked


def test_a_figure_she_did_not_give_is_sent_back_for_her_subsection_then_not_kept(seed: Report, cells: Report) -> None:
    wrong = "2022年，我县组织全县政务公开业务培训5次。"
    offline = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, WORK[1:])
    with fake_openai([Reply(wrong), Reply(wrong), Reply(wrong)]) as server:
        draft = LLMDrafter(model_for(server), ReportList([seed])).draft_part(offline, "一", work=WORK[1:])
    prompts = server.prompts()
    assert len(prompts) == 3  # the first reply and two fix rounds
    assert "你写的“（一）机构与制度建设取得新进展”这一小节" in prompts[1] and "第一部分完整正文" not in prompts[1]
    one = draft.report.part_text("一")
    assert "培训5次" not in one.replace(f"培训5次{UNVERIFIED}", "")  # never kept unmarked (her 3 replaces it)


def test_her_words_today_and_last_year_copied_by_the_model_name_the_years(seed: Report, cells: Report) -> None:
    offline = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, WORK[1:])
    with fake_openai([Reply("今年组织了全县政务公开业务培训3次，培训人数比去年更多。")]) as server:
        draft = LLMDrafter(model_for(server), ReportList([seed])).draft_part(offline, "一", work=WORK[1:])
    assert "2022年组织了全县政务公开业务培训3次，培训人数比2021年更多。" in draft.report.part_text("一")
