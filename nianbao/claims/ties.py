"""Ties: the numbers of a sentence the engine relates to the tables, in one list for the drafter.

A tie is a count (受理 … 258 件, 予以公开 190 件, 行政复议 2 件，其中维持 1 件) or a share (占比 X%) with
the figures it may quote; also here: the 主动公开 row a number follows, and the phrases (均获维持 …)
the cells contradict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from nianbao.claims.counts import ClaimCheck, Expected, claims_in_sentence
from nianbao.claims.numbers import Approx
from nianbao.claims.phrases import contradictions
from nianbao.claims.shares import PercentCheck, percents_in_sentence
from nianbao.claims.text import CLAUSE_MARKS, in_paragraph
from nianbao.model import Report
from nianbao.schema import ReportFormat, RowSpec, TableId, rows_of

_CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_MARKS)}]")
_FULL_STOP = re.compile(r"[。！？!?\n]")
_ACTIVE_COLUMN_WORDS = re.compile(r"制发|废止|现行有效|新制作|新公开")
_COLUMN_WORDS = (
    ("本年制发件数", r"制发|出台|印发|新增|制定|发布"),
    ("本年废止件数", r"废止|宣布失效"),
    ("现行有效件数", r"现行有效"),
    ("本年新制作数量", r"新制作|制发|出台|印发|制定"),
    ("本年新公开数量", r"新公开"),
    ("对外公开总数量", r"对外公开总"),
)


@dataclass(frozen=True)
class Tie:
    """A number the narrative rules tie to the tables: what it quotes and the values it may take."""

    start: int
    end: int
    text: str
    label: str
    options: tuple[Expected, ...]
    agrees: bool
    percent: bool = False
    approx: Approx = Approx.EXACT
    count: ClaimCheck | None = None
    share: PercentCheck | None = None

    def expected_text(self) -> str:
        return " 或 ".join(dict.fromkeys(f"{o.label} {o.value}" for o in self.options))


def active_row_before(sentence: str, position: int, fmt: ReportFormat, before: str = "") -> RowSpec | None:
    """The 主动公开 row named last in the clause before ``position`` (规章, 行政许可, 行政事业性收费 …).

    A clause that names only a column (废止 8 件，现行有效 26 件) speaks of the row named before it, in
    this sentence or, after a ；, in the one before (``before``: the paragraph up to this sentence).
    """
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    row = _last_active_row(sentence[start:position], fmt)
    if row is None and _ACTIVE_COLUMN_WORDS.search(sentence[start:position]):
        row = _last_active_row(_FULL_STOP.split(before)[-1] + sentence[:start], fmt)
    return row


def active_column_named(sentence: str, position: int, row: RowSpec) -> str | None:
    """The column of a 主动公开 row that the clause before ``position`` names by its verb (制发, 废止, 现行有效 …)."""
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    clause = sentence[start:position]
    named = [
        (match.start(), column)
        for column, words in _COLUMN_WORDS
        if column in row.columns
        for match in re.finditer(words, clause)
    ]
    return max(named)[1] if named else None


def _last_active_row(text: str, fmt: ReportFormat) -> RowSpec | None:
    named = [(text.rfind(k), spec) for spec in rows_of(fmt, TableId.ACTIVE) for k in spec.keywords if k in text]
    return max(named, key=lambda item: item[0])[1] if named else None


def find_ties(sentence: str, report: Report, before: str = "", part: str | None = None) -> list[Tie]:
    """The numbers of a sentence the narrative rules tie to the tables (``before``: the paragraph so far)."""
    context = in_paragraph(sentence, before, part)
    counts = claims_in_sentence(report, context)
    ties = [_count_tie(c) for c in counts]
    ties += [_share_tie(p) for p in percents_in_sentence(report, context, counts)]
    return sorted(ties, key=lambda t: t.start)


def _count_tie(check: ClaimCheck) -> Tie:
    q = check.quantity
    return Tie(q.start, q.end, q.text, check.claim.name, check.options, check.agrees, False, q.approx, count=check)


def _share_tie(check: PercentCheck) -> Tie:
    q = check.quantity
    options = tuple(
        Expected(f"{p.label} ÷ {w.label}", 0) for p in check.parts for w in check.wholes
    )  # shares have no single value: the label says what was divided
    return Tie(q.start, q.end, q.text, check.subject, options, check.agrees, True, q.approx, share=check)


def contradicted_claims(sentence: str, report: Report, before: str = "") -> list[tuple[str, str]]:
    """Phrases (全部办结, 均获维持, 无被纠错 …) the cells contradict, with the cells that do."""
    return [(c.phrase.text, f"表中{c.cells}") for c in contradictions(report, in_paragraph(sentence, before))]


def share_value(part: int | Decimal, whole: int | Decimal, places: int, method: str | None) -> Decimal | None:
    """part ÷ whole as a percentage written with ``places`` decimals (截尾 truncates, else rounds)."""
    if whole <= 0:
        return None
    ratio = Decimal(part) * 100 / Decimal(whole)
    rounding = ROUND_DOWN if method == "截尾" else ROUND_HALF_UP
    return ratio.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def format_value(value: Decimal | int, decimals: int = 0) -> str:
    """A value for the text: integers plain, money and shares as published."""
    value = Decimal(value)
    if decimals:
        return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
