"""The chat's figure reading on the 起草 page (AppTest): what was read is highlighted in her words, each
cell names its clause, a contradiction is explained from her numbers, the missing cells are asked about."""

from __future__ import annotations

from nianbao.schema import TableId
from tests.test_app_draft import apply_pending, assert_clean, grid, last_reply, new_draft, propose, send, start, stored

REQ = TableId.REQUESTS
RELATIVE = "予以公开的18件中，自然人16件，企业2件；商业企业另有1件为本机关不掌握"


def test_a_relative_clause_is_proposed_with_her_words_highlighted_then_applied_and_undone(data_dir):
    at = new_draft(start())
    propose(at, RELATIVE)

    assert_clean(at)
    reply = last_reply(at)
    assert ":orange-background[**予以公开的18件中**]" in reply
    assert ":orange-background[**商业企业另有1件为本机关不掌握**]" in reply
    assert "三.四.1 1.本机关不掌握相关政府信息 / 商业企业：空 → 1 ←“商业企业另有1件为本机关不掌握”" in reply
    assert "（一）予以公开 / 自然人：空 → 16 ←“自然人16件”" in reply

    apply_pending(at)
    assert grid(at, REQ).value.loc["三.一 予以公开", "自然人"] == "16"
    at.button(key=f"undo-{at.query_params['d']}").click().run()

    assert_clean(at)
    assert grid(at, REQ).value.loc["三.一 予以公开", "自然人"] == ""
    assert stored(data_dir, at).report.value(REQ, "三.一", "总计") is None


def test_figures_that_already_match_say_so_instead_of_an_empty_list():
    at = new_draft(start())
    send(at, "予以公开18件")
    propose(at, "予以公开18件")

    assert_clean(at)
    assert "已有的一致，没有需要修改的单元格" in last_reply(at)
    assert not [b for b in at.button if b.key == f"apply-{at.query_params['d']}"]


def test_a_contradiction_is_explained_from_her_own_figures_and_clauses():
    at = new_draft(start())
    propose(at, "予以公开18件，其中自然人16件、企业2件、其他1件")

    reply = last_reply(at).replace("\\", "")  # the Markdown escapes of + and _
    assert reply.index("您说予以公开 18 件，但分项 16 + 2 + 1 = 19") < reply.index("规则")
    assert "“企业2件”" in reply and "表格未作修改" in reply


def test_the_missing_cells_are_asked_per_table_and_yes_fills_them_with_zero(data_dir):
    at = new_draft(start())
    propose(at, "行政复议1件，结果维持1件")
    assert "复议诉讼还有 8 个单元格没有提到，按 0 填写吗？" in last_reply(at)
    apply_pending(at)

    send(at, "好")

    assert_clean(at)
    report = stored(data_dir, at).report
    assert report.value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计") == 0
    assert report.value(TableId.APPEALS, "行政复议", "尚未审结") == 0


def test_words_not_understood_are_shown_as_such():
    at = new_draft(start())
    propose(at, "法人或其他组织申请4件")

    assert "这句没有读懂：“法人或其他组织申请4件”" in last_reply(at)


def test_a_correction_in_the_next_message_is_about_the_row_talked_about(data_dir):
    at = new_draft(start())
    send(at, "予以公开18件，其中自然人16件、企业2件")
    propose(at, "不对，自然人15件，企业3件")

    reply = last_reply(at)
    assert "（一）予以公开 / 自然人：16 → 15" in reply and "（一）予以公开 / 商业企业：2 → 3" in reply
    apply_pending(at)
    assert stored(data_dir, at).report.value(REQ, "三.一", "自然人") == 15


def test_a_breakdown_in_the_next_message_goes_to_the_total_it_adds_up_to(data_dir):
    at = new_draft(start())
    send(at, "今年新收申请52件，上年结转3件。")
    propose(at, "其中自然人50件，企业2件")

    reply = last_reply(at)
    assert "一 本年新收政府信息公开申请数量 / 自然人：空 → 50" in reply
    apply_pending(at)
    report = stored(data_dir, at).report
    assert report.value(REQ, "一", "商业企业") == 2 and report.value(REQ, "二", "自然人") is None


def test_a_correction_by_value_changes_the_cell_that_had_it(data_dir):
    at = new_draft(start())
    send(at, "收到申请52件，予以公开30件")
    propose(at, "刚才说错了，不是52是53")

    assert "一 本年新收政府信息公开申请数量 / 总计：52 → 53" in last_reply(at)
    apply_pending(at)
    assert stored(data_dir, at).report.value(REQ, "三.一", "总计") == 30


def test_numbers_of_the_years_work_are_said_once_not_to_be_table_figures():
    at = new_draft(start())
    propose(at, "办理人大代表建议12件、政协提案8件，答复网民留言236件，平均6个工作日内答复")

    reply = last_reply(at)
    assert "“办理人大代表建议12件”、“政协提案8件”、“答复网民留言236件”是工作情况的数字" in reply
    assert "没有读懂" not in reply and not [b for b in at.button if b.key == f"apply-{at.query_params['d']}"]
