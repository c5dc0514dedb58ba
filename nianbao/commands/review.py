"""``nianbao review DRAFT [--previous LAST_YEAR] [--json | --html OUT.html]``.

DRAFT and LAST_YEAR are report files (any format the readers take) or report ids in the
knowledge base. Without ``--previous``, last year's report of the same body is taken from the
knowledge base when it is there. Exit status: 0 no error, 1 errors found, 2 a report could not
be read.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from nianbao.commands import COMMANDS
from nianbao.commands.check import format_finding
from nianbao.errors import NianbaoError
from nianbao.model import Finding, Report
from nianbao.review import Review, ReviewItem
from nianbao.review_html import KIND_LABELS, MODE_LABELS
from nianbao.usecases.container import compose, configured_settings
from nianbao.usecases.reviewing import Reviewing

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "review",
        help=COMMANDS["review"],
        description="对照标准格式和上一年度报告审阅报告草稿：结构、数字、跨年度核对、内容雷同、上年度问题整改。",
    )
    parser.add_argument("draft", metavar="DRAFT", help="报告草稿文件，或知识库中的报告 ID")
    parser.add_argument("--previous", metavar="LAST_YEAR", help="上一年度报告文件或知识库 ID（默认从知识库中查找）")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="以 JSON 输出审阅结果")
    output.add_argument("--html", metavar="OUT.html", help="把审阅结果写成一个可直接打开的网页")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reviewing = compose(configured_settings()).reviewing
    draft = reviewing.read_file_or_stored(args.draft)
    previous = reviewing.read_file_or_stored(args.previous) if args.previous else _last_year(reviewing, draft)
    result = reviewing.review(draft, previous)
    if args.json:
        print(result.model_dump_json(exclude_none=True))
    elif args.html:
        _write_html(Path(args.html), reviewing.page_html(result), result)
    else:
        print_review(result)
    return EXIT_OK if result.ok else EXIT_ERRORS


def _last_year(reviewing: Reviewing, draft: Report) -> Report | None:
    previous, note = reviewing.last_year(draft)
    if note:
        print(f"提示：{note}", file=sys.stderr)
    return previous


def _write_html(path: Path, page: str, result: Review) -> None:
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as e:
        raise NianbaoError(f"无法写入审阅页面 {path}：{e.strerror}") from e
    print(f"已写入审阅页面：{path}（错误 {len(result.errors)} 项，提醒 {len(result.warnings)} 项）")


def print_review(result: Review) -> None:
    """The review as text: who, how, every item, the changed figures and the share copied."""
    print(f"== {result.source or '（未命名）'}")
    print(
        f"{result.agency or '（未识别机关）'} {result.year or '（未识别年度）'} 年度报告，{result.format.value} 年格式"
    )
    if result.previous_source or result.previous_year:
        print(f"对照报告：{result.previous_source or '（未命名）'}（{result.previous_year or '未识别'} 年度）")
    print(f"审阅方式：{MODE_LABELS[result.mode]}")
    print(f"错误 {len(result.errors)} 项，提醒 {len(result.warnings)} 项")
    for item in result.items:
        print(format_item(item))
    _print_changes(result)
    _print_copied(result)


def format_item(item: ReviewItem) -> str:
    """One review item as text: its kind, then the lines of a checker finding."""
    finding = Finding(
        rule=item.rule or item.kind.value,
        severity=item.severity,
        location=item.location,
        expected=item.expected,
        found=item.found,
        message=item.message,
    )
    return f"({KIND_LABELS[item.kind]}) {format_finding(finding)}"


def _print_changes(result: Review) -> None:
    changed = [c for c in result.cells if c.changed]
    if not changed:
        return
    print(f"\n数字变化 {len(changed)} 处（本年 | 上年 | 变化 | 变化率）：")
    for cell in changed:
        percent = "—" if cell.percent is None else f"{cell.percent:+.1f}%"
        change = "—" if cell.change is None else f"{cell.change:+}"
        now = cell.current if cell.current is not None else (cell.current_raw or "空白")
        was = cell.previous if cell.previous is not None else (cell.previous_raw or "空白")
        print(f"  {cell.table.value} / {cell.row_label} / {cell.column}：{now} | {was} | {change} | {percent}")


def _print_copied(result: Review) -> None:
    if result.mode != "last_year":
        return
    shares = "，".join(f"第{p.number}部分 {p.copied_share:.0%}" for p in result.parts)
    if shares:
        print(f"\n与上年报告相同的文字：{shares}")
