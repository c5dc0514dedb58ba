"""Every number in a drafted part is rechecked before anyone sees it.

A number that quotes a cell must equal it; a number that quotes one of the user's facts
(信息处理费 …) must equal it; any other number is unverified. What each number claims is read by
the claims engine (``nianbao.claims``), as ``nianbao check`` reads it. A wrong figure of a known
fact is corrected; every other failing number is marked 【待核实】 at the end of its own clause,
never silently kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from pydantic import BaseModel, ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from nianbao.claims.changes import ChangeCheck, LastYearFigure, LevelCheck, TrendCheck, comparisons
from nianbao.claims.facts import fact_in_units_of, states_fact
from nianbao.claims.numbers import Number, find_numbers
from nianbao.claims.phrases import contradictions
from nianbao.claims.text import CLAUSE_MARKS, CLOSERS, SENTENCE_MARKS, clause_at, in_paragraph, split_sentences
from nianbao.claims.ties import (
    Tie,
    active_column_named,
    active_row_before,
    find_ties,
    format_value,
    share_value,
)
from nianbao.drafting.marks import MARKS
from nianbao.drafting.model import UNVERIFIED
from nianbao.model import Report
from nianbao.schema import RowSpec, TableId, ValueKind

Facts = Mapping[str, int | Decimal | float | str]
_END_MARKS = "。！？!?；;"


class Status(StrEnum):
    """What the check found for one number."""

    OK = "ok"
    MISMATCH = "mismatch"
    UNVERIFIED = "unverified"
    CORRECTED = "corrected"  # a wrong figure of a known fact, replaced by the fact


class _Base(TypedDict):
    part: str
    sentence: str


class NumberCheck(BaseModel):
    """The check of one number (or one claim) in one sentence."""

    part: str
    sentence: str
    number: str
    status: Status
    quotes: str | None = None
    expected: str | None = None
    message: str
    at: int = 0  # where the number (or phrase) starts in the sentence as written
    end: int = 0  # where it ends, its unit included
    correction: str | None = None  # the known figure, with its unit, that replaces a wrong one

    @property
    def failed(self) -> bool:
        return self.status not in (Status.OK, Status.CORRECTED)


def check_numbers(
    text: str, report: Report, facts: Facts | None = None, part: str = "", previous: Report | None = None
) -> list[NumberCheck]:
    """Check every number and result claim in a part's text against the cells and the user's facts.

    ``previous``: last year's report of the body, against which year-on-year changes (同比增长) are checked;
    without it they are unverified.
    """
    checks: list[NumberCheck] = []
    for paragraph in text.split("\n"):
        before = ""
        for sentence in split_sentences(paragraph):
            checks.extend(check_sentence(sentence, report, facts or {}, part, before, previous))
            before += sentence
    return checks


def check_sentence(
    sentence: str,
    report: Report,
    facts: Facts,
    part: str = "",
    before: str = "",
    previous: Report | None = None,
) -> list[NumberCheck]:
    """The checks of one sentence: tied numbers against the cells, the others against the facts."""
    base: _Base = {"part": part, "sentence": sentence.strip()}
    ties = find_ties(sentence, report, before, part or None)
    compared = comparisons(sentence, report, _year_before(report, previous), before)
    changes, thens = compared.changes, compared.last_year
    checks = [_at(_check_tie(t, base), t.start, t.end) for t in ties]
    checks += [_at(_check_change(c, base), c.start, c.end) for c in changes]
    checks += [_at(_check_last_year(f, base), f.start, f.end) for f in thens]
    checks += [_at(_check_trend(t, base), t.start, t.end) for t in compared.trends if t.agrees is not None]
    checks += [_at(_check_level(v, base), v.start, v.end) for v in compared.levels if v.agrees is not None]
    covered = [(t.start, t.end) for t in ties] + [(c.start, c.end) for c in changes]
    covered += [(f.start, f.end) for f in thens]
    for number in find_numbers(sentence):
        if not any(start <= number.start < end for start, end in covered):
            active = _check_active(number, sentence, report, base, before)
            check = active or _check_fact(number, sentence, facts, base)
            checks.append(_at(check, number.start, number.end))
    for found in contradictions(report, in_paragraph(sentence, before)):
        phrase, reason = found.phrase.text, f"表中{found.cells}"
        check = NumberCheck(
            **base,
            number=phrase,
            status=Status.MISMATCH,
            quotes=phrase,
            expected=reason,
            message=f"“{phrase}”与表格不符：{reason}。",
        )
        checks.append(_at(check, found.phrase.start, found.phrase.start + len(phrase)))
    return sorted(checks, key=lambda c: c.at)


def _at(check: NumberCheck, start: int, end: int) -> NumberCheck:
    return check.model_copy(update={"at": start, "end": end})


def _check_tie(tie: Tie, base: _Base) -> NumberCheck:
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


def _year_before(report: Report, previous: Report | None) -> Report | None:
    """``previous`` when it is the body's report of the year before this one, else None."""
    if previous is None or report.year is None or previous.year != report.year - 1:
        return None
    return previous


def _check_change(change: ChangeCheck, base: _Base) -> NumberCheck:
    shown, label = change.written, f"同比{change.figure.label}"
    if change.agrees:
        return NumberCheck(**base, number=change.text, status=Status.OK, quotes=label, message="与两年表格一致。")
    expected = change.cells_say()
    if expected is None:
        return NumberCheck(
            **base,
            number=change.text,
            status=Status.UNVERIFIED,
            message=f"“{shown}”无法由本年和上年表格算出，需人工核实。",
        )
    cells = f"按本年 {change.now}、上年 {change.then}"
    return NumberCheck(
        **base,
        number=change.text,
        status=Status.MISMATCH,
        quotes=label,
        expected=expected,
        message=f"“{shown}”是{change.figure.label}的同比变化，{cells} 应为“{expected}”。",
    )


def _check_trend(trend: TrendCheck, base: _Base) -> NumberCheck:
    label = f"同比{trend.figure.label}"
    if trend.agrees:
        return NumberCheck(**base, number=trend.word, status=Status.OK, quotes=label, message="与两年表格一致。")
    expected = trend.expected_word() or "持平"
    return NumberCheck(
        **base,
        number=trend.word,
        status=Status.MISMATCH,
        quotes=label,
        expected=expected,
        message=f"“{trend.word}”与表格不符：本年 {trend.now}、上年 {trend.then}，应为“{expected}”。",
    )


def _check_level(level: LevelCheck, base: _Base) -> NumberCheck:
    label = f"同比{level.figure.label}"
    if level.agrees:
        return NumberCheck(**base, number=level.text, status=Status.OK, quotes=label, message="与两年表格一致。")
    expected = level.expected_text()
    return NumberCheck(
        **base,
        number=level.text,
        status=Status.MISMATCH,
        quotes=label,
        expected=expected,
        message=f"“{level.text}”与表格不符：本年 {level.figure.now}、上年 {level.figure.then}，应为“{expected}”。",
    )


def _check_last_year(figure: LastYearFigure, base: _Base) -> NumberCheck:
    label = f"上年{figure.figure.label}"
    if figure.agrees:
        return NumberCheck(**base, number=figure.text, status=Status.OK, quotes=label, message="与上年表格一致。")
    if figure.then is None:
        return NumberCheck(
            **base, number=figure.text, status=Status.UNVERIFIED, message=f"“{figure.text}”无法由上年表格核实。"
        )
    return NumberCheck(
        **base,
        number=figure.text,
        status=Status.MISMATCH,
        quotes=label,
        expected=str(figure.then),
        message=f"“{figure.text}”是{label}，上年表格为 {figure.then}。",
    )


def _share_expected(tie: Tie) -> str:
    assert tie.share is not None
    part, whole = tie.share.parts[0], tie.share.wholes[0]
    places = max(0, -int(Decimal(tie.share.quantity.value).as_tuple().exponent))
    value = share_value(part.value, whole.value, places, None)
    return (
        f"{value}%（{part.label} {part.value} ÷ {whole.label} {whole.value}）" if value is not None else "（无法计算）"
    )


def _check_active(number: Number, sentence: str, report: Report, base: _Base, before: str) -> NumberCheck | None:
    """A number after a 主动公开 row's name (行政许可 …) in the same clause, equal to that row's cell."""
    row = active_cell_stated(number, sentence, report, before)
    if row is None:
        return None
    return NumberCheck(
        **base, number=number.text + number.unit, status=Status.OK, quotes=row.label, message="与表格一致。"
    )


def active_cell_stated(number: Number, sentence: str, report: Report, before: str = "") -> RowSpec | None:
    """The 主动公开 row whose cell the number states (行政许可 1520 件), named before it in its clause; None if none.

    When the clause names the column (制发, 废止, 现行有效) only that column's cell counts: 制发规章 0 件 is
    not verified by 本年废止件数 0.
    """
    row = active_row_before(sentence, number.start, report.format, before)
    if row is None:
        return None
    columns = [column] if (column := active_column_named(sentence, number.start, row)) else row.columns
    money = row.kind_of(columns[0]) is ValueKind.MONEY
    values = [report.value(TableId.ACTIVE, row.key, c) for c in columns]
    return row if any(v is not None and number.states(v, money) for v in values) else None


def _check_fact(number: Number, sentence: str, facts: Facts, base: _Base) -> NumberCheck:
    shown = number.text + number.unit
    stated = [name for name in facts if states_fact(number, sentence, name)]
    for name in stated:
        if fact_in_units_of(facts[name], number) == number.value:
            return NumberCheck(**base, number=shown, status=Status.OK, quotes=name, message="与已提供的数据一致。")
    if stated:
        name = stated[0]
        known = fact_in_units_of(facts[name], number)
        return NumberCheck(
            **base,
            number=shown,
            status=Status.MISMATCH,
            quotes=name,
            expected=str(facts[name]),
            message=f"“{shown}”引用的是{name}，已提供的数据为 {facts[name]}。",
            correction=_correction(known, number.unit),
        )
    return NumberCheck(
        **base,
        number=shown,
        status=Status.UNVERIFIED,
        message=f"“{shown}”无法与表格或已提供的数据对应，需人工核实。",
    )


def _correction(known: Decimal | None, unit: str) -> str | None:
    """The known figure as it replaces a wrong one: in the unit written, none at all as 0元 (not 0万元)."""
    if known is None:
        return None
    return "0元" if known == 0 and unit == "万元" else f"{format_value(known)}{unit}"


def mark_sentence(sentence: str) -> str:
    """The sentence with 【待核实】 before its closing punctuation (once)."""
    if UNVERIFIED in sentence:
        return sentence
    body = sentence.rstrip().rstrip(_END_MARKS)
    return body + UNVERIFIED + sentence[len(body) :]


def mark_clauses(sentence: str, checks: list[NumberCheck]) -> tuple[str, list[NumberCheck]]:
    """The sentence with each wrong fact figure corrected and 【待核实】 at the end of each clause that still fails.

    Returns the checks too (positions in the returned sentence), corrected ones as ``Status.CORRECTED``.
    """
    text, done = _corrected(sentence, checks)
    ends = {_clause_end(text, c.at) for c in done if c.failed}
    for end in sorted(ends, reverse=True):
        if not text.startswith(UNVERIFIED, end):
            text = text[:end] + UNVERIFIED + text[end:]
    return text, done


def _corrected(sentence: str, checks: list[NumberCheck]) -> tuple[str, list[NumberCheck]]:
    text, done, shift = sentence, [], 0
    for check in sorted(checks, key=lambda c: c.at):
        at, end = check.at + shift, check.end + shift
        if check.correction is None or check.status is not Status.MISMATCH:
            done.append(check.model_copy(update={"at": at, "end": end}))
            continue
        text = text[:at] + check.correction + text[end:]
        shift += len(check.correction) - (end - at)
        update = {"status": Status.CORRECTED, "at": at, "end": at + len(check.correction)}
        done.append(check.model_copy(update=update))
    return text, done


def _clause_end(sentence: str, position: int) -> int:
    """Where the mark goes for the clause holding ``position``: before its closing punctuation and the draft's marks
    it ends with (1256条【待核实】【沿用上年，请核实】: the number's mark first, said once)."""
    start, end = clause_at(sentence, position)
    body = sentence[start:end].rstrip().rstrip(CLAUSE_MARKS + SENTENCE_MARKS + CLOSERS).rstrip()
    while (mark := next((m for m in MARKS if body.endswith(m)), None)) is not None:
        body = body.removesuffix(mark)
    return start + len(body)


def mark_failing(
    text: str, report: Report, facts: Facts | None = None, part: str = "", previous: Report | None = None
) -> tuple[str, list[NumberCheck]]:
    """Correct wrong fact figures and mark every clause with a failing or unverified number; the text and checks."""
    all_checks: list[NumberCheck] = []
    paragraphs = []
    for paragraph in text.split("\n"):
        sentences: list[str] = []
        for sentence in split_sentences(paragraph):
            checks = check_sentence(sentence, report, facts or {}, part, "".join(sentences), previous)
            marked, checks = mark_clauses(sentence, checks)
            all_checks.extend(checks)
            sentences.append(marked)
        paragraphs.append("".join(sentences))
    return "\n".join(paragraphs), all_checks


def count_marked(text: str) -> int:
    """How many sentences carry 【待核实】 (a sentence may carry it at more than one clause)."""
    return sum(UNVERIFIED in sentence for sentence in split_sentences(text))


# ---------------------------------------------------------------------------------------------
# The recheck as a validator: a drafted part validated against the report it belongs to


@dataclass(frozen=True)
class PartContext:
    """What a drafted part is validated against: this year's report, the user's facts, last year's report."""

    report: Report
    facts: Facts
    previous: Report | None = None


class CheckedPart(BaseModel):
    """A drafted part (一, 五 or 六) whose every figure and result claim agrees with the report.

    Validate with ``context=PartContext(...)``; the ValidationError lists each failing figure with its
    sentence and what the tables say, which is what goes back to the model for another try.
    """

    number: str
    text: str

    @model_validator(mode="after")
    def figures_agree(self, info: ValidationInfo) -> CheckedPart:
        context = info.context
        if not isinstance(context, PartContext):
            raise TypeError("CheckedPart is validated with context=PartContext(report, facts, previous)")
        checks = check_numbers(self.text, context.report, context.facts, self.number, context.previous)
        failing = [c for c in checks if c.failed]
        if failing:
            lines = "\n".join(f"- “{c.sentence}”：{c.message}" for c in failing)
            context = {"findings": lines, "count": len(failing), "checks": failing}  # checks: for the model's retry
            raise PydanticCustomError("figures", "{findings}", context)
        return self


def check_part(number: str, text: str, context: PartContext) -> CheckedPart:
    """The part validated against the report (ValidationError when a figure fails)."""
    return CheckedPart.model_validate({"number": number, "text": text}, context=context)


def validation_findings(error: ValidationError) -> str:
    """What a failed validation says, one line per failing figure, for the model's next try."""
    return "\n".join(str(e["msg"]) for e in error.errors())


def wrong_figures(
    text: str, report: Report, facts: Facts | None = None, previous: Report | None = None
) -> list[NumberCheck]:
    """The figures and claims of a text that contradict the tables or the facts (not the unverified ones)."""
    return [c for c in check_numbers(text, report, facts, "", previous) if c.status is Status.MISMATCH]


def report_wrong_figures(
    report: Report, facts: Facts | None = None, previous: Report | None = None
) -> list[NumberCheck]:
    """The wrong figures and claims left in a report's narrative parts (一, 五, 六): a draft with any is not clean."""
    return [
        c for number in ("一", "五", "六") for c in wrong_figures(report.part_text(number), report, facts, previous)
    ]
