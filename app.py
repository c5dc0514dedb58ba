"""年报助手: the Streamlit shell. Pages, widgets and session state only; the work is in app_pages.services."""

from __future__ import annotations

import logging

import streamlit as st

from app_pages import admin_page, common, draft_page, review_page, services

PAGES = {
    "起草": draft_page.render,
    "审阅": review_page.render,
    "管理": admin_page.render,
}

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="年报助手", page_icon="📑", layout="wide")


def sidebar() -> str:
    """The page chooser, and which model and knowledge base are in use."""
    with st.sidebar:
        st.title("年报助手")
        page = st.radio("页面", list(PAGES), key="page", horizontal=True)
        st.caption(f"起草模型：{services.model_label()}")
        st.caption(f"知识库：{services.kb_label()}")
        st.divider()
    return str(page)


def main() -> None:
    common.user_key()
    page = sidebar()
    common.guarded(PAGES[page])


common.guarded(main)
