"""Spreadsheets: XLSX and CSV in the official table layout, and the cells CSV of ``nianbao cells``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from nianbao.commands.cells import cells_csv
from nianbao.errors import InvalidInputError
from nianbao.intake import preview, read_spreadsheet
from nianbao.model import Report, empty_report
from nianbao.readers import read_report
from nianbao.schema import TableId
from tests.conftest import CORPUS, SEED

REQ = TableId.REQUESTS


@pytest.fixture
def seed() -> Report:
    return read_report(SEED)


def seed_table_rows() -> list[list[str]]:
    """The seed's parts 二, 三 and 四 as rows of cells, as a person would paste them into a sheet."""
    text = SEED.read_text(encoding="utf-8")
    tables = text[text.index("二、主动公开政府信息情况") : text.index("五、存在的主要问题")]
    return [line.split("\t") for line in tables.splitlines()]


def as_number(cell: str) -> object:
    try:
        return int(cell)
    except ValueError:
        try:
            return float(cell)
        except ValueError:
            return cell


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([as_number(c) for c in row])
    book.save(path)
    return path


def assert_cells_equal(report: Report, expected: Report) -> None:
    assert [(c.table, c.row, c.column, c.value) for c in report.cells] == [
        (c.table, c.row, c.column, c.value) for c in expected.cells
    ]


def test_the_cells_csv_of_the_seed_reproduces_all_its_cells(tmp_path: Path, seed: Report) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(cells_csv(seed), encoding="utf-8")
    intake = read_spreadsheet(path)
    assert len(intake.changes) == len(seed.cells)
    assert_cells_equal(preview(empty_report(), intake.changes).report, seed)


@pytest.mark.parametrize("name", ["shuyang_2025.md", "huaian_2024.pdf"])
def test_the_cells_csv_of_every_corpus_report_reproduces_it(tmp_path: Path, name: str) -> None:
    report = read_report(CORPUS / name)
    path = tmp_path / "cells.csv"
    path.write_text(cells_csv(report), encoding="utf-8-sig")
    assert_cells_equal(preview(empty_report(), read_spreadsheet(path).changes).report, report)


def test_an_xlsx_in_the_official_layout_gives_every_cell(tmp_path: Path, seed: Report) -> None:
    path = write_xlsx(tmp_path / "表格.xlsx", {"年报表格": seed_table_rows()})
    intake = read_spreadsheet(path)
    assert intake.notes == []
    assert_cells_equal(preview(empty_report(), intake.changes).report, seed)


def test_an_xlsx_with_one_sheet_per_table_and_no_headings(tmp_path: Path, seed: Report) -> None:
    rows = seed_table_rows()
    three = next(i for i, r in enumerate(rows) if r[0].startswith("三、收到"))
    four = next(i for i, r in enumerate(rows) if r[0].startswith("四、政府信息公开"))
    path = write_xlsx(
        tmp_path / "三张表.xlsx",
        {"主动公开": rows[1:three], "依申请公开": rows[three + 1 : four], "复议诉讼": rows[four + 1 :]},
    )
    assert_cells_equal(preview(empty_report(), read_spreadsheet(path).changes).report, seed)


def test_an_xlsx_with_the_cells_columns_is_read_as_cells(tmp_path: Path, seed: Report) -> None:
    rows = [line.split(",") for line in cells_csv(seed).splitlines()]
    path = write_xlsx(tmp_path / "cells.xlsx", {"cells": rows})
    assert_cells_equal(preview(empty_report(), read_spreadsheet(path).changes).report, seed)


def test_a_fee_from_an_xlsx_is_a_decimal(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "fee.xlsx", {"表": [["信息内容", "本年收费金额"], ["行政事业性收费", "2460.9543"]]})
    (change,) = read_spreadsheet(path).changes
    assert change.new == Decimal("2460.9543")


def test_a_comma_csv_in_the_official_layout(tmp_path: Path) -> None:
    lines = [
        "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和,自然人,商业企业,科研机构,社会组织,法律服务机构,其他,总计",
        "一、本年新收政府信息公开申请数量,10,2,0,0,0,0,12",
        "（一）予以公开,7,1,0,0,0,0,8",
    ]
    path = tmp_path / "申请.csv"
    path.write_text("\n".join(lines), encoding="gbk")
    changes = {c.address: c.new for c in read_spreadsheet(path).changes}
    assert changes[(REQ, "一", "总计")] == 12
    assert changes[(REQ, "三.一", "商业企业")] == 1
    assert len(changes) == 14


def test_a_row_that_cannot_be_placed_becomes_a_note(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "x.xlsx",
        {
            "表": [
                ["本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1],
                ["某某事项", 1, 2],
                ["新收", 2, 0, 0, 0, 0, 0, 2],
            ]
        },
    )
    intake = read_spreadsheet(path)
    assert len(intake.changes) == 7
    assert any("某某事项" in note and "无法识别" in note for note in intake.notes)
    assert any("出现了两次" in note for note in intake.notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空的"),
        (b"PK\x03\x04 not really a zip", "Excel"),
        ("随便写的一段话，没有表格".encode(), "没有找到标准表格"),
        ("table,row,column,value\n依申请公开,三.九,总计,1\n".encode(), "没有“依申请公开 / 三.九 / 总计”"),
        ("table,row,column,value\n依申请公开,一,总计,很多\n".encode(), "不是有效的数字"),
        ("table,row,column,value\n依申请公开,一\n".encode(), "四列"),
    ],
)
def test_a_bad_file_is_refused_with_a_chinese_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        read_spreadsheet(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="无法打开"):
        read_spreadsheet(tmp_path / "nope.xlsx")
