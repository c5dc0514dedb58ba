from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = CORPUS / "luyi_2021.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED


# Fuzzing profiles (tests/test_fuzz_readers.py picks one by NIANBAO_FUZZ): small in CI, long for `make fuzz`.
settings.register_profile("fuzz-ci", max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz-long", max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
