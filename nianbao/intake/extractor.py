"""The built-in extractor: figures out of a plain Chinese message, as staff write them.

“今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件……行政复议2件，
维持1件，尚未审结1件” becomes one proposed change per cell. The message is read left to right:
each number takes the row and column words said since the previous number; what is not said is
taken from the context (the row of 其中…, the table being talked about), and a row without an
applicant column is the 总计 column. A number that cannot be placed becomes a note, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, Field

from nianbao.intake.changes import Address, CellChange, describe_address
from nianbao.intake.lexicon import (
    ACTIVE,
    APPEALS,
    DELTA,
    EACH,
    LEXICON,
    LITIGATION,
    LONGEST,
    NEGATION,
    OTHER,
    REQ,
    REST,
    TOTAL,
    WITHIN,
    ColumnRef,
    GroupRef,
    Marker,
    Ref,
    RowRef,
)
from nianbao.model import CellNumber
from nianbao.numerals import normalize_digits, parse_chinese_number
from nianbao.schema import (
    APPLICANT_COLUMNS,
    OTHER_HANDLING,
    ReportFormat,
    TableId,
    ValueKind,
    addresses,
    row_spec,
    rows_of,
)

_NUMBER = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?(?:[万亿](?!元))?|[零〇两一二三四五六七八九十百千万亿]+)"
    r"\s*(?P<unit>件次|件|个|项|起|宗|条|份|万元|元)?"
)
_CLAUSE_END = "，,；;。！!？?\n…"
_SOURCE_END = _CLAUSE_END + "、（）()"
_SENTENCE_END = "；;。！!？?\n"
_NUMBER_END = _CLAUSE_END + "、）)：: \t"
_LIST_START = "\n\t （(：:；;，,。"
_DENIAL_LENGTH = 30
LITIGATION_NOTE = "只说了“行政诉讼”，按“未经复议直接起诉”填写；如为复议后起诉请更正"
_LITIGATION_ROWS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")


@dataclass(frozen=True)
class Figure:
    """A number said in the message, its unit, and where it stands in the text."""

    value: CellNumber
    unit: str
    start: int
    end: int
    denial: bool = False


@dataclass
class _Token:
    start: int
    end: int
    refs: tuple[Ref, ...] = ()
    figure: Figure | None = None


class Extraction(BaseModel):
    """What a message says: the proposed cell values and notes on what could not be used."""

    changes: list[CellChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def extract(text: str, fmt: ReportFormat = ReportFormat.F2021) -> Extraction:
    """Every figure of a Chinese message as a proposed cell change (``old`` left blank)."""
    reader = _Reader(normalize_digits(text), text, fmt)
    reader.run()
    reader.check_group_totals()
    return Extraction(changes=reader.changes(), notes=reader.notes)


def extract_changes(text: str, fmt: ReportFormat = ReportFormat.F2021) -> list[CellChange]:
    """The proposed cell changes of a message (notes dropped)."""
    return extract(text, fmt).changes


def numbers_in(text: str) -> set[CellNumber]:
    """Every number written in the text (with 元 also as 万元), to check figures an LLM proposes."""
    found: set[CellNumber] = set()
    for token in tokenize(normalize_digits(text)):
        if token.figure is not None:
            found.add(token.figure.value)
            if token.figure.unit == "元":
                found.add(_yuan_to_wan(token.figure.value))
    return found


def tokenize(text: str) -> list[_Token]:
    """Phrases of the lexicon (longest first) and numbers with their units, in order."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        token = _phrase_at(text, i) or _figure_at(text, i)
        if token is None:
            i += 1
            continue
        tokens.append(token)
        i = token.end
    return tokens


def _phrase_at(text: str, i: int) -> _Token | None:
    for length in range(min(LONGEST, len(text) - i), 0, -1):
        refs = LEXICON.get(text[i : i + length])
        if refs is not None:
            return _Token(i, i + length, refs=refs)
    return None


def _figure_at(text: str, i: int) -> _Token | None:
    match = _NUMBER.match(text, i)
    if match is None:
        return None
    unit = match.group("unit") or ""
    number = match.group("num")
    arabic = number[0].isdigit()
    if not unit and (not arabic or not _ends_figure(text, match.end()) or _is_numbering(text, i, match.end())):
        return _Token(i, match.end())
    if not arabic and unit == "个":  # 六个一、两个确保: words, not figures
        return _Token(i, match.end())
    if i > 0 and (text[i - 1] in "第.．" or (arabic and text[i - 1].isdigit())):
        return _Token(i, match.end())
    value = parse_chinese_number(number)
    if value is None:
        return _Token(i, match.end())
    return _Token(i, match.end(), figure=Figure(value, unit, i, match.end()))


def _ends_figure(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in _NUMBER_END or text[end] == "…"


def _is_numbering(text: str, start: int, end: int) -> bool:
    """``1.属于国家秘密`` or ``2、重复申请`` at the start of an item: a label, not a figure."""
    if end >= len(text) or text[end] not in ".．、" or (start > 0 and text[start - 1] not in _LIST_START):
        return False
    return text[end] != "、" or int(text[start:end]) <= 9


def _yuan_to_wan(value: CellNumber) -> Decimal:
    return (Decimal(value) / 10000).normalize()


@dataclass
class _Context:
    table: TableId | None = None
    fresh: bool = False
    litigation_assumed: bool = False
    rows: dict[TableId, str] = field(default_factory=dict)
    group: str = ""


@dataclass
class _Reader:
    text: str
    original: str
    fmt: ReportFormat
    notes: list[str] = field(default_factory=list)
    found: dict[Address, CellChange] = field(default_factory=dict)
    context: _Context = field(default_factory=_Context)
    last: tuple[Figure, list[Ref], int] | None = None
    group_totals: list[tuple[str, Figure]] = field(default_factory=list)
    known: frozenset[Address] = frozenset()

    def __post_init__(self) -> None:
        self.known = frozenset(addresses(self.fmt))

    def changes(self) -> list[CellChange]:
        return list(self.found.values())

    def run(self) -> None:
        tokens = tokenize(self.text)
        pending: list[Ref] = []
        used_trailing = -1
        after_figure = False
        for index, token in enumerate(tokens):
            if (after_figure and self._boundary_before(tokens, index)) or self._sentence_before(tokens, index):
                pending, after_figure = [], False
            if self._sentence_before(tokens, index):
                self.context.fresh = False
            if DELTA in pending and self._boundary_before(tokens, index):
                pending = [
                    r for r in pending if r is not DELTA
                ]  # 同比增长12.5%，共223件: the change was its own clause
            if token.figure is None:
                if index > used_trailing:
                    pending.extend(token.refs)
                    self._clause_without_figure(tokens, index, pending)
                continue
            refs = pending
            if not _says_where(refs):
                trailing, used_trailing = self._trailing(tokens, index)
                refs = refs + trailing
            notes_before = len(self.notes)
            self._place(token.figure, refs)
            self.last = (token.figure, refs, notes_before)
            pending, after_figure = [], True

    def _boundary_before(self, tokens: list[_Token], index: int) -> bool:
        """A clause ends between this token and the one before (words after a figure were about it)."""
        between = self.text[tokens[index - 1].end : tokens[index].start] if index else ""
        return any(ch in _CLAUSE_END for ch in between)

    def _sentence_before(self, tokens: list[_Token], index: int) -> bool:
        between = self.text[tokens[index - 1].end : tokens[index].start] if index else ""
        return any(ch in _SENTENCE_END for ch in between)

    def _trailing(self, tokens: list[_Token], index: int) -> tuple[list[Ref], int]:
        refs: list[Ref] = []
        last = index
        for position in range(index + 1, len(tokens)):
            token = tokens[position]
            between = self.text[tokens[position - 1].end : token.start]
            if token.figure is not None or any(ch in _CLAUSE_END for ch in between):
                break
            refs.extend(token.refs)
            last = position
            if any(isinstance(r, RowRef) for r in token.refs):
                break
        return refs, last

    def _clause_without_figure(self, tokens: list[_Token], index: int, pending: list[Ref]) -> None:
        """A clause that ends without a number: “未发生行政复议” (0) or “均为自然人” (about the last figure)."""
        if not self._clause_ends_after(tokens, index):
            return
        if NEGATION in pending:
            self._denial(tokens, index, pending)
            pending.clear()
        elif self.last is not None and (EACH in pending or self._bracket_after_last(tokens, index)):
            self._refine(pending)
            pending.clear()

    def _bracket_after_last(self, tokens: list[_Token], index: int) -> bool:
        """``行政复议1件（结果维持）``: words in brackets right after a figure say more about it."""
        assert self.last is not None
        opened = self.text[self.last[0].end : tokens[index].start].lstrip(" 件次")
        end = tokens[index + 1].start if index + 1 < len(tokens) else len(self.text)
        return opened[:1] in ("（", "(") and any(ch in "）)" for ch in self.text[tokens[index].end : end])

    def _denial(self, tokens: list[_Token], index: int, pending: list[Ref]) -> None:
        """``未发生行政复议、行政诉讼``: each row or column the clause denies is 0."""
        start = self._clause_start(tokens[index].start)
        clause_refs = [r for r in pending if _deniable(r)]
        short = tokens[index].end - start <= _DENIAL_LENGTH
        if short and any(isinstance(r, RowRef | ColumnRef) for r in clause_refs):
            figure = Figure(0, "", start, tokens[index].end, denial=True)
            self._place(figure, [*clause_refs, EACH])

    def _refine(self, pending: list[Ref]) -> None:
        """``部分公开2件，均为自然人`` / ``无法提供15件（均为本机关不掌握）``: the last figure, said more exactly."""
        assert self.last is not None
        figure, refs, notes_before = self.last
        said = [r for r in pending if isinstance(r, RowRef | ColumnRef)]
        if not said:
            return
        before = len(self.found)
        kept = [r for r in refs if not isinstance(r, RowRef)] if any(isinstance(r, RowRef) for r in said) else refs
        self._place(figure, [*kept, *said])
        if len(self.found) > before:
            del self.notes[notes_before:]  # the figure is placed after all: its earlier note no longer holds
        self.last = None

    def _clause_ends_after(self, tokens: list[_Token], index: int) -> bool:
        end = tokens[index + 1].start if index + 1 < len(tokens) else len(self.text)
        between = self.text[tokens[index].end : end]
        return index + 1 >= len(tokens) or any(ch in _SENTENCE_END + "，）)" for ch in between)

    def _clause_start(self, position: int) -> int:
        while position > 0 and self.text[position - 1] not in _CLAUSE_END:
            position -= 1
        return position

    def _source(self, figure: Figure) -> str:
        start = figure.start
        while start > 0 and self.text[start - 1] not in _SOURCE_END:
            start -= 1
        end = figure.end
        while end < len(self.text) and self.text[end] not in _SOURCE_END:
            end += 1
        return self.original[start:end].strip()

    def _note(self, figure: Figure, why: str) -> None:
        if figure.denial:  # “未…” in passing is not a figure the user gave: no note
            return
        self.notes.append(f"“{self._source(figure)}”中的 {figure.value}{figure.unit} 未填入表格：{why}")

    def _place(self, figure: Figure, refs: list[Ref]) -> None:
        if DELTA in refs:
            return
        ambiguous = next((r for r in refs if isinstance(r, Marker) and r.kind in ("ambiguous", "elsewhere")), None)
        if ambiguous is not None:
            self._note(figure, ambiguous.note)
            return
        table = self._table(refs)
        if table is None:
            self._note(figure, "没有说明是表格中的哪一项。")
            return
        self.context.table = table
        self.context.fresh = True
        targets = self._targets(figure, table, refs)
        for address in targets:
            self._put(address, figure)

    def _table(self, refs: list[Ref]) -> TableId | None:
        rows = [r for r in refs if isinstance(r, RowRef)]
        if rows:
            best = max(r.rank for r in rows)
            return next(r.table for r in reversed(rows) if r.rank == best)
        columns = [r for r in refs if isinstance(r, ColumnRef)]
        if columns:
            return columns[-1].table
        if any(isinstance(r, GroupRef) for r in refs):
            return REQ
        if any(m in refs for m in (OTHER, REST, TOTAL)) and self.context.fresh:
            return self.context.table
        return None

    def _targets(self, figure: Figure, table: TableId, refs: list[Ref]) -> list[Address]:
        other_row = self._other_is_row(table, refs)
        rows = self._rows(figure, table, refs, other_row)
        if not rows:
            return []
        columns = [_in_format(self.fmt, c) for c in self._columns(figure, table, refs, rows, other_row)]
        targets = [(table, row, column) for row in rows for column in columns]
        for address in [a for a in targets if a not in self.known]:
            self._note(figure, f"“{row_spec(self.fmt, table, address[1]).display}”没有“{address[2]}”这一栏。")
        return [a for a in targets if a in self.known]

    def _other_is_row(self, table: TableId, refs: list[Ref]) -> bool:
        """其他 is the row 三.六.3 when said under （六）其他处理, and the column 其他 after 其中 or elsewhere."""
        if table is not REQ or OTHER not in refs or WITHIN in refs[refs.index(OTHER) - 1 : refs.index(OTHER)]:
            return False
        group = next((r.group for r in refs if isinstance(r, GroupRef)), self.context.group)
        return group == OTHER_HANDLING

    def _rows(self, figure: Figure, table: TableId, refs: list[Ref], other_row: bool) -> list[str]:
        named = [r for r in refs if isinstance(r, RowRef) and r.table is table]
        groups = list(dict.fromkeys(r.group for r in refs if isinstance(r, GroupRef)))
        if named:
            return self._named_rows(figure, table, named, refs)
        if other_row:
            self.context.group = OTHER_HANDLING
            return [self._remember(table, "三.六.3")]
        if groups and table is REQ:
            said = groups if EACH in refs else groups[:1]
            return [row for group in said for row in self._group_rows(figure, group)]
        current = self.context.rows.get(table)
        if current is None:
            self._note(figure, "没有说明是哪一行（例如“收到申请”“予以公开”）。")
            return []
        return [current]

    def _named_rows(self, figure: Figure, table: TableId, named: list[RowRef], refs: list[Ref]) -> list[str]:
        best = max(r.rank for r in named)
        keys = list(dict.fromkeys(r.key for r in named if r.rank == best))
        if len(keys) > 1 and EACH not in refs:
            self._note(figure, f"同时提到了{'、'.join(keys)}，无法确定填在哪一行，请分开说明。")
            return []
        rows: list[str] = []
        if _LITIGATION_ROWS[0] in keys:
            self.context.litigation_assumed = False
        for key in keys:
            rows.extend(self._litigation(figure) if key == LITIGATION else [key])
        rows = [_in_format(self.fmt, row) for row in rows]
        return [self._remember(table, row) for row in dict.fromkeys(rows) if self._exists(table, row)]

    def _litigation(self, figure: Figure) -> list[str]:
        if figure.value == 0:
            return list(_LITIGATION_ROWS)
        self.context.litigation_assumed = True
        return [_LITIGATION_ROWS[0]]

    def _group_rows(self, figure: Figure, group: str) -> list[str]:
        keys = [s.key for s in rows_of(self.fmt, REQ) if s.group == group or s.label == group]
        self.context.group = group
        if figure.value != 0 and len(keys) > 1:
            self.group_totals.append((group, figure))
            return []
        return keys

    def check_group_totals(self) -> None:
        """A group's total (不予公开3件) is no cell: compare it with its items when they were given."""
        for group, figure in self.group_totals:
            keys = {s.key for s in rows_of(self.fmt, REQ) if s.group == group}
            items = [c.new for a, c in self.found.items() if a[1] in keys and a[2] == "总计"]
            if not items:
                self._note(figure, f"“{group}”是几项的合计，不是表格中的单元格，请按具体情形说明。")
            elif sum(int(v) for v in items if v is not None) != figure.value:
                given = sum(int(v) for v in items if v is not None)
                self._note(figure, f"“{group}”合计 {figure.value} 件，与所说各项之和 {given} 件不一致，请核对。")

    def _remember(self, table: TableId, row: str) -> str:
        row = _in_format(self.fmt, row)
        self.context.rows[table] = row
        if table is REQ:
            self.context.group = row_spec(self.fmt, table, row).group
        return row

    def _exists(self, table: TableId, row: str) -> bool:
        try:
            row_spec(self.fmt, table, row)
        except KeyError:
            self.notes.append(f"{self.fmt.value} 年版格式中没有“{row}”这一行。")
            return False
        return True

    def _columns(self, figure: Figure, table: TableId, refs: list[Ref], rows: list[str], other_row: bool) -> list[str]:
        named = [r.column for r in refs if isinstance(r, ColumnRef) and r.table is table]
        if table is REQ and OTHER in refs and not other_row:
            named.append("其他")
        if table is APPEALS and OTHER in refs:
            named.append("其他结果")
        if named:
            return list(dict.fromkeys(named)) if EACH in refs else [named[-1]]
        if REST in refs and table is REQ:
            rest = self._rest(rows)
            if figure.value != 0 and len(rest) != 1:
                self._note(figure, "“其余”是几类申请人的合计，请分别说明。")
                return []
            return rest
        spec = row_spec(self.fmt, table, rows[0])
        if table is not ACTIVE:
            return ["总计"]
        if len(spec.columns) == 1:
            return [spec.columns[0]]
        self._note(figure, f"没有说明“{spec.label}”是{'、'.join(spec.columns)}中的哪一项。")
        return []

    def _rest(self, rows: list[str]) -> list[str]:
        said = {a[2] for a in self.found if a[1] in rows}
        return [c for c in APPLICANT_COLUMNS if c not in said]

    def _put(self, address: Address, figure: Figure) -> None:
        value = self._value(address, figure)
        if value is None:
            return
        previous = self.found.get(address)
        if previous is not None and previous.new != value:
            where = describe_address(address, self.fmt)
            self.notes.append(f"{where} 前后说了两个数（{previous.new}、{value}），采用后面的 {value}。")
        self.found[address] = CellChange(
            table=address[0],
            row=address[1],
            column=address[2],
            new=value,
            source_text=self._source(figure),
            note=self._assumption(address),
        )

    def _assumption(self, address: Address) -> str:
        """Why a cell was chosen when the user did not say it exactly (行政诉讼 without 复议 or not)."""
        if address[1] == _LITIGATION_ROWS[0] and self.context.litigation_assumed:
            return LITIGATION_NOTE
        return ""

    def _value(self, address: Address, figure: Figure) -> CellNumber | None:
        kind = row_spec(self.fmt, address[0], address[1]).kind_of(address[2])
        if kind is ValueKind.MONEY:
            return _yuan_to_wan(figure.value) if figure.unit == "元" else figure.value
        if figure.unit in ("元", "万元"):
            self._note(figure, f"{describe_address(address, self.fmt)} 是件数，不是金额。")
            return None
        if not isinstance(figure.value, int):
            self._note(figure, f"{describe_address(address, self.fmt)} 应为整数。")
            return None
        return figure.value


_FORMAT_2019_NAMES = {
    "三.六.1": "三.六",
    "三.六.2": "三.六",
    "三.六.3": "三.六",
    "行政规范性文件": "规范性文件",
    "本年处理决定数量": "处理决定数量",
    "本年制发件数": "本年新制作数量",
}


def _in_format(fmt: ReportFormat, name: str) -> str:
    """A 2021 row or column name as the 2019 format calls it (（六）其他处理 is one row there)."""
    return _FORMAT_2019_NAMES.get(name, name) if fmt is ReportFormat.F2019 else name


def _deniable(ref: Ref) -> bool:
    """A row or column that “未发生…”“无…” can set to 0 (not 答复/办结: “未答复问题” is no figure)."""
    if isinstance(ref, RowRef):
        return (ref.rank >= 1 or ref.key == "一") and ref.key != "三.七"
    return isinstance(ref, ColumnRef) or ref is NEGATION


def _says_where(refs: list[Ref]) -> bool:
    return any(isinstance(r, RowRef | ColumnRef | GroupRef) or r in (OTHER, REST, TOTAL) for r in refs)
