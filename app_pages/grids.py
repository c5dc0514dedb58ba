"""The three tables as editable grids: derived cells computed, each failing rule shown at its cell."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, places
from app_pages.places import escape
from nianbao.model import Finding, Report, Severity
from nianbao.schema import RowSpec, TableId, rows_of
from nianbao.usecases.drafts import ChatMessage, StoredDraft
from nianbao.usecases.intake import cell_findings, edit

CHECK_COLUMN = "核对"
EDIT_NOTE = "grid-edit-note"
ROW_HEIGHT = 30  # px, every grid row and its header: the overlays below are placed by this geometry
INDEX_WIDTH = 150  # px: the short row labels (the full label shows on hover)
CHECK_WIDTH = 46  # px: the 核对 marker (错 / 疑); what fails is listed under the grid
ERROR_MARK, WARNING_MARK = "错", "疑"
Address = tuple[TableId, str, str]

# 依申请公开's rows by their official numbering, as a clerk says them; the full label shows on hover.
SHORT_ROWS = {
    "一": "一 本年新收申请",
    "二": "二 上年结转申请",
    "三.一": "三.一 予以公开",
    "三.二": "三.二 部分公开",
    "三.三.1": "三.三.1 国家秘密",
    "三.三.2": "三.三.2 法律法规禁止",
    "三.三.3": "三.三.3 三安全一稳定",
    "三.三.4": "三.三.4 第三方权益",
    "三.三.5": "三.三.5 内部事务",
    "三.三.6": "三.三.6 过程性信息",
    "三.三.7": "三.三.7 行政执法案卷",
    "三.三.8": "三.三.8 行政查询事项",
    "三.四.1": "三.四.1 不掌握信息",
    "三.四.2": "三.四.2 需另行制作",
    "三.四.3": "三.四.3 补正后不明确",
    "三.五.1": "三.五.1 信访举报投诉",
    "三.五.2": "三.五.2 重复申请",
    "三.五.3": "三.五.3 公开出版物",
    "三.五.4": "三.五.4 大量反复申请",
    "三.五.5": "三.五.5 确认或重出",
    "三.六.1": "三.六.1 逾期不补正",
    "三.六.2": "三.六.2 逾期未缴费",
    "三.六.3": "三.六.3 其他",
    "三.七": "三.七 总计",
    "四": "四 结转下年度",
    "行政诉讼/未经复议直接起诉": "诉讼：未经复议起诉",
    "行政诉讼/复议后起诉": "诉讼：复议后起诉",
}
# 依申请公开's applicant columns, short enough that all seven, 总计 and 核对 fit at 1366 px (full name on hover).
SHORT_COLUMNS = {
    "商业企业": "商业",
    "科研机构": "科研",
    "社会组织": "社会",
    "法律服务机构": "法律",
    "本年制发件数": "本年制发",
    "本年废止件数": "本年废止",
    "现行有效件数": "现行有效",
    "本年处理决定数量": "本年处理决定数",
    "本年收费金额": "本年收费金额（万元）",
}


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


def short_label(spec: RowSpec) -> str:
    return SHORT_ROWS.get(spec.key, spec.display)


def grid_frame(report: Report, grid: Grid, at_cells: dict[Address, list[Finding]]) -> pd.DataFrame:
    """The grid's values as text, rows labelled short, with a 核对 marker on each row that fails a rule."""
    data: dict[str, list[str]] = {c: [] for c in grid.columns}
    checks: list[str] = []
    for spec in grid.rows:
        found: list[Finding] = []
        for column in grid.columns:
            address = (grid.table, spec.key, column)
            data[column].append(cell_text(report, address))
            found.extend(at_cells.get(address, []))
        checks.append(_marker(found))
    frame = pd.DataFrame(data, index=[short_label(spec) for spec in grid.rows])
    frame[CHECK_COLUMN] = checks
    return frame


def _marker(found: list[Finding]) -> str:
    if any(f.severity is Severity.ERROR for f in found):
        return ERROR_MARK
    return WARNING_MARK if found else ""


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
    """Every table of the draft as one editable grid per group of rows, with the findings drawn on it."""
    at_cells = cell_findings(findings, draft.report)
    show_edit_note()
    for table in TableId:
        st.markdown(f"**{table.value}**")
        for grid in grids_of(draft.report, table):
            show_grid(draft, grid, at_cells)


def show_grid(draft: StoredDraft, grid: Grid, at_cells: dict[Address, list[Finding]]) -> None:
    """One grid: edits are applied and saved at once, then the grid is redrawn with derived cells.

    The failing cells are framed on the grid itself (an overlay placed by the grid's geometry, which
    the column widths and row height fix), and each is the target of its finding's link below.
    """
    frame = grid_frame(draft.report, grid, at_cells)
    key = grid_key(draft, grid)
    failing = [(a, f) for a, found in at_cells.items() if a[0] is grid.table and _in_grid(grid, a) for f in found]
    with st.container(gap=None):
        st.markdown(overlay(grid, failing), unsafe_allow_html=True)
        st.data_editor(
            frame.style.apply(_marker_style, subset=[CHECK_COLUMN]),
            key=key,
            column_config=column_config(grid),
            width="content",
            height=ROW_HEIGHT * (len(grid.rows) + 1) + 3,
            row_height=ROW_HEIGHT,
            num_rows="fixed",
        )
    edits = edits_of(st.session_state.get(key), grid)
    if edits:
        apply_edits(draft, edits)
    if failing:
        show_failing(grid, failing)


def _marker_style(column: pd.Series) -> list[str]:
    return [_style(Severity.ERROR if v == ERROR_MARK else Severity.WARNING if v else None) for v in column]


def column_config(grid: Grid) -> dict[str, Any]:
    """Short headers (the full name on hover) and fixed widths, so that the grid's geometry is known."""
    config: dict[str, Any] = {"_index": st.column_config.TextColumn(width=INDEX_WIDTH)}
    for column in grid.columns:
        label = SHORT_COLUMNS.get(column, column)
        config[column] = st.column_config.TextColumn(label, help=column, width=column_width(column))
    config[CHECK_COLUMN] = st.column_config.TextColumn(
        CHECK_COLUMN, help="错：本行有核对错误；疑：本行有提醒。详见表格下方。", disabled=True, width=CHECK_WIDTH
    )
    return config


def column_width(column: str) -> int:
    """The header's icon and padding, then about 13 px a CJK character of the header."""
    return 40 + 13 * len(SHORT_COLUMNS.get(column, column))


def overlay(grid: Grid, failing: list[tuple[Address, Finding]]) -> str:
    """The grid's anchor, the full row labels on hover, and a frame on each failing cell (its link's target)."""
    rows = {spec.key: i for i, spec in enumerate(grid.rows)}
    marks = [_box("row-label", 0, i, INDEX_WIDTH, title=spec.display) for i, spec in enumerate(grid.rows)]
    lefts = _column_lefts(grid)
    severities: dict[Address, Severity] = {}
    for address, finding in failing:
        if severities.get(address) is not Severity.ERROR:
            severities[address] = finding.severity
    for address, severity in severities.items():
        left, width = lefts[address[2]]
        marks.append(
            _box(f"cell-mark {severity.value}", left, rows[address[1]], width, ident=cell_anchor(grid, address))
        )
    anchor = places.grid_anchor(grid.table, grid.index)
    return f'<div class="grid-overlay" id="{anchor}">{"".join(marks)}</div>'


def _column_lefts(grid: Grid) -> dict[str, tuple[int, int]]:
    lefts: dict[str, tuple[int, int]] = {}
    left = INDEX_WIDTH
    for column in grid.columns:
        lefts[column] = (left, column_width(column))
        left += column_width(column)
    return lefts


def _box(css: str, left: int, row: int, width: int, ident: str = "", title: str = "") -> str:
    top = ROW_HEIGHT * (row + 1) + 1  # under the header row, past the grid's border
    attributes = f' id="{ident}"' if ident else ""
    attributes += f' title="{html.escape(title)}"' if title else ""
    style = f"left:{left + 1}px;top:{top}px;width:{width}px;height:{ROW_HEIGHT}px"
    return f'<div class="{css}"{attributes} style="{style}"></div>'


def cell_anchor(grid: Grid, address: Address) -> str:
    """The HTML id of a cell's frame on the page (ASCII, so that ``#id`` links work everywhere)."""
    row = next(i for i, spec in enumerate(grid.rows) if spec.key == address[1])
    return f"{places.grid_anchor(grid.table, grid.index)}-r{row}-c{grid.columns.index(address[2])}"


def _in_grid(grid: Grid, address: Address) -> bool:
    return any(spec.key == address[1] for spec in grid.rows) and address[2] in grid.columns


def apply_edits(draft: StoredDraft, edits: dict[Address, str]) -> None:
    """An edit goes the way of a chat message's figures: derived cells follow, the change is said in the chat,
    and one click undoes it. Saved at once, then redrawn (the grid's key changes so it shows the new values)."""
    edited = edit(draft.report, edits)
    said = edit_message(edited.changed, edited.derived, edited.broken)
    undo = {common.UNDO: draft.report.model_dump_json()}
    common.save_draft(common.add_messages(draft, said), edited.report, **undo)
    common.bump(f"grid-version-{draft.id}")
    if edited.broken:
        st.session_state["grid-message"] = f"{edited.broken} 已按输入保存，请核对标红的单元格。"
    st.session_state[EDIT_NOTE] = (edited.changed, edited.derived)
    st.rerun()


def edit_message(lines: list[str], derived: list[str], broken: str) -> ChatMessage:
    """The chat's record of a grid edit: what was typed, what followed, and how to undo it."""
    text = ["在表格中修改了：", *(f"- {line}" for line in lines if line not in derived)]
    if derived:
        text += ["", "随之计算：", *(f"- {line}" for line in derived)]
    if broken:
        text += ["", broken]
    text += ["", "如需恢复，请点击“撤销上一次对表格的修改”。"]
    return ChatMessage(role="assistant", content="\n".join(text))


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


def show_failing(grid: Grid, failing: list[tuple[Address, Finding]]) -> None:
    """What fails where, each entry a link that scrolls to its cell on the grid above and marks it."""
    labels = {spec.key: short_label(spec) for spec in grid.rows}
    for address, finding in failing:
        place = f"{labels[address[1]]} / {address[2]}"
        message = finding.message.removeprefix(f"{finding.location.describe()}：")  # the link names the place
        text = f"[{escape(place)}](#{cell_anchor(grid, address)})：{escape(message)}"
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
