"""Preparing report files for the knowledge base: read, check, chunk, tokenise and (locally) embed.

Preparation touches no store, so many files are prepared in worker processes while the knowledge base
writes the previous batch; the work per file (reading, the checker's rules, tokens, the local embedding) is
CPU-bound.

Each file is read with a time limit (nianbao.readers.guard, NIANBAO_READ_TIMEOUT), on both paths: with few
files the reader worker is this process's; in the pool each pool worker (single-threaded, so it forks)
keeps a reader worker of its own. A file that overruns is thus stopped alone and comes back as a
PrepareFailure (TIMEOUT) while the other files go on; the pool's own timeout could only abandon the whole
map, and cannot stop the one task that hangs. A file that fails in a way no reader foresaw (an exception
that is not ours) is a failure of that file too, never of the batch.

Pool workers die with the process that started them (Linux's parent-death signal): a ``kill -9`` of
``nianbao kb add`` must not leave workers blocked on the pool's pipe holding hundreds of MB.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nianbao.checker import check_report
from nianbao.errors import ErrorRecord, NianbaoError, ReadFailure, ReportReadError
from nianbao.kb.chunks import ChunkText, chunk_report
from nianbao.kb.embeddings import HashingEmbedder
from nianbao.kb.lexical import tokenize
from nianbao.kb.models import MissingReportInfoError
from nianbao.model import Finding, Report
from nianbao.readers import ReadLimits
from nianbao.readers.guard import read_report_guarded

logger = logging.getLogger(__name__)

PARALLEL_FROM = 8
PR_SET_PDEATHSIG = 1


@dataclass
class Prepared:
    """A report file ready to store: the report, its findings (without last year), chunks, tokens and vectors."""

    path: Path
    content_hash: str
    size_bytes: int
    report: Report
    findings: list[Finding]
    chunks: list[ChunkText]
    tokens: list[str]
    embeddings: np.ndarray | None = None


@dataclass
class PrepareFailure:
    """A file that could not be prepared, carried back from a worker as data (with its Chinese message)."""

    path: Path
    error_type: type[NianbaoError]
    message: str
    reason: ReadFailure | None = None

    def error(self) -> NianbaoError:
        return ErrorRecord(self.error_type, self.message, self.reason).error()


def embedding_text(agency: str, year: int, chunk: ChunkText) -> str:
    """What is embedded and indexed: the paragraph under a line naming the body, year and part."""
    return f"{agency} {year}年 {chunk.part_title}\n{chunk.text}"


def prepare_file(
    path: Path, limits: ReadLimits, agency: str | None, year: int | None, local_dimension: int | None
) -> Prepared | PrepareFailure:
    """Read, check, chunk, tokenise and embed one file (the local embedding only); failures as data."""
    try:
        return _prepare(Path(path), limits, agency, year, local_dimension)
    except ReportReadError as e:
        return PrepareFailure(Path(path), type(e), e.message, e.reason)
    except NianbaoError as e:
        return PrepareFailure(Path(path), type(e), e.message)
    except Exception as e:  # a reader's unforeseen error: this file is refused, the batch goes on
        logger.warning("读取 %s 时出现意外错误", path, exc_info=True)
        name = Path(path).name
        message = f"无法读取文件“{name}”（{type(e).__name__}），已跳过。请检查文件，或另存为 .docx 或 .txt 后再试。"
        return PrepareFailure(Path(path), ReportReadError, message, ReadFailure.DAMAGED)


def _prepare(path: Path, limits: ReadLimits, agency: str | None, year: int | None, dimension: int | None) -> Prepared:
    report = read_report_guarded(path, limits)
    data = path.read_bytes()
    resolve_identity(report, agency, year)
    chunks = chunk_report(report)
    texts = [embedding_text(report.agency or "", int(report.year or 0), c) for c in chunks]
    return Prepared(
        path=path,
        content_hash=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        report=report,
        findings=check_report(report).findings,
        chunks=chunks,
        tokens=[" ".join(tokenize(t)) for t in texts],
        embeddings=HashingEmbedder(dimension).embed_array(texts) if dimension else None,
    )


def resolve_identity(report: Report, agency: str | None, year: int | None) -> None:
    """The body and year: as given, else as read from the report; never guessed."""
    report.agency = (agency or report.agency or "").strip() or None
    report.year = year or report.year
    if not report.agency and not report.year:
        raise MissingReportInfoError("无法从报告中识别出机关名称和年度，请用 --agency 和 --year 指定。")
    if not report.agency:
        raise MissingReportInfoError("无法从报告中识别出机关名称，请用 --agency 指定（例如 --agency 鹿邑县人民政府）。")
    if not report.year:
        raise MissingReportInfoError("无法从报告中识别出报告年度，请用 --year 指定（例如 --year 2021）。")


def prepare_all(
    paths: list[Path], limits: ReadLimits, agency: str | None, year: int | None, local_dimension: int | None
) -> Iterator[Prepared | PrepareFailure]:
    """Prepared files in the order given; in worker processes when there are many and several CPUs."""
    args = (limits, agency, year, local_dimension)
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from (prepare_file(p, *args) for p in paths)
        return
    method = pool_start_method()
    context = multiprocessing.get_context(method)
    parent = (os.getpid(),)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=parent) as pool:
        count = len(paths)
        yield from pool.map(prepare_file, paths, *([a] * count for a in args), chunksize=4)


def pool_start_method() -> str:
    """Fork when this process runs a single thread; from a threaded one (the app) forking can copy a held
    lock into a worker and deadlock it, so workers then come from a fork server."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def _start_worker(parent: int) -> None:
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit now if it is already gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if not _alive(parent):  # it died before the signal was asked for
        os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
