"""How the knowledge base lies in Chroma: stores of the older layout are still read, and a change that was
interrupted (an add, a replace, a remove) is finished or undone when the store is next opened.

Embedded and on Chroma's own server, like tests/test_kb_service.py.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from nianbao.kb import service
from nianbao.kb.service import KnowledgeBase
from nianbao.kb.store import ChromaStore
from tests.conftest import CORPUS, OpenKb, kb_settings
from tests.test_kb_service import LUYI_2021, LUYI_2022, _edited_copy

QUESTIONS = ["依申请公开", "政务新媒体", "淮安市 信息处理费", "鹿邑县 主动公开 政策解读"]
FILTERED = [
    {"agency": "鹿邑县人民政府"},
    {"section": "五"},
    {"year": 2024, "section": "一"},
    {"level": "县"},
]


def rewrite_in_older_layout(store: ChromaStore, pending: bool = False) -> None:
    """Store every chunk as versions before the lexicon wrote them: the text as the Chroma document, each
    report's fields and the paragraph's tokens on every chunk, a ``pending`` flag; no lexicon, no text key."""
    records = {str(m["report_id"]): m for _i, m, _d in store.records()}
    lexicons = store.lexicons(list(records))
    chunks = store.chunks()
    got = chunks.get(include=["metadatas", "embeddings"])
    texts = store.get_chunks(list(got["ids"]))
    older = []
    for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
        report_id, part, paragraph = chunk_id.rsplit(":", 2)
        record = records[report_id]
        fields = ("agency", "region", "level", "year", "format", "source", "content_hash", "added_at")
        tokens = json.loads(lexicons[report_id])[f"{part}:{paragraph}"]
        older.append(
            {
                **{f: record[f] for f in fields},
                "report_id": report_id,
                "part": part,
                "part_title": meta["part_title"],
                "paragraph": int(paragraph),
                "tokens": tokens,
                "pending": pending,
            }
        )
    chunks.delete(ids=got["ids"])
    chunks.add(
        ids=got["ids"],
        embeddings=got["embeddings"],
        documents=[texts[i][1] for i in got["ids"]],
        metadatas=older,
    )
    store._lexicon.delete(ids=list(records))


def answers(kb: KnowledgeBase) -> list[list[tuple[str, str, str, int, str]]]:
    results = []
    for question in QUESTIONS:
        for filters in [{}, *FILTERED]:
            hits = kb.search(question, k=5, **filters)
            results.append([(h.chunk_id, h.text, h.agency, h.year, h.part_title) for h in hits])
    return results


def test_a_store_of_the_older_layout_answers_every_search_as_before(open_kb: OpenKb) -> None:
    first = open_kb()
    first.add(CORPUS)
    expected = answers(first)
    rewrite_in_older_layout(first.store)
    older = open_kb()
    assert older.store.lexicons([r.id for r in older.list()]) == {}  # nothing of the new layout is left
    assert answers(older) == expected
    assert older.stats().chunks == first.stats().chunks


def test_a_report_added_to_a_store_of_the_older_layout_is_found_beside_the_older_ones(open_kb: OpenKb) -> None:
    first = open_kb()
    first.add(LUYI_2021)
    rewrite_in_older_layout(first.store)
    kb = open_kb()
    added = kb.add(LUYI_2022)[0].report
    assert added is not None
    assert {h.year for h in kb.search("鹿邑县 依申请公开", k=20)} == {2021, 2022}
    assert {h.year for h in open_kb().search("鹿邑县 依申请公开", k=20)} == {2021, 2022}


def test_reindex_moves_a_store_of_the_older_layout_to_the_new_one(open_kb: OpenKb) -> None:
    first = open_kb()
    first.add(CORPUS)
    expected = answers(first)
    rewrite_in_older_layout(first.store)
    kb = open_kb()
    kb.reindex()
    reports = [r.id for r in kb.list()]
    assert set(kb.store.lexicons(reports)) == set(reports)
    assert all("tokens" not in m for m in kb.store.chunks().get(include=["metadatas"])["metadatas"])
    assert answers(open_kb()) == expected


def test_pending_chunks_an_older_version_left_are_settled_or_deleted_when_the_store_is_opened(
    open_kb: OpenKb,
) -> None:
    kb = open_kb()
    kept = kb.add(LUYI_2021)[0].report
    dropped = kb.add(LUYI_2022)[0].report
    assert kept is not None and dropped is not None
    rewrite_in_older_layout(kb.store, pending=True)
    kb.store.delete_record(f"{dropped.year}:{dropped.agency}")  # its record never came: an interrupted add
    reopened = open_kb(pending_grace_seconds=0)
    assert reopened.store.pending_chunks() == []
    assert len(reopened.store.chunk_ids(kept.id)) == kept.chunk_count
    assert reopened.store.chunk_ids(dropped.id) == []
    assert {h.report_id for h in reopened.search("鹿邑县 依申请公开", k=20)} == {kept.id}


def test_a_replace_interrupted_after_its_commit_loses_the_old_paragraphs_when_the_store_is_opened(
    open_kb: OpenKb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    old = kb.add(LUYI_2021)[0].report
    assert old is not None
    with monkeypatch.context() as patch:
        patch.setattr(ChromaStore, "chunk_ids", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            kb.add(_edited_copy(tmp_path), replace=True)  # committed, then killed before the old chunks went
    assert kb.store.unfinished() != []
    reopened = open_kb(pending_grace_seconds=0)
    (new,) = reopened.list()
    assert new.id != old.id
    assert reopened.store.chunk_ids(old.id) == []
    assert reopened.store.chunk_count() == new.chunk_count
    assert reopened.store.unfinished() == []
    assert [p[0] for p in reopened.store.dump()["payloads"]] == [new.id]


def test_a_remove_interrupted_after_the_record_went_loses_its_paragraphs_when_the_store_is_opened(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    stored = kb.add(LUYI_2021)[0].report
    assert stored is not None
    with monkeypatch.context() as patch:
        patch.setattr(ChromaStore, "delete_chunks", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            kb.remove(stored.id)
    assert kb.store.chunk_count() == stored.chunk_count  # the record is gone, its paragraphs are not …
    assert kb.search("依申请公开", k=5) == []  # … and never found
    reopened = open_kb(pending_grace_seconds=0)
    assert reopened.store.chunk_count() == 0
    assert reopened.store.dump()["payloads"] == reopened.store.dump()["lexicon"] == []


def test_another_instances_change_in_progress_is_left_alone(open_kb: OpenKb) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    change = kb.store.begin(["abcdef123456"], [])
    open_kb(pending_grace_seconds=600)
    assert [c.id for c in kb.store.unfinished()] == [change]
    open_kb(pending_grace_seconds=0)
    assert kb.store.unfinished() == []


def test_an_add_whose_paragraphs_cannot_be_written_leaves_no_trace(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    before = kb.store.dump()
    monkeypatch.setattr(ChromaStore, "add_chunks", lambda *a, **k: (_ for _ in ()).throw(OSError("磁盘已满")))
    with pytest.raises(OSError, match="磁盘已满"):
        kb.add(LUYI_2022)
    assert kb.store.dump() == before  # no change row left either


def test_instances_sharing_a_chroma_server_see_each_others_adds_and_removes(
    chroma_server: tuple[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "SERVER_REFRESH_SECONDS", 0.0)
    prefix = f"t{uuid.uuid4().hex[:12]}"
    first, second = (KnowledgeBase(kb_settings(tmp_path / n, chroma_server), prefix=prefix) for n in ("a", "b"))
    luyi = first.add(LUYI_2021)[0].report
    assert luyi is not None
    assert {h.report_id for h in second.search("鹿邑县 依申请公开", k=10)} == {luyi.id}
    index = second.lexical_index()
    added = first.add(LUYI_2022)[0].report
    first.remove(luyi.id)
    assert added is not None
    assert {h.report_id for h in second.search("鹿邑县 依申请公开", k=10)} == {added.id}
    assert second.lexical_index() is index  # caught up, not rebuilt
    assert len(index) == added.chunk_count
