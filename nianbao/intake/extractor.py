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

from pydantic import BaseModel, Field

from nianbao.intake.changes import Address, CellChange, describe_address
from nianbao.intake.lexicon import (
    ABOVE,
    ACTIVE,
    ANOTHER,
    APPEALS,
    COPULA,
    DELTA,
    EACH,
    INCLUDES,
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSONS,
    LITIGATION,
    NEGATION,
    NOOP,
    NOT,
    OTHER,
    REQ,
    RESPECTIVELY,
    REST,
    REST_ZERO,
    REVIEWED,
    SAME_AS_LAST,
    SHARE,
    TOTAL,
    WITHIN,
    WORK,
    ColumnRef,
    GroupRef,
    Marker,
    Ref,
    RowRef,
    TableRef,
)
from nianbao.intake.pasted import pasted_rows
from nianbao.intake.tokens import CLAUSE_END, Figure, Token, tokenize, yuan_to_wan
from nianbao.model import CellNumber
from nianbao.numerals import normalize_digits, normalize_financial
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

_CLAUSE_END = CLAUSE_END
_SOURCE_END = _CLAUSE_END + "、（）()"
_SENTENCE_END = "；;。！!？?\n"
_DENIAL_LENGTH = 30
_CORRECTION_WORDS = ("更正", "不对", "说错", "应为", "应该是", "改为", "改成", "纠正一下")
_CORRECTION_START = ("不对", "刚才说错了", "说错了", "更正", "纠正一下", "改一下", "错了", "应该是")
WORK_NUMBERS = "是工作情况的数字，不是表格中的数字"
"""In the one note that lists the numbers of the year's work a message gave (not the tables')."""
_CORRECTION_BREAK = "，,。：:！!；; 是"
_REPLACING = ("应该是", "应为", "改成", "改为", "更正为")
"""自然人应该是31件: a correction even when it does not open the message."""
_CORRECTION_CLAUSES = ("不对", "说错了", "刚才说错了", "错了", "更正", "写错了", "打错了")
_INTERJECTIONS = "哦噢喔啊呃嗯唉哎"
_COMMA = re.compile("[，,]")
RECEIVED_NOTE = "“受理”按本年新收填写；如所说的受理数含上年结转的申请，请更正"
LITIGATION_QUESTION = "是未经复议直接起诉、复议后起诉，还是两者合计？请分别说明（如“直接起诉2件，复议后起诉1件”）。"
REVIEWER_QUESTION = "是本机关被申请行政复议的案件（表四），还是本机关作为复议机关受理的？表四只填前者，请说明。"
_LITIGATION_ROWS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
_GENERIC_ROWS = ("一", "三.七", "四")
"""Rows named by words other work uses too (收到、受理、答复、办结、结转): 受理工单1200件 is not an application."""
_APPLIED = RowRef(REQ, "一", 0)
"""The word 申请: a clause that says it is about applications."""
_WORK_SHOWN = 6
_SCOPE_ROWS = ("一", "三.七")
"""The applications a clause ending in 中 can scope: those received or those answered."""
_FEE_UNIT_QUESTION = "收费金额没有写单位，是元还是万元？请带单位再说一次（如“21560元”或“2.156万元”）。"
_DOCUMENT_UNITS = ("份", "篇", "页")
"""予以公开的信息共涉及文件56份: documents counted, not requests, even beside a row's name."""
_APPLICANTS_AMONG = ("申请人中", "申请人里", "在申请人中")
_BREAKDOWN_START = ("其中", *_APPLICANTS_AMONG)


class RestScope(BaseModel):
    """“其余均为0”: the blank cells of these tables (only these rows when given) are 0."""

    tables: list[TableId]
    rows: list[str] = Field(default_factory=list)
    source_text: str = ""
    spans: list[tuple[int, int]] = Field(default_factory=list)

    def covers(self, table: TableId, row: str) -> bool:
        return table in self.tables and (not self.rows or row in self.rows)

    def describe(self) -> str:
        """``依申请公开（三.三.1、三.三.2）`` — the scope in words."""
        names = "、".join(t.value for t in self.tables)
        return f"{names}（{'、'.join(self.rows)}）" if self.rows else names


class Said(BaseModel):
    """A cell a message gave, kept for the next message (its breakdown, “不是52是53”)."""

    table: TableId
    row: str
    column: str
    value: CellNumber
    source: str = ""


class Extraction(BaseModel):
    """What a message says: the proposed cell values and notes on what could not be used."""

    changes: list[CellChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    rest: list[RestScope] = Field(default_factory=list)
    rows: dict[str, str] = Field(default_factory=dict)
    """The row each table was last talked about (table name → row key), for a correction in the next message."""
    said: list[Said] = Field(default_factory=list)
    """The cells the message gave, for the next message: a breakdown of its totals, or a correction."""
    not_figures: list[tuple[int, int]] = Field(default_factory=list)
    """Where the message gives numbers that are no table figure (the year's work, 约30件): an LLM's cell quoting
    one of them is dropped."""


def extract(
    text: str,
    fmt: ReportFormat = ReportFormat.F2021,
    rows: dict[str, str] | None = None,
    said: list[Said] | None = None,
) -> Extraction:
    """Every figure of a Chinese message as a proposed cell change (``old`` left blank).

    ``rows`` is the row each table was last talked about in the previous message (``Extraction.rows``):
    a correction that names only a column (“不对，自然人15件”) is about that row. ``said`` is what the
    previous message gave (``Extraction.said``): a message opening with a breakdown (“其中自然人50件，企业2件”)
    is of the total there it adds up to, and “不是52，是53” corrects the cell that was 52.
    """
    pasted, pasted_notes, text = pasted_rows(text, fmt)
    before = [Said.model_validate(s) for s in said or []]
    reader = _Reader(normalize_financial(normalize_digits(text)), text, fmt, previous=before)
    if rows and (opens_with_correction(text) or any(w in text for w in _REPLACING)):
        reader.context.rows.update({TableId(t): r for t, r in rows.items() if TableId(t) is not ACTIVE})
    cases = [s.row for s in before if s.table is APPEALS and s.column == "总计"]
    if len(cases) == 1:  # 行政复议2件, then 维持1件，尚未审结1件: the results of that one case row
        reader.context.rows.setdefault(APPEALS, cases[0])
    reader.run()
    reader.check_group_totals()
    changes = [*pasted, *reader.changes()]
    notes = [*pasted_notes, *reader.notes, *filter(None, [reader.work_note()])]
    rows_said = {t.value: r for t, r in reader.context.rows.items()}
    given = [
        Said(table=c.table, row=c.row, column=c.column, value=c.new, source=c.source_text)
        for c in changes
        if c.new is not None
    ]
    return Extraction(
        changes=changes, notes=notes, rest=reader.rest, rows=rows_said, said=given, not_figures=reader.not_figures
    )


def extract_changes(text: str, fmt: ReportFormat = ReportFormat.F2021) -> list[CellChange]:
    """The proposed cell changes of a message (notes dropped)."""
    return extract(text, fmt).changes


@dataclass
class _Context:
    table: TableId | None = None
    fresh: bool = False
    rows: dict[TableId, str] = field(default_factory=dict)
    row_spans: dict[TableId, tuple[int, int]] = field(default_factory=dict)
    group: str = ""
    within: ColumnRef | None = None


@dataclass
class _Placed:
    """A figure placed on cells, with the words that placed it (for 以上均为… and 均为… after a list)."""

    figure: Figure
    refs: list[Ref]
    targets: list[Address]


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
    rest: list[RestScope] = field(default_factory=list)
    placed: list[_Placed] = field(default_factory=list)
    taken_back: list[Ref] | None = None
    above_from: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)
    tables_said: list[TableId] = field(default_factory=list)
    unread: int = 0
    disputed: set[Address] = field(default_factory=set)
    previous: list[Said] = field(default_factory=list)
    taken_back_value: CellNumber | None = None
    work: list[str] = field(default_factory=list)
    not_figures: list[tuple[int, int]] = field(default_factory=list)
    carried_subset: int = -1
    """Where the sentence starts whose outcomes are of the carried-over requests only (上年结转的2件，1件予以公开)."""
    foreign: bool = False
    """The sentence so far talked about other work (受理热线工单1200件，办结1180件): its 收到/办结 are not ours."""

    def __post_init__(self) -> None:
        self.known = frozenset(addresses(self.fmt))

    def changes(self) -> list[CellChange]:
        return list(self.found.values())

    def run(self) -> None:
        tokens = tokenize(self.text)
        pending: list[Ref] = []
        used = self._breakdown_of_previous(tokens)
        after_figure = False
        for index, token in enumerate(tokens):
            if (after_figure and self._boundary_before(tokens, index)) or self._sentence_before(tokens, index):
                pending, after_figure = [], False
            if self._sentence_before(tokens, index):
                self.context.fresh = False
                self.context.within = None
                self.foreign = False
            if index > used and self._boundary_before(tokens, index):
                used = max(used, self._breakdown_of_rows_before(tokens, index))
            if index > used and (index == 0 or self._sentence_before(tokens, index)):
                self._breakdown_before_total(tokens, index)
            if not after_figure and self._scope_before(tokens, index, pending):
                pending = []
            if SHARE in pending and DELTA not in pending and self._boundary_before(tokens, index):
                pending = []  # 办结率97%，结转1件: the words of the share's clause are not about the next figure
            pending = [r for r in pending if r is not SHARE]
            if self._boundary_before(tokens, index):  # 每件平均答复8天，共答复33件: such words qualify their own clause
                pending = [r for r in pending if not (isinstance(r, Marker) and r.kind in ("elsewhere", "ambiguous"))]
            if DELTA in pending and self._boundary_before(tokens, index):
                pending = [
                    r for r in pending if r is not DELTA
                ]  # 同比增长12.5%，共223件: the change was its own clause
            if index <= used:
                continue
            if token.figure is None and self._applicant_heading(tokens, index):
                continue
            if token.figure is None:
                pending.extend(token.refs)
                self._clause_without_figure(tokens, index, pending)
                continue
            used = max(used, self._figure(tokens, index, pending))
            pending, after_figure = [], True

    def _figure(self, tokens: list[Token], index: int, pending: list[Ref]) -> int:
        """Place the figure at ``index`` with the words said before it; the last token index it used."""
        figure = tokens[index].figure
        assert figure is not None
        if RESPECTIVELY in pending and _names_for_respectively(pending):
            return self._respectively(tokens, index, pending)
        if figure.approximate or figure.split:
            self.not_figures.append((figure.start, figure.end))
            why = "数字中间有空格，请告诉我确切的数字。" if figure.split else "这是约数，请告诉我确切的数字。"
            self._note(figure, why, unread=True)
            return index
        if NOT in pending or figure.replaced:  # 不是3件，是4件 / 52改成53: the clause's words go to the next figure
            self.taken_back = [r for r in pending if r is not NOT]
            self.taken_back_value = figure.value
            return index
        refs = list(pending)
        if not _says_where(refs) and self.taken_back is not None and not _says_where(self.taken_back):
            self.taken_back = None
            if self._corrected_by_value(figure, self.taken_back_value):
                self.taken_back_value = None
                return index
        if not _says_where(refs) and self.taken_back:
            refs, self.taken_back = refs + self.taken_back, None
        if not _says_where(refs) and self.placed and self._sentence_corrects(figure):
            refs = refs + [r for r in self.placed[-1].refs if isinstance(r, RowRef | ColumnRef | GroupRef)]
        elif (
            not _says_where(refs)
            and DELTA not in refs
            and not self.placed
            and len(self.previous) == 1
            and self._sentence_corrects(figure)
        ):
            self._corrected_by_value(figure, self.previous[0].value)  # 更正：36件 after a message of one figure
            return index
        self.taken_back_value = None
        used = index
        if not _says_row(refs):
            trailing, used = self._trailing(tokens, index)
            adjacent = bool(figure.unit) and _said_right_after(tokens, index, _APPLIED)  # 12件申请中
            trailing = [r for r in trailing if not (isinstance(r, RowRef) and r.rank == 0 and not adjacent)]
            bare = all(r in (TOTAL, NOOP) for r in refs)  # 一共34个申请
            if _says_row(trailing) or not _says_where(refs) or _rest_is_one_type(refs, trailing) or (adjacent and bare):
                refs = refs + trailing  # 其余4件为自然人申请: the rest is one type, said after it
            else:
                used = index
        refs += self._column_of_whole(refs)
        refs = self._reviewed(tokens, index, refs)
        unlike = self._unlike_its_whole(figure, refs)
        if unlike:
            self.not_figures.append((figure.start, figure.end))
            self._note(figure, unlike, unread=True)
            return used
        if ANOTHER in refs and not _says_row(refs):
            self._note(figure, "“另有”之后没有说明是哪一项。", unread=True)
            return used
        notes_before = len(self.notes)
        self._place(figure, refs)
        self._scope_of_one_type(figure)
        if WITHIN in refs and len(self.placed) > 1 and self.placed[-1].figure is figure:
            self._carried_within_received(self.placed[-2], self.placed[-1])
        if INCLUDES in refs and len(self.placed) > 1 and self.placed[-1].figure is figure:
            self._included(self.placed[-2], self.placed[-1])
        self.last = (figure, refs, notes_before)
        return used

    def _carried_within_received(self, whole: _Placed, part: _Placed) -> None:
        """``收到申请34件，其中10件为上年结转``: her 收到 counts the carried-over too; 新收 is asked, not 34."""
        whole_rows = {a[1] for a in whole.targets if a[0] is REQ}
        part_rows = {a[1] for a in part.targets if a[0] is REQ}
        if whole_rows == {"一"} and part_rows == {"二"}:
            self._included(whole, part)

    def _unlike_its_whole(self, figure: Figure, refs: list[Ref]) -> str:
        """Why a part cannot be of the figure it breaks down, else "": ``行政许可1203件（其中当场办结800件）`` (办结
        there is the permits'), ``上年结转2件，其中予以公开1件`` (the outcomes of the table are of every request)."""
        rows = [r for r in refs if isinstance(r, RowRef) and r.rank >= 1]
        whole = self.placed[-1] if self.placed else None
        if not rows or whole is None or (WITHIN not in refs and self.carried_subset < 0):
            return ""
        if self._sentence_start(whole.figure.start) != self._sentence_start(figure.start):
            return ""
        tables = {a[0] for a in whole.targets}
        generic = all(r.table is REQ and r.key in _GENERIC_ROWS for r in rows)
        if WITHIN in refs and tables and REQ not in tables and generic:
            return "“其中”之后说的是前一项（不是政府信息公开申请）的一部分，不填入依申请公开表。"
        whole_rows = {a[1] for a in whole.targets if a[0] is REQ}
        received = {r.key for r in rows if r.table is REQ} & {"一", "二"}
        if WITHIN in refs and received and any(row.startswith("三.") for row in whole_rows):
            return "表中办理结果不按新收、上年结转细分，这个数不单独填写；上年结转的总数请另行说明（如“上年结转3件”）。"
        outcome = any(r.table is REQ and r.key.startswith("三.") for r in rows)
        carried = self.carried_subset == self._sentence_start(figure.start)
        if outcome and (carried or (WITHIN in refs and whole_rows & {"二", "四"})):
            self.carried_subset = self._sentence_start(figure.start)
            return (
                "这是上年结转（或结转下年度）申请中的一部分；表中办理结果是全年全部申请的合计，"
                "请告诉我全年的数字（如“全年予以公开18件”）。"
            )
        return ""

    def _applicant_heading(self, tokens: list[Token], index: int) -> bool:
        """``自然人：新收30件，予以公开16件`` (a line per applicant type, as her 台账 keeps them): the type opening a
        clause, then a colon and words, is the column of every figure to the end of the sentence."""
        token = tokens[index]
        columns = [r for r in token.refs if isinstance(r, ColumnRef) and r.table is REQ]
        after = self.text[token.end :].lstrip(" ")
        if len(columns) != 1 or len(token.refs) != 1 or not after.startswith(("：", ":")):
            return False
        opens = self.text[self._clause_start(token.start) : token.start].strip(" 0123456789.、（）()") == ""
        named_next = index + 1 < len(tokens) and tokens[index + 1].figure is None
        if not opens or not named_next:  # 其中自然人：30件 is a value after its name
            return False
        self.context.within = columns[0]
        return True

    def _scope_of_one_type(self, figure: Figure) -> None:
        """``自然人申请的30件中，予以公开16件…``: a figure of one applicant type ending its clause with 中 is the
        scope of the clauses after it, which are of that type too (to the end of the sentence)."""
        end = figure.end
        while end < len(self.text) and self.text[end] not in _CLAUSE_END:
            end += 1
        scope = self.text[figure.end : end].strip() in ("中", "里", "之中", "当中")
        subject = self.text[self._clause_start(figure.start) : figure.start].endswith("的") and self._first_of_sentence(
            figure
        )  # 企业申请的2件，1件公开，1件不掌握
        if not (scope or subject) or not self.placed:
            return
        placed = self.placed[-1]
        columns = {a[2] for a in placed.targets if a[0] is REQ}
        if placed.figure is figure and len(columns) == 1 and columns <= set(APPLICANT_COLUMNS):
            self.context.within = ColumnRef(REQ, columns.pop())

    def _first_of_sentence(self, figure: Figure) -> bool:
        start = self._sentence_start(figure.start)
        return not any(start <= p.figure.start < figure.start for p in self.placed)

    def _included(self, whole: _Placed, part: _Placed) -> None:
        """``受理申请36件（含上年结转2件）``: a figure said to include another row's is no cell of its own row
        (the table's rows do not include each other); it is asked, not placed."""
        rows = {a[1] for a in part.targets}
        whole_rows = {a[1] for a in whole.targets}
        if self._sentence_start(whole.figure.start) != self._sentence_start(part.figure.start) or rows & whole_rows:
            return  # 收到36件，含自然人30件: a breakdown of the same row
        if "三.七" in whole_rows:
            return  # 答复3050件（含上年度结转申请34件）: the answered include last year's and every outcome
        self.not_figures.append((whole.figure.start, whole.figure.end))
        for address in whole.targets:
            if address in self.found and self.found[address].new == whole.figure.value:
                del self.found[address]
                self.disputed.add(address)
        self.unread += 1
        rest = int(whole.figure.value) - int(part.figure.value)
        self.notes.append(
            f"这句没有读懂：“{self._source(whole.figure)}”“{self._source(part.figure)}”——表中各行互不包含，"
            f"请说明除去后者是多少（是否为 {whole.figure.value} − {part.figure.value} = {rest} 件）。"
        )

    def _sentence_corrects(self, figure: Figure) -> bool:
        """``收到申请34件？不对，是36件``: a sentence opening with a correction, about the figure just before; or
        a clause of its own that takes the figure before back (予以公开18件，哦不对，是19件)."""
        said = self.text[self._sentence_start(figure.start) : figure.start]
        return opens_with_correction(said) or any(
            c.strip().lstrip(_INTERJECTIONS) in _CORRECTION_CLAUSES for c in _COMMA.split(said)[1:-1]
        )

    def _corrected_by_value(self, figure: Figure, value: CellNumber | None) -> bool:
        """``刚才说错了，不是52是53``: the cells the previous message gave as 52 (one clause's: 部分公开4件，都是自然人
        gave two) are 53; asked when clauses of several said 52. False when none did (the row in context then)."""
        cells = [s for s in self.previous if s.value == value]
        sources = list(dict.fromkeys(s.source for s in cells))
        if len(sources) > 1:
            named = "、".join(f"“{source}”" for source in sources)
            self._note(figure, f"上一条消息中{named}都是 {value}，请说明改的是哪一项。", unread=True)
            return True
        if not cells:
            return False
        targets = [(cell.table, cell.row, cell.column) for cell in cells]
        for address in targets:
            self._put(address, figure, [])
        self.placed.append(_Placed(figure, [], targets))
        self.tables_said.extend(cell.table for cell in cells)
        return True

    def _scope_before(self, tokens: list[Token], index: int, pending: list[Ref]) -> bool:
        """``办结的申请中，予以公开18件``: a clause without a figure ending in 中 names the applications the
        next clauses sort (办结 or 收到), not a row of their own; it stays the row in context."""
        between = self.text[tokens[index - 1].end : tokens[index].start] if index else ""
        if not any(ch in _CLAUSE_END + "：:" for ch in between):
            return False
        clause = self.text[self._clause_start(tokens[index - 1].end) : tokens[index].start].rstrip(_CLAUSE_END + "：: ")
        rows = [r for r in pending if isinstance(r, RowRef)]
        if not clause.endswith(("中", "里")) or not rows or any(r.key not in _SCOPE_ROWS for r in rows):
            return False
        self._remember(REQ, max(rows, key=lambda r: r.rank).key)
        self.context.table = REQ
        return True

    def _breakdown_of_rows_before(self, tokens: list[Token], index: int) -> int:
        """``新收31件，上年结转2件。申请人中自然人28件，…``: a breakdown opening a sentence after several rows
        is of the row whose total it adds up to; when the sums do not decide, it is asked, not placed.
        “申请人中” after a comma is about the rows said before it in its sentence (a “其中” there is about the
        figure just before). The last token index it used (the breakdown's, when asked), else -1."""
        start = self._clause_start(tokens[index].start)
        new_sentence = self._sentence_before(tokens, index)
        if not self.text[start:].lstrip().startswith(_BREAKDOWN_START if new_sentence else _APPLICANTS_AMONG):
            return -1
        figures = self._applicant_figures(tokens, index)
        before = self._sentence_end_before(start) if new_sentence else start
        totals = self._row_totals_between(self._sentence_start(before), start)
        if not figures or len(totals) < 2:
            return -1
        parts = sum(figure.value for figure in figures)
        matching = [t for t in totals if t.figure.value == parts]
        if len(matching) == 1:
            self._remember(REQ, matching[0].targets[0][1])
            self.context.table, self.context.fresh = REQ, True
            self.context.row_spans[REQ] = self._source_span(matching[0].figure)
            return -1
        said = "、".join(f"“{self._source(t.figure)}”" for t in totals)
        why = f"与{len(matching)}项都相等" if matching else "与哪一项都不相等"
        source = self.original[slice(*_stripped(self.original, start, figures[-1].end))]
        where = "前一句" if new_sentence else "前面"
        self.unread += 1
        self.notes.append(
            f"这句没有读懂：“{source}”——{where}说了{said}，这里各类申请人合计 {parts} 件，{why}，"
            "请说明是哪一项的申请人分项。"
        )
        return self._last_index_of(tokens, figures[-1])

    def _breakdown_of_previous(self, tokens: list[Token]) -> int:
        """``今年收到申请52件`` then, in the next message, ``其中自然人50件，企业2件``: a message opening with a
        breakdown by applicant is of the previous message's total it adds up to (its only total after 其中);
        when the sums do not decide, it is asked. The last token index it used (when asked), else -1."""
        totals = [s for s in self.previous if s.table is REQ and s.column == "总计"]
        if tokens and totals and tokens[0].figure is not None:
            return self._previous_total_restated(tokens[0].figure, totals)
        if not tokens or not totals:
            return -1
        figures = self._applicant_figures(tokens, 0)
        if not figures:
            return -1
        parts = sum(figure.value for figure in figures)
        opens_within = self.text.lstrip().startswith(_BREAKDOWN_START)
        matching = [t for t in totals if t.value == parts]
        if len(matching) == 1 or (opens_within and len(totals) == 1):
            chosen = matching[0] if len(matching) == 1 else totals[0]
            self._remember(REQ, chosen.row)
            self.context.table, self.context.fresh = REQ, True
            return -1
        if not opens_within and not matching:
            return -1  # 自然人16件 alone: not said to be a breakdown, asked as before
        said = "、".join(f"“{t.source}”" for t in totals)
        why = f"与{len(matching)}项都相等" if matching else "与哪一项都不相等"
        source = self.original[slice(*_stripped(self.original, 0, figures[-1].end))]
        self.unread += 1
        self.notes.append(
            f"这句没有读懂：“{source}”——上一条消息说了{said}，这里各类申请人合计 {parts} 件，{why}，"
            "请说明是哪一项的申请人分项。"
        )
        return self._last_index_of(tokens, figures[-1])

    def _previous_total_restated(self, figure: Figure, totals: list[Said]) -> int:
        """``予以公开18件`` then ``18件里自然人16件，企业2件``: a message opening with the one previous total it names
        by its number (and 里/中) is about that row; 0 (the figure's token is used) or -1."""
        opens = self.text[: figure.start].strip(" 这那在") == ""
        matching = [t for t in totals if t.value == figure.value]
        if not opens or not self.text.startswith(("里", "中"), figure.end) or len(matching) != 1:
            return -1
        self._remember(REQ, matching[0].row)
        self.context.table, self.context.fresh = REQ, True
        return 0

    def _breakdown_before_total(self, tokens: list[Token], index: int) -> None:
        """``自然人30件，企业3件，共收到申请33件``: applicant types opening a sentence, then the total they add up
        to, are that row's breakdown."""
        figures = self._applicant_figures(tokens, index)
        if not figures:
            return
        after = self._last_index_of(tokens, figures[-1]) + 1
        refs: list[Ref] = []
        for position in range(after, len(tokens)):
            if self._sentence_before(tokens, position):
                return
            figure = tokens[position].figure
            if figure is None:
                refs.extend(tokens[position].refs)
                continue
            rows = [r for r in refs if isinstance(r, RowRef) and r.table is REQ and r.rank >= 1]
            if not rows or figure.value != sum(f.value for f in figures):
                return
            best = max(r.rank for r in rows)
            keys = {r.key for r in rows if r.rank == best}
            if len(keys) == 1 and not any(isinstance(r, ColumnRef | GroupRef) for r in refs):
                self._remember(REQ, keys.pop())
                self.context.table, self.context.fresh = REQ, True
                self.context.row_spans[REQ] = self._source_span(figure)
            return

    def _sentence_end_before(self, start: int) -> int:
        while start > 0 and self.text[start - 1] in _SENTENCE_END + " \t":
            start -= 1
        return start

    @staticmethod
    def _last_index_of(tokens: list[Token], figure: Figure) -> int:
        return next(i for i, t in enumerate(tokens) if t.figure is figure)

    def _applicant_figures(self, tokens: list[Token], index: int) -> list[Figure]:
        """The figures from ``index`` said only with an applicant type (自然人28件，商业企业2件), to the first that
        names anything else or the end of the sentence."""
        found: list[Figure] = []
        refs: list[Ref] = []
        for position in range(index, len(tokens)):
            if position > index and self._sentence_before(tokens, position):
                break
            token = tokens[position]
            if token.figure is None:
                refs.extend(token.refs)
                continue
            if RESPECTIVELY in refs:  # 自然人、商业企业分别为18件、2件
                return self._respective_figures(tokens, position, refs)
            if not any((isinstance(r, ColumnRef) and r.table is REQ) or r is OTHER for r in refs) or any(
                not isinstance(r, ColumnRef) and r not in (WITHIN, NOOP, OTHER) for r in refs
            ):
                break
            found.append(token.figure)
            refs = []
        return found

    def _respective_figures(self, tokens: list[Token], index: int, refs: list[Ref]) -> list[Figure]:
        """The figures after ``自然人、商业企业分别为``, when the names before it are all applicant types."""
        names = _names_for_respectively(refs)
        if not names or any(not isinstance(r, ColumnRef) or r.table is not REQ for r in names):
            return []
        figures = [tokens[p].figure for p in self._figure_list(tokens, index)]
        return [f for f in figures if f is not None] if len(figures) == len(names) else []

    def _row_totals_between(self, start: int, end: int) -> list[_Placed]:
        """The 依申请公开 rows given a total by a figure said between ``start`` and ``end``, one each."""
        totals: dict[str, _Placed] = {}
        for placed in self.placed:
            if start <= placed.figure.start < end and not placed.figure.denial:
                for table, row, column in placed.targets:
                    if table is REQ and column == "总计" and len(placed.targets) == 1:
                        totals.setdefault(row, placed)
        return list(totals.values())

    def _boundary_before(self, tokens: list[Token], index: int) -> bool:
        """A clause ends between this token and the one before (words after a figure were about it)."""
        between = self.text[tokens[index - 1].end : tokens[index].start] if index else ""
        return any(ch in _CLAUSE_END for ch in between)

    def _sentence_before(self, tokens: list[Token], index: int) -> bool:
        between = self.text[tokens[index - 1].end : tokens[index].start] if index else ""
        return any(ch in _SENTENCE_END for ch in between)

    def _trailing(self, tokens: list[Token], index: int) -> tuple[list[Ref], int]:
        refs: list[Ref] = []
        last = index
        for position in range(index + 1, len(tokens)):
            token = tokens[position]
            between = self.text[tokens[position - 1].end : token.start]
            if token.figure is not None or any(ch in _CLAUSE_END + "：:" for ch in between):
                break  # 不公开的有3个：涉密1个 — what follows a colon is its breakdown, not its row
            if self._completed(tokens, index, token):
                break
            refs.extend(token.refs)
            last = position
            if any(isinstance(r, RowRef) and r.rank >= 1 for r in token.refs):
                break
        return refs, last

    def _completed(self, tokens: list[Token], index: int, token: Token) -> bool:
        """``申请5件全部办结``: 全部/均/已 + 办结 after a figure says those were answered; 办结 is not its row."""
        figure = tokens[index].figure
        done = any(isinstance(r, RowRef) and r.key == "三.七" for r in token.refs)
        return done and figure is not None and any(w in self.text[figure.end : token.start] for w in "全均都已")

    def _reviewed(self, tokens: list[Token], index: int, refs: list[Ref]) -> list[Ref]:
        """``对现行有效的38件规范性文件进行了梳理，废止3件``: the figure is what was reviewed, not a cell (REVIEWED
        added to its words); its row stays the one talked about, for the 废止3件 after it."""
        for token in tokens[index + 1 :]:
            if token.figure is not None or any(ch in _CLAUSE_END for ch in self.text[tokens[index].end : token.start]):
                return refs
            if REVIEWED in token.refs:
                for row in {r.key for r in refs if isinstance(r, RowRef) and r.table is ACTIVE}:
                    self._remember(ACTIVE, row)
                    self.context.table = ACTIVE
                return [*refs, REVIEWED]
        return refs

    def _clause_without_figure(self, tokens: list[Token], index: int, pending: list[Ref]) -> None:
        """A clause that ends without a number: “未发生行政复议” (0), “均为自然人” / “为自然人申请” (about
        the figure before), “以上均为自然人申请” (about every figure of the sentence), “其余按0填写”."""
        if not self._clause_ends_after(tokens, index):
            return
        if REST_ZERO in pending:
            self._rest_scope(pending, self._clause_span(tokens[index].start))
            pending.clear()
        elif SAME_AS_LAST in pending and _says_where(pending) and not self._bare_figure_follows(tokens, index):
            source = self.original[slice(*self._clause_span(tokens[index].start))]
            self.unread += 1
            self.notes.append(f"这句没有读懂：“{source}”——本年的表格填本年的数字，请告诉我具体是多少。")
            pending.clear()
        elif NEGATION in pending:
            self._denial(tokens, index, pending)
            pending.clear()
        elif REST in pending:  # 其余为个人: the rest of the row, never the last figure said
            self._rest_of_row(pending, self._clause_span(tokens[index].start))
            pending.clear()
        elif ABOVE in pending:
            self._above(tokens[index].start, pending)
            pending.clear()
        elif self.last is not None and (
            EACH in pending
            or pending[:1] == [COPULA]
            or self._bracket_after_last(tokens, index)
            or self._appeal_result_after_last(pending)
        ):
            self._refine(pending, self._clause_span(tokens[index].start))
            pending.clear()
        elif self.last is None and not self.placed and self.previous:
            self._refine_previous(pending, self._clause_span(tokens[index].start))

    def _rest_of_row(self, pending: list[Ref], span: tuple[int, int]) -> None:
        """``部分公开3件，其中1件为企业申请，其余为个人``: one applicant type has the rest of the row's total."""
        columns = [r for r in pending if isinstance(r, ColumnRef)]
        row = self.context.rows.get(REQ)
        if len(columns) != 1 or columns[0].table is not REQ or row is None or _says_row(pending):
            return
        total = self.found.get((REQ, row, "总计"))
        said = [c.new for a, c in self.found.items() if a[1] == row and a[2] in APPLICANT_COLUMNS]
        if total is None or total.new is None or not said or (REQ, row, columns[0].column) in self.found:
            return
        rest = int(total.new) - sum(int(v or 0) for v in said)
        figure = Figure(rest, "件", *span)
        if rest < 0:
            self._note(figure, f"“其余”算出来是负数（{total.new} − {' − '.join(str(v) for v in said)}），请核对。")
            return
        self._put((REQ, row, columns[0].column), figure, [])
        self.placed.append(_Placed(figure, list(pending), [(REQ, row, columns[0].column)]))

    def _refine_previous(self, pending: list[Ref], span: tuple[int, int]) -> None:
        """``予以公开18件`` then, in the next message, ``都是自然人`` (or ``予以公开的都是自然人``); ``行政复议1件``
        then ``结果维持``: the previous message's one total the words are about, said more exactly. Asked when
        it gave several totals and the words do not say which."""
        columns = [r for r in pending if isinstance(r, ColumnRef)]
        rows = {r.key for r in pending if isinstance(r, RowRef) and r.rank >= 1}
        if len(columns) != 1 or (columns[0].table is REQ and EACH not in pending):
            return
        column = columns[0]
        totals = [
            s for s in self.previous if s.table is column.table and s.column == "总计" and (not rows or s.row in rows)
        ]
        figure = Figure(totals[0].value if totals else 0, "", *span)
        given = [s for s in self.previous if totals and s.table is column.table and s.row == totals[0].row]
        if len(totals) == 1 and any(s.column != "总计" for s in given):  # its results were given: not all of one kind
            why = "上一条消息已经说了这一项的分项，请直接说明更正后的各项数字（如“维持2件，尚未审结0件”）。"
            self._note(figure, why, unread=True)
        elif len(totals) == 1:
            self._put((column.table, totals[0].row, column.column), figure, [])
            self.placed.append(_Placed(figure, list(pending), [(column.table, totals[0].row, column.column)]))
        elif len(totals) > 1:
            said = "、".join(f"“{t.source}”" for t in totals)
            self._note(figure, f"上一条消息说了{said}，请说明是哪一项的。", unread=True)

    def _bare_figure_follows(self, tokens: list[Token], index: int) -> bool:
        """``行政诉讼和去年一样，都是0``: the next clause gives a figure without naming a row or column."""
        for position in range(index + 1, len(tokens)):
            if self._sentence_before(tokens, position) or _says_where(list(tokens[position].refs)):
                return False
            if tokens[position].figure is not None:
                return True
        return False

    def _appeal_result_after_last(self, pending: list[Ref]) -> bool:
        """``行政复议1件，结果维持``: a result alone after a case count is that case's result."""
        assert self.last is not None
        last_tables = {a[0] for p in self.placed[-1:] if p.figure is self.last[0] for a in p.targets}
        return last_tables == {APPEALS} and all(
            isinstance(r, ColumnRef) and r.table is APPEALS for r in pending if r is not NOOP
        )

    def _bracket_after_last(self, tokens: list[Token], index: int) -> bool:
        """``行政复议1件（结果维持）``: words in brackets right after a figure say more about it."""
        assert self.last is not None
        opened = self.text[self.last[0].end : tokens[index].start].lstrip(" 件次")
        end = tokens[index + 1].start if index + 1 < len(tokens) else len(self.text)
        return opened[:1] in ("（", "(") and any(ch in "）)" for ch in self.text[tokens[index].end : end])

    def _denial(self, tokens: list[Token], index: int, pending: list[Ref]) -> None:
        """``未发生行政复议、行政诉讼``: each row or column the clause denies is 0."""
        start = self._clause_start(tokens[index].start)
        said = [r for t in tokens[: index + 1] if t.start >= start for r in t.refs]  # 收到的申请均已办结，无结转
        clause_refs = [r for r in pending if _deniable(r) and r in said]
        short = tokens[index].end - start <= _DENIAL_LENGTH
        if short and any(isinstance(r, RowRef | ColumnRef | GroupRef) for r in clause_refs):
            figure = Figure(0, "", start, tokens[index].end, denial=True)
            self._place(figure, [*clause_refs, EACH])
        elif short and EACH in pending and REST in pending and not any(isinstance(r, TableRef) for r in pending):
            said_zero = Figure(0, "", start, tokens[index].end)  # 其余都没有: as 其余都是0 (of the row, or the tables)
            self._place(said_zero, [r for r in pending if r is not NEGATION])
        elif short and EACH in pending and any(isinstance(r, TableRef) and r in said for r in pending):
            # 复议诉讼都没有: every cell of the table is 0 (无依申请公开事项 alone is no figure)
            self._rest_scope([r for r in pending if isinstance(r, TableRef)], self._clause_span(tokens[index].start))

    def _refine(self, pending: list[Ref], span: tuple[int, int]) -> None:
        """``部分公开2件，均为自然人`` / ``无法提供15件（均为本机关不掌握）`` / ``不予公开1件，属于保护第三方
        合法权益，为自然人申请``: the last figure (or the list it ends, joined by 、), said more exactly."""
        assert self.last is not None
        figure, refs, notes_before = self.last
        said: list[Ref] = [r for r in pending if isinstance(r, ColumnRef) or (isinstance(r, RowRef) and r.rank >= 1)]
        if any(isinstance(r, ColumnRef) for r in said):  # 均为同一自然人提出: 提出 is no row here
            said = [r for r in said if not (isinstance(r, RowRef) and r.rank <= 1 and r.key in _GENERIC_ROWS)]
        if not said:
            return
        if any(isinstance(r, RowRef) for r in said):
            self._refine_row(figure, refs, said, notes_before, span)
            return
        self.spans = [span]
        for placed in self._appeals_ending_with(figure, pending) or self._list_ending_with(figure):
            self._place(placed.figure, [*placed.refs, *said])
        self.spans = []

    def _refine_row(
        self, figure: Figure, refs: list[Ref], said: list[Ref], notes_before: int, span: tuple[int, int]
    ) -> None:
        """A row said after a group's total (不予公开1件，属于…第三方…): the total was that row's."""
        group = next((g for g, f in self.group_totals if f is figure), None)
        if group is None:
            return
        rows = [r for r in said if isinstance(r, RowRef) and row_spec(self.fmt, r.table, r.key).group == group]
        if len(rows) != 1:
            return
        kept = [r for r in refs if not isinstance(r, RowRef | GroupRef)]
        new_refs: list[Ref] = [*kept, rows[0], *(r for r in said if isinstance(r, ColumnRef))]
        before = len(self.found)
        self.spans = [span]
        self._place(figure, new_refs)
        self.spans = []
        if len(self.found) > before:
            self.group_totals = [(g, f) for g, f in self.group_totals if f is not figure]
            del self.notes[notes_before:]  # the figure is placed after all: its earlier note no longer holds
            self.last = (figure, new_refs, notes_before)

    def _list_ending_with(self, figure: Figure) -> list[_Placed]:
        """The figures of a list joined by 、 that ends with this one (only this one after a comma)."""
        chain: list[_Placed] = []
        for placed in reversed(self.placed):
            if chain and not _joined_by_dun(self.text[placed.figure.end : chain[-1].figure.start]):
                break
            if chain or placed.figure is figure:
                chain.append(placed)
        return list(reversed(chain))

    def _appeals_ending_with(self, figure: Figure, pending: list[Ref]) -> list[_Placed]:
        """``行政复议1件，行政诉讼1件，均维持``: 均 + a result is about every case count of the clause group."""
        if EACH not in pending or not all(
            isinstance(r, ColumnRef) and r.table is APPEALS for r in pending if r is not EACH
        ):
            return []
        start = self._sentence_start(figure.start)
        with_results = {a[1] for a in self.found if a[0] is APPEALS and a[2] != "总计"}
        return [
            p
            for p in self.placed
            if p.figure.start >= start
            and all(a[0] is APPEALS and a[2] == "总计" and a[1] not in with_results for a in p.targets)
        ]

    def _above(self, position: int, pending: list[Ref]) -> None:
        """``以上均为自然人申请``: every figure of the sentence so far (on a 总计) is also in that column."""
        columns = [r for r in pending if isinstance(r, ColumnRef) and r.table is REQ]
        start = max(self._sentence_start(position), self.above_from)
        self.above_from = position
        if len(columns) != 1:
            return
        self.spans = [self._clause_span(position)]
        for placed in [p for p in self.placed if p.figure.start >= start]:
            rows = {a[1] for a in placed.targets if a[0] is REQ and a[2] == "总计"}
            if rows and not any(a[1] in rows and a[2] in APPLICANT_COLUMNS for a in self.found):
                self._place(placed.figure, [*placed.refs, columns[0]])
        self.spans = []

    def _respectively(self, tokens: list[Token], index: int, pending: list[Ref]) -> int:
        """``予以公开、部分公开分别为3件、2件``: the n figures go, in order, to the n names before 分别为."""
        names = _names_for_respectively(pending)
        other = ColumnRef(REQ, "其他") in names  # 其他 among the types is that column, not a word about each
        base = [r for r in pending if r not in names and r is not RESPECTIVELY and not (other and r is OTHER)]
        figures = self._figure_list(tokens, index)
        first = tokens[index].figure
        assert first is not None
        if len(figures) != len(names):
            why = f"“分别为”前说了 {len(names)} 项，后面有 {len(figures)} 个数，对不上，请分开说明。"
            self._note(first, why, unread=True)
            return figures[-1]
        self.spans = [_stripped(self.original, self._clause_start(first.start), tokens[figures[-1]].end)]
        for name, position in zip(names, figures, strict=True):
            figure = tokens[position].figure
            assert figure is not None
            self._place(figure, [*base, name])
            self.last = (figure, [*base, name], len(self.notes))
        self.spans = []
        return figures[-1]

    def _column_of_whole(self, refs: list[Ref]) -> list[Ref]:
        """``自然人申请30件，其中予以公开16件，部分公开3件``: the parts of a figure said for one applicant type
        (after 其中, to the end of the clause group) are of that type too."""
        if not _says_row(refs) or any(isinstance(r, ColumnRef) for r in refs):
            return []
        if WITHIN not in refs:
            return [self.context.within] if self.context.within is not None else []
        whole = self.placed[-1] if self.placed else None
        columns = {a[2] for a in whole.targets} if whole is not None else set()
        if whole is None or whole.figure is not (self.last or (None,))[0] or len(columns) != 1:
            return []
        (column,) = columns
        if column in APPLICANT_COLUMNS and whole.targets[0][0] is REQ:
            self.context.within = ColumnRef(REQ, column)
            return [self.context.within]
        return []

    def _figure_list(self, tokens: list[Token], index: int) -> list[int]:
        """The figure at ``index`` and the ones right after it, separated only by 、 or commas."""
        found = [index]
        for position in range(index + 1, len(tokens)):
            between = self.text[tokens[position - 1].end : tokens[position].start]
            if tokens[position].figure is None or any(ch in _SENTENCE_END for ch in between):
                break
            found.append(position)
        return found

    def _rest_scope(self, refs: list[Ref], span: tuple[int, int]) -> None:
        """``其余各项均为0`` / ``不予公开其余均为0``: the blanks of the scope named (else the tables talked about)."""
        tables = [r.table for r in refs if isinstance(r, TableRef)]
        rows = [r.key for r in refs if isinstance(r, RowRef) and r.rank >= 1]
        for group in (r.group for r in refs if isinstance(r, GroupRef)):
            rows += [s.key for s in rows_of(self.fmt, REQ) if s.group == group]
        if rows and not tables:
            tables = list(dict.fromkeys(r.table for r in refs if isinstance(r, RowRef))) or [REQ]
        source = self.original[span[0] : span[1]].strip()
        if not tables and (self.unread or "申请人" in source):
            self.notes.append(f"这句没有读懂：“{source}”——无法确定“其余”指哪些单元格（哪一行的申请人），请说明。")
            return
        if not tables:
            tables = list(dict.fromkeys(self.tables_said)) or list(TableId)
        self.rest.append(RestScope(tables=tables, rows=rows, source_text=source, spans=[span]))

    def _sentence_start(self, position: int) -> int:
        while position > 0 and self.text[position - 1] not in _SENTENCE_END:
            position -= 1
        return position

    def _clause_span(self, position: int) -> tuple[int, int]:
        start = self._clause_start(position)
        end = position
        while end < len(self.text) and self.text[end] not in _CLAUSE_END:
            end += 1
        return _stripped(self.original, start, end)

    def _clause_ends_after(self, tokens: list[Token], index: int) -> bool:
        end = tokens[index + 1].start if index + 1 < len(tokens) else len(self.text)
        between = self.text[tokens[index].end : end]
        return index + 1 >= len(tokens) or any(ch in _SENTENCE_END + "，）)" for ch in between)

    def _clause_start(self, position: int) -> int:
        while position > 0 and self.text[position - 1] not in _CLAUSE_END:
            position -= 1
        return position

    def _source_span(self, figure: Figure) -> tuple[int, int]:
        start = figure.start
        while start > 0 and self.text[start - 1] not in _SOURCE_END:
            start -= 1
        end = figure.end
        while end < len(self.text) and self.text[end] not in _SOURCE_END:
            end += 1
        return _stripped(self.original, start, end)

    def _source(self, figure: Figure) -> str:
        start, end = self._source_span(figure)
        return self.original[start:end]

    def _note(self, figure: Figure, why: str, unread: bool = False) -> None:
        """A figure not placed: “这句没有读懂” when the words do not say where, else why it was not used."""
        if figure.denial:  # “未…” in passing is not a figure the user gave: no note
            return
        if unread:
            self.unread += 1
            self.notes.append(f"这句没有读懂：“{self._source(figure)}”——{why}")
            return
        self.notes.append(f"“{self._source(figure)}”中的 {figure.value}{figure.unit} 未填入表格：{why}")

    def _place(self, figure: Figure, refs: list[Ref]) -> None:
        if DELTA in refs:
            if self._sentence_corrects(figure):  # 不对，少说了一个: the corrected figure is hers to say
                self._note(figure, "请直接告诉我更正后的数字（例如“予以公开是19件”）。", unread=True)
            return
        if LEGAL_PERSONS in refs and figure.value == 0:  # 法人或其他组织为0: each of its five columns
            others = [r for r in refs if r is not LEGAL_PERSONS]
            refs = [*others, *(ColumnRef(REQ, c) for c in LEGAL_PERSON_COLUMNS), EACH]
        ambiguous = next((r for r in refs if isinstance(r, Marker) and r.kind in ("ambiguous", "elsewhere")), None)
        if ambiguous is not None:  # not a table figure, or not one without asking: an LLM's cell for it is dropped too
            self.not_figures.append((figure.start, figure.end))
            self._note(figure, ambiguous.note, unread=ambiguous.kind == "ambiguous")
            return
        if self._is_work(refs) or (WORK in refs and figure.unit in _DOCUMENT_UNITS):
            self.foreign = self.foreign or self._table(refs) in (REQ, None)
            self._work_number(figure)
            return
        self.foreign = False
        self._carried_as_subject(figure, refs)
        whole_table = EACH in refs and any(isinstance(r, TableRef) for r in refs) and not _says_where(refs)
        if figure.value == 0 and (REST in refs or whole_table) and not self._rest_of_applicants(refs):
            self._rest_scope(refs, self._source_span(figure))
            return
        table = self._table(refs)
        if table is None:
            self._note(figure, _not_a_cell(refs), unread=True)
            return
        if table is APPEALS and any(isinstance(r, RowRef) and r.table is REQ and r.rank == 1 for r in refs):
            self._note(figure, REVIEWER_QUESTION, unread=True)  # 受理行政复议申请2件: as the reviewing body?
            return
        self.context.table = table
        self.context.fresh = True
        self.tables_said.append(table)
        row_from_context = not any(isinstance(r, RowRef | GroupRef) for r in refs)
        context_span = self.context.row_spans.get(table) if row_from_context else None
        targets = self._targets(figure, table, refs)
        for address in targets:
            self._put(address, figure, [s for s in (context_span,) if s is not None])
        if targets:
            self.placed.append(_Placed(figure, list(refs), targets))
            if not row_from_context:
                self.context.row_spans[table] = self._source_span(figure)

    def _carried_as_subject(self, figure: Figure, refs: list[Ref]) -> None:
        """``上年结转的2件今年均已办结，1件予以公开…``: the carried-over requests said as the sentence's subject;
        the outcomes after them in the sentence are theirs, not the year's."""
        rows = {r.key for r in refs if isinstance(r, RowRef) and r.table is REQ and r.rank >= 1}
        if rows & {"二", "四"} and self.text[self._clause_start(figure.start) : figure.start].endswith("的"):
            self.carried_subset = self._sentence_start(figure.start)

    def _is_work(self, refs: list[Ref]) -> bool:
        """``答复网民留言236件`` / ``主动公开政府信息1256条``: a number of the year's work, not of a cell; so is a
        收到/办结 said after one in its sentence, unless its clause says 申请."""
        if any(isinstance(r, GroupRef) for r in refs) or any(
            isinstance(r, RowRef) and r.rank >= 1 and (r.table is not REQ or r.key not in _GENERIC_ROWS) for r in refs
        ):
            return False
        if _APPLIED in refs:
            return False
        if WORK in refs or (TableRef(ACTIVE) in refs and not _says_where(refs)):
            return True
        return self.foreign and self._table(refs) in (REQ, None)

    def _work_number(self, figure: Figure) -> None:
        self.not_figures.append((figure.start, figure.end))
        if not figure.denial:
            self.work.append(self._source(figure))

    def work_note(self) -> str:
        """One line for every number of the year's work: they are not the tables' (part 一 may use them)."""
        if not self.work:
            return ""
        shown = "、".join(f"“{w}”" for w in self.work[:_WORK_SHOWN])
        more = f"等 {len(self.work)} 处" if len(self.work) > _WORK_SHOWN else ""
        return f"{shown}{more}{WORK_NUMBERS}，未填入表格（可写在第一部分总体情况中）。"

    def _rest_of_applicants(self, refs: list[Ref]) -> bool:
        """``其中自然人10件、其他2件，其余为0``: the other applicant columns of the row just talked about."""
        if any(isinstance(r, TableRef | GroupRef | RowRef) for r in refs) or not self.context.fresh:
            return False
        row = self.context.rows.get(REQ)
        return self.context.table is REQ and any(a[1] == row and a[2] in APPLICANT_COLUMNS for a in self.found)

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
            if groups and EACH in refs and figure.value != 0:  # 部分公开和不予公开各1件: the group's 1 is no cell
                self._note(figure, f"“{groups[0]}”是几项的合计，不是表格中的单元格，请按具体情形说明。", unread=True)
            return self._named_rows(figure, table, named, refs)
        if other_row:
            self.context.group = OTHER_HANDLING
            return [self._remember(table, "三.六.3")]
        if groups and table is REQ:
            said = groups if EACH in refs else groups[:1]
            return [row for group in said for row in self._group_rows(figure, group)]
        current = self.context.rows.get(table)
        only_row = self._only_row_with(table, refs)
        if only_row is not None and (current is None or only_row != current):
            return [self._remember(table, only_row)]
        if current is None:
            self._note(figure, "没有说明是哪一行（例如“收到申请”“予以公开”）。", unread=True)
            return []
        return [current]

    def _only_row_with(self, table: TableId, refs: list[Ref]) -> str | None:
        """``收费金额2.156万元``: a column only one row has names that row (not the row in context)."""
        columns = {r.column for r in refs if isinstance(r, ColumnRef) and r.table is table}
        current = self.context.rows.get(table)
        if not columns or (current is not None and columns <= set(row_spec(self.fmt, table, current).columns)):
            return None
        rows = [s.key for s in rows_of(self.fmt, table) if columns <= set(s.columns)]
        return rows[0] if len(rows) == 1 else None

    def _named_rows(self, figure: Figure, table: TableId, named: list[RowRef], refs: list[Ref]) -> list[str]:
        best = max(r.rank for r in named)
        keys = list(dict.fromkeys(r.key for r in named if r.rank == best))
        if LITIGATION in keys and any(k in keys for k in _LITIGATION_ROWS):
            keys.remove(LITIGATION)  # 直接起诉的行政诉讼: the specific row says which
        if len(keys) > 1 and EACH not in refs:
            said = [self.found.get((table, key, "总计")) for key in keys]
            if TOTAL in refs and all(c is not None for c in said):  # 予以公开及部分公开共21件: a sum of hers
                given = sum(int(c.new or 0) for c in said if c is not None)
                if given != figure.value:
                    self._note(figure, f"合计 {figure.value} 件与所说各项之和 {given} 件不一致，请核对。")
                return []
            self._note(figure, f"同时提到了{'、'.join(keys)}，无法确定填在哪一行，请分开说明。", unread=True)
            return []
        rows: list[str] = []
        for key in keys:
            rows.extend(self._litigation(figure) if key == LITIGATION else [key])
        rows = [_in_format(self.fmt, row) for row in rows]
        return [self._remember(table, row) for row in dict.fromkeys(rows) if self._exists(table, row)]

    def _litigation(self, figure: Figure) -> list[str]:
        """A bare 行政诉讼: both rows when it is 0; otherwise asked (it is often the two rows' sum)."""
        if figure.value == 0:
            return list(_LITIGATION_ROWS)
        said_after = self._litigation_row_after(figure)
        if said_after is not None:
            return [said_after]
        self.context.rows.pop(APPEALS, None)  # its results (其中维持2件) must not go to the row before
        self._note(figure, f"“行政诉讼”{LITIGATION_QUESTION}", unread=True)
        return []

    def _litigation_row_after(self, figure: Figure) -> str | None:
        """``被提起行政诉讼2件，均为直接起诉`` / ``行政诉讼1件，为直接起诉``: the clause right after the count says
        which row it is."""
        start = figure.end
        while start < len(self.text) and self.text[start] not in _CLAUSE_END + "（(":
            start += 1
        if start >= len(self.text) or self.text[start] not in "，,（(":
            return None
        end = start + 1
        while end < len(self.text) and self.text[end] not in _CLAUSE_END + "）)":
            end += 1
        tokens = tokenize(self.text[start + 1 : end])
        refs = [r for t in tokens for r in t.refs]
        rows = {r.key for r in refs if isinstance(r, RowRef) and r.key in _LITIGATION_ROWS}
        says_which = EACH in refs or COPULA in refs or self.text[start] in "（("  # 诉讼1件（直接起诉）
        if any(t.figure is not None for t in tokens) or not says_which or len(rows) != 1:
            return None
        return rows.pop()

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
        if EACH in refs and figure.value == 0:  # 规章一栏均为0: every column of the row
            return list(spec.columns)
        self._note(figure, f"没有说明“{spec.label}”是{'、'.join(spec.columns)}中的哪一项。")
        return []

    def _rest(self, rows: list[str]) -> list[str]:
        said = {a[2] for a in self.found if a[1] in rows}
        return [c for c in APPLICANT_COLUMNS if c not in said]

    def _put(self, address: Address, figure: Figure, context: list[tuple[int, int]]) -> None:
        value = self._value(address, figure)
        if value is None:
            return
        if address in self.disputed:
            return
        previous = self.found.get(address)
        if previous is not None and previous.new != value and self._new_within_received(address, previous, figure):
            self.notes.append(
                f"“{previous.source_text}”含上年结转，按“{self._source(figure)}”填写本年新收 {value} 件。"
            )
        elif previous is not None and previous.new != value:
            where = describe_address(address, self.fmt)
            if not self._corrects(figure):  # two readings of her words: ask, do not pick one
                del self.found[address]
                self.disputed.add(address)
                self.notes.append(
                    f"这句没有读懂：{where} 前后说了两个数（{previous.new}“{previous.source_text}”、"
                    f"{value}“{self._source(figure)}”），请说明哪个对。"
                )
                return
            self.notes.append(f"{where} 前后说了两个数（{previous.new}、{value}），采用后面更正的 {value}。")
        self.found[address] = CellChange(
            table=address[0],
            row=address[1],
            column=address[2],
            new=value,
            source_text=self._source(figure),
            note=self._assumption(address, figure),
            spans=sorted({self._source_span(figure), *context, *self.spans}),
        )

    def _new_within_received(self, address: Address, previous: CellChange, figure: Figure) -> bool:
        """``共受理申请32件，其中新收30件、上年结转2件``: her 受理 counts 上年结转 too; 新收 is the row's figure."""
        said = self.text[self._clause_start(figure.start) : figure.start]
        sentence = self.original[self._sentence_start(figure.start) : figure.start]
        received = previous.source_text
        return (
            address[1] == "一"
            and "新收" in said
            and received in sentence
            and "其中" in sentence.split(received, 1)[-1]
            and "新收" not in received
            and ("受理" in received or "收到" in received)
        )

    def _assumption(self, address: Address, figure: Figure) -> str:
        """Why the cell was chosen when her word may mean more (some bodies' 受理 includes 上年结转)."""
        said = self.text[self._sentence_start(figure.start) : figure.end]
        if address[1] == "一" and "受理" in said and "新收" not in said and "新受理" not in said:
            return RECEIVED_NOTE
        return ""

    def _corrects(self, figure: Figure) -> bool:
        """The figure's sentence says it corrects an earlier one (更正：…, 不对，…, 应为…)."""
        said = self.text[self._sentence_start(figure.start) : figure.start]
        return any(word in said for word in _CORRECTION_WORDS)

    def _value(self, address: Address, figure: Figure) -> CellNumber | None:
        kind = row_spec(self.fmt, address[0], address[1]).kind_of(address[2])
        if figure.unit == "项" and address[2] == "本年处理决定数量":  # 行政许可事项56项: kinds of permit, not decisions
            self._note(figure, f"{describe_address(address, self.fmt)} 是处理决定的件数，这里说的是事项数（项）。")
            return None
        if kind is ValueKind.MONEY and figure.unit not in ("元", "万元", ""):  # 收费项目3项: a count, not an amount
            self._note(figure, f"{describe_address(address, self.fmt)} 是金额（万元），这里说的是个数。")
            return None
        if kind is ValueKind.MONEY and _unitless_whole(figure):  # 收费21560: 元 or 万元? (2.156 as the table keeps it)
            self.not_figures.append((figure.start, figure.end))
            self._note(figure, _FEE_UNIT_QUESTION, unread=True)
            return None
        if kind is ValueKind.MONEY and figure.wan and not figure.unit:  # 收费2.156万: 2.156 万元
            return yuan_to_wan(figure.value)
        if kind is ValueKind.MONEY:
            return yuan_to_wan(figure.value) if figure.unit == "元" else figure.value
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


def opens_with_correction(text: str) -> bool:
    """``不对，…`` / ``更正：…`` / ``刚才说错了，…`` (not ``不对外公开的2件``): the words correct a figure before."""
    text = text.lstrip()
    word = next((w for w in _CORRECTION_START if text.startswith(w)), None)
    if word is None:
        return False
    said = len(word)
    while text.startswith(word, said):  # 不对不对，是35件
        said += len(word)
    return said == len(text) or text[said] in _CORRECTION_BREAK


def _in_format(fmt: ReportFormat, name: str) -> str:
    """A 2021 row or column name as the 2019 format calls it (（六）其他处理 is one row there)."""
    return _FORMAT_2019_NAMES.get(name, name) if fmt is ReportFormat.F2019 else name


def _deniable(ref: Ref) -> bool:
    """A row or column that “未发生…”“无…” can set to 0 (not 答复/办结: “未答复问题” is no figure)."""
    if isinstance(ref, RowRef):
        return (ref.rank >= 1 or ref.key == "一") and ref.key != "三.七"
    return isinstance(ref, ColumnRef | GroupRef) or ref is NEGATION


def _not_a_cell(refs: list[Ref]) -> str:
    if TableRef(ACTIVE) in refs:  # 主动公开政府信息1234条: a figure of the narrative, not of 表二
        return "主动公开的表格只有规章、规范性文件、行政许可、处罚、强制和收费几行，这个数字写在总体情况中。"
    return "没有说明是表格中的哪一项。"


def _names_for_respectively(pending: list[Ref]) -> list[Ref]:
    """The rows (or else columns) listed before 分别为; empty when fewer than two. A group listed after a row
    (予以公开、部分公开、不予公开分别为…) is one of the names; one opening the list is its heading. 其他 among
    applicant types is the column 其他."""
    named: list[Ref] = []
    for ref in pending:
        after_a_row = isinstance(ref, GroupRef) and any(isinstance(r, RowRef) for r in named)
        if (isinstance(ref, RowRef) and ref.rank >= 1) or after_a_row:
            named.append(ref)
    rows = list(dict.fromkeys(named))
    columns = list(dict.fromkeys(r for r in pending if isinstance(r, ColumnRef)))
    if columns and all(c.table is REQ for c in columns) and OTHER in pending:
        columns.append(ColumnRef(REQ, "其他"))
    names: list[Ref] = list(rows if len(rows) > 1 else columns)
    return names if len(names) > 1 else []


def _says_row(refs: list[Ref]) -> bool:
    return any((isinstance(r, RowRef) and r.rank >= 1) or isinstance(r, GroupRef) for r in refs)


def _joined_by_dun(between: str) -> bool:
    """Two figures of one list: only 、 (and the words of the next item) between them."""
    return "、" in between and not any(ch in _CLAUSE_END for ch in between)


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _said_right_after(tokens: list[Token], index: int, ref: Ref) -> bool:
    """The token right after the figure at ``index`` is this word, with nothing between them."""
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    figure = tokens[index].figure
    return after is not None and figure is not None and after.start == figure.end and ref in after.refs


def _unitless_whole(figure: Figure) -> bool:
    return not figure.unit and not figure.wan and isinstance(figure.value, int) and figure.value != 0


def _rest_is_one_type(refs: list[Ref], trailing: list[Ref]) -> bool:
    """``其余4件为自然人申请``: “其余” with one applicant type said after the figure."""
    said = [r for r in trailing if isinstance(r, ColumnRef | RowRef | GroupRef)]
    return REST in refs and len(said) == 1 and isinstance(said[0], ColumnRef) and said[0].table is REQ


def _says_where(refs: list[Ref]) -> bool:
    return any(isinstance(r, RowRef | ColumnRef | GroupRef) or r in (OTHER, REST, TOTAL) for r in refs)
