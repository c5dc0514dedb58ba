"""How the knowledge base lies on disk: a store made before the records moved to SQLite is migrated, and a
change that was interrupted between Chroma and SQLite (an add, a replace, a remove) leaves nothing behind
once the store is next opened.

Embedded and on Chroma's own server, like tests/test_kb_service.py.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.kb import legacy
from nianbao.kb.embeddings import HashingEmbedder
from nianbao.kb.lexical import TOKENS_VERSION
from nianbao.kb.models import EmbeddingMismatchError
from nianbao.kb.records import RecordStore
from nianbao.kb.service import LAYOUT, LAYOUT_KEY, TOKENS_KEY, VECTORS_KEY, KnowledgeBase, records_path
from nianbao.kb.store import VectorStore
from tests.conftest import OpenKb, kb_settings
from tests.test_kb_service import LUYI_2021, LUYI_2022, _edited_copy, state

# A store made by the code before this layout (records, payloads, lexicons and journal in Chroma, five
# collections): the 2021 seed and the 2022 fixture added with `KnowledgeBase.add`, embedded, then packed.
OLD_STORE = Path(__file__).resolve().parent / "fixtures" / "kb" / "store_before_sqlite.tgz"
OLD_IDS = ["1d026d1e7481", "b55627262553"]
OLD_TOP_HIT = "1d026d1e7481:一:5"  # what that code answered first to 依申请公开
HASHING = "local-ngram-hash-v1"


def unpack_old_store(folder: Path) -> Path:
    with tarfile.open(OLD_STORE) as archive:
        archive.extractall(folder, filter="data")
    return folder / "data"


def test_a_store_made_before_sqlite_is_migrated_when_it_is_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = unpack_old_store(tmp_path)
    kb = KnowledgeBase(kb_settings(data_dir))
    assert "知识库已迁移到新的存储布局：2 份报告" in caplog.text
    assert "重建" not in caplog.text  # its paragraphs were tokenised once, by the migration
    assert stat.S_IMODE(records_path(kb.settings).stat().st_mode) == 0o600
    assert sorted(r.id for r in kb.list()) == OLD_IDS
    assert [(r.agency, r.year) for r in kb.list()] == [("鹿邑县人民政府", 2021), ("鹿邑县人民政府", 2022)]
    assert kb.show(OLD_IDS[0]).report.value(*_REQUESTS_TOTAL) == 223
    assert kb.figures("鹿邑县").value(*_REQUESTS_TOTAL, 2022) == 207
    assert kb.stats().chunks == 36 == len(kb.vectors.ids()) == sum(r.chunk_count for r in kb.list())
    assert kb.vectors.collection_names() == {"nianbao_vectors"}  # the five old collections are gone
    assert kb.search("依申请公开", k=3)[0].chunk_id == OLD_TOP_HIT
    # embedded again at 384 dimensions: the first hit is that paragraph or its twin in the 2022 fixture
    assert kb.search("依申请公开", k=3, mode="dense")[0].chunk_id in {OLD_TOP_HIT, "b55627262553:一:5"}
    assert kb.embedded_again == 36 and kb.stats().dimension == 384
    assert {h.year for h in kb.search("政务新媒体", k=10, year=2022)} == {2022}
    assert kb.records.setting(LAYOUT_KEY) == LAYOUT
    added = kb.add(Path(__file__).resolve().parent.parent / "corpus" / "huaian_2024.pdf")[0]
    assert added.status == "added" and len(KnowledgeBase(kb_settings(data_dir)).list()) == 3


_REQUESTS_TOTAL = ("依申请公开", "一", "总计")


def test_a_migration_that_was_interrupted_is_done_again_at_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = unpack_old_store(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(RecordStore, "write", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            KnowledgeBase(kb_settings(data_dir))
    kb = KnowledgeBase(kb_settings(data_dir))
    assert sorted(r.id for r in kb.list()) == OLD_IDS
    assert kb.stats().chunks == 36 == len(kb.vectors.ids())


def test_nianbao_kb_migrate_moves_an_old_store_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = unpack_old_store(tmp_path)
    for name, value in {"NIANBAO_DATA_DIR": str(data_dir), "NIANBAO_EMBEDDINGS": "local", "CHROMA_HOST": ""}.items():
        monkeypatch.setenv(name, value)
    assert main(["kb", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "报告 2 份，段落 36 个" in out and "本次迁移 2 份报告" in out
    assert main(["kb", "migrate"]) == 0
    assert "本次迁移" not in capsys.readouterr().out


def test_a_store_indexed_with_another_tokenisation_is_indexed_again_when_opened(open_kb: OpenKb) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    expected = kb.search("倒计时 依申请公开 受理", k=5, mode="lexical")
    ids = [i for r in kb.list() for i in kb.records.paragraph_ids(r.id)]
    kb.records.set_tokens([(i, "旧的 分词") for i in ids], (TOKENS_KEY, "jieba-search"))
    assert kb.search("倒计时 依申请公开 受理", k=5, mode="lexical") == []
    reopened = open_kb()
    assert reopened.records.setting(TOKENS_KEY) == TOKENS_VERSION
    assert reopened.search("倒计时 依申请公开 受理", k=5, mode="lexical") == expected


def test_a_new_store_has_no_chroma_collection_but_the_vectors(open_kb: OpenKb) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    assert not legacy.needs_migration(kb.vectors, kb.prefix)
    assert {n for n in kb.vectors.collection_names() if n.startswith(kb.prefix)} == {kb.vectors.name}


def test_a_replace_interrupted_after_its_commit_loses_the_old_vectors_when_the_store_is_opened(
    open_kb: OpenKb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    old = kb.add(LUYI_2021)[0].report
    assert old is not None
    with monkeypatch.context() as patch:
        patch.setattr(VectorStore, "delete", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            kb.add(_edited_copy(tmp_path), replace=True)  # committed, then killed before the old vectors went
    assert kb.records.unfinished() != []
    assert {h.report_id for h in kb.search("鹿邑县 依申请公开", k=40, mode="dense")} != {old.id}
    reopened = open_kb(pending_grace_seconds=600)  # a committed change is cleaned up at once, grace or not
    (new,) = reopened.list()
    assert new.id != old.id
    assert {i.split(":")[0] for i in reopened.vectors.ids()} == {new.id}
    assert reopened.vectors.count() == new.chunk_count
    assert reopened.records.unfinished() == []


def test_a_remove_interrupted_after_its_commit_loses_its_vectors_when_the_store_is_opened(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    stored = kb.add(LUYI_2021)[0].report
    assert stored is not None
    with monkeypatch.context() as patch:
        patch.setattr(VectorStore, "delete", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            kb.remove(stored.id)
    assert kb.vectors.count() == stored.chunk_count  # the record is gone, its vectors are not …
    assert kb.search("依申请公开", k=5) == []  # … and never found
    reopened = open_kb()
    assert reopened.vectors.count() == 0
    assert all(rows == [] for rows in reopened.records.dump().values())


def test_a_change_this_process_has_given_up_is_undone_when_the_store_is_opened_unless_within_the_grace(
    open_kb: OpenKb,
) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    change = kb.records.begin(["abcdef123456:一:0"])
    open_kb(pending_grace_seconds=0)
    assert [c.id for c in kb.records.unfinished()] == [change]  # still being made here
    kb.records.settled(change)
    open_kb(pending_grace_seconds=600)  # on a shared Chroma server, another machine may be making it
    assert [c.id for c in kb.records.unfinished()] == [change]
    open_kb(pending_grace_seconds=0)
    assert kb.records.unfinished() == []


WRITER = """
import sys, time
from pathlib import Path
from nianbao.kb.records import RecordStore
store = RecordStore(Path(sys.argv[1]))
store.begin(["abcdef123456:一:0"])
print("begun", flush=True)
time.sleep(60)
"""


def test_another_processs_change_in_progress_is_left_alone_until_that_process_is_gone(open_kb: OpenKb) -> None:
    """A kb add in another process (the CLI beside the app) is in the middle of a batch: opening the store here
    must not delete the vectors it has written and not yet committed."""
    kb = open_kb()
    kb.add(LUYI_2021)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(kb.records.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "begun"
        (change,) = kb.records.unfinished()
        open_kb(pending_grace_seconds=0)
        assert kb.records.unfinished() == [change]
    finally:
        writer.kill()
        writer.communicate()
    open_kb(pending_grace_seconds=0)
    assert kb.records.unfinished() == []


def test_an_add_whose_vectors_cannot_be_written_leaves_no_trace(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    before = state(kb)
    monkeypatch.setattr(VectorStore, "add", lambda *a, **k: (_ for _ in ()).throw(OSError("磁盘已满")))
    with pytest.raises(OSError, match="磁盘已满"):
        kb.add(LUYI_2022)
    assert state(kb) == before  # no journal row left either


def test_two_instances_over_one_data_folder_see_each_others_adds_and_removes(open_kb: OpenKb) -> None:
    first, second = open_kb(), open_kb()
    luyi = first.add(LUYI_2021)[0].report
    assert luyi is not None
    assert {h.report_id for h in second.search("鹿邑县 依申请公开", k=10)} == {luyi.id}
    added = first.add(LUYI_2022)[0].report
    first.remove(luyi.id)
    assert added is not None
    assert {h.report_id for h in second.search("鹿邑县 依申请公开", k=10)} == {added.id}
    assert [r.id for r in second.list()] == [added.id]


# A store made by the code before the local embedding went from 1024 to 384 dimensions (main at c794562): the
# 2021 seed and the 2022 fixture added with `KnowledgeBase.add`, embedded, then packed.
STORE_1024 = Path(__file__).resolve().parent / "fixtures" / "kb" / "store_1024_dims.tgz"
TOP_HITS_1024 = {"1d026d1e7481:一:5", "b55627262553:一:5"}  # what that store answered first to 依申请公开


def unpack_1024_store(folder: Path) -> Path:
    with tarfile.open(STORE_1024) as archive:
        archive.extractall(folder, filter="data")
    return folder / "data"


def test_a_store_embedded_with_1024_dimensions_is_embedded_again_at_384_when_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = unpack_1024_store(tmp_path)
    assert VectorStore(kb_settings(data_dir), HashingEmbedder()).recorded_embedding() == (HASHING, 1024)
    kb = KnowledgeBase(kb_settings(data_dir))
    assert "知识库的向量是按 1024 维建立的，正在按 384 维重新计算：36 个段落" in caplog.text
    assert kb.embedded_again == 36
    stats = kb.stats()
    assert (stats.embedding, stats.dimension, stats.reports, stats.chunks) == (HASHING, 384, 2, 36)
    assert kb.vectors.ids() == sorted(i for r in kb.list() for i in kb.records.paragraph_ids(r.id))
    assert kb.vectors.collection_names() == {"nianbao_vectors"}  # the rebuild's staging collection is gone
    assert kb.search("依申请公开", k=1, mode="dense")[0].chunk_id in TOP_HITS_1024
    assert kb.search("依申请公开", k=1)[0].chunk_id in TOP_HITS_1024
    caplog.clear()
    reopened = KnowledgeBase(kb_settings(data_dir))
    assert reopened.embedded_again == 0 and "重新计算" not in caplog.text
    added = reopened.add(Path(__file__).resolve().parent.parent / "corpus" / "huaian_2024.pdf")[0]
    assert added.status == "added" and reopened.search("淮安 依申请公开", k=1, mode="dense")[0].agency.startswith(
        "淮安"
    )


def test_nianbao_kb_migrate_says_when_it_embedded_a_store_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = unpack_1024_store(tmp_path)
    for name, value in {"NIANBAO_DATA_DIR": str(data_dir), "NIANBAO_EMBEDDINGS": "local", "CHROMA_HOST": ""}.items():
        monkeypatch.setenv(name, value)
    assert main(["kb", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "报告 2 份，段落 36 个" in out and "本次按 384 维重新计算了 36 个段落的向量" in out
    assert main(["kb", "migrate"]) == 0
    assert "重新计算" not in capsys.readouterr().out


def test_a_store_of_the_local_embedding_at_another_dimension_is_embedded_again_on_either_chroma(
    open_kb: OpenKb,
) -> None:
    old = open_kb(embedder=HashingEmbedder(1024))
    old.add([LUYI_2021, LUYI_2022])
    old.records.set_setting(VECTORS_KEY, "")  # as main left it: no record of the embedding in SQLite
    expected = old.search("政务新媒体 关停整合", k=3)
    kb = open_kb()
    assert kb.embedded_again == 36 and kb.stats().dimension == 384
    assert [h.chunk_id for h in kb.search("政务新媒体 关停整合", k=3)][:1] == [h.chunk_id for h in expected][:1]
    assert len(kb.vectors.ids()) == 36
    assert open_kb().embedded_again == 0


def test_an_embedding_again_that_was_killed_is_done_again_at_the_next_open(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = open_kb(embedder=HashingEmbedder(1024))
    old.add([LUYI_2021, LUYI_2022])
    old.records.set_setting(VECTORS_KEY, "")

    def killed_between_drop_and_rename(self: VectorStore, staging: object) -> None:
        self.drop(self.name)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(VectorStore, "swap_in", killed_between_drop_and_rename)
        with pytest.raises(KeyboardInterrupt):
            open_kb()
    kb = open_kb()  # no vectors collection now: embedded again from the records
    assert kb.embedded_again == 36 and kb.stats().dimension == 384 and len(kb.vectors.ids()) == 36
    assert kb.search("依申请公开", k=1, mode="dense")[0].chunk_id in TOP_HITS_1024


def test_vectors_of_another_embedding_are_left_for_kb_reindex(open_kb: OpenKb) -> None:
    old = open_kb(embedder=HashingEmbedder(1024))
    old.add(LUYI_2021)
    old.vectors.collection().modify(metadata={"embedding": "openai:bge-m3", "dimension": 1024})
    old.records.set_setting(VECTORS_KEY, "")
    kb = open_kb()
    assert kb.embedded_again == 0
    with pytest.raises(EmbeddingMismatchError, match="kb reindex"):
        kb.search("依申请公开", mode="dense")


def test_a_new_stores_vector_index_is_built_with_the_measured_settings(kb: KnowledgeBase) -> None:
    """ef_construction 64 and ef_search 200 (bench/bench_vector_index.py: a third cheaper to build than Chroma's
    defaults, and as close to an exact search)."""
    from nianbao.kb.store import HNSW

    kb.add(LUYI_2021)
    hnsw = kb.vectors.collection().configuration["hnsw"]
    assert {key: hnsw[key] for key in HNSW} == HNSW == {"space": "cosine", "ef_construction": 64, "ef_search": 200}
