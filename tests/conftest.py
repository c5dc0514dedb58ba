from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = CORPUS / "luyi_2021.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED
