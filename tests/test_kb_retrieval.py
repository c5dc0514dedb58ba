"""Retrieval quality on the user-style query set (bench/retrieval_queries.json): a threshold, not a timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.kb.evaluation import RetrievalQuery, evaluate, load_queries
from nianbao.kb.service import KnowledgeBase
from nianbao.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "retrieval_queries.json"


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    settings = Settings(_env_file=None, NIANBAO_DATA_DIR=tmp_path_factory.mktemp("kb"), CHROMA_HOST=None)  # type: ignore[call-arg]
    kb = KnowledgeBase(settings)
    kb.add(ROOT / "corpus")
    return kb


@pytest.fixture(scope="module")
def queries() -> list[RetrievalQuery]:
    return load_queries(QUERIES)


def test_the_query_set_has_at_least_40_queries_each_answered_in_the_corpus(
    corpus_kb: KnowledgeBase, queries: list[RetrievalQuery]
) -> None:
    assert len(queries) >= 40
    stored = {(r.agency, r.year) for r in corpus_kb.list()}
    assert all((q.agency, q.year) in stored for q in queries)
    for query in queries:
        detail = corpus_kb.show(
            next(r.id for r in corpus_kb.list() if (r.agency, r.year) == (query.agency, query.year))
        )
        text = detail.report.preamble if query.part == "前言" else detail.report.part_text(query.part)
        assert query.evidence.replace(" ", "") in text.replace(" ", ""), query.query


def test_hybrid_search_finds_the_answering_report_and_part_in_the_top_5_for_90_percent(
    corpus_kb: KnowledgeBase, queries: list[RetrievalQuery]
) -> None:
    scores = evaluate(corpus_kb, queries, "hybrid", k=5)
    assert scores.recall_at_k >= 0.9, scores.misses


def test_hybrid_search_puts_the_answering_paragraph_in_the_top_5_for_90_percent(
    corpus_kb: KnowledgeBase, queries: list[RetrievalQuery]
) -> None:
    assert evaluate(corpus_kb, queries, "hybrid", k=5).paragraph_recall_at_k >= 0.9
