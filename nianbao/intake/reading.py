"""A chat message as a proposal: its figures, “其余均为0” filled in the scope named, and what to ask next.

The blanks “其余均为0” fills are shown in the proposal like any other change (never filled silently);
the cells still missing become one short question per table, with 0 as the default the user can accept
(“好” / “按0填写”).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from nianbao.intake.changes import Address, CellChange, Origin
from nianbao.intake.derive import Relation, relations
from nianbao.intake.explain import name_of
from nianbao.intake.extractor import Extraction, RestScope, extract
from nianbao.intake.proposal import Proposal, preview
from nianbao.model import Report
from nianbao.schema import TableId

_YES = re.compile(
    r"^\s*(?:(?:好的?|是的?|对的?|可以|行|同意|确认|嗯+|ok|没问题|谢谢|"
    r"按\s*[0零]\s*填写?|(?:其余|其他|剩下的)?(?:都|全部?|均)?(?:是|为|填|按)?\s*[0零](?:填写?)?|"
    r"(?:其余|其他|剩下的)?(?:都|全)没有|没有了)[吧啊呀了的]*[。！!，,.\s]*)+$",
    re.IGNORECASE,
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
    changes, notes = list(extraction.changes), list(extraction.notes)
    if extraction.rest:
        trial = preview(report, changes)
        fills, asked = rest_fills(trial.report, extraction.rest)
        changes, notes = changes + fills, notes + asked
    return preview(report, changes, notes=notes)


def rest_fills(report: Report, scopes: list[RestScope]) -> tuple[list[CellChange], list[str]]:
    """A 0 for each blank the scopes cover, and a question for each row left open.

    Totals are not filled (they follow from their parts). A row whose total was said and whose parts
    said so far fall short is not filled either: “其余” may mean the rest of the table or the rest of
    that row, so the user is asked instead.
    """
    followers = {r.anchor for r in relations(report.format)}
    open_rows = _open_rows(report)
    fills: dict[Address, CellChange] = {}
    asked: dict[Address, str] = {}
    for scope in scopes:
        for cell in report.cells:
            address = (cell.table, cell.row, cell.column)
            if cell.value is not None or address in followers or not scope.covers(cell.table, cell.row):
                continue
            row = (cell.table, cell.row)
            if row in open_rows:
                asked.setdefault(open_rows[row].left[0], _open_question(report, open_rows[row], scope))
            else:
                fills.setdefault(address, _zero(address, scope))
    return list(fills.values()), list(asked.values())


def _open_rows(report: Report) -> dict[tuple[TableId, str], Relation]:
    """Rows whose 总计 is known and whose known parts add up to less, with blanks still among them."""
    found: dict[tuple[TableId, str], Relation] = {}
    for relation in relations(report.format):
        if relation.rule not in ("arith.row_total", "arith.appeal_total"):
            continue
        total = report.value(*relation.left[0])
        values = [report.value(*a) for a in relation.right]
        if total is not None and None in values and sum(int(v or 0) for v in values) < total:
            found[(relation.left[0][0], relation.left[0][1])] = relation
    return found


def _open_question(report: Report, relation: Relation, scope: RestScope) -> str:
    total = int(report.value(*relation.left[0]) or 0)
    given = sum(int(report.value(*a) or 0) for a in relation.right)
    name = name_of(relation.left[0], report.format)
    return (
        f"“{scope.source_text}”没有用于{name}：您说{name} {total} 件，已说的分项之和为 {given}，"
        f"其余 {total - given} 件属于哪一类？请告诉我。"
    )


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
    fills, asked = rest_fills(report, [scope])
    return preview(report, fills, notes=asked)
