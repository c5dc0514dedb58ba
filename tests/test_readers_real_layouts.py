"""More layouts of published reports: government CMS pages, WPS documents, pasted and drawn tables.

Each fixture in tests/fixtures/layouts/ prints the figures of a real report (鹿邑县 2021 or 淮安市
2024, typed by hand in tests/fixtures/expected_cells/) the way another site or tool prints them:
- cms_legal_persons_first.html: a CMS page, header rows with rowspan/colspan, cells of nested
  <p><span> with &nbsp;, and 自然人 printed after the five 法人或其他组织 columns;
- cms_total_first_thousands.html: 总计 as the first column, <th> headers, 3,001 and a full-width
  space before each number;
- cms_split_table_chinese_year.html: the 依申请公开 table cut into two <table>s (（续表）, header
  repeated), the year written 二〇二一年;
- wps_dash_zero_split.docx: WPS merged cells, 0 printed as “—” (表三) and “/” (表四), 表三
  continued in a second table after a page break;
- wps_blank_zero.docx: 0 left blank in 表三, a title without the body, the body signing at the end;
- box_drawn_signed.txt: tables drawn with │ ┌─┬─┐ and 447,228, the body only in the signature;
- paren_numbered_parts.txt: parts numbered （一）…（六）, 二〇二一年度 title, a signature dated in
  Chinese numerals;
- arabic_numbered_parts.md: Markdown headings ## 1. 总体情况, full-width digits in the tables;
- web_copy_cell_per_line.txt: a web page copied as text, each cell on a line of its own, “—” for 0
  (沭阳县 2025's figures);
- wps_pdf_spanned_table.pdf: a PDF of a Word/WPS table, spanned labels centred over their rows,
  labels wrapped in their cells, the header rows repeated after the page break, 3,001;
- cms_litigation_table_apart.html: 表二 as four small tables, 表三's header written vertically
  (自<br>然<br>人), 表四 as a 行政复议 table and a 行政诉讼 table of its own (沭阳县 2025);
- wps_text_boxes.docx: 表二 and 表四 each in a WPS text box (wps:txbx, and its VML fallback copy);
- wps_headings_in_tables.docx: each part's heading printed as the top row of its table (one cell
  spanning it), 社会公益组织 for 社会组织, the body on the line above the title;
- cms_transposed_requests.html: 表三 the other way round, the applicants as rows (法人或其他组织
  spanning its five) and the results as columns under a three-row header;
- converted_html_tables.md: Markdown from a PDF converter, its tables written as HTML with
  rowspan/colspan between the lines of text;
- pdf_dash_zero.pdf: a PDF table with 0 printed “—” everywhere, the numbers of a wrapped label on a
  line of their own between its halves (“2.其他法律行政法规禁止” / “— — — — — — —” / “公开”);
- pdf_wrapped_numbers.pdf: the same with value columns so narrow that 3,001 wraps as “3,00” over
  “1”: those rows are unread and said so, never read as 300 or with a blank 总计.
Every cell must read exactly as expected (a printed “—”, “/” or blank is a blank cell).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.commands.cells import cells_csv
from nianbao.model import Report, Severity
from nianbao.readers import read_report, read_report_bytes, sniff
from nianbao.readers.columns import column_order
from nianbao.readers.document import Line
from nianbao.readers.tables import parse_value
from nianbao.schema import PART_NUMERALS, REQUEST_COLUMNS, TableId, ValueKind
from tests.conftest import FIXTURES

LAYOUTS = FIXTURES / "layouts"
EXPECTED = FIXTURES / "expected_cells" / "layouts"
MAX_REMINDERS_WHEN_CLEAN = 5

LUYI = ("鹿邑县人民政府", 2021)
HUAIAN = ("淮安市人民政府", 2024)
FIXTURE_BODIES = {
    "cms_legal_persons_first.html": LUYI,
    "cms_total_first_thousands.html": HUAIAN,
    "cms_split_table_chinese_year.html": LUYI,
    "wps_dash_zero_split.docx": LUYI,
    "wps_blank_zero.docx": HUAIAN,
    "box_drawn_signed.txt": HUAIAN,
    "paren_numbered_parts.txt": LUYI,
    "arabic_numbered_parts.md": LUYI,
    "web_copy_cell_per_line.txt": ("沭阳县人民政府", 2025),
    "wps_pdf_spanned_table.pdf": HUAIAN,
    "cms_litigation_table_apart.html": ("沭阳县人民政府", 2025),
    "converted_html_tables.md": ("沭阳县人民政府", 2025),
    "wps_text_boxes.docx": ("沭阳县人民政府", 2025),
    "wps_headings_in_tables.docx": HUAIAN,
    "cms_transposed_requests.html": HUAIAN,
    "pdf_dash_zero.pdf": LUYI,
}


def _expected(name: str) -> str:
    return (EXPECTED / f"{Path(name).stem}.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(FIXTURE_BODIES))
def test_every_cell_reads_as_printed(name: str) -> None:
    report = read_report(LAYOUTS / name)
    assert cells_csv(report).splitlines() == _expected(name).splitlines()
    assert not any(cell.unread for cell in report.cells)


@pytest.mark.parametrize("name", sorted(FIXTURE_BODIES))
def test_body_year_and_six_parts_are_found(name: str) -> None:
    report = read_report(LAYOUTS / name)
    assert (report.agency, report.year) == FIXTURE_BODIES[name]
    assert [part.number for part in report.parts] == list(PART_NUMERALS)
    assert all(part.text for part in report.parts)


@pytest.mark.parametrize("name", sorted(FIXTURE_BODIES))
def test_a_clean_report_in_these_layouts_has_no_error_and_few_reminders(name: str) -> None:
    result = check_report(read_report(LAYOUTS / name))
    assert result.errors == []
    assert len(result.findings) <= MAX_REMINDERS_WHEN_CLEAN
    assert not [f for f in result.findings if f.rule in ("reader.unplaced", "structure.rows")]


# ---- columns in another order ---------------------------------------------------------------


def test_a_header_in_another_order_is_followed() -> None:
    report = read_report(LAYOUTS / "cms_total_first_thousands.html")
    assert report.value(TableId.REQUESTS, "一", "自然人") == 3001
    assert report.value(TableId.REQUESTS, "一", "总计") == 3119
    legal_first = read_report(LAYOUTS / "cms_legal_persons_first.html")
    assert legal_first.value(TableId.REQUESTS, "三.一", "自然人") == 177
    assert legal_first.value(TableId.REQUESTS, "三.一", "其他") == 3


def test_columns_whose_order_cannot_be_told_leave_the_table_unread_and_say_so() -> None:
    # 自然人 is printed after the legal persons, and the 总计 column has no name: never guessed.
    report = read_report(LAYOUTS / "cms_columns_unsure.html")
    requests = [cell for cell in report.cells if cell.table is TableId.REQUESTS]
    assert all(cell.unread and cell.value is None for cell in requests)
    result = check_report(report)
    assert [f.rule for f in result.errors] == ["reader.columns"]
    assert "列的顺序" in result.errors[0].message
    assert report.value(TableId.ACTIVE, "行政规范性文件", "现行有效件数") == 26  # the other tables are read


def _text_header(*lines: str) -> list[Line]:
    return [Line([line]) for line in lines]


def test_text_header_lines_each_in_the_national_order_keep_it() -> None:
    # A PDF prints the spanned 总计 on the line of 申请人情况, above 自然人.
    header = _text_header("申请人情况 总计", "自然人 法人或其他组织", "商业企业 科研机构 社会组织 法律服务机构 其他")
    assert column_order(header).is_national


def test_a_text_header_line_naming_every_column_gives_their_order() -> None:
    order = column_order(_text_header("总计 自然人 商业企业 科研机构 社会组织 法律服务机构 其他"))
    assert order.order == ("总计", *REQUEST_COLUMNS[:-1])
    assert order.canonical(["7", "1", "2", "0", "0", "3", "1"]) == ["1", "2", "0", "0", "3", "1", "7"]


def test_a_text_header_line_out_of_order_without_every_column_is_unsure() -> None:
    assert column_order(_text_header("总计 自然人", "商业企业 科研机构 社会组织 法律服务机构 其他")).unsure


def test_a_grid_header_names_each_column_by_its_lowest_cell() -> None:
    applicants, legal = ["申请人情况"] * 7, ["法人或其他组织"] * 5
    header = [
        Line(["说明", *applicants], grid=True),
        Line(["说明", *legal, "自然人", "合计"], grid=True),
        Line(["说明", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "", ""], grid=True),
    ]
    assert column_order(header).order == (*REQUEST_COLUMNS[1:-1], "自然人", "总计")


# ---- marks for none, and rows left blank -------------------------------------------------------


def test_a_row_of_dashes_is_a_row_found_with_blank_cells() -> None:
    report = read_report(LAYOUTS / "wps_dash_zero_split.docx")
    assert report.cell(TableId.REQUESTS, "二", "自然人").raw == "—"
    assert report.value(TableId.REQUESTS, "二", "自然人") is None
    assert report.cell(TableId.APPEALS, "行政诉讼/复议后起诉", "总计").raw == "/"
    result = check_report(report)
    assert {f.rule for f in result.findings} == {"cells.count"}  # one reminder per table, no missing rows


def test_a_row_left_blank_is_found_but_not_when_numbers_were_left_unplaced() -> None:
    text = (LAYOUTS / "paren_numbered_parts.txt").read_text(encoding="utf-8")
    blank_row = "\t\t2.重复申请\t\t" + "\t" * 6
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "2.重复申请" in line)
    lines[at] = blank_row
    report = read_report_bytes("\n".join(lines).encode(), "blank_row.txt")
    assert all(report.cell(TableId.REQUESTS, "三.五.2", c).value is None for c in REQUEST_COLUMNS)
    assert "structure.rows" not in {f.rule for f in check_report(report).findings}
    # The same blank row while a row of numbers could not be placed: that row may be its numbers.
    total = next(i for i, line in enumerate(lines) if "（七）总计" in line)
    lines.insert(total + 1, "\t\t（注）\t1\t0\t0\t0\t0\t0\t1\t")
    report = read_report_bytes("\n".join(lines).encode(), "blank_row_unplaced.txt")
    assert all(report.cell(TableId.REQUESTS, "三.五.2", c).unread for c in REQUEST_COLUMNS)


def test_a_lone_dash_in_pasted_text_is_prose_not_a_row() -> None:
    text = (LAYOUTS / "box_drawn_signed.txt").read_text(encoding="utf-8")
    text = text.replace("三、收到和处理政府信息公开申请情况\n", "三、收到和处理政府信息公开申请情况\n说明 —\n")
    result = check_report(read_report_bytes(text.encode(), "lone_dash.txt"))
    assert result.errors == []


# ---- the body and the year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "signature", "body", "year"),
    [
        ("二〇二三年政府信息公开工作年度报告", "某某县交通运输局\n二〇二四年一月十八日", "某某县交通运输局", 2023),
        ("某某县交通运输局二〇二三年度政府信息公开工作年度报告", "", "某某县交通运输局", 2023),
        ("2023年度政府信息公开工作年度报告", "某某县交通运输局\n2024年1月18日", "某某县交通运输局", 2023),
        ("2023年政府信息公开工作年度报告", "", None, 2023),
        ("某某街道办事处二O二三年政府信息公开工作年度报告", "", "某某街道办事处", 2023),
        ("某某县交通运输局关于2023年政府信息公开工作年度报告", "", "某某县交通运输局", 2023),
        ("某某县交通运输局2023年度政府信息公开工作报告", "", "某某县交通运输局", 2023),
        ("某某县交通运输局2023年政务公开工作年度报告", "", "某某县交通运输局", 2023),
        ("2023年度政务公开工作年度报告", "某某县交通运输局\n2024年1月18日", "某某县交通运输局", 2023),
        ("某某县交通运输局政府信息公开工作年度报告（2023年度）", "", "某某县交通运输局", 2023),
        ("某某县交通运输局\n政府信息公开工作年度报告\n(2023年)", "", "某某县交通运输局", 2023),
        (
            "某某县交通运输局政府信息公开工作年度报告\n统计期限自2023年1月1日起至2023年12月31日止。",
            "",
            "某某县交通运输局",
            2023,
        ),
        ("某某县交通运输局政府信息公开工作年度报告", "", "某某县交通运输局", None),
        ("某某县交通运输局2 0 2 3年政府信息公开工作年度报告", "", "某某县交通运输局", 2023),
        ("某 某 县 交 通 运 输 局 2 0 2 3 年 政 府 信 息 公 开 工 作 年 度 报 告", "", "某某县交通运输局", 2023),
        (
            "二 〇 二 三 年 政 府 信 息 公 开 工 作 年 度 报 告",
            "某某县交通运输局\n2024年1月18日",
            "某某县交通运输局",
            2023,
        ),
        ("某某县交通运输局政府信息公开工作年度报告（2 0 2 3 年度）", "", "某某县交通运输局", 2023),
    ],
)
def test_body_from_the_title_or_the_signature(title: str, signature: str, body: str | None, year: int | None) -> None:
    text = (LAYOUTS / "paren_numbered_parts.txt").read_text(encoding="utf-8")
    lines = text.rstrip("\n").split("\n")
    text = "\n".join([title, *lines[1:-2], *signature.split("\n")])
    report = read_report_bytes(text.encode(), "signed.txt")
    assert (report.agency, report.year) == (body, year)


def test_a_signature_not_followed_by_a_date_is_not_taken_for_the_body() -> None:
    text = (LAYOUTS / "box_drawn_signed.txt").read_text(encoding="utf-8")
    text = text.replace("2025年1月20日", "联系电话：0517-12345678")
    assert read_report_bytes(text.encode(), "unsigned.txt").agency is None


def test_box_rules_are_no_text() -> None:
    report = read_report(LAYOUTS / "box_drawn_signed.txt")
    assert not any(ch in part.text for part in report.parts for ch in "┌┬─┼│")


def test_numbering_of_another_level_is_reported_as_structure() -> None:
    result = check_report(read_report(LAYOUTS / "paren_numbered_parts.txt"))
    assert [f.rule for f in result.findings] == ["structure.numbering"]
    assert result.findings[0].severity is Severity.WARNING


# ---- numbers wrapped in narrow cells -------------------------------------------------------------


def test_numbers_wrapped_in_narrow_cells_are_unread_never_misread() -> None:
    report = read_report(LAYOUTS / "pdf_wrapped_numbers.pdf")
    expected = read_report(LAYOUTS / "wps_pdf_spanned_table.pdf")
    read = {(c.table, c.row, c.column): c for c in report.cells}
    for cell in expected.cells:
        mine = read[(cell.table, cell.row, cell.column)]
        assert mine.unread or mine.value == cell.value, (cell.row, cell.column, mine.value)
    wrapped = {"一", "三.一", "三.七"}  # 3,00|1 and 3,11|9; 1,28|8; 3,05|0
    assert {c.row for c in report.cells if c.unread} == wrapped
    result = check_report(report)
    assert result.errors == []
    assert "reader.unplaced" in {f.rule for f in result.findings}


@pytest.mark.parametrize(
    ("printed", "value"),
    [("3,001", 3001), ("3,985,758", 3985758), ("3,0", None), ("1,2345", None), ("30,01", None), ("447，228", None)],
)
def test_thousands_separators_only_where_they_group_three_digits(printed: str, value: int | None) -> None:
    assert parse_value(printed, ValueKind.COUNT) == value


# ---- 表四 in two tables ------------------------------------------------------------------------------


def test_ten_numbers_are_the_two_litigation_rows_only_under_their_header() -> None:
    report = read_report(LAYOUTS / "cms_litigation_table_apart.html")
    assert report.value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计") == 10
    page = (LAYOUTS / "cms_litigation_table_apart.html").read_text(encoding="utf-8")
    without_header = page.replace(">复议后起诉<", ">说明<")
    report = read_report_bytes(without_header.encode(), "no_header.html")
    litigation = [c for c in report.cells if c.table is TableId.APPEALS and c.row.startswith("行政诉讼")]
    assert all(c.value is None for c in litigation)
    assert check_report(report).errors == []


# ---- Markdown with HTML tables -------------------------------------------------------------------


def test_markdown_with_html_tables_is_read_as_markdown_not_as_a_web_page() -> None:
    data = (LAYOUTS / "converted_html_tables.md").read_bytes()
    assert b"<table>" in data[:4096]
    assert sniff(data) == "text"  # as a web page its lines would run together into one paragraph
    report = read_report_bytes(data, "converted.md")
    assert report.part_text("五").startswith("一是部分单位信息更新不够及时")


def test_a_page_fragment_with_paragraph_tags_is_still_a_web_page() -> None:
    assert sniff("年报<p>一、总体情况</p><table><tr><td>1</td></tr></table>".encode()) == "html"
    assert sniff("<div>年报</div>".encode()) == "html"


def test_an_empty_or_broken_html_table_in_markdown_is_no_failure() -> None:
    text = (LAYOUTS / "converted_html_tables.md").read_text(encoding="utf-8")
    text = text.replace("# 六、其他需要报告的事项", "<table></table>\n<TABLE>\n# 六、其他需要报告的事项")
    report = read_report_bytes(text.encode(), "broken.md")
    assert [part.number for part in report.parts] == list(PART_NUMERALS)


def test_a_table_run_into_one_line_is_an_error_not_a_blank_table() -> None:
    text = (LAYOUTS / "paren_numbered_parts.txt").read_text(encoding="utf-8")
    start, end = text.index("（三）收到"), text.index("（四）政府")
    heading, *rows = text[start:end].split("\n")
    one_line = " ".join(row.replace("\t", " ") for row in rows if row.strip())
    report = read_report_bytes((text[:start] + f"{heading}\n{one_line}\n" + text[end:]).encode(), "one_line.txt")
    assert all(cell.value is None for cell in report.cells if cell.table is TableId.REQUESTS)
    [error] = check_report(report).errors
    assert error.rule == "tables.unreadable"
    assert "表中印有数字，但无法确定它们属于哪一行、哪一列" in error.message and "阿拉伯数字" not in error.message


def test_a_table_in_a_text_box_is_read_once_after_the_paragraph_it_is_anchored_in() -> None:
    report = read_report(LAYOUTS / "wps_text_boxes.docx")
    assert report.value(TableId.ACTIVE, "行政许可", "本年处理决定数量") == 517645
    assert report.value(TableId.APPEALS, "行政复议", "总计") == 61
    assert "structure.rows" not in {f.rule for f in check_report(report).findings}  # the copy is not read twice


def test_tables_whose_part_headings_are_not_found_are_an_error_not_blank_tables() -> None:
    # A web page whose headings 二, 三 and 四 were images: the tables follow part 一's text.
    text = (LAYOUTS / "box_drawn_signed.txt").read_text(encoding="utf-8")
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        text = text.replace(heading + "\n", "")
    report = read_report_bytes(text.encode(), "headings_as_images.txt")
    assert not any(cell.value is not None for cell in report.cells)
    errors = check_report(report).errors
    assert [(f.rule, f.location.part) for f in errors] == [("tables.unreadable", n) for n in ("二", "三", "四")]


def test_a_transposed_table_without_every_applicant_row_is_unread_and_said_so() -> None:
    page = (LAYOUTS / "cms_transposed_requests.html").read_text(encoding="utf-8")
    start = page.index(">科研机构<")
    row_start, row_end = page.rindex("<tr>", 0, start), page.index("</tr>", start) + len("</tr>")
    report = read_report_bytes((page[:row_start] + page[row_end:]).encode(), "transposed_short.html")
    assert all(c.unread and c.value is None for c in report.cells if c.table is TableId.REQUESTS)
    assert [f.rule for f in check_report(report).errors] == ["reader.columns"]


def test_html_tables_in_text_are_read_up_to_a_bound() -> None:
    from nianbao.readers.text import MAX_HTML_TABLES, text_to_document

    document = text_to_document("<table><tr><td>规章</td><td>1</td></tr></table>\n" * (MAX_HTML_TABLES + 50))
    assert sum(1 for line in document.lines if line.grid) == MAX_HTML_TABLES


# ---- 表二's columns in another order -------------------------------------------------------------------

_DOCS_HEADER = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"


def _with_docs_header(header: str, row: str) -> Report:
    text = (LAYOUTS / "paren_numbered_parts.txt").read_text(encoding="utf-8")
    text = text.replace(_DOCS_HEADER, header).replace("行政规范性文件\t10\t8\t26", row)
    return read_report_bytes(text.encode(), "active_columns.txt")


def test_active_columns_in_another_order_follow_their_header() -> None:
    report = _with_docs_header("信息内容\t现行有效件数\t本年制发件数\t本年废止件数", "行政规范性文件\t26\t10\t8")
    assert [
        report.value(TableId.ACTIVE, "行政规范性文件", c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")
    ] == [
        10,
        8,
        26,
    ]
    assert check_report(report).errors == []


def test_active_columns_partly_named_out_of_order_are_unread() -> None:
    report = _with_docs_header("信息内容\t现行有效件数\t本年制发件数\t", "行政规范性文件\t26\t10\t8")
    assert all(c.unread for c in report.cells if c.row == "行政规范性文件")
    assert "reader.unplaced" in {f.rule for f in check_report(report).findings}


def test_appeal_columns_with_the_total_first_follow_their_header() -> None:
    text = (LAYOUTS / "box_drawn_signed.txt").read_text(encoding="utf-8")
    national, total_first = "结果维持│结果纠正│其他结果│尚未审结│总计", "总计│结果维持│结果纠正│其他结果│尚未审结"
    text = text.replace(national, total_first)
    text = text.replace("│72│64│178│37│351│13│4│8│1│26│12│1│1│6│20│", "│351│72│64│178│37│26│13│4│8│1│20│12│1│1│6│")
    report = read_report_bytes(text.encode(), "appeals_total_first.txt")
    assert cells_csv(report).splitlines() == _expected("box_drawn_signed.txt").splitlines()


def test_a_row_of_slashes_in_every_cell_stays_a_row_of_blank_values() -> None:
    from nianbao.readers.document import Document

    document = Document()
    document.add_row(["/"] * 15)
    document.add_row(["三、收到和处理政府信息公开申请情况"] * 10)
    assert [line.grid for line in document.lines] == [True, False]


def test_a_footnote_mark_printed_as_a_superscript_is_not_read_into_the_number() -> None:
    page = (FIXTURES / "luyi_2021_gov.html").read_text(encoding="utf-8")
    marked = page.replace(">26</span>", ">26<sup>1</sup></span>", 1).replace("申请223件次", "申请223<sup>2</sup>件次")
    assert marked.count("<sup>") == 2
    plain, footnoted = read_report_bytes(page.encode(), "gov.html"), read_report_bytes(marked.encode(), "gov.html")
    assert [c.raw for c in footnoted.cells] == [c.raw for c in plain.cells]
    assert [p.text for p in footnoted.parts] == [p.text for p in plain.parts]
    assert footnoted.cell(TableId.ACTIVE, "行政规范性文件", "现行有效件数").value == 26
