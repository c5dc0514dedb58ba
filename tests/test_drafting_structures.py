"""Part 一 drafted offline for bodies whose past reports are organised every way real ones are (fixtures in
tests/fixtures/structures): the draft keeps the body's own headings, numbering and order; each work fact the
clerk types, however she types it, lands in its subsection; and no sentence stands without this year's source
or a mark.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from nianbao.claims.text import split_sentences
from nianbao.cli import main
from nianbao.commands.cells import cells_csv
from nianbao.drafting.example import example_next_year
from nianbao.drafting.interview import Interview, answer, facts_from_notes, plan_for, reply_to
from nianbao.drafting.marks import MARKS
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import OfflineDrafter, draft_offline
from nianbao.drafting.sources import ReportList, grounding
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import ReportFormat
from nianbao.settings import Settings
from nianbao.usecases.container import compose
from tests.conftest import FIXTURES

STRUCTURES = FIXTURES / "structures"
CLOSING = (STRUCTURES / "tables_and_closing.txt").read_text(encoding="utf-8")

# Each body's part 一 headings as the draft must write them (numbered as the body numbers them), in its order.
HEADINGS = {
    "parens_own_headings": [
        "（一）坚持以公开为常态，主动公开更加深入",
        "（二）依法规范办理，依申请公开更加有序",
        "（三）夯实基础工作，政府信息管理更加规范",
        "（四）整合平台资源，公开渠道更加畅通",
        "（五）强化监督考核，保障措施更加有力",
    ],
    "yishi_paragraphs": ["一是强化主动公开。", "二是规范依申请公开。", "三是加强平台建设。", "四是严格监督保障。"],
    "arabic_numbered": [
        "1.主动公开情况",
        "2.依申请公开情况",
        "3.政府信息管理情况",
        "4.平台建设情况",
        "5.监督保障情况",
    ],
    "bracket_headings": ["【主动公开】", "【依申请公开】", "【政府信息管理】", "【平台建设】", "【监督保障】"],
    "diyi_ordinals": [
        "第一，着力加强主动公开。",
        "第二，依法做好依申请公开。",
        "第三，持续加强政府信息管理。",
        "第四，不断优化公开平台。",
        "第五，切实强化监督保障。",
    ],
    "sentence_headings": [
        "（一）主动公开情况。",
        "（二）依申请公开情况。",
        "（三）政府信息管理情况。",
        "（四）平台建设情况。",
        "（五）监督保障情况。",
    ],
    "general_plus_four": [
        "（一）总体情况",
        "（二）主动公开情况",
        "（三）依申请公开情况",
        "（四）政府信息管理情况",
        "（五）监督保障情况",
    ],
    "other_names": [
        "（一）主动公开情况",
        "（二）政策解读",
        "（三）依申请公开情况",
        "（四）政务公开平台建设",
        "（五）监督保障",
        "（六）教育培训",
    ],
    "format2019": ["（一）主动公开方面", "（二）依申请公开方面", "（三）平台建设方面", "（四）监督保障方面"],
    "no_subsections": [],
}
# The same work, typed the ways a clerk types it.
TYPED = {
    "a note per line, labelled": (
        "主动公开：今年开了2次新闻发布会\n平台方面：政府网站完成了适老化改造\n监督保障：组织政务公开培训3次"
    ),
    "a numbered list": "1.今年开了2次新闻发布会\n2.政府网站完成了适老化改造\n3.组织政务公开培训3次",
    "in her own words": (
        "今年主动公开这块我们主要做了：开了2次新闻发布会\n平台这块，政府网站完成了适老化改造\n另外，组织政务公开培训3次"
    ),
    "one long paragraph": "今年开了2次新闻发布会；政府网站完成了适老化改造；还组织政务公开培训3次。",
}
# Where each of the three facts must land: its words in the draft, and the subsection (its topic) it belongs to.
WRITTEN = {
    "主动公开": "召开新闻发布会2次",
    "平台建设": "政府网站完成适老化改造",
    "监督保障": "组织政务公开培训3次",
}


def last_year(name: str, folder: Path) -> Report:
    path = STRUCTURES / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    if name != "format2019":
        text += "\n" + CLOSING
    whole = folder / f"{name}.txt"
    whole.write_text(text, encoding="utf-8")
    return read_report(whole)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    folder = tmp_path_factory.mktemp("structures")
    return {name: last_year(name, folder) for name in HEADINGS}


def drafted(report: Report, work: list[WorkFact] | None = None) -> Draft:
    year = (report.year or 0) + 1
    return draft_offline(report.agency or "", year, example_next_year(report), ReportList([report]), {}, work)


def headings_of(part_one: str, expected: list[str]) -> list[str]:
    """The headings in the drafted 一, in order: lines that are, or open with, one of the expected headings."""
    return [h for line in part_one.split("\n") for h in expected if line.startswith(h)]


def subsection_texts(drafter: OfflineDrafter) -> dict[str, str]:
    """Each subsection's drafted text, by the topic its heading was read for."""
    texts: dict[str, str] = {}
    for section in drafter.sections():
        texts[section.subsection.topic.value] = texts.get(section.subsection.topic.value, "") + "\n".join(
            p.text for p in section.paragraphs()
        )
    return texts


@pytest.mark.parametrize("name", list(HEADINGS))
def test_the_draft_keeps_the_bodys_own_headings_numbering_and_order(reports: dict[str, Report], name: str) -> None:
    one = drafted(reports[name]).report.part_text("一")
    assert headings_of(one, HEADINGS[name]) == HEADINGS[name]


def test_a_part_one_without_subsections_is_drafted_without_headings(reports: dict[str, Report]) -> None:
    one = drafted(reports["no_subsections"]).report.part_text("一")
    assert not re.search(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|【|第[一二三四五]，)", one, re.M)


def test_headings_written_as_sentences_open_their_paragraph_as_last_year(reports: dict[str, Report]) -> None:
    one = drafted(reports["yishi_paragraphs"]).report.part_text("一").split("\n")
    assert any(line.startswith("一是强化主动公开。2023年，我县") for line in one)  # not a line of its own


def test_a_general_first_subsection_is_the_opening_and_gets_no_figures(reports: dict[str, Report]) -> None:
    one = drafted(reports["general_plus_four"]).report.part_text("一")
    general = one.split("（二）")[0]
    assert general.startswith("（一）总体情况\n") and "件" not in general


@pytest.mark.parametrize("name", list(HEADINGS))
@pytest.mark.parametrize("typed", list(TYPED))
def test_each_work_fact_lands_in_its_subsection_however_she_types_it(
    reports: dict[str, Report], name: str, typed: str
) -> None:
    report = reports[name]
    work = facts_from_notes(TYPED[typed], "对话")
    drafter = draft_for(report, work)
    texts = subsection_texts(drafter)
    for topic, words in WRITTEN.items():
        assert words in texts.get(topic, ""), (topic, texts)


@pytest.mark.parametrize("name", list(HEADINGS))
def test_no_sentence_stands_without_this_years_source_or_a_mark(reports: dict[str, Report], name: str) -> None:
    drafter = draft_for(reports[name], facts_from_notes(TYPED["a numbered list"], "对话"))
    part = drafter.draft().parts["一"]
    data = {s.data for s in drafter.sections() if s.data}
    headings = {s.heading for s in drafter.sections()} | {drafter.outline().titled_opening()}
    for paragraph in part.paragraphs:
        from_facts = any(ref.agency is None and ref.year is None for ref in paragraph.sources)
        for sentence in split_sentences(paragraph.text):
            bare = sentence.strip()
            if not bare or bare in headings or from_facts or any(bare in d for d in data):
                continue
            if any(bare.startswith(h) and bare[len(h) :] in "".join(data) for h in headings if h):
                continue  # an inline heading opening the data paragraph
            assert any(mark in bare for mark in MARKS), bare


def test_more_than_one_subsection_of_a_topic_takes_the_facts_that_speak_of_it(reports: dict[str, Report]) -> None:
    work = facts_from_notes("发布政策解读20篇，其中图解8篇\n召开新闻发布会2次\n组织业务培训3次，培训150人次", "对话")
    one = drafted(reports["other_names"], work).report.part_text("一")
    assert re.search(r"（二）政策解读\n2023年，我区发布政策解读20篇，其中图解8篇。", one)
    assert re.search(r"（一）主动公开情况\n.*\n2023年，我区召开新闻发布会2次。", one)
    assert re.search(r"（六）教育培训\n2023年，我区组织业务培训3次，培训150人次。", one)
    assert one.count("制发规章") == 1  # the 主动公开 figures once, in the first of its subsections


def test_a_2019_format_report_as_last_year_drafts_in_its_structure(reports: dict[str, Report]) -> None:
    report = reports["format2019"]
    assert report.format is ReportFormat.F2019
    draft = drafted(report, facts_from_notes(TYPED["one long paragraph"], "对话"))
    one = draft.report.part_text("一")
    assert headings_of(one, HEADINGS["format2019"]) == HEADINGS["format2019"]
    assert "2021年，我县组织政务公开培训3次。" in one


def test_the_interview_asks_in_the_bodys_order_and_files_each_answer(reports: dict[str, Report]) -> None:
    report = reports["diyi_ordinals"]
    plan = plan_for(ReportList([report]), report.agency or "", 2023)
    interview = Interview()
    reply_to(interview, "介绍工作情况", plan)
    assert [q.about for q in plan.questions][:5] == ["主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障"]
    answer(interview, "今年主动公开这块我们主要做了：开了2次新闻发布会", plan)
    assert [(f.about, f.text) for f in interview.facts] == [("主动公开", "开了2次新闻发布会")]


@pytest.mark.parametrize("name", ["bracket_headings", "general_plus_four"])
def test_nianbao_draft_keeps_the_structure(
    reports: dict[str, Report], tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = reports[name]
    previous, facts, work, out = tmp_path / "last.txt", tmp_path / "cells.txt", tmp_path / "work.txt", tmp_path / "d.md"
    previous.write_text((STRUCTURES / f"{name}.txt").read_text(encoding="utf-8") + "\n" + CLOSING, encoding="utf-8")
    facts.write_text(cells_csv(example_next_year(report)), encoding="utf-8")
    work.write_text(TYPED["in her own words"], encoding="utf-8")
    args = ["--facts", str(facts), "--previous", str(previous), "--work", str(work), "--out", str(out)]
    main(["draft", "--agency", report.agency or "", "--year", "2023", *args])
    one = read_report(out).part_text("一")
    assert headings_of(one, HEADINGS[name]) == HEADINGS[name]
    assert all(words in one for words in WRITTEN.values())


def test_the_use_case_drafts_in_the_bodys_structure(reports: dict[str, Report], tmp_path: Path) -> None:
    report = reports["arabic_numbered"]
    settings = Settings(NIANBAO_DATA_DIR=tmp_path, NIANBAO_LLM="offline", CHROMA_HOST="")  # type: ignore[arg-type]
    cases = compose(settings, ReportList([report]))
    work = facts_from_notes(TYPED["one long paragraph"], "对话")
    draft = cases.drafting.draft_report(report.agency or "", 2023, example_next_year(report), {}, work)
    one = draft.report.part_text("一")
    assert headings_of(one, HEADINGS["arabic_numbered"]) == HEADINGS["arabic_numbered"]
    assert "4.平台建设情况\n2023年，我县政府网站完成适老化改造。" in one


def draft_for(report: Report, work: list[WorkFact]) -> OfflineDrafter:
    year = (report.year or 0) + 1
    found = grounding(ReportList([report]), report.agency or "", year)
    cells = example_next_year(report)
    return OfflineDrafter(report.agency or "", year, cells, found.report, found.own, {}, work, found)


def test_a_second_subsection_of_a_topic_is_asked_for_by_its_heading_and_gets_the_answer(
    reports: dict[str, Report],
) -> None:
    report = reports["other_names"]
    source = ReportList([report])
    plan = plan_for(source, report.agency or "", 2023)
    asked = [q.section or q.about for q in plan.questions][:7]
    assert asked == ["主动公开", "政策解读", "依申请公开", "平台建设", "监督保障", "教育培训", "政府信息管理"]
    interview = Interview()
    reply_to(interview, "介绍工作情况", plan)
    answer(interview, "开了2次新闻发布会", plan)
    assert interview.asked is not None and interview.asked.text == "今年“政策解读”方面做了哪些工作？"
    answer(interview, "制作图解8篇", plan)  # no word of its heading: filed by the question
    one = draft_offline(report.agency or "", 2023, example_next_year(report), source, {}, interview.facts)
    assert "（二）政策解读\n2023年，我区制作图解8篇。" in one.report.part_text("一")


@pytest.mark.parametrize(
    ("written", "headings"),
    [
        ("①主动公开情况。全年公开信息100条。\n②依申请公开情况。按时答复。", ["①主动公开情况。", "②依申请公开情况。"]),
        (
            "第一方面，主动公开。公开信息100条。\n第二方面，依申请公开。按时答复。",
            ["第一方面，主动公开。", "第二方面，依申请公开。"],
        ),
        ("1、主动公开情况\n公开100条。\n2、依申请公开情况\n按时答复。", ["1、主动公开情况", "2、依申请公开情况"]),
        ("(一)主动公开情况\n公开100条。\n(二)依申请公开\n按时答复。", ["(一)主动公开情况", "(二)依申请公开"]),
    ],
)
def test_the_numbering_is_written_back_exactly_as_the_body_wrote_it(
    reports: dict[str, Report], written: str, headings: list[str]
) -> None:
    report = reports["arabic_numbered"].model_copy(deep=True)
    report.parts[0].text = "2022年，虞城县扎实推进政务公开各项工作。\n" + written
    one = drafted(report).report.part_text("一")
    assert headings_of(one, headings) == headings


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("平台这块网站改版了", "2023年，我县网站改版。"),
        ("依申请公开方面规范了答复文书", "2023年，我县规范答复文书。"),
        ("【平台建设】网站完成集约化迁移", "2023年，我县网站完成集约化迁移。"),
        ("关于监督保障：组织培训3次", "2023年，我县组织培训3次。"),
    ],
)
def test_the_words_that_only_announce_a_subsection_are_not_written(
    reports: dict[str, Report], typed: str, written: str
) -> None:
    one = drafted(reports["bracket_headings"], facts_from_notes(typed, "对话")).report.part_text("一")
    assert written in one


EAST_ASIA = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"


def docx_paragraphs(draft: Draft) -> list[DocxParagraph]:
    from docx import Document

    from nianbao.writers import write_docx

    return list(Document(io.BytesIO(write_docx(draft.report))).paragraphs)


def run_font(run: Run) -> str | None:
    """The East Asian font set on the run itself (None: the paragraph style's)."""
    properties = run._r.rPr
    return None if properties is None or properties.rFonts is None else properties.rFonts.get(EAST_ASIA)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("sentence_headings", "（二）依申请公开情况。"),
        ("yishi_paragraphs", "二是规范依申请公开。"),
        ("diyi_ordinals", "第二，依法做好依申请公开。"),
        ("bracket_headings", "【依申请公开】"),
    ],
)
def test_in_the_docx_a_heading_opening_its_paragraph_is_set_in_kaiti_and_only_its_words(
    reports: dict[str, Report], name: str, heading: str
) -> None:
    draft = drafted(reports[name])
    paragraph = next(p for p in docx_paragraphs(draft) if p.text.startswith(heading) and len(p.text) > len(heading))
    assert paragraph.style.name == "年报正文"
    assert paragraph.text in draft.report.part_text("一").split("\n")  # the words are the draft's, unchanged
    fonts = [run_font(r) for r in paragraph.runs]
    kaiti = fonts.count("楷体_GB2312")
    assert "".join(r.text for r in paragraph.runs[:kaiti]) == heading  # the heading's words open the paragraph
    assert fonts[kaiti:] == [None] * (len(fonts) - kaiti)  # the rest in the body style's 仿宋


@pytest.mark.parametrize(
    ("name", "heading"),
    [("parens_own_headings", HEADINGS["parens_own_headings"][0]), ("arabic_numbered", "2.依申请公开情况")],
)
def test_in_the_docx_a_heading_on_a_line_of_its_own_is_in_the_heading_style(
    reports: dict[str, Report], name: str, heading: str
) -> None:
    paragraph = next(p for p in docx_paragraphs(drafted(reports[name])) if p.text == heading)
    assert paragraph.style.name == "年报二级标题"


def test_in_the_docx_a_paragraph_of_a_part_without_subsections_is_body_text(reports: dict[str, Report]) -> None:
    draft = drafted(reports["no_subsections"])
    one = [line for line in draft.report.part_text("一").split("\n") if line.strip()]
    written = [p for p in docx_paragraphs(draft) if p.text in one]
    assert len(written) == len(one)
    assert all(p.style.name == "年报正文" and all(run_font(r) is None for r in p.runs) for p in written)


def test_a_fact_labelled_with_one_of_her_own_headings_lands_under_it(seed: Report, cells: Report) -> None:
    work = facts_from_notes("政府信息公开质量得到新提升：开展案卷评查2次\n机构与制度建设：修订考核办法", "对话")
    one = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]), {}, work).report.part_text("一")
    assert re.search(r"（二）政府信息公开质量得到新提升\n(?:.*\n)*?2022年，我县开展案卷评查2次。", one)
    assert "（一）机构与制度建设取得新进展\n2022年，我县修订考核办法。" in one
    plan = plan_for(ReportList([seed]), "鹿邑县人民政府", 2022)
    interview = Interview()
    reply_to(interview, "介绍工作情况", plan)
    reply = answer(interview, "政府信息公开质量得到新提升：开展案卷评查2次", plan)
    assert reply.startswith("已记下：\n- 依申请公开：开展案卷评查2次")
