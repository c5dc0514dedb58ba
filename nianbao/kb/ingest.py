"""Preparing report files for the knowledge base: read, check, chunk, tokenise and (locally) embed.

Preparation touches no store, so the next files are prepared while the knowledge base writes the previous
batch. Each file is read with a time limit in one of the reused reader workers of nianbao.readers.guard
(NIANBAO_READ_TIMEOUT): a file that overruns is stopped alone and comes back as a PrepareFailure (TIMEOUT)
while the other files go on, and a file that fails in a way no reader foresaw (an exception that is not
ours) is a failure of that file too, never of the batch.

Two files are prepared at a time, in threads of this process, so that two reader workers read while this
process checks, tokenises and embeds (the readers' wait releases the interpreter). A pool of processes did
this before: it forked two workers per add, each starting a reader worker of its own, and shipped every
report through two pipes, which cost about 9 ms of CPU per report (20 against 11 ms, 100 reports per add),
more than the parallel work saved on two busy cores. The reader workers die with this process (their
lifeline pipe), so a ``kill -9`` of ``nianbao kb add`` leaves no worker behind.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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

AT_ONCE = 2  # files prepared at a time (reader workers busy at once)
AHEAD = 4  # files prepared ahead of the one the caller waits for: memory stays bounded for any folder


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
    """Prepared files in the order given, ``AT_ONCE`` at a time and at most ``AHEAD`` ahead of the caller."""
    args = (limits, agency, year, local_dimension)
    if len(paths) < 2:
        yield from (prepare_file(p, *args) for p in paths)
        return
    threads = ThreadPoolExecutor(AT_ONCE, thread_name_prefix="nianbao-kb-prepare")
    pending: deque[Future[Prepared | PrepareFailure]] = deque()
    try:
        for path in paths:
            pending.append(threads.submit(prepare_file, path, *args))
            if len(pending) > AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # also when the caller stops early (a refused file in a strict add): drop what was not started
        threads.shutdown(wait=True, cancel_futures=True)
