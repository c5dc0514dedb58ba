"""Every number in a drafted part is rechecked: cells, the user's facts, or marked 【待核实】."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.verify import (
    PartContext,
    Status,
    check_numbers,
    check_part,
    mark_failing,
    mark_sentence,
    validation_findings,
)
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)  # 2021: 新收 223, 予以公开 185, 部分公开 8, 行政复议 1 (维持)


def statuses(text: str, report: Report, facts: dict[str, int] | None = None) -> list[tuple[str, Status]]:
    return [(c.number, c.status) for c in check_numbers(text, report, facts, "一")]


def test_a_number_that_quotes_a_cell_and_equals_it_is_verified(seed: Report) -> None:
    assert statuses("2021年，全县共受理政府信息公开申请223件。", seed) == [("223件", Status.OK)]


def test_a_number_that_quotes_a_cell_and_differs_is_a_mismatch_with_the_expected_value(seed: Report) -> None:
    [check] = check_numbers("2021年，全县共受理政府信息公开申请225件。", seed, {}, "一")
    assert check.status is Status.MISMATCH
    assert "223" in (check.expected or "")
    assert "225件" in check.message


def test_outcomes_and_appeals_are_checked_against_their_cells(seed: Report) -> None:
    text = "2021年共受理申请223件，其中予以公开185件，部分公开9件。被申请行政复议1件，结果维持1件。"
    assert statuses(text, seed) == [
        ("223件", Status.OK),
        ("185件", Status.OK),
        ("9件", Status.MISMATCH),
        ("1件", Status.OK),
        ("1件", Status.OK),
    ]


def test_a_number_that_quotes_a_users_fact_must_equal_it(seed: Report) -> None:
    facts = {"信息处理费": 380}
    assert statuses("全年收取信息处理费380元。", seed, facts) == [("380元", Status.OK)]
    assert statuses("全年收取信息处理费390元。", seed, facts) == [("390元", Status.MISMATCH)]


def test_any_other_number_is_unverified(seed: Report) -> None:
    assert statuses("截止目前，保留各类政务新媒体41个。", seed) == [("41个", Status.UNVERIFIED)]


def test_years_dates_document_numbers_and_list_marks_are_not_figures(seed: Report) -> None:
    text = "1.印发《鹿邑县2020年工作要点》（鹿政办〔2016〕132号），自2021年1月1日起施行，第3季度完成。"
    assert check_numbers(text, seed, {}, "一") == []


def test_a_claim_the_cells_contradict_is_a_mismatch(seed: Report) -> None:
    seed_with_carry = seed.model_copy(deep=True)
    seed_with_carry.set_value(TableId.REQUESTS, "四", "总计", 2)
    [check] = check_numbers("全县受理的政府信息公开申请全部按时办结。", seed_with_carry, {}, "一")
    assert check.status is Status.MISMATCH
    assert "结转下年度" in (check.expected or "")


def test_failing_and_unverified_sentences_are_marked_once_and_others_kept(seed: Report) -> None:
    text = "全县共受理政府信息公开申请223件。保留政务新媒体41个。予以公开190件。"
    marked, checks = mark_failing(text, seed, {}, "一")
    assert marked == f"全县共受理政府信息公开申请223件。保留政务新媒体41个{UNVERIFIED}。予以公开190件{UNVERIFIED}。"
    assert [c.status for c in checks] == [Status.OK, Status.UNVERIFIED, Status.MISMATCH]
    assert mark_failing(marked, seed, {}, "一")[0] == marked


def test_mark_sentence_puts_the_mark_before_the_closing_punctuation() -> None:
    assert mark_sentence("共41个。") == f"共41个{UNVERIFIED}。"
    assert mark_sentence("共41个") == f"共41个{UNVERIFIED}"


PIECES = [
    "全县共受理政府信息公开申请",
    "予以公开",
    "行政复议",
    "保留政务新媒体",
    "信息处理费",
    "2021年",
    "《要点》",
    "，",
    "；",
    "。",
    "\n",
]


@given(st.lists(st.one_of(st.sampled_from(PIECES), st.integers(0, 99999).map(lambda n: f"{n}件")), max_size=30))
@settings(max_examples=150, deadline=None)
def test_marking_only_adds_marks_and_is_idempotent(pieces: list[str]) -> None:
    text = "".join(pieces)
    report = read_report(SEED)
    marked, _ = mark_failing(text, report, {"信息处理费": 0}, "一")
    assert marked.replace(UNVERIFIED, "") == text
    assert mark_failing(marked, report, {"信息处理费": 0}, "一")[0] == marked


def test_chinese_numerals_are_checked_too(seed: Report) -> None:
    assert statuses("全年共受理政府信息公开申请二百二十三件。", seed) == [("二百二十三件", Status.OK)]
    assert statuses("全年共受理政府信息公开申请二百二十五件。", seed) == [("二百二十五件", Status.MISMATCH)]
    assert statuses("召开新闻发布会十二场。", seed) == [("十二场", Status.UNVERIFIED)]
    assert statuses("全年未发生一起泄密事件，聚焦三大领域。", seed) == []


@pytest.mark.parametrize(
    ("sentence", "corrected"),
    [
        ("全年收取信息处理费100元。", "全年收取信息处理费0元。"),
        ("全年收取信息处理费一百元。", "全年收取信息处理费0元。"),
        ("全年共收取信息处理费0.01万元，均按规定收取。", "全年共收取信息处理费0元，均按规定收取。"),
    ],
)
def test_a_wrong_fee_is_corrected_to_the_known_one_not_only_marked(seed: Report, sentence: str, corrected: str) -> None:
    text, checks = mark_failing(sentence, seed, {"信息处理费": 0}, "六")
    assert text == corrected
    assert [c.status for c in checks] == [Status.CORRECTED]


def test_each_failing_clause_is_marked_at_its_own_end(seed: Report) -> None:
    text = "2021年共受理申请二百二十五件，其中予以公开185件，部分公开9件，占办结总数的百分之九十。"
    marked, _ = mark_failing(text, seed, {}, "一")
    assert marked == (
        f"2021年共受理申请二百二十五件{UNVERIFIED}，其中予以公开185件，部分公开9件{UNVERIFIED}，"
        f"占办结总数的百分之九十{UNVERIFIED}。"
    )


def test_a_drafted_part_is_validated_against_the_report_and_its_error_lists_each_failing_figure(seed: Report) -> None:
    context = PartContext(seed, {})
    assert check_part("一", "2021年共受理申请223件。", context).text == "2021年共受理申请223件。"
    with pytest.raises(ValidationError) as caught:
        check_part("一", "2021年共受理申请225件。被申请行政复议1件，均获维持。办结率100%。", context)
    findings = validation_findings(caught.value)
    assert "225件" in findings and "223" in findings


@pytest.mark.parametrize(
    ("sentence", "failing"),
    [
        ("2022年，全县共收到政府信息公开申请241件，较上年的二百二十三件增加十八件。", []),
        ("2022年，全县共收到政府信息公开申请241件，较上年的二百件增加四十一件。", ["二百件", "四十一件"]),
        ("2022年，全县共收到政府信息公开申请241件，同比增长百分之八。", []),
        ("2022年，全县共收到政府信息公开申请241件，同比增长百分之二十。", ["百分之二十"]),
    ],
)
def test_changes_against_last_year_are_checked_in_chinese_numerals_too(
    seed: Report, cells: Report, sentence: str, failing: list[str]
) -> None:
    # This year 新收 241, last year (the seed) 223: 增加18件, 同比增长8%.
    assert [c.number for c in check_numbers(sentence, cells, {}, "一", seed) if c.failed] == failing
