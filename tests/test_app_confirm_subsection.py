"""In the 叙述 view, the carried-over sentences of part 一 are confirmed one subsection at a time, in one click."""

from __future__ import annotations

from nianbao.kb.service import KnowledgeBase
from nianbao.settings import get_settings
from tests.test_app_draft import FIGURES, assert_clean, new_draft, send, start
from tests.test_app_interview import stored

CARRIED = "【沿用上年，请核实】"


def test_one_subsections_carried_sentences_are_confirmed_in_one_click(data_dir, seed_path):
    KnowledgeBase(get_settings()).add([seed_path])
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")
    draft_id = at.query_params["d"]
    assert "（一）机构与制度建设取得新进展 6 句" in at.chat_message[-1].markdown[-1].value
    one = stored(at).report.part_text("一")
    button = at.button(key=f"confirm-block-{draft_id}-1")
    assert button.label == "确认“（一）机构与制度建设取得新进展”沿用的 6 句"
    button.click().run()
    after = stored(at).report.part_text("一")
    assert after.count(CARRIED) == one.count(CARRIED) - 6
    first = after.split("（二）")[0].split("（一）")[1]
    assert CARRIED not in first and CARRIED in after.split("（一）")[0]
    assert_clean(at)
