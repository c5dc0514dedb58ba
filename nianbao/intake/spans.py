"""Where in the message a value was said: the check an LLM's quoted span must pass, and highlighting.

A span must be the user's own words (found in the message) and must say the number it is given for
(the same number reader as the built-in extractor; 0 may be said as 无/未/没有). Otherwise the value
is rejected: an LLM that quotes one clause and reads another has misread.
"""

from __future__ import annotations

from nianbao.claims.text import said_clause_spans
from nianbao.intake.tokens import numbers_in
from nianbao.model import CellNumber

_DENIALS = ("无", "未", "没有", "零", "均为0", "不存在")


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text`` (spaces around it ignored); None when she did not write it."""
    wanted = quote.strip().strip("“”\"'")
    if not wanted:
        return None
    start = text.find(wanted)
    return (start, start + len(wanted)) if start >= 0 else None


def says(words: str, value: CellNumber) -> bool:
    """The words state this number (in any written form; 元 also as 万元), or 0 as a denial."""
    return value in numbers_in(words) or (value == 0 and any(d in words for d in _DENIALS))


def clause_saying(text: str, value: CellNumber) -> tuple[int, int] | None:
    """The first clause of the message that states the number, for a value given without a quote."""
    for start, end in said_clause_spans(text):
        if says(text[start:end], value):
            return start, end
    return None
