"""同比 of the 主动公开 figures: a county clerk drafts 鹿邑县人民政府 2022 with the 2021 report as last year.

The draft states each 主动公开 figure with its change against 2021, in the words real reports use (制发行政规范性文件
13件，同比增加3件; 行政许可决定19046件，同比下降8.50%; 收取行政事业性收费2340.95万元，比上年减少120.00万元); the
claims engine rechecks every such change against the two years' cells, so a wrong one is marked at its own clause in
the draft (offline and from a model), flagged by ``nianbao check --previous`` and by the review.

2021 (the seed): 规章 0/0/0, 行政规范性文件 10/8/26, 行政许可 20815, 行政处罚 3326, 行政强制 427, 收费 2460.9543 万元.
2022 (made here): 规章 2/0/2, 行政规范性文件 13/8/31, 行政许可 19046, 行政处罚 3326, 行政强制 0, 收费 2340.9543 万元.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from agents.draft import LLMDrafter
from nianbao.checker import check_report
from nianbao.cli import main
from nianbao.drafting.example import example_next_year
from nianbao.drafting.model import UNVERIFIED, Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import PartContext, Status, check_numbers, check_part, mark_failing
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.review import review
from nianbao.schema import TableId
from nianbao.writers.markdown import write_markdown
from tests.conftest import FIXTURES, SEED
from tests.fake_openai import Reply, fake_openai
from tests.test_claims_llm import model_for

ACTIVE = TableId.ACTIVE
AGENCY = "鹿邑县人民政府"
THIS_YEAR = {
    ("规章", "本年制发件数"): 2,
    ("规章", "现行有效件数"): 2,
    ("行政许可", "本年处理决定数量"): 19046,
    ("行政强制", "本年处理决定数量"): 0,
    ("行政事业性收费", "本年收费金额"): Decimal("2340.9543"),
}


@pytest.fixture(scope="module")
def this_year(cells: Report) -> Report:
    report = cells.model_copy(deep=True)
    for (row, column), value in THIS_YEAR.items():
        report.set_value(ACTIVE, row, column, value)
    report.set_value(ACTIVE, "行政处罚", "本年处理决定数量", 3326)  # as in 2021
    return report


@pytest.fixture(scope="module")
def drafted(this_year: Report, seed: Report) -> Draft:
    return draft_offline(AGENCY, 2022, this_year, ReportList([seed]), {"信息处理费": 0})


def active_paragraph(draft: Draft) -> str:
    one = draft.report.part_text("一")
    return next(line for line in one.split("\n") if "行政规范性文件" in line and "现行有效" in line)


# --- what the draft says --------------------------------------------------------------------------


def test_each_active_figure_is_followed_by_its_change_against_last_year(drafted: Draft) -> None:
    paragraph = active_paragraph(drafted)
    assert "制发规章2件，同比增加2件，现行有效2件，同比增加2件" in paragraph
    assert "制发行政规范性文件13件，同比增加3件，废止8件，与上年持平，现行有效31件，同比增加5件" in paragraph
    assert "行政许可决定19046件，同比下降8.50%" in paragraph  # 2 decimals, as 鹿邑 wrote its shares in 2021
    assert "行政处罚决定3326件，与上年持平" in paragraph
    assert "收取行政事业性收费2340.95万元，比上年减少120.00万元" in paragraph


def test_a_figure_that_is_zero_is_not_stated_and_gets_no_change(drafted: Draft) -> None:
    paragraph = active_paragraph(drafted)
    assert "废止规章" not in paragraph and "废止0件" not in paragraph  # 0 in both years
    assert "行政强制" not in paragraph  # none this year: not “行政强制决定0件，同比下降100.00%”


def test_every_change_the_draft_states_is_rechecked_and_agrees(drafted: Draft, seed: Report) -> None:
    checks = check_numbers(active_paragraph(drafted), drafted.report, {}, "一", seed)
    changes = [c for c in checks if (c.quotes or "").startswith("同比")]
    assert len(changes) == 8
    assert all(c.status is Status.OK for c in checks), [c.message for c in checks if c.failed]
    assert UNVERIFIED not in active_paragraph(drafted)


def test_without_last_years_report_no_change_is_written(this_year: Report) -> None:
    draft = draft_offline(AGENCY, 2022, this_year, ReportList([]), {"信息处理费": 0})
    one = draft.report.part_text("一")
    assert "制发行政规范性文件13件，废止8件，现行有效31件" in one
    assert "同比" not in one and "比上年" not in one and "持平" not in one


# --- the recheck: a wrong change is caught at its own clause -------------------------------------

WRONG = (
    "2022年，我县制发行政规范性文件13件，同比增加五件；废止8件，较上年减少2件；现行有效31件，与上年持平。"
    "办理行政许可1.9万件，同比降幅为百分之九点五；行政处罚决定3326件，比上年有所下降。"
    "行政事业性收费2340.95万元，比上年减少1.2万元。"
)
WRONG_CLAUSES = ("同比增加五件", "较上年减少2件", "与上年持平", "同比降幅为百分之九点五", "有所下降", "减少1.2万元")
RIGHT = (
    "2022年，我县制发行政规范性文件13件，同比增加三件，增幅30%；废止8件，与上年持平；现行有效31件，比上年增加5件。"
    "办理行政许可1.9万件，同比下降百分之八点五零；行政处罚决定3326件，同比持平。"
    "行政事业性收费2340.95万元，比上年减少120万元。"
)


@pytest.mark.parametrize("clause", WRONG_CLAUSES)
def test_a_wrong_change_is_marked_at_its_own_clause(this_year: Report, seed: Report, clause: str) -> None:
    marked, _ = mark_failing(WRONG, this_year, {}, "一", seed)
    assert f"{clause}{UNVERIFIED}" in marked
    assert marked.count(UNVERIFIED) == len(WRONG_CLAUSES)


def test_changes_that_agree_pass_in_every_written_form(this_year: Report, seed: Report) -> None:
    checks = check_numbers(RIGHT, this_year, {}, "一", seed)
    assert [c for c in checks if c.failed] == []
    check_part("一", RIGHT, PartContext(this_year, {}, seed))  # no ValidationError


def test_the_drafters_validator_sends_each_wrong_change_back_with_what_the_tables_say(
    this_year: Report, seed: Report
) -> None:
    with pytest.raises(ValueError) as error:
        check_part("一", WRONG, PartContext(this_year, {}, seed))
    said = str(error.value)
    assert "应为“增加3件”" in said and "应为“同比增加5件”" in said and "应为“降幅8.5%”" in said
    assert "应为“减少120.0万元”" in said and "应为“持平”" in said


def test_a_change_against_another_year_than_last_is_not_checked_as_last_years(this_year: Report, seed: Report) -> None:
    sentence = "2022年，我县制发行政规范性文件13件，较2019年增加7件。"
    [check] = [c for c in check_numbers(sentence, this_year, {}, "一", seed) if c.number == "7件"]
    assert check.status is Status.UNVERIFIED


# --- the same claims in a report file: nianbao check and the review -----------------------------


@pytest.fixture
def report_file(drafted: Draft, tmp_path: Path) -> tuple[Report, Path]:
    report = drafted.report.model_copy(deep=True)
    one = report.part("一")
    assert one is not None
    one.text = one.text.replace(active_paragraph(drafted), WRONG)
    path = tmp_path / "鹿邑县人民政府2022年政府信息公开工作年度报告.md"
    path.write_text(write_markdown(report), encoding="utf-8")
    return read_report(path), path


def test_check_flags_each_wrong_change_in_a_report_file(
    report_file: tuple[Report, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(report_file[1]), "--previous", str(SEED), "--json"])
    findings = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["findings"]
    found = {f["found"]: f["expected"] for f in findings if f["rule"] == "narrative.change"}
    assert found == {
        "增加五件": "增加3件",
        "减少2件": "与上年持平",
        "与上年持平": "同比增加5件",
        "降幅为百分之九点五": "降幅8.5%",
        "下降": "与上年持平",
        "减少1.2万元": "减少120.0万元",
    }


def test_check_without_last_years_report_says_nothing_of_changes(report_file: tuple[Report, Path]) -> None:
    assert not [f for f in check_report(report_file[0]).findings if f.rule == "narrative.change"]


def test_the_review_lists_each_wrong_change_with_its_sentence(report_file: tuple[Report, Path], seed: Report) -> None:
    items = [i for i in review(report_file[0], seed).items if i.rule == "narrative.change"]
    assert len(items) == 6
    assert {i.location.sentence for i in items} >= {"行政事业性收费2340.95万元，比上年减少1.2万元。"}


# --- a 2019-format report as last year ------------------------------------------------------------


def test_from_a_2019_format_report_only_the_decisions_get_a_change_and_the_note_says_what_cannot(
    seed: Report,
) -> None:
    last_year = read_report(FIXTURES / "luyi_2020_format2019.txt")  # 行政许可 19870, 行政处罚 3102, 行政强制 401
    draft = draft_offline(AGENCY, 2021, seed, ReportList([last_year]), {"信息处理费": 0})
    one = draft.report.part_text("一")
    assert "行政许可决定20815件，同比增长4.76%" in one
    assert "行政处罚决定3326件，同比增长7.22%" in one
    assert "行政强制决定427件，同比增长6.48%" in one
    assert "制发行政规范性文件10件，废止8件，现行有效26件。" in one  # the 2019 format counts them otherwise
    assert "收取行政事业性收费2460.95万元。" in one
    [note] = [n for n in draft.notes if "2019年格式" in n]
    assert "主动公开“行政规范性文件”" in note and "主动公开“行政事业性收费”" in note
    assert "主动公开“行政许可”" not in note


# --- a model that keeps writing a wrong 主动公开 change ----------------------------------------------

MODEL_TEXT = "2022年，我县印发行政规范性文件13件，同比增加5件，全年作出行政许可决定19046件，同比增长8.5%。"


def test_a_model_repeating_a_wrong_change_does_not_get_it_into_the_final_draft_unmarked(
    this_year: Report, seed: Report
) -> None:
    work = [WorkFact(about="主动公开", text="今年召开新闻发布会2次")]
    with fake_openai([Reply(MODEL_TEXT)] * 3) as server:
        draft = LLMDrafter(model_for(server), ReportList([seed])).draft_all(
            AGENCY, 2022, this_year, {"信息处理费": 0}, work
        )
    assert len(server.requests) == 3  # the first try and two rounds with what failed
    assert "“增加3件”" in server.prompts()[1] and "“下降8.5%”" in server.prompts()[1]  # what the two years say
    one = draft.report.part_text("一")
    assert f"同比增加5件{UNVERIFIED}" in one and f"同比增长8.5%{UNVERIFIED}" in one
    assert f"印发行政规范性文件13件，同比增加5件{UNVERIFIED}" in one  # the right count before it is not marked


def test_last_years_sentence_restating_a_document_count_gives_way_to_the_data_paragraph() -> None:
    last_year = read_report(FIXTURES / "layouts" / "hongze_2024.txt")  # “……15000余条，制发行政规范性文件6件。”
    draft = draft_offline(last_year.agency, 2025, example_next_year(last_year), ReportList([last_year]))
    one = draft.report.part_text("一")
    assert one.count("制发行政规范性文件") == 1 and "制发行政规范性文件9件，同比增加3件" in one


def test_a_finding_quotes_the_change_as_written(drafted: Draft, seed: Report) -> None:
    report = drafted.report.model_copy(deep=True)
    one = report.part("一")
    assert one is not None
    one.text += "\n全年作出行政处罚决定3326件，较上年增加了二十件。"
    [finding] = [f for f in check_report(report, seed).findings if f.rule == "narrative.change"]
    assert (finding.found, finding.expected) == ("增加了二十件", "与上年持平")


def test_without_last_years_own_report_the_draft_says_why_it_writes_no_change(this_year: Report, seed: Report) -> None:
    two_years_on = this_year.model_copy(update={"year": 2023})
    draft = draft_offline(AGENCY, 2023, two_years_on, ReportList([seed]), {"信息处理费": 0})
    assert "同比" not in draft.report.part_text("一").replace("【沿用上年，请核实】", "")
    assert any("没有找到本机关2022年度报告（参照的是2021年度报告），数据段未写同比" in n for n in draft.notes)
