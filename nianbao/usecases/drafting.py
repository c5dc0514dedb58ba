"""Drafting the narrative parts (一, 五, 六): by the LLM when one is configured, else by the built-in drafter.

The one fallback policy, for the app and the command alike: when the LLM fails (after its retries), the
parts it finished stay, a part that has text keeps it, an empty one gets the built-in drafter's text, and a
note says why. Nothing written is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.checker import CheckResult, check_report
from nianbao.claims.text import split_sentences
from nianbao.drafting import interview
from nianbao.drafting.facts import facts_in_text

# The draft's marks, for the shells that show them (re-exported: the pages see only the use cases).
from nianbao.drafting.marks import CARRIED as CARRIED
from nianbao.drafting.marks import STALE_YEAR as STALE_YEAR
from nianbao.drafting.marks import SUGGESTED as SUGGESTED
from nianbao.drafting.marks import TO_FILL as TO_FILL
from nianbao.drafting.marks import chosen as chosen
from nianbao.drafting.marks import confirmed as confirmed
from nianbao.drafting.marks import count_marks
from nianbao.drafting.model import UNVERIFIED as UNVERIFIED
from nianbao.drafting.model import Draft, DraftParagraph, DraftPart
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.outline import Block, block_text, blocks_of, with_block
from nianbao.drafting.sources import ReportSource
from nianbao.drafting.verify import NumberCheck, report_wrong_figures
from nianbao.drafting.worknotes import Kind, WorkFact, place_fact, stated_place
from nianbao.errors import InvalidInputError, NianbaoError
from nianbao.model import Part, Report
from nianbao.schema import PART_NUMERALS, PART_TITLES
from nianbao.usecases.models import Models

log = logging.getLogger(__name__)

NARRATIVE = ["一", "五", "六"]
DRAFTING_WORDS = ("起草", "撰写", "生成", "写一", "写出", "草拟", "重写")
TextCallback = Callable[[str, str], None]
PLACE_SETTING = "设置 NIANBAO_PLACE"
INTERVIEW = "interview"  # the drafting interview's state (questions asked, facts given), saved with the draft
Facts = dict[str, Any]


@dataclass(frozen=True)
class DraftCheck:
    """A finished draft checked as a whole: every rule (against last year's report and her facts), and the figures
    and claims of its narrative that the tables, her facts or last year's report contradict."""

    result: CheckResult
    wrong: list[NumberCheck]

    @property
    def ok(self) -> bool:
        return self.result.ok and not self.wrong


@dataclass
class PartDraft:
    """A drafted narrative part: its text and, per paragraph, the sources in words."""

    number: str
    text: str
    sources: list[str] = field(default_factory=list)
    note: str = ""


class Drafting:
    """The drafters of one configuration; ``open_source`` gives the past reports they ground on."""

    def __init__(self, models: Models, open_source: Callable[[], ReportSource]) -> None:
        self.models = models
        self._open_source = open_source

    def draft_parts(
        self,
        report: Report,
        numbers: list[str] | None = None,
        instruction: str = "",
        on_text: TextCallback | None = None,
        facts: Facts | None = None,
        work: list[WorkFact] | None = None,
    ) -> list[PartDraft]:
        """Draft the narrative parts (一, 五, 六 by default) of a draft being written.

        With an LLM, ``on_text(number, text_so_far)`` is called as each part streams in; on its failure the
        fallback policy above applies. ``facts`` are what the user stated beyond the tables (信息处理费),
        used and checked in 六; ``work`` what she said about this year's work (the drafting interview).
        """
        wanted = numbers or NARRATIVE
        decimals = {name: Decimal(str(value)) for name, value in (facts or {}).items()}
        work = self._with_place(work)
        if not self.models.uses_llm:
            return self._offline_parts(report, wanted, instruction, decimals, work)
        progress: list[Draft] = []
        try:
            draft = self._llm_draft(as_draft(report), wanted, instruction, on_text, decimals, progress, work)
        except Exception as e:  # whatever the LLM did, the user's text is kept (the policy above)
            failure = failure_reason(e)
        else:
            notes = "；".join(draft.notes)
            return [PartDraft(p.number, p.text, p.sources, notes) for p in part_drafts(draft, wanted)]
        done = wanted[: len(progress)]  # one step per part finished
        finished = []
        if progress:
            notes = "；".join(progress[-1].notes)
            finished = [PartDraft(p.number, p.text, p.sources, notes) for p in part_drafts(progress[-1], done)]
        return finished + self._fallback_parts(report, wanted[len(done) :], failure, decimals, work)

    def draft_report(
        self, agency: str, year: int, cells: Report, facts: Facts, work: list[WorkFact] | None = None
    ) -> Draft:
        """A complete draft from this year's cells: the built-in draft, then with an LLM its parts 一、五、六 by it.

        A part the LLM does not finish keeps the built-in drafter's text, with a note saying why. ``work``: the
        clerk's facts about this year's work.
        """
        work = self._with_place(work)
        draft = draft_offline(agency, year, cells, self._open_source(), facts, work)
        if not self.models.uses_llm:
            return draft
        progress: list[Draft] = []
        try:
            return self._llm_draft(draft, NARRATIVE, "", None, facts, progress, work)
        except Exception as e:  # whatever the LLM did, the built-in draft is kept
            kept = progress[-1] if progress else draft
            kept.notes.append(f"{failure_reason(e)}。未完成的部分已改用离线起草的结果。")
            return kept

    def _llm_draft(
        self,
        draft: Draft,
        numbers: list[str],
        instruction: str,
        on_text: TextCallback | None,
        facts: Facts,
        progress: list[Draft],
        work: list[WorkFact] | None = None,
    ) -> Draft:
        """The draft with each part of ``numbers`` drafted by the LLM in turn; ``progress`` gets each step."""
        from agents.draft import LLMDrafter, with_part  # LangChain: loaded only with an LLM
        from agents.llm import ReplyLimits, RetryPolicy

        settings = self.models.settings
        retry = RetryPolicy.from_settings(settings)
        limits = ReplyLimits.from_settings(settings, local=settings.llm == "local")
        drafter = LLMDrafter(self.models.chat_model(), self._open_source(), retry=retry, limits=limits)
        for number in numbers:
            stream = drafter.stream_part(draft, number, facts, instruction.strip() or None, work=work)
            shown = ""
            for chunk in stream:
                shown = chunk.text if chunk.reset else shown + chunk.text
                if on_text is not None:
                    on_text(number, shown)
            if stream.part is None:
                raise NianbaoError(f"大模型没有写完第{number}部分")
            draft = with_part(stream.draft, stream.part, stream.notes)
            progress.append(draft)
        return draft

    def _fallback_parts(
        self, report: Report, numbers: list[str], failure: str, facts: Facts, work: list[WorkFact] | None = None
    ) -> list[PartDraft]:
        """After an LLM failure: a part with text keeps it, an empty one is drafted offline."""
        empty = [n for n in numbers if not report.part_text(n).strip()]
        offline = {p.number: p for p in self._offline_parts(report, empty, "", facts, work)} if empty else {}
        result = []
        for number in numbers:
            if number in offline:
                part = offline[number]
                result.append(PartDraft(number, part.text, part.sources, f"{failure}。已改用内置离线起草的结果。"))
            else:
                kept = f"{failure}。第{number}部分保留原有内容，未作修改。"
                result.append(PartDraft(number, report.part_text(number), [], kept))
        return result

    def _offline_parts(
        self, report: Report, numbers: list[str], instruction: str, facts: Facts, work: list[WorkFact] | None = None
    ) -> list[PartDraft]:
        source, agency, year = self._open_source(), report.agency or "", report.year or 0
        draft = draft_offline(agency, year, report, source, facts, work, instruction)
        notes = list(draft.notes)
        if instruction.strip() and not any(instruction.strip() in note for note in notes):
            notes.append("内置离线起草不能按指令改写，已按本年度数据重新生成；如需按指令改写，请配置大模型。")
        return [PartDraft(p.number, p.text, p.sources, "；".join(notes)) for p in part_drafts(draft, numbers)]

    # -- the drafting interview: this year's work, asked for in the chat ------------------------------

    def check_draft(self, report: Report, facts: Facts) -> DraftCheck:
        """The drafted report checked as a whole before it is written out: against the body's latest past report
        (last year's, for the cross-year rules and 同比) and her facts (信息处理费 …)."""
        previous = self._open_source().latest_report(report.agency or "", report.year or 0)
        whole = {name: int(value) for name, value in facts.items() if value == int(value)}
        return DraftCheck(check_report(report, previous, whole), report_wrong_figures(report, facts, previous))

    def read_work_notes(self, path: str | Path) -> list[WorkFact]:
        """Her facts about this year's work from a file (lines of text, or a 工作总结 DOCX/PDF), read in a worker
        within the read limits (such a file may be large)."""
        from nianbao.readers import check_size
        from nianbao.readers.guard import run_guarded

        limits = self.models.settings.read_limits
        try:
            check_size(Path(path).stat().st_size, limits.max_bytes)  # before the whole file is in memory
            data = Path(path).read_bytes()
        except OSError as e:
            raise InvalidInputError(f"无法读取工作情况文件“{path}”：{e.strerror or e}") from e
        return list(run_guarded(interview.read_notes, data, Path(path).name, limits.max_bytes, limits=limits))

    def interview_turn(self, report: Report, saved: dict[str, Any], message: str) -> tuple[str, dict[str, Any]] | None:
        """The interview's reply to a message and its state to save with the draft; None when the message is
        not for the interview."""
        state = interview.Interview.model_validate(saved.get(INTERVIEW) or {})
        reply = interview.reply_to(state, message, self._plan(report, state))
        return None if reply is None else (reply, {INTERVIEW: state.model_dump(mode="json")})

    def next_question(self, report: Report, saved: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The interview's next question ('' when all are answered) and its state to save."""
        state = interview.Interview.model_validate(saved.get(INTERVIEW) or {})
        return interview.ask(state, self._plan(report, state)), {INTERVIEW: state.model_dump(mode="json")}

    def document_turn(self, saved: dict[str, Any], data: bytes, name: str) -> tuple[str, dict[str, Any]]:
        """An uploaded 工作总结 / 工作要点 (DOCX, TXT, PDF): its work facts proposed for 采用, read in a worker."""
        from nianbao.readers.guard import run_guarded

        limits = self.models.settings.read_limits
        text = run_guarded(interview.document_text, data, name, limits.max_bytes, limits=limits)
        state = interview.Interview.model_validate(saved.get(INTERVIEW) or {})
        return interview.propose_from_document(state, text, name), {INTERVIEW: state.model_dump(mode="json")}

    def _with_place(self, work: list[WorkFact] | None) -> list[WorkFact]:
        """Her facts, with the installation's NIANBAO_PLACE as the body's place when she named none."""
        work = list(work or [])
        place = self.models.settings.place.strip()
        if place and place_fact(work) is None:
            work.append(WorkFact(about=Kind.PLACE.value, text=place, source=PLACE_SETTING))
        return work

    def _plan(self, report: Report, state: interview.Interview) -> interview.Plan:
        place = stated_place(self._with_place(state.facts))  # where the body is: whose structure it borrows
        return interview.plan_for(self._open_source(), report.agency or "", report.year or 0, place)


def work_facts(saved: dict[str, Any]) -> list[WorkFact]:
    """The facts about this year's work the clerk gave (and picked), saved with the draft."""
    return interview.Interview.model_validate(saved.get(INTERVIEW) or {}).chosen_facts()


def failure_reason(error: Exception) -> str:
    """Why the LLM failed, in Chinese, for the note that says what was used instead."""
    if isinstance(error, NianbaoError):
        return error.message.rstrip("。")
    log.error("LLM drafting failed", exc_info=error)
    return "大模型起草失败"


def as_draft(report: Report) -> Draft:
    """The report as the drafters' Draft: all six parts present, in order."""
    full = with_parts(report, [PartDraft(n, report.part_text(n)) for n in PART_NUMERALS if report.part(n) is None])
    parts = {
        n: DraftPart(number=n, paragraphs=[DraftParagraph(text=t) for t in full.part_text(n).split("\n") if t.strip()])
        for n in NARRATIVE
    }
    return Draft(report=full, parts=parts)


def part_drafts(draft: Draft, numbers: list[str]) -> list[PartDraft]:
    """The draft's parts ``numbers`` with their sources in words."""
    result = []
    for number in numbers:
        part = draft.parts.get(number)
        if part is None:
            continue
        sources = [ref.describe() for p in part.paragraphs for ref in p.sources]
        result.append(PartDraft(number, part.text, list(dict.fromkeys(sources))))
    return result


def with_parts(report: Report, drafted: list[PartDraft]) -> Report:
    """The report with these parts' text replaced; every other part and all cells untouched."""
    updated = report.model_copy(deep=True)
    for part in drafted:
        existing = updated.part(part.number)
        if existing is None:
            updated.parts.append(Part(number=part.number, heading=f"{part.number}、{PART_TITLES[part.number]}"))
            existing = updated.parts[-1]
        existing.text = part.text
    updated.parts = updated.ordered_parts()
    return updated


def sentences_of(paragraph: str) -> list[str]:
    """A paragraph's sentences as the claims engine splits them (the page colours and confirms them one by one)."""
    return split_sentences(paragraph)


def carried_by_subsection(text: str) -> list[tuple[Block, int]]:
    """Part 一's opening and subsections that still hold sentences carried over from last year, with how many."""
    counts = [(block, block_text(text, block).count(CARRIED)) for block in blocks_of(text)]
    return [(block, n) for block, n in counts if n]


def confirmed_subsection(text: str, block: Block) -> str:
    """Part 一 with the carried-over sentences of one subsection confirmed as they stand."""
    return with_block(text, block, confirmed(block_text(text, block)))


def wants_drafting(message: str) -> list[str] | None:
    """The parts a chat message asks to draft (起草/撰写/生成 …), or None."""
    if not any(word in message for word in DRAFTING_WORDS):
        return None
    named = [n for n in NARRATIVE if f"第{n}部分" in message or PART_TITLES[n] in message]
    return named or NARRATIVE


def stated_facts(message: str) -> Facts:
    """What a chat message states that no table holds: 信息处理费 (“未收取信息处理费” = 0), in 元, as text."""
    if "处理费" not in message:
        return {}
    return {name: str(value) for name, value in facts_in_text(message).items()}


def marks_in(report: Report) -> dict[str, int]:
    """How many of each mark the narrative parts (一、五、六) still carry (only the marks present)."""
    return count_marks("\n".join(report.part_text(number) for number in NARRATIVE))


def carried_sentences(text: str) -> list[str]:
    """The sentences of a part still marked as carried over from last year, for her to confirm one by one."""
    return [s for line in text.split("\n") for s in split_sentences(line) if CARRIED in s]


def still_lacking(report: Report) -> list[str]:
    """What a draft still lacks before it goes out, in words: the checker's errors, blank cells, and the sentences
    of 一、五、六 still carrying a mark (【待核实】, 沿用上年, 待补充, 建议); empty when it lacks nothing."""
    from nianbao.usecases.intake import findings_of, visible_findings

    errors = sum(1 for f in visible_findings(report, findings_of(report)) if f.is_error)
    blank = sum(1 for c in report.cells if c.value is None)
    marks = marks_in(report)
    lacks = [
        f"{errors} 个核对错误" if errors else "",
        f"{blank} 个单元格未填" if blank else "",
        f"{marks[UNVERIFIED]} 句标注了{UNVERIFIED}" if UNVERIFIED in marks else "",
        *(f"{marks[mark]} 处{mark}" for mark in (CARRIED, TO_FILL, SUGGESTED) if mark in marks),
    ]
    return [item for item in lacks if item]


def export_docx(report: Report) -> bytes:
    """The report as a Word document."""
    from nianbao.writers import write_docx  # python-docx: loaded on first use

    return write_docx(report)


def export_markdown(report: Report) -> str:
    """The report as Markdown."""
    from nianbao.writers import write_markdown

    return write_markdown(report)
