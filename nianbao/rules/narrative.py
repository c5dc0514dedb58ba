"""Rule 9 of domain.md: numbers and claims in the narrative must agree with the tables.

What a sentence claims is read by the claims engine (``nianbao.claims``); these rules only turn
what it finds into findings. A claim that cannot be tied to a cell is left alone: a false alarm
costs the reader's trust.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from nianbao.claims.changes import ChangeCheck, LevelCheck, TrendCheck, comparisons
from nianbao.claims.counts import ClaimCheck, Expected, about_other_year, count_claims, other_scope
from nianbao.claims.facts import FactCheck, fact_claims
from nianbao.claims.lists import ListCheck, list_claims
from nianbao.claims.phrases import Contradiction, contradictions, phrases_at
from nianbao.claims.shares import PercentCheck, decimal_places, percent_claims
from nianbao.claims.text import Sentence, narrative_sentences
from nianbao.model import Finding, Severity
from nianbao.rules import CheckContext, rule


def _describe(options: tuple[Expected, ...]) -> str:
    """The figures a number may quote, in words; of equal figures only the first (一 and 一+二 when 二 is 0)."""
    distinct = {o.value: o for o in reversed(options)}
    return " 或 ".join(f"{o.label} {o.value}" for o in options if distinct[o.value] is o)


def _count_finding(check: ClaimCheck, scope: str | None) -> Finding:
    sentence, quantity = check.sentence, check.quantity
    expected = _describe(check.options)
    message = f"正文中“{check.claim.name}”写作 {quantity.text}，表中为{expected}，两者不符"
    if scope:
        message += f"（句中“{scope}”可能是另一统计口径，请核对）"
    if check.sub_item is not None:
        message += f"（{quantity.text}只是其中“{check.sub_item.label}”一项）"
    return Finding(
        rule="narrative.count",
        severity=Severity.WARNING if scope else Severity.ERROR,
        location=sentence.location(),
        expected=expected,
        found=quantity.text,
        message=f"{message}：“{sentence.text}”",
    )


@rule("narrative.count")
def narrative_counts(ctx: CheckContext) -> Iterator[Finding]:
    """正文中引用的件数（受理、办结、结转、各项办理结果、复议诉讼）应与表格一致。"""
    checks = count_claims(ctx.report)
    # A sentence may give one figure at two scopes (全市 2300 余件, 本级 256 件): when one of them
    # agrees with the table, the other is of another scope, not an error.
    agreeing = {(c.sentence, c.claim.name) for c in checks if c.agrees}
    for check in checks:
        if not check.agrees and (check.sentence, check.claim.name) not in agreeing:
            yield _count_finding(check, other_scope(ctx.report, check.sentence, check.quantity.start))


# ---------------------------------------------------------------------------------------------
# Percentages


def _percent_finding(check: PercentCheck) -> Finding:
    part, whole = check.parts[0], check.wholes[0]
    exact = (Decimal(part.value) * 100 / Decimal(whole.value)) if whole.value else Decimal(0)
    shown = exact.quantize(decimal_places(Decimal(check.quantity.value)), ROUND_HALF_UP)
    expected = f"{shown}%（{part.label} {part.value} ÷ {whole.label} {whole.value}）"
    return Finding(
        rule="narrative.percent",
        severity=Severity.WARNING,
        location=check.sentence.location(),
        expected=expected,
        found=check.quantity.text,
        message=(
            f"正文中“{check.subject}”的比例 {check.quantity.text} 与表格算出的 {expected} 不符"
            f"（已按四舍五入和截尾两种方式，并以办理结果总计、本年新收、新收加上年结转为分母核对）："
            f"“{check.sentence.text}”"
        ),
    )


@rule("narrative.percent")
def narrative_percents(ctx: CheckContext) -> Iterator[Finding]:
    """正文中的比例（占 X%、公开率 X%）应与表格算出的一致（四舍五入或截尾均可）。"""
    for check in percent_claims(ctx.report):
        if not check.agrees:
            yield _percent_finding(check)


# ---------------------------------------------------------------------------------------------
# Phrases that claim a result


def _phrase_finding(sentence: Sentence, contradiction: Contradiction, scope: str | None) -> Finding:
    phrase, cells = contradiction.phrase.text, contradiction.cells
    message = f"正文称“{phrase}”，但表中{cells}，两者矛盾"
    if scope:
        message += f"（句中“{scope}”可能是另一统计口径，请核对）"
    return Finding(
        rule="narrative.claim",
        severity=Severity.WARNING if scope else Severity.ERROR,
        location=sentence.location(),
        expected=f"表中 {cells}",
        found=phrase,
        message=f"{message}：“{sentence.text}”",
    )


@rule("narrative.claim")
def narrative_phrases(ctx: CheckContext) -> Iterator[Finding]:
    """“均获维持”“无被纠错”“全部办结”“办结率100%”“未发生行政复议”等说法不得与表格矛盾。"""
    for sentence in narrative_sentences(ctx.report):
        if not phrases_at(sentence.text) or about_other_year(ctx.report, sentence.text):
            continue
        for found in contradictions(ctx.report, sentence):
            yield _phrase_finding(sentence, found, other_scope(ctx.report, sentence, found.phrase.start))


# ---------------------------------------------------------------------------------------------
# Result categories listed against 办结


def _list_finding(check: ListCheck) -> Finding:
    listed = "、".join(f"{c.claim.name}{c.quantity.text}" for c in check.listed)
    missing = "、".join(f"{name} {value} 件" for name, value in check.missing)
    why = f"未写到的类别：{missing}" if missing else "有的类别可能只写了其中一项"
    return Finding(
        rule="narrative.list",
        severity=Severity.WARNING,
        location=check.sentence.location(),
        expected=f"合计 {check.closed}（依申请公开 三.七 办理结果总计）",
        found=f"合计 {check.total}",
        message=(
            f"正文列出的办理结果（{listed}）合计 {check.total} 件，少于办结总数 {check.closed} 件，{why}："
            f"“{check.sentence.text}”"
        ),
    )


@rule("narrative.list")
def narrative_lists(ctx: CheckContext) -> Iterator[Finding]:
    """正文逐项列出的办理结果之和不应少于办结总数（漏写类别或只写了其中一项）。"""
    for check in list_claims(ctx.report):
        if not check.agrees:
            yield _list_finding(check)


# ---------------------------------------------------------------------------------------------
# Changes against last year


def _change_finding(
    sentence: Sentence, check: ChangeCheck | TrendCheck | LevelCheck, scope: str | None
) -> Finding | None:
    if isinstance(check, ChangeCheck):
        shown, expected = check.written, check.cells_say()
    elif isinstance(check, TrendCheck):
        shown, expected = check.word, check.expected_word() or "与上年持平"
    else:
        shown, expected = check.text, check.expected_text()
    if expected is None:
        return None
    figure = check.figure
    message = (
        f"正文称{figure.label}“{shown}”，按本年 {figure.now}、上年 {figure.then} 应为“{expected}”：“{sentence.text}”"
    )
    if scope:
        message += f"（句中“{scope}”可能是另一统计口径，请核对）"
    return Finding(
        rule="narrative.change",
        severity=Severity.WARNING if scope else Severity.ERROR,
        location=sentence.location(),
        expected=expected,
        found=shown,
        message=message,
    )


@rule("narrative.change")
def narrative_changes(ctx: CheckContext) -> Iterator[Finding]:
    """正文中的同比变化（同比增长 X%、较上年减少 N 件、比上年增加 N 万元、与上年持平）应与本年和上年表格算出的一致。

    An error when the sentence speaks of the body's own figures, as a count that contradicts its cell is; a
    reminder when it may speak of another scope (全县各单位)."""
    previous = ctx.previous
    if previous is None or ctx.report.year is None or previous.year != ctx.report.year - 1:
        return
    for sentence in narrative_sentences(ctx.report):
        compared = comparisons(sentence.text, ctx.report, previous, sentence.before)
        checks: list[ChangeCheck | TrendCheck | LevelCheck] = [*compared.changes, *compared.trends, *compared.levels]
        for check in sorted(checks, key=lambda c: c.start):
            if check.agrees is not False:
                continue
            finding = _change_finding(sentence, check, other_scope(ctx.report, sentence, check.figure.start))
            if finding is not None:
                yield finding


# ---------------------------------------------------------------------------------------------
# The user's facts (信息处理费)


@rule("narrative.fact")
def narrative_facts(ctx: CheckContext) -> Iterator[Finding]:
    """正文中的信息处理费等数字应与用户提供的数据一致。"""
    if not ctx.facts:
        return
    for sentence in narrative_sentences(ctx.report):
        for check in fact_claims(sentence.text, ctx.facts):
            if check.known is not None and not check.agrees:
                yield _fact_finding(sentence, check)


def _fact_finding(sentence: Sentence, check: FactCheck) -> Finding:
    shown, known = check.number.text + check.number.unit, f"{check.known}{check.number.unit}"
    return Finding(
        rule="narrative.fact",
        severity=Severity.ERROR,
        location=sentence.location(),
        expected=f"{check.name} {check.known}",
        found=shown,
        message=f"正文写{check.name}“{shown}”，已提供的数据为 {known}，两者不符：“{sentence.text}”",
    )
