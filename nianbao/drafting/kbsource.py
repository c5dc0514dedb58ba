"""The knowledge base as a ReportSource: stored reports for grounding, its hybrid search for passages."""

from __future__ import annotations

from nianbao.drafting.sources import PLACE_REPORTS, Hit, Peer, report_province, same_agency, serves
from nianbao.kb.models import StoredReport
from nianbao.kb.provinces import province_in_name
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

    def peers(self, level: str, before_year: int) -> list[Peer]:
        stored = [r for r in self.kb.list() if r.level == level and r.year < before_year]
        return [Peer(agency=r.agency, year=r.year, province=self._province(r), key=r.id) for r in stored]

    def peer_report(self, peer: Peer) -> Report:
        return self._report(peer.key)

    def _province(self, stored: StoredReport) -> str | None:
        """A stored report's province: from its name, else read once from its text and remembered."""
        named = province_in_name(stored.agency)
        if named is not None:
            return named
        remembered = (stored.id, stored.content_hash)
        if remembered not in _PROVINCES:
            if len(_PROVINCES) >= _PROVINCES_KEPT:
                _PROVINCES.clear()
            _PROVINCES[remembered] = report_province(self._report(stored.id))
        return _PROVINCES[remembered]

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


# The province read from a stored report's text, by report and content (a replaced report is read again): a
# body without a report of its own weighs every peer at each interview turn, and loads only the one it takes.
_PROVINCES: dict[tuple[str, str], str | None] = {}
_PROVINCES_KEPT = 100_000
