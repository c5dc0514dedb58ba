"""Filling a draft's tables: a new draft, 上年结转, figures from a chat message, a spreadsheet or an edited cell,
and the checker's findings as the pages show them while a draft is being filled."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from nianbao.checker import check_report
from nianbao.errors import InvalidInputError, NianbaoError
from nianbao.intake import CellChange, Extraction, Proposal, carry_over, extract, preview, read_facts_guarded, reading
from nianbao.intake.changes import describe_address, shown
from nianbao.intake.extractor import WORK_NUMBERS, Said
from nianbao.intake.proposal import parse_cell_text, preview_edit
from nianbao.intake.spreadsheet import read_spreadsheet_bytes_guarded
from nianbao.model import Finding, Part, Report, Severity, empty_report
from nianbao.readers import ReadLimits
from nianbao.rules.arithmetic import sum_addends
from nianbao.schema import PART_NUMERALS, PART_TITLES, ReportFormat, TableId
from nianbao.usecases.knowledge import Knowledge
from nianbao.usecases.models import Models

log = logging.getLogger(__name__)

Address = tuple[TableId, str, str]
ASKED = "intake_asked"
"""draft.extra key: the tables whose blanks the last reply offered to fill with 0."""
HIGHLIGHT = ("⟦", "⟧")
"""Around the words of the user's message that a proposed cell came from (the page shows them highlighted)."""


@dataclass
class TurnResult:
    """What one chat message did: the report after it, the reply, and the cells changed."""

    report: Report
    reply: str
    changed: list[str] = field(default_factory=list)
    drafted_parts: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class Intake:
    """Figures into a draft's tables, read by the LLM when one is configured (built-in rules otherwise)."""

    def __init__(self, models: Models, knowledge: Knowledge) -> None:
        self.models = models
        self.knowledge = knowledge

    def carry_over(self, report: Report) -> tuple[Report, str]:
        """二 (上年结转) from last year's 四 in the knowledge base, and a note saying where it came from."""
        if report.agency is None or report.year is None:
            return report, ""
        try:
            previous = self.knowledge.previous_report(report.agency, report.year)
        except NianbaoError:
            log.info("no previous report for carry-over")
            return report, ""
        if previous is None:
            return report, ""
        proposal = carry_over(previous)
        if not proposal.changes:
            return report, proposal.note
        return preview(report, proposal.changes).report, proposal.note

    def figures_turn(self, report: Report, message: str, asked: Any = None) -> TurnResult | None:
        """Apply the figures a message gives; None when it gives none. Contradictions are refused.

        ``asked`` is what the last reply left (``TurnResult.extra[ASKED]``): the tables it asked about —
        “好”/“按0填写” fills their blanks with 0 — the rows it talked about, for “不对，自然人15件”, and the cells
        it gave, for “其中自然人50件，企业2件” and “不是52是53”.
        """
        memory: dict[str, Any] = asked if isinstance(asked, dict) else {"tables": list(asked or [])}
        if memory.get("tables") and reading.accepts(message):
            proposal = reading.answer_questions(report, [TableId(t) for t in memory["tables"]])
            return proposal_turn(proposal, "", "按您的答复，未提到的单元格填 0")
        extraction = self.extract_figures(message, report.format, memory.get("rows"), memory.get("said"))
        if not extraction.changes and not extraction.rest:
            unread = [n for n in extraction.notes if n.startswith("这句没有读懂") or WORK_NUMBERS in n]
            return TurnResult(report=report, reply="\n".join(f"- {n}" for n in unread)) if unread else None
        try:
            proposal = reading.propose_extraction(report, extraction)
        except InvalidInputError as e:
            notes = "".join(f"\n- {n}" for n in extraction.notes)  # what was read otherwise: she sees it too
            return TurnResult(report=report, reply=f"{e.message}{notes}\n\n表格未作修改，请核对后重新输入。")
        return proposal_turn(proposal, message, "读到的数字", extraction.rows, extraction.said)

    def extract_figures(
        self, message: str, fmt: ReportFormat, rows: dict[str, str] | None = None, said: list[Any] | None = None
    ) -> Extraction:
        """The figures of a message: by the LLM when one is configured (built-in rules if it fails), else built in."""
        if not self.models.uses_llm:
            return extract(message, fmt, rows, said)
        try:
            from agents.extract import extract_with_llm  # LangChain: loaded only with an LLM
            from agents.llm import RetryPolicy

            retry = RetryPolicy.from_settings(self.models.settings)
            previous = Extraction(rows=rows or {}, said=said or [])
            return extract_with_llm(message, self.models.chat_model(), fmt, retry=retry, previous=previous)
        except NianbaoError as e:
            fallback = extract(message, fmt)
            fallback.notes.insert(0, f"{e.message.rstrip('。')}。已改用内置规则读取数字。")
            return fallback

    def spreadsheet_turn(self, report: Report, data: bytes, name: str) -> TurnResult:
        """Apply the figures of an uploaded spreadsheet (XLSX/CSV)."""
        sheet = read_spreadsheet_bytes_guarded(data, name, report.format, self.models.settings.read_limits)
        if not sheet.changes:
            return TurnResult(report=report, reply=f"在“{name}”中没有找到可以填入表格的数字。")
        try:
            proposal = preview(report, sheet.changes, list(sheet.notes))
        except InvalidInputError as e:
            return TurnResult(report=report, reply=f"{e.message}\n\n表格未作修改，请核对后重新上传。")
        lines = proposal.diff()
        reply = [f"“{name}”中的数字，{len(lines)} 个单元格（原值 → 新值，含随之计算的合计）："]
        reply += listed_changes(proposal)
        if proposal.missing:
            reply.append("\n" + proposal.missing.replace("\n", "\n- "))
        return TurnResult(report=proposal.report, reply="\n".join(reply), changed=lines)


def new_report(agency: str, year: int) -> Report:
    """A blank draft for a body and year, with the six parts titled (see Intake.carry_over for 上年结转)."""
    agency = agency.strip()
    if not agency:
        raise InvalidInputError("请填写机关名称。")
    report = empty_report(ReportFormat.F2021)
    report.agency = agency
    report.year = year
    report.title = f"{agency}{year}年政府信息公开工作年度报告"
    report.parts = [Part(number=n, heading=f"{n}、{PART_TITLES[n]}") for n in PART_NUMERALS]
    return report


def proposal_turn(
    proposal: Proposal,
    message: str,
    heading: str,
    rows: dict[str, str] | None = None,
    said: list[Said] | None = None,
) -> TurnResult:
    """The reply for a proposal: her words with what was read highlighted, each cell, then the questions."""
    lines = proposal.diff()
    if not lines:
        reply = ["这些数字与表格中已有的一致，没有需要修改的单元格。"]
    else:
        reply = [f"{heading}，{len(lines)} 个单元格（原值 → 新值，含随之计算的合计）："]
        quoted = highlighted(message, proposal.changes)
        reply[:0] = [f"原话（标出的是读到的部分）：{quoted}", ""] if quoted else []
        reply += listed_changes(proposal)
    reply.extend(f"- 注：{note}" if not note.startswith("这句") else f"- {note}" for note in proposal.notes)
    questions = reading.missing_questions(proposal.report)
    if questions:
        reply.append("")
        reply.extend(f"- {q.text}" for q in questions)
        reply.append("回复“好”即按 0 填写；也可以直接告诉我这些数字。")
    if proposal.missing:
        reply.append("\n" + proposal.missing.replace("\n", "\n- "))
    kept = [s.model_dump(mode="json") for s in said or []]
    extra = {ASKED: {"tables": [q.table.value for q in questions], "rows": dict(rows or {}), "said": kept}}
    return TurnResult(report=proposal.report, reply="\n".join(reply), changed=lines, extra=extra)


def highlighted(message: str, changes: list[CellChange]) -> str:
    """The message with each span a change came from between ⟦ ⟧ (overlapping spans merged)."""
    spans = sorted({tuple(s) for c in changes for s in c.spans if s[1] <= len(message)})
    if not spans:
        return ""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out += [message[position:start], HIGHLIGHT[0], message[start:end], HIGHLIGHT[1]]
        position = end
    return "".join([*out, message[position:]]).replace("\n", " ")


def cells_from_file(
    path: str, agency: str, year: int, last_year: Report | None, limits: ReadLimits
) -> tuple[Report, str]:
    """This year's cells from a facts file (cells CSV, XLSX, a CSV table or sentences), complete or refused;
    上年结转 from last year's report when the file does not give it. The notes (one "- " line each) say what
    was taken from last year and what the file said that was not understood; a refusal lists them too."""
    extraction = read_facts_guarded(path, limits=limits)  # in a worker, within the read limits
    changes, notes = list(extraction.changes), list(extraction.notes)
    if last_year is not None and last_year.year == year - 1 and not any(c.row == "二" for c in changes):
        carried = carry_over(last_year)
        changes, notes = changes + carried.changes, [*notes, carried.note]
    latest = {c.address: c for c in changes}  # a cell given twice: the later value
    proposal = preview(empty_report(), list(latest.values()))
    said = "\n".join(f"- {note}" for note in notes if note)
    if proposal.missing:
        # What the file said that was not understood is usually why cells are missing: say it first.
        heard = f"数据文件中有些话没有读懂或需要说明：\n{said}\n" if said else ""
        raise InvalidInputError(f"{heard}数据还不完整，无法起草：{proposal.missing}")
    report = proposal.report
    report.agency, report.year = agency, year
    return report, said


def listed_changes(proposal: Proposal) -> list[str]:
    """The proposal's lines as a list, each with the words it came from; blank cells the rules can only
    make 0, and those “其余均为0” fills, are summed up in one line each.

    A message with a few figures can fill a hundred such cells: listed one by one they buried what the
    user gave and what is still missing.
    """
    fmt = proposal.report.format
    zeros = [c for c in proposal.changes if c.origin == "derived" and c.old is None and c.new == 0]
    rest = [c for c in proposal.changes if c.origin == "rest"]
    lines = [_listed(c, fmt) for c in proposal.changes if c not in zeros and c not in rest]
    for source, count in Counter(c.source_text for c in rest).items():
        lines.append(f"- 按“{source}”，{count} 个未提到的单元格填 0：{_rest_tables(rest, source)}")
    if zeros:
        lines.append(f"- 另有 {len(zeros)} 个空白单元格按勾稽关系只能为 0，一并填入 0（应用后可在表格中查看、修改）")
    return lines


def _listed(change: CellChange, fmt: ReportFormat) -> str:
    said = f" ←“{change.source_text}”" if change.origin in ("user", "llm") and change.source_text else ""
    return f"- {change.describe(fmt)}{said}"


def _rest_tables(rest: list[CellChange], source: str) -> str:
    counts = Counter(c.table.value for c in rest if c.source_text == source)
    return "、".join(f"{table} {n} 个" for table, n in counts.items())


def edit_cells(report: Report, edits: dict[Address, str]) -> tuple[Report, str]:
    """Apply direct edits of cells; totals that followed their parts follow again.

    An edit that contradicts a rule is still kept (the user typed it) and its finding is shown at
    the cell; the message says so. Text that is not a number is kept as written and flagged.
    """
    parsed: dict[Address, Any] = {}
    unparsed: dict[Address, str] = {}
    for address, text in edits.items():
        try:
            parsed[address] = parse_cell_text(report, address, text)
        except InvalidInputError:
            unparsed[address] = text
    changes = [CellChange(table=a[0], row=a[1], column=a[2], new=v, source_text=str(v)) for a, v in parsed.items()]
    updated = preview_edit(report, changes).report if changes else report.model_copy(deep=True)
    message = _broken_by(report, updated, set(parsed))
    for address, text in unparsed.items():
        cell = updated.cell(*address)
        cell.raw, cell.value = text, None
    return updated, message


def _broken_by(before: Report, after: Report, typed: set[Address]) -> str:
    """What an edit broke that held before, in one sentence (each finding is shown at its cell)."""
    if not typed:
        return ""
    held = {(f.rule, f.location.describe()) for f in check_report(before).errors}
    broken = [f for f in check_report(after).errors if (f.rule, f.location.describe()) not in held]
    if not broken:
        return ""
    more = f"（共 {len(broken)} 项）" if len(broken) > 1 else ""
    return f"这次修改使核对未通过：{broken[0].message.rstrip('。')}{more}。"


@dataclass(frozen=True)
class CellEdit:
    """Direct edits of cells, applied: the report after them, what rule they broke ('' when none), one line per
    changed cell, and of those the lines of cells that followed the typed ones (totals, 三.七, 四)."""

    report: Report
    broken: str
    changed: list[str]
    derived: list[str]


def edit(report: Report, edits: dict[Address, str]) -> CellEdit:
    """``edit_cells``, with what changed said cell by cell (the page's note and the chat's record of the edit)."""
    updated, broken = edit_cells(report, edits)
    changes = _changes(report, updated)
    derived = [line for address, line in changes if address not in edits]
    return CellEdit(updated, broken, [line for _, line in changes], derived)


def _changes(before: Report, after: Report) -> list[tuple[Address, str]]:
    """Each cell whose value differs, with its line: ``依申请公开 / 一 … / 总计：258 → 268``."""
    found = []
    for cell in after.cells:
        address = (cell.table, cell.row, cell.column)
        old = before.cell(*address)
        if (old.value, old.raw.strip()) != (cell.value, cell.raw.strip()):
            was = shown(old.value) if old.value is not None or not old.raw.strip() else old.raw.strip()
            now = shown(cell.value) if cell.value is not None or not cell.raw.strip() else cell.raw.strip()
            found.append((address, f"{describe_address(address, after.format)}：{was} → {now}"))
    return found


# ---- the checker's findings while a draft is being filled ---------------------------------------


def findings_of(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding of the checker on the draft."""
    return check_report(report, previous=previous, per_cell=True).findings


def cell_findings(findings: list[Finding], report: Report | None = None) -> dict[Address, list[Finding]]:
    """Findings that sit at a table cell, keyed by the cell; with ``report``, not the "still blank" ones.

    While a draft is being filled, a blank cell is not yet a problem (the count of blank cells is
    shown instead); a cell with text that is not a number is.
    """
    keyed: dict[Address, list[Finding]] = {}
    for finding in findings:
        where = finding.location
        if report is not None and _still_blank(report, finding):
            continue
        if where.table is not None and where.row and where.column:
            keyed.setdefault((where.table, where.row, where.column), []).append(finding)
    return keyed


def visible_findings(report: Report, findings: list[Finding]) -> list[Finding]:
    """The findings worth showing on a draft being filled: not the "this cell is still blank" ones.

    A sum whose addends are partly blank is not yet wrong (blank counts as 0 in the checker, so it
    would say “应为 0”): it is shown as a reminder that names the blank cells.
    """
    return [_unfinished_sum(report, f) for f in findings if not _still_blank(report, f)]


def _unfinished_sum(report: Report, finding: Finding) -> Finding:
    """A sum finding whose addends are not all filled in, as a reminder; any other finding as it is."""
    where = finding.location
    addends = sum_addends(report.format, finding.rule, where.row or "", where.column or "")
    by_column = finding.rule in ("arith.row_total", "arith.appeal_total")
    blank = [_short_name(report, a, by_column) for a in addends if _is_blank(report, a)]
    if not blank:
        return finding
    named = "、".join(blank[:4]) + (f"等 {len(blank)} 个单元格" if len(blank) > 4 else "")
    message = f"{where.describe()}：尚未填完，{named}还是空白；填完后再核对勾稽关系。"
    return finding.model_copy(update={"severity": Severity.WARNING, "message": message})


def _short_name(report: Report, address: Address, by_column: bool) -> str:
    """A cell named by what differs from the finding's place: its column (a row's sum), else its row."""
    table, key, column = address
    return column if by_column else (report.row_label(table, key) or key)


def _is_blank(report: Report, address: Address) -> bool:
    try:
        cell = report.cell(*address)
    except KeyError:
        return False
    return cell.value is None and not cell.raw.strip()


def _still_blank(report: Report, finding: Finding) -> bool:
    where = finding.location
    if finding.rule not in ("cells.count", "cells.fee") or finding.is_error or where.table is None:
        return False
    return _is_blank(report, (where.table, where.row or "", where.column or ""))
