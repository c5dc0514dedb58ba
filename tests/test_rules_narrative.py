"""Rule 9 of domain.md: numbers and claims of the narrative against the tables.

Reports are built from the seed (鹿邑县 2021): a sentence is added to 一、总体情况, or a cell is
changed, and the finding (or its absence) is what a person reading the report would expect.
Seed figures used below: 一 223 (自然人 210, 法人或其他组织 13), 二 0, 三.一 185, 三.二 8,
不予公开 2, 无法提供 16 (不掌握 15), 不予处理 11 (信访 8), 其他处理 1, 三.七 223, 四 0;
行政复议 1 (结果维持 1), 行政诉讼 0.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.checker import check_report
from nianbao.claims.counts import count_claims
from nianbao.claims.numbers import Approx, find_quantities
from nianbao.claims.shares import percent_claims, percent_method
from nianbao.claims.text import narrative_sentences, sentence_offsets
from nianbao.model import Finding, Part, Report, Severity, empty_report
from nianbao.readers import read_report
from nianbao.schema import ReportFormat, TableId
from tests.conftest import CORPUS, SEED

REQ, APP = TableId.REQUESTS, TableId.APPEALS
SEED_SENTENCE = "全县各单位共受理各类政府信息公开申请223件次"


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def findings_of(report: Report, rule: str) -> list[Finding]:
    return [f for f in check_report(report).findings if f.rule == rule]


def with_paragraph(report: Report, paragraph: str, part: str = "一") -> Report:
    """The report with one more paragraph at the end of a narrative part."""
    target = report.part(part)
    assert target is not None
    target.text += "\n" + paragraph
    return report


def edit_sentence(report: Report, old: str, new: str, part: str = "一") -> Report:
    target = report.part(part)
    assert target is not None and old in target.text
    target.text = target.text.replace(old, new)
    return report


# --- sentences and numbers -------------------------------------------------------------------


def test_sentences_split_at_full_stops_semicolons_and_marks() -> None:
    text = "共受理申请 749 件；共办理 718 件。是否办结？已办结！"
    assert [s for _, s in sentence_offsets(text)] == [
        "共受理申请 749 件；",
        "共办理 718 件。",
        "是否办结？",
        "已办结！",
    ]


def test_narrative_is_the_preamble_and_parts_one_five_and_six(seed: Report) -> None:
    parts = {s.part for s in narrative_sentences(seed)}
    assert parts <= {None, "一", "五", "六"}
    assert {"一", "五", "六"} <= parts


def test_numbers_are_read_with_their_unit_and_approximation() -> None:
    found = find_quantities("受理申请二百五十八件，办结1.2万件，公开16058余件次，约300件，占８２．９６％")
    assert [(q.value, q.approx, q.percent) for q in found] == [
        (258, Approx.EXACT, False),
        (12000, Approx.ABOUT, False),
        (16058, Approx.AT_LEAST, False),
        (300, Approx.ABOUT, False),
        (Decimal("82.96"), Approx.EXACT, True),
    ]


def test_a_number_without_a_unit_is_not_a_count() -> None:
    assert find_quantities("2021年以来，截止目前，2021已发布") == []


# --- the seed's own sentence -------------------------------------------------------------------


def test_seed_says_accepted_223_which_is_the_new_requests(seed: Report) -> None:
    [claim] = count_claims(seed)
    assert claim.quantity.value == 223
    assert claim.matched is not None and claim.matched.label.startswith("依申请公开 一 本年新收")
    assert findings_of(seed, "narrative.count") == []


def test_seed_with_a_wrong_accepted_count_is_flagged_quoting_the_sentence(seed: Report) -> None:
    edit_sentence(seed, SEED_SENTENCE, SEED_SENTENCE.replace("223", "225"))
    [finding] = findings_of(seed, "narrative.count")
    assert finding.severity is Severity.WARNING
    assert finding.location.part == "一"
    assert "共受理各类政府信息公开申请225件次" in (finding.location.sentence or "")
    assert finding.found == "225件次"
    # 二 is 0, so 新收 and 新收 + 上年结转 are the same figure: it is given once.
    assert finding.expected == "依申请公开 一 本年新收 总计 223"
    assert "225件次" in finding.message and "两者不符" in finding.message


def test_accepted_may_count_new_plus_carried_over_and_says_so(seed: Report) -> None:
    seed.set_value(REQ, "二", "自然人", 5)
    seed.set_value(REQ, "二", "总计", 5)
    edit_sentence(seed, SEED_SENTENCE, SEED_SENTENCE.replace("223", "228"))
    [claim] = count_claims(seed)
    assert claim.matched is not None and claim.matched.label.startswith("依申请公开 一+二")
    assert findings_of(seed, "narrative.count") == []


def test_a_changed_cell_makes_the_seed_sentence_wrong(seed: Report) -> None:
    seed.set_value(REQ, "一", "总计", 224)
    [finding] = findings_of(seed, "narrative.count")
    assert finding.found == "223件次" and "224" in (finding.expected or "")


# --- each kind of claim: one sentence that agrees, one that does not ----------------------------

CLAIMS_THAT_AGREE = [
    "2021年，共收到政府信息公开申请223件。",
    "2021年，我局共收到政府信息公开申请223件，其中自然人申请210件。",  # 我局: the body itself
    "从办理结果看，予以公开185件，不予处理11件。",  # outcomes need no 申请 nearby
    "本年度新收政府信息公开申请二百二十三件。",
    "全年受理政府信息公开申请200余件。",
    "全年受理政府信息公开申请约220件。",
    "全年受理政府信息公开申请0.02万件。",
    "全年共受理政府信息公开申请223件，其中自然人申请210件，法人或其他组织申请13件。",
    "上年结转政府信息公开申请0件。",
    "全年共办结政府信息公开申请223件。",
    "依申请公开方面，全年共办理223件，结转下年度继续办理0件。",
    "申请办理结果：其中予以公开185件，部分公开8件，不予公开2件，无法提供16件，不予处理11件，其他处理1件。",
    "全年受理政府信息公开申请223件，其中予以公开185件，部分公开8件。",
    "对于公开申请，予以公开和部分公开的共193件。",
    "对于公开申请，同意公开193件。",
    "公开申请中，本机关不掌握相关政府信息15件，信访举报投诉类申请8件，重复申请1件。",
    "公开申请中，185件予以公开，8件部分公开。",
    "政府信息公开申请中，共有0件申请结转至下年度办理。",
    "全年被申请行政复议1件，结果维持1件；行政诉讼0件。",
    "全年因政府信息公开被申请行政复议1件，行政诉讼0件，共计相关案件1件。",
]


@pytest.mark.parametrize("sentence", CLAIMS_THAT_AGREE)
def test_claims_that_agree_with_the_tables_pass(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    checks = [c for c in count_claims(seed) if c.sentence.text in sentence]
    assert checks, "the claim is recognised"
    assert all(c.agrees for c in checks), [(c.claim.name, c.quantity.text, c.options) for c in checks]
    assert findings_of(seed, "narrative.count") == []


CLAIMS_THAT_DISAGREE = [
    ("2021年，共收到政府信息公开申请230件。", "230件", "223"),
    ("本年度新收政府信息公开申请二百二十件。", "二百二十件", "223"),
    ("全年受理政府信息公开申请230余件。", "230余件", "223"),
    ("全年共受理政府信息公开申请223件，其中自然人申请200件。", "200件", "210"),
    ("全年共受理政府信息公开申请223件，法人或其他组织申请3件。", "3件", "13"),
    ("上年结转政府信息公开申请2件。", "2件", "0"),
    ("全年共办结政府信息公开申请220件。", "220件", "223"),
    ("依申请公开方面，结转下年度继续办理3件。", "3件", "0"),
    ("申请办理结果：其中予以公开180件。", "180件", "185"),
    ("申请办理结果：部分公开10件。", "10件", "8"),
    ("对于公开申请，予以公开和部分公开的共190件。", "190件", "193"),
    ("申请办理结果：不予公开3件。", "3件", "2"),
    ("申请办理结果：无法提供15件。", "15件", "16"),
    ("申请办理结果：不予处理8件。", "8件", "11"),
    ("申请办理结果：其他处理0件。", "0件", "1"),
    ("公开申请中，本机关不掌握相关政府信息14件。", "14件", "15"),
    ("公开申请中，重复申请3件。", "3件", "1"),
    ("全年被申请行政复议2件。", "2件", "1"),
    ("全年被申请行政复议1件，其中结果纠正1件。", "1件", "0"),
    ("全年行政诉讼3件。", "3件", "0"),
]


@pytest.mark.parametrize(("sentence", "found", "expected"), CLAIMS_THAT_DISAGREE)
def test_claims_that_disagree_with_the_tables_are_flagged(
    seed: Report, sentence: str, found: str, expected: str
) -> None:
    with_paragraph(seed, sentence)
    [finding] = findings_of(seed, "narrative.count")
    assert finding.location.sentence == sentence
    assert finding.found == found
    assert expected in (finding.expected or "")


NOT_A_CLAIM = [
    "全年受理行政许可事项20815件。",  # 受理, but not of 政府信息公开申请
    "全县各单位通过县政府网站总计公开各类信息16058余件次。",  # 主动公开, not a table cell we tie
    "成功推动化解各类争议纠纷 33 件。",
    "2019年，全县共受理政府信息公开申请300件。",  # another year's figure
    "较上年增加政府信息公开申请20件。",
    "全年办理人大代表建议45件。",
    "发现问题，及时纠正整改12处。",
    "其中，通过网络渠道收到政府信息公开申请200件，信函申请23件。",  # a channel: part of the whole
    "涉及征地拆迁的政府信息公开申请共120件，其中予以公开100件，部分公开10件。",  # a subject's share
    "县自然资源局受理政府信息公开申请120件。",  # one office of the county
]


@pytest.mark.parametrize("sentence", NOT_A_CLAIM)
def test_numbers_we_cannot_tie_to_a_cell_are_left_alone(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    assert [c for c in count_claims(seed) if c.sentence.text == sentence] == []
    assert findings_of(seed, "narrative.count") == []


def test_a_figure_at_another_scope_next_to_the_tables_figure_is_left_alone(seed: Report) -> None:
    with_paragraph(seed, "全市政府系统共受理政府信息公开申请2300余件，市政府本级受理223件。")
    assert [c.agrees for c in count_claims(seed)][-2:] == [False, True]
    assert findings_of(seed, "narrative.count") == []


def test_two_scopes_that_both_disagree_are_both_flagged(seed: Report) -> None:
    with_paragraph(seed, "全市政府系统共受理政府信息公开申请2300余件，市政府本级受理225件。")
    assert [f.found for f in findings_of(seed, "narrative.count")] == ["2300余件", "225件"]


def test_general_words_count_requests_only_near_the_word_application(seed: Report) -> None:
    with_paragraph(seed, "全年共办结223件。")
    with_paragraph(seed, "全年共办结政府信息公开申请223件。")
    assert [c.sentence.text for c in count_claims(seed)][-1] == "全年共办结政府信息公开申请223件。"
    assert "全年共办结223件。" not in [c.sentence.text for c in count_claims(seed)]


def test_review_results_follow_the_kind_of_case_named_before_them() -> None:
    report = read_report(CORPUS / "huaian_2024.pdf")
    results = [(c.claim.name, c.quantity.value, c.matched.label if c.matched else "") for c in count_claims(report)]
    assert ("结果维持", 72, "复议诉讼 行政复议 结果维持") in results
    assert ("结果维持", 25, "复议诉讼 行政诉讼 结果维持") in results  # 13 + 12, both kinds of suit


# --- percentages ----------------------------------------------------------------------------


def test_percent_method_accepts_rounding_or_truncation_and_says_which() -> None:
    assert percent_method(185, 223, Decimal("82.96")) == "四舍五入"  # 82.959…
    assert percent_method(185, 223, Decimal("82.95")) == "截尾"
    assert percent_method(185, 223, Decimal("83")) == "四舍五入"
    assert percent_method(185, 223, Decimal("82.9")) == "截尾"
    assert percent_method(185, 223, Decimal("84")) is None
    assert percent_method(1, 0, Decimal("0")) is None


@pytest.mark.parametrize(
    ("sentence", "method"),
    [
        ("申请办理结果：予以公开185件，占82.96%。", "四舍五入"),
        ("申请办理结果：予以公开185件，占办结总数的82.95%。", "截尾"),
        ("申请办理结果：予以公开和部分公开193件，公开率为86.55%。", "四舍五入"),
        ("申请办理结果：公开率为86.54%。", "截尾"),
    ],
)
def test_percentages_of_the_total_pass(seed: Report, sentence: str, method: str) -> None:
    with_paragraph(seed, sentence)
    [check] = percent_claims(seed)
    assert check.method == method
    assert findings_of(seed, "narrative.percent") == []


@pytest.mark.parametrize(
    "sentence",
    ["申请办理结果：予以公开185件，占85.5%。", "申请办理结果：公开率为90%。", "申请办理结果：不予处理11件，占8%。"],
)
def test_percentages_that_do_not_match_are_flagged(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    [finding] = findings_of(seed, "narrative.percent")
    assert finding.location.sentence == sentence
    assert "办理结果总计（三.七） 223" in (finding.expected or "")
    assert "四舍五入和截尾" in finding.message


def test_a_percentage_not_after_a_recognised_count_is_left_alone(seed: Report) -> None:
    assert "98%" in seed.part_text("一")  # 全县1280项审批服务事项98%实现“网上可办”
    assert percent_claims(seed) == []


# --- phrases that claim a result --------------------------------------------------------------


def test_seed_says_all_answered_on_time_and_nothing_is_carried_over(seed: Report) -> None:
    assert "全部依法依规按时答复" in seed.part_text("一")
    assert findings_of(seed, "narrative.claim") == []


def test_all_answered_is_contradicted_by_requests_carried_over(seed: Report) -> None:
    seed.set_value(REQ, "四", "总计", 3)
    [finding] = findings_of(seed, "narrative.claim")
    assert finding.found == "全部依法依规按时答复"
    assert "结转下年度继续办理 总计 3" in (finding.expected or "")
    assert SEED_SENTENCE in (finding.location.sentence or "")


@pytest.mark.parametrize(
    ("sentence", "row", "column"),
    [
        ("全年行政复议案件均获维持。", "行政复议", "结果纠正"),
        ("全年行政复议案件均获维持。", "行政复议", "其他结果"),
        ("行政复议、行政诉讼案件无被纠错情况。", "行政复议", "结果纠正"),
        ("行政诉讼案件未被纠错。", "行政诉讼/复议后起诉", "结果纠正"),
        ("全年行政复议案件全部审结。", "行政复议", "尚未审结"),
        ("本年度未发生因政府信息公开引起的行政诉讼。", "行政诉讼/未经复议直接起诉", "总计"),
    ],
)
def test_claimed_results_pass_and_fail_against_the_cells(seed: Report, sentence: str, row: str, column: str) -> None:
    with_paragraph(seed, sentence)
    assert findings_of(seed, "narrative.claim") == []
    seed.set_value(APP, row, column, 1)
    [finding] = findings_of(seed, "narrative.claim")
    assert finding.location.sentence == sentence
    assert f"{row} {column} 1" in (finding.expected or "")


@pytest.mark.parametrize(
    "sentence", ["本年度未发生政府信息公开行政复议、行政诉讼案件。", "本年度无行政复议和行政诉讼案件。"]
)
def test_no_review_is_contradicted_by_the_seed_review(seed: Report, sentence: str) -> None:
    with_paragraph(seed, sentence)
    [finding] = findings_of(seed, "narrative.claim")
    assert "行政复议 总计 1" in (finding.expected or "")


def test_the_label_not_reviewed_before_suing_is_not_a_claim_of_no_review(seed: Report) -> None:
    with_paragraph(seed, "未经复议直接起诉的行政诉讼为0件。")
    assert findings_of(seed, "narrative.claim") == []


def test_phrases_outside_their_topic_are_left_alone(seed: Report) -> None:
    seed.set_value(REQ, "四", "总计", 3)
    seed.set_value(APP, "行政复议", "结果纠正", 1)
    edit_sentence(seed, "全部依法依规按时答复", "多数依法依规答复")
    with_paragraph(seed, "12345热线工单全部办结。")
    with_paragraph(seed, "对未纠正的问题持续跟踪督办。")
    with_paragraph(seed, "上年结转的2件政府信息公开申请已全部办结。")  # last year's requests
    assert findings_of(seed, "narrative.claim") == []


# --- the 2019 format, and any text at all ------------------------------------------------------


def test_2019_format_ties_other_handling_to_its_single_row() -> None:
    report = empty_report(ReportFormat.F2019)
    report.year, report.agency = 2020, "某县人民政府"
    text = "2020年共受理政府信息公开申请10件，其中逾期不补正1件，其他处理2件。"
    report.parts = [Part(number="一", heading="一、总体情况", text=text)]
    report.set_value(REQ, "一", "总计", 10)
    report.set_value(REQ, "三.六", "总计", 2)
    claims = [(c.claim.name, c.agrees) for c in count_claims(report)]
    # 逾期不补正 is a row of the 2021 format only: in 2019 it is inside （六）其他处理, left alone.
    assert claims == [("受理/新收申请", True), ("其他处理", True)]
    report.set_value(REQ, "三.六", "总计", 3)
    [finding] = findings_of(report, "narrative.count")
    assert finding.found == "2件" and "三.六" in (finding.expected or "")


_FRAGMENTS = [
    "受理",
    "政府信息公开申请",
    "予以公开",
    "部分公开",
    "和",
    "其中",
    "行政复议",
    "行政诉讼",
    "结果维持",
    "均获维持",
    "未发生",
    "全部办结",
    "结转",
    "上年度",
    "占",
    "公开率",
    "件",
    "件次",
    "%",
    "％",
    "余",
    "约",
    "万",
    "，",
    "。",
    "；",
    "（",
    "）",
    "《",
    "》",
    "〔",
    "2016年",
    "二〇二一年",
    "1,234",
    "０",
    "5",
    "12.5",
    "二百五十八",
    "十",
    "万万",
    "亿",
    "\n",
    " ",
]


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_narrative_text_is_checked_without_failing(seed: Report, fragments: list[str]) -> None:
    report = seed.model_copy(deep=True)
    with_paragraph(report, "".join(fragments))
    result = check_report(report)
    for finding in result.findings:
        if finding.rule.startswith("narrative."):
            # Only a contradiction at the body's own scope is an error; everything else asks a person to look.
            scoped = "统计口径" in finding.message
            assert finding.severity is (Severity.WARNING if scoped else finding.severity)
            assert finding.is_error <= (finding.rule in ("narrative.count", "narrative.claim"))
            assert finding.location.sentence
