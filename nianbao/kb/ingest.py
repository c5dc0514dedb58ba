"""Preparing report files for the knowledge base: read, check, chunk, tokenise, (locally) embed and serialise.

Preparation touches no store, so the next files are prepared while the knowledge base writes the previous
batch. All of it happens in one of the reused reader workers of nianbao.readers.guard, within the file's
time limit (NIANBAO_READ_TIMEOUT) and the worker's memory ceiling: a file that overruns is stopped alone
and comes back as a PrepareFailure (TIMEOUT) while the other files go on, and a file that fails in a way no
reader foresaw (an exception that is not ours) is a failure of that file too, never of the batch.

What comes back is what the records store writes, already serialised (the report's JSON, its cells and
findings as rows, the paragraphs' tokens, the vectors as one array), so this process does not rebuild a
report model for each file: it only decides and writes. The checker, the tokens and the embedding ran in
threads of this process before, holding the interpreter while the writes waited for it (about 5 ms of wall
time a report lost to that contention, bench/bench_kb.py), and a pickled report cost more to load than its
JSON. The worker also checks the report against last year's report of its body when the records already
hold it (read-only, nianbao.kb.lastyear): that check costs about 10 ms, and adding this year's reports of
bodies already stored is the usual add.

Two files are prepared at a time, and up to a batch and a half ahead of the one the caller waits for (and
64 MB of files), so the workers go on while the knowledge base writes a batch; memory stays bounded for
any folder. The reader
workers die with this process (their lifeline pipe), so a ``kill -9`` of ``nianbao kb add`` leaves no
worker behind.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nianbao.checker import check_report
from nianbao.errors import ErrorRecord, NianbaoError, ReadFailure, ReportReadError
from nianbao.kb.chunks import ChunkText, chunk_report
from nianbao.kb.embeddings import HashingEmbedder
from nianbao.kb.lastyear import stored_report
from nianbao.kb.lexical import tokenize
from nianbao.kb.models import MissingReportInfoError
from nianbao.kb.records import Paragraph, ReportRows
from nianbao.model import Report
from nianbao.readers import ReadLimits, _load, read_report_bytes
from nianbao.readers.guard import REPORT_ADVICE, read_report_bytes_guarded, run_guarded

logger = logging.getLogger(__name__)

AT_ONCE = 2  # files prepared at a time (reader workers busy at once)
AHEAD = 96  # files prepared ahead of the one the caller waits for: 1.5 batches of the knowledge base's writes
AHEAD_BYTES = 64 * 1024 * 1024  # and their size: what waits in memory stays bounded whatever the files


@dataclass
class Prepared:
    """A report file ready to store: whose and which year, what is written about it, and its vectors (the
    local embedding's; with an endpoint's, the texts to embed)."""

    path: Path
    content_hash: str
    size_bytes: int
    agency: str
    year: int
    format: str
    title: str
    rows: ReportRows
    checked_against: str | None = None  # the id of last year's report the findings were checked with
    embeddings: np.ndarray | None = None
    texts: list[str] | None = None
    _report: Report | None = field(default=None, repr=False)

    @property
    def report_id(self) -> str:
        return report_id(self.content_hash)

    def report(self) -> Report:
        """The report model, loaded from its JSON when first asked (the cross-year check needs it)."""
        if self._report is None:
            self._report = Report.model_validate_json(self.rows.report_json)
        return self._report


@dataclass
class PrepareFailure:
    """A file that could not be prepared, carried back from a worker as data (with its Chinese message)."""

    path: Path
    error_type: type[NianbaoError]
    message: str
    reason: ReadFailure | None = None

    def error(self) -> NianbaoError:
        return ErrorRecord(self.error_type, self.message, self.reason).error()


Identity = tuple[str | None, int | None]  # the body and year given for every file (None: read from each)


@dataclass(frozen=True)
class Preparation:
    """How files are prepared for one knowledge base: its records file, where last year's reports are looked up
    (None: not checked against them), and the local embedding's dimension (None: an endpoint embeds later)."""

    records: Path | None
    local_dimension: int | None


def embedding_text(agency: str, year: int, chunk: ChunkText) -> str:
    """What is embedded and indexed: the paragraph under a line naming the body, year and part."""
    return f"{agency} {year}年 {chunk.part_title}\n{chunk.text}"


def prepare_file(path: Path, limits: ReadLimits, identity: Identity, how: Preparation) -> Prepared | PrepareFailure:
    """Read, check, chunk, tokenise and embed one file (the local embedding only); failures as data."""
    path = Path(path)
    try:
        return prepare_in_worker(path, limits, identity, how)
    except ReportReadError as e:
        return PrepareFailure(path, type(e), e.message, e.reason)
    except NianbaoError as e:
        return PrepareFailure(path, type(e), e.message)
    except Exception as e:  # an unforeseen error here: this file is refused, the batch goes on
        logger.warning("读取 %s 时出现意外错误", path, exc_info=True)
        message = f"无法读取文件“{path.name}”（{type(e).__name__}），已跳过。{REPORT_ADVICE}"
        return PrepareFailure(path, ReportReadError, message, ReadFailure.DAMAGED)


def prepare_in_worker(path: Path, limits: ReadLimits, identity: Identity, how: Preparation) -> Prepared:
    """The whole preparation in a reader worker; a file too large for that within the worker's memory ceiling
    is read there alone and prepared here (an 8.7 MB report of 60 000 paragraphs: its tokens, vectors and rows
    need more than the reading)."""
    data = _load(path, limits.max_bytes)
    args = (limits.max_bytes, identity, how)
    try:
        prepared = run_guarded(prepare_bytes, data, path.name, *args, limits=limits, advice=REPORT_ADVICE)
    except ReportReadError as e:
        if e.reason not in (ReadFailure.MEMORY, ReadFailure.CRASHED):
            raise
        logger.info("%s 在读取进程中准备时超出内存上限，改为只在读取进程中读取", path.name)
        report = read_report_bytes_guarded(data, path.name, limits)
        prepared = prepare_report(report, data, path.name, identity, how)
    prepared.path = path
    return prepared


def prepare_bytes(data: bytes, name: str, max_bytes: int, identity: Identity, how: Preparation) -> Prepared:
    """What a reader worker does for the knowledge base with one file's bytes."""
    return prepare_report(read_report_bytes(data, name, max_bytes), data, name, identity, how)


def prepare_report(report: Report, data: bytes, name: str, identity: Identity, how: Preparation) -> Prepared:
    """Check, chunk, tokenise, embed and serialise a report read from ``data``. It is checked against last year's
    when the records already hold it (the add checks it again only against one it queued meanwhile)."""
    resolve_identity(report, *identity)
    agency, year = report.agency or "", int(report.year or 0)
    last_year = stored_report(how.records, agency, year - 1) if how.records else None
    content_hash = hashlib.sha256(data).hexdigest()
    paragraphs, texts = paragraphs_of(report_id(content_hash), agency, year, report)
    dimension = how.local_dimension
    return Prepared(
        path=Path(name),
        content_hash=content_hash,
        size_bytes=len(data),
        agency=agency,
        year=year,
        format=report.format.value,
        title=report.title,
        rows=ReportRows.of(report, check_report(report, last_year[1] if last_year else None).findings, paragraphs),
        checked_against=last_year[0] if last_year else None,
        embeddings=HashingEmbedder(dimension).embed_array(texts) if dimension else None,
        texts=None if dimension else texts,
    )


def report_id(content_hash: str) -> str:
    """A stored report's id: the start of its file's SHA-256."""
    return content_hash[:12]


def paragraphs_of(report_id: str, agency: str, year: int, report: Report) -> tuple[list[Paragraph], list[str]]:
    """A report's paragraphs as stored (id ``<report id>:<part>:<n>``, also its vector's id; text and search
    tokens), and the text each is embedded and indexed by."""
    chunks = chunk_report(report)
    texts = [embedding_text(agency, year, c) for c in chunks]
    paragraphs = [
        Paragraph(
            f"{report_id}:{c.part}:{c.paragraph}", c.part, c.paragraph, c.part_title, c.text, " ".join(tokenize(t))
        )
        for c, t in zip(chunks, texts, strict=True)
    ]
    return paragraphs, texts


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
    paths: list[Path],
    limits: ReadLimits,
    identity: Identity,
    how: Preparation,
    while_waiting: Callable[[], object] = lambda: None,
) -> Iterator[Prepared | PrepareFailure]:
    """Prepared files in the order given, ``AT_ONCE`` at a time, and ahead of the caller by at most ``AHEAD``
    files and ``AHEAD_BYTES`` of them (always at least one).

    When the next file is not ready yet, ``while_waiting`` is called first (the knowledge base writes what it
    has queued), so that this process works while the workers do, instead of each waiting for the other.
    """
    args = (limits, identity, how)
    if len(paths) < 2:
        yield from (prepare_file(p, *args) for p in paths)
        return
    threads = ThreadPoolExecutor(AT_ONCE, thread_name_prefix="nianbao-kb-prepare")
    pending: deque[tuple[Future[Prepared | PrepareFailure], int]] = deque()
    ahead_bytes = 0

    def next_prepared() -> Prepared | PrepareFailure:
        nonlocal ahead_bytes
        future, size = pending.popleft()
        ahead_bytes -= size
        if not future.done():
            while_waiting()
        return future.result()

    try:
        for path in paths:
            size = _size(path)
            pending.append((threads.submit(prepare_file, path, *args), size))
            ahead_bytes += size
            while len(pending) > AHEAD or (len(pending) > 1 and ahead_bytes > AHEAD_BYTES):
                yield next_prepared()
        while pending:
            yield next_prepared()
    finally:  # also when the caller stops early (a refused file in a strict add): drop what was not started
        threads.shutdown(wait=True, cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0  # the reader says why it cannot be read
