"""Clerk clauses mixed at random (hypothesis): each keeps exactly its own cells whatever comes before or after.

Each clause names its row the way clerks do (relative clause, brackets, 均为 after a list, Chinese numerals,
元); joined in any order and number, the message must produce the union of their cells and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.intake import extract
from nianbao.intake.changes import Address
from nianbao.model import CellNumber
from nianbao.schema import TableId
from tests.test_intake_properties import chinese

REQ, ACTIVE, APPEALS = TableId.REQUESTS, TableId.ACTIVE, TableId.APPEALS
Cells = dict[Address, CellNumber]
Clause = Callable[[int, int], tuple[str, Cells]]


def received(a: int, b: int) -> tuple[str, Cells]:
    return f"收到申请{a}件，其中自然人{b}件", {(REQ, "一", "总计"): a, (REQ, "一", "自然人"): b}


def opened_relative(a: int, b: int) -> tuple[str, Cells]:
    return f"予以公开的{a}件中，企业{b}件", {(REQ, "三.一", "总计"): a, (REQ, "三.一", "商业企业"): b}


def partly(a: int, _: int) -> tuple[str, Cells]:
    return f"部分公开{chinese(a)}件（均为自然人）", {(REQ, "三.二", "总计"): a, (REQ, "三.二", "自然人"): a}


def third_party(a: int, _: int) -> tuple[str, Cells]:
    return f"因涉及第三方权益不予公开{a}件", {(REQ, "三.三.4", "总计"): a}


def not_held(a: int, b: int) -> tuple[str, Cells]:
    cells = {(REQ, "三.四.1", "总计"): a, (REQ, "三.四.1", "自然人"): b}
    return f"本机关不掌握{a}件（自然人{b}件）", cells


def refused_list(a: int, b: int) -> tuple[str, Cells]:
    cells = {(REQ, "三.五.1", "总计"): a, (REQ, "三.五.1", "自然人"): a}
    cells |= {(REQ, "三.五.2", "总计"): b, (REQ, "三.五.2", "自然人"): b}
    return f"信访举报投诉类{a}件、重复申请{b}件，均为自然人", cells


def withdrawn(a: int, _: int) -> tuple[str, Cells]:
    return f"申请人撤回申请{a}件，为法律服务机构", {(REQ, "三.六.3", "总计"): a, (REQ, "三.六.3", "法律服务机构"): a}


def carried(a: int, _: int) -> tuple[str, Cells]:
    return f"结转下年度{chinese(a)}件", {(REQ, "四", "总计"): a}


def penalties(a: int, _: int) -> tuple[str, Cells]:
    return f"行政处罚{chinese(a)}件", {(ACTIVE, "行政处罚", "本年处理决定数量"): a}


def fee(a: int, b: int) -> tuple[str, Cells]:
    yuan = a * 100 + b
    return f"行政事业性收费{yuan}元", {(ACTIVE, "行政事业性收费", "本年收费金额"): Decimal(yuan) / 10000}


def appeal(a: int, b: int) -> tuple[str, Cells]:
    return f"行政复议{a}件，结果维持{b}件", {(APPEALS, "行政复议", "总计"): a, (APPEALS, "行政复议", "结果维持"): b}


def respectively(a: int, b: int) -> tuple[str, Cells]:
    return f"许可、强制分别为{a}件、{b}件", {
        (ACTIVE, "行政许可", "本年处理决定数量"): a,
        (ACTIVE, "行政强制", "本年处理决定数量"): b,
    }


CLAUSES: list[Clause] = [
    received,
    opened_relative,
    partly,
    third_party,
    not_held,
    refused_list,
    withdrawn,
    carried,
    penalties,
    fee,
    appeal,
    respectively,
]
counts = st.integers(min_value=0, max_value=9999)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CLAUSES), counts, counts), min_size=1, max_size=6, unique_by=lambda t: t[0]),
    st.sampled_from(["；", "。", "；\n", "。\n"]),
)
def test_mixed_clauses_keep_exactly_their_cells(clauses: list[tuple[Clause, int, int]], joint: str) -> None:
    texts, expected = [], {}
    for clause, a, b in clauses:
        text, cells = clause(a, b)
        texts.append(text)
        expected |= cells
    message = joint.join(texts)
    result = extract(message)
    assert {c.address: c.new for c in result.changes} == expected, message
    assert result.notes == [], message
