"""Place the rows of parts 二, 三 and 四 on canonical cells, whatever the layout.

Each line of a table part is split into a label and its values (a table row keeps its blank
cells; text pasted from a PDF is split on spaces). Labels are matched to canonical rows by
their keywords; a label wrapped over several lines is put together from the fragments around
its numbers. What cannot be placed becomes a finding, never a guess.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.model import Finding, Location, Report, Severity
from nianbao.readers.columns import ColumnOrder, column_order
from nianbao.readers.document import Line, clean
from nianbao.readers.transposed import turned_back
from nianbao.readers.values import is_value_token, parse_value
from nianbao.schema import (
    CANNOT_PROVIDE,
    NOT_DISCLOSED,
    NOT_PROCESSED,
    OTHER_HANDLING,
    REQUEST_COLUMNS,
    ReportFormat,
    RowSpec,
    TableId,
    ValueKind,
    rows_of,
)

_ITEM_MARK = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.、．])")
_NUMBERING = re.compile(r"[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.、．]")
_GROUP_PHRASES = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理", "申请人情况")
_PART_TABLES = {"二": TableId.ACTIVE, "三": TableId.REQUESTS, "四": TableId.APPEALS}
_APPEAL_WIDTH = 5


@lru_cache(maxsize=4096)
def _keyword_scores(fmt: ReportFormat, table: TableId, squashed: str) -> tuple[tuple[int, RowSpec], ...]:
    """Each canonical row whose keywords the label contains, scored by its longest keyword found."""
    return tuple(
        (max(len(k) for k in spec.keywords if k in squashed), spec)
        for spec in rows_of(fmt, table)
        if spec.keywords != ("其他",) and any(k in squashed for k in spec.keywords)
    )


@dataclass
class _Row:
    label: str
    values: list[str]
    index: int
    grid: bool = False

    @property
    def has_numbers(self) -> bool:
        """The row prints values: a number, or marks for none ("—", "/"): in a table's cells after a
        label (cells of marks alone are a converter's filler), or two or more in a line of text, with
        or without its label (one "—" alone is prose)."""
        if any(any(ch.isdigit() for ch in v) for v in self.values):
            return True
        marks = sum(1 for v in self.values if v)
        return bool(self.label) and marks >= 1 if self.grid else marks >= 2

    @property
    def is_blank_row(self) -> bool:
        """A table row whose cells are all empty: a label printed with nothing in its cells."""
        return self.grid and bool(self.values) and not any(self.values)


def split_line(line: Line, index: int) -> _Row:
    """A line's label (the text before its values) and its values."""
    if line.grid:
        cells = [piece for c in line.cells for piece in _run_together(clean(c))]
        label_end = max((i for i, c in enumerate(cells) if c and not is_value_token(c)), default=-1)
        label = " ".join(c for c in cells[: label_end + 1] if c)
        return _Row(label, cells[label_end + 1 :], index, grid=True)
    tokens = clean(line.text).split(" ")
    cut = len(tokens)
    while cut > 0 and tokens[cut - 1] and is_value_token(tokens[cut - 1]):
        cut -= 1
    return _Row(" ".join(tokens[:cut]).strip(), tokens[cut:], index)


def _run_together(cell: str) -> list[str]:
    """A cell holding several numbers separated by spaces (a converter merged the cells): each."""
    pieces = cell.split(" ")
    if len(pieces) > 1 and all(is_value_token(p) for p in pieces):
        return pieces
    return [cell]


def fit_values(values: list[str], width: int) -> list[str]:
    """Drop the empty cells a layout adds around the values, keeping blanks inside them."""
    fitted = list(values)
    while len(fitted) > width and fitted and not fitted[-1]:
        fitted.pop()
    while len(fitted) > width and fitted and not fitted[0]:
        fitted.pop(0)
    return fitted


_GROUPS = (NOT_DISCLOSED, CANNOT_PROVIDE, NOT_PROCESSED, OTHER_HANDLING)
_SUBROW_NUMBER = re.compile(r"(?:^|[)）\u4e00-\u9fff])(\d)\s*[.、．]")
# "（二）部份公开" (a row of 三) or "四、结转下年度继续処理" (一, 二, 四 of 依申请公开).
_ITEM_NUMBER = re.compile(r"^(?:[（(]([一二三四五六七])[)）]|([一二四])[、.．])")
_MIN_CLOSENESS = 0.6
_CLOSENESS_MARGIN = 0.2


def _residue(squashed: str) -> str:
    """A label less its numbering and the group it is printed with."""
    residue = _NUMBERING.sub("", squashed)
    for phrase in _GROUP_PHRASES:
        residue = residue.replace(phrase, "")
    return residue


def _closeness(residue: str, spec: RowSpec) -> float:
    official = _residue(clean(spec.label).replace(" ", ""))
    return difflib.SequenceMatcher(None, residue, official, autojunk=False).ratio()


@dataclass
class _Placer:
    report: Report
    table: TableId
    specs: tuple[RowSpec, ...]
    placed: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unplaced_rows: int = 0
    single_other: _Row | None = None
    # In a grid, how many empty cells lie between a full row's label and its first value.
    leads: Counter[int] = field(default_factory=Counter)
    group: str = ""  # the group of sub-rows the table is in (（三）不予公开 …), once printed
    columns: ColumnOrder = field(default_factory=ColumnOrder)  # as 依申请公开's header prints them
    # Rows printed with a label and nothing in their cells: blank, if no number is left unplaced.
    blank_rows: dict[str, _Row] = field(default_factory=dict)
    # Lines of digits without a word: pieces of numbers a narrow cell wrapped ("3,0" above "50").
    fragments: set[int] = field(default_factory=set)
    # The columns the last header row named, as printed (表二's 本年制发件数 … in another order).
    printed: tuple[str, ...] = ()

    def match(self, label: str) -> RowSpec | None:
        squashed = clean(label).replace(" ", "")
        if not squashed:
            return None
        scored = _keyword_scores(self.report.format, self.table, squashed)
        if scored:
            best = max(score for score, _ in scored)
            tied = [spec for score, spec in scored if score == best]
            fresh = [spec for spec in tied if spec.key not in self.placed]
            return (fresh or tied)[0]
        return self._match_other(squashed) or self._match_close(squashed)

    def match_fresh(self, label: str) -> RowSpec | None:
        """The row this label names, if that row has no numbers yet."""
        spec = self.match(label)
        return spec if spec is not None and spec.key not in self.placed else None

    def _match_other(self, squashed: str) -> RowSpec | None:
        residue = _residue(squashed)
        if residue in ("其他", "其它"):
            return next((s for s in self.specs if s.keywords == ("其他",)), None)
        return None

    def _match_close(self, squashed: str) -> RowSpec | None:
        """A label printed with a typo or a dropped character ("2.其他法律行政止公开").

        Only a numbered row is matched so: to a row of the same number (of the group the table
        is in, for a sub-row) whose official label is close; never when two rows are as close."""
        candidates = [spec for spec in self._numbered_like(squashed) if spec.key not in self.placed]
        residue = _residue(squashed)
        scored = sorted(((_closeness(residue, spec), spec) for spec in candidates), key=lambda x: -x[0])
        if not scored or scored[0][0] < _MIN_CLOSENESS:
            return None
        if len(scored) > 1 and scored[0][0] - scored[1][0] < _CLOSENESS_MARGIN:
            return None
        return scored[0][1]

    def _numbered_like(self, squashed: str) -> list[RowSpec]:
        sub = _SUBROW_NUMBER.search(squashed)
        if sub is not None:
            group = _group_in(squashed) or self.group
            prefix = f"{sub.group(1)}."
            return [s for s in self.specs if s.label.startswith(prefix) and (not group or s.group == group)]
        item = _ITEM_NUMBER.match(squashed)
        if item is None:
            return []
        return [s for s in self.specs if s.key == item.group(2) or s.label.startswith(f"（{item.group(1)}）")]

    def place(self, spec: RowSpec, values: list[str], row: _Row) -> None:
        if spec.key in self.placed:
            self._duplicate(spec, row)
            return
        self.placed[spec.key] = row.index
        for column, raw in zip(spec.columns, values, strict=True):
            cell = self.report.cell(self.table, spec.key, column)
            cell.raw = raw
            cell.value = parse_value(raw, spec.kind_of(column))

    def _duplicate(self, spec: RowSpec, row: _Row) -> None:
        self.findings.append(
            Finding(
                rule="structure.rows",
                severity=Severity.WARNING,
                location=Location(table=self.table, row=spec.key, row_label=spec.display),
                expected="1",
                found="2",
                message=f"“{spec.display}”这一行出现了两次，只采用了第一次的数字，第二次为：{' '.join(row.values)}。",
            )
        )

    def mark_unread(self, spec: RowSpec) -> None:
        for column in spec.columns:
            self.report.cell(self.table, spec.key, column).unread = True

    def unplaced(self, row: _Row, why: str, spec: RowSpec | None = None) -> None:
        self.unplaced_rows += 1
        if spec is not None:
            self.mark_unread(spec)
        shown = row.label or "（无行名）"
        self.findings.append(
            Finding(
                rule="reader.unplaced",
                severity=Severity.WARNING,
                location=Location(table=self.table, row_label=shown),
                found=" ".join(v or "空" for v in row.values),
                message=f"表格中“{shown}”这一行的数字无法对应到标准表格：{why}",
            )
        )

    def missing(self) -> None:
        for spec in self.specs:
            blank = self.blank_rows.get(spec.key)
            if spec.key not in self.placed and blank is not None and not self.unplaced_rows:
                self.place(spec, [""] * len(spec.columns), blank)
            if spec.key not in self.placed:
                if self.unplaced_rows:
                    # A row not found while some lines could not be placed may be one of those
                    # lines: its cells are unknown, not blank.
                    self.mark_unread(spec)
                cells = "未读出（可能在上述无法对应的数字中）" if self.unplaced_rows else "按空白处理"
                self.findings.append(
                    Finding(
                        rule="structure.rows",
                        severity=Severity.WARNING,
                        location=Location(table=self.table, row=spec.key, row_label=spec.display),
                        expected="1",
                        found="0",
                        message=f"表格中没有找到“{spec.display}”这一行，其单元格{cells}。",
                    )
                )


def place_table_lines(report: Report, parts: dict[str, list[Line]]) -> list[Finding]:
    """Fill the report's cells from the lines of parts 二, 三 and 四; findings for the rest."""
    findings: list[Finding] = []
    for number, table in _PART_TABLES.items():
        placer = _Placer(report, table, rows_of(report.format, table))
        lines = parts.get(number, [])
        turned = turned_back(lines) if table is TableId.REQUESTS else None
        if turned is not None:
            lines, placer.columns = turned
        rows = [split_line(line, i) for i, line in enumerate(lines)]
        if table is TableId.REQUESTS and turned is None:
            placer.columns = column_order(lines[: next((r.index for r in rows if r.has_numbers), 0)])
        if placer.columns.unsure:
            findings.append(_columns_unsure(placer))
            continue
        if table is TableId.APPEALS:
            _place_appeals(placer, rows)
        else:
            _place_labelled(placer, rows)
        if table is TableId.REQUESTS:
            _single_other_handling(placer)
        placer.missing()
        findings.extend(placer.findings)
    return findings


COLUMNS_UNSURE = "reader.columns"


def _columns_unsure(placer: _Placer) -> Finding:
    for spec in placer.specs:
        placer.mark_unread(spec)
    return Finding(
        rule=COLUMNS_UNSURE,
        severity=Severity.ERROR,  # a table of which nothing can be checked: the report cannot pass
        location=Location(table=placer.table),
        expected="、".join(REQUEST_COLUMNS),
        found=placer.columns.unsure,
        message=(
            f"依申请公开表格的表头列的顺序与标准格式不同（{placer.columns.unsure}），且无法确定每一列对应哪一类申请人："
            "整张表格未读入，请按标准格式的列顺序核对。"
        ),
    )


# Words of a table's header rows, never of a row's label.
_HEADER_WORDS = ("自然人", "商业企业", "科研机构", "法人或其他组织", "申请人情况", "勾稽关系", "信息内容", "结果维持")


def _is_header(label: str) -> bool:
    squashed = clean(label).replace(" ", "")
    return any(word in squashed for word in _HEADER_WORDS)


@dataclass
class _Floating:
    """A row of numbers printed without its label (a converter moved it above or below them)."""

    row: _Row
    above: str
    below: str
    group: str
    printed: tuple[str, ...] = ()


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_fragment(row: _Row) -> bool:
    text = " ".join([row.label, *row.values])
    return any(ch.isdigit() for ch in text) and not _CJK.search(text)


def _place_labelled(placer: _Placer, rows: list[_Row]) -> None:
    placer.fragments = {row.index for row in rows if _is_fragment(row)}
    pending: list[str] = []
    floating: list[_Floating] = []
    for position, row in enumerate(rows):
        placer.group = _group_in(row.label) or placer.group
        if not row.has_numbers:
            if row.is_blank_row and (blank := placer.match_fresh(row.label)) is not None:
                placer.blank_rows.setdefault(blank.key, row)
            if _is_header(row.label) or _column_names(placer, row.label):
                placer.printed = _column_names(placer, row.label) or placer.printed
                pending = []  # column names are nobody's label
            elif row.label:
                pending = [row.label] if _ITEM_MARK.match(row.label) else [*pending, row.label]
            continue
        if _is_other_handling_total(placer, row):
            placer.single_other = row
            pending = []
            continue
        if not row.label:
            below = "".join(_following_labels(rows, position))
            floating.append(_Floating(row, "".join(pending), below, placer.group, placer.printed))
            pending = []
            continue
        if _runs_rows_together(row.label):
            placer.unplaced(row, "这一行中夹着其他行的数字（几行连成了一行），无法分开。")
            pending = []
            continue
        spec = _find_spec(placer, row, pending, _following_labels(rows, position))
        pending = []
        if spec is None:
            placer.unplaced(row, "行名无法识别。")
            continue
        _place_values(placer, spec, row)
    _place_floating(placer, floating)


_ROWS_RUN_TOGETHER = 3


def _runs_rows_together(label: str) -> bool:
    """A label with numbers standing in it: several rows run into one line (a converter's doing)."""
    return sum(1 for token in label.split(" ") if token and is_value_token(token)) >= _ROWS_RUN_TOGETHER


def _place_floating(placer: _Placer, floating: list[_Floating]) -> None:
    """Numbers without a label go to the label above or below them only when one of the two can
    be theirs (the other missing, or already another row's): never by a guess."""
    options = {id(f): _floating_options(placer, f) for f in floating}
    # A whole row of numbers goes first: a few pieces of wrapped numbers next to a label are not
    # its row when a full row stands by it.
    waiting = sorted(floating, key=lambda f: -sum(1 for value in f.row.values if value))
    while waiting:
        settled = next((f for f in waiting if len(options[id(f)] - placer.placed.keys()) == 1), None)
        if settled is None:
            break
        waiting.remove(settled)
        (key,) = options[id(settled)] - placer.placed.keys()
        placer.printed = settled.printed
        _place_values(placer, next(s for s in placer.specs if s.key == key), settled.row)
    for unsure in waiting:
        left = sorted(options[id(unsure)] - placer.placed.keys())
        names = "”或“".join(placer.report.row_label(placer.table, key) for key in left)
        why = f"行名可能是“{names}”，无法确定。" if left else "上下都没有可对应的行名。"
        placer.unplaced(unsure.row, why)
        for key in left:
            placer.mark_unread(next(s for s in placer.specs if s.key == key))


def _floating_options(placer: _Placer, floating: _Floating) -> set[str]:
    saved, placer.group = placer.group, floating.group
    try:
        found = {placer.match_fresh(label) for label in (floating.above, floating.below) if label}
    finally:
        placer.group = saved
    return {spec.key for spec in found if spec is not None}


def _find_spec(placer: _Placer, row: _Row, pending: list[str], following: list[str]) -> RowSpec | None:
    attempts = [row.label, "".join(pending) + row.label, row.label + "".join(following)]
    for label in attempts:
        spec = placer.match(label)
        if spec is not None:
            return spec
    return None


def _following_labels(rows: list[_Row], position: int) -> list[str]:
    labels: list[str] = []
    for row in rows[position + 1 :]:
        if row.has_numbers or not row.label or (labels and _ITEM_MARK.match(row.label)):
            break
        labels.append(row.label)
    return labels


def _place_values(placer: _Placer, spec: RowSpec, row: _Row) -> None:
    width = len(spec.columns)
    values = _aligned(placer, row.values, width) if row.grid else fit_values(row.values, width)
    in_order = _in_printed_order(placer, spec, values)
    if in_order is None:
        printed = "、".join(placer.printed)
        placer.unplaced(row, f"表头列的顺序与标准格式不同（{printed}），无法确定各数字所在的列。", spec)
        return
    values = in_order
    if not placer.columns.is_national:
        if len(values) != width:
            placer.unplaced(row, f"表头的列顺序与标准格式不同，应有 {width} 个数字，实际有 {len(values)} 个。", spec)
            return
        values = placer.columns.canonical(values)
    if len(values) == width - 1 and placer.table is TableId.REQUESTS:
        _place_without_total(placer, spec, row, values)
        return
    if len(values) != width:
        placer.unplaced(row, f"应有 {width} 个数字，实际有 {len(values)} 个。", spec)
        return
    placer.place(spec, values, row)


def _column_names(placer: _Placer, label: str) -> tuple[str, ...]:
    """The columns of the table's rows (表二's, 表四's) that a header row names, in the order printed;
    () when it names fewer than two."""
    if placer.table is TableId.REQUESTS:
        return ()  # its header is read as a whole (nianbao.readers.columns)
    squashed = clean(label).replace(" ", "")
    names = {column for spec in placer.specs for column in spec.columns if column in squashed}
    found = sorted(names, key=squashed.index)
    return tuple(found) if len(found) > 1 else ()


def _in_printed_order(placer: _Placer, spec: RowSpec, values: list[str]) -> list[str] | None:
    """A row's values in the spec's columns, when the header above printed those columns in another order;
    None when it printed some of them out of order and not all (which value is which cannot be told)."""
    printed = [column for column in placer.printed if column in spec.columns]
    if len(printed) < 2 or printed == [c for c in spec.columns if c in printed]:
        return values
    if len(values) != len(spec.columns) or len(printed) != len(spec.columns):
        return None
    by_column = dict(zip(printed, values, strict=True))
    return [by_column[column] for column in spec.columns]


def _aligned(placer: _Placer, values: list[str], width: int) -> list[str]:
    """A grid row's values in the table's columns, its blank cells kept where they are.

    A full row tells how many empty cells a layout puts between label and values; a row with a
    blank first or last cell is read in the same columns (else a blank 总计 would shift the row).
    """
    filled = [i for i, v in enumerate(values) if v]
    if len(filled) == width and filled[-1] - filled[0] == width - 1:
        placer.leads[filled[0]] += 1
        return values[filled[0] : filled[0] + width]
    if placer.leads and len(values) > width:
        lead = placer.leads.most_common(1)[0][0]
        window = values[lead : lead + width]
        outside = values[:lead] + values[lead + width :]
        if len(window) == width and not any(outside):
            return window
    return fit_values(values, width)


def _place_without_total(placer: _Placer, spec: RowSpec, row: _Row, values: list[str]) -> None:
    """Six numbers for seven columns: the blank is 总计 only if the numbers say so, and no piece of
    a wrapped number stands next to the row."""
    if {row.index - 1, row.index + 1} & placer.fragments:
        placer.unplaced(
            row, f"只有 {len(values)} 个数字，上下另有零散的数字（可能是折行的数字），无法确定哪一栏为空。", spec
        )
        return
    numbers = [parse_value(v, ValueKind.COUNT) for v in values]
    counts = [n for n in numbers if isinstance(n, int)]
    if len(counts) == len(values) and (sum(counts[:-1]) != counts[-1] or not any(counts)):
        # The last number is not the sum of the others: it is not the total (or all are 0).
        placer.place(spec, [*values, ""], row)
        placer.findings.append(
            Finding(
                rule="reader.unplaced",
                severity=Severity.WARNING,
                location=Location(table=placer.table, row=spec.key, row_label=spec.display, column="总计"),
                found=" ".join(row.values),
                message=f"“{spec.display}”只有 {len(values)} 个数字，按总计栏空白读入，请核对。",
            )
        )
        return
    placer.unplaced(row, f"只有 {len(values)} 个数字，无法确定哪一栏为空。", spec)


def _group_in(label: str) -> str:
    squashed = clean(label).replace(" ", "")
    return next((g for g in _GROUPS if g[3:] in squashed), "")


_OTHER_HANDLING_SUBROWS = ("三.六.1", "三.六.2", "三.六.3")


def _is_other_handling_total(placer: _Placer, row: _Row) -> bool:
    """（六）其他处理 printed as one row with numbers, in a format that has its three sub-rows."""
    if placer.report.format is not ReportFormat.F2021:
        return False
    label = _NUMBERING.sub("", clean(row.label).replace(" ", ""))
    return label in ("其他处理", "本年度办理结果其他处理")


def _single_other_handling(placer: _Placer) -> None:
    """The three sub-rows of （六） from its one printed row: zeros are zeros, a count is unknown."""
    row = placer.single_other
    if row is None or any(key in placer.placed for key in _OTHER_HANDLING_SUBROWS):
        if row is not None:
            placer.unplaced(row, "（六）其他处理的各子项已另行列出，这一合计行未读入。")
        return
    specs = [s for s in placer.specs if s.key in _OTHER_HANDLING_SUBROWS]
    values = fit_values(row.values, len(REQUEST_COLUMNS))
    if len(values) != len(REQUEST_COLUMNS):
        for spec in specs:
            placer.unplaced(row, f"应有 {len(REQUEST_COLUMNS)} 个数字，实际有 {len(values)} 个。", spec)
        return
    values = placer.columns.canonical(values)
    if all(parse_value(v, ValueKind.COUNT) == 0 for v in values):
        for spec in specs:
            placer.place(spec, values, row)
        return
    totals = {c: parse_value(v, ValueKind.COUNT) for c, v in zip(REQUEST_COLUMNS, values, strict=True)}
    placer.report.group_totals["三.六"] = {c: t for c, t in totals.items() if isinstance(t, int)}
    for spec in specs:
        placer.place(spec, values, row)
        for column, raw in zip(spec.columns, values, strict=True):
            cell = placer.report.cell(placer.table, spec.key, column)
            if parse_value(raw, ValueKind.COUNT) != 0:  # a 0 in the total is a 0 in each sub-row
                cell.raw, cell.value, cell.unread = "", None, True
    placer.findings.append(
        Finding(
            rule="reader.other_handling",
            severity=Severity.WARNING,
            location=Location(table=placer.table, row="三.六.3", row_label="（六）其他处理"),
            expected="1.逾期不补正 2.逾期未缴费 3.其他 三个子项",
            found=" ".join(v or "空" for v in values),
            message=(
                f"“（六）其他处理”只印了一行（{' '.join(v or '空' for v in values)}），没有分列 1.逾期不补正、"
                "2.逾期未缴纳费用、3.其他 三个子项：各子项的数字无法确定（办理结果总计按这一行的合计核对）。"
            ),
        )
    )


def _place_appeals(placer: _Placer, rows: list[_Row]) -> None:
    context: list[str] = []
    for row in rows:
        if not row.has_numbers:
            context.append(row.label)
            placer.printed = _column_names(placer, row.label) or placer.printed
            continue
        values = fit_values(row.values, len(placer.specs) * _APPEAL_WIDTH)
        if len(values) == len(placer.specs) * _APPEAL_WIDTH:
            for i, spec in enumerate(placer.specs):
                _place_appeal(placer, spec, values[i * _APPEAL_WIDTH : (i + 1) * _APPEAL_WIDTH], row)
        elif len(values) == len(_LITIGATION) * _APPEAL_WIDTH and _is_litigation(placer, row, context):
            # 行政诉讼 printed as a table of its own: 未经复议直接起诉 then 复议后起诉, five columns each.
            for i, spec in enumerate(s for s in placer.specs if s.key in _LITIGATION):
                _place_appeal(placer, spec, values[i * _APPEAL_WIDTH : (i + 1) * _APPEAL_WIDTH], row)
        else:
            _place_one_appeal(placer, row, context)
        context = []


_LITIGATION = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")


def _is_litigation(placer: _Placer, row: _Row, context: list[str]) -> bool:
    """Ten numbers are the two 行政诉讼 rows when its header is above them and neither row is read yet."""
    header = clean("".join([*context, row.label])).replace(" ", "")
    names_both = "未经复议" in header and "复议后起诉" in header
    says_litigation = names_both and "行政复议" not in header.replace("未经复议", "")
    return says_litigation and not any(key in placer.placed for key in _LITIGATION)


def _place_appeal(placer: _Placer, spec: RowSpec, values: list[str], row: _Row) -> None:
    """Five values in the columns the header printed them in (总计 first, say)."""
    in_order = _in_printed_order(placer, spec, values)
    if in_order is None:
        printed = "、".join(placer.printed)
        placer.unplaced(row, f"表头列的顺序与标准格式不同（{printed}），无法确定各数字所在的列。", spec)
        return
    placer.place(spec, in_order, row)


def _place_one_appeal(placer: _Placer, row: _Row, context: list[str]) -> None:
    values = fit_values(row.values, _APPEAL_WIDTH)
    if len(values) != _APPEAL_WIDTH:
        placer.unplaced(row, f"复议诉讼每行应有 {_APPEAL_WIDTH} 个数字或三行连写 15 个数字。")
        return
    spec = placer.match(row.label) or placer.match("".join(context[-3:]))
    if spec is None:
        spec = next((s for s in placer.specs if s.key not in placer.placed), None)
    if spec is None:
        placer.unplaced(row, "复议诉讼三行均已填写。")
        return
    _place_appeal(placer, spec, values, row)
