"""The subsections of part 一 as the body wrote them last year, each read as one of the five topics.

The national format asks 一 to cover 主动公开, 依申请公开, 政府信息管理, 平台建设 and 监督保障; most
reports use them as subsections （一）…（五）, under headings of their own (“（三）公开平台建设更规范”).
A heading is read for its topic by its words, else by what the subsection's text speaks of most.
Without a past report of its own, the body gets the five of the national format.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field

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
_HEADING = re.compile(
    r"^\s*[（(](?P<numeral>[一二三四五六七八九十]{1,3})[）)]\s*(?P<title>[^。；;！？]{1,40})(?P<end>[。：:]?)"
)


class Subsection(BaseModel):
    """One subsection of 一: its topic, its heading (without its numeral) and last year's paragraphs."""

    topic: Topic
    heading: str
    paragraphs: list[str] = Field(default_factory=list)

    def titled(self, index: int) -> str:
        """The heading as written in the draft: （一）主动公开情况."""
        return f"（{chinese_number(index)}）{self.heading}"


class Outline(BaseModel):
    """Part 一 cut into its opening paragraphs and its subsections."""

    opening: list[str] = Field(default_factory=list)
    subsections: list[Subsection] = Field(default_factory=list)

    def topics(self) -> list[Topic]:
        return [s.topic for s in self.subsections]

    def of(self, topic: Topic) -> Subsection | None:
        return next((s for s in self.subsections if s.topic is topic), None)


def default_outline() -> Outline:
    """The five subsections of the national format, no text."""
    return Outline(subsections=[Subsection(topic=t, heading=DEFAULT_HEADINGS[t]) for t in TOPIC_ORDER])


def outline_of(text: str) -> Outline:
    """Part 一 of a report read as an outline; the five of the national format when it has no subsections."""
    outline = Outline()
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        heading = _HEADING.match(paragraph)
        if heading is not None:
            rest = paragraph[heading.end() :].strip()
            outline.subsections.append(Subsection(topic=Topic.ACTIVE, heading=heading.group("title").strip()))
            if rest:
                outline.subsections[-1].paragraphs.append(rest)
        elif outline.subsections:
            outline.subsections[-1].paragraphs.append(paragraph)
        else:
            outline.opening.append(paragraph)
    if len(outline.subsections) < 2:
        return default_outline().model_copy(update={"opening": outline.opening})
    _assign_topics(outline.subsections)
    return outline


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
