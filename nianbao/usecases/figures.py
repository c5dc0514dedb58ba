"""Key figures of a report, and the same figures by year for a body's chart."""

from __future__ import annotations

from decimal import Decimal

from nianbao.model import Report, empty_report
from nianbao.schema import ReportFormat, TableId
from nianbao.usecases.knowledge import Knowledge

KeyFigures = dict[str, float | None]


def key_figures(report: Report) -> KeyFigures:
    """The chart's figures of one report: applications received, share 予以公开, 复议 and 诉讼."""
    req = TableId.REQUESTS
    received = report.value(req, "一", "总计")
    done = report.value(req, "三.七", "总计")
    disclosed = report.value(req, "三.一", "总计")
    share = float(Decimal(disclosed) / Decimal(done) * 100) if disclosed is not None and done else None
    appeals = report.value(TableId.APPEALS, "行政复议", "总计")
    direct = report.value(TableId.APPEALS, "行政诉讼/未经复议直接起诉", "总计")
    after = report.value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计")
    suits = None if direct is None and after is None else float((direct or 0) + (after or 0))
    return {
        "新收申请（件）": float(received) if received is not None else None,
        "予以公开占比（%）": share,
        "行政复议（件）": float(appeals) if appeals is not None else None,
        "行政诉讼（件）": suits,
    }


def chart_rows(knowledge: Knowledge, agency: str, draft: Report) -> dict[int, KeyFigures]:
    """Key figures by year from the knowledge base, with the draft as the last point."""
    table = knowledge.figures_by_year(agency)
    rows: dict[int, KeyFigures] = {}
    for year in table.years:
        if draft.year is not None and year >= draft.year:
            continue
        report = empty_report(ReportFormat.F2021)
        for figure in table.rows:
            try:
                report.set_value(figure.table, figure.row, figure.column, figure.values.get(year))
            except KeyError:
                continue
        rows[year] = key_figures(report)
    if draft.year is not None:
        rows[draft.year] = key_figures(draft)
    return rows
