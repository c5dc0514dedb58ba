"""Embeddings for the knowledge base: a local character n-gram hashing vectoriser, or an OpenAI-compatible endpoint.

The local embedding needs no model and no download: each text becomes the signed, hashed counts of its
characters, character pairs and triples (sublinear, L2-normalised). It is deterministic across processes and
machines, and it works for Chinese, where the only model bundled with Chroma (all-MiniLM-L6-v2) does not know
the characters at all. Only this module imports ``openai`` for embeddings, and only when that mode is chosen.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

import numpy as np

from nianbao.errors import NianbaoError
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

# 384, not 1024: Chroma keeps every vector in memory as float32, so a cold search at 100k paragraphs loaded
# 554 MB at 1024 dimensions. bench/bench_retrieval.py among 200 other bodies: hybrid recall@5 0.969-0.984 at
# 384 against 1.000 at 1024 (dense 0.922 against 0.859-0.906: the HNSW index is not deterministic).
# A store built at another dimension is embedded again from its paragraphs when opened (KnowledgeBase).
LOCAL_DIMENSION = 384
_NGRAM_WEIGHTS = {1: 0.5, 2: 1.0, 3: 1.0}
_NOT_CONTENT = re.compile(r"[\W_]+")
_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


class EmbeddingError(NianbaoError):
    """The embedding endpoint could not be reached or answered badly."""


class Embedder(Protocol):
    """Turns texts into vectors; ``name`` and ``dimension`` are recorded in the store."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: list[str]) -> list[list[float]]: ...


class HashingEmbedder:
    """Deterministic character 1-3-gram hashing vectoriser (no model, no download)."""

    def __init__(self, dimension: int = LOCAL_DIMENSION) -> None:
        self._dimension = dimension

    @property
    def name(self) -> str:
        return "local-ngram-hash-v1"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text (a zero vector for a text without content)."""
        return self.embed_array(texts).tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self._dimension), np.float32)

    def _vector(self, text: str) -> np.ndarray:
        codes = _code_points(text)
        vector = np.zeros(self._dimension, dtype=np.float64)
        for n, weight in _NGRAM_WEIGHTS.items():
            if len(codes) >= n:
                vector += weight * self._hashed_counts(_ngram_hashes(codes, n))
        norm = np.linalg.norm(vector)
        return (vector / norm if norm else vector).astype(np.float32)

    def _hashed_counts(self, hashes: np.ndarray) -> np.ndarray:
        buckets = (hashes % np.uint64(self._dimension)).astype(np.int64)
        signs = np.where((hashes >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
        counts = np.bincount(buckets, weights=signs, minlength=self._dimension)
        return np.sign(counts) * np.log1p(np.abs(counts))


def _code_points(text: str) -> np.ndarray:
    cleaned = _NOT_CONTENT.sub("", text)
    return np.frombuffer(cleaned.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _ngram_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit hash per n-gram, by multiply-xorshift mixing (vectorised, stable across processes)."""
    length = len(codes) - n + 1
    mixed = np.full(length, np.uint64(n), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(n):
            mixed = (mixed ^ codes[offset : offset + length]) * _MULTIPLIERS[offset]
            mixed ^= mixed >> np.uint64(29)
    return mixed


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, bge-m3 on vLLM or Ollama …)."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None, batch_size: int = 64) -> None:
        try:
            import openai
        except ImportError as e:  # pragma: no cover - openai is a dependency
            raise EmbeddingError("使用 NIANBAO_EMBEDDINGS=openai 需要安装 openai：pip install openai") from e
        self._client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url or None)
        self._openai = openai
        self._model = model
        self._batch_size = batch_size
        self._dimension: int | None = None

    @property
    def name(self) -> str:
        return f"openai:{self._model}"

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = len(self.embed(["维度探测"])[0])
        return self._dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors.extend(self._embed_batch(texts[start : start + self._batch_size]))
        if vectors:
            self._dimension = len(vectors[0])
        return vectors

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        try:
            response = self._client.embeddings.create(model=self._model, input=[t or " " for t in batch])
        except self._openai.OpenAIError as e:
            raise EmbeddingError(f"向量服务调用失败（模型 {self._model}）：{e}") from e
        return [list(item.embedding) for item in sorted(response.data, key=lambda d: d.index)]


class RecordedEmbedder:
    """An embedding known only by its recorded config (Chroma rebuilds one when it validates a collection)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.name = str(config.get("embedding", ""))
        self.dimension = int(config.get("dimension", 0))

    def embed(self, texts: list[str]) -> list[list[float]]:
        raise EmbeddingError("请通过 nianbao 的知识库接口使用此集合（需要配置向量模型）。")


def embedder_from_settings(settings: Settings) -> Embedder:
    """The embedding chosen by NIANBAO_EMBEDDINGS (local by default)."""
    if settings.embeddings == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        model = settings.embedding_model or "text-embedding-3-small"
        return OpenAIEmbedder(model, key, settings.openai_base_url)
    return HashingEmbedder()


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Our embedder wrapped for Chroma, so that Chroma never falls back to its downloading default."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class NianbaoEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = embedder

        def __call__(self, input: Documents) -> Embeddings:
            return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed(list(input))]

        @staticmethod
        def name() -> str:
            return "nianbao"

        def get_config(self) -> dict[str, Any]:
            return {"embedding": self._embedder.name, "dimension": self._embedder.dimension}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> Any:
            return chroma_embedding_function(RecordedEmbedder(config))

        def default_space(self) -> Any:
            return "cosine"

    return NianbaoEmbeddingFunction()
