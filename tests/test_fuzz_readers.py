"""Fuzzing every reader: whatever the bytes, reading and checking a file ends with a Report or a ReportReadError.

Each target mutates a real file of its format (the seed as TXT, the corpus Markdown, the seed as
HTML pages, a DOCX written by nianbao.writers, the corpus PDF and a small generated PDF) or builds
hostile input from scratch (deeply nested HTML, invalid encodings, zip bombs, thousands of pages).
Any other exception is a crash; a read that does not end within HANG_SECONDS is a hang (an alarm
interrupts it, so a hang fails the test instead of stalling CI).

The number of examples comes from a hypothesis profile chosen by ``NIANBAO_FUZZ`` (see conftest.py):
``fuzz-ci`` (small, the default: the whole file runs in well under a minute) and ``fuzz-long``
(``make fuzz``).
"""

from __future__ import annotations

import os
import random
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import cache
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.checker import check_report
from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.docx import MAX_RATIO
from nianbao.readers.pdf import MAX_PAGES
from nianbao.writers import write_docx
from tests.conftest import CORPUS, FIXTURES, SEED
from tests.pdfgen import many_pages_pdf, text_pdf

PROFILE = os.environ.get("NIANBAO_FUZZ", "fuzz-ci")
FUZZ = settings.get_profile(PROFILE)
# Inputs at the size caps take 10-20 s each: read by `make fuzz`, not in every CI run.
LONG_ONLY = pytest.mark.skipif(PROFILE == "fuzz-ci", reason="inputs at the size caps: make fuzz")
# Far above the slowest honest read (the PDF reader's own deadline is 60 s): only a hang gets here.
HANG_SECONDS = 120
LOG = os.environ.get("NIANBAO_FUZZ_LOG")
MB = 1024 * 1024


class Hang(Exception):
    """A read still running after HANG_SECONDS."""


@contextmanager
def hang_guard(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Interrupt the block with Hang when it runs longer than ``seconds`` (pytest runs tests in the main thread)."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_or_refuse(data: bytes, name: str) -> Report | ReportReadError:
    """Read and check the bytes; a refusal must carry a reason and a Chinese message. Anything else propagates."""
    try:
        outcome = _read_or_refuse(data, name)
    except BaseException as e:
        _log(name, f"crash:{type(e).__name__}")
        raise
    _log(name, outcome.reason if isinstance(outcome, ReportReadError) else "report")
    return outcome


def _log(name: str, outcome: str) -> None:
    """With NIANBAO_FUZZ_LOG set, one line per input tried (``make fuzz`` counts them)."""
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]}\t{name}\t{outcome}\n")


def _read_or_refuse(data: bytes, name: str) -> Report | ReportReadError:
    with hang_guard():
        try:
            report = read_report_bytes(data, name)
        except ReportReadError as e:
            assert isinstance(e.reason, ReadFailure)
            assert e.message.strip()
            return e
        check_report(report)
    return report


# -- mutations -------------------------------------------------------------------------------------------

# One edit of a byte string: (kind, where 0..1, length, filler byte).
Edit = tuple[str, float, int, int]
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "delete", "duplicate", "insert", "truncate"]),
        st.floats(0, 1, exclude_max=True),
        st.integers(1, 512),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=12,
)


def mutate(data: bytes, edits: list[Edit]) -> bytes:
    """Apply byte-level edits: flip a byte, delete, duplicate or insert a run, or cut the tail."""
    out = bytearray(data)
    for kind, where, length, byte in edits:
        if not out:
            out = bytearray([byte])
        at = int(where * len(out))
        if kind == "flip":
            out[at] = byte
        elif kind == "delete":
            del out[at : at + length]
        elif kind == "duplicate":
            out[at:at] = out[at : at + length]
        elif kind == "insert":
            out[at:at] = bytes([byte]) * length
        else:
            del out[max(at, 1) :]
    return bytes(out)


def mutate_text(text: str, edits: list[tuple[float, float, str]]) -> str:
    """Text-level edits: replace the span [a, b) with an inserted string (delete, insert or overwrite)."""
    for start, end, inserted in edits:
        a, b = sorted((int(start * len(text)), int(end * len(text))))
        text = text[:a] + inserted + text[b : b + (b - a) // 4 * 4]  # keep some of what followed
    return text


TEXT_EDITS = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.text(max_size=60)),
    min_size=1,
    max_size=6,
)


# -- text and Markdown -----------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "big5", "latin-1"]


@FUZZ
@given(TEXT_EDITS, st.sampled_from(ENCODINGS), EDITS)
def test_mutated_seed_text_in_any_encoding_is_read_or_refused(
    text_edits: list[tuple[float, float, str]], encoding: str, byte_edits: list[Edit]
) -> None:
    text = mutate_text(SEED.read_text(encoding="utf-8"), text_edits)
    data = text.encode(encoding, errors="replace")
    read_or_refuse(mutate(data, byte_edits), "fuzz.txt")


@FUZZ
@given(TEXT_EDITS, st.lists(st.sampled_from(["|", "| --- |", "#", "**", "\t", "\r", "|\n|", "```"]), max_size=30))
def test_mutated_markdown_report_is_read_or_refused(
    text_edits: list[tuple[float, float, str]], markup: list[str]
) -> None:
    text = mutate_text((CORPUS / "shuyang_2025.md").read_text(encoding="utf-8"), text_edits)
    rng = random.Random(len(text) + len(markup))
    for piece in markup:
        at = rng.randrange(len(text) + 1)
        text = text[:at] + piece + text[at:]
    read_or_refuse(text.encode("utf-8", "surrogatepass"), "fuzz.md")


@FUZZ
@given(st.binary(min_size=1, max_size=4096), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_invalid_encodings_behind_any_byte_order_mark_are_read_or_refused(body: bytes, bom: bytes) -> None:
    read_or_refuse(bom + body, "fuzz.txt")


# -- HTML ------------------------------------------------------------------------------------------------

TAGS = ["div", "p", "table", "tr", "td", "th", "tbody", "span", "b", "caption", "br", "li", "ul", "html", "body"]
ATTRIBUTES = st.sampled_from(
    ["", ' rowspan="3"', ' colspan="99999"', ' rowspan="-1"', ' colspan="x"', ' class="nav"', ' style="display:none"']
)


def html_tree() -> st.SearchStrategy[str]:
    """Random tag soup: nested elements (unbalanced on purpose), spans, numbers and Chinese labels."""
    leaf = st.one_of(
        st.sampled_from(["0", "12", "三、收到和处理政府信息公开申请情况", "总计", "自然人", "&nbsp;", "<!--", "]]>"]),
        st.text(max_size=20),
    )

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        element = st.tuples(st.sampled_from(TAGS), ATTRIBUTES, st.lists(children, max_size=5), st.booleans())
        return element.map(lambda e: f"<{e[0]}{e[1]}>{''.join(e[2])}" + (f"</{e[0]}>" if e[3] else ""))

    return st.recursive(leaf, extend, max_leaves=60)


HTML_PAGES = sorted(FIXTURES.glob("luyi_2021_*.html"))


@FUZZ
@given(html_tree(), st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.sampled_from(["", "gbk", "utf-8", "big5"]))
def test_random_tag_soup_with_any_declared_charset_is_read_or_refused(page: str, encoding: str, declared: str) -> None:
    meta = f'<meta charset="{declared}">' if declared else ""
    read_or_refuse(f"<html><head>{meta}</head><body>{page}</body></html>".encode(encoding, "replace"), "fuzz.html")


@FUZZ
@given(st.sampled_from(HTML_PAGES), EDITS)
def test_mutated_government_pages_are_read_or_refused(page: object, edits: list[Edit]) -> None:
    read_or_refuse(mutate(page.read_bytes(), edits), "fuzz.html")  # type: ignore[attr-defined]


def test_tag_soup_found_by_the_fuzzer_is_refused_not_a_crash() -> None:
    # Found by test_random_tag_soup… (fuzz-long): lxml refused the control character once the cell was marked.
    read_or_refuse(b"<html><body><TABLE><DIV>\x1f</body></html>", "soup.html")


@pytest.mark.parametrize("control", ["\x1f", "\x0b", "\x0c", "\x08", "\x00"])
def test_control_characters_in_table_cells_are_dropped_and_every_cell_still_reads(control: str) -> None:
    page = (FIXTURES / "luyi_2021_gov.html").read_bytes()
    clean = read_report_bytes(page, "gov.html")
    dirty = read_report_bytes(page.replace(b"</td>", control.encode() + b"</td>"), "gov.html")
    assert [(c.table, c.row, c.column, c.value) for c in dirty.cells] == [
        (c.table, c.row, c.column, c.value) for c in clean.cells
    ]


@pytest.mark.parametrize("depth", [1_000, 100_000, 1_000_000])
@pytest.mark.parametrize("tag", ["div", "table", "td", "span"])
def test_deeply_nested_html_is_read_or_refused(depth: int, tag: str) -> None:
    page = b"<html><body>" + f"<{tag}>".encode() * depth + "总计 12".encode() + f"</{tag}>".encode() * depth
    read_or_refuse(page, "nested.html")


@LONG_ONLY
def test_the_slowest_text_at_the_size_cap_is_read_or_refused_without_hanging() -> None:
    # 18 MB of spaced digits: every line looks like a table row (measured about 9 s, the slowest text found).
    read_or_refuse(b"1 " * 9_000_000, "digits.txt")


@LONG_ONLY
def test_a_page_just_under_the_element_cap_is_read_or_refused_without_hanging() -> None:
    read_or_refuse(b"<html><body>" + b"<p>1</p>" * 190_000, "many.html")


# -- DOCX ------------------------------------------------------------------------------------------------


@cache
def seed_docx() -> bytes:
    return write_docx(read_report(SEED))


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XML_PIECES = st.sampled_from(
    [
        b"<w:p>",
        b"</w:p>",
        b"<w:tc>",
        b"</w:tr>",
        b'<w:gridSpan w:val="9999"/>',
        b'<w:vMerge w:val="restart"/>',
        b"<w:vMerge/>",
        b'<w:numPr><w:ilvl w:val="9"/><w:numId w:val="77"/></w:numPr>',
        b"<w:t>12</w:t>",
        "<w:t>三、收到和处理政府信息公开申请情况</w:t>".encode(),
        b"&#0;",
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
        b"",
    ]
)


@FUZZ
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.floats(0, 1), XML_PIECES), min_size=1, max_size=8))
def test_docx_with_a_mutated_document_part_is_read_or_refused(edits: list[tuple[float, float, bytes]]) -> None:
    parts = docx_parts(seed_docx())
    xml = parts["word/document.xml"]
    for start, span, piece in edits:
        at = int(start * len(xml))
        xml = xml[:at] + piece + xml[at + int(span * 200) :]
    parts["word/document.xml"] = xml
    read_or_refuse(zipped(parts), "fuzz.docx")


# Tree edits of a well-formed word/document.xml: (kind, which element 0..1, where to 0..1, attribute value).
TREE_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["remove", "duplicate", "move", "attribute"]),
        st.floats(0, 1, exclude_max=True),
        st.floats(0, 1, exclude_max=True),
        st.sampled_from(["0", "1", "-1", "64", "9999", "2147483648", "restart", "continue", "", "x", "１２"]),
    ),
    min_size=1,
    max_size=10,
)


def edit_tree(xml: bytes, edits: list[tuple[str, float, float, str]]) -> bytes:
    """Remove, duplicate or move whole elements, or set an attribute (gridSpan, vMerge, numId …): still valid XML."""
    from lxml import etree

    root = etree.fromstring(xml)
    for kind, which, where, value in edits:
        elements = [e for e in root.iter() if e.getparent() is not None]
        if not elements:
            break
        element = elements[int(which * len(elements))]
        parent = element.getparent()
        if kind == "remove":
            parent.remove(element)
        elif kind == "duplicate":
            parent.insert(parent.index(element), deepcopy(element))
        elif kind == "move":
            target = elements[int(where * len(elements))]
            if element not in target.iterancestors() and element is not target:
                target.append(element)
        elif element.attrib:
            names = sorted(element.attrib)
            element.set(names[int(where * len(names))], value)
    return etree.tostring(root)


@FUZZ
@given(TREE_EDITS)
def test_docx_with_elements_removed_duplicated_moved_or_reattributed_is_read_or_refused(
    edits: list[tuple[str, float, float, str]],
) -> None:
    parts = docx_parts(seed_docx())
    parts["word/document.xml"] = edit_tree(parts["word/document.xml"], edits)
    read_or_refuse(zipped(parts), "fuzz.docx")


@FUZZ
@given(
    st.sets(st.sampled_from(sorted(docx_parts(seed_docx()))), max_size=3),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]),
    st.dictionaries(st.sampled_from(["word/numbering.xml", "word/styles.xml", "../evil.xml", "word/x.bin"]), EDITS),
)
def test_docx_with_parts_removed_recompressed_or_damaged_is_read_or_refused(
    removed: set[str], compression: int, damaged: dict[str, list[Edit]]
) -> None:
    parts = {name: content for name, content in docx_parts(seed_docx()).items() if name not in removed}
    for name, edits in damaged.items():
        parts[name] = mutate(parts.get(name, b"<x/>"), edits)
    read_or_refuse(zipped(parts, compression), "fuzz.docx")


@FUZZ
@given(EDITS)
def test_docx_with_damaged_archive_bytes_is_read_or_refused(edits: list[Edit]) -> None:
    read_or_refuse(mutate(seed_docx(), edits), "fuzz.docx")


def overlapping_bomb(copies: int = 200) -> bytes:
    """Fifield's non-recursive zip bomb: many directory entries pointing at one highly compressed member."""
    member = zipped({"word/document.xml": b"<w:p/>" * (4 * MB // 6)})
    with zipfile.ZipFile(BytesIO(member)) as archive:
        info = archive.infolist()[0]
    start = member.index(b"PK\x01\x02")
    central = member[start : member.index(b"PK\x05\x06")]
    # The first entry keeps its name (so the file sniffs as Word); the others are as long as it.
    names = [b"word/document.xml", *(f"word/d{i:011d}".encode() for i in range(1, copies))]
    entries = b"".join(central.replace(b"word/document.xml", name) for name in names)
    end = bytearray(member[member.index(b"PK\x05\x06") :])
    end[8:10] = end[10:12] = copies.to_bytes(2, "little")
    end[12:16] = len(entries).to_bytes(4, "little")
    end[16:20] = start.to_bytes(4, "little")
    assert info.file_size > info.compress_size * 100
    return member[:start] + entries + bytes(end)


def ratio_bomb() -> bytes:
    """Valid-looking Word XML that inflates far beyond the compression ratio of any real document."""
    body = b"<w:p><w:r><w:t>0</w:t></w:r></w:p>" * (3 * MB // 32)
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><w:body>" + body})


def nested_bomb() -> bytes:
    """A .docx whose parts are themselves zips of zeros (42.zip style): only the outer level is ever opened."""
    inner = zipped({"zeros": b"\0" * (8 * MB)})
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", "word/a.zip": inner})


def test_docx_without_a_body_found_by_the_fuzzer_is_refused_as_damaged() -> None:
    # Found by test_docx_with_elements_removed… (fuzz-long): python-docx gives body None, the reader crashed.
    parts = docx_parts(seed_docx())
    parts["word/document.xml"] = edit_tree(parts["word/document.xml"], [("remove", 0.0, 0.0, "")])
    assert b"body" not in parts["word/document.xml"]
    outcome = read_or_refuse(zipped(parts), "nobody.docx")
    assert isinstance(outcome, ReportReadError) and outcome.reason is ReadFailure.DAMAGED


@pytest.mark.parametrize("bomb", [overlapping_bomb, ratio_bomb, nested_bomb], ids=lambda f: f.__name__)
def test_zip_bombs_are_refused_or_read_without_inflating_them(bomb: Callable[[], bytes]) -> None:
    data = bomb()
    assert len(data) < MB
    outcome = read_or_refuse(data, "bomb.docx")
    if bomb is not nested_bomb:  # the nested one is harmless: its inner zips are never opened
        assert isinstance(outcome, ReportReadError)
        assert outcome.reason in {ReadFailure.TOO_LARGE, ReadFailure.DAMAGED}


def test_the_ratio_bomb_really_exceeds_the_ratio_limit() -> None:
    with zipfile.ZipFile(BytesIO(ratio_bomb())) as archive:
        info = archive.getinfo("word/document.xml")
    assert info.file_size / info.compress_size > MAX_RATIO


# -- PDF -------------------------------------------------------------------------------------------------

HUAIAN_PDF = CORPUS / "huaian_2024.pdf"


@cache
def small_pdf() -> bytes:
    lines = SEED.read_text(encoding="utf-8").split("\n")[:40]
    return text_pdf(lines)


@FUZZ
@given(EDITS)
def test_mutated_corpus_pdf_is_read_or_refused(edits: list[Edit]) -> None:
    read_or_refuse(mutate(HUAIAN_PDF.read_bytes(), edits), "fuzz.pdf")


PDF_TOKENS = st.sampled_from(
    [b"obj", b"endobj", b"stream", b"endstream", b"/Count 99999", b"/Kids [1 0 R]", b"R", b"<<", b">>", b"[", b"9 0 R"]
)


@FUZZ
@given(EDITS, st.lists(st.tuples(st.floats(0, 1, exclude_max=True), PDF_TOKENS), max_size=6))
def test_mutated_generated_pdf_is_read_or_refused(edits: list[Edit], tokens: list[tuple[float, bytes]]) -> None:
    data = mutate(small_pdf(), edits)
    for where, token in tokens:
        at = int(where * len(data))
        data = data[:at] + token + data[at:]
    read_or_refuse(data, "fuzz.pdf")


def test_a_pdf_with_thousands_of_pages_is_refused_before_reading_them() -> None:
    outcome = read_or_refuse(many_pages_pdf(3000), "thousands.pdf")
    assert isinstance(outcome, ReportReadError) and outcome.reason is ReadFailure.TOO_LARGE


def test_a_pdf_that_lies_about_its_thousands_of_pages_reads_only_the_pages_it_declares() -> None:
    # pdfium (as the viewers built on it) goes by the page tree's /Count: the one declared page
    # is read, and it holds too little text for a report; the 2 999 others are never touched.
    data = many_pages_pdf(3000)
    assert b"/Count 3000" in data
    outcome = read_or_refuse(data.replace(b"/Count 3000", b"/Count 1   "), "lying.pdf")
    assert isinstance(outcome, ReportReadError) and outcome.reason is ReadFailure.SCANNED


def test_a_pdf_that_declares_more_pages_than_the_cap_is_refused() -> None:
    data = many_pages_pdf(3)
    outcome = read_or_refuse(data.replace(b"/Count 3", f"/Count {MAX_PAGES + 1}".encode()), "lying.pdf")
    assert isinstance(outcome, ReportReadError) and outcome.reason is ReadFailure.TOO_LARGE
    assert str(MAX_PAGES) in outcome.message
