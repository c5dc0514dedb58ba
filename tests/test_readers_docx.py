"""Word (.docx) reports: merged cells, document order, damaged files and zip bombs."""

from __future__ import annotations

import contextlib
import struct
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.docx import read_docx
from nianbao.schema import TableId
from nianbao.writers import write_docx
from tests.conftest import SEED

MB = 1024 * 1024


def cell_values(report: Report) -> list[tuple[str, str, str, object, bool]]:
    return [(c.table.value, c.row, c.column, c.value, c.is_blank) for c in report.cells]


def saved(document: docx.document.Document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def merged_table_docx() -> bytes:
    """A report typed in Word by hand: labels merged down (vMerge) and across (gridSpan)."""
    document = docx.Document()
    document.add_paragraph("某区人民政府2022年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("2022年，我区持续深化政务公开。")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=5, cols=10)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "一、本年新收政府信息公开申请数量"
    table.cell(1, 0).merge(table.cell(4, 0)).text = "三、本年度办理结果"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "（一）予以公开"
    table.cell(2, 1).merge(table.cell(4, 1)).text = "（三）不予公开"
    table.cell(2, 2).text = "1.属于国家秘密"
    table.cell(3, 2).text = "2.其他法律行政法规禁止公开"
    table.cell(4, 2).text = "3.危及“三安全一稳定”"
    figures = {0: [9, 1, 0, 0, 0, 0, 10], 1: [5, 1, 0, 0, 0, 0, 6], 2: [0] * 7, 3: [1, 0, 0, 0, 0, 0, 1]}
    for row, numbers in figures.items():
        for offset, number in enumerate(numbers):
            table.cell(row, 3 + offset).text = str(number)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("一是公开深度不够。")
    return saved(document)


def test_word_table_with_vertical_and_horizontal_merges_reads_right() -> None:
    report = read_report_bytes(merged_table_docx(), "merged.docx")
    row = lambda key: [report.value(TableId.REQUESTS, key, c) for c in ("自然人", "商业企业", "总计")]  # noqa: E731
    assert row("一") == [9, 1, 10]
    assert row("三.一") == [5, 1, 6]
    assert row("三.三.1") == [0, 0, 0]
    assert row("三.三.2") == [1, 0, 1]
    assert report.value(TableId.REQUESTS, "三.三.3", "自然人") is None  # row 4 left blank in Word
    assert report.part_text("一") == "2022年，我区持续深化政务公开。"
    assert report.part_text("五") == "一是公开深度不够。"


def test_merged_label_is_repeated_in_every_row_it_covers() -> None:
    lines = [line for line in read_docx(merged_table_docx()).lines if line.grid]
    assert [line.cells[:3] for line in lines[2:4]] == [
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"],
        ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"],
    ]
    assert {len(line.cells) for line in lines} == {10}


def test_paragraphs_and_tables_keep_document_order() -> None:
    lines = read_docx(merged_table_docx()).lines
    firsts = [line.cells[0] for line in lines]
    table_start = firsts.index("一、本年新收政府信息公开申请数量")
    assert firsts.index("三、收到和处理政府信息公开申请情况") == table_start - 1
    assert firsts.index("四、政府信息公开行政复议、行政诉讼情况") == table_start + 5
    assert [line.grid for line in lines[table_start : table_start + 6]] == [True] * 5 + [False]


@pytest.mark.parametrize("source", ["luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf"])
def test_report_written_as_docx_reads_back_with_every_cell_and_part_equal(source: str) -> None:
    original = read_report(SEED.parent / source)
    copy = read_report_bytes(write_docx(original), "copy.docx")
    assert cell_values(copy) == cell_values(original)
    assert (copy.agency, copy.year, copy.format, copy.title) == (
        original.agency,
        original.year,
        original.format,
        original.title,
    )
    assert [p.heading for p in copy.parts] == [p.heading for p in original.parts]
    for number in ("一", "五", "六"):
        assert copy.part_text(number) == original.part_text(number)
    assert copy.preamble == original.preamble


# --- damaged files and zip bombs ----------------------------------------------------------


def test_truncated_docx_is_refused_as_damaged() -> None:
    data = write_docx(read_report(SEED))
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(data[: len(data) // 2], "cut.docx")
    assert caught.value.reason is ReadFailure.DAMAGED
    assert "损坏" in caught.value.message


def test_docx_with_a_corrupt_document_part_is_refused_as_damaged() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>not xml")
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(buffer.getvalue(), "broken.docx")
    assert caught.value.reason is ReadFailure.DAMAGED


def zip_of_zeros(size: int) -> bytes:
    """A .docx-looking archive whose word/document.xml inflates to ``size`` bytes of zeros."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * MB
            for _ in range(size // MB):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_of_zeros(210 * MB)


def test_zip_bomb_is_refused_before_inflating(bomb: bytes) -> None:
    assert len(bomb) < MB
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(bomb, "bomb.docx")
    assert caught.value.reason is ReadFailure.TOO_LARGE
    assert "压缩炸弹" in caught.value.message


def test_check_command_exits_2_on_a_zip_bomb(bomb: bytes, tmp_path: Path) -> None:
    path = tmp_path / "年报.docx"
    path.write_bytes(bomb)
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 2
    assert "压缩炸弹" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_part_with_an_impossible_compression_ratio_is_refused() -> None:
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(zip_of_zeros(8 * MB), "ratio.docx")
    assert caught.value.reason is ReadFailure.TOO_LARGE


def lie_about_size(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size recorded for ``name`` in both zip headers."""
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if patched[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", patched, local + 22, declared)
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", patched, central + 24, declared)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_part_whose_declared_size_lies_is_refused_before_inflating() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bytes(10 * MB))
    data = lie_about_size(buffer.getvalue(), b"word/document.xml", 1000)  # 10 MB inflating from "1000 bytes"
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(data, "liar.docx")
    assert caught.value.reason is ReadFailure.DAMAGED
    assert "压缩炸弹" in caught.value.message


def test_archive_with_thousands_of_parts_is_refused() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(6000):
            archive.writestr(f"word/media/{i}.bin", b"")
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(buffer.getvalue(), "many.docx")
    assert caught.value.reason is ReadFailure.TOO_LARGE


def docx_with_body(body_xml: bytes) -> bytes:
    """A real .docx (python-docx's template) whose document body is replaced by ``body_xml``."""
    template = zipfile.ZipFile(BytesIO(saved(docx.Document())))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in template.infolist():
            blob = template.read(item.filename)
            if item.filename == "word/document.xml":
                namespace = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
                blob = b"<w:document " + namespace + b"><w:body>" + body_xml + b"</w:body></w:document>"
            archive.writestr(item.filename, blob)
    return out.getvalue()


def test_document_with_far_too_many_paragraphs_is_refused() -> None:
    body = b"".join(b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % i for i in range(60_000))
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(docx_with_body(body), "long.docx")
    assert caught.value.reason is ReadFailure.TOO_LARGE


def test_document_part_far_larger_than_any_report_is_refused_before_parsing() -> None:
    body = b"".join(b"<w:p><w:r><w:t>%07d</w:t></w:r></w:p>" % i for i in range(500_000))  # 20 MB of XML
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(docx_with_body(body), "huge.docx")
    assert caught.value.reason is ReadFailure.TOO_LARGE
    assert "压缩炸弹" in caught.value.message


def test_content_controls_and_layout_tables_do_not_hide_text() -> None:
    cell = b"<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>"
    inner = b"<w:tbl><w:tr>" + cell % "予以公开".encode() + cell % b"7" + b"</w:tr></w:tbl>"
    body = (
        b"<w:sdt><w:sdtContent><w:p><w:r><w:t>" + "一、总体情况".encode() + b"</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        b"<w:tbl><w:tr><w:tc>" + inner + b"<w:p/></w:tc></w:tr></w:tbl>"
    )
    lines = read_docx(docx_with_body(body)).lines
    assert [line.cells for line in lines if line.text] == [["一、总体情况"], ["予以公开", "7"]]


# --- Word's automatic list numbering ------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def add_list(document: docx.document.Document, num_id: int, number_format: str, text: str) -> None:
    """Declare a one-level list in numbering.xml (as Word does for 一、二、 or 1. 2. lists)."""
    numbering = document.part.numbering_part.element
    abstract = numbering.makeelement(f"{{{W_NS}}}abstractNum", {f"{{{W_NS}}}abstractNumId": str(num_id)})
    level = abstract.makeelement(f"{{{W_NS}}}lvl", {f"{{{W_NS}}}ilvl": "0"})
    for tag, value in (("start", "1"), ("numFmt", number_format), ("lvlText", text)):
        level.append(level.makeelement(f"{{{W_NS}}}{tag}", {f"{{{W_NS}}}val": value}))
    abstract.append(level)
    numbering.insert(0, abstract)
    num = numbering.makeelement(f"{{{W_NS}}}num", {f"{{{W_NS}}}numId": str(num_id)})
    num.append(num.makeelement(f"{{{W_NS}}}abstractNumId", {f"{{{W_NS}}}val": str(num_id)}))
    numbering.append(num)


def numbered(paragraph: docx.text.paragraph.Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def test_headings_numbered_by_word_read_as_part_headings() -> None:
    document = docx.Document()
    add_list(document, 101, "chineseCounting", "%1、")
    add_list(document, 102, "decimal", "%1.")
    document.add_paragraph("某县人民政府2022年政府信息公开工作年度报告")
    titles = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况"]
    titles += ["政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"]
    for title in titles:
        numbered(document.add_paragraph(title), 101)
        if title == "其他需要报告的事项":
            numbered(document.add_paragraph("本年度未收取信息处理费。"), 102)
    report = read_report_bytes(saved(document), "numbered.docx")
    assert [p.heading for p in report.parts] == [f"{n}、{t}" for n, t in zip("一二三四五六", titles, strict=True)]
    assert report.part_text("六") == "1.本年度未收取信息处理费。"


def test_chinese_list_labels_count_like_word() -> None:
    from nianbao.readers.numbering import chinese_number

    expected = ["一", "十", "十二", "二十", "一百零五", "一百一十"]
    assert [chinese_number(n) for n in (1, 10, 12, 20, 105, 110)] == expected


def test_numbering_carried_by_a_paragraph_style_is_drawn_too() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    add_list(document, 103, "chineseCounting", "%1、")
    base = document.styles.add_style("年报一级标题", WD_STYLE_TYPE.PARAGRAPH)
    num_pr = base.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = 103
    heading = document.styles.add_style("年报一级标题（加粗）", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = base
    document.add_paragraph("总体情况", style=base)
    document.add_paragraph("正文不编号。")
    document.add_paragraph("主动公开政府信息情况", style=heading)
    texts = [line.text for line in read_docx(saved(document)).lines]
    assert texts == ["一、总体情况", "正文不编号。", "二、主动公开政府信息情况"]


@pytest.fixture(scope="module")
def seed_docx_bytes() -> bytes:
    return write_docx(read_report(SEED))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8))
def test_any_damaged_docx_gives_a_report_or_a_read_error(
    seed_docx_bytes: bytes, flips: list[tuple[float, int]]
) -> None:
    damaged = bytearray(seed_docx_bytes)
    for where, value in flips:
        damaged[int(where * len(damaged))] = value
    with contextlib.suppress(ReportReadError):
        assert isinstance(read_report_bytes(bytes(damaged), "damaged.docx"), Report)


def test_legacy_horizontal_merge_reads_like_a_grid_span() -> None:
    def tc(text: str, merge: str = "") -> bytes:
        props = f'<w:tcPr><w:hMerge w:val="{merge}"/></w:tcPr>' if merge else ""
        return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>".encode()

    row = tc("（一）予以公开", "restart") + tc("", "continue") + b"".join(tc(str(n)) for n in (5, 1, 0, 0, 0, 0, 6))
    header = tc("项目", "restart") + tc("", "continue") + b"".join(tc(c) for c in "自商科社法其总")
    lines = read_docx(docx_with_body(b"<w:tbl><w:tr>" + header + b"</w:tr><w:tr>" + row + b"</w:tr></w:tbl>")).lines
    assert lines[1].cells == ["（一）予以公开", "（一）予以公开", "5", "1", "0", "0", "0", "0", "6"]


def test_password_protected_docx_is_refused_as_encrypted() -> None:
    # Word stores an encrypted .docx as an OLE compound file holding an "EncryptedPackage" stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(1024)
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(ole, "加密.docx")
    assert caught.value.reason is ReadFailure.ENCRYPTED
    assert "密码" in caught.value.message


def test_a_footnote_mark_printed_raised_is_not_read_into_the_number() -> None:
    report = read_report(SEED)
    document = docx.Document(BytesIO(write_docx(report)))
    wanted = str(report.value(TableId.ACTIVE, "行政规范性文件", "现行有效件数"))
    cells = [c for t in document.tables for row in t.rows for c in row.cells if c.text.strip() == wanted]
    cells[0].paragraphs[0].add_run("1").font.superscript = True
    out = BytesIO()
    document.save(out)
    footnoted = read_report_bytes(out.getvalue(), "footnoted.docx")
    assert [c.raw for c in footnoted.cells] == [
        c.raw for c in read_report_bytes(write_docx(report), "plain.docx").cells
    ]
