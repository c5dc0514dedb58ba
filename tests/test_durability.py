"""Durability: a process killed (SIGKILL) in the middle of a draft save or a knowledge-base add loses nothing committed.

A child process (this module run with ``python -m tests.test_durability``) loops saving drafts to the
real DraftStore, or adding reports to the real knowledge base (embedded Chroma), in a temporary data
folder, and reports each committed save or add on its stdout. The test kills it at a random moment,
several times over the same folder, and after each kill reopens the store as a restarted app would:
every save reported before the kill is there, each draft is one whole version (never half of two),
and the knowledge base holds no half-added report (its SQLite records, paragraphs and word index agree
with the vectors in Chroma once the store is opened, the journal is empty, search answers).
``NIANBAO_KILLS`` sets the number of kills (default 5 of each).
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nianbao.drafts import DB_NAME, ChatMessage, DraftStore, new_user_key
from nianbao.kb.models import StoredReport
from nianbao.kb.records import RecordStore
from nianbao.kb.service import KnowledgeBase, file_hash, records_path
from nianbao.readers import read_report
from nianbao.schema import REQUEST_COLUMNS, TableId
from nianbao.settings import Settings
from tests.conftest import ROOT, SEED, kb_settings

KILLS = int(os.environ.get("NIANBAO_KILLS", "4"))
CELL = (TableId.REQUESTS, "一", REQUEST_COLUMNS[0])
DRAFTS_PER_CHILD = 4
CHILD_START_SECONDS = 120  # imports and opening the stores; only a broken child takes this long


# -- the child processes ---------------------------------------------------------------------------------


def save_drafts_forever(data_dir: str, user: str) -> None:
    """Create a few drafts, then save new versions of them in turn, reporting each committed save."""
    store = DraftStore.in_data_dir(data_dir)
    report = read_report(SEED)
    drafts = []
    for _ in range(DRAFTS_PER_CHILD):
        draft = store.create(user, report, name="v0", extra={"version": 0})
        print(f"saved {draft.id} 0", flush=True)
        drafts.append(draft)
    version = 0
    while True:
        version += 1
        for index, draft in enumerate(drafts):
            drafts[index] = store.save(versioned(draft, version))
            print(f"saved {draft.id} {version}", flush=True)


def versioned(draft, version: int):  # type: ignore[no-untyped-def]
    """Version ``version`` of a draft: its name, metadata, chat length and one cell all say the version."""
    report = draft.report.model_copy(deep=True)
    report.set_value(*CELL, version)
    chat = [*draft.chat, ChatMessage(role="user", content=f"第{version}次修改：" + "申请" * 500)][-200:]
    return draft.model_copy(
        update={"name": f"v{version}", "extra": {"version": version}, "chat": chat, "report": report}
    )


def add_reports(data_dir: str, paths: list[str]) -> None:
    """Add the reports one by one, reporting each committed add."""
    kb = KnowledgeBase(kb_settings(Path(data_dir)))
    print("ready", flush=True)
    started = time.monotonic()
    for path in paths:
        result = kb.add_file(path)
        print(f"added {result.status} {path} {time.monotonic() - started:.2f}", flush=True)


# -- the killing -----------------------------------------------------------------------------------------


class Child:
    """A child process whose stdout lines are collected as they come."""

    def __init__(self, log: Path, *args: str) -> None:
        self.log = log  # stderr goes to a file, not a pipe: a full pipe would block the child
        with log.open("wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.test_durability", *args],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
            )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def wait_for_lines(self, count: int = 1) -> None:
        deadline = time.monotonic() + CHILD_START_SECONDS
        while len(self.lines) < count and self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.lines) >= count, f"the child printed {len(self.lines)} lines: {self._stderr()}"

    def kill_after(self, seconds: float) -> list[str]:
        """SIGKILL the child after ``seconds`` (it must still be running then); the lines it reported."""
        time.sleep(seconds)
        assert self.process.poll() is None, f"the child stopped before the kill: {self._stderr()}"
        self.process.send_signal(signal.SIGKILL)
        self._close(timeout=30)
        assert self.process.returncode == -signal.SIGKILL
        return list(self.lines)

    def finish(self) -> list[str]:
        self._close(timeout=600)
        assert self.process.returncode == 0, self._stderr()
        return list(self.lines)

    def _close(self, timeout: float) -> None:
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()

    def _stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


# -- drafts ----------------------------------------------------------------------------------------------


def test_drafts_saved_before_each_kill_are_intact_after_restart(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("NIANBAO_KILL_SEED", "7")))
    user = new_user_key()
    committed: dict[str, int] = {}
    for _ in range(KILLS):
        child = Child(tmp_path / "child.log", "drafts", str(tmp_path), user)
        # The drafts' creation and one save reported first: on a busy machine they can take longer than the
        # random wait, and the kill is to come while saving.
        child.wait_for_lines(DRAFTS_PER_CHILD + 1)
        for line in child.kill_after(rng.uniform(0.05, 1.5)):
            _, draft_id, version = line.split()
            committed[draft_id] = max(committed.get(draft_id, 0), int(version))
        assert_drafts_intact(tmp_path, user, committed)
    assert len(committed) == KILLS * DRAFTS_PER_CHILD
    assert sum(committed.values()) >= KILLS  # the kills came while saving, not before the first save


def assert_drafts_intact(data_dir: Path, user: str, committed: dict[str, int]) -> None:
    with sqlite3.connect(data_dir / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = DraftStore.in_data_dir(data_dir)  # a restarted app opens the store afresh
    stored = {info.id for info in store.list_drafts(user)}
    assert set(committed) <= stored
    for draft_id in stored:
        draft = store.get(user, draft_id)
        version = draft.extra["version"]
        assert version >= committed.get(draft_id, 0)  # the save in flight may have committed unreported
        assert draft.name == f"v{version}"  # one whole version: name, chat and cells agree
        assert len(draft.chat) == min(version, 200)
        if version:
            assert draft.report.value(*CELL) == version
        if draft.chat:
            assert draft.chat[-1].content.startswith(f"第{version}次修改")


# -- the knowledge base ----------------------------------------------------------------------------------

COUNTIES = ["鹿邑县", "郸城县", "太康县"]
YEARS = [2019, 2020, 2021, 2022]


@pytest.fixture
def report_files(tmp_path: Path) -> list[Path]:
    """Twelve distinct reports: the seed for three counties and four years."""
    text = SEED.read_text(encoding="utf-8")
    files = []
    for county in COUNTIES:
        for year in YEARS:
            path = tmp_path / "reports" / f"{county}_{year}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text.replace("鹿邑", county[:2]).replace("2021", str(year)), encoding="utf-8")
            files.append(path)
    return files


def test_reports_added_before_each_kill_are_whole_after_restart(tmp_path: Path, report_files: list[Path]) -> None:
    rng = random.Random(int(os.environ.get("NIANBAO_KILL_SEED", "7")))
    data_dir = tmp_path / "data"
    added: set[str] = set()
    pace = float("inf")
    for kill in range(KILLS):
        remaining = [str(p) for p in rng.sample(report_files, len(report_files)) if str(p) not in added]
        child = Child(tmp_path / "child.log", "kb", str(data_dir), *remaining)
        # After "ready" and 0-2 committed adds, kill at a random moment within one add's time, as the child's
        # own clock measured it (on an idle machine an add is quick, under load it takes seconds). The first
        # kill waits for two committed adds: there is always an add to find intact, and a pace to go by.
        committed_first = rng.randint(0, min(2, len(remaining) - 2))
        child.wait_for_lines(1 + (2 if kill == 0 else committed_first))
        pace = min(pace, add_pace(child.lines))
        lines = child.kill_after(rng.uniform(0.0, pace))
        added |= {line.split()[2] for line in lines if line.startswith("added")}
        check_in_a_fresh_process(data_dir, added)
    finished = Child(tmp_path / "child.log", "kb", str(data_dir), *map(str, report_files)).finish()
    assert len([line for line in finished if line.startswith("added")]) == len(report_files)
    assert check_in_a_fresh_process(data_dir, set(map(str, report_files))) == len(report_files)
    assert added  # some adds committed before a kill


def add_pace(lines: list[str]) -> float:
    """The shortest time between two committed adds the child reported (inf when it reported fewer than two)."""
    times = [float(line.split()[-1]) for line in lines if line.startswith("added")]
    return min((b - a for a, b in itertools.pairwise(times)), default=float("inf"))


def check_in_a_fresh_process(data_dir: Path, added: set[str]) -> int:
    """Run assert_kb_consistent as a restarted app would (Chroma caches an open store per process)."""
    lines = Child(data_dir.parent / "check.log", "check-kb", str(data_dir), *sorted(added)).finish()
    pending = int(lines[0].split()[1])
    if pending:
        print(f"a kill left {pending} chunks of an unfinished add; opening the store removed them")
    return int(lines[-1].split()[1])


def pending_before_recovery(data_dir: Path) -> list[str]:
    """Vectors an interrupted change may have left behind (the kill came mid-add), seen before the store
    recovers them: the ids in the journal's rows."""
    path = records_path(Settings(NIANBAO_DATA_DIR=data_dir))  # type: ignore[call-arg]
    if not path.exists():
        return []
    records = RecordStore(path)
    try:
        return [vector for change in records.unfinished() for vector in change.vector_ids]
    finally:
        records.close()


def assert_kb_consistent(data_dir: Path, added: set[str]) -> list[StoredReport]:
    """Every reported add is stored whole; no vector without its paragraph, no journal row; search answers."""
    print(f"pending {len(pending_before_recovery(data_dir))}", flush=True)
    kb = KnowledgeBase(kb_settings(data_dir))  # opening the store recovers an interrupted add
    with sqlite3.connect(records_path(kb.settings)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO paragraph_words (paragraph_words) VALUES ('integrity-check')")  # raises if not
    records = kb.list()
    assert {file_hash(Path(p)) for p in added} <= {r.content_hash for r in records}
    for record in records:
        assert len(kb.records.paragraph_ids(record.id)) == record.chunk_count > 0
        assert kb.show(record.id).report.year == record.year
    paragraphs = sorted(i for r in records for i in kb.records.paragraph_ids(r.id))
    assert kb.vectors.ids() == paragraphs
    assert kb.records.unfinished() == []
    assert len(kb.stats().years) == len({r.year for r in records})
    if records:
        hits = kb.search("政府信息公开申请", k=3)
        assert hits and {h.report_id for h in hits} <= {r.id for r in records}
    return records


if __name__ == "__main__":
    if sys.argv[1] == "drafts":
        save_drafts_forever(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "kb":
        add_reports(sys.argv[2], sys.argv[3:])
    else:
        print(f"reports {len(assert_kb_consistent(Path(sys.argv[2]), set(sys.argv[3:])))}", flush=True)
