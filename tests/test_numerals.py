"""Numbers as staff write them in a report: parse_chinese_number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.numerals import normalize_digits, normalize_financial, parse_chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("223", 223),
        ("3,119", 3119),
        ("1,234,567", 1234567),
        ("１２３", 123),
        ("３，１１９", 3119),
        ("2460.9543", Decimal("2460.9543")),
        ("1.2万", 12000),
        ("0.5万", 5000),
        ("3万", 30000),
        ("1.5亿", 150000000),
        (" 749 ", 749),
    ],
)
def test_arabic_numbers_with_commas_full_width_digits_and_wan(text: str, value: int | Decimal) -> None:
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0),
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二百五十八", 258),
        ("一百零八", 108),
        ("三千零五十", 3050),
        ("两千", 2000),
        ("一万零五", 10005),
        ("十一万", 110000),
        ("三亿两千万", 320000000),
        ("一万亿", 1000000000000),
        ("二〇二一", 2021),
        ("二〇一六", 2016),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert parse_chinese_number(text) == value


def test_whole_numbers_are_int_and_fractions_decimal() -> None:
    assert isinstance(parse_chinese_number("1.0"), int)
    assert isinstance(parse_chinese_number("1.2万"), int)
    assert parse_chinese_number("82.96") == Decimal("82.96")


@pytest.mark.parametrize("text", ["", "  ", "abc", "12a", "1.2.3", "1,2345", "二五八百", "件", "万万x"])
def test_text_that_is_not_a_number_gives_none(text: str) -> None:
    assert parse_chinese_number(text) is None


def test_normalize_digits_keeps_positions() -> None:
    text = "受理申请１２３件，占８２．９６％"
    assert normalize_digits(text) == "受理申请123件，占82.96%"
    assert len(normalize_digits(text)) == len(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_any_arabic_integer_reads_back(value: int) -> None:
    assert parse_chinese_number(str(value)) == value
    assert parse_chinese_number(f"{value:,}") == value


_CHINESE_DIGITS = "零一二三四五六七八九"


def _to_chinese(value: int) -> str:
    """A reference writer for 0 < value < 10**8, as a person writes it (十二, 一百零八, 一万零五)."""
    units = ["", "十", "百", "千"]

    def below_wan(n: int, leading: bool) -> str:
        out, zero = "", False
        for power in range(3, -1, -1):
            digit = n // 10**power % 10
            if digit == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            out += ("" if (digit == 1 and power == 1 and not out and leading) else _CHINESE_DIGITS[digit]) + units[
                power
            ]
        return out

    high, low = divmod(value, 10**4)
    if not high:
        return below_wan(low, True)
    text = below_wan(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_wan(low, True)
    return text


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_any_chinese_numeral_reads_back(value: int) -> None:
    assert parse_chinese_number(_to_chinese(value)) == value


def test_financial_numerals_read_as_the_common_ones_keeping_positions() -> None:
    text = "收费贰万壹仟伍佰陆拾元，申请贰拾件"
    assert normalize_financial(text) == "收费二万一千五百六十元，申请二十件"
    assert parse_chinese_number(normalize_financial("贰万壹仟伍佰陆拾")) == 21560
    assert normalize_financial("收到申请34件") == "收到申请34件"
