"""Changes against last year of a figure the narrative ties to a cell, and how a change is written.

Read: 同比增长 12.5%, 较上年减少 18 件, 比上年减少1.2万元, 同比增加百分之二十, 增幅8.07%, 与上年持平,
同比有所下降, 较上年的 198 件, and of a share 较上年提高1.3个百分点. The figure a change follows is a count
tied to 依申请公开, 复议诉讼 or a 主动公开 document row (counts), a share of 办结 (shares), or any number
after a 主动公开 row that states its cell (行政许可 20818 件, 行政事业性收费 2584.00万元). A change is known
only from this year's cells and last year's: it is checked (and written, ``change_text``, in the form the
body used, ``change_forms``) only when last year's report of the same body is at hand, else it stays a
number nothing can verify. A 2019-format report gives only the 主动公开 cells both formats have (the
decisions of 行政许可, 行政处罚 and 行政强制); ``cells_not_given`` says which it cannot give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from nianbao.claims.against import CN, OPPOSITE, RATE_WORDS, RATES, REFERENCE, RISING, WORDS
from nianbao.claims.numbers import Number, find_numbers
from nianbao.claims.shares import decimal_places, percent_method
from nianbao.claims.text import narrative_sentences, split_sentences
from nianbao.claims.ties import Tie, active_column_named, active_row_before, find_ties, share_value
from nianbao.model import CellNumber, Report
from nianbao.numerals import normalize_digits, parse_chinese_number
from nianbao.schema import ReportFormat, RowSpec, TableId, ValueKind, addresses

ACTIVE = TableId.ACTIVE
Value = int | Decimal

_THEN_UNITS = r"件次|件|宗|起"
_NUM = rf"\d+(?:\.\d+)?|[{CN}]+(?:点[零〇一二三四五六七八九]+)?"
_LEAD = rf"(?:同比|{REFERENCE}(?:的?\s*(?:\d+|[{CN}]+)\s*(?:{_THEN_UNITS}))?(?:相比)?)[，,]?\s*"
_CHANGE = re.compile(
    rf"{_LEAD}(?P<word>{WORDS})了?\s*"
    rf"(?:(?P<pct>百分之)(?P<pnum>{_NUM})|(?P<num>{_NUM})\s*(?P<unit>%|件次|件|宗|起|万元|元))(?!个?百分点)"
)
_RATE = re.compile(  # 增幅8.07%, 同比降幅为百分之六: a change in % that needs no 同比 before it
    rf"(?:{_LEAD})?(?P<word>{RATE_WORDS})(?:为|达)?\s*"
    rf"(?:(?P<pct>百分之)(?P<pnum>{_NUM})|(?P<num>{_NUM})\s*(?P<unit>%))(?!个?百分点)"
)
_POINTS = re.compile(rf"{_LEAD}(?P<word>{WORDS})了?\s*(?P<num>{_NUM})\s*(?P<unit>个?百分点)")
_TREND_WORDS = "|".join(w for w in sorted(OPPOSITE, key=len, reverse=True) if len(w) == 2)
_TREND = re.compile(
    rf"{_LEAD}(?:有所|略有|稍有|明显|大幅|显著)?"
    rf"(?P<word>{_TREND_WORDS})(?!了?\s*(?:\d|百分之|[零〇两一二三四五六七八九十]))"
)
_LEVEL = re.compile(rf"{_LEAD}(?P<roughly>基本|大体)?(?P<word>持平|相同|相当|一致|没有变化|无变化|不变)")
_THEN = re.compile(rf"{REFERENCE}的?\s*(?P<num>\d+|[{CN}]+)\s*(?P<unit>{_THEN_UNITS})")
_TIE_GAP = re.compile(r"^[\s，,]*$")
_CUE = re.compile(rf"同比|[较比与](?:上一?年|去年|(?:19|20)\d{{2}})|{RATE_WORDS}")
_OPPOSITES = {**OPPOSITE, **RATES}
_OF_SHARES = {"增长": "上升", "增加": "上升", "减少": "下降"}  # a share rises or falls, it does not grow
_ROUGHLY = Decimal("0.05")  # 基本持平: within 5 % of last year's figure


# ---------------------------------------------------------------------------------------------
# Last year's cells


# A 2021-format cell and the 2019-format cell that holds the same figure.
_FROM_2019 = {
    (ACTIVE, row, "本年处理决定数量"): (ACTIVE, row, "处理决定数量") for row in ("行政许可", "行政处罚", "行政强制")
}


def last_year_cell(previous: Report, table: TableId, row: str, column: str) -> CellNumber | None:
    """Last year's figure of this year's cell, read from last year's report in its own format (None: it has none)."""
    address = (table, row, column)
    if previous.format is ReportFormat.F2019:
        address = _FROM_2019.get(address, address)
    if address not in _addresses(previous.format):
        return None
    return previous.value(*address)


def cells_not_given(previous: Report, report: Report) -> list[tuple[TableId, str, str]]:
    """This year's cells whose figure last year's report (in an older format) cannot give."""
    then = _addresses(previous.format)
    fmt_2019 = previous.format is ReportFormat.F2019
    return [a for a in addresses(report.format) if (_FROM_2019.get(a, a) if fmt_2019 else a) not in then]


def _addresses(fmt: ReportFormat) -> frozenset[tuple[TableId, str, str]]:
    return frozenset(addresses(fmt))


# ---------------------------------------------------------------------------------------------
# How a change is written


def change_text(
    now: Value,
    then: Value | None,
    unit: str,
    percent: bool,
    places: int = 2,
    method: str | None = None,
    lead: str | None = None,
) -> str:
    """“同比增长8.07%” (``percent``) / “同比增加3件” / “比上年增加1.23万元” / “与上年持平”; '' when unknown.

    A share of last year's figure needs one: from 0 the change is said in ``unit``. Money is said with
    ``places`` decimals (as the fee is written), counts as whole numbers. ``lead``: the words the body puts
    before a change (同比, 较上年, 比上年); by default 同比, and 比上年 for money.
    """
    if then is None:
        return ""
    diff = Decimal(now) - Decimal(then)
    if diff == 0:
        return "与上年持平"
    if percent and then:
        value = share_value(abs(diff), then, places, method)
        return f"{lead or '同比'}{'增长' if diff > 0 else '下降'}{value}%"
    amount = _rounded(abs(diff), places if unit == "万元" else 0)
    lead = lead or ("比上年" if unit == "万元" else "同比")
    return f"{lead}{'增加' if diff > 0 else '减少'}{amount}{unit}"


@dataclass(frozen=True)
class ChangeForm:
    """How a text writes a change against last year, whatever its figures: the words before it, % or a count."""

    lead: str  # 同比, 较上年, 比上年
    percent: bool


_FORM = re.compile(
    rf"(?P<lead>同比|(?:较|比)(?:上一?年度?|去年)(?:同期)?)[，,]?\s*(?:{WORDS})了?\s*"
    rf"(?:(?P<pct>百分之)|(?:{_NUM})\s*(?P<unit>%|件次|件|宗|起))"
)


def change_forms(text: str) -> list[ChangeForm]:
    """The changes a text writes (同比增长8.07%, 较上年增加18件), by form only: the style of a body's report."""
    return [
        ChangeForm(_LEADS.get(m.group("lead")[0], "同比"), bool(m.group("pct")) or m.group("unit") == "%")
        for m in _FORM.finditer(normalize_digits(text))
    ]


_LEADS = {"较": "较上年", "比": "比上年"}


def figures_compared_in(text: str, report: Report) -> dict[str, ChangeForm | None]:
    """The figures a text (a report's part 一) follows with a change against the year before, by the claim each is
    tied as (办结/答复, 行政复议, 行政诉讼 …), with the form of its change (None: a level or a direction only, 与上年
    持平, 有所增加); the last one written of each. The habit of a body's report: what its next one compares."""
    found: dict[str, ChangeForm | None] = {}
    for paragraph in text.split("\n"):
        before = ""
        for sentence in split_sentences(paragraph):
            compared = _Found(sentence, report, report, before)
            for pattern in (_CHANGE, _RATE, _TREND, _LEVEL):
                for match, figure in compared.after(pattern):
                    forms = change_forms(match.group()) or ([ChangeForm("同比", True)] if pattern is _RATE else [])
                    found[figure.label] = forms[0] if forms else None
            before += sentence
    return found


# ---------------------------------------------------------------------------------------------
# The figures a change may follow


@dataclass(frozen=True)
class Figure:
    """A figure of this year a comparison with last year may follow, and both years' values of what it quotes."""

    start: int
    end: int
    label: str
    unit: str
    now: Value | None  # this year's figure; None when the number written is not the cell's
    then: Value | None  # last year's figure of the same kind; None when unknown


def figures_compared(sentence: str, report: Report, previous: Report, before: str = "") -> list[Figure]:
    """The figures of a sentence a change against last year may follow: tied counts, shares, 主动公开 figures."""
    all_ties = find_ties(sentence, report, before)
    ties = [t for t in all_ties if not t.percent and t.count is not None]
    last_year = {t.start: t for t in find_ties(sentence, previous.model_copy(update={"year": report.year}), before)}
    found = [_count_figure(t, last_year.get(t.start), previous) for t in ties]
    shares = [t for t in all_ties if t.share is not None and t.share.method]
    found += [_share_figure(t, last_year.get(t.start)) for t in shares]
    taken = [(t.start, t.end) for t in all_ties]
    for number in find_numbers(sentence):
        row = active_row_before(sentence, number.start, report.format, before)
        if row is not None and not any(a <= number.start < b for a, b in taken):
            found.append(_active_figure(sentence, number, row, report, previous))
    return sorted(found, key=lambda f: f.start)


def _count_figure(tie: Tie, last_year: Tie | None, previous: Report) -> Figure:
    matched = tie.count.matched if tie.count else None
    return Figure(tie.start, tie.end, tie.label, "件", matched.value if matched else None, _then(tie, last_year))


def _share_figure(tie: Tie, last_year: Tie | None) -> Figure:
    """A share (占86.92%): this year's part ÷ whole, and last year's with the same part and whole, in %."""
    assert tie.share is not None
    part, whole = tie.share.parts[0], tie.share.wholes[0]
    then = None
    if last_year is not None and last_year.share is not None:
        parts = [p.value for p in last_year.share.parts if p.label == part.label]
        wholes = [w.value for w in last_year.share.wholes if w.label == whole.label]
        then = _ratio(parts[0], wholes[0]) if parts and wholes else None
    return Figure(tie.start, tie.end, f"{tie.label}的比例", "百分点", _ratio(part.value, whole.value), then)


def _ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in %, to the hundredth as reports publish shares."""
    return _rounded(Decimal(part) * 100 / Decimal(whole), 2) if whole > 0 else None


def _then(tie: Tie, last_year: Tie | None) -> int | None:
    """Last year's figure counted the way this year's was (the same option: 新收, or 新收 + 上年结转)."""
    if last_year is None or tie.count is None or tie.count.matched is None:
        return None
    label = tie.count.matched.label
    return next((o.value for o in last_year.options if o.label == label), None)


def _active_figure(sentence: str, number: Number, row: RowSpec, report: Report, previous: Report) -> Figure:
    """A number after a 主动公开 row: the column it states (the one its clause names, else the one it equals)."""
    named = active_column_named(sentence, number.start, row)
    columns = [named] if named else list(row.columns)
    money = [c for c in columns if row.kind_of(c) is ValueKind.MONEY]
    stated = [
        c for c in columns if (v := report.value(ACTIVE, row.key, c)) is not None and number.states(v, c in money)
    ]
    thens = {last_year_cell(previous, ACTIVE, row.key, c) for c in stated}
    now = report.value(ACTIVE, row.key, stated[0]) if stated else None
    label = f"{row.key}（{stated[0] if len(stated) == 1 else '、'.join(columns)}）"
    then = thens.pop() if len(thens) == 1 else None
    return Figure(number.start, number.end, label, "万元" if money else "件", now, then)


# ---------------------------------------------------------------------------------------------
# The comparisons


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
    figure: Figure
    written: str = ""  # the direction word to the unit, as written (增加了三件)
    lead_start: int = -1  # where the comparison starts, its words before the direction word (同比, 较上年) included

    @property
    def now(self) -> Value | None:
        return self.figure.now

    @property
    def then(self) -> Value | None:
        return self.figure.then

    @property
    def difference(self) -> Decimal | None:
        now, then = self.now, self.then
        return Decimal(now) - Decimal(then) if now is not None and then is not None else None

    @property
    def agrees(self) -> bool:
        """The direction word and the number both say what the cells say (rounded or cut where written)."""
        diff = self.difference
        if diff is None or (diff == 0) != (self.value == 0):
            return False
        if diff and (diff > 0) != (self.word in RISING):
            return False
        if self.unit == "百分点":  # from the shares as published or as computed: one unit at the last place apart
            return abs(abs(diff) - self.value) <= decimal_places(self.value)
        if self.unit != "%":
            return _states(self.value, abs(diff) * self._scale)
        return bool(self.then) and percent_method(abs(diff), self.then or 1, self.value) is not None

    @property
    def _scale(self) -> int:
        return 10000 if self.unit == "元" and self.figure.unit == "万元" else 1

    def cells_say(self) -> str | None:
        """What the two years' cells say in place of the change written (减少3件, 与上年持平); None when unknown."""
        return "与上年持平" if self.difference == 0 else self.expected_text()

    def expected_text(self) -> str | None:
        """How the change should read (增长8.1%, 减少3件), rounded at the places written; None when unknown or
        level (the words before the number then go too: 与上年持平 is ``cells_say``)."""
        diff = self.difference
        if diff is None or diff == 0 or (self.unit == "%" and not self.then):
            return None
        word = self.word if (diff > 0) == (self.word in RISING) else _OPPOSITES.get(self.word, self.word)
        places = len(str(self.value).partition(".")[2])
        if self.unit == "百分点":
            return f"{_OF_SHARES.get(word, word)}{_rounded(abs(diff), places)}个百分点"
        if self.unit != "%":
            return f"{word}{_rounded(abs(diff) * self._scale, places)}{self.unit}"
        return f"{word}{share_value(abs(diff), self.then or 0, places, None)}%"


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _states(written: Decimal, exact: Decimal) -> bool:
    """Whether ``written`` is ``exact`` rounded (or cut) at the places it is written with."""
    step = decimal_places(written)
    return any(exact.quantize(step, rounding=r) == written for r in (ROUND_HALF_UP, ROUND_DOWN))


@dataclass(frozen=True)
class LevelCheck:
    """“与上年持平” (or 同比基本持平) after a figure, and what the two years' cells say."""

    start: int  # the words of the comparison
    end: int
    text: str
    roughly: bool
    figure: Figure

    @property
    def agrees(self) -> bool | None:
        """Whether the figure stayed level (within 5 % for 基本持平); None when last year's figure is unknown."""
        now, then = self.figure.now, self.figure.then
        if now is None or then is None:
            return None
        diff = abs(Decimal(now) - Decimal(then))
        return diff == 0 or (self.roughly and diff <= _ROUGHLY * Decimal(then))

    def expected_text(self) -> str | None:
        """The change the cells call for, in the words the drafter uses; None when unknown or level."""
        now, then = self.figure.now, self.figure.then
        if now is None or then is None or now == then:
            return None
        return change_text(now, then, self.figure.unit, percent=False)


@dataclass(frozen=True)
class LastYearFigure:
    """Last year's figure written beside this year's (较上年的 198 件), and what last year's cells say."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    figure: Figure

    @property
    def then(self) -> Value | None:
        return self.figure.then

    @property
    def agrees(self) -> bool:
        return self.then is not None and self.value == self.then


@dataclass(frozen=True)
class TrendCheck:
    """A direction said without a number (较上年有所增加) after a tied figure, and what the two years' cells say."""

    start: int  # the word
    end: int
    word: str
    figure: Figure
    lead_start: int = -1  # where the comparison starts (同比有所增加: at 同比)

    @property
    def now(self) -> Value | None:
        return self.figure.now

    @property
    def then(self) -> Value | None:
        return self.figure.then

    @property
    def difference(self) -> Decimal | None:
        now, then = self.now, self.then
        return Decimal(now) - Decimal(then) if now is not None and then is not None else None

    @property
    def agrees(self) -> bool | None:
        """Whether the cells went the way the word says; None when last year's figure is unknown."""
        diff = self.difference
        return None if diff is None else diff != 0 and (diff > 0) == (self.word in RISING)

    def expected_word(self) -> str | None:
        """The word the cells call for (增加 ↔ 减少 …); None when unknown or unchanged (持平)."""
        diff = self.difference
        if not diff:
            return None
        word = self.word if self.agrees else OPPOSITE[self.word]
        return _OF_SHARES.get(word, word) if self.figure.unit == "百分点" else word


@dataclass(frozen=True)
class Comparisons:
    """Every comparison with last year in one sentence, each with the figure it follows."""

    changes: list[ChangeCheck]
    trends: list[TrendCheck]
    levels: list[LevelCheck]
    last_year: list[LastYearFigure]


def comparisons(sentence: str, report: Report, previous: Report | None, before: str = "") -> Comparisons:
    """The changes (同比增长8.07%, 提高1.3个百分点), directions (有所下降), levels (与上年持平) and last year's
    figures (较上年的223件) of a sentence, read in one pass; none without last year's report."""
    found = _Found(sentence, report, previous, before)
    changes = [_change(m, f) for m, f in found.after(_CHANGE) + found.after(_RATE)]
    changes += [_points(m, f) for m, f in found.after(_POINTS)]
    return Comparisons(
        changes=sorted(changes, key=lambda c: c.start),
        trends=[
            TrendCheck(m.start("word"), m.end("word"), m.group("word"), f, m.start()) for m, f in found.after(_TREND)
        ],
        levels=[_level(m, f) for m, f in found.after(_LEVEL)],
        last_year=[_last_year_figure(m, f) for m, f in found.after(_THEN)],
    )


def states_a_change(report: Report) -> bool:
    """Whether the narrative writes any comparison with last year (同比增长, 较上年减少, 与上年持平, 增幅):
    only then is last year's report worth looking for. Read from the words alone, no cell is tied."""
    patterns = (_CHANGE, _RATE, _POINTS, _TREND, _LEVEL, _THEN)
    for sentence in narrative_sentences(report):
        text = normalize_digits(sentence.text)
        if _CUE.search(text) and any(p.search(text) for p in patterns):
            return True
    return False


def find_changes(sentence: str, report: Report, previous: Report | None, before: str = "") -> list[ChangeCheck]:
    """The year-on-year changes of a sentence that follow a tied figure; none without last year's report."""
    return comparisons(sentence, report, previous, before).changes


def find_trends(sentence: str, report: Report, previous: Report | None, before: str = "") -> list[TrendCheck]:
    """Directions without a number (同比有所下降) after a tied figure; none without last year's report."""
    return comparisons(sentence, report, previous, before).trends


def find_levels(sentence: str, report: Report, previous: Report | None, before: str = "") -> list[LevelCheck]:
    """“与上年持平”, “同比基本持平” after a tied figure; none without last year's report."""
    return comparisons(sentence, report, previous, before).levels


def find_last_year_figures(
    sentence: str, report: Report, previous: Report | None, before: str = ""
) -> list[LastYearFigure]:
    """Last year's figures after a tied figure (受理 241 件，较上年的 223 件); none without last year's report."""
    return comparisons(sentence, report, previous, before).last_year


class _Found:
    """The comparisons of one sentence, the figures they may follow found once (and only if any is written)."""

    def __init__(self, sentence: str, report: Report, previous: Report | None, before: str) -> None:
        self.sentence, self.report, self.previous, self.before = sentence, report, previous, before
        self.text = normalize_digits(sentence)
        self.compares = bool(_CUE.search(self.text))  # most sentences compare nothing: no pattern is run
        self._figures: list[Figure] | None = None

    def figures(self) -> list[Figure]:
        if self._figures is None:
            assert self.previous is not None
            self._figures = figures_compared(self.sentence, self.report, self.previous, self.before)
        return self._figures

    def after(self, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], Figure]]:
        """Each comparison of ``pattern`` right after a figure, with the figure (last year's value unknown
        when the comparison names another year than last year)."""
        matches = list(pattern.finditer(self.text)) if self.previous is not None and self.compares else []
        if not matches:
            return []
        # A share's change is in 百分点 (or a direction); a count's in %, 件 or 万元.
        wanted = {_POINTS: {"百分点"}, _TREND: {"百分点", "件", "万元"}}.get(pattern, {"件", "万元"})
        figures = [f for f in self.figures() if f.unit in wanted]
        found = []
        for match in matches:
            gap_ok = [f for f in figures if f.end <= match.start() and _follows(self.text[f.end : match.start()])]
            if gap_ok:
                found.append((match, _of_year(gap_ok[-1], match, self.report)))
        return found


def _of_year(figure: Figure, match: re.Match[str], report: Report) -> Figure:
    named_year = int(match.group("year")) if match.group("year") else None
    if named_year in (None, (report.year or 0) - 1):
        return figure
    return Figure(figure.start, figure.end, figure.label, figure.unit, figure.now, None)


def _level(match: re.Match[str], figure: Figure) -> LevelCheck:
    roughly = bool(match.group("roughly")) or match.group("word") == "相当"
    return LevelCheck(match.start(), match.end(), match.group(), roughly, figure)


def _last_year_figure(match: re.Match[str], figure: Figure) -> LastYearFigure:
    value = Decimal(parse_chinese_number(match.group("num")) or 0)
    text = match.group("num") + match.group("unit")
    return LastYearFigure(match.start("num"), match.end(), text, value, match.group("unit"), figure)


def _follows(gap: str) -> bool:
    """Whether a comparison follows a figure: nothing but commas between, or other changes of it
    (申请241件，同比增加18件，增幅8.07%)."""
    return bool(_TIE_GAP.match(_POINTS.sub("", _RATE.sub("", _CHANGE.sub("", gap)))))


def _points(match: re.Match[str], figure: Figure) -> ChangeCheck:
    """提高2.3个百分点 after a share."""
    value = parse_chinese_number(match.group("num"))
    return ChangeCheck(
        start=match.start("num"),
        end=match.end(),
        text=match.group("num") + match.group("unit"),
        word_start=match.start("word"),
        word=match.group("word"),
        value=Decimal(value if value is not None else -1),
        unit="百分点",
        figure=figure,
        written=match.string[match.start("word") : match.end()],
        lead_start=match.start(),
    )


def _change(match: re.Match[str], figure: Figure) -> ChangeCheck:
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
        figure=figure,
        written=match.string[match.start("word") : match.end()],
        lead_start=match.start(),
    )
