"""From a reader's lines to a Report: title, parts 一 to 六, and every table cell placed."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Finding, Location, Part, Report, Severity, blank_cells
from nianbao.readers.document import Document, Line, clean, looks_hard_wrapped, reflow
from nianbao.readers.readable import tables_without_their_part, unreadable_tables
from nianbao.readers.tables import COLUMNS_UNSURE, place_table_lines, split_line
from nianbao.schema import (
    PART_TITLE_VARIANTS,
    PART_TITLES,
    ReportFormat,
    TableId,
)

_HEADING = re.compile(r"^\s*(?:第)?([一二三四五六])\s*(?:、|\.|．|,|，|部分)\s*(.{2,40})$")
# What a title calls the report: 政府信息公开工作年度报告, and the variants bodies print (政务公开工作年度报告,
# 政府信息公开工作报告, 信息公开年报).
_REPORT = r"(?:政府)?\s*(?:信息|政务)\s*公开\s*(?:工作)?\s*(?:(?:年\s*度?\s*)?报\s*告|年\s*报)"
_TITLE = re.compile(
    r"(?P<agency>[^\d\n]{2,60}?)\s*(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?\s*" + _REPORT
)
_TITLE_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<agency>[^\d\n]{2,60}?)\s*" + _REPORT)
# The year after the title, in brackets: 某某局政府信息公开工作年度报告（2023年度）; or no year at all.
_TITLE_YEAR_LAST = re.compile(
    r"(?P<agency>[^\d\n]{2,60}?)\s*" + _REPORT + r"\s*[（(]\s*(?P<year>(?:19|20)\d{2})\s*年?\s*度?\s*[)）]"
)
_TITLE_WITHOUT_YEAR = re.compile(r"^(?P<agency>[^\d\n]{2,60}?)\s*" + _REPORT + r"\s*$")
# The statistics period a preamble states: 统计期限自2023年1月1日起至2023年12月31日止.
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。\n]{0,20}?12\s*月\s*31\s*日")
# A title that leaves the body to the signature (落款) at the end: "2021年政府信息公开工作年度报告".
_TITLE_WITHOUT_BODY = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*" + _REPORT + r"\s*$")
# A year written in Chinese numerals (二〇二三年, 二零二三年度, 二O二三年 typed with a letter O), read as 2023.
_CHINESE_YEAR = re.compile(r"[〇零○OＯ一二三四五六七八九]{4}(?=\s*年)")
_SPACES = re.compile(r"\s+")
_CHINESE_DIGITS = str.maketrans("〇零○OＯ一二三四五六七八九", "00000123456789")
# The signature's date line (2022年1月20日, 二〇二二年一月二十日) and what a body's name ends with.
_DATE_LINE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_CHINESE_DATE_LINE = re.compile(
    r"^[〇零○OＯ一二三四五六七八九]{4}年"
    r"[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$"
)
_BODY_ENDINGS = ("政府", "局", "委员会", "办公室", "办公厅", "厅", "委", "中心", "院", "署", "部", "办事处", "队", "所")
_SIGNATURE_LINES = 6
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


# Titles that name one part whatever numeral is printed before them (a report that restarts
# its numbering prints 一、主动公开政府信息情况 for part 二).
_OWN_TITLES: dict[str, tuple[str, ...]] = {
    "一": ("总体情况",),
    "二": ("主动公开政府信息情况",),
    "三": ("收到和处理政府信息公开申请",),
    "四": ("行政复议、行政诉讼", "被申请行政复议", "行政复议和行政诉讼"),
    "五": ("存在的主要问题及改进", "存在问题及改进", "主要问题及改进"),
    "六": ("其他需要报告的事项",),
}
_TABLE_PARTS = ("二", "三", "四")
# Numbering of another level printed before a part's title: （二）, 2., 2、
_OTHER_NUMBERING = re.compile(r"^[（(][一二三四五六][)）]\s*|^[1-6]\s*[.、．]\s*")
_NO_NUMERAL = "无"  # a heading printed without its numeral
# Words of a 五 (problems and how they are fixed) left without its heading after table 四.
_PROBLEM_WORDS = ("问题", "不足", "改进", "整改")


@dataclass
class _Section:
    number: str
    heading: str
    lines: list[Line] = field(default_factory=list)
    printed: str = ""  # the numeral printed in the heading, when not the part's own


def parse_document(document: Document) -> Report:
    """Turn a reader's lines into a Report; ReportReadError if it is not an annual report."""
    head, sections = _split_parts(document.lines)
    if _table_parts(sections) < len(_TABLE_PARTS):
        renumbered_head, renumbered = _split_parts(document.lines, by_title=True)
        if _table_parts(renumbered) > _table_parts(sections):
            head, sections = _with_untitled_first(renumbered_head, renumbered)
    _with_untitled_problems(sections)
    numbering = [_numbering_finding(sections)] if any(s.printed or not s.heading for s in sections) else []
    if len(sections) < 2:
        raise ReportReadError(
            ReadFailure.NOT_A_REPORT,
            "这不是一份政府信息公开工作年度报告：没有找到“一、总体情况”“三、收到和处理政府信息公开申请情况”"
            "等部分标题。",
        )
    fmt = _detect_format(sections)
    report = Report(format=fmt, cells=blank_cells(fmt), source=document.source)
    _fill_head(report, head, document.hard_wrapped, sections[-1].lines)
    for section in sections:
        report.parts.append(_to_part(section, document.hard_wrapped))
    table_lines = {s.number: s.lines for s in sections if s.number in ("二", "三", "四")}
    report.reader_findings.extend(numbering)
    placing = place_table_lines(report, table_lines)
    report.reader_findings.extend(placing)
    explained = {f.location.table for f in placing if f.rule == COLUMNS_UNSURE}
    report.reader_findings.extend(
        f for f in unreadable_tables(report, table_lines) if f.location.table not in explained
    )
    missing = [number for number in _TABLE_PARTS if number not in table_lines]
    elsewhere = [line for s in sections if s.number not in _TABLE_PARTS for line in s.lines] + head
    report.reader_findings.extend(tables_without_their_part(report, missing, elsewhere))
    return report


def _table_parts(sections: list[_Section]) -> int:
    return sum(1 for s in sections if s.number in _TABLE_PARTS)


def _split_parts(lines: list[Line], by_title: bool = False) -> tuple[list[Line], list[_Section]]:
    head: list[Line] = []
    sections: list[_Section] = []
    for line in lines:
        heading = _as_heading(line) or (_as_titled_heading(line) if by_title else None)
        if heading is not None and _opens_new_part(heading[0], sections):
            printed = _printed_numeral(heading[1]) or _NO_NUMERAL
            sections.append(_Section(heading[0], heading[1], printed="" if printed == heading[0] else printed))
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


def _as_titled_heading(line: Line) -> tuple[str, str] | None:
    """A heading by its title alone, whatever its numeral: 一、主动公开政府信息情况 is part 二."""
    text = clean(line.text)
    title = _OTHER_NUMBERING.sub("", text, count=1)
    if len(text) > 45 or any(ch.isdigit() for ch in title):
        return None
    squashed = text.replace(" ", "")
    if not _HEADING.match(text):
        # No numeral of a part (none, or a sub-topic's: （二）, 2.): only a line that is a part's
        # title and nothing more.
        bare = title.replace(" ", "").strip("：:。 ")
        return next(((n, text) for n, title in PART_TITLES.items() if bare in (title, *_OWN_TITLES[n])), None)
    return next(((n, text) for n, titles in _OWN_TITLES.items() if any(t in squashed for t in titles)), None)


def _printed_numeral(heading: str) -> str:
    match = _HEADING.match(heading)
    return match.group(1) if match else ""


def _with_untitled_first(head: list[Line], sections: list[_Section]) -> tuple[list[Line], list[_Section]]:
    """A report numbered its own way: its own 一、… in the head is part 一, printed without its title."""
    if "一" not in {s.number for s in sections}:
        start = next((i for i, line in enumerate(head) if _printed_numeral(clean(line.text)) == "一"), None)
        if start is not None:
            sections.insert(0, _Section("一", "", head[start:]))
            head = head[:start]
    return head, sections


def _with_untitled_problems(sections: list[_Section]) -> None:
    """No heading for 五: the problems written after table 四 are part 五, printed without its title."""
    appeals = next((s for s in sections if s.number == "四"), None)
    if appeals is None or "五" in {s.number for s in sections}:
        return
    problems = _untitled_problems(appeals.lines)
    if problems:
        appeals.lines = appeals.lines[: len(appeals.lines) - len(problems)]
        sections.insert(sections.index(appeals) + 1, _Section("五", "", problems))


def _untitled_problems(lines: list[Line]) -> list[Line]:
    """The prose after the last row of numbers of table 四, when it speaks of problems."""
    last_numbers = max((i for i, line in enumerate(lines) if split_line(line, i).has_numbers), default=-1)
    rest = lines[last_numbers + 1 :]
    prose = " ".join(clean(line.text) for line in rest)
    return rest if len(prose) >= 20 and any(word in prose for word in _PROBLEM_WORDS) else []


def _numbering_finding(sections: list[_Section]) -> Finding:
    shown = "；".join(
        f"第{s.number}部分{'没有标题' if not s.heading else f'印作“{s.heading}”'}"
        for s in sections
        if s.printed or not s.heading
    )
    return Finding(
        rule="structure.numbering",
        severity=Severity.WARNING,
        location=Location(part=next((s.number for s in sections if s.printed or not s.heading), None)),
        expected="一、总体情况 至 六、其他需要报告的事项",
        found=shown,
        message=(
            f"各部分的编号或标题与标准格式不一致（{shown}）：已按标题和表格内容找到各部分并读取；"
            "请按格式将六个部分依次编号为一至六并写明标题。"
        ),
    )


def _fill_head(report: Report, head: list[Line], hard_wrapped: bool | None, ending: list[Line]) -> None:
    texts = [clean(line.text) for line in head if line.text.strip()]
    report.title, report.agency, report.year = _find_title(texts)
    if report.year is None:
        report.title, report.year = _find_title_without_body(texts)
        report.agency = _signature(ending) if report.year is not None else None
    if report.year is None:
        report.title, report.agency, report.year = _find_title_without_year(texts)
    start = texts.index(report.title.split("\n")[-1]) + 1 if report.title else 0
    report.preamble = "\n".join(_paragraphs(texts[start:], hard_wrapped))


def _find_title(texts: list[str]) -> tuple[str, str | None, int | None]:
    for pattern in (_TITLE, _TITLE_YEAR_FIRST, _TITLE_YEAR_LAST):
        for start in range(0, min(len(texts), 6)):
            for size in (1, 2, 3):
                window = texts[start : start + size]
                match = pattern.search(_title_text("".join(window)))
                agency = _clean_agency(match.group("agency")) if match else ""
                if match and agency not in ("", "政府", "本机关"):
                    return "\n".join(window), agency, int(match.group("year"))
    return "", None, None


def _title_text(text: str) -> str:
    """A title line as matched: without spaces (a centred title is often spaced out, 2 0 2 3 年 or every
    character apart) and with its year in Arabic digits."""
    return arabic_years(_SPACES.sub("", text))


def arabic_years(text: str) -> str:
    """Years written in Chinese numerals (二〇二三年) in Arabic digits (2023年)."""
    return _CHINESE_YEAR.sub(lambda match: match.group(0).translate(_CHINESE_DIGITS), text)


def _find_title_without_body(texts: list[str]) -> tuple[str, int | None]:
    """A title naming only the year; the body signs at the end."""
    for text in texts[:6]:
        match = _TITLE_WITHOUT_BODY.match(_title_text(text))
        if match:
            return text, int(match.group("year"))
    return "", None


def _find_title_without_year(texts: list[str]) -> tuple[str, str | None, int | None]:
    """A title naming only the body: the year is the statistics period's, if the preamble states it."""
    for text in texts[:6]:
        match = _TITLE_WITHOUT_YEAR.match(_title_text(text))
        agency = _clean_agency(match.group("agency")) if match else ""
        if match and agency not in ("", "政府", "本机关"):
            period = next((found for t in texts[:20] if (found := _PERIOD.search(t))), None)
            return text, agency, int(period.group(1)) if period else None
    return "", None, None


def _signature(lines: list[Line]) -> str | None:
    """The body's name in the signature (落款): the short line above the date that ends the report."""
    texts = [clean(line.text).replace(" ", "") for line in lines if line.text.strip()][-_SIGNATURE_LINES:]
    for above, below in itertools.pairwise(texts):
        is_date = _DATE_LINE.match(below) or _CHINESE_DATE_LINE.match(below)
        if is_date and len(above) <= 30 and above.endswith(_BODY_ENDINGS):
            return normalise_agency(above)
    return None


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
