"""The PDF reader: text layer in page order, and clear refusals for PDFs it cannot read."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from nianbao.commands.cells import cells_csv
from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.document import Document
from nianbao.readers.pdf import MAX_PAGES, UNMAPPED, check_text_layer, page_text_lines, read_pdf
from nianbao.schema import PART_NUMERALS, TableId
from tests.pdfgen import FONT, image_only_pdf, many_pages_pdf, pages_pdf, report_to_pdf, text_pdf

ROOT = Path(__file__).resolve().parent.parent
HUAIAN = ROOT / "corpus" / "huaian_2024.pdf"
CORPUS_MODELS = ("luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf")


def _read_error(data: bytes, **limits: float) -> ReportReadError:
    with pytest.raises(ReportReadError) as caught:
        read_pdf(data, "test.pdf", **limits)  # type: ignore[arg-type]
    return caught.value


def test_page_numbers_are_dropped() -> None:
    lines = [line.text.strip() for line in read_pdf(HUAIAN.read_bytes()).lines]
    assert "- 4 -" not in lines
    assert not any(line.startswith("- ") and line.endswith(" -") for line in lines)


def test_table_crossing_a_page_break_keeps_its_rows() -> None:
    # huaian_2024.pdf: page 4 ends inside （四）无法提供 (row 三.四.1), page 5 goes on with 三.四.2.
    report = read_report(HUAIAN)
    assert report.value(TableId.REQUESTS, "三.四.1", "总计") == 769
    assert report.value(TableId.REQUESTS, "三.四.2", "自然人") == 11
    assert report.value(TableId.REQUESTS, "三.四.3", "总计") == 1


def test_encrypted_pdf_is_refused_as_password_protected() -> None:
    data = text_pdf(["一、总体情况", "正文"], encrypt="secret")
    error = _read_error(data)
    assert error.reason is ReadFailure.ENCRYPTED
    assert "密码" in error.message


def test_pdf_with_only_an_owner_password_reads_every_cell() -> None:
    # An owner password only restricts editing: the text is there for any viewer (pdfminer left
    # reportlab's encrypted font strings undecrypted and read "(cid:4162)…"; pdfium reads them).
    seed = read_report(ROOT / "corpus" / "luyi_2021.txt")
    data = report_to_pdf(seed, encrypt=StandardEncryption("", ownerPassword="owner"))
    assert cells_csv(read_report_bytes(data, "owner.pdf")) == cells_csv(seed)


@pytest.mark.parametrize("glyphs", [UNMAPPED * 40, "(cid:4162)" * 40, UNMAPPED * 40 + "正文十个字以内"])
def test_text_layer_of_unmapped_glyphs_is_refused(glyphs: str) -> None:
    document = Document()
    document.add_text(glyphs)
    with pytest.raises(ReportReadError) as caught:
        check_text_layer(document)
    assert caught.value.reason is ReadFailure.SCANNED
    assert "无法识别" in caught.value.message


def _plumber_lines(data: bytes) -> list[list[str]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(page.extract_text() or "").split("\n") for page in pdf.pages]


def _pdfium_lines(data: bytes) -> list[list[str]]:
    pdf = pypdfium2.PdfDocument(data)
    return [page_text_lines(pdf[i]) for i in range(len(pdf))]


@pytest.mark.parametrize("name", CORPUS_MODELS)
@pytest.mark.parametrize("centred", [False, True], ids=["rows on one line", "numbers centred in their cell"])
def test_pdfium_gives_the_lines_pdfplumber_gives(name: str, centred: bool) -> None:
    # The corpus PDF (WPS, mixed fonts, label cells stacked one character a line) and the PDFs
    # drawn from each corpus report: the fast reader must not change a single line.
    path = ROOT / "corpus" / name
    if name.endswith(".pdf"):
        if centred:
            pytest.skip("the corpus PDF is as published")
        data = path.read_bytes()
    else:
        data = report_to_pdf(read_report(path), centred_numbers=centred)
    assert _pdfium_lines(data) == _plumber_lines(data)


def test_scanned_pdf_without_text_layer_is_refused() -> None:
    error = _read_error(image_only_pdf(page_count=2))
    assert error.reason is ReadFailure.SCANNED
    assert "扫描件" in error.message
    assert "没有文字层" in error.message
    assert "带文字的 PDF 或 Word" in error.message


def test_pdf_with_only_page_numbers_counts_as_scanned() -> None:
    error = _read_error(text_pdf(["- 1 -"]))
    assert error.reason is ReadFailure.SCANNED


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_pdf_is_damaged(keep: float) -> None:
    data = HUAIAN.read_bytes()
    error = _read_error(data[: int(len(data) * keep)])
    assert error.reason is ReadFailure.DAMAGED
    assert "损坏" in error.message


def test_pdf_with_more_pages_than_the_cap_is_refused_before_reading() -> None:
    error = _read_error(many_pages_pdf(40), max_pages=30)
    assert error.reason is ReadFailure.TOO_LARGE
    assert "30 页" in error.message


def test_default_page_cap_applies_to_uploaded_bytes() -> None:
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(many_pages_pdf(MAX_PAGES + 1), "big.pdf")
    assert caught.value.reason is ReadFailure.TOO_LARGE


def test_reading_stops_at_the_deadline() -> None:
    error = _read_error(many_pages_pdf(5), deadline_seconds=0)
    assert error.reason is ReadFailure.TIMEOUT
    assert "超时" in error.message


@pytest.mark.parametrize("name", CORPUS_MODELS)
def test_pdf_generated_from_a_report_reads_back_with_every_cell_equal(name: str) -> None:
    model = read_report(ROOT / "corpus" / name)
    back = read_report_bytes(report_to_pdf(model), f"{name}.pdf")
    assert cells_csv(back) == cells_csv(model)
    assert len(back.cells) == 200
    assert (back.agency, back.year, back.format) == (model.agency, model.year, model.format)
    assert [p.number for p in back.parts] == list(PART_NUMERALS)
    assert back.reader_findings == []


def test_generated_pdf_narrative_reads_back_as_the_same_paragraphs() -> None:
    seed = read_report(ROOT / "corpus" / "luyi_2021.txt")
    back = read_report_bytes(report_to_pdf(seed), "seed.pdf")
    for number in ("一", "五", "六"):
        assert back.part_text(number) == seed.part_text(number)


def test_generated_pdf_really_crosses_a_page_break_inside_the_request_table(tmp_path: Path) -> None:
    path = tmp_path / "seed.pdf"
    path.write_bytes(report_to_pdf(read_report(ROOT / "corpus" / "luyi_2021.txt")))
    with pdfplumber.open(path) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    before = next(i for i, text in enumerate(pages) if "保护第三方合法权益" in text)
    assert "属于三类内部事务信息" not in pages[before]
    assert "属于三类内部事务信息" in pages[before + 1]


def test_generated_pdf_with_changed_numbers_reads_the_changed_numbers() -> None:
    seed = read_report(ROOT / "corpus" / "luyi_2021.txt")
    seed.set_value(TableId.REQUESTS, "三.六.1", "自然人", 4321)
    seed.set_value(TableId.APPEALS, "行政诉讼/复议后起诉", "尚未审结", 17)
    back = read_report_bytes(report_to_pdf(seed), "changed.pdf")
    assert back.value(TableId.REQUESTS, "三.六.1", "自然人") == 4321
    assert back.value(TableId.APPEALS, "行政诉讼/复议后起诉", "尚未审结") == 17


def test_running_head_on_every_page_is_dropped() -> None:
    seed = read_report(ROOT / "corpus" / "luyi_2021.txt")
    head = "鹿邑县人民政府2021年政府信息公开工作年度报告（公开）"
    back = read_report_bytes(report_to_pdf(seed, running_head=head), "headed.pdf")
    assert cells_csv(back) == cells_csv(seed)
    for number in ("一", "五", "六"):
        assert back.part_text(number) == seed.part_text(number)
    assert head not in back.preamble + "".join(p.text for p in back.parts)


def test_a_line_opening_only_two_pages_is_kept() -> None:
    pages = [["第一页正文", "结束"], ["重复的一行文字", "正文"], ["重复的一行文字", "正文二"], ["别的", "正文三"]]
    text = read_pdf(pages_pdf([[*page, "足够长的正文内容，使文字层不被当作扫描件"] for page in pages])).text
    assert text.count("重复的一行文字") == 2


def test_a_line_opening_most_pages_is_dropped_only_at_the_top() -> None:
    pages = [["页眉文字标题", f"正文第{n}页，内容足够长，不会被当作扫描件。"] for n in range(4)]
    pages[2].append("页眉文字标题")  # the same words at the foot of a page are a foot too
    pages[3].insert(1, "页眉文字标题")  # inside the page: text, kept
    text = read_pdf(pages_pdf(pages)).text
    assert text.count("页眉文字标题") == 1


@pytest.mark.parametrize("foot", ["{n}", "- {n} -", "—{n}—", "第 {n} 页 共 3 页"])
def test_page_numbers_at_the_foot_are_dropped(foot: str) -> None:
    pages = [[text] for text in ("第一页的正文内容，足够长。", "第二页的正文内容，也很长。", "第三页的正文到此结束。")]
    lines = [line.text for line in read_pdf(pages_pdf(pages, foot=foot)).lines]
    assert lines == [page[0] for page in pages]


def test_a_number_alone_inside_a_page_is_kept() -> None:
    # A cell can stand on a line of its own inside a table: only a page's edges hold page numbers.
    pages = [["第二十条第（六）项", "行政强制", "427", "正文，内容足够长，不会被当作扫描件。"]]
    lines = [line.text for line in read_pdf(pages_pdf(pages, foot="{n}")).lines]
    assert "427" in lines


def _rotated_label_pdf() -> bytes:
    """A table whose group label is printed turned 90°, as some reports print 本年度办理结果."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setFont(FONT, 11)
    sheet.drawString(60, 780, "三、收到和处理政府信息公开申请情况，这一行足够长")
    sheet.saveState()
    sheet.translate(100, 600)
    sheet.rotate(90)
    sheet.drawString(0, 0, "本年度办理结果")
    sheet.restoreState()
    sheet.drawString(130, 650, "（一）予以公开 177 3 0 2 0 3 185")
    sheet.drawString(130, 620, "（二）部分公开 8 0 0 0 0 0 8")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def test_a_page_with_rotated_text_is_laid_out_by_pdfplumber() -> None:
    data = _rotated_label_pdf()
    (plumber,) = _plumber_lines(data)
    assert "果结理办度年本" in plumber  # pdfplumber's reading of the turned label, on one line
    assert [line.text for line in read_pdf(data).lines] == plumber
