"""A chat message as a proposal: its figures, “其余均为0” filled in the scope named, and what to ask next.

The blanks “其余均为0” fills are shown in the proposal like any other change (never filled silently);
the cells still missing become one short question per table, with 0 as the default the user can accept
(“好” / “按0填写”).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from nianbao.intake.changes import Address, CellChange, Origin
from nianbao.intake.derive import relations
from nianbao.intake.extractor import Extraction, RestScope, extract
from nianbao.intake.proposal import Proposal, preview
from nianbao.model import Report
from nianbao.schema import TableId

_YES = re.compile(
    r"^\s*(好的?|是的?|对|可以|行|同意|确认|嗯|没问题|按\s*[0零]\s*填写?吧?|都是\s*[0零]|是[0零])[。！!，,\s]*$"
)


class Question(BaseModel):
    """``依申请公开还有 26 个单元格没有提到，按 0 填写吗？`` — one table's blanks, 0 as the default."""

    table: TableId
    blanks: int

    @property
    def text(self) -> str:
        return f"{self.table.value}还有 {self.blanks} 个单元格没有提到，按 0 填写吗？"


def propose_message(report: Report, text: str) -> Proposal:
    """The proposal for a message: its figures, then its “其余均为0”; InvalidInputError on a contradiction."""
    return propose_extraction(report, extract(text, report.format))


def propose_extraction(report: Report, extraction: Extraction) -> Proposal:
    """The figures of an extraction on the draft, with the blanks of each “其余…为0” scope as 0."""
    changes = list(extraction.changes)
    if extraction.rest:
        trial = preview(report, changes)
        changes += rest_fills(trial.report, extraction.rest)
    return preview(report, changes, notes=extraction.notes)


def rest_fills(report: Report, scopes: list[RestScope]) -> list[CellChange]:
    """A 0 for each blank the scopes cover, except the totals (they follow from their parts)."""
    followers = {r.anchor for r in relations(report.format)}
    fills: dict[Address, CellChange] = {}
    for scope in scopes:
        for cell in report.cells:
            address = (cell.table, cell.row, cell.column)
            if cell.value is None and address not in followers and scope.covers(cell.table, cell.row):
                fills.setdefault(address, _zero(address, scope))
    return list(fills.values())


def _zero(address: Address, scope: RestScope) -> CellChange:
    return CellChange(
        table=address[0],
        row=address[1],
        column=address[2],
        new=0,
        source_text=scope.source_text,
        origin=Origin.REST,
        note=f"“{scope.source_text}”",
        spans=scope.spans,
    )


def missing_questions(report: Report) -> list[Question]:
    """One question per table that still has blanks (the totals that follow from them not counted)."""
    followers = {r.anchor for r in relations(report.format)}
    counts = {table: 0 for table in TableId}
    for cell in report.cells:
        if cell.value is None and (cell.table, cell.row, cell.column) not in followers:
            counts[cell.table] += 1
    return [Question(table=t, blanks=n) for t, n in counts.items() if n]


def accepts(text: str) -> bool:
    """“好”“是的”“可以”“按0填写”: the user takes the default of the questions just asked."""
    return bool(_YES.match(text))


def answer_questions(report: Report, tables: list[TableId]) -> Proposal:
    """The questions accepted: every blank of those tables is 0 (the totals follow)."""
    scope = RestScope(tables=tables, source_text="按 0 填写")
    return preview(report, rest_fills(report, [scope]))
