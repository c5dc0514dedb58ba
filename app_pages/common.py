"""What every page shares: the user key in the URL, the current draft, and the error guard."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from nianbao.errors import NianbaoError
from nianbao.model import Report
from nianbao.usecases.container import UseCases, session_use_cases
from nianbao.usecases.drafts import ChatMessage, DraftStore, StoredDraft, is_user_key, new_user_key

log = logging.getLogger(__name__)

NEW_REQUESTED = "new-draft-requested"
LOCAL_MODEL_CHOSEN = "local-model-chosen"  # the sidebar's choice: draft and read figures with the local model
UNDO = "undo_report"  # the report before the last change of the tables by the chat, for one undo
UNEXPECTED = "出现意外错误，操作未完成，已输入的内容没有丢失。请稍后重试；如问题持续，请联系管理员。"


def choose_local_model(chosen: bool) -> None:
    """Draft and read figures with the local model in this session (or not): the sidebar's choice."""
    st.session_state[LOCAL_MODEL_CHOSEN] = chosen


def use_cases() -> UseCases:
    """This session's use cases, with the model its sidebar chose."""
    return session_use_cases(bool(st.session_state.get(LOCAL_MODEL_CHOSEN, False)))


def configured_use_cases() -> UseCases:
    """The use cases of this process's own settings, whatever model the session chose (the local model's
    status: whether NIANBAO_LLM=local configured it, or a session may choose it)."""
    return session_use_cases(local_model_chosen=False)


def draft_store() -> DraftStore:
    """The draft store of this app's data folder."""
    return use_cases().draft_store()


def guarded(render: Callable[[], None]) -> None:
    """Run a page: a NianbaoError shows its Chinese message, anything else a generic one (logged)."""
    try:
        render()
    except NianbaoError as e:
        st.error(e.message)
    except Exception:
        log.exception("page failed")
        st.error(UNEXPECTED)


def user_key() -> str:
    """This browser's user key: from the URL (?u=…), or a new one written into the URL."""
    key = str(st.session_state.get("user_key") or "")
    if not is_user_key(key):
        key = str(st.query_params.get("u") or "")
        if not is_user_key(key):
            key = new_user_key()
        st.session_state["user_key"] = key
    if st.query_params.get("u") != key:
        st.query_params["u"] = key
    return key


def switch_user(key: str) -> None:
    """Open another user key's drafts (a personal code was typed): the link then holds that key."""
    st.session_state["user_key"] = key
    st.query_params["u"] = key
    st.session_state.pop("draft_id", None)
    st.session_state[NEW_REQUESTED] = False
    if "d" in st.query_params:
        del st.query_params["d"]


def current_draft() -> StoredDraft | None:
    """The draft being edited (its id kept in the session and in the URL as ?d=…), or None."""
    draft_id = st.session_state.get("draft_id") or st.query_params.get("d") or _latest_draft_id()
    if not draft_id:
        return None
    try:
        draft = draft_store().get(user_key(), str(draft_id))
    except NianbaoError:
        forget_draft()
        return None
    select_draft(draft.id)
    return draft


def _latest_draft_id() -> str | None:
    """After a reload with only the user key, the most recently changed draft opens."""
    if st.session_state.get(NEW_REQUESTED):
        return None
    drafts = draft_store().list_drafts(user_key())
    return drafts[0].id if drafts else None


def select_draft(draft_id: str) -> None:
    st.session_state[NEW_REQUESTED] = False
    st.session_state["draft_id"] = draft_id
    if st.query_params.get("d") != draft_id:
        st.query_params["d"] = draft_id


def forget_draft() -> None:
    """Close the current draft (the page then offers a new one)."""
    st.session_state[NEW_REQUESTED] = True
    st.session_state.pop("draft_id", None)
    if "d" in st.query_params:
        del st.query_params["d"]


def save_draft(draft: StoredDraft, report: Report | None = None, **extra: object) -> StoredDraft:
    """Save at once (after every change): the new report and any metadata given.

    A new report that does not bring its own undo point ends the previous one: undoing the last
    figures after a grid edit or a drafted part would silently throw those away.
    """
    if report is not None and report != draft.report:
        extra = {UNDO: None, **extra} if draft.extra.get(UNDO) else extra
        draft = draft.model_copy(update={"report": report})
    if extra:
        draft = draft.model_copy(update={"extra": {**draft.extra, **extra}})
    return draft_store().save(draft)


def add_messages(draft: StoredDraft, *messages: ChatMessage) -> StoredDraft:
    return draft.model_copy(update={"chat": [*draft.chat, *messages]})


def bump(name: str) -> int:
    """Advance a counter used in widget keys, so that a widget shows fresh data after a change."""
    value = int(st.session_state.get(name, 0)) + 1
    st.session_state[name] = value
    return value


def counter(name: str) -> int:
    return int(st.session_state.get(name, 0))
