"""Load benchmark: simulated users drafting at once while an admin adds reports (tests/test_load.py, larger).

Each user round: create a draft, fill its tables from a chat message (nianbao.intake), draft it offline
grounded on the knowledge base, search, save and reload. Prints throughput and latency, then checks that
no draft was lost or mixed up and that the knowledge base is consistent.

Run: .venv/bin/python bench/bench_load.py [--users 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from tests.test_load import CORPUS, assert_nothing_lost, run_load, variants  # noqa: E402


def own_store(data_dir: Path) -> tuple[KnowledgeBase, int]:
    """The benchmark's own knowledge base (a temporary folder), loaded with the corpus.

    It is changed as its local owner: an admin password exported in the shell (NIANBAO_ADMIN_PASSWORD)
    guards the real store, not this one, so it is set aside here rather than refusing every add.
    """
    kb = KnowledgeBase(Settings(NIANBAO_DATA_DIR=data_dir, NIANBAO_ADMIN_PASSWORD=""))  # type: ignore[call-arg,arg-type]
    kb.add(CORPUS)
    return kb, len(kb.list())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        kb, before = own_store(data_dir)
        reports = variants(Path(folder) / "reports", ["郸城县", "太康县", "沈丘县"], [2018, 2019, 2020, 2021])
        result = run_load(data_dir, reports, users=args.users, rounds=args.rounds, kb=kb)
        started = time.perf_counter()
        assert_nothing_lost(data_dir, result, args.users, args.rounds, before)
        checked = time.perf_counter() - started
    rounds = len(result.latencies)
    print(f"{args.users} users × {args.rounds} rounds, an admin adding {len(reports)} reports meanwhile (threads)")
    print(f"user rounds completed        {rounds} in {result.elapsed:.1f} s  → {rounds / result.elapsed:.2f} rounds/s")
    print(f"round latency                median {statistics.median(result.latencies):.2f} s   p95 {result.p95():.2f} s")
    print(f"reports added during load    {len(result.added)} (knowledge base {before} → {before + len(result.added)})")
    print(f"searches answered            {result.searches - result.empty_searches}/{result.searches}")
    print(f"errors                       {len(result.errors)}")
    print(f"drafts lost or mixed up      0 of {rounds} (checked in {checked:.1f} s); knowledge base consistent")


if __name__ == "__main__":
    main()
