"""The knowledge base's vector index settings against Chroma's defaults: build cost and agreement with exact search.

    .venv/bin/python bench/bench_vector_index.py               # 5 000 varied reports, about 96 000 paragraphs
    .venv/bin/python bench/bench_vector_index.py --reports 500

The paragraphs of varied reports (nianbao/kb/variants.py) are embedded with the local embedding, then added to
a Chroma collection with each setting in turn (100 reports a call, as an add writes them). For each it prints
the CPU per 20 vectors (a report's paragraphs) spent building the index, and how many of the nearest 5 and 30
paragraphs Chroma returns are the exact nearest ones (by brute force), over the questions of
bench/retrieval_queries.json and 200 stored paragraphs slightly moved.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.kb.chunks import chunk_report  # noqa: E402
from nianbao.kb.embeddings import HashingEmbedder  # noqa: E402
from nianbao.kb.evaluation import load_queries  # noqa: E402
from nianbao.kb.ingest import embedding_text  # noqa: E402
from nianbao.kb.store import HNSW  # noqa: E402
from nianbao.kb.variants import corpus_templates, varied_reports  # noqa: E402
from nianbao.readers import read_report_bytes  # noqa: E402

SETTINGS: dict[str, dict[str, Any]] = {"Chroma's defaults": {"space": "cosine"}, "ours (nianbao.kb.store.HNSW)": HNSW}


def paragraph_vectors(reports: int) -> np.ndarray:
    embedder = HashingEmbedder()
    vectors = []
    for name, text in itertools.islice(varied_reports(corpus_templates(ROOT / "corpus"), 10**6, seed=3), reports):
        report = read_report_bytes(text.encode("utf-8"), name)
        texts = [embedding_text(report.agency or "", int(report.year or 0), c) for c in chunk_report(report)]
        vectors.append(embedder.embed_array(texts))
    return np.vstack(vectors)


def questions(stored: np.ndarray) -> np.ndarray:
    asked = HashingEmbedder().embed_array([q.query for q in load_queries(ROOT / "bench" / "retrieval_queries.json")])
    rng = np.random.default_rng(1)
    moved = stored[rng.choice(len(stored), 200, replace=False)] + 0.02 * rng.standard_normal((200, stored.shape[1]))
    return np.vstack([asked, moved.astype(np.float32)])


def measure(label: str, hnsw: dict[str, Any], stored: np.ndarray, asked: np.ndarray, exact: np.ndarray) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    with tempfile.TemporaryDirectory() as folder:
        client = chromadb.PersistentClient(path=folder, settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.create_collection("vectors", configuration=cast(Any, {"hnsw": hnsw}))
        ids = [str(i) for i in range(len(stored))]
        step = 2000  # about 100 reports
        cpu = time.process_time()
        for start in range(0, len(stored), step):
            collection.upsert(ids=ids[start : start + step], embeddings=stored[start : start + step])
        cpu = time.process_time() - cpu
        found = collection.query(query_embeddings=asked, n_results=30)["ids"]
    agreement = {k: _agreement(found, exact, k) for k in (5, 30)}
    print(
        f"  {label:<30} build CPU {cpu / len(stored) * 20 * 1000:5.2f} ms per 20 vectors"
        f"  nearest 5: {agreement[5]:.3f}  nearest 30: {agreement[30]:.3f}"
    )


def _agreement(found: list[list[str]], exact: np.ndarray, k: int) -> float:
    """The share of the exact nearest ``k`` that the index returned, on average over the questions."""
    shares = [len({int(i) for i in got[:k]} & set(best[:k])) / k for got, best in zip(found, exact, strict=True)]
    return float(np.mean(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=5000)
    args = parser.parse_args()
    stored = paragraph_vectors(args.reports)
    asked = questions(stored)
    unit = asked / np.linalg.norm(asked, axis=1, keepdims=True)
    exact = np.argsort(-(unit @ stored.T), axis=1)[:, :30]
    print(f"{len(stored)} paragraphs of {args.reports} reports, {len(asked)} questions:")
    for label, hnsw in SETTINGS.items():
        measure(label, hnsw, stored, asked, exact)


if __name__ == "__main__":
    main()
