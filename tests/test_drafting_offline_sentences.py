"""The offline drafter, sentence by sentence: given last year's sentence and this year's cells, the draft says X.

Last year is the real 鹿邑县 2021 report (corpus/luyi_2021.txt) with its part 一 replaced by the sentence
under test; this year's cells are made up from it (``example_next_year``): 新收 223 → 241, 办结 223 → 237,
予以公开 185 → 198, 结转下年度 0 → 4, 行政复议 1 → 3 (维持 2, 其他结果 1), 行政规范性文件 制发 10 → 13,
行政事业性收费 2460.9543 → 2584.0020 万元. Every drafted number is still rechecked (``check_numbers``).
"""

from __future__ import annotations

import pytest

from nianbao.drafting.example import example_next_year
from nianbao.drafting.marks import CARRIED
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import Status, check_numbers
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import CORPUS

REQ = TableId.REQUESTS


def drafted(seed: Report, cells: Report, last_years_text: str, part: str = "一", facts: dict | None = None) -> str:
    """The draft's part made from a last year whose part holds only ``last_years_text``."""
    last = seed.model_copy(deep=True)
    last.parts[["一", "二", "三", "四", "五", "六"].index(part)].text = last_years_text
    draft = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([last]), facts)
    return draft.report.part_text(part)


def carried_over(line: str) -> str:
    """A line of last year's text in the draft: it carries the carried-over mark (removed here for the comparison)."""
    assert CARRIED in line
    return line.replace(CARRIED, "")


def sentence_from(seed: Report, cells: Report, last_years_sentence: str) -> str:
    """The drafted line that came from last year's (first) sentence."""
    text = drafted(seed, cells, last_years_sentence)
    return carried_over(next(line for line in text.split("\n") if line.startswith("2022年")))


def failing(
    text: str, report: Report, part: str = "一", facts: dict | None = None, previous: Report | None = None
) -> list[str]:
    return [c.number for c in check_numbers(text, report, facts or {}, part, previous) if c.failed]


def test_this_years_cells_are_the_ones_these_sentences_are_written_against(cells: Report) -> None:
    assert [cells.count(REQ, row, "总计") for row in ("一", "二", "三.七", "三.一", "四")] == [241, 0, 237, 198, 4]


def test_a_decimal_percentage_that_cannot_be_known_is_marked_not_a_crash(seed: Report, cells: Report) -> None:
    # 12.5 has four characters, like a year: reading it as one used to raise ValueError.
    line = sentence_from(seed, cells, "2021年，全县政务服务事项网上可办率达到12.5%，提升明显。")
    assert line == f"2022年，全县政务服务事项网上可办率达到12.5%{UNVERIFIED}，提升明显。"  # at its clause
    assert failing(line, cells) == ["12.5%"]


@pytest.fixture(scope="module")
def shuyang() -> Report:
    return read_report(CORPUS / "shuyang_2025.md")  # 六: 收取信息处理费共计380元，其中民政局1件，收取380元


def part_six(shuyang: Report, fee: int) -> str:
    draft = draft_offline(
        "沐阳县人民政府", 2026, example_next_year(shuyang), ReportList([shuyang]), {"信息处理费": fee}
    )
    return draft.report.part_text("六")


def test_a_fee_of_zero_replaces_last_years_fee_and_its_breakdown(shuyang: Report) -> None:
    six = part_six(shuyang, 0)
    assert six.startswith("2026年，我县严格落实《政府信息公开信息处理费管理办法》，未收取信息处理费。")
    assert "380" not in six and "民政局1件" not in six


def test_a_known_fee_replaces_last_years_figure(shuyang: Report) -> None:
    six = part_six(shuyang, 120)
    assert "共收取信息处理费120元。" in six
    assert "380" not in six


def test_a_count_after_the_fee_does_not_pass_for_the_fee(cells: Report) -> None:
    text = "收取信息处理费共计0元，其中民政局0件。"
    assert failing(text, cells, "六", {"信息处理费": 0}) == ["0件"]
    assert failing("收取信息处理费共计0元。", cells, "六", {"信息处理费": 0}) == []


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        # 185 ÷ 223 = 82.96 %: rounded to 83, truncated to 82; 198 ÷ 237 = 83.54 %: 84 rounded, 83 truncated.
        ("其中予以公开185件，占比83%。", "其中予以公开198件，占比84%。"),
        ("其中予以公开185件，占比82%。", "其中予以公开198件，占比83%。"),
        ("其中予以公开185件，占办结总数的82.96%。", "其中予以公开198件，占办结总数的83.54%。"),
        ("予以公开和部分公开共193件，公开率86.5%。", "予以公开和部分公开共206件，公开率86.9%。"),
    ],
)
def test_a_share_is_divided_and_rounded_the_way_last_year_did_it(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，全县共办结申请223件，{last_year}")
    assert line == f"2022年，全县共办结申请237件，{this_year}"
    assert failing(line, cells) == []


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        # 规章 2021: 制发 0, 废止 0, 现行有效 0; 2022: 3, 0, 3 — the verb says which 0 it was.
        (
            "全县制发规章0件，制发行政规范性文件10件，废止8件，现行有效26件。",
            "全县制发规章3件，制发行政规范性文件13件，废止8件，现行有效31件。",
        ),
        ("全县现行有效规章0件。", "全县现行有效规章3件。"),
        ("全县废止规章0件。", "全县废止规章0件。"),
        ("全县作出行政许可决定20815件、行政处罚决定3326件。", "全县作出行政许可决定20818件、行政处罚决定3329件。"),
        # 本年收费金额 2584.0020 万元, written with last year's four decimals.
        ("全县行政事业性收费2460.9543万元。", "全县行政事业性收费2584.0020万元。"),
    ],
)
def test_an_active_disclosure_figure_takes_this_years_cell_of_the_column_its_verb_names(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，{last_year}")
    assert line == f"2022年，{this_year}"
    assert failing(line, cells) == []


def test_an_active_figure_that_matched_several_cells_last_year_is_marked_when_they_now_differ(
    seed: Report, cells: Report
) -> None:
    line = sentence_from(seed, cells, "2021年，全县涉及规章0件。")  # 制发, 废止 or 现行有效?
    assert line == f"2022年，全县涉及规章0件{UNVERIFIED}。"


def test_an_active_figure_is_verified_against_the_column_its_verb_names(cells: Report) -> None:
    assert failing("全县制发规章0件，废止规章0件，现行有效规章3件。", cells) == ["0件"]


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        # 受理 223 → 241: +18, 8.07 %; 予以公开 185 → 198: +13, 7.03 %.
        ("共受理政府信息公开申请223件次，同比增长12.5%。", "共受理政府信息公开申请241件次，同比增长8.1%。"),
        ("共受理政府信息公开申请223件，同比下降5%。", "共受理政府信息公开申请241件，同比增长8%。"),
        ("共受理政府信息公开申请223件，较上年增加25件。", "共受理政府信息公开申请241件，较上年增加18件。"),
        ("共受理政府信息公开申请223件次，比2020年减少7件次。", "共受理政府信息公开申请241件次，比2021年增加18件次。"),
        (
            "共受理申请223件，同比增长12.5%；其中予以公开185件，同比增长8.2%。",
            "共受理申请241件，同比增长8.1%；其中予以公开198件，同比增长7.0%。",
        ),
    ],
)
def test_a_year_on_year_change_is_recomputed_from_this_years_and_last_years_cells(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，全县{last_year}")
    assert line == f"2022年，全县{this_year}"
    assert failing(line, cells, previous=seed) == []


def test_without_last_years_report_a_year_on_year_change_cannot_be_verified(seed: Report, cells: Report) -> None:
    line = "2022年，全县共受理政府信息公开申请241件次，同比增长8.1%。"
    assert failing(line, cells) == ["8.1%"]  # no report of 2021 to compare with
    assert failing(line, cells, previous=cells) == ["8.1%"]  # a report, but not of the year before


@pytest.mark.parametrize(
    ("change", "expected"), [("同比增长8.5%", "增长8.1%"), ("同比下降8.1%", "增长8.1%"), ("较上年增加20件", "增加18件")]
)
def test_a_wrong_year_on_year_change_fails_with_the_right_one(
    seed: Report, cells: Report, change: str, expected: str
) -> None:
    [check] = [
        c
        for c in check_numbers(f"2022年，全县共受理政府信息公开申请241件，{change}。", cells, {}, "一", seed)
        if c.failed
    ]
    assert check.expected == expected


def test_a_change_from_a_report_older_than_last_year_stays_marked(seed: Report) -> None:
    cells = example_next_year(seed).model_copy(update={"year": 2023})
    last = seed.model_copy(deep=True)
    last.parts[0].text = "2021年，全县共受理政府信息公开申请223件次，同比增长12.5%。"
    one = draft_offline("鹿邑县人民政府", 2023, cells, ReportList([last])).report.part_text("一")
    assert f"共受理政府信息公开申请241件次，同比增长12.5%{UNVERIFIED}{CARRIED}。" in one


def test_a_count_in_ten_thousands_is_one_figure_and_stays_marked_when_nothing_gives_it(
    seed: Report, cells: Report
) -> None:
    line = sentence_from(seed, cells, "2021年，全县主动公开政府信息1.6万条。")
    assert line == f"2022年，全县主动公开政府信息1.6万条{UNVERIFIED}。"
    assert failing(line, cells) == ["1.6万条"]


def test_a_figure_the_tables_lack_takes_the_users_fact_when_given(seed: Report, cells: Report) -> None:
    facts = {"主动公开政府信息": 17000, "信息处理费": 0}
    text = drafted(seed, cells, "2021年，全县主动公开政府信息1.6万条。", facts=facts)
    assert f"2022年，全县主动公开政府信息17000条{CARRIED}。" in text.split("\n")
    assert failing(text, cells, facts=facts, previous=seed) == []


def test_each_appeal_figure_is_counted_over_both_kinds_of_suit() -> None:
    huaian = read_report(CORPUS / "huaian_2024.pdf")  # 行政诉讼 46 件，其中…结果纠正 5 件 (4 + 1)
    cells = example_next_year(huaian)
    suits = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
    corrected = [cells.count(TableId.APPEALS, row, "结果纠正") for row in suits]
    assert corrected == [5, 1]  # this year's 5 is one kind of suit only: it must not stay
    one = draft_offline("淮安市人民政府", 2025, cells, ReportList([huaian])).report.part_text("一")
    assert "被提起行政诉讼50件，其中结果维持26件，结果纠正6件，其他结果10件，尚未审结8件。" in one


def test_places_counted_are_reported_with_their_unit(cells: Report) -> None:
    text = "全年累计整改不规范描述22处、失效链接43处，依法处理到位。"
    assert failing(text, cells) == ["22处", "43处"]


def test_a_share_of_applicants_is_of_the_new_requests_when_last_years_whole_was_ambiguous(
    seed: Report, cells: Report
) -> None:
    # 2021: 223 new requests and 223 closed, so 210 ÷ 223 fits both; 2022: 241 new, 237 closed.
    line = sentence_from(seed, cells, "2021年，自然人申请210件，占94.2%；法人或其他组织申请13件，占5.8%。")
    assert line == "2022年，自然人申请215件，占89.2%；法人或其他组织申请26件，占10.8%。"  # 215 + 26 = 241
    assert failing(line, cells) == []


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        ("较2020年的198件增加25件。", "较2021年的223件增加18件。"),
        ("比上年的198件增长12.6%。", "比上年的223件增长8.1%。"),
        ("与上年同期相比增长12.6%。", "与上年同期相比增长8.1%。"),
    ],
)
def test_last_years_figure_beside_this_years_is_last_years_cell(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，全县共收到政府信息公开申请223件，{last_year}")
    assert line == f"2022年，全县共收到政府信息公开申请241件，{this_year}"
    assert failing(line, cells, previous=seed) == []


def test_a_wrong_figure_for_last_year_fails_with_last_years_cell(seed: Report, cells: Report) -> None:
    text = "2022年，全县共收到政府信息公开申请241件，较上年的225件增加16件。"
    checks = [c for c in check_numbers(text, cells, {}, "一", seed) if c.failed]
    assert [(c.number, c.expected) for c in checks] == [("225件", "223"), ("16件", "增加18件")]  # in reading order


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        # 2022: 行政复议 3 件, 行政诉讼 4 件 (2 + 2).
        (
            "全年被申请行政复议1件，结果维持1件，未发生行政诉讼。",
            "全年被申请行政复议3件，结果维持2件，被提起行政诉讼4件。",
        ),
        ("本年度未发生政府信息公开行政复议、行政诉讼案件。", "本年度被申请行政复议3件、被提起行政诉讼4件。"),
    ],
)
def test_a_claim_of_no_appeals_that_the_cells_contradict_gives_this_years_counts(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，{last_year}")
    assert line == f"2022年，{this_year}"
    assert failing(line, cells) == []


def test_a_change_in_percentage_points_is_not_read_as_a_change_in_requests(seed: Report, cells: Report) -> None:
    line = sentence_from(seed, cells, "2021年，全县予以公开185件，较上年增加2个百分点。")
    assert line == f"2022年，全县予以公开198件，较上年增加2个百分点{UNVERIFIED}。"


@pytest.mark.parametrize(
    ("last_year", "this_year"),
    [
        ("共收到政府信息公开申请223件，较上年有所下降。", "共收到政府信息公开申请241件，较上年有所增长。"),
        (
            "共受理申请223件，同比略有上升，其中予以公开185件，同比明显减少。",
            "共受理申请241件，同比略有上升，其中予以公开198件，同比明显增加。",
        ),
    ],
)
def test_a_direction_said_without_a_number_follows_the_two_years_cells(
    seed: Report, cells: Report, last_year: str, this_year: str
) -> None:
    line = sentence_from(seed, cells, f"2021年，全县{last_year}")
    assert line == f"2022年，全县{this_year}"
    assert failing(line, cells, previous=seed) == []


def test_a_direction_the_cells_contradict_fails_verification(seed: Report, cells: Report) -> None:
    text = "2022年，全县共收到政府信息公开申请241件，较上年有所下降。"
    [check] = [c for c in check_numbers(text, cells, {}, "一", seed) if c.failed]
    assert (check.number, check.status, check.expected) == ("下降", Status.MISMATCH, "增长")
