"""Part 一 with an LLM for bodies whose reports are structured every way (tests/fixtures/structures): headings
that open their paragraph (一是强化主动公开。…), headings with a comma in them, no headings at all. The model
writes only the work paragraph of a subsection with her facts, in a first draft and in a rewrite; the body's
own structure and the data paragraphs stay. Through the real openai/langchain client against a fake server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.draft import LLMDrafter
from nianbao.drafting.example import example_next_year
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from tests.fake_openai import Reply, fake_openai
from tests.test_drafting_llm import model_for
from tests.test_drafting_structures import last_year

WORK = [
    WorkFact(about="主动公开", text="今年开了2次新闻发布会"),
    WorkFact(about="监督保障", text="组织政务公开培训3次"),
]
PRESS = "2023年，我县召开新闻发布会2次，及时回应社会关切。"
TRAINING = "2023年，我县组织政务公开培训3次。"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("structures_llm")


def offline_for(name: str, folder: Path) -> tuple[Draft, Report]:
    report = last_year(name, folder)
    year = (report.year or 0) + 1
    cells = example_next_year(report)
    return draft_offline(report.agency or "", year, cells, ReportList([report]), {}, WORK), report


def drafted(draft: Draft, report: Report, replies: list[Reply], instruction: str | None = None) -> Draft:
    with fake_openai(replies) as server:
        drafter = LLMDrafter(model_for(server), ReportList([report]))
        if instruction is None:
            return drafter.draft_part(draft, "一", work=WORK)
        return drafter.regenerate_part(draft, "一", instruction, work=WORK)


def test_a_heading_that_opens_its_paragraph_still_does_with_the_models_work_after_the_data(folder: Path) -> None:
    offline, report = offline_for("yishi_paragraphs", folder)
    one = drafted(offline, report, [Reply(PRESS), Reply(TRAINING)]).report.part_text("一").split("\n")
    at = next(i for i, line in enumerate(one) if line.startswith("一是强化主动公开。"))
    assert one[at].startswith("一是强化主动公开。2023年，我县制发规章") and one[at + 1] == PRESS
    assert one[-1] == f"四是严格监督保障。{TRAINING}"  # no data paragraph: the heading opens the model's


def test_a_rewrite_naming_a_subsection_with_an_inline_heading_rewrites_only_it(folder: Path) -> None:
    offline, report = offline_for("yishi_paragraphs", folder)
    shorter = "2023年，我县召开新闻发布会2次。"
    draft = drafted(offline, report, [Reply(shorter)], "重写主动公开部分，更简洁")
    before, after = offline.report.part_text("一").split("\n"), draft.report.part_text("一").split("\n")
    at = next(i for i, line in enumerate(before) if line.startswith("一是强化主动公开。"))
    assert after[: at + 1] == before[: at + 1]  # the heading and its data paragraph, on one line as the body writes
    assert after[at + 1] == shorter and after[at + 2 :] == before[at + 2 :]


def test_a_whole_part_rewrite_finds_headings_with_a_comma_in_them(folder: Path) -> None:
    offline, report = offline_for("parens_own_headings", folder)
    with fake_openai([Reply(PRESS), Reply(TRAINING)]) as server:
        draft = LLMDrafter(model_for(server), ReportList([report])).regenerate_part(offline, "一", "更简洁", work=WORK)
    assert len(server.requests) == 2
    assert "“（一）坚持以公开为常态，主动公开更加深入”这一小节" in server.prompts()[0]
    before, after = offline.report.part_text("一"), draft.report.part_text("一")
    middle = "（二）依法规范办理，依申请公开更加有序"
    assert after.split(middle)[1].split("（五）")[0] == before.split(middle)[1].split("（五）")[0]  # unchanged
    assert after.endswith(f"（五）强化监督考核，保障措施更加有力\n{TRAINING}")


def test_a_body_without_headings_is_rebuilt_subsection_by_subsection_and_told_so(folder: Path) -> None:
    offline, report = offline_for("no_subsections", folder)
    draft = drafted(offline, report, [Reply(PRESS), Reply(TRAINING)], "更简洁")
    one = draft.report.part_text("一")
    assert PRESS in one and TRAINING in one and "共新收政府信息公开申请" in one
    assert "找不到各小节的小标题" in draft.notes[-2]
