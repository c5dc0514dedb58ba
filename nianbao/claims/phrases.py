"""Phrases that claim a result of the tables as a whole: 均获维持, 均已办结, 无一被纠错, 未发生行政复议 …"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from nianbao.claims.counts import APP, REQ, REVIEW, SUITS, _sum
from nianbao.claims.text import Sentence
from nianbao.model import Report
from nianbao.schema import APPEAL_PARTS


@dataclass(frozen=True)
class PhraseSpec:
    """A phrase that claims something of the tables, and the cells that would contradict it."""

    name: str
    pattern: re.Pattern[str]
    contradiction: Callable[[Report, Sentence], tuple[str, int] | None]


def _appeal_rows_of(sentence: Sentence) -> tuple[str, ...]:
    has_review, has_suit = "复议" in sentence.text, bool(re.search("诉讼|起诉", sentence.text))
    if has_review != has_suit:
        return REVIEW if has_review else SUITS
    return REVIEW + SUITS


def _appeal_cells(report: Report, rows: tuple[str, ...], columns: tuple[str, ...]) -> tuple[str, int] | None:
    parts = [(f"{row} {column}", report.count(APP, row, column)) for row in rows for column in columns]
    bad = [(label, value) for label, value in parts if value > 0]
    if not bad:
        return None
    return "，".join(f"{label} {value}" for label, value in bad), sum(v for _, v in bad)


_APPEAL_WORDS = re.compile("复议|诉讼|起诉|案件|审结|应诉")


def _all_upheld(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if not _APPEAL_WORDS.search(sentence.text):
        return None
    # A case still pending (尚未审结) has not been upheld either.
    return _appeal_cells(report, _appeal_rows_of(sentence), ("结果纠正", "其他结果", "尚未审结"))


def _never_corrected(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if not _APPEAL_WORDS.search(sentence.text):
        return None
    return _appeal_cells(report, _appeal_rows_of(sentence), ("结果纠正",))


# “上年结转的 2 件申请已全部办结” speaks of last year's requests, not of this year's 四.
_LAST_YEARS_REQUESTS = re.compile(r"上一?年度?结转|结转的")


def _all_closed(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if _APPEAL_WORDS.search(sentence.text):
        return _appeal_cells(report, _appeal_rows_of(sentence), ("尚未审结",))
    carried = report.count(REQ, "四", "总计")
    if "申请" not in sentence.before + sentence.text or not carried or _LAST_YEARS_REQUESTS.search(sentence.text):
        return None
    return f"依申请公开 四 结转下年度继续办理 总计 {carried}", carried


def _rate_all_closed(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    """办结率100% speaks of requests: any carried over to next year contradicts it."""
    carried = report.count(REQ, "四", "总计")
    return (f"依申请公开 四 结转下年度继续办理 总计 {carried}", carried) if carried else None


def _no_appeals(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    match = _NO_APPEALS.search(sentence.text)
    scope = match.group() if match else sentence.text
    has_review, has_suit = "复议" in scope, bool(re.search("诉讼|起诉", scope))
    rows = (REVIEW if has_review else ()) + (SUITS if has_suit else ())
    counted = [(row, max(report.count(APP, row, "总计"), _sum(report, APP, (row,), APPEAL_PARTS))) for row in rows]
    cases = [(row, n) for row, n in counted if n > 0]
    if not cases:
        return None
    return "，".join(f"{row} 总计 {n}" for row, n in cases), sum(n for _, n in cases)


_NO_APPEALS = re.compile(
    r"(?:(?:未|没有|无)(?:发生|出现|收到|产生|涉及|被申请|被提起)[^，,；;。\d]{0,20}?|无一(?:件|起|例)?[^，,；;。\d]{0,12}?|无|没有)"
    r"(?:行政复议|行政诉讼)(?:[和及与、或](?:行政)?(?:复议|诉讼))?"
)

PHRASES: tuple[PhraseSpec, ...] = (
    PhraseSpec("均获维持", re.compile(r"(?:均|全部|都)(?:已|获|被|予以)?(?:得到)?维持|全部胜诉|均胜诉"), _all_upheld),
    PhraseSpec(
        "无被纠错", re.compile(r"(?:无|未|没有)(?:一)?(?:件|起|例)?(?:被|出现)?(?:纠错|纠正)|零纠错"), _never_corrected
    ),
    PhraseSpec(
        "全部办结",
        re.compile(
            r"(?:全部|均已?|全都|均)(?:依法(?:依规)?)?(?:按要求|按规定|依规)?(?:按时|及时|按期)?"
            r"(?:办结|答复|审结|结案|办理完成|办理完毕|处理完毕|处理完成)"
            r"|无一(?:件|起|例)?(?:未办结|积压|未答复)"
        ),
        _all_closed,
    ),
    PhraseSpec(
        "办结率100%",
        re.compile(r"办结率(?:为|达到?|是)?\s*(?:100(?:\.0+)?\s*[%％]|百分之百|百分之一百)"),
        _rate_all_closed,
    ),
    PhraseSpec("未发生行政复议、行政诉讼", _NO_APPEALS, _no_appeals),
)


@dataclass(frozen=True)
class Phrase:
    """A result-claiming phrase as written in a sentence, where it starts, and what it claims."""

    spec: PhraseSpec
    text: str
    start: int


@lru_cache(maxsize=4096)
def phrases_at(text: str) -> tuple[Phrase, ...]:
    """The result-claiming phrases of a sentence, each with its words and place, every one written (均已办结，全部
    按时答复: two), in reading order (cached)."""
    found = (Phrase(spec, match.group(), match.start()) for spec in PHRASES for match in spec.pattern.finditer(text))
    return tuple(sorted(found, key=lambda p: p.start))


def phrases_in(text: str) -> tuple[tuple[PhraseSpec, str], ...]:
    """The result-claiming phrases of a sentence, each with the words as written."""
    return tuple((p.spec, p.text) for p in phrases_at(text))


@dataclass(frozen=True)
class Contradiction:
    """A phrase the cells contradict, with the cells that do."""

    phrase: Phrase
    cells: str
    count: int


def contradictions(report: Report, sentence: Sentence) -> list[Contradiction]:
    """The phrases of a sentence the cells contradict (均获维持 with a case 尚未审结 …)."""
    found = []
    for phrase in phrases_at(sentence.text):
        cells = phrase.spec.contradiction(report, sentence)
        if cells:
            found.append(Contradiction(phrase, *cells))
    return found
