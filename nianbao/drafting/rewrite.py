"""Rewriting last year's text for this year: the years, the body's name, and every figure tied to a cell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from nianbao.drafting.figures import (
    Figure,
    contradicted_claims,
    find_figures,
    format_value,
    matches_quote,
    quoted_values,
    split_sentences,
    written,
)
from nianbao.drafting.sources import place_name
from nianbao.drafting.verify import Facts, mark_sentence
from nianbao.model import Report

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")
_COUNT_UNIT_AFTER = re.compile(r"\s*(?:余)?\s*(?:件|条|个|项|次|篇|期|场|家|人|户|份|起|%|％|元|万元)")
_CLAUSE = re.compile(r"[^，,；;]*[，,；;]?")


def shift_years(text: str, source_year: int, target_year: int) -> str:
    """Last year's years moved to this year (and the year before to last year), in one pass.

    Years in document numbers (〔2016〕) and titles (《…2020年…》) name real documents and stay.
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

    return _YEAR.sub(replace, text)


def rename_body(text: str, old_agency: str | None, new_agency: str | None) -> str:
    """A peer's text made about this body: its full name and its place name replaced."""
    if not old_agency or not new_agency or old_agency == new_agency:
        return text
    text = text.replace(old_agency, new_agency)
    old_place, new_place = place_name(old_agency), place_name(new_agency)
    return text.replace(old_place, new_place) if old_place and new_place else text


@dataclass
class FigureRewriter:
    """Puts this year's figures in last year's sentences."""

    source: Report | None
    target: Report
    facts: Facts

    def sentence(self, sentence: str) -> str:
        """The sentence with every tied figure replaced, contradicted claims dropped, doubtful ones marked."""
        doubtful = False
        pieces, cursor = [], 0
        for figure in find_figures(sentence, self.target.format):
            new_text, sure = self._replacement(figure, sentence)
            if new_text is None:
                continue
            pieces.append(sentence[cursor : figure.start] + new_text)
            cursor = figure.end
            doubtful = doubtful or not sure
        rewritten = "".join(pieces) + sentence[cursor:]
        rewritten = drop_contradicted_claims(rewritten, self.target)
        return mark_sentence(rewritten) if doubtful and rewritten.strip() else rewritten

    def paragraph(self, paragraph: str) -> str:
        return "".join(self.sentence(s) for s in split_sentences(paragraph))

    def _replacement(self, figure: Figure, sentence: str) -> tuple[str | None, bool]:
        if figure.quote is None:
            fact = _near_fact(figure, sentence, self.facts)
            return (None, True) if fact is None else (format_value(fact) + figure.unit, True)
        values = quoted_values(figure.quote, self.target)
        if not values:
            return None, False
        option, sure = self._option(figure)
        value = values[min(option, len(values) - 1)]
        decimals = figure.decimals if figure.quote.percent else 0
        shown = str(written(value, decimals)) if figure.quote.percent else format_value(value)
        return shown + figure.unit, sure

    def _option(self, figure: Figure) -> tuple[int, bool]:
        """Which way of computing the figure last year's text used (受理 = 新收, or 新收 + 上年结转)."""
        if self.source is None or figure.quote is None:
            return 0, True
        for index, _ in enumerate(figure.quote.options):
            single = type(figure.quote)(figure.quote.label, (figure.quote.options[index],), figure.quote.percent)
            probe = Figure(figure.start, figure.end, figure.text, figure.value, figure.unit, figure.about, single)
            if matches_quote(probe, self.source):
                return index, True
        return 0, False


def _near_fact(figure: Figure, sentence: str, facts: Facts) -> Decimal | None:
    before = sentence[: figure.start]
    for name, value in facts.items():
        position = before.rfind(name) if name else -1
        if position >= 0 and len(before) - position - len(name) <= 12:
            try:
                return Decimal(str(value))
            except ArithmeticError:
                return None
    return None


def drop_contradicted_claims(sentence: str, report: Report) -> str:
    """The sentence without the clauses whose claim (全部办结, 均获维持 …) the cells contradict."""
    claims = contradicted_claims(sentence, report)
    if not claims:
        return sentence
    clauses = [c for c in _CLAUSE.findall(sentence) if c]
    kept = [c for c in clauses if not any(phrase in c for phrase, _ in claims)]
    if not kept:
        return ""
    text = "".join(kept)
    ending = sentence.rstrip()[-1:] if sentence.rstrip()[-1:] in "。！？" else ""
    text = text.rstrip("，,；; ")
    return text + ending if ending and not text.endswith(ending) else text
