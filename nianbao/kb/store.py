"""The one module that talks to Chroma: the paragraphs' vectors, embedded or on a Chroma server.

One collection per knowledge base, ``<prefix>_vectors``: a vector per paragraph, keyed by the paragraph's
id in the records (nianbao.kb.records), with no metadata and no document. Everything else — reports, text,
filters, the word index, the journal — is in SQLite. The collection records the embedding it was built
with (name and dimension) and refuses vectors of another one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from nianbao.kb.embeddings import Embedder, chroma_embedding_function
from nianbao.kb.models import EmbeddingMismatchError, StoreUnavailableError
from nianbao.private import private_folder
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
VECTORS = "vectors"

# The vector index of a new store. Against Chroma's defaults (ef_construction 100, ef_search 100), at 96 231
# paragraphs of varied reports (bench/bench_vector_index.py, three runs on a quiet machine): building costs
# 3.4-4.9 instead of 4.8-6.6 ms of CPU per 20 vectors (a report), and the nearest 5 agree with an exact
# search as often (0.877-0.907 of questions, against 0.880-0.891; HNSW is built differently each time). A
# store made before keeps its own settings.
HNSW = {"space": "cosine", "ef_construction": 64, "ef_search": 200}


def _refreshing(method: Callable[..., T]) -> Callable[..., T]:
    """Retry once with a fresh collection handle when the collection was rebuilt elsewhere (reindex)."""

    @functools.wraps(method)
    def wrapper(self: VectorStore, *args: Any, **kwargs: Any) -> T:
        from chromadb.errors import NotFoundError

        try:
            return method(self, *args, **kwargs)
        except NotFoundError:
            self._vectors = None
            return method(self, *args, **kwargs)

    return wrapper


class VectorStore:
    """Paragraph vectors in Chroma (a folder under the data dir, or Chroma's own server)."""

    def __init__(self, settings: Settings, embedder: Embedder, prefix: str = "nianbao") -> None:
        self._embedder = embedder
        self._prefix = prefix
        self._client = open_client(settings)
        self.is_server = settings.uses_chroma_server
        self.location = (
            f"http://{settings.chroma_host}:{settings.chroma_port or 8000}"
            if self.is_server
            else str(settings.data_dir / "chroma")
        )
        self._vectors: Any = None

    @property
    def name(self) -> str:
        return f"{self._prefix}_{VECTORS}"

    @property
    def client(self) -> Any:
        return self._client

    def collection(self, check_embedding: bool = True) -> Any:
        """The vectors collection, created on first use; EmbeddingMismatchError if built with another embedding."""
        if self._vectors is not None:
            return self._vectors
        recorded = self.recorded_embedding()
        if recorded and recorded[0] != self._embedder.name:
            if not check_embedding:
                return self._collection(self.name)  # not cached: later calls check again
            raise EmbeddingMismatchError(
                f"知识库是用向量模型「{recorded[0]}」（{recorded[1]} 维）建立的，"
                f"当前配置的是「{self._embedder.name}」，两者不能混用。"
                "请运行 nianbao kb reindex 用当前配置重建索引，或改回原来的配置。"
            )
        self._vectors = self._collection(self.name)
        return self._vectors

    def recorded_embedding(self) -> tuple[str, int] | None:
        """(name, dimension) of the embedding the vectors were built with, or None for a new store."""
        for collection in self._client.list_collections():
            if collection.name == self.name:
                meta = collection.metadata or {}
                return str(meta.get("embedding", "")), int(meta.get("dimension", 0))
        return None

    def _collection(self, name: str) -> Any:
        metadata = {"embedding": self._embedder.name, "dimension": self._embedder.dimension}
        return self._client.get_or_create_collection(
            name,
            embedding_function=chroma_embedding_function(self._embedder),
            metadata=metadata,
            configuration={"hnsw": HNSW},
        )

    @_refreshing
    def add(self, ids: list[str], embeddings: np.ndarray, target: Any = None) -> None:
        """Write vectors (in batches Chroma accepts); an id already there is overwritten."""
        collection = target if target is not None else self.collection()
        self._check_dimension(embeddings, collection)
        step = self._client.get_max_batch_size()
        for start in range(0, len(ids), step):
            collection.upsert(ids=ids[start : start + step], embeddings=embeddings[start : start + step])

    def _check_dimension(self, embeddings: np.ndarray, collection: Any) -> None:
        recorded = int((collection.metadata or {}).get("dimension", 0))
        if len(embeddings) and recorded and embeddings.shape[1] != recorded:
            raise EmbeddingMismatchError(
                f"向量维度不一致：知识库为 {recorded} 维，当前向量模型输出 {embeddings.shape[1]} 维。"
                "请运行 nianbao kb reindex。"
            )

    @_refreshing
    def delete(self, ids: list[str]) -> None:
        step = self._client.get_max_batch_size()
        for start in range(0, len(ids), step):
            self.collection(check_embedding=False).delete(ids=ids[start : start + step])

    @_refreshing
    def count(self) -> int:
        return int(self.collection(check_embedding=False).count())

    @_refreshing
    def ids(self) -> list[str]:
        """Every vector's id (for tests and checks)."""
        return sorted(self.collection(check_embedding=False).get(include=[])["ids"])

    @_refreshing
    def query(self, embedding: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The ``n`` nearest vectors as (id, cosine distance), nearest first (``n`` at most the number of
        vectors: Chroma refuses more)."""
        collection = self.collection()
        self._check_dimension(embedding[None, :], collection)
        if n < 1:
            return []
        got = collection.query(query_embeddings=embedding[None, :], n_results=n, include=["distances"])
        return [(i, float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    # -- reindex ----------------------------------------------------------------------------------------

    def staging(self) -> Any:
        """A fresh collection to rebuild the vectors into (dropped first if a previous rebuild left it)."""
        name = f"{self.name}_next"
        self.drop(name)
        return self._collection(name)

    def swap_in(self, staging: Any) -> None:
        """Replace the vectors collection by the rebuilt one."""
        self.drop(self.name)
        staging.modify(name=self.name)
        self._vectors = None

    def collection_names(self) -> set[str]:
        return {c.name for c in self._client.list_collections()}

    def drop(self, name: str) -> None:
        if name in self.collection_names():
            self._client.delete_collection(name)

    def size_on_disk(self) -> int | None:
        """Bytes used by the embedded store's folder (None on a Chroma server)."""
        if self.is_server:
            return None
        root = Path(self.location)
        return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def open_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.uses_chroma_server:
            return chromadb.HttpClient(
                host=settings.chroma_host or "localhost", port=settings.chroma_port or 8000, settings=chroma_settings
            )
        private_folder(settings.data_dir)  # 0700: other local accounts cannot read the reports or the drafts
        path = private_folder(settings.data_dir / "chroma")
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as e:  # chromadb raises many kinds (connection, version, permissions)
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.uses_chroma_server else settings.data_dir
        raise StoreUnavailableError(f"无法打开知识库存储（{where}）：{e}") from e
