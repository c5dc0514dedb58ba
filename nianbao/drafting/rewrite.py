"""Rewriting last year's text for this year: the years, the body's name, and every figure tied to a cell."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from nianbao.claims.changes import ChangeCheck, LevelCheck, TrendCheck, change_text, comparisons
from nianbao.claims.counts import Expected
from nianbao.claims.facts import fact_in_units_of, states_fact
from nianbao.claims.numbers import Approx, Number, find_numbers
from nianbao.claims.shares import PercentCheck, percent_method, request_wholes
from nianbao.claims.text import split_phrases, split_sentences
from nianbao.claims.ties import (
    Tie,
    active_column_named,
    active_row_before,
    contradicted_claims,
    find_ties,
    format_value,
    share_value,
)
from nianbao.drafting.marks import CHINESE_YEAR, as_chinese_year, chinese_year
from nianbao.drafting.sources import place_name
from nianbao.drafting.verify import Facts, mark_sentence
from nianbao.model import Report
from nianbao.schema import RowSpec, TableId

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")
_COUNT_UNIT_AFTER = re.compile(r"\s*(?:余)?\s*(?:件|条|个|项|次|篇|期|场|家|人|户|份|起|%|％|元|万元)")
_APPEAL_KINDS = (
    ("复议", "被申请行政复议", ("行政复议",)),
    ("诉讼|起诉", "被提起行政诉讼", ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")),
)
_AFTER_APPEALS = re.compile(r"(?:案件|的情况|情况)")
_BREAKDOWN = re.compile(r"[，,]\s*其中[^。！？!?；;]*")


def shift_years(text: str, source_year: int, target_year: int) -> str:
    """Last year's years moved to this year (and the year before to last year), in one pass.

    Years in document numbers (〔2016〕) and titles (《…2020年…》) name real documents and stay. A year in Chinese
    numerals (二〇二一年) is moved the same way and written in them.
    """
    shift = target_year - source_year
    window = {source_year - 1, source_year, source_year + 1}
    if not shift:
        return text

    def replace(match: re.Match[str]) -> str:
        year, before = int(match.group(1)), text[: match.start()]
        if year not in window or _COUNT_UNIT_AFTER.match(text, match.end()):
            return match.group(0)
        if before.endswith(("〔", "[", "［", "(", "（")) or before.count("《") > before.count("》"):
            return match.group(0)
        return str(year + shift)

    def replace_chinese(match: re.Match[str]) -> str:
        year, before = chinese_year(match.group(1)), text[: match.start()]
        if year not in window or before.count("《") > before.count("》"):
            return match.group(0)
        return as_chinese_year(year + shift, match.group(1))

    text = _YEAR.sub(replace, text)
    return CHINESE_YEAR.sub(replace_chinese, text)


def rename_body(text: str, old_agency: str | None, new_agency: str | None) -> str:
    """A peer's text made about this body: its full name and its place name replaced."""
    if not old_agency or not new_agency or old_agency == new_agency:
        return text
    text = text.replace(old_agency, new_agency)
    old_place, new_place = place_name(old_agency), place_name(new_agency)
    # A one-character place (睢 of 睢县) is too common a character to replace blindly.
    return text.replace(old_place, new_place) if len(old_place) >= 2 and new_place else text


ACTIVE = TableId.ACTIVE
_QUANTITY_UNIT = re.compile(r"(件次|件|宗|起|个|份|条|例|%)$")


@dataclass
class FigureRewriter:
    """Puts this year's figures in last year's sentences.

    ``source`` is the report the sentences come from, already moved to this year; with it we
    know which way a figure was counted (受理 = 新收, or 新收 + 上年结转) and count it the same way.
    """

    source: Report | None
    target: Report
    facts: Facts
    previous: Report | None = None  # last year's report as it is, for year-on-year changes (同比增长)

    def paragraph(self, paragraph: str) -> str:
        done: list[str] = []
        for sentence in split_sentences(paragraph):
            done.append(self.sentence(sentence, "".join(done)))
        return "".join(done)

    def sentence(self, sentence: str, before: str = "") -> str:
        """The sentence with every tied figure replaced, contradicted claims dropped, doubtful ones marked."""
        sentence, sure_counts = self._counts(sentence, before)
        sentence, sure_shares = self._shares(sentence, before)
        sentence, sure_changes = self._changes(sentence, before)
        sentence, sure_active = self._active(sentence)
        sentence = self._facts(sentence)
        rewritten = drop_contradicted_claims(sentence, self.target, before)
        doubtful = not (sure_counts and sure_shares and sure_changes and sure_active)
        return mark_sentence(rewritten) if doubtful and rewritten.strip() else rewritten

    def _counts(self, sentence: str, before: str) -> tuple[str, bool]:
        source_ties = self._source_ties(sentence, before)
        replacements, sure = [], True
        for tie in find_ties(sentence, self.target, before):
            if tie.percent or tie.count is None:
                continue
            index, known = _option_index(source_ties.get(tie.start))
            value = tie.options[min(index, len(tie.options) - 1)].value if tie.options else None
            sure = sure and known
            # Not tie.agrees: the old figure may fit another way of counting (one kind of suit only).
            if value is not None and not (known and tie.count.quantity.agrees(value)):
                replacements.append((tie.start, tie.end, format_value(value) + _unit_of(tie)))
        return _apply(sentence, replacements), sure

    def _shares(self, sentence: str, before: str) -> tuple[str, bool]:
        """Shares (占比 83%, 公开率 86.5%) of this year's cells, divided and rounded the way last year's were."""
        source_ties = self._source_ties(sentence, before)
        replacements, sure = [], True
        for tie in find_ties(sentence, self.target, before):
            if not tie.percent or tie.share is None:
                continue
            was = source_ties.get(tie.start)
            counted = was.share if was and was.share and was.share.method else None
            value = self._share_as_counted(tie.share, counted)
            if tie.agrees and (counted is None or value is None or tie.share.quantity.approx is not Approx.EXACT):
                continue  # right for this year (近九成 still is), and no telling how last year counted it
            sure = sure and counted is not None and value is not None
            if value is not None and value != Decimal(tie.share.quantity.value):
                replacements.append((tie.start, tie.end, f"{value}%"))
        return _apply(sentence, replacements), sure

    def _changes(self, sentence: str, before: str) -> tuple[str, bool]:
        """Year-on-year changes (同比增长 12.5%, 与上年持平) and last year's figure (较上年的 198 件) from the two
        years' cells: each written as the cells say it; unsure only where last year's figure is not known."""
        compared = comparisons(sentence, self.target, self.previous, before)
        replacements, sure = [], True
        for change in compared.changes:
            replacement = None if change.agrees else _change_as_cells_say(change, sentence)
            sure = sure and (change.agrees or replacement is not None)
            if replacement is not None:
                replacements.append(replacement)
        for trend in compared.trends:
            replacement = _trend_as_cells_say(trend)
            sure = sure and trend.agrees is not None
            if replacement is not None:
                replacements.append(replacement)
        for level in compared.levels:
            written = level.expected_text() if level.agrees is False else None
            if written is not None:
                replacements.append((level.start, level.end, _level_change(level, written)))
        for figure in compared.last_year:
            sure = sure and figure.then is not None
            if figure.then is not None and not figure.agrees:
                replacements.append((figure.start, figure.end, f"{figure.then}{figure.unit}"))
        return _apply(sentence, _said_once(sentence, replacements)), sure

    def _share_as_counted(self, share: PercentCheck, counted: PercentCheck | None) -> Decimal | None:
        """This year's share with last year's part, whole and rounding (the first of each when unknown)."""
        places = max(0, -int(Decimal(share.quantity.value).as_tuple().exponent))
        if counted is None:
            return share_value(share.parts[0].value, share.wholes[0].value, places, None)
        part = {p.label: p for p in share.parts}.get(counted.parts[0].label)
        whole = self._whole_as_counted(counted)
        if part is None or whole is None:
            return None
        return share_value(part.value, whole.value, places, counted.method)

    def _whole_as_counted(self, counted: PercentCheck) -> Expected | None:
        """This year's whole of last year's share; when several fitted last year, the total of the part's kind.

        自然人 210 of 223 applications: 223 was both 新收 (一) and 办结 (三.七); a share of applicants is of 一.
        """
        assert self.source is not None
        printed, part = Decimal(counted.quantity.value), counted.parts[0]
        then = request_wholes(self.source)
        fitting = [i for i, w in enumerate(then) if percent_method(part.value, w.value, printed)]
        fitting = fitting or [i for i, w in enumerate(then) if w.label == counted.wholes[0].label]
        now = request_wholes(self.target)
        if len({now[i].value for i in fitting}) == 1:
            return now[fitting[0]]
        kind = 2 if part.label.startswith("依申请公开 一+二 ") else 1 if part.label.startswith("依申请公开 一 ") else 0
        return now[kind] if kind in fitting else None

    def _active(self, sentence: str) -> tuple[str, bool]:
        """主动公开 figures (规章 1 件, 行政许可 20815 件): the same cell of this year, when last year's matched one.

        Not sure when last year's figure matched several cells (规章 0 件 with 制发, 废止 and 现行有效 all 0)
        that differ this year and the clause does not say which.
        """
        if self.source is None:
            return sentence, True
        replacements, sure = [], True
        for number in find_numbers(sentence):
            row = active_row_before(sentence, number.start, self.target.format)
            if row is None:
                continue
            new = self._active_value(row, active_column_named(sentence, number.start, row), number.value)
            sure = sure and new is not False
            if isinstance(new, Decimal) and new != number.value:
                replacements.append((number.start, number.end, as_written(new, number.text) + number.unit))
        return _apply(sentence, replacements), sure

    def _active_value(self, row: RowSpec, column: str | None, old: Decimal) -> Decimal | bool:
        """This year's cell for last year's figure ``old`` of ``row``: True when it quotes none, False when unsure."""
        assert self.source is not None
        candidates = [column] if column else row.columns
        matched = [c for c in candidates if _decimal(self.source.value(ACTIVE, row.key, c)) == old]
        values = {_decimal(self.target.value(ACTIVE, row.key, c)) for c in matched}
        if not matched:
            return True
        value = values.pop() if len(values) == 1 else None
        return value if value is not None else False

    def _facts(self, sentence: str) -> str:
        """Numbers that state one of the user's facts (信息处理费共计380元) take its value."""
        replacements = []
        for number, name in self._fact_numbers(sentence):
            value = fact_in_units_of(self.facts[name], number)
            if value is not None and value != number.value:
                replacements.append((number.start, number.end, format_value(value) + number.unit))
        return _without_breakdown_of_nothing(_apply(sentence, replacements), self._fact_numbers)

    def _fact_numbers(self, sentence: str) -> list[tuple[Number, str]]:
        numbers = find_numbers(sentence)
        return [(n, name) for n in numbers for name in self.facts if states_fact(n, sentence, name)]

    def _source_ties(self, sentence: str, before: str) -> dict[int, Tie]:
        if self.source is None:
            return {}
        return {t.start: t for t in find_ties(sentence, self.source, before)}


LEVEL = "与上年持平"


def _change_as_cells_say(change: ChangeCheck, sentence: str) -> tuple[int, int, str] | None:
    """The replacement of a wrong change: 与上年持平 for the whole comparison when the figure did not change, the
    direction and amount the cells give (in the unit written), or the change in the figure's unit where a share of
    last year's 0 cannot be given; None when last year's figure is unknown."""
    diff, now, then = change.difference, change.now, change.then
    if diff is None or now is None or then is None:
        return None
    if diff == 0:
        return change.lead_start, change.end, LEVEL
    expected = change.expected_text()
    if expected is not None:
        return change.word_start, change.end, expected
    lead = sentence[change.lead_start : change.word_start].rstrip("，, ") or None
    return change.lead_start, change.end, change_text(now, then, change.figure.unit, False, lead=lead)


def _trend_as_cells_say(trend: TrendCheck) -> tuple[int, int, str] | None:
    """有所增加 the cells contradict: the other direction, or 与上年持平 for the whole comparison."""
    if trend.agrees is not False:
        return None
    word = trend.expected_word()
    return (trend.start, trend.end, word) if word is not None else (trend.lead_start, trend.end, LEVEL)


def _level_change(level: LevelCheck, written: str) -> str:
    """与上年持平 the cells contradict: the change they give (a share's in 百分点)."""
    now, then = level.figure.now, level.figure.then
    if level.figure.unit != "百分点" or now is None or then is None:
        return written
    diff = Decimal(now) - Decimal(then)
    return f"较上年{'提高' if diff > 0 else '下降'}{format_value(abs(diff))}个百分点"


def _said_once(sentence: str, replacements: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A figure followed by two changes that both become 与上年持平 says it once: the second goes with its comma."""
    kept: list[tuple[int, int, str]] = []
    for start, end, text in sorted(replacements):
        if text == LEVEL and kept and kept[-1][2] == LEVEL and not sentence[kept[-1][1] : start].strip("，, "):
            kept.append((kept[-1][1], end, ""))
        else:
            kept.append((start, end, text))
    return kept


def as_written(value: Decimal, like: str) -> str:
    """``value`` with as many decimals as ``like`` (2584.0020 as 2460.9543 was written), never rounded."""
    places = len(like.removesuffix("万").partition(".")[2])
    padded = format_value(value, places) if places else format_value(value)
    return padded if Decimal(padded) == value else format_value(value)


def _decimal(value: object) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _option_index(source_tie: Tie | None) -> tuple[int, bool]:
    """Which way of counting last year's text used; (0, False) when its figure matched no way."""
    if source_tie is None or source_tie.count is None:
        return 0, source_tie is None
    matched = source_tie.count.matched
    if matched is None:
        return 0, False
    return source_tie.count.options.index(matched), True


def _unit_of(tie: Tie) -> str:
    match = _QUANTITY_UNIT.search(tie.text)
    return match.group(1) if match else ""


def _apply(sentence: str, replacements: list[tuple[int, int, str]]) -> str:
    """The replacements made; one inside (or across) a wider one before it is left out."""
    kept: list[tuple[int, int, str]] = []
    for start, end, text in sorted(replacements, key=lambda r: (r[0], -r[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, text))
    for start, end, text in reversed(kept):
        sentence = sentence[:start] + text + sentence[end:]
    return sentence


def _without_breakdown_of_nothing(sentence: str, fact_numbers: Callable[[str], list[tuple[Number, str]]]) -> str:
    """“共计0元，其中民政局1件，收取380元。” → “共计0元。”: a total that is now 0 has no parts to list.

    The breakdown was last year's; with the user's figure at 0 every item of it is contradicted.
    """
    for number, _ in fact_numbers(sentence):
        breakdown = _BREAKDOWN.search(sentence, number.end) if number.value == 0 else None
        if breakdown:
            return sentence[: breakdown.start()] + sentence[breakdown.end() :]
    return sentence


def _appeals_counted(sentence: str, report: Report, phrases: list[str]) -> str:
    """“未被提起行政诉讼” → “被提起行政诉讼4件”: each claim of no appeals replaced by this year's counts."""
    for phrase in phrases:
        statement = _appeals_statement(phrase, report)
        at = sentence.find(phrase)
        if statement and at >= 0:
            end = at + len(phrase)
            tail = _AFTER_APPEALS.match(sentence, end)
            sentence = sentence[:at] + statement + sentence[tail.end() if tail else end :]
    return sentence


def _appeals_statement(phrase: str, report: Report) -> str | None:
    parts = []
    for words, verb, rows in _APPEAL_KINDS:
        if re.search(words, phrase):
            count = sum(report.count(TableId.APPEALS, row, "总计") for row in rows)
            parts.append(f"{verb}{count}件" if count else f"未{verb}")
    return "、".join(parts) or None


def drop_contradicted_claims(sentence: str, report: Report, before: str = "") -> str:
    """The sentence without the clauses whose claim (全部办结, 均获维持 …) the cells contradict.

    A claim of no appeals (未被提起行政诉讼) that the cells contradict says instead how many there were.
    """
    claims = contradicted_claims(sentence, report, before)
    if claims:
        sentence = _appeals_counted(sentence, report, [phrase for phrase, _ in claims])
        claims = contradicted_claims(sentence, report, before)
    if not claims:
        return sentence
    clauses = split_phrases(sentence)
    kept = [c for c in clauses if not any(phrase in c for phrase, _ in claims)]
    if not kept:
        return ""
    text = "".join(kept)
    ending = sentence.rstrip()[-1:] if sentence.rstrip()[-1:] in "。！？" else ""
    text = text.rstrip("，,；; ")
    return text + ending if ending and not text.endswith(ending) else text
