"""Numbers that state one of the user's facts (信息处理费 …), and what the fact says they should be."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nianbao.claims.numbers import Number, find_numbers

Facts = Mapping[str, int | Decimal | float | str]
_FACT_REACH = 12
_MONEY_UNITS = frozenset({"元", "万元", ""})


def states_fact(number: Number, sentence: str, name: str) -> bool:
    """Whether ``number`` states the fact ``name``: the first number after the name, within 12 characters.

    Only that one: in “信息处理费共计380元，其中民政局1件” the 1件 is a count of requests, not a fee.
    A fee (…费) is money, so a count (件, 个 …) never states it.
    """
    at = sentence.rfind(name, 0, number.start) if name else -1
    if at < 0 or number.start - at - len(name) > _FACT_REACH:
        return False
    if name.endswith("费") and number.unit not in _MONEY_UNITS:
        return False
    return not any(at + len(name) <= other.start < number.start for other in find_numbers(sentence))


def fact_in_units_of(value: int | Decimal | float | str, number: Number) -> Decimal | None:
    """A fact's value (money in 元) in the unit the number is written in (元 or 万元)."""
    amount = _as_decimal(value)
    return amount / 10000 if amount is not None and number.unit == "万元" else amount


def _as_decimal(value: int | Decimal | float | str) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class FactCheck:
    """A number stating a fact, and the fact's value in the number's unit."""

    number: Number
    name: str
    known: Decimal | None

    @property
    def agrees(self) -> bool:
        return self.known == self.number.value


def fact_claims(sentence: str, facts: Facts) -> Iterator[FactCheck]:
    """Each number of a sentence that states one of the facts (the first name that it states)."""
    for number in find_numbers(sentence):
        name = next((n for n in facts if states_fact(number, sentence, n)), None)
        if name is not None:
            yield FactCheck(number, name, fact_in_units_of(facts[name], number))
