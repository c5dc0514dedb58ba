"""The components the use cases are given, each built here and only here, once per configuration.

The knowledge base opens Chroma and warms its vector index (seconds on a large store), so one instance
serves every session of a process; likewise the draft store and the reference reports of corpus/.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from nianbao.drafts import DraftStore
from nianbao.errors import NianbaoError
from nianbao.localmodel import local_server
from nianbao.settings import Settings

if TYPE_CHECKING:
    from nianbao.drafting.sources import ReportList, ReportSource
    from nianbao.kb.service import KnowledgeBase
    from nianbao.readers import ReadLimits

log = logging.getLogger(__name__)

KEPT_OPEN = 4  # knowledge bases kept open at once (tests open one per data folder)
_open: OrderedDict[tuple[str, str, int | None], KnowledgeBase] = OrderedDict()
_open_lock = threading.Lock()


def draft_store(settings: Settings) -> DraftStore:
    """The draft store of the configured data folder."""
    return _draft_store(str(settings.data_dir))


@lru_cache(maxsize=8)
def _draft_store(data_dir: str) -> DraftStore:
    return DraftStore.in_data_dir(data_dir)


def knowledge_base(settings: Settings, warm_up: bool = False) -> KnowledgeBase:
    """The knowledge base of the configured data folder or Chroma server, opened once per process.

    ``warm_up``: its search index is built in the background as it opens (the app, where the first search
    should not wait; a command reads it only if it searches).
    """
    key = (str(settings.data_dir), settings.chroma_host or "", settings.chroma_port)
    with _open_lock:
        if key in _open:
            _open.move_to_end(key)
            return _open[key]
    kb = own_knowledge_base(settings)
    if warm_up:
        kb.warm_up()
    with _open_lock:
        kb = _open.setdefault(key, kb)
        while len(_open) > KEPT_OPEN:
            _open.popitem(last=False)
    return kb


def own_knowledge_base(settings: Settings) -> KnowledgeBase:
    """A knowledge base opened for one caller alone (a command: it runs once, and opening it migrates an old store)."""
    from nianbao.kb.service import KnowledgeBase  # Chroma: loaded on first use

    return KnowledgeBase(settings)


def report_source(settings: Settings) -> ReportSource:
    """The past reports the drafters ground on: the knowledge base's."""
    from nianbao.drafting.kbsource import KnowledgeBaseSource

    return KnowledgeBaseSource(knowledge_base(settings))


def corpus_source(settings: Settings) -> ReportList:
    """The reports shipped in corpus/, read once (within the settings' read limits), in memory."""
    return _corpus_source(settings.read_limits)


@lru_cache(maxsize=1)
def _corpus_source(limits: ReadLimits) -> ReportList:
    from nianbao.drafting.sources import ReportList
    from nianbao.readers.guard import read_report_guarded
    from nianbao.resources import corpus_files

    reports = []
    for path in corpus_files():
        try:
            reports.append(read_report_guarded(path, limits))
        except NianbaoError:
            log.warning("corpus file %s could not be read", path.name)
    return ReportList(reports)


def chat_model(settings: Settings) -> Any:
    """The chat model the settings name (None offline); the local model's server is started first when chosen."""
    if settings.llm == "local":
        local_server(settings).ensure()
    from agents.llm import chat_model_from_settings  # LangChain: loaded on first use

    return chat_model_from_settings(settings)
