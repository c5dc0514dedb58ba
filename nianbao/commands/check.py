"""``nianbao check FILE... [--previous LAST_YEAR] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from nianbao.checker import CheckResult, check_report
from nianbao.commands import COMMANDS
from nianbao.errors import ReportReadError
from nianbao.model import Finding, Report, Severity
from nianbao.readers.guard import read_report_guarded
from nianbao.settings import get_settings

EXIT_OK, EXIT_RULE_FAILED, EXIT_UNREADABLE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("check", help=COMMANDS["check"], description="读取报告并逐条核对规则。")
    parser.add_argument("files", nargs="+", metavar="FILE", help="报告文件（TXT、Markdown、HTML、DOCX、PDF）")
    parser.add_argument("--previous", metavar="LAST_YEAR_FILE", help="上一年度的报告，用于跨年度核对")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（每个文件一行一个对象）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    limits = get_settings().read_limits
    previous = read_report_guarded(args.previous, limits) if args.previous else None
    status = EXIT_OK
    for path in args.files:
        try:
            report = read_report_guarded(path, limits)
        except ReportReadError as e:
            _print_unreadable(path, e, args.json)
            status = EXIT_UNREADABLE
            continue
        result = check_report(report, previous)
        _print_result(path, report, result, args.json)
        if not result.ok and status == EXIT_OK:
            status = EXIT_RULE_FAILED
    return status


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


def _print_result(path: str, report: Report, result: CheckResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result_payload(path, result), ensure_ascii=False))
        return
    print(f"== {path}")
    print(
        f"{report.agency or '（未识别机关）'} {report.year or '（未识别年度）'} 年度报告，{report.format.value} 年格式"
    )
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
