"""A time limit per file: reports (and facts files) are read in a worker process that is killed when it overruns.

Real worker processes throughout. Slowness is injected at the boundary only: the guard is given a
reader that sleeps before calling the real ``read_report_bytes`` when the file's name says so.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from nianbao.commands.cells import cells_csv
from nianbao.errors import ErrorRecord, InvalidInputError, ReadFailure, ReportReadError
from nianbao.intake import (
    Extraction,
    read_facts,
    read_facts_bytes,
    read_facts_bytes_guarded,
    read_facts_guarded,
    read_spreadsheet_bytes,
    read_spreadsheet_bytes_guarded,
)
from nianbao.intake.spreadsheet import SHEET_ADVICE
from nianbao.kb.ingest import Preparation, Prepared, PrepareFailure, prepare_all
from nianbao.model import Report
from nianbao.readers import DEFAULT_LIMITS, ReadLimits, read_report, read_report_bytes
from nianbao.readers.guard import ReadGuard, read_report_bytes_guarded, read_report_guarded
from nianbao.settings import get_settings
from nianbao.writers.docx import write_docx
from tests.conftest import CORPUS, FIXTURES, ROOT, SEED
from tests.test_bad_input import BAD_FILES, nianbao

PDF = CORPUS / "huaian_2024.pdf"
START_METHODS = ["fork", "forkserver"]
WAIT_SECONDS = 60.0  # how long a test waits for a worker to appear or a thread to finish (never reached)


def slow_on_purpose(data: bytes, name: str, max_bytes: int) -> Report:
    """The real reader, except that a file named ``hang…`` takes an hour (``hang_and_tell…``: says it started)."""
    if name.startswith("hang_and_tell"):
        _hang_marker(os.getpid()).touch()
    if name.startswith("hang"):
        time.sleep(3600)
    return read_report_bytes(data, name, max_bytes)


@pytest.fixture(params=START_METHODS)
def guard(request: pytest.FixtureRequest) -> Iterator[ReadGuard]:
    with ReadGuard(start_method=request.param, reader=slow_on_purpose) as guard:
        yield guard


def _hang_marker(pid: int) -> Path:
    return Path(tempfile.gettempdir()) / f"nianbao-test-hang-{pid}"


def _seed_bytes() -> bytes:
    return SEED.read_bytes()


def _is_gone(pid: int) -> bool:
    """The process has exited (a zombie not yet reaped counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


def _read_in_thread(guard: ReadGuard, name: str, timeout: float) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            guard.read_bytes(_seed_bytes(), name, timeout=timeout)
        except BaseException as e:
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


# ---- the time limit ------------------------------------------------------------------------------


def test_a_read_that_overruns_the_limit_is_stopped_with_a_chinese_timeout_error(guard: ReadGuard) -> None:
    with pytest.raises(ReportReadError) as caught:
        guard.read_bytes(_seed_bytes(), "hang_report.txt", timeout=0.5)
    assert caught.value.reason is ReadFailure.TIMEOUT
    assert "hang_report.txt" in caught.value.message
    assert "超过了 0.5 秒的时间上限" in caught.value.message
    assert guard.worker_pids() == []


def test_the_worker_that_overran_is_killed(guard: ReadGuard) -> None:
    guard.read_bytes(_seed_bytes(), "seed.txt")
    [pid] = guard.worker_pids()
    with pytest.raises(ReportReadError):
        guard.read_bytes(_seed_bytes(), "hang.txt", timeout=0.2)
    assert _is_gone(pid)


def test_the_next_read_after_a_timeout_works_in_a_new_worker(guard: ReadGuard) -> None:
    guard.read_bytes(_seed_bytes(), "seed.txt")
    [first] = guard.worker_pids()
    with pytest.raises(ReportReadError):
        guard.read_bytes(_seed_bytes(), "hang.txt", timeout=0.2)
    report = guard.read_bytes(_seed_bytes(), "luyi_2021.txt")
    assert report == read_report(SEED)
    [second] = guard.worker_pids()
    assert second != first


def test_a_real_file_with_a_tiny_limit_times_out_and_names_the_file() -> None:
    with pytest.raises(ReportReadError) as caught:
        read_report_guarded(PDF, ReadLimits(timeout=0.001))
    assert caught.value.reason is ReadFailure.TIMEOUT
    assert "huaian_2024.pdf" in caught.value.message and "0.001 秒" in caught.value.message
    assert read_report_guarded(PDF) == read_report(PDF)


def test_the_limit_the_shells_pass_down_is_nianbao_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_READ_TIMEOUT", "0.001")
    get_settings.cache_clear()
    try:
        with pytest.raises(ReportReadError) as caught:
            read_report_bytes_guarded(PDF.read_bytes(), "huaian_2024.pdf", get_settings().read_limits)
    finally:
        get_settings.cache_clear()
    assert caught.value.reason is ReadFailure.TIMEOUT
    assert "0.001 秒" in caught.value.message


# ---- same result as reading in-process ---------------------------------------------------------------

SAME_FILES = {
    **{p.name: (p.name, p.read_bytes) for p in sorted(CORPUS.iterdir()) if p.is_file()},
    "luyi_2021_gov.html": ("luyi_2021_gov.html", (FIXTURES / "luyi_2021_gov.html").read_bytes),
    "luyi_2021.docx (written by us)": ("luyi_2021.docx", lambda: write_docx(read_report(SEED))),
}


@pytest.mark.parametrize("case", sorted(SAME_FILES))
def test_the_guarded_read_gives_exactly_the_report_read_in_process(case: str, guard: ReadGuard) -> None:
    name, load = SAME_FILES[case]
    data = load()
    guarded, direct = guard.read_bytes(data, name), read_report_bytes(data, name)
    assert guarded.cells == direct.cells
    assert guarded.model_dump() == direct.model_dump()


@pytest.mark.parametrize("path", sorted(p for p in CORPUS.iterdir() if p.is_file()), ids=lambda p: p.name)
def test_read_report_guarded_gives_the_cells_of_read_report(path: Path) -> None:
    assert read_report_guarded(path).cells == read_report(path).cells


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_that_cannot_be_read_gives_the_same_reason_and_message(case: str, guard: ReadGuard) -> None:
    name, make, reason = BAD_FILES[case]
    data = make()
    with pytest.raises(ReportReadError) as direct:
        read_report_bytes(data, name)
    with pytest.raises(ReportReadError) as guarded:
        guard.read_bytes(data, name)
    assert guarded.value.reason is direct.value.reason is reason
    assert guarded.value.message == direct.value.message
    assert guard.worker_pids(), "a refused file does not cost the worker"


def test_a_file_over_the_size_limit_gives_the_same_error(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError) as direct:
        read_report_bytes(_seed_bytes(), "seed.txt", max_bytes=1000)
    with pytest.raises(ReportReadError) as guarded:
        read_report_bytes_guarded(_seed_bytes(), "seed.txt", ReadLimits(max_bytes=1000))
    assert guarded.value.reason is direct.value.reason is ReadFailure.TOO_LARGE
    assert guarded.value.message == direct.value.message
    with pytest.raises(ReportReadError) as by_path:
        read_report_guarded(SEED, ReadLimits(max_bytes=1000))
    assert by_path.value.message == direct.value.message


def test_a_missing_file_gives_the_same_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ReportReadError) as direct:
        read_report(missing)
    with pytest.raises(ReportReadError) as guarded:
        read_report_guarded(missing)
    assert (guarded.value.reason, guarded.value.message) == (direct.value.reason, direct.value.message)


def test_an_error_record_raises_the_error_again_with_its_reason() -> None:
    error = ErrorRecord.of(ReportReadError(ReadFailure.SCANNED, "扫描件")).error()
    assert isinstance(error, ReportReadError)
    assert (error.reason, error.message) == (ReadFailure.SCANNED, "扫描件")


# ---- a worker that dies ----------------------------------------------------------------------------


def test_a_worker_killed_during_a_read_gives_a_chinese_error_and_the_next_read_works(guard: ReadGuard) -> None:
    thread, errors = _read_in_thread(guard, "hang_and_tell.txt", timeout=WAIT_SECONDS * 10)
    _wait_for(lambda: bool(guard.worker_pids()))
    [pid] = guard.worker_pids()
    _wait_for(_hang_marker(pid).exists)
    _hang_marker(pid).unlink()
    os.kill(pid, signal.SIGKILL)
    thread.join(WAIT_SECONDS)
    [error] = errors
    assert isinstance(error, ReportReadError) and error.reason is ReadFailure.CRASHED
    assert "hang_and_tell.txt" in error.message and "读取进程意外退出" in error.message
    assert guard.read_bytes(_seed_bytes(), "luyi_2021.txt") == read_report(SEED)


def test_a_worker_killed_while_idle_is_replaced_before_the_next_read(guard: ReadGuard) -> None:
    guard.read_bytes(_seed_bytes(), "seed.txt")
    [pid] = guard.worker_pids()
    os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: _is_gone(pid))
    assert guard.read_bytes(_seed_bytes(), "luyi_2021.txt") == read_report(SEED)
    assert guard.worker_pids() != [pid]


# ---- threads, start methods, exit ------------------------------------------------------------------


def test_reads_from_several_threads_go_on_while_one_hangs() -> None:
    with ReadGuard(max_workers=2, reader=slow_on_purpose) as guard:
        thread, errors = _read_in_thread(guard, "hang.txt", timeout=WAIT_SECONDS * 10)
        _wait_for(lambda: bool(guard.worker_pids()))
        files = sorted(p for p in CORPUS.iterdir() if p.is_file()) * 2
        results: dict[int, Report] = {}
        readers = [
            threading.Thread(target=lambda i=i, p=p: results.__setitem__(i, guard.read_bytes(p.read_bytes(), p.name)))
            for i, p in enumerate(files)
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(WAIT_SECONDS)
        assert [results[i] for i in range(len(files))] == [read_report(p) for p in files]
        assert thread.is_alive(), "the hanging read is still waiting for its limit"
    thread.join(WAIT_SECONDS)  # closing the guard killed its worker
    [error] = errors
    assert isinstance(error, ReportReadError) and error.reason is ReadFailure.CRASHED


def _parent_pid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("\nPPid:\t", 1)[1].split("\n", 1)[0])


def test_a_process_with_threads_gets_its_workers_from_the_fork_server() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with ReadGuard() as guard:
            assert guard.read_bytes(_seed_bytes(), "luyi_2021.txt") == read_report(SEED)
            [pid] = guard.worker_pids()
            assert _parent_pid(pid) != os.getpid(), "not forked from this threaded process"
    finally:
        stop.set()
        other.join()


EXIT_SCRIPT = """
import os, signal, sys, threading
from pathlib import Path
from nianbao.readers.guard import read_report_guarded

def children(pid):
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\\nPPid:\\t{pid}\\n" in text:
            child = int(status.parent.name)
            found += [child] + children(child)
    return found

if __name__ == "__main__":
    stop = threading.Event()
    if sys.argv[1] == "threaded":
        threading.Thread(target=stop.wait, daemon=True).start()
    read_report_guarded(sys.argv[2])
    print(" ".join(str(pid) for pid in children(os.getpid())), flush=True)
    if sys.argv[3] == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("ending", ["exit", "sigkill"])
@pytest.mark.parametrize("mode", ["single", "threaded"])
def test_no_worker_is_left_when_the_process_ends(mode: str, ending: str, tmp_path: Path) -> None:
    script = tmp_path / "read_and_exit.py"
    script.write_text(EXIT_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), mode, str(SEED), ending], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == (0 if ending == "exit" else -signal.SIGKILL), result.stderr
    assert "Traceback" not in result.stderr
    pids = [int(p) for p in result.stdout.split()]
    assert pids, "the read ran in a worker process"
    _wait_for(lambda: all(_is_gone(pid) for pid in pids))


HANGING_SCRIPT = """
import os, signal, sys, threading, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from nianbao.readers.guard import ReadGuard
from tests.test_read_time_limit import EXIT_SCRIPT, slow_on_purpose

if __name__ == "__main__":
    exec(EXIT_SCRIPT.split("if __name__", 1)[0])  # children()
    guard = ReadGuard(start_method=sys.argv[1], reader=slow_on_purpose)
    seed = Path(sys.argv[3]).read_bytes()
    threading.Thread(target=guard.read_bytes, args=(seed, "hang.txt", 7, 3600), daemon=True).start()
    while not guard.worker_pids():
        time.sleep(0.01)
    guard.read_bytes(seed, "seed.txt")  # in a second worker: the first one hangs
    print(" ".join(str(pid) for pid in children(os.getpid())), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("method", START_METHODS)
def test_workers_die_with_a_killed_caller_even_in_a_read_that_hangs(method: str, tmp_path: Path) -> None:
    script = tmp_path / "hang_and_die.py"
    script.write_text(HANGING_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), method, str(ROOT), str(SEED)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    pids = [int(p) for p in result.stdout.split()]
    assert len(pids) >= 2, "two workers (and, by the fork server, the server)"
    _wait_for(lambda: all(_is_gone(pid) for pid in pids))


# ---- where users hand us files ---------------------------------------------------------------------


def test_cli_check_reports_a_timeout_in_chinese_with_the_unreadable_status() -> None:
    result = nianbao("check", str(PDF), env={"NIANBAO_READ_TIMEOUT": "0.001"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "无法读取：读取文件“huaian_2024.pdf”超过了 0.001 秒的时间上限" in result.stdout


def test_cli_check_json_names_timeout_as_the_reason() -> None:
    result = nianbao("check", "--json", str(PDF), str(SEED), env={"NIANBAO_READ_TIMEOUT": "0.001"})
    assert result.returncode == 2
    reasons = [json.loads(line).get("reason") for line in result.stdout.splitlines()]
    assert reasons == ["timeout", "timeout"]


def test_knowledge_base_preparation_turns_a_timeout_into_a_failure_of_that_file(tmp_path: Path) -> None:
    few = [tmp_path / "a.pdf"]
    many = [tmp_path / f"{i}.pdf" for i in range(8)]  # prepared two at a time
    for path in few + many:
        path.write_bytes(PDF.read_bytes())
    results = list(prepare_all(few + many, ReadLimits(timeout=0.001), (None, None), Preparation(None, None)))
    assert all(isinstance(r, PrepareFailure) and r.reason is ReadFailure.TIMEOUT for r in results)
    assert [r.path for r in results] == few + many


def test_knowledge_base_preparation_reads_many_files_through_the_guard(tmp_path: Path) -> None:
    many = [tmp_path / f"{i}.txt" for i in range(8)]
    for path in many:
        path.write_bytes(_seed_bytes())
    results = list(prepare_all(many, DEFAULT_LIMITS, (None, None), Preparation(None, None)))
    assert all(isinstance(r, Prepared) and r.report().cells == read_report(SEED).cells for r in results)


def test_the_app_shows_a_timeout_of_an_uploaded_file_in_chinese(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NIANBAO_READ_TIMEOUT", "0.001")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.sidebar.radio(key="page").set_value("审阅").run()
    at.radio(key="review-source").set_value("上传文件").run()
    at.file_uploader(key="review-file").set_value(("huaian_2024.pdf", PDF.read_bytes(), "application/pdf")).run()

    assert not at.exception, [e.value for e in at.exception]
    assert any("huaian_2024.pdf" in e.value and "超过了 0.001 秒的时间上限" in e.value for e in at.error)


# ---- facts files: this year's figures (XLSX/CSV, or sentences) --------------------------------------


def slow_facts(data: bytes, name: str, *args: Any) -> Extraction:
    """The real facts reader, except that a file named ``hang…`` takes an hour."""
    if name.startswith("hang"):
        time.sleep(3600)
    return read_facts_bytes(data, name, *args)


def _cells_csv(repeat: int = 1) -> bytes:
    """The seed's cells as ``nianbao cells`` writes them, the rows repeated (the last value of a cell wins)."""
    header, *rows = cells_csv(read_report(SEED)).splitlines()
    return ("\n".join([header, *rows * repeat]) + "\n").encode("utf-8")


def _cells_xlsx() -> bytes:
    book = Workbook()
    for line in cells_csv(read_report(SEED)).splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FACTS_FILES = {
    "cells_2022.csv": _cells_csv,
    "cells_2022.xlsx": _cells_xlsx,
    "sentences.txt": lambda: "今年共收到申请258件，其中自然人240件、其他18件；予以公开190件。".encode(),
}
BAD_FACTS = {
    "empty.csv": b"",
    "broken.xlsx": b"PK\x03\x04 not really a workbook",
    "unknown_cell.csv": "table,row,column,value\n依申请公开,九.九,总计,3\n".encode(),
    "no_figures.txt": "今年工作有序开展。".encode(),
}
GUARDED_FACTS_READERS = {
    "read_facts_bytes_guarded": (read_facts_bytes_guarded, read_facts_bytes),
    "read_spreadsheet_bytes_guarded": (read_spreadsheet_bytes_guarded, read_spreadsheet_bytes),
}


def test_a_facts_file_that_overruns_the_limit_is_stopped_with_a_chinese_timeout_error(guard: ReadGuard) -> None:
    with pytest.raises(ReportReadError) as caught:
        guard.run(slow_facts, _cells_csv(), "hang_cells.csv", timeout=0.5, advice=SHEET_ADVICE)
    assert caught.value.reason is ReadFailure.TIMEOUT
    assert "hang_cells.csv" in caught.value.message and "超过了 0.5 秒的时间上限" in caught.value.message
    assert caught.value.message.endswith(SHEET_ADVICE)
    assert guard.worker_pids() == []
    assert guard.run(slow_facts, _cells_csv(), "cells.csv") == read_facts_bytes(_cells_csv(), "cells.csv")


@pytest.mark.parametrize("reader", sorted(GUARDED_FACTS_READERS))
def test_a_real_facts_file_with_a_tiny_limit_times_out_and_names_the_file(reader: str) -> None:
    guarded, _direct = GUARDED_FACTS_READERS[reader]
    with pytest.raises(ReportReadError) as caught:
        guarded(_cells_csv(100), "cells_2022.csv", limits=ReadLimits(timeout=0.001))
    assert caught.value.reason is ReadFailure.TIMEOUT
    assert "cells_2022.csv" in caught.value.message and "0.001 秒" in caught.value.message
    assert "另存为 .xlsx 或 CSV" in caught.value.message


@pytest.mark.parametrize("case", sorted(FACTS_FILES))
def test_the_guarded_facts_read_gives_exactly_what_reading_in_process_gives(case: str) -> None:
    data = FACTS_FILES[case]()
    assert read_facts_bytes_guarded(data, case) == read_facts_bytes(data, case)
    if not case.endswith(".txt"):
        assert read_spreadsheet_bytes_guarded(data, case) == read_spreadsheet_bytes(data, case)


def test_read_facts_guarded_reads_a_file_like_read_facts(tmp_path: Path) -> None:
    path = tmp_path / "cells_2022.xlsx"
    path.write_bytes(_cells_xlsx())
    assert read_facts_guarded(path) == read_facts(path)


@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_a_facts_file_that_cannot_be_read_gives_the_same_error_and_message(case: str) -> None:
    with pytest.raises(InvalidInputError) as direct:
        read_facts_bytes(BAD_FACTS[case], case)
    with pytest.raises(InvalidInputError) as guarded:
        read_facts_bytes_guarded(BAD_FACTS[case], case)
    assert type(guarded.value) is type(direct.value) and guarded.value.message == direct.value.message


def test_cli_draft_reports_a_facts_file_timeout_in_chinese(tmp_path: Path) -> None:
    facts = tmp_path / "cells_2022.csv"
    facts.write_bytes(_cells_csv(1000))  # 8 MB, read in seconds; the seed given as last year's in milliseconds
    args = ["--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(facts), "--previous", str(SEED)]
    result = nianbao("draft", *args, env={"NIANBAO_READ_TIMEOUT": "0.5", "NIANBAO_LLM": "offline"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "错误：读取文件“cells_2022.csv”超过了 0.5 秒的时间上限" in result.stderr


def test_the_app_shows_a_timeout_of_an_uploaded_spreadsheet_in_chinese(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NIANBAO_READ_TIMEOUT", "0.001")
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.text_input(key="new-agency").set_value("鹿邑县人民政府")
    at.button(key="new-start").click().run()
    at.chat_input(key="chat").upload("cells_2022.csv", _cells_csv(100), "text/csv")
    at.run()

    assert not at.exception, [e.value for e in at.exception]
    reply = at.chat_message[-1].markdown[0].value.replace("\\", "")  # the chat's Markdown escapes the name
    assert at.chat_message[-1].name == "assistant"
    assert "读取文件“cells_2022.csv”超过了 0.001 秒的时间上限" in reply and "另存为 .xlsx 或 CSV" in reply
