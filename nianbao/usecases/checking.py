"""Checking a report: read within the configured limits, every figure checked by the rules, and a report that
compares a figure with last year (同比, 较上年) checked against last year's report, given or found in the knowledge
base's records. ``nianbao check`` and ``nianbao cells``, the review's reading and the admin page's preview of an
upload all go this one way.

Kept light to import: a check of one file is a whole process (bench/bench_cli.py), so the knowledge base's
look-up is given in and loaded only when a report states a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.checker import CheckResult, check_report
from nianbao.claims.changes import states_a_change
from nianbao.model import Report
from nianbao.readers.guard import read_report_bytes_guarded, read_report_guarded

if TYPE_CHECKING:
    from nianbao.kb.lastyear import LastYear
    from nianbao.readers import ReadLimits

__all__ = ["CheckResult", "Checked", "Checking"]

LastYearLookup = Callable[[str | None, int | None], "LastYear"]


@dataclass(frozen=True)
class Checked:
    """A report and its check. ``last_year``: which report of last year its 同比 were checked against, or why
    none was ('' when it compares nothing with last year, or last year's report was given)."""

    report: Report
    result: CheckResult
    last_year: str = ""

    @property
    def unread_cells(self) -> int:
        """Cells the reader could not read for sure (the rules involving them were not checked)."""
        return sum(1 for cell in self.report.cells if cell.unread)

    @property
    def missing(self) -> list[str]:
        """What the read could not give, in words (empty when the read is complete)."""
        return _what_is_missing(self.report)


class Checking:
    """Reading and checking reports within ``limits``; ``last_year`` finds a body's report of the year before
    (Knowledge.last_year: the records, read-only), or None to never look."""

    def __init__(self, limits: ReadLimits, last_year: LastYearLookup | None = None) -> None:
        self.limits = limits
        self._last_year = last_year

    def read(self, path: str | Path) -> Report:
        """A report file, in any format the readers take."""
        return read_report_guarded(path, self.limits)

    def read_upload(self, data: bytes, name: str) -> Report:
        """A report from an uploaded file's bytes."""
        return read_report_bytes_guarded(data, name, self.limits)

    def check(self, report: Report, previous: Report | None = None) -> Checked:
        """Every rule on the report; its 同比 against ``previous``, else against last year's report in the
        knowledge base, looked for only when the report compares a figure with last year (most do not)."""
        note = ""
        if previous is None:
            previous, note = self._find_last_year(report)
        return Checked(report, check_report(report, previous), note)

    def _find_last_year(self, report: Report) -> tuple[Report | None, str]:
        if self._last_year is None or not states_a_change(report):
            return None, ""
        found = self._last_year(report.agency, report.year)
        if found.report is None:
            return None, f"{found.note}，未核对同比变化"
        return found.report, f"对照{found.note}"


def _what_is_missing(report: Report) -> list[str]:
    """What the read could not give: cells not read, lines not placed, rows not found, body or year."""
    missing = []
    unread = sum(1 for cell in report.cells if cell.unread)
    if unread:
        missing.append(f"{unread}/{len(report.cells)} 个单元格未读出")
    unplaced = [f for f in report.reader_findings if f.rule == "reader.unplaced"]
    if unplaced:
        missing.append(f"{len(unplaced)} 行数字无法对应到表格")
    rows = [f for f in report.reader_findings if f.rule == "structure.rows" and f.found == "0"]
    if rows:
        missing.append(f"{len(rows)} 个表格行没有找到")
    if not report.agency:
        missing.append("未识别机关名称")
    if not report.year:
        missing.append("未识别年度")
    return missing
