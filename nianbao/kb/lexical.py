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
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

K1, B, EPSILON = 1.5, 0.75, 0.25
FRESH_ROWS = 2000  # new or removed rows kept outside the sealed postings before everything is sealed again
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


@dataclass(frozen=True)
class Selection:
    """The chunks that pass a filter, as the index held them when it was asked (later changes do not shift it)."""

    mask: np.ndarray
    _ids: Sequence[str]
    _rows: Mapping[str, int]

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    def chunk_ids(self) -> list[str]:
        return [self._ids[int(row)] for row in np.flatnonzero(self.mask)]

    def allows(self, chunk_id: str) -> bool:
        row = self._rows.get(chunk_id)
        return row is not None and row < len(self.mask) and bool(self.mask[row])


class _Postings:
    """The inverted lists of a run of rows: for each term, the rows that contain it and how often."""

    def __init__(self, first_row: int, terms: Sequence[np.ndarray], freqs: Sequence[np.ndarray], vocab: int) -> None:
        self.vocab = vocab
        if not terms:
            self.offsets, self.rows, self.freqs = np.zeros(vocab + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
            return
        all_terms = np.concatenate(terms)
        all_rows = np.repeat(np.arange(first_row, first_row + len(terms)), [len(t) for t in terms])
        order = np.argsort(all_terms, kind="stable")
        self.rows, self.freqs = all_rows[order], np.concatenate(freqs)[order]
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(all_terms, minlength=vocab))])

    def of(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        if term >= self.vocab:
            return self.rows[:0], self.freqs[:0]
        start, end = self.offsets[term], self.offsets[term + 1]
        return self.rows[start:end], self.freqs[start:end]


class Bm25Index:
    """An in-memory BM25 index over chunks, with metadata filters, that takes adds and removals as they come.

    Chunks are rows, in the order added. The postings of most rows are built in one pass (the sealed rows);
    rows added since have postings of their own, rebuilt at the next search (cheap while they are few), and
    a removed row is only marked dead. When the new or dead rows pass a fifth of the index, everything is
    sealed again without the dead rows. Document frequencies and lengths follow every change, so the scores
    are always BM25Okapi's over the live chunks; one add to a 100k-chunk index costs milliseconds, not the
    seconds of a rebuild.
    """

    def __init__(self, docs: Iterable[LexicalDoc] = ()) -> None:
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._docs: list[tuple[np.ndarray, np.ndarray]] = []
        self._lengths = array("d")
        self._alive = bytearray()
        self._codes: dict[str, tuple[dict[str, int], array[int]]] = {f: ({}, array("q")) for f in FILTER_FIELDS}
        self._df = np.zeros(0, np.int64)
        self._live, self._total_length, self._dead = 0, 0.0, 0
        self._seal()
        self.add(docs)

    def __len__(self) -> int:
        return self._live

    def add(self, docs: Iterable[LexicalDoc]) -> None:
        """Add chunks (a chunk id already present is replaced)."""
        with self._lock:
            for doc in docs:
                self._remove_one(doc.id)
                self._append(doc)
            self._changed()

    def remove(self, ids: Iterable[str]) -> None:
        with self._lock:
            for chunk_id in ids:
                self._remove_one(chunk_id)
            self._changed()

    def search(
        self, query: str, n: int, where: Mapping[str, Sequence[str | int]] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` best chunks for a query as (id, score), best first; only chunks matching ``where``."""
        tokens = tokenize(query)
        with self._lock:
            scores, matched = self._score(tokens)
            candidates = np.flatnonzero(matched & self._mask(where))
            if len(candidates) > n:
                candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
            ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
            return [(self._ids[i], float(scores[i])) for i in ordered]

    def select(self, where: Mapping[str, Sequence[str | int]] | None) -> Selection:
        """The chunks that match the filters."""
        with self._lock:
            return Selection(self._mask(where), self._ids, self._rows)

    def values(self, field: str) -> set[str]:
        """The values of a filter field among the live chunks (e.g. the reports indexed)."""
        with self._lock:
            values, _codes = self._codes[field]
            present = set(np.unique(self._array(field)[self._alive_array()]).tolist())
            return {value for value, code in values.items() if code in present}

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25Okapi scores of every live chunk, in the order they were added."""
        with self._lock:
            return self._score(query_tokens)[0][self._alive_array()]

    # -- rows --------------------------------------------------------------------------------------------

    def _append(self, doc: LexicalDoc) -> None:
        counts = Counter(self._vocab.setdefault(t, len(self._vocab)) for t in doc.tokens)
        terms = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        freqs = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if len(self._vocab) > len(self._df):
            self._df = np.concatenate([self._df, np.zeros(len(self._vocab) - len(self._df) + 1024, np.int64)])
        self._df[terms] += 1
        self._rows[doc.id] = len(self._ids)
        self._ids.append(doc.id)
        self._docs.append((terms, freqs))
        length = float(freqs.sum())
        self._lengths.append(length)
        self._alive.append(1)
        self._live += 1
        self._total_length += length
        for field, (values, codes) in self._codes.items():
            codes.append(values.setdefault(str(doc.metadata.get(field, "")), len(values)))

    def _remove_one(self, chunk_id: str) -> None:
        row = self._rows.pop(chunk_id, None)
        if row is None:
            return
        terms, freqs = self._docs[row]
        self._df[terms] -= 1
        self._alive[row] = 0
        self._live -= 1
        self._total_length -= float(freqs.sum())
        self._dead += 1

    def _changed(self) -> None:
        """After adds or removes: seal when the new or dead rows are many, else rebuild only the new rows' postings."""
        if len(self._ids) - self._sealed_rows + self._dead > max(FRESH_ROWS, len(self._ids) // 5):
            self._seal()
        fresh = self._docs[self._sealed_rows :]
        self._tail = _Postings(self._sealed_rows, [t for t, _f in fresh], [f for _t, f in fresh], len(self._vocab))
        self._arrays: dict[str, np.ndarray] = {}
        self._idf_cache: np.ndarray | None = None

    def _seal(self) -> None:
        """Drop the dead rows (numbering the rest anew, in order) and build the postings of all rows in one pass.

        The row lists are replaced, not changed in place, so that a Selection made before still reads right."""
        kept = [row for row, alive in enumerate(self._alive) if alive]
        if len(kept) < len(self._ids):
            self._ids = [self._ids[row] for row in kept]
            self._rows = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self._docs = [self._docs[row] for row in kept]
            self._lengths = array("d", (self._lengths[row] for row in kept))
            self._alive = bytearray(b"\x01" * len(kept))
            self._codes = {
                f: (values, array("q", (codes[r] for r in kept))) for f, (values, codes) in self._codes.items()
            }
        self._sealed = _Postings(0, [t for t, _f in self._docs], [f for _t, f in self._docs], len(self._vocab))
        self._sealed_rows, self._dead = len(self._ids), 0

    # -- scoring and filters -------------------------------------------------------------------------------

    def _score(self, query_tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Scores, and which live chunks contain a query term (a common term can score below zero)."""
        size = len(self._ids)
        scores, matched = np.zeros(size), np.zeros(size, dtype=bool)
        if not self._live:
            return scores, matched
        idf, lengths = self._idf(), self._array("lengths")
        average = self._total_length / self._live or 1.0
        for token, repeats in Counter(query_tokens).items():
            term = self._vocab.get(token)
            if term is None:
                continue
            for rows, tf in (self._sealed.of(term), self._tail.of(term)):
                norm = K1 * (1 - B + B * lengths[rows] / average)
                scores[rows] += repeats * idf[term] * tf * (K1 + 1) / (tf + norm)
                matched[rows] = True
        return scores, matched & self._alive_array()

    def _idf(self) -> np.ndarray:
        if self._idf_cache is None:
            self._idf_cache = _okapi_idf(self._df, self._live)
        return self._idf_cache

    def _mask(self, where: Mapping[str, Sequence[str | int]] | None) -> np.ndarray:
        """Live rows whose fields hold one of the allowed values (a field the index does not keep: none)."""
        mask = self._alive_array().copy()
        for field, allowed in (where or {}).items():
            if field not in self._codes:
                return np.zeros_like(mask)
            values = self._codes[field][0]
            wanted = [values[str(v)] for v in allowed if str(v) in values]
            mask &= np.isin(self._array(field), np.array(wanted, dtype=np.int64))
        return mask

    def _alive_array(self) -> np.ndarray:
        if "alive" not in self._arrays:
            self._arrays["alive"] = np.frombuffer(bytes(self._alive), dtype=np.uint8).astype(bool)
        return self._arrays["alive"]

    def _array(self, name: str) -> np.ndarray:
        """Row lengths or a filter field's codes as a numpy array (copied once per change: they keep growing)."""
        if name not in self._arrays:
            if name == "lengths":
                self._arrays[name] = np.array(self._lengths, dtype=np.float64)
            else:
                self._arrays[name] = np.array(self._codes[name][1], dtype=np.int64)
        return self._arrays[name]


def _okapi_idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """rank_bm25's BM25Okapi idf: log((N-n+0.5)/(n+0.5)), negative values floored at epsilon x mean idf."""
    present = doc_freq > 0
    idf = np.zeros(len(doc_freq))
    idf[present] = np.log(n_docs - doc_freq[present] + 0.5) - np.log(doc_freq[present] + 0.5)
    average = idf[present].sum() / max(int(present.sum()), 1)
    idf[present & (idf < 0)] = EPSILON * average
    return idf
