"""The report model: parts, cells and findings, as pydantic models."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, PrivateAttr

from nianbao.schema import (
    PART_NUMERALS,
    ReportFormat,
    TableId,
    addresses,
    row_spec,
)


class Severity(StrEnum):
    """Errors cannot happen in a correct report; warnings ask a person to look."""

    ERROR = "error"
    WARNING = "warning"


class Location(BaseModel):
    """Where a finding is: a table cell, or a part and the sentence quoted."""

    table: TableId | None = None
    row: str | None = None
    row_label: str | None = None
    column: str | None = None
    part: str | None = None
    sentence: str | None = None

    def describe(self) -> str:
        """The place in words, for a person."""
        if self.table is not None:
            bits = [str(self.table.value)]
            if self.row:
                bits.append(self.row_label or self.row)
            if self.column:
                bits.append(self.column)
            return " / ".join(bits)
        where = f"第{self.part}部分" if self.part else "正文"
        return f"{where}：“{self.sentence}”" if self.sentence else where


class Finding(BaseModel):
    """One result of one rule: what it expected, what it found and a message in Chinese."""

    rule: str
    severity: Severity
    location: Location = Field(default_factory=Location)
    expected: str | None = None
    found: str | None = None
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


CellNumber = int | Decimal


class Cell(BaseModel):
    """A table cell: its canonical address, the text as published and its number (None if blank)."""

    table: TableId
    row: str
    column: str
    raw: str = ""
    value: CellNumber | None = None
    # The reader could not tell what the report prints here (a garbled row, sub-rows printed as
    # one): neither blank nor a number, so no sum that needs it is checked.
    unread: bool = False

    @property
    def is_blank(self) -> bool:
        return self.raw.strip() in BLANK_MARKS

    @property
    def is_number(self) -> bool:
        return self.value is not None


BLANK_MARKS = frozenset({"", "/", "—", "-", "－", "——", "／", "--", "无", "空"})


class Part(BaseModel):
    """One of the six parts: its numeral, the heading as written, and its text."""

    number: str
    heading: str
    text: str = ""

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]

    @property
    def title(self) -> str:
        """The heading without its numeral."""
        return self.heading.split("、", 1)[-1].strip() if "、" in self.heading else self.heading


class Report(BaseModel):
    """A whole annual report as read from a file or drafted."""

    agency: str | None = None
    year: int | None = None
    title: str = ""
    format: ReportFormat = ReportFormat.F2021
    preamble: str = ""
    parts: list[Part] = Field(default_factory=list)
    cells: list[Cell] = Field(default_factory=list)
    reader_findings: list[Finding] = Field(default_factory=list)
    # A group of sub-rows printed only as its total (（六）其他处理 as one row): group code
    # ("三.六") -> column -> the printed total, so that the sums can still be checked.
    group_totals: dict[str, dict[str, int]] = Field(default_factory=dict)
    source: str = ""
    _positions: dict[tuple[TableId, str, str], int] = PrivateAttr(default_factory=dict)

    def part(self, number: str) -> Part | None:
        """The first part with this numeral (一 … 六), or None."""
        return next((p for p in self.parts if p.number == number), None)

    def part_text(self, number: str) -> str:
        found = self.part(number)
        return found.text if found else ""

    def cell(self, table: TableId, row: str, column: str) -> Cell:
        """The cell at a canonical address; KeyError if the format has no such cell."""
        # The rules look up every cell: read the private dict directly, not via pydantic's __getattr__.
        private = self.__pydantic_private__
        positions: dict[tuple[TableId, str, str], int] = private["_positions"]  # type: ignore[index]
        cells = self.cells
        position = positions.get((table, row, column))
        if position is not None and position < len(cells):
            found = cells[position]
            if found.column == column and found.row == row and found.table is table:
                return found
        # The cells list changed (or first use): index it again, in a new dict, because a shallow
        # copy of the report shares the old one. A lookup stays O(1).
        positions = {_address(c): i for i, c in enumerate(cells)}
        private["_positions"] = positions  # type: ignore[index]
        return cells[positions[(table, row, column)]]

    def value(self, table: TableId, row: str, column: str) -> CellNumber | None:
        return self.cell(table, row, column).value

    def count(self, table: TableId, row: str, column: str) -> int:
        """The cell as used in sums: a blank counts as 0."""
        value = self.value(table, row, column)
        return int(value) if value is not None else 0

    def set_value(self, table: TableId, row: str, column: str, value: CellNumber | None) -> None:
        """Set a cell's number (and its published text to match)."""
        target = self.cell(table, row, column)
        target.value = value
        target.raw = "" if value is None else str(value)

    def row_label(self, table: TableId, row: str) -> str:
        try:
            return row_spec(self.format, table, row).display
        except KeyError:
            return row

    def ordered_parts(self) -> list[Part]:
        return sorted(self.parts, key=lambda p: PART_NUMERALS.index(p.number))


def _address(cell: Cell) -> tuple[TableId, str, str]:
    return (cell.table, cell.row, cell.column)


def blank_cells(fmt: ReportFormat) -> list[Cell]:
    """Every canonical cell of a format, blank, in canonical order."""
    return [Cell(table=t, row=r, column=c) for t, r, c in addresses(fmt)]


def empty_report(fmt: ReportFormat = ReportFormat.F2021) -> Report:
    """A report with all canonical cells blank and no parts."""
    return Report(format=fmt, cells=blank_cells(fmt))
