"""Moving a knowledge base kept wholly in Chroma (before the records moved to SQLite) to the present layout.

Stores made before had five collections: ``<prefix>_reports`` (one record per body and year: the report's
fields), ``_payloads`` (the report and its findings as compressed JSON; older stores kept it as the
record's document), ``_lexicon`` (each report's paragraph tokens; older stores kept them on each chunk),
``_chunks`` (vector, paragraph text and part title; older stores: the text as the document and a ``pending``
flag) and ``_unfinished`` (the journal). A migration copies the committed reports into SQLite in one
transaction (their paragraphs tokenised anew) and the vectors of their paragraphs into ``<prefix>_vectors``,
then drops the old collections.
Interrupted, it is simply run again: the SQLite side is replaced whole, vectors are upserted.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from nianbao.kb.chunks import ChunkText
from nianbao.kb.embeddings import RecordedEmbedder, chroma_embedding_function
from nianbao.kb.ingest import embedding_text
from nianbao.kb.lexical import tokenize
from nianbao.kb.models import StoredReport
from nianbao.kb.records import NewReport, Paragraph, RecordStore, ReportRows
from nianbao.kb.store import VectorStore
from nianbao.model import Finding, Report

logger = logging.getLogger(__name__)

OLD_COLLECTIONS = ("reports", "payloads", "lexicon", "chunks", "unfinished")
PAGE = 2000
PACKED_PREFIX = "z64:"
OLDER_PACKED_PREFIX = "zjson85:"


def needs_migration(vectors: VectorStore, prefix: str) -> bool:
    """Whether this knowledge base still has the collections of the layout before SQLite."""
    return f"{prefix}_reports" in vectors.collection_names()


def migrate(vectors: VectorStore, records: RecordStore, prefix: str) -> int:
    """Move the old layout's committed reports into SQLite and their vectors into the vectors collection;
    drop the old collections. Returns the number of reports moved."""
    client = vectors.client
    names = vectors.collection_names()
    old = {name: client.get_collection(f"{prefix}_{name}") for name in OLD_COLLECTIONS if f"{prefix}_{name}" in names}
    reports = _old_reports(old)
    paragraphs: dict[str, list[Paragraph]] = {report_id: [] for report_id in reports}
    target = _vectors_like(vectors, old.get("chunks"))
    for ids, metadatas, documents, embeddings in _old_chunks(old.get("chunks")):
        keep = [i for i, m in enumerate(metadatas) if str(m.get("report_id")) in reports]
        for i in keep:
            stored = reports[str(metadatas[i]["report_id"])][0]
            paragraphs[stored.id].append(_paragraph(stored, ids[i], metadatas[i], documents[i]))
        if keep:
            vectors.add([ids[i] for i in keep], np.asarray([embeddings[i] for i in keep], np.float32), target)
    new = [
        NewReport(
            stored.model_copy(update={"chunk_count": len(paragraphs[rid])}),
            ReportRows.of(report, findings, paragraphs[rid]),
        )
        for rid, (stored, report, findings) in reports.items()
    ]
    records.write(new, [r.id for r in records.reports()], None)
    for name in OLD_COLLECTIONS:
        vectors.drop(f"{prefix}_{name}")
    logger.warning("知识库已迁移到新的存储布局：%d 份报告", len(new))
    return len(new)


def _old_reports(old: dict[str, Any]) -> dict[str, tuple[StoredReport, Report, list[Finding]]]:
    got = old["reports"].get(include=["metadatas", "documents"])
    payloads: dict[str, str] = {}
    if "payloads" in old:
        found = old["payloads"].get(include=["metadatas"])
        payloads = {i: str(m["payload"]) for i, m in zip(found["ids"], found["metadatas"], strict=True)}
    reports = {}
    for meta, document in zip(got["metadatas"], got["documents"], strict=True):
        fields = dict(meta)
        fields["id"] = fields.pop("report_id")
        stored = StoredReport.model_validate(fields)
        payload = json.loads(unpack(payloads.get(stored.id, document or "")) or "{}")
        report = Report.model_validate(payload["report"])
        findings = [Finding.model_validate(f) for f in payload.get("findings", [])]
        reports[stored.id] = (stored, report, findings)
    return reports


def _old_chunks(collection: Any) -> Iterator[tuple[list[str], list[Any], list[Any], Any]]:
    if collection is None:
        return
    offset = 0
    while True:
        got = collection.get(include=["metadatas", "documents", "embeddings"], limit=PAGE, offset=offset)
        if not got["ids"]:
            return
        yield got["ids"], got["metadatas"], got["documents"], got["embeddings"]
        offset += PAGE


def _paragraph(stored: StoredReport, chunk_id: str, meta: Any, document: str | None) -> Paragraph:
    """A paragraph from an old chunk, tokenised anew (the old tokens were jieba's)."""
    _report, part, number = chunk_id.rsplit(":", 2)
    text = unpack(str(meta["text"])) if "text" in meta else document or ""
    chunk = ChunkText(part=part, part_title=str(meta.get("part_title", "")), paragraph=int(number), text=text)
    tokens = " ".join(tokenize(embedding_text(stored.agency, stored.year, chunk)))
    return Paragraph(chunk_id, part, chunk.paragraph, chunk.part_title, text, tokens)


def _vectors_like(vectors: VectorStore, chunks: Any) -> Any:
    """The vectors collection, made with the embedding the old chunks were built with."""
    meta = (chunks.metadata if chunks is not None else None) or {}
    if not meta.get("embedding"):
        return vectors.collection(check_embedding=False)
    recorded = RecordedEmbedder(meta)
    return vectors.client.get_or_create_collection(
        vectors.name,
        embedding_function=chroma_embedding_function(recorded),
        metadata={"embedding": recorded.name, "dimension": recorded.dimension},
        configuration={"hnsw": {"space": "cosine"}},
    )


def unpack(text: str) -> str:
    """Text the old layout packed (zlib, then base64 or base85), or plain text as it was."""
    if text.startswith(PACKED_PREFIX):
        return zlib.decompress(base64.b64decode(text[len(PACKED_PREFIX) :])).decode("utf-8")
    if text.startswith(OLDER_PACKED_PREFIX):
        return zlib.decompress(base64.b85decode(text[len(OLDER_PACKED_PREFIX) :])).decode("utf-8")
    return text
