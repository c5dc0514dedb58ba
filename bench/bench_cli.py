"""Benchmark: how long the ``nianbao`` command takes as a whole process (start, imports, work, exit).

Run: .venv/bin/python bench/bench_cli.py [RUNS]
Times ``nianbao --help`` and ``nianbao check`` of one TXT report (corpus/luyi_2021.txt) and of the PDF,
each run as a new process the way a user runs it, and prints the median, the fastest and the slowest
wall-clock time against the targets of issue 16 (--help ≤ 0.2 s, check of one TXT ≤ 0.35 s), and the
median CPU time (user + system) of the process and its children: on a busy machine the wall clock waits for
a core, the CPU time does not, so it is the figure to trust there. A bare ``python -c pass`` is timed beside
them: the interpreter's own start, which no change here can remove.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NIANBAO = Path(sys.executable).with_name("nianbao")
CASES = {
    "python -c pass": ([sys.executable, "-c", "pass"], None),
    "nianbao --help": ([str(NIANBAO), "--help"], 0.2),
    "nianbao check TXT": ([str(NIANBAO), "check", str(ROOT / "corpus" / "luyi_2021.txt")], 0.35),
    "nianbao check PDF": ([str(NIANBAO), "check", str(ROOT / "corpus" / "huaian_2024.pdf")], None),
}


def timed(command: list[str]) -> tuple[float, float]:
    """One run's wall-clock and CPU seconds (the command and its children); the command must succeed."""
    before, start = os.times(), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall, after = time.perf_counter() - start, os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(runs: int) -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<20} {'median':>8} {'min':>8} {'max':>8} {'CPU':>8}  target   ({runs} runs each)")
    for name, (command, target) in CASES.items():
        timed(command)  # the first run warms the file cache and writes .pyc files
        runs_timed = [timed(command) for _ in range(runs)]
        walls, cpu = [w for w, _ in runs_timed], statistics.median(c for _, c in runs_timed)
        median = statistics.median(walls)
        verdict = "" if target is None else f"≤ {target} s {'ok' if median <= target else 'MISSED'} (wall)"
        print(f"{name:<20} {median:>7.3f}s {min(walls):>7.3f}s {max(walls):>7.3f}s {cpu:>7.3f}s  {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
