"""The draft store: each user's drafts (report, chat history, metadata) in SQLite in the data folder.

One file, ``<data_dir>/drafts.sqlite3``, in WAL mode, readable by its owner only (0600, in a 0700
folder). Every save is one transaction, so a crash in the middle of a save leaves the previous version
intact. A draft belongs to one user key; every operation takes the user key and never touches another
user's drafts. Each save raises the draft's version: a save made from an older copy than the stored one
(another tab saved in between) is refused with StaleDraftError, and nothing is overwritten.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from nianbao.errors import InvalidInputError, NianbaoError
from nianbao.model import Report, blank_cells
from nianbao.private import private_file, private_folder
from nianbao.schema import REQUEST_COLUMNS, TableId

DB_NAME = "drafts.sqlite3"
_USER_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_MAX_NAME = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    user_key TEXT NOT NULL,
    name TEXT NOT NULL,
    agency TEXT,
    year INTEGER,
    report_json TEXT NOT NULL,
    chat_json TEXT NOT NULL,
    extra_json TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS drafts_by_user ON drafts (user_key, updated_at);
CREATE TABLE IF NOT EXISTS personal_codes (
    code TEXT PRIMARY KEY,
    user_key TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
"""
# A personal code opens a user's drafts on another computer: 8 characters of an alphabet without look-alikes
# (no 0/O, 1/I), 40 bits, typed as ABCD-EFGH in any case. Guessing is throttled by the page that asks for one.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class ChatMessage(BaseModel):
    """One turn of the chat beside the draft."""

    role: Literal["user", "assistant"]
    content: str


class DraftInfo(BaseModel):
    """What the list of drafts shows."""

    id: str
    name: str
    agency: str | None = None
    year: int | None = None
    created_at: float
    updated_at: float


class StoredDraft(DraftInfo):
    """A saved draft: its report, the chat that built it and free metadata (sources of parts …)."""

    user_key: str
    report: Report
    chat: list[ChatMessage] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    version: int = 1  # raised by every save; a save from an older version is refused


_COLUMNS = "id, user_key, name, agency, year, report_json, chat_json, extra_json, created_at, updated_at, version"


class DraftNotFoundError(NianbaoError):
    """The draft does not exist (or belongs to someone else, which looks the same)."""


class StaleDraftError(NianbaoError):
    """The draft was saved elsewhere (another tab) since this copy was read: this save was not written."""

    def __init__(self, stored_version: int, saved_at: float) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(saved_at))
        super().__init__(
            f"这份草稿已在别处（另一个窗口或标签页）于 {when} 修改并保存。为避免覆盖那边的修改，这次的修改没有保存；"
            "页面显示的是最新保存的内容，请在其上重新修改。"
        )
        self.stored_version = stored_version


def new_user_key() -> str:
    """A fresh random user key, kept in the browser's URL."""
    return secrets.token_urlsafe(12)


def is_user_key(text: str | None) -> bool:
    return bool(text) and bool(_USER_KEY.match(text or ""))


def normalized_code(typed: str) -> str | None:
    """A personal code as stored (upper case, no dash or spaces), or None when it cannot be one."""
    code = re.sub(r"[\s\-－—]", "", typed or "").upper()
    ok = len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)
    return code if ok else None


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def default_name(agency: str | None, year: int | None) -> str:
    """``鹿邑县人民政府 2022年度报告（草稿）``."""
    who = agency or "未命名机关"
    return f"{who} {year}年度报告（草稿）" if year else f"{who} 年度报告（草稿）"


class DraftStore:
    """Drafts in one SQLite file; safe to use from several threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        private_folder(self.path.parent)
        for file in (self.path, *(self.path.with_name(self.path.name + end) for end in ("-wal", "-shm"))):
            if file == self.path or file.exists():
                private_file(file)  # SQLite gives its -wal and -shm files the database file's mode
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            _add_version_column(conn)

    @classmethod
    def in_data_dir(cls, data_dir: str | Path) -> DraftStore:
        """The store of a data folder: ``<data_dir>/drafts.sqlite3``."""
        return cls(Path(data_dir) / DB_NAME)

    def create(
        self,
        user_key: str,
        report: Report,
        name: str | None = None,
        chat: list[ChatMessage] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> StoredDraft:
        """Save a new draft for this user and return it."""
        _check_user(user_key)
        now = time.time()
        draft = StoredDraft(
            id=uuid.uuid4().hex,
            user_key=user_key,
            name=_clean_name(name or default_name(report.agency, report.year)),
            agency=report.agency,
            year=report.year,
            created_at=now,
            updated_at=now,
            # A copy: the caller's report (often shared, e.g. a report read once) must never alias a draft's.
            report=report.model_copy(deep=True),
            chat=list(chat or []),
            extra=dict(extra or {}),
        )
        with self._transaction() as conn:
            conn.execute(
                f"INSERT INTO drafts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft.id, user_key, draft.name, draft.agency, draft.year, *_payload(draft), now, now, 1),
            )
        return draft

    def save(self, draft: StoredDraft) -> StoredDraft:
        """Write the draft's report, chat and metadata in one transaction; the saved copy (next version) is
        returned. StaleDraftError when the stored draft is no longer the version this copy was read at."""
        _check_user(draft.user_key)
        saved = draft.model_copy(
            update={
                "updated_at": time.time(),
                "agency": draft.report.agency,
                "year": draft.report.year,
                "version": draft.version + 1,
            }
        )
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE drafts SET name = ?, agency = ?, year = ?, report_json = ?, chat_json = ?, extra_json = ?, "
                "updated_at = ?, version = ? WHERE id = ? AND user_key = ? AND version = ?",
                (
                    saved.name,
                    saved.agency,
                    saved.year,
                    *_payload(saved),
                    saved.updated_at,
                    saved.version,
                    saved.id,
                    saved.user_key,
                    draft.version,
                ),
            )
            if cursor.rowcount != 1:
                raise _why_not_saved(conn, draft)
        return saved

    def get(self, user_key: str, draft_id: str) -> StoredDraft:
        """The draft with this id, if it belongs to this user."""
        _check_user(user_key)
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM drafts WHERE id = ? AND user_key = ?", (draft_id, user_key)).fetchone()
        if row is None:
            raise DraftNotFoundError("找不到这份草稿，可能已被删除。")
        return _from_row(row)

    def list_drafts(self, user_key: str) -> list[DraftInfo]:
        """This user's drafts, most recently changed first."""
        _check_user(user_key)
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, name, agency, year, created_at, updated_at FROM drafts "
                "WHERE user_key = ? ORDER BY updated_at DESC",
                (user_key,),
            ).fetchall()
        return [DraftInfo(**dict(row)) for row in rows]

    def personal_code(self, user_key: str) -> str:
        """This user's personal code (made the first time it is asked for), as ``ABCD-EFGH``."""
        _check_user(user_key)
        with self._transaction() as conn:
            row = conn.execute("SELECT code FROM personal_codes WHERE user_key = ?", (user_key,)).fetchone()
            while row is None:
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                taken = conn.execute("SELECT 1 FROM personal_codes WHERE code = ?", (code,)).fetchone()
                if not taken:
                    conn.execute("INSERT INTO personal_codes VALUES (?, ?, ?)", (code, user_key, time.time()))
                    row = (code,)
        return shown_code(row[0])

    def user_for_code(self, typed: str) -> str | None:
        """The user key a personal code opens, or None (the code is compared as typed, in any case, dash or not)."""
        code = normalized_code(typed)
        if code is None:
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT user_key FROM personal_codes WHERE code = ?", (code,)).fetchone()
        return str(row[0]) if row else None

    def rename(self, user_key: str, draft_id: str, name: str) -> StoredDraft:
        """Give a draft a new name."""
        draft = self.get(user_key, draft_id)
        return self.save(draft.model_copy(update={"name": _clean_name(name)}))

    def duplicate_as_next_year(self, user_key: str, draft_id: str) -> StoredDraft:
        """A new draft for the next year: narrative kept, tables blank, 上年结转 = this draft's 四."""
        draft = self.get(user_key, draft_id)
        report = next_year_report(draft.report)
        return self.create(user_key, report, extra={"carried_from": draft.id})

    def delete(self, user_key: str, draft_id: str) -> None:
        """Delete a draft of this user."""
        _check_user(user_key)
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM drafts WHERE id = ? AND user_key = ?", (draft_id, user_key))
            if cursor.rowcount != 1:
                raise DraftNotFoundError("找不到这份草稿，可能已被删除。")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as e:
            raise NianbaoError(f"无法打开草稿库（{self.path}）：{e}") from e
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA synchronous=FULL")
        return conn


def _why_not_saved(conn: sqlite3.Connection, draft: StoredDraft) -> NianbaoError:
    row = conn.execute(
        "SELECT version, updated_at FROM drafts WHERE id = ? AND user_key = ?", (draft.id, draft.user_key)
    ).fetchone()
    if row is None:
        return DraftNotFoundError("找不到这份草稿，可能已被删除。")
    return StaleDraftError(row["version"], row["updated_at"])


def _add_version_column(conn: sqlite3.Connection) -> None:
    """A store made before drafts had versions gets the column (every draft at version 1)."""
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(drafts)")}
    if "version" not in columns:
        conn.execute("ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


def next_year_report(report: Report) -> Report:
    """Next year's starting point: same body and narrative, blank tables, 二 上年结转 = this year's 四."""
    year = report.year + 1 if report.year else None
    following = report.model_copy(deep=True)
    following.year = year
    following.cells = blank_cells(report.format)
    following.reader_findings = []
    following.source = ""
    if report.year and year:
        following.title = report.title.replace(str(report.year), str(year))
    for column in REQUEST_COLUMNS:
        following.set_value(TableId.REQUESTS, "二", column, report.value(TableId.REQUESTS, "四", column))
    return following


def _payload(draft: StoredDraft) -> tuple[str, str, str]:
    chat = json.dumps([m.model_dump() for m in draft.chat], ensure_ascii=False)
    return draft.report.model_dump_json(), chat, json.dumps(draft.extra, ensure_ascii=False, default=str)


def _from_row(row: sqlite3.Row) -> StoredDraft:
    return StoredDraft(
        id=row["id"],
        user_key=row["user_key"],
        name=row["name"],
        agency=row["agency"],
        year=row["year"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        report=Report.model_validate_json(row["report_json"]),
        chat=[ChatMessage(**m) for m in json.loads(row["chat_json"])],
        extra=json.loads(row["extra_json"]),
        version=row["version"],
    )


def _check_user(user_key: str) -> None:
    if not is_user_key(user_key):
        raise InvalidInputError("用户标识无效，请刷新页面后重试。")


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError("草稿名称不能为空。")
    return cleaned[:_MAX_NAME]
