"""The knowledge base of past reports: add, list, show, remove, hybrid search, figures by year, reindex.

The CLI (``nianbao kb``) and the app's admin page are thin layers over :class:`KnowledgeBase`.
"""

from __future__ import annotations

import builtins
import hashlib
import json
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
from nianbao.kb.agency import agency_level, agency_region
from nianbao.kb.chunks import PREAMBLE, ChunkText, chunk_report
from nianbao.kb.embeddings import Embedder, HashingEmbedder, embedder_from_settings
from nianbao.kb.ingest import Prepared, PrepareFailure, embedding_text, prepare_all
from nianbao.kb.lexical import Bm25Index, LexicalDoc, tokenize
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
from nianbao.kb.store import ChromaStore, Filters, Metadata
from nianbao.model import Finding, Report
from nianbao.schema import PART_NUMERALS, ReportFormat, TableId, addresses
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
# The local embedding is itself made of character n-grams, so it mostly confirms BM25; giving it half
# BM25's weight in the fusion raised MRR on bench/retrieval_queries.json (0.95 -> 0.98, recall@5 1.0 both).
DENSE_WEIGHT = 0.5
# Several app instances may share a Chroma server: re-read what others changed this often.
SERVER_REFRESH_SECONDS = 5.0
SEARCH_BY_ID_LIMIT = 2000
WIDE_SEARCH_LIMIT = 1000
BATCH_SIZE = 64
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}
PLACE_UNITS = ("县", "区", "市", "省", "旗", "州")
KEY_TABLE_COLUMNS = {TableId.REQUESTS: {"总计"}, TableId.APPEALS: {"总计"}}


class KnowledgeBase:
    """Past reports in Chroma: their structured content and their narrative, searchable."""

    def __init__(
        self,
        settings: Settings | Path | str | None = None,
        *,
        embedder: Embedder | None = None,
        prefix: str = "nianbao",
        pending_grace_seconds: float | None = None,
    ) -> None:
        self.settings = _settings(settings)
        self.embedder = embedder or embedder_from_settings(self.settings)
        self.store = ChromaStore(self.settings, self.embedder, prefix)
        # On a shared server another instance may be in the middle of an add: leave its fresh chunks alone.
        grace = pending_grace_seconds
        self._grace = grace if grace is not None else (600.0 if self.store.is_server else 0.0)
        self._lexical: Bm25Index | None = None
        self._lexical_built_at = 0.0
        self._lexical_lock = threading.RLock()
        self._record_cache: builtins.list[StoredReport] | None = None
        self._records_read_at = 0.0
        self._record_views: _RecordViews | None = None
        self.recover()

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
        """Add report files (or every report file in folders); with ``strict`` the first failure is raised.

        ``password``: the admin password (see nianbao.access); a wrong or missing one raises AdminPasswordError.

        Files are stored in batches; each batch is written atomically (its chunks, then its records in one
        upsert), so a failure leaves the store as it was before that batch.
        """
        require_admin(self.settings, password)
        files = expand_paths(paths)
        dimension = self.embedder.dimension if isinstance(self.embedder, HashingEmbedder) else None
        max_bytes = self.settings.max_file_mb * 1024 * 1024
        batch = _Batch(self._records())
        known = {p: batch.by_hash[h] for p in files if (h := file_hash(p)) in batch.by_hash}
        fresh = [p for p in files if p not in known]
        results: builtins.list[AddResult] = [_duplicate(p, stored) for p, stored in known.items()]
        for item in prepare_all(fresh, max_bytes, agency, year, dimension):
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
        if item.content_hash in batch.by_hash:
            return _duplicate(item.path, batch.by_hash[item.content_hash])
        slot = (item.report.agency or "", int(item.report.year or 0))
        if slot in batch.pending_slots:
            self._write(batch)  # let an earlier file of this batch land first, then replace it as usual
        old = batch.by_slot.get(slot)
        if old is not None and not replace:
            raise DuplicateReportError(
                f"知识库中已有{old.agency} {old.year} 年度的报告（ID {old.id}，来自 {old.source}）。"
                "如要用新文件替换，请加 --replace。"
            )
        findings = self._findings(item, batch)
        stored = _stored_report(item, findings)
        batch.queue(item, stored, findings, old)
        if old is None:
            return AddResult(path=path, status="added", report=stored, message="已添加。")
        return AddResult(
            path=path, status="replaced", report=stored, replaced_id=old.id, message=f"已替换原报告 {old.id}。"
        )

    def _findings(self, item: Prepared, batch: _Batch) -> builtins.list[Finding]:
        """The checker's findings, again with last year's report when the store has it (cross-year rules)."""
        report = item.report
        previous = batch.by_slot.get((report.agency or "", int(report.year or 0) - 1))
        if previous is None:
            return item.findings
        last_year = batch.reports.get(previous.id) or self.show(previous.id).report
        return check_report(report, last_year).findings

    def _write(self, batch: _Batch) -> None:
        """Store a batch atomically: note the change, write the chunks, commit all records in one upsert, then
        delete what the new reports replace; an interrupted write is undone when the store is next opened."""
        if not batch.items:
            return
        replaced = [old for *_rest, old in batch.items if old is not None]
        change = self.store.begin([stored.id for _item, stored, *_rest in batch.items], [old.id for old in replaced])
        ids: builtins.list[str] = []
        metadatas: builtins.list[Metadata] = []
        vectors, lexicons, docs = [], [], []
        for item, stored, _findings, _old in batch.items:
            chunk_ids, chunk_metadatas = _chunk_rows(stored, item.chunks)
            ids += chunk_ids
            metadatas += chunk_metadatas
            vectors.append(item.embeddings if item.embeddings is not None else self._embed_chunks(stored, item.chunks))
            words = _words_by_address(item.chunks, item.tokens)
            lexicons.append(json.dumps(words, ensure_ascii=False))
            docs += _lexical_docs(stored, words)
        try:
            self.store.add_chunks(ids, _stack(vectors), metadatas)
            self.store.put_records(*_record_rows(batch.items), lexicons)
        except BaseException:
            self.store.delete_chunks(ids)
            self.store.finish(change)
            raise
        finally:
            self._record_cache = None
        for old in replaced:
            old_ids = self.store.chunk_ids(old.id)
            self.store.delete_chunks(old_ids)
            self._lexical_remove(old_ids)
        self.store.finish(change)
        if self._lexical is not None:
            self._lexical.add(docs)
        batch.written()

    def _embed_chunks(self, stored: StoredReport, chunks: builtins.list[ChunkText]) -> np.ndarray:
        texts = [embedding_text(stored.agency, stored.year, c) for c in chunks]
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
        rows = self.store.records({"report_id": [stored.id]}, with_documents=True)
        if not rows:  # removed meanwhile by another instance sharing the server
            self._record_cache = None
            raise ReportNotFoundError(f"知识库中没有 ID 为 {report_id} 的报告（可能刚被删除）。")
        payload = _read_record_document(rows[0][2] or "")
        report = Report.model_validate(payload["report"])
        findings = [Finding.model_validate(f) for f in payload.get("findings", [])]
        return ReportDetail(stored=stored, report=report, findings=findings)

    def remove(self, report_id: str, *, password: Password = None) -> StoredReport:
        """Remove a report and its chunks (``password``: the admin password, see nianbao.access)."""
        require_admin(self.settings, password)
        stored = self._find(report_id)
        self._record_cache = None
        change = self.store.begin([], [stored.id])
        self.store.delete_record(_record_id(stored))
        ids = self.store.chunk_ids(stored.id)
        self.store.delete_chunks(ids)
        self.store.finish(change)
        self._lexical_remove(ids)
        return stored

    def figures(self, agency: str, all_cells: bool = False) -> FiguresTable:
        """A body's table figures by year (key figures, or every cell with ``all_cells``)."""
        name = self._one_agency(agency)
        stored = sorted(self._records({"agency": [name]}), key=lambda r: r.year)
        reports = {s.year: self.show(s.id).report for s in stored}
        table = FiguresTable(agency=name, years=sorted(reports), report_ids={s.year: s.id for s in stored})
        table.rows = _figure_rows(reports, all_cells)
        return table

    def stats(self) -> KbStats:
        """Bodies, years, counts, size on disk and the embedding the store was built with."""
        records = self._records()
        levels: dict[str, int] = {}
        for record in records:
            levels[record.level] = levels.get(record.level, 0) + 1
        recorded = self.store.recorded_embedding() or (self.embedder.name, 0)
        return KbStats(
            reports=len(records),
            chunks=self.store.chunk_count(),
            bodies=sorted({r.agency for r in records}),
            years=sorted({r.year for r in records}),
            reports_by_level=levels,
            size_bytes=self.store.size_on_disk(),
            embedding=recorded[0],
            dimension=recorded[1],
            location=self.store.location,
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
        lexical = self.lexical_index().search(query, depth, filters) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def _dense(self, query: str, n: int, filters: Filters) -> builtins.list[tuple[str, float]]:
        """Nearest chunks by vector, of committed reports only (a chunk id starts with its report id)."""
        vector = np.asarray(self.embedder.embed([query])[0], dtype=np.float32)
        committed = self._views().by_id
        hits = self._nearest(vector, n, filters)
        return [(cid, d) for cid, d in hits if cid.split(":", 1)[0] in committed]

    def _nearest(self, vector: np.ndarray, n: int, filters: Filters) -> builtins.list[tuple[str, float]]:
        """Chroma's nearest chunks under the filters.

        Chroma's own metadata filter is slow on a large store (hundreds of ms at 100k chunks), so the
        chunks that pass the filters are taken from the in-memory index: when they are few, their stored
        vectors are compared exactly; when many, they are picked from a wider unfiltered Chroma search.
        """
        if not filters:
            return self.store.query(vector, n)
        index = self.lexical_index()
        selection = index.select(filters)
        count = selection.count
        if count <= SEARCH_BY_ID_LIMIT:
            return self._exact_nearest(vector, n, selection.chunk_ids()) if count else []
        wide = min(len(index), WIDE_SEARCH_LIMIT, max(n, 2 * n * len(index) // count))
        hits = self.store.query(vector, wide)
        return [hit for hit in hits if selection.allows(hit[0])][:n]

    def _exact_nearest(
        self, vector: np.ndarray, n: int, allowed: builtins.list[str]
    ) -> builtins.list[tuple[str, float]]:
        """Cosine distance to each allowed chunk's stored vector, nearest first (few chunks: exact is cheap)."""
        ids, vectors = self.store.vectors(allowed)
        if not ids:
            return []
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(vector) or 1.0)
        distances = 1.0 - (vectors @ vector) / np.where(norms > 0, norms, 1.0)
        order = np.argsort(distances, kind="stable")[:n]
        return [(ids[i], float(distances[i])) for i in order]

    def _fuse(
        self, dense: builtins.list[tuple[str, float]], lexical: builtins.list[tuple[str, float]], k: int
    ) -> builtins.list[SearchHit]:
        scores: dict[str, float] = {}
        dense_rank = {cid: rank for rank, (cid, _d) in enumerate(dense, 1)}
        lexical_rank = {cid: rank for rank, (cid, _s) in enumerate(lexical, 1)}
        for ranks, weight in ((dense_rank, DENSE_WEIGHT), (lexical_rank, 1.0)):
            for cid, rank in ranks.items():
                scores[cid] = scores.get(cid, 0.0) + weight / (RRF_K + rank)
        best = sorted(scores, key=lambda c: (-scores[c], dense_rank.get(c, 10**9)))[:k]
        known = self.store.get_chunks(best)
        reports = self._views().by_id
        return [
            _hit(c, scores[c], reports[report_id], *known[c], dense_rank.get(c), lexical_rank.get(c))
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

    def lexical_index(self) -> Bm25Index:
        """The BM25 index, built from the store on first use (and refreshed on a shared server)."""
        with self._lexical_lock:  # searches arriving while it is built wait for that one build
            if self._lexical is None:
                self._lexical = Bm25Index(self._stored_lexical_docs())
                self._lexical_built_at = time.monotonic()
            elif self.store.is_server and time.monotonic() - self._lexical_built_at > SERVER_REFRESH_SECONDS:
                if not self._caught_up(self._lexical):
                    self._lexical = Bm25Index(self._stored_lexical_docs())
                self._lexical_built_at = time.monotonic()
            return self._lexical

    def _caught_up(self, index: Bm25Index) -> bool:
        """Bring the index up to what other instances sharing the server committed: drop the chunks of reports
        gone, add those of reports new. False when a new report has no lexicon (the index must be rebuilt)."""
        records = {r.id: r for r in self._records()}
        indexed = index.values("report_id")
        if gone := indexed - set(records):
            index.remove(index.select({"report_id": sorted(gone)}).chunk_ids())
        new = [report_id for report_id in records if report_id not in indexed]
        lexicons = self.store.lexicons(new)
        index.add(doc for report_id, lexicon in lexicons.items() for doc in _stored_docs(records[report_id], lexicon))
        return all(records[r].chunk_count == 0 for r in new if r not in lexicons)

    def _stored_lexical_docs(self) -> Iterable[LexicalDoc]:
        """Every committed chunk's tokens, from the reports' lexicons (or, for reports stored before lexicons,
        from their chunks' metadata)."""
        records = {r.id: r for r in self._records()}
        lexicons = self.store.lexicons(builtins.list(records))
        for report_id, lexicon in lexicons.items():
            yield from _stored_docs(records[report_id], lexicon)
        if len(lexicons) == len(records):
            return
        for chunk_id, meta in self.store.iter_older_chunks():
            stored = records.get(str(meta["report_id"]))
            if stored is not None and stored.id not in lexicons:
                yield LexicalDoc(chunk_id, str(meta.get("tokens", "")).split(), _filter_fields(stored, chunk_id))

    def warm_up(self) -> threading.Thread:
        """Build the search index in the background (reading it from a large store takes seconds)."""
        thread = threading.Thread(target=self._warm_up, name="nianbao-kb-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_up(self) -> None:
        try:
            self.lexical_index()
        except Exception:  # the first search builds it again and reports the error to the user
            logger.exception("知识库检索索引预加载失败")

    def _lexical_remove(self, ids: builtins.list[str]) -> None:
        if self._lexical is not None:
            self._lexical.remove(ids)

    # -- maintenance -------------------------------------------------------------------------------------

    def reindex(self, *, password: Password = None) -> int:
        """Rebuild every chunk from the stored reports with the configured embedding; returns the chunk count."""
        require_admin(self.settings, password)
        staging = self.store.staging_chunks()
        total = 0
        for stored in self._records():
            report = self.show(stored.id).report
            chunks = chunk_report(report)
            tokens = [" ".join(tokenize(embedding_text(stored.agency, stored.year, c))) for c in chunks]
            ids, metadatas = _chunk_rows(stored, chunks)
            embeddings = self._embed_chunks(stored, chunks)
            self.store.add_chunks(ids, embeddings, metadatas, staging)
            self.store.put_lexicons([stored.id], [json.dumps(_words_by_address(chunks, tokens), ensure_ascii=False)])
            total += len(ids)
        self.store.swap_in(staging)
        self._lexical = None
        return total

    def recover(self) -> None:
        """Finish or undo adds and removes that were interrupted (run when the store is opened)."""
        recorded = self.store.recorded_embedding()
        if recorded is None or recorded[0] != self.embedder.name:
            return  # a new store, or one waiting for `kb reindex`
        committed = {r.id for r in self._records()}
        cutoff = time.time() - self._grace
        for change in self.store.unfinished():
            if change.started_at > cutoff:
                continue  # another instance's change, still in progress
            leftovers = [r for r in change.writes + change.drops if r not in committed]
            if leftovers:
                logger.warning("清理 %d 份未完成添加或删除的报告数据（上次操作中断）", len(leftovers))
            for report_id in leftovers:
                self.store.delete_report_data(report_id)
            self.store.finish(change.id)
        self._recover_older_layout(committed, cutoff)

    def _recover_older_layout(self, committed: set[str], cutoff: float) -> None:
        """Chunks an older version left ``pending``: settled when their record came, else deleted."""
        settle, orphans = [], []
        for chunk_id, meta in self.store.pending_chunks():
            if meta.get("report_id") in committed:
                settle.append(chunk_id)
            elif float(meta.get("added_at", 0.0)) <= cutoff:
                orphans.append(chunk_id)
        if orphans:
            logger.warning("删除 %d 个未提交的段落（上次添加中断）", len(orphans))
            self.store.delete_chunks(orphans)
        if settle:
            self.store.settle_chunks(settle)

    def _records(self, filters: Filters | None = None) -> builtins.list[StoredReport]:
        """Stored reports (cached; re-read after a change here, and every few seconds on a shared server)."""
        stale = self.store.is_server and time.monotonic() - self._records_read_at > SERVER_REFRESH_SECONDS
        if self._record_cache is None or stale:
            self._record_cache = [_stored_from_metadata(m) for _i, m, _d in self.store.records()]
            self._records_read_at = time.monotonic()
        if not filters:
            return builtins.list(self._record_cache)
        wanted = {field: set(values) for field, values in filters.items()}
        return [r for r in self._record_cache if all(_field(r, f) in v for f, v in wanted.items())]

    def _views(self) -> _RecordViews:
        """What searches need from the stored reports, computed once per change of the store."""
        self._records()
        if self._record_views is None or self._record_views.source is not self._record_cache:
            self._record_views = _RecordViews(self._record_cache or [])
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


def _settings(settings: Settings | Path | str | None) -> Settings:
    if isinstance(settings, Settings):
        return settings
    if settings is None:
        return Settings()
    return Settings(NIANBAO_DATA_DIR=Path(settings))  # type: ignore[call-arg]


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


def _stored_report(item: Prepared, findings: list[Finding]) -> StoredReport:
    report = item.report
    agency = report.agency or ""
    return StoredReport(
        id=item.content_hash[:12],
        agency=agency,
        year=int(report.year or 0),
        region=agency_region(agency),
        level=agency_level(agency),
        format=report.format.value,
        title=report.title,
        source=item.path.name,
        content_hash=item.content_hash,
        size_bytes=item.size_bytes,
        chunk_count=len(item.chunks),
        errors=sum(1 for f in findings if f.is_error),
        warnings=sum(1 for f in findings if not f.is_error),
        added_at=time.time(),
    )


def _record_id(stored: StoredReport) -> str:
    return f"{stored.year}:{stored.agency}"


def _record_metadata(stored: StoredReport) -> Metadata:
    meta = stored.model_dump()
    meta["report_id"] = meta.pop("id")
    return meta


def _field(stored: StoredReport, name: str) -> object:
    return stored.id if name == "report_id" else getattr(stored, name)


def _stored_from_metadata(meta: Metadata) -> StoredReport:
    fields = dict(meta)
    fields["id"] = fields.pop("report_id")
    return StoredReport.model_validate(fields)


def _record_document(report: Report, findings: list[Finding]) -> str:
    """The structured report and its findings as JSON."""
    payload = {"report": report.model_dump(mode="json"), "findings": [f.model_dump(mode="json") for f in findings]}
    return json.dumps(payload, ensure_ascii=False)


def _read_record_document(document: str) -> dict:
    return json.loads(document or "{}")


def _record_rows(items: list[BatchItem]) -> tuple[list[str], list[Metadata], list[str]]:
    ids = [_record_id(stored) for _item, stored, _f, _old in items]
    metadatas = [_record_metadata(stored) for _item, stored, _f, _old in items]
    return ids, metadatas, [_record_document(item.report, findings) for item, _stored, findings, _old in items]


def _chunk_rows(stored: StoredReport, chunks: list[ChunkText]) -> tuple[list[str], list[Metadata]]:
    """Chunk ids and metadata: only what is the paragraph's own (the rest is on the report's record)."""
    ids = [f"{stored.id}:{_address(c)}" for c in chunks]
    metadatas: list[Metadata] = [{"report_id": stored.id, "part_title": c.part_title, "text": c.text} for c in chunks]
    return ids, metadatas


def _address(chunk: ChunkText) -> str:
    return f"{chunk.part}:{chunk.paragraph}"


def chunk_address(chunk_id: str) -> tuple[str, str, int]:
    """(report id, part, paragraph) of a chunk id ``<report id>:<part>:<paragraph>``."""
    report_id, part, paragraph = chunk_id.rsplit(":", 2)
    return report_id, part, int(paragraph)


def _words_by_address(chunks: list[ChunkText], tokens: list[str]) -> dict[str, str]:
    """A report's search tokens, paragraph by paragraph (address -> space-separated tokens): its lexicon."""
    return {_address(c): words for c, words in zip(chunks, tokens, strict=True)}


def _stored_docs(stored: StoredReport, lexicon: str) -> list[LexicalDoc]:
    """The index entries of a report from its stored lexicon (JSON)."""
    return _lexical_docs(stored, json.loads(lexicon))


def _lexical_docs(stored: StoredReport, words_by_address: dict[str, str]) -> list[LexicalDoc]:
    docs = []
    for address, words in words_by_address.items():
        chunk_id = f"{stored.id}:{address}"
        docs.append(LexicalDoc(chunk_id, words.split(), _filter_fields(stored, chunk_id)))
    return docs


def _filter_fields(stored: StoredReport, chunk_id: str) -> Metadata:
    """What search filters look at, for one chunk."""
    return {
        "report_id": stored.id,
        "agency": stored.agency,
        "year": stored.year,
        "part": chunk_address(chunk_id)[1],
        "level": stored.level,
        "region": stored.region,
    }


def _stack(vectors: list[np.ndarray]) -> np.ndarray:
    non_empty = [v for v in vectors if len(v)]
    return np.vstack(non_empty).astype(np.float32) if non_empty else np.zeros((0, 1), np.float32)


BatchItem = tuple[Prepared, StoredReport, list[Finding], StoredReport | None]


class _Batch:
    """Reports queued for one atomic write, and what the store holds (by hash and by body+year) meanwhile."""

    def __init__(self, stored: list[StoredReport]) -> None:
        self.by_hash = {r.content_hash: r for r in stored}
        self.by_slot = {(r.agency, r.year): r for r in stored}
        self.items: list[BatchItem] = []
        self.pending_slots: set[tuple[str, int]] = set()
        self.reports: dict[str, Report] = {}

    def queue(self, item: Prepared, stored: StoredReport, findings: list[Finding], old: StoredReport | None) -> None:
        self.items.append((item, stored, findings, old))
        self.by_hash[stored.content_hash] = stored
        self.by_slot[(stored.agency, stored.year)] = stored
        self.pending_slots.add((stored.agency, stored.year))
        self.reports[stored.id] = item.report

    def written(self) -> None:
        self.items = []
        self.pending_slots = set()
        self.reports = {}


class _RecordViews:
    """The committed report ids and the names a query may use for each body."""

    def __init__(self, records: list[StoredReport]) -> None:
        self.source = records
        self.by_id = {r.id: r for r in records}  # the committed reports
        self.bodies_by_alias: dict[str, set[str]] = {}
        for record in records:
            for alias in body_aliases(record.agency, record.region):
                self.bodies_by_alias.setdefault(alias, set()).add(record.agency)
        self.longest_alias = max((len(a) for a in self.bodies_by_alias), default=0)


def _hit(
    chunk_id: str,
    score: float,
    stored: StoredReport,
    meta: Metadata,
    text: str,
    dense_rank: int | None,
    lexical_rank: int | None,
) -> SearchHit:
    _report_id, part, paragraph = chunk_address(chunk_id)
    fields: dict[str, object] = {**_record_metadata(stored), "part": part, "paragraph": paragraph}
    fields |= {k: v for k, v in meta.items() if k in SearchHit.model_fields}
    fields |= {
        "chunk_id": chunk_id,
        "text": text,
        "score": score,
        "dense_rank": dense_rank,
        "lexical_rank": lexical_rank,
    }
    return SearchHit.model_validate(fields)


def _figure_rows(reports: dict[int, Report], all_cells: bool) -> list[FigureRow]:
    newest = reports[max(reports)] if reports else None
    fmt = newest.format if newest else ReportFormat.F2021
    rows: list[FigureRow] = []
    values = {year: {(c.table, c.row, c.column): c.value for c in r.cells} for year, r in reports.items()}
    for table, row, column in addresses(fmt):
        if not all_cells and column not in KEY_TABLE_COLUMNS.get(table, {column}):
            continue
        label = newest.row_label(table, row) if newest else row
        per_year = {year: cells.get((table, row, column)) for year, cells in sorted(values.items())}
        rows.append(FigureRow(table=table, row=row, column=column, label=label, values=per_year))
    return rows
