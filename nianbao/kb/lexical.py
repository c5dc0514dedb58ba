"""Search tokens of Chinese text: jieba's words, for the word index (SQLite FTS5, nianbao.kb.records).

BM25 over unsegmented Chinese scores zero (a whole sentence is one "word"), so texts are segmented by
jieba first, in search mode (a long word also yields its shorter words: 依申请公开 -> 申请, 公开, 依申请公开),
and the index holds the tokens space-separated.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings

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
