"""What goes back to the model when its figures fail, and the tables' labels kept out of a draft (#13).

A small model once wrote "依申请公开一 本年新收 总计 702 件" into a sentence: the row's label it had been sent
in the list of failing figures. The findings now speak a report's words; a label that still comes back is
taken out and its clause marked.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nianbao.drafting.feedback import (
    findings_for_model,
    has_table_label,
    plain_finding,
    plain_label,
    table_labels_marked,
)
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.verify import NumberCheck, PartContext, Status, check_part
from nianbao.model import Report
from nianbao.schema import TableId

REQ = TableId.REQUESTS


def findings(text: str, cells: Report, seed: Report, facts: dict[str, int] | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        check_part("一", text, PartContext(cells, facts or {}, seed))
    return findings_for_model(caught.value)


def test_a_wrong_count_is_given_as_the_tables_figure_in_report_words(cells: Report, seed: Report) -> None:
    right = cells.count(REQ, "一", "总计")
    said = findings(f"全年共新收政府信息公开申请{right + 7}件。", cells, seed)
    assert said == (
        f"- “全年共新收政府信息公开申请{right + 7}件。”中的“{right + 7}件”与本年度数据不符，应为“{right}件”。"
    )


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        ("其中予以公开198件，占办结总数的百分之六十七。", "应为“84%”"),
        ("共新收政府信息公开申请241件，同比增长12.5%。", "这一同比变化与本年和上年的数据不符，应写作“增长8.1%”"),
        ("被提起行政诉讼4件，均获维持。", "与本年度数据不符（行政诉讼（未经复议直接起诉）"),
        ("发布政策解读文章56篇。", "“56篇”在本年度数据和列出的工作中都没有"),
    ],
    ids=["share", "change", "all-claim", "unverified"],
)
def test_no_finding_names_a_table_row_or_column(cells: Report, seed: Report, sentence: str, told: str) -> None:
    said = findings(sentence, cells, seed)
    assert told in said
    assert not has_table_label(said) and "总计" not in said and "÷" not in said and "依申请公开 " not in said


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("依申请公开 一 本年新收 总计", "本年新收"),
        ("依申请公开 一+二 新收加上年结转 总计", "新收加上年结转"),
        ("依申请公开 三.（三）.1 属于国家秘密 总计", "属于国家秘密"),
        ("复议诉讼 行政诉讼/复议后起诉 尚未审结", "行政诉讼（复议后起诉）尚未审结"),
        ("办理结果总计（三.七）", "办理结果总计"),
    ],
)
def test_a_label_of_the_tables_reads_as_report_words(label: str, words: str) -> None:
    assert plain_label(label) == words


def test_a_row_label_echoed_in_a_sentence_is_taken_out_and_its_clause_marked() -> None:
    echoed = "2022年，我县依申请公开一 本年新收 总计 702 件，办结700件。"
    assert table_labels_marked(echoed) == (f"2022年，我县本年新收702件{UNVERIFIED}，办结700件。", 1)


@pytest.mark.parametrize(
    "prose",
    [
        "依申请公开一般在法定期限内答复。",
        "我县依申请公开工作有序推进，主动公开规章3件。",
        "（一）主动公开情况",
        "行政复议和行政诉讼情况：被申请行政复议3件。",
        "全年受理依申请公开 241 件，主动公开 20 条。",  # a small model's spaces around figures
    ],
)
def test_a_reports_own_words_are_not_taken_for_a_label(prose: str) -> None:
    assert table_labels_marked(prose) == (prose, 0)


def test_a_share_the_tables_cannot_give_is_asked_to_go_not_given_a_figure() -> None:
    check = NumberCheck(
        part="一", sentence="公开率为67%。", number="67%", status=Status.MISMATCH, expected="（无法计算）", message=""
    )
    assert (
        plain_finding(check)
        == "“公开率为67%。”中的“67%”在本年度数据和列出的工作中都没有：删去这个数字，或改为不含数字的说法。"
    )
