"""The drafting interview: the assistant asks for this year's work, subsection by subsection, and keeps the facts.

One question at a time (“今年主动公开方面做了哪些重点工作？”), in the order of the draft: the subsections
of 一 (the body's own, else the five of the format), what was done about each of last year's problems,
this year's problems, next year's measures, and 六's other items. An answer becomes one fact per item
she wrote (“一是…；二是…”, one a line), each kept with its source; “跳过” moves on; “主动公开：…”
files a fact under its subsection whatever was asked. Facts proposed from an uploaded 工作总结 wait for
“采用1、3” or “全部采用”. The state is a pydantic model saved with the draft.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from nianbao.claims.text import split_sentences
from nianbao.drafting.outline import TOPIC_ORDER, Outline, Subsection, Topic, outline_of, topic_of
from nianbao.drafting.partfive import TYPICAL_PROBLEMS, similar
from nianbao.drafting.sources import ReportSource, grounding_report
from nianbao.drafting.worknotes import (
    CHAT,
    Kind,
    WorkFact,
    classify,
    items_of,
    labelled_by_heading,
    place_stated,
    without_item_mark,
    without_label,
)
from nianbao.kb.provinces import full_name, province_of_place
from nianbao.numerals import normalize_digits
from nianbao.problems import problems_listed

QUESTIONS = {
    Topic.ACTIVE.value: "今年主动公开方面做了哪些重点工作？（如政策解读、新闻发布会、重点领域信息公开）",
    Topic.REQUESTS.value: "今年依申请公开方面做了哪些工作？（如办理流程、答复规范、与申请人沟通）",
    Topic.MANAGEMENT.value: "今年政府信息管理方面做了哪些工作？（如保密审查、公开属性认定、信息清理）",
    Topic.PLATFORMS.value: "今年政府信息公开平台建设方面做了哪些工作？（如网站、政务新媒体、公报）",
    Topic.OVERSIGHT.value: "今年监督保障方面做了哪些工作？（如培训、考核、督查）",
    Kind.PROBLEM.value: "今年的工作还存在哪些主要问题？（可回复“采用1、2”选用下面的常见问题）",
    Kind.MEASURE.value: "下一步有哪些改进措施？",
    Kind.OTHER.value: (
        "第六部分还有哪些需要报告的事项？（如落实上级政务公开工作要点、人大代表建议和政协提案办理公开、考核评估结果）"
    ),
}
UNDO = re.compile(r"^\s*(?:不对|错了|撤销|删掉(?:上一条|刚才的?)|重新回答)\s*[。！!，,]?\s*$")
SKIP = re.compile(r"^\s*(?:跳过|没有了?|无|暂无|下一个|下一题|略)\s*[。！!]?\s*$")
ADOPT = re.compile(r"^\s*(?:全部采用|都采用|全部选用|采用|选用)\s*(?P<numbers>[\d０-９、,，\s和及]*)\s*$")
ASK_AGAIN = re.compile(r"工作情况|开始提问|问我|访谈|重点工作")
_WORK_VERB = re.compile(
    r"开展|召开|举办|组织|印发|出台|制定|上线|建成|建立|完成|推进|落实|培训|发布|公开|解读|开设|优化|修订|清理|督查|考核"
)
_DOCUMENT_ITEMS_PER_TOPIC = 4
PEERS = "常见问题（供选用）"
_TOPICS = frozenset(t.value for t in Topic)


class Question(BaseModel):
    """One question of the interview: what its answer is about (for 整改, which problem; for a second subsection
    of one topic, its heading: 政策解读 beside 主动公开情况)."""

    about: str
    problem: int | None = None
    section: str | None = None
    text: str


class Interview(BaseModel):
    """The interview's state, kept with the draft."""

    facts: list[WorkFact] = Field(default_factory=list)
    asked: Question | None = None
    answered: list[str] = Field(default_factory=list)  # keys of questions answered or skipped
    offered: list[WorkFact] = Field(default_factory=list)  # proposals awaiting 采用
    last_added: int = 0  # how many facts the last answer added (“不对” takes them back)
    last_asked: Question | None = None  # the question that answer answered

    def chosen_facts(self) -> list[WorkFact]:
        return [f for f in self.facts if f.chosen]


class Plan(BaseModel):
    """What the interview asks about for one draft: its questions, the problems to offer, and the outline of
    the body's own last report (an answer labelled with one of its headings is filed there)."""

    questions: list[Question]
    suggestions: list[str] = Field(default_factory=list)
    outline: Outline | None = None


def question_key(question: Question) -> str:
    if question.section is not None:
        return f"{question.about}:{question.section}"
    return f"{question.about}:{question.problem}" if question.problem is not None else question.about


def questions(
    topics: list[Topic], problems_last_year: list[str], subsections: list[Subsection] | None = None
) -> list[Question]:
    """Every question, in the order of the draft (a second subsection of one topic, 政策解读 or 教育培训, asked
    for by its own heading)."""
    found = [Question(about=t.value, text=QUESTIONS[t.value]) for t in dict.fromkeys([*topics, *TOPIC_ORDER])]
    for subsection in _second_of_their_topic(subsections or []):
        after = max(i for i, q in enumerate(found) if q.about == subsection.topic.value)
        heading = subsection.heading
        question = Question(about=subsection.topic.value, section=heading, text=f"今年“{heading}”方面做了哪些工作？")
        found.insert(after + 1, question)
    found += [
        Question(about=Kind.RECTIFICATION.value, problem=i, text=f"上年度报告指出“{p}”的问题，今年是怎样整改的？")
        for i, p in enumerate(problems_last_year)
    ]
    found += [Question(about=k.value, text=QUESTIONS[k.value]) for k in (Kind.PROBLEM, Kind.MEASURE, Kind.OTHER)]
    return found


def _second_of_their_topic(subsections: list[Subsection]) -> list[Subsection]:
    seen: set[Topic] = set()
    found = []
    for subsection in subsections:
        if subsection.topic in seen:
            found.append(subsection)
        seen.add(subsection.topic)
    return found


def next_question(interview: Interview, all_questions: list[Question]) -> Question | None:
    return next((q for q in all_questions if question_key(q) not in interview.answered), None)


def ask(interview: Interview, plan: Plan) -> str:
    """The next question (set as asked), or '' when every one has been answered; for this year's problems,
    peers' typical ones are offered to pick from."""
    question = next_question(interview, plan.questions)
    interview.asked = question
    if question is None:
        return ""
    if question.about == Kind.PROBLEM.value and plan.suggestions:
        interview.offered = [
            WorkFact(about=Kind.PROBLEM.value, text=text, source=PEERS, chosen=False) for text in plan.suggestions
        ]
        return question.text + "\n" + numbered(interview.offered)
    given = [
        f.text
        for f in interview.facts
        if f.about == question.about and f.section == question.section and question.problem is None
    ]
    if given and question.about in _TOPICS:  # she spoke of it while answering another question
        listed = "；".join(given[:3]) + ("等" if len(given) > 3 else "")
        return f"{question.about}方面已记下 {len(given)} 条（{listed}），还有要补充的吗？（没有请回复“跳过”）"
    return question.text


def numbered(facts: list[WorkFact]) -> str:
    return "\n".join(f"{i}. {f.text}" for i, f in enumerate(facts, 1))


def is_labelled(message: str) -> bool:
    """A message that names its subsection (“主动公开：…”) is a fact whatever was asked."""
    return classify(message) != Kind.OTHER.value and re.match(r"\s*[\u4e00-\u9fa5]{2,6}[：:]", message) is not None


def answer(interview: Interview, message: str, plan: Plan) -> str:
    """Take the clerk's answer to the question asked (or an adoption, or a skip); the reply and the next question."""
    asked = interview.asked
    answers_it = True
    before = len(interview.facts)
    if UNDO.match(message):
        return take_back(interview)
    if (place := place_stated(message)) is not None:
        return placed(interview, place, plan)
    if (adopted := ADOPT.match(normalize_digits(message))) is not None and interview.offered:
        answers_it = asked is not None and all(f.about == asked.about for f in interview.offered)
        reply = adopt(interview, adopted.group("numbers"), message.strip().startswith(("全部", "都")))
    elif SKIP.match(message):
        reply = "好的，这一项先跳过。"
    else:
        recorded = record(interview, message, plan=plan)
        reply = "已记下：\n" + "\n".join(f"- {f.about}：{f.text}" for f in recorded)
        # Everything she wrote was about other subsections: the question asked is still open, asked again.
        answers_it = asked is None or not recorded or any(f.about == asked.about for f in recorded)
        if not answers_it and asked is not None:
            reply += f"\n\n{asked.about}方面还没有记下内容。"
    if asked is not None and answers_it:
        interview.answered.append(question_key(asked))
    interview.last_added, interview.last_asked = len(interview.facts) - before, asked if answers_it else None
    follow = ask(interview, plan)
    ending = follow or "各部分的情况都已记下。说“起草总体情况”即可按这些情况重新起草第一、五、六部分。"
    return f"{reply}\n\n{ending}"


def placed(interview: Interview, place: str, plan: Plan) -> str:
    """Where the body is, kept with its facts (it decides whose structure is borrowed); the question asked
    stays asked."""
    interview.facts = [f for f in interview.facts if f.about != Kind.PLACE.value]  # a place said again replaces it
    interview.facts.append(WorkFact(about=Kind.PLACE.value, text=place))
    interview.last_added, interview.last_asked = 1, None
    province = province_of_place(place)
    understood = f"（{full_name(province)}）" if province is not None and full_name(province) not in place else ""
    if province is None:
        understood = "（未能从中确定所在省份，请写明省份，如“我们是江苏省宿迁市沭阳县的”）"
    reply = f"已记下所在地：{place}{understood}。没有本机关往年报告时，优先参照同省、同级机关报告的结构。"
    follow = interview.asked.text if interview.asked is not None else ask(interview, plan)
    return f"{reply}\n\n{follow}" if follow else reply


def take_back(interview: Interview) -> str:
    """“不对”: the facts the last answer added are removed and its question is asked again."""
    taken = interview.facts[len(interview.facts) - interview.last_added :] if interview.last_added else []
    del interview.facts[len(interview.facts) - len(taken) :]
    question = interview.last_asked
    if question is not None and question_key(question) in interview.answered:
        interview.answered.remove(question_key(question))
        interview.asked = question
    interview.last_added, interview.last_asked = 0, None
    removed = "已删去：\n" + "\n".join(f"- {f.about}：{f.text}" for f in taken) if taken else "上一条没有记下内容。"
    return f"{removed}\n\n请重新回答：{question.text}" if question is not None else removed


def record(interview: Interview, message: str, source: str = CHAT, plan: Plan | None = None) -> list[WorkFact]:
    """One fact per item of the message, filed under its label, else the question asked, else its words."""
    asked = interview.asked
    recorded = []
    for item in items_of(message):
        own_words = is_labelled(item) or (_names_a_topic(item) and (asked is None or asked.about in _TOPICS))
        about = classify(item, None if own_words else (asked.about if asked else None))
        problem = asked.problem if asked is not None and about == asked.about else None
        section = asked.section if asked is not None and about == asked.about else None
        fact = WorkFact(about=about, text=without_label(item), source=source, problem=problem, section=section)
        fact = labelled_by_heading([fact], plan.outline if plan is not None else None)[0]
        interview.facts.append(fact)
        recorded.append(fact)
    return recorded


def _names_a_topic(item: str) -> bool:
    """An item whose own words name a subsection of 一 goes there, whatever was asked."""
    return topic_of(item) is not None


def adopt(interview: Interview, numbers: str, every: bool) -> str:
    """Move the offered facts she picked (by number, or all) to her facts."""
    picked = [int(n) for n in re.findall(r"\d+", numbers)]
    chosen = [f for i, f in enumerate(interview.offered, 1) if every or i in picked]
    for fact in chosen:
        interview.facts.append(fact.model_copy(update={"chosen": True}))
    interview.offered = []
    if not chosen:
        return "没有找到这些编号，未采用任何一条。"
    return "已采用：\n" + "\n".join(f"- {f.about}：{f.text}" for f in chosen)


def propose_from_document(interview: Interview, text: str, source: str) -> str:
    """Facts proposed from an uploaded 工作总结 / 工作要点: sentences saying what was done, by subsection."""
    proposed: list[WorkFact] = []
    per_topic: dict[str, int] = {}
    for line in text.split("\n"):
        for sentence in split_sentences(line):
            sentence = without_item_mark(sentence).rstrip("。；;")
            topic = topic_of(sentence)
            if topic is None or not (12 <= len(sentence) <= 120) or not _WORK_VERB.search(sentence):
                continue
            if per_topic.get(topic.value, 0) < _DOCUMENT_ITEMS_PER_TOPIC:
                per_topic[topic.value] = per_topic.get(topic.value, 0) + 1
                proposed.append(WorkFact(about=topic.value, text=sentence, source=source, chosen=False))
    interview.offered = proposed
    if not proposed:
        return f"没有在“{source}”中找到可用的工作情况（需要写明做了什么工作的句子）。"
    listed = "\n".join(f"{i}. （{f.about}）{f.text}" for i, f in enumerate(proposed, 1))
    return f"从“{source}”中找到以下 {len(proposed)} 条工作情况：\n{listed}\n\n回复“全部采用”或“采用1、3”选用。"


def plan_for(source: ReportSource | None, agency: str, year: int, place: str = "") -> Plan:
    """The questions for a body's draft: its own last report's subsections and problems (a peer's subsections);
    ``place``: where the clerk said the body is."""
    base, own = grounding_report(source, agency, year, place) if source is not None else (None, False)
    outline = outline_of(base.part_text("一")) if base is not None else None
    topics = outline.topics() if outline is not None else list(TOPIC_ORDER)
    subsections = outline.subsections if outline is not None and own else []
    problems = [p[:30] for p in problems_listed(base.part_text("五"))] if base is not None and own else []
    suggestions = [p for p in TYPICAL_PROBLEMS if not any(similar(p, old) for old in problems)]
    own_outline = outline if own else None
    return Plan(questions=questions(topics, problems, subsections), suggestions=suggestions, outline=own_outline)


def document_text(data: bytes, name: str, max_bytes: int | None = None) -> str:
    """The text of an uploaded 工作总结 or 工作要点 (DOCX, TXT or PDF), line by line, within ``max_bytes``
    (NIANBAO_MAX_FILE_MB's default when not given)."""
    from nianbao.readers import DEFAULT_LIMITS, check_size, read_document

    check_size(len(data), DEFAULT_LIMITS.max_bytes if max_bytes is None else max_bytes)
    return read_document(data, name).text


def reply_to(interview: Interview, message: str, plan: Plan) -> str | None:
    """The interview's reply to a chat message: an answer to the question asked, a fact naming its subsection
    (“主动公开：…”), a pick of offered facts, or a request to be asked (“介绍工作情况”); None for anything else."""
    asked_for = ASK_AGAIN.search(message) is not None
    adopting = bool(interview.offered) and ADOPT.match(normalize_digits(message)) is not None
    labelled = is_labelled(message) or place_stated(message) is not None
    undoing = UNDO.match(message) is not None and (interview.last_added > 0 or interview.last_asked is not None)
    if interview.asked is None and not (asked_for or adopting or labelled or undoing):
        return None
    if interview.asked is None and asked_for and not labelled:
        return ask(interview, plan) or "各部分的情况都已记下。"
    return answer(interview, message, plan)


def facts_from_notes(text: str, source: str) -> list[WorkFact]:
    """The clerk's notes on this year's work given all at once (a file for ``nianbao draft --work``): one fact
    per item, filed under its label (“主动公开：…”) or by its words (其他 when they name no subsection)."""
    return [WorkFact(about=classify(item), text=without_label(item), source=source) for item in items_of(text)]


def read_notes(data: bytes, name: str, max_bytes: int | None = None) -> list[WorkFact]:
    """Work notes from a file: plain text as written, or a 工作总结 (DOCX/PDF) read for what was done."""
    text = document_text(data, name, max_bytes)
    if name.lower().endswith((".docx", ".pdf")):
        state = Interview()
        propose_from_document(state, text, name)
        return [fact.model_copy(update={"chosen": True}) for fact in state.offered]
    return facts_from_notes(text, name)
