"""A hostile file is refused within bounded memory and time, with exit 2 and a Chinese message saying which
limit it hit; files that made a library raise are the reader's error, never a traceback.

The files are built in the tests (tests/hostile.py), never stored: a 1.5 MB PDF whose page inflates to
1.5 GB, a DOCX whose document.xml inflates to 1 GB while declaring 16 MB, a PDF page with an 18 MB
content stream, 300 pages of 20,000 glyphs. Peak memory is that of the whole process tree (the CLI and
its read worker), sampled from /proc.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.bounds import MAX_GLYPHS, MAX_PAGE_CONTENT_BYTES, MAX_PAGE_GLYPHS, MAX_PDF_STREAM_BYTES
from nianbao.readers.guard import ReadGuard
from nianbao.writers.docx import write_docx
from tests import hostile
from tests.conftest import SEED
from tests.treewatch import run_measured

MEMORY_MB = 500
SECONDS = 30


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return write_docx(read_report(SEED))


CONTENT_LIMIT = f"页面内容解压后超过 {MAX_PAGE_CONTENT_BYTES // 2**20} MB"
HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    # name: (how it is made from a real DOCX, its extension, the words of the limit it must hit)
    "spaces_bomb": (lambda _: hostile.spaces_bomb_pdf(), "pdf", CONTENT_LIMIT),
    "binary_bomb": (lambda _: hostile.binary_bomb_pdf(), "pdf", f"数据流解压后超过 {MAX_PDF_STREAM_BYTES // 2**20} MB"),
    "lying_docx": (hostile.lying_docx, "docx", "解压后的内容与记录的大小或校验值不符"),
    "big_content": (lambda _: hostile.big_content_pdf(), "pdf", CONTENT_LIMIT),
    "big_plain_content": (lambda _: hostile.big_content_pdf(compressed=False), "pdf", CONTENT_LIMIT),
    "many_glyphs": (lambda _: hostile.many_glyphs_pdf(300, 20_000), "pdf", f"超过每页 {MAX_PAGE_GLYPHS} 个的上限"),
    "many_pages_of_glyphs": (
        lambda _: hostile.many_glyphs_pdf(300, MAX_PAGE_GLYPHS),
        "pdf",
        f"字符总数超过 {MAX_GLYPHS} 个的上限",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_by_check_within_500_mb_and_30_s(kind: str, seed_docx: bytes, tmp_path: Path):
    make, extension, limit = HOSTILE[kind]
    path = tmp_path / f"{kind}.{extension}"
    path.write_bytes(make(seed_docx))
    assert path.stat().st_size < 20 * hostile.MB  # within the upload limit: the danger is what it expands to

    run = run_measured(["check", str(path)])

    assert run.returncode == 2, run.stderr
    assert f"== {path}" in run.stdout and limit in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert run.peak_mb < MEMORY_MB, f"{kind}: {run.peak_mb:.0f} MB"
    assert run.seconds < SECONDS, f"{kind}: {run.seconds:.1f} s"


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_apps_upload_path_refuses_the_same_files(kind: str, seed_docx: bytes):
    from nianbao.usecases.container import session_use_cases

    make, extension, limit = HOSTILE[kind]
    with pytest.raises(ReportReadError) as caught:
        session_use_cases(False).reviewing.read_upload(make(seed_docx), f"{kind}.{extension}")
    assert limit in caught.value.message


def allocate_on_purpose(data: bytes, name: str, max_bytes: int) -> Report:
    """The real reader, except that a file named ``greedy…`` asks for 2 GB (as a library might for a bomb)."""
    if name.startswith("greedy"):
        hog = bytearray(2 * 1024**3)
        return Report(source=str(len(hog)))
    return read_report_bytes(data, name, max_bytes)


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_a_read_past_the_workers_memory_ceiling_is_refused_and_the_next_read_works(start_method: str):
    with ReadGuard(start_method=start_method, reader=allocate_on_purpose, memory_mb=300) as guard:
        with pytest.raises(ReportReadError) as caught:
            guard.read_bytes(SEED.read_bytes(), "greedy.txt")
        assert caught.value.reason is ReadFailure.MEMORY
        assert "greedy.txt" in caught.value.message and "300 MB" in caught.value.message
        assert guard.read_bytes(SEED.read_bytes(), "luyi.txt").year == 2021


def abort_on_purpose(data: bytes, name: str, max_bytes: int) -> Report:
    """The real reader, except that a file named ``abort…`` aborts the worker, as pdfium does when an allocation
    fails (``abort_once…``: only the first time, told by a marker file named in the file)."""
    if name.startswith("abort_once"):
        marker = Path(data.decode())
        if not marker.exists():
            marker.touch()
            os.abort()
        return Report(source="read again")
    if name.startswith("abort"):
        os.abort()
    return read_report_bytes(data, name, max_bytes)


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_a_worker_that_aborts_under_the_ceiling_is_the_memory_limit_and_the_next_read_works(start_method: str):
    with ReadGuard(start_method=start_method, reader=abort_on_purpose, memory_mb=300) as guard:
        with pytest.raises(ReportReadError) as caught:
            guard.read_bytes(SEED.read_bytes(), "abort.pdf")
        assert caught.value.reason is ReadFailure.MEMORY
        assert "abort.pdf" in caught.value.message and "300 MB" in caught.value.message
        assert guard.read_bytes(SEED.read_bytes(), "luyi.txt").year == 2021


def test_a_worker_that_aborts_once_is_given_the_file_again_in_a_fresh_one(tmp_path: Path):
    marker = tmp_path / "aborted"
    with ReadGuard(reader=abort_on_purpose, memory_mb=300) as guard:
        assert guard.read_bytes(str(marker).encode(), "abort_once.pdf").source == "read again"
    assert marker.exists()


def test_without_a_ceiling_an_abort_is_a_crash():
    with ReadGuard(reader=abort_on_purpose, memory_mb=0) as guard, pytest.raises(ReportReadError) as caught:
        guard.read_bytes(SEED.read_bytes(), "abort.pdf")
    assert caught.value.reason is ReadFailure.CRASHED


# -- errors that escaped as tracebacks ----------------------------------------------------------------


def test_a_cell_of_4301_digits_is_refused_with_exit_2(tmp_path: Path):
    text = SEED.read_text(encoding="utf-8")
    first_figure = re.search(r"(?<=\s)\d+(?=\s)", text.split("本年新收政府信息公开申请数量")[1])
    assert first_figure is not None
    start = (
        len(text.split("本年新收政府信息公开申请数量")[0]) + len("本年新收政府信息公开申请数量") + first_figure.start()
    )
    path = tmp_path / "digits.txt"
    path.write_text(text[:start] + "9" * 4301 + text[start + len(first_figure.group()) :], encoding="utf-8")

    run = run_measured(["check", str(path)])

    assert run.returncode == 2, run.stderr
    assert "长达 4301 位的数字" in run.stdout and str(path) in run.stdout
    assert "Traceback" not in run.stderr


def test_a_docx_that_needs_zip_version_20_8_is_refused_with_exit_2(seed_docx: bytes, tmp_path: Path):
    entries = hostile.docx_entries(seed_docx)
    entries[0].version_needed = 208
    path = tmp_path / "version.docx"
    path.write_bytes(hostile.zip_bytes(entries))

    run = run_measured(["check", str(path)])

    assert run.returncode == 2 and "压缩包" in run.stdout and "Traceback" not in run.stderr


@pytest.mark.parametrize("part", ["numbering", "styles"])
def test_a_docx_whose_part_is_declared_plain_xml_is_read_all_the_same(part: str, seed_docx: bytes):
    entries = hostile.docx_entries(seed_docx)
    for index, entry in enumerate(entries):
        if entry.name == "[Content_Types].xml":
            xml = zlib.decompress(entry.stored, -15).decode()
            retyped = re.sub(rf'(PartName="/word/{part}.xml" ContentType=")[^"]+', r"\1application/xml", xml)
            assert retyped != xml
            entries[index] = hostile.ZipEntry.of(entry.name, retyped.encode())

    report = read_report_bytes(hostile.zip_bytes(entries), "retyped.docx")

    assert report.cells == read_report_bytes(seed_docx, "seed.docx").cells


def fails_unexpectedly(data: bytes, name: str, max_bytes: int) -> Report:
    """A library's own error for a structure it did not expect (python-docx's AttributeError, …)."""
    raise AttributeError("'Part' object has no attribute 'element'")


def test_what_a_library_raises_comes_back_as_the_files_read_error():
    with ReadGuard(start_method="fork", reader=fails_unexpectedly) as guard, pytest.raises(ReportReadError) as caught:
        guard.read_bytes(b"text", "odd.docx")
    assert caught.value.reason is ReadFailure.DAMAGED
    assert "odd.docx" in caught.value.message and "AttributeError" in caught.value.message


def _entity(n: int) -> str:
    inner = f"&lol{n - 1};" if n > 2 else "&lol;"
    return f'<!ENTITY lol{n} "{inner * 10}">'


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(_entity(n) for n in range(2, 10))
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["本年新收政府信息公开申请数量", 1, 2, 3, 4, 5, 6, 7])
    buffer = io.BytesIO()
    book.save(buffer)
    entries = hostile.docx_entries(buffer.getvalue())
    for index, entry in enumerate(entries):
        if entry.name == "xl/worksheets/sheet1.xml":
            entries[index] = hostile.ZipEntry.of(entry.name, sheet_xml)
    return hostile.zip_bytes(entries)


@pytest.mark.parametrize(
    "sheet",
    [b"<worksheet><sheetData><row", LAUGHS.encode()],
    ids=["malformed", "billion_laughs"],
)
def test_a_broken_sheet_given_to_draft_facts_is_refused_with_exit_2(sheet: bytes, tmp_path: Path):
    facts = tmp_path / "facts.xlsx"
    facts.write_bytes(xlsx_with_sheet(sheet))

    run = run_measured(["draft", "--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(facts)])

    assert run.returncode == 2, run.stderr
    assert "facts.xlsx" in run.stderr and "工作表已损坏" in run.stderr
    assert "Traceback" not in run.stderr and run.peak_mb < MEMORY_MB


@pytest.mark.parametrize(
    "error",
    [
        MemoryError(),
        OSError(12, "Cannot allocate memory"),
        OSError("libpdfium.so: failed to map segment from shared object"),
    ],
    ids=["MemoryError", "ENOMEM", "dlopen"],
)
def test_what_the_memory_ceiling_makes_fail_is_reported_as_the_ceiling(error: Exception):
    from nianbao.readers.guard import _unexpected

    record = _unexpected(error, "big.pdf", 400)
    assert record.reason is ReadFailure.MEMORY
    assert "big.pdf" in record.message and "400 MB" in record.message and "NIANBAO_READ_MEMORY_MB" in record.message
