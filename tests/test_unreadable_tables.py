"""A report whose tables could not be read is not a clean report: each table of which not one number was read
is an error (exit 1), whatever hid the numbers: Chinese numerals, 1e30, NaN or inf, superscripts, or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.readers import read_report_bytes
from tests.conftest import SEED

CHINESE_DIGITS = "〇一二三四五六七八九"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FIGURE = re.compile(r"(?<=\t)\d+(?:\.\d+)?(?=[\t\n])")


def _each_digit(table: str) -> Callable[[re.Match[str]], str]:
    return lambda m: "".join(table[int(c)] if c.isdigit() else c for c in m.group())


FORMS: dict[str, Callable[[re.Match[str]], str]] = {
    "chinese_numerals": _each_digit(CHINESE_DIGITS),
    "superscripts": _each_digit(SUPERSCRIPTS),
    "scientific": lambda m: "1e30",
    "nan": lambda m: "NaN",
    "inf": lambda m: "inf",
    "lost": lambda m: "",
}


def with_table_figures(replace: Callable[[re.Match[str]], str]) -> str:
    """The seed report with every figure of its tables (parts 二 to 四) printed otherwise."""
    text = SEED.read_text(encoding="utf-8")
    start, end = text.index("\n二、") + 1, text.index("\n五、") + 1
    return text[:start] + _FIGURE.sub(replace, text[start:end]) + text[end:]


@pytest.mark.parametrize("form", FORMS)
def test_tables_without_one_readable_number_fail_the_check(form: str, tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{form}.txt"
    path.write_text(with_table_figures(FORMS[form]), encoding="utf-8")

    status = main(["check", str(path)])

    out = capsys.readouterr().out
    assert status == 1
    # With every figure gone, the reader still places a stray "1" (from a label) in 复议诉讼: two tables then.
    assert out.count("中没有读到任何数字") == (2 if form == "lost" else 3), out
    assert "错误 0 项" not in out


@pytest.mark.parametrize("form", ["chinese_numerals", "superscripts", "scientific", "nan", "inf"])
def test_numbers_printed_otherwise_are_asked_for_in_arabic_digits(form: str) -> None:
    report = read_report_bytes(with_table_figures(FORMS[form]).encode(), f"{form}.txt")
    [active] = [f for f in report.reader_findings if f.rule == "tables.unreadable" and f.location.part == "二"]
    assert "请确认表中的数字是阿拉伯数字" in active.message


def test_the_message_shows_what_the_table_prints():
    report = read_report_bytes(with_table_figures(FORMS["chinese_numerals"]).encode(), "chinese.txt")
    [active] = [f for f in report.reader_findings if f.rule == "tables.unreadable" and f.location.part == "二"]
    assert "〇" in active.message and active.is_error


def test_a_readable_report_has_no_such_error():
    report = read_report_bytes(SEED.read_bytes(), "seed.txt")
    assert not [f for f in report.reader_findings if f.rule == "tables.unreadable"]
