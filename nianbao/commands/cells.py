"""``nianbao cells FILE``: every table cell as CSV ``table,row,column,value``."""

from __future__ import annotations

import argparse
import csv
import io
import sys

from nianbao.commands import COMMANDS
from nianbao.model import Report
from nianbao.usecases.container import checking, configured_settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("cells", help=COMMANDS["cells"], description="按标准顺序输出每个单元格。")
    parser.add_argument("file", metavar="FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = checking(configured_settings()).read(args.file)
    sys.stdout.write(cells_csv(report))
    unread = sum(1 for cell in report.cells if cell.unread)
    if unread:
        print(f"注意：有 {unread} 个单元格未能确定读出（值为空），原因见 nianbao check 的提醒。", file=sys.stderr)
    return 0


def cells_csv(report: Report) -> str:
    """The report's cells in canonical order; blank cells have an empty value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for cell in report.cells:
        value = str(cell.value) if cell.value is not None else ("" if cell.is_blank else cell.raw)
        writer.writerow([cell.table.value, cell.row, cell.column, value])
    return out.getvalue()
