"""A table of which not one number could be read is an error, not a blank table to pass over.

Numbers printed as Chinese numerals (〇 一 二), in scientific notation (1e30), as NaN or inf, as
superscripts, or lost in a conversion leave every cell of the table unread: the rules then have
nothing to check and the report would pass with 错误 0 项. The reader says so instead.
"""

from __future__ import annotations

import re

from nianbao.model import Finding, Location, Report, Severity
from nianbao.readers.document import Line
from nianbao.schema import TableId

TABLES = {"二": TableId.ACTIVE, "三": TableId.REQUESTS, "四": TableId.APPEALS}
_SAMPLE = 40
MIN_ROWS = 3
_WORD = re.compile(r"[\u4e00-\u9fff](?<![〇一二三四五六七八九十])")  # a Chinese character, Chinese numerals aside


def unreadable_tables(report: Report, lines: dict[str, list[Line]]) -> list[Finding]:
    """An error for each table part present whose table gave no number at all."""
    findings = []
    for number, table in TABLES.items():
        if not _printed_a_table(lines.get(number, [])) or any(c.is_number for c in report.cells if c.table is table):
            continue  # no table printed (a sentence instead, 本年度未发生…): the reader's missing-rows finding says so
        sample = _sample(lines[number])
        printed = f"表中印的是“{sample}”" if sample else "表中没有内容"
        findings.append(
            Finding(
                rule="tables.unreadable",
                severity=Severity.ERROR,
                location=Location(table=table, part=number),
                expected="表格中的阿拉伯数字",
                found=sample or "空",
                message=f"第{number}部分的表格（{table.value}）中没有读到任何数字（{printed}），无法核对。"
                + _advice(lines[number]),
            )
        )
    return findings


MIN_NUMBERS = 10
_FIGURE = re.compile(r"\d+")
_STANDALONE_FIGURE = re.compile(r"(?<![\w.])\d+(?![\w.])")  # 12 alone, not the digits of 1e30 or 第1


def _advice(lines: list[Line]) -> str:
    """What to do: numbers were printed but could not be placed, or none was printed as digits."""
    standalone = sum(len(_STANDALONE_FIGURE.findall(line.text)) for line in lines)
    if standalone >= MIN_NUMBERS:
        return (
            "表中印有数字，但无法确定它们属于哪一行、哪一列（表格可能被转换成了连续的文字，或缺少表头）；"
            "请改用原始的 Word、PDF 文件，或按标准格式重新粘贴表格。"
        )
    return "请确认表中的数字是阿拉伯数字（不是中文数字、科学计数法或上标），或改用原始的 Word、PDF 文件。"


def _printed_a_table(lines: list[Line]) -> bool:
    """Some rows were printed: at least MIN_ROWS lines of several cells, or short lines that are not sentences,
    or MIN_NUMBERS figures however they were laid out (a whole table run into one line by a converter)."""
    if sum(len(_FIGURE.findall(line.text)) for line in lines) >= MIN_NUMBERS:
        return True
    rows = 0
    for line in lines:
        cells = [cell.strip() for cell in line.cells if cell.strip()]
        text = " ".join(cells)
        if len(cells) > 1 or (text and len(text) <= _SAMPLE and not text.endswith("。")):
            rows += 1
    return rows >= MIN_ROWS


def _sample(lines: list[Line]) -> str:
    """The first row that looks like a label and its figures (its last cell no word), as printed, cut short;
    else the table's first line."""
    rows = [[cell.strip() for cell in line.cells if cell.strip()] for line in lines]
    rows = [cells for cells in rows if cells]
    figures = [cells for cells in rows if len(cells) > 1 and not _WORD.search(cells[-1])]
    chosen = " ".join((figures or rows or [[]])[0])
    return chosen[:_SAMPLE] + ("…" if len(chosen) > _SAMPLE else "")


def tables_without_their_part(report: Report, missing: list[str], elsewhere: list[Line]) -> list[Finding]:
    """An error for each table part not found while table rows with figures stand in other parts: the
    tables were printed, but where their part's heading could not be found (never a blank table passed)."""
    figures = sum(len(_FIGURE.findall(line.text)) for line in elsewhere if line.grid)
    if figures < MIN_NUMBERS:
        return []
    return [
        Finding(
            rule="tables.unreadable",
            severity=Severity.ERROR,
            location=Location(table=TABLES[number], part=number),
            expected=f"第{number}部分及其表格",
            found="未找到",
            message=(
                f"没有找到第{number}部分的标题，其表格（{TABLES[number].value}）无法确定位置，未读入；"
                "报告其他部分中有带数字的表格，可能就是它。请按标准格式写明该部分的标题。"
            ),
        )
        for number in missing
        if not any(c.is_number for c in report.cells if c.table is TABLES[number])
    ]
