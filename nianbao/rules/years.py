"""Rule 10 of domain.md: the years the narrative speaks of.

The report year and the year before are expected; an older year is a likely copy from an old
report. A year inside a citation (《…2020年…通知》, 鹿政办〔2016〕132号) is not a claim, a period
that reaches the report year (2021—2025年, 2019年以来) is not stale, and later years (the date of
publication, plans) are not copies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from nianbao.claims.text import Sentence, narrative_sentences
from nianbao.model import Finding, Location, Report, Severity
from nianbao.numerals import normalize_digits, parse_chinese_number
from nianbao.rules import CheckContext, rule

_YEAR = r"(?:19|20)\d{2}|[一二〇○零三四五六七八九]{4}"
_YEAR_MENTION = re.compile(
    rf"(?<![\d〔\[［【])(?P<first>{_YEAR})\s*(?:年度?)?\s*(?:[-—–~～至到]\s*(?P<last>{_YEAR})\s*)?年(?P<since>度?\s*(?:以来|起|至今))?"
)
# 2019年修订, 2019年5月15日起施行, 2021年版, 2020年第3号: the year names a law or a document.
_CITED_AFTER = re.compile(r"(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*起?\s*(?:修订|修正|版|颁布|施行|公布|第\s*\d)")
_CITATIONS = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|［[^］]*］|【[^】]*】")
_PERIOD = re.compile(rf"(?:统计期限|统计时限|统计期|统计区间|所列数据)[^。]*?(?P<year>{_YEAR})\s*年\s*1\s*月\s*1\s*日")


@dataclass(frozen=True)
class YearMention:
    """A year (or a period of years) written in a sentence, outside any citation."""

    first: int
    last: int
    text: str
    open_ended: bool = False  # “2019年以来”: from then up to now

    def names(self, year: int) -> bool:
        """Whether the mention names this year (an open-ended period names only its start)."""
        return self.first == year or (not self.open_ended and self.first <= year <= self.last)


def _as_year(text: str) -> int | None:
    value = parse_chinese_number(text)
    return value if isinstance(value, int) and 1900 <= value <= 2099 else None


def _outside_citations(text: str) -> str:
    return _CITATIONS.sub(lambda m: "　" * len(m.group()), text)


def year_mentions(text: str) -> list[YearMention]:
    """The years a sentence speaks of; a period “2021—2025年” or “2019年以来” runs to its end (or now)."""
    return list(_year_mentions(text))


@lru_cache(maxsize=4096)
def _year_mentions(text: str) -> tuple[YearMention, ...]:
    mentions = []
    plain = _outside_citations(normalize_digits(text))
    for match in _YEAR_MENTION.finditer(plain):
        first = _as_year(match.group("first"))
        if first is None or _CITED_AFTER.match(plain, match.end()):
            continue
        last = _as_year(match.group("last")) if match.group("last") else first
        since = bool(match.group("since"))
        mentions.append(YearMention(first, 9999 if since else last or first, match.group(), since))
    return tuple(mentions)


def stale_years(report: Report, sentence: Sentence) -> list[YearMention]:
    """Years of a sentence that end before the year before the report year.

    A year that the same sentence also cites (“2016年…印发了…（鹿政办〔2016〕132号）”) tells when
    that document was issued: history, not a stale claim about this year's work.
    """
    if report.year is None:
        return []
    cited = _cited_years(sentence.text)
    return [m for m in year_mentions(sentence.text) if m.last < report.year - 1 and m.first not in cited]


def _cited_years(text: str) -> set[int]:
    citations = "".join(m.group() for m in _CITATIONS.finditer(normalize_digits(text)))
    return {int(y) for y in re.findall(r"(?:19|20)\d{2}", citations)}


@rule("years.stale")
def stale_year_sentences(ctx: CheckContext) -> Iterator[Finding]:
    """正文中出现报告年度及上一年度以外的更早年份，可能是照抄旧报告。"""
    report = ctx.report
    for sentence in narrative_sentences(report):
        stale = stale_years(report, sentence)
        if stale:
            shown = "、".join(dict.fromkeys(m.text for m in stale))
            yield Finding(
                rule="years.stale",
                severity=Severity.WARNING,
                location=sentence.location(),
                expected=f"{report.year}年或{(report.year or 0) - 1}年",
                found=shown,
                message=(
                    f"本报告为 {report.year} 年度，正文却写“{shown}”，可能沿用了旧报告的内容，请核对：“{sentence.text}”"
                ),
            )


def statistics_period_year(report: Report) -> int | None:
    """The year of the statistics period (统计期限自 2024 年 1 月 1 日…), if the preamble or 一 states it."""
    for text in (report.preamble, report.part_text("一")):
        match = _PERIOD.search(normalize_digits(text))
        if match:
            return _as_year(match.group("year"))
    return None


def narrative_year(report: Report) -> int | None:
    """The single year the narrative speaks of most (periods left out), or None."""
    counts = Counter(m.first for s in narrative_sentences(report) for m in year_mentions(s.text) if m.first == m.last)
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _title_finding(report: Report, expected: str, found: str, message: str) -> Finding:
    return Finding(
        rule="years.title",
        severity=Severity.WARNING,
        location=Location(sentence=report.title.replace("\n", " ") or None),
        expected=expected,
        found=found,
        message=message,
    )


@rule("years.title")
def title_year(ctx: CheckContext) -> Iterator[Finding]:
    """标题写明报告年度，并与统计期限、正文所述年度一致。"""
    report = ctx.report
    period, spoken = statistics_period_year(report), narrative_year(report)
    text_year = period or spoken
    if report.year is None:
        said = f"正文所述为 {text_year} 年" if text_year else "正文也未能确定年度"
        yield _title_finding(report, "标题写明年度", report.title or "无标题", f"标题中没有写明报告年度（{said}）。")
        return
    if period is not None and period != report.year:
        yield _title_finding(
            report,
            f"{report.year}年",
            f"统计期限 {period}年",
            f"标题为 {report.year} 年度报告，统计期限却从 {period} 年开始，请核对年度。",
        )
    elif period is None and spoken is not None and spoken != report.year and not _mentions(report, report.year):
        yield _title_finding(
            report,
            f"{report.year}年",
            f"正文 {spoken}年",
            f"标题为 {report.year} 年度报告，正文却没有提到 {report.year} 年，多处写的是 {spoken} 年，请核对年度。",
        )


def _mentions(report: Report, year: int) -> bool:
    return any(m.names(year) for s in narrative_sentences(report) for m in year_mentions(s.text))
