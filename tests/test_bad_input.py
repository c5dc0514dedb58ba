"""Bad input: `nianbao check` exits 2 with a clear Chinese message, never a traceback or a hang.

Each file is made here (or cut from a real one) and given to the real command line.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.checker import check_report
from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.parse import parse_document
from nianbao.readers.text import read_text
from tests.pdfgen import image_only_pdf, report_to_pdf, text_pdf

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "luyi_2021.txt"
HUAIAN_PDF = ROOT / "corpus" / "huaian_2024.pdf"
CHINESE = re.compile(r"[\u4e00-\u9fff]{4,}")
MB = 1024 * 1024


def nianbao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (with ``env`` added to this process's environment)."""
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _seed_docx() -> bytes:
    """A small Word document with the seed's text (python-docx)."""
    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def _random_bytes() -> bytes:
    return random.Random(20240101).randbytes(64 * 1024)


def _truncated_pdf() -> bytes:
    data = HUAIAN_PDF.read_bytes()
    return data[: len(data) // 2]


def _truncated_docx() -> bytes:
    data = _seed_docx()
    return data[: len(data) * 2 // 3]


def _encrypted_pdf() -> bytes:
    return text_pdf(["鹿邑县人民政府2021年政府信息公开工作年度报告", "一、总体情况"], encrypt="secret")


def _ole_doc() -> bytes:
    # The signature of an OLE compound file (Word 97-2003 .doc), then filler.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


def _not_a_report() -> bytes:
    return "会议纪要\n\n今天讨论了明年的工作安排，大家发言积极。\n散会。\n".encode()


BAD_FILES: dict[str, tuple[str, Callable[[], bytes], ReadFailure]] = {
    "random bytes": ("random.txt", _random_bytes, ReadFailure.NOT_A_REPORT),
    "bytes in no known encoding": ("latin.txt", lambda: bytes(range(128, 256)) * 8, ReadFailure.UNKNOWN_ENCODING),
    "truncated pdf": ("truncated.pdf", _truncated_pdf, ReadFailure.DAMAGED),
    "truncated docx": ("truncated.docx", _truncated_docx, ReadFailure.DAMAGED),
    "empty file": ("empty.txt", lambda: b"", ReadFailure.EMPTY),
    "encrypted pdf": ("locked.pdf", _encrypted_pdf, ReadFailure.ENCRYPTED),
    "scanned pdf": ("scanned.pdf", image_only_pdf, ReadFailure.SCANNED),
    "old word doc": ("report.doc", _ole_doc, ReadFailure.NOT_A_REPORT),
    "zip that is not a docx": ("report.docx", lambda: _zip_of("notes.txt", b"hello"), ReadFailure.NOT_A_REPORT),
    "text that is not a report": ("notes.txt", _not_a_report, ReadFailure.NOT_A_REPORT),
}


def _assert_refused(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "无法读取" in output
    assert CHINESE.search(output.split("无法读取", 1)[1]), output


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_exits_2_with_a_chinese_message(case: str, tmp_path: Path) -> None:
    name, make, _ = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(make())
    _assert_refused(nianbao("check", str(path)))


def test_json_output_names_why_each_bad_file_was_refused(tmp_path: Path) -> None:
    paths = []
    for name, make, _ in BAD_FILES.values():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(make())
    result = nianbao("check", "--json", *map(str, paths))
    assert result.returncode == 2
    reasons = {json.loads(line)["file"]: json.loads(line)["reason"] for line in result.stdout.splitlines()}
    assert reasons == {str(tmp_path / name): reason.value for name, _, reason in BAD_FILES.values()}


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(21 * MB)  # sparse: no 21 MB are written
    result = nianbao("check", str(huge))
    _assert_refused(result)
    assert "20 MB" in result.stdout


def test_size_limit_is_a_parameter(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError) as caught:
        read_report(SEED, max_bytes=1000)
    assert caught.value.reason is ReadFailure.TOO_LARGE
    with pytest.raises(ReportReadError):
        read_report_bytes(SEED.read_bytes(), "seed.txt", max_bytes=1000)


def test_missing_file_and_folder_exit_2(tmp_path: Path) -> None:
    _assert_refused(nianbao("check", str(tmp_path / "missing.txt")))
    _assert_refused(nianbao("check", str(tmp_path)))


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = nianbao("check", str(empty), str(SEED))
    assert result.returncode == 2
    assert "鹿邑县人民政府 2021" in result.stdout


def test_pdf_named_txt_still_reads(tmp_path: Path) -> None:
    disguised = tmp_path / "report.txt"
    disguised.write_bytes(HUAIAN_PDF.read_bytes())
    result = nianbao("check", str(disguised))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "淮安市人民政府 2024" in result.stdout


def test_text_report_named_pdf_still_reads(tmp_path: Path) -> None:
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(SEED.read_bytes())
    result = nianbao("check", str(disguised))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "鹿邑县人民政府 2021" in result.stdout


def test_generated_pdf_named_docx_still_reads(tmp_path: Path) -> None:
    disguised = tmp_path / "report.docx"
    disguised.write_bytes(report_to_pdf(read_report(SEED)))
    result = nianbao("check", str(disguised))
    assert result.returncode == 0, result.stdout + result.stderr


# hypothesis: the text reader takes anything without a crash other than ReportReadError.

HANG_GUARD = settings(
    deadline=timedelta(seconds=10),
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


def _read_or_refuse(data: bytes) -> None:
    try:
        report = parse_document(read_text(data, "fuzz.txt"))
    except ReportReadError as e:
        assert e.message
        return
    check_report(report)


@HANG_GUARD
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_crash_the_text_reader(data: bytes) -> None:
    _read_or_refuse(data)


@HANG_GUARD
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_crash_any_reader(data: bytes) -> None:
    try:
        read_report_bytes(data, "fuzz.bin")
    except ReportReadError as e:
        assert e.message


@HANG_GUARD
@given(st.integers(0, len(SEED_LINES)), st.text(max_size=300))
def test_arbitrary_text_inside_a_report_never_crashes(position: int, inserted: str) -> None:
    lines = [*SEED_LINES[:position], inserted, *SEED_LINES[position:]]
    _read_or_refuse("\n".join(lines).encode("utf-8", "surrogatepass"))


@HANG_GUARD
@given(st.integers(0, len(SEED_LINES) - 1), st.text(max_size=40))
def test_arbitrary_text_in_place_of_a_table_cell_never_crashes(position: int, cell: str) -> None:
    line = SEED_LINES[position]
    cells = line.split("\t")
    cells[-1 if len(cells) == 1 else len(cells) // 2] = cell
    lines = [*SEED_LINES[:position], "\t".join(cells), *SEED_LINES[position + 1 :]]
    _read_or_refuse("\n".join(lines).encode("utf-8", "surrogatepass"))


@HANG_GUARD
@given(st.lists(st.sampled_from(SEED_LINES), max_size=120), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_shuffled_report_lines_never_crash(lines: list[str], encoding: str) -> None:
    _read_or_refuse("\n".join(lines).encode(encoding))


@settings(deadline=timedelta(seconds=60), max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=40))
def test_corrupted_pdf_bytes_never_crash_the_pdf_reader(changes: list[tuple[float, int]]) -> None:
    data = bytearray(HUAIAN_PDF.read_bytes())
    for where, byte in changes:
        data[int(where * len(data))] = byte
    try:
        read_report_bytes(bytes(data), "corrupted.pdf")
    except ReportReadError as e:
        assert e.message
