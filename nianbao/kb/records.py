"""The knowledge base's records in SQLite: reports, their cells and findings, paragraphs, the word index, the journal.

One file beside the drafts, ``<data_dir>/<prefix>_kb.sqlite3`` (``nianbao_kb.sqlite3``), in WAL mode, so an
add, replace or remove is one transaction: a kill at any moment leaves the store as before or after it.
Chroma holds only the paragraphs' vectors, keyed by the paragraph ids here (``<report id>:<part>:<n>``);
the journal lists the vector ids a change is writing or dropping, so that vectors a killed change left in
Chroma without a paragraph here are deleted later (they are never found meanwhile: a search keeps only
hits with a paragraph here).

The word index is SQLite FTS5 over the paragraphs' search tokens (nianbao.kb.lexical, space-separated, so the
unicode61 tokenizer keeps each token whole), scored by FTS5's BM25 and persisted with the records: nothing is
built at start.
Schema changes are numbered migrations, applied in order when the file is opened (as simonw/llm does).
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.kb.models import StoredReport
from nianbao.model import CellNumber, Finding, Report
from nianbao.private import private_file, private_folder

if TYPE_CHECKING:
    from nianbao.settings import Settings

Filters = Mapping[str, Sequence[str | int]]
# A word in more than half the paragraphs has BM25 idf <= 0 (FTS5 counts it as ~0) and is left out of the
# match. In a large index so is a word in more than a tenth of them (and over COMMON_WORD_FLOOR): matching it
# visits that share of the index (at 100k paragraphs FTS5's p50 goes 215 -> 76 ms, on a loaded machine) for
# little, its idf being at most log(9) = 2.2 where a rare word's is about 10.
COMMON_WORD_SHARE = 0.1
COMMON_WORD_FLOOR = 2000  # below this many paragraphs holding it, a word is only left out above half of them
FEWEST_WORDS = 2  # when every word of a question is common, its rarest ones
LIVE_CHANGE_SECONDS = 600.0
FILTER_TABLES = 16  # filters whose paragraphs are kept at once (temporary tables of this connection)
REPORT_FIELDS = tuple(StoredReport.model_fields)
_FILTER_COLUMNS = {
    "id": "p.id",
    "report_id": "p.report_id",
    "agency": "r.agency",
    "year": "r.year",
    "part": "p.part",
    "level": "r.level",
    "region": "r.region",
}

REPORT_LEVEL_FIELDS = {"agency", "year", "level", "region"}

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_reports_paragraphs_journal",
        """
        CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            agency TEXT NOT NULL,
            year INTEGER NOT NULL,
            region TEXT NOT NULL,
            level TEXT NOT NULL,
            format TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL UNIQUE,
            size_bytes INTEGER NOT NULL DEFAULT 0,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            warnings INTEGER NOT NULL DEFAULT 0,
            added_at REAL NOT NULL,
            report_json TEXT NOT NULL,
            UNIQUE (agency, year)
        );
        CREATE TABLE cells (
            report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
            table_id TEXT NOT NULL,
            row TEXT NOT NULL,
            col TEXT NOT NULL,
            raw TEXT NOT NULL,
            value TEXT,
            PRIMARY KEY (report_id, table_id, row, col)
        ) WITHOUT ROWID;
        CREATE TABLE findings (
            report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            rule TEXT NOT NULL,
            is_error INTEGER NOT NULL,
            finding_json TEXT NOT NULL,
            PRIMARY KEY (report_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE paragraphs (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
            part TEXT NOT NULL,
            paragraph INTEGER NOT NULL,
            part_title TEXT NOT NULL,
            text TEXT NOT NULL,
            tokens TEXT NOT NULL
        );
        CREATE INDEX paragraphs_by_report ON paragraphs (report_id);
        CREATE INDEX reports_by_level ON reports (level);
        CREATE VIRTUAL TABLE paragraph_words USING fts5 (
            tokens, content = 'paragraphs', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE VIRTUAL TABLE paragraph_word_counts USING fts5vocab (paragraph_words, row);
        CREATE TRIGGER paragraphs_indexed AFTER INSERT ON paragraphs BEGIN
            INSERT INTO paragraph_words (rowid, tokens) VALUES (new.rowid, new.tokens);
        END;
        CREATE TRIGGER paragraphs_unindexed AFTER DELETE ON paragraphs BEGIN
            INSERT INTO paragraph_words (paragraph_words, rowid, tokens) VALUES ('delete', old.rowid, old.tokens);
        END;
        CREATE TABLE journal (
            id TEXT PRIMARY KEY,
            vector_ids TEXT NOT NULL,
            started_at REAL NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
    ("002_paragraphs_by_part", "CREATE INDEX paragraphs_by_part ON paragraphs (part, report_id);"),
    # The bodies a question may name, read from this index alone: a report's row carries its whole JSON, so a
    # scan of the table read most of the file (a cold search at 100k paragraphs spent 0.27 s loading reports).
    ("003_reports_by_body", "CREATE INDEX reports_by_body ON reports (agency, region);"),
    # Which process a change is by, so that another process opening the store leaves a live one's alone.
    ("004_journal_writer", "ALTER TABLE journal ADD COLUMN writer TEXT NOT NULL DEFAULT '';"),
]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report's narrative as stored: its id, place, text and search tokens."""

    id: str
    part: str
    paragraph: int
    part_title: str
    text: str
    tokens: str


FindingRow = tuple[str, bool, str]  # rule, is an error, the finding as JSON


@dataclass(frozen=True)
class ReportRows:
    """Everything written about one report besides its listing: the report as JSON, its cells, its checker's
    findings and its paragraphs with their search tokens.

    Serialised once, for an add in the reader worker that read the file, and inserted by SQLite from JSON
    (json_each): binding each of a report's 200 cells and 20 paragraphs from Python cost this process 2.5 ms
    a report, the same rows from JSON 1.9 ms.
    """

    report_json: str
    cells_json: str  # [[table, row, column, as written, value or null], ...]
    findings: list[FindingRow]
    paragraph_ids: list[str]
    paragraphs_json: str  # [[id, part, paragraph, part title, text, tokens], ...]

    @classmethod
    def of(cls, report: Report, findings: Sequence[Finding], paragraphs: Sequence[Paragraph]) -> ReportRows:
        cells = [[c.table.value, c.row, c.column, c.raw, _text(c.value)] for c in report.cells]
        return cls(
            report_json=report.model_dump_json(),
            cells_json=_json(cells),
            findings=_finding_rows(findings),
            paragraph_ids=[p.id for p in paragraphs],
            paragraphs_json=_json([[p.id, p.part, p.paragraph, p.part_title, p.text, p.tokens] for p in paragraphs]),
        )

    def with_findings(self, findings: Sequence[Finding]) -> ReportRows:
        return replace(self, findings=_finding_rows(findings))

    @property
    def errors(self) -> int:
        return sum(1 for _rule, is_error, _json in self.findings if is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@dataclass(frozen=True)
class NewReport:
    """Everything written for one report in an add."""

    stored: StoredReport
    rows: ReportRows


@dataclass(frozen=True)
class UnfinishedChange:
    """An add, replace or remove begun and not finished: in progress, or interrupted."""

    id: str
    vector_ids: list[str]
    started_at: float
    writer: str = ""  # the process making it (this_process()); empty for a change noted before it was kept

    def in_progress(self, now: float) -> bool:
        """Being made now: by this process and not settled, or lately by another process still running on this
        machine (a change older than LIVE_CHANGE_SECONDS was given up: an add writes a batch in seconds)."""
        with _IN_PROGRESS_LOCK:
            if self.id in _IN_PROGRESS:
                return True
        return now - self.started_at < LIVE_CHANGE_SECONDS and is_another_live_process(self.writer)


_IN_PROGRESS: set[str] = set()  # the changes this process has begun and not settled
_IN_PROGRESS_LOCK = threading.Lock()


def this_process() -> str:
    """This process, as the journal names a change's writer: machine, process id and start time (an id the
    system gives again later is another process)."""
    return f"{socket.gethostname()} {os.getpid()} {_start_time(os.getpid())}"


def is_another_live_process(writer: str) -> bool:
    """Whether ``writer`` (this_process() of some process) is another process still running on this machine."""
    parts = writer.split(" ")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2]:
        return False
    host, pid, started = parts[0], int(parts[1]), parts[2]
    return host == socket.gethostname() and pid != os.getpid() and _start_time(pid) == started


def _start_time(pid: int) -> str:
    """When the process started, in clock ticks since boot ('' when it is not running, or unknown here)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def records_path(settings: Settings, prefix: str = "nianbao") -> Path:
    """The SQLite file of a knowledge base, beside the drafts in the data folder."""
    return settings.data_dir / f"{prefix}_kb.sqlite3"


class RecordStore:
    """The SQLite file of one knowledge base. Thread-safe: one connection, used under a lock."""

    def __init__(self, path: Path) -> None:
        private_folder(path.parent)
        for file in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
            if file == path or file.exists():
                private_file(file)  # 0600; SQLite gives its -wal and -shm files the database file's mode
        self.path = path
        self._lock = threading.RLock()
        self._writes = 0  # this connection's commits (PRAGMA data_version counts only the others')
        self._counts: dict[str, int] = {}
        self._counted_at: tuple[int, int] = (-1, -1)
        self._filter_tables: dict[str, str] = {}
        self._filter_names = itertools.count()
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self.transaction():
            migrate(self._db)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so concurrent writers queue instead of failing midway)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._writes += 1

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._db.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def version(self) -> int:
        """Changes when another connection (another process) commits: to know when cached reads are stale."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def state(self) -> tuple[int, int]:
        """Changes when anyone commits, this connection included."""
        with self._lock:
            return self.version(), self._writes

    # -- settings ---------------------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    # -- reports ----------------------------------------------------------------------------------------

    def reports(self, filters: Filters | None = None) -> list[StoredReport]:
        where, params = _where(filters, {**_FILTER_COLUMNS, "report_id": "r.id", "content_hash": "r.content_hash"})
        columns = ", ".join(f"r.{f}" for f in REPORT_FIELDS)
        rows = self._rows(f"SELECT {columns} FROM reports r {where}", params)
        return [StoredReport.model_validate(dict(row)) for row in rows]

    def bodies(self) -> list[tuple[str, str]]:
        """Every stored body as (name, region)."""
        return [(r["agency"], r["region"]) for r in self._rows("SELECT DISTINCT agency, region FROM reports")]

    def report(self, report_id: str) -> tuple[Report, list[Finding]] | None:
        """The structured report and its findings (None when it is not stored, e.g. removed meanwhile)."""
        with self._lock:
            rows = self._rows("SELECT report_json FROM reports WHERE id = ?", (report_id,))
            if not rows:
                return None
            findings = self._rows(
                "SELECT finding_json FROM findings WHERE report_id = ? ORDER BY position", (report_id,)
            )
        report = Report.model_validate_json(rows[0]["report_json"])
        return report, [Finding.model_validate_json(f["finding_json"]) for f in findings]

    def cells(self, report_ids: Sequence[str]) -> dict[str, dict[tuple[str, str, str], CellNumber | None]]:
        """Each report's cell values by (table, row, column)."""
        marks = ", ".join("?" * len(report_ids))
        sql = f"SELECT report_id, table_id, row, col, value FROM cells WHERE report_id IN ({marks})"
        rows = self._rows(sql, report_ids)
        values: dict[str, dict[tuple[str, str, str], CellNumber | None]] = {r: {} for r in report_ids}
        for row in rows:
            values[row["report_id"]][(row["table_id"], row["row"], row["col"])] = _number(row["value"])
        return values

    def write(self, new: Sequence[NewReport], drop: Sequence[str], change_id: str | None) -> None:
        """Commit an add: the new reports with everything about them, minus the reports they replace, and the
        change marked done on this side (its vectors of dropped reports may still be in Chroma)."""
        with self.transaction() as db:
            self._delete_reports(db, drop)
            for item in new:
                _insert_report(db, item)
            if change_id is not None:
                _mark_committed(db, change_id)

    def remove(self, report_id: str, change_id: str | None) -> None:
        with self.transaction() as db:
            self._delete_reports(db, [report_id])
            if change_id is not None:
                _mark_committed(db, change_id)

    @staticmethod
    def _delete_reports(db: sqlite3.Connection, report_ids: Sequence[str]) -> None:
        for report_id in report_ids:
            db.execute("DELETE FROM paragraphs WHERE report_id = ?", (report_id,))
            db.execute("DELETE FROM reports WHERE id = ?", (report_id,))

    # -- paragraphs -------------------------------------------------------------------------------------

    def paragraph_ids(self, report_id: str) -> list[str]:
        rows = self._rows("SELECT id FROM paragraphs WHERE report_id = ? ORDER BY rowid", (report_id,))
        return [r["id"] for r in rows]

    def texts(self) -> list[tuple[str, str, int, str, int, str, str]]:
        """(id, body, year, part, paragraph, part title, text) of every paragraph: to tokenise them again."""
        sql = (
            "SELECT p.id, r.agency, r.year, p.part, p.paragraph, p.part_title, p.text"
            " FROM paragraphs p JOIN reports r ON r.id = p.report_id"
        )
        with self._lock:
            return [tuple(row) for row in self._db.execute(sql)]

    def pages_of_texts(self, size: int) -> Iterator[list[tuple[str, str, int, str, int, str, str]]]:
        """``texts()`` a page at a time, in paragraph order (to embed a large store again in bounded memory)."""
        sql = (
            "SELECT p.rowid, p.id, r.agency, r.year, p.part, p.paragraph, p.part_title, p.text"
            " FROM paragraphs p JOIN reports r ON r.id = p.report_id WHERE p.rowid > ? ORDER BY p.rowid LIMIT ?"
        )
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(sql, (after, size)).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield [tuple(row[1:]) for row in rows]

    def set_tokens(self, tokens: Iterable[tuple[str, str]], setting: tuple[str, str]) -> None:
        """Replace the paragraphs' tokens ((id, tokens) pairs) and rebuild the word index, in one transaction
        with the setting that records the tokenisation."""
        with self.transaction() as db:
            db.executemany("UPDATE paragraphs SET tokens = ? WHERE id = ?", [(t, i) for i, t in tokens])
            db.execute("INSERT INTO paragraph_words (paragraph_words) VALUES ('rebuild')")
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", setting)

    def paragraph_count(self) -> int:
        """How many paragraphs are stored (counted again only after a change: a count reads a whole index)."""
        with self._lock:
            self._count_again_if_changed()
            return self._counts[""]

    def paragraphs(self, ids: Sequence[str]) -> dict[str, Paragraph]:
        found: dict[str, Paragraph] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ", ".join("?" * len(batch))
            rows = self._rows(
                f"SELECT id, part, paragraph, part_title, text, tokens FROM paragraphs WHERE id IN ({marks})", batch
            )
            found.update((r["id"], Paragraph(**dict(r))) for r in rows)
        return found

    def select(self, filters: Filters | None, among: Sequence[str] | None = None) -> list[str]:
        """The ids of the paragraphs that pass the filters (only those ``among`` these ids, if given)."""
        wanted = {**(filters or {}), **({"id": among} if among is not None else {})}
        where, params = _where(wanted, _FILTER_COLUMNS)
        rows = self._rows(_paragraphs_sql("p.id", wanted, where), params)
        return [r["id"] for r in rows]

    def search_words(self, tokens: Sequence[str], n: int, filters: Filters | None) -> list[tuple[str, float]]:
        """The ``n`` paragraphs best matching the tokens by BM25, as (id, score), best first; within the filters."""
        words = self._telling_words(sorted(set(tokens)))
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        with self._lock:
            # "+rowid": the filter is checked on each match against the filtered rowids; given to FTS5 as a
            # constraint of its own it made a search with a year filter ten times slower.
            within = f"AND +rowid IN temp.{self._filtered(filters)}" if filters else ""
            # Ordered by the score selected, not by FTS5's rank column: with both, BM25 was computed twice per
            # match (the SQL alone 9.5 -> 6.9 ms CPU a question at 100k paragraphs).
            sql = (
                "SELECT rowid, bm25(paragraph_words) AS cost FROM paragraph_words"
                f" WHERE paragraph_words MATCH ? {within} ORDER BY cost LIMIT ?"
            )
            best = [(row, -cost) for row, cost in self._db.execute(sql, [match, n]).fetchall()]
            marks = ", ".join("?" * len(best))
            ids = dict(
                self._db.execute(f"SELECT rowid, id FROM paragraphs WHERE rowid IN ({marks})", [r for r, _s in best])
            )
        return [(ids[row], float(score)) for row, score in best]

    def _telling_words(self, words: list[str]) -> list[str]:
        """The query words the index holds, without those in more than half of the paragraphs (when others remain)."""
        if not words:
            return []
        with self._lock:
            present = self._paragraphs_holding(words)
            total = self.paragraph_count()
        cutoff = common_cutoff(total)
        telling = [w for w in words if 0 < present.get(w, 0) <= cutoff]
        return telling or sorted(present, key=lambda w: (present[w], w))[:FEWEST_WORDS]

    def _paragraphs_holding(self, words: list[str]) -> dict[str, int]:
        """How many paragraphs hold each word the index has (kept until the store changes; under the lock)."""
        self._count_again_if_changed()
        for word in words:  # one lookup per word: fts5vocab scans its whole vocabulary for an IN list
            if word not in self._counts:
                found = self._rows("SELECT doc FROM paragraph_word_counts WHERE term = ?", (word,))
                self._counts[word] = int(found[0]["doc"]) if found else 0
        return {w: self._counts[w] for w in words if self._counts[w]}

    def _count_again_if_changed(self) -> None:
        """Forget the counts of paragraphs and of their words, and the filtered paragraphs, after a change
        (under the lock)."""
        state = self.state()
        if state != self._counted_at:
            self._counts = {"": self._rows("SELECT count(*) AS n FROM paragraphs")[0]["n"]}
            self._drop_filter_tables()
            self._counted_at = state

    def _filtered(self, filters: Filters) -> str:
        """A temporary table of the rowids of the paragraphs that pass the filters, kept until the store changes
        (under the lock): taking them afresh for each search cost 10-100 ms at 100k paragraphs when the
        filter keeps many (a level, a year, a part)."""
        self._count_again_if_changed()
        key = repr(sorted((field, sorted(map(str, values))) for field, values in filters.items()))
        name = self._filter_tables.get(key)
        if name is None:
            if len(self._filter_tables) >= FILTER_TABLES:
                self._drop_filter_tables()
            name = f"filtered_{next(self._filter_names)}"
            where, params = _where(filters, _FILTER_COLUMNS)
            self._db.execute(f"CREATE TEMP TABLE {name} (id INTEGER PRIMARY KEY)")
            self._db.execute(f"INSERT INTO temp.{name} {_paragraphs_sql('p.rowid', filters, where)}", params)
            self._filter_tables[key] = name
        return name

    def _drop_filter_tables(self) -> None:
        for name in self._filter_tables.values():
            self._db.execute(f"DROP TABLE IF EXISTS temp.{name}")
        self._filter_tables = {}

    # -- the journal ------------------------------------------------------------------------------------

    def begin(self, vector_ids: Iterable[str]) -> str:
        """Note that these vectors are being written or dropped; returns the change's id. The change is in
        progress until ``settled`` (or ``finish``) is called, whichever way it ends."""
        change_id = uuid.uuid4().hex
        with _IN_PROGRESS_LOCK:
            _IN_PROGRESS.add(change_id)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO journal (id, vector_ids, started_at, writer) VALUES (?, ?, ?, ?)",
                (change_id, json.dumps(list(vector_ids)), time.time(), this_process()),
            )
        return change_id

    def finish(self, change_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM journal WHERE id = ?", (change_id,))
        self.settled(change_id)

    @staticmethod
    def settled(change_id: str) -> None:
        """This process no longer works on the change: finished, or given up (its row then waits for recovery)."""
        with _IN_PROGRESS_LOCK:
            _IN_PROGRESS.discard(change_id)

    def unfinished(self) -> list[UnfinishedChange]:
        rows = self._rows("SELECT id, vector_ids, started_at, writer FROM journal ORDER BY started_at")
        return [
            UnfinishedChange(r["id"], json.loads(r["vector_ids"]), float(r["started_at"]), r["writer"]) for r in rows
        ]

    def without_paragraph(self, ids: Sequence[str]) -> list[str]:
        """Those of these vector ids that have no paragraph (what an unfinished change left in Chroma)."""
        kept = set(self.paragraphs(ids))
        return [i for i in ids if i not in kept]

    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Every table's rows, sorted: to compare states in tests."""
        tables = ("reports", "cells", "findings", "paragraphs", "journal")
        with self._lock:
            return {t: sorted(tuple(r) for r in self._db.execute(f"SELECT * FROM {t}")) for t in tables}


def common_cutoff(total: int) -> float:
    """How many of ``total`` paragraphs may hold a word matched in a search (see COMMON_WORD_SHARE)."""
    return max(COMMON_WORD_SHARE * total, min(total / 2, COMMON_WORD_FLOOR))


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations not applied yet, in order (inside the caller's transaction)."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        for statement in _statements(sql):
            db.execute(statement)
        db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))


def _statements(sql: str) -> list[str]:
    """A migration's statements (sqlite3's execute runs one; executescript would commit the transaction)."""
    statements, current = [], ""
    for line in sql.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _insert_report(db: sqlite3.Connection, item: NewReport) -> None:
    stored = item.stored.model_dump()
    columns = [*REPORT_FIELDS, "report_json"]
    values = [stored[f] for f in REPORT_FIELDS] + [item.rows.report_json]
    db.execute(f"INSERT INTO reports ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values)
    db.execute(
        "INSERT OR REPLACE INTO cells (report_id, table_id, row, col, raw, value)"
        f" SELECT ?, {_items(5)} FROM json_each(?)",
        (item.stored.id, item.rows.cells_json),
    )
    db.executemany(
        "INSERT INTO findings (report_id, position, rule, is_error, finding_json) VALUES (?, ?, ?, ?, ?)",
        [(item.stored.id, i, rule, int(error), text) for i, (rule, error, text) in enumerate(item.rows.findings)],
    )
    db.execute(
        "INSERT INTO paragraphs (report_id, id, part, paragraph, part_title, text, tokens)"
        f" SELECT ?, {_items(6)} FROM json_each(?)",
        (item.stored.id, item.rows.paragraphs_json),
    )


def _items(count: int) -> str:
    """The first ``count`` items of a json_each row that is an array."""
    return ", ".join(f"json_extract(value, '$[{i}]')" for i in range(count))


def _text(value: CellNumber | None) -> str | None:
    return None if value is None else str(value)


def _json(rows: Sequence[Sequence[object]]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _finding_rows(findings: Sequence[Finding]) -> list[FindingRow]:
    return [(f.rule, f.is_error, f.model_dump_json()) for f in findings]


def _paragraphs_sql(column: str, filters: Filters, where: str) -> str:
    """The paragraphs passing the filters (joined with their reports only when a report's field is filtered)."""
    joined = any(field in REPORT_LEVEL_FIELDS for field in filters)
    # Among given ids, look them up by id: left to itself SQLite walked the part index (78 ms at 100k).
    paragraphs = "paragraphs p INDEXED BY sqlite_autoindex_paragraphs_1" if "id" in filters else "paragraphs p"
    source = f"{paragraphs} JOIN reports r ON r.id = p.report_id" if joined else paragraphs
    return f"SELECT {column} FROM {source} {where}"


def _mark_committed(db: sqlite3.Connection, change_id: str) -> None:
    """The records side of a change is done: recovery then only drops its vectors that have no paragraph."""
    db.execute("UPDATE journal SET started_at = 0 WHERE id = ?", (change_id,))


def _where(filters: Filters | None, columns: Mapping[str, str]) -> tuple[str, list[object]]:
    """SQL conditions for {field: allowed values}; a field without a column matches nothing."""
    clauses: list[str] = []
    params: list[object] = []
    for field, values in (filters or {}).items():
        column = columns.get(field)
        values = list(values)
        if column is None or not values:
            return "WHERE 0", []
        clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
        params += [int(v) if field == "year" else str(v) for v in values]
    return ("WHERE " + " AND ".join(clauses), params) if clauses else ("", [])


def _number(text: str | None) -> CellNumber | None:
    if text is None:
        return None
    return int(text) if text.lstrip("-").isdigit() else Decimal(text)
