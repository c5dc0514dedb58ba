"""Benchmark: reports checked per second (read + check), one process, for TXT, HTML, DOCX and PDF.

Run: .venv/bin/python bench/bench_checker.py [SECONDS_PER_FORMAT]
Inputs: TXT corpus/luyi_2021.txt; PDF corpus/huaian_2024.pdf; DOCX the seed written by
nianbao.writers.docx.write_docx (python-docx if that writer is missing); HTML a table version
of the seed made here. Each input is first read back and compared cell by cell with its source,
so the figures are for reports read right. Prints reports/s by wall clock and by CPU time (the
CPU figure is the one to trust on a busy machine) against the targets of issue 2.
"""

from __future__ import annotations

import html
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.checker import check_report  # noqa: E402
from nianbao.model import Report  # noqa: E402
from nianbao.readers import read_report, read_report_bytes  # noqa: E402
from nianbao.schema import APPEAL_COLUMNS, REQUEST_COLUMNS, TableId, rows_of  # noqa: E402

SEED = ROOT / "corpus" / "luyi_2021.txt"
PDF = ROOT / "corpus" / "huaian_2024.pdf"
TARGETS = {"TXT": 200.0, "HTML": 200.0, "DOCX": 20.0, "PDF": 10.0}


def seed_html(report: Report) -> bytes:
    """The seed as a government web page: paragraphs and three <table>s."""
    body = [f"<h1>{html.escape(report.title)}</h1>"]
    for part in report.ordered_parts():
        body.append(f"<p><strong>{html.escape(part.heading)}</strong></p>")
        table = {"二": TableId.ACTIVE, "三": TableId.REQUESTS, "四": TableId.APPEALS}.get(part.number)
        if table is None:
            body.extend(f"<p>{html.escape(p)}</p>" for p in part.paragraphs)
        else:
            body.append(_table_html(report, table))
    page = "<html><head><meta charset='utf-8'></head><body>" + "\n".join(body) + "</body></html>"
    return page.encode("utf-8")


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td><p><span>{html.escape(c)}</span></p></td>" for c in cells) + "</tr>"


def _shown(report: Report, table: TableId, row: str, column: str) -> str:
    value = report.value(table, row, column)
    return "" if value is None else str(value)


def _table_html(report: Report, table: TableId) -> str:
    rows: list[str] = []
    if table is TableId.APPEALS:
        rows.append(_row(["行政复议", "行政诉讼"]))
        rows.append(_row(["未经复议直接起诉", "复议后起诉"]))
        rows.append(_row(list(APPEAL_COLUMNS * 3)))
        specs = rows_of(report.format, table)
        rows.append(_row([_shown(report, table, s.key, c) for s in specs for c in s.columns]))
    else:
        if table is TableId.REQUESTS:
            rows.append(_row(["申请人情况", *REQUEST_COLUMNS]))
        for spec in rows_of(report.format, table):
            label = spec.label if spec.key not in ("一", "二", "四") else f"{spec.key}、{spec.label}"
            rows.append(_row([spec.group, label, *(_shown(report, table, spec.key, c) for c in spec.columns)]))
    return "<table border='1'>" + "".join(rows) + "</table>"


def seed_docx(report: Report) -> tuple[bytes, str]:
    """The seed as Word: our writer if it is there, else paragraphs and tables by python-docx."""
    try:
        from nianbao.writers.docx import write_docx
    except ImportError:
        return _plain_docx(), "python-docx（简单版）"
    return write_docx(report), "nianbao.writers.docx"


def _plain_docx() -> bytes:
    import docx

    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 1:
            document.add_paragraph(line)
            continue
        table = document.add_table(rows=1, cols=len(cells))
        for cell, text in zip(table.rows[0].cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def inputs() -> dict[str, tuple[str, bytes, str, Report]]:
    """Format -> (file name, bytes, where they come from, the report they must read as)."""
    seed = read_report(SEED)
    docx_bytes, docx_source = seed_docx(seed)
    return {
        "TXT": ("luyi_2021.txt", SEED.read_bytes(), "corpus/luyi_2021.txt", seed),
        "HTML": ("luyi_2021.html", seed_html(seed), "种子报告生成的 HTML 表格", seed),
        "DOCX": ("luyi_2021.docx", docx_bytes, docx_source, seed),
        "PDF": ("huaian_2024.pdf", PDF.read_bytes(), "corpus/huaian_2024.pdf", read_report(PDF)),
    }


def cells_of(report: Report) -> list[tuple[str, str, str, object]]:
    return [(c.table.value, c.row, c.column, c.value) for c in report.cells]


def measure(action: Callable[[], object], seconds: float) -> tuple[int, float, float]:
    """Run ``action`` for about ``seconds``: (runs, wall seconds, CPU seconds)."""
    action()  # warm up: imports and caches
    runs, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds or runs < 3:
        action()
        runs += 1
    return runs, time.perf_counter() - wall, time.process_time() - cpu


def main(seconds: float) -> int:
    print(f"read + check, one process, about {seconds:g} s per format\n")
    print(f"{'format':<6} {'reports':>7} {'wall/s':>8} {'cpu/s':>8} {'target':>7}  ok  input")
    all_ok = True
    for fmt, (name, data, source, expected) in inputs().items():
        readback = read_report_bytes(data, name)
        if cells_of(readback) != cells_of(expected):
            print(f"{fmt:<6} 读回的单元格与原报告不一致，跳过（{source}）")
            all_ok = False
            continue
        runs, wall, cpu = measure(lambda d=data, n=name: check_report(read_report_bytes(d, n)), seconds)
        wall_rate, cpu_rate = runs / wall, runs / max(cpu, 1e-9)
        ok, target = cpu_rate >= TARGETS[fmt], TARGETS[fmt]
        all_ok &= ok
        print(f"{fmt:<6} {runs:>7} {wall_rate:>8.1f} {cpu_rate:>8.1f} {target:>7g}  {'是' if ok else '否'}  {source}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0))
