"""The word index (SQLite FTS5 over character pairs) scores by BM25 and follows every add, replace and removal:
after any sequence of them it answers, filters included, exactly as an index built afresh over the
reports left; the words of a question left out of the match are only its common ones."""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.kb import records
from nianbao.kb.lexical import tokenize
from nianbao.kb.models import StoredReport
from nianbao.kb.records import NewReport, Paragraph, RecordStore, ReportRows
from nianbao.readers import read_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PARAGRAPHS = [
    p for f in ("luyi_2021.txt", "shuyang_2025.md") for part in read_report(CORPUS / f).parts for p in part.paragraphs
]
TOKENS = [" ".join(tokenize(p)) for p in PARAGRAPHS]
QUERIES = ["依申请公开受理多少件", "政务新媒体 关停", "信息处理费", "行政复议 纠错", "政策解读", "公开 政府信息"]
AGENCIES = ["甲县人民政府", "乙市人民政府", "丙县人民政府"]
K1, B = 1.2, 0.75  # FTS5's bm25() defaults
SEED_REPORT = read_report(CORPUS / "luyi_2021.txt")

# A change: ("add", report number, first paragraph, paragraph count, agency) adds or replaces a report;
# ("remove", report number) removes it.
changes = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.integers(0, 12),
            st.integers(0, len(PARAGRAPHS) - 1),
            st.integers(1, 6),
            st.sampled_from(AGENCIES),
        ),
        st.tuples(st.just("remove"), st.integers(0, 12)),
    ),
    min_size=1,
    max_size=30,
)


def new_report(number: int, first: int, count: int, agency: str, version: int = 0) -> NewReport:
    """Report ``number`` (one body and year each) holding ``count`` paragraphs from ``first`` on."""
    report_id = f"r{number:02d}v{version}"
    rows = [(first + i) % len(PARAGRAPHS) for i in range(count)]
    parts = ["一" if row % 2 else "五" for row in rows]
    paragraphs = [
        Paragraph(f"{report_id}:{part}:{i}", part, i, "", PARAGRAPHS[row], TOKENS[row])
        for i, (row, part) in enumerate(zip(rows, parts, strict=True))
    ]
    stored = StoredReport(
        id=report_id,
        agency=agency,
        year=2000 + number,
        region=agency[:2],
        level=agency[1],
        format="2021",
        content_hash=report_id * 4,
        chunk_count=count,
    )
    return NewReport(stored, ReportRows.of(SEED_REPORT, [], paragraphs))


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as path:
        yield Path(path)


def apply(store: RecordStore, steps: list[tuple]) -> dict[int, NewReport]:
    """Apply the changes one by one, and return the reports that should be left."""
    live: dict[int, NewReport] = {}
    for version, step in enumerate(steps):
        number = step[1]
        old = live.pop(number, None)
        drop = [old.stored.id] if old else []
        if step[0] == "add":
            live[number] = new_report(*step[1:], version=version)
            store.write([live[number]], drop, None)
        elif old:
            store.remove(old.stored.id, None)
    return live


def answers(store: RecordStore) -> list[set[tuple[str, float]]]:
    results = []
    for query in QUERIES:
        for where in (None, {"agency": ["甲县人民政府"]}, {"part": ["五"], "agency": AGENCIES[1:]}, {"year": [2003]}):
            hits = store.search_words(tokenize(query), 1000, where)
            results.append({(i, round(score, 9)) for i, score in hits})
    return results


@settings(max_examples=25, deadline=None)
@given(steps=changes)
def test_after_any_adds_replaces_and_removals_the_index_answers_as_one_built_afresh(steps: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as path:
        changed = RecordStore(Path(path) / "changed.sqlite3")
        live = apply(changed, steps)
        fresh = RecordStore(Path(path) / "fresh.sqlite3")
        fresh.write(list(live.values()), [], None)
        paragraphs = sum(len(r.rows.paragraph_ids) for r in live.values())
        assert changed.paragraph_count() == fresh.paragraph_count() == paragraphs
        assert answers(changed) == answers(fresh)
        changed.close()
        fresh.close()


def test_filtered_searches_follow_each_change_made_here_or_by_another_process(folder: Path) -> None:
    """The paragraphs a filter keeps are kept between searches: a change here or by another connection to the
    file (as another process) must be seen by the next filtered search."""
    store, other = RecordStore(folder / "kb.sqlite3"), RecordStore(folder / "kb.sqlite3")
    steps = [("add", 1, 0, 6, AGENCIES[0]), ("add", 2, 3, 6, AGENCIES[1]), ("add", 3, 10, 4, AGENCIES[1])]
    steps += [("remove", 2), ("add", 1, 20, 5, AGENCIES[1]), ("add", 3, 30, 6, AGENCIES[0]), ("remove", 1)]
    live: dict[int, NewReport] = {}
    for version, step in enumerate(steps):
        answers(store)  # the filters' paragraphs taken before the change
        writer, number = (store, other)[version % 2], step[1]
        old = live.pop(number, None)
        if step[0] == "add":
            live[number] = new_report(*step[1:], version=version)
            writer.write([live[number]], [old.stored.id] if old else [], None)
        elif old:
            writer.remove(old.stored.id, None)
        fresh = RecordStore(folder / f"fresh{version}.sqlite3")
        fresh.write(list(live.values()), [], None)
        assert answers(store) == answers(fresh), step


def test_the_scores_are_bm25_and_leaving_out_the_words_in_half_the_paragraphs_changes_none(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert records.common_cutoff(len(PARAGRAPHS)) == len(PARAGRAPHS) / 2  # a small index: only those
    store = RecordStore(folder / "kb.sqlite3")
    report = new_report(1, 0, len(PARAGRAPHS), AGENCIES[0])
    store.write([report], [], None)
    documents = {p.id: _fts_words(p.tokens) for p in store.paragraphs(report.rows.paragraph_ids).values()}
    for query in QUERIES:
        words = tokenize(query)
        expected = _bm25(documents, words)
        found = dict(store.search_words(words, len(documents), None))
        relevant = {i: s for i, s in expected.items() if s > 1e-3}  # holding a word of at most half the paragraphs
        assert set(relevant) <= set(found)
        for chunk_id, score in relevant.items():
            assert found[chunk_id] == pytest.approx(score, rel=1e-6)
        assert all(expected[i] == pytest.approx(found[i], rel=1e-6, abs=1e-5) for i in found)


def test_the_common_words_of_a_question_are_left_out_of_the_match_unless_all_are(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "COMMON_WORD_FLOOR", 5)  # as in an index of thousands of paragraphs
    store = RecordStore(folder / "kb.sqlite3")
    report = new_report(1, 0, len(PARAGRAPHS), AGENCIES[0])
    store.write([report], [], None)
    stored = store.paragraphs(report.rows.paragraph_ids).values()
    holding = Counter(w for p in stored for w in set(_fts_words(p.tokens)))
    common = [w for w, n in holding.items() if n > records.common_cutoff(len(PARAGRAPHS))]
    assert common
    rare = next(w for w, n in holding.items() if n == 1)
    (only,) = store.search_words([*common, rare], 10, None)
    assert rare in _fts_words(store.paragraphs([only[0]])[only[0]].tokens)
    assert len(store.search_words(common, 10, None)) == 10  # all common: the rarest of them are matched


def test_chinese_is_found_by_its_words_where_unsegmented_text_is_not(folder: Path) -> None:
    store = RecordStore(folder / "kb.sqlite3")
    store.write([new_report(1, 0, len(PARAGRAPHS), AGENCIES[0])], [], None)
    best = store.search_words(tokenize("倒计时报警器"), 1, None)
    assert best and "倒计时报警器" in store.paragraphs([best[0][0]])[best[0][0]].text
    assert store.search_words(["线下依申请件倒计时报警器"], 1, None) == []  # a whole phrase is no word


def test_a_filter_on_a_field_the_index_does_not_keep_matches_nothing(folder: Path) -> None:
    store = RecordStore(folder / "kb.sqlite3")
    store.write([new_report(1, 0, 5, AGENCIES[0])], [], None)
    assert store.search_words(tokenize("信息处理费 政务公开"), 5, {"source": ["a.txt"]}) == []


def _fts_words(tokens: str) -> list[str]:
    """The words FTS5's unicode61 tokenizer makes of the space-separated tokens."""
    return re.findall(r"[^\W_]+", tokens.lower())


def _bm25(documents: dict[str, list[str]], query: list[str]) -> dict[str, float]:
    """FTS5's bm25(): Okapi BM25 with k1 1.2, b 0.75, each query word once, idf <= 0 counted as 1e-6."""
    total = len(documents)
    average = sum(len(words) for words in documents.values()) / total
    counts = {i: Counter(words) for i, words in documents.items()}
    scores = dict.fromkeys(documents, 0.0)
    for word in set(query):
        holding = sum(1 for c in counts.values() if word in c)
        idf = math.log((total - holding + 0.5) / (holding + 0.5)) if holding else 0.0
        idf = idf if idf > 0 else 1e-6
        for i, c in counts.items():
            if word in c:
                norm = K1 * (1 - B + B * len(documents[i]) / average)
                scores[i] += idf * c[word] * (K1 + 1) / (c[word] + norm)
    return {i: s for i, s in scores.items() if s > 0}
