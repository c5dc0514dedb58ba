"""The data paragraphs of 一, written fresh from this year's tables the way real reports state them.

主动公开: 规章 and 行政规范性文件 (制发, 废止, 现行有效), the 行政许可/处罚/强制 decisions and
行政事业性收费. 依申请公开: 新收 and 上年结转 (and their sum when the body counted them together as
受理), 办结 with every result category and its share of 办结 (rounded as the body rounded last year),
结转下年度, and the change in 新收 against last year's report; then 行政复议 and 行政诉讼 with every
outcome, pending ones included. 办结, 行政复议 and 行政诉讼 get their change too, but only where the body's own
report of last year compared them (its habit, in its words): no such sentence is invented. Every number is a cell
or computed from cells.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from nianbao.claims.changes import ChangeForm, change_forms, change_text, figures_compared_in, last_year_cell
from nianbao.claims.numbers import find_numbers
from nianbao.claims.text import split_sentences
from nianbao.claims.ties import active_row_before, find_ties, share_value
from nianbao.drafting.outline import Topic
from nianbao.model import CellNumber, Report
from nianbao.schema import ACTIVE_2021_DOCS, ReportFormat, TableId, rows_of

REQ, APPEAL, ACTIVE = TableId.REQUESTS, TableId.APPEALS, TableId.ACTIVE
_RESULTS = (
    ("不予公开", "（三）不予公开"),
    ("无法提供", "（四）无法提供"),
    ("不予处理", "（五）不予处理"),
    ("其他处理", "（六）其他处理"),
)
_DECISIONS = ("行政许可", "行政处罚", "行政强制")
_SUIT_ROWS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
_APPEAL_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")


@dataclass(frozen=True)
class Style:
    """How the body wrote its figures last year: 受理 as 新收 + 上年结转 or not; shares' decimals and rounding."""

    counted_together: bool = False
    places: int = 2
    method: str | None = None  # 截尾 truncates; anything else rounds half up
    money_places: int = 2  # the decimals of 万元 figures (行政事业性收费2460.95万元)
    change_lead: str | None = None  # the words before a change (同比, 较上年, 比上年); None: 同比
    change_in_percent: bool | None = None  # changes of counts as shares of last year's (or as counts); None: ours
    # The figures the body followed with a change last year, beyond 新收 and 主动公开 (办结/答复, 行政复议, 行政
    # 诉讼: the claims they are tied as), each with the form it wrote (None: 与上年持平 or a direction only).
    compared: tuple[tuple[str, ChangeForm | None], ...] = ()

    def change(self, now: CellNumber, then: CellNumber, unit: str, percent: bool) -> str:
        """A change against last year as the body writes one (its words, % or counts, its decimals).

        ``percent``: a share of last year's for this figure (新收, decisions), unless the body writes its changes
        as counts; small counts (documents) always as counts. A share that rounds to 0 (同比增长0.00%) says
        nothing, so the count is said instead.
        """
        return self._change(now, then, unit, percent and self.change_in_percent is not False, self.change_lead)

    def habitual_change(self, claims: tuple[str, ...], now: int, then: CellNumber | None) -> str:
        """“，较上年增加5件” after a figure the body compared last year (one of ``claims``), in the form it used
        there; '' for a figure it did not compare (no change is invented) or last year's report cannot give."""
        forms = dict(self.compared)
        said = [c for c in claims if c in forms]
        if then is None or not said or not (now or then):
            return ""
        form = forms[said[0]]
        if form is None:
            return "，" + self.change(now, then, "件", False)
        return "，" + self._change(now, then, "件", form.percent, form.lead)

    def _change(self, now: CellNumber, then: CellNumber, unit: str, percent: bool, lead: str | None) -> str:
        places, method = (self.places, self.method)
        if unit == "万元":
            places, method = money_places(Decimal(now) - Decimal(then), self.money_places), None
        if percent and then and not share_value(abs(Decimal(now) - Decimal(then)), then, places, method):
            percent = False
        return change_text(now, then, unit, percent, places, method, lead)


def style_of(report: Report | None) -> Style:
    """The body's habits, read from the figures its own part 一 quoted (the defaults when it quoted none)."""
    if report is None:
        return Style()
    together, places, method, money_places = False, 2, None, 2
    text = report.part_text("一")
    for paragraph in text.split("\n"):
        before = ""
        for sentence in split_sentences(paragraph):
            for tie in find_ties(sentence, report, before, "一"):
                if tie.count is not None and tie.count.claim.name.startswith("受理") and tie.count.matched:
                    together = together or "一+二" in tie.count.matched.label
                if tie.share is not None and tie.share.method in ("四舍五入", "截尾"):
                    places = _places(Decimal(tie.share.quantity.value))
                    method = tie.share.method
            money_places = next(iter(_fee_places(sentence, report, before)), money_places)
            before += sentence
    forms = change_forms(text)
    leads = Counter(f.lead for f in forms).most_common(1)
    in_percent = any(f.percent for f in forms) if forms else None
    compared = tuple(figures_compared_in(text, report).items())
    return Style(together, places, method, money_places, leads[0][0] if leads else None, in_percent, compared)


def _places(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


def _fee_places(sentence: str, report: Report, before: str) -> list[int]:
    """The decimals of a 行政事业性收费 figure in 万元 that states the fee (2460.95万元: 2)."""
    fee = report.value(ACTIVE, _FEES, _FEE) if report.format is ReportFormat.F2021 else None
    return [
        _places(n.value)
        for n in find_numbers(sentence)
        if n.unit == "万元"
        and fee is not None
        and n.states(fee)
        and getattr(active_row_before(sentence, n.start, report.format, before), "key", None) == _FEES
    ]


def data_paragraph(topic: Topic, report: Report, previous: Report | None, style: Style, subject: str) -> str:
    """The data paragraph of one subsection of 一 ('' for a topic the tables say nothing of)."""
    if topic is Topic.ACTIVE:
        return active_paragraph(report, subject, previous, style)
    if topic is Topic.REQUESTS:
        return requests_paragraph(report, previous, style, subject) + appeals_paragraph(report, previous, style)
    return ""


# ---- 主动公开 ---------------------------------------------------------------------------------


def active_paragraph(report: Report, subject: str, previous: Report | None = None, style: Style | None = None) -> str:
    """规章/行政规范性文件 (制发, 废止, 现行有效), the decisions and the fees (2021 format), each with its change
    against last year's report where both years give it; cells not yet filled are left out, never written as 0."""
    if report.format is not ReportFormat.F2021:
        return ""
    style = style or Style()
    year = report.year or 0
    said = _Compared(report, previous, style)
    documents = [d for d in (said.documents("规章"), said.documents("行政规范性文件")) if d]
    filled = [row for row in _DECISIONS if _filled(report, row, "本年处理决定数量")]
    decisions = [said.decision(row) for row in filled if report.count(ACTIVE, row, "本年处理决定数量")]
    sentences = []
    if documents:
        sentences.append(f"{year}年，{subject}" + "。".join(documents) + "。")
    elif all(_filled(report, row, c) for row in ("规章", "行政规范性文件") for c in ("本年制发件数", "本年废止件数")):
        sentences.append(f"{year}年，{subject}未制发规章和行政规范性文件。")
    if decisions:
        sentences.append("全年作出" + "；".join(decisions) + "。")
    elif filled:
        sentences.append("全年未作出" + "、".join(filled) + "决定。")
    if _filled(report, _FEES, _FEE):
        sentences.append(said.fee())
    return "".join(sentences)


_FEES, _FEE = "行政事业性收费", "本年收费金额"


def _filled(report: Report, row: str, column: str) -> bool:
    return report.value(ACTIVE, row, column) is not None


@dataclass(frozen=True)
class _Compared:
    """This year's 主动公开 figures as written, each followed by its change against last year (when known)."""

    report: Report
    previous: Report | None
    style: Style

    def documents(self, row: str) -> str:
        """制发行政规范性文件13件，同比增加3件，废止8件，与上年持平，现行有效31件，同比增加5件 ('' for none)."""
        if not all(_filled(self.report, row, c) for c in ACTIVE_2021_DOCS):
            return ""
        issued, repealed, valid = (self.report.count(ACTIVE, row, c) for c in ACTIVE_2021_DOCS)
        if not (issued or repealed or valid):
            return ""
        said = [f"制发{row}{issued}件{self._change(row, '本年制发件数')}" if issued else f"未制发{row}"]
        # The row is named once: 废止8件, 现行有效31件 speak of it (as the claims engine reads them).
        said += [
            f"{verb}{value}件{self._change(row, column)}"
            for verb, value, column in (("废止", repealed, "本年废止件数"), ("现行有效", valid, "现行有效件数"))
            if value
        ]
        return "，".join(said)

    def decision(self, row: str) -> str:
        """行政许可决定20818件，同比增长0.01% (a share of last year's, or the count when the share rounds to 0)."""
        column = "本年处理决定数量"
        return f"{row}决定{self.report.count(ACTIVE, row, column)}件{self._change(row, column, percent=True)}"

    def fee(self) -> str:
        """收取行政事业性收费2584.00万元，比上年增加123.05万元 (with the decimals the body writes); none: said so."""
        value = Decimal(self.report.value(ACTIVE, _FEES, _FEE) or 0)
        if not value:
            return "本年度未收取行政事业性收费。"
        return f"收取行政事业性收费{_money(value, self.style)}万元{self._change(_FEES, _FEE)}。"

    def _then(self, row: str, column: str) -> CellNumber | None:
        return last_year_cell(self.previous, ACTIVE, row, column) if self.previous is not None else None

    def _change(self, row: str, column: str, percent: bool = False) -> str:
        """“，同比增加3件” after a figure; '' when last year's report cannot give it or it was 0 both years."""
        now, then = self.report.value(ACTIVE, row, column), self._then(row, column)
        if now is None or then is None or (not now and not then):
            return ""
        return "，" + self.style.change(now, then, "万元" if column == _FEE else "件", percent)


def _money(value: CellNumber, style: Style) -> str:
    places = money_places(Decimal(value), style.money_places)
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def money_places(value: Decimal, places: int) -> int:
    """The decimals to write an amount in 万元 with: the body's, or as many more (to the table's 4) as keep
    a small amount from reading 0.00 (0.0030万元, not 0.00万元)."""
    while places < 4 and value and not value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        places += 1
    return places


# ---- 依申请公开 -------------------------------------------------------------------------------


def requests_paragraph(report: Report, previous: Report | None, style: Style, subject: str) -> str:
    """Received, carried over, closed by result with shares of 办结, carried forward, 同比 of 新收."""
    year = report.year or 0
    new, carried = report.count(REQ, "一", "总计"), report.count(REQ, "二", "总计")
    if not new and not carried:
        return f"{year}年，{subject}未收到政府信息公开申请，无上年结转的申请。"
    if new:
        then = previous.count(REQ, "一", "总计") if previous is not None else None
        change = "，" + style.change(new, then, "件", True) if then is not None else ""
        received = f"{year}年，{subject}共新收政府信息公开申请{new}件{change}，{_applicants(report, new)}"
    else:
        received = f"{year}年，{subject}未新收政府信息公开申请"
    received += f"；上年结转{carried}件" if carried else "；无上年结转的申请"
    if style.counted_together and new and carried:
        received += f"，合计受理{new + carried}件"
    return received + "。" + closed_sentence(report, style, previous)


def _applicants(report: Report, new: int) -> str:
    """其中自然人申请215件、法人或其他组织申请26件; 均为自然人申请 when one kind made them all."""
    people = report.count(REQ, "一", "自然人")
    if people == new:
        return "均为自然人申请"
    if not people:
        return "均为法人或其他组织申请"
    return f"其中自然人申请{people}件、法人或其他组织申请{new - people}件"


def closed_sentence(report: Report, style: Style, previous: Report | None = None) -> str:
    """办结 (with its change when the body compared it last year), each result and its share of 办结 (三.七), and
    结转下年度."""
    closed = report.count(REQ, "三.七", "总计")
    forward = report.count(REQ, "四", "总计")
    if not closed:
        return f"本年度未办结政府信息公开申请，结转下年度继续办理{forward}件。"
    granted, partly = report.count(REQ, "三.一", "总计"), report.count(REQ, "三.二", "总计")
    clauses = [_disclosed(granted, partly, closed, style)] if granted or partly else []
    for word, group in _RESULTS:
        count = _group_total(report, group)
        if count:
            clauses.append(f"{word}{count}件，{_share(count, closed, style)}")
    carried_forward = f"结转下年度继续办理{forward}件。" if forward else "无结转下年度继续办理的申请。"
    then = last_year_cell(previous, REQ, "三.七", "总计") if previous is not None else None
    change = style.habitual_change(_CLOSED_CLAIMS, closed, then)
    return f"办结{closed}件{change}，其中" + "；".join(clauses) + "。" + carried_forward


def _disclosed(granted: int, partly: int, closed: int, style: Style) -> str:
    """予以公开198件，部分公开8件，予以公开及部分公开共206件，占86.92% (a kind with none is not said)."""
    share = _share(granted + partly, closed, style)
    if not partly:
        return f"予以公开{granted}件，{share}"
    if not granted:
        return f"部分公开{partly}件，{share}"
    return f"予以公开{granted}件，部分公开{partly}件，予以公开及部分公开共{granted + partly}件，{share}"


def _group_total(report: Report, group: str) -> int:
    keys = [
        r.key
        for r in rows_of(report.format, REQ)
        if r.group == group or r.label == group or (r.key == "三.六" and group.endswith("其他处理"))
    ]
    return sum(report.count(REQ, key, "总计") for key in dict.fromkeys(keys))


def _share(part: int, whole: int, style: Style) -> str:
    value = share_value(part, whole, style.places, style.method)
    return f"占{value}%"


# ---- 复议诉讼 ---------------------------------------------------------------------------------


def appeals_paragraph(report: Report, previous: Report | None = None, style: Style | None = None) -> str:
    """行政复议 and 行政诉讼 with every outcome (pending ones too), each with its change when the body compared it
    last year; none: said so."""
    said = _Appeals(report, previous, style or Style())
    review = said.clause(("行政复议",), "被申请行政复议", _REVIEW_CLAIMS)
    suits = said.clause(_SUIT_ROWS, "被提起行政诉讼", _SUIT_CLAIMS)
    if not review and not suits:
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    clauses = [c for c in (review, suits) if c]
    missing = "未被申请行政复议" if not review else "未被提起行政诉讼" if not suits else ""
    return "因政府信息公开工作" + "；".join(clauses) + (f"；{missing}" if missing else "") + "。"


_CLOSED_CLAIMS = ("办结/答复",)
_REVIEW_CLAIMS = ("行政复议",)
_SUIT_CLAIMS = ("行政诉讼", "未经复议直接起诉", "复议后起诉")


@dataclass(frozen=True)
class _Appeals:
    """The 复议诉讼 clauses of this year's report, each with its change against last year's where the body wrote one."""

    report: Report
    previous: Report | None
    style: Style

    def clause(self, rows: tuple[str, ...], verb: str, claims: tuple[str, ...]) -> str:
        """被申请行政复议2件，较上年减少1件，其中结果维持1件，尚未审结1件 ('' for none this year)."""
        total = sum(self.report.count(APPEAL, row, "总计") for row in rows)
        if not total:
            return ""
        outcomes = [(c, sum(self.report.count(APPEAL, row, c) for row in rows)) for c in _APPEAL_RESULTS]
        listed = "，".join(f"{c}{n}件" for c, n in outcomes if n)
        return f"{verb}{total}件{self.style.habitual_change(claims, total, self._then(rows))}，其中{listed}"

    def _then(self, rows: tuple[str, ...]) -> int | None:
        if self.previous is None:
            return None
        cells = [last_year_cell(self.previous, APPEAL, row, "总计") for row in rows]
        return None if any(c is None for c in cells) else sum(int(c or 0) for c in cells)
