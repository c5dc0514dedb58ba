"""From a reader's lines to a Report: title, parts 一 to 六, and every table cell placed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Part, Report, blank_cells
from nianbao.readers.document import Document, Line, clean, looks_hard_wrapped, reflow
from nianbao.readers.tables import place_table_lines
from nianbao.schema import (
    PART_TITLE_VARIANTS,
    ReportFormat,
    TableId,
)

_HEADING = re.compile(r"^\s*(?:第)?([一二三四五六])\s*(?:、|\.|．|,|，|部分)\s*(.{2,40})$")
_TITLE = re.compile(
    r"(?P<agency>[^\d\n]{2,60}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
    r"(?:的)?\s*(?:政府)?\s*信息\s*公开\s*(?:工作)?\s*年\s*度?\s*报\s*告"
)
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<agency>[^\d\n]{2,60}?)\s*(?:政府)?\s*信息\s*公开\s*"
    r"(?:工作)?\s*年\s*度?\s*报\s*告"
)
# What only one of the two formats prints: the columns of 表二, its rows, and the sub-rows
# of 依申请公开 that the 2021 format added (不予处理 5, 其他处理 1–2).
_FORMAT_2019_MARKS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "政府集中采购",
)
_FORMAT_2021_MARKS = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
    "行政规范性文件",
    "重新出具",
    "已获取信息",
    "逾期不补正",
    "收费通知",
)
_NARRATIVE_PARTS = ("一", "五", "六")


@dataclass
class _Section:
    number: str
    heading: str
    lines: list[Line] = field(default_factory=list)


def parse_document(document: Document) -> Report:
    """Turn a reader's lines into a Report; ReportReadError if it is not an annual report."""
    head, sections = _split_parts(document.lines)
    if len(sections) < 2:
        raise ReportReadError(
            ReadFailure.NOT_A_REPORT,
            "这不是一份政府信息公开工作年度报告：没有找到“一、总体情况”“三、收到和处理政府信息公开申请情况”"
            "等部分标题。",
        )
    fmt = _detect_format(sections)
    report = Report(format=fmt, cells=blank_cells(fmt), source=document.source)
    _fill_head(report, head, document.hard_wrapped)
    for section in sections:
        report.parts.append(_to_part(section, document.hard_wrapped))
    table_lines = {s.number: s.lines for s in sections if s.number in ("二", "三", "四")}
    report.reader_findings.extend(place_table_lines(report, table_lines))
    return report


def _split_parts(lines: list[Line]) -> tuple[list[Line], list[_Section]]:
    head: list[Line] = []
    sections: list[_Section] = []
    for line in lines:
        heading = _as_heading(line)
        if heading is not None and _opens_new_part(heading[0], sections):
            sections.append(_Section(heading[0], heading[1]))
        elif sections:
            sections[-1].lines.append(line)
        else:
            head.append(line)
    return head, sections


def _opens_new_part(number: str, sections: list[_Section]) -> bool:
    # Table rows such as 四、结转下年度继续办理 never match a part title, so a numeral seen
    # for the first time with a part's title opens that part, even out of order.
    return number not in {s.number for s in sections}


def _as_heading(line: Line) -> tuple[str, str] | None:
    text = clean(line.text)
    if len(text) > 45 or any(ch.isdigit() for ch in text):
        return None
    match = _HEADING.match(text)
    if not match:
        return None
    number, title = match.group(1), match.group(2)
    squashed = title.replace(" ", "")
    if any(variant in squashed for variant in PART_TITLE_VARIANTS[number]):
        return number, text
    return None


def _fill_head(report: Report, head: list[Line], hard_wrapped: bool | None) -> None:
    texts = [clean(line.text) for line in head if line.text.strip()]
    report.title, report.agency, report.year = _find_title(texts)
    start = texts.index(report.title.split("\n")[-1]) + 1 if report.title else 0
    report.preamble = "\n".join(_paragraphs(texts[start:], hard_wrapped))


def _find_title(texts: list[str]) -> tuple[str, str | None, int | None]:
    for pattern in (_TITLE, _TITLE_YEAR_FIRST):
        for start in range(0, min(len(texts), 6)):
            for size in (1, 2, 3):
                window = texts[start : start + size]
                match = pattern.search("".join(window))
                agency = _clean_agency(match.group("agency")) if match else ""
                if match and agency not in ("", "政府", "本机关"):
                    return "\n".join(window), agency, int(match.group("year"))
    return "", None, None


# What a web page or a converter puts before the title: a field label, or stray marks ("_平潭…").
_AGENCY_LABEL = re.compile(r"^.*?(?:标题|题目|名称|文件名|发布机构|来源)\s*[:：]")
_NOT_CHINESE_EDGE = re.compile(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff）)]+$")


def normalise_agency(text: str) -> str:
    """The body's name as printed, less a page's field label, stray marks and spaces."""
    text = _AGENCY_LABEL.sub("", text.replace(" ", ""))
    return _NOT_CHINESE_EDGE.sub("", text)


def _clean_agency(text: str) -> str:
    return normalise_agency(text)


def _detect_format(sections: list[_Section]) -> ReportFormat:
    tables = " ".join(clean(line.text) for s in sections if s.number in ("二", "三") for line in s.lines).replace(
        " ", ""
    )
    # 表二's columns decide (they cannot be read into the other format's); else the whole
    # report does, not one row: a 2021 report whose （六）其他处理 is printed as one row still
    # has 2021's 表二 and its fifth 不予处理 sub-row.
    if any(mark in tables for mark in _FORMAT_2019_MARKS):
        return ReportFormat.F2019
    if any(mark in tables for mark in _FORMAT_2021_MARKS):
        return ReportFormat.F2021
    if "其他处理" in tables and "逾期不补正" not in tables and "收费通知" not in tables:
        return ReportFormat.F2019
    return ReportFormat.F2021


def _to_part(section: _Section, hard_wrapped: bool | None) -> Part:
    texts = [clean(line.text) for line in section.lines]
    if section.number in _NARRATIVE_PARTS:
        texts = _paragraphs(texts, hard_wrapped)
    return Part(number=section.number, heading=section.heading, text="\n".join(t for t in texts if t))


def _paragraphs(texts: list[str], hard_wrapped: bool | None) -> list[str]:
    wrapped = looks_hard_wrapped(texts) if hard_wrapped is None else hard_wrapped
    return reflow(texts) if wrapped else [t for t in texts if t]


def table_of_part(number: str) -> TableId | None:
    """Which table a part holds (二 主动公开, 三 依申请公开, 四 复议诉讼), if any."""
    return {"二": TableId.ACTIVE, "三": TableId.REQUESTS, "四": TableId.APPEALS}.get(number)
