"""Retrieval quality of the knowledge base: recall@5 and MRR, dense-only vs lexical-only vs hybrid.

    .venv/bin/python bench/bench_retrieval.py [--queries bench/retrieval_queries.json] [--distractors 200] [--misses]

Builds fresh knowledge bases in a temporary folder (default local embedding, offline) and scores every
mode on each: the three real reports of corpus/ alone, and the same with N reports of made-up bodies
varied from the real text reports (nianbao/kb/variants.py), as a store of many bodies holds. A hit counts
only when it comes from the real report and part that answer the query.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.kb.embeddings import LOCAL_DIMENSION, HashingEmbedder  # noqa: E402
from nianbao.kb.evaluation import evaluate, load_queries  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.kb.variants import corpus_templates, write_reports  # noqa: E402
from nianbao.settings import Settings  # noqa: E402

MODES = ("dense", "lexical", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(ROOT / "bench" / "retrieval_queries.json"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="print the queries each mode misses")
    parser.add_argument("--distractors", type=int, default=200, help="reports of made-up bodies in the second store")
    parser.add_argument(
        "--dimension", type=int, default=LOCAL_DIMENSION, help="the local embedding's dimension (to compare sizes)"
    )
    args = parser.parse_args()
    queries = load_queries(args.queries)
    print(f"{len(queries)} queries ({sum(q.agency_filter for q in queries)} with the agency filter)")
    for distractors in sorted({0, args.distractors}):
        with tempfile.TemporaryDirectory() as folder:
            kb = build_store(Path(folder), Path(args.corpus), distractors, args.dimension)
            embedding = f"{kb.embedder.name}, {kb.embedder.dimension} dims"
            print(f"\nstore: corpus + {distractors} distractor reports, {kb.stats().chunks} chunks, {embedding}")
            print(f"{'mode':<10}{f'recall@{args.k}':>10}{'MRR':>8}{f'para@{args.k}':>10}")
            for mode in MODES:
                scores = evaluate(kb, queries, mode, args.k)  # type: ignore[arg-type]
                line = f"{mode:<10}{scores.recall_at_k:>10.3f}{scores.mrr:>8.3f}{scores.paragraph_recall_at_k:>10.3f}"
                print(line)
                if args.misses:
                    for miss in scores.misses:
                        print(f"    miss: {miss}")


def build_store(folder: Path, corpus: Path, distractors: int, dimension: int = LOCAL_DIMENSION) -> KnowledgeBase:
    # A store of its own, changed as its local owner: an admin password exported in the shell does not apply.
    settings = Settings(_env_file=None, NIANBAO_DATA_DIR=folder / "store", CHROMA_HOST=None, NIANBAO_ADMIN_PASSWORD="")  # type: ignore[call-arg]
    kb = KnowledgeBase(settings, embedder=HashingEmbedder(dimension))
    kb.add(corpus)
    if distractors:
        kb.add(write_reports(corpus_templates(corpus), folder / "distractors", distractors, seed=11))
    return kb


if __name__ == "__main__":
    main()
