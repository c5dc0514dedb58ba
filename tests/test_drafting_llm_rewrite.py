"""A clerk asks the model to rewrite part 一 (更简洁, 重写主动公开部分): what it is sent, and what it may not lose.

The data paragraph of a subsection is the product's own, written from the tables; the model writes only the
work paragraph, from her facts and her own sentences, with last year's subsection as a short style example.
Through the real openai/langchain client against tests/fake_openai.py.
"""

from __future__ import annotations

import pytest

from agents.draft import LLMDrafter, with_part
from nianbao.claims.numbers import find_numbers
from nianbao.claims.text import sentences
from nianbao.drafting.copies import is_copied
from nianbao.drafting.marks import CARRIED, carried, is_marked, without_marks
from nianbao.drafting.model import UNVERIFIED, Draft, DraftParagraph, DraftPart
from nianbao.drafting.offline import draft_offline, is_subheading
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from tests.fake_openai import Reply, fake_openai
from tests.test_drafting_llm import AGENCY, model_for

WORK = [
    WorkFact(about="主动公开", text="今年开了2次新闻发布会"),
    WorkFact(about="依申请公开", text="今年规范了依申请公开办理流程"),
]
ACTIVE = "（四）政务公开工作取得新成效"
PLATFORMS = "（三）公开平台建设更规范"
PRESS = "2022年，我县召开新闻发布会2次，及时回应社会关切。"
PLATFORM_SENTENCE = "推进政府网站优质规范发展"  # carried over from last year in the built-in draft, marked


@pytest.fixture
def offline(seed: Report, cells: Report) -> Draft:
    return draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, WORK)


def subsection(text: str, heading: str) -> list[str]:
    """The lines of one subsection of 一: its heading, then its paragraphs up to the next heading."""
    lines = text.split("\n")
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("（")), len(lines))
    return lines[start:end]


def rewrite(draft: Draft, seed: Report, instruction: str, replies: list[Reply]) -> tuple[Draft, list[str]]:
    with fake_openai(replies) as server:
        done = LLMDrafter(model_for(server), ReportList([seed])).regenerate_part(draft, "一", instruction, work=WORK)
    return done, server.prompts()


def test_a_rewrite_that_drops_the_figures_keeps_the_data_paragraph_of_the_tables(offline: Draft, seed: Report) -> None:
    heading, data, *_ = subsection(offline.report.part_text("一"), ACTIVE)
    draft, prompts = rewrite(offline, seed, "重写主动公开部分，更简洁", [Reply(PRESS)])
    assert len(prompts) == 1
    assert subsection(draft.report.part_text("一"), ACTIVE) == [heading, data, PRESS]
    numbers = {n.text for n in find_numbers(data)}
    assert len(numbers) >= 8 and numbers <= {n.text for n in find_numbers("".join([data, PRESS]))}
    # The data paragraph went as already written, her facts as the only source, and no carried sentence.
    assert data in prompts[0] and "- 今年开了2次新闻发布会" in prompts[0] and CARRIED not in prompts[0]
    assert draft.notes[-1] == (
        f"按“重写主动公开部分，更简洁”重写了第一部分的“{ACTIVE}”（数据段落按表格重新生成，未交给大模型改写），"
        "其他内容未改动。"
    )


def test_everything_but_the_named_subsection_stays_as_it_was(offline: Draft, seed: Report) -> None:
    draft, _ = rewrite(offline, seed, "重写主动公开部分，更简洁", [Reply(PRESS)])
    before, after = offline.report.part_text("一"), draft.report.part_text("一")
    assert after.split(ACTIVE)[0] == before.split(ACTIVE)[0]


def test_a_figure_of_the_tables_the_model_rewrites_wrong_is_sent_back_then_marked(
    offline: Draft, seed: Report, cells: Report
) -> None:
    wrong = "2022年，我县制发规章5件，召开新闻发布会2次。"  # the tables say 3
    draft, prompts = rewrite(offline, seed, "重写主动公开部分", [Reply(wrong)] * 3)
    assert len(prompts) == 3 and "“5件”" in prompts[1] and "3件" in prompts[1]
    _, data, work = subsection(draft.report.part_text("一"), ACTIVE)
    assert "制发规章3件" in data and UNVERIFIED not in data
    assert work == f"2022年，我县制发规章5件{UNVERIFIED}，召开新闻发布会2次。"


def test_a_figure_in_no_table_and_no_fact_is_marked(offline: Draft, seed: Report) -> None:
    added = "2022年，我县召开新闻发布会2次，发布政策解读文章56篇。"
    draft, prompts = rewrite(offline, seed, "重写主动公开部分", [Reply(added)] * 3)
    assert len(prompts) == 3
    assert subsection(draft.report.part_text("一"), ACTIVE)[2] == (
        f"2022年，我县召开新闻发布会2次，发布政策解读文章56篇{UNVERIFIED}。"
    )


def test_her_own_sentences_go_to_the_model_and_the_carried_ones_do_not(offline: Draft, seed: Report) -> None:
    text = offline.report.part_text("一")
    mine = "县政府门户网站新开设了政策问答专栏。"  # she wrote it in
    edited_text = text.replace(f"{PLATFORM_SENTENCE}{CARRIED}。", f"{PLATFORM_SENTENCE}。{mine}")  # she confirmed one
    lines = edited_text.split("\n")
    edited = with_part(offline, DraftPart(number="一", paragraphs=[DraftParagraph(text=line) for line in lines]))
    reply = f"{PLATFORM_SENTENCE}，新开设了政策问答专栏。"
    draft, prompts = rewrite(edited, seed, "重写平台建设部分，更简洁", [Reply(reply)])
    assert f"{PLATFORM_SENTENCE}。{mine}" in prompts[0]
    assert "强化信息发布审核" not in prompts[0].split("写法示例")[0]  # still marked: not hers, not sent as her text
    assert subsection(draft.report.part_text("一"), PLATFORMS) == [PLATFORMS, reply]


def test_a_subsection_with_nothing_of_hers_is_not_sent_and_says_why(offline: Draft, seed: Report) -> None:
    draft, prompts = rewrite(offline, seed, "重写平台建设部分，更简洁", [Reply("不应被采用。")])
    assert prompts == []
    assert draft.report.part_text("一") == offline.report.part_text("一")
    assert "大模型无从按“重写平台建设部分，更简洁”改写" in draft.notes[-1]


def test_a_whole_part_rewrite_sends_each_subsection_alone_never_the_whole_text(offline: Draft, seed: Report) -> None:
    requests = "2022年，我县规范依申请公开办理流程，答复更加及时。"
    draft, prompts = rewrite(offline, seed, "更简洁", [Reply(requests), Reply(PRESS)])
    assert len(prompts) == 2  # the two subsections with her facts, one short request each
    current = offline.report.part_text("一")
    for prompt, heading in zip(prompts, ("（二）政府信息公开质量得到新提升", ACTIVE), strict=True):
        assert f"“{heading}”这一小节" in prompt and "<<<现稿>>>" not in prompt
        assert subsection(current, heading)[1] in prompt  # its data paragraph, already written
        assert len(prompt) < 1500 and CARRIED not in prompt
        assert "由专人负责政务公开工作的具体实施" not in prompt  # another subsection's carried sentence
    one = draft.report.part_text("一")
    assert subsection(one, ACTIVE)[2:] == [PRESS] and subsection(one, "（二）政府信息公开质量得到新提升")[2:] == [
        requests
    ]
    assert subsection(one, PLATFORMS) == subsection(current, PLATFORMS)  # nothing of hers: unchanged, marked


def test_a_carried_sentence_never_reaches_the_rewritten_draft_unmarked(offline: Draft, seed: Report) -> None:
    """The model copies last year's sentences from its style example: each is marked as carried over."""
    copied = "一是依托政府门户网站，积极推进“五公开”。"  # within the first 300 characters of last year's （四）
    draft, _ = rewrite(offline, seed, "更简洁", [Reply(f"{copied}\n{PRESS}")])
    assert carried(copied) in draft.report.part_text("一")
    last_year = without_marks(seed.part_text("一"))
    hers = "\n".join(f.text for f in WORK)
    for sentence in sentences(draft.report.part_text("一")):
        assert is_subheading(sentence) or not is_copied(sentence, last_year, hers) or is_marked(sentence), sentence
