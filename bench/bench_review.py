"""Benchmark: review a draft against last year's report, both text files (target ≤ 0.5 s).

Run: .venv/bin/python bench/bench_review.py [ROUNDS]
Prints, for each pair, the time to read both files, to review, to render the HTML page, and the
whole (read + review), cold (first run in the process) and warm (median of ROUNDS runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.readers import read_report  # noqa: E402
from nianbao.review import review  # noqa: E402
from nianbao.review_html import render_review  # noqa: E402

TARGET_SECONDS = 0.5
PAIRS = {
    "鹿邑 2022 草稿 对 2021（TXT）": (
        ROOT / "tests/fixtures/review/luyi_2022_draft.txt",
        ROOT / "corpus/luyi_2021.txt",
    ),
    "沭阳 2025 对 鹿邑 2021（MD/TXT）": (ROOT / "corpus/shuyang_2025.md", ROOT / "corpus/luyi_2021.txt"),
    "沭阳 2025 对 自身（MD，版本比对）": (ROOT / "corpus/shuyang_2025.md", ROOT / "corpus/shuyang_2025.md"),
}


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def whole(draft: Path, previous: Path) -> None:
    review(read_report(draft), read_report(previous))


def bench_pair(name: str, draft: Path, previous: Path, rounds: int) -> float:
    cold = timed(lambda: whole(draft, previous))
    reads = [timed(lambda: (read_report(draft), read_report(previous))) for _ in range(rounds)]
    a, b = read_report(draft), read_report(previous)
    reviews = [timed(lambda: review(a, b)) for _ in range(rounds)]
    result = review(a, b)
    pages = [timed(lambda: render_review(result)) for _ in range(rounds)]
    totals = [timed(lambda: whole(draft, previous)) for _ in range(rounds)]
    warm = statistics.median(totals)
    print(f"{name}: {len(result.items)} 项，{sum(c.changed for c in result.cells)} 个单元格有变化")
    print(f"  读取两份报告 {statistics.median(reads) * 1000:7.1f} ms")
    print(f"  审阅         {statistics.median(reviews) * 1000:7.1f} ms")
    print(f"  生成网页     {statistics.median(pages) * 1000:7.1f} ms（{len(render_review(result)) // 1024} KB）")
    target = f"目标 ≤ {TARGET_SECONDS * 1000:.0f} ms"
    print(f"  读取+审阅    {warm * 1000:7.1f} ms（中位数，{rounds} 次）；首次 {cold * 1000:.1f} ms；{target}")
    return max(warm, cold)


def main(rounds: int = 20) -> int:
    worst = max(bench_pair(name, draft, previous, rounds) for name, (draft, previous) in PAIRS.items())
    verdict = "达标" if worst <= TARGET_SECONDS else "未达标"
    print(f"最慢一次 {worst * 1000:.1f} ms：{verdict}（目标 ≤ {TARGET_SECONDS * 1000:.0f} ms）")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
