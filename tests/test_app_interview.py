"""The drafting interview in the 起草 chat, driven headless with AppTest, offline.

The clerk asks to draft, is asked about this year's work subsection by subsection, answers in her own
words (or skips, or picks from what is offered), and drafts again: what she said is in the draft, in
its subsection, and kept with the draft with its source.
"""

from __future__ import annotations

import io

from docx import Document
from streamlit.testing.v1 import AppTest

from nianbao.drafts import DraftStore
from nianbao.settings import get_settings
from tests.test_app_draft import FIGURES, assert_clean, new_draft, send, start

UNANSWERED_QUESTION = "今年主动公开方面做了哪些重点工作？"


def last_reply(at: AppTest) -> str:
    return at.chat_message[-1].markdown[-1].value


def stored(at: AppTest):  # type: ignore[no-untyped-def]
    store = DraftStore.in_data_dir(get_settings().data_dir)
    return store.get(at.query_params["u"], at.query_params["d"])


def test_after_a_draft_the_assistant_asks_for_this_years_work_and_files_each_answer(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")
    assert "请补充本年度的工作情况：" in last_reply(at)
    assert UNANSWERED_QUESTION in last_reply(at)  # no report of its own in the store: the format's five, in order
    send(at, "今年开了2次新闻发布会，发布政策解读40条")
    reply = last_reply(at)
    assert "已记下" in reply and "主动公开：今年开了2次新闻发布会" in reply
    assert "今年依申请公开方面做了哪些工作？" in reply
    send(at, "跳过")
    assert "今年政府信息管理方面做了哪些工作？" in last_reply(at)
    send(at, "平台建设：县政府门户网站完成了适老化改造")  # labelled: filed under its subsection
    send(at, "请起草总体情况")
    one = stored(at).report.part_text("一")
    assert "2022年，我县召开新闻发布会2次，发布政策解读40条。" in one
    assert "县政府门户网站完成适老化改造" in one
    assert_clean(at)


def test_the_facts_are_kept_with_the_draft_with_their_source_and_shown(data_dir):
    at = new_draft(start())
    send(at, "介绍工作情况")
    assert UNANSWERED_QUESTION in last_reply(at)
    send(at, "组织了全县政务公开业务培训3次")
    facts = stored(at).extra["interview"]["facts"]
    # Its own words name 培训 (监督保障), whatever was asked.
    assert [(f["about"], f["text"], f["source"], f["chosen"]) for f in facts] == [
        ("监督保障", "组织了全县政务公开业务培训3次", "对话", True)
    ]
    at.run()
    shown = [e for e in at.expander if "本年度工作情况" in e.label]
    assert shown and "监督保障：组织了全县政务公开业务培训3次（来源：对话）" in shown[0].markdown[0].value


def test_a_work_summary_uploaded_in_the_chat_is_proposed_then_adopted(data_dir):
    document = Document()
    document.add_paragraph("2022年鹿邑县政务公开工作总结")
    document.add_paragraph("一、全年召开新闻发布会12场，及时发布政策解读信息40条。")
    document.add_paragraph("二、组织开展政务公开业务培训3次，覆盖全县各单位。")
    data = io.BytesIO()
    document.save(data)
    at = new_draft(start())
    at.chat_input(key="chat").set_value("这是今年的工作总结").upload(
        "工作总结.docx", data.getvalue(), "application/octet-stream"
    ).run()
    reply = last_reply(at)
    assert "从“工作总结.docx”中找到以下 2 条工作情况" in reply and "全部采用" in reply
    send(at, "全部采用")
    facts = stored(at).extra["interview"]["facts"]
    assert [(f["about"], f["source"]) for f in facts] == [("主动公开", "工作总结.docx"), ("监督保障", "工作总结.docx")]
    assert_clean(at)


def test_carried_over_sentences_are_confirmed_in_one_click(data_dir, seed_path):
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(get_settings()).add([seed_path])
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")
    draft_id = at.query_params["d"]
    assert "句沿用上年报告，标注了【沿用上年，请核实】" in at.chat_message[-1].markdown[-1].value
    assert "【沿用上年，请核实】" in stored(at).report.part_text("一")
    assert any("处【沿用上年，请核实】" in w.value for w in at.warning)  # said again before a download
    at.button(key=f"confirm-{draft_id}-一").click().run()
    assert "【沿用上年，请核实】" not in stored(at).report.part_text("一")
    assert_clean(at)


def test_one_carried_over_sentence_is_confirmed_on_its_own(data_dir, seed_path):
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(get_settings()).add([seed_path])
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")
    draft_id, before = at.query_params["d"], stored(at).report.part_text("一").count("【沿用上年，请核实】")
    picker = next(s for s in at.selectbox if s.key and s.key.startswith(f"pick-{draft_id}-一-"))
    picker.set_value(1).run()
    at.button(key=f"confirm-one-{draft_id}-一").click().run()
    assert stored(at).report.part_text("一").count("【沿用上年，请核实】") == before - 1
    assert_clean(at)


def test_five_work_items_typed_in_the_chat_each_land_in_their_subsection(data_dir, seed_path):
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(get_settings()).add([seed_path])  # her own 2021 report: its four subsections
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")
    assert "今年监督保障方面做了哪些工作？" in last_reply(at)
    for answer in (
        "组织了全县政务公开业务培训3次",
        "上线了依申请公开网上办理系统",
        "县政府门户网站完成了适老化改造",
        "今年开了2次新闻发布会",
        "完成了政府信息公开保密审查制度的修订",
    ):
        send(at, answer)
    send(at, "请起草总体情况")
    one = stored(at).report.part_text("一")
    for heading, written in (
        ("（一）机构与制度建设取得新进展", "2022年，我县组织全县政务公开业务培训3次。"),
        ("（二）政府信息公开质量得到新提升", "2022年，我县上线依申请公开网上办理系统。"),
        ("（三）公开平台建设更规范", "2022年，县政府门户网站完成适老化改造。"),
        ("（四）政务公开工作取得新成效", "2022年，我县召开新闻发布会2次。"),
        ("（五）政府信息管理情况", "2022年，我县完成政府信息公开保密审查制度的修订。"),
    ):
        section = one.split(heading)[1].split("\n（")[0]
        assert written in section, (heading, section[:200])
    assert_clean(at)
