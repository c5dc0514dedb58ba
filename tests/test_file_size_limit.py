"""NIANBAO_MAX_FILE_MB is the one size limit: every reader of reports and of facts files obeys the limit its
caller passes down from the settings (as the shells do), above and below its default of 20 MB, in-process,
through the time-limit guard and in the CLI.

Real files: the seed written as DOCX (and its cells as XLSX), padded to a chosen size with a stored media
part that the readers skip, so that a file of 21 MB is read in milliseconds.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from nianbao.commands.cells import cells_csv
from nianbao.errors import InvalidInputError, ReadFailure, ReportReadError
from nianbao.intake import read_facts, read_facts_bytes, read_spreadsheet, read_spreadsheet_bytes
from nianbao.model import Report
from nianbao.readers import ReadLimits, read_report, read_report_bytes
from nianbao.readers.guard import read_report_bytes_guarded, read_report_guarded
from nianbao.settings import Settings, get_settings
from nianbao.writers.docx import write_docx
from tests.conftest import SEED
from tests.test_bad_input import nianbao

MB = 1024 * 1024


def configured() -> ReadLimits:
    """The limits a shell passes down: this process's settings'."""
    return get_settings().read_limits


REPORT_READERS: dict[str, Callable[[Path], Report]] = {
    "read_report": lambda path: read_report(path, configured().max_bytes),
    "read_report_bytes": lambda path: read_report_bytes(path.read_bytes(), path.name, configured().max_bytes),
    "read_report_guarded": lambda path: read_report_guarded(path, configured()),
    "read_report_bytes_guarded": lambda path: read_report_bytes_guarded(path.read_bytes(), path.name, configured()),
}
FACTS_READERS: dict[str, Callable[[Path], object]] = {
    "read_spreadsheet": lambda path: read_spreadsheet(path, max_bytes=configured().max_bytes),
    "read_spreadsheet_bytes": lambda path: read_spreadsheet_bytes(
        path.read_bytes(), path.name, max_bytes=configured().max_bytes
    ),
    "read_facts": lambda path: read_facts(path, max_bytes=configured().max_bytes),
    "read_facts_bytes": lambda path: read_facts_bytes(path.read_bytes(), path.name, max_bytes=configured().max_bytes),
}


def padded(data: bytes, size: int, member: str) -> bytes:
    """The zip (DOCX or XLSX) with a stored part nothing refers to, bringing it to about ``size`` bytes."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo(member), os.urandom(max(0, size - len(data))))
    return out.getvalue()


def seed_docx(folder: Path, size: int) -> Path:
    path = folder / "luyi_2021.docx"
    path.write_bytes(padded(write_docx(read_report(SEED)), size, "word/media/image1.bin"))
    assert path.stat().st_size >= size
    return path


def seed_xlsx(folder: Path, size: int) -> Path:
    book = Workbook()
    for line in cells_csv(read_report(SEED)).splitlines():
        book.active.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    path = folder / "cells_2021.xlsx"
    path.write_bytes(padded(data.getvalue(), size, "xl/media/image1.bin"))
    assert path.stat().st_size >= size
    return path


@pytest.fixture
def limit_mb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int | None], None]]:
    """Set NIANBAO_MAX_FILE_MB (None: not set, the default)."""

    def set_limit(mb: int | None) -> None:
        if mb is None:
            monkeypatch.delenv("NIANBAO_MAX_FILE_MB", raising=False)
        else:
            monkeypatch.setenv("NIANBAO_MAX_FILE_MB", str(mb))
        get_settings.cache_clear()

    yield set_limit
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_default_limit_is_20_mb(limit_mb) -> None:
    limit_mb(None)
    assert Settings().max_file_mb == 20


# ---- reports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", sorted(REPORT_READERS))
def test_a_report_over_20_mb_is_read_when_the_limit_is_raised(reader, limit_mb, tmp_path) -> None:
    path = seed_docx(tmp_path, 21 * MB)
    limit_mb(30)
    assert REPORT_READERS[reader](path).cells == read_report(SEED).cells


@pytest.mark.parametrize("reader", sorted(REPORT_READERS))
def test_a_report_over_20_mb_is_refused_by_default(reader, limit_mb, tmp_path) -> None:
    path = seed_docx(tmp_path, 21 * MB)
    limit_mb(None)
    with pytest.raises(ReportReadError) as caught:
        REPORT_READERS[reader](path)
    assert caught.value.reason is ReadFailure.TOO_LARGE
    assert "超过 20 MB 的上限" in caught.value.message


@pytest.mark.parametrize("reader", sorted(REPORT_READERS))
def test_a_report_under_20_mb_is_refused_when_the_limit_is_lowered(reader, limit_mb, tmp_path) -> None:
    path = seed_docx(tmp_path, 2 * MB)
    limit_mb(1)
    with pytest.raises(ReportReadError) as caught:
        REPORT_READERS[reader](path)
    assert caught.value.reason is ReadFailure.TOO_LARGE
    assert "文件太大（2.0 MB），超过 1 MB 的上限" in caught.value.message


def test_the_readers_obey_their_caller_not_the_environment(limit_mb, tmp_path) -> None:
    path = seed_docx(tmp_path, 2 * MB)
    limit_mb(1)  # settings are read by the shells only: a reader given a limit, or none (20 MB), never looks
    given = ReadLimits(max_bytes=3 * MB)
    assert read_report(path, max_bytes=3 * MB).cells == read_report_guarded(path, given).cells
    assert read_report(path).cells == read_report_guarded(path).cells == read_report(SEED).cells


# ---- facts files (this year's figures) --------------------------------------------------------------


@pytest.mark.parametrize("reader", sorted(FACTS_READERS))
def test_a_facts_file_over_20_mb_is_read_when_the_limit_is_raised(reader, limit_mb, tmp_path) -> None:
    path = seed_xlsx(tmp_path, 21 * MB)
    limit_mb(30)
    changes = FACTS_READERS[reader](path).changes  # type: ignore[attr-defined]
    assert len(changes) == sum(1 for c in read_report(SEED).cells if c.value is not None)


@pytest.mark.parametrize("reader", sorted(FACTS_READERS))
def test_a_facts_file_under_20_mb_is_refused_when_the_limit_is_lowered(reader, limit_mb, tmp_path) -> None:
    path = seed_xlsx(tmp_path, 2 * MB)
    limit_mb(1)
    with pytest.raises(InvalidInputError) as caught:
        FACTS_READERS[reader](path)
    assert "cells_2021.xlsx" in caught.value.message and "超过 1 MB 的上限" in caught.value.message


def test_a_csv_with_a_field_too_long_for_the_csv_module_is_refused_in_chinese(tmp_path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("table,row,column,value\n主动公开," + "x" * 200_000 + ",新制发件数,1\n", encoding="utf-8")
    for read in FACTS_READERS.values():
        with pytest.raises(InvalidInputError, match="第 2 行格式有误"):
            read(path)


# ---- the command line --------------------------------------------------------------------------------


def test_cli_reads_a_report_over_20_mb_when_the_limit_is_raised(tmp_path) -> None:
    path = seed_docx(tmp_path, 21 * MB)
    result = nianbao("cells", str(path), env={"NIANBAO_MAX_FILE_MB": "30"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == cells_csv(read_report(SEED))


def test_cli_refuses_a_report_over_a_lowered_limit(tmp_path) -> None:
    path = seed_docx(tmp_path, 2 * MB)
    result = nianbao("check", str(path), env={"NIANBAO_MAX_FILE_MB": "1"})
    assert result.returncode == 2
    assert "超过 1 MB 的上限" in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_cli_refuses_a_facts_file_over_a_lowered_limit(tmp_path) -> None:
    facts = seed_xlsx(tmp_path, 2 * MB)
    args = ["--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(facts), "--previous", str(SEED)]
    result = nianbao("draft", *args, env={"NIANBAO_MAX_FILE_MB": "1", "NIANBAO_LLM": "offline"})
    assert result.returncode == 2
    assert "cells_2021.xlsx" in result.stderr and "超过 1 MB 的上限" in result.stderr
