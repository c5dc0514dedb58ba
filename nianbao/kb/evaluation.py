"""Retrieval quality: recall@k and MRR of the knowledge base's search on a set of user-style queries.

A hit answers a query when it comes from the query's report (body and year) and part; the stricter
paragraph measure also asks that the hit contains the query's evidence text.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from nianbao.kb.models import SearchHit
from nianbao.kb.service import KnowledgeBase, SearchMode

DEPTH = 10


class RetrievalQuery(BaseModel):
    """A question as a user would type it, and where the answer is."""

    query: str
    agency: str
    year: int
    part: str
    evidence: str = ""
    # Staff searching their own body's reports set the agency filter instead of naming the body.
    agency_filter: bool = False

    def answered_by(self, hit: SearchHit) -> bool:
        return (hit.agency, hit.year, hit.part) == (self.agency, self.year, self.part)

    def evidenced_by(self, hit: SearchHit) -> bool:
        return self.answered_by(hit) and self.evidence in hit.text


class RetrievalScores(BaseModel):
    """Recall@k and MRR (report and part), and recall@k of the very paragraph."""

    mode: str
    queries: int
    recall_at_k: float
    mrr: float
    paragraph_recall_at_k: float
    misses: list[str]


def load_queries(path: str | Path) -> list[RetrievalQuery]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [RetrievalQuery.model_validate(q) for q in data["queries"]]


def evaluate(kb: KnowledgeBase, queries: list[RetrievalQuery], mode: SearchMode, k: int = 5) -> RetrievalScores:
    """Run every query in one search mode and score the ranked hits."""
    found = paragraphs = 0
    reciprocal = 0.0
    misses = []
    for query in queries:
        hits = kb.search(query.query, k=DEPTH, mode=mode, agency=query.agency if query.agency_filter else None)
        rank = next((i for i, h in enumerate(hits, 1) if query.answered_by(h)), None)
        reciprocal += 1.0 / rank if rank else 0.0
        if rank is not None and rank <= k:
            found += 1
        else:
            misses.append(query.query)
        paragraphs += any(query.evidenced_by(h) for h in hits[:k])
    total = len(queries) or 1
    return RetrievalScores(
        mode=mode,
        queries=len(queries),
        recall_at_k=found / total,
        mrr=reciprocal / total,
        paragraph_recall_at_k=paragraphs / total,
        misses=misses,
    )
