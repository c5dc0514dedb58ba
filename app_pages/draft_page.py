"""起草 (staff): choose the body and year, chat in figures and requests, edit the live draft."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import streamlit as st

from app_pages import common, grids, keys, layout, narrative
from app_pages.places import escape, reply_markdown
from nianbao.errors import NianbaoError
from nianbao.model import Report
from nianbao.usecases.chat import FACTS, HELP, Upload
from nianbao.usecases.drafting import TextCallback
from nianbao.usecases.drafts import ChatMessage, StoredDraft
from nianbao.usecases.intake import TurnResult, findings_of, new_report, visible_findings

UNDO = common.UNDO
PENDING = "pending_changes"
APPLY_AT_ONCE = "apply-at-once"
HELD = "\n\n**以上为拟修改的内容，表格尚未改动。** 请点击下方“应用”填入表格，或“放弃”。"
HELD_WITH_PARTS = "\n\n**以上为拟修改的内容（数字和据此起草的叙述），草稿尚未改动。** 请点击下方“应用”，或“放弃”。"
OWN_BOLD = tuple(re.findall(r"\*\*(.+?)\*\*", HELD + HELD_WITH_PARTS))  # the replies' only Markdown emphasis
APPLIED = "\n\n已填入表格；如需恢复，请点击“撤销上一次对表格的修改”。"
NEW_BODY = "（新机关，手动填写）"


def render() -> None:
    """The whole 起草 page."""
    draft = common.current_draft()
    with st.sidebar:
        draft = manage_drafts(draft)
    if draft is None:
        st.header("起草年度报告")
        new_draft_form()
        return
    message = st.session_state.pop("grid-message", None)
    if message:
        st.warning(message)
    # The tables need the room (依申请公开 has 8 columns); the chat stays pinned beside them (layout.py).
    left, right = st.columns([0.36, 0.64], gap="small")
    with left:
        draft = chat(draft)
    with right:
        live_draft(draft)


# ---- drafts: new, choose, rename, duplicate, delete ----------------------------------------------


def new_draft_form() -> None:
    """Choose the body (known to the knowledge base, or a new one) and the year."""
    st.subheader("新建草稿")
    bodies = common.use_cases().knowledge.known_bodies()
    choice = st.selectbox("机关", [*bodies, NEW_BODY], key="new-body") if bodies else NEW_BODY
    agency = st.text_input("机关名称", key="new-agency") if choice == NEW_BODY else choice
    year = st.number_input("报告年度", min_value=2008, max_value=2100, value=dt.date.today().year - 1, step=1)
    if st.button("开始起草", type="primary", key="new-start"):
        create_draft(agency or "", int(year))


def create_draft(agency: str, year: int) -> None:
    report = new_report(agency, year)
    report, note = common.use_cases().intake.carry_over(report)
    greeting = f"已新建 {agency} {year} 年度报告草稿。" + (f"{note}" if note else "") + "\n\n" + HELP
    draft = common.draft_store().create(
        common.user_key(), report, chat=[ChatMessage(role="assistant", content=greeting)]
    )
    common.select_draft(draft.id)
    st.rerun()


def manage_drafts(draft: StoredDraft | None) -> StoredDraft | None:
    """The sidebar list of this user's drafts, and what can be done with the current one."""
    st.subheader("我的草稿")
    drafts = common.draft_store().list_drafts(common.user_key())
    if not drafts:
        st.caption("这个地址下还没有草稿。在别的电脑上建过草稿？请在下方输入取回码。")
        keys.way_back()
        return None
    ids = [d.id for d in drafts]
    names = {d.id: d.name for d in drafts}
    current = draft.id if draft is not None and draft.id in ids else None
    chosen = st.selectbox(
        "打开草稿", [None, *ids], index=(ids.index(current) + 1) if current else 0, format_func=_name_of(names)
    )
    if chosen != current:
        if chosen is None:
            common.forget_draft()
        else:
            common.select_draft(chosen)
        st.rerun()
    if draft is not None:
        draft_actions(draft)
    keys.way_back()
    return draft


def _name_of(names: dict[str, str]) -> Callable[[str | None], str]:
    return lambda draft_id: "＋ 新建草稿" if draft_id is None else names.get(draft_id, draft_id)


def draft_actions(draft: StoredDraft) -> None:
    store, user = common.draft_store(), common.user_key()
    st.caption("每次修改都会自动保存。")
    st.toggle(
        "直接应用数字（可撤销）",
        key=APPLY_AT_ONCE,
        help="默认关闭：对话和上传表格中的数字先列出拟修改的单元格，点击“应用”后才填入表格。",
    )
    with st.expander("重命名、复制、删除"):
        name = st.text_input("草稿名称", value=draft.name, key=f"name-{draft.id}")
        if st.button("重命名", key=f"rename-{draft.id}"):
            store.rename(user, draft.id, name)
            st.rerun()
        if st.button(
            "复制为下一年度的起点", key=f"dup-{draft.id}", help="年度加一，上年结转取本草稿的结转下年度，保留叙述"
        ):
            common.select_draft(store.duplicate_as_next_year(user, draft.id).id)
            st.rerun()
        sure = st.checkbox("确认删除这份草稿", key=f"sure-{draft.id}")
        if st.button("删除", key=f"delete-{draft.id}", disabled=not sure):
            store.delete(user, draft.id)
            common.forget_draft()
            st.rerun()


# ---- chat --------------------------------------------------------------------------------------


def chat(draft: StoredDraft) -> StoredDraft:
    """The chat: history, a new message (or a spreadsheet) handled and the reply streamed.

    It is one pane pinned to the window (layout.py): the history scrolls to its newest message and the
    input stays in view however far the tables beside it are scrolled.
    """
    with st.container(key=layout.CHAT_PANE):
        return chat_pane(draft)


def chat_pane(draft: StoredDraft) -> StoredDraft:
    history = st.container(height=400, key=layout.CHAT_HISTORY, autoscroll=True)
    with history:
        for message in draft.chat:
            with st.chat_message(message.role):
                st.markdown(
                    escape(message.content) if message.role == "user" else reply_markdown(message.content, OWN_BOLD)
                )
    actions = st.container(horizontal=True, vertical_alignment="center", gap="small")  # one row: 应用 放弃 撤销
    prompt = st.chat_input(
        "输入数字或要求，可附文件",
        accept_file=True,
        file_type=["xlsx", "csv", "docx", "txt", "pdf"],
        key="chat",
    )
    if prompt is not None:
        with history:
            draft = handle_prompt(draft, prompt.text or "", list(prompt.files or []))
    with actions:
        pending_buttons(draft)
        undo_button(draft)
    return draft


def handle_prompt(draft: StoredDraft, text: str, files: list) -> StoredDraft:
    """Save what the user sent first (so nothing typed is lost), then do the work and reply.

    Figures (typed or in a spreadsheet) are proposed first: the tables change only on 应用, unless
    the user chose to apply them at once (then one click undoes them).
    """
    shown = text + "".join(f"\n\n附件：{f.name}" for f in files)
    draft = common.save_draft(common.add_messages(draft, ChatMessage(role="user", content=shown.strip())))
    with st.chat_message("user"):
        st.markdown(escape(shown))
    with st.chat_message("assistant"):
        live = st.empty()
        try:
            uploads = [Upload(f.name, f.getvalue()) for f in files]
            result = common.use_cases().chat.turn(draft.report, draft.extra, text, uploads, live_text(live))
        except NianbaoError as e:
            result = TurnResult(report=draft.report, reply=e.message)
        live.empty()
        held = bool(result.changed) and not st.session_state.get(APPLY_AT_ONCE)
        held_note = HELD_WITH_PARTS if result.drafted_parts else HELD
        content = result.reply + (held_note if held else APPLIED if result.changed else "")
        if held and draft.extra.get(PENDING):
            content += "（上一条待确认的修改已由本条代替。）"
        st.write_stream(stream_text(reply_markdown(content, OWN_BOLD)))
    if held:
        return hold_for_confirmation(draft, result, content)
    extra = dict(result.extra)
    if result.changed:
        extra[UNDO] = draft.report.model_dump_json()
    draft = common.save_draft(
        common.add_messages(draft, ChatMessage(role="assistant", content=content)), result.report, **extra
    )
    if result.changed:
        common.bump(f"grid-version-{draft.id}")
    return draft


def stream_text(text: str, size: int = 24) -> Iterator[str]:
    """The reply in small pieces, for st.write_stream."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


def hold_for_confirmation(draft: StoredDraft, result: TurnResult, content: str) -> StoredDraft:
    """Keep the proposed changes with the draft (they survive a reload) until 应用 or 放弃."""
    pending: dict[str, Any] = {
        "base": draft.report.model_dump_json(),
        "report": result.report.model_dump_json(),
        "extra": result.extra,
        "changed": result.changed,
    }
    reply = ChatMessage(role="assistant", content=content)
    stated = {FACTS: result.extra[FACTS]} if FACTS in result.extra else {}  # a stated fee is kept either way
    return common.save_draft(common.add_messages(draft, reply), None, **{PENDING: pending, **stated})


def pending_buttons(draft: StoredDraft) -> None:
    """Apply or discard the changes proposed by the last message (the tables are unchanged until 应用)."""
    pending = draft.extra.get(PENDING)
    if not pending:
        return
    count = len(pending.get("changed", []))
    if st.button("应用", type="primary", key=f"apply-{draft.id}", help=f"把待确认的 {count} 个单元格填入表格"):
        if pending["base"] != draft.report.model_dump_json():
            note, report, extra = "表格在此期间已有改动，这些修改未应用，请重新发送。", None, {}
        else:
            note, report = (
                f"已应用，{count} 个单元格已填入表格（可撤销）。",
                Report.model_validate_json(pending["report"]),
            )
            extra = {**pending["extra"], UNDO: pending["base"]}
        finish_pending(draft, note, report, extra)
    if st.button("放弃", key=f"discard-{draft.id}"):
        finish_pending(draft, "已放弃这些修改，表格未变。", None, {})
    st.caption(f"{count} 个单元格待确认，表格尚未改动。")


def finish_pending(draft: StoredDraft, note: str, report: Report | None, extra: dict[str, Any]) -> None:
    message = ChatMessage(role="assistant", content=note)
    common.save_draft(common.add_messages(draft, message), report, **{**extra, PENDING: None})
    common.bump(f"grid-version-{draft.id}")
    st.rerun()


def undo_button(draft: StoredDraft) -> None:
    """Put the tables back as they were before the last chat message changed them."""
    previous = draft.extra.get(UNDO)
    if not previous or not st.button("撤销上一次对表格的修改", key=f"undo-{draft.id}"):
        return
    note = ChatMessage(role="assistant", content="已撤销上一次对表格的修改，表格恢复为修改前的数字。")
    restored = Report.model_validate_json(previous)
    common.save_draft(common.add_messages(draft, note), restored, **{UNDO: None})
    common.bump(f"grid-version-{draft.id}")
    st.rerun()


def live_text(placeholder: Any) -> TextCallback:
    """Show a part as the LLM writes it."""

    def show(number: str, text: str) -> None:
        placeholder.markdown(f"**第{number}部分（生成中）**\n\n{narrative.escape(text)}")

    return show


# ---- the live draft ----------------------------------------------------------------------------


def live_draft(draft: StoredDraft) -> None:
    """The draft beside the chat: tables, narrative, chart and downloads."""
    report = draft.report
    st.subheader(escape(f"{report.agency or ''} {report.year or ''} 年度报告"))
    findings = visible_findings(report, findings_of(report))
    errors = sum(1 for f in findings if f.is_error)
    missing = sum(1 for c in report.cells if c.value is None)
    st.caption(f"核对：{errors} 个错误，{len(findings) - errors} 个提醒；尚有 {missing} 个单元格未填。")
    tables, parts, chart, downloads = st.tabs(["表格", "叙述", "历年趋势", "下载"])
    with tables:
        common.guarded(lambda: grids.show_tables(draft, findings))
    with parts:
        common.guarded(lambda: narrative.show_parts(draft, findings))
    with chart:
        common.guarded(lambda: narrative.show_chart(draft))
    with downloads:
        common.guarded(lambda: narrative.show_downloads(draft))
