"""管理 (admins): upload reference reports, preview, add / replace / remove, and the store's stats."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import SecretStr

from app_pages import common
from app_pages.places import escape
from nianbao.errors import NianbaoError
from nianbao.usecases.knowledge import AdminPasswordError, LoginLockedError

# What the admin typed, kept for this session only: every change to the knowledge base passes it on, and the
# knowledge base checks it again (a password changed meanwhile locks the page).
ADMIN_PASSWORD = "admin-password-given"
REMOVED = "admin-removed"  # the confirmation of a removal, shown after the page is redrawn
PREVIEW_COLUMNS = ("文件", "机关", "年度", "格式", "表格", "核对", "结果")


def render() -> None:
    st.header("知识库管理")
    if not unlocked():
        return
    upload_reports()
    st.divider()
    search_reports()
    st.divider()
    stored_reports()


def search_reports() -> None:
    """Search the stored reports' paragraphs, as drafting will find them."""
    st.subheader("检索知识库")
    left, right = st.columns([3, 1])
    query = left.text_input("检索内容", placeholder="例如：政务新媒体 保留 多少个", key="admin-search")
    everyone = "全部机关"
    body = right.selectbox("机关", [everyone, *common.use_cases().knowledge.known_bodies()], key="admin-search-body")
    if not query.strip():
        return
    hits = common.use_cases().knowledge.search(query, None if body == everyone else body)
    if not hits:
        st.info("没有找到相关段落。")
        return
    st.caption(f"找到 {len(hits)} 段（按相关程度排列）：")
    for hit in hits:
        where = f"{hit.agency} {hit.year} 年度 · 第{hit.part}部分 {hit.part_title}".strip()
        st.markdown(f"**{escape(where)}**  \n{escape(hit.text)}")


def given_password() -> SecretStr | None:
    """The password this session's admin typed (None before logging in)."""
    given = st.session_state.get(ADMIN_PASSWORD)
    return given if isinstance(given, SecretStr) else None


def lock() -> None:
    st.session_state.pop(ADMIN_PASSWORD, None)


def unlocked() -> bool:
    """The lock: a password form until the right password is given in this session."""
    if not common.use_cases().knowledge.admin_password_set():
        st.warning(
            "管理页面已锁定：尚未设置管理员密码。请在环境变量或 .env 文件中设置 NIANBAO_ADMIN_PASSWORD=您的密码，"
            "然后重新启动应用。"
        )
        return False
    if given_password() is not None:
        if st.button("退出管理", key="admin-logout"):
            lock()
            st.rerun()
        return True
    with st.form("admin-login", clear_on_submit=True):
        given = st.text_input("管理员密码", type="password", key="admin-password")
        if st.form_submit_button("进入管理"):
            log_in(given)
    return False


def log_in(given: str) -> None:
    """Unlock the page for this session with the right password; after 3 wrong ones, a growing wait (in Chinese)."""
    try:
        matches = common.use_cases().knowledge.admin_password_matches(given, client_key())
    except LoginLockedError as e:
        st.error(e.message)
        return
    if matches:
        st.session_state[ADMIN_PASSWORD] = SecretStr(given)
        st.rerun()
    st.error("密码不正确。")


LOGIN_CLIENT = "admin-login-client"


def client_key() -> str:
    """Who is logging in, for the throttle: the browser's address when Streamlit knows it, else this session."""
    address = st.context.ip_address
    if isinstance(address, str) and address:  # (a test's mock session gives no real one)
        return f"address:{address}"
    if LOGIN_CLIENT not in st.session_state:
        st.session_state[LOGIN_CLIENT] = f"session:{secrets.token_hex(8)}"
    return str(st.session_state[LOGIN_CLIENT])


def upload_reports() -> None:
    """Read each uploaded file, show what was read, then add the ones chosen."""
    st.subheader("上传参考报告")
    files = st.file_uploader(
        "选择一份或多份往年报告（TXT、Markdown、HTML、DOCX、PDF）", accept_multiple_files=True, key="admin-files"
    )
    if not files:
        return
    previews = read_all(files)
    st.dataframe(pd.DataFrame([p["row"] for p in previews]), width="stretch", hide_index=True)
    for preview in previews:
        if preview["report"] is None and preview["row"]["结果"].startswith("无法读取"):  # the table cuts long text
            st.error(escape(f"{preview['row']['文件']}：{preview['row']['结果']}"))
    readable = [p for p in previews if p["report"] is not None]
    if not readable:
        return
    for preview in readable:
        ask_body_name(preview)
    incomplete = [p for p in readable if p["missing"]]
    for preview in incomplete:
        st.warning(escape(f"{preview['name']} 读取不完整：{'；'.join(preview['missing'])}。"))
    take_incomplete = bool(incomplete) and st.checkbox(
        f"仍然加入读取不完整的 {len(incomplete)} 份报告（缺失的数字不会进入知识库）", key="admin-incomplete"
    )
    chosen = [p for p in readable if take_incomplete or not p["missing"]]
    replace = st.checkbox("同一机关同一年度已有报告时，用新文件替换", key="admin-replace")
    if st.button(f"加入知识库（{len(chosen)} 份）", type="primary", key="admin-add", disabled=not chosen):
        add_all(chosen, replace)


def ask_body_name(preview: dict) -> None:
    """The body's name as read, correctable before the report is added."""
    report = preview["report"]
    key = "admin-agency-" + hashlib.sha256(preview["data"]).hexdigest()[:12]
    typed = st.text_input(f"{escape(preview['name'])} 的机关名称", value=report.agency or "", key=key).strip()
    preview["agency"] = typed if typed and typed != report.agency else None


def read_all(files: list) -> list[dict]:
    progress = st.progress(0.0, text="正在读取……")
    listed = common.use_cases().knowledge.reports()
    stored, files_stored = {(r.agency, r.year) for r in listed}, {r.content_hash for r in listed}
    previews = []
    for index, upload in enumerate(files, start=1):
        preview = read_one(upload)
        report = preview["report"]
        if report is not None and hashlib.sha256(preview["data"]).hexdigest() in files_stored:
            preview["row"]["结果"] = "这个文件已在知识库中，不会重复添加"
            preview["report"] = None
        elif report is not None and (report.agency, report.year) in stored:
            preview["row"]["结果"] = "知识库中已有同机关同年度的报告：勾选“替换”才会覆盖"
        previews.append(preview)
        progress.progress(index / len(files), text=f"已读取 {index}/{len(files)}：{escape(upload.name)}")
    return previews


def read_one(upload: Any) -> dict:
    data = upload.getvalue()
    checking = common.use_cases().checking
    try:
        checked = checking.check(checking.read_upload(data, upload.name))
    except NianbaoError as e:
        row = dict.fromkeys(PREVIEW_COLUMNS, "—") | {"文件": upload.name, "结果": f"无法读取：{e.message}"}
        return {"report": None, "row": row}
    report, result, missing = checked.report, checked.result, checked.missing
    filled = sum(1 for c in report.cells if c.value is not None)
    row = {
        "文件": upload.name,
        "机关": report.agency or "（未识别）",
        "年度": str(report.year or "（未识别）"),
        "格式": f"{report.format.value} 版",
        "表格": f"{filled}/{len(report.cells)} 个单元格有数",
        "核对": f"{len(result.errors)} 个错误，{len(result.warnings)} 个提醒",
        "结果": f"读取不完整：{'；'.join(missing)}" if missing else "可以加入",
    }
    return {"report": report, "name": upload.name, "data": data, "row": row, "missing": missing, "agency": None}


def add_all(previews: list[dict], replace: bool) -> None:
    progress = st.progress(0.0, text="正在加入知识库……")
    for index, preview in enumerate(previews, start=1):
        try:
            result = common.use_cases().knowledge.add_upload(
                preview["data"], preview["name"], _password(), replace, agency=preview["agency"]
            )
            st.success(f"{escape(preview['name'])}：{escape(result)}")
        except AdminPasswordError:
            lock()
            raise
        except NianbaoError as e:
            st.error(f"{escape(preview['name'])}：{escape(e.message)}")
        progress.progress(index / len(previews), text=f"已处理 {index}/{len(previews)}")


def stored_reports() -> None:
    """What the store holds, and a remove button per report."""
    st.subheader("知识库现有内容")
    removed = st.session_state.pop(REMOVED, None)
    if removed:
        st.success(removed)
    knowledge = common.use_cases().knowledge
    stats = knowledge.stats()
    columns = st.columns(4)
    columns[0].metric("报告", stats.reports)
    columns[1].metric("段落", stats.chunks)
    columns[2].metric("机关", len(stats.bodies))
    columns[3].metric("占用空间", _size(stats.size_bytes))
    years = f"{min(stats.years)}–{max(stats.years)}" if stats.years else "无"
    st.caption(escape(f"年度：{years}；向量：{stats.embedding}（{stats.dimension} 维）；位置：{stats.location}"))
    reports = knowledge.reports()
    if not reports:
        st.info("知识库是空的。")
        return
    frame = pd.DataFrame(
        [
            {
                "ID": r.id,
                "机关": r.agency,
                "年度": r.year,
                "格式": r.format,
                "来源文件": r.source,
                "段落": r.chunk_count,
            }
            for r in reports
        ]
    )
    st.dataframe(frame, width="stretch", hide_index=True)
    labels = {r.id: f"{r.agency} {r.year}（{r.source}）" for r in reports}
    chosen = st.selectbox("删除报告", list(labels), format_func=labels.__getitem__, key="admin-remove-id")
    sure = st.checkbox("确认删除", key="admin-remove-sure")
    if st.button("删除", disabled=not sure, key="admin-remove"):
        try:
            removed = knowledge.remove(chosen, _password())
        except AdminPasswordError:
            lock()
            raise
        st.session_state[REMOVED] = f"已删除 {escape(removed.agency)} {removed.year} 年度报告。"
        del st.session_state["admin-remove-sure"]  # the next removal is confirmed again
        st.rerun()


def _password() -> SecretStr:
    return given_password() or SecretStr("")


def _size(size: int | None) -> str:
    if size is None:
        return "未知"
    return f"{size / 1024 / 1024:.1f} MB"
