"""Numbers as staff write them: Arabic with thousands commas, full-width digits, 万/亿, Chinese numerals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_FULL_WIDTH_CHARS = re.compile("[０-９．％]")

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_ARABIC = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_ARABIC_WITH_UNIT = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([万亿])$")

CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
CHINESE_DIGIT_CHARS = "".join(_DIGITS)
PERCENT_WORDS = "百分之"


FINANCIAL = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億", "一二二三三四五六六七八九十百千万亿")
"""大写 numerals (贰拾, 贰万壹仟伍佰陆拾) as finance ledgers write them, to the common ones (same length)."""
_FINANCIAL_CHARS = re.compile("[壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億]")


def normalize_financial(text: str) -> str:
    """大写 numerals as the common Chinese numerals, one character for one (so positions keep)."""
    return text.translate(FINANCIAL) if _FINANCIAL_CHARS.search(text) else text


def normalize_digits(text: str) -> str:
    """Full-width digits, point and percent sign as ASCII (same length, so positions keep).

    The Chinese comma ， stays: in running text it separates clauses, not thousands.
    """
    # translate() looks up every character; most sentences have nothing to translate.
    return text.translate(FULL_WIDTH) if _FULL_WIDTH_CHARS.search(text) else text


def parse_chinese_number(text: str) -> int | Decimal | None:
    """The number written in ``text`` (“1,234”“１２”“1.2万”“二百五十八”“二〇二一”), or None.

    Whole numbers come back as int, others as Decimal.
    """
    cleaned = normalize_digits(text).strip().replace(" ", "").replace("，", ",")
    if not cleaned:
        return None
    value = _parse_arabic(cleaned)
    if value is None:
        value = _parse_chinese(cleaned)
    return _simplest(value) if value is not None else None


def _parse_arabic(text: str) -> Decimal | None:
    match = _ARABIC_WITH_UNIT.match(text)
    unit = 1
    if match:
        unit = _BIG_UNITS[match.group(3)]
        text = text[:-1]
    elif not _ARABIC.match(text):
        return None
    try:
        return Decimal(text.replace(",", "")) * unit
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None


def _parse_chinese(text: str) -> Decimal | None:
    whole, point, fraction = text.partition("点")
    if point:  # 六十七点五: the digits after 点 one by one
        if not fraction or any(ch not in _DIGITS for ch in fraction):
            return None
        value = _parse_chinese(whole) if whole else Decimal(0)
        return None if value is None else value + Decimal("0." + "".join(str(_DIGITS[ch]) for ch in fraction))
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        return Decimal("".join(str(_DIGITS[ch]) for ch in text))  # 二〇二一: digit by digit
    return _parse_positional(text)


def _parse_positional(text: str) -> Decimal | None:
    """二百五十八, 十二, 一万零五, 三亿两千万: a section below 万, then 万s, then 亿s."""
    total = wan = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0:
                return None  # two digits in a row without a unit: not a numeral
            digit = _DIGITS[ch] or None
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            wan = (section + (digit or 0) or 1) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            total = (total + wan + section + (digit or 0) or 1) * _BIG_UNITS[ch]
            wan = section = 0
            digit = None
    return Decimal(total + wan + section + (digit or 0))


def _simplest(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def parse_percent(text: str) -> int | Decimal | None:
    """The percentage written in ``text`` (“百分之六十七”“百分之62.07”“62.07%”), or None."""
    cleaned = normalize_digits(text).strip()
    if cleaned.startswith(PERCENT_WORDS):
        return parse_chinese_number(cleaned[len(PERCENT_WORDS) :])
    if cleaned.endswith("%"):
        return parse_chinese_number(cleaned[:-1])
    return None
