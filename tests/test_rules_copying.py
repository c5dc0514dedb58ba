"""Rule 11: long passages copied from last year's report are flagged for review."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.model import Report, Severity
from nianbao.readers import read_report
from nianbao.rules import CheckContext
from nianbao.rules.copying import copied_passages
from tests.conftest import FIXTURES, SEED

DRAFT = FIXTURES / "review" / "luyi_2022_draft.txt"


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def _draft_with(tmp_path: Path, text: str) -> Report:
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def test_paragraphs_copied_from_last_year_are_flagged_with_similarity_and_sentence(seed: Report) -> None:
    findings = list(copied_passages(CheckContext(read_report(DRAFT), previous=seed)))
    assert [(f.location.part, f.severity) for f in findings] == [("一", Severity.WARNING)] * 4 + [
        ("五", Severity.WARNING)
    ]
    first = findings[0]
    assert first.rule == "copy.passages"
    assert "100%" in (first.found or "")
    assert first.location.sentence and first.location.sentence in seed.part_text("一")


def test_rewritten_paragraphs_are_not_flagged(seed: Report) -> None:
    findings = list(copied_passages(CheckContext(read_report(DRAFT), previous=seed)))
    quoted = " ".join(f.location.sentence or "" for f in findings)
    assert "加强业务培训" not in quoted
    assert "依申请公开办理更加规范" not in quoted


def test_nothing_is_flagged_without_last_years_report() -> None:
    assert list(copied_passages(CheckContext(read_report(DRAFT)))) == []


def test_a_revised_version_of_the_same_year_is_not_last_years_report(seed: Report) -> None:
    assert list(copied_passages(CheckContext(seed, previous=seed))) == []


def test_a_copied_paragraph_is_flagged_and_the_same_paragraph_rewritten_is_not(seed: Report, tmp_path: Path) -> None:
    text = DRAFT.read_text(encoding="utf-8")
    closing = next(line for line in text.splitlines() if line.startswith("我们将继续深入贯彻落实"))
    rewritten = _draft_with(
        tmp_path, text.replace(closing, "下一步，我县将对标省市要求，细化年度工作任务，压实工作责任。")
    )
    parts = [f.location.part for f in copied_passages(CheckContext(rewritten, previous=seed))]
    assert parts == ["一"] * 4
