from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings

from nianbao.access import ADMIN_LOGINS
from nianbao.drafting.example import example_next_year
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.settings import Settings, get_settings
from nianbao.usecases.drafts import CODE_ATTEMPTS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = CORPUS / "luyi_2021.txt"

OpenKb = Callable[..., KnowledgeBase]

# Failed LLM calls are retried with backoff (agents.llm.RetryPolicy); in tests the waits are tiny.
os.environ.setdefault("NIANBAO_LLM_BACKOFF", "0.01")
os.environ.setdefault("NIANBAO_LLM_BACKOFF_MAX", "0.05")
os.environ.setdefault("NIANBAO_LLM_RETRY_AFTER_MAX", "0.2")
# Tests change the knowledge base as its local owner (no password; nianbao.access): an admin password in a
# developer's .env or shell must not lock them out. Tests of the password set one themselves.
os.environ["NIANBAO_ADMIN_PASSWORD"] = ""


@pytest.fixture(autouse=True)
def no_failed_admin_logins() -> Iterator[None]:
    """The app process counts wrong admin passwords and personal codes: one test's must not lock out the next."""
    ADMIN_LOGINS.reset()
    CODE_ATTEMPTS.reset()
    yield
    ADMIN_LOGINS.reset()
    CODE_ATTEMPTS.reset()


@pytest.fixture(autouse=True)
def settings_read_afresh() -> Iterator[None]:
    """Settings are read once per process (get_settings): a test that sets the environment and then reads them
    must not leave them cached for the next test. Autouse, so it is torn down after monkeypatch restores it."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def seed_path() -> Path:
    return SEED


# The seed and a made-up next year's cells for it, read once per test module (modules may define their own).
@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


@pytest.fixture(scope="module")
def cells(seed: Report) -> Report:
    return example_next_year(seed)


# Fuzzing profiles (tests/test_fuzz_readers.py picks one by NIANBAO_FUZZ): small in CI, long for `make fuzz`.
settings.register_profile("fuzz-ci", max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz-long", max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))


# The app tests' data folder: their own, offline, with nothing from a .env or the CI's environment.
@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(folder))
    monkeypatch.setenv("NIANBAO_LLM", "offline")
    # A developer's .env or the CI's environment must not change what the app uses here.
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", "")
    monkeypatch.setenv("CHROMA_HOST", "")
    monkeypatch.delenv("CHROMA_PORT", raising=False)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


# The knowledge base's tests run against the embedded store and against Chroma's own server.
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """Chroma's own server (`chroma run`) on a free local port, for the whole session."""
    executable = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if executable is None:
        pytest.fail("找不到 chroma 命令（随 chromadb 安装）")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    command = [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    log = (path / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for_heartbeat(port, process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_heartbeat(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Chroma 服务器启动失败（退出码 {process.returncode}）")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("Chroma 服务器在 60 秒内没有响应")


def kb_settings(data_dir: Path, server: tuple[str, int] | None = None, **extra: object) -> Settings:
    """Settings for a test store: never ./data, never the developer's .env."""
    host, port = server if server else (None, None)
    values = {"NIANBAO_DATA_DIR": data_dir, "CHROMA_HOST": host, "CHROMA_PORT": port, "NIANBAO_EMBEDDINGS": "local"}
    return Settings(_env_file=None, **{**values, **extra})  # type: ignore[call-arg, arg-type]


@pytest.fixture(params=["embedded", "server"])
def open_kb(request: pytest.FixtureRequest, tmp_path: Path) -> OpenKb:
    """Opens the same test knowledge base, embedded in tmp_path or in its own collections on the server."""
    server = request.getfixturevalue("chroma_server") if request.param == "server" else None
    prefix = f"t{uuid.uuid4().hex[:12]}"

    def factory(**kwargs: object) -> KnowledgeBase:
        settings = kb_settings(tmp_path / "data", server, **kwargs.pop("settings", {}))  # type: ignore[arg-type]
        return KnowledgeBase(settings, prefix=prefix, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def kb(open_kb: OpenKb) -> KnowledgeBase:
    return open_kb()


@pytest.fixture
def corpus_kb(kb: KnowledgeBase) -> KnowledgeBase:
    kb.add(CORPUS)
    return kb
