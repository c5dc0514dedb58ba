"""The offline drafter: no LLM, no key, deterministic.

一 follows the subsections of the body's own last report (the five of the national format without
one): each gets its data paragraph written fresh from this year's tables and its work paragraph from
the facts the clerk gave; where she gave none, last year's sentences are kept with their years and
figures made about this year, every one marked 【沿用上年，请核实】. 五 takes up each of last year's
problems and asks what was done (never claiming it was), this year's problems and measures are the
clerk's (peers' typical ones offered, marked 【建议，待选用】). 六 always reports 信息处理费. From another
body's report only the structure is taken. Parts 二–四 are the tables, from the cells.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from pydantic import BaseModel, Field

from nianbao.claims.changes import cells_not_given
from nianbao.claims.numbers import find_numbers
from nianbao.claims.text import split_sentences
from nianbao.claims.ties import find_ties, format_value
from nianbao.drafting.copies import repeated_problems_marked
from nianbao.drafting.datapara import Style, data_paragraph, style_of
from nianbao.drafting.instructions import without_instructions
from nianbao.drafting.marks import (
    CARRIED,
    TO_FILL,
    carried,
    notes_to_writer_marked,
    stale_years_marked,
    with_lost_nian,
    without_marks,
)
from nianbao.drafting.model import Draft, DraftParagraph, DraftPart, SourceRef
from nianbao.drafting.outline import (
    DEFAULT_HEADINGS,
    TOPIC_ORDER,
    Outline,
    Subsection,
    Topic,
    block_text,
    blocks_of,
    default_outline,
    outline_of,
)
from nianbao.drafting.partfive import PartFive, five_instruction_notes, measures_year
from nianbao.drafting.rewrite import FigureRewriter, shift_years
from nianbao.drafting.sources import Grounding, ReportSource, agency_level, grounding
from nianbao.drafting.verify import Facts, active_cell_stated, mark_failing
from nianbao.drafting.worknotes import (
    Kind,
    WorkFact,
    labelled_by_heading,
    place_fact,
    place_said_by,
    stated_figures,
    work_paragraph,
)
from nianbao.model import Part, Report
from nianbao.problems import problems_listed
from nianbao.schema import PART_NUMERALS, PART_TITLES

logger = logging.getLogger(__name__)

FEE = "信息处理费"
_SUBJECTS = (
    "我县",
    "我市",
    "我区",
    "我省",
    "我局",
    "我委",
    "我办",
    "我厅",
    "我镇",
    "我乡",
    "本局",
    "本委",
    "本办",
    "本厅",
    "本机关",
)
_LEVEL_SUBJECT = {"省": "我省", "市": "我市", "县": "我县"}
_DEPARTMENT_SUBJECT = (
    ("局", "我局"),
    ("委员会", "我委"),
    ("委", "我委"),
    ("办公室", "我办"),
    ("办", "我办"),
    ("厅", "我厅"),
)


def draft_offline(
    agency: str,
    year: int,
    cells: Report,
    source: ReportSource | None = None,
    facts: Facts | None = None,
    work: list[WorkFact] | None = None,
    instruction: str = "",
) -> Draft:
    """A complete draft of ``agency``'s report for ``year`` from this year's cells, the clerk's facts and
    past reports (``instruction``: a regenerate request, followed where the built-in drafter can)."""
    work = list(work or [])
    place = place_fact(work)
    said = (place.text, place_said_by(place)) if place is not None else ("", "")
    found = grounding(source, agency, year, *said) if source is not None else Grounding()
    drafter = OfflineDrafter(agency, year, cells, found.report, found.own, dict(facts or {}), work, found)
    return drafter.draft(instruction)


class OfflineDrafter:
    """Drafts one report; ``base`` is the report it is grounded on (None: from the figures alone).

    From the body's own report: 一's subsections and the sentences not rewritten from this year's facts
    (marked as carried over). From another body's report: only the structure of its subsections.
    """

    def __init__(
        self,
        agency: str,
        year: int,
        cells: Report,
        base: Report | None,
        own: bool,
        facts: Facts,
        work: list[WorkFact] | None = None,
        grounded: Grounding | None = None,
    ) -> None:
        self.agency, self.year, self.base, self.own = agency, year, base, own
        self.grounded = grounded or Grounding(report=base, own=own)
        own_outline = outline_of(base.part_text("一")) if base is not None and own else None
        self.work = labelled_by_heading(list(work or []), own_outline)
        self.report = new_report(agency, year, cells)
        self.subject = subject_of(base if own else None, agency)
        self.facts = {**stated_figures(self.work, self.subject, year), **facts}
        moved = base.model_copy(update={"year": year}) if base is not None and own else None
        self.previous = base if moved is not None and base is not None and base.year == year - 1 else None
        self.rewriter = FigureRewriter(moved, self.report, self.facts, self.previous)
        self.carried = CarriedText(self, moved)
        self.notes: list[str] = []

    def draft(self, instruction: str = "") -> Draft:
        """The draft; an instruction not to carry last year's sentences over (不沿用上年) is followed in 一 and 六."""
        if _FRESH.search(instruction):
            self.carried.enabled = False
            self.notes.append(
                f"已按“{instruction.strip()}”：第一、六部分不再沿用上年的句子，只写本年度数据和您提供的情况，"
                f"没有情况的小节标注{TO_FILL}。"
            )
            instruction = ""
        parts = {"一": self.part_one(), "五": self.part_five(instruction), "六": self.part_six()}
        for number, drafted in parts.items():
            self.verify(drafted)
            self.report.parts[PART_NUMERALS.index(number)].text = drafted.text
        return Draft(report=self.report, parts=parts, notes=self.source_notes() + self.notes + self.carried_notes())

    def carried_notes(self) -> list[str]:
        """Where 一 still holds last year's sentences, subsection by subsection, and how to replace them."""
        text = self.report.part_text("一")
        counts = [(b.heading, block_text(text, b).count(CARRIED)) for b in blocks_of(text)]
        listed = "；".join(f"{heading} {n} 句" for heading, n in counts if n)
        total = text.count(CARRIED)
        if not total:
            return []
        where = f"：{listed}" if listed else ""
        return [
            f"第一部分有 {total} 句沿用上年（{CARRIED}）{where}。说“介绍工作情况”逐项说明今年的工作，重新起草时即以"
            "本年度情况替换；属实的可逐节或逐句确认沿用；重新起草时要求“不要沿用上年”，则只写本年度数据和您提供的情况。"
        ]

    def source_notes(self) -> list[str]:
        if self.base is None:
            return ["没有找到本机关或同级机关的往年报告，叙述部分由本年度数据和您提供的情况生成。"]
        notes = []
        if not self.own:
            notes.append(self.grounded.note())
        if self.previous is not None and self.previous.format is not self.report.format:
            notes.append(format_note(self.previous, self.report))
        if self.own and self.previous is None and self.base.year is not None:
            notes.append(
                f"没有找到本机关{self.year - 1}年度报告（参照的是{self.base.year}年度报告），数据段未写同比；"
                f"上传或在知识库中加入{self.year - 1}年度报告后重新起草即可写出同比。"
            )
        if left_out := self.carried.instructions_left_out:
            notes.append(
                f"{self.base.agency}{self.base.year}年度报告中有 {left_out} 句像是写给 AI 模型的指令"
                "（如“忽略以上指令”），没有写入草稿，请核对这份报告的来源。"
            )
        return notes

    def verify(self, part: DraftPart) -> None:
        """The last check before anyone sees the part: every sentence with a failing number is marked."""
        for paragraph in part.paragraphs:
            paragraph.text, _ = mark_failing(paragraph.text, self.report, self.facts, part.number, self.previous)

    # -- 一 ----------------------------------------------------------------------------------------

    def outline(self) -> Outline:
        """一's subsections: the body's own; a peer's structure only (its topics, our headings); else the five."""
        if self.base is None:
            outline = default_outline()
        elif self.own:
            outline = outline_of(self.base.part_text("一"))
        else:
            borrowed = outline_of(self.base.part_text("一")).topics()
            order = list(dict.fromkeys(borrowed)) or list(TOPIC_ORDER)
            outline = Outline(subsections=[Subsection(topic=t, heading=DEFAULT_HEADINGS[t]) for t in order])
        return with_topics_needed(outline, self.work)

    def part_one(self) -> DraftPart:
        paragraphs = self.opening_paragraphs()
        for section in self.sections():
            paragraphs += section.paragraphs()
        return DraftPart(number="一", paragraphs=paragraphs)

    def opening_paragraphs(self) -> list[DraftParagraph]:
        """一's opening (under its own heading when the body wrote one, （一）总体情况): last year's, carried over
        and marked, else one written for this year."""
        outline = self.outline()
        carried_text = self.carried.paragraphs(outline.opening)
        opening = [DraftParagraph(text=t, sources=self.refs("一")) for t in carried_text]
        titled = outline.titled_opening()
        heading = [DraftParagraph(text=self.carried.heading(titled))] if titled else []
        return heading + (opening or [DraftParagraph(text=self.opening())])

    def sections(self) -> list[Section]:
        """一's subsections, each with its heading, data paragraph, the clerk's facts and its work paragraphs
        (two subsections of one topic, 主动公开情况 and 政策解读: the figures go to the first, each fact to the
        one whose heading it speaks of)."""
        style = style_of(self.base if self.own else None)
        outline = self.outline()
        placed = facts_by_subsection(outline.subsections, self.work)
        found, stated = [], set()
        for index, subsection in enumerate(outline.subsections, outline.first_number()):
            data = "" if subsection.topic in stated else self.data_paragraph(subsection.topic, style)
            stated.add(subsection.topic)
            facts = placed[index - outline.first_number()]
            found.append(
                Section(
                    subsection=subsection,
                    heading=self.carried.heading(subsection.titled(index)),
                    data=data,
                    facts=facts,
                    work=self.work_paragraphs(subsection, bool(data), facts),
                )
            )
        return found

    def data_paragraph(self, topic: Topic, style: Style) -> str:
        return data_paragraph(topic, self.report, self.previous, style, self.subject)

    def work_paragraphs(
        self, subsection: Subsection, has_data: bool, facts: list[WorkFact] | None = None
    ) -> list[DraftParagraph]:
        """The clerk's facts (``facts``: those placed in this subsection, else all of its topic) in the report's
        register; else last year's sentences, marked as carried over."""
        topic = subsection.topic.value
        mine = [f for f in self.work if f.about == topic] if facts is None else facts
        written = work_paragraph(mine, topic, self.subject, self.year)
        if written:
            sources = dict.fromkeys(f.source for f in mine if f.chosen)
            return [DraftParagraph(text=written, sources=[SourceRef(source=s, own=True) for s in sources])]
        # The tables' figures are said once, in the data paragraphs: last year's sentences restating them are left
        # out in every subsection (“（五）监督保障。全年被申请行政复议3件……” said them a second time).
        carried_text = self.carried.paragraphs(subsection.paragraphs, without_restated_counts=True)
        kept = [DraftParagraph(text=t, sources=self.refs("一")) for t in carried_text]
        if kept:
            return kept
        if has_data and self.carried.enabled:
            return []
        return [
            DraftParagraph(
                text=f"本年度{DEFAULT_HEADINGS[subsection.topic].removesuffix('情况')}方面的重点工作{TO_FILL}。"
            )
        ]

    def opening(self) -> str:
        return (
            f"{self.year}年，{self.subject}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
            "不公开为例外，扎实推进主动公开、依申请公开、政府信息管理、平台建设和监督保障等各项工作。"
        )

    # -- 五 ----------------------------------------------------------------------------------------

    def part_five(self, instruction: str = "") -> DraftPart:
        """五: last year's problems answered, then this year's problems and measures (one of last year's problems
        named again as this year's is marked 【沿用上年，请核实】: she says whether it really persists)."""
        last = self.problems_last_year()
        five = PartFive(self.work, last, self.subject, self.year)
        problems = repeated_problems_marked(five.problems(), last)
        measures = repeated_problems_marked(five.measures(measures_year(instruction, self.year)), last)
        paragraphs = [
            DraftParagraph(text="（一）上年度问题整改情况"),
            *(DraftParagraph(text=t, sources=self.fact_refs(Kind.RECTIFICATION)) for t in five.rectifications()),
            DraftParagraph(text="（二）存在的主要问题及改进措施"),
            DraftParagraph(text=problems, sources=self.fact_refs(Kind.PROBLEM)),
            DraftParagraph(text=measures, sources=self.fact_refs(Kind.MEASURE)),
        ]
        self.notes += five_instruction_notes(instruction)
        return DraftPart(number="五", paragraphs=paragraphs)

    def problems_last_year(self) -> list[str]:
        return last_year_problems(self.base) if self.base is not None and self.own else []

    def five(self) -> PartFive:
        """五's paragraphs from the clerk's facts and last year's problems."""
        return PartFive(self.work, self.problems_last_year(), self.subject, self.year)

    def fixes_text(self) -> str:
        """上年度问题整改情况 in one paragraph."""
        return "".join(self.five().rectifications())

    # -- 六 ----------------------------------------------------------------------------------------

    def part_six(self) -> DraftPart:
        paragraphs = [DraftParagraph(text=self.fee_text())]
        other = work_paragraph(self.work, Kind.OTHER.value, self.subject, self.year)
        if _NOTHING_ELSE.match(other):
            other = "无其他需要报告的事项。"  # as reports say it, not “2022年，我县没有其他需要报告的事项”
        if other:
            paragraphs.append(DraftParagraph(text=other, sources=self.fact_refs(Kind.OTHER)))
        elif self.base is not None and self.own:
            kept = [p for p in self.base_six() if p]
            paragraphs += [DraftParagraph(text=t, sources=self.refs("六")) for t in self.carried.paragraphs(kept)]
        return DraftPart(number="六", paragraphs=[p for p in paragraphs if p.text.strip()])

    def base_six(self) -> list[str]:
        """Last year's 六 without its 信息处理费 sentences (this year's fee is written fresh) and its signature."""
        assert self.base is not None
        kept = []
        for paragraph in self.base.part_text("六").split("\n"):
            sentences = [s for s in split_sentences(paragraph) if FEE not in s and not _is_signature(s)]
            kept.append("".join(sentences).strip())
        return kept

    def fee_text(self) -> str:
        """The 信息处理费 sentence: the clerk's figure when given, otherwise the figure is to be filled in."""
        fee = fee_fact(self.facts)
        lead = f"{self.year}年，{self.subject}严格落实《政府信息公开信息处理费管理办法》"
        if fee is None:
            return f"{lead}，收取信息处理费的情况{TO_FILL}。"
        if fee == 0:
            return f"{lead}，未收取信息处理费。"
        return f"{lead}，共收取信息处理费{format_value(fee)}元。"

    # -- sources -----------------------------------------------------------------------------------

    def refs(self, number: str) -> list[SourceRef]:
        if self.base is None or not self.own:
            return []
        return [
            SourceRef(
                source=self.base.source or f"{self.base.agency}{self.base.year}",
                agency=self.base.agency,
                year=self.base.year,
                part=number,
                own=self.own,
            )
        ]

    def fact_refs(self, about: str) -> list[SourceRef]:
        sources = dict.fromkeys(f.source for f in self.work if f.about == about and f.chosen)
        return [SourceRef(source=s, own=True) for s in sources]


class Section(BaseModel):
    """One subsection of 一 as drafted: heading, data paragraph ('' when the tables say nothing of its topic),
    the clerk's facts about it and its work paragraphs (written from them, else carried over, else 【待补充】)."""

    subsection: Subsection
    heading: str
    data: str = ""
    facts: list[WorkFact] = Field(default_factory=list)
    work: list[DraftParagraph] = Field(default_factory=list)

    def paragraphs(self, work: list[DraftParagraph] | None = None) -> list[DraftParagraph]:
        """The section's paragraphs, with ``work`` in place of its own work paragraphs when given: its heading
        on a line of its own, or opening its first paragraph as the body writes it (一是强化主动公开。全年……),
        or none for a body that writes no headings."""
        body = [DraftParagraph(text=self.data)] if self.data else []
        body += self.work if work is None else work
        if not self.heading:
            return body
        if self.subsection.inline and body:
            first = body[0]
            return [first.model_copy(update={"text": self.heading + first.text}), *body[1:]]
        return [DraftParagraph(text=self.heading), *body]


class CarriedText:
    """Last year's sentences made about this year, every one of them marked as carried over."""

    def __init__(self, drafter: OfflineDrafter, moved: Report | None) -> None:
        self.drafter, self.moved = drafter, moved
        self.instructions_left_out = 0
        self.enabled = True  # False: nothing of last year is carried over (she asked for 不沿用上年)

    def heading(self, heading: str) -> str:
        base = self.drafter.base
        if base is None or base.year is None or not self.drafter.own:
            return heading
        return stale_years_marked(shift_years(heading, base.year, self.drafter.year), self.drafter.year)

    def paragraphs(self, paragraphs: list[str], without_restated_counts: bool = False) -> list[str]:
        """Last year's paragraphs, carried; ``without_restated_counts``: leave out the sentences quoting
        依申请公开, 复议诉讼 or 主动公开 document counts (the subsection's data paragraph states them fresh)."""
        return [t for t in (self.paragraph(p, without_restated_counts) for p in paragraphs) if t.strip()]

    def paragraph(self, text: str, without_restated_counts: bool = False) -> str:
        base, year = self.drafter.base, self.drafter.year
        if base is None or base.year is None or not self.enabled:
            return ""
        text, left_out = without_instructions(text)
        self.instructions_left_out += left_out
        text = with_lost_nian(shift_years(with_lost_nian(text), base.year, year))
        done: list[str] = []
        read = ""  # the paragraph so far, its sentences left out too: what a sentence's figures are read after
        for sentence in whole_sentences(text):
            rewritten = self.drafter.rewriter.sentence(sentence, read)
            restated = without_restated_counts and self.states_this_years_figures(rewritten, read)
            read += rewritten
            if rewritten.strip() and not restated:
                done.append(carried(stale_years_marked(notes_to_writer_marked(rewritten), year)))
        return "".join(done)

    def states_this_years_figures(self, sentence: str, before: str) -> bool:
        """A sentence quoting 依申请公开 or 复议诉讼 counts or 主动公开 documents, or only 主动公开 figures (全年作出
        行政许可决定1520件，行政处罚决定326件): the data paragraphs say them fresh."""
        report = self.drafter.report
        if any(t.count is not None for t in find_ties(sentence, report, before)):
            return True
        numbers = find_numbers(sentence)
        return bool(numbers) and all(active_cell_stated(n, sentence, report, before) for n in numbers)


def format_note(previous: Report, report: Report) -> str:
    """Last year's report in another format (2019): which of this year's cells it cannot give."""
    missing = cells_not_given(previous, report)
    rows = list(dict.fromkeys(f"{table.value}“{row}”" for table, row, _ in missing))
    shown = "、".join(rows[:10]) + ("等" if len(rows) > 10 else "")
    return (
        f"上年度报告为{previous.format.value}年格式，无法给出本年格式中的 {len(missing)} 个单元格（{shown}）："
        "这些项目不作同比；两种格式共有的项目（依申请公开的新收，主动公开的行政许可、处罚、强制决定数）照常计算同比。"
    )


def whole_sentences(text: str) -> list[str]:
    """The paragraph's sentences, an ASCII ?/! inside a sentence (a URL's query, “?xss”) not taken for its end:
    a mark is never put inside what a sentence quotes."""
    pieces: list[str] = []
    for piece in split_sentences(text):
        if pieces and pieces[-1].endswith(("?", "!")) and not piece[:1].isspace():
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def with_topics_needed(outline: Outline, work: list[WorkFact]) -> Outline:
    """The outline with a subsection for 主动公开 and 依申请公开 (the tables' figures go there) and for
    every topic the clerk gave facts about, numbered as the others."""
    needed = [Topic.ACTIVE, Topic.REQUESTS, *(Topic(f.about) for f in work if f.about in _TOPICS)]
    first = outline.subsections[0] if outline.subsections else Subsection(topic=Topic.ACTIVE, heading="")
    for topic in dict.fromkeys(needed):
        if outline.of(topic) is None:
            heading = DEFAULT_HEADINGS[topic]
            outline.subsections.append(
                first.model_copy(update={"topic": topic, "heading": heading, "inline": False, "paragraphs": []})
            )
    return outline


def facts_by_subsection(subsections: list[Subsection], work: list[WorkFact]) -> list[list[WorkFact]]:
    """The clerk's facts of each subsection: a fact goes to its topic's subsection, and where the body has two of
    one topic (监督保障 and 教育培训), to the one she was asked about, else the one whose heading its words share
    most (培训 → 教育培训)."""
    placed: list[list[WorkFact]] = [[] for _ in subsections]
    for fact in (f for f in work if f.chosen):
        candidates = [i for i, s in enumerate(subsections) if s.topic.value == fact.about]
        asked_for = [i for i in candidates if subsections[i].heading == fact.section]
        if asked_for:
            placed[asked_for[0]].append(fact)
        elif candidates:
            best = max(candidates, key=lambda i: (_shared_words(subsections[i].heading, fact.text), -i))
            placed[best].append(fact)
    return placed


def _shared_words(heading: str, text: str) -> int:
    """How many two-character words of a heading (its generic words aside) a fact's text has."""
    words = {heading[i : i + 2] for i in range(len(heading) - 1)} - _GENERIC_WORDS
    return sum(1 for word in words if word in text)


_GENERIC_WORDS = frozenset({"情况", "方面", "工作", "建设", "政务", "务公", "公开", "政府", "府信", "信息"})


_TOPICS = frozenset(t.value for t in Topic)
_NOTHING_ELSE = re.compile(r"^[^。；]*(?:没有|无)(?:其他|别的)(?:需要)?(?:报告|说明)的?(?:事项|情况)。$")
# “不要沿用上年”, “删掉沿用的句子”, “不要照搬去年的”, “只写本年度的”: nothing of last year in 一 and 六.
_FRESH = re.compile(
    r"不(?:要|再|用)?沿用|去掉沿用|删[去除掉]沿用|不(?:要|用)(?:照搬|套用)?(?:上年|去年)|只(?:写|保留|用)本年"
)
_SIGNATURE = re.compile(
    r"^\s*(?:\S{2,30}(?:人民政府|局|委员会|办公室|厅)\s*)?(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)?\s*$"
)


def _is_signature(sentence: str) -> bool:
    return bool(sentence.strip()) and _SIGNATURE.match(sentence.strip()) is not None


def new_report(agency: str, year: int, cells: Report) -> Report:
    """The draft's report: title, preamble, six parts with official headings, a copy of the cells."""
    parts = [Part(number=n, heading=f"{n}、{PART_TITLES[n]}") for n in PART_NUMERALS]
    return Report(
        agency=agency,
        year=year,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        format=cells.format,
        preamble=preamble(agency, year),
        parts=parts,
        cells=[cell.model_copy() for cell in cells.cells],
        source="draft",
    )


def preamble(agency: str, year: int) -> str:
    return (
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（国办公开办函〔2021〕30号）规定编制。本报告所列数据统计期限自{year}年1月1日至"
        f"{year}年12月31日。现将{agency}{year}年政府信息公开工作年度报告向社会公布。"
    )


def subject_of(base: Report | None, agency: str) -> str:
    """How the body refers to itself (我县, 我局, 本机关): as its own past report did, or by its name.

    ``base`` must be the body's own report: another body's 我厅 is not a county 局's word for itself.
    """
    department = next((word for suffix, word in _DEPARTMENT_SUBJECT if agency.endswith(suffix)), None)
    if department:
        return department
    own = _own_place_word(agency)
    if base is not None:
        text = "\n".join(base.part_text(n) for n in ("一", "五", "六"))
        counts = {s: text.count(s) for s in _SUBJECTS}
        best = max(counts, key=lambda s: counts[s])
        # A 区's report copied from a county's says 我县: the body's own place decides, not the copy.
        fits = own is None or best not in _PLACE_SUBJECTS.values() or best == own
        if counts[best] and agency_level(base.agency) == agency_level(agency) and fits:
            return best
    return own or _LEVEL_SUBJECT.get(agency_level(agency), "本机关")


_PLACE_SUBJECTS = {"县": "我县", "区": "我区", "市": "我市", "省": "我省", "旗": "我旗", "州": "我州"}


def _own_place_word(agency: str) -> str | None:
    """How a government calls its place (我区 for 淮安市洪泽区人民政府), None for a body that is no government."""
    name = agency.replace(" ", "").removesuffix("人民政府")
    return _PLACE_SUBJECTS.get(name[-1:]) if agency.replace(" ", "").endswith("人民政府") else None


def last_year_problems(base: Report) -> list[str]:
    """The problems last year's 五 listed (一是…、二是…), as the review reads them, each cut to 30 characters."""
    return [without_marks(p)[:30] for p in problems_listed(without_marks(base.part_text("五")))]


def fee_fact(facts: Facts) -> Decimal | None:
    """The 信息处理费 the user gave (in 元), if any."""
    for name, value in facts.items():
        if FEE in name:
            try:
                return Decimal(str(value))
            except ArithmeticError:
                logger.warning("信息处理费不是数字：%s", value)
    return None


def is_subheading(line: str) -> bool:
    """A sub-heading of a part (（一）上年度问题整改情况, 存在的主要问题及改进措施): short, no sentence punctuation."""
    return 0 < len(line) <= 30 and not re.search(r"[。；;，,]", line)
