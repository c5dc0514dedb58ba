"""`nianbao kb add` of many files: its worker processes die with it, and one bad file does not stop the batch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.kb import ingest
from nianbao.kb.service import KnowledgeBase
from tests.conftest import ROOT, SEED, kb_settings

COUNTIES = ["东平县", "西平县", "南平县", "北平县", "安平县", "和平县", "永平县", "长平县", "乐平县", "宁平县"]
WORKERS_APPEAR_SECONDS = 120.0
GONE_WITHIN_SECONDS = 5.0


def write_reports(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for name in COUNTIES[:count]:
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(text.replace("鹿邑县", name), encoding="utf-8")
    return paths


def group_members(group: int) -> list[int]:
    """The live processes (not zombies) of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_kb_add_leaves_no_worker_process_behind(tmp_path: Path) -> None:
    write_reports(tmp_path / "reports", 10)
    env = {**os.environ, "NIANBAO_DATA_DIR": str(tmp_path / "data"), "NIANBAO_EMBEDDINGS": "local", "CHROMA_HOST": ""}
    command = [sys.executable, "-c", "import sys; from nianbao.cli import main; sys.exit(main(sys.argv[1:]))"]
    log = (tmp_path / "add.log").open("wb")
    add = subprocess.Popen(
        [*command, "kb", "add", str(tmp_path / "reports")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + WORKERS_APPEAR_SECONDS
        while len(group_members(add.pid)) < 3 and add.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(group_members(add.pid)) >= 3, "the add's worker processes never appeared"
        time.sleep(0.5)  # the workers at work, reading and tokenising
        add.send_signal(signal.SIGKILL)
        add.wait(timeout=10)
        deadline = time.monotonic() + GONE_WITHIN_SECONDS
        while group_members(add.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_members(add.pid) == []
    finally:
        for pid in group_members(add.pid):  # only when the test failed: do not leave them running
            os.kill(pid, signal.SIGKILL)
        log.close()


def test_adding_a_folder_adds_the_good_files_and_lists_the_refused_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_reports(tmp_path / "reports", 3)
    (tmp_path / "reports" / "会议纪要.txt").write_text("关于召开全县政务公开工作会议的通知\n", encoding="utf-8")
    shutil.copy(good[0], tmp_path / "reports" / "zz_broken.txt")
    prepare = ingest.prepare_in_worker

    def preparation_with_an_unforeseen_failure(path: Path, *args: object, **kwargs: object) -> object:
        if Path(path).name == "zz_broken.txt":
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return prepare(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "prepare_in_worker", preparation_with_an_unforeseen_failure)
    for name, value in {"NIANBAO_DATA_DIR": str(tmp_path / "data"), "NIANBAO_EMBEDDINGS": "local"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHROMA_HOST", "")
    assert main(["kb", "add", str(tmp_path / "reports")]) == 2
    out = capsys.readouterr().out
    assert out.count("[已添加]") == 3 and out.count("[失败]") == 2
    assert "共 5 个文件：已添加 3 份，失败 2 份。未能添加的文件：" in out
    assert "会议纪要.txt：" in out and "zz_broken.txt：无法读取文件“zz_broken.txt”（ValueError）" in out
    assert "Traceback" not in out
    kb = KnowledgeBase(kb_settings(tmp_path / "data"))
    assert sorted(r.source for r in kb.list()) == sorted(p.name for p in good)


def test_files_are_prepared_two_at_a_time_and_never_far_ahead_of_the_add(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many files a folder holds, only so many prepared reports wait in memory for the add to store them."""
    started: list[Path] = []
    monkeypatch.setattr(ingest, "prepare_file", lambda path, *args: started.append(path) or path)
    paths = [Path(f"{i}.txt") for i in range(3 * ingest.AHEAD)]
    prepared = ingest.prepare_all(paths, 1, (None, None), ingest.Preparation(None, None))
    assert next(prepared) == paths[0]
    time.sleep(0.3)
    assert ingest.AHEAD <= len(started) <= ingest.AHEAD + 1
    assert list(prepared) == paths[1:] and sorted(started) == sorted(paths)


def test_large_files_are_prepared_fewer_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files of a quarter of the bound each: four wait at most, whatever their number."""
    started: list[Path] = []
    monkeypatch.setattr(ingest, "prepare_file", lambda path, *args: started.append(path) or path)
    monkeypatch.setattr(ingest, "_size", lambda path: ingest.AHEAD_BYTES // 4)
    paths = [Path(f"{i}.pdf") for i in range(40)]
    prepared = ingest.prepare_all(paths, 1, (None, None), ingest.Preparation(None, None))
    assert next(prepared) == paths[0]
    time.sleep(0.3)
    assert 4 <= len(started) <= 5
    assert list(prepared) == paths[1:]


def test_a_file_larger_than_the_bound_is_still_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "prepare_file", lambda path, *args: path)
    monkeypatch.setattr(ingest, "_size", lambda path: 2 * ingest.AHEAD_BYTES)
    paths = [Path(f"{i}.pdf") for i in range(3)]
    assert list(ingest.prepare_all(paths, 1, (None, None), ingest.Preparation(None, None))) == paths


def test_a_file_whose_preparation_overruns_the_workers_memory_is_read_there_and_prepared_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A huge report (an 8.7 MB one of 60 000 paragraphs needs more for its tokens, vectors and rows than for its
    reading) is still added, as before the preparation moved into the worker."""
    from nianbao.errors import ReadFailure, ReportReadError
    from nianbao.readers import DEFAULT_LIMITS

    (path,) = write_reports(tmp_path / "reports", 1)
    how = ingest.Preparation(None, 384)
    whole = ingest.prepare_file(path, DEFAULT_LIMITS, (None, None), how)

    def over_the_ceiling(*args: object, **kwargs: object) -> None:
        raise ReportReadError(ReadFailure.MEMORY, "超过了读取进程的内存上限")

    monkeypatch.setattr(ingest, "run_guarded", over_the_ceiling)
    split = ingest.prepare_file(path, DEFAULT_LIMITS, (None, None), how)
    assert isinstance(whole, ingest.Prepared) and isinstance(split, ingest.Prepared)
    assert split.rows == whole.rows and split.report_id == whole.report_id
    assert split.embeddings is not None and whole.embeddings is not None
    assert (split.embeddings == whole.embeddings).all()
