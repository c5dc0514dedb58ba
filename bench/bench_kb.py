"""Knowledge-base benchmark: add throughput for text reports, and search latency at 1k and 100k chunks.

    .venv/bin/python bench/bench_kb.py                          # add 200 reports; search at 1k and 100k chunks
    .venv/bin/python bench/bench_kb.py --sizes 1000 --adds 100   # quick run

The store grows with realistic reports made by varying the real text reports in corpus/ (another body's
name, another year, other figures in the narrative, sentences reordered within paragraphs); they are
added through the normal ``KnowledgeBase.add``, so building the 100k store takes a few minutes (printed).
Search latency is measured with the default local embedding on an embedded store, over the queries in
bench/retrieval_queries.json, without filters and with agency, year, section and level filters.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.kb.evaluation import load_queries  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.kb.variants import corpus_templates, varied_reports, write_reports  # noqa: E402
from nianbao.settings import Settings  # noqa: E402

TEMPLATES = corpus_templates(ROOT / "corpus")


def bench_add(root: Path, count: int) -> None:
    paths = write_reports(TEMPLATES, root / "add-files", count, seed=1)
    kb = KnowledgeBase(_settings(root / "add-store"))
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    results = kb.add(paths)
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_before
    chunks = sum(r.report.chunk_count for r in results if r.report)
    print(f"add: {len(results)} text reports, {chunks} chunks in {elapsed:.2f} s (load average {_load()})")
    print(f"     {len(results) / elapsed:.1f} reports/s, {chunks / elapsed:.0f} chunks/s")
    print(f"     CPU time {cpu / len(results) * 1000:.0f} ms per report (this process and its workers)")


def grow(kb: KnowledgeBase, folder: Path, target: int, reports: Iterator[tuple[str, str]]) -> None:
    """Add varied reports (50 at a time, as files) until the store holds ``target`` chunks."""
    chunks = kb.stats().chunks
    while chunks < target:
        paths = []
        for name, text in itertools.islice(reports, 50):
            path = folder / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        for result in kb.add(paths):
            chunks += result.report.chunk_count if result.report else 0
            Path(result.path).unlink()


def bench_search(kb: KnowledgeBase, rounds: int) -> None:
    queries = [q.query for q in load_queries(ROOT / "bench" / "retrieval_queries.json")]
    start = time.perf_counter()
    kb.lexical_index().search("预热", 1)
    print(f"     lexical index built in {time.perf_counter() - start:.1f} s")
    filters = {
        "none": {},
        "agency": {"agency": "鹿邑县"},
        "year": {"year": 2024},
        "section": {"section": "五"},
        "level": {"level": "市"},
    }
    every: list[float] = []
    for label, kwargs in filters.items():
        times = _time_queries(kb, queries, rounds, kwargs)
        every.extend(times)
        print(
            f"     {label:<8} p50 {_pct(times, 50):6.1f} ms   p95 {_pct(times, 95):6.1f} ms   ({len(times)} searches)"
        )
    print(f"     {'all':<8} p50 {_pct(every, 50):6.1f} ms   p95 {_pct(every, 95):6.1f} ms")


def bench_search_after_add(kb: KnowledgeBase, folder: Path, reports: Iterator[tuple[str, str]]) -> None:
    """The first search after one more report is added (the index takes the new paragraphs in)."""
    name, text = next(reports)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    kb.add(path)
    start = time.perf_counter()
    kb.search("依申请公开 受理", k=5)
    print(f"     first search after adding one report: {(time.perf_counter() - start) * 1000:.1f} ms")
    path.unlink()


def _time_queries(kb: KnowledgeBase, queries: list[str], rounds: int, kwargs: dict) -> list[float]:
    times = []
    for query in queries * rounds:
        start = time.perf_counter()
        kb.search(query, k=5, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _pct(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] if len(values) > 1 else values[0]


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def _settings(folder: Path) -> Settings:
    """A benchmark store, changed as its local owner: an admin password exported in the shell does not apply."""
    return Settings(_env_file=None, NIANBAO_DATA_DIR=folder, CHROMA_HOST=None, NIANBAO_ADMIN_PASSWORD="")  # type: ignore[call-arg]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adds", type=int, default=200, help="text reports to add for the throughput figure")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 100_000], help="store sizes in chunks")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the query set per filter")
    parser.add_argument("--store", help="keep the grown search store in this folder (and reuse it next time)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if args.adds:
            bench_add(root, args.adds)
        kb = KnowledgeBase(_settings(Path(args.store) if args.store else root / "search-store"))
        kb.add(ROOT / "corpus")
        reports = varied_reports(TEMPLATES, 10**6, seed=3)
        (root / "grow").mkdir()
        for size in sorted(args.sizes):
            start = time.perf_counter()
            grow(kb, root / "grow", size, reports)
            stats = kb.stats()
            built = time.perf_counter() - start
            print(f"search at {stats.chunks} chunks ({stats.reports} reports; grown in {built:.0f} s; load {_load()}):")
            bench_search(kb, args.rounds)
            bench_search_after_add(kb, root / "grow", reports)


if __name__ == "__main__":
    main()
