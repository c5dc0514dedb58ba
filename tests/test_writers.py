"""Every writer's output reads back through our readers with every cell and part equal."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.model import Part, Report, empty_report
from nianbao.readers import read_report, read_report_bytes
from nianbao.schema import PART_TITLES, ReportFormat, TableId, ValueKind, rows_of
from nianbao.writers import write_docx, write_markdown, write_text
from tests.conftest import CORPUS, SEED

CORPUS_FILES = ("luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf")


def as_bytes(output: str | bytes) -> bytes:
    return output if isinstance(output, bytes) else output.encode("utf-8")


WRITERS: dict[str, Callable[[Report], bytes]] = {
    "docx": lambda r: write_docx(r),
    "md": lambda r: as_bytes(write_markdown(r)),
    "txt": lambda r: as_bytes(write_text(r)),
}


def cell_values(report: Report) -> list[tuple[str, str, str, object, bool]]:
    return [(c.table.value, c.row, c.column, c.value, c.is_blank) for c in report.cells]


def round_trip(report: Report, kind: str) -> Report:
    return read_report_bytes(WRITERS[kind](report), f"copy.{kind}")


def assert_same_report(copy: Report, original: Report) -> None:
    assert cell_values(copy) == cell_values(original)
    assert (copy.agency, copy.year, copy.format) == (original.agency, original.year, original.format)
    assert [p.heading for p in copy.parts] == [p.heading for p in original.parts]
    for number in ("一", "五", "六"):
        assert copy.part_text(number) == original.part_text(number)


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


@pytest.mark.parametrize("kind", ["md", "txt"])
@pytest.mark.parametrize("source", CORPUS_FILES)
def test_markdown_and_text_read_back_with_every_cell_and_part_equal(kind: str, source: str) -> None:
    original = read_report(CORPUS / source)
    assert_same_report(round_trip(original, kind), original)


NARRATIVE_2019 = "2020年，本局认真贯彻《条例》。\n（一）主动公开情况\n全年主动公开信息120条。"


def report_2019() -> Report:
    """A 2019-format report, every cell filled with a distinct figure except every seventh, left blank."""
    report = empty_report(ReportFormat.F2019)
    report.agency, report.year = "某市生态环境局", 2020
    for number, title in PART_TITLES.items():
        text = (
            "2020年，本局认真贯彻《条例》。\n（一）主动公开情况\n全年主动公开信息120条。" if number in "一五六" else ""
        )
        report.parts.append(Part(number=number, heading=f"{number}、{title}", text=text))
    position = 0
    for spec in rows_of(ReportFormat.F2019):
        for column in spec.columns:
            position += 1
            if position % 7:
                money = spec.kind_of(column) is ValueKind.MONEY
                report.set_value(spec.table, spec.key, column, Decimal(f"{position}.05") if money else position % 11)
    return report


@pytest.mark.parametrize("kind", ["docx", "md", "txt"])
def test_2019_format_report_round_trips_and_is_recognised_as_2019(kind: str) -> None:
    original = report_2019()
    copy = round_trip(original, kind)
    assert copy.format is ReportFormat.F2019
    assert_same_report(copy, original)
    assert copy.value(TableId.ACTIVE, "政府集中采购", "采购总金额") == original.value(
        TableId.ACTIVE, "政府集中采购", "采购总金额"
    )
    assert copy.value(TableId.REQUESTS, "三.六", "总计") == original.value(TableId.REQUESTS, "三.六", "总计")


@pytest.mark.parametrize("kind", ["docx", "md", "txt"])
def test_blank_cells_stay_blank_and_zeros_stay_zero(kind: str, seed: Report) -> None:
    report = seed.model_copy(deep=True)
    report.set_value(TableId.REQUESTS, "三.三.1", "科研机构", None)
    report.set_value(TableId.REQUESTS, "三.三.1", "总计", None)
    report.set_value(TableId.ACTIVE, "行政事业性收费", "本年收费金额", None)
    report.set_value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计", None)
    copy = round_trip(report, kind)
    for table, row, column in (
        (TableId.REQUESTS, "三.三.1", "总计"),
        (TableId.REQUESTS, "三.三.1", "科研机构"),
        (TableId.ACTIVE, "行政事业性收费", "本年收费金额"),
        (TableId.APPEALS, "行政诉讼/复议后起诉", "总计"),
    ):
        assert copy.cell(table, row, column).is_blank
        assert copy.value(table, row, column) is None
    assert copy.value(TableId.REQUESTS, "三.三.1", "自然人") == 0
    assert cell_values(copy) == cell_values(report)


def test_money_keeps_its_published_decimals(seed: Report) -> None:
    copy = round_trip(seed, "docx")
    assert copy.value(TableId.ACTIVE, "行政事业性收费", "本年收费金额") == Decimal("2460.9543")


def test_report_with_only_figures_gets_the_official_title_and_part_headings() -> None:
    report = empty_report()
    report.agency, report.year = "某县交通运输局", 2023
    report.set_value(TableId.REQUESTS, "一", "自然人", 3)
    text = write_markdown(report)
    assert text.startswith("# 某县交通运输局2023年政府信息公开工作年度报告")
    for heading in (
        "## 二、主动公开政府信息情况",
        "## 三、收到和处理政府信息公开申请情况",
        "## 四、政府信息公开行政复议",
    ):
        assert heading in text
    copy = read_report_bytes(text.encode(), "figures.md")
    assert (copy.agency, copy.year) == ("某县交通运输局", 2023)
    assert copy.value(TableId.REQUESTS, "一", "自然人") == 3


# --- the official DOCX layout ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_docx(seed: Report) -> docx.document.Document:
    return docx.Document(BytesIO(write_docx(seed)))


def east_asian_font(paragraph: docx.text.paragraph.Paragraph) -> str | None:
    """The East Asian font a paragraph is set in (its style's w:eastAsia)."""
    return paragraph.style.element.rPr.rFonts.get(qn("w:eastAsia"))


def alignment(paragraph: docx.text.paragraph.Paragraph) -> object:
    return paragraph.alignment if paragraph.alignment is not None else paragraph.style.paragraph_format.alignment


def test_part_headings_are_heiti_and_text_is_fangsong(seed_docx: docx.document.Document) -> None:
    paragraphs = {p.text: p for p in seed_docx.paragraphs if p.text}
    assert east_asian_font(paragraphs["一、总体情况"]) == "黑体"
    assert east_asian_font(paragraphs["五、存在的主要问题及改进情况"]) == "黑体"
    outline = paragraphs["一、总体情况"].style.element.pPr.outlineLvl
    assert outline.get(qn("w:val")) == "0"  # in Word's navigation pane
    body = next(p for text, p in paragraphs.items() if text.startswith("2021年以来，鹿邑县在认真学习"))
    assert east_asian_font(body) == "仿宋_GB2312"
    assert east_asian_font(paragraphs["（一）机构与制度建设取得新进展"]) == "楷体_GB2312"
    title = seed_docx.paragraphs[0]
    assert title.text == "鹿邑县人民政府2021年政府信息公开工作年度报告"
    assert east_asian_font(title) == "方正小标宋简体"
    assert alignment(title) == WD_ALIGN_PARAGRAPH.CENTER


def test_fangsong_gb2312_falls_back_to_fangsong(seed: Report) -> None:
    with zipfile.ZipFile(BytesIO(write_docx(seed))) as archive:
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def grid_text(table: docx.table.Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_request_table_has_the_official_merged_headers(seed_docx: docx.document.Document) -> None:
    requests = seed_docx.tables[1]
    grid = grid_text(requests)
    assert grid[0][3:10] == ["申请人情况"] * 7
    assert grid[1][3] == grid[2][3] == "自然人"
    assert grid[1][4:9] == ["法人或其他组织"] * 5
    assert grid[2][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert grid[1][9] == grid[2][9] == "总计"
    outcomes = [row for row in grid if row[0] == "三、本年度办理结果"]
    assert len(outcomes) == 22  # （一）（二）, 8 + 3 + 5 + 3 items, （七）
    assert [row[1] for row in outcomes].count("（三）不予公开") == 8
    assert grid[3][:3] == ["一、本年新收政府信息公开申请数量"] * 3
    assert grid[3][3:] == ["210", "3", "0", "2", "0", "8", "223"]


def test_merges_are_real_word_merges(seed_docx: docx.document.Document) -> None:
    cells = seed_docx.tables[1]._tbl.xpath(".//w:tc")
    spans = [c.xpath("./w:tcPr/w:gridSpan/@w:val") for c in cells]
    merges = [c.xpath("./w:tcPr/w:vMerge/@w:val") for c in cells]
    assert ["7"] in spans and ["5"] in spans
    assert ["restart"] in merges


def test_appeals_table_has_review_and_litigation_headers(seed_docx: docx.document.Document) -> None:
    grid = grid_text(seed_docx.tables[2])
    assert grid[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert grid[1][5:] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert grid[2] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert grid[3][:5] == ["1", "0", "0", "0", "1"]


def test_numbers_are_right_aligned(seed_docx: docx.document.Document) -> None:
    requests = seed_docx.tables[1]
    value_cell = requests.rows[3].cells[3]
    label_cell = requests.rows[3].cells[0]
    assert alignment(value_cell.paragraphs[0]) == WD_ALIGN_PARAGRAPH.RIGHT
    assert alignment(label_cell.paragraphs[0]) == WD_ALIGN_PARAGRAPH.LEFT
    assert alignment(requests.rows[0].cells[5].paragraphs[0]) == WD_ALIGN_PARAGRAPH.CENTER  # 申请人情况


def test_active_table_lists_each_article_with_its_columns(seed_docx: docx.document.Document) -> None:
    grid = grid_text(seed_docx.tables[0])
    assert grid[0] == ["第二十条第（一）项"] * 4
    assert grid[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    licence = next(row for row in grid if row[0] == "行政许可")
    assert licence[1] == "20815"


def test_markdown_has_one_row_per_canonical_row_with_official_labels(seed: Report) -> None:
    text = write_markdown(seed)
    assert "| （三）不予公开 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "| 一、本年新收政府信息公开申请数量 | 210 | 3 | 0 | 2 | 0 | 8 | 223 |" in text
    assert "| 行政诉讼 复议后起诉 | 0 | 0 | 0 | 0 | 0 |" in text
    request_rows = [line for line in text.splitlines() if line.startswith("| （") or line.startswith("| 一、")]
    assert len(request_rows) == 1 + 22  # 一 and the outcome rows


def test_text_writer_writes_tab_separated_rows_like_the_seed(seed: Report) -> None:
    report = seed.model_copy(deep=True)
    report.set_value(TableId.REQUESTS, "四", "总计", None)
    lines = write_text(report).splitlines()
    assert "规章\t0\t0\t0" in lines
    assert "（七）总计\t210\t3\t0\t2\t0\t8\t223" in lines
    assert "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t—" in lines


def filled_report(fmt: ReportFormat, figures: list[int | None]) -> Report:
    """A report of this format whose cells take ``figures`` in turn (None: blank), money as 万元 with decimals."""
    report = empty_report(fmt)
    report.agency, report.year = "某县人民政府", 2024
    for number, title in PART_TITLES.items():
        text = "本年度工作稳步推进。" if number in "一五六" else ""
        report.parts.append(Part(number=number, heading=f"{number}、{title}", text=text))
    cells = [(spec, column) for spec in rows_of(fmt) for column in spec.columns]
    for (spec, column), figure in zip(cells, figures * len(cells), strict=False):
        value: int | Decimal | None = figure
        if figure is not None and spec.kind_of(column) is ValueKind.MONEY:
            value = Decimal(figure) / 10_000
        report.set_value(spec.table, spec.key, column, value)
    return report


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from(list(ReportFormat)),
    st.lists(st.one_of(st.none(), st.integers(0, 10**7)), min_size=1, max_size=60),
    st.sampled_from(["docx", "md", "txt"]),
)
def test_any_figures_round_trip_through_every_writer(fmt: ReportFormat, figures: list[int | None], kind: str) -> None:
    original = filled_report(fmt, figures)
    assert_same_report(round_trip(original, kind), original)


@pytest.mark.parametrize("kind", ["docx", "md", "txt"])
def test_a_heading_no_reader_would_know_is_written_as_the_official_one(kind: str, seed: Report) -> None:
    report = seed.model_copy(deep=True)
    overview = report.part("一")
    assert overview is not None
    overview.heading = "总体情况（2021年度）"
    copy = round_trip(report, kind)
    assert copy.parts[0].heading == "一、总体情况"
    assert copy.part_text("一") == seed.part_text("一")
