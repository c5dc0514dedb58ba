"""This year's work, as the clerk tells it: facts kept with the draft, each with its source.

A fact is about one subsection of 一 (主动公开 …), what was done about one of last year's problems
(整改), this year's problems (问题), next year's measures (措施), or 六 (其他). The offline drafter
turns the clerk's own wording into sentences in the report's register: 今年 → 2022年, 我们 → 我县,
“开了2次新闻发布会” → “召开新闻发布会2次”, enumerated 一是…；二是…. Every figure she gave is hers:
it is verified against her fact, not marked as unknown.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from nianbao.claims.numbers import find_numbers
from nianbao.claims.text import said_clauses, split_sentences
from nianbao.drafting.outline import DEFAULT_HEADINGS, Outline, Topic, topic_of

CHAT = "对话"
_PHRASES = {t.value: DEFAULT_HEADINGS[t].removesuffix("情况") for t in Topic}


class Kind(StrEnum):
    """What a fact is about, beyond the five subsections of 一."""

    RECTIFICATION = "整改"
    PROBLEM = "问题"
    MEASURE = "措施"
    OTHER = "其他"
    PLACE = "所在地"  # where the body is (江苏省宿迁市沭阳县): not written, it decides whose structure to borrow


class WorkFact(BaseModel):
    """One thing the clerk said about this year, where she said it, and what it is about."""

    about: str  # a Topic value (主动公开 …) or a Kind value (整改, 问题, 措施, 其他)
    text: str
    source: str = CHAT
    problem: int | None = None  # for 整改: which of last year's problems (0-based)
    section: str | None = None  # asked for by a subsection's own heading (政策解读 beside 主动公开情况)
    chosen: bool = True  # a suggestion (a peer's typical problem) is not the clerk's until she picks it

    def describe(self) -> str:
        return f"{self.about}：{self.text}（来源：{self.source}）"


_COLLOQUIAL = (
    ("今年", "{year}年"),
    ("去年", "{last}年"),
    ("本年度", "{year}年"),
    ("我们单位", "{subject}"),
    ("我们", "{subject}"),
    ("咱们", "{subject}"),
    ("开了", "召开"),
    ("搞了", "开展"),
    ("办了", "举办"),
    ("做了", "开展"),
    ("弄了", "建立"),
    ("上线了", "上线"),
    ("出台了", "出台"),
    ("组织了", "组织"),
    ("开展了", "开展"),
    ("完成了", "完成"),
    ("建立了", "建立"),
    ("发布了", "发布"),
    ("印发了", "印发"),
    ("举办了", "举办"),
    ("进行了", "开展"),
    ("培训了", "培训"),
    ("一共", "共"),
    ("大概", "约"),
)
_FILLER = re.compile(
    r"^(?:嗯|啊|哦|那个|就是|还有|另外|然后|此外|再就是|对了|(?:还|也)(?=[组开举召完建上印发推落制出做搞办进培]))[，,、\s]*"
)
_COUNTED_NOUN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)(?P<unit>次|场|期|个|项|篇|条|家|名|人次|轮)(?P<noun>[\u4e00-\u9fa5“”]{2,12})$"
)
_SUBJECT_START = re.compile(r"^(?:我[县市区省局委办厅镇乡]|本机关|[县市区]政府|[县市区]委|全[县市区省])")
_ITEM_MARK = re.compile(r"^\s*(?:[一二三四五六七八九十]是|[（(]?[0-9一二三四五六七八九十]{1,2}[)）、.．]|[-*•])\s*")
_PLACE_SAID = re.compile(
    r"^\s*(?:(?:不对|错了|更正|纠正一下)[，,：:。]?\s*)?"
    r"(?:我们|我们单位|我单位|本单位|本机关|我[县市区局委办厅])(?:这里|这边)?(?:是|在|位于|地处|属于|隶属于?)"
    r"(?P<place>(?:[\u4e00-\u9fff]{2,9}?(?:省|自治区|市|自治州|州|盟|县|区|旗))+)"
    r"(?:的)?(?:单位|机关|部门)?[。！!.]?\s*$"
)
_BRACKET_LABEL = re.compile(r"^\s*[【\[]([^】\]]{2,12})[】\]]\s*")
_LEAD_IN_CHARS = 25
_ASPECT = re.compile(r"^\s*(?:今年|本年度)?(?:关于|在)?[\u4e00-\u9fa5]{2,10}?(?:方面|这块|这一块)(?:的工作)?[，,]?\s*")
_ANNOUNCING = re.compile(r"方面|这块|这一块|这一项|几件事|件事|项工作|如下|主要做了|主要有|主要是|情况")
_ANNOUNCED_COUNT = re.compile(r"[一二三四五六七八九十两几\d]+(?:件事|项工作|项|个方面|方面)")
_PARTICLE_LE = re.compile(r"(?<![为除完])了(?![解])")  # 配备了 → 配备; 为了, 了解 stay


# A line that says what was done about a problem (针对人力不足的问题，…; 业务能力不足的问题：…): a rectification, one
# item however many subsections its words touch. Not this year's problems (存在的问题：…).
RECTIFICATION_LEADS = (
    re.compile(r"^针对(?P<what>[^，,。；;：:]{2,20}?)(?:的?问题|方面)?(?:的整改)?[，,：:]\s*"),
    re.compile(
        r"^(?:关于)?(?!存在|主要|今年|本年|目前|当前|还|仍|其他)(?P<what>[^，,。；;：:]{2,20}?)的?问题(?:的整改)?[：:，,]\s*"
    ),
)


# Lines she labels as this year's problems or next year's measures (存在的问题：…, 下一步：…).
_KIND_LEADS = (
    (Kind.PROBLEM, re.compile(r"^(?:[还仍]?存在的?|今年的?|本年度?的?|目前|当前)?(?:主要)?(?:问题|不足)[：:]\s*")),
    (Kind.MEASURE, re.compile(r"^(?:下一步(?:打算|计划|工作)?|(?:改进|整改)措施|工作打算|明年(?:打算|计划))[：:]\s*")),
)


def _kind_lead(text: str) -> tuple[Kind, re.Match[str]] | None:
    return next(((kind, m) for kind, pattern in _KIND_LEADS if (m := pattern.match(text.strip()))), None)


def rectification_lead(text: str) -> re.Match[str] | None:
    """The words naming the problem a rectification answers (“针对人力不足的问题，”), None when it names none."""
    text = without_item_mark(text)
    return next((m for pattern in RECTIFICATION_LEADS if (m := pattern.match(text)) is not None), None)


def without_item_mark(text: str) -> str:
    """An item without its list mark (一是, 1., （二）, 一、)."""
    return _ITEM_MARK.sub("", text.strip())


def cleaned(text: str, subject: str, year: int) -> str:
    """The clerk's wording in the report's register, without its closing punctuation."""
    text = without_lead_in(_ITEM_MARK.sub("", text.strip()))
    text = _FILLER.sub("", text).strip().rstrip("。；;，,!！?？ ")
    for said, written in _COLLOQUIAL:
        text = text.replace(said, written.format(year=year, last=year - 1, subject=subject))
    text = _PARTICLE_LE.sub("", text)
    clauses = [_noun_before_count(c.strip()) for c in said_clauses(text)]
    return "，".join(c for c in clauses if c)


def _noun_before_count(clause: str) -> str:
    """“召开2次新闻发布会” → “召开新闻发布会2次”, as reports put the count after what is counted."""
    match = _COUNTED_NOUN.search(clause)
    if match is None:
        return clause
    return clause[: match.start()] + match.group("noun") + match.group("num") + match.group("unit")


def items_of(message: str) -> list[str]:
    """The separate items of a clerk's message, each one thing done, without its list mark.

    Items are her sentences (一是…, 1. …, one a line); within a sentence a clause that speaks of another
    subsection starts an item of its own (“开了2次新闻发布会，培训3次，上线了依申请公开系统” is three).
    """
    items = []
    for line in message.replace("\r", "").split("\n"):
        line = _ITEM_MARK.sub("", line.strip())
        if rectification_lead(line) is not None:
            items.append(_item_text(line))
            continue
        if lead := _topic_lead(line):  # she said which subsection the line is about: it stays there …
            labelled, *others = _CHANGE_OF_TOPIC.split(line)  # … until “另外…” turns to something else
            sentences = [_item_text(s) for s in split_sentences(labelled)]
            items += [s if index == 0 else lead + s for index, s in enumerate(sentences)]
            line = "。".join(others)
        for sentence in split_sentences(line):
            items += _by_topic(_item_text(sentence))
    return [item for item in items if len(item) >= 2]


def _item_text(sentence: str) -> str:
    return _ITEM_MARK.sub("", sentence.strip()).rstrip("。；;！!？? ，,")


_CHANGE_OF_TOPIC = re.compile(r"[，,；;。]\s*(?=另外|此外|另有|同时还|还有)")


def _topic_lead(text: str) -> str:
    """The lead-in naming a subsection that opens her line (“平台方面，”, “【平台建设】”, “主动公开：”), else ''."""
    text = text.strip()
    rest = without_label(text) if place_stated(text) is None else text
    lead = text[: len(text) - len(rest)] if rest and text.endswith(rest) else ""
    return lead if lead and topic_of(lead) is not None else ""


def _by_topic(sentence: str) -> list[str]:
    items: list[tuple[Topic | None, str]] = []
    for clause in said_clauses(sentence):
        topic = topic_of(clause)
        if items and (topic is None or topic == items[-1][0] or (items[-1][0] is None and len(items[-1][1]) < 4)):
            items[-1] = (items[-1][0] or topic, items[-1][1] + "，" + clause.strip())
        else:
            items.append((topic, clause.strip()))
    return [text.strip("，") for _, text in items]


def work_paragraph(facts: list[WorkFact], topic: str, subject: str, year: int) -> str:
    """The work paragraph of one subsection from the clerk's facts ('' without any)."""
    items = [cleaned(f.text, subject, year) for f in facts if f.about == topic and f.chosen]
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return _with_subject(items[0], subject, year) + "。"
    phrase = _PHRASES.get(topic, topic)
    # After “2022年，我县扎实推进…工作：” an item says neither the year nor the body again.
    lead = rf"^(?:{year}年[，,]?)?(?:{re.escape(subject)})?"
    listed = "；".join(f"{_ordinal(i)}是{re.sub(lead, '', item)}" for i, item in enumerate(items))
    return f"{year}年，{subject}扎实推进{phrase}工作：{listed}。"


def _with_subject(item: str, subject: str, year: int) -> str:
    """“2022年召开…” → “2022年，我县召开…”; an item naming its own subject (县政府…, 全县…) keeps it."""
    rest = re.sub(rf"^{year}年[，,]?", "", item)
    return f"{year}年，{rest}" if _SUBJECT_START.match(rest) else f"{year}年，{subject}{rest}"


def _ordinal(index: int) -> str:
    return "一二三四五六七八九十"[index] if index < 10 else str(index + 1)


def stated_figures(facts: list[WorkFact], subject: str, year: int) -> dict[str, Decimal]:
    """The figures the clerk gave in her facts, each named by the words before it (“召开新闻发布会”: 2).

    The recheck verifies a number against a fact named just before it: her own figures are hers.
    """
    figures: dict[str, Decimal] = {}
    for fact in facts:
        if not fact.chosen:
            continue
        text = cleaned(fact.text, subject, year)
        for number in find_numbers(text):
            name = re.split(r"[，,；;：:、\d]", text[: number.start])[-1][-6:]
            if name:
                figures[name] = number.value
    return figures


def place_stated(text: str) -> str | None:
    """The place a message says the body is in (“我们是江苏省宿迁市沭阳县的” → 江苏省宿迁市沭阳县), else None."""
    labelled = re.match(rf"\s*{Kind.PLACE.value}[：:]\s*(?P<place>\S.*?)\s*$", text)
    said = labelled or _PLACE_SAID.match(text)
    return said.group("place").rstrip("。") if said is not None else None


def place_fact(facts: list[WorkFact]) -> WorkFact | None:
    """The last place the clerk gave for the body (in the chat, a notes file or the NIANBAO_PLACE setting)."""
    return next((f for f in reversed(facts) if f.about == Kind.PLACE.value and f.chosen), None)


def stated_place(facts: list[WorkFact]) -> str:
    """Where the clerk last said the body is ('' when she did not)."""
    fact = place_fact(facts)
    return fact.text if fact is not None else ""


def place_said_by(fact: WorkFact) -> str:
    """Where a place was given, in the clerk's words (您在对话中说明的所在地)."""
    return "您在对话中说明的所在地" if fact.source == CHAT else f"“{fact.source}”中写明的所在地"


def classify(text: str, asked: str | None = None) -> str:
    """What a fact is about: where the body is (“我们是江苏省…的”), the subsection named at its start
    (“主动公开：…”), else the one asked about, else the one its words speak of, else 其他."""
    if place_stated(text) is not None:
        return Kind.PLACE.value
    for about in [*Topic, *Kind]:
        if re.match(rf"\s*{about.value}[：:]", text):
            return about.value
    if (labelled := _kind_lead(text)) is not None:
        return labelled[0].value
    if rectification_lead(text) is not None:
        return Kind.RECTIFICATION.value
    if (topic := topic_of(_topic_lead(text))) is not None:  # “平台方面，…”: she named it, whatever the words
        return topic.value
    if asked:
        return asked
    topic = topic_of(text)
    return topic.value if topic is not None else Kind.OTHER.value


def without_label(text: str) -> str:
    """The fact without a leading “主动公开：” naming its subsection (a place stated: the place alone)."""
    if (place := place_stated(text)) is not None:
        return place
    for about in [*Topic, *Kind]:
        text = re.sub(rf"^\s*{about.value}[：:]\s*", "", text)
    if (labelled := _kind_lead(text)) is not None:
        text = text.strip()[labelled[1].end() :]
    return without_lead_in(text)


def without_lead_in(text: str) -> str:
    """The fact without the words that only announce it: “平台方面：”, “【平台建设】”, “关于监督保障，”,
    “今年主动公开这块我们主要做了三件事：” (what follows is what was done)."""
    text = _FILLER.sub("", text.strip())
    bracket = _BRACKET_LABEL.match(text)
    if bracket is not None and topic_of(bracket.group(1)) is not None:
        return text[bracket.end() :].strip()
    lead, colon, rest = text.partition("：") if "：" in text else text.partition(":")
    if colon and rest.strip() and len(lead) <= _LEAD_IN_CHARS and _announces(lead):
        return rest.strip()
    aspect = _ASPECT.match(text)
    if aspect is not None and topic_of(aspect.group(0)) is not None and text[aspect.end() :].strip():
        return text[aspect.end() :].strip()
    return text


def _announces(lead: str) -> bool:
    """Words before a colon that name a subsection or announce a list, and state nothing done themselves."""
    return (topic_of(lead) is not None or _ANNOUNCING.search(lead) is not None) and not find_numbers(
        _ANNOUNCED_COUNT.sub("", lead)
    )


def labelled_by_heading(work: list[WorkFact], outline: Outline | None) -> list[WorkFact]:
    """Her facts, one labelled with a heading of her own report (“政府信息公开质量得到新提升：开展案卷评查”) filed
    under that subsection, whatever its words."""
    if outline is None:
        return work
    relabelled = []
    for fact in work:
        label, colon, rest = fact.text.partition("：") if "：" in fact.text else fact.text.partition(":")
        named = next((s for s in outline.subsections if colon and rest.strip() and _names(label, s.heading)), None)
        if named is not None:
            fact = fact.model_copy(update={"about": named.topic.value, "section": named.heading, "text": rest.strip()})
        relabelled.append(fact)
    return relabelled


def _names(label: str, heading: str) -> bool:
    """A label naming a heading: the heading itself, or four characters or more of it."""
    label = without_item_mark(label).strip()
    return label == heading or (len(label) >= 4 and label in heading)
