"""上年结转 (二) is last year's 四, column by column, and the user is told where it came from."""

from __future__ import annotations

import pytest

from nianbao.checker import check_report
from nianbao.errors import InvalidInputError
from nianbao.intake import Origin, carry_over, extract_changes, preview
from nianbao.model import Report, empty_report
from nianbao.readers import read_report
from nianbao.schema import REQUEST_COLUMNS, TableId
from tests.conftest import SEED

REQ = TableId.REQUESTS


def last_year_with_carry(values: list[int]) -> Report:
    """The seed, with 四 (and 一, to keep the balance) raised by ``values`` per column."""
    seed = read_report(SEED)
    for column, extra in zip(REQUEST_COLUMNS, values, strict=True):
        seed.set_value(REQ, "四", column, extra)
        seed.set_value(REQ, "一", column, seed.count(REQ, "一", column) + extra)
    assert check_report(seed).ok
    return seed


def test_the_seed_as_last_year_gives_its_four_as_this_year_two() -> None:
    seed = read_report(SEED)
    proposed = carry_over(seed)
    assert {c.column: c.new for c in proposed.changes} == {c: seed.value(REQ, "四", c) for c in REQUEST_COLUMNS}
    assert all(c.row == "二" and c.origin is Origin.CARRIED for c in proposed.changes)


def test_the_carry_over_follows_last_year_column_by_column() -> None:
    previous = last_year_with_carry([3, 1, 0, 0, 0, 2, 6])
    draft = preview(empty_report(), carry_over(previous).changes).report
    assert [draft.value(REQ, "二", c) for c in REQUEST_COLUMNS] == [3, 1, 0, 0, 0, 2, 6]


def test_the_note_says_which_report_it_came_from() -> None:
    note = carry_over(read_report(SEED)).note
    assert "鹿邑县人民政府" in note and "2021年" in note and "luyi_2021.txt" in note
    assert "结转下年度继续办理" in note


def test_each_carried_cell_shows_its_origin_in_the_diff() -> None:
    previous = last_year_with_carry([3, 1, 0, 0, 0, 2, 6])
    lines = preview(empty_report(), carry_over(previous).changes).diff()
    assert "依申请公开 / 二 上年结转政府信息公开申请数量 / 自然人：空 → 3（取自鹿邑县人民政府2021年" in lines[0]


def test_a_last_year_without_four_proposes_nothing_and_says_so() -> None:
    proposed = carry_over(empty_report())
    assert proposed.changes == []
    assert "请直接填写" in proposed.note


def test_a_user_figure_that_contradicts_the_carry_over_is_refused() -> None:
    previous = last_year_with_carry([3, 1, 0, 0, 0, 2, 6])
    draft = preview(empty_report(), carry_over(previous).changes).report
    with pytest.raises(InvalidInputError, match="二"):
        preview(draft, extract_changes("上年结转二件，其中自然人3件"))
