"""Rules 12 and 13 of domain.md: this year's report against last year's (``--previous``).

12. 本年 二（上年结转）= last year's 四（结转下年度继续办理）, per column: an error.
13. 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数: a warning (bodies recount).

Both only run when the previous report is the same body's report of the year before; otherwise
``crossyear.previous`` says why they were skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.model import Finding, Location, Report, Severity
from nianbao.rules import CheckContext, rule
from nianbao.schema import REQUEST_COLUMNS, ReportFormat, TableId

REQ, ACTIVE = TableId.REQUESTS, TableId.ACTIVE
DOCUMENT_ROWS = ("规章", "行政规范性文件")


# The place a body's name may be prefixed with one year and not the next (淮安市 洪泽区人民政府).
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:省|市|自治区|自治州|州|地区|盟)$")
# The shorter name must itself start with a place (洪泽区…), not be an office alone (人民政府).
_PLACE_START = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:省|市|自治区|自治州|州|地区|盟|县|区|旗|镇|乡|街道)")


def same_agency(a: str | None, b: str | None) -> bool:
    """The same body, also when one year's name is prefixed with its city (or province)."""
    if a is None or b is None:
        return True
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    prefix = longer[: len(longer) - len(shorter)]
    return longer.endswith(shorter) and bool(_PLACE_PREFIX.match(prefix)) and bool(_PLACE_START.match(shorter))


def previous_problems(report: Report, previous: Report) -> list[str]:
    """Why ``previous`` is not this body's report of the year before (empty when it is)."""
    problems = []
    if report.year is not None and previous.year is not None and previous.year != report.year - 1:
        problems.append(f"上一年度报告应为 {report.year - 1} 年度，提供的是 {previous.year} 年度")
    if not same_agency(report.agency, previous.agency):
        problems.append(f"上一年度报告的机关为“{previous.agency}”，与本报告“{report.agency}”不同")
    return problems


@rule("crossyear.previous")
def previous_is_last_year(ctx: CheckContext) -> Iterator[Finding]:
    """提供的上一年度报告应是同一机关上一年的报告。"""
    if ctx.previous is None:
        return
    for problem in previous_problems(ctx.report, ctx.previous):
        yield Finding(
            rule="crossyear.previous",
            severity=Severity.WARNING,
            location=Location(sentence=ctx.previous.title.replace("\n", " ") or None),
            expected=f"{ctx.report.agency or ''} {(ctx.report.year or 0) - 1} 年度报告",
            found=f"{ctx.previous.agency or ''} {ctx.previous.year or ''} 年度报告",
            message=f"{problem}，因此未做跨年度核对。",
        )


def _comparable(ctx: CheckContext) -> Report | None:
    previous = ctx.previous
    if previous is None or previous_problems(ctx.report, previous):
        return None
    return previous


@rule("crossyear.carryover")
def carryover(ctx: CheckContext) -> Iterator[Finding]:
    """本年“上年结转”应等于上年报告的“结转下年度继续办理”，逐列核对。"""
    previous = _comparable(ctx)
    if previous is None:
        return
    report = ctx.report
    for column in REQUEST_COLUMNS:
        if previous.cell(REQ, "四", column).unread or report.cell(REQ, "二", column).unread:
            continue  # the reader said which cells it could not read
        expected, found = previous.count(REQ, "四", column), report.count(REQ, "二", column)
        if expected != found:
            yield Finding(
                rule="crossyear.carryover",
                severity=Severity.ERROR,
                location=Location(table=REQ, row="二", row_label=report.row_label(REQ, "二"), column=column),
                expected=str(expected),
                found=str(found),
                message=(
                    f"“{column}”列：本年上年结转为 {found}，上一年度报告的结转下年度继续办理为 {expected}，两者应相等。"
                ),
            )


@rule("crossyear.valid_count")
def valid_count_follows(ctx: CheckContext) -> Iterator[Finding]:
    """现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数（规章、行政规范性文件）。"""
    previous = _comparable(ctx)
    report = ctx.report
    if previous is None or ReportFormat.F2019 in (report.format, previous.format):
        return
    for row in DOCUMENT_ROWS:
        figures = [
            previous.value(ACTIVE, row, "现行有效件数"),
            report.value(ACTIVE, row, "本年制发件数"),
            report.value(ACTIVE, row, "本年废止件数"),
            report.value(ACTIVE, row, "现行有效件数"),
        ]
        if not all(isinstance(f, int) for f in figures):
            continue  # a blank or odd cell is reported by the cell rules
        last, issued, repealed, valid = (int(f or 0) for f in figures)
        if last + issued - repealed != valid:
            yield _valid_finding(report, row, last, issued, repealed, valid)


def _valid_finding(report: Report, row: str, last: int, issued: int, repealed: int, valid: int) -> Finding:
    expected = last + issued - repealed
    return Finding(
        rule="crossyear.valid_count",
        severity=Severity.WARNING,
        location=Location(table=ACTIVE, row=row, row_label=row, column="现行有效件数"),
        expected=f"{expected}（上年 {last} + 制发 {issued} − 废止 {repealed}）",
        found=str(valid),
        message=(
            f"{row}：上年现行有效 {last} 件，本年制发 {issued} 件、废止 {repealed} 件，"
            f"现行有效应为 {expected} 件，表中为 {valid} 件；如有清理重新统计，请在正文说明。"
        ),
    )
