"""Last year's report of a body, read from the knowledge base's SQLite records alone, read-only.

For checking and reviewing one report (``nianbao check``, ``nianbao review``, the review page): opening the whole
knowledge base would load Chroma and the embeddings, a second or more for a report the records hold. The records
are opened read-only (SQLite's ``mode=ro``): nothing is created, migrated or locked just to look in them, and in
WAL mode a read does not wait behind a ``kb add`` writing meanwhile. Records whose schema is not yet the one this
code writes (an add creating the store right now, or a store not yet opened since an upgrade) are not read: the
look-up says so and the caller goes on without last year.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from nianbao.kb.records import MIGRATIONS
from nianbao.model import Report
from nianbao.rules.crossyear import same_agency

# Seconds a read may wait for the file: WAL readers never wait for a writer, only for the rare moment a
# connection recovers the WAL after a crash; the default timeout would hold a check for 5 s.
READ_WAIT = 1.0


@dataclass(frozen=True)
class LastYear:
    """What the knowledge base gave for last year: the report (None when it holds none) and why, in Chinese."""

    report: Report | None
    note: str


def last_year_from_records(records: Path, agency: str | None, year: int | None) -> LastYear:
    """This body's report of the year before, in the records file ``records`` (nianbao.kb.records.records_path):
    the name as printed first, then the same body printed with or without its city (洪泽区人民政府 /
    淮安市洪泽区人民政府)."""
    if agency is None or year is None:
        return LastYear(None, "未识别报告的机关或年度，无法查找上年报告")
    who = f"{agency} {year - 1} 年度报告"
    if not records.is_file():
        if (records.parent / "chroma").is_dir():
            return LastYear(
                None, f"{records.parent} 下的知识库尚未迁移到新的存储布局（可运行 nianbao kb migrate），未取得{who}"
            )
        return LastYear(None, f"{records.parent} 下没有知识库，未找到{who}")
    try:
        db = _open_read_only(records)
    except (sqlite3.Error, OSError) as e:
        return LastYear(None, f"未能打开知识库 {records}（{e}），未取得{who}")
    try:
        if not _schema_is_current(db):
            return LastYear(None, f"知识库 {records} 正在建立或尚未升级（可运行 nianbao kb migrate），未取得{who}")
        return _find(db, agency, year, who)
    except (sqlite3.Error, ValueError) as e:  # ValueError: a stored report that no longer validates
        return LastYear(None, f"未能从知识库读取{who}（{e}）")
    finally:
        db.close()


def _schema_is_current(db: sqlite3.Connection) -> bool:
    """Every migration this code knows is applied (a read-only look-up never applies one itself)."""
    try:
        applied = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    except sqlite3.OperationalError:  # no such table: the store's first add has not committed yet
        return False
    return {name for name, _ in MIGRATIONS} <= applied


def _find(db: sqlite3.Connection, agency: str, year: int, who: str) -> LastYear:
    stored = db.execute("SELECT id, agency FROM reports WHERE year = ?", (year - 1,)).fetchall()
    name = agency.replace(" ", "")
    exact = [(i, a) for i, a in stored if a.replace(" ", "") == name]
    for report_id, stored_agency in exact or [(i, a) for i, a in stored if same_agency(a, agency)]:
        row = db.execute("SELECT report_json FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is not None:
            report = Report.model_validate_json(row[0])
            return LastYear(report, f"知识库中的{stored_agency} {year - 1} 年度报告（ID {report_id}）")
    return LastYear(None, f"知识库中没有{who}")


def stored_report(records: Path, agency: str, year: int) -> tuple[str, Report] | None:
    """The stored report of exactly this body and year as (id, report), read-only; None when the records do not
    hold it (or cannot be read now: the caller then checks without it). For a knowledge-base add's reader
    worker, which checks a report against last year's as the add itself would."""
    if not records.is_file():
        return None
    try:
        with closing(_open_read_only(records)) as db:
            if not _schema_is_current(db):
                return None
            sql = "SELECT id, report_json FROM reports WHERE agency = ? AND year = ?"
            row = db.execute(sql, (agency, year)).fetchone()
            return None if row is None else (row[0], Report.model_validate_json(row[1]))
    except (sqlite3.Error, OSError, ValueError):
        return None


def _open_read_only(records: Path) -> sqlite3.Connection:
    """The records file opened read-only: nothing created, migrated or locked."""
    return sqlite3.connect(f"{records.resolve().as_uri()}?mode=ro", uri=True, timeout=READ_WAIT)
