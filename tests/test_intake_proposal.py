"""Proposals: old → new shown before applying, derived totals, and inputs that contradict a rule refused."""

from __future__ import annotations

import pytest

from nianbao.checker import check_report
from nianbao.errors import InvalidInputError
from nianbao.intake import CellChange, Origin, apply_changes, edit_cell, extract_changes, preview
from nianbao.model import Report, empty_report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import SEED

REQ = TableId.REQUESTS
APPEALS = TableId.APPEALS


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def test_applying_returns_a_new_report_and_leaves_the_input_untouched() -> None:
    draft = empty_report()
    before = draft.model_dump()
    new = apply_changes(draft, extract_changes("收到申请258件，其中自然人240件"))
    assert draft.model_dump() == before
    assert new.value(REQ, "一", "自然人") == 240


def test_the_diff_shows_each_cell_old_and_new(seed: Report) -> None:
    proposal = preview(seed, extract_changes("行政处罚3400件"))
    assert proposal.diff() == ["主动公开 / 行政处罚 / 本年处理决定数量：3326 → 3400"]


def test_the_diff_marks_derived_cells_as_computed() -> None:
    proposal = preview(empty_report(), extract_changes("行政复议2件，维持1件，尚未审结1件"))
    derived = {c.column: c for c in proposal.changes if c.origin is Origin.DERIVED}
    assert set(derived) == {"结果纠正", "其他结果"}
    assert all(c.new == 0 and "勾稽关系" in c.note for c in derived.values())


def test_a_part_larger_than_its_total_is_refused_with_the_rule_message() -> None:
    draft = empty_report()
    with pytest.raises(InvalidInputError) as refused:
        preview(draft, extract_changes("予以公开190件，其中自然人200件"))
    assert "三.一" in refused.value.message and "200" in refused.value.message
    assert draft.model_dump() == empty_report().model_dump()


def test_a_total_that_disagrees_with_all_its_parts_is_refused() -> None:
    text = "收到申请258件，其中自然人240件、商业企业10件、科研机构0件、社会组织0件、法律服务机构0件、其他9件"
    with pytest.raises(InvalidInputError, match="按勾稽关系应为 259"):
        preview(empty_report(), extract_changes(text))


def test_a_total_that_may_still_be_completed_is_not_refused() -> None:
    proposal = preview(empty_report(), extract_changes("收到申请258件，其中自然人240件"))
    assert proposal.report.value(REQ, "一", "商业企业") is None
    assert "一 本年新收政府信息公开申请数量（商业企业" in proposal.missing


def test_a_new_total_against_the_published_parts_is_refused(seed: Report) -> None:
    with pytest.raises(InvalidInputError, match=r"三\.一"):
        preview(seed, extract_changes("予以公开总计200件"))
    assert seed.value(REQ, "三.一", "总计") == 185


def test_an_appeal_outcome_more_than_its_total_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="行政复议"):
        preview(empty_report(), extract_changes("行政复议1件，维持1件，尚未审结1件"))


def test_a_balance_that_cannot_hold_is_refused() -> None:
    text = "收到申请10件，上年结转0件，办结8件，结转下年度5件"
    with pytest.raises(InvalidInputError, match="不平衡"):
        preview(empty_report(), extract_changes(text))


def test_changing_a_part_recomputes_the_totals_that_followed_it(seed: Report) -> None:
    proposal = preview(seed, extract_changes("自然人收到申请215件"))
    new = proposal.report
    assert new.value(REQ, "一", "总计") == 228
    assert new.value(REQ, "四", "自然人") == 5
    assert new.value(REQ, "四", "总计") == 5
    assert check_report(new).ok


def test_the_seed_with_a_consistent_change_still_checks(seed: Report) -> None:
    new = apply_changes(seed, extract_changes("行政复议2件，维持2件"))
    assert new.value(APPEALS, "行政复议", "总计") == 2
    assert check_report(new).ok


def test_a_direct_edit_takes_chinese_numerals(seed: Report) -> None:
    proposal = edit_cell(seed, TableId.ACTIVE, "行政许可", "本年处理决定数量", "两万零八百一十六")
    assert proposal.report.value(TableId.ACTIVE, "行政许可", "本年处理决定数量") == 20816


def test_a_direct_edit_takes_a_number_and_none_clears(seed: Report) -> None:
    assert edit_cell(seed, REQ, "三.三.1", "自然人", 0).report.value(REQ, "三.三.1", "自然人") == 0
    cleared = edit_cell(seed, TableId.ACTIVE, "行政处罚", "本年处理决定数量", None).report
    assert cleared.value(TableId.ACTIVE, "行政处罚", "本年处理决定数量") is None


def test_a_direct_edit_of_a_fee_keeps_decimals(seed: Report) -> None:
    proposal = edit_cell(seed, TableId.ACTIVE, "行政事业性收费", "本年收费金额", "12.5万元")
    assert str(proposal.report.value(TableId.ACTIVE, "行政事业性收费", "本年收费金额")) == "12.5"


@pytest.mark.parametrize("text", ["-3", "2.5", "很多"])
def test_a_direct_edit_that_is_not_a_count_is_refused(seed: Report, text: str) -> None:
    with pytest.raises(InvalidInputError, match="非负整数"):
        edit_cell(seed, REQ, "一", "自然人", text)


def test_a_direct_edit_that_breaks_the_sums_is_refused(seed: Report) -> None:
    with pytest.raises(InvalidInputError, match="勾稽关系"):
        edit_cell(seed, REQ, "一", "总计", "300")


def test_a_change_to_a_cell_that_does_not_exist_is_refused() -> None:
    change = CellChange(table=REQ, row="三.九", column="总计", new=1)
    with pytest.raises(InvalidInputError, match="没有"):
        preview(empty_report(), [change])


def test_a_complete_message_fills_a_draft_that_checks() -> None:
    text = (
        "收到申请12件，其中自然人10件、商业企业2件，科研机构、社会组织、法律服务机构和其他均为0。"
        "上年结转1件，自然人1件。予以公开8件，其中自然人7件、商业企业1件；部分公开2件，其中自然人2件；"
        "本机关不掌握1件，其中商业企业1件。结转下年度2件。"
    )
    proposal = preview(empty_report(), extract_changes(text))
    report = proposal.report
    assert report.value(REQ, "三.七", "总计") == 11
    assert report.value(REQ, "四", "自然人") == 2
    assert not [f for f in check_report(report).errors if f.location.table is REQ]


def test_a_derived_cell_that_breaks_another_rule_is_refused_too() -> None:
    draft = apply_changes(
        empty_report(), extract_changes("商业企业办结2件，商业企业上年结转0件，商业企业结转下年度0件")
    )
    assert draft.value(REQ, "一", "商业企业") == 2
    draft.set_value(REQ, "一", "商业企业", None)
    # 一 总计 5 = 自然人 5 makes 一 商业企业 0, which cannot balance the 2 requests closed.
    with pytest.raises(InvalidInputError, match="商业企业"):
        preview(draft, extract_changes("收到申请5件，其中自然人5件"))


def test_a_grid_edit_that_breaks_the_balance_is_kept_and_its_totals_follow(seed: Report) -> None:
    """三.二 自然人 8 → 9 in the grid: 三.二 总计 and 三.七 follow; 四 cannot (it would be −1), so it keeps its 0
    and the checker shows the broken balance at its cell, where the clerk sees it."""
    from nianbao.intake.proposal import preview_edit

    change = CellChange(table=REQ, row="三.二", column="自然人", new=9)
    with pytest.raises(InvalidInputError):
        preview(seed, [change])  # a chat message saying so is refused
    edited = preview_edit(seed, [change]).report

    assert edited.value(REQ, "三.二", "自然人") == 9
    assert edited.value(REQ, "三.二", "总计") == seed.value(REQ, "三.二", "总计") + 1
    assert edited.value(REQ, "三.七", "自然人") == seed.value(REQ, "三.七", "自然人") + 1
    assert edited.value(REQ, "三.七", "总计") == seed.value(REQ, "三.七", "总计") + 1
    assert edited.value(REQ, "四", "自然人") == seed.value(REQ, "四", "自然人") == 0
    assert {f.rule for f in check_report(edited).errors} == {"arith.balance"}
    assert seed.value(REQ, "三.二", "自然人") == 8  # the input untouched
