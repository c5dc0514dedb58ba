"""Sentences of last year's report in this year's draft: found by their wording, marked until the clerk confirms.

One test for every path: a sentence mostly in last year's words (``COPIED_SHARE`` of its four-character
runs) is last year's sentence, unless it is as much in the words of the clerk's facts (then it is hers).
A sentence of 五 naming one of last year's problems again is last year's problem, not this year's.
"""

from __future__ import annotations

import re

from nianbao.claims.text import split_sentences
from nianbao.drafting.marks import carried, is_marked, without_marks
from nianbao.similarity import containment

SHINGLE = 4
COPIED_SHARE = 0.6  # a sentence mostly in last year's words is last year's sentence
PROBLEM_SHINGLE = 2  # a problem is a short clause: 人力、财力仍然缺乏 still names 人力、财力缺乏
_ITEM_END = re.compile(r"(?<=[；;])")


def is_copied(sentence: str, last_year: str, facts: str = "") -> bool:
    """Whether the sentence is mostly last year's words and not the clerk's."""
    plain = without_marks(sentence)
    if not last_year or containment(plain, last_year, SHINGLE) < COPIED_SHARE:
        return False
    return not facts or containment(plain, facts, SHINGLE) < COPIED_SHARE


def copies_marked(text: str, last_year: str, facts: str = "") -> str:
    """The text with each sentence copied from last year's (and not from her facts) marked as carried over."""
    return "\n".join(
        "".join(carried(s) if is_copied(s, last_year, facts) else s for s in split_sentences(line))
        for line in text.split("\n")
    )


def repeats_problem(sentence: str, problems: list[str]) -> bool:
    """Whether the sentence names one of last year's problems again (most of the problem's words in it)."""
    plain = without_marks(sentence)
    return any(containment(problem, plain, PROBLEM_SHINGLE) >= COPIED_SHARE for problem in problems if problem.strip())


def repeated_problems_marked(text: str, problems: list[str]) -> str:
    """Each item (一是…；) or sentence of this year's problems or measures that repeats last year's problem, marked."""
    if not problems:
        return text
    return "\n".join(
        "".join(
            carried(item) if repeats_problem(item, problems) else item
            for sentence in split_sentences(line)
            for item in _ITEM_END.split(sentence)
        )
        for line in text.split("\n")
    )


def her_sentences(text: str) -> str:
    """The sentences of a text that carry no mark, line by line: the clerk's own (written or confirmed by her),
    never one of last year's she has not confirmed, nor a figure still to verify."""
    lines = ("".join(s for s in split_sentences(line) if s.strip() and not is_marked(s)) for line in text.split("\n"))
    return "\n".join(line for line in lines if line.strip())


def without_echoes(text: str, sent: str) -> str:
    """The reply without the lines it echoed of the data the request gave (“信息处理费：0”, “其他：今年没有……”,
    a sentence of the figures word for word): data, not prose. Her facts in sentences of the report stay."""
    given = {line.strip().rstrip("。") for line in sent.split("\n") if line.strip()}
    return "\n".join(line for line in text.split("\n") if line.strip().rstrip("。") not in given)
