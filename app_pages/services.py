"""What the pages call: this session's use cases (nianbao.usecases), and the session's choice of model.

The work is in nianbao.usecases, shared with the ``nianbao`` command; this module only picks the settings of
the session (the local model when the sidebar chose it) and hands the pages' calls on: each one-line function
below is the use case of the same name, documented there. Add work to a use case, never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from nianbao.model import Report
from nianbao.usecases import drafts
from nianbao.usecases.container import Settings, UseCases, compose, configured_settings
from nianbao.usecases.drafting import (
    PartDraft,
    TextCallback,
    export_docx,
    export_markdown,
    stated_facts,
    wants_drafting,
    with_parts,
    work_facts,
)
from nianbao.usecases.drafts import DraftStore
from nianbao.usecases.figures import KeyFigures, key_figures
from nianbao.usecases.intake import (
    ASKED,
    HIGHLIGHT,
    Address,
    TurnResult,
    cell_findings,
    changed_cells,
    describe_cell,
    edit_cells,
    findings_of,
    listed_changes,
    new_report,
    visible_findings,
)
from nianbao.usecases.knowledge import MAX_NAME_BYTES, safe_file_name
from nianbao.usecases.models import LocalModelStatus
from nianbao.usecases.reviewing import Review

__all__ = [
    "ASKED",
    "HIGHLIGHT",
    "MAX_NAME_BYTES",
    "Address",
    "KeyFigures",
    "PartDraft",
    "TextCallback",
    "TurnResult",
    "cell_findings",
    "changed_cells",
    "describe_cell",
    "edit_cells",
    "export_docx",
    "export_markdown",
    "findings_of",
    "key_figures",
    "listed_changes",
    "new_report",
    "safe_file_name",
    "stated_facts",
    "visible_findings",
    "wants_drafting",
    "with_parts",
    "work_facts",
]

# This session's choice of the local model. The pages pass no choice around: the shell sets it at the
# start of every run, and each session's script runs in its own thread, so one user's choice is not another's.
_local_chosen: ContextVar[bool] = ContextVar("local_chosen", default=False)


def settings() -> Settings:
    """The settings of this process."""
    return configured_settings()


def choose_local_model(chosen: bool) -> None:
    """Draft and read figures with the local model in this session (or not)."""
    _local_chosen.set(chosen)


def llm_settings() -> Settings:
    """The settings drafting and figure reading use: NIANBAO_LLM=local when this session chose the local model."""
    s = settings()
    return s.model_copy(update={"llm": "local"}) if _local_chosen.get() and s.llm != "local" else s


def use_cases() -> UseCases:
    """This session's use cases."""
    return compose(llm_settings(), warm_up=True)


# ---- the sidebar -------------------------------------------------------------------------------


def model_label() -> str:
    return use_cases().models.model_label()


def kb_label() -> str:
    return use_cases().models.kb_label()


def local_model_status() -> LocalModelStatus:
    return compose(settings()).models.local_model_status()


def start_local_model(retry: bool = False) -> LocalModelStatus:
    return compose(settings()).models.start_local_model(retry)


# ---- drafts ------------------------------------------------------------------------------------


def draft_store() -> DraftStore:
    return drafts.draft_store(settings())


def carry_over(report: Report) -> tuple[Report, str]:
    return use_cases().intake.carry_over(report)


def figures_turn(report: Report, message: str, asked: Any = None) -> TurnResult | None:
    return use_cases().intake.figures_turn(report, message, asked)


def spreadsheet_turn(report: Report, data: bytes, name: str) -> TurnResult:
    return use_cases().intake.spreadsheet_turn(report, data, name)


def draft_parts(
    report: Report,
    numbers: list[str] | None = None,
    instruction: str = "",
    on_text: TextCallback | None = None,
    facts: dict[str, Any] | None = None,
    work: list[Any] | None = None,
) -> list[PartDraft]:
    return use_cases().drafting.draft_parts(report, numbers, instruction, on_text, facts, work)


def interview_turn(report: Report, saved: dict[str, Any], message: str) -> TurnResult | None:
    answered = use_cases().drafting.interview_turn(report, saved, message)
    return None if answered is None else TurnResult(report=report, reply=answered[0], extra=answered[1])


def first_question(report: Report, saved: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return use_cases().drafting.next_question(report, saved)


def document_turn(saved: dict[str, Any], data: bytes, name: str) -> tuple[str, dict[str, Any]]:
    return use_cases().drafting.document_turn(saved, data, name)


def stream_text(text: str, size: int = 24) -> Iterator[str]:
    """The reply in small pieces, for st.write_stream."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


def chart_rows(agency: str, draft: Report) -> dict[int, KeyFigures]:
    from nianbao.usecases.figures import chart_rows

    return chart_rows(use_cases().knowledge, agency, draft)


# ---- review ------------------------------------------------------------------------------------


def review_report(report: Report, previous: Report | None) -> Review:
    return use_cases().reviewing.review(report, previous)


def review_page_html(result: Review, name: str = "", unverified: list[tuple[str, str]] | None = None) -> str:
    return use_cases().reviewing.page_html(result, name, unverified)


def read_upload(data: bytes, name: str) -> Report:
    return use_cases().reviewing.read_upload(data, name)


# ---- knowledge base ----------------------------------------------------------------------------


def knowledge_base() -> Any:
    return use_cases().knowledge.base


def previous_report(agency: str, year: int) -> Report | None:
    return use_cases().knowledge.previous_report(agency, year)


def known_bodies() -> list[str]:
    return use_cases().knowledge.known_bodies()


def search_knowledge_base(query: str, agency: str | None = None, k: int = 8) -> list[Any]:
    return use_cases().knowledge.search(query, agency, k)


def admin_password_set() -> bool:
    return use_cases().knowledge.admin_password_set()


def admin_password_matches(given: str, client: str = "") -> bool:
    return use_cases().knowledge.admin_password_matches(given, client)


def add_to_knowledge_base(
    data: bytes, name: str, password: Any, replace: bool = False, agency: str | None = None
) -> str:
    return use_cases().knowledge.add_upload(data, name, password, replace, agency=agency)


def remove_from_knowledge_base(report_id: str, password: Any) -> Any:
    return use_cases().knowledge.remove(report_id, password)
