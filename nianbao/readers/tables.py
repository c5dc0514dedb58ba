"""Place the rows of parts 二, 三 and 四 on canonical cells, whatever the layout.

Each line of a table part is split into a label and its values (a table row keeps its blank
cells; text pasted from a PDF is split on spaces). Labels are matched to canonical rows by
their keywords; a label wrapped over several lines is put together from the fragments around
its numbers. What cannot be placed becomes a finding, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from nianbao.model import BLANK_MARKS, CellNumber, Finding, Location, Report, Severity
from nianbao.readers.document import Line, clean
from nianbao.schema import ReportFormat, RowSpec, TableId, ValueKind, rows_of

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_ITEM_MARK = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.、．])")
_NUMBERING = re.compile(r"[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\s*[.、．]")
_GROUP_PHRASES = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理", "申请人情况")
_PART_TABLES = {"二": TableId.ACTIVE, "三": TableId.REQUESTS, "四": TableId.APPEALS}
_APPEAL_WIDTH = 5


def is_value_token(text: str) -> bool:
    """A cell or token that holds a table value: a number or a blank mark."""
    if text.isascii() and text.isdigit():
        return True
    token = clean(text).replace(",", "").replace(" ", "")
    return token in BLANK_MARKS or bool(_NUMBER.match(token))


def parse_value(raw: str, kind: ValueKind) -> CellNumber | None:
    """The number in a cell as published; None when blank or not a number of this kind."""
    if raw.isascii() and raw.isdigit():  # the usual cell, decided without a regular expression
        return Decimal(raw) if kind is ValueKind.MONEY else int(raw)
    token = clean(raw).replace(",", "").replace(" ", "")
    if token in BLANK_MARKS or not _NUMBER.match(token):
        return None
    if kind is ValueKind.MONEY:
        try:
            return Decimal(token)
        except InvalidOperation:
            return None
    return int(token) if re.fullmatch(r"[-+]?\d+", token) else None


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

    @property
    def has_numbers(self) -> bool:
        return any(any(ch.isdigit() for ch in v) for v in self.values)


def split_line(line: Line, index: int) -> _Row:
    """A line's label (the text before its values) and its values."""
    if line.grid:
        cells = [clean(c) for c in line.cells]
        label_end = max((i for i, c in enumerate(cells) if c and not is_value_token(c)), default=-1)
        label = " ".join(c for c in cells[: label_end + 1] if c)
        return _Row(label, cells[label_end + 1 :], index)
    tokens = clean(line.text).split(" ")
    cut = len(tokens)
    while cut > 0 and tokens[cut - 1] and is_value_token(tokens[cut - 1]):
        cut -= 1
    return _Row(" ".join(tokens[:cut]).strip(), tokens[cut:], index)


def fit_values(values: list[str], width: int) -> list[str]:
    """Drop the empty cells a layout adds around the values, keeping blanks inside them."""
    fitted = list(values)
    while len(fitted) > width and fitted and not fitted[-1]:
        fitted.pop()
    while len(fitted) > width and fitted and not fitted[0]:
        fitted.pop(0)
    return fitted


@dataclass
class _Placer:
    report: Report
    table: TableId
    specs: tuple[RowSpec, ...]
    placed: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

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
        return self._match_other(squashed)

    def _match_other(self, squashed: str) -> RowSpec | None:
        residue = _NUMBERING.sub("", squashed)
        for phrase in _GROUP_PHRASES:
            residue = residue.replace(phrase, "")
        if residue in ("其他", "其它"):
            return next((s for s in self.specs if s.keywords == ("其他",)), None)
        return None

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

    def unplaced(self, row: _Row, why: str) -> None:
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
            if spec.key not in self.placed:
                self.findings.append(
                    Finding(
                        rule="structure.rows",
                        severity=Severity.WARNING,
                        location=Location(table=self.table, row=spec.key, row_label=spec.display),
                        expected="1",
                        found="0",
                        message=f"表格中没有找到“{spec.display}”这一行，其单元格按空白处理。",
                    )
                )


def place_table_lines(report: Report, parts: dict[str, list[Line]]) -> list[Finding]:
    """Fill the report's cells from the lines of parts 二, 三 and 四; findings for the rest."""
    findings: list[Finding] = []
    for number, table in _PART_TABLES.items():
        placer = _Placer(report, table, rows_of(report.format, table))
        rows = [split_line(line, i) for i, line in enumerate(parts.get(number, []))]
        if table is TableId.APPEALS:
            _place_appeals(placer, rows)
        else:
            _place_labelled(placer, rows)
        placer.missing()
        findings.extend(placer.findings)
    return findings


def _place_labelled(placer: _Placer, rows: list[_Row]) -> None:
    pending: list[str] = []
    for position, row in enumerate(rows):
        if not row.has_numbers:
            if row.label:
                pending = [row.label] if _ITEM_MARK.match(row.label) else [*pending, row.label]
            continue
        spec = _find_spec(placer, row, pending, _following_labels(rows, position))
        pending = []
        if spec is None:
            placer.unplaced(row, "行名无法识别。")
            continue
        _place_values(placer, spec, row)


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
    values = fit_values(row.values, width)
    if len(values) == width - 1 and placer.table is TableId.REQUESTS:
        values = [*values, ""]
        placer.findings.append(
            Finding(
                rule="reader.unplaced",
                severity=Severity.WARNING,
                location=Location(table=placer.table, row=spec.key, row_label=spec.display, column="总计"),
                found=" ".join(row.values),
                message=f"“{spec.display}”只有 {width - 1} 个数字，按总计栏空白读入，请核对。",
            )
        )
    if len(values) != width:
        placer.unplaced(row, f"应有 {width} 个数字，实际有 {len(values)} 个。")
        return
    placer.place(spec, values, row)


def _place_appeals(placer: _Placer, rows: list[_Row]) -> None:
    context: list[str] = []
    for row in rows:
        if not row.has_numbers:
            context.append(row.label)
            continue
        values = fit_values(row.values, len(placer.specs) * _APPEAL_WIDTH)
        if len(values) == len(placer.specs) * _APPEAL_WIDTH:
            for i, spec in enumerate(placer.specs):
                placer.place(spec, values[i * _APPEAL_WIDTH : (i + 1) * _APPEAL_WIDTH], row)
        else:
            _place_one_appeal(placer, row, context)
        context = []


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
    placer.place(spec, values, row)
