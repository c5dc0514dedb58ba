"""What the pages call besides this session's use cases (app_pages.common.use_cases): the calls that do not
depend on the session's choice of model.

The work is in nianbao.usecases, shared with the ``nianbao`` command; each one-line function below is the use
case of the same name, documented there. Add work to a use case, never here.
"""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.usecases import drafts
from nianbao.usecases.container import Settings, compose, configured_settings
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


def settings() -> Settings:
    """The settings of this process."""
    return configured_settings()


# ---- the sidebar -------------------------------------------------------------------------------


def local_model_status() -> LocalModelStatus:
    return compose(settings()).models.local_model_status()


def start_local_model(retry: bool = False) -> LocalModelStatus:
    return compose(settings()).models.start_local_model(retry)


# ---- drafts ------------------------------------------------------------------------------------


def draft_store() -> DraftStore:
    return drafts.draft_store(settings())


def stream_text(text: str, size: int = 24) -> Iterator[str]:
    """The reply in small pieces, for st.write_stream."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


# ---- review ------------------------------------------------------------------------------------


# ---- knowledge base ----------------------------------------------------------------------------
