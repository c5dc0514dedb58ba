"""Embeddings: the store records which one built it, refuses to mix, and `reindex` switches.

The OpenAI-compatible endpoint is a small local HTTP server speaking the /v1/embeddings protocol
(the only fake: at the network boundary); the real openai SDK code path runs end to end.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from nianbao.kb.embeddings import EmbeddingError, HashingEmbedder
from nianbao.kb.models import EmbeddingMismatchError
from nianbao.kb.service import KnowledgeBase
from nianbao.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FAKE_DIMENSION = 64


class EmbeddingEndpoint(BaseHTTPRequestHandler):
    """POST /v1/embeddings -> vectors (a 64-dimension hashing embedding of each input)."""

    requests: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        EmbeddingEndpoint.requests.append(body)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        vectors = HashingEmbedder(FAKE_DIMENSION).embed(inputs)
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
        reply = {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }
        payload = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmbeddingEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _settings(data_dir: Path, embeddings: str, base_url: str | None = None) -> Settings:
    values = {
        "NIANBAO_DATA_DIR": data_dir,
        "CHROMA_HOST": None,
        "NIANBAO_EMBEDDINGS": embeddings,
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "test-key",
        "NIANBAO_EMBEDDING_MODEL": "fake-bge-m3",
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def local_kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(_settings(tmp_path, "local"))
    kb.add(CORPUS / "luyi_2021.txt")
    return kb


def test_the_store_records_the_embedding_it_was_built_with(local_kb: KnowledgeBase) -> None:
    stats = local_kb.stats()
    assert (stats.embedding, stats.dimension) == ("local-ngram-hash-v1", HashingEmbedder().dimension)


def test_another_embedding_is_refused_until_reindex(local_kb: KnowledgeBase, tmp_path: Path, endpoint: str) -> None:
    other = KnowledgeBase(_settings(tmp_path, "openai", endpoint))
    assert other.stats().embedding == "local-ngram-hash-v1"
    with pytest.raises(EmbeddingMismatchError, match="reindex"):
        other.search("政务新媒体")
    with pytest.raises(EmbeddingMismatchError):
        other.add(CORPUS / "shuyang_2025.md")
    assert [r.agency for r in other.list()] == ["鹿邑县人民政府"]


def test_reindex_rebuilds_with_the_openai_compatible_endpoint(
    local_kb: KnowledgeBase, tmp_path: Path, endpoint: str
) -> None:
    EmbeddingEndpoint.requests.clear()
    before = local_kb.stats().chunks
    remote = KnowledgeBase(_settings(tmp_path, "openai", endpoint))
    chunks = remote.reindex()
    assert chunks == before == local_kb.stats().chunks
    assert EmbeddingEndpoint.requests and EmbeddingEndpoint.requests[0]["model"] == "fake-bge-m3"
    stats = remote.stats()
    assert (stats.embedding, stats.dimension) == ("openai:fake-bge-m3", FAKE_DIMENSION)
    assert remote.search("保留各类政务新媒体", k=1, mode="dense")[0].agency == "鹿邑县人民政府"
    remote.add(CORPUS / "shuyang_2025.md")
    assert remote.search("倒计时报警器", k=1)[0].agency == "沐阳县人民政府"
    with pytest.raises(EmbeddingMismatchError):
        KnowledgeBase(_settings(tmp_path, "local")).search("政务新媒体")


def test_an_unreachable_embedding_endpoint_is_a_chinese_error(tmp_path: Path) -> None:
    kb = KnowledgeBase(_settings(tmp_path, "openai", "http://127.0.0.1:9/v1"))
    with pytest.raises(EmbeddingError, match="向量服务调用失败"):
        kb.add(CORPUS / "luyi_2021.txt")
    assert kb.list() == []
