"""审阅 (reviewers): a saved draft or an uploaded file, against the template and last year's report."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, places
from app_pages.narrative import escape
from nianbao.errors import NianbaoError
from nianbao.model import Location, Report, Severity

FROM_DRAFT = "我的草稿"
FROM_FILE = "上传文件"
PREVIOUS_AUTO = "知识库中的上年度报告（自动）"
PREVIOUS_FILE = "上传上年度报告"
PREVIOUS_NONE = "不比较上年度"
REVIEWED_NAME = "review-draft-name"
KIND_NAMES = {
    "structure": "结构",
    "rows": "表格行",
    "format": "格式版本",
    "check": "核对规则",
    "change": "较上年变化",
    "crossyear": "跨年度核对",
    "copy": "照搬上年",
    "stale_figure": "沿用上年数字",
    "stale_year": "年份疑似过期",
    "rectification": "上年度问题整改",
}


def render() -> None:
    st.header("审阅")
    report = choose_report()
    if report is None:
        return
    previous = choose_previous(report)
    inputs = hash((report.model_dump_json(), previous.model_dump_json() if previous else ""))
    if st.button("开始审阅", type="primary", key="review-run"):
        st.session_state["review-result"] = (inputs, common.use_cases().reviewing.review(report, previous))
    shown = st.session_state.get("review-result")
    if shown is not None and shown[0] == inputs:
        show_review(shown[1], report, st.session_state.get(REVIEWED_NAME, ""))


def choose_report() -> Report | None:
    source = st.radio("审阅对象", [FROM_DRAFT, FROM_FILE], horizontal=True, key="review-source")
    if source == FROM_DRAFT:
        drafts = common.draft_store().list_drafts(common.user_key())
        if not drafts:
            st.info("您还没有保存的草稿，请先在“起草”页新建，或上传文件。")
            return None
        names = {d.id: d.name for d in drafts}
        chosen = st.selectbox("选择草稿", list(names), format_func=names.__getitem__, key="review-draft")
        st.session_state[REVIEWED_NAME] = names[chosen]  # the downloaded review names the draft
        return common.draft_store().get(common.user_key(), chosen).report
    st.session_state[REVIEWED_NAME] = ""
    upload = st.file_uploader("上传待审阅的报告（TXT、Markdown、HTML、DOCX、PDF）", key="review-file")
    return common.use_cases().reviewing.read_upload(upload.getvalue(), upload.name) if upload else None


def choose_previous(report: Report) -> Report | None:
    choice = st.radio("上年度报告", [PREVIOUS_AUTO, PREVIOUS_FILE, PREVIOUS_NONE], horizontal=True, key="review-prev")
    if choice == PREVIOUS_NONE:
        return None
    if choice == PREVIOUS_FILE:
        upload = st.file_uploader("上传上年度报告", key="review-prev-file")
        return common.use_cases().reviewing.read_upload(upload.getvalue(), upload.name) if upload else None
    previous, note = common.use_cases().reviewing.last_year(report)
    st.caption(escape(note))
    return previous


def show_review(result: Any, report: Report | None = None, name: str = "") -> None:
    """Findings, figures side by side, copied passages; each finding linked to its place."""
    errors, warnings = len(result.errors), len(result.warnings)
    columns = st.columns(3)
    columns[0].metric("错误", errors)
    columns[1].metric("提醒", warnings)
    columns[2].metric("对照上年度", f"{result.previous_year}年" if result.previous_year else "无")
    findings, figures, texts = st.tabs(["全部问题", "数字对照", "叙述对照"])
    with findings:
        show_unverified(report)
        show_items(result, report)
    with figures:
        show_cells(result)
    with texts:
        show_parts(result)
    try:
        unverified = common.use_cases().reviewing.unverified_sentences(report) if report is not None else []
        html = common.use_cases().reviewing.page_html(result, name, unverified)
    except NianbaoError as e:
        st.caption(escape(e.message))
        return
    st.caption("完整审阅报告为独立网页：表格对照、叙述差异，点击问题可跳转到对应位置。")
    st.download_button("下载审阅报告（HTML）", html.encode("utf-8"), "审阅报告.html", "text/html", key="review-html")


def show_unverified(report: Report | None) -> None:
    """The sentences whose numbers nothing could verify: the draft goes out with them unless a person checks."""
    marked = common.use_cases().reviewing.unverified_sentences(report) if report is not None else []
    if not marked:
        return
    st.warning(f"**尚待核实** · 有 {len(marked)} 句标注了【待核实】：其中的数字无法与表格或上年报告核对，请逐句核实。")
    for number, sentence in marked:
        with st.expander(escape(f"第{number}部分：{sentence[:60]}")):
            places.show_place(report, Location(part=number, sentence=sentence))


def show_items(result: Any, report: Report | None = None) -> None:
    """Every finding, each with its place: the cell highlighted in its row, or the sentence in its part."""
    if not result.items:
        st.success("没有发现问题。")
        return
    for item in result.items:
        kind = KIND_NAMES.get(str(item.kind.value), str(item.kind.value))
        place = "" if item.message.startswith(_place(item.location)) else _place(item.location)
        text = f"**{kind}** · {escape(place + item.message)}"
        if item.severity is Severity.ERROR:
            st.error(text)
        else:
            st.warning(text)
        if report is not None and _has_place(item.location):
            with st.expander(escape(f"查看位置：{_short_place(item.location)}")):
                places.show_place(report, item.location)


def _has_place(location: Any) -> bool:
    return bool((location.table is not None and location.row and location.column) or location.part)


def _short_place(location: Any) -> str:
    """The place in a few words; a sentence's first words, so that two places in one part differ."""
    if location.table is not None:
        return str(location.describe())
    quoted = (location.sentence or "").strip()
    return f"第{location.part}部分" + (f"：{quoted[:18]}{'…' if len(quoted) > 18 else ''}" if quoted else "")


def _place(location: Any) -> str:
    """Where an item is, briefly (the message itself quotes the sentence)."""
    if location.table is not None:
        return f"{location.describe()}："
    return f"第{location.part}部分：" if location.part else ""


def show_cells(result: Any) -> None:
    if not result.cells:
        st.info("没有上年度报告，无法对照数字。")
        return
    rows = [
        {
            "表格": c.table.value,
            "行": c.row_label,
            "列": c.column,
            "本年": _shown(c.current),
            "上年": _shown(c.previous),
            "变化": _shown(c.change),
            "变化率": f"{c.percent:+.0f}%" if c.percent is not None else "",
            "changed": c.changed,
        }
        for c in result.cells
    ]
    frame = pd.DataFrame(rows)
    only_changed = st.checkbox("只看有变化的单元格", value=True, key="review-changed")
    if only_changed:
        frame = frame[frame["changed"]]
    flags = frame["changed"]
    shown = frame.drop(columns=["changed"])
    styled = shown.style.apply(lambda row: [_changed_style(bool(flags[row.name]))] * len(row), axis=1)
    st.dataframe(styled, width="stretch", hide_index=True)


def _changed_style(changed: bool) -> str:
    return "background-color: #fff3cd" if changed else ""


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def show_parts(result: Any) -> None:
    if not result.parts:
        st.info("没有上年度报告，无法对照叙述。")
        return
    for part in result.parts:
        share = f"{part.copied_share:.0%}"
        st.markdown(f"**第{part.number}部分 {escape(part.heading)}** · 与上年相同或近似的比例：{share}")
        for paragraph in part.paragraphs:
            text = getattr(paragraph, "text", str(paragraph))
            similarity = getattr(paragraph, "similarity", None)
            if similarity:
                st.warning(f"（相似度 {similarity:.0%}）{escape(text)}")
            else:
                st.markdown(escape(text))
