"""``nianbao check FILE... [--previous LAST_YEAR] [--json]``.

Without ``--previous``, a report that compares a figure with last year (同比, 较上年) is checked against last
year's report of the same body in the knowledge base (NIANBAO_DATA_DIR, as ``nianbao review``), when it holds
one; the output says which report that was, or that none was found and no 同比 was checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nianbao.checker import CheckResult, check_report
from nianbao.claims.changes import states_a_change
from nianbao.commands import COMMANDS
from nianbao.errors import ReportReadError
from nianbao.model import Finding, Report, Severity
from nianbao.readers.guard import read_report_guarded
from nianbao.settings import get_settings

EXIT_OK, EXIT_RULE_FAILED, EXIT_UNREADABLE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("check", help=COMMANDS["check"], description="读取报告并逐条核对规则。")
    parser.add_argument("files", nargs="+", metavar="FILE", help="报告文件（TXT、Markdown、HTML、DOCX、PDF）")
    parser.add_argument(
        "--previous", metavar="LAST_YEAR_FILE", help="上一年度的报告，用于跨年度核对（默认从知识库中查找）"
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（每个文件一行一个对象）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    limits = settings.read_limits
    previous = read_report_guarded(args.previous, limits) if args.previous else None
    status = EXIT_OK
    for path in args.files:
        try:
            report = read_report_guarded(path, limits)
        except ReportReadError as e:
            _print_unreadable(path, e, args.json)
            status = EXIT_UNREADABLE
            continue
        last_year, note = (previous, "") if previous else _last_year(settings.data_dir, report)
        result = check_report(report, last_year)
        _print_result(path, report, result, args.json, note)
        if not result.ok and status == EXIT_OK:
            status = EXIT_RULE_FAILED
    return status


def _last_year(data_dir: Path, report: Report) -> tuple[Report | None, str]:
    """Last year's report from the knowledge base's records, looked for only when the report compares a figure
    with last year (most do not, and a check of one file stays fast: no knowledge base, no Chroma)."""
    if not states_a_change(report):
        return None, ""
    from nianbao.kb.lastyear import last_year_from_records

    found = last_year_from_records(data_dir, report)
    if found.report is None:
        return None, f"{found.note}，未核对同比变化"
    return found.report, f"对照{found.note}"


def _print_unreadable(path: str, error: ReportReadError, as_json: bool) -> None:
    if as_json:
        payload = {
            "file": path,
            "status": "unreadable",
            "reason": error.reason.value,
            "message": error.message,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"== {path}\n无法读取：{error.message}", file=sys.stdout)


def _print_result(path: str, report: Report, result: CheckResult, as_json: bool, last_year: str) -> None:
    """``last_year``: which report of last year the 同比 were checked against, or why none was ('': not asked)."""
    if as_json:
        payload = result_payload(path, result)
        if last_year:
            payload["last_year"] = last_year
        print(json.dumps(payload, ensure_ascii=False))
        return
    print(f"== {path}")
    print(
        f"{report.agency or '（未识别机关）'} {report.year or '（未识别年度）'} 年度报告，{report.format.value} 年格式"
    )
    if last_year:
        print(f"同比核对：{last_year}")
    print(f"错误 {len(result.errors)} 项，提醒 {len(result.warnings)} 项")
    unread = sum(1 for cell in report.cells if cell.unread)
    if unread:
        print(f"有 {unread}/{len(report.cells)} 个单元格未能确定读出，涉及它们的勾稽关系未核对（原因见下面的提醒）")
    for finding in result.findings:
        print(format_finding(finding))


def result_payload(path: str, result: CheckResult) -> dict[str, Any]:
    """The JSON object printed for one file."""
    return {
        "file": path,
        "status": "ok" if result.ok else "failed",
        "agency": result.agency,
        "year": result.year,
        "format": result.format.value,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in result.findings],
    }


def format_finding(finding: Finding) -> str:
    """One finding as two lines of text."""
    label = "错误" if finding.severity is Severity.ERROR else "提醒"
    figures = ""
    if finding.expected is not None or finding.found is not None:
        figures = f"  应为：{finding.expected or '—'}  实为：{finding.found or '—'}"
    return f"[{label}] {finding.rule}  {finding.location.describe()}{figures}\n    {finding.message}"
