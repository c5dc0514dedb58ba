"""Rule 8 of domain.md: the six parts, present, in order, titled, not empty."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.model import Finding, Location, Report, Severity
from nianbao.rules import CheckContext, rule
from nianbao.schema import PART_NUMERALS, PART_TITLES

# Titles that domain.md lists as seen in real reports: accepted as they are.
ACCEPTED_TITLES: dict[str, tuple[str, ...]] = {
    "四": ("因政府信息公开工作被申请行政复议、提起行政诉讼情况",),
    "五": ("存在问题及改进情况",),
}
_EMPTY_TEXTS = {"", "无", "无。", "暂无", "暂无。"}


@rule("structure.parts")
def parts_present_in_order(ctx: CheckContext) -> Iterator[Finding]:
    """All six parts present, once each, in order, with their official titles."""
    report = ctx.report
    numbers = [p.number for p in report.parts]
    for number in PART_NUMERALS:
        if number not in numbers:
            yield _part_finding(number, f"缺少第{number}部分“{PART_TITLES[number]}”。", "缺失")
    present = [n for n in numbers if n in PART_NUMERALS]
    if present != sorted(present, key=PART_NUMERALS.index):
        order = "、".join(present)
        yield _part_finding(present[0], f"各部分顺序不对：实际顺序为 {order}，应为 一至六。", order)
    yield from _titles(report)


def _titles(report: Report) -> Iterator[Finding]:
    for part in report.parts:
        if not part.heading:
            continue  # found by its content, printed without a heading: the reader said so
        title = part.heading.replace(" ", "")  # the whole heading: a title may itself hold a 、
        official = PART_TITLES[part.number]
        if official in title or any(t in title for t in ACCEPTED_TITLES.get(part.number, ())):
            continue
        yield Finding(
            rule="structure.parts",
            severity=Severity.WARNING,
            location=Location(part=part.number, sentence=part.heading),
            expected=f"{part.number}、{official}",
            found=part.heading,
            message=f"第{part.number}部分的标题“{part.heading}”与标准格式不一致，应为“{part.number}、{official}”。",
        )


@rule("structure.empty_part")
def parts_not_empty(ctx: CheckContext) -> Iterator[Finding]:
    """No narrative part empty or only “无”, except 六."""
    for part in ctx.report.parts:
        if part.number in ("一", "五") and part.text.strip() in _EMPTY_TEXTS:
            yield _part_finding(
                part.number,
                f"第{part.number}部分“{PART_TITLES[part.number]}”没有内容。",
                part.text.strip() or "空",
            )


def _part_finding(number: str, message: str, found: str) -> Finding:
    return Finding(
        rule="structure.parts",
        severity=Severity.WARNING,
        location=Location(part=number),
        expected=f"{number}、{PART_TITLES[number]}",
        found=found,
        message=message,
    )
