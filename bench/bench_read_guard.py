"""Benchmark: what the time limit per file costs — a guarded read (worker process) against a direct read.

Run: .venv/bin/python bench/bench_read_guard.py [READS]
For each corpus file, READS reads (default 50) in this process and through the guard's worker, both
by fork (a single-threaded caller: the CLI) and by the fork server (a threaded caller: the app).
Prints the median and p95 per read and the overhead (guarded minus direct, medians), plus the cost of
starting the first worker, which is paid once per process. Then the same for facts files (this year's
figures, ``nianbao.intake.read_facts_bytes``): the seed's cells as a cells CSV and as XLSX.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.commands.cells import cells_csv  # noqa: E402
from nianbao.intake import read_facts_bytes  # noqa: E402
from nianbao.readers import read_report, read_report_bytes  # noqa: E402
from nianbao.readers.guard import ReadGuard  # noqa: E402

FILES = ["luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf"]


def timed(action: Callable[[], object], reads: int) -> list[float]:
    seconds = []
    for _ in range(reads):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def ms(value: float) -> str:
    return f"{value * 1000:7.2f} ms"


def facts_files() -> dict[str, bytes]:
    """This year's figures as users hand them in: the seed's cells as a cells CSV and as XLSX."""
    from openpyxl import Workbook

    text = cells_csv(read_report(ROOT / "corpus" / FILES[0]))
    book = Workbook()
    for line in text.splitlines():
        book.active.append(line.split(","))
    xlsx = io.BytesIO()
    book.save(xlsx)
    return {"cells_2021.csv": text.encode("utf-8"), "cells_2021.xlsx": xlsx.getvalue()}


def bench_file(
    name: str, data: bytes, guards: dict[str, ReadGuard], reads: int, reader: Callable[..., Any] = read_report_bytes
) -> None:
    direct = timed(lambda: reader(data, name), reads)
    print(f"{name} ({len(data) / 1024:.0f} KB), {reads} reads")
    print(f"  direct      median {ms(statistics.median(direct))}  p95 {ms(p95(direct))}")
    for method, guard in guards.items():
        if reader is read_report_bytes:  # the reports' own path (the size limit sent along)
            guarded = timed(lambda g=guard: g.read_bytes(data, name), reads)  # type: ignore[misc]
        else:
            guarded = timed(lambda g=guard: g.run(reader, data, name), reads)  # type: ignore[misc]
        overhead = statistics.median(guarded) - statistics.median(direct)
        print(
            f"  {method:<11} median {ms(statistics.median(guarded))}  p95 {ms(p95(guarded))}"
            f"  overhead {ms(overhead)} per read"
        )


def main() -> None:
    reads = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    guards = {method: ReadGuard(max_workers=1, start_method=method) for method in ("fork", "forkserver")}
    seed = (ROOT / "corpus" / FILES[0]).read_bytes()
    for method, guard in guards.items():
        start = time.perf_counter()
        guard.read_bytes(seed, FILES[0])
        print(f"first read through {method}, starting its worker: {ms(time.perf_counter() - start)}")
    try:
        for name in FILES:
            bench_file(name, (ROOT / "corpus" / name).read_bytes(), guards, reads)
        for name, data in facts_files().items():
            bench_file(name, data, guards, reads, read_facts_bytes)
    finally:
        for guard in guards.values():
            guard.close()


if __name__ == "__main__":
    main()
