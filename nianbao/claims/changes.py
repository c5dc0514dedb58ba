"""Year-on-year changes (同比增长 12.5%, 较上年减少 18 件) of a figure the narrative rules tie to a cell.

A change is known only from this year's cells and last year's: it is checked (and written) only when
last year's report of the same body is at hand, else it stays a number nothing can verify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from nianbao.claims.shares import percent_method
from nianbao.claims.ties import Tie, find_ties, share_value
from nianbao.model import Report
from nianbao.numerals import normalize_digits, parse_chinese_number

_OPPOSITE = {
    "增长": "下降",
    "增加": "减少",
    "上升": "下降",
    "提高": "降低",
    "提升": "下降",
    "多": "少",
    "下降": "增长",
    "减少": "增加",
    "降低": "提高",
    "回落": "上升",
    "少": "多",
}
_RISING = frozenset({"增长", "增加", "上升", "提高", "提升", "多"})
_WORDS = "|".join(sorted(_OPPOSITE, key=len, reverse=True))
_REFERENCE = r"(?:较|比|与)(?:上一?年度?|去年|(?P<year>(?:19|20)\d{2})\s*年)(?:同期)?"
_THEN_UNITS = r"件次|件|宗|起"
_NUM = r"\d+(?:\.\d+)?|[零〇两一二三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?"
_CHANGE = re.compile(
    rf"(?:同比|{_REFERENCE}(?:的?\s*(?:\d+|[零〇两一二三四五六七八九十百千万]+)\s*(?:{_THEN_UNITS}))?(?:相比)?)[，,]?\s*(?P<word>{_WORDS})了?\s*"
    rf"(?:(?P<pct>百分之)(?P<pnum>{_NUM})|(?P<num>{_NUM})\s*(?P<unit>%|件次|件|宗|起))(?!个?百分点)"
)
_TREND_WORDS = "|".join(w for w in sorted(_OPPOSITE, key=len, reverse=True) if len(w) == 2)
_TREND = re.compile(
    rf"(?:同比|{_REFERENCE}(?:的?\s*(?:\d+|[零〇两一二三四五六七八九十百千万]+)\s*(?:{_THEN_UNITS}))?(?:相比)?)[，,]?\s*(?:有所|略有|稍有|明显|大幅|显著)?"
    rf"(?P<word>{_TREND_WORDS})(?!了?\s*(?:\d|百分之|[零〇两一二三四五六七八九十]))"
)
_THEN = re.compile(rf"{_REFERENCE}的?\s*(?P<num>\d+|[零〇两一二三四五六七八九十百千万]+)\s*(?P<unit>{_THEN_UNITS})")
_TIE_GAP = re.compile(r"^[\s，,]*$")


@dataclass(frozen=True)
class ChangeCheck:
    """A written change, the figure it follows, and what this year's and last year's cells make of it."""

    start: int  # the number and its unit
    end: int
    text: str
    word_start: int
    word: str
    value: Decimal
    unit: str
    tie: Tie
    now: int | None  # this year's figure, None when the tie does not agree with the cells
    then: int | None  # last year's figure of the same kind, None when unknown

    @property
    def difference(self) -> int | None:
        return self.now - self.then if self.now is not None and self.then is not None else None

    @property
    def agrees(self) -> bool:
        """The direction word and the number both say what the cells say (a share rounded or truncated)."""
        diff = self.difference
        if diff is None or (diff == 0) != (self.value == 0):
            return False
        if diff and (diff > 0) != (self.word in _RISING):
            return False
        if self.unit != "%":
            return abs(diff) == self.value
        return bool(self.then) and percent_method(abs(diff), self.then or 1, self.value) is not None

    def expected_text(self) -> str | None:
        """How the change should read (同比增长 8.1%), rounded at the places written; None when unknown."""
        diff = self.difference
        if diff is None or diff == 0 or (self.unit == "%" and not self.then):
            return None
        word = self.word if (diff > 0) == (self.word in _RISING) else _OPPOSITE.get(self.word, self.word)
        if self.unit != "%":
            return f"{word}{abs(diff)}{self.unit}"
        places = len(str(self.value).partition(".")[2])
        return f"{word}{share_value(abs(diff), self.then or 0, places, None)}%"


@dataclass(frozen=True)
class LastYearFigure:
    """Last year's figure written beside this year's (较上年的 198 件), and what last year's cells say."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    tie: Tie
    then: int | None

    @property
    def agrees(self) -> bool:
        return self.then is not None and self.value == self.then


@dataclass(frozen=True)
class TrendCheck:
    """A direction said without a number (较上年有所增加) after a tied figure, and what the two years' cells say."""

    start: int  # the word
    end: int
    word: str
    tie: Tie
    now: int | None
    then: int | None

    @property
    def difference(self) -> int | None:
        return self.now - self.then if self.now is not None and self.then is not None else None

    @property
    def agrees(self) -> bool | None:
        """Whether the cells went the way the word says; None when last year's figure is unknown."""
        diff = self.difference
        return None if diff is None else diff != 0 and (diff > 0) == (self.word in _RISING)

    def expected_word(self) -> str | None:
        """The word the cells call for (增加 ↔ 减少 …); None when unknown or unchanged (持平)."""
        diff = self.difference
        if not diff:
            return None
        return self.word if self.agrees else _OPPOSITE[self.word]


def find_trends(sentence: str, report: Report, previous: Report | None, before: str = "") -> list[TrendCheck]:
    """Directions without a number (同比有所下降) after a tied figure; none without last year's report."""
    found = []
    for match, tie, then in _compared(_TREND, sentence, report, previous, before):
        now = tie.count.matched.value if tie.count and tie.count.matched else None
        found.append(TrendCheck(match.start("word"), match.end("word"), match.group("word"), tie, now, then))
    return found


def find_changes(sentence: str, report: Report, previous: Report | None, before: str = "") -> list[ChangeCheck]:
    """The year-on-year changes of a sentence that follow a tied figure; none without last year's report."""
    return [_change(match, tie, then) for match, tie, then in _compared(_CHANGE, sentence, report, previous, before)]


def find_last_year_figures(
    sentence: str, report: Report, previous: Report | None, before: str = ""
) -> list[LastYearFigure]:
    """Last year's figures after a tied figure (受理 241 件，较上年的 223 件); none without last year's report."""
    return [
        LastYearFigure(
            m.start("num"),
            m.end(),
            m.group("num") + m.group("unit"),
            Decimal(parse_chinese_number(m.group("num")) or 0),
            m.group("unit"),
            tie,
            then,
        )
        for m, tie, then in _compared(_THEN, sentence, report, previous, before)
    ]


def _compared(
    pattern: re.Pattern[str], sentence: str, report: Report, previous: Report | None, before: str
) -> list[tuple[re.Match[str], Tie, int | None]]:
    """Each comparison with last year right after a tied figure: the match, the tie, last year's figure."""
    if previous is None:
        return []
    text = normalize_digits(sentence)
    ties = [t for t in find_ties(sentence, report, before) if not t.percent and t.count is not None]
    last_year = {t.start: t for t in find_ties(sentence, previous.model_copy(update={"year": report.year}), before)}
    found = []
    for match in pattern.finditer(text):
        follows = [t for t in ties if t.end <= match.start() and _TIE_GAP.match(text[t.end : match.start()])]
        if follows:
            named_year = int(match.group("year")) if match.group("year") else None
            known = named_year in (None, (report.year or 0) - 1)
            then = _then(follows[-1], last_year.get(follows[-1].start)) if known else None
            found.append((match, follows[-1], then))
    return found


def _change(match: re.Match[str], tie: Tie, then: int | None) -> ChangeCheck:
    now = tie.count.matched.value if tie.count and tie.count.matched else None
    in_words = match.group("pct") is not None  # 同比增长百分之二十
    number = match.group("pnum") if in_words else match.group("num")
    value = parse_chinese_number(number)
    return ChangeCheck(
        start=match.start("pct") if in_words else match.start("num"),
        end=match.end(),
        text=f"百分之{number}" if in_words else number + match.group("unit"),
        word_start=match.start("word"),
        word=match.group("word"),
        value=Decimal(value if value is not None else -1),
        unit="%" if in_words else match.group("unit"),
        tie=tie,
        now=now,
        then=then,
    )


def _then(tie: Tie, last_year: Tie | None) -> int | None:
    """Last year's figure counted the way this year's was (the same option: 新收, or 新收 + 上年结转)."""
    if last_year is None or tie.count is None or tie.count.matched is None:
        return None
    label = tie.count.matched.label
    return next((o.value for o in last_year.options if o.label == label), None)
