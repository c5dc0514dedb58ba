"""Facts the user gives that are not table cells (信息处理费), from ``NAME=VALUE`` or from sentences."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from nianbao.errors import InvalidInputError
from nianbao.numerals import normalize_digits, parse_chinese_number

_AMOUNT = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
_FEE = re.compile(
    rf"信息处理费[^\d。；;，,、零〇一二两三四五六七八九十百千]{{0,8}}?{_AMOUNT}\s*(?P<unit>万元|元|(?=[。；;，,！!\s]|$))"
)
# 未收取信息处理费, 没有向申请人收取信息处理费, 免收信息处理费, 信息处理费：无 / 为零
# (not 未缴纳信息处理费: that is a row of the table).
_NO_FEE = re.compile(
    r"(?:未|没有|无|不|免)(?:向[^。；;，,]{0,10}?)?(?:收取|征收|收)(?:任何)?(?:政府信息公开)?信息处理费"
    r"|信息处理费[：:\s]*(?:无|没有|为零|均未收取|未收取|不收取)"
)

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
    """The 信息处理费 a message states (in 元): “收取信息处理费380元”, “信息处理费三百元”, “信息处理费：0”,
    “未收取信息处理费” / “信息处理费：无” = 0."""
    text = normalize_digits(text)
    if _NO_FEE.search(text):
        return {"信息处理费": 0}
    match = _FEE.search(text)
    amount = parse_chinese_number(match.group("num")) if match else None
    if match is None or amount is None:
        return {}
    value = Decimal(amount) * (10000 if match.group("unit") == "万元" else 1)
    return {"信息处理费": int(value) if value == value.to_integral_value() else value}
