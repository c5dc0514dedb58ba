"""A proposed change to one cell of the draft: where, old → new, and what the user said."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from nianbao.model import CellNumber, Report
from nianbao.schema import ReportFormat, TableId, row_spec

Address = tuple[TableId, str, str]


class Origin(StrEnum):
    """Where a proposed value comes from."""

    USER = "user"
    DERIVED = "derived"
    CARRIED = "carried"
    LLM = "llm"
    REST = "rest"
    """其余均为0 (or a question about the missing cells accepted): a blank the user said is 0."""


class CellChange(BaseModel):
    """One proposed cell value: ``old`` is the draft's value before, ``new`` the proposed one."""

    table: TableId
    row: str
    column: str
    old: CellNumber | None = None
    new: CellNumber | None = None
    source_text: str = ""
    origin: Origin = Origin.USER
    note: str = ""
    spans: list[tuple[int, int]] = Field(default_factory=list)
    """Where in the message the words that gave this value stand (start, end), to highlight them."""

    @property
    def address(self) -> Address:
        return (self.table, self.row, self.column)

    def where(self, fmt: ReportFormat = ReportFormat.F2021) -> str:
        """The cell in words: table / row / column."""
        return describe_address(self.address, fmt)

    def describe(self, fmt: ReportFormat = ReportFormat.F2021) -> str:
        """One line of the diff shown to the user: cell, old → new, and why."""
        line = f"{self.where(fmt)}：{shown(self.old)} → {shown(self.new)}"
        return f"{line}（{self.note}）" if self.note else line


def shown(value: CellNumber | None) -> str:
    """A cell value as the user reads it; a blank cell is 空."""
    return "空" if value is None else str(value)


def describe_address(address: Address, fmt: ReportFormat = ReportFormat.F2021) -> str:
    """``依申请公开 / 一 本年新收政府信息公开申请数量 / 自然人``."""
    table, row, column = address
    try:
        label = row_spec(fmt, table, row).display
    except KeyError:
        label = row
    return f"{table.value} / {label} / {column}"


def with_old_values(report: Report, changes: list[CellChange]) -> list[CellChange]:
    """The changes with ``old`` set from the report (the value the draft has now)."""
    return [c.model_copy(update={"old": report.value(*c.address)}) for c in changes]
