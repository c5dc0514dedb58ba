"""Drafting parts 一, 五 and 六 with an LLM, every number rechecked before anyone sees it.

The model is any LangChain chat model (``agents.llm`` builds the configured one). Each part is
streamed sentence by sentence: a sentence is shown only once its numbers have been checked
against this year's cells and the user's facts (a failing one is shown marked 【待核实】); a
year-on-year change (同比增长 8.1%, 较上年增加 18 件) is checked against last year's cells when the
draft is based on the body's own report of the year before, and stays unverified otherwise. When
a check fails, the findings go back to the model for a corrected part (at most two rounds);
what still fails is marked, never silently kept. A reply cut by the length limit is continued,
and reported if it still does not finish. Without a working model the offline draft stands.

Part 一 is never drafted from last year's text, nor rewritten from its current text: each subsection keeps
the built-in drafter's heading and data paragraph (from the tables, never the model's); only a subsection
the clerk gave facts for goes to the model, which writes its work paragraph from those facts (in a rewrite,
also from her own unmarked sentences), last year's subsection a short style example. The others keep their
paragraphs (last year's sentences marked 【沿用上年，请核实】). What goes back to the model for a fix names
figures in a report's words, never the tables' row labels, and a label that comes back anyway is taken out.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from agents.llm import (
    Deadline,
    LLMError,
    ReplyLimits,
    ReplyTooLong,
    RetryPolicy,
    StreamCut,
    describe_error,
    local_url,
    prompt_variant,
    reports_finish,
    retried,
)
from agents.prompting import render, without_prompt_labels
from agents.reask import ask_until_valid
from nianbao.claims.text import complete_sentences
from nianbao.drafting.copies import copies_marked, her_sentences, repeated_problems_marked, without_echoes
from nianbao.drafting.feedback import findings_for_model, table_labels_marked
from nianbao.drafting.instructions import without_instructions
from nianbao.drafting.marks import without_marks
from nianbao.drafting.model import UNVERIFIED, Draft, DraftParagraph, DraftPart, SourceRef
from nianbao.drafting.offline import (
    FEE,
    OfflineDrafter,
    Section,
    draft_offline,
    fee_fact,
    is_subheading,
    last_year_problems,
    subject_of,
)
from nianbao.drafting.prose import as_prose
from nianbao.drafting.sources import Hit, ReportSource, grounding_report, same_agency
from nianbao.drafting.summary import active_sentence, appeals_sentence, applicants_sentence, requests_sentence
from nianbao.drafting.verify import (
    Facts,
    NumberCheck,
    PartContext,
    check_part,
    check_sentence,
    mark_clauses,
    mark_failing,
    mark_sentence,
)
from nianbao.drafting.worknotes import WorkFact, stated_place
from nianbao.model import Report
from nianbao.schema import PART_NUMERALS, PART_TITLES
from nianbao.similarity import containment

logger = logging.getLogger(__name__)

MAX_FIX_ROUNDS = 2
MAX_CONTINUATIONS = 2
MATERIAL_CHARS = 2500
EXAMPLE_CHARS = 300  # last year's subsection as a style example: enough for its register, short for a local model
SOURCE_SHINGLE = 4
# 五 and 六 report this year's problems and matters: last year's part is given only as a short style example.
STYLE_ONLY = ("五", "六")
STYLE_ONLY_LABEL = "写法示例，只学习语气和句式；其中的问题、措施、事项、数字和年份一律不要照搬"
SOURCE_SHARE = 0.15
DATA_SHARE = 0.6  # a paragraph mostly in the words of the data paragraph is the data paragraph (of older figures)


@dataclass
class DraftChunk:
    """A piece of streamed text; ``reset``: drop what was shown of this part, a corrected text follows."""

    text: str
    reset: bool = False


@dataclass
class PartStream:
    """Iterate for the streamed, checked text of one part; afterwards ``part`` holds the result."""

    drafter: LLMDrafter
    draft: Draft
    number: str
    facts: Facts
    messages: list[BaseMessage]
    materials: list[tuple[SourceRef, str]]
    required: OfflineDrafter | None = None
    previous: Report | None = None  # the body's own report of the year before: 同比 figures are checked against it
    part: DraftPart | None = None
    checks: list[NumberCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rounds: int = 0
    cut: bool = False  # the reply was still cut by the length limit after the continuations
    deadline: Deadline | None = None  # the part's and the draft's time limits, the sooner
    data_sent: str = ""  # 五, 六: the figures and her facts as the request gave them (an echo of them is no prose)

    def __iter__(self) -> Iterator[DraftChunk]:
        try:
            yield from self._run()
        except LLMError:
            raise
        except Exception as e:  # the SDK's and the transport's errors, as one Chinese message
            raise describe_error(e, local=self.drafter.local) from e

    def _run(self) -> Generator[DraftChunk, None, None]:
        report = self.draft.report
        text = yield from self._reply_with_fixes()
        text = self._copies_marked(text)
        final, self.checks = mark_failing(self._with_required(text), report, self.facts, self.number, self.previous)
        if self.cut:  # the unfinished end is marked, not passed off as finished text
            final = "\n".join([*final.split("\n")[:-1], mark_sentence(final.split("\n")[-1])])
        yield DraftChunk(final, reset=True)
        paragraphs = [DraftParagraph(text=p, sources=self._sources_of(p)) for p in final.split("\n") if p.strip()]
        self.part = DraftPart(number=self.number, paragraphs=paragraphs)

    def _reply_with_fixes(self) -> Generator[DraftChunk, None, str]:
        """The model's reply to ``messages``, re-asked while its figures fail (at most ``max_fix_rounds`` times);
        a re-ask that fails keeps the reply before it."""
        context = PartContext(self.draft.report, self.facts, self.previous)
        outcome = yield from ask_until_valid(
            self.messages,
            self._answer,
            lambda text: check_part(self.number, text, context),
            self._again,
            self.drafter.max_fix_rounds,
        )
        if outcome.failed_retry is not None:
            self._keep_previous(outcome.reply, outcome.failed_retry)
            yield DraftChunk(outcome.reply)
        text, labels = table_labels_marked(without_echoes(without_prompt_labels(str(outcome.reply)), self.data_sent))
        if labels:
            self.notes.append(
                f"大模型在第{self.number}部分的 {labels} 句中写入了表格的行名或列名，已删去，"
                f"所在分句标注{UNVERIFIED}，请改写。"
            )
        return text

    def _answer(self, messages: list[BaseMessage]) -> Generator[DraftChunk, None, str]:
        """A reply streamed; a retry first withdraws what was shown of the reply before it."""
        if messages is not self.messages:
            self.rounds += 1
            yield DraftChunk("", reset=True)
        return (yield from self._streamed(messages))

    def _again(self, text: str, error: Exception) -> list[BaseMessage]:
        """The first request, the latest reply and what failed in it (not every earlier round).

        With a small context (the local model's 8 192 tokens) two long replies and their findings overflowed it.
        """
        findings = findings_for_model(error) if isinstance(error, ValidationError) else str(error)
        return [*self.messages, AIMessage(content=text), HumanMessage(content=self._fix_prompt(findings))]

    def _keep_previous(self, text: str, error: LLMError) -> None:
        """A fix round that failed (an error, a refused prompt): the reply before it stands, failing figures marked."""
        logger.warning("part %s: fix round %d failed: %s", self.number, self.rounds, error.message)
        self.notes.append(
            f"第{self.number}部分的第 {self.rounds} 轮数字修正失败（{error.message}），"
            f"保留上一稿，未通过核对的句子已标注{UNVERIFIED}。"
        )

    def _sources_of(self, paragraph: str) -> list[SourceRef]:
        """The passages a paragraph draws on: those sharing enough of its wording (none: written from the figures)."""
        return [ref for ref, text in self.materials if containment(paragraph, text, SOURCE_SHINGLE) >= SOURCE_SHARE]

    def _copies_marked(self, text: str) -> str:
        """The reply with last year's sentences marked again (a rewrite of a draft holding carried sentences may
        drop their marks) and, in 五, each of last year's problems named again as this year's marked too."""
        if self.required is None or not self.required.own or self.required.base is None:
            return text
        base = self.required.base
        mine = "\n".join(f.text for f in self.required.work if f.chosen)  # a sentence in her words is hers
        text = copies_marked(text, without_marks(base.part_text(self.number)), mine)
        if self.number == "五":
            text = repeated_problems_marked(text, last_year_problems(base))
        return text

    def _with_required(self, text: str) -> str:
        """五 must report 上年度问题整改情况 and 六 信息处理费: the offline paragraphs when the model left them out."""
        if self.required is None:
            return text
        if self.number == "五":
            rest, dropped = without_rectification(text)
            if dropped:
                self.notes.append(
                    "上年度问题整改情况按您提供的情况写出，大模型所写的整改情况未采用（不写无人报告的整改）。"
                )
            fixes = "\n".join(self.required.five().rectifications())
            return f"（一）上年度问题整改情况\n{fixes}\n（二）存在的主要问题及改进措施\n{rest}"
        if self.number == "六" and FEE not in text:
            self.notes.append("大模型没有写信息处理费的收取情况，已补入，请核对。")
            return f"{self.required.fee_text()}\n{text}".strip()
        return text

    def _streamed(self, messages: list[BaseMessage]) -> Generator[DraftChunk, None, str]:
        """Stream a reply, showing each sentence once checked; returns the whole cleaned reply.

        A call that fails (timeout, 429, 5xx, a stream cut mid-way) is retried from the start: what
        was shown of the broken reply is withdrawn first. When the retries run out, LLMError.
        """
        for attempt in retried(self.drafter.retry, self.drafter.local, self.deadline):
            with attempt:
                gate, raw, cut, notes = (
                    SentenceGate(self.draft.report, self.facts, self.number, self.previous),
                    "",
                    self.cut,
                    len(self.notes),
                )
                try:
                    for piece in self.drafter.generate(messages, self):
                        raw += piece
                        yield from (DraftChunk(s) for s in gate.feed(piece))
                    yield from (DraftChunk(s) for s in gate.flush())
                    return clean_reply(raw)
                except Exception:
                    if raw:
                        yield DraftChunk("", reset=True)
                    self.cut, self.notes[notes:] = cut, []  # the broken reply's notes go with it
                    raise
        raise AssertionError("unreachable: tenacity returns or raises")

    def _fix_prompt(self, findings: str) -> str:
        return render(
            "fix_numbers",
            self.drafter.prompt_variant,
            part_number=self.number,
            part_title=PART_TITLES[self.number],
            findings=findings,
        )


@dataclass
class SectionedStream(PartStream):
    """Part 一 subsection by subsection (the model is asked only for the subsections with her facts).

    Each subsection has its heading and its data paragraph written by the built-in drafter from the tables,
    never by the model; the model writes only the work paragraph of a subsection she gave facts for, from
    those facts, with last year's text of the subsection as a style example (short prompts:
    prompts/draft_subsection.md). A subsection without facts keeps the built-in drafter's paragraphs
    (carried over and marked).

    A rewrite (``instruction``: 更简洁, 突出一网通办) works on the current text. The subsection it names, or
    every subsection when it names none or several, keeps its heading, gets its data paragraph fresh from the
    tables, and gets a work paragraph the model writes to the instruction from her facts and her own
    sentences of the current text (prompts/rewrite_subsection.md); a carried-over sentence is never sent.
    A subsection with nothing of hers to write from, and everything outside the rewritten subsections, stays
    as it is, marks and all.
    """

    system: str = ""
    heading: str = ""  # the subsection being written
    instruction: str = ""
    rewritten: list[str] = field(default_factory=list)  # the headings of the subsections the model wrote

    def _fix_prompt(self, findings: str) -> str:
        return render("fix_subsection", self.drafter.prompt_variant, heading=self.heading, findings=findings)

    def _run(self) -> Generator[DraftChunk, None, None]:
        paragraphs: list[DraftParagraph] = []
        for block in self._blocks():
            if isinstance(block, DraftParagraph):  # kept as it is
                yield DraftChunk(block.text + "\n")
                paragraphs.append(block)
            else:
                paragraphs += yield from self._section_written(*block)
        final, self.checks = mark_failing(
            "\n".join(p.text for p in paragraphs), self.draft.report, self.facts, self.number, self.previous
        )
        yield DraftChunk(final, reset=True)
        for paragraph, line in zip(paragraphs, final.split("\n"), strict=True):
            paragraph.text = line
        self.part = DraftPart(number=self.number, paragraphs=paragraphs)
        if self.instruction:
            self.notes.append(self._rewrite_note())

    def _blocks(self) -> Iterator[DraftParagraph | tuple[Section, list[DraftParagraph] | None]]:
        """The part in order: paragraphs kept as they are, and subsections to write (with their current
        paragraphs in a rewrite). A rewrite of a text where no subsection is found any more (a body that writes
        no headings, or she changed them all) rebuilds the part as a first draft does, to the instruction."""
        assert self.required is not None
        sections = self.required.sections()
        current = current_paragraphs(self.draft, self.number) if self.instruction else []
        lines = [p.text for p in current]
        named = named_subsection(lines, sections, self.instruction) if self.instruction else None
        spans = section_spans(lines, sections)  # all of them: where one ends is where the next starts
        if named is not None:
            spans = {start: span for start, span in spans.items() if span[0] is named}
        if not spans:
            if self.instruction:
                self.notes.append(
                    "第一部分的现稿中找不到各小节的小标题，无法只改写工作段落，已按小节重新起草第一部分"
                    "（数据段落按表格，工作段落按您提供的情况）；您在第一部分直接改动的文字未保留。"
                )
            yield from self.required.opening_paragraphs()
            yield from ((section, None) for section in sections)
            return
        at = 0
        while at < len(lines):
            if at in spans:
                section, end = spans[at]
                yield section, current[at:end]
                at = end
            else:
                yield current[at]
                at += 1

    def _section_written(
        self, section: Section, current: list[DraftParagraph] | None
    ) -> Generator[DraftChunk, None, list[DraftParagraph]]:
        """A subsection: its heading as the body writes it, its data paragraph from the tables, its work
        paragraphs (the model's when there is anything of hers to write them from)."""
        yield DraftChunk("\n".join(p.text for p in section.paragraphs([])) + "\n")
        if current is None:  # a first draft
            work = (yield from self._work_written(section, "")) if section.facts else section.work
            return section.paragraphs(work)
        heading, body = split_heading(section, current)
        now = [p for p in body if not restates_data(p.text, section.data)]
        own = her_sentences("\n".join(p.text for p in now))
        work = (yield from self._work_written(section, own)) if section.facts or own else now
        return section.model_copy(update={"heading": heading}).paragraphs(work)

    def _work_written(self, section: Section, own: str) -> Generator[DraftChunk, None, list[DraftParagraph]]:
        """The model's work paragraphs of a subsection, checked (a figure it repeats from the data paragraph too);
        a sentence copied from last year marked."""
        self.heading = without_marks(section.heading).strip() or section.subsection.heading
        user = self._rewrite_prompt(section, own) if self.instruction else self._prompt(section)
        self.messages = [SystemMessage(content=self.system), HumanMessage(content=user)]
        text = yield from self._reply_with_fixes()
        if self.cut:  # the unfinished end is marked, not passed off as finished text
            text = "\n".join([*text.split("\n")[:-1], mark_sentence(text.split("\n")[-1])])
            self.cut = False
        self.materials = self._example_source(section)
        text = with_years_named(text, self.draft.report.year or 0)
        text = self._last_years_marked(text, "\n".join([*(f.text for f in section.facts), own]))
        self.rewritten.append(self.heading)
        sources = [SourceRef(source=s, own=True) for s in dict.fromkeys(f.source for f in section.facts)]
        return [
            DraftParagraph(text=line, sources=[*sources, *self._sources_of(line)])
            for line in text.split("\n")
            if line.strip()
        ]

    def _last_years_marked(self, text: str, hers: str) -> str:
        """A sentence the model wrote in last year's words (of its style example, or of any subsection) and not in
        hers is last year's, not written from her facts: marked as carried over, like the built-in drafter's."""
        base = self.required.base if self.required is not None and self.required.own else None
        last_year = base.part_text(self.number) if base is not None else ""
        return copies_marked(text, without_marks(last_year), hers)

    def _example_source(self, section: Section) -> list[tuple[SourceRef, str]]:
        """Last year's subsection, the source of a paragraph the model copied from the style example."""
        base = self.required.base if self.required is not None and self.required.own else None
        if base is None:
            return []
        ref = SourceRef(source=base.source or "", agency=base.agency, year=base.year, part=self.number, own=True)
        return [(ref, "".join(section.subsection.paragraphs))]

    def _example(self, section: Section) -> str:
        """Last year's subsection of the body's own report, cut short, as a style example (never another body's)."""
        assert self.required is not None
        own_text = "".join(section.subsection.paragraphs) if self.required.own else ""
        example = without_instructions(own_text)[0][:EXAMPLE_CHARS]  # a planted instruction is no style
        return _quoted(example) or "（无）"

    def _prompt(self, section: Section) -> str:
        assert self.required is not None
        return render(
            "draft_subsection",
            self.drafter.prompt_variant,
            heading=self.heading,
            facts="\n".join(f"- {f.text}" for f in section.facts),
            example=self._example(section),
            subject=self.required.subject,
            year=self.draft.report.year,
        )

    def _rewrite_prompt(self, section: Section, own: str) -> str:
        assert self.required is not None
        return render(
            "rewrite_subsection",
            self.drafter.prompt_variant,
            heading=self.heading,
            instruction=self.instruction,
            facts="\n".join(f"- {f.text}" for f in section.facts) or "（无）",
            current_text=_quoted(own) or "（无）",
            data=_quoted(section.data) or "（本小节没有数据段落）",
            example=self._example(section),
            subject=self.required.subject,
            year=self.draft.report.year,
        )

    def _rewrite_note(self) -> str:
        """What a rewrite did: which subsections the model rewrote, and why the others stayed."""
        if not self.rewritten:
            return (
                f"第一部分没有您提供的本年度工作情况，大模型无从按“{self.instruction}”改写，第一部分未改动"
                "（不把上年度的句子改写成本年度的工作）。请先在对话中说明今年各方面做了哪些工作。"
            )
        done = "、".join(f"“{h}”" for h in self.rewritten)
        return (
            f"按“{self.instruction}”重写了第一部分的{done}（数据段落按表格重新生成，未交给大模型改写），"
            "其他内容未改动。"
        )


def with_years_named(text: str, year: int) -> str:
    """今年 and 去年 (her words, copied by the model) as the report names them: 2022年, 2021年; the report is read
    the year after, when 今年 is another year."""
    return text.replace("今年", f"{year}年").replace("去年", f"{year - 1}年") if year else text


def current_paragraphs(draft: Draft, number: str) -> list[DraftParagraph]:
    """The part's paragraphs as the draft holds them now (with their sources when they still match its text)."""
    lines = draft.report.part_text(number).split("\n")
    part = draft.parts.get(number)
    if part is not None and [p.text for p in part.paragraphs] == lines:
        return [p.model_copy(deep=True) for p in part.paragraphs]
    return [DraftParagraph(text=line) for line in lines]


def section_spans(lines: list[str], sections: list[Section]) -> dict[int, tuple[Section, int]]:
    """Where each subsection of 一 is in the current text: its first line (its heading, on a line of its own or
    opening its paragraph) and the line after its last paragraph. A subsection whose heading she changed or
    removed, or a body that writes no headings, is not found."""
    starts: dict[int, Section] = {}
    for section in sections:
        at = heading_line(lines, section)
        if at is not None:
            starts.setdefault(at, section)
    ordered = sorted(starts)
    spans = {}
    for start, following in zip(ordered, [*ordered[1:], len(lines)], strict=False):  # none found: no spans
        end = next((j for j in range(start + 1, following) if is_subheading(lines[j].strip())), following)
        spans[start] = (starts[start], end)
    return spans


def heading_line(lines: list[str], section: Section) -> int | None:
    """The line of the current text that is the subsection's heading, or opens with it (一是强化主动公开。全年……)."""
    heading = without_marks(section.heading).strip()
    if not heading:
        return None
    for i, line in enumerate(lines):
        plain = without_marks(line).strip()
        if plain == heading or (section.subsection.inline and plain.startswith(heading)):
            return i
    return None


def split_heading(section: Section, current: list[DraftParagraph]) -> tuple[str, list[DraftParagraph]]:
    """A subsection's current heading (as she left it) and its paragraphs after it."""
    first = current[0].text
    if first.strip() and without_marks(first).strip() == without_marks(section.heading).strip():
        return first, current[1:]
    rest = (
        first[len(section.heading) :]
        if first.startswith(section.heading)
        else without_marks(first)[len(without_marks(section.heading)) :]
    )
    return section.heading, [current[0].model_copy(update={"text": rest}), *current[1:]]


def named_subsection(lines: list[str], sections: list[Section], instruction: str) -> Section | None:
    """The one subsection of 一 an instruction names (by its heading, else by its topic: 主动公开) and the current
    text still has; None when it names none or several (the whole part is rewritten)."""
    named = [s for s in sections if s.subsection.heading and s.subsection.heading in instruction]
    named = named or [s for s in sections if s.subsection.topic.value in instruction]
    return named[0] if len(named) == 1 and heading_line(lines, named[0]) is not None else None


def restates_data(paragraph: str, data: str) -> bool:
    """Whether a paragraph of the current text is the subsection's data paragraph (of the tables as they were)."""
    return bool(data) and containment(without_marks(paragraph), data, SOURCE_SHINGLE) >= DATA_SHARE


@dataclass
class BuiltInStream(PartStream):
    """五 or 六 when the clerk said nothing of this year's problems and measures (五) or other matters (六):
    the model would only invent them or copy last year's, so the built-in drafter's part stands (last year's
    problems named and asked about, peers' typical ones offered marked, the fee from the facts)."""

    def _run(self) -> Generator[DraftChunk, None, None]:
        assert self.required is not None
        part = self.required.part_five() if self.number == "五" else self.required.part_six()
        self.required.verify(part)
        yield DraftChunk(part.text, reset=True)
        self.part = part
        wanted = "本年度存在的问题和改进措施" if self.number == "五" else "其他需要报告的事项"
        self.notes.append(
            f"您还没有提供{wanted}，第{self.number}部分按内置起草保留，未请大模型编写（不写无人提供的情况）。"
        )


def without_rectification(text: str) -> tuple[str, bool]:
    """The model's 五 without what it wrote about last year's problems (a 整改 section, a sentence on 上年度
    整改) and without its own sub-headings: 上年度问题整改情况 is written from the clerk's facts only.
    Also whether anything was left out."""
    kept: list[str] = []
    skipping = dropped = False
    for line in (line.strip() for line in text.split("\n")):
        if is_subheading(line):
            skipping = "整改" in line and "改进" not in line
            continue
        if skipping or ("整改" in line and "上年" in line):
            dropped = dropped or bool(line)
            continue
        if line:
            kept.append(line)
    return "\n".join(kept), dropped


class SentenceGate:
    """Lets text through a sentence at a time, each checked (corrected, and marked at the failing clause) first."""

    def __init__(self, report: Report, facts: Facts, part: str, previous: Report | None = None) -> None:
        self.report, self.facts, self.part, self.previous = report, facts, part, previous
        self.buffer = ""
        self.paragraph = ""

    def feed(self, piece: str) -> Iterator[str]:
        done, self.buffer = complete_sentences(self.buffer + piece)
        for sentence in done:
            yield self._checked(sentence)

    def flush(self) -> Iterator[str]:
        if self.buffer.strip():
            yield self._checked(self.buffer)
        self.buffer = ""

    def _checked(self, sentence: str) -> str:
        checks = check_sentence(sentence, self.report, self.facts, self.part, self.paragraph, self.previous)
        self.paragraph = "" if sentence.endswith("\n") else self.paragraph + sentence
        return mark_clauses(sentence, checks)[0]


def clean_reply(text: str) -> str:
    """The model's reply as part text: 公文 paragraphs, lists as running sentences, no Markdown (figures kept)."""
    return as_prose(text)


class LLMDrafter:
    """Drafts and regenerates narrative parts with a chat model, grounded on past reports."""

    def __init__(
        self,
        model: BaseChatModel,
        source: ReportSource | None = None,
        *,
        max_fix_rounds: int = MAX_FIX_ROUNDS,
        max_continuations: int = MAX_CONTINUATIONS,
        hits_per_part: int = 4,
        retry: RetryPolicy | None = None,
        limits: ReplyLimits | None = None,
    ) -> None:
        self.model, self.source = model, source
        self.retry = retry or RetryPolicy()
        self.prompt_variant = prompt_variant(model)  # "local": prompts tuned for the small local model
        self.local = local_url(model)
        self.limits = limits or ReplyLimits.default(local=self.local is not None)
        # One drafter drafts one draft (or one part): the draft's time limit starts now.
        self.draft_deadline = Deadline(self.limits.draft_seconds, "起草整份报告", "NIANBAO_LLM_DRAFT_SECONDS")
        # The local model's replies are capped in length; continuing one that hit the cap would undo the cap.
        continuations = 0 if self.prompt_variant == "local" else max_continuations
        self.max_fix_rounds, self.max_continuations, self.hits_per_part = (
            max_fix_rounds,
            continuations,
            hits_per_part,
        )

    # -- whole drafts ------------------------------------------------------------------------------

    def draft_all(
        self, agency: str, year: int, cells: Report, facts: Facts | None = None, work: list[WorkFact] | None = None
    ) -> Draft:
        """A complete draft: the offline draft first, then parts 一, 五, 六 by the model.

        When the model fails, the offline draft's part stays and a note says why.
        """
        draft = draft_offline(agency, year, cells, self.source, facts, work)
        for number in ("一", "五", "六"):
            try:
                draft = self.draft_part(draft, number, facts, work)
            except LLMError as e:
                draft.notes.append(f"{e.message}已改用离线起草的结果。")
                break
        return draft

    def draft_part(
        self, draft: Draft, number: str, facts: Facts | None = None, work: list[WorkFact] | None = None
    ) -> Draft:
        """A new draft where only part ``number`` is drafted again by the model (``work``: her facts)."""
        return self._consume(self.stream_part(draft, number, facts, work=work))

    def regenerate_part(
        self,
        draft: Draft,
        number: str,
        instruction: str,
        facts: Facts | None = None,
        work: list[WorkFact] | None = None,
    ) -> Draft:
        """A new draft where only part ``number`` is rewritten to the instruction (更简洁, 突出一网通办 …)."""
        return self._consume(self.stream_part(draft, number, facts, instruction, work))

    def _consume(self, stream: PartStream) -> Draft:
        for _ in stream:
            pass
        assert stream.part is not None
        return with_part(stream.draft, stream.part, stream.notes)

    # -- one part, streamed -------------------------------------------------------------------------

    def stream_part(
        self,
        draft: Draft,
        number: str,
        facts: Facts | None = None,
        instruction: str | None = None,
        work: list[WorkFact] | None = None,
    ) -> PartStream:
        """The streamed drafting of one part (iterate it; then ``.part``); ``work``: the clerk's facts about
        this year's work, the only source of the work the part may describe."""
        if number not in ("一", "五", "六"):
            raise ValueError(f"part {number} is a table, not drafted")
        facts = dict(facts or {})
        report = draft.report
        base, own = self._base(report, stated_place(work or []))
        system = self._system_prompt(report)
        required = OfflineDrafter(report.agency or "", report.year or 0, report, base, own, facts, work)
        # Last year's report for 同比 figures exactly as the offline drafter takes it: the body's own, of the
        # year before; another body's report or an older one never is.
        part_deadline = Deadline(self.limits.part_seconds, f"起草第{number}部分", "NIANBAO_LLM_PART_SECONDS")
        deadline = Deadline.sooner(part_deadline, self.draft_deadline)
        # Checked against her facts, the figures of her work notes included (召开新闻发布会 2 次 is hers).
        checked = required.facts
        stream: PartStream
        # 一 is never drafted from last year's whole part, nor rewritten from the current text of it: a subsection
        # is written by the model from her facts (and, in a rewrite, her own sentences), the data paragraph from
        # the tables; last year's subsection is only a style example.
        if number == "一":
            stream = SectionedStream(
                self,
                draft,
                number,
                checked,
                [],
                [],
                required,
                required.previous,
                system=system,
                instruction=instruction or "",
            )
        elif instruction is None and not any(f.chosen and f.about in _PART_KINDS[number] for f in work or []):
            stream = BuiltInStream(self, draft, number, checked, [], [], required, required.previous)
        else:
            # A peer's 五 and 六 are its own problems and matters: a body borrowing a structure is sent none of them,
            # and no body's passages but its own are material (the model writes from her facts).
            own_base = base if own else None
            hits = self._hits(report, number, own_base) if own else []
            user = self._part_prompt(report, number, own_base, own, hits, facts, work or [], instruction)
            messages: list[BaseMessage] = [SystemMessage(content=system), HumanMessage(content=user)]
            materials = _materials(own_base, number, hits)
            stream = PartStream(self, draft, number, checked, messages, materials, required, required.previous)
            subject = subject_of(base if own else None, report.agency or "")
            stream.data_sent = "\n".join([figures_text(report, subject), facts_text(facts, work or [], number)])
        stream.deadline = deadline
        return stream

    def _part_prompt(
        self,
        report: Report,
        number: str,
        base: Report | None,
        own: bool,
        hits: list[Hit],
        facts: Facts,
        work: list[WorkFact],
        instruction: str | None,
    ) -> str:
        """The request for a whole part (五, 六): a first draft, or a rewrite of the current text to an instruction."""
        variables = {
            "part_number": number,
            "part_title": PART_TITLES[number],
            "requirements": requirements(number, report, base if own else None, facts),
            "figures": figures_text(report, subject_of(base if own else None, report.agency or "")),
            "facts": facts_text(facts, work, number),
        }
        if instruction is None:
            return render("draft_part", self.prompt_variant, materials=materials_text(base, number, hits), **variables)
        others = "\n".join(
            f"{p.heading}\n{p.text}" for p in report.ordered_parts() if p.number != number and p.text.strip()
        )
        return render(
            "regenerate_part",
            self.prompt_variant,
            instruction=instruction,
            other_parts=others or "（无）",
            current_text=report.part_text(number),
            **variables,
        )

    def generate(self, messages: list[BaseMessage], stream: PartStream) -> Iterator[str]:
        """The model's reply streamed; a reply cut by the length limit is continued, then reported."""
        messages = list(messages)
        received = 0
        for attempt in range(self.max_continuations + 1):
            finish, reply = None, ""
            for chunk in self.model.stream(messages, **self._call_options(stream.deadline)):
                if stream.deadline is not None:
                    stream.deadline.check()
                piece = chunk.content if isinstance(chunk.content, str) else ""
                finish = chunk.response_metadata.get("finish_reason") or finish
                reply += piece
                received += len(piece)
                if received > self.limits.max_chars:
                    raise ReplyTooLong(
                        f"大模型第{stream.number}部分的回复超过了 {self.limits.max_chars} 字的上限"
                        "（NIANBAO_LLM_PART_CHARS），已停止接收（服务可能异常）。"
                    )
                yield piece
            if finish is None and reports_finish(self.model):
                raise StreamCut(f"part {stream.number}: the stream ended without a finish reason")
            if finish == "content_filter":
                stream.notes.append(f"第{stream.number}部分的生成被大模型服务的内容过滤中断，结尾可能不完整，请检查。")
            if finish != "length":
                return
            if attempt < self.max_continuations:
                prompt = render(
                    "draft_continue",
                    self.prompt_variant,
                    part_number=stream.number,
                    part_title=PART_TITLES[stream.number],
                )
                messages += [AIMessage(content=reply), HumanMessage(content=prompt)]
        note = (
            f"第{stream.number}部分的生成因长度限制被截断（已续写 {self.max_continuations} 次），"
            f"结尾可能不完整，已标注{UNVERIFIED}，请检查。"
        )
        logger.warning("part %s cut by the length limit", stream.number)
        stream.notes.append(note)
        stream.cut = True

    def _call_options(self, deadline: Deadline | None) -> dict[str, Any]:
        """An OpenAI-protocol call waits for its next chunk no longer than the time left (a dripping reply)."""
        if deadline is None or not reports_finish(self.model):
            return {}
        timeout = getattr(self.model, "request_timeout", None)
        left = max(deadline.remaining(), 0.1)
        return {"timeout": min(timeout, left) if isinstance(timeout, (int, float)) else left}

    def _system_prompt(self, report: Report) -> str:
        """The system prompt every drafting request of this body's report starts with."""
        return render(
            "draft_system",
            self.prompt_variant,
            agency=report.agency,
            year=report.year,
            last_year=(report.year or 0) - 1,
        )

    def _base(self, report: Report, place: str = "") -> tuple[Report | None, bool]:
        if self.source is None or report.agency is None or report.year is None:
            return None, False
        return grounding_report(self.source, report.agency, report.year, place)

    def _hits(self, report: Report, number: str, base: Report | None) -> list[Hit]:
        """The body's own earlier passages of the part not already in ``base``: never another body's."""
        if self.source is None:
            return []
        query = f"{PART_TITLES[number]} 政府信息公开"
        hits = self.source.search(query, report.agency, number, self.hits_per_part)
        seen = set(base.part_text(number).split("\n")) if base is not None else set()
        unique = []
        for hit in hits:
            if same_agency(hit.agency, report.agency) and hit.text not in seen and (hit.year or 0) < (report.year or 0):
                seen.add(hit.text)
                unique.append(hit)
        return unique[: self.hits_per_part]


def with_part(draft: Draft, part: DraftPart, notes: list[str] | None = None) -> Draft:
    """A copy of the draft with one part replaced; the other parts and the tables are untouched."""
    new = draft.model_copy(deep=True)
    new.parts[part.number] = part
    new.report.parts[PART_NUMERALS.index(part.number)].text = part.text
    new.notes += notes or []
    return new


def requirements(number: str, report: Report, own_base: Report | None, facts: Facts) -> str:
    """What the part must contain (domain.md), with last year's problems for 五 and the fee for 六."""
    if number == "一":
        return (
            "写本年度总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的工作。"
            "依申请公开和行政复议、行政诉讼的数字必须与本年度数据一致。"
        )
    if number == "五":
        problems = last_year_problems(own_base) if own_base is not None else []
        listed = "；".join(problems) if problems else "（无）"
        return (
            "只写“存在的主要问题及改进措施”：本年度的不足和下一步措施，以“用户提供的数据”中的问题和措施为准。"
            "不要写上年度问题的整改情况（按用户提供的情况另行写出），不要照搬上年度报告的问题："
            f"{listed}"
        )
    fee = fee_fact(facts)
    fee_text = "用户未提供金额：写明收取情况待核实，不要写任何金额" if fee is None else f"本年度收取信息处理费 {fee} 元"
    return f"必须说明按照《政府信息公开信息处理费管理办法》收取信息处理费的情况（{fee_text}），以及其他需要报告的事项。"


def figures_text(report: Report, subject: str) -> str:
    """This year's figures in sentences, the only numbers the model may use."""
    year = report.year or 0
    lines = [
        requests_sentence(report, year, subject),
        applicants_sentence(report),
        appeals_sentence(report),
        active_sentence(report),
    ]
    return "\n".join(line for line in lines if line)


def facts_text(facts: Facts, work: list[WorkFact] | None = None, number: str = "一") -> str:
    """The user's figures and her facts about this year's work that belong to the part, one a line."""
    kinds = {"一": None, "五": ("整改", "问题", "措施"), "六": ("其他",)}.get(number)
    lines = [f"{name}：{value}" for name, value in facts.items()]
    lines += [
        f"{f.about}：{f.text}"
        for f in work or []
        if f.chosen and (f.about in kinds if kinds else f.about not in _KINDS)
    ]
    return "\n".join(lines) or "（无）"


_KINDS = ("整改", "问题", "措施", "其他", "所在地")  # 所在地 chooses a model report, it is not written
# What the model writes of 五 and 六 (上年度问题整改情况 and the fee are always written from her facts).
_PART_KINDS = {"五": ("问题", "措施"), "六": ("其他",)}


def materials_text(base: Report | None, number: str, hits: list[Hit]) -> str:
    """Past passages, each delimited as quoted material: data to draw on, never instructions."""
    blocks = []
    if base is not None and base.part_text(number).strip():
        label, text = f"{base.agency} {base.year}年度报告 第{number}部分", base.part_text(number)
        if number in STYLE_ONLY:  # last year's problems and matters are not this year's: a short example only
            label, text = f"{label}（{STYLE_ONLY_LABEL}）", text[:EXAMPLE_CHARS]
        blocks.append((label, text))
    blocks += [(f"{h.agency or h.source} {h.year or ''}年度报告 第{h.part or number}部分", h.text) for h in hits]
    if not blocks:
        return "（无参考资料）"
    return "\n".join(
        f"<<<资料{i}｜{label}>>>\n{_quoted(text)}\n<<<资料{i}结束>>>" for i, (label, text) in enumerate(blocks, 1)
    )


def _quoted(text: str) -> str:
    """Passage text that cannot close its own quotation (no <<< >>> inside), cut to a fair length."""
    return text[:MATERIAL_CHARS].replace("<<<", "《《").replace(">>>", "》》")


def _materials(base: Report | None, number: str, hits: list[Hit]) -> list[tuple[SourceRef, str]]:
    """Each source given to the model (report and part) with its text: the body's own last year's part and its own
    earlier passages (a body borrowing a structure is given none), so every one is its own."""
    found: dict[tuple[str, str | None], tuple[SourceRef, str]] = {}
    if base is not None:
        ref = SourceRef(source=base.source, agency=base.agency, year=base.year, part=number)
        found[(ref.source, ref.part)] = (ref, base.part_text(number))
    for hit in hits:
        ref = SourceRef(source=hit.source, agency=hit.agency, year=hit.year, part=hit.part)
        known, text = found.get((ref.source, ref.part), (ref, ""))
        found[(ref.source, ref.part)] = (known, f"{text}\n{hit.text}")
    return list(found.values())
