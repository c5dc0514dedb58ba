"""Numbers in every written form, read by one scanner: what a claim quotes and what a draft must verify."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.claims.numbers import Approx, find_numbers, find_quantities
from nianbao.numerals import parse_chinese_number, parse_percent


@pytest.mark.parametrize(
    ("sentence", "value", "percent"),
    [
        ("本年度共收到政府信息公开申请95件。", 95, False),
        ("本年度共收到政府信息公开申请９５件。", 95, False),
        ("本年度共收到政府信息公开申请九十五件。", 95, False),
        ("本年度共收到政府信息公开申请三十一件。", 31, False),
        ("被申请行政复议两件。", 2, False),
        ("占办结总数的62.07%。", Decimal("62.07"), True),
        ("占办结总数的百分之六十七。", 67, True),
        ("占办结总数的百分之九十。", 90, True),
        ("占办结总数的百分之六十二点零七。", Decimal("62.07"), True),
        ("占办结总数的８２．９６％。", Decimal("82.96"), True),
    ],
)
def test_a_count_or_share_is_read_in_every_written_form(sentence: str, value: int | Decimal, percent: bool) -> None:
    [quantity] = find_quantities(sentence)
    assert (quantity.value, quantity.percent, quantity.approx) == (value, percent, Approx.EXACT)


def test_wan_with_decimals_is_about_the_figure() -> None:
    [quantity] = find_quantities("公开各类信息1.6万条。")
    assert (quantity.value, quantity.approx, quantity.tolerance) == (16000, Approx.ABOUT, 500)


def test_percentage_points_are_not_a_count() -> None:
    assert find_quantities("公开率同比提高5.2个百分点。") == []
    [number] = find_numbers("公开率同比提高5.2个百分点。")
    assert (number.value, number.unit) == (Decimal("5.2"), "百分点")


def test_a_year_in_numerals_is_not_a_figure() -> None:
    assert find_numbers("二〇二二年，本机关认真贯彻落实《条例》。") == []


def test_a_percentage_in_words_is_a_figure_to_verify() -> None:
    [number] = find_numbers("予以公开和部分公开的占百分之六十七。")
    assert (number.text, number.value, number.unit) == ("百分之六十七", 67, "%")


def test_a_fee_in_chinese_numerals_is_a_figure_to_verify() -> None:
    [number] = find_numbers("本年度收取信息处理费一百元。")
    assert (number.value, number.unit) == (100, "元")


def test_small_chinese_numerals_in_idiom_are_not_figures() -> None:
    assert find_numbers("形成“一门集中、一口受理、一网通办”的六个一模式，三大领域。") == []


@pytest.mark.parametrize(("text", "value"), [("六十七点五", Decimal("67.5")), ("零点五", Decimal("0.5"))])
def test_chinese_decimals_are_read(text: str, value: Decimal) -> None:
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(("text", "value"), [("百分之六十七", 67), ("62.07%", Decimal("62.07")), ("六十七", None)])
def test_percentages_are_read_in_words_and_signs(text: str, value: int | Decimal | None) -> None:
    assert parse_percent(text) == value


_DIGITS = "零一二三四五六七八九"


def in_chinese(n: int) -> str:
    """How a clerk writes n (1–9999) in Chinese numerals: 十二, 二百零五, 三千零四十."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    text, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            text += ("零" if zero and text else "") + _DIGITS[digit] + unit
            zero = False
        else:
            zero = bool(text)
    return text


@given(st.integers(min_value=1, max_value=9999))
def test_a_count_in_chinese_numerals_reads_as_the_same_count_in_digits(n: int) -> None:
    [in_words] = find_quantities(f"本年度共收到政府信息公开申请{in_chinese(n)}件。")
    [in_digits] = find_quantities(f"本年度共收到政府信息公开申请{n}件。")
    assert in_words.value == in_digits.value == n


@given(st.integers(min_value=1, max_value=99))
def test_a_share_in_words_reads_as_the_same_share_with_a_sign(n: int) -> None:
    [in_words] = find_quantities(f"占办结总数的百分之{in_chinese(n)}。")
    assert in_words.percent and in_words.value == n


@pytest.mark.parametrize(
    ("written", "cell", "money", "states"),
    [
        ("行政许可20818件", 20818, False, True),
        ("行政许可20817件", 20818, False, False),
        ("行政许可2.08万件", 20818, False, True),  # rounded where written
        ("行政许可2.09万件", 20818, False, False),
        ("收费2584.00万元", Decimal("2584.0020"), True, True),
        ("收费2584.01万元", Decimal("2584.0020"), True, False),
        ("收费25840020元", Decimal("2584.0020"), True, True),  # 元 read against a cell in 万元
        ("制发文件十二件", 12, False, True),
    ],
)
def test_a_number_states_a_cell_as_rounded_where_it_is_written(
    written: str, cell: int | Decimal, money: bool, states: bool
) -> None:
    [number] = find_numbers(written)
    assert number.states(cell, money) is states
