"""Review a draft against the national template and against last year's report.

``review(draft, previous)`` returns one :class:`Review`: every checker finding, the template
checks the checker does not make (format version, parts listed twice), and, when last year's
report is given, the figures side by side, the large changes the narrative does not explain,
the cross-year rules, the copied paragraphs, the sentences that still quote last year's figure
or year, and last year's problems (五) left unanswered.

Each change is reported once. A missing row takes its blank cells and changed cells with it; a
missing table is one item, told with its part when the part is missing too; a rule failing a
column and the 总计 of the same row is one item; a sentence quoting last year's figure is told
with the narrative rule's finding on that sentence; an old year inside a copied paragraph is
told with the copy (a wrong figure stays an item of its own); a large change at a cell another
item already speaks of is not repeated.

Large change (documented threshold): a headline figure (``HEADLINE_CELLS``) is a large change
when this year's value is at least twice or at most half of last year's (``LARGE_RATIO``) and
differs by at least ``LARGE_MIN_DIFFERENCE``. It is explained when a sentence of 一, 五 or 六
names the quantity and uses a word of comparison (同比, 较上年, 增长, 下降, 翻番 …).

When ``previous`` is of the same year as the draft it is an earlier version of the same
report (版本比对): every changed cell is an item, and the cross-year, copying and stale-year
checks do not apply.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from nianbao.checker import check_report
from nianbao.claims.counts import count_claims
from nianbao.claims.text import narrative_sentences, sentences
from nianbao.model import CellNumber, Finding, Location, Report, Severity
from nianbao.numerals import normalize_digits
from nianbao.problems import problems_listed
from nianbao.rules.copying import NARRATIVE_PARTS, copied_parts, is_same_year
from nianbao.schema import PART_NUMERALS, PART_TITLES, TABLE_PARTS, ReportFormat, TableId, addresses, rows_of
from nianbao.similarity import ParagraphCopy

LARGE_RATIO = 2.0
LARGE_MIN_DIFFERENCE = 20
HEADLINE_CELLS: dict[tuple[TableId, str, str], tuple[str, tuple[str, ...]]] = {
    (TableId.REQUESTS, "一", "总计"): ("本年新收政府信息公开申请", ("申请",)),
    (TableId.ACTIVE, "行政规范性文件", "本年制发件数"): ("本年制发行政规范性文件", ("规范性文件",)),
    (TableId.ACTIVE, "行政许可", "本年处理决定数量"): ("行政许可处理决定", ("许可",)),
    (TableId.ACTIVE, "行政处罚", "本年处理决定数量"): ("行政处罚处理决定", ("处罚",)),
    (TableId.ACTIVE, "行政强制", "本年处理决定数量"): ("行政强制处理决定", ("强制",)),
    (TableId.ACTIVE, "行政事业性收费", "本年收费金额"): ("行政事业性收费金额", ("收费",)),
    (TableId.APPEALS, "行政复议", "总计"): ("政府信息公开行政复议", ("复议",)),
}
COMPARISON_WORDS = re.compile(
    r"同比|环比|上年同期|[较比与](?:上一?年度?|去年)|增长|增加|减少|下降|上升|回落|翻番|倍|增幅|降幅|大幅|明显"
)
"""Words that compare with last year; 上年结转 alone is a row of the table, not a comparison."""
PAST_MARKERS = re.compile(
    r"上一?年|去年|同比|相比|[较比]\s*(?:19|20)\d{2}|结转|以来|截至|截止|年底|年末|整改|此前|之前"
)
"""Words that make a sentence naming last year's year a look back, not this year's work."""
ANSWER_SHARE = 0.5
"""A problem of last year counts as answered when one sentence of this year's 五 holds this share of its words."""


class ItemKind(StrEnum):
    """What a review item is about."""

    STRUCTURE = "structure"
    ROWS = "rows"
    FORMAT = "format"
    CHECK = "check"
    CHANGE = "change"
    CROSS_YEAR = "crossyear"
    COPY = "copy"
    STALE_FIGURE = "stale_figure"
    STALE_YEAR = "stale_year"
    RECTIFICATION = "rectification"


class ReviewItem(BaseModel):
    """One thing a reviewer should look at, with a stable anchor id for links."""

    id: str
    kind: ItemKind
    severity: Severity
    location: Location = Field(default_factory=Location)
    message: str
    rule: str | None = None
    expected: str | None = None
    found: str | None = None
    similarity: float | None = None
    place: str = ""
    """The anchor id of the place the item is about (a cell, a paragraph or a part)."""


class CellComparison(BaseModel):
    """A cell this year and last year, and the change."""

    table: TableId
    row: str
    row_label: str
    column: str
    current: CellNumber | None = None
    previous: CellNumber | None = None
    current_raw: str = ""
    previous_raw: str = ""
    change: CellNumber | None = None
    percent: float | None = None
    changed: bool = False
    place: str = ""


class PartComparison(BaseModel):
    """A narrative part this year and last year: paragraphs, copied passages and share copied."""

    number: str
    heading: str = ""
    previous_heading: str = ""
    paragraphs: list[ParagraphCopy] = Field(default_factory=list)
    previous_paragraphs: list[str] = Field(default_factory=list)
    copied_share: float = 0.0


ReviewMode = Literal["template", "last_year", "version"]


class Review(BaseModel):
    """Everything a reviewer gets for one draft."""

    source: str = ""
    previous_source: str = ""
    agency: str | None = None
    year: int | None = None
    previous_year: int | None = None
    format: ReportFormat = ReportFormat.F2021
    mode: ReviewMode = "template"
    items: list[ReviewItem] = Field(default_factory=list)
    cells: list[CellComparison] = Field(default_factory=list)
    parts: list[PartComparison] = Field(default_factory=list)
    headings: dict[str, str] = Field(default_factory=dict)
    """Each part's heading as written, by numeral (一 … 六)."""
    previous_headings: dict[str, str] = Field(default_factory=dict)

    @property
    def errors(self) -> list[ReviewItem]:
        return [i for i in self.items if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[ReviewItem]:
        return [i for i in self.items if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def review(draft: Report, previous: Report | None = None) -> Review:
    """Review a draft against the template and, when given, against last year's report."""
    mode = _mode(draft, previous)
    result = Review(
        source=draft.source,
        previous_source=previous.source if previous else "",
        agency=draft.agency,
        year=draft.year,
        previous_year=previous.year if previous else None,
        format=draft.format,
        mode=mode,
        headings=_headings(draft),
        previous_headings=_headings(previous) if previous else {},
    )
    checker_previous = previous if mode == "last_year" else None
    collector = _Collector(draft)
    collector.add_findings(check_report(draft, checker_previous).findings)
    collector.add_all(_template_items(draft))
    result.parts = compare_parts(draft, previous, mode)
    if previous is not None:
        result.cells = compare_cells(draft, previous)
        collector.add_all(_change_items(draft, result.cells, mode))
    if previous is not None and mode == "last_year":
        collector.add_all(stale_figure_items(draft, previous))
        collector.add_all(stale_year_items(draft))
        collector.add_all(unanswered_problem_items(draft, previous))
    result.items = sorted(collector.items, key=lambda i: i.severity is not Severity.ERROR)
    _add_similarity(result)
    return result


def _add_similarity(result: Review) -> None:
    """A copied paragraph's item carries the paragraph's similarity (its place is the paragraph)."""
    similarity = {
        f"p-{_part_index(part.number)}-{p.index}": p.similarity for part in result.parts for p in part.paragraphs
    }
    for item in result.items:
        if item.kind is ItemKind.COPY:
            item.similarity = similarity.get(item.place)


def _headings(report: Report) -> dict[str, str]:
    headings: dict[str, str] = {}
    for part in report.parts:
        headings.setdefault(part.number, part.heading)
    return headings


def _mode(draft: Report, previous: Report | None) -> ReviewMode:
    if previous is None:
        return "template"
    return "last_year" if not is_same_year(draft, previous) else "version"


# ----- items, their anchors and the merging of duplicates -------------------------------------------------------


def _item(kind: ItemKind, severity: Severity, location: Location, message: str, **extra: object) -> ReviewItem:
    return ReviewItem(id="", kind=kind, severity=severity, location=location, message=message, **extra)  # type: ignore[arg-type]


_KIND_OF_RULE = (
    ("structure.rows", ItemKind.ROWS),
    ("reader.", ItemKind.ROWS),
    ("structure.", ItemKind.STRUCTURE),
    ("copy.", ItemKind.COPY),
    ("cross", ItemKind.CROSS_YEAR),
)


def kind_of_rule(rule_id: str) -> ItemKind:
    """The review kind of a checker finding, by its rule id."""
    return next((kind for prefix, kind in _KIND_OF_RULE if rule_id.startswith(prefix)), ItemKind.CHECK)


class _Collector:
    """Collects items in order, merging an item into an earlier one about the same change."""

    def __init__(self, draft: Report) -> None:
        self.draft = draft
        self.items: list[ReviewItem] = []
        self.ids: set[str] = set()
        self.lost_tables: list[TableId] = []

    def add_findings(self, findings: list[Finding]) -> None:
        missing_rows = {(f.location.table, f.location.row) for f in findings if _is_missing_row(f)}
        missing_tables = self.lost_tables = _missing_tables(self.draft, missing_rows)
        missing_parts = {f.location.part for f in findings if f.rule == "structure.parts" and f.found == "缺失"}
        duplicated = _order_broken_only_by_duplicates(self.draft)
        # Copied paragraphs first, so that an old year inside one is told as part of the copy.
        for finding in sorted(findings, key=lambda f: f.rule != "copy.passages"):
            if finding.rule.startswith("cells.") and (finding.location.table, finding.location.row) in missing_rows:
                continue  # a blank cell of a row that is missing altogether: the missing row says it
            if _is_missing_row(finding) and finding.location.table in missing_tables:
                continue  # every row of the table is missing: one item for the table
            if duplicated and finding.rule == "structure.parts" and finding.message.startswith("各部分顺序不对"):
                continue  # a part written twice: the review says so once
            self.add(_from_finding(finding, missing_tables))
        for table in missing_tables:
            if TABLE_PARTS[table] not in missing_parts:
                self.add(_missing_table(table))

    def add_all(self, items: list[ReviewItem]) -> None:
        for item in items:
            self.add(item)

    def add(self, item: ReviewItem) -> None:
        if item.kind is ItemKind.CHANGE and item.location.table in self.lost_tables:
            return  # the cells of a missing table: the missing table (or part) says it
        item.place = item.place or place_id(self.draft, item.location)
        earlier = next((i for i in self.items if _same_change(i, item)), None)
        if earlier is not None:
            _merge(earlier, item)
            return
        item.id = self._anchor(item)
        self.items.append(item)

    def _anchor(self, item: ReviewItem) -> str:
        loc = item.location
        parts = (item.kind, item.rule, loc.table, loc.row, loc.column, loc.part, loc.sentence, item.expected)
        key = "|".join(str(x) for x in parts)
        base = f"{item.kind.value}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
        anchor, n = base, 2
        while anchor in self.ids:
            anchor, n = f"{base}-{n}", n + 1
        self.ids.add(anchor)
        return anchor


def _missing_tables(report: Report, missing_rows: set[tuple[TableId | None, str | None]]) -> list[TableId]:
    return [t for t in TableId if all((t, spec.key) in missing_rows for spec in rows_of(report.format, t))]


def _missing_table(table: TableId) -> ReviewItem:
    message = f"第{TABLE_PARTS[table]}部分中没有找到“{table.value}”表格，其全部单元格按空白处理。"
    return _item(ItemKind.ROWS, Severity.WARNING, Location(table=table), message, expected="表格", found="缺失")


def _order_broken_only_by_duplicates(report: Report) -> bool:
    numbers = [p.number for p in report.parts if p.number in PART_NUMERALS]
    first = list(dict.fromkeys(numbers))
    return len(first) < len(numbers) and first == sorted(first, key=PART_NUMERALS.index)


def _is_missing_row(finding: Finding) -> bool:
    return finding.rule == "structure.rows" and finding.found == "0"


def _from_finding(finding: Finding, missing_tables: list[TableId]) -> ReviewItem:
    message = finding.message
    if finding.rule == "structure.parts" and finding.found == "缺失":
        # The table of a missing part is told with the part, not row by row.
        lost = [t.value for t in missing_tables if TABLE_PARTS[t] == finding.location.part]
        message += "".join(f"“{name}”表格也随之缺失。" for name in lost)
    return _item(
        kind_of_rule(finding.rule),
        finding.severity,
        finding.location,
        message,
        rule=finding.rule,
        expected=finding.expected,
        found=finding.found,
    )


def _same_change(earlier: ReviewItem, item: ReviewItem) -> bool:
    a, b = earlier.location, item.location
    if earlier.kind == item.kind and earlier.rule == item.rule and a == b and earlier.message == item.message:
        return True
    if earlier.rule is not None and earlier.rule == item.rule and _total_of_same_row(a, b):
        return True
    if item.kind is ItemKind.CHANGE and a.table is not None and (a.table, a.row) == (b.table, b.row):
        return a.column in (None, b.column) or earlier.kind is not ItemKind.CHANGE
    if earlier.kind is ItemKind.COPY:
        return _is_old_year(item) and earlier.place == item.place
    if item.kind in (ItemKind.STALE_FIGURE, ItemKind.STALE_YEAR):
        return _same_sentence(a, b)
    return False


def _is_old_year(item: ReviewItem) -> bool:
    """An old year in the text: evidence of copying, told with the copied paragraph it sits in.

    A wrong figure is not: it is an error of its own and stays a separate item.
    """
    return item.kind is ItemKind.STALE_YEAR or item.rule == "years.stale"


def _total_of_same_row(a: Location, b: Location) -> bool:
    """The 总计 column of a row where the same rule already failed another column: one change, not two."""
    return a.table is not None and (a.table, a.row) == (b.table, b.row) and b.column == "总计" and a.column != "总计"


def _same_sentence(a: Location, b: Location) -> bool:
    if not (a.sentence and b.sentence) or a.part != b.part:
        return False
    return a.sentence in b.sentence or b.sentence in a.sentence


def _merge(earlier: ReviewItem, item: ReviewItem) -> None:
    if item.rule is not None and item.rule == earlier.rule and item.location.column == "总计":
        earlier.message += "（总计栏同样不符。）"
    if item.kind is ItemKind.STALE_FIGURE and item.message not in earlier.message:
        earlier.message += f"（另：{item.message}）"
    if earlier.kind is ItemKind.COPY and _is_old_year(item):
        earlier.message += f"该段还写着“{item.found}”，年份也未改为本年度。"


def place_id(report: Report, location: Location) -> str:
    """The anchor id of the place a location points at: a cell row, a paragraph or a part."""
    if location.table is not None:
        return row_anchor(location.table, location.row or "")
    if location.part:
        paragraph = _paragraph_of(report, location.part, location.sentence)
        return (
            f"p-{_part_index(location.part)}-{paragraph}"
            if paragraph is not None
            else f"part-{_part_index(location.part)}"
        )
    return "summary"


def row_anchor(table: TableId, row: str) -> str:
    """The anchor id of a table row in the side-by-side tables."""
    return f"row-{hashlib.sha1(f'{table.value}|{row}'.encode()).hexdigest()[:8]}"


def _part_index(number: str) -> int:
    return PART_NUMERALS.index(number) + 1 if number in PART_NUMERALS else 0


def _paragraph_of(report: Report, number: str, sentence: str | None) -> int | None:
    part = report.part(number)
    if part is None or not sentence or number not in NARRATIVE_PARTS:
        return None
    needle = _squash(sentence)
    return next((i for i, p in enumerate(part.paragraphs) if needle and needle in _squash(p)), None)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ----- against the template -------------------------------------------------------------------------------------


def _template_items(draft: Report) -> list[ReviewItem]:
    items = _format_items(draft)
    seen: set[str] = set()
    for part in draft.parts:
        if part.number in seen or part.number not in PART_NUMERALS:
            items.append(_extra_part(part.number, part.heading))
        seen.add(part.number)
    return items


def _format_items(draft: Report) -> list[ReviewItem]:
    if draft.format is not ReportFormat.F2019 or draft.year is None or draft.year < 2021:
        return []
    message = (
        f"这是 {draft.year} 年度的报告，表格却使用了已停用的 2019 年试行格式（国办公开办函〔2019〕60号）；"
        "2021 年起应使用国办公开办函〔2021〕30号规定的格式。"
    )
    return [
        _item(
            ItemKind.FORMAT,
            Severity.ERROR,
            Location(part="二"),
            message,
            expected="2021 年格式",
            found="2019 年格式",
        )
    ]


def _extra_part(number: str, heading: str) -> ReviewItem:
    official = PART_TITLES.get(number, "")
    where = f"第{number}部分“{official}”出现了两次" if official else f"“{heading}”不是标准格式的六个部分之一"
    return _item(ItemKind.STRUCTURE, Severity.WARNING, Location(part=number, sentence=heading), f"{where}。")


# ----- figures side by side -------------------------------------------------------------------------------------


def compare_cells(draft: Report, previous: Report) -> list[CellComparison]:
    """Every cell of the draft's format next to last year's, with change and percent change."""
    before = {(c.table, c.row, c.column): c for c in previous.cells}
    rows: list[CellComparison] = []
    for address in addresses(draft.format):
        now = draft.cell(*address)
        old = before.get(address)
        rows.append(_comparison(draft, now.value, now.raw, old.value if old else None, old.raw if old else "", address))
    return rows


def _comparison(
    draft: Report,
    current: CellNumber | None,
    current_raw: str,
    previous: CellNumber | None,
    previous_raw: str,
    address: tuple[TableId, str, str],
) -> CellComparison:
    table, row, column = address
    change = current - previous if current is not None and previous is not None else None
    percent = float(change) / float(previous) * 100 if change is not None and previous else None
    return CellComparison(
        table=table,
        row=row,
        row_label=draft.row_label(table, row),
        column=column,
        current=current,
        previous=previous,
        current_raw=current_raw,
        previous_raw=previous_raw,
        change=change,
        percent=round(percent, 1) if percent is not None else None,
        changed=current != previous or current_raw.strip() != previous_raw.strip(),
        place=row_anchor(table, row),
    )


def _change_items(draft: Report, cells: list[CellComparison], mode: ReviewMode) -> list[ReviewItem]:
    if mode == "version":
        return [_version_change(c) for c in cells if c.changed]
    narrative = [s for number in NARRATIVE_PARTS for s in sentences(draft.part_text(number))]
    return [
        _unexplained_change(c)
        for c in cells
        if (c.table, c.row, c.column) in HEADLINE_CELLS and is_large_change(c) and not _explained(c, narrative)
    ]


def is_large_change(cell: CellComparison) -> bool:
    """At least doubled or halved, and by at least LARGE_MIN_DIFFERENCE."""
    if cell.current is None or cell.previous is None:
        return False
    low, high = sorted((Decimal(cell.current), Decimal(cell.previous)))
    if high - low < LARGE_MIN_DIFFERENCE:
        return False
    return low == 0 or high / low >= Decimal(str(LARGE_RATIO))


def _explained(cell: CellComparison, narrative: list[str]) -> bool:
    _, keywords = HEADLINE_CELLS[(cell.table, cell.row, cell.column)]
    return any(any(k in s for k in keywords) and COMPARISON_WORDS.search(s) for s in narrative)


def _cell_location(cell: CellComparison) -> Location:
    return Location(table=cell.table, row=cell.row, row_label=cell.row_label, column=cell.column)


def _shown(value: CellNumber | None, raw: str) -> str:
    return str(value) if value is not None else (raw.strip() or "空白")


def _unexplained_change(cell: CellComparison) -> ReviewItem:
    name, _ = HEADLINE_CELLS[(cell.table, cell.row, cell.column)]
    was, now = _shown(cell.previous, cell.previous_raw), _shown(cell.current, cell.current_raw)
    trend = "增加" if (cell.change or 0) > 0 else "减少"
    percent = f"（{cell.percent:+.1f}%）" if cell.percent is not None else ""
    message = (
        f"{name}由上年的 {was} {trend}到 {now}{percent}，变化较大，"
        "但正文没有任何句子说明这一变化（如“同比增长”“较上年减少”），请补充说明或核对数字。"
    )
    return _item(
        ItemKind.CHANGE, Severity.WARNING, _cell_location(cell), message, expected=was, found=now, place=cell.place
    )


def _version_change(cell: CellComparison) -> ReviewItem:
    was, now = _shown(cell.previous, cell.previous_raw), _shown(cell.current, cell.current_raw)
    where = _cell_location(cell).describe()
    return _item(
        ItemKind.CHANGE,
        Severity.WARNING,
        _cell_location(cell),
        f"{where}：由上一版本的 {was} 改为 {now}，请确认。",
        expected=was,
        found=now,
        place=cell.place,
    )


# ----- narrative side by side -----------------------------------------------------------------------------------


def compare_parts(draft: Report, previous: Report | None, mode: ReviewMode) -> list[PartComparison]:
    """Each narrative part of the draft with last year's, the copied passages marked."""
    before = previous or Report()
    copies = copied_parts(draft, before) if mode != "template" else {}
    parts: list[PartComparison] = []
    for number in NARRATIVE_PARTS:
        now, old = draft.part(number), before.part(number)
        if now is None and old is None:
            continue
        copy = copies.get(number)
        parts.append(
            PartComparison(
                number=number,
                heading=now.heading if now else "",
                previous_heading=old.heading if old else "",
                paragraphs=copy.paragraphs if copy else _plain(now.paragraphs if now else []),
                previous_paragraphs=old.paragraphs if old else [],
                copied_share=round(copy.share, 3) if copy and mode == "last_year" else 0.0,
            )
        )
    return parts


def _plain(paragraphs: list[str]) -> list[ParagraphCopy]:
    return [
        ParagraphCopy(index=i, text=p, similarity=0.0, copied_chars=0, total_chars=len(p))
        for i, p in enumerate(paragraphs)
    ]


# ----- sentences that still quote last year -------------------------------------------------------------------


def stale_figure_items(draft: Report, previous: Report) -> list[ReviewItem]:
    """Sentences giving last year's figure for a quantity whose figure changed (the narrative rule's claims)."""
    items = []
    for check in count_claims(draft):
        if check.agrees:
            continue
        last_year = check.claim.expected(previous, check.sentence, check.quantity.start)
        quoted = next((o for o in last_year if check.quantity.agrees(o.value)), None)
        if quoted is not None and all(o.value != quoted.value for o in check.options):
            items.append(
                _stale_figure(check.sentence.location(), check.quantity.text, quoted.label, check.options[0].value)
            )
    return items


def _stale_figure(location: Location, quoted: str, label: str, now: int) -> ReviewItem:
    message = f"句中的“{quoted}”是上年报告中“{label}”的数字，本年表格为 {now}，可能沿用了上年数字。"
    return _item(ItemKind.STALE_FIGURE, Severity.WARNING, location, message, expected=str(now), found=quoted)


def stale_year_items(draft: Report) -> list[ReviewItem]:
    """Sentences that name last year's year as the year of this year's work (“2021年” in a 2022 report)."""
    if draft.year is None:
        return []
    last, year = str(draft.year - 1), str(draft.year)
    return [
        _stale_year(s.location(), last, draft.year)
        for s in narrative_sentences(draft)
        if _describes_this_year_as(normalize_digits(s.text), last, year)
    ]


def _describes_this_year_as(sentence: str, last: str, year: str) -> bool:
    """Names last year, not this year, and nothing marks it as a look back (上年, 同比, 截至 …)."""
    return _names_year(sentence, last) and not _names_year(sentence, year) and not PAST_MARKERS.search(sentence)


def _names_year(sentence: str, year: str) -> bool:
    return re.search(rf"(?<!\d){year}\s*年", sentence) is not None


def _stale_year(location: Location, last: str, year: int) -> ReviewItem:
    message = f"这是 {year} 年度的报告，这句话却把本年度的工作写成“{last}年”，可能照搬了上年报告，请核对年份。"
    return _item(ItemKind.STALE_YEAR, Severity.WARNING, location, message, expected=f"{year}年", found=f"{last}年")


# ----- 上年度问题整改情况 ------------------------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def is_answered(problem: str, text: str) -> bool:
    """True when one sentence of ``text`` holds ANSWER_SHARE of the problem's character pairs."""
    wanted = _bigrams(problem)
    if not wanted:
        return True
    return any(len(wanted & _bigrams(s)) / len(wanted) >= ANSWER_SHARE for s in sentences(text))


def unanswered_problem_items(draft: Report, previous: Report) -> list[ReviewItem]:
    """Problems listed in last year's 五 that this year's 五 does not answer (上年度问题整改情况)."""
    this_year = draft.part_text("五")
    return [_unanswered(p) for p in problems_listed(previous.part_text("五")) if not is_answered(p, this_year)]


def _unanswered(problem: str) -> ReviewItem:
    message = f"上年报告第五部分列出的问题“{problem}”，本年第五部分没有说明整改情况（上年度问题整改情况）。"
    return _item(
        ItemKind.RECTIFICATION,
        Severity.WARNING,
        Location(part="五"),
        message,
        expected=f"说明“{problem}”的整改情况",
        found="未提及",
    )
