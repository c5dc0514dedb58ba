"""The data paragraphs of 一, written fresh from this year's tables the way real reports state them.

主动公开: 规章 and 行政规范性文件 (制发, 废止, 现行有效), the 行政许可/处罚/强制 decisions and
行政事业性收费. 依申请公开: 新收 and 上年结转 (and their sum when the body counted them together as
受理), 办结 with every result category and its share of 办结 (rounded as the body rounded last year),
结转下年度, and the change in 新收 against last year's report; then 行政复议 and 行政诉讼 with every
outcome, pending ones included. Every number is a cell or computed from cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nianbao.claims.text import split_sentences
from nianbao.claims.ties import find_ties, share_value
from nianbao.drafting.outline import Topic
from nianbao.model import Report
from nianbao.schema import ReportFormat, TableId, rows_of

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


def style_of(report: Report | None) -> Style:
    """The body's habits, read from the figures its own part 一 quoted (the defaults when it quoted none)."""
    if report is None:
        return Style()
    together, places, method = False, 2, None
    text = report.part_text("一")
    for paragraph in text.split("\n"):
        before = ""
        for sentence in split_sentences(paragraph):
            for tie in find_ties(sentence, report, before, "一"):
                if tie.count is not None and tie.count.claim.name.startswith("受理") and tie.count.matched:
                    together = together or "一+二" in tie.count.matched.label
                if tie.share is not None and tie.share.method in ("四舍五入", "截尾"):
                    places = max(0, -int(Decimal(tie.share.quantity.value).as_tuple().exponent))
                    method = tie.share.method
            before += sentence
    return Style(together, places, method)


def data_paragraph(topic: Topic, report: Report, previous: Report | None, style: Style, subject: str) -> str:
    """The data paragraph of one subsection of 一 ('' for a topic the tables say nothing of)."""
    if topic is Topic.ACTIVE:
        return active_paragraph(report, subject)
    if topic is Topic.REQUESTS:
        return requests_paragraph(report, previous, style, subject) + appeals_paragraph(report)
    return ""


# ---- 主动公开 ---------------------------------------------------------------------------------


def active_paragraph(report: Report, subject: str) -> str:
    """规章/行政规范性文件 (制发, 废止, 现行有效), the decisions and the fees (2021 format); cells not yet
    filled are left out, never written as 0."""
    if report.format is not ReportFormat.F2021:
        return ""
    year = report.year or 0
    documents = [d for d in (_documents(report, "规章"), _documents(report, "行政规范性文件")) if d]
    decisions = [_decision(report, row) for row in _DECISIONS if _filled(report, row, "本年处理决定数量")]
    fee = report.value(ACTIVE, "行政事业性收费", "本年收费金额")
    sentences = []
    if documents:
        sentences.append(f"{year}年，{subject}" + "；".join(documents) + "。")
    elif all(_filled(report, row, c) for row in ("规章", "行政规范性文件") for c in ("本年制发件数", "本年废止件数")):
        sentences.append(f"{year}年，{subject}未制发规章和行政规范性文件。")
    if decisions:
        sentences.append("全年作出" + "，".join(decisions) + "。")
    if fee is not None:
        sentences.append(f"行政事业性收费金额{fee}万元。")
    return "".join(sentences)


def _filled(report: Report, row: str, column: str) -> bool:
    return report.value(ACTIVE, row, column) is not None


def _documents(report: Report, row: str) -> str:
    if not all(_filled(report, row, c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")):
        return ""
    issued = report.count(ACTIVE, row, "本年制发件数")
    repealed = report.count(ACTIVE, row, "本年废止件数")
    valid = report.count(ACTIVE, row, "现行有效件数")
    if not (issued or repealed or valid):
        return ""
    return f"制发{row}{issued}件，废止{row}{repealed}件，现行有效{row}{valid}件"


def _decision(report: Report, row: str) -> str:
    return f"{row}决定{report.count(ACTIVE, row, '本年处理决定数量')}件"


# ---- 依申请公开 -------------------------------------------------------------------------------


def requests_paragraph(report: Report, previous: Report | None, style: Style, subject: str) -> str:
    """Received, carried over, closed by result with shares of 办结, carried forward, 同比 of 新收."""
    year = report.year or 0
    new, carried = report.count(REQ, "一", "总计"), report.count(REQ, "二", "总计")
    people = report.count(REQ, "一", "自然人")
    then = previous.count(REQ, "一", "总计") if previous is not None else None
    change = _change(new, then, style.places, style.method, "件") if then is not None else ""
    received = f"{year}年，{subject}共新收政府信息公开申请{new}件{change}，"
    received += f"其中自然人申请{people}件、法人或其他组织申请{new - people}件；上年结转{carried}件"
    if style.counted_together:
        received += f"，合计受理{new + carried}件"
    return received + "。" + closed_sentence(report, style)


def closed_sentence(report: Report, style: Style) -> str:
    """办结 with each result and its share of 办结 (三.七), and 结转下年度."""
    closed = report.count(REQ, "三.七", "总计")
    forward = report.count(REQ, "四", "总计")
    if not closed:
        return f"本年度未办结政府信息公开申请，结转下年度继续办理{forward}件。"
    granted, partly = report.count(REQ, "三.一", "总计"), report.count(REQ, "三.二", "总计")
    both = granted + partly
    share = _share(both, closed, style)
    clauses = [f"其中予以公开{granted}件，部分公开{partly}件，予以公开及部分公开共{both}件，{share}"]
    for word, group in _RESULTS:
        count = _group_total(report, group)
        if count:
            clauses.append(f"{word}{count}件，{_share(count, closed, style)}")
    return f"办结{closed}件，" + "；".join(clauses) + f"。结转下年度继续办理{forward}件。"


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


def appeals_paragraph(report: Report) -> str:
    """行政复议 and 行政诉讼 with every outcome (pending ones too); none: said so."""
    review = _appeal_clause(report, ("行政复议",), "被申请行政复议")
    suits = _appeal_clause(report, _SUIT_ROWS, "被提起行政诉讼")
    if not review and not suits:
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    said = [c for c in (review, suits) if c]
    missing = "未被申请行政复议" if not review else "未被提起行政诉讼" if not suits else ""
    return "因政府信息公开工作" + "；".join(said) + (f"；{missing}" if missing else "") + "。"


def _appeal_clause(report: Report, rows: tuple[str, ...], verb: str) -> str:
    total = sum(report.count(APPEAL, row, "总计") for row in rows)
    if not total:
        return ""
    outcomes = [(c, sum(report.count(APPEAL, row, c) for row in rows)) for c in _APPEAL_RESULTS]
    listed = "，".join(f"{c}{n}件" for c, n in outcomes if n)
    return f"{verb}{total}件，其中{listed}"


# ---- 同比 -------------------------------------------------------------------------------------


def _change(now: int, then: int | None, places: int, method: str | None, unit: str = "件") -> str:
    """“，同比增长12.5%” / “，同比减少3件” / “，与上年持平”, as the changes the recheck reads."""
    if then is None:
        return ""
    if now == then:
        return "，与上年持平"
    word = "增长" if now > then else "下降"
    if then:
        value = share_value(abs(now - then), then, places, method)
        return f"，同比{word}{value}%"
    return f"，同比{'增加' if now > then else '减少'}{abs(now - then)}{unit}"
