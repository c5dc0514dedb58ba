"""The subsections of part 一 as the body wrote them last year, each read as one of the five topics.

The national format asks 一 to cover 主动公开, 依申请公开, 政府信息管理, 平台建设 and 监督保障; most
reports use them as subsections （一）…（五）, under headings of their own (“（三）公开平台建设更规范”);
others number them 【主动公开】, 1.…, 第一，…, or 一是…, write the heading as a sentence that the text
continues (“（一）主动公开情况。本年度……”), open with a （一）总体情况, or write no subsections at all.
The draft numbers and writes its subsections the way the body did. A heading is read for its topic by its
words, else by what the subsection's text speaks of most. Without a past report of its own, the body gets
the five of the national format.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field

from nianbao.claims.text import HEADING_STOP
from nianbao.readers.numbering import chinese_number


class Topic(StrEnum):
    """What a subsection of 一 (and a fact the clerk gives) is about."""

    ACTIVE = "主动公开"
    REQUESTS = "依申请公开"
    MANAGEMENT = "政府信息管理"
    PLATFORMS = "平台建设"
    OVERSIGHT = "监督保障"


TOPIC_ORDER = tuple(Topic)
DEFAULT_HEADINGS = {
    Topic.ACTIVE: "主动公开情况",
    Topic.REQUESTS: "依申请公开情况",
    Topic.MANAGEMENT: "政府信息管理情况",
    Topic.PLATFORMS: "政府信息公开平台建设情况",
    Topic.OVERSIGHT: "监督保障情况",
}
TOPIC_WORDS = {
    Topic.REQUESTS: r"依申请|申请公开|公开申请",
    Topic.ACTIVE: r"主动公开|政策解读|五公开|新闻发布|解读|公开内容|重点领域",
    Topic.MANAGEMENT: r"信息管理|保密审查|公开属性|源头认定|目录|清理|规范性文件",
    Topic.PLATFORMS: r"平台|网站|新媒体|公报|专栏|政务服务中心|查阅",
    Topic.OVERSIGHT: r"监督|保障|考核|培训|督查|评议|责任追究|领导小组|机构|队伍|制度建设",
}
_NUMERAL = r"[一二三四五六七八九十]{1,3}"
_NUMERALS = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


class Numbering(StrEnum):
    """How a body numbers the subsections of its 一 (the draft numbers them the same way)."""

    PAREN = "（一）"
    BRACKET = "【】"
    ARABIC = "1."
    CIRCLED = "①"
    ORDINAL = "第一，"
    SHI = "一是"
    NONE = ""  # no subsections: paragraphs by topic, under no heading


# Each way of numbering, most telling first: a heading at the start of a paragraph.
_STYLES: tuple[tuple[Numbering, re.Pattern[str]], ...] = (
    (Numbering.PAREN, re.compile(rf"^\s*[（(](?P<numeral>{_NUMERAL})[）)]\s*(?P<rest>\S.*)$")),
    (Numbering.BRACKET, re.compile(r"^\s*【(?P<title>[^】]{2,20})】\s*(?P<rest>.*)$")),
    (Numbering.ARABIC, re.compile(r"^\s*[（(]?(?P<numeral>\d{1,2})\s*[.．、)）](?!\d)\s*(?P<rest>\S.*)$")),
    (Numbering.CIRCLED, re.compile(rf"^\s*(?P<numeral>[{_CIRCLED}])\s*(?P<rest>\S.*)$")),
    (Numbering.ORDINAL, re.compile(rf"^\s*第(?P<numeral>{_NUMERAL})(?:方面|点)?[，,、：:]\s*(?P<rest>\S.*)$")),
    (Numbering.SHI, re.compile(rf"^\s*(?P<numeral>{_NUMERAL})是\s*(?P<rest>\S.*)$")),
)
_TITLE_END = HEADING_STOP
_TITLE_CHARS = 40
_CLAUSE_CHARS = 20
_GENERAL = re.compile(r"^(?:总体情况|总体工作情况|基本情况|工作概况|概述|总体概况)$")


class Heading(BaseModel):
    """A subsection heading as read: how it is numbered, its number, its words, what closed it (。 or
    nothing) and the text that followed it in the same paragraph."""

    numbering: Numbering
    number: int = 0
    title: str
    end: str = ""
    rest: str = ""
    prefix: str = ""  # its numbering as written, the numeral as {n}: （{n}）, {n}、, 第{n}方面，


class Subsection(BaseModel):
    """One subsection of 一: its topic, its heading (without its numeral), how it is numbered, what closed
    the heading (“（一）主动公开情况。本年度……”: 。) and last year's paragraphs; ``inline``: the heading opened
    its first paragraph (一是强化主动公开。全年……), and so it does in the draft."""

    topic: Topic
    heading: str
    paragraphs: list[str] = Field(default_factory=list)
    numbering: Numbering = Numbering.PAREN
    end: str = ""
    inline: bool = False
    prefix: str = ""  # its numbering as the body wrote it, the numeral as {n} (（{n}）, {n}、, 第{n}方面，)

    def titled(self, index: int) -> str:
        """The heading as the draft writes it, numbered as the body numbers it: （一）主动公开情况, 1.…, 【…】,
        第一，…, 一是…; '' for a body that writes no headings."""
        numeral = chinese_number(index)
        if self.prefix and self.numbering is not Numbering.NONE:
            return self.prefix.replace("{n}", self._numeral(index)) + self.heading + self.end
        numbered = {
            Numbering.PAREN: f"（{numeral}）{self.heading}",
            Numbering.BRACKET: f"【{self.heading}】",
            Numbering.ARABIC: f"{index}.{self.heading}",
            Numbering.CIRCLED: f"{_CIRCLED[index - 1] if index <= len(_CIRCLED) else index}{self.heading}",
            Numbering.ORDINAL: f"第{numeral}，{self.heading}",
            Numbering.SHI: f"{numeral}是{self.heading}",
            Numbering.NONE: "",
        }[self.numbering]
        return numbered + self.end if numbered else ""

    def _numeral(self, index: int) -> str:
        if self.numbering is Numbering.ARABIC:
            return str(index)
        if self.numbering is Numbering.CIRCLED:
            return _CIRCLED[index - 1] if index <= len(_CIRCLED) else str(index)
        return chinese_number(index)


class Outline(BaseModel):
    """Part 一 cut into its opening paragraphs and its subsections; ``opening_heading``: the heading of an
    opening the body wrote as its first subsection (（一）总体情况)."""

    opening: list[str] = Field(default_factory=list)
    subsections: list[Subsection] = Field(default_factory=list)
    opening_heading: Heading | None = None

    def topics(self) -> list[Topic]:
        return [s.topic for s in self.subsections]

    def of(self, topic: Topic) -> Subsection | None:
        return next((s for s in self.subsections if s.topic is topic), None)

    def titled_opening(self) -> str:
        """The opening's own heading as the draft writes it (（一）总体情况), '' when it has none."""
        heading = self.opening_heading
        if heading is None:
            return ""
        opening = Subsection(topic=Topic.ACTIVE, heading=heading.title, numbering=heading.numbering)
        return opening.model_copy(update={"prefix": heading.prefix}).titled(1)

    def first_number(self) -> int:
        """The number of the first topical subsection (2 after （一）总体情况)."""
        return 2 if self.opening_heading is not None else 1


def default_outline() -> Outline:
    """The five subsections of the national format, no text."""
    return Outline(subsections=[Subsection(topic=t, heading=DEFAULT_HEADINGS[t]) for t in TOPIC_ORDER])


def outline_of(text: str) -> Outline:
    """Part 一 of a report read as an outline, its subsections numbered as the body numbered them; a part 一
    without subsections is cut by topic, its paragraphs under no heading."""
    paragraphs = rejoined_paragraphs(text)
    for numbering, pattern in _STYLES:
        headings = [heading_of(p, numbering, pattern) for p in paragraphs]
        if _numbered_in_order([h for h in headings if h is not None]):
            return _outline_by_headings(paragraphs, headings)
    return _outline_by_topic(paragraphs)


def rejoined_paragraphs(text: str) -> list[str]:
    """The part's paragraphs, a sentence broken over two of them put back together (a report copied from a PDF:
    “努力让政务信息“看” / “得懂、用得上、易监督”。”): a paragraph that stops mid-sentence (no closing mark after a
    clause) and is no heading goes on in the next one, unless that one opens with a heading."""
    joined: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        if joined and _stops_mid_sentence(joined[-1]) and not _opens_with_heading(paragraph):
            joined[-1] += paragraph
        else:
            joined.append(paragraph)
    return joined


def _stops_mid_sentence(paragraph: str) -> bool:
    return "，" in paragraph and paragraph[-1] not in _CLOSING_MARKS and not _opens_with_heading(paragraph)


def _opens_with_heading(paragraph: str) -> bool:
    return any(pattern.match(paragraph) for _, pattern in _STYLES)


_CLOSING_MARKS = "。！？；：!?;:”’）)】…"


def heading_of(paragraph: str, numbering: Numbering, pattern: re.Pattern[str]) -> Heading | None:
    """The paragraph's subsection heading in this numbering, cut where the heading ends, or None."""
    match = pattern.match(paragraph)
    if match is None:
        return None
    if numbering is Numbering.BRACKET:
        return Heading(numbering=numbering, title=match.group("title").strip(), rest=match.group("rest").strip())
    heading = _cut(numbering, _number(match.group("numeral")), match.group("rest").strip())
    heading.prefix = paragraph[: match.start("rest")].strip().replace(match.group("numeral"), "{n}", 1)
    return heading


def _cut(numbering: Numbering, number: int, rest: str) -> Heading:
    """A heading's words cut from what follows them: at its first stop, else its first clause if the first
    sentence runs long."""
    stop = _TITLE_END.search(rest)
    if stop is not None and stop.start() <= _TITLE_CHARS:
        end = stop.group(0) if stop.group(0) in "。：:" else ""
        title, after = rest[: stop.start()].strip(), rest[stop.end() :].strip()
        return Heading(numbering=numbering, number=number, title=title, end=end, rest=after)
    if len(rest) <= _TITLE_CHARS:
        return Heading(numbering=numbering, number=number, title=rest)
    clause = rest.find("，")
    if 0 < clause <= _CLAUSE_CHARS:  # a long first sentence: its first clause leads (一是围绕中心工作，……)
        return Heading(numbering=numbering, number=number, title=rest[:clause], end="，", rest=rest[clause + 1 :])
    return Heading(numbering=numbering, number=number, title=rest[:_TITLE_CHARS], rest=rest[_TITLE_CHARS:])


def _number(numeral: str | None) -> int:
    if not numeral:
        return 0
    if numeral in _CIRCLED:  # before isdigit(): ① is a digit to Python, not to int()
        return _CIRCLED.index(numeral) + 1
    if numeral.isdigit():
        return int(numeral)
    tens, _, ones = numeral.rpartition("十")
    if "十" not in numeral:
        return _NUMERALS.index(numeral) + 1 if len(numeral) == 1 else 0
    return (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (_NUMERALS.index(ones) + 1 if ones else 0)


def _numbered_in_order(headings: list[Heading]) -> bool:
    """Two headings or more, numbered 1, 2, 3 … (【】 headings carry no number)."""
    if len(headings) < 2:
        return False
    if headings[0].numbering is Numbering.BRACKET:
        return True
    return [h.number for h in headings] == list(range(1, len(headings) + 1))


def _outline_by_headings(paragraphs: list[str], headings: list[Heading | None]) -> Outline:
    outline = Outline()
    for paragraph, heading in zip(paragraphs, headings, strict=True):
        if heading is None:
            target = outline.subsections[-1].paragraphs if outline.subsections else outline.opening
            target.append(paragraph)
        elif not outline.subsections and _GENERAL.match(heading.title):
            outline.opening_heading = heading
            outline.opening += [heading.rest] if heading.rest else []
        else:
            outline.subsections.append(
                Subsection(
                    topic=Topic.ACTIVE,
                    heading=heading.title,
                    numbering=heading.numbering,
                    prefix=heading.prefix,
                    end=heading.end,
                    inline=bool(heading.rest),
                    paragraphs=[heading.rest] if heading.rest else [],
                )
            )
    _assign_topics(outline.subsections)
    return outline


def _outline_by_topic(paragraphs: list[str]) -> Outline:
    """A part 一 without subsections: its first paragraph opens it, every other goes to the topic it speaks
    of (one speaking of none stays with the paragraph before it), in the body's own order, under no heading."""
    if len(paragraphs) < 2:
        return default_outline().model_copy(update={"opening": paragraphs})
    outline = Outline(opening=paragraphs[:1])
    for paragraph in paragraphs[1:]:
        topic = topic_of(paragraph)
        found = outline.of(topic) if topic is not None else None
        if found is not None:
            found.paragraphs.append(paragraph)
        elif topic is not None:
            heading = DEFAULT_HEADINGS[topic]
            outline.subsections.append(
                Subsection(topic=topic, heading=heading, numbering=Numbering.NONE, paragraphs=[paragraph])
            )
        elif outline.subsections:
            outline.subsections[-1].paragraphs.append(paragraph)
        else:
            outline.opening.append(paragraph)
    return outline if outline.subsections else default_outline().model_copy(update={"opening": paragraphs})


def _assign_topics(subsections: list[Subsection]) -> None:
    """Each subsection's topic: named in its heading, else the one its text speaks of most (each taken once
    where possible, so 依申请公开's figures land in the subsection that talks most of applications)."""
    taken: set[Topic] = set()
    for subsection in subsections:
        named = _topic_named(subsection.heading)
        if named is not None:
            subsection.topic = named
            taken.add(named)
    for subsection in subsections:
        if _topic_named(subsection.heading) is None:
            subsection.topic = _topic_by_text(subsection, taken)
            taken.add(subsection.topic)


def _topic_named(heading: str) -> Topic | None:
    for topic in (Topic.REQUESTS, Topic.ACTIVE, Topic.MANAGEMENT, Topic.PLATFORMS, Topic.OVERSIGHT):
        if re.search(TOPIC_WORDS[topic], heading):
            return topic
    return None


def _topic_by_text(subsection: Subsection, taken: set[Topic]) -> Topic:
    text = subsection.heading + "".join(subsection.paragraphs)
    scores = {topic: len(re.findall(TOPIC_WORDS[topic], text)) for topic in TOPIC_ORDER}
    free = [t for t in TOPIC_ORDER if t not in taken] or list(TOPIC_ORDER)
    return max(free, key=lambda t: (scores[t], -TOPIC_ORDER.index(t)))


def topic_of(text: str) -> Topic | None:
    """The topic a clerk's note speaks of (“上线了依申请公开系统” → 依申请公开), None when none."""
    scores = {topic: len(re.findall(TOPIC_WORDS[topic], text)) for topic in TOPIC_ORDER}
    best = max(TOPIC_ORDER, key=lambda t: (scores[t], -TOPIC_ORDER.index(t)))
    return best if scores[best] else None


class Block(BaseModel):
    """A stretch of drafted part 一: its opening or one subsection, as lines ``start`` to ``end`` (exclusive)."""

    heading: str  # as written (（一）主动公开情况), or 开头 for the opening
    start: int
    end: int


def blocks_of(text: str) -> list[Block]:
    """The drafted (or edited) part 一 cut at its subsection headings, however numbered; [] without headings."""
    lines = text.split("\n")
    headed = _headings_by_line(lines)
    if headed is None:
        return []
    numbering, headings = headed
    found = [(i, h) for i, h in enumerate(headings) if h is not None]
    starts = [i for i, _ in found]
    blocks = [Block(heading="开头", start=0, end=starts[0])] if starts[0] > 0 else []
    for (start, heading), end in zip(found, [*starts[1:], len(lines)], strict=True):
        written = Subsection(topic=Topic.ACTIVE, heading=heading.title, numbering=numbering, prefix=heading.prefix)
        blocks.append(Block(heading=written.titled(heading.number or len(blocks) + 1), start=start, end=end))
    return blocks


def written_headings(text: str) -> list[str]:
    """For each line of part 一, the subsection heading it opens with as written (（一）主动公开情况, 一是强化主动
    公开。, 【平台建设】, 第一，着力加强主动公开。), '' for a line that opens with none: the words a DOCX sets as a
    heading, whether on a line of their own or opening the paragraph."""
    lines = text.split("\n")
    headed = _headings_by_line(lines)
    if headed is None:
        return [""] * len(lines)
    return [_as_written(line.strip(), h) if h is not None else "" for line, h in zip(lines, headed[1], strict=True)]


def _headings_by_line(lines: list[str]) -> tuple[Numbering, list[Heading | None]] | None:
    """Each line's subsection heading in the first numbering that heads two lines or more in order, or None."""
    for numbering, pattern in _STYLES:
        headings = [heading_of(line.strip(), numbering, pattern) if line.strip() else None for line in lines]
        if _numbered_in_order([h for h in headings if h is not None]):
            return numbering, headings
    return None


def _as_written(line: str, heading: Heading) -> str:
    """The heading's words at the start of ``line``: all of a line that is only a heading; before the text that
    follows it when a stop (。：) or 【】 closes it; '' when nothing closes it (a paragraph cut for its first words)."""
    if not heading.rest:
        return line
    closed = heading.end in ("。", "：", ":") or heading.numbering is Numbering.BRACKET
    if not closed or not line.endswith(heading.rest):
        return ""
    return line[: len(line) - len(heading.rest)].rstrip()


def block_text(text: str, block: Block) -> str:
    return "\n".join(text.split("\n")[block.start : block.end])


def with_block(text: str, block: Block, replaced: str) -> str:
    """The part with one block's lines replaced by ``replaced``."""
    lines = text.split("\n")
    return "\n".join([*lines[: block.start], replaced, *lines[block.end :]])
