"""Two copies of one draft saved in turn (two tabs): the later save from a stale copy is refused with a
Chinese message and the first one's cell and chat message are kept. Drafts are readable by their owner only."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from nianbao.drafts import ChatMessage, DraftStore, StaleDraftError, new_user_key
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import SEED


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore.in_data_dir(tmp_path / "data")


def test_a_save_from_a_stale_copy_is_refused_and_nothing_is_lost(store: DraftStore):
    user = new_user_key()
    created = store.create(user, read_report(SEED))
    tab_a, tab_b = store.get(user, created.id), store.get(user, created.id)

    tab_a.report.set_value(TableId.REQUESTS, "一", "总计", 999)
    saved_a = store.save(tab_a.model_copy(update={"chat": [ChatMessage(role="user", content="总计改成999")]}))
    tab_b.report.set_value(TableId.REQUESTS, "一", "总计", 1)
    with pytest.raises(StaleDraftError) as caught:
        store.save(tab_b.model_copy(update={"chat": [ChatMessage(role="user", content="总计改成1")]}))

    assert "另一个窗口或标签页" in caught.value.message and "没有保存" in caught.value.message
    stored = store.get(user, created.id)
    assert stored.report.value(TableId.REQUESTS, "一", "总计") == 999
    assert [m.content for m in stored.chat] == ["总计改成999"]
    assert stored.version == saved_a.version == created.version + 1


def test_saving_the_copy_a_save_returned_goes_on_working(store: DraftStore):
    user = new_user_key()
    draft = store.create(user, read_report(SEED))
    for name in ("一", "二", "三"):
        draft = store.save(draft.model_copy(update={"name": name}))
    assert store.get(user, draft.id).version == 4


def test_a_store_made_before_versions_gets_them(tmp_path: Path):
    old = tmp_path / "drafts.sqlite3"
    with sqlite3.connect(old) as conn:  # the table as it was, with one draft in it
        conn.execute(
            "CREATE TABLE drafts (id TEXT PRIMARY KEY, user_key TEXT NOT NULL, name TEXT NOT NULL, agency TEXT, "
            "year INTEGER, report_json TEXT NOT NULL, chat_json TEXT NOT NULL, extra_json TEXT NOT NULL, "
            "created_at REAL NOT NULL, updated_at REAL NOT NULL)"
        )
        user = new_user_key()
        conn.execute(
            "INSERT INTO drafts VALUES ('d1', ?, '旧草稿', NULL, NULL, ?, '[]', '{}', 1, 1)",
            (user, read_report(SEED).model_dump_json()),
        )
    store = DraftStore(old)
    draft = store.get(user, "d1")
    assert draft.version == 1
    assert store.save(draft).version == 2


def test_drafts_are_readable_by_their_owner_only(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    store = DraftStore.in_data_dir(data)
    reader = sqlite3.connect(data / "drafts.sqlite3")  # kept open: the WAL and its index stay on disk
    try:
        reader.execute("SELECT count(*) FROM drafts").fetchone()
        store.create(new_user_key(), read_report(SEED))

        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        files = sorted(file.name for file in data.iterdir())
        assert files == ["drafts.sqlite3", "drafts.sqlite3-shm", "drafts.sqlite3-wal"]
        for file in data.iterdir():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    finally:
        reader.close()
