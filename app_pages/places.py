"""A finding's place shown on the page: its table row with the cell highlighted, or its sentence in the text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from nianbao.model import Location, Report
from nianbao.schema import PART_NUMERALS, TableId, row_spec

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|$~:])")
_READ_WORDS = re.compile("⟦(.+?)⟧")
"""The words of the user's message a proposed cell came from (nianbao.usecases.intake.highlighted marks them)."""
HIGHLIGHT = "background-color: #f8d7da; color: #842029; font-weight: bold; border: 2px solid #842029"


def escape(text: str) -> str:
    """Text shown as Markdown exactly as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def reply_markdown(text: str, own_bold: Iterable[str] = ()) -> str:
    """An assistant reply (it quotes names, notes and report text) as Markdown: shown as written, line by line,
    with its "- " list items kept as a list and only our own ``own_bold`` phrases in bold."""
    lines = []
    for line in text.split("\n"):
        bullet = line.startswith("- ")
        shown = escape(line[2:] if bullet else line)
        for phrase in own_bold:
            shown = shown.replace(escape(f"**{phrase}**"), f"**{escape(phrase)}**")
        shown = _READ_WORDS.sub(r":orange-background[**\1**]", shown)
        lines.append(f"- {shown}" if bullet else shown)
    return "\n".join(lines)


def grid_anchor(table: TableId, index: int) -> str:
    """The HTML id of a grid on the 起草 page (ASCII, so that ``#id`` links work in every browser)."""
    return f"grid-{list(TableId).index(table)}-{index}"


def part_anchor(number: str) -> str:
    """The HTML id of a narrative part on the 起草 page."""
    return f"part-{PART_NUMERALS.index(number) + 1 if number in PART_NUMERALS else 0}"


def anchor(html_id: str) -> None:
    """An empty element with this id, for ``[…](#id)`` links to jump to."""
    st.markdown(f'<div id="{html_id}"></div>', unsafe_allow_html=True)


def highlight_sentence(paragraph: str, sentence: str) -> str:
    """A paragraph as Markdown with the quoted sentence on an orange background (escaped otherwise)."""
    quoted = sentence.strip()
    if not quoted or quoted not in paragraph:
        return escape(paragraph)
    before, after = paragraph.split(quoted, 1)
    return f"{escape(before)}:orange-background[**{escape(quoted)}**]{escape(after)}"


def show_place(report: Report | None, location: Location) -> None:
    """Where a finding is: the cell in its row, or the sentence in its part; nothing when there is no place."""
    if report is None:
        return
    if location.table is not None and location.row and location.column:
        show_cell(report, location)
    elif location.part:
        show_sentence(report, location.part, location.sentence or "")


def show_cell(report: Report, location: Location) -> None:
    """The finding's row of its table, its cell highlighted."""
    table, row, column = location.table, location.row or "", location.column or ""
    if table is None:
        return
    try:
        spec = row_spec(report.format, table, row)
        cells = {c: report.cell(table, row, c) for c in spec.columns}
    except KeyError:
        st.caption(escape(f"位置：{location.describe()}"))
        return
    shown = {c: ("" if cell.value is None else str(cell.value)) or cell.raw.strip() for c, cell in cells.items()}
    frame = pd.DataFrame([shown], index=[spec.display])
    styled = frame.style.apply(lambda col: [HIGHLIGHT if col.name == column else ""] * len(col), axis=0)
    st.dataframe(styled, width="stretch")
    value = shown.get(column) or "空"
    st.caption(escape(f"位置（已标红）：{table.value} / {spec.display} / {column} = {value}"))


def show_sentence(report: Report, number: str, sentence: str) -> None:
    """The finding's part, the quoted sentence highlighted (only its paragraph when it is found)."""
    paragraphs = [p for p in report.part_text(number).split("\n") if p.strip()]
    found = [p for p in paragraphs if sentence.strip() and sentence.strip() in p]
    if not paragraphs:
        st.caption(f"第{number}部分没有正文。")
        return
    st.caption(f"第{number}部分" + ("（所指句子已标出）：" if found else "（未能在正文中定位该句）："))
    for paragraph in found or paragraphs:
        st.markdown(highlight_sentence(paragraph, sentence))
