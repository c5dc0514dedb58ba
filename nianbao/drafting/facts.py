"""Facts the user gives that are not table cells (信息处理费), from ``NAME=VALUE`` or from sentences."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from nianbao.errors import InvalidInputError
from nianbao.numerals import normalize_digits

_FEE = re.compile(r"信息处理费[^\d。；;，,]{0,8}?(\d+(?:\.\d+)?)\s*(万元|元)")
_NO_FEE = re.compile(r"(?:未|没有|无|不)(?:收取|收)(?:任何)?(?:政府信息公开)?信息处理费")

FactValue = int | Decimal


def parse_fact(text: str) -> tuple[str, FactValue]:
    """``信息处理费=380`` as a name and a number; InvalidInputError when it is not of that form."""
    name, sep, value = text.partition("=")
    try:
        number = Decimal(normalize_digits(value.strip()).replace(",", ""))
    except InvalidOperation as e:
        raise InvalidInputError(f"无法理解“{text}”：请写成 名称=数字，如 信息处理费=380。") from e
    if not sep or not name.strip():
        raise InvalidInputError(f"无法理解“{text}”：请写成 名称=数字，如 信息处理费=380。")
    return name.strip(), int(number) if number == number.to_integral_value() else number


def facts_in_text(text: str) -> dict[str, FactValue]:
    """The 信息处理费 a message states (in 元): “收取信息处理费380元”, “未收取信息处理费” = 0."""
    text = normalize_digits(text)
    if _NO_FEE.search(text):
        return {"信息处理费": 0}
    match = _FEE.search(text)
    if not match:
        return {}
    value = Decimal(match.group(1)) * (10000 if match.group(2) == "万元" else 1)
    return {"信息处理费": int(value) if value == value.to_integral_value() else value}
