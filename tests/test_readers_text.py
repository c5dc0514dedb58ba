"""The text reader: encodings, tab rows, Markdown tables and text pasted from a PDF."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from nianbao.commands.cells import cells_csv
from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.text import decode, read_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "corpus" / "luyi_2021.txt"
EXPECTED_SEED = (FIXTURES / "expected_cells" / "luyi_2021.csv").read_text(encoding="utf-8")
EXPECTED_HUAIAN = (FIXTURES / "expected_cells" / "huaian_2024.csv").read_text(encoding="utf-8")
PASTED = FIXTURES / "huaian_2024_pasted.txt"
# The same text as a PDF viewer copies a table one cell per line (made from PASTED: each row's
# numbers moved onto lines of their own).
PASTED_CELLS = FIXTURES / "huaian_2024_pasted_cells.txt"

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "gbk": lambda text: text.encode("gbk"),
    "gb18030": lambda text: text.encode("gb18030"),
    "utf-16-le with BOM": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_seed_reads_with_every_cell_right_in_each_encoding(encoding: str) -> None:
    data = ENCODINGS[encoding](SEED.read_text(encoding="utf-8"))
    report = read_report_bytes(data, f"seed-{encoding}.txt")
    assert cells_csv(report) == EXPECTED_SEED
    assert (report.agency, report.year) == ("鹿邑县人民政府", 2021)


def test_windows_line_endings_read_the_same() -> None:
    data = SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk")
    assert cells_csv(read_report_bytes(data, "crlf.txt")) == EXPECTED_SEED


def test_gb18030_only_characters_survive() -> None:
    # 𠀀 (U+20000) is not in GBK; GB18030 encodes it in four bytes.
    assert decode("鹿邑县 𠀀".encode("gb18030")) == "鹿邑县 𠀀"


def test_bytes_in_no_known_encoding_are_refused() -> None:
    with pytest.raises(ReportReadError) as caught:
        decode(bytes(range(128, 256)) * 4)
    assert caught.value.reason is ReadFailure.UNKNOWN_ENCODING
    assert "编码" in caught.value.message


def test_binary_content_is_refused_as_not_text() -> None:
    with pytest.raises(ReportReadError) as caught:
        decode(b"\x7fELF\x02\x01\x01\x00" + bytes(200) + "一、总体情况".encode())
    assert caught.value.reason is ReadFailure.NOT_A_REPORT
    assert "不是文字" in caught.value.message


def test_broken_utf16_is_refused() -> None:
    with pytest.raises(ReportReadError) as caught:
        decode(codecs.BOM_UTF16_LE + "报告".encode("utf-16-le") + b"\x00\xd8")
    assert caught.value.reason is ReadFailure.UNKNOWN_ENCODING


def test_tab_rows_keep_their_blank_cells() -> None:
    document = read_text("三、本年度办理结果\t(一) 予以公开\t\t177\t3\n".encode())
    assert document.lines[0].grid
    assert document.lines[0].cells == ["三、本年度办理结果", "(一) 予以公开", "", "177", "3"]


def test_markdown_rule_lines_are_not_rows() -> None:
    document = read_text("| 结果维持 | 总计 |\n|---|---|\n| 27 | 61 |\n".encode())
    assert [line.cells for line in document.lines if line.grid] == [["结果维持", "总计"], ["27", "61"]]


def test_text_pasted_from_the_pdf_reads_with_every_cell_right() -> None:
    report = read_report(PASTED)
    assert cells_csv(report) == EXPECTED_HUAIAN
    assert report.reader_findings == []


def test_text_pasted_from_the_pdf_reads_like_the_pdf() -> None:
    pasted = read_report(PASTED)
    pdf = read_report(ROOT / "corpus" / "huaian_2024.pdf")
    assert (pasted.agency, pasted.year, pasted.title) == (pdf.agency, pdf.year, pdf.title)
    assert pasted.preamble == pdf.preamble
    assert [(p.heading, p.text) for p in pasted.parts] == [(p.heading, p.text) for p in pdf.parts]


def test_pasted_page_numbers_are_dropped() -> None:
    texts = [line.text.strip() for line in read_text(PASTED.read_bytes()).lines]
    assert "- 4 -" in PASTED.read_text(encoding="utf-8").splitlines()
    assert "- 4 -" not in texts


@pytest.mark.parametrize("line", ["- 3 -", "—3—", "第 3 页", "第3页 共6页"])
def test_decorated_page_number_lines_are_dropped(line: str) -> None:
    assert read_text(f"正文\n{line}\n正文".encode()).text == "正文\n正文"


def test_a_number_alone_on_a_line_is_not_taken_for_a_page_number() -> None:
    # In pasted tables a cell can stand alone on its line: it is kept, next to its label.
    assert read_text("行政许可\n20815\n".encode()).text == "行政许可 20815\n"


def test_pasted_text_is_recognised_as_hard_wrapped() -> None:
    assert read_text(PASTED.read_bytes()).hard_wrapped is True
    assert read_text(SEED.read_bytes()).hard_wrapped is None


def test_short_part_of_pasted_text_is_joined_into_one_paragraph() -> None:
    # 六 has only two lines: on its own it could not tell that it is wrapped text.
    text = read_report(PASTED).part_text("六")
    assert text == "2024 年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费 3940 元。"


def test_table_pasted_one_cell_per_line_reads_with_every_cell_right() -> None:
    report = read_report(PASTED_CELLS)
    assert cells_csv(report) == EXPECTED_HUAIAN
    assert report.reader_findings == []
    assert [p.heading for p in report.parts] == [p.heading for p in read_report(PASTED).parts]


def test_numbers_alone_on_lines_go_back_after_their_label() -> None:
    document = read_text("（一）予以公开\n1288\n21\n0\n".encode())
    assert [line.text for line in document.lines] == ["（一）予以公开 1288 21 0", ""]


def test_numbers_do_not_join_a_sentence_or_a_part_heading() -> None:
    text = "全年共受理申请。\n12\n四、政府信息公开行政复议、行政诉讼情况\n1\n0"
    assert [line.text for line in read_text(text.encode()).lines] == [
        "全年共受理申请。",
        "12",
        "四、政府信息公开行政复议、行政诉讼情况",
        "1 0",
    ]
