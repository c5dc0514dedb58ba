"""A table cell's value as published: a count, an amount, or a mark for none ("—", "/")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import BLANK_MARKS, CellNumber
from nianbao.readers.document import clean
from nianbao.schema import ValueKind

MAX_DIGITS = 18
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


# A count with a note on what it includes: "10（其中修订2件）".
_ANNOTATED = re.compile(r"^(\d+)\s*[（(]其中[^()（）]*[)）]$")


# Thousands separators only where they group three digits: "3,0" (a number wrapped in a narrow
# cell) is no number, never 30.
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _without_separators(text: str) -> str:
    token = clean(text)
    return token.replace(",", "") if "," in token and _GROUPED.match(token) else token


def is_value_token(text: str) -> bool:
    """A cell or token that holds a table value: a number or a blank mark."""
    if text.isascii() and text.isdigit():
        return True
    token = _without_separators(text)
    if " " in token:  # cells run together ("1 0 0") are split first, never read as 100
        return False
    return token in BLANK_MARKS or bool(_NUMBER.match(token) or _ANNOTATED.match(token))


def parse_value(raw: str, kind: ValueKind) -> CellNumber | None:
    """The number in a cell as published; None when blank or not a number of this kind."""
    if raw.isascii() and raw.isdigit():  # the usual cell, decided without a regular expression
        _check_digits(raw)
        return Decimal(raw) if kind is ValueKind.MONEY else int(raw)
    token = _without_separators(raw)
    annotated = _ANNOTATED.match(token)
    if annotated is not None and kind is not ValueKind.MONEY:
        token = annotated.group(1)
    if " " in token or token in BLANK_MARKS or not _NUMBER.match(token):
        return None
    _check_digits(token)
    if kind is ValueKind.MONEY:
        try:
            return Decimal(token)
        except InvalidOperation:
            return None
    return int(token) if re.fullmatch(r"[-+]?\d+", token) else None


def _check_digits(token: str) -> None:
    """No figure of a report has more than MAX_DIGITS digits (and int() refuses 4,301 or more): a damaged file."""
    digits = sum(c.isdigit() for c in token)
    if digits > MAX_DIGITS:
        raise ReportReadError(
            ReadFailure.DAMAGED,
            f"表格中有一个长达 {digits} 位的数字（{token[:12]}…），不是有效的统计数字，文件可能已损坏或被篡改。",
        )
