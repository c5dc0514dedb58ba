"""The three tables as editable grids: derived cells computed, each failing rule shown at its cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, places, services
from app_pages.places import escape
from nianbao.model import Finding, Report, Severity
from nianbao.schema import RowSpec, TableId, rows_of
from nianbao.usecases.drafts import StoredDraft

CHECK_COLUMN = "核对"
EDIT_NOTE = "grid-edit-note"
INDEX_WIDTH = 140  # the row labels, cut beyond (the full label shows on hover)
Address = tuple[TableId, str, str]


@dataclass(frozen=True)
class Grid:
    """One editable grid: rows of one table that share their columns."""

    table: TableId
    index: int
    rows: tuple[RowSpec, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.rows[0].columns


def grids_of(report: Report, table: TableId) -> list[Grid]:
    """The table split into grids of rows with the same columns (主动公开 has three)."""
    grids: list[Grid] = []
    group: list[RowSpec] = []
    for spec in rows_of(report.format, table):
        if group and spec.columns != group[0].columns:
            grids.append(Grid(table, len(grids), tuple(group)))
            group = []
        group.append(spec)
    if group:
        grids.append(Grid(table, len(grids), tuple(group)))
    return grids


def cell_text(report: Report, address: Address) -> str:
    """A cell as shown in the grid: its number, or what was typed when it is not a number."""
    cell = report.cell(*address)
    if cell.value is not None:
        return str(cell.value)
    return cell.raw.strip()


def grid_frame(report: Report, grid: Grid, at_cells: dict[Address, list[Finding]]) -> pd.DataFrame:
    """The grid's values as text, rows labelled, with the findings of each row in the 核对 column."""
    data: dict[str, list[str]] = {c: [] for c in grid.columns}
    checks: list[str] = []
    for spec in grid.rows:
        notes: list[str] = []
        for column in grid.columns:
            address = (grid.table, spec.key, column)
            data[column].append(cell_text(report, address))
            notes.extend(f"{_mark(f)}{column}：{f.message}" for f in at_cells.get(address, []))
        checks.append("；".join(notes))
    frame = pd.DataFrame(data, index=[spec.display for spec in grid.rows])
    frame[CHECK_COLUMN] = checks
    return frame


def _mark(finding: Finding) -> str:
    return "❌" if finding.severity is Severity.ERROR else "⚠️"


def grid_key(draft: StoredDraft, grid: Grid) -> str:
    version = common.counter(f"grid-version-{draft.id}")
    return f"grid-{draft.id}-{grid.table.value}-{grid.index}-{version}"


def edits_of(state: Any, grid: Grid) -> dict[Address, str]:
    """The cells edited in the grid (``edited_rows`` of the data editor), by canonical address."""
    edited = (state or {}).get("edited_rows", {}) if isinstance(state, dict) else {}
    edits: dict[Address, str] = {}
    for position, changes in edited.items():
        spec = grid.rows[int(position)]
        for column, value in changes.items():
            if column in grid.columns:
                edits[(grid.table, spec.key, column)] = "" if value is None else str(value)
    return edits


def show_tables(draft: StoredDraft, findings: list[Finding]) -> None:
    """Every table of the draft as grids, with the findings at their cells."""
    at_cells = services.cell_findings(findings, draft.report)
    show_edit_note()
    for table in TableId:
        st.markdown(f"**{table.value}**")
        for grid in grids_of(draft.report, table):
            show_grid(draft, grid, at_cells)


def show_grid(draft: StoredDraft, grid: Grid, at_cells: dict[Address, list[Finding]]) -> None:
    """One grid: edits are applied and saved at once, then the grid is redrawn with derived cells."""
    frame = grid_frame(draft.report, grid, at_cells)
    key = grid_key(draft, grid)
    places.anchor(places.grid_anchor(grid.table, grid.index))
    st.data_editor(frame, key=key, column_config=column_config(grid), width="stretch", num_rows="fixed")
    edits = edits_of(st.session_state.get(key), grid)
    if edits:
        apply_edits(draft, edits)
    failing = [(a, f) for a, found in at_cells.items() if a[0] is grid.table and _in_grid(grid, a) for f in found]
    if failing:
        show_failing(frame, grid, failing)


def column_config(grid: Grid, with_check: bool = True) -> dict[str, Any]:
    """Columns sized to their headers, so that a wide grid (依申请公开: seven columns) shows its 总计 unscrolled."""
    config: dict[str, Any] = {"_index": st.column_config.TextColumn(width=INDEX_WIDTH)}
    config |= {c: st.column_config.TextColumn(c, width=_header_width(c)) for c in grid.columns}
    if with_check:
        config[CHECK_COLUMN] = st.column_config.TextColumn(CHECK_COLUMN, disabled=True, width="medium")
    return config


def _header_width(header: str) -> int:
    return 26 + 14 * len(header)  # the edit icon and padding, then a CJK character, in pixels


def _in_grid(grid: Grid, address: Address) -> bool:
    return any(spec.key == address[1] for spec in grid.rows) and address[2] in grid.columns


def apply_edits(draft: StoredDraft, edits: dict[Address, str]) -> None:
    """Apply and save the edits, then redraw (the grid's key changes so it shows the new values)."""
    report, message = services.edit_cells(draft.report, edits)
    common.save_draft(draft, report)
    common.bump(f"grid-version-{draft.id}")
    if message:
        st.session_state["grid-message"] = f"{message} 已按输入保存，请核对标红的单元格。"
    typed = {services.describe_cell(a, report) for a in edits}
    lines = services.changed_cells(draft.report, report)
    derived = [line for line in lines if line.split("：", 1)[0] not in typed]
    st.session_state[EDIT_NOTE] = (lines, derived)
    st.rerun()


def show_edit_note() -> None:
    """After a direct edit: what changed, and which cells followed (totals, 三.七, 四)."""
    note = st.session_state.pop(EDIT_NOTE, None)
    if not note:
        return
    lines, derived = note
    text = "已修改：\n" + "\n".join(f"- {escape(line)}" for line in lines if line not in derived)
    if derived:
        text += "\n\n随之计算：\n" + "\n".join(f"- {escape(line)}" for line in derived)
    st.info(text)


def show_failing(frame: pd.DataFrame, grid: Grid, failing: list[tuple[Address, Finding]]) -> None:
    """The grid with failing cells highlighted, and the list of what fails where."""
    labels = {spec.key: spec.display for spec in grid.rows}
    marked = {(labels[a[1]], a[2]): f.severity for a, f in failing}
    values = frame[list(grid.columns)]

    def colour(column: pd.Series) -> list[str]:
        styles = []
        for label in column.index:
            severity = marked.get((label, column.name))
            styles.append(_style(severity))
        return styles

    with st.container(border=True):
        st.caption("核对未通过的单元格（红色为错误，黄色为提醒）：")
        st.dataframe(values.style.apply(colour, axis=0), width="stretch", column_config=column_config(grid, False))
        link = places.grid_anchor(grid.table, grid.index)
        for address, finding in failing:
            place = f"{labels[address[1]]} / {address[2]}"
            message = finding.message.removeprefix(f"{finding.location.describe()}：")  # the link names the place
            text = f"[{escape(place)}](#{link})：{escape(message)}"
            if finding.severity is Severity.ERROR:
                st.error(text)
            else:
                st.warning(text)


def _style(severity: Severity | None) -> str:
    if severity is Severity.ERROR:
        return "background-color: #f8d7da; color: #842029; font-weight: bold"
    if severity is Severity.WARNING:
        return "background-color: #fff3cd"
    return ""
