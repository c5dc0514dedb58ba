"""Layouts that published reports really have (issue 15), in every format the readers take.

Each fixture in tests/fixtures/layouts/ is a real report (the seed, 鹿邑县 2021) printed as other
bodies print theirs; PDFs are drawn by tests/pdfgen.py. For each: the cells it must produce —
right, or reported as unread, never misplaced — and the findings it must give.
"""

from __future__ import annotations

import html
import io
from decimal import Decimal

import docx
import pytest

from nianbao.checker import CheckResult, check_report, soften_for_unread
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Finding, Report, Severity
from nianbao.readers import read_report, read_report_bytes
from nianbao.rules.crossyear import same_agency
from nianbao.schema import REQUEST_COLUMNS, ReportFormat, TableId
from nianbao.usecases.knowledge import Knowledge
from nianbao.writers.docx import write_docx
from tests.conftest import FIXTURES, SEED
from tests.pdfgen import report_to_pdf

LAYOUTS = FIXTURES / "layouts"
REQ = TableId.REQUESTS
OTHER_HANDLING = ("三.六.1", "三.六.2", "三.六.3")
MAX_REMINDERS_WHEN_CLEAN = 5

# Labels as real reports misprint them: a character wrong, dropped, or a homophone.
TYPOS = {
    "三.二": "（二）部份公开（区分处理的，只计这一情形，不计其他情形）",
    "三.三.2": "2.其他法律行政止公开",
    "三.三.6": "6.属于四类过程信息",
    "三.四.1": "1.本机关不掌握相关政府信",
    "三.五.2": "2.重复申谓",
    "三.五.4": "4.无正当理由大量反复申",
}


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


def cells(report: Report) -> dict[tuple[str, str, str], object]:
    return {(c.table.value, c.row, c.column): c.value for c in report.cells}


def differing(report: Report, model: Report) -> dict[tuple[str, str, str], tuple[object, object]]:
    """The cells whose value differs from the model's: (model's, read)."""
    mine, theirs = cells(report), cells(model)
    return {address: (theirs[address], value) for address, value in mine.items() if theirs[address] != value}


def unread(report: Report) -> set[tuple[str, str, str]]:
    return {(c.table.value, c.row, c.column) for c in report.cells if c.unread}


def rules(result: CheckResult) -> list[str]:
    return [f.rule for f in result.findings]


# ---- 1. （六）其他处理 printed as one row -----------------------------------------------------


def _with_other_as_zeros(seed: Report) -> Report:
    """The seed with its one 三.六.3 request counted under 三.一 instead, so that （六） is all 0."""
    model = seed.model_copy(deep=True)
    model.set_value(REQ, "三.六.3", "其他", 0)
    model.set_value(REQ, "三.六.3", "总计", 0)
    model.set_value(REQ, "三.一", "其他", 4)
    model.set_value(REQ, "三.一", "总计", 186)
    return model


def test_one_row_of_zeros_is_the_three_sub_rows_as_zero(seed: Report) -> None:
    report = read_report(LAYOUTS / "one_row_other_zero.txt")
    assert report.format is ReportFormat.F2021
    assert differing(report, _with_other_as_zeros(seed)) == {}
    assert not unread(report)
    assert check_report(report).findings == []


def test_pdf_with_one_row_of_zeros_reads_as_2021_with_every_cell(seed: Report) -> None:
    model = _with_other_as_zeros(seed)
    report = read_report_bytes(report_to_pdf(model, other_as_one_row=True), "wps.pdf")
    assert report.format is ReportFormat.F2021
    assert differing(report, model) == {}
    assert check_report(report).findings == []


@pytest.mark.parametrize("source", ["txt", "pdf"])
def test_non_zero_one_row_leaves_the_sub_rows_unread_and_says_so(seed: Report, source: str) -> None:
    if source == "txt":
        report = read_report(LAYOUTS / "one_row_other_nonzero.txt")
    else:
        report = read_report_bytes(report_to_pdf(seed, other_as_one_row=True), "wps.pdf")
    assert report.format is ReportFormat.F2021  # table 二 and 三.五.5 are read, not dropped
    # The row prints 0 0 0 0 0 1 1: a 0 is a 0 in each sub-row; the 1 cannot be placed.
    expected_unread = {("依申请公开", key, column) for key in OTHER_HANDLING for column in ("其他", "总计")}
    assert unread(report) == expected_unread
    assert set(differing(report, seed)) == expected_unread
    result = check_report(report)
    assert result.errors == []
    assert rules(result) == ["reader.other_handling"]
    assert "0 0 0 0 0 1 1" in result.findings[0].message


def test_2019_marks_in_one_row_do_not_outvote_the_whole_report() -> None:
    # The one-row （六） is the only 2019-looking thing; 表二's 2021 columns and 三.五.5 decide.
    report = read_report(LAYOUTS / "one_row_other_nonzero.txt")
    assert report.value(TableId.ACTIVE, "行政规范性文件", "现行有效件数") == 26
    assert report.value(REQ, "三.五.5", "总计") == 0


# ---- 2. labels with typos or dropped characters -------------------------------------------------


def test_pdf_with_misprinted_labels_reads_every_cell(seed: Report) -> None:
    report = read_report_bytes(report_to_pdf(seed, labels=TYPOS), "typos.pdf")
    assert differing(report, seed) == {}
    assert check_report(report).findings == []


def test_pasted_text_with_misprinted_labels_reads_every_cell(seed: Report) -> None:
    text = (LAYOUTS / "typos_pasted.txt").read_text(encoding="utf-8")
    assert all(label[:8] in text for label in TYPOS.values())
    report = read_report(LAYOUTS / "typos_pasted.txt")
    assert differing(report, seed) == {}
    assert check_report(report).findings == []


def test_a_misprinted_label_is_not_matched_to_a_row_of_another_number(seed: Report) -> None:
    # "3.其他法律行政止公开" is close to 三.三.2's label but numbered 3: it is not 三.三.2.
    labels = {"三.三.2": "3.其他法律行政止公开"}
    report = read_report_bytes(report_to_pdf(seed, labels=labels), "wrong_number.pdf")
    assert report.value(REQ, "三.三.2", "总计") is None
    assert all(cell.unread for cell in report.cells if cell.row == "三.三.2")
    assert check_report(report).errors == []


# ---- 6. the body's name ---------------------------------------------------------------------------


def test_a_web_page_field_label_is_not_part_of_the_name() -> None:
    report = read_report(LAYOUTS / "meta_table_title.html")
    assert (report.agency, report.year) == ("沭阳县发展和改革局", 2021)


def test_a_stray_mark_before_the_name_is_dropped() -> None:
    assert read_report(LAYOUTS / "pingtan_stray_mark.txt").agency == "平潭综合实验区管理委员会"


def test_the_same_body_with_and_without_its_city_is_checked_across_years() -> None:
    last, this = read_report(LAYOUTS / "hongze_2023.txt"), read_report(LAYOUTS / "hongze_2024.txt")
    assert (last.agency, this.agency) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    result = check_report(this, last)
    assert "crossyear.previous" not in rules(result)
    last.set_value(REQ, "四", "自然人", 5)  # now this year's 上年结转 (0) disagrees with it
    assert "crossyear.carryover" in [f.rule for f in check_report(this, last).errors]


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("洪泽区人民政府", "淮安市洪泽区人民政府", True),
        ("沭阳县人民政府", "江苏省宿迁市沭阳县人民政府", True),
        ("洪泽区人民政府", "淮阴区人民政府", False),
        ("人民政府", "淮安市人民政府", False),
        ("发展和改革局", "淮安市发展和改革局", False),
        ("淮安市洪泽区人民政府", "宿迁市洪泽区人民政府", False),
    ],
)
def test_same_agency(one: str, other: str, same: bool) -> None:
    assert same_agency(one, other) is same
    assert same_agency(other, one) is same


# ---- 7. noise -------------------------------------------------------------------------------------


def test_a_blank_unused_column_is_one_reminder() -> None:
    result = check_report(read_report(LAYOUTS / "unused_column_blank.txt"))
    assert result.errors == []
    assert rules(result) == ["cells.count"]
    assert "25 个单元格为空" in result.findings[0].message and "科研机构" in result.findings[0].message


def test_a_draft_being_filled_still_gets_each_blank_cell() -> None:
    result = check_report(read_report(LAYOUTS / "unused_column_blank.txt"), per_cell=True)
    assert rules(result) == ["cells.count"] * 25


@pytest.mark.parametrize(
    "name",
    [
        "one_row_other_zero.txt",
        "one_row_other_nonzero.txt",
        "typos_pasted.txt",
        "meta_table_title.html",
        "pingtan_stray_mark.txt",
        "hongze_2023.txt",
        "hongze_2024.txt",
        "format_2019.txt",
        "restarted_numbering.txt",
        "unnumbered_headings.txt",
        "untitled_problems.txt",
        "garbled_converted.md",
        "unused_column_blank.txt",
    ],
)
def test_a_clean_report_has_no_errors_and_few_reminders(name: str) -> None:
    result = check_report(read_report(LAYOUTS / name))
    assert result.errors == []
    assert len(result.warnings) <= MAX_REMINDERS_WHEN_CLEAN


# ---- 5. the 2019 format in full ----------------------------------------------------------------

FORMAT_2019_CELLS = {
    # 表二 in 2019's columns; 本年增/减 may be negative (items dropped).
    ("主动公开", "规范性文件", "对外公开总数量"): 26,
    ("主动公开", "行政许可", "本年增/减"): -5,
    ("主动公开", "其他对外管理服务事项", "处理决定数量"): 1270,
    ("主动公开", "行政事业性收费", "本年增/减"): -2,
    ("主动公开", "政府集中采购", "采购总金额"): Decimal("5324.18"),
    # 依申请公开: every applicant column, not only 总计.
    ("依申请公开", "三.二", "自然人"): 8,
    ("依申请公开", "三.三.5", "自然人"): 1,
    ("依申请公开", "三.四.1", "自然人"): 15,
    ("依申请公开", "三.五.1", "其他"): 4,
    ("依申请公开", "三.五.4", "自然人"): 2,
    ("依申请公开", "三.六", "其他"): 1,
    ("依申请公开", "三.七", "商业企业"): 3,
}


def _format_2019_in(kind: str, model: Report) -> Report:
    if kind == "txt":
        return read_report(LAYOUTS / "format_2019.txt")
    if kind == "docx":
        return read_report_bytes(write_docx(model), "2019.docx")
    return read_report_bytes(report_to_pdf(model), "2019.pdf")


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_2019_format_reads_every_applicant_column(kind: str) -> None:
    model = read_report(LAYOUTS / "format_2019.txt")
    report = _format_2019_in(kind, model)
    assert report.format is ReportFormat.F2019
    assert len(report.cells) == 191
    assert differing(report, model) == {}
    assert {address: cells(report)[address] for address in FORMAT_2019_CELLS} == FORMAT_2019_CELLS
    assert check_report(report).findings == []


def test_2019_blank_published_totals_stay_blank_and_are_reported() -> None:
    report = read_report(LAYOUTS / "format_2019_blank_totals.txt")
    blank = [c for c in report.cells if c.value is None]
    assert {(c.row, c.column) for c in blank} == {(f"三.三.{n}", "总计") for n in range(1, 9)}
    assert report.value(REQ, "三.三.5", "自然人") == 1  # the row is not shifted into the blank
    result = check_report(report)
    assert [f.rule for f in result.warnings] == ["cells.count"]
    assert "总计：三.三.1、三.三.2" in result.warnings[0].message
    # A blank where a sum needs a number fails that sum (domain rule 5): 三.三.5 and 三.三.7 hold 1.
    assert {(f.rule, f.location.row, f.location.column) for f in result.errors} == {
        ("arith.row_total", "三.三.5", "总计"),
        ("arith.row_total", "三.三.7", "总计"),
        ("arith.column_total", "三.七", "总计"),
    }


def _pasted_with(old: str, new: str) -> Report:
    text = (LAYOUTS / "typos_pasted.txt").read_text(encoding="utf-8")
    assert old in text
    return read_report_bytes(text.replace(old, new).encode("utf-8"), "pasted.txt")


def test_six_numbers_whose_last_is_not_their_sum_are_read_with_total_blank() -> None:
    report = _pasted_with("5.属于三类内部事务信息 1 0 0 0 0 0 1", "5.属于三类内部事务信息 1 0 0 0 0 0")
    assert [report.value(REQ, "三.三.5", c) for c in ("自然人", "其他", "总计")] == [1, 0, None]
    assert "reader.unplaced" in rules(check_report(report))


def test_six_numbers_that_could_miss_any_column_are_not_placed() -> None:
    # "4 0 0 0 4 8": 总计 blank (其他 = 8?) or 法律服务机构 blank (总计 = 8)? Not guessed.
    report = _pasted_with("1.信访举报投诉类申请 4 0 0 0 0 4 8", "1.信访举报投诉类申请 4 0 0 0 4 8")
    assert all(cell.unread for cell in report.cells if cell.row == "三.五.1")
    result = check_report(report)
    assert result.errors == []
    assert "无法确定哪一栏为空" in result.findings[0].message


# ---- 4. the narrative numbered its own way ------------------------------------------------------


def _restarted(kind: str) -> Report:
    report = read_report(LAYOUTS / "restarted_numbering.txt")
    return report if kind == "txt" else read_report_bytes(report_to_pdf(report), "restarted.pdf")


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_restarted_numbering_is_read_and_reported_as_structure(seed: Report, kind: str) -> None:
    report = _restarted(kind)
    assert differing(report, seed) == {}
    assert [p.number for p in report.parts] == ["一", "二", "三", "四", "五", "六"]
    assert report.part_text("五") == seed.part_text("五")  # found after table 四, without its heading
    assert report.part_text("六") == seed.part_text("六")
    assert "一是县政府成立了由常务副县长任组长" in report.part_text("一")
    result = check_report(report)
    assert rules(result) == ["structure.numbering"]
    message = result.findings[0].message
    assert "第二部分印作“一、主动公开政府信息情况”" in message and "第五部分没有标题" in message


def test_a_report_numbered_as_the_format_says_gets_no_numbering_finding(seed: Report) -> None:
    assert "structure.numbering" not in rules(check_report(seed))


# ---- 3. tables garbled by a PDF-to-Markdown conversion ------------------------------------------


def test_garbled_markdown_is_read_where_every_number_can_be_placed(seed: Report) -> None:
    # Header rows split over three lines, a wrapped label with its numbers on the second line,
    # numbers above their label, a row's seven numbers run together in one cell, a count with
    # a note ("10（其中修订2件）"), numbers below one label and above the next that can only be
    # the first's (the next has its own below it).
    report = read_report(LAYOUTS / "garbled_converted.md")
    assert differing(report, seed) == {}
    assert check_report(report).findings == []


def test_numbers_that_could_belong_to_two_labels_are_unread_not_guessed(seed: Report) -> None:
    # garbled_lost_cells.md: 表二's 行政规范性文件 lost a column ("10/(其中修订2件) | 26"), and one
    # row of numbers sits between 三.四.2's label and 三.四.3's with nothing else to tell them apart.
    report = read_report(LAYOUTS / "garbled_lost_cells.md")
    lost = {("主动公开", "行政规范性文件", c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")}
    between = {("依申请公开", key, c) for key in ("三.四.2", "三.四.3") for c in REQUEST_COLUMNS}
    assert unread(report) == lost | between
    assert set(differing(report, seed)) == lost | between  # every other cell right; none misplaced
    result = check_report(report)
    assert result.errors == []
    ambiguous = next(f for f in result.findings if f.rule == "reader.unplaced" and f.location.table is REQ)
    assert "三.四.2" in ambiguous.message and "三.四.3" in ambiguous.message and "无法确定" in ambiguous.message


def test_a_number_run_together_with_others_is_never_read_as_one(seed: Report) -> None:
    text = (LAYOUTS / "garbled_converted.md").read_text(encoding="utf-8")
    assert "| 7.属于行政执法案卷 | 1 0 0 0 0 0 1 |" in text
    report = read_report(LAYOUTS / "garbled_converted.md")
    assert report.value(REQ, "三.三.7", "自然人") == 1 and report.value(REQ, "三.三.7", "总计") == 1


@pytest.mark.parametrize("labels", [{}, TYPOS], ids=["official labels", "misprinted labels"])
def test_pdf_whose_numbers_stand_between_the_halves_of_their_label(seed: Report, labels: dict[str, str]) -> None:
    # As a WPS table cell prints: a two-line label's numbers on a line of their own between them.
    report = read_report_bytes(report_to_pdf(seed, labels=labels, centred_numbers=True), "centred.pdf")
    assert differing(report, seed) == {}
    assert check_report(report).findings == []


# ---- the same fixtures as Word and as a web page ------------------------------------------------


def as_docx(text: str) -> bytes:
    """A text fixture as Word: paragraphs, and each run of tab-separated lines as one table."""
    document = docx.Document()
    for block in _blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(r) for r in block)
        table = document.add_table(rows=len(block), cols=width)
        for cells, row in zip(block, table.rows, strict=True):
            for value, cell in zip(cells, row.cells, strict=False):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_html(text: str) -> bytes:
    """A text fixture as a government web page: <p> paragraphs and <table>s."""
    body = []
    for block in _blocks(text):
        if isinstance(block, str):
            body.append(f"<p>{html.escape(block)}</p>")
            continue
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in block)
        body.append(f"<table border='1'>{rows}</table>")
    return f"<html><head><meta charset='utf-8'></head><body>{''.join(body)}</body></html>".encode()


def _blocks(text: str) -> list[str | list[list[str]]]:
    blocks: list[str | list[list[str]]] = []
    for line in text.split("\n"):
        if "\t" in line:
            if not blocks or isinstance(blocks[-1], str):
                blocks.append([])
            table = blocks[-1]
            assert isinstance(table, list)
            table.append(line.split("\t"))
        elif line.strip():
            blocks.append(line.strip())
    return blocks


def read_as(kind: str, name: str) -> Report:
    text = (LAYOUTS / name).read_text(encoding="utf-8")
    data = as_docx(text) if kind == "docx" else as_html(text)
    return read_report_bytes(data, f"{name}.{kind}")


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_one_row_other_handling_in_word_and_on_a_web_page(seed: Report, kind: str) -> None:
    zeros = read_as(kind, "one_row_other_zero.txt")
    assert zeros.format is ReportFormat.F2021
    assert differing(zeros, _with_other_as_zeros(seed)) == {}
    assert check_report(zeros).findings == []
    counted = read_as(kind, "one_row_other_nonzero.txt")
    assert unread(counted) == {("依申请公开", k, c) for k in OTHER_HANDLING for c in ("其他", "总计")}
    assert rules(check_report(counted)) == ["reader.other_handling"]


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_2019_format_and_its_blank_totals_in_word_and_on_a_web_page(kind: str) -> None:
    model = read_report(LAYOUTS / "format_2019.txt")
    report = read_as(kind, "format_2019.txt")
    assert report.format is ReportFormat.F2019 and differing(report, model) == {}
    blank = read_as(kind, "format_2019_blank_totals.txt")
    assert differing(blank, read_report(LAYOUTS / "format_2019_blank_totals.txt")) == {}


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_restarted_numbering_in_word_and_on_a_web_page(seed: Report, kind: str) -> None:
    report = read_as(kind, "restarted_numbering.txt")
    assert differing(report, seed) == {}
    assert rules(check_report(report)) == ["structure.numbering"]


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_blank_unused_column_in_word_and_on_a_web_page_is_one_reminder(kind: str) -> None:
    assert rules(check_report(read_as(kind, "unused_column_blank.txt"))) == ["cells.count"]


SEED_TYPOS = {
    "(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)": "(二) 部份公开(区分处理的, 只计这一情形, 不计其他情形)",
    "2.其他法律法规禁止公开": "2.其他法律行政止公开",
    "6.属于四类过程性信息": "6.属于四类过程信息",
    "1.本机关不掌握相关政府信息": "1.本机关不掌握相关政府信",
    "2.重复申请": "2.重复申谓",
    "4.无正当理由大量反复申请": "4.无正当理由大量反复申",
}


@pytest.mark.parametrize("kind", ["txt", "docx", "html"])
def test_misprinted_labels_in_a_table_of_cells(seed: Report, kind: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    for official, misprinted in SEED_TYPOS.items():
        assert official in text
        text = text.replace(official, misprinted)
    data = {"txt": text.encode(), "docx": as_docx(text), "html": as_html(text)}[kind]
    report = read_report_bytes(data, f"typos.{kind}")
    assert differing(report, seed) == {}
    assert check_report(report).findings == []


def test_a_fifth_part_printed_without_its_heading_is_found_after_table_four(seed: Report) -> None:
    report = read_report(LAYOUTS / "untitled_problems.txt")
    assert differing(report, seed) == {}
    assert report.part_text("五") == seed.part_text("五")
    result = check_report(report)
    assert rules(result) == ["structure.numbering"]
    assert "第五部分没有标题" in result.findings[0].message


def test_the_total_of_a_one_row_other_handling_still_checks_the_column_sums() -> None:
    text = (LAYOUTS / "one_row_other_nonzero.txt").read_text(encoding="utf-8")
    wrong = text.replace("(七) 总计\t\t210\t3\t0\t2\t0\t8\t223", "(七) 总计\t\t210\t3\t0\t2\t0\t9\t224")
    assert wrong != text
    report = read_report_bytes(wrong.encode(), "wrong.txt")
    errors = {(f.rule, f.location.row, f.location.column) for f in check_report(report).errors}
    assert ("arith.column_total", "三.七", "其他") in errors  # 7 + the printed （六） 1 = 8, not 9
    assert ("arith.column_total", "三.七", "总计") in errors


@pytest.mark.parametrize("kind", ["txt", "docx", "html"])
def test_headings_printed_without_numerals_are_found_by_their_titles(seed: Report, kind: str) -> None:
    report = (
        read_report(LAYOUTS / "unnumbered_headings.txt") if kind == "txt" else read_as(kind, "unnumbered_headings.txt")
    )
    assert differing(report, seed) == {}
    assert [p.number for p in report.parts] == ["一", "二", "三", "四", "五", "六"]
    for number in ("一", "五", "六"):
        assert report.part_text(number) == seed.part_text(number)
    result = check_report(report)
    assert rules(result) == ["structure.numbering"]
    assert "第四部分印作“政府信息公开行政复议、行政诉讼情况”" in result.findings[0].message


def test_numbers_above_the_first_label_are_not_given_to_the_header(seed: Report) -> None:
    # Above the first row's numbers stand only the header's column names: they name no row.
    text = (LAYOUTS / "garbled_converted.md").read_text(encoding="utf-8")
    first = "| 一、本年新收政府信息公开申请数量 | 210 | 3 | 0 | 2 | 0 | 8 | 223 |"
    floating = "|  | 210 | 3 | 0 | 2 | 0 | 8 | 223 |\n| 一、本年新收政府信息公开申请数量 |  |  |  |  |  |  |  |"
    assert first in text
    report = read_report_bytes(text.replace(first, floating).encode(), "floating.md")
    assert differing(report, seed) == {}


def test_a_narrative_error_against_unread_cells_is_a_reminder() -> None:
    report = read_report(LAYOUTS / "garbled_lost_cells.md")
    wrong = Finding(rule="narrative.count", severity=Severity.ERROR, message="正文与表格不一致。")
    table = Finding(rule="arith.row_total", severity=Severity.ERROR, message="总计不对。")
    softened = soften_for_unread(report, [wrong, table])
    assert [f.severity for f in softened] == [Severity.WARNING, Severity.ERROR]
    assert "未读出" in softened[0].message
    assert soften_for_unread(read_report(SEED), [wrong]) == [wrong]


def test_the_app_finds_last_years_report_of_the_same_body_printed_without_its_city(kb: KnowledgeBase) -> None:
    kb.add([LAYOUTS / "hongze_2023.txt"])
    knowledge = Knowledge(kb.settings, lambda: kb, kb.records.path)
    previous = knowledge.previous_report("淮安市洪泽区人民政府", 2024)
    assert previous is not None and (previous.agency, previous.year) == ("洪泽区人民政府", 2023)
    assert knowledge.previous_report("淮阴区人民政府", 2024) is None
