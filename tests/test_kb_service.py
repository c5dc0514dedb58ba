"""The knowledge base on real reports: records in SQLite, vectors in embedded Chroma or on Chroma's own server."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from nianbao.errors import ReportReadError
from nianbao.kb import records as records_module
from nianbao.kb.models import DuplicateReportError, MissingReportInfoError, ReportNotFoundError
from nianbao.kb.records import RecordStore
from nianbao.kb.service import KnowledgeBase
from nianbao.kb.store import VectorStore
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import OpenKb

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
KB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kb"
LUYI_2021 = CORPUS / "luyi_2021.txt"
LUYI_2022 = KB_FIXTURES / "luyi_2022_fixture.txt"
HUAIAN, SHUYANG = "淮安市人民政府", "沐阳县人民政府"


def state(kb: KnowledgeBase) -> tuple[dict, list[str]]:
    """Everything stored: every SQLite table's rows, and the ids of the vectors in Chroma."""
    return kb.records.dump(), kb.vectors.ids()


def test_adding_the_corpus_stores_each_report_with_its_body_year_and_level(kb: KnowledgeBase) -> None:
    results = kb.add(CORPUS)
    assert [r.status for r in results] == ["added"] * 3
    stored = {(r.agency, r.year, r.level, r.region) for r in kb.list()}
    assert stored == {
        ("鹿邑县人民政府", 2021, "县", "鹿邑县"),
        (HUAIAN, 2024, "市", "淮安市"),
        (SHUYANG, 2025, "县", "沐阳县"),
    }
    assert all(r.chunk_count > 0 for r in kb.list())


def test_a_stored_report_keeps_all_its_cells_and_findings(corpus_kb: KnowledgeBase) -> None:
    luyi = next(r for r in corpus_kb.list() if r.source == LUYI_2021.name)
    detail = corpus_kb.show(luyi.id)
    read = read_report(LUYI_2021)
    assert [(c.table, c.row, c.column, c.value) for c in detail.report.cells] == [
        (c.table, c.row, c.column, c.value) for c in read.cells
    ]
    assert [p.number for p in detail.report.parts] == ["一", "二", "三", "四", "五", "六"]
    assert len(detail.findings) == luyi.errors + luyi.warnings


@pytest.mark.parametrize(
    ("query", "agency", "part"),
    [
        ("淮安市去年收了多少信息处理费", HUAIAN, "六"),
        ("鹿邑县政务新媒体保留了多少个", "鹿邑县人民政府", "一"),
        ("线下依申请件倒计时报警器是怎么回事", SHUYANG, "一"),
        ("淮安政务公开队伍建设存在什么问题", HUAIAN, "五"),
        ("鹿邑县人力财力缺乏怎么改进", "鹿邑县人民政府", "五"),
    ],
)
def test_search_finds_the_report_and_part_a_user_asks_about(
    corpus_kb: KnowledgeBase, query: str, agency: str, part: str
) -> None:
    top = corpus_kb.search(query, k=3)[0]
    assert (top.agency, top.part) == (agency, part)


def test_search_works_on_chinese_words_not_only_on_vectors(corpus_kb: KnowledgeBase) -> None:
    hits = corpus_kb.search("倒计时报警器", k=3, mode="lexical")
    assert hits and hits[0].agency == SHUYANG and "倒计时报警器" in hits[0].text


def test_search_hits_carry_their_metadata(corpus_kb: KnowledgeBase) -> None:
    hit = corpus_kb.search("信息处理费", k=1, agency="淮安")[0]
    assert (hit.agency, hit.year, hit.region, hit.level, hit.part, hit.source) == (
        HUAIAN,
        2024,
        "淮安市",
        "市",
        "六",
        "huaian_2024.pdf",
    )
    assert hit.content_hash.startswith(hit.report_id)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"agency": "淮安"}, {(HUAIAN, 2024)}),
        ({"year": 2025}, {(SHUYANG, 2025)}),
        ({"level": "市"}, {(HUAIAN, 2024)}),
        ({"level": "县"}, {("鹿邑县人民政府", 2021), (SHUYANG, 2025)}),
    ],
)
def test_search_filters_apply_to_every_hit(corpus_kb: KnowledgeBase, filters: dict, expected: set) -> None:
    hits = corpus_kb.search("政府信息公开工作", k=10, **filters)
    assert hits and {(h.agency, h.year) for h in hits} <= expected


def test_section_filter_keeps_to_the_part_asked_for(corpus_kb: KnowledgeBase) -> None:
    hits = corpus_kb.search("政策解读", k=10, section="五")
    assert hits and {h.part for h in hits} == {"五"}
    assert {h.part for h in corpus_kb.search("统计期限", k=5, section="前言")} == {"前言"}


def test_a_filter_on_a_body_not_in_the_store_finds_nothing(corpus_kb: KnowledgeBase) -> None:
    assert corpus_kb.search("政务公开", agency="上海市人民政府") == []


def test_figures_come_out_by_year(kb: KnowledgeBase) -> None:
    kb.add([LUYI_2021, LUYI_2022])
    table = kb.figures("鹿邑县")
    assert table.agency == "鹿邑县人民政府"
    assert table.years == [2021, 2022]
    for year, path in ((2021, LUYI_2021), (2022, LUYI_2022)):
        report = read_report(path)
        for table_id, row, column in [
            (TableId.REQUESTS, "一", "总计"),
            (TableId.REQUESTS, "三.七", "总计"),
            (TableId.ACTIVE, "行政许可", "本年处理决定数量"),
            (TableId.ACTIVE, "行政事业性收费", "本年收费金额"),
            (TableId.APPEALS, "行政复议", "总计"),
        ]:
            assert table.value(table_id, row, column, year) == report.value(table_id, row, column)
    assert table.value(TableId.REQUESTS, "一", "总计", 2021) == 223
    assert table.value(TableId.REQUESTS, "一", "总计", 2022) == 207


def test_the_same_file_added_twice_is_not_duplicated(kb: KnowledgeBase) -> None:
    first = kb.add(LUYI_2021)[0]
    second = kb.add(LUYI_2021)[0]
    assert (first.status, second.status) == ("added", "duplicate")
    assert second.report is not None and second.report.id == first.report.id  # type: ignore[union-attr]
    assert len(kb.list()) == 1
    assert kb.stats().chunks == first.report.chunk_count  # type: ignore[union-attr]


def _edited_copy(tmp_path: Path) -> Path:
    """The 2021 report with one paragraph edited: another file for the same body and year."""
    text = LUYI_2021.read_text(encoding="utf-8").replace("保留各类政务新媒体41个", "保留各类政务新媒体39个")
    copy = tmp_path / "luyi_2021_revised.txt"
    copy.write_text(text, encoding="utf-8")
    return copy


def test_another_report_for_the_same_body_and_year_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add(LUYI_2021)
    with pytest.raises(DuplicateReportError, match="--replace"):
        kb.add(_edited_copy(tmp_path))
    assert [r.source for r in kb.list()] == [LUYI_2021.name]


def test_replace_swaps_the_whole_report(kb: KnowledgeBase, tmp_path: Path) -> None:
    old = kb.add(LUYI_2021)[0].report
    result = kb.add(_edited_copy(tmp_path), replace=True)[0]
    assert result.status == "replaced" and result.replaced_id == old.id  # type: ignore[union-attr]
    assert [r.source for r in kb.list()] == ["luyi_2021_revised.txt"]
    hits = kb.search("保留各类政务新媒体", k=20)
    assert {h.report_id for h in hits} == {result.report.id}  # type: ignore[union-attr]
    assert "39个" in hits[0].text
    with pytest.raises(ReportNotFoundError):
        kb.show(old.id)  # type: ignore[union-attr]


def test_remove_deletes_the_report_and_its_paragraphs(corpus_kb: KnowledgeBase) -> None:
    huaian = next(r for r in corpus_kb.list() if r.agency == HUAIAN)
    before = corpus_kb.stats().chunks
    corpus_kb.remove(huaian.id)
    assert HUAIAN not in {r.agency for r in corpus_kb.list()}
    assert corpus_kb.stats().chunks == before - huaian.chunk_count
    assert all(h.agency != HUAIAN for h in corpus_kb.search("信息处理费 3940 元", k=10))


def test_removing_an_unknown_id_says_so(corpus_kb: KnowledgeBase) -> None:
    with pytest.raises(ReportNotFoundError, match="没有 ID"):
        corpus_kb.remove("0000deadbeef")


def test_reindex_rebuilds_the_same_search_results(corpus_kb: KnowledgeBase) -> None:
    before = [h.chunk_id for h in corpus_kb.search("政务新媒体", k=5)]
    assert corpus_kb.reindex() == corpus_kb.stats().chunks
    assert [h.chunk_id for h in corpus_kb.search("政务新媒体", k=5)] == before


def test_a_reopened_store_has_the_same_reports_and_search(open_kb: OpenKb) -> None:
    first = open_kb()
    first.add(CORPUS)
    hits = [h.chunk_id for h in first.search("依申请公开", k=5)]
    again = open_kb()
    assert [r.id for r in again.list()] == [r.id for r in first.list()]
    assert [h.chunk_id for h in again.search("依申请公开", k=5)] == hits


def test_a_failure_midway_through_an_add_leaves_the_store_as_it_was(
    corpus_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(corpus_kb)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("写入中断")

    monkeypatch.setattr(RecordStore, "write", fail)
    with pytest.raises(RuntimeError, match="写入中断"):
        corpus_kb.add(LUYI_2022)
    assert state(corpus_kb) == before
    assert all(h.year != 2022 for h in corpus_kb.search("鹿邑县2022年", k=10))


def test_a_failed_replace_keeps_the_old_report(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.add(LUYI_2021)
    before = state(kb)
    monkeypatch.setattr(RecordStore, "write", lambda *a, **k: (_ for _ in ()).throw(OSError("磁盘已满")))
    with pytest.raises(OSError):
        kb.add(_edited_copy(tmp_path), replace=True)
    assert state(kb) == before


def test_an_add_killed_before_its_rollback_is_undone_when_the_store_is_opened(
    open_kb: OpenKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = open_kb()
    kb.add(LUYI_2021)
    before = state(kb)
    with monkeypatch.context() as patch:
        patch.setattr(RecordStore, "write", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        patch.setattr(VectorStore, "delete", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            kb.add(LUYI_2022)
    assert state(kb) != before  # the new vectors and the journal's row are still there …
    assert kb.list() == open_kb(pending_grace_seconds=600).list()  # … no record of them …
    assert all(h.year != 2022 for h in kb.search("鹿邑县", k=40))  # … and they are never found
    reopened = open_kb(pending_grace_seconds=0)
    assert state(reopened) == before


def test_a_file_that_is_not_a_report_is_refused_and_nothing_is_written(kb: KnowledgeBase, tmp_path: Path) -> None:
    notes = tmp_path / "会议纪要.txt"
    notes.write_text("关于召开全县政务公开工作会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    with pytest.raises(ReportReadError, match="不是一份政府信息公开工作年度报告"):
        kb.add(notes)
    assert kb.list() == [] and kb.stats().chunks == 0


def test_a_damaged_pdf_is_refused_with_the_readers_message(kb: KnowledgeBase, tmp_path: Path) -> None:
    damaged = tmp_path / "huaian_2024.pdf"
    damaged.write_bytes((CORPUS / "huaian_2024.pdf").read_bytes()[:3000])
    with pytest.raises(ReportReadError) as error:
        kb.add(damaged)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.value.message)
    assert kb.list() == []


def test_a_file_over_the_size_limit_is_refused(open_kb: OpenKb, tmp_path: Path) -> None:
    kb = open_kb(settings={"NIANBAO_MAX_FILE_MB": 1})
    big = tmp_path / "big.txt"
    big.write_text(LUYI_2021.read_text(encoding="utf-8") + "公开" * 400_000, encoding="utf-8")
    with pytest.raises(ReportReadError, match="文件太大"):
        kb.add(big)
    assert kb.list() == []


def test_folders_are_added_file_by_file_and_failures_reported(kb: KnowledgeBase, tmp_path: Path) -> None:
    shutil.copy(LUYI_2021, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_text("不是报告", encoding="utf-8")
    results = kb.add(tmp_path, strict=False)
    assert [(Path(r.path).name, r.status) for r in results] == [("a.txt", "added"), ("b.txt", "failed")]
    assert "年度报告" in results[1].message


def test_a_report_without_body_or_year_asks_for_them(kb: KnowledgeBase) -> None:
    untitled = KB_FIXTURES / "untitled_fixture.txt"
    with pytest.raises(MissingReportInfoError, match="--agency"):
        kb.add(untitled)
    with pytest.raises(MissingReportInfoError, match="--year"):
        kb.add(untitled, agency="鹿邑县人民政府")
    result = kb.add(untitled, agency="鹿邑县人民政府", year=2021)[0]
    assert (result.report.agency, result.report.year, result.report.level) == ("鹿邑县人民政府", 2021, "县")  # type: ignore[union-attr]


def test_the_corpus_is_loaded_only_into_an_empty_store(kb: KnowledgeBase) -> None:
    assert len(kb.ensure_corpus(CORPUS)) == 3
    assert kb.ensure_corpus(CORPUS) == []
    assert len(kb.list()) == 3


def test_stats_describe_the_store(corpus_kb: KnowledgeBase) -> None:
    stats = corpus_kb.stats()
    assert (stats.reports, stats.years) == (3, [2021, 2024, 2025])
    assert stats.reports_by_level == {"县": 2, "市": 1}
    assert stats.chunks == sum(r.chunk_count for r in corpus_kb.list())
    assert stats.embedding == corpus_kb.embedder.name and stats.dimension == corpus_kb.embedder.dimension
    assert (stats.size_bytes is None) == corpus_kb.vectors.is_server


def test_many_files_are_prepared_in_parallel_and_reported_in_order(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = LUYI_2021.read_text(encoding="utf-8")
    names = ["东平县", "西平县", "南平县", "北平县", "安平县", "和平县", "永平县", "长平县"]
    paths = []
    for name in names:
        path = tmp_path / f"{name}.txt"
        path.write_text(text.replace("鹿邑县", name), encoding="utf-8")
        paths.append(path)
    (tmp_path / "notes.txt").write_text("不是报告", encoding="utf-8")
    shutil.copy(paths[0], tmp_path / "copy_of_first.txt")
    paths += [tmp_path / "notes.txt", tmp_path / "copy_of_first.txt"]
    results = kb.add(paths, strict=False)
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [r.status for r in results] == ["added"] * 8 + ["failed", "duplicate"]
    assert {r.agency for r in kb.list()} == {f"{n}人民政府" for n in names}
    assert kb.search("政务新媒体", k=1, agency="和平县")[0].agency == "和平县人民政府"


def test_a_threaded_process_like_the_app_adds_many_files_through_fork_server_reader_workers(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    text = LUYI_2021.read_text(encoding="utf-8")
    paths = []
    for name in ["甲平县", "乙平县", "丙平县", "丁平县", "戊平县", "己平县", "庚平县", "辛平县"]:
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text.replace("鹿邑县", name), encoding="utf-8")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # the app's own threads, in miniature
    other.start()
    try:
        results = kb.add(paths)
    finally:
        stop.set()
        other.join()
    assert [r.status for r in results] == ["added"] * 8


def test_each_stored_report_keeps_its_rows_through_replace_and_remove(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = kb.add(LUYI_2021)[0].report
    assert first is not None
    rows = kb.records.dump()
    assert [r[0] for r in rows["reports"]] == [first.id]
    assert {r[0] for r in rows["cells"]} == {first.id} and len(rows["findings"]) == first.errors + first.warnings
    assert len(rows["paragraphs"]) == first.chunk_count == len(kb.vectors.ids())
    second = kb.add(_edited_copy(tmp_path), replace=True)[0].report
    assert second is not None and second.id != first.id
    rows = kb.records.dump()
    assert [r[0] for r in rows["reports"]] == [second.id] and {r[0] for r in rows["cells"]} == {second.id}
    assert {i.split(":")[0] for i in kb.vectors.ids()} == {second.id}
    assert kb.show(second.id).report.agency == "鹿邑县人民政府"
    kb.remove(second.id)
    assert all(rows == [] for rows in kb.records.dump().values()) and kb.vectors.ids() == []


def test_a_commit_that_fails_midway_writes_no_row(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.add(LUYI_2021)
    before = state(kb)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("磁盘已满")

    monkeypatch.setattr(records_module, "_mark_committed", fail)  # after the report's rows, in the same transaction
    with pytest.raises(OSError, match="磁盘已满"):
        kb.add(LUYI_2022)
    monkeypatch.undo()
    assert state(kb) == before
    assert [r.year for r in kb.list()] == [2021]


def _rules(findings: list) -> list[tuple[str, str | None]]:
    return sorted((f.rule, f.location.sentence) for f in findings)


@pytest.mark.parametrize("together", [False, True], ids=["last year stored before", "both in one add"])
def test_a_report_is_checked_against_last_years_report_of_its_body(kb: KnowledgeBase, together: bool) -> None:
    from nianbao.checker import check_report

    if together:
        kb.add([LUYI_2021, LUYI_2022])
    else:
        kb.add(LUYI_2021)
        kb.add(LUYI_2022)
    stored = {r.year: r for r in kb.list()}
    expected = check_report(read_report(LUYI_2022), read_report(LUYI_2021)).findings
    assert any(f.rule == "copy.passages" for f in expected)  # a rule that needs last year's report
    assert _rules(kb.show(stored[2022].id).findings) == _rules(expected)
    assert _rules(kb.show(stored[2021].id).findings) == _rules(check_report(read_report(LUYI_2021)).findings)


def test_a_report_whose_last_year_is_stored_is_checked_against_it_in_the_reader_worker(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The adding process only writes: the cross-year check (10 ms a report) runs where the file was read."""
    from nianbao.checker import check_report
    from nianbao.kb import service

    kb.add(LUYI_2021)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("checked again in the adding process")

    monkeypatch.setattr(service, "check_report", not_here)
    (added,) = kb.add(LUYI_2022)
    expected = check_report(read_report(LUYI_2022), read_report(LUYI_2021)).findings
    assert _rules(kb.show(added.report.id).findings) == _rules(expected)


def test_a_report_checked_against_a_last_year_removed_since_is_checked_again_without_it(kb: KnowledgeBase) -> None:
    """The worker checked it against the stored 2021 report; by the time the add stores it, that one is gone."""
    from nianbao.checker import check_report
    from nianbao.kb.ingest import Preparation, prepare_bytes
    from nianbao.kb.service import _Batch

    (last_year,) = kb.add(LUYI_2021)
    how = Preparation(kb.records.path, 384)
    prepared = prepare_bytes(LUYI_2022.read_bytes(), LUYI_2022.name, 10**8, (None, None), how)
    assert prepared.checked_against == last_year.report.id
    kb.remove(last_year.report.id)
    batch = _Batch(kb.records)
    added = kb._admit(prepared, batch, replace=False)
    kb._write(batch)
    assert _rules(kb.show(added.report.id).findings) == _rules(check_report(read_report(LUYI_2022)).findings)
