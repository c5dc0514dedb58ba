"""Retrieval quality on the user-style query set (bench/retrieval_queries.json): a threshold, not a timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.kb.evaluation import RetrievalQuery, evaluate, load_queries
from nianbao.kb.service import KnowledgeBase, body_aliases
from nianbao.kb.variants import corpus_templates, write_reports
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


@pytest.fixture(scope="module")
def crowded_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The corpus among 200 reports of made-up bodies varied from it, as a store of many bodies holds."""
    folder = tmp_path_factory.mktemp("crowded")
    settings = Settings(_env_file=None, NIANBAO_DATA_DIR=folder / "store", CHROMA_HOST=None)  # type: ignore[call-arg]
    kb = KnowledgeBase(settings)
    kb.add(ROOT / "corpus")
    kb.add(write_reports(corpus_templates(ROOT / "corpus"), folder / "distractors", 200, seed=11))
    return kb


def test_among_200_other_bodies_hybrid_still_finds_90_percent_and_does_no_worse_than_either_method(
    crowded_kb: KnowledgeBase, queries: list[RetrievalQuery]
) -> None:
    hybrid, dense, lexical = (evaluate(crowded_kb, queries, mode, k=5) for mode in ("hybrid", "dense", "lexical"))
    assert hybrid.recall_at_k >= 0.9, hybrid.misses
    assert hybrid.recall_at_k >= max(dense.recall_at_k, lexical.recall_at_k)
    assert hybrid.mrr >= dense.mrr


def test_a_body_named_in_the_question_limits_the_hits_to_that_body(crowded_kb: KnowledgeBase) -> None:
    for question, body in (
        ("鹿邑县保留了多少个政务新媒体", "鹿邑县人民政府"),
        ("淮安的政策解读有什么问题", "淮安市人民政府"),
    ):
        hits = crowded_kb.search(question, k=10)
        assert hits and {h.agency for h in hits} == {body}, question


def test_a_question_naming_no_body_searches_every_body(crowded_kb: KnowledgeBase) -> None:
    hits = crowded_kb.search("政务新媒体保留了多少个", k=10)
    assert len({h.agency for h in hits}) > 1


def test_an_agency_filter_given_by_the_user_wins_over_a_body_named_in_the_question(crowded_kb: KnowledgeBase) -> None:
    hits = crowded_kb.search("鹿邑县政务公开存在的问题", k=5, agency="淮安市人民政府")
    assert hits and {h.agency for h in hits} == {"淮安市人民政府"}


@pytest.mark.parametrize(
    ("agency", "region", "aliases"),
    [
        ("鹿邑县人民政府", "鹿邑县", ["鹿邑县人民政府", "鹿邑县", "鹿邑"]),
        ("淮安市教育局", "淮安市", ["淮安市教育局", "淮安市", "淮安"]),
        ("和县人民政府", "和县", ["和县人民政府", "和县"]),
        ("国家税务总局", "国家税务总局", ["国家税务总局", "国家税务总局"]),
    ],
)
def test_a_body_is_named_in_full_by_its_place_or_by_its_place_without_the_unit(
    agency: str, region: str, aliases: list[str]
) -> None:
    assert body_aliases(agency, region) == aliases


def test_a_reopened_store_answers_at_once_and_warms_its_vectors_in_the_background(crowded_kb: KnowledgeBase) -> None:
    reopened = KnowledgeBase(crowded_kb.settings)
    question = "鹿邑县保留了多少个政务新媒体"
    assert reopened.search(question, k=3, mode="lexical") == crowded_kb.search(question, k=3, mode="lexical")
    reopened.warm_up().join(timeout=120)
    assert reopened.search(question, k=3) == crowded_kb.search(question, k=3)
