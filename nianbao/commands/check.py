"""``nianbao check FILE... [--previous LAST_YEAR] [--json]``.

Without ``--previous``, a report that compares a figure with last year (同比, 较上年) is checked against last
year's report of the same body in the knowledge base (NIANBAO_DATA_DIR, as ``nianbao review``), when it holds
one; the output says which report that was, or that none was found and no 同比 was checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from nianbao.commands import COMMANDS
from nianbao.errors import ReportReadError
from nianbao.model import Finding, Severity
from nianbao.usecases.checking import Checked, CheckResult
from nianbao.usecases.container import checking, configured_settings

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
    checks = checking(configured_settings())
    previous = checks.read(args.previous) if args.previous else None
    status = EXIT_OK
    for path in args.files:
        try:
            report = checks.read(path)
        except ReportReadError as e:
            _print_unreadable(path, e, args.json)
            status = EXIT_UNREADABLE
            continue
        checked = checks.check(report, previous)
        _print_result(path, checked, args.json)
        if not checked.result.ok and status == EXIT_OK:
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


def _print_result(path: str, checked: Checked, as_json: bool) -> None:
    """With which report of last year the 同比 were checked, or why none was (when the report states one)."""
    report, result = checked.report, checked.result
    if as_json:
        payload = result_payload(path, result)
        if checked.last_year:
            payload["last_year"] = checked.last_year
        print(json.dumps(payload, ensure_ascii=False))
        return
    print(f"== {path}")
    print(
        f"{report.agency or '（未识别机关）'} {report.year or '（未识别年度）'} 年度报告，{report.format.value} 年格式"
    )
    if checked.last_year:
        print(f"同比核对：{checked.last_year}")
    print(f"错误 {len(result.errors)} 项，提醒 {len(result.warnings)} 项")
    if checked.unread_cells:
        print(
            f"有 {checked.unread_cells}/{len(report.cells)} 个单元格未能确定读出，"
            "涉及它们的勾稽关系未核对（原因见下面的提醒）"
        )
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
