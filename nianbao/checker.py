"""Run every rule on a report and collect the findings, errors first."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from nianbao.model import Finding, Location, Report, Severity
from nianbao.rules import RULES, CheckContext, arithmetic, copying, crossyear, narrative, structure, years
from nianbao.schema import ReportFormat, TableId

# Importing a rule module registers its rules: a module missing here is an ImportError, never skipped,
# so the checker cannot lose rules without a sound.
RULE_MODULES = (arithmetic, copying, crossyear, narrative, structure, years)


class CheckResult(BaseModel):
    """All findings on one report, and what was read."""

    source: str = ""
    agency: str | None = None
    year: int | None = None
    format: ReportFormat = ReportFormat.F2021
    findings: list[Finding] = Field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when no rule failed with an error (warnings allowed)."""
        return not self.errors


def check_report(
    report: Report,
    previous: Report | None = None,
    facts: dict[str, int] | None = None,
    *,
    per_cell: bool = False,
) -> CheckResult:
    """Run all rules (never stopping at the first) and return the findings.

    Blank cells and unplaced lines of one table are summed up in one finding each, unless
    ``per_cell`` (a draft being filled marks each blank cell in its grid).
    """
    context = CheckContext(report=report, previous=previous, facts=facts or {})
    findings = list(report.reader_findings)
    for check in RULES.values():
        findings.extend(check(context))
    if not per_cell:
        findings = summarised(findings)
    findings = soften_for_unread(report, findings)
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)
    return CheckResult(
        source=report.source,
        agency=report.agency,
        year=report.year,
        format=report.format,
        findings=findings,
    )


# Reminders that come one per cell or per line: summed up per table when there are more than this.
_SUMMED_RULES = ("cells.count", "cells.fee", "reader.unplaced")
_MAX_SINGLE = 2


def summarised(findings: list[Finding]) -> list[Finding]:
    """The same findings, but a table's many blank cells (or unplaced lines) as one.

    A clean report with an unused column had one reminder per blank cell, burying what matters."""
    missing_rows = {(f.location.table, f.location.row) for f in findings if _is_missing_row(f)}
    findings = [f for f in findings if not _in_missing_row(f, missing_rows)]
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.rule in _SUMMED_RULES and not finding.is_error and finding.location.table is not None:
            groups[(finding.rule, finding.location.table.value)].append(finding)
    summaries = {key: _summary(group) for key, group in groups.items() if len(group) > _MAX_SINGLE}
    kept: list[Finding] = []
    for finding in findings:
        table = finding.location.table
        key = (finding.rule, table.value if table is not None else "")
        if key not in summaries or finding.is_error:
            kept.append(finding)
        elif summaries[key] not in kept:
            kept.append(summaries[key])
    return kept


def _is_missing_row(finding: Finding) -> bool:
    return finding.rule == "structure.rows" and finding.found == "0"


def _in_missing_row(finding: Finding, missing_rows: set[tuple[TableId | None, str | None]]) -> bool:
    """A blank-cell reminder of a row that is missing altogether: the missing row says it."""
    where = finding.location
    return finding.rule.startswith("cells.") and not finding.is_error and (where.table, where.row) in missing_rows


def _summary(group: list[Finding]) -> Finding:
    first = group[0]
    table = first.location.table
    assert table is not None
    places = _places(group)
    what = {
        "cells.count": f"{len(group)} 个单元格为空，计算时按 0 计；如实际为 0 请填写 0",
        "cells.fee": f"{len(group)} 个金额为空",
        "reader.unplaced": f"{len(group)} 行数字无法对应到标准表格，这些单元格未读出，相关勾稽关系未核对",
    }[first.rule]
    return Finding(
        rule=first.rule,
        severity=Severity.WARNING,
        location=Location(table=table),
        found=str(len(group)),
        message=f"{table.value}：{what}。{places}。",
    )


def _places(group: list[Finding]) -> str:
    if group[0].rule == "reader.unplaced":
        return "；".join(f"“{f.location.row_label or '（无行名）'}”：{f.found or ''}" for f in group)
    by_column: dict[str, list[str]] = defaultdict(list)
    for finding in group:
        by_column[finding.location.column or ""].append(finding.location.row or "")
    return "；".join(f"{column or '整行'}：{'、'.join(rows)}" for column, rows in by_column.items())


def soften_for_unread(report: Report, findings: list[Finding]) -> list[Finding]:
    """With cells the reader could not read, a narrative figure cannot be called wrong for sure."""
    if not any(cell.unread for cell in report.cells):
        return findings
    note = "（表格有未读出的单元格，请人工核对此项）"
    return [
        f.model_copy(update={"severity": Severity.WARNING, "message": f.message + note})
        if f.is_error and f.rule.startswith("narrative.")
        else f
        for f in findings
    ]
