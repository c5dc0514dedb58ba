from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from nianbao.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = CORPUS / "luyi_2021.txt"

# Failed LLM calls are retried with backoff (agents.llm.RetryPolicy); in tests the waits are tiny.
os.environ.setdefault("NIANBAO_LLM_BACKOFF", "0.01")
os.environ.setdefault("NIANBAO_LLM_BACKOFF_MAX", "0.05")
os.environ.setdefault("NIANBAO_LLM_RETRY_AFTER_MAX", "0.2")
# Tests change the knowledge base as its local owner (no password; nianbao.access): an admin password in a
# developer's .env or shell must not lock them out. Tests of the password set one themselves.
os.environ["NIANBAO_ADMIN_PASSWORD"] = ""


@pytest.fixture
def seed_path() -> Path:
    return SEED


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
