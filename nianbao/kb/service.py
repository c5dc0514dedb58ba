"""The knowledge base of past reports: add, list, show, remove, hybrid search, figures by year, reindex.

The CLI (``nianbao kb``) and the app's admin page are thin layers over :class:`KnowledgeBase`. Each store
has one job: the records, the paragraphs' text, the word index and the journal are in SQLite
(nianbao.kb.records), the paragraphs' vectors in Chroma (nianbao.kb.store).
"""

from __future__ import annotations

import builtins
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from nianbao.access import Password, require_admin
from nianbao.checker import check_report
from nianbao.errors import NianbaoError
from nianbao.kb import legacy
from nianbao.kb.agency import agency_level, agency_region
from nianbao.kb.chunks import PREAMBLE, ChunkText
from nianbao.kb.embeddings import Embedder, HashingEmbedder, embedder_from_settings
from nianbao.kb.ingest import Preparation, Prepared, PrepareFailure, embedding_text, paragraphs_of, prepare_all
from nianbao.kb.lexical import TOKENS_VERSION, tokenize
from nianbao.kb.models import (
    AddResult,
    DuplicateReportError,
    FigureRow,
    FiguresTable,
    KbStats,
    KnowledgeBaseError,
    ReportDetail,
    ReportNotFoundError,
    SearchHit,
    StoredReport,
)
from nianbao.kb.records import Filters, NewReport, Paragraph, RecordStore, ReportRows, records_path
from nianbao.kb.store import VectorStore
from nianbao.model import CellNumber, Report
from nianbao.schema import PART_NUMERALS, ReportFormat, TableId, addresses
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
# The local embedding is itself made of character n-grams, so it mostly confirms BM25; giving it half
# BM25's weight in the fusion raised MRR on bench/retrieval_queries.json (0.95 -> 0.98, recall@5 1.0 both).
DENSE_WEIGHT = 0.5
WIDE_SEARCH_LIMIT = 200  # Chroma at 10k paragraphs: n 30 -> 0.6 ms, n 1000 -> about 40 ms (loaded)
BATCH_SIZE = 64  # reports written at most in one transaction
SMALLEST_BATCH = 32  # written early, when the next file is not prepared yet (Chroma costs more a vector below)
LAYOUT_KEY, LAYOUT = "layout", "sqlite-records-1"
TOKENS_KEY = "tokens"
VECTORS_KEY = "vectors"  # the local embedding (name:dimension) the vectors were last found to be made with
EMBED_PAGE = 2000
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}
PLACE_UNITS = ("县", "区", "市", "省", "旗", "州")
KEY_TABLE_COLUMNS = {TableId.REQUESTS: {"总计"}, TableId.APPEALS: {"总计"}}


class KnowledgeBase:
    """Past reports: their structured content and their narrative, searchable by words and by vectors."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        prefix: str = "nianbao",
        pending_grace_seconds: float | None = None,
    ) -> None:
        self.settings = settings  # received, never read from the environment here
        self.embedder = embedder or embedder_from_settings(self.settings)
        self.prefix = prefix
        self.records = RecordStore(records_path(self.settings, prefix))
        self._vectors: VectorStore | None = None
        self._vectors_lock = threading.Lock()
        # On a shared server another instance may be in the middle of an add: leave its fresh vectors alone.
        self._grace = pending_grace_seconds
        self._record_cache: builtins.list[StoredReport] | None = None
        self._record_version = -1
        self._record_views: _RecordViews | None = None
        self.migrated = self.migrate() if self.records.setting(LAYOUT_KEY) != LAYOUT else 0
        if self.records.setting(TOKENS_KEY) != TOKENS_VERSION:
            self._tokenize_again()
        if self.records.unfinished():
            self.recover()
        label = _local_label(self.embedder)
        self.embedded_again = self.embed_again() if label and self.records.setting(VECTORS_KEY) != label else 0

    @property
    def vectors(self) -> VectorStore:
        """The Chroma side, opened on first use (listing, showing and figures never need it)."""
        with self._vectors_lock:
            if self._vectors is None:
                self._vectors = VectorStore(self.settings, self.embedder, self.prefix)
            return self._vectors

    @property
    def grace_seconds(self) -> float:
        if self._grace is not None:
            return self._grace
        return 600.0 if self.settings.uses_chroma_server else 0.0

    # -- adding ------------------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        agency: str | None = None,
        year: int | None = None,
        replace: bool = False,
        strict: bool = True,
        *,
        password: Password = None,
    ) -> builtins.list[AddResult]:
        """Add report files (or every report file in folders); with ``strict`` the first failure is raised,
        else each refused file is reported (status ``failed``) and the others are added.

        ``password``: the admin password (see nianbao.access); a wrong or missing one raises AdminPasswordError.

        Files are stored in batches; each batch is one SQLite transaction (its vectors written just before),
        so a failure leaves the store as it was before that batch.
        """
        require_admin(self.settings, password)
        files = expand_paths(paths)
        dimension = self.embedder.dimension if isinstance(self.embedder, HashingEmbedder) else None
        batch = _Batch(self.records)
        known = {p: stored for p in files if (h := file_hash(p)) and (stored := batch.with_hash(h))}
        fresh = [p for p in files if p not in known]
        results: builtins.list[AddResult] = [_duplicate(p, stored) for p, stored in known.items()]

        def write_while_waiting() -> None:
            if len(batch.items) >= SMALLEST_BATCH:
                self._write(batch)

        how = Preparation(records=self.records.path, local_dimension=dimension)
        for item in prepare_all(fresh, self.settings.read_limits, (agency, year), how, write_while_waiting):
            try:
                results.append(self._admit(item, batch, replace))
            except NianbaoError as e:
                if strict:
                    self._write(batch)
                    raise
                results.append(AddResult(path=str(item.path), status="failed", message=e.message))
            if len(batch.items) >= BATCH_SIZE:
                self._write(batch)
        self._write(batch)
        order = {str(p): i for i, p in enumerate(files)}
        return sorted(results, key=lambda r: order.get(r.path, 0))

    def add_file(
        self,
        path: str | Path,
        agency: str | None = None,
        year: int | None = None,
        replace: bool = False,
        *,
        password: Password = None,
    ) -> AddResult:
        """Read, check and store one report; nothing is written when anything fails."""
        return self.add([Path(path)], agency, year, replace, password=password)[0]

    def _admit(self, item: Prepared | PrepareFailure, batch: _Batch, replace: bool) -> AddResult:
        """Decide what to do with a prepared file and queue it in the batch (raises when it is refused)."""
        if isinstance(item, PrepareFailure):
            raise item.error()
        path = str(item.path)
        if (same := batch.with_hash(item.content_hash)) is not None:
            return _duplicate(item.path, same)
        slot = (item.agency, item.year)
        if slot in batch.pending_slots:
            self._write(batch)  # let an earlier file of this batch land first, then replace it as usual
        old = batch.in_slot(*slot)
        if old is not None and not replace:
            raise DuplicateReportError(
                f"知识库中已有{old.agency} {old.year} 年度的报告（ID {old.id}，来自 {old.source}）。"
                "如要用新文件替换，请加 --replace。"
            )
        rows = self._rows_checked_against_last_year(item, batch)
        stored = _stored_report(item, rows)
        batch.queue(item, stored, rows, old)
        if old is None:
            return AddResult(path=path, status="added", report=stored, message="已添加。")
        return AddResult(
            path=path, status="replaced", report=stored, replaced_id=old.id, message=f"已替换原报告 {old.id}。"
        )

    def _rows_checked_against_last_year(self, item: Prepared, batch: _Batch) -> ReportRows:
        """The report's rows, its findings checked with last year's report when the store has it (the cross-year
        rules). The reader worker checked it against the one stored then; it is checked again here only when
        last year's is another: one queued by this add, or stored or removed since."""
        previous = batch.in_slot(item.agency, item.year - 1)
        previous_id = previous.id if previous else None
        if previous_id == item.checked_against:
            return item.rows
        last_year = self._report_queued_or_stored(previous_id, batch) if previous_id else None
        return item.rows.with_findings(check_report(item.report(), last_year).findings)

    def _report_queued_or_stored(self, report_id: str, batch: _Batch) -> Report | None:
        queued = batch.prepared.get(report_id)
        if queued is not None:
            return queued.report()
        found = self.records.report(report_id)
        return found[0] if found else None

    def _write(self, batch: _Batch) -> None:
        """Store a batch: note its vector ids in the journal, write the vectors, commit the records in one
        transaction, then delete the vectors of the reports it replaced. What a killed write left in Chroma is
        deleted when the store is next opened; the records are never half written."""
        if not batch.items:
            return
        new = [NewReport(stored, rows) for _item, stored, rows, _old in batch.items]
        replaced = [old.id for *_rest, old in batch.items if old is not None]
        written = [i for report in new for i in report.rows.paragraph_ids]
        dropped = [i for report_id in replaced for i in self.records.paragraph_ids(report_id)]
        vectors = _stack([self._vectors_of(item) for item, *_rest in batch.items])
        change = self.records.begin(written + dropped)
        try:
            self._write_change(change, new, replaced, written, vectors, dropped)
        finally:
            self._record_cache = None
            self.records.settled(change)  # finished, or left for recovery when the store is next opened
        batch.written()

    def _write_change(
        self,
        change: str,
        new: builtins.list[NewReport],
        replaced: builtins.list[str],
        written: builtins.list[str],
        vectors: np.ndarray,
        dropped: builtins.list[str],
    ) -> None:
        try:
            self.vectors.add(written, vectors)
            self.records.write(new, replaced, change)
        except BaseException:
            self.vectors.delete(written)
            self.records.finish(change)
            raise
        self.vectors.delete(dropped)
        self.records.finish(change)

    def _vectors_of(self, item: Prepared) -> np.ndarray:
        return item.embeddings if item.embeddings is not None else self._embed(item.texts or [])

    def _embed(self, texts: builtins.list[str]) -> np.ndarray:
        vectors = self.embedder.embed(texts) if texts else []
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def ensure_corpus(self, path: str | Path, *, password: Password = None) -> builtins.list[AddResult]:
        """Load the reference reports in ``path`` when the knowledge base is empty (``make run``)."""
        require_admin(self.settings, password)
        if self._records():
            return []
        return self.add(path, strict=False, password=password)

    # -- reading -----------------------------------------------------------------------------------------

    def list(self) -> builtins.list[StoredReport]:
        """Every stored report, by body then year."""
        return sorted(self._records(), key=lambda r: (r.agency, r.year))

    def show(self, report_id: str) -> ReportDetail:
        """A stored report with its cells, parts and findings."""
        stored = self._find(report_id)
        found = self.records.report(stored.id)
        if found is None:  # removed meanwhile by another process
            self._record_cache = None
            raise ReportNotFoundError(f"知识库中没有 ID 为 {report_id} 的报告（可能刚被删除）。")
        report, findings = found
        return ReportDetail(stored=stored, report=report, findings=findings)

    def remove(self, report_id: str, *, password: Password = None) -> StoredReport:
        """Remove a report and its paragraphs (``password``: the admin password, see nianbao.access)."""
        require_admin(self.settings, password)
        stored = self._find(report_id)
        self._record_cache = None
        ids = self.records.paragraph_ids(stored.id)
        change = self.records.begin(ids)
        try:
            self.records.remove(stored.id, change)
            self.vectors.delete(ids)
            self.records.finish(change)
        finally:
            self.records.settled(change)
        return stored

    def figures(self, agency: str, all_cells: bool = False) -> FiguresTable:
        """A body's table figures by year (key figures, or every cell with ``all_cells``)."""
        name = self._one_agency(agency)
        stored = sorted(self._records({"agency": [name]}), key=lambda r: r.year)
        table = FiguresTable(agency=name, years=[s.year for s in stored], report_ids={s.year: s.id for s in stored})
        cells = self.records.cells([s.id for s in stored])
        newest = self.show(stored[-1].id).report if stored else None
        table.rows = _figure_rows({s.year: cells[s.id] for s in stored}, newest, all_cells)
        return table

    def stats(self) -> KbStats:
        """Bodies, years, counts, size on disk and the embedding the store was built with."""
        records = self._records()
        levels: dict[str, int] = {}
        for record in records:
            levels[record.level] = levels.get(record.level, 0) + 1
        recorded = self.vectors.recorded_embedding() or (self.embedder.name, 0)
        size = self.vectors.size_on_disk()
        return KbStats(
            reports=len(records),
            chunks=self.records.paragraph_count(),
            bodies=sorted({r.agency for r in records}),
            years=sorted({r.year for r in records}),
            reports_by_level=levels,
            size_bytes=None if size is None else size + _file_size(self.records.path),
            embedding=recorded[0],
            dimension=recorded[1],
            location=self.vectors.location,
        )

    # -- search ------------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        agency: str | None = None,
        year: int | None = None,
        section: str | None = None,
        level: str | None = None,
        mode: SearchMode = "hybrid",
    ) -> builtins.list[SearchHit]:
        """The ``k`` paragraphs that best answer a query: vector similarity and BM25 fused by reciprocal rank.

        Without an ``agency`` filter, a stored body that the query names (鹿邑县…, 淮安市…) becomes the filter.
        """
        named = self.bodies_named_in(query) if not agency else []
        filters = self._filters(agency, year, section, level)
        if filters is not None and named:
            filters = {**filters, "agency": named}
        if filters is None or not query.strip():
            return []
        depth = max(4 * k, 20)
        dense = self._dense(query, depth, filters) if mode != "lexical" else []
        lexical = self.records.search_words(tokenize(query), depth, filters) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def _dense(self, query: str, n: int, filters: Filters) -> builtins.list[tuple[str, float]]:
        """Nearest paragraphs by vector under the filters (applied in SQL to a wider unfiltered search).

        Chroma's own ways to filter cost time in proportion to the whole store (asked among a list of ids,
        or fetching vectors by id: 25-55 ms each at 10k paragraphs on this loaded machine, even for 18 ids),
        while its plain nearest-neighbour search stays near a millisecond. So the vector side of a filtered
        search is the nearest few hundred paragraphs that pass the filter; when the filter keeps few of the
        store, the word side finds them. A vector without a paragraph (left by a killed add) is dropped.
        """
        vector = np.asarray(self.embedder.embed([query])[0], dtype=np.float32)
        total = self.records.paragraph_count()
        hits = self.vectors.query(vector, min(total, WIDE_SEARCH_LIMIT if filters else n + n // 2))
        allowed = set(self.records.select(filters, among=[cid for cid, _d in hits]))
        return [hit for hit in hits if hit[0] in allowed][:n]

    def _fuse(
        self, dense: builtins.list[tuple[str, float]], lexical: builtins.list[tuple[str, float]], k: int
    ) -> builtins.list[SearchHit]:
        """Reciprocal rank fusion; a paragraph one side did not return counts as ranked just below that side's
        list. Without that, a paragraph first by its words and just past the vector side's depth lost to
        paragraphs both sides ranked middling (bench/bench_retrieval.py at 384 dimensions: hybrid recall@5
        0.969 -> 1.000, MRR 0.956 -> 0.971; at 1024 unchanged recall 1.000, MRR 0.977 -> 0.969)."""
        scores: dict[str, float] = {}
        dense_rank = {cid: rank for rank, (cid, _d) in enumerate(dense, 1)}
        lexical_rank = {cid: rank for rank, (cid, _s) in enumerate(lexical, 1)}
        found = dense_rank.keys() | lexical_rank.keys()
        for ranks, weight in ((dense_rank, DENSE_WEIGHT), (lexical_rank, 1.0)):
            below = len(ranks) + 1
            for cid in found if ranks else ():
                scores[cid] = scores.get(cid, 0.0) + weight / (RRF_K + ranks.get(cid, below))
        best = sorted(scores, key=lambda c: (-scores[c], dense_rank.get(c, 10**9)))[:k]
        known = self.records.paragraphs(best)
        reports = {r.id: r for r in self.records.reports({"report_id": sorted({chunk_address(c)[0] for c in best})})}
        return [
            _hit(known[c], scores[c], reports[report_id], dense_rank.get(c), lexical_rank.get(c))
            for c in best
            if c in known and (report_id := chunk_address(c)[0]) in reports
        ]

    def _filters(self, agency: str | None, year: int | None, section: str | None, level: str | None) -> Filters | None:
        """Metadata filters; None when a filter can match nothing (an agency not in the store)."""
        filters: dict[str, Sequence[str | int]] = {}
        if agency:
            names = self.match_agencies(agency)
            if not names:
                return None
            filters["agency"] = names
        if year is not None:
            filters["year"] = [int(year)]
        if section:
            filters["part"] = [normalize_section(section)]
        if level:
            filters["level"] = [level]
        return filters

    def bodies_named_in(self, query: str) -> builtins.list[str]:
        """Stored bodies whose name or place (鹿邑县人民政府, 鹿邑县, 鹿邑) appears in the query."""
        views = self._views()
        named: set[str] = set()
        for start in range(len(query)):
            for end in range(start + 2, min(len(query), start + views.longest_alias) + 1):
                named.update(views.bodies_by_alias.get(query[start:end], ()))
        return sorted(named)

    def match_agencies(self, text: str) -> builtins.list[str]:
        """Stored bodies a user means by ``text``: the exact name, else every name or region containing it."""
        records = self._records()
        names = sorted({r.agency for r in records})
        if text in names:
            return [text]
        regions = {r.agency: r.region for r in records}
        return [n for n in names if text in n or text in regions.get(n, "")]

    def warm_up(self) -> threading.Thread:
        """Open Chroma and load its vector index in the background (the first dense search would wait for it)."""
        thread = threading.Thread(target=self._warm_up, name="nianbao-kb-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_up(self) -> None:
        try:
            if self.records.paragraph_count():
                self.vectors.query(np.asarray(self.embedder.embed(["预热"])[0], dtype=np.float32), 1)
        except Exception:  # the first search opens it again and reports the error to the user
            logger.exception("知识库向量索引预加载失败")

    # -- maintenance -------------------------------------------------------------------------------------

    def reindex(self, *, password: Password = None) -> int:
        """Rebuild every paragraph and vector from the stored reports with the configured embedding and the
        present chunking; returns the paragraph count."""
        require_admin(self.settings, password)
        staging = self.vectors.staging()
        rebuilt: builtins.list[NewReport] = []
        for stored in self._records():
            detail = self.show(stored.id)
            paragraphs, texts = paragraphs_of(stored.id, stored.agency, stored.year, detail.report)
            self.vectors.add([p.id for p in paragraphs], self._embed(texts), staging)
            counted = stored.model_copy(update={"chunk_count": len(paragraphs)})
            rebuilt.append(NewReport(counted, ReportRows.of(detail.report, detail.findings, paragraphs)))
        self.records.write(rebuilt, [r.stored.id for r in rebuilt], None)
        self.vectors.swap_in(staging)
        self._record_cache = None
        if label := _local_label(self.embedder):
            self.records.set_setting(VECTORS_KEY, label)
        return sum(len(r.rows.paragraph_ids) for r in rebuilt)

    def embed_again(self) -> int:
        """Embed every paragraph again from its text in the records when the vectors were made by the local
        embedding at another dimension (a store built when it had 1024) or are missing (a rebuild killed
        between dropping the old collection and naming the new one); returns the paragraphs embedded (0 when
        the vectors are right). Run when such a store is opened. Vectors of another embedding are left alone:
        a search then asks for ``nianbao kb reindex``."""
        label = _local_label(self.embedder)
        if label is None:
            return 0
        total = self.records.paragraph_count()
        recorded = self.vectors.recorded_embedding() if total or self._chroma_in_use() else None
        if recorded is not None and recorded[0] != self.embedder.name:
            return 0
        if recorded == (self.embedder.name, self.embedder.dimension) or (recorded is None and not total):
            self.records.set_setting(VECTORS_KEY, label)
            return 0
        logger.warning(
            "知识库的向量是按 %s 维建立的，正在按 %d 维重新计算：%d 个段落（只需一次）",
            recorded[1] if recorded else "未知",
            self.embedder.dimension,
            total,
        )
        staging = self.vectors.staging()
        for page in self.records.pages_of_texts(EMBED_PAGE):
            texts = [embedding_text(a, y, _chunk(p, n, title, text)) for _i, a, y, p, n, title, text in page]
            self.vectors.add([row[0] for row in page], self._embed(texts), staging)
        self.vectors.swap_in(staging)
        self.records.set_setting(VECTORS_KEY, label)
        return total

    def _chroma_in_use(self) -> bool:
        return self.settings.uses_chroma_server or (self.settings.data_dir / "chroma").exists()

    def migrate(self) -> int:
        """Move a store of the layout before SQLite (everything in Chroma) to this one; returns the reports
        moved (0 for a new or already moved store). Run when such a store is first opened, or by
        ``nianbao kb migrate``."""
        moved = 0
        if self._chroma_in_use() and legacy.needs_migration(self.vectors, self.prefix):
            moved = legacy.migrate(self.vectors, self.records, self.prefix)
            self.records.set_setting(TOKENS_KEY, TOKENS_VERSION)  # the migration tokenised them anew
            self._record_cache = None
        self.records.set_setting(LAYOUT_KEY, LAYOUT)
        return moved

    def _tokenize_again(self) -> None:
        """Index every paragraph with this version's tokens (a store indexed with another tokenisation)."""
        rows = self.records.texts()
        if rows:
            logger.warning("知识库检索索引正在按新的分词方式重建：%d 个段落", len(rows))
        tokens = (
            (chunk_id, " ".join(tokenize(embedding_text(agency, year, _chunk(part, number, title, text)))))
            for chunk_id, agency, year, part, number, title, text in rows
        )
        self.records.set_tokens(tokens, (TOKENS_KEY, TOKENS_VERSION))

    def recover(self) -> None:
        """Delete the vectors that interrupted adds and removes left in Chroma without a paragraph."""
        now = time.time()
        for change in self.records.unfinished():
            if change.started_at > now - self.grace_seconds or change.in_progress(now):
                continue  # a change still being made, here or by another process
            leftovers = self.records.without_paragraph(change.vector_ids)
            if leftovers:
                logger.warning("清理 %d 个未完成添加或删除留下的向量（上次操作中断）", len(leftovers))
                self.vectors.delete(leftovers)
            self.records.finish(change.id)

    def _records(self, filters: Filters | None = None) -> builtins.list[StoredReport]:
        """Stored reports (cached; read again when this or another process changed the store)."""
        version = self.records.version()
        if self._record_cache is None or version != self._record_version:
            self._record_cache = self.records.reports()
            self._record_version = version
        if not filters:
            return builtins.list(self._record_cache)
        wanted = {field: {str(v) for v in values} for field, values in filters.items()}
        return [r for r in self._record_cache if all(str(_field(r, f)) in v for f, v in wanted.items())]

    def _views(self) -> _RecordViews:
        """What searches need from the stored reports, computed once per change of the store."""
        state = self.records.state()
        if self._record_views is None or self._record_views.state != state:
            self._record_views = _RecordViews(self.records.bodies(), state)
        return self._record_views

    def _find(self, report_id: str) -> StoredReport:
        wanted = report_id.strip()
        records = self._records()
        matches = [r for r in records if r.id == wanted] or [
            r for r in records if len(wanted) >= 4 and r.id.startswith(wanted)
        ]
        if len(matches) != 1:
            raise ReportNotFoundError(f"知识库中没有 ID 为 {report_id} 的报告（可用 nianbao kb list 查看）。")
        return matches[0]

    def _one_agency(self, agency: str) -> str:
        names = self.match_agencies(agency)
        if not names:
            raise ReportNotFoundError(f"知识库中没有「{agency}」的报告。")
        if len(names) > 1:
            raise KnowledgeBaseError(f"「{agency}」对应多个机关：{'、'.join(names)}，请写全称。")
        return names[0]


def _local_label(embedder: Embedder) -> str | None:
    """``name:dimension`` of the local embedding (None for an endpoint's, whose dimension costs a call)."""
    return f"{embedder.name}:{embedder.dimension}" if isinstance(embedder, HashingEmbedder) else None


def _file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def body_aliases(agency: str, region: str) -> list[str]:
    """How a query may name a body: in full, by its place, or by the place without its unit (鹿邑县 -> 鹿邑)."""
    aliases = [agency, region]
    short = region[:-1] if region.endswith(PLACE_UNITS) else ""
    if len(short) >= 2:
        aliases.append(short)
    return [a for a in aliases if a]


def expand_paths(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """Files as given, and the report files in folders (recursively, in name order)."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    expanded: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            expanded.extend(
                p
                for p in sorted(item.rglob("*"))
                if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".")
            )
        else:
            expanded.append(item)
    return expanded


def normalize_section(section: str) -> str:
    """一 … 六 or 前言, from what a user types (一, 1, 五、存在的主要问题…, 前言)."""
    text = section.strip()
    if text in {PREAMBLE, "preamble", "0", "序言", "引言"}:
        return PREAMBLE
    if text.isdigit() and 1 <= int(text) <= len(PART_NUMERALS):
        return PART_NUMERALS[int(text) - 1]
    if text[:1] in PART_NUMERALS:
        return text[:1]
    raise KnowledgeBaseError(f"无法识别的部分：{section}（可用 一 至 六 或 前言）。")


def _duplicate(path: Path, stored: StoredReport) -> AddResult:
    return AddResult(path=str(path), status="duplicate", report=stored, message="该文件已在知识库中，未重复添加。")


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes (None when it cannot be read; the reader then says why)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def _stored_report(item: Prepared, rows: ReportRows) -> StoredReport:
    return StoredReport(
        id=item.report_id,
        agency=item.agency,
        year=item.year,
        region=agency_region(item.agency),
        level=agency_level(item.agency),
        format=item.format,
        title=item.title,
        source=item.path.name,
        content_hash=item.content_hash,
        size_bytes=item.size_bytes,
        chunk_count=len(item.rows.paragraph_ids),
        errors=rows.errors,
        warnings=rows.warnings,
        added_at=time.time(),
    )


def _field(stored: StoredReport, name: str) -> object:
    return stored.id if name == "report_id" else getattr(stored, name)


def _chunk(part: str, paragraph: int, title: str, text: str) -> ChunkText:
    return ChunkText(part=part, part_title=title, paragraph=paragraph, text=text)


def chunk_address(chunk_id: str) -> tuple[str, str, int]:
    """(report id, part, paragraph) of a chunk id ``<report id>:<part>:<paragraph>``."""
    report_id, part, paragraph = chunk_id.rsplit(":", 2)
    return report_id, part, int(paragraph)


def _stack(vectors: list[np.ndarray]) -> np.ndarray:
    non_empty = [v for v in vectors if len(v)]
    return np.vstack(non_empty).astype(np.float32) if non_empty else np.zeros((0, 1), np.float32)


BatchItem = tuple[Prepared, StoredReport, ReportRows, StoredReport | None]


class _Batch:
    """Reports queued for one atomic write. What the store already holds is looked up by index as each file
    comes (loading every stored report for each add cost more as the store grew: 1.5 ms CPU a report at 100k
    paragraphs, and reading each report's row from disk)."""

    def __init__(self, records: RecordStore) -> None:
        self._records = records
        self.items: list[BatchItem] = []
        self.pending_slots: set[tuple[str, int]] = set()
        self.prepared: dict[str, Prepared] = {}
        self._queued_by_hash: dict[str, StoredReport] = {}
        self._queued_by_slot: dict[tuple[str, int], StoredReport] = {}

    def with_hash(self, content_hash: str) -> StoredReport | None:
        """The report of a file with these bytes, queued by this add or stored."""
        if content_hash in self._queued_by_hash:
            return self._queued_by_hash[content_hash]
        return next(iter(self._records.reports({"content_hash": [content_hash]})), None)

    def in_slot(self, agency: str, year: int) -> StoredReport | None:
        """The report of this body and year, queued by this add or stored."""
        if (agency, year) in self._queued_by_slot:
            return self._queued_by_slot[(agency, year)]
        return next(iter(self._records.reports({"agency": [agency], "year": [year]})), None)

    def queue(self, item: Prepared, stored: StoredReport, rows: ReportRows, old: StoredReport | None) -> None:
        self.items.append((item, stored, rows, old))
        self._queued_by_hash[stored.content_hash] = stored
        self._queued_by_slot[(stored.agency, stored.year)] = stored
        self.pending_slots.add((stored.agency, stored.year))
        self.prepared[stored.id] = item

    def written(self) -> None:
        self.items = []
        self.pending_slots = set()
        self.prepared = {}


class _RecordViews:
    """The names a query may use for each stored body (read from an index, not from the reports' rows)."""

    def __init__(self, bodies: list[tuple[str, str]], state: tuple[int, int]) -> None:
        self.state = state
        self.bodies_by_alias: dict[str, set[str]] = {}
        for agency, region in bodies:
            for alias in body_aliases(agency, region):
                self.bodies_by_alias.setdefault(alias, set()).add(agency)
        self.longest_alias = max((len(a) for a in self.bodies_by_alias), default=0)


def _hit(
    paragraph: Paragraph, score: float, stored: StoredReport, dense_rank: int | None, lexical_rank: int | None
) -> SearchHit:
    fields: dict[str, object] = stored.model_dump()
    fields["report_id"] = fields.pop("id")
    fields |= {
        "chunk_id": paragraph.id,
        "text": paragraph.text,
        "part": paragraph.part,
        "paragraph": paragraph.paragraph,
        "part_title": paragraph.part_title,
        "score": score,
        "dense_rank": dense_rank,
        "lexical_rank": lexical_rank,
    }
    return SearchHit.model_validate(fields)


def _figure_rows(
    values: dict[int, dict[tuple[str, str, str], CellNumber | None]], newest: Report | None, all_cells: bool
) -> list[FigureRow]:
    fmt = newest.format if newest else ReportFormat.F2021
    rows: list[FigureRow] = []
    for table, row, column in addresses(fmt):
        if not all_cells and column not in KEY_TABLE_COLUMNS.get(table, {column}):
            continue
        label = newest.row_label(table, row) if newest else row
        per_year = {year: cells.get((table.value, row, column)) for year, cells in sorted(values.items())}
        rows.append(FigureRow(table=table, row=row, column=column, label=label, values=per_year))
    return rows
