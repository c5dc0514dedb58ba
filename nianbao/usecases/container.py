"""The composition root: the use cases of one configuration, each given its settings and components.

Imported by every command, so it imports the use cases only when it composes them: ``nianbao check`` builds
checking alone (``checking``), not drafting and its LLM workflows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING

from nianbao import logs
from nianbao.settings import Settings, get_settings

if TYPE_CHECKING:
    from nianbao.drafting.sources import ReportSource
    from nianbao.drafts import DraftStore
    from nianbao.kb.service import KnowledgeBase
    from nianbao.usecases.chat import Chat
    from nianbao.usecases.checking import Checking
    from nianbao.usecases.drafting import Drafting
    from nianbao.usecases.intake import Intake
    from nianbao.usecases.knowledge import Knowledge
    from nianbao.usecases.models import Models
    from nianbao.usecases.reviewing import Reviewing

__all__ = [
    "Settings",
    "UseCases",
    "checking",
    "compose",
    "configure_logging",
    "configured_settings",
    "past_reports",
    "session_use_cases",
]


@dataclass(frozen=True)
class UseCases:
    """Every use case of one configuration. Cheap to build: the components behind them are opened on first use
    and shared by the process (nianbao.usecases.components)."""

    settings: Settings
    models: Models
    knowledge: Knowledge
    checking: Checking
    reviewing: Reviewing
    intake: Intake
    drafting: Drafting
    chat: Chat

    def draft_store(self) -> DraftStore:
        """The draft store of this configuration's data folder (opened once per folder)."""
        from nianbao.usecases import components

        return components.draft_store(self.settings)


def configure_logging(level: int, fmt: str) -> None:
    """Logging for the app: every record redacted, of this process's configured secrets too (nianbao.logs)."""
    logs.configure_logging(level, fmt, lambda: logs.secrets_of(configured_settings()))


def configured_settings() -> Settings:
    """The settings of this process (.env and the environment), read once: the shells start from them."""
    return get_settings()


def session_use_cases(local_model_chosen: bool) -> UseCases:
    """The use cases of one session of the app: this process's settings, drafting and reading figures with the
    local model when the session chose it (the page passes its choice in), the search index warmed as the
    knowledge base opens."""
    settings = configured_settings()
    if local_model_chosen and settings.llm != "local":
        settings = settings.model_copy(update={"llm": "local"})
    return compose(settings, warm_up=True)


def compose(
    settings: Settings,
    report_source: ReportSource | None = None,
    *,
    warm_up: bool = False,
    own_kb: bool = False,
) -> UseCases:
    """The use cases for these settings (the app passes its session's, the command line its own).

    The drafters ground on the knowledge base's past reports, or on ``report_source`` when given (the
    command's --previous files, the shipped corpus). ``warm_up``: the knowledge base builds its search
    index in the background as it opens (the app). ``own_kb``: the knowledge base is opened for these use cases
    alone, not shared by the process (``nianbao kb``: what it reports is what this command's opening found).
    """
    from nianbao.usecases import components
    from nianbao.usecases.chat import Chat
    from nianbao.usecases.drafting import Drafting
    from nianbao.usecases.intake import Intake
    from nianbao.usecases.models import Models
    from nianbao.usecases.reviewing import Reviewing

    models = Models(settings, components.chat_model)
    open_kb = cache(partial(components.own_knowledge_base, settings)) if own_kb else None
    knowledge = _knowledge(settings, open_kb or partial(components.knowledge_base, settings, warm_up))
    checking = _checking(settings, knowledge)
    open_source = partial(components.report_source, settings) if report_source is None else lambda: report_source
    intake, drafting = Intake(models, knowledge), Drafting(models, open_source)
    return UseCases(
        settings=settings,
        models=models,
        knowledge=knowledge,
        checking=checking,
        reviewing=Reviewing(settings, knowledge, checking),
        intake=intake,
        drafting=drafting,
        chat=Chat(intake, drafting),
    )


def checking(settings: Settings) -> Checking:
    """Checking alone, for these settings (``nianbao check`` and ``nianbao cells``: a process that starts fast);
    the same as ``compose(settings).checking``."""
    return _checking(settings, _knowledge(settings, partial(_knowledge_base, settings)))


def _knowledge_base(settings: Settings) -> KnowledgeBase:
    from nianbao.usecases import components  # the draft store and the local model's server: not for a check

    return components.knowledge_base(settings)


def _knowledge(settings: Settings, open_kb: Callable[[], KnowledgeBase]) -> Knowledge:
    from nianbao.usecases.knowledge import Knowledge

    return Knowledge(settings, open_kb)


def _checking(settings: Settings, knowledge: Knowledge) -> Checking:
    """Reports read within the settings' limits, last year looked up in the knowledge base's records."""
    from nianbao.usecases.checking import Checking

    return Checking(settings.read_limits, knowledge.last_year)


def past_reports(settings: Settings, files: list[str], from_kb: bool) -> ReportSource:
    """The past reports a command drafts on: the files given (read within the settings' limits), else the
    knowledge base when asked for, else the reference reports shipped in corpus/."""
    from nianbao.usecases import components

    if files:
        from nianbao.drafting.sources import ReportList
        from nianbao.readers.guard import read_report_guarded

        return ReportList(read_report_guarded(path, settings.read_limits) for path in files)
    return components.report_source(settings) if from_kb else components.corpus_source(settings)
