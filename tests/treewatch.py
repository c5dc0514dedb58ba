"""Test helper: run a command and measure the peak memory of its whole process tree (workers included).

The resident set sizes of the process and all its descendants are summed every 20 ms from /proc
(pages shared between a parent and its forked worker count twice: the figure errs on the high side).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def tree_rss_mb(pid: int) -> float:
    total = 0
    for member in descendants(pid):
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024 / 1024


def run_measured(args: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> Measured:
    """Run ``python -m nianbao.cli ARGS`` (or ``args`` when it starts with an executable) and measure it."""
    command = args if args[0].startswith("/") else [sys.executable, "-m", "nianbao.cli", *args]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
    )
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            done.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        done.set()
        watcher.join()
        if process.poll() is None:
            process.kill()
    return Measured(process.returncode, stdout, stderr, peak[0], time.monotonic() - started)
