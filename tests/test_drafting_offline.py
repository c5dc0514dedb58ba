"""The offline drafter: a complete, checked report from this year's cells and last year's report."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.drafting.example import example_next_year
from nianbao.drafting.marks import CARRIED, STALE_YEAR, SUGGESTED, TO_FILL
from nianbao.drafting.model import UNVERIFIED, Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import count_marked
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import PART_NUMERALS, PART_TITLES, TableId
from tests.conftest import CORPUS, SEED

REQ = TableId.REQUESTS
CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".pdf"))


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


@pytest.fixture(scope="module")
def seed_draft(seed: Report) -> Draft:
    return draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]))


def paragraph_with(draft: Draft, part: str, needle: str) -> str:
    return next(p for p in draft.report.part_text(part).split("\n") if needle in p)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_any_corpus_body_gets_a_complete_draft_that_checks_without_error(path: Path) -> None:
    last = read_report(path)
    cells = example_next_year(last)
    draft = draft_offline(last.agency or "", (last.year or 0) + 1, cells, ReportList([last]))
    assert [p.number for p in draft.report.parts] == list(PART_NUMERALS)
    assert [p.heading for p in draft.report.parts] == [f"{n}、{PART_TITLES[n]}" for n in PART_NUMERALS]
    assert all(draft.report.part_text(n).strip() for n in ("一", "五", "六"))
    result = check_report(draft.report, last)
    assert result.errors == []
    assert [(c.table, c.row, c.column, c.value) for c in draft.report.cells] == [
        (c.table, c.row, c.column, c.value) for c in cells.cells
    ]


def test_years_move_forward_but_document_numbers_stay(seed_draft: Draft) -> None:
    text = seed_draft.report.part_text("一")
    assert text.startswith("2022年以来，鹿邑县")
    assert "2021年" not in text
    assert "鹿政办〔2016〕132号" in text
    # A document title with an old year stays as written, its year marked for the clerk to check.
    assert f"《河南省人民政府办公厅关于印发河南省2020年{STALE_YEAR}政务公开工作要点的通知》" in text


def test_last_years_sentence_with_last_years_request_counts_gives_way_to_this_years_data(seed_draft: Draft) -> None:
    one = seed_draft.report.part_text("一")
    assert "受理各类政府信息公开申请" not in one  # 2021's “共受理…223件次” is not carried into 2022
    assert "2022年，我县共新收政府信息公开申请241件，同比增长8.07%" in one


def test_received_is_counted_together_with_last_years_carry_over_when_the_body_did() -> None:
    shuyang = read_report(CORPUS / "shuyang_2025.md")  # 共受理 749 件 = 新收 713 + 上年结转 36
    cells = example_next_year(shuyang)
    draft = draft_offline("沐阳县人民政府", 2026, cells, ReportList([shuyang]))
    new, carried = cells.count(REQ, "一", "总计"), cells.count(REQ, "二", "总计")
    assert f"上年结转{carried}件，合计受理{new + carried}件" in draft.report.part_text("一")


def test_a_sentence_with_a_figure_that_cannot_be_tied_is_marked(seed_draft: Draft) -> None:
    sentence = paragraph_with(seed_draft, "一", "16058")
    assert f"16058余件次{UNVERIFIED}{CARRIED}。" in sentence
    # Sentences, not marks: a sentence marked at two clauses is one sentence to look at.
    assert seed_draft.unverified_sentences == sum(count_marked(seed_draft.report.part_text(n)) for n in "一五六")


def test_every_paragraph_from_last_years_report_keeps_its_source(seed_draft: Draft) -> None:
    paragraph = next(p for p in seed_draft.parts["一"].paragraphs if "16058" in p.text)
    [source] = paragraph.sources
    assert (source.agency, source.year, source.part, source.own) == ("鹿邑县人民政府", 2021, "一", True)
    assert source.source.endswith("luyi_2021.txt")


def test_part_five_takes_up_each_of_last_years_problems_without_claiming_it_was_fixed(seed_draft: Draft) -> None:
    five = seed_draft.report.part_text("五")
    assert five.startswith("（一）上年度问题整改情况")
    for problem in ("人力、财力缺乏", "部分单位重视程度不够", "公开内容不全面"):
        assert f"针对上年度报告指出的“{problem}”问题，整改情况{TO_FILL}。" in five
    assert "已整改" not in five and "整改到位" not in five


@pytest.mark.parametrize(
    ("facts", "expected", "marked"),
    [
        ({}, f"收取信息处理费的情况{TO_FILL}", True),
        ({"信息处理费": 0}, "未收取信息处理费", False),
        ({"信息处理费": 380}, "共收取信息处理费380元", False),
    ],
)
def test_part_six_reports_the_information_processing_fee(
    seed: Report, facts: dict[str, int], expected: str, marked: bool
) -> None:
    draft = draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]), facts)
    sentence = paragraph_with(draft, "六", "信息处理费")
    assert expected in sentence
    assert (TO_FILL in sentence) is marked


def test_a_fee_in_last_years_text_takes_the_users_figure() -> None:
    shuyang = read_report(CORPUS / "shuyang_2025.md")  # 收取信息处理费共计380元
    draft = draft_offline(
        "沐阳县人民政府", 2026, example_next_year(shuyang), ReportList([shuyang]), {"信息处理费": 120}
    )
    six = draft.report.part_text("六")
    assert "共收取信息处理费120元" in six and "380" not in six


def test_a_claim_this_years_cells_contradict_is_dropped(seed: Report) -> None:
    cells = example_next_year(seed)
    assert cells.count(REQ, "四", "总计") > 0
    draft = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]))
    assert "全部依法依规按时答复" not in draft.report.part_text("一")


def test_without_an_own_report_only_a_peers_structure_is_borrowed_and_named() -> None:
    shuyang = read_report(CORPUS / "shuyang_2025.md")
    huaian = read_report(CORPUS / "huaian_2024.pdf")
    cells = example_next_year(shuyang)
    draft = draft_offline("鹿邑县人民政府", 2026, cells, ReportList([shuyang, huaian]))
    one = draft.report.part_text("一")
    assert "沐阳" not in one and "4511" not in one and "爆款" not in one
    assert [line for line in one.split("\n") if line.startswith("（")] == [
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "（三）政府信息公开平台建设情况",
        "（四）监督保障情况",
    ]  # 沐阳's four subsections, in its order, under the format's own headings
    assert draft.sources() == []
    assert any(note.startswith("结构参照：沐阳县人民政府2025年报告（同为县级；") for note in draft.notes)
    assert check_report(draft.report).errors == []


def test_without_any_past_report_the_narrative_is_written_from_the_figures(seed: Report) -> None:
    cells = example_next_year(seed)
    draft = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([]))
    one = draft.report.part_text("一")
    assert f"共新收政府信息公开申请{cells.count(REQ, '一', '总计')}件" in one
    assert UNVERIFIED not in one
    assert draft.sources() == []
    assert check_report(draft.report).errors == []
    assert draft.notes


def test_active_disclosure_figures_take_the_same_cell_of_this_year() -> None:
    huaian = read_report(CORPUS / "huaian_2024.pdf")  # 新增公开市政府规章 1 件 (= 本年制发件数)
    cells = example_next_year(huaian)
    draft = draft_offline("淮安市人民政府", 2025, cells, ReportList([huaian]))
    issued = cells.count(TableId.ACTIVE, "规章", "本年制发件数")
    assert issued != 1
    assert f"新增公开市政府规章 {issued}件、市政府及市政府办政策性文件 11 件" in draft.report.part_text("一")


def test_years_shift_in_one_pass_and_real_document_names_stay() -> None:
    from nianbao.drafting.rewrite import shift_years

    text = "2021年较2020年有所增长（2019年为基数），2022年1月发布；《2020年工作要点》、鹿政办〔2021〕5号、共2021件。"
    assert shift_years(text, 2021, 2022) == (
        "2022年较2021年有所增长（2019年为基数），2023年1月发布；《2020年工作要点》、鹿政办〔2021〕5号、共2021件。"
    )


def test_a_draft_made_from_last_years_draft_has_one_rectification_section(seed_draft: Draft, seed: Report) -> None:
    last = seed_draft.report.model_copy(deep=True)
    next_draft = draft_offline("鹿邑县人民政府", 2023, example_next_year(last), ReportList([seed, last]))
    five = next_draft.report.part_text("五")
    assert five.count("上年度问题整改情况") == 1
    assert five.count("（二）存在的主要问题及改进措施") == 1
    assert "针对上年度报告指出的“政策解读的形式还不够丰富" in five
    assert SUGGESTED not in five.split("（二）")[0]  # last year's offered problem is quoted without its mark
    assert check_report(next_draft.report, last).errors == []


def test_a_peers_text_is_never_renamed_for_this_body() -> None:
    shuyang = read_report(CORPUS / "shuyang_2025.md")
    draft = draft_offline("睢县人民政府", 2026, example_next_year(shuyang), ReportList([shuyang]))
    text = "\n".join(draft.report.part_text(n) for n in ("一", "五", "六"))
    assert "沐阳" not in text and "“网”事" not in text and "项目进行时" not in text


def test_her_problems_and_measures_stand_after_one_shi_and_jiang_without_repeating_who_and_when(
    seed: Report,
) -> None:
    said = [
        WorkFact(about="问题", text="我们的政策解读形式比较单一"),
        WorkFact(about="问题", text="个别单位更新不及时"),
        WorkFact(about="措施", text="明年我们要多搞图解和视频解读"),
        WorkFact(about="措施", text="2023年将完善考核办法"),
        WorkFact(about="整改", text="今年我们增加了2名专职人员", problem=0),
    ]
    draft = draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]), {}, said)
    five = draft.report.part_text("五")
    assert "仍存在一些不足：一是政策解读形式比较单一；二是个别单位更新不及时。" in five
    assert "下一步，我县将重点做好以下工作：一是多搞图解和视频解读；二是完善考核办法。" in five
    assert "针对上年度报告指出的“人力、财力缺乏”问题，我县增加专职人员2名。" in five


def test_an_item_of_her_list_does_not_repeat_the_body_the_list_opens_with(seed: Report) -> None:
    said = [
        WorkFact(about="主动公开", text="今年开了2次新闻发布会"),
        WorkFact(about="主动公开", text="我们在县政府网站新设了“优化营商环境”专栏"),
    ]
    draft = draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]), {}, said)
    one = draft.report.part_text("一")
    assert "2022年，我县扎实推进主动公开工作：一是召开新闻发布会2次；二是在县政府网站新设“优化营商环境”专栏。" in one


def test_nothing_else_to_report_is_said_as_reports_say_it(seed: Report) -> None:
    said = [WorkFact(about="其他", text="今年没有其他需要报告的事项")]
    draft = draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]), {"信息处理费": 0}, said)
    six = draft.report.part_text("六")
    assert six.endswith("\n无其他需要报告的事项。") and "我县没有" not in six


def test_a_rectification_naming_one_of_last_years_problems_in_her_words_answers_that_problem(seed: Report) -> None:
    said = [  # last year: 人力、财力缺乏; 部分单位重视程度不够; 公开内容不全面
        WorkFact(about="整改", text="针对人力不足，今年我们增加了2名专职人员"),
        WorkFact(about="整改", text="针对公开工作不到位，加强了督查"),  # 公开, 工作: every problem's words
    ]
    draft = draft_offline("鹿邑县人民政府", 2022, example_next_year(seed), ReportList([seed]), {}, said)
    five = draft.report.part_text("五")
    assert "针对上年度报告指出的“人力、财力缺乏”问题，我县增加专职人员2名。" in five
    assert "针对上年度报告指出的“公开内容不全面”问题，整改情况【待补充】。" in five
    assert "针对公开工作不到位，加强督查。" in five
