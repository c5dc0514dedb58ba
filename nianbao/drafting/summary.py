"""Sentences written from this year's cells alone (every number in them quotes a cell)."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.schema import TableId, rows_of

REQ, APPEAL = TableId.REQUESTS, TableId.APPEALS
_OUTCOMES = (
    ("予以公开", ("三.一",)),
    ("部分公开", ("三.二",)),
    ("不予公开", ("（三）不予公开",)),
    ("无法提供", ("（四）无法提供",)),
    ("不予处理", ("（五）不予处理",)),
    ("其他处理", ("（六）其他处理", "三.六")),
)


def _total(report: Report, table: TableId, rows: list[str], column: str = "总计") -> int:
    return sum(report.count(table, row, column) for row in rows)


def _rows(report: Report, keys: tuple[str, ...]) -> list[str]:
    return [r.key for r in rows_of(report.format, REQ) if r.key in keys or r.group in keys]


def requests_sentence(report: Report, year: int, subject: str) -> str:
    """依申请公开 in one sentence: received, carried over, closed by outcome, carried forward."""
    received, carried = report.count(REQ, "一", "总计"), report.count(REQ, "二", "总计")
    outcomes = [(word, _total(report, REQ, _rows(report, keys))) for word, keys in _OUTCOMES]
    listed = "，".join(f"{word}{count}件" for word, count in outcomes if count)
    closed = report.count(REQ, "三.七", "总计")
    detail = f"，其中{listed}" if listed else ""
    return (
        f"{year}年，{subject}共新收政府信息公开申请{received}件，上年结转{carried}件；"
        f"办结{closed}件{detail}；结转下年度继续办理{report.count(REQ, '四', '总计')}件。"
    )


def appeals_sentence(report: Report) -> str:
    """复议诉讼 in one sentence, each result named when it is not zero."""
    review = _appeal_clause(report, ["行政复议"], "被申请行政复议")
    suits = _appeal_clause(report, ["行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"], "被提起行政诉讼")
    if not review and not suits:
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    return "因政府信息公开工作" + "；".join(c for c in (review, suits) if c) + "。"


def _appeal_clause(report: Report, rows: list[str], verb: str) -> str:
    total = _total(report, APPEAL, rows)
    if not total:
        return ""
    parts = [(c, _total(report, APPEAL, rows, c)) for c in ("结果维持", "结果纠正", "其他结果", "尚未审结")]
    listed = "、".join(f"{c}{n}件" for c, n in parts if n)
    return f"{verb}{total}件，其中{listed}"


def active_sentence(report: Report) -> str:
    """主动公开 in one sentence (2021 format): documents issued, decisions, fees."""
    if report.format.value != "2021":
        return ""
    active = TableId.ACTIVE
    issued = report.count(active, "行政规范性文件", "本年制发件数")
    repealed = report.count(active, "行政规范性文件", "本年废止件数")
    valid = report.count(active, "行政规范性文件", "现行有效件数")
    decisions = "，".join(
        f"{row}决定{report.count(active, row, '本年处理决定数量')}件" for row in ("行政许可", "行政处罚", "行政强制")
    )
    fee = report.value(active, "行政事业性收费", "本年收费金额")
    fee_text = f"，行政事业性收费{fee}万元" if fee is not None else ""
    return (
        f"主动公开：制发行政规范性文件{issued}件，废止{repealed}件，现行有效{valid}件；"
        f"规章制发{report.count(active, '规章', '本年制发件数')}件；{decisions}{fee_text}。"
    )


def applicants_sentence(report: Report) -> str:
    """Who asked: 本年新收 by 自然人 and 法人或其他组织."""
    people = report.count(REQ, "一", "自然人")
    bodies = sum(report.count(REQ, "一", c) for c in ("商业企业", "科研机构", "社会组织", "法律服务机构", "其他"))
    return f"本年新收的申请中，自然人提出{people}件，法人或其他组织提出{bodies}件。"
