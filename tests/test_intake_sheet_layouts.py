"""Spreadsheets as offices keep them: the official layout saved by WPS/Excel with merged headings, and
依申请公开 kept one row per applicant type (made here with openpyxl, as those programs write them)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.errors import InvalidInputError
from nianbao.intake import read_spreadsheet_bytes
from nianbao.intake.changes import Address
from nianbao.model import CellNumber
from nianbao.schema import REQUEST_COLUMNS, ReportFormat, TableId, rows_of
from tests.test_intake_clerk_messages import DATA, cells

REQ = TableId.REQUESTS
ACTIVE = TableId.ACTIVE
APPEALS = TableId.APPEALS
YEAR = cells(DATA["years"]["county_2023"])
APPEAL_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def value(address: Address) -> CellNumber:
    return YEAR.get(address, 0)


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def merge(sheet: Worksheet, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
    sheet.merge_cells(start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + columns - 1)


def active_part(sheet: Worksheet) -> None:
    sheet.append(["二、主动公开政府信息情况"])
    merge(sheet, sheet.max_row, 1, columns=4)
    sheet.append(["第二十条第（一）项"])
    sheet.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    for row in ("规章", "行政规范性文件"):
        sheet.append([row, *(value((ACTIVE, row, c)) for c in ("本年制发件数", "本年废止件数", "现行有效件数"))])
    sheet.append(["第二十条第（五）项"])
    sheet.append(["信息内容", "本年处理决定数量"])
    sheet.append(["行政许可", value((ACTIVE, "行政许可", "本年处理决定数量"))])
    sheet.append(["第二十条第（六）项"])
    sheet.append(["信息内容", "本年处理决定数量"])
    for row in ("行政处罚", "行政强制"):
        sheet.append([row, value((ACTIVE, row, "本年处理决定数量"))])
    sheet.append(["第二十条第（八）项"])
    sheet.append(["信息内容", "本年收费金额（单位：万元）"])
    sheet.append(["行政事业性收费", float(value((ACTIVE, "行政事业性收费", "本年收费金额")))])


def requests_part(sheet: Worksheet) -> None:
    """三 as the official Word table pasted into WPS: every heading and row label a merged cell."""
    sheet.append(["三、收到和处理政府信息公开申请情况"])
    top = sheet.max_row + 1
    sheet.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况"])
    sheet.append([None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"])
    sheet.append([None, None, None, None, "商业企业", "科研机构", "社会组织", "法律服务机构", "其他"])
    merge(sheet, top, 1, rows=3, columns=3)
    merge(sheet, top, 4, columns=7)
    merge(sheet, top + 1, 5, columns=5)
    merge(sheet, top + 1, 4, rows=2)
    merge(sheet, top + 1, 10, rows=2)
    first_of_group: set[str] = set()
    for spec in rows_of(ReportFormat.F2021, REQ):
        values = [value((REQ, spec.key, c)) for c in REQUEST_COLUMNS]
        row = sheet.max_row + 1
        if spec.key in ("一", "二", "四"):
            sheet.append([spec.label, None, None, *values])
            merge(sheet, row, 1, columns=3)
        elif not spec.group:
            sheet.append(["三、本年度办理结果" if spec.key == "三.一" else None, spec.label, None, *values])
            merge(sheet, row, 2, columns=2)
        else:
            sheet.append([None, spec.group if spec.group not in first_of_group else None, spec.label, *values])
            first_of_group.add(spec.group)


def appeals_part(sheet: Worksheet) -> None:
    sheet.append(["四、政府信息公开行政复议、行政诉讼情况"])
    top = sheet.max_row + 1
    sheet.append(["行政复议", None, None, None, None, "行政诉讼"])
    sheet.append([None] * 5 + ["未经复议直接起诉", None, None, None, None, "复议后起诉"])
    sheet.append(list(APPEAL_COLUMNS) * 3)
    merge(sheet, top, 1, rows=2, columns=5)
    merge(sheet, top, 6, columns=10)
    merge(sheet, top + 1, 6, columns=5)
    merge(sheet, top + 1, 11, columns=5)
    rows = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
    sheet.append([value((APPEALS, r, c)) for r in rows for c in APPEAL_COLUMNS])


def test_the_official_layout_with_merged_headings_from_wps_gives_all_200_cells() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for part in (active_part, requests_part, appeals_part):
        part(sheet)
        sheet.append([])
    read = read_spreadsheet_bytes(saved(book), "年报表格.xlsx")
    assert read.notes == []
    assert {c.address: c.new for c in read.changes} == {a: value(a) for a in {c.address for c in read.changes}}
    assert len(read.changes) == 200


APPLICANT_LABELS = ("自然人", "商业企业", "科研机构", "社会组织", "法律服务机构", "其他组织", "合计")
HEADINGS = {
    "一": "本年新收申请",
    "二": "上年结转",
    "三.一": "予以公开",
    "三.二": "部分公开",
    "三.三.4": "不予公开—保护第三方合法权益",
    "三.四.1": "本机关不掌握",
    "三.五.1": "信访举报投诉类",
    "三.五.2": "重复申请",
    "三.六.3": "撤回申请",
    "三.七": "办结总数",
    "四": "结转下年度",
}


def ledger_rows(headings: dict[str, str]) -> list[list[object]]:
    """The 台账 summary: one row per applicant type, one column per outcome."""
    rows: list[list[object]] = [["申请人类型", *headings.values()]]
    for label, column in zip(APPLICANT_LABELS, REQUEST_COLUMNS, strict=True):
        rows.append([label, *(value((REQ, key, column)) for key in headings)])
    return rows


def test_one_row_per_applicant_type_is_read_column_by_column() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2023年依申请公开情况统计"])
    for row in ledger_rows(HEADINGS):
        sheet.append(row)
    read = read_spreadsheet_bytes(saved(book), "台账汇总.xlsx")
    expected = {(REQ, key, column): value((REQ, key, column)) for key in HEADINGS for column in REQUEST_COLUMNS}
    assert {c.address: c.new for c in read.changes} == expected
    assert read.notes == []


def test_a_merged_group_heading_over_its_items_names_their_rows() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([None, None, None, "不予处理", None, "其他处理"])
    merge(sheet, 1, 4, columns=2)
    sheet.append(["申请人", "新收", "予以公开", "1.信访举报投诉类申请", "2.重复申请", "3.其他"])
    for label, column in zip(APPLICANT_LABELS, REQUEST_COLUMNS, strict=True):
        keys = ("一", "三.一", "三.五.1", "三.五.2", "三.六.3")
        sheet.append([label, *(value((REQ, key, column)) for key in keys)])
    read = {c.address: c.new for c in read_spreadsheet_bytes(saved(book), "台账.xlsx").changes}
    assert read[(REQ, "三.六.3", "法律服务机构")] == 1
    assert read[(REQ, "三.五.1", "自然人")] == 2 and read[(REQ, "三.五.2", "总计")] == 1
    assert len(read) == 5 * 7


def test_a_heading_that_names_no_row_is_a_note() -> None:
    headings = {**HEADINGS}
    rows = ledger_rows(headings)
    rows[0].append("备注")
    csv = "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")
    read = read_spreadsheet_bytes(csv, "台账.csv")
    assert read.notes == ["表头“备注”不是依申请公开表中的一行，这一栏未填入。"]


def test_a_money_fee_column_is_a_decimal() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    active_part(sheet)
    fee = next(c for c in read_spreadsheet_bytes(saved(book), "主动公开.xlsx").changes if c.row == "行政事业性收费")
    assert fee.new == Decimal("2.156")


def changes_of(book: Workbook, name: str = "表格.xlsx") -> dict[Address, CellNumber]:
    read = read_spreadsheet_bytes(saved(book), name)
    assert read.notes == []
    return {c.address: c.new for c in read.changes}


def test_a_sheet_per_table_without_part_headings_gives_all_200_cells() -> None:
    book = Workbook()
    for title, part in (("主动公开", active_part), ("依申请公开", requests_part), ("复议诉讼", appeals_part)):
        sheet = book.create_sheet(title)
        part(sheet)
        sheet.delete_rows(1)  # the part heading: the sheet's name says it
    del book["Sheet"]
    read = changes_of(book)
    assert len(read) == 200 and all(v == value(a) for a, v in read.items())


def test_appeals_kept_three_rows_by_five_with_the_total_first_are_read_by_heading() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    order = ("总计", "结果维持", "结果纠正", "其他结果", "尚未审结")
    sheet.append(["类别", "合计", "维持", "纠正", "其他结果", "尚未审结"])
    for row in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"):
        sheet.append([row.split("/")[-1], *(value((APPEALS, row, c)) for c in order)])
    read = changes_of(book)
    assert len(read) == 15 and all(v == value(a) for a, v in read.items())
    assert read[(APPEALS, "行政复议", "结果维持")] == 1 and read[(APPEALS, "行政复议", "总计")] == 2


def test_the_requests_table_with_its_total_column_first_is_read_by_heading() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目", "总计", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    for spec in rows_of(ReportFormat.F2021, REQ):
        sheet.append([spec.label, *(value((REQ, spec.key, c)) for c in ("总计", *REQUEST_COLUMNS[:-1]))])
    read = changes_of(book)
    assert len(read) == 25 * 7 and all(v == value(a) for a, v in read.items())


def test_applicant_rows_with_the_total_row_at_the_top_are_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    heading, *body = ledger_rows(HEADINGS)
    for row in (heading, body[-1], *body[:-1]):
        sheet.append(row)
    read = changes_of(book)
    assert read == {(REQ, k, c): value((REQ, k, c)) for k in HEADINGS for c in REQUEST_COLUMNS}


def test_one_number_per_row_under_a_quantity_heading_is_the_rows_total() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目", "数量（件）"])
    for spec in rows_of(ReportFormat.F2021, REQ):
        sheet.append([spec.label, value((REQ, spec.key, "总计"))])
    read = changes_of(book)
    assert read == {(REQ, s.key, "总计"): value((REQ, s.key, "总计")) for s in rows_of(ReportFormat.F2021, REQ)}


def test_applicant_types_as_rows_under_the_official_labels_are_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    specs = rows_of(ReportFormat.F2021, REQ)
    sheet.append(["申请人", *(s.label for s in specs)])
    for label, column in zip(APPLICANT_LABELS, REQUEST_COLUMNS, strict=True):
        sheet.append([label, *(value((REQ, s.key, column)) for s in specs)])
    read = changes_of(book)
    assert len(read) == 25 * 7 and read[(REQ, "三.六.3", "法律服务机构")] == 1


def test_a_count_typed_with_its_unit_or_in_full_width_keeps_the_rows_values_in_place() -> None:
    sheet = (
        "项目,自然人,商业企业,科研机构,社会组织,法律服务机构,其他,总计\n"
        "本年新收政府信息公开申请数量,３０件,3,0,0,1,0,34\n"
        "上年结转政府信息公开申请数量,2,/,—,0,0,0,2\n"
    )
    read = {c.address: c.new for c in read_spreadsheet_bytes(sheet.encode(), "汇总.csv").changes}
    assert read[(REQ, "一", "自然人")] == 30 and read[(REQ, "一", "法律服务机构")] == 1
    assert read[(REQ, "一", "总计")] == 34 and (REQ, "二", "商业企业") not in read


def test_a_column_left_out_of_the_requests_table_stays_blank_the_others_read_by_heading() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    kept = ("自然人", "商业企业", "社会组织", "法律服务机构", "其他", "总计")
    sheet.append(["项目", *kept])
    for spec in rows_of(ReportFormat.F2021, REQ):
        sheet.append([spec.label, *(value((REQ, spec.key, c)) for c in kept)])
    read = changes_of(book)
    assert len(read) == 25 * 6 and all(v == value(a) for a, v in read.items())
    assert not any(column == "科研机构" for _, _, column in read)


def test_legal_persons_kept_in_one_column_are_refused_not_spread() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目", "自然人", "法人或其他组织", "总计"])
    for spec in rows_of(ReportFormat.F2021, REQ):
        parts = [value((REQ, spec.key, c)) for c in REQUEST_COLUMNS]
        sheet.append([spec.label, parts[0], sum(int(v) for v in parts[1:6]), parts[6]])
    with pytest.raises(InvalidInputError, match="应有 7 个数字，实际有 3 个"):
        read_spreadsheet_bytes(saved(book), "三栏.xlsx")


def test_an_application_by_application_ledger_is_refused_with_how_to_sum_it() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "申请人", "申请人类型", "申请内容", "收到日期", "答复日期", "办理结果"])
    sheet.append([1, "张三", "自然人", "征地补偿", "2023-01-05", "2023-01-20", "予以公开"])
    sheet.append([2, "某公司", "商业企业", "规划许可", "2023-02-01", "2023-02-15", "部分公开"])
    with pytest.raises(InvalidInputError, match="逐件登记的申请台账，请按申请人类别和办理结果汇总"):
        read_spreadsheet_bytes(saved(book), "台账.xlsx")
