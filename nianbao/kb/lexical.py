"""Lexical search over Chinese: jieba tokens scored with BM25 (Okapi), held in memory.

BM25 over unsegmented Chinese scores zero (a whole sentence is one "word"), so texts are segmented by
jieba first. The scores are those of ``rank_bm25.BM25Okapi`` (same idf floor, k1 and b); the index is an
inverted index in numpy arrays so that a query touches only the postings of its terms, which keeps a
search at 100k chunks within a few milliseconds, with metadata filters applied as a mask.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

K1, B, EPSILON = 1.5, 0.75, 0.25
FILTER_FIELDS = ("agency", "year", "part", "level", "region", "report_id")
_DOMAIN_WORDS = (
    "依申请公开",
    "主动公开",
    "信息处理费",
    "政务新媒体",
    "政府网站",
    "行政复议",
    "行政诉讼",
    "政策解读",
    "政务公开",
    "保密审查",
    "年度报告",
    "放管服",
    "一网通办",
)
_STOPWORDS = frozenset("的了和与及等在是有为对中我这那其也都就还吗呢个把被") | {
    "我们",
    "多少",
    "哪些",
    "什么",
    "怎么",
    "如何",
}
_WORD = re.compile(r"\w")
_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, initialised once from the dictionary it ships (offline), with its logging silenced."""
    global _jieba_ready
    with _jieba_lock:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import jieba
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            for word in _DOMAIN_WORDS:
                jieba.add_word(word)
            _jieba_ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    """Search tokens of a Chinese text: jieba's search-mode words, lower-cased, without punctuation and stopwords."""
    words = _jieba().lcut_for_search(text, HMM=False)
    return [w.lower() for w in words if _WORD.search(w) and w not in _STOPWORDS]


@dataclass
class LexicalDoc:
    """One chunk as the lexical index sees it: its id, tokens and the metadata used by filters."""

    id: str
    tokens: Sequence[str]
    metadata: Mapping[str, str | int | float | bool]


class Bm25Index:
    """An in-memory BM25 index over chunks, with metadata filters."""

    def __init__(self, docs: Iterable[LexicalDoc] = ()) -> None:
        self._vocab: dict[str, int] = {}
        self._docs: dict[str, tuple[np.ndarray, np.ndarray, Mapping[str, str | int | float | bool]]] = {}
        self._dirty = True
        self.add(docs)

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, docs: Iterable[LexicalDoc]) -> None:
        """Add or replace chunks (the arrays are rebuilt at the next search)."""
        for doc in docs:
            counts = Counter(self._vocab.setdefault(t, len(self._vocab)) for t in doc.tokens)
            terms = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            freqs = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            self._docs[doc.id] = (terms, freqs, doc.metadata)
        self._dirty = True

    def remove(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            self._docs.pop(chunk_id, None)
        self._dirty = True

    def search(
        self, query: str, n: int, where: Mapping[str, Sequence[str | int]] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` best chunks for a query as (id, score), best first; only chunks matching ``where``."""
        self._build()
        if not self._ids:
            return []
        scores, matched = self._score(tokenize(query))
        candidates = np.flatnonzero(matched & self._mask(where))
        if len(candidates) > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in ordered]

    def mask(self, where: Mapping[str, Sequence[str | int]] | None) -> np.ndarray:
        """Which chunks (in index order) match the filters."""
        self._build()
        return self._mask(where)

    def ids_in(self, mask: np.ndarray) -> list[str]:
        return [self._ids[i] for i in np.flatnonzero(mask)]

    def row(self, chunk_id: str) -> int | None:
        """The chunk's position in index order (None when it is not indexed)."""
        self._build()
        return self._rows.get(chunk_id)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25Okapi scores of every chunk, in index order."""
        return self._score(query_tokens)[0]

    def _score(self, query_tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Scores, and which chunks contain a query term (a common term can score below zero)."""
        self._build()
        scores = np.zeros(len(self._ids))
        matched = np.zeros(len(self._ids), dtype=bool)
        for token, repeats in Counter(query_tokens).items():
            term = self._vocab.get(token)
            if term is None or term >= len(self._idf):
                continue
            start, end = self._offsets[term], self._offsets[term + 1]
            rows, tf = self._post_rows[start:end], self._post_tf[start:end]
            norm = K1 * (1 - B + B * self._lengths[rows] / self._avgdl)
            scores[rows] += repeats * self._idf[term] * tf * (K1 + 1) / (tf + norm)
            matched[rows] = True
        return scores, matched

    def _mask(self, where: Mapping[str, Sequence[str | int]] | None) -> np.ndarray:
        mask = np.ones(len(self._ids), dtype=bool)
        for field, allowed in (where or {}).items():
            values, codes = self._columns.get(field) or self._column(field)
            wanted = [values[str(v)] for v in allowed if str(v) in values]
            mask &= np.isin(codes, np.array(wanted, dtype=np.int64))
        return mask

    def _column(self, field: str) -> tuple[dict[str, int], np.ndarray]:
        """A metadata field as integer codes per chunk (comparing integers is far cheaper than strings)."""
        values: dict[str, int] = {}
        codes = [values.setdefault(str(meta.get(field, "")), len(values)) for _t, _f, meta in self._docs.values()]
        self._columns[field] = (values, np.array(codes, dtype=np.int64))
        return self._columns[field]

    def _build(self) -> None:
        if not self._dirty:
            return
        self._ids = list(self._docs)
        entries = list(self._docs.values())
        self._lengths = np.array([f.sum() for _t, f, _m in entries], dtype=np.float64)
        self._avgdl = float(self._lengths.mean()) if entries else 1.0
        self._avgdl = self._avgdl or 1.0
        self._build_postings([t for t, _f, _m in entries], [f for _t, f, _m in entries])
        self._rows = {chunk_id: i for i, chunk_id in enumerate(self._ids)}
        self._columns: dict[str, tuple[dict[str, int], np.ndarray]] = {}
        for field in FILTER_FIELDS:
            self._column(field)
        self._dirty = False

    def _build_postings(self, terms: list[np.ndarray], freqs: list[np.ndarray]) -> None:
        vocab_size = len(self._vocab)
        if not terms:
            self._offsets, self._post_rows, self._post_tf = (
                np.zeros(vocab_size + 1, np.int64),
                np.zeros(0, np.int64),
                np.zeros(0),
            )
            self._idf = np.zeros(vocab_size)
            return
        all_terms = np.concatenate(terms)
        all_rows = np.repeat(np.arange(len(terms)), [len(t) for t in terms])
        order = np.argsort(all_terms, kind="stable")
        self._post_rows, self._post_tf = all_rows[order], np.concatenate(freqs)[order]
        doc_freq = np.bincount(all_terms, minlength=vocab_size)
        self._offsets = np.concatenate([[0], np.cumsum(doc_freq)])
        self._idf = _okapi_idf(doc_freq, len(terms))


def _okapi_idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """rank_bm25's BM25Okapi idf: log((N-n+0.5)/(n+0.5)), negative values floored at epsilon x mean idf."""
    present = doc_freq > 0
    idf = np.zeros(len(doc_freq))
    idf[present] = np.log(n_docs - doc_freq[present] + 0.5) - np.log(doc_freq[present] + 0.5)
    average = idf[present].sum() / max(int(present.sum()), 1)
    idf[present & (idf < 0)] = EPSILON * average
    return idf
