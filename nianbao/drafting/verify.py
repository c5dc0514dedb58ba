"""Every number in a drafted part is rechecked before anyone sees it.

A number that quotes a cell must equal it; a number that quotes one of the user's facts
(信息处理费 …) must equal it; any other number is unverified. Sentences with a failing or
unverified number are marked 【待核实】, never silently kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pydantic import BaseModel

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
from nianbao.drafting.model import UNVERIFIED
from nianbao.model import Report

Facts = Mapping[str, int | Decimal | float | str]
_END_MARKS = "。！？!?；;"


class Status(StrEnum):
    """What the check found for one number."""

    OK = "ok"
    MISMATCH = "mismatch"
    UNVERIFIED = "unverified"


class NumberCheck(BaseModel):
    """The check of one number (or one claim) in one sentence."""

    part: str
    sentence: str
    number: str
    status: Status
    quotes: str | None = None
    expected: str | None = None
    message: str

    @property
    def failed(self) -> bool:
        return self.status is not Status.OK


def check_numbers(text: str, report: Report, facts: Facts | None = None, part: str = "") -> list[NumberCheck]:
    """Check every number and result claim in a part's text against the cells and the user's facts."""
    checks: list[NumberCheck] = []
    for paragraph in text.split("\n"):
        for sentence in split_sentences(paragraph):
            checks.extend(check_sentence(sentence, report, facts or {}, part))
    return checks


def check_sentence(sentence: str, report: Report, facts: Facts, part: str = "") -> list[NumberCheck]:
    """The checks of one sentence."""
    checks = [_check_figure(f, sentence, report, facts, part) for f in find_figures(sentence, report.format)]
    for phrase, reason in contradicted_claims(sentence, report):
        checks.append(
            NumberCheck(
                part=part,
                sentence=sentence.strip(),
                number=phrase,
                status=Status.MISMATCH,
                quotes=phrase,
                expected=reason,
                message=f"“{phrase}”与表格不符：{reason}。",
            )
        )
    return checks


def _check_figure(figure: Figure, sentence: str, report: Report, facts: Facts, part: str) -> NumberCheck:
    base = {"part": part, "sentence": sentence.strip(), "number": figure.text + figure.unit}
    if figure.quote is not None:
        if matches_quote(figure, report):
            return NumberCheck(**base, status=Status.OK, quotes=figure.quote.label, message="与表格一致。")
        expected = _expected_text(figure, report)
        return NumberCheck(
            **base,
            status=Status.MISMATCH,
            quotes=figure.quote.label,
            expected=expected,
            message=f"“{base['number']}”引用的是{figure.quote.label}，按表格应为 {expected}。",
        )
    return _check_fact(figure, sentence, facts, base)


def _check_fact(figure: Figure, sentence: str, facts: Facts, base: dict[str, str]) -> NumberCheck:
    named = {name: value for name, value in facts.items() if name and name in sentence}
    for name, value in named.items():
        if _as_decimal(value) == figure.value:
            return NumberCheck(**base, status=Status.OK, quotes=name, message="与已提供的数据一致。")
    if len(named) == 1 and _fact_is_near(figure, sentence, next(iter(named))):
        name, value = next(iter(named.items()))
        return NumberCheck(
            **base,
            status=Status.MISMATCH,
            quotes=name,
            expected=str(value),
            message=f"“{base['number']}”引用的是{name}，已提供的数据为 {value}。",
        )
    return NumberCheck(
        **base,
        status=Status.UNVERIFIED,
        message=f"“{base['number']}”无法与表格或已提供的数据对应，需人工核实。",
    )


def _fact_is_near(figure: Figure, sentence: str, name: str) -> bool:
    before = sentence[: figure.start]
    return name in before and len(before) - before.rfind(name) - len(name) <= 12


def _as_decimal(value: int | Decimal | float | str) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _expected_text(figure: Figure, report: Report) -> str:
    assert figure.quote is not None
    values = quoted_values(figure.quote, report)
    if not values:
        return "（无法计算）"
    if figure.quote.percent:
        return f"{written(values[0], figure.decimals)}%"
    return " 或 ".join(dict.fromkeys(format_value(v) for v in values))


def mark_sentence(sentence: str) -> str:
    """The sentence with 【待核实】 before its closing punctuation (once)."""
    if UNVERIFIED in sentence:
        return sentence
    stripped = sentence.rstrip()
    tail = sentence[len(stripped) :]
    if stripped and stripped[-1] in _END_MARKS:
        return stripped[:-1] + UNVERIFIED + stripped[-1] + tail
    return stripped + UNVERIFIED + tail


def mark_failing(
    text: str, report: Report, facts: Facts | None = None, part: str = ""
) -> tuple[str, list[NumberCheck]]:
    """Mark every sentence with a failing or unverified number; return the text and all checks."""
    all_checks: list[NumberCheck] = []
    paragraphs = []
    for paragraph in text.split("\n"):
        sentences = []
        for sentence in split_sentences(paragraph):
            checks = check_sentence(sentence, report, facts or {}, part)
            all_checks.extend(checks)
            sentences.append(mark_sentence(sentence) if any(c.failed for c in checks) else sentence)
        paragraphs.append("".join(sentences))
    return "\n".join(paragraphs), all_checks


def count_marked(text: str) -> int:
    """How many sentences carry 【待核实】."""
    return text.count(UNVERIFIED)
