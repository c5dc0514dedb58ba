"""Every corpus report reads with every cell right.

The expected cells in tests/fixtures/expected_cells/ were typed by hand from the source files
(the text file, the Markdown file and the PDF's text layer), not produced by our reader.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.readers import read_report
from nianbao.schema import PART_NUMERALS, ReportFormat

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected_cells"

CORPUS_FILES = {
    "luyi_2021": ("luyi_2021.txt", "鹿邑县人民政府", 2021),
    "shuyang_2025": ("shuyang_2025.md", "沐阳县人民政府", 2025),
    "huaian_2024": ("huaian_2024.pdf", "淮安市人民政府", 2024),
}

HEADINGS = {
    "luyi_2021": (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ),
    "shuyang_2025": (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ),
    "huaian_2024": (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ),
}


def _source(name: str) -> Path:
    return CORPUS / CORPUS_FILES[name][0]


def _cells_cli(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "cells", str(path)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_cells_command_prints_every_cell_as_typed_by_hand(name: str) -> None:
    expected = (EXPECTED / f"{name}.csv").read_text(encoding="utf-8")
    assert _cells_cli(_source(name)).splitlines() == expected.splitlines()


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_expected_cells_are_the_200_cells_of_the_2021_format(name: str) -> None:
    lines = (EXPECTED / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "table,row,column,value"
    assert len(lines) == 1 + 200


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_agency_year_and_format_are_recognised(name: str) -> None:
    _, agency, year = CORPUS_FILES[name]
    report = read_report(_source(name))
    assert (report.agency, report.year, report.format) == (agency, year, ReportFormat.F2021)


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_the_six_parts_come_out_in_order_with_their_headings(name: str) -> None:
    report = read_report(_source(name))
    assert [p.number for p in report.parts] == list(PART_NUMERALS)
    assert tuple(p.heading for p in report.parts) == HEADINGS[name]
    assert all(p.text for p in report.parts)


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_reader_places_every_row_without_findings(name: str) -> None:
    report = read_report(_source(name))
    assert report.reader_findings == []


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_corpus_reports_check_without_errors(name: str) -> None:
    # Checked by hand against each file: every row total, column total and 一+二 = 三.七+四 holds,
    # each 复议诉讼 row adds up, and the figures quoted in the narrative equal the cells —
    # 鹿邑 受理 223 = 一, 全部按时答复 with 四 = 0; 沐阳 受理 749 = 713 + 36 (自然人 741, 法人 8),
    # 办理 718 = 三.七, 结转 31, 复议诉讼 74 = 61 + 3 + 10; 淮安 受理 3119, 答复 3050 (含结转 34),
    # 顺延 103 = 四, 复议 351 = 72 + 64 + 178 + 37, 诉讼 46 = 26 + 20 with 25/5/9/7 by result.
    # So no rule may report an error here (warnings, e.g. an old year quoted, are allowed).
    result = check_report(read_report(_source(name)))
    assert [(f.rule, f.message) for f in result.errors] == []


def test_shuyang_split_markdown_tables_keep_rows_right() -> None:
    # The 依申请公开 table is cut into small tables with placeholder columns 数据1…数据6 and a
    # broken header (本年新收件数 … over the 三.六.2 row); values still go by canonical column.
    report = read_report(_source("shuyang_2025"))
    assert report.value("依申请公开", "三.六.2", "自然人") == 7
    assert report.value("依申请公开", "三.六.3", "商业企业") == 1
    assert report.value("依申请公开", "三.七", "法律服务机构") == 5
    assert report.value("依申请公开", "四", "总计") == 31


def test_pdf_page_numbers_are_not_part_of_the_text() -> None:
    report = read_report(_source("huaian_2024"))
    texts = [report.preamble, *(p.text for p in report.parts)]
    assert not any(
        line.strip().startswith("- ") and line.strip().endswith(" -") for t in texts for line in t.split("\n")
    )


def test_pdf_paragraph_continues_across_a_page_break() -> None:
    report = read_report(_source("huaian_2024"))
    assert "建设‘四最’一流营商环境高质量推进产业发展" in report.part_text("一")
