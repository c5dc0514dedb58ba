"""The BM25 index takes adds, replaces and removals as they come: after any sequence of them it scores,
searches and filters exactly as an index built afresh over the chunks left (and as rank_bm25's BM25Okapi)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from nianbao.kb import lexical
from nianbao.kb.lexical import Bm25Index, LexicalDoc, tokenize
from nianbao.readers import read_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PARAGRAPHS = [
    p for f in ("luyi_2021.txt", "shuyang_2025.md") for part in read_report(CORPUS / f).parts for p in part.paragraphs
]
TOKENS = [tokenize(p) for p in PARAGRAPHS]
QUERIES = ["依申请公开受理多少件", "政务新媒体 关停", "信息处理费", "行政复议 纠错", "政策解读"]
AGENCIES = ["甲县人民政府", "乙市人民政府", "丙县人民政府"]

# A change: ("add", chunk number, paragraph, agency) adds or replaces a chunk; ("remove", chunk number).
changes = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.integers(0, 40),
            st.integers(0, len(PARAGRAPHS) - 1),
            st.sampled_from(AGENCIES),
        ),
        st.tuples(st.just("remove"), st.integers(0, 40)),
    ),
    min_size=1,
    max_size=60,
)


def doc(number: int, paragraph: int, agency: str) -> LexicalDoc:
    return LexicalDoc(f"c{number}", TOKENS[paragraph], {"agency": agency, "part": "一" if paragraph % 2 else "五"})


def apply(index: Bm25Index, steps: list[tuple]) -> dict[str, LexicalDoc]:
    """Apply the changes one by one to the index, and return the chunks that should be left (in add order)."""
    live: dict[str, LexicalDoc] = {}
    for step in steps:
        if step[0] == "add":
            added = doc(*step[1:])
            live.pop(added.id, None)  # a replaced chunk counts as added last
            live[added.id] = added
            index.add([added])
        else:
            live.pop(f"c{step[1]}", None)
            index.remove([f"c{step[1]}"])
    return live


@pytest.mark.parametrize("fresh_rows", [2, lexical.FRESH_ROWS])
@settings(max_examples=40, deadline=None)
@given(steps=changes)
def test_after_any_adds_and_removals_the_index_answers_as_one_built_afresh(fresh_rows: int, steps: list[tuple]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lexical, "FRESH_ROWS", fresh_rows)  # 2: sealed again and again; the default: never
        index = Bm25Index()
        live = apply(index, steps)
        fresh = Bm25Index(live.values())
        assert len(index) == len(live)
        for query in QUERIES:
            assert np.allclose(index.scores(tokenize(query)), fresh.scores(tokenize(query)))
            if any(d.tokens for d in live.values()):  # rank_bm25 divides by zero over a corpus without a word
                okapi = BM25Okapi([list(d.tokens) for d in live.values()])
                assert np.allclose(index.scores(tokenize(query)), okapi.get_scores(tokenize(query)))
            for where in (None, {"agency": ["甲县人民政府"]}, {"part": ["五"], "agency": AGENCIES[1:]}):
                assert _ranked(index.search(query, 5, where)) == _ranked(fresh.search(query, 5, where))
        assert sorted(index.select({"agency": ["乙市人民政府"]}).chunk_ids()) == sorted(
            d.id for d in live.values() if d.metadata["agency"] == "乙市人民政府"
        )


def _ranked(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(chunk_id, round(score, 9)) for chunk_id, score in hits]


def test_a_selection_keeps_answering_for_the_index_as_it_was_when_the_index_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lexical, "FRESH_ROWS", 2)
    index = Bm25Index(doc(n, n, AGENCIES[n % 3]) for n in range(30))
    selection = index.select({"agency": ["甲县人民政府"]})
    before = selection.chunk_ids()
    index.remove([f"c{n}" for n in range(0, 30, 2)])
    index.add(doc(n, n, "甲县人民政府") for n in range(30, 60))  # enough to seal again and renumber the rows
    assert index.select(None).chunk_ids()[0] == "c1"  # renumbered: c0 was row 0
    assert selection.chunk_ids() == before
    assert selection.allows("c3") and not selection.allows("c1") and not selection.allows("c31")


def test_a_filter_on_a_field_the_index_does_not_keep_matches_nothing() -> None:
    index = Bm25Index([doc(1, 1, AGENCIES[0])])
    assert index.search("信息处理费 政务公开", 5, {"source": ["a.txt"]}) == []
