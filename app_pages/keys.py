"""The way back to one's drafts: the page's link is the key, and a personal code opens them on another computer.

Drafts belong to the user key in the link (``?u=…``); whoever holds the link or the personal code that maps
to it can open them, and nobody else. Typing codes is throttled per client, as the admin password is.
"""

from __future__ import annotations

import secrets

import streamlit as st

from app_pages import common
from nianbao.usecases.drafts import LoginLockedError, user_for_code

CODE_SHOWN = "personal-code-shown"
CODE_CLIENT = "personal-code-client"
KEY_NOTE = (
    "本页地址就是打开您草稿的钥匙：请收藏本页（Ctrl+D），或复制下面的地址保存好。"
    "持有这个地址或您的取回码的人都能打开您的草稿，请勿转发。"
)


def way_back() -> None:
    """The sidebar's note that the link is the key (with the link to copy), and the personal code."""
    st.caption(KEY_NOTE)
    st.code(page_link(), language=None, wrap_lines=True)  # Streamlit's code block has a copy button
    with st.expander("在另一台电脑上打开草稿"):
        personal_code()
        open_by_code()


def page_link() -> str:
    """This user's link: the app's address with the user key (the draft open now is not part of it)."""
    base = st.context.url or ""
    return f"{base}?u={common.user_key()}"


def personal_code() -> None:
    if st.button("显示我的取回码", key="show-code"):
        st.session_state[CODE_SHOWN] = True
    if st.session_state.get(CODE_SHOWN):
        code = common.draft_store().personal_code(common.user_key())
        st.markdown(f"您的取回码：**{code}**")
        st.caption("在另一台电脑上打开年报助手，在下面输入这个取回码，即可打开您的全部草稿。请像密码一样保管。")


def open_by_code() -> None:
    with st.form("open-by-code", clear_on_submit=True, border=False):
        typed = st.text_input("输入取回码", placeholder="例如 ABCD-EFGH", key="typed-code")
        submitted = st.form_submit_button("打开我的草稿")
    if not submitted:
        return
    try:
        user = user_for_code(common.draft_store(), typed, client_key())
    except LoginLockedError as e:
        st.error(e.message)
        return
    if user is None:
        st.error("没有这个取回码，请核对后重新输入（不区分大小写）。")
        return
    common.switch_user(user)
    st.rerun()


def client_key() -> str:
    """Who is typing codes: the browser's address when Streamlit knows it, else this session."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return f"address:{address}"
    if CODE_CLIENT not in st.session_state:
        st.session_state[CODE_CLIENT] = f"session:{secrets.token_hex(8)}"
    return str(st.session_state[CODE_CLIENT])
