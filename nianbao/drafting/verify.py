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
    Number,
    Tie,
    active_row_before,
    contradicted_claims,
    find_numbers,
    find_ties,
    share_value,
    split_sentences,
)
from nianbao.drafting.model import UNVERIFIED
from nianbao.model import Report
from nianbao.schema import TableId

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
        before = ""
        for sentence in split_sentences(paragraph):
            checks.extend(check_sentence(sentence, report, facts or {}, part, before))
            before += sentence
    return checks


def check_sentence(sentence: str, report: Report, facts: Facts, part: str = "", before: str = "") -> list[NumberCheck]:
    """The checks of one sentence: tied numbers against the cells, the others against the facts."""
    base = {"part": part, "sentence": sentence.strip()}
    ties = find_ties(sentence, report, before, part or None)
    checks = [_check_tie(tie, base) for tie in ties]
    for number in find_numbers(sentence):
        if not any(t.start <= number.start < t.end for t in ties):
            checks.append(_check_active(number, sentence, report, base) or _check_fact(number, sentence, facts, base))
    for phrase, reason in contradicted_claims(sentence, report, before):
        checks.append(
            NumberCheck(
                **base,
                number=phrase,
                status=Status.MISMATCH,
                quotes=phrase,
                expected=reason,
                message=f"“{phrase}”与表格不符：{reason}。",
            )
        )
    return checks


def _check_tie(tie: Tie, base: dict[str, str]) -> NumberCheck:
    if tie.agrees:
        return NumberCheck(**base, number=tie.text, status=Status.OK, quotes=tie.label, message="与表格一致。")
    expected = _share_expected(tie) if tie.percent else tie.expected_text()
    return NumberCheck(
        **base,
        number=tie.text,
        status=Status.MISMATCH,
        quotes=tie.label,
        expected=expected,
        message=f"“{tie.text}”引用的是{tie.label}，按表格应为 {expected}。",
    )


def _share_expected(tie: Tie) -> str:
    assert tie.share is not None
    part, whole = tie.share.parts[0], tie.share.wholes[0]
    places = max(0, -int(Decimal(tie.share.quantity.value).as_tuple().exponent))
    value = share_value(part.value, whole.value, places, None)
    return (
        f"{value}%（{part.label} {part.value} ÷ {whole.label} {whole.value}）" if value is not None else "（无法计算）"
    )


def _check_active(number: Number, sentence: str, report: Report, base: dict[str, str]) -> NumberCheck | None:
    """A number after a 主动公开 row's name (行政许可 …) in the same clause, equal to one of that row's cells."""
    row = active_row_before(sentence, number.start, report.format)
    if row is None:
        return None
    values = {report.value(TableId.ACTIVE, row.key, column) for column in row.columns}
    if number.value not in {Decimal(v) for v in values if v is not None}:
        return None
    return NumberCheck(
        **base, number=number.text + number.unit, status=Status.OK, quotes=row.label, message="与表格一致。"
    )


def _check_fact(number: Number, sentence: str, facts: Facts, base: dict[str, str]) -> NumberCheck:
    shown = number.text + number.unit
    named = {name: value for name, value in facts.items() if name and name in sentence}
    for name, value in named.items():
        if _as_decimal(value) == number.value:
            return NumberCheck(**base, number=shown, status=Status.OK, quotes=name, message="与已提供的数据一致。")
    near = [name for name in named if _fact_is_near(number, sentence, name)]
    if near:
        name = near[0]
        return NumberCheck(
            **base,
            number=shown,
            status=Status.MISMATCH,
            quotes=name,
            expected=str(named[name]),
            message=f"“{shown}”引用的是{name}，已提供的数据为 {named[name]}。",
        )
    return NumberCheck(
        **base,
        number=shown,
        status=Status.UNVERIFIED,
        message=f"“{shown}”无法与表格或已提供的数据对应，需人工核实。",
    )


def _fact_is_near(number: Number, sentence: str, name: str) -> bool:
    before = sentence[: number.start]
    return name in before and len(before) - before.rfind(name) - len(name) <= 12


def _as_decimal(value: int | Decimal | float | str) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def mark_sentence(sentence: str) -> str:
    """The sentence with 【待核实】 before its closing punctuation (once)."""
    if UNVERIFIED in sentence:
        return sentence
    body = sentence.rstrip().rstrip(_END_MARKS)
    return body + UNVERIFIED + sentence[len(body) :]


def mark_failing(
    text: str, report: Report, facts: Facts | None = None, part: str = ""
) -> tuple[str, list[NumberCheck]]:
    """Mark every sentence with a failing or unverified number; return the text and all checks."""
    all_checks: list[NumberCheck] = []
    paragraphs = []
    for paragraph in text.split("\n"):
        sentences: list[str] = []
        for sentence in split_sentences(paragraph):
            checks = check_sentence(sentence, report, facts or {}, part, "".join(sentences))
            all_checks.extend(checks)
            sentences.append(mark_sentence(sentence) if any(c.failed for c in checks) else sentence)
        paragraphs.append("".join(sentences))
    return "\n".join(paragraphs), all_checks


def count_marked(text: str) -> int:
    """How many sentences carry 【待核实】."""
    return text.count(UNVERIFIED)
