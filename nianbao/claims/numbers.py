"""Numbers in a sentence, in every way staff write them, found by one scanner.

Arabic (223, 3,119, 1.2万), full-width (２２３), Chinese numerals (三十一, 两, 二百五十八, 二〇二二),
percentages (62.07%, 百分之六十七, 百分之六十二点零七) and percentage points (5.2个百分点). Two views of
the same scan: ``find_quantities`` (a number with a counting unit or a percentage: what a claim
quotes) and ``find_numbers`` (every number that may be a figure: what a draft must verify).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

from nianbao.model import CellNumber
from nianbao.numerals import CHINESE_DIGIT_CHARS, CHINESE_NUMERAL_CHARS, normalize_digits, parse_chinese_number

_CN = CHINESE_NUMERAL_CHARS
_UNITS = r"个百分点|百分点|%|万元|元|件次|人次|件|条|个|项|次|篇|期|场|家|人|户|份|起|宗|批|例|处(?![理置罚分室长])"
_SCAN = re.compile(
    r"(?P<pct>百分之)?"
    rf"(?P<num>(?<![\d.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?![\d])|[{_CN}]+(?:点[{CHINESE_DIGIT_CHARS}]+)?)"
    r"\s*(?P<wan>万(?!元)|亿)?\s*(?P<more>余|多)?\s*"
    rf"(?P<unit>{_UNITS})?"
)
QUANTITY_UNITS = frozenset({"件次", "件", "宗", "起", "个", "份", "条", "例", "%"})
COUNT_UNITS = frozenset(
    {"件次", "人次", "件", "条", "个", "项", "次", "篇", "期", "场", "家", "人", "户", "份", "起", "处"}
)
_CHINESE_COUNT_UNITS = frozenset({*COUNT_UNITS, "宗", "元", "万元"} - {"人", "处"})
_POINTS = frozenset({"个百分点", "百分点"})
_APPROX_BEFORE = re.compile(r"(?:约|近|大约|将近|接近)\s*$")
_AT_LEAST_BEFORE = re.compile(r"(?:超过|逾|超)\s*$")
_AFTER = re.compile(r"^\s*(?P<word>以上|左右)")
_NOT_A_FIGURE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|版|届|周年|热线|-|—\d)")
_LIST_MARK_AFTER = re.compile(r"[.．、](?!\d)")


@dataclass(frozen=True)
class Written:
    """One number as written: the digits or numerals, its value, and what follows it (万, 余, the unit)."""

    start: int  # where the number (or 百分之) begins
    end: int  # after its unit
    num: str
    num_start: int
    value: int | Decimal
    wan: str
    more: bool
    unit: str  # "%" for 百分之…; "百分点" for percentage points
    chinese: bool

    @property
    def percent(self) -> bool:
        return self.unit == "%"


@lru_cache(maxsize=4096)
def scan(sentence: str) -> tuple[Written, ...]:
    """Every number of a sentence with what follows it (positions in the sentence as written)."""
    text = normalize_digits(sentence)
    found = []
    for match in _SCAN.finditer(text):
        written = _written(match)
        if written is not None:
            found.append(written)
    return tuple(found)


def _written(match: re.Match[str]) -> Written | None:
    num, wan = match.group("num"), match.group("wan") or ""
    chinese = not num[0].isdigit()
    value = parse_chinese_number(num + wan)
    if value is None:
        return None
    unit = match.group("unit") or ""
    if match.group("pct"):
        if unit and unit not in _POINTS:
            return None  # 百分之三十件 is not written
        unit = "%"
    elif unit in _POINTS:
        unit = "百分点"
    end = match.end() if unit or wan or match.group("more") else match.end("num")
    return Written(match.start(), end, num, match.start("num"), value, wan, bool(match.group("more")), unit, chinese)


# ---------------------------------------------------------------------------------------------
# Quantities: what a claim quotes


class Approx(StrEnum):
    """How a number in the text is meant: exactly, at least (223余件), or about (约200件, 1.2万件)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written in a sentence (positions in the sentence)."""

    text: str
    value: int | Decimal
    start: int
    end: int
    percent: bool = False
    approx: Approx = Approx.EXACT
    tolerance: Decimal = Decimal(0)

    def agrees(self, actual: CellNumber) -> bool:
        """Whether a figure of the table agrees with this number as written."""
        if self.approx is Approx.AT_LEAST:
            return actual >= self.value
        if self.approx is Approx.ABOUT:
            return abs(Decimal(actual) - Decimal(self.value)) <= self.tolerance
        return actual == self.value


def find_quantities(sentence: str) -> list[Quantity]:
    """Every count (件, 件次, 宗, 起, 个, 份, 条, 例) and every percentage (62%, 百分之六十二) of a sentence."""
    return list(_quantities(sentence))


@lru_cache(maxsize=4096)
def _quantities(sentence: str) -> tuple[Quantity, ...]:
    text = normalize_digits(sentence)
    return tuple(_quantity(text, w) for w in scan(sentence) if w.unit in QUANTITY_UNITS)


def _quantity(text: str, w: Written) -> Quantity:
    before, after = text[: w.start], text[w.end :]
    approx, tolerance = Approx.EXACT, Decimal(0)
    if w.wan and "." in w.num:
        decimals = len(w.num.split(".")[1])
        approx, tolerance = Approx.ABOUT, Decimal(10000 if w.wan == "万" else 100_000_000).scaleb(-decimals) / 2
    word = _AFTER.match(after)
    if w.more or _AT_LEAST_BEFORE.search(before) or (word and word.group("word") == "以上"):
        approx = Approx.AT_LEAST
    elif _APPROX_BEFORE.search(before) or (word and word.group("word") == "左右"):
        approx, tolerance = Approx.ABOUT, max(tolerance, Decimal(w.value) / 10)
    return Quantity(text[w.start : w.end], w.value, w.start, w.end, w.percent, approx, tolerance)


# ---------------------------------------------------------------------------------------------
# Numbers: every figure a draft must verify


@dataclass(frozen=True)
class Number:
    """A number written in a sentence that may be a figure: where it is, as written, its value."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str

    def states(self, value: CellNumber, money: bool = False) -> bool:
        """Whether this number, rounded (or cut) where it is written, states ``value`` of a cell.

        2584.00万元 states 2584.0020, 2.08万件 states 20818, 241件 only 241. ``money``: the cell is in 万元,
        so a number written in 元 is read in 万元.
        """
        digits = self.text.rstrip("万亿")
        scale = Decimal(1).scaleb(4 if self.text.endswith("万") else 8 if self.text.endswith("亿") else 0)
        written = self.value / scale
        exact = Decimal(value) * (10000 if money and self.unit == "元" else 1) / scale
        step = Decimal(1).scaleb(-len(digits.partition(".")[2]))
        return any(exact.quantize(step, rounding=r) == written for r in (ROUND_HALF_UP, ROUND_DOWN))


def find_numbers(sentence: str) -> list[Number]:
    """Every number that may be a figure: Arabic ones (not a year, date, document number, ordinal or
    list mark), percentages in words (百分之六十七), and Chinese numerals of ten or more counting
    something (十二场, 二百五十八件).

    Small Chinese numerals (一起, 三大领域, 六个一) are idiom far more often than figures: not counted.
    """
    text = normalize_digits(sentence)
    return [_number(w) for w in scan(sentence) if _is_figure(text, w)]


def _number(w: Written) -> Number:
    shown = w.num + w.wan if w.unit != "%" or not w.chinese else f"百分之{w.num}"
    return Number(w.start, w.end, shown, Decimal(w.value), w.unit)


def _is_figure(text: str, w: Written) -> bool:
    if w.chinese:
        return _is_chinese_figure(text, w)
    before, after = text[: w.start], text[w.end :]
    if not w.unit and not w.wan and _NOT_A_FIGURE_AFTER.match(after):
        return False
    if _looks_like_a_year(w.num) and w.unit not in COUNT_UNITS and w.unit != "%":
        return False
    if before.endswith(("第", "〔", "[", "［", "-", "—")) or before.count("《") > before.count("》"):
        return False
    if before.rstrip().endswith(("（", "(")) and after.lstrip().startswith(("）", ")")):
        return False
    is_list_start = not before.strip() or before.rstrip()[-1] in "：:；;。（("
    return not (is_list_start and not w.unit and _LIST_MARK_AFTER.match(after))


def _is_chinese_figure(text: str, w: Written) -> bool:
    if w.percent:
        return True
    if w.unit not in _CHINESE_COUNT_UNITS or text[: w.start].endswith("第"):
        return False
    return any(ch in "十百千万亿" for ch in w.num)


def _looks_like_a_year(digits: str) -> bool:
    """Four digits from 1900 to 2099, no decimals (12.5 is not a year)."""
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099
