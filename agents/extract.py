"""Figures out of a chat message with an LLM: structured output into a pydantic model of cell values.

The model only reads; it never computes. Every figure it proposes is checked against the canonical
cells and against the user's own words (a number that is not in the message is dropped with a
note: LLMs invent numbers), then goes through the same derive/refusal path as the built-in extractor.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from pydantic import BaseModel, Field, ValidationError

from agents.llm import RetryPolicy, local_url, retried
from agents.prompting import render
from agents.reask import answered, ask_until_valid, run_to_end
from nianbao.intake import CellChange, Extraction, Origin, Proposal, extract
from nianbao.intake.reading import propose_extraction
from nianbao.intake.spans import clause_saying, locate, says
from nianbao.intake.tokens import numbers_in
from nianbao.model import CellNumber, Report
from nianbao.numerals import parse_chinese_number
from nianbao.schema import ReportFormat, RowSpec, TableId, ValueKind, rows_of

logger = logging.getLogger(__name__)

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]
_DENIALS = ("无", "未", "没有", "零")
_UNUSABLE = (OutputParserException, ValidationError)


class ExtractedCell(BaseModel):
    """One figure of the message placed on a cell of the tables."""

    table: Literal["主动公开", "依申请公开", "复议诉讼"] = Field(description="表名")
    row: str = Field(description="行代码（依申请公开如 一、三.一、三.三.1）或行名（主动公开、复议诉讼）")
    column: str = Field(description="列名，如 自然人、总计、结果维持、本年制发件数")
    value: str = Field(description="数字（阿拉伯数字；收费金额以万元计）")
    quote: str = Field(default="", description="原话中给出这个数字的那一小句")


class ExtractedFigures(BaseModel):
    """Every figure the message states, one per cell."""

    figures: list[ExtractedCell] = Field(default_factory=list)


def extract_with_llm(
    text: str,
    llm: BaseChatModel,
    fmt: ReportFormat = ReportFormat.F2021,
    method: StructuredMethod = "function_calling",
    retry: RetryPolicy | None = None,
    previous: Extraction | None = None,
) -> Extraction:
    """The figures of a message read by the LLM, checked against the cells and the message's own numbers.

    Timeouts, 429 and 5xx are retried (``retry``, else RetryPolicy's defaults); an answer that does not parse
    is sent back once with the error, then the built-in extractor reads the message instead. ``previous``
    is what the message before gave (rows talked about, cells): the built-in reading, which knows it, is
    the one the model's cells are checked against.
    """
    built_in = extract(text, fmt, *((previous.rows, previous.said) if previous is not None else ()))
    prompt = render("extract_figures", format=fmt.value, rows=rows_prompt(fmt), message=text)
    first: list[BaseMessage] = [HumanMessage(content=prompt)]
    policy = retry or RetryPolicy()

    def answer(messages: list[BaseMessage]) -> Generator[None, None, Any]:
        try:
            return (yield from answered(_ask(llm, messages, method, policy)))
        except (OutputParserException, ValidationError) as e:
            return e  # judged by the validation below, like an answer that parses but does not fit

    def again(reply: Any, error: Exception) -> list[BaseMessage]:
        logger.warning("LLM extraction unusable: %s", error)
        return [first[0], HumanMessage(content=render("extract_figures_retry", error=str(error)[:800]))]

    outcome = run_to_end(ask_until_valid(first, answer, _as_figures, again, 1, _UNUSABLE))
    if outcome.value is not None:
        return checked_figures(outcome.value, text, fmt, built_in)
    built_in.notes.insert(0, "大模型返回内容无法解析（已重试 1 次），已改用内置规则读取数字。")
    return built_in


def _ask(llm: BaseChatModel, messages: list[BaseMessage], method: StructuredMethod, policy: RetryPolicy) -> Any:
    """The structured answer; transport faults retried, parse errors passed on; LLMError when retries run out."""
    for attempt in retried(policy, local_url(llm), keep=(OutputParserException, ValidationError)):
        with attempt:
            return llm.with_structured_output(ExtractedFigures, method=method).invoke(messages)
    raise AssertionError("unreachable: tenacity returns or raises")


def propose_from_message(
    text: str,
    report: Report,
    llm: BaseChatModel | None = None,
    method: StructuredMethod = "function_calling",
) -> Proposal:
    """A chat message as a proposal on the draft: by the LLM when given, else by the built-in extractor."""
    extraction = extract_with_llm(text, llm, report.format, method) if llm is not None else extract(text, report.format)
    return propose_extraction(report, extraction)


def rows_prompt(fmt: ReportFormat) -> str:
    """The tables' rows and columns, one line per row, for the prompt."""
    lines: list[str] = []
    for table in TableId:
        lines.append(f"【{table.value}】")
        lines.extend(f"- {_row_line(spec)}" for spec in rows_of(fmt, table))
    return "\n".join(lines)


def _row_line(spec: RowSpec) -> str:
    name = f"{spec.key}：{spec.label}" if spec.table is TableId.REQUESTS else spec.key
    return f"{name}（列：{'、'.join(spec.columns)}）"


def _as_figures(answer: Any) -> ExtractedFigures:
    if isinstance(answer, Exception):
        raise answer
    if isinstance(answer, ExtractedFigures):
        return answer
    return ExtractedFigures.model_validate(answer)


def checked_figures(
    figures: ExtractedFigures, text: str, fmt: ReportFormat, built_in: Extraction | None = None
) -> Extraction:
    """Keep the figures that name a real cell, a number the user wrote and a quote of hers that says it, and
    that the built-in reading does not place elsewhere (two readings: asked, not picked).

    Each figure dropped gets a note saying why. “其余均为0” is read by the built-in extractor either way.
    """
    said = numbers_in(text)
    denies = any(word in text for word in _DENIALS)
    built_in = built_in or extract(text, fmt)
    result = Extraction(rest=built_in.rest, rows=built_in.rows, said=built_in.said)
    for figure in figures.figures:
        change, why = _to_change(figure, fmt)
        if change is not None and change.new not in said and not (change.new == 0 and denies):
            why = f"原话中没有 {change.new} 这个数字，未采用（大模型可能编造了数字）。"
            change = None
        if change is not None:
            change, why = _with_span(change, text)
        if change is not None and _quotes_no_figure(change, text, built_in.not_figures):
            why = "引用的是工作情况的数字或约数（或要先向您问清的数字），不是表格中的数字，未采用。"
            change = None
        elsewhere = _placed_elsewhere(change, text, built_in) if change is not None else []
        if elsewhere:
            cells = "、".join(c.where(fmt) for c in elsewhere)
            why = f"与内置规则的读法（{cells}）不同，未采用，请用一句话说明这个数字是哪一项。"
            change = None
        if change is None:
            result.notes.append(f"大模型给出的“{figure.table} / {figure.row} / {figure.column} = {figure.value}”{why}")
        else:
            result.changes.append(change)
    return result


def _placed_elsewhere(change: CellChange, text: str, built_in: Extraction) -> list[CellChange]:
    """The built-in reading's cells for the same number of the same words, when the model's cell is not one
    of them (“其中自然人50件” after “收到申请52件”: the built-in reader knows the message before). Only words
    said once in the message are compared: a quote said twice (其中自然人1件) may be either."""
    quote = change.source_text.strip()
    if not quote or text.count(quote) != 1:
        return []
    same = [
        c
        for c in built_in.changes
        if c.new == change.new and c.source_text and (quote in c.source_text or c.source_text in quote)
    ]
    return [] if not same or any(c.address == change.address for c in same) else same


def _quotes_no_figure(change: CellChange, text: str, not_figures: list[tuple[int, int]]) -> bool:
    """The change's value is, in the words it quotes, a number the built-in reader found is no table figure
    (答复网民留言236件, 约30件)."""
    if not change.spans:
        return False
    start, end = change.spans[0]
    return any(start <= a and b <= end and change.new in numbers_in(text[a:b]) for a, b in not_figures)


def _with_span(change: CellChange, text: str) -> tuple[CellChange | None, str]:
    """The change with the span of the user's words it came from; None (and why) when the quote fails."""
    assert change.new is not None
    if not change.source_text.strip():
        span = clause_saying(text, change.new)
    else:
        span = locate(text, change.source_text)
        if span is None:
            return None, f"引用的“{change.source_text}”不是原话，未采用。"
        if not says(change.source_text, change.new):
            return None, f"引用的原话“{change.source_text}”中没有 {change.new} 这个数字，未采用。"
    if span is None:
        return change, ""
    return change.model_copy(update={"spans": [span], "source_text": text[span[0] : span[1]]}), ""


def _to_change(figure: ExtractedCell, fmt: ReportFormat) -> tuple[CellChange | None, str]:
    table = TableId(figure.table)
    spec = _find_row(fmt, table, figure.row)
    if spec is None or figure.column not in spec.columns:
        return None, "不是表格中的单元格，未采用。"
    value = _number(figure.value, spec.kind_of(figure.column))
    if value is None:
        return None, "不是有效的数字，未采用。"
    change = CellChange(
        table=table, row=spec.key, column=figure.column, new=value, source_text=figure.quote, origin=Origin.LLM
    )
    return change, ""


def _find_row(fmt: ReportFormat, table: TableId, row: str) -> RowSpec | None:
    wanted = row.strip()
    for spec in rows_of(fmt, table):
        if wanted in (spec.key, spec.label, spec.display):
            return spec
    return None


def _number(text: str, kind: ValueKind) -> CellNumber | None:
    value = parse_chinese_number(text.replace("万元", "").replace("件", "").strip())
    if value is None or value < 0:
        return None
    if kind is ValueKind.COUNT and not isinstance(value, int):
        return None
    return value
