"""Run every rule on a report and collect the findings, errors first."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nianbao.model import Finding, Report, Severity
from nianbao.rules import RULES, CheckContext, arithmetic, copying, crossyear, narrative, structure, years
from nianbao.schema import ReportFormat

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


def check_report(report: Report, previous: Report | None = None, facts: dict[str, int] | None = None) -> CheckResult:
    """Run all rules (never stopping at the first) and return the findings."""
    context = CheckContext(report=report, previous=previous, facts=facts or {})
    findings = list(report.reader_findings)
    for check in RULES.values():
        findings.extend(check(context))
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)
    return CheckResult(
        source=report.source,
        agency=report.agency,
        year=report.year,
        format=report.format,
        findings=findings,
    )
