"""年报助手: the Streamlit shell. Pages, widgets and session state only; the work is in nianbao.usecases."""

from __future__ import annotations

import logging

import streamlit as st

from app_pages import admin_page, common, draft_page, layout, review_page
from nianbao.usecases.container import configure_logging

PAGES = {
    "起草": draft_page.render,
    "审阅": review_page.render,
    "管理": admin_page.render,
}

LOCAL_MODEL_OFF = "本地大模型未启用，请联系管理员。"
LOCAL_MODEL_FAILED = "本地大模型服务启动失败，请点击重试；如仍失败，请联系管理员（原因已记入日志）。"

# Every record is redacted: httpx logs request URLs, and OPENAI_BASE_URL may hold a key (nianbao.logs).
log = logging.getLogger("nianbao.app")
configure_logging(logging.INFO, "%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="年报助手", layout="wide")
layout.apply()


def sidebar() -> str:
    """The page chooser, and which model and knowledge base are in use."""
    with st.sidebar:
        st.title("年报助手")
        page = st.radio("页面", list(PAGES), key="page", horizontal=True)
        local_model()
        st.caption(f"起草模型：{common.use_cases().models.model_label()}")
        st.caption(f"知识库：{kb_label()}")
        st.divider()
    return str(page)


def local_model() -> None:
    """Offer the local model when it is installed (how to install it when not); start it when chosen."""
    models = common.configured_use_cases().models
    status = models.local_model_status()
    chosen = status.configured
    if status.offered and not status.configured:
        chosen = st.toggle("使用本地大模型（离线，文字不外发）", key="local-llm")
    common.choose_local_model(chosen and not status.configured)
    if not status.offered:
        st.caption(LOCAL_MODEL_OFF)  # how to install it is for the administrator (README), not for a clerk
        return
    if chosen:
        slot = st.empty()  # the status goes above the retry button
        with st.spinner("本地大模型正在启动，加载模型约需半分钟……"):
            status = models.start_local_model()
        if status.failed and st.button("重试启动本地大模型", key="local-llm-retry"):
            with st.spinner("本地大模型正在重新启动……"):
                status = models.start_local_model(retry=True)
        if status.ready:
            slot.success(status.message)
        else:
            log.warning("local model: %s", status.message)  # the reason and its log's path: for the administrator
            slot.error(LOCAL_MODEL_FAILED)


def kb_label() -> str:
    """Where the knowledge base is, without the server's folder (that is for the administrator)."""
    return "Chroma 服务器" if common.use_cases().settings.uses_chroma_server else "本机"


def main() -> None:
    common.user_key()
    page = sidebar()
    common.guarded(PAGES[page])


common.guarded(main)
