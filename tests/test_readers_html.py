"""HTML as government sites publish it reads with every cell of the seed right."""

from __future__ import annotations

import contextlib
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers import read_report, read_report_bytes
from nianbao.readers.html import SpanCell, expand_spans, read_html
from nianbao.schema import ReportFormat, TableId
from nianbao.writers.layout import TABLE_OF_PART, official_table, parts_to_write, title_of
from tests.conftest import FIXTURES, SEED
from tests.test_writers import report_2019

PAGES = ("luyi_2021_gov.html", "luyi_2021_word.html", "luyi_2021_gbk.html")


def cell_values(report: Report) -> list[tuple[str, str, str, object, bool]]:
    return [(c.table.value, c.row, c.column, c.value, c.is_blank) for c in report.cells]


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_all_200_cells_of_the_seed(page: str, seed: Report) -> None:
    report = read_report(FIXTURES / page)
    assert len(report.cells) == 200
    assert cell_values(report) == cell_values(seed)
    assert report.reader_findings == []


@pytest.mark.parametrize("page", PAGES)
def test_page_has_the_seeds_title_and_narrative(page: str, seed: Report) -> None:
    report = read_report(FIXTURES / page)
    assert (report.agency, report.year, report.format) == (seed.agency, seed.year, seed.format)
    assert [p.heading for p in report.parts] == [p.heading for p in seed.parts]
    for number in ("一", "五", "六"):
        assert report.part_text(number) == seed.part_text(number)


def test_gbk_page_is_really_gbk_and_declares_it() -> None:
    data = (FIXTURES / "luyi_2021_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"charset=gb2312" in data


def test_wrong_charset_declaration_falls_back_to_what_the_bytes_are(seed: Report) -> None:
    data = (FIXTURES / "luyi_2021_gbk.html").read_bytes().replace(b"charset=gb2312", b"charset=utf-8")
    assert cell_values(read_report_bytes(data, "wrong.html")) == cell_values(seed)


def test_word_single_file_web_page_mht_reads_all_cells(seed: Report) -> None:
    page = (FIXTURES / "luyi_2021_word.html").read_text(encoding="utf-8").replace("charset=utf-8", "charset=gb2312")
    gb2312 = Charset("gb2312")
    gb2312.body_encoding = QP  # quoted-printable, as Word writes a .mht
    message = MIMEMultipart("related", type="text/html")
    message.attach(MIMEText(page, "html", gb2312))  # type: ignore[arg-type]
    report = read_report_bytes(message.as_bytes(), "年报.mht")
    assert cell_values(report) == cell_values(seed)
    assert report.part_text("五") == seed.part_text("五")


def test_site_navigation_footer_and_scripts_are_not_report_text() -> None:
    report = read_report(FIXTURES / "luyi_2021_gov.html")
    everything = report.preamble + "".join(p.text for p in report.parts)
    assert "网站标识码" not in everything
    assert "不是正文" not in everything
    assert report.title == "鹿邑县人民政府2021年政府信息公开工作年度报告"


def test_word_export_markup_leaves_no_trace_in_the_text() -> None:
    report = read_report(FIXTURES / "luyi_2021_word.html")
    everything = report.title + report.preamble + "".join(p.text for p in report.parts)
    for residue in ("mso-", "o:p", "&nbsp;", "\xa0", "DocumentProperties", "supportMisalignedColumns"):
        assert residue not in everything


def minimal_page(requests_row: str) -> bytes:
    """A small report page whose 依申请公开 table has one data row."""
    return f"""<html><body>
<p>某县人民政府2022年政府信息公开工作年度报告</p>
<p>一、总体情况</p><p>2022年，本县扎实推进政务公开。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td colspan="3">一、本年新收政府信息公开申请数量</td>{requests_row}</tr></table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
</body></html>""".encode()


def test_nbsp_cell_reads_as_blank_and_zero_as_zero() -> None:
    row = (
        "<td><p><span>5</span></p></td><td>0</td><td>&nbsp;</td><td><o:p>&nbsp;</o:p></td>"
        "<td>0</td><td>1</td><td>6</td>"
    )
    report = read_report_bytes(minimal_page(row), "nbsp.html")
    cells = [c for c in report.cells if c.table is TableId.REQUESTS and c.row == "一"]
    assert [c.value for c in cells] == [5, 0, None, None, 0, 1, 6]
    assert [c.is_blank for c in cells] == [False, False, True, True, False, False, False]


def test_spans_expand_into_a_rectangle_with_labels_repeated() -> None:
    rows = [
        [SpanCell("三、本年度办理结果", rowspan=2), SpanCell("（三）不予公开", rowspan=2), SpanCell("1.属于国家秘密")],
        [SpanCell("2.其他法律行政法规禁止公开")],
        [SpanCell("合计", colspan=2), SpanCell("7", colspan=2)],
    ]
    assert expand_spans(rows) == [
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"],
        ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"],
        ["合计", "合计", "7", ""],
    ]


def test_label_wrapped_over_paragraphs_in_a_cell_is_one_label() -> None:
    html = (
        "<table><tr><td><p>（二）部分公开（区分处理的，</p>\n"
        "<p>只计这一情形，不计其他情形）</p></td><td>8</td></tr></table>"
    )
    lines = read_html(html.encode()).lines
    assert lines[0].cells == ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "8"]


def test_table_caption_is_read_before_its_rows() -> None:
    html = "<table><caption>第二十条第（一）项</caption><tr><td>规章</td><td>0</td></tr></table>"
    assert [line.cells for line in read_html(html.encode()).lines] == [["第二十条第（一）项"], ["规章", "0"]]


def test_page_laid_out_in_an_outer_table_still_reads(seed: Report) -> None:
    text = (FIXTURES / "luyi_2021_gov.html").read_text(encoding="utf-8")
    wrapped = text.replace('<div class="article">', '<table width="1000"><tr><td><div class="article">').replace(
        '<div class="footer">', '</td></tr></table><div class="footer">'
    )
    assert cell_values(read_report_bytes(wrapped.encode(), "layout.html")) == cell_values(seed)


def test_deeply_nested_page_is_refused_without_crashing() -> None:
    page = b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000 + b"</body></html>"
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(page, "deep.html")
    assert caught.value.reason is ReadFailure.NOT_A_REPORT


def test_absurd_spans_are_bounded() -> None:
    row = '<td rowspan="999999999" colspan="999999999">x</td>' * 50
    page = ("<html><body><table>" + f"<tr>{row}</tr>" * 2000 + "</table></body></html>").encode()
    lines = read_html(page).lines
    assert len({len(line.cells) for line in lines}) == 1


def test_page_with_hundreds_of_thousands_of_elements_is_refused_as_too_large() -> None:
    page = b"<html><body><table>" + b"<tr><td>1</td><td>2</td></tr>" * 100_000 + b"</table></body></html>"
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(page, "huge.html")
    assert caught.value.reason is ReadFailure.TOO_LARGE
    assert "过于庞大" in caught.value.message


@pytest.mark.parametrize("reference", ["&#1;", "&#x1F;", "&#xFFFE;", "&#65535;", "&#0;"])
def test_control_character_references_in_cells_do_not_crash_the_reader(reference: str) -> None:
    page = f"<table><tr><td><p>予以{reference}公开</p><p>{reference}</p></td><td>{reference}<br>7</td></tr></table>"
    cells = read_html(page.encode()).lines[0].cells
    assert cells[0].startswith("予以") and cells[1].endswith("7")


def test_empty_page_is_refused_with_a_message() -> None:
    with pytest.raises(ReportReadError) as caught:
        read_report_bytes(b"<html><body>  </body></html>", "empty.html")
    assert "年度报告" in caught.value.message


FRAGMENTS = st.sampled_from(
    [
        "<html>", "<body>", "<table>", "</table>", "<tr>", "</tr>", "<td rowspan=3>", '<td colspan="x">', "</td>",
        "<th colspan=0>", "<p>", "</p>", "<span>", "<o:p>&nbsp;</o:p>", "<!--[if gte mso 9]>", "<![endif]-->",
        "<script>", "</script>", "<meta charset=gbk>", "<meta charset=nonsense>", "一、总体情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "予以公开", "（七）总计", "12", "&nbsp;", "&#0;", "<br>",
        "&#1;", "&#xFFFE;", "\x00", "\n",
        "某县人民政府2021年政府信息公开工作年度报告", "<div class=nav>", "</div>",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=60).map("".join), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_any_html_gives_a_report_or_a_read_error(page: str, encoding: str) -> None:
    data = page.encode(encoding)
    with contextlib.suppress(ReportReadError):
        assert isinstance(read_report_bytes(data, "fuzz.html"), Report)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)))
def test_any_bytes_give_a_report_or_a_read_error(data: bytes) -> None:
    with contextlib.suppress(ReportReadError):
        assert isinstance(read_report_bytes(data, "fuzz"), Report)


def official_page(report: Report) -> bytes:
    """The report as a site would publish it: the national tables with rowspan/colspan, <p><span> cells."""
    body = [f"<h2>{escape(title_of(report))}</h2>"]
    for part in parts_to_write(report):
        body.append(f"<p><strong>{escape(part.heading)}</strong></p>")
        table = TABLE_OF_PART.get(part.number)
        if table is None:
            body.extend(f"<p>{escape(p)}</p>" for p in part.paragraphs)
            continue
        body.append("<table border='1'>")
        for row in official_table(report, table):
            cells = "".join(
                f"<td rowspan='{box.rowspan}' colspan='{box.colspan}'><p><span>{escape(box.text)}&nbsp;</span></p></td>"
                for box in row
            )
            body.append(f"<tr>{cells}</tr>")
        body.append("</table>")
    return ("<html><head><meta charset='utf-8'></head><body>" + "\n".join(body) + "</body></html>").encode()


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_official_merged_layout_published_as_html_reads_every_cell(fmt: ReportFormat, seed: Report) -> None:
    original = seed if fmt is ReportFormat.F2021 else report_2019()
    copy = read_report_bytes(official_page(original), "official.html")
    assert (copy.format, copy.agency, copy.year) == (fmt, original.agency, original.year)
    assert cell_values(copy) == cell_values(original)
