"""The narrative parts (【待核实】 highlighted, sources shown, regenerate one part), the chart, downloads."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages import common, places
from app_pages.places import escape
from nianbao.errors import NianbaoError
from nianbao.model import Finding, Report, Severity
from nianbao.schema import PART_NUMERALS, PART_TITLES, TABLE_PARTS
from nianbao.usecases.drafting import (
    CARRIED,
    STALE_YEAR,
    SUGGESTED,
    TO_FILL,
    UNVERIFIED,
    PartDraft,
    carried_by_subsection,
    carried_sentences,
    chosen,
    confirmed,
    confirmed_subsection,
    export_docx,
    export_markdown,
    marks_in,
    sentences_of,
    still_lacking,
    with_parts,
    work_facts,
)
from nianbao.usecases.drafts import StoredDraft
from nianbao.usecases.figures import chart_rows, key_figures

DRAFTED = ("一", "五", "六")


# The colour each sentence carrying one of the draft's marks is shown on.
_MARK_COLOURS = (
    (UNVERIFIED, "red"),
    (STALE_YEAR, "red"),
    (CARRIED, "orange"),
    (TO_FILL, "blue"),
    (SUGGESTED, "violet"),
)


_OPENER = re.compile(r"(?<=[。！？；])[!?]+$")


def highlighted(paragraph: str) -> str:
    """A paragraph as Markdown with every sentence that carries a mark on a coloured background
    (【待核实】 and 【年份待核实】 red, 【沿用上年，请核实】 orange, 【待补充】 blue, 【建议，待选用】 violet)."""
    pieces = []
    for sentence in _with_openers_moved(sentences_of(paragraph)):  # the claims engine's sentences
        shown = escape(sentence)
        colour = next((c for mark, c in _MARK_COLOURS if mark in sentence), None)
        pieces.append(f":{colour}-background[{shown}]" if colour else shown)
    return "".join(pieces)


def _with_openers_moved(sentences: list[str]) -> list[str]:
    """An ASCII !/? after a sentence's 。 opens the next one (“。![图](…)”): it moves there, so no colour mark
    ever cuts quoted text in two."""
    moved = list(sentences)
    for i in range(len(moved) - 1):
        match = _OPENER.search(moved[i])
        if match is not None:
            moved[i], moved[i + 1] = moved[i][: match.start()], match.group() + moved[i + 1]
    return [s for s in moved if s]


def show_parts(draft: StoredDraft, findings: list[Finding] | None = None) -> None:
    """The six parts: drafted parts with highlights, sources and a regenerate button; findings at their sentence."""
    report = draft.report
    marks = marks_in(report)
    if UNVERIFIED in marks:
        st.warning(f"有 {marks[UNVERIFIED]} 句标注了{UNVERIFIED}：其中的数字无法与表格或您提供的数据核对，请逐句核实。")
    if CARRIED in marks:
        st.info(f"有 {marks[CARRIED]} 句沿用上年报告（{CARRIED}）：请逐句核实后修改，或点击“确认沿用”。")
    show_work_facts(draft)
    drafted = any(report.part_text(n).strip() for n in DRAFTED)
    if not drafted:
        st.info("叙述部分尚未起草。点击下方按钮，或在对话中说“起草总体情况”。")
    # The button stays once 一 exists: after new figures all three parts are drafted again in one go.
    label = "重新起草叙述部分（一、五、六）" if drafted else "起草叙述部分（一、五、六）"
    tip = "按现在的表格重新起草一、五、六，替换现有文字（单独改写某一部分见各部分下的“改写”）。" if drafted else None
    if st.button(label, key="draft-all", help=tip):
        regenerate(draft, list(DRAFTED), "")
    at_parts = [f for f in findings or [] if f.location.table is None and f.location.part]
    for number in PART_NUMERALS:
        show_part(draft, number, [f for f in at_parts if f.location.part == number])


def show_work_facts(draft: StoredDraft) -> None:
    """The facts about this year's work kept with the draft, each with its source."""
    facts = work_facts(draft.extra)
    if facts:
        with st.expander(f"本年度工作情况（{len(facts)} 条，起草时写入对应部分）"):
            st.markdown("\n".join(f"- {escape(f.describe())}" for f in facts))


def show_part(draft: StoredDraft, number: str, findings: list[Finding] | None = None) -> None:
    part = draft.report.part(number)
    heading = part.heading if part else f"{number}、{PART_TITLES[number]}"
    places.anchor(places.part_anchor(number))
    st.markdown(f"#### {escape(heading)}")
    for finding in findings or []:
        show_finding_at_part(draft.report, finding)
    if number not in DRAFTED:
        table = next(t for t, n in TABLE_PARTS.items() if n == number)
        st.caption(f"本部分为“{table.value}”表格，见“表格”页。")
        return
    text = part.text if part else ""
    for paragraph in [p for p in text.split("\n") if p.strip()]:
        st.markdown(highlighted(paragraph))
    sources = draft.extra.get("sources", {}).get(number, [])
    if sources:
        st.caption(escape("来源：" + "；".join(sources)))
    note = draft.extra.get("notes", {}).get(number)
    if note:
        st.caption(escape(note))
    confirm_buttons(draft, number, text)
    part_tools(draft, number, text)


def confirm_buttons(draft: StoredDraft, number: str, text: str) -> None:
    """One click to confirm the part's carried-over sentences, or to take its suggestions, as they stand."""
    carried, suggested = text.count(CARRIED), text.count(SUGGESTED)
    columns = st.columns(2)
    if carried and columns[0].button(f"确认沿用的 {carried} 句", key=f"confirm-{draft.id}-{number}"):
        save_part(draft, number, confirmed(text))
    if suggested and columns[1].button(f"采用 {suggested} 条建议", key=f"adopt-{draft.id}-{number}"):
        save_part(draft, number, chosen(text))
    if carried and number == "一":
        confirm_by_subsection(draft, text)
    if carried:
        confirm_one(draft, number, text)


def confirm_by_subsection(draft: StoredDraft, text: str) -> None:
    """One click per subsection of 一 to confirm its carried-over sentences (she has checked that one)."""
    found = carried_by_subsection(text)
    if len(found) < 2:
        return
    with st.expander(f"按小节确认沿用的句子（{len(found)} 节）"):
        for index, (block, count) in enumerate(found):
            label = f"确认“{block.heading[:20]}”沿用的 {count} 句"
            if st.button(label, key=f"confirm-block-{draft.id}-{index}"):
                save_part(draft, "一", confirmed_subsection(text, block))


def confirm_one(draft: StoredDraft, number: str, text: str) -> None:
    """Confirm one carried-over sentence at a time: pick it, one click."""
    sentences = carried_sentences(text)
    with st.expander(f"逐句确认沿用的句子（{len(sentences)} 句）"):
        index = st.selectbox(
            "沿用的句子",
            range(len(sentences)),
            format_func=lambda i: confirmed(sentences[i])[:60],
            key=f"pick-{draft.id}-{number}-{len(sentences)}",
        )
        if index is not None and st.button("确认此句", key=f"confirm-one-{draft.id}-{number}"):
            save_part(draft, number, confirmed(text, sentences[index]))


def save_part(draft: StoredDraft, number: str, text: str) -> None:
    report = with_parts(draft.report, [PartDraft(number, text)])
    common.save_draft(draft, report)
    st.rerun()


def show_finding_at_part(report: Report, finding: Finding) -> None:
    """A narrative finding under its part's heading, with the quoted sentence shown highlighted."""
    text = escape(finding.message)
    if finding.severity is Severity.ERROR:
        st.error(text)
    else:
        st.warning(text)
    if finding.location.sentence:
        places.show_sentence(report, finding.location.part or "", finding.location.sentence)


def part_tools(draft: StoredDraft, number: str, text: str) -> None:
    """Regenerate this part with an instruction, or edit it by hand."""
    with st.expander(f"改写第{number}部分"):
        instruction = st.text_input("改写要求（可选，如：更简洁、突出一网通办）", key=f"instr-{draft.id}-{number}")
        if st.button(f"重新生成第{number}部分", key=f"regen-{draft.id}-{number}"):
            regenerate(draft, [number], instruction)
        edited = st.text_area("手工修改", value=text, key=f"edit-{draft.id}-{number}-{len(text)}", height=200)
        if st.button(f"保存第{number}部分的修改", key=f"save-{draft.id}-{number}"):
            report = with_parts(draft.report, [PartDraft(number, edited)])
            common.save_draft(draft, report)
            st.rerun()


def regenerate(draft: StoredDraft, numbers: list[str], instruction: str) -> None:
    """Draft these parts again; every other part and the tables stay as they are."""
    live = st.empty()

    def show(number: str, text: str) -> None:
        live.markdown(f"**第{number}部分（生成中）**\n\n{escape(text)}")

    with st.spinner("正在起草……"):
        facts, work = draft.extra.get("facts"), work_facts(draft.extra)
        drafting = common.use_cases().drafting
        drafted = drafting.draft_parts(draft.report, numbers, instruction, on_text=show, facts=facts, work=work)
    report = with_parts(draft.report, drafted)
    sources = {**draft.extra.get("sources", {}), **{p.number: p.sources for p in drafted}}
    notes = {**draft.extra.get("notes", {}), **{p.number: p.note for p in drafted}}
    common.save_draft(draft, report, sources=sources, notes=notes)
    st.rerun()


def show_chart(draft: StoredDraft) -> None:
    """The body's key figures over the years from the knowledge base, with this draft as the last point."""
    report = draft.report
    try:
        rows = chart_rows(common.use_cases().knowledge, report.agency or "", report)
    except NianbaoError as e:
        st.info(escape(f"知识库中没有该机关的往年数据（{e.message}），图中只有本草稿。"))
        rows = {report.year or 0: key_figures(report)}
    frame = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    frame.index = [f"{y}年" + ("（本草稿）" if y == report.year else "") for y in frame.index]
    # Each on its own axis: beside hundreds of requests, two or three appeals would be invisible.
    requests, appeals = st.columns(2)
    with requests:
        bars("新收申请", frame, ["新收申请（件）"], "件")
    with appeals:
        bars("行政复议、行政诉讼", frame, ["行政复议（件）", "行政诉讼（件）"], "件")
    bars("予以公开占办结的比例", frame, ["予以公开占比（%）"], "%")
    st.dataframe(frame, width="stretch")


def bars(title: str, frame: pd.DataFrame, columns: list[str], unit: str) -> None:
    """Bars by year, one per column, titled and with tooltips in Chinese (Streamlit's own charts say "value")."""
    values = [
        {"年度": str(year), "项目": column.split("（")[0], "数值": None if pd.isna(v) else float(v)}
        for year, row in frame[columns].iterrows()
        for column, v in row.items()
    ]
    legend = {"orient": "bottom"} if len(columns) > 1 else None
    spec = {
        "title": {"text": f"{title}（{unit}）", "anchor": "start", "fontSize": 14},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "height": 200,
        "encoding": {
            "x": {"field": "年度", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}, "sort": None},
            "xOffset": {"field": "项目"},
            "y": {"field": "数值", "type": "quantitative", "title": None},
            "color": {"field": "项目", "type": "nominal", "title": None, "legend": legend},
            "tooltip": [
                {"field": "年度", "title": "年度"},
                {"field": "项目", "title": "项目"},
                {"field": "数值", "title": unit},
            ],
        },
    }
    st.vega_lite_chart(spec=spec, width="stretch")


@st.cache_data(max_entries=16, show_spinner=False)
def _docx_bytes(report_json: str) -> bytes:
    return export_docx(Report.model_validate_json(report_json))


@st.cache_data(max_entries=16, show_spinner=False)
def _markdown_text(report_json: str) -> str:
    return export_markdown(Report.model_validate_json(report_json))


def unfinished_note(report: Report) -> None:
    """Before a download: what the draft still lacks, so an unfinished one is not sent out unawares."""
    lacks = still_lacking(report)
    if lacks:
        st.warning(f"本草稿尚有{'、'.join(lacks)}；下载的文件按现状导出，请先处理。")


def show_downloads(draft: StoredDraft) -> None:
    """Download the draft as DOCX and Markdown (the DOCX is written only when asked for)."""
    report_json = draft.report.model_dump_json()
    stem = f"{draft.report.agency or '草稿'}{draft.report.year or ''}年度报告"
    unfinished_note(draft.report)
    columns = st.columns(2)
    with columns[0]:
        st.download_button(
            "下载 Word（DOCX）",
            data=lambda: _docx_bytes(report_json),
            file_name=f"{stem}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            key="download-docx",
        )
    with columns[1]:
        try:
            st.download_button(
                "下载 Markdown",
                data=_markdown_text(report_json).encode("utf-8"),
                file_name=f"{stem}.md",
                mime="text/markdown",
                key="download-md",
            )
        except NianbaoError as e:
            st.info(e.message)
