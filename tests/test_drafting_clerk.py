"""A county clerk drafts 鹿邑县人民政府 2022 offline, with the 2021 report as last year (the seed).

What she must be able to sign: nothing of 2021 passes for 2022 unmarked, no note to the writer is left
in the text, no stale year goes unmarked, and what she says about this year's work is in the draft,
in its subsection, written as a report writes it.
"""

from __future__ import annotations

import re

import pytest

from nianbao.claims.text import split_sentences
from nianbao.drafting.marks import CARRIED, MARKS, STALE_YEAR, SUGGESTED, TO_FILL, has_note_to_writer
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from nianbao.similarity import containment

AGENCY = "鹿邑县人民政府"
_YEAR = re.compile(r"(?<![\d〔])((?:19|20)\d{2})(?![\d])")


@pytest.fixture(scope="module")
def figures_only(seed: Report, cells: Report) -> Draft:
    return draft_offline(AGENCY, 2022, cells, ReportList([seed]), {"信息处理费": 0})


def sentences_of(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in split_sentences(line) if s.strip()]


def folded(text: str) -> str:
    """Years and figures folded, so a sentence with only its years or figures changed still matches."""
    return re.sub(r"\d+", "0", text)


def taken_from(sentence: str, last_years: list[str]) -> bool:
    plain = folded(sentence.replace(CARRIED, ""))
    return len(plain) >= 12 and any(containment(plain, folded(old), 5) >= 0.6 for old in last_years)


@pytest.mark.parametrize("part", ["一", "五"])
def test_no_sentence_of_last_years_report_is_in_the_draft_without_the_carried_over_mark(
    figures_only: Draft, seed: Report, part: str
) -> None:
    last_years = sentences_of(seed.part_text(part))
    # The subsection headings are the structure she asked to keep (一 “in the structure of her own report”).
    drafted = [
        s for s in sentences_of(figures_only.report.part_text(part)) if not re.match(r"（[一二三四五六七八九十]+）", s)
    ]
    taken = [s for s in drafted if taken_from(s, last_years)]
    assert all(CARRIED in s for s in taken), [s for s in taken if CARRIED not in s]
    if part == "一":
        assert len(taken) > 10  # her own report's prose is offered, marked, not thrown away


def test_no_note_to_the_writer_is_left_in_the_draft(figures_only: Draft) -> None:
    for part in ("一", "五", "六"):
        text = figures_only.report.part_text(part)
        assert not has_note_to_writer(text), text
        assert "请补充" not in text and "请结合" not in text


def test_every_year_other_than_this_year_and_last_is_marked(figures_only: Draft) -> None:
    for part in ("一", "五", "六"):
        text = figures_only.report.part_text(part)
        for match in _YEAR.finditer(text):
            if int(match.group(1)) not in (2021, 2022):
                assert text[match.end() :].lstrip("年").startswith(STALE_YEAR), text[
                    match.start() - 20 : match.end() + 10
                ]


def test_a_year_that_lost_its_nian_gets_it_back(figures_only: Draft) -> None:
    one = figures_only.report.part_text("一")
    assert "2022年已发布各类政策解读信息" in one and "2022已发布" not in one


def test_the_data_paragraphs_are_this_years_figures_in_last_years_subsections(figures_only: Draft) -> None:
    one = figures_only.report.part_text("一")
    headings = [line for line in one.split("\n") if line.startswith("（")]
    assert headings == [
        "（一）机构与制度建设取得新进展",
        "（二）政府信息公开质量得到新提升",
        "（三）公开平台建设更规范",
        "（四）政务公开工作取得新成效",
    ]
    requests = one.split("（二）")[1].split("（三）")[0]
    assert "共新收政府信息公开申请241件，同比增长8.07%" in requests
    assert "予以公开及部分公开共206件，占86.92%" in requests
    assert "被提起行政诉讼4件，其中结果维持1件，结果纠正1件，其他结果1件，尚未审结1件" in requests
    active = one.split("（四）")[1]
    assert "制发行政规范性文件13件，同比增加3件，废止8件，与上年持平，现行有效31件，同比增加5件" in active


def test_part_five_never_repeats_last_years_problems_as_this_years(figures_only: Draft, seed: Report) -> None:
    this_year = figures_only.report.part_text("五").split("（二）")[1]
    for problem in ("人力、财力缺乏", "部分单位重视程度不够", "公开内容不全面"):
        assert problem not in this_year
    offered = [s for s in this_year.split("；") if SUGGESTED in s]
    assert len(offered) >= 3  # peers' typical problems and measures, each marked until she picks it


FIVE_ITEMS = [
    ("主动公开", "今年开了2次新闻发布会"),
    ("依申请公开", "上线了依申请公开网上办理系统"),
    ("政府信息管理", "我们完成了政府信息公开保密审查制度的修订"),
    ("平台建设", "县政府门户网站完成了适老化改造"),
    ("监督保障", "组织了全县政务公开业务培训3次"),
]


@pytest.fixture(scope="module")
def with_five_items(seed: Report, cells: Report) -> Draft:
    work = [WorkFact(about=about, text=text) for about, text in FIVE_ITEMS]
    return draft_offline(AGENCY, 2022, cells, ReportList([seed]), {"信息处理费": 0}, work)


def subsection_of(one: str, words: str) -> str:
    """The text of the subsection whose paragraphs hold ``words``."""
    blocks = re.split(r"\n(?=（[一二三四五六七八九十]+）)", one)
    return next(b for b in blocks if words in b)


@pytest.mark.parametrize(
    ("written", "heading"),
    [
        ("2022年，我县召开新闻发布会2次。", "（四）政务公开工作取得新成效"),
        ("2022年，我县上线依申请公开网上办理系统。", "（二）政府信息公开质量得到新提升"),
        ("2022年，我县完成政府信息公开保密审查制度的修订。", "（五）政府信息管理情况"),
        ("2022年，县政府门户网站完成适老化改造。", "（三）公开平台建设更规范"),
        ("2022年，我县组织全县政务公开业务培训3次。", "（一）机构与制度建设取得新进展"),
    ],
)
def test_each_work_item_she_typed_is_in_its_subsection_in_the_reports_register(
    with_five_items: Draft, written: str, heading: str
) -> None:
    one = with_five_items.report.part_text("一")
    assert subsection_of(one, written).startswith(heading)


def test_her_own_figures_are_verified_and_the_subsections_she_wrote_carry_nothing_over(with_five_items: Draft) -> None:
    one = with_five_items.report.part_text("一")
    assert "新闻发布会2次。" in one and "培训3次。" in one  # no 【待核实】 on her own figures
    assert CARRIED not in subsection_of(one, "培训3次")
    sources = {ref.source for p in with_five_items.parts["一"].paragraphs for ref in p.sources}
    assert "对话" in sources


def test_an_offline_regenerate_instruction_for_measures_is_followed_and_said(seed: Report, cells: Report) -> None:
    draft = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, [], "提出2023年改进措施")
    five = draft.report.part_text("五")
    assert "2023年，我县将重点做好以下工作：一是" in five
    assert any("提出2023年改进措施" in note for note in draft.notes)


def test_an_offline_instruction_it_cannot_follow_is_said_not_ignored(seed: Report, cells: Report) -> None:
    draft = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, [], "写得更生动些")
    assert any("无法按“写得更生动些”改写" in note for note in draft.notes)


def test_every_mark_is_one_the_app_and_the_docx_know(figures_only: Draft) -> None:
    text = "\n".join(figures_only.report.part_text(n) for n in ("一", "五", "六"))
    assert set(re.findall(r"【[^】]*】", text)) <= set(MARKS)
    assert TO_FILL in figures_only.report.part_text("五")


def test_in_the_docx_each_marked_sentence_is_highlighted_and_no_other(figures_only: Draft) -> None:
    import io

    import docx

    from nianbao.writers import write_docx

    document = docx.Document(io.BytesIO(write_docx(figures_only.report)))
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text.strip()]
    marked = [run for run in runs if any(mark in run.text for mark in MARKS)]
    assert marked and all(run.font.highlight_color is not None for run in marked)
    assert all(run.font.highlight_color is None for run in runs if run not in marked)
