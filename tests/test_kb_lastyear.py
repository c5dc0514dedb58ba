"""Last year's report from the knowledge base's records, read-only: it never waits behind an add, never creates or
migrates anything, and says why when it cannot look."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from nianbao.kb.lastyear import last_year_from_records
from nianbao.kb.records import MIGRATIONS, records_path
from nianbao.kb.service import KnowledgeBase
from tests.conftest import SEED, kb_settings

AGENCY = "鹿邑县人民政府"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The records file of a store holding 鹿邑 2021, closed again."""
    settings = kb_settings(tmp_path_factory.mktemp("kb") / "data")
    kb = KnowledgeBase(settings)
    kb.add(SEED)
    kb.records.close()
    return records_path(settings)


def test_last_years_report_is_found_with_the_report_it_is(records: Path) -> None:
    found = last_year_from_records(records, AGENCY, 2022)
    assert found.report is not None and (found.report.agency, found.report.year) == (AGENCY, 2021)
    assert found.note.startswith(f"知识库中的{AGENCY} 2021 年度报告（ID ")


def test_a_look_up_does_not_wait_behind_an_add_holding_the_write_lock(records: Path) -> None:
    adding = sqlite3.connect(records, isolation_level=None)
    adding.execute("BEGIN IMMEDIATE")  # as an add does for its whole write
    adding.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', 'x')")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # a writer would wait: the lock is held
            sqlite3.connect(records, timeout=0.1, isolation_level=None).execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        found = last_year_from_records(records, AGENCY, 2022)
        took = time.monotonic() - started
    finally:
        adding.execute("ROLLBACK")
        adding.close()
    assert found.report is not None and found.report.year == 2021
    assert took < 1.0  # opening the store instead (its migration's write transaction) waited up to 30 s


def applied(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM _migrations")}


def test_records_not_yet_migrated_are_not_read_nor_migrated(tmp_path: Path) -> None:
    path = tmp_path / "nianbao_kb.sqlite3"
    first, sql = MIGRATIONS[0]
    with sqlite3.connect(path) as db:
        db.executescript(sql)
        db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        db.execute("INSERT INTO _migrations VALUES (?, 0)", (first,))
    found = last_year_from_records(path, AGENCY, 2022)
    assert found.report is None
    assert found.note == f"知识库 {path} 正在建立或尚未升级（可运行 nianbao kb migrate），未取得{AGENCY} 2021 年度报告"
    assert applied(path) == {first}


def test_a_store_whose_first_add_has_not_committed_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "nianbao_kb.sqlite3"
    path.touch()  # SQLite's file exists before the first transaction commits
    found = last_year_from_records(path, AGENCY, 2022)
    assert found.report is None and "正在建立或尚未升级" in found.note
    assert path.stat().st_size == 0


def test_without_records_the_note_says_whether_a_store_waits_for_its_migration(tmp_path: Path) -> None:
    path = tmp_path / "nianbao_kb.sqlite3"
    assert last_year_from_records(path, AGENCY, 2022).note == f"{tmp_path} 下没有知识库，未找到{AGENCY} 2021 年度报告"
    (tmp_path / "chroma").mkdir()  # a store of the layout before the records
    assert "尚未迁移到新的存储布局（可运行 nianbao kb migrate）" in last_year_from_records(path, AGENCY, 2022).note
    assert not path.exists()


def test_a_report_without_its_body_or_year_is_not_looked_up(records: Path) -> None:
    assert last_year_from_records(records, None, 2022).note == "未识别报告的机关或年度，无法查找上年报告"
    assert last_year_from_records(records, AGENCY, None).report is None
