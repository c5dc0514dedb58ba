"""A message as tokens: the phrases of the lexicon (longest first) and the numbers with their units.

A number is a figure only when it is said as a count or an amount (34件, 2.156万元, 34 at a clause's end);
years, dates, document numbers, times (6个工作日), numbering (1.属于国家秘密) and rough numbers (约30件) are
not taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from nianbao.intake.lexicon import LEXICON, LONGEST, SHARE, ColumnRef, GroupRef, Ref, RowRef
from nianbao.model import CellNumber
from nianbao.numerals import normalize_digits, normalize_financial, parse_chinese_number

CLAUSE_END = "，,；;。！!？?\n…|｜"
_NUMBER = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?(?:[万亿](?!元))?|[零〇两一二三四五六七八九十百千万亿]+)"
    r"\s*(?P<unit>件次|件|个|项|起|宗|条|份|部(?![分门署委长位])|万元|亿元|元)?"
)
_FULL_WIDTH_THOUSANDS = re.compile(r"\d{1,3}(?:，\d{3})+(?=\s*(?:件|个|项|条|元|万元))")
"""``1，203件``: a thousands comma typed full-width (not two figures of a list, 1 and 203)."""
_SPLIT_DIGITS = re.compile(r"\d+(?:[ \t\u3000]+\d+)+")
"""``予以公开1 2件``: digits broken by a space (12? 1 and 2?), asked, never read as either."""
_NUMBER_END = CLAUSE_END + "、）)（(：: \t"
_LIST_START = "\n\t （(：:；;，,。"
_DURATION = ("个工作日", "工作日", "个月", "天", "日内", "日", "小时", "周", "分钟")
"""6个工作日内答复: a time, never a figure."""
_ABOUT_BEFORE = ("约", "大约", "近", "将近", "接近", "超过", "不到", "不足", "逾")
_ABOUT_TENS = ("上", "几", "数", "好几")
"""上百件, 几十件, 数十件 (not 总数26件)."""
_ABOUT_AFTER = ("多", "余", "来", "几", "左右")
"""约30件, 30多件, 十几件, 近百件: a rough number, asked for exactly."""
_BOUND_AFTER = ("以上", "以下", "之多")
"""30件以上: a rough number (not 以上均为自然人, which is about the figures before)."""
_ABOVE_ALL = ("以上均", "以上都", "以上全", "以上申请", "以上各", "以上为", "以上是", "以上系")
_RANGE = "-~～—至到"
_ADJACENT_DIGITS = re.compile("[一二两三四五六七八九]{2}")
"""一两件, 三四件: a rough number (and not 12 or 34)."""
_REPLACED_BY = ("改成", "改为", "应为", "应该是", "更正为")


@dataclass(frozen=True)
class Figure:
    """A number said in the message, its unit, and where it stands in the text."""

    value: CellNumber
    unit: str
    start: int
    end: int
    denial: bool = False
    approximate: bool = False
    """约30件, 30多件, 近百件: not a count the table can take."""
    replaced: bool = False
    """52改成53: the figure the user takes back."""
    split: bool = False
    """1 2件: digits broken by a space, asked."""
    wan: bool = False
    """2.156万: said in 万 (an amount without 元 is then in 万元)."""


@dataclass
class Token:
    start: int
    end: int
    refs: tuple[Ref, ...] = ()
    figure: Figure | None = None


def numbers_in(text: str) -> set[CellNumber]:
    """Every number written in the text (with 元 also as 万元), to check figures an LLM proposes."""
    found: set[CellNumber] = set()
    for token in tokenize(normalize_financial(normalize_digits(text))):
        if token.figure is not None and not token.figure.split:  # 1 2件 says no number for certain
            found.add(token.figure.value)
            if token.figure.unit == "元":
                found.add(yuan_to_wan(token.figure.value))
    return found


def tokenize(text: str) -> list[Token]:
    """Phrases of the lexicon (longest first) and numbers with their units, in order."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        token = _phrase_at(text, i) or _figure_at(text, i)
        if token is None:
            i += 1
            continue
        tokens.append(token)
        i = token.end
    return tokens


def _phrase_at(text: str, i: int) -> Token | None:
    for length in range(min(LONGEST, len(text) - i), 0, -1):
        refs = LEXICON.get(text[i : i + length])
        if refs is not None:
            return Token(i, i + length, refs=refs)
    return None


def _figure_at(text: str, i: int) -> Token | None:
    split = _SPLIT_DIGITS.match(text, i)
    if split is not None and (i == 0 or not text[i - 1].isdigit()):
        rest = _NUMBER.match(text, split.end() - len(split.group().split()[-1]))
        end = rest.end() if rest is not None else split.end()
        return Token(i, end, figure=Figure(0, "", i, end, split=True))
    thousands = _FULL_WIDTH_THOUSANDS.match(text, i)
    if thousands is not None and (i == 0 or not text[i - 1].isdigit()):
        text = text[:i] + thousands.group().replace("，", ",") + text[thousands.end() :]
    match = _NUMBER.match(text, i)
    if match is None:
        return None
    unit = match.group("unit") or ""
    number = match.group("num")
    arabic = number[0].isdigit()
    end = match.end() if unit else match.end("num")  # “予以公开：18\n部分公开”: the line break is not the number's
    if not unit and text.startswith("%", match.end()):  # 办结率97%: a share, and its clause is about it
        return Token(i, match.end() + 1, refs=(SHARE,))
    said_zero = number in ("零", "〇") and i > 0 and text[i - 1] in "为是"
    after_colon = not arabic and i > 0 and text[i - 1] in "：:" and _ends_figure(text, end)  # 予以公开：十八
    taken_back = arabic and text.endswith("不是", 0, i)
    replaced = arabic and text.startswith(_REPLACED_BY, end)
    approximate = (
        text.endswith(_ABOUT_BEFORE, 0, i)
        or (text.endswith(_ABOUT_TENS, 0, i) and number[0] in "十百千万")
        or text.startswith("左右", end)
        or (bool(unit) and text.startswith(_BOUND_AFTER, end) and not text.startswith(_ABOVE_ALL, end))
        or (text.startswith(_ABOUT_AFTER, end) and not unit and (arabic or number[-1] in "十百千万"))
        or (bool(unit) and _after_range(text, i))
        or (not arabic and _ADJACENT_DIGITS.search(number) is not None)
    )
    if approximate:
        rough = parse_chinese_number(number) or 0
        return Token(i, end, figure=Figure(rough, unit, i, end, approximate=True))
    if (
        not unit
        and not said_zero
        and not after_colon
        and not taken_back
        and not replaced
        and (not arabic or not (_ends_figure(text, end) or _names_next(text, end)) or _is_numbering(text, i, end))
    ):
        return Token(i, end)
    if unit == "个" and not _counts(text, end):  # 六个一、两个确保、3个部门: words, not figures
        return Token(i, end)
    if unit in ("", "个") and text.startswith(_DURATION, end - len(unit)):
        return Token(i, end)
    if i > 0 and (text[i - 1] in "第.．廿卅" or (arabic and text[i - 1].isdigit())):
        return Token(i, end)
    value = parse_chinese_number(number)
    if value is None:
        return Token(i, end)
    if unit == "亿元":  # 1.2亿元: 12000 万元
        value, unit = _simplest_wan(Decimal(value) * 10000), "万元"
    wan = arabic and number.endswith("万")
    return Token(i, end, figure=Figure(value, unit, i, end, replaced=replaced, wan=wan))


def _phrase_ending_at(text: str, end: int) -> bool:
    """A phrase of the lexicon ends at ``end`` (the name of a row or column said right before)."""
    return any(text[end - length : end] in LEXICON for length in range(1, min(LONGEST, end) + 1))


def _after_range(text: str, i: int) -> bool:
    """``2-3件``, ``2至3件``: the end of a range."""
    return i >= 2 and text[i - 1] in _RANGE and (text[i - 2].isdigit() or text[i - 2] in "一二两三四五六七八九十")


def _counts(text: str, end: int) -> bool:
    """``三十四个申请``, ``两个都是个人``, ``律所一个。``: a count in words, not a slogan (六个一、两个确保)."""
    followers = ("都", "均", "全", "中", "里", "（", "(")
    return _ends_figure(text, end) or text.startswith(followers, end) or _phrase_at(text, end) is not None


def _names_next(text: str, end: int) -> bool:
    """``制发3废止1有效22``: a row or column named right after the number (typed without units or commas)."""
    token = _phrase_at(text, end)
    return token is not None and any(
        (isinstance(r, RowRef) and r.rank >= 1) or isinstance(r, ColumnRef | GroupRef) for r in token.refs
    )


def _ends_figure(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in _NUMBER_END or text[end] == "…"


def _is_numbering(text: str, start: int, end: int) -> bool:
    """``1.属于国家秘密`` or ``2、重复申请`` at the start of an item: a label, not a figure."""
    if end >= len(text) or text[end] not in ".．、" or (start > 0 and text[start - 1] not in _LIST_START):
        return False
    if start > 0 and text[start - 1] in "：:" and _phrase_ending_at(text, start - 1):
        return False  # 部分公开：3、本机关不掌握：7 — a value after its row's name, not an item's number
    return text[end] != "、" or int(text[start:end]) <= 9


def _simplest_wan(value: Decimal) -> CellNumber:
    return int(value) if value == value.to_integral_value() else value.normalize()


def yuan_to_wan(value: CellNumber) -> Decimal:
    return (Decimal(value) / 10000).normalize()
