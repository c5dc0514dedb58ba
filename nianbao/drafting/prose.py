"""A model's reply as 公文 prose: lists become running sentences, Markdown goes, every figure stays as written.

Small models write numbered lists and Markdown even when asked for 公文 paragraphs. The reply is
rewritten deterministically, line by line:

- list items ("1.", "1、", "（1）", "(1)", "①", "-", "*", "•") become the sentences of one paragraph,
  "一是……。二是……。" as 公文 enumerate (a single item is just its sentence); indented sub-items and
  continuation lines join their item; a lead-in line ending in "：" joins the list;
- headings (Markdown "#", a line all in bold, "一、") become 公文 sub-headings "（一）……" on a line of
  their own, numbered in order; "（一）" headings stay as they are; the part's own title is dropped;
- Markdown emphasis, code marks, quote marks, rules and fences go; a table row becomes a sentence.

Only the numbers of list marks are removed (as the narrative rules read them: marks, not figures); no
other digit is removed, changed or joined to another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from nianbao.claims.text import full_sentences
from nianbao.numerals import parse_chinese_number
from nianbao.readers.numbering import chinese_number

_FENCE = re.compile(r"^[ \t]*```[A-Za-z+\-]*|```[ \t]*$", re.MULTILINE)
_QUOTE = re.compile(r"^(?:>\s?)+")
_RULE = re.compile(r"^([-*_])(?:\s*\1){2,}$|^\|(?:\s*:?-+:?\s*\|)+$")
_MARKUP = re.compile(r"(?:\*|_{2,}|`)+")
_PART_TITLE = re.compile(
    r"^(?:第?[一二三四五六][、.．]\s*)?"
    r"(?:总体情况|存在的主要问题及改进情况|存在问题及改进情况|其他需要报告的事项)[：:]?$"
)
_MD_HEADING = re.compile(r"^#{1,6}\s*(?P<text>.*?)\s*#*$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)$")
_ITEM = re.compile(
    r"^(?:[-*+]\s+|[•·●▪◆]\s*|[①-⑳]\s*|[（(][0-9０-９]{1,2}[）)]\s*"
    r"|[0-9０-９]{1,2}(?:[.．](?![0-9０-９])|[、)）])\s*)(?P<text>.*)$"
)
_CHINESE_MARK = re.compile(
    r"^(?:[（(](?P<bracket>[一二三四五六七八九十]{1,3})[）)]|(?P<comma>[一二三四五六七八九十]{1,3})[、．])"
)
_TABLE_ROW = re.compile(r"^\|(?P<cells>.*)\|$")
_ENDS = ("。", "！", "？", "!", "?")
_LEAD_ENDS = ("：", ":")
_TRAILING = "。；;，,、：: "
_CLOSERS = "”’」』）)"


class Kind(Enum):
    """What a line of the reply is."""

    BLANK = "blank"
    HEADING = "heading"
    ITEM = "item"
    TEXT = "text"


@dataclass(frozen=True)
class Line:
    """One line of the reply, read: its kind, text without marks, indent (spaces) and a heading's own number."""

    kind: Kind
    text: str = ""
    indent: int = 0
    number: int | None = None
    arabic: bool = False  # a heading marked "1." / "（1）": a level below （一） when the reply uses （一）


def as_prose(reply: str) -> str:
    """The reply as part text: 公文 paragraphs, one a line, with the reply's figures exactly as written."""
    lines = [read_line(raw) for raw in _FENCE.sub("", reply).split("\n")]
    out: list[tuple[Kind, str]] = []
    heading, numbered, i = 0, False, 0
    while i < len(lines):
        line = lines[i]
        if line.kind is Kind.HEADING and line.text and line.arabic and numbered:
            out.append((Kind.TEXT, sentence(line.text)))  # "（一）…" then "#### 1. …": not a second （二）
        elif line.kind is Kind.HEADING and line.text:
            numbered = numbered or line.number is not None
            heading = line.number or heading + 1
            out.append((Kind.HEADING, f"（{chinese_number(heading)}）{line.text}"))
        elif line.kind is Kind.TEXT and line.text:
            out.append((Kind.TEXT, line.text))
        elif line.kind is Kind.ITEM:
            items, i = list_items(lines, i)
            paragraphs = enumerate_items(items) or [""]
            if out and out[-1][1].endswith(_LEAD_ENDS):  # "主要做法如下：", "（一）主动公开情况："
                paragraphs[0] = out.pop()[1] + paragraphs[0]
            out += [(Kind.TEXT, text) for text in paragraphs]
            continue
        i += 1
    return "\n".join(text for _, text in out if text)


def read_line(raw: str) -> Line:
    """A line of the reply, classified, its marks and Markdown removed."""
    raw = raw.expandtabs(4)
    indent = len(raw) - len(raw.lstrip(" "))  # a full-width space opens a 公文 paragraph, it does not indent
    line = _QUOTE.sub("", raw.strip()).strip()
    if not line or _RULE.match(line):
        return Line(Kind.BLANK)
    if (match := _MD_HEADING.match(line) or _BOLD_LINE.match(line)) is not None:
        return _heading(strip_markup(match.group("text")).strip())
    if (match := _ITEM.match(line) or _ITEM.match(strip_markup(line))) is not None:  # "- **甲**", "**1.** 甲"
        return Line(Kind.ITEM, strip_markup(match.group("text")).strip(), indent)
    line = strip_markup(line).strip()
    if _PART_TITLE.match(line):
        return Line(Kind.BLANK)
    if _CHINESE_MARK.match(line):
        return _heading(line)
    if (match := _TABLE_ROW.match(line)) is not None:
        return Line(Kind.TEXT, table_sentence(match.group("cells")), indent)
    return Line(Kind.TEXT, line, indent)


def _heading(text: str) -> Line:
    """A heading's text without its own mark; a Chinese numeral mark (（二）, 二、) keeps its number."""
    if _PART_TITLE.match(text):
        return Line(Kind.BLANK)
    if (match := _CHINESE_MARK.match(text)) is not None:
        numeral = match.group("bracket") or match.group("comma")
        number = parse_chinese_number(numeral)
        return Line(Kind.HEADING, text[match.end() :].strip(), number=int(number) if number else None)
    if (match := _ITEM.match(text)) is not None:
        return Line(Kind.HEADING, match.group("text").strip(), arabic=True)
    return Line(Kind.HEADING, text)


def strip_markup(text: str) -> str:
    """Text without Markdown emphasis and code marks; a mark between two digits leaves a space, never joins them."""
    return _MARKUP.sub(lambda m: " " if _between_digits(m.string, m.start(), m.end()) else "", text)


def _between_digits(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1].isdecimal() and text[end].isdecimal()


def table_sentence(cells: str) -> str:
    """A Markdown table row as a sentence: its cells joined by "，"."""
    parts = [cell.strip() for cell in cells.split("|") if cell.strip()]
    return sentence("，".join(parts)) if parts else ""


def list_items(lines: list[Line], start: int) -> tuple[list[list[str]], int]:
    """The items of the list starting at ``start`` (each with its sub-items and continuations) and where it ends."""
    base = lines[start].indent
    items: list[list[str]] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.kind is Kind.BLANK:
            if not _list_goes_on(lines, i, base):
                break
        elif line.kind is Kind.ITEM and line.indent <= base + 1:
            items.append([line.text])
        elif line.kind is Kind.ITEM and line.indent > base:
            items[-1].append(line.text)
        elif line.kind is Kind.TEXT and line.indent > base:  # the item's own text, wrapped
            items[-1][-1] = _joined(items[-1][-1], line.text)
        else:
            break
        i += 1
    return items, i


def _joined(text: str, more: str) -> str:
    """A wrapped line joined to the text it continues; two digits that would meet keep a space between them."""
    return text + (" " if text[-1:].isdecimal() and more[:1].isdecimal() else "") + more


def _list_goes_on(lines: list[Line], blank: int, base: int) -> bool:
    """After a blank line, the list goes on when the next line is an item or indented under one."""
    rest = [line for line in lines[blank:] if line.kind is not Kind.BLANK]
    return bool(rest) and (rest[0].kind is Kind.ITEM or (rest[0].kind is Kind.TEXT and rest[0].indent > base))


def enumerate_items(items: list[list[str]]) -> list[str]:
    """List items as 公文 enumerate them: one paragraph "一是……。二是……。" when each item is one sentence,
    else a paragraph per item opening with "一是", "二是" …; a single item is just its text."""
    texts = [text for text in (item_text(parts) for parts in items) if text]
    if len(texts) <= 1:
        return texts
    numbered = [f"{chinese_number(n)}是{text}" for n, text in enumerate(texts, 1)]
    if any(len([s for s in full_sentences(text) if s.strip()]) > 1 for text in texts):
        return numbered
    return ["".join(numbered)]


def item_text(parts: list[str]) -> str:
    """An item with its sub-items: "标题：甲；乙。" when the item is a label or a lead, else its sentences."""
    parts = [part for part in parts if part]
    if not parts:
        return ""
    head, subs = parts[0], parts[1:]
    if subs and not head.rstrip(_CLOSERS).endswith(_ENDS):
        return head.rstrip(_TRAILING) + "：" + "；".join(part.rstrip(_TRAILING) for part in subs) + "。"
    return "".join(sentence(part) for part in parts)


def sentence(text: str) -> str:
    """Text ending as a sentence: its own end mark, or "。" in place of a trailing comma, colon or semicolon."""
    if text.rstrip(_CLOSERS).endswith(_ENDS):
        return text
    return text.rstrip(_TRAILING) + "。"
