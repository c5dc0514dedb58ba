"""Rule 11 of domain.md: long passages copied from last year's report (内容雷同) are flagged for review."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.model import Finding, Location, Report, Severity
from nianbao.rules import CheckContext, rule
from nianbao.similarity import MIN_PASSAGE, ParagraphCopy, SourceIndex, TextCopy, compare_texts

NARRATIVE_PARTS = ("一", "五", "六")
"""The parts written as text; 二 to 四 are tables, whose figures are compared cell by cell."""


def narrative_paragraphs(report: Report) -> list[tuple[str, str]]:
    """(part numeral, paragraph) for every paragraph of the narrative parts, in order."""
    return [
        (part.number, text)
        for part in report.ordered_parts()
        if part.number in NARRATIVE_PARTS
        for text in part.paragraphs
    ]


def copied_parts(report: Report, previous: Report) -> dict[str, TextCopy]:
    """For each narrative part of this year's report, how much of it is found in last year's."""
    index = SourceIndex(text for _, text in narrative_paragraphs(previous))
    result: dict[str, TextCopy] = {}
    for part in report.ordered_parts():
        if part.number in NARRATIVE_PARTS and part.number not in result:
            result[part.number] = compare_texts(part.paragraphs, index)
    return result


def is_same_year(report: Report, previous: Report) -> bool:
    """True when both years are known and equal: ``previous`` is an earlier version of the same report."""
    return report.year is not None and report.year == previous.year


@rule("copy.passages")
def copied_passages(ctx: CheckContext) -> Iterator[Finding]:
    """每段正文中与上年报告相同或几乎相同（仅年份、数字不同）的长段落，提请人工审阅。"""
    if ctx.previous is None or is_same_year(ctx.report, ctx.previous):
        return
    for number, copy in copied_parts(ctx.report, ctx.previous).items():
        for paragraph in copy.copied_paragraphs(MIN_PASSAGE):
            yield copy_finding(number, paragraph)


def copy_finding(part: str, paragraph: ParagraphCopy) -> Finding:
    """The finding for one paragraph with a long passage copied from last year's report."""
    percent = f"{paragraph.similarity:.0%}"
    quoted = paragraph.copied_sentence()
    return Finding(
        rule="copy.passages",
        severity=Severity.WARNING,
        location=Location(part=part, sentence=quoted),
        expected="本年度新写的内容",
        found=f"与上年报告相同 {percent}（最长 {paragraph.longest} 字）",
        message=(
            f"第{part}部分第{paragraph.index + 1}段有 {percent} 的文字与上年报告相同或几乎相同"
            f"（最长一段连续 {paragraph.longest} 字），如“{_short(quoted)}”，请确认是否照搬了上年内容。"
        ),
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
