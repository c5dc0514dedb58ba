"""Numbers in a drafted sentence, and which table figure each one quotes.

What a number quotes is recognised by the checker's narrative rules (``nianbao.rules.narrative``:
受理 … 258 件, 予以公开 190 件, 行政复议 2 件，其中维持 1 件, 占比 X%), so a draft is checked the
way ``nianbao check`` will read it. Here we add what drafting needs on top: every other number
of the sentence (those must be verified some other way), and the phrases that claim a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from nianbao.model import Report
from nianbao.numerals import normalize_digits, parse_chinese_number
from nianbao.rules.narrative import (
    PHRASES,
    Approx,
    ClaimCheck,
    Expected,
    PercentCheck,
    Sentence,
    claims_in_sentence,
    percents_in_sentence,
)
from nianbao.schema import ReportFormat, RowSpec, TableId, rows_of

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_UNIT = re.compile(
    r"\s*(?P<wan>万(?!元))?\s*(?:余|多)?\s*(?P<unit>%|万元|元|件次|人次|件|条|个|项|次|篇|期|场|家|人|户|份|起|宗|批|例|处(?![理置罚分室长]))?"
)
_NOT_A_FIGURE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|版|届|周年|热线|-|—\d)")
_LIST_MARK_AFTER = re.compile(r"[.．、](?!\d)")
_COUNT_UNITS = frozenset(
    {"件次", "人次", "件", "条", "个", "项", "次", "篇", "期", "场", "家", "人", "户", "份", "起", "处"}
)
_CLAUSE_BREAK = re.compile(r"[，,；;：:、（）()]")
_ACTIVE_COLUMN_WORDS = re.compile(r"制发|废止|现行有效|新制作|新公开")
_COLUMN_WORDS = (
    ("本年制发件数", r"制发|出台|印发|新增|制定|发布"),
    ("本年废止件数", r"废止|宣布失效"),
    ("现行有效件数", r"现行有效"),
    ("本年新制作数量", r"新制作|制发|出台|印发|制定"),
    ("本年新公开数量", r"新公开"),
    ("对外公开总数量", r"对外公开总"),
)
_CHINESE_COUNT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万亿])([零〇一二两三四五六七八九十百千万亿]*[十百千万][零〇一二两三四五六七八九十百千万亿]*)"
    r"(件次|人次|件|条|个|项|次|篇|期|场|家|户|份|起|宗)"
)
_SENTENCE = re.compile(r"[^。；;！!？?]*(?:[。；;！!？?]+|$)")


@dataclass(frozen=True)
class Number:
    """A number written in a sentence that may be a figure: where it is, as written, its value."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class Tie:
    """A number the narrative rules tie to the tables: what it quotes and the values it may take."""

    start: int
    end: int
    text: str
    label: str
    options: tuple[Expected, ...]
    agrees: bool
    percent: bool = False
    approx: Approx = Approx.EXACT
    count: ClaimCheck | None = None
    share: PercentCheck | None = None

    def expected_text(self) -> str:
        return " 或 ".join(dict.fromkeys(f"{o.label} {o.value}" for o in self.options))


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences as the narrative rules split them (at 。；！？), nothing lost."""
    return [m.group() for m in _SENTENCE.finditer(paragraph) if m.group()]


def find_numbers(sentence: str) -> list[Number]:
    """Every number that may be a figure: Arabic ones (not a year, date, document number, ordinal or
    list mark), and Chinese ones of ten or more counting something (十二场, 二百五十八件).

    Small Chinese numerals (一起, 三大领域, 六个一) are idiom far more often than figures: not counted.
    """
    text = normalize_digits(sentence)
    arabic = _arabic_numbers(text)
    return sorted(arabic + _chinese_counts(text, arabic), key=lambda n: n.start)


def _arabic_numbers(text: str) -> list[Number]:
    found = []
    for match in _NUMBER.finditer(text):
        unit_match = _UNIT.match(text, match.end())
        unit, wan = (unit_match.group("unit") or "", unit_match.group("wan")) if unit_match else ("", None)
        if _is_figure(text, match, unit):
            end = unit_match.end() if unit_match and (unit or wan) else match.end()
            amount = Decimal(match.group(0).replace(",", "")) * (10000 if wan else 1)
            found.append(Number(match.start(), end, match.group(0) + (wan or ""), amount, unit))
    return found


def _chinese_counts(text: str, arabic: list[Number]) -> list[Number]:
    found = []
    for match in _CHINESE_COUNT.finditer(text):
        value = parse_chinese_number(match.group(1))
        within = any(n.start <= match.start() < n.end for n in arabic)  # the 万 of 1.6万条
        if value is not None and not within and not text[: match.start()].endswith("第"):
            found.append(Number(match.start(), match.end(), match.group(1), Decimal(value), match.group(2)))
    return found


def _is_figure(text: str, match: re.Match[str], unit: str) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    digits = match.group(0)
    if not unit and _NOT_A_FIGURE_AFTER.match(after):
        return False
    if _looks_like_a_year(digits) and unit not in _COUNT_UNITS and unit != "%":
        return False
    if before.endswith(("第", "〔", "[", "［", "-", "—")) or before.count("《") > before.count("》"):
        return False
    if before.rstrip().endswith(("（", "(")) and after.lstrip().startswith(("）", ")")):
        return False
    is_list_start = not before.strip() or before.rstrip()[-1] in "：:；;。（("
    return not (is_list_start and not unit and _LIST_MARK_AFTER.match(after))


def _looks_like_a_year(digits: str) -> bool:
    """Four digits from 1900 to 2099, no decimals (12.5 is not a year)."""
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099


def active_row_before(sentence: str, position: int, fmt: ReportFormat) -> RowSpec | None:
    """The 主动公开 row named last in the clause before ``position`` (规章, 行政许可, 行政事业性收费 …).

    A clause that names only a column (废止 8 件，现行有效 26 件) speaks of the row named before it.
    """
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    row = _last_active_row(sentence[start:position], fmt)
    if row is None and _ACTIVE_COLUMN_WORDS.search(sentence[start:position]):
        row = _last_active_row(sentence[:start], fmt)
    return row


def active_column_named(sentence: str, position: int, row: RowSpec) -> str | None:
    """The column of a 主动公开 row that the clause before ``position`` names by its verb (制发, 废止, 现行有效 …)."""
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    clause = sentence[start:position]
    named = [
        (match.start(), column)
        for column, words in _COLUMN_WORDS
        if column in row.columns
        for match in re.finditer(words, clause)
    ]
    return max(named)[1] if named else None


def _last_active_row(text: str, fmt: ReportFormat) -> RowSpec | None:
    named = [(text.rfind(k), spec) for spec in rows_of(fmt, TableId.ACTIVE) for k in spec.keywords if k in text]
    return max(named, key=lambda item: item[0])[1] if named else None


def find_ties(sentence: str, report: Report, before: str = "", part: str | None = None) -> list[Tie]:
    """The numbers of a sentence the narrative rules tie to the tables (``before``: the paragraph so far)."""
    context = Sentence(part=part, paragraph=before + sentence, start=len(before), text=sentence)
    counts = claims_in_sentence(report, context)
    ties = [_count_tie(c) for c in counts]
    ties += [_share_tie(p) for p in percents_in_sentence(report, context, counts)]
    return sorted(ties, key=lambda t: t.start)


def _count_tie(check: ClaimCheck) -> Tie:
    q = check.quantity
    return Tie(q.start, q.end, q.text, check.claim.name, check.options, check.agrees, False, q.approx, count=check)


def _share_tie(check: PercentCheck) -> Tie:
    q = check.quantity
    options = tuple(
        Expected(f"{p.label} ÷ {w.label}", 0) for p in check.parts for w in check.wholes
    )  # shares have no single value: the label says what was divided
    return Tie(q.start, q.end, q.text, check.subject, options, check.agrees, True, q.approx, share=check)


def contradicted_claims(sentence: str, report: Report, before: str = "") -> list[tuple[str, str]]:
    """Phrases (全部办结, 均获维持, 无被纠错 …) the cells contradict, with the cells that do."""
    context = Sentence(part=None, paragraph=before + sentence, start=len(before), text=sentence)
    found = []
    for spec in PHRASES:
        match = spec.pattern.search(sentence)
        cells = spec.contradiction(report, context) if match else None
        if match and cells:
            found.append((match.group(), f"表中{cells[0]}"))
    return found


def share_value(part: int, whole: int, places: int, method: str | None) -> Decimal | None:
    """part ÷ whole as a percentage written with ``places`` decimals (截尾 truncates, else rounds)."""
    if whole <= 0:
        return None
    ratio = Decimal(part) * 100 / Decimal(whole)
    rounding = ROUND_DOWN if method == "截尾" else ROUND_HALF_UP
    return ratio.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def format_value(value: Decimal | int, decimals: int = 0) -> str:
    """A value for the text: integers plain, money and shares as published."""
    value = Decimal(value)
    if decimals:
        return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
