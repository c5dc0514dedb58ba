"""The marks a draft carries until the clerk deals with them, and the text they flag.

- 【沿用上年，请核实】: a sentence carried over from last year's report, not rewritten from this year's facts;
- 【年份待核实】: a year that is neither this year nor last (“《河南省2020年政务公开工作要点》”);
- 【待补充】: something only the clerk can say (what was done about a problem, this year's work);
- 【建议，待选用】: a typical sentence offered from peers, until the clerk picks it;
- 【待核实】 (``nianbao.drafting.model.UNVERIFIED``): a number nothing can verify.

A note to the writer in last year's text (“（具体问题请补充）”) is never kept as prose: it becomes 【待补充】.
"""

from __future__ import annotations

import re

from nianbao.drafting.model import UNVERIFIED

CARRIED = "【沿用上年，请核实】"
STALE_YEAR = "【年份待核实】"
TO_FILL = "【待补充】"
SUGGESTED = "【建议，待选用】"
MARKS = (UNVERIFIED, CARRIED, STALE_YEAR, TO_FILL, SUGGESTED)
_END_MARKS = "。！？!?；;"
_YEAR_WORD = re.compile(
    r"(?<![\d.〔\[［])((?:19|20)\d{2})(?![\d.])(?!\s*(?:件|条|个|项|次|篇|余|多|人|户|家|元|万|%))年?+(?!【年份待核实】)"
)
_LOST_NIAN = re.compile(r"(?<![\d.〔\[［])((?:19|20)\d{2})(?=已|以来|全年|共|累计|上半年|下半年)")
_NOTE_TO_WRITER = re.compile(
    r"[（(][^（）()]{0,40}?(?:请|待|需)(?:结合|根据|另行|逐项)?[^（）()]{0,20}?(?:补充|完善|填写|核实|修改)[^（）()]{0,20}?[）)]"
)


# A year written in Chinese numerals (二〇二一年, 二○二一年, 二零二一年): read and written back in the same digits.
_CN_DIGITS = "〇一二三四五六七八九"
_CN_ZEROS = "〇○零"
CHINESE_YEAR = re.compile(rf"(?<![{_CN_DIGITS}○零十百千万])((?:一九|二[{_CN_ZEROS}])[{_CN_DIGITS}○零]{{2}})(?=\s*年)")


def chinese_year(numerals: str) -> int:
    """二〇二一 → 2021 (any of 〇○零 as zero)."""
    return int("".join(str(_CN_DIGITS.index("〇" if c in _CN_ZEROS else c)) for c in numerals))


def as_chinese_year(year: int, like: str) -> str:
    """2022 written like ``like`` (二○二一 → 二○二二): its zero character kept."""
    zero = next((c for c in like if c in _CN_ZEROS), "〇")
    return "".join(zero if d == "0" else _CN_DIGITS[int(d)] for d in str(year))


def is_marked(text: str) -> bool:
    """Whether the text still carries any mark the clerk has to deal with."""
    return any(mark in text for mark in MARKS)


def with_mark(sentence: str, mark: str) -> str:
    """The sentence with ``mark`` before its closing punctuation (once)."""
    if mark in sentence:
        return sentence
    body = sentence.rstrip().rstrip(_END_MARKS)
    return body + mark + sentence[len(body) :]


def carried(sentence: str) -> str:
    """A sentence of last year's report kept in the draft: marked as carried over."""
    return with_mark(sentence, CARRIED) if sentence.strip() else sentence


def with_lost_nian(text: str) -> str:
    """“2021已发布” → “2021年已发布”: a year written without its 年 before a verb."""
    return _LOST_NIAN.sub(r"\1年", text)


def stale_years_marked(text: str, year: int) -> str:
    """Every year other than ``year`` and the one before marked 【年份待核实】 (in document titles too).

    Years in document numbers (〔2016〕) name the document and are left alone.
    """

    def mark(match: re.Match[str]) -> str:
        return match.group(0) if int(match.group(1)) in (year, year - 1) else match.group(0) + STALE_YEAR

    def mark_chinese(match: re.Match[str]) -> str:
        return match.group(0) if chinese_year(match.group(1)) in (year, year - 1) else match.group(0) + STALE_YEAR

    text = _YEAR_WORD.sub(mark, text)
    return _CN_YEAR_WORD.sub(mark_chinese, text)


_CN_YEAR_WORD = re.compile(CHINESE_YEAR.pattern + r"\s*年(?!【年份待核实】)")


def notes_to_writer_marked(text: str) -> str:
    """“（整改成效请结合本年度工作补充完善）” → 【待补充】: a note to the writer is never left as prose."""
    return _NOTE_TO_WRITER.sub(TO_FILL, text)


def has_note_to_writer(text: str) -> bool:
    """Whether the text still holds a note to the writer in brackets (（具体问题请补充）)."""
    return _NOTE_TO_WRITER.search(text) is not None


def confirmed(text: str, sentence: str | None = None) -> str:
    """The text with the carried-over marks removed: all of them, or only those of one sentence.

    The clerk's confirmation: the sentence stays as it is, now hers.
    """
    if sentence is None:
        return text.replace(CARRIED, "")
    return text.replace(sentence, sentence.replace(CARRIED, ""))


def chosen(text: str, sentence: str | None = None) -> str:
    """The text with the suggestion marks removed (all, or one sentence's): the clerk picked them."""
    if sentence is None:
        return text.replace(SUGGESTED, "")
    return text.replace(sentence, sentence.replace(SUGGESTED, ""))


def without_marks(text: str) -> str:
    """The text with every mark removed (to quote it, not to confirm it)."""
    for mark in MARKS:
        text = text.replace(mark, "")
    return text


def count_marks(text: str) -> dict[str, int]:
    """How many of each mark the text carries (only the marks present)."""
    return {mark: text.count(mark) for mark in MARKS if mark in text}
