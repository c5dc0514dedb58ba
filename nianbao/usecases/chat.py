"""A message in the 起草 chat: what it and its attachments do to a draft.

Attachments first (a spreadsheet's figures, a 工作总结's work facts), then the figures the message gives, then
its answer to the drafting interview, then a drafting request; help when it does none of these. The page shows
the reply and keeps what the turn says to keep (``TurnResult.extra``) with the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.model import Report
from nianbao.usecases.drafting import (
    CARRIED,
    UNVERIFIED,
    Drafting,
    TextCallback,
    stated_facts,
    wants_drafting,
    with_parts,
    work_facts,
)
from nianbao.usecases.intake import ASKED, Intake, TurnResult

FACTS = "facts"  # what the user stated beyond the tables (信息处理费), kept with the draft
SHEETS = (".xlsx", ".csv")  # other attachments are work documents (工作总结): facts about this year's work
HELP = (
    "请直接告诉我本年度的数字，例如：“今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；"
    "予以公开190件……行政复议2件，维持1件，尚未审结1件”。也可以上传填好的表格（XLSX 或 CSV）；"
    "说“介绍工作情况”我会逐项询问今年的工作（也可上传工作总结 DOCX/TXT/PDF），或说“起草总体情况”。"
)


@dataclass(frozen=True)
class Upload:
    """A file attached to a message: its name (which says spreadsheet or document) and its bytes."""

    name: str
    data: bytes


class Chat:
    """The 起草 chat of one configuration: figures by the intake use case, work facts and parts by drafting."""

    def __init__(self, intake: Intake, drafting: Drafting) -> None:
        self.intake = intake
        self.drafting = drafting

    def turn(
        self,
        report: Report,
        saved: dict[str, Any],
        text: str,
        uploads: Sequence[Upload] = (),
        on_text: TextCallback | None = None,
    ) -> TurnResult:
        """What a message does to the draft (``saved``: what the draft keeps beside its report)."""
        report, replies, changed, asked = self._attachments(report, saved, uploads)
        figures = self.intake.figures_turn(report, text, saved.get(ASKED)) if text.strip() else None
        answered = None
        if text.strip() and (figures is None or not figures.changed) and not wants_drafting(text):
            answered = self.drafting.interview_turn(report, {**saved, **asked}, text)  # her words on this year's work
        if answered is not None:
            reply, asked = answered
            replies.append(reply)
        elif figures is not None:
            report, changed = figures.report, changed + figures.changed
            replies.append(figures.reply)
        stated = stated_facts(text)
        facts = {**saved.get(FACTS, {}), **stated}
        replies.extend(f"已记下：{name} {value} 元（第六部分据此起草和核对）。" for name, value in stated.items())
        numbers = wants_drafting(text)
        if numbers is not None:
            drafted = self.drafting_turn(report, saved, numbers, on_text, facts)
            question, asked = self.drafting.next_question(report, {**saved, **asked})
            drafted.reply = "\n\n".join(
                [*replies, drafted.reply, *([f"请补充本年度的工作情况：{question}"] if question else [])]
            )
            drafted.changed = changed
            drafted.extra.update({FACTS: facts, **asked})
            return drafted
        kept = figures.extra if figures is not None and answered is None else {}
        extra = {**kept, **({FACTS: facts} if stated else {}), **asked}
        return TurnResult(report=report, reply="\n\n".join(replies or [HELP]), changed=changed, extra=extra)

    def _attachments(
        self, report: Report, saved: dict[str, Any], uploads: Sequence[Upload]
    ) -> tuple[Report, list[str], list[str], dict[str, Any]]:
        """Spreadsheets into the tables, work documents into the interview: the report, replies, cells changed and
        the interview's state when a document changed it."""
        replies: list[str] = []
        changed: list[str] = []
        asked: dict[str, Any] = {}
        for upload in uploads:
            if not upload.name.lower().endswith(SHEETS):
                reply, asked = self.drafting.document_turn({**saved, **asked}, upload.data, upload.name)
                replies.append(reply)
                continue
            sheet = self.intake.spreadsheet_turn(report, upload.data, upload.name)
            report, changed = sheet.report, changed + sheet.changed
            replies.append(sheet.reply)
        return report, replies, changed, asked

    def drafting_turn(
        self,
        report: Report,
        saved: dict[str, Any],
        numbers: list[str],
        on_text: TextCallback | None = None,
        facts: dict[str, Any] | None = None,
    ) -> TurnResult:
        """Draft the parts asked for; the reply counts the sentences to verify, and the turn keeps their sources."""
        drafted = self.drafting.draft_parts(report, numbers, on_text=on_text, facts=facts, work=work_facts(saved))
        names = "、".join(f"第{p.number}部分" for p in drafted)
        marked = sum(p.text.count(UNVERIFIED) for p in drafted)
        carried = sum(p.text.count(CARRIED) for p in drafted)
        reply = [f"已起草{names}。" + (f"其中 {marked} 句标注了{UNVERIFIED}，请核实。" if marked else "")]
        if carried:
            reply.append(f"有 {carried} 句沿用上年报告，标注了{CARRIED}：请逐句核实，或在“叙述”中一键确认。")
        reply.extend(dict.fromkeys(p.note for p in drafted if p.note))
        sources = {**saved.get("sources", {}), **{p.number: p.sources for p in drafted}}
        notes = {**saved.get("notes", {}), **{p.number: p.note for p in drafted}}
        return TurnResult(
            report=with_parts(report, drafted),
            reply="\n\n".join(reply),
            drafted_parts=numbers,
            extra={"sources": sources, "notes": notes},
        )
