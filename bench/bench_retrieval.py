"""Retrieval quality of the knowledge base: recall@5 and MRR, dense-only vs lexical-only vs hybrid.

    .venv/bin/python bench/bench_retrieval.py [--queries bench/retrieval_queries.json] [--misses]

Builds a fresh knowledge base from corpus/ in a temporary folder (default local embedding, offline).
With ``--distractors N`` the store also holds N reports of made-up bodies varied from the real text
reports (see bench_kb.py); a hit still counts only when it comes from the real report that answers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_kb import write_reports  # noqa: E402

from nianbao.kb.evaluation import evaluate, load_queries  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", default=str(ROOT / "bench" / "retrieval_queries.json"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="print the queries each mode misses")
    parser.add_argument(
        "--distractors",
        type=int,
        default=0,
        help="also add N reports of other (made-up) bodies varied from the real text reports",
    )
    args = parser.parse_args()
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, NIANBAO_DATA_DIR=Path(folder), CHROMA_HOST=None)  # type: ignore[call-arg]
        kb = KnowledgeBase(settings)
        kb.add(args.corpus)
        if args.distractors:
            kb.add(write_reports(Path(folder) / "distractors", args.distractors, seed=11))
        print(f"{len(queries)} queries, {kb.stats().chunks} chunks, embedding {kb.embedder.name}")
        print(f"{'mode':<10}{f'recall@{args.k}':>10}{'MRR':>8}{f'para@{args.k}':>10}")
        for mode in ("dense", "lexical", "hybrid"):
            scores = evaluate(kb, queries, mode, args.k)  # type: ignore[arg-type]
            line = f"{mode:<10}{scores.recall_at_k:>10.3f}{scores.mrr:>8.3f}{scores.paragraph_recall_at_k:>10.3f}"
            print(line)
            if args.misses:
                for miss in scores.misses:
                    print(f"    miss: {miss}")


if __name__ == "__main__":
    main()
