"""The problems a report's part 五 lists (存在的主要问题), read from its text.

Used by the review (上年度问题整改情况: last year's problems this year's 五 must answer) and by the
offline drafter (this year's 五 answers last year's problems), so it sits below both.
"""

from __future__ import annotations

import re

from nianbao.claims.text import split_phrases

MEASURE_OPENINGS = ("针对上述问题", "针对以上问题", "针对存在的问题", "针对这些问题", "下一步", "改进措施", "整改措施")
_ORDINAL_ITEM = re.compile(r"(?:^|(?<=[。；;：:\n]))\s*[一二三四五六七八九十]是")
_NUMBERED_ITEM = re.compile(r"(?:^|(?<=[。；;：:\n]))\s*(?:[（(][一二三四五六七八九十]+[)）]|\d+[.、．])")
_PHRASE_MARKS = "，,。；;：:！!？? "


def problems_listed(text: str) -> list[str]:
    """The problems a 五 lists (一是…二是… or numbered items): the first clause of each.

    The section on the year before's problems (上年度问题整改情况) and the measures that follow the
    list (a paragraph opening with 针对上述问题, 下一步 …) are not problems of this report.
    """
    text = _problem_section(text)
    starts = [m.end() for m in _ORDINAL_ITEM.finditer(text)] or [m.end() for m in _NUMBERED_ITEM.finditer(text)]
    problems = []
    for start in starts:
        clause = _problem_clause(text[start:])
        if clause:
            problems.append(clause)
    return problems


def _problem_section(text: str) -> str:
    kept: list[str] = []
    skipping = False
    for paragraph in (p.strip() for p in text.split("\n")):
        if _is_subheading(paragraph):
            skipping = "整改" in paragraph and "改进" not in paragraph
            continue
        if skipping:
            continue
        if kept and paragraph.startswith(MEASURE_OPENINGS):
            break
        kept.append(paragraph)
    return "\n".join(kept)


def _is_subheading(paragraph: str) -> bool:
    return len(paragraph) <= 30 and not re.search(r"[。；;：:，,]", paragraph)


def _problem_clause(text: str) -> str:
    pieces = [p.strip().rstrip(_PHRASE_MARKS) for p in split_phrases(text.split("\n")[0])]
    clause = ""
    for piece in pieces:
        clause = f"{clause}，{piece}" if clause else piece
        if len(clause) >= 4:
            return clause
    return clause
