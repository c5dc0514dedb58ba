"""Load: 20 users drafting at once while an admin adds reports, against the real draft store and knowledge base.

Each simulated user (a thread, as Streamlit serves each session from a thread of one process) creates a
draft, fills its tables from a chat message through nianbao.intake, drafts it with the offline drafter
grounded on the shared knowledge base, searches the knowledge base, saves and reloads it. Every user's
figures are unique, so a draft mixed up with another's shows. Meanwhile an admin thread adds reports and a
searcher thread keeps querying. Afterwards: no draft lost or mixed up, the knowledge base consistent
(records and chunks agree, nothing pending, every added report there), and every search answered.

``run_load`` is shared with bench/bench_load.py, which runs it larger and prints throughput and p95 latency.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.offline import draft_offline
from nianbao.drafts import ChatMessage, DraftStore, new_user_key
from nianbao.intake import extract, preview
from nianbao.kb.service import KnowledgeBase, file_hash
from nianbao.model import empty_report
from nianbao.schema import TableId
from tests.conftest import CORPUS, SEED, kb_settings

REQ = TableId.REQUESTS
AGENCY, YEAR = "鹿邑县人民政府", 2022
USERS = 20


@dataclass
class LoadResult:
    """What happened under load: timings, what each user saved, and every failure."""

    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)  # one user round: create … reload
    saved: dict[str, dict[str, int]] = field(default_factory=dict)  # user -> draft id -> 依申请公开 一 总计
    searches: int = 0
    empty_searches: int = 0
    added: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, who: str) -> None:
        with self.lock:
            self.errors.append(f"{who}: {traceback.format_exc(limit=4)}")

    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)] if ordered else 0.0


def message(received: int) -> str:
    """A user's chat message: this user's own figures."""
    opened = received - 7
    return (
        f"今年共收到政府信息公开申请{received}件，均为自然人。予以公开{opened}件，部分公开7件，均为自然人。"
        "结转下年度继续办理0件。行政复议2件，结果维持2件；未发生行政诉讼。"
    )


def figure_of(user_index: int, round_index: int) -> int:
    return 100 + 50 * user_index + round_index


def user_round(store: DraftStore, kb: KnowledgeBase, user: str, received: int, result: LoadResult) -> None:
    """One user's round: create, fill from the message, draft offline, search, save, reload and compare."""
    start = time.perf_counter()
    blank = empty_report()
    blank.agency, blank.year = AGENCY, YEAR
    draft = store.create(user, blank, name=f"{user} {received}")
    extraction = extract(message(received), blank.format)
    filled = preview(draft.report, extraction.changes, notes=extraction.notes).report
    drafted = draft_offline(AGENCY, YEAR, filled, KnowledgeBaseSource(kb))
    hits = kb.search("信息处理费", k=3)
    chat = [ChatMessage(role="user", content=message(received)), ChatMessage(role="assistant", content="已起草。")]
    saved = store.save(draft.model_copy(update={"report": drafted.report, "chat": chat}))
    reloaded = store.get(user, draft.id)
    assert reloaded.report.model_dump() == saved.report.model_dump()
    assert reloaded.report.value(REQ, "一", "总计") == received
    assert str(received) in reloaded.report.part_text("一")  # the summary sentence carries this user's figure
    with result.lock:
        result.latencies.append(time.perf_counter() - start)
        result.saved.setdefault(user, {})[draft.id] = received
        result.searches += 1
        result.empty_searches += not hits


def run_load(
    data_dir: Path, reports: list[Path], users: int = USERS, rounds: int = 2, kb: KnowledgeBase | None = None
) -> LoadResult:
    """``users`` threads each doing ``rounds`` rounds while an admin adds ``reports`` and a searcher searches."""
    store = DraftStore.in_data_dir(data_dir)
    kb = kb or KnowledgeBase(kb_settings(data_dir))
    result = LoadResult()
    keys = [new_user_key() for _ in range(users)]
    done = threading.Event()
    barrier = threading.Barrier(users + 2)

    def user(index: int) -> None:
        barrier.wait()
        for round_index in range(rounds):
            try:
                user_round(store, kb, keys[index], figure_of(index, round_index), result)
            except Exception:
                result.failed(f"user {index} round {round_index}")

    def admin() -> None:
        barrier.wait()
        for path in reports:
            try:
                kb.add_file(path)
                result.added.append(path)
            except Exception:
                result.failed(f"admin adding {path.name}")

    def searcher() -> None:
        barrier.wait()
        while not done.is_set():
            try:
                hits = kb.search("政府信息公开申请 办理", k=5)
                with result.lock:
                    result.searches += 1
                    result.empty_searches += not hits
            except Exception:
                result.failed("searcher")
            time.sleep(0.01)

    workers = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    side = [threading.Thread(target=admin), threading.Thread(target=searcher)]
    start = time.perf_counter()
    _run(workers, side, done)
    result.elapsed = time.perf_counter() - start
    return result


def _run(workers: list[threading.Thread], side: list[threading.Thread], done: threading.Event) -> None:
    for thread in [*workers, *side]:
        thread.start()
    for thread in [*workers, side[0]]:
        thread.join()
    done.set()
    side[1].join()


def variants(folder: Path, counties: list[str], years: list[int]) -> list[Path]:
    """Distinct reports for the admin to add: the seed for other counties and years."""
    text = SEED.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for county in counties:
        for year in years:
            path = folder / f"{county}_{year}.txt"
            path.write_text(text.replace("鹿邑", county[:2]).replace("2021", str(year)), encoding="utf-8")
            paths.append(path)
    return paths


def assert_nothing_lost(data_dir: Path, result: LoadResult, users: int, rounds: int, before: int) -> None:
    """Every draft of every user is there, with its own figure and no one else's; the knowledge base is whole."""
    assert result.errors == []
    store = DraftStore.in_data_dir(data_dir)
    assert len(result.saved) == users
    for user, drafts in result.saved.items():
        assert len(drafts) == rounds
        assert {d.id for d in store.list_drafts(user)} == set(drafts)
        for draft_id, received in drafts.items():
            draft = store.get(user, draft_id)
            assert draft.name == f"{user} {received}"
            assert draft.report.value(REQ, "一", "总计") == received
            assert draft.chat[0].content == message(received)
    assert result.empty_searches == 0 and result.searches >= users * rounds
    kb = KnowledgeBase(kb_settings(data_dir))
    records = kb.list()
    assert len(records) == before + len(result.added)
    assert {file_hash(p) for p in result.added} <= {r.content_hash for r in records}
    for record in records:
        assert len(kb.records.paragraph_ids(record.id)) == record.chunk_count
    assert kb.vectors.count() == kb.stats().chunks == sum(r.chunk_count for r in records)
    assert kb.records.unfinished() == []


def loaded_kb(data_dir: Path) -> tuple[KnowledgeBase, int]:
    kb = KnowledgeBase(kb_settings(data_dir))
    kb.add(CORPUS)
    return kb, len(kb.list())


@pytest.mark.slow
def test_twenty_users_drafting_while_an_admin_adds_reports_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    kb, before = loaded_kb(data_dir)
    reports = variants(tmp_path / "reports", ["郸城县", "太康县"], [2019, 2020, 2021])
    result = run_load(data_dir, reports, users=USERS, rounds=2, kb=kb)
    assert len(result.added) == len(reports)
    assert_nothing_lost(data_dir, result, USERS, 2, before)


def test_the_check_finds_a_mixed_up_draft(tmp_path: Path) -> None:
    """assert_nothing_lost is no tautology: a draft saved with another user's figures fails it."""
    data_dir = tmp_path / "data"
    kb, before = loaded_kb(data_dir)
    result = run_load(data_dir, [], users=2, rounds=1, kb=kb)
    assert_nothing_lost(data_dir, result, 2, 1, before)
    store = DraftStore.in_data_dir(data_dir)
    (first, drafts), (_second, others) = result.saved.items()
    draft = store.get(first, next(iter(drafts)))
    swapped = draft.report.model_copy(deep=True)
    swapped.set_value(REQ, "一", "总计", next(iter(others.values())))
    store.save(draft.model_copy(update={"report": swapped}))
    with pytest.raises(AssertionError):
        assert_nothing_lost(data_dir, result, 2, 1, before)
