"""The knowledge base as a ReportSource: stored reports for grounding, its hybrid search for passages."""

from __future__ import annotations

from nianbao.drafting.sources import PLACE_REPORTS, Hit, same_agency, serves
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report


class KnowledgeBaseSource:
    """Past reports from the knowledge base (the body's own first, then peers of the same level)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def latest_report(self, agency: str, before_year: int) -> Report | None:
        own = [r for r in self.kb.list() if same_agency(r.agency, agency) and r.year < before_year]
        if not own:
            return None
        return self._report(max(own, key=lambda r: r.year).id)

    def peer_reports(self, level: str, before_year: int) -> list[Report]:
        peers = [r for r in self.kb.list() if r.level == level and r.year < before_year]
        return [self._report(r.id) for r in sorted(peers, key=lambda r: r.year, reverse=True)]

    def place_reports(self, place: str, before_year: int) -> list[Report]:
        found = [r for r in self.kb.list() if serves(r.agency, place) and r.year < before_year]
        newest = sorted(found, key=lambda r: r.year, reverse=True)[:PLACE_REPORTS]
        return [self._report(r.id) for r in newest]

    def search(self, query: str, agency: str | None = None, part: str | None = None, k: int = 5) -> list[Hit]:
        hits = self.kb.search(query, k=k, agency=agency, section=part)
        return [
            Hit(text=h.text, source=h.source or h.report_id, agency=h.agency, year=h.year, part=h.part, score=h.score)
            for h in hits
        ]

    def _report(self, report_id: str) -> Report:
        detail = self.kb.show(report_id)
        report = detail.report
        if not report.source:
            report.source = detail.stored.source or detail.stored.id
        return report
