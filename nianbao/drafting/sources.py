"""Where past reports come from: the body's own reports first, then peers of the same level.

``ReportSource`` is what the drafters need; ``ReportList`` serves it from reports in memory
(tests, the CLI's ``--previous`` and the shipped corpus); ``nianbao.drafting.kbsource`` serves
it from the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import takewhile
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from nianbao.kb.agency import agency_level as kb_agency_level
from nianbao.kb.agency import agency_region
from nianbao.model import Report

_PLACE = re.compile(r"^(.{1,8}?)(?:省|自治区|市|县|区|旗|镇|乡|街道)")


class Hit(BaseModel):
    """A passage found by a search: its text and where it comes from."""

    text: str
    source: str
    agency: str | None = None
    year: int | None = None
    part: str | None = None
    score: float = 0.0


@runtime_checkable
class ReportSource(Protocol):
    """Past reports for grounding a draft."""

    def latest_report(self, agency: str, before_year: int) -> Report | None:
        """The body's own most recent report for a year before ``before_year``."""
        ...

    def peer_reports(self, level: str, before_year: int) -> list[Report]:
        """Reports of other bodies of the same level, for years before ``before_year``, newest first."""
        ...

    def search(self, query: str, agency: str | None = None, part: str | None = None, k: int = 5) -> list[Hit]:
        """Passages about ``query``, optionally of one body and one part."""
        ...


def agency_level(agency: str | None) -> str:
    """县, 市, 省, 部门 or 其他: the knowledge base's level of a body, from its name."""
    return kb_agency_level((agency or "").replace(" ", ""))


def place_name(agency: str | None) -> str:
    """The place in a body's name (鹿邑 for 鹿邑县人民政府), or ''."""
    match = _PLACE.match((agency or "").replace(" ", ""))
    return match.group(1) if match else ""


def same_agency(a: str | None, b: str | None) -> bool:
    """The same body, whatever spaces the names carry."""
    if not a or not b:
        return False
    return a.replace(" ", "") == b.replace(" ", "")


class ReportList:
    """A ReportSource over reports held in memory."""

    def __init__(self, reports: Iterable[Report]) -> None:
        self.reports = [r for r in reports if r.year is not None]

    def latest_report(self, agency: str, before_year: int) -> Report | None:
        own = [r for r in self.reports if same_agency(r.agency, agency) and r.year and r.year < before_year]
        return max(own, key=lambda r: r.year or 0, default=None)

    def peer_reports(self, level: str, before_year: int) -> list[Report]:
        peers = [r for r in self.reports if agency_level(r.agency) == level and r.year and r.year < before_year]
        return sorted(peers, key=lambda r: r.year or 0, reverse=True)

    def search(self, query: str, agency: str | None = None, part: str | None = None, k: int = 5) -> list[Hit]:
        hits = [hit for report in self.reports for hit in _paragraph_hits(report, agency, part)]
        terms = [t for t in re.split(r"[\s，,、]+", query) if t]
        for hit in hits:
            hit.score = float(sum(hit.text.count(t) for t in terms))
        ranked = sorted((h for h in hits if h.score > 0), key=lambda h: h.score, reverse=True)
        return ranked[:k]


def _paragraph_hits(report: Report, agency: str | None, part: str | None) -> list[Hit]:
    if agency and not same_agency(report.agency, agency):
        return []
    return [
        Hit(text=text, source=report.source, agency=report.agency, year=report.year, part=p.number)
        for p in report.parts
        if part is None or p.number == part
        for text in p.paragraphs
    ]


def grounding_report(source: ReportSource, agency: str, year: int) -> tuple[Report | None, bool]:
    """The report to draft from: the body's own latest, else the newest peer's; and whether it is its own."""
    own = source.latest_report(agency, year)
    if own is not None:
        return own, True
    peers = [r for r in source.peer_reports(agency_level(agency), year) if not same_agency(r.agency, agency)]
    return (max(peers, key=lambda peer: peer_affinity(agency, peer)), False) if peers else (None, False)


def peer_affinity(agency: str, peer: Report) -> tuple[bool, int, int]:
    """How good a model a peer's report is for this body: a body serving a place of the same tier first (a 县
    department is modelled on a 县 department, not a province's office), then the longest shared place name
    (the same province, the same city), then the newest."""
    mine, theirs = agency_region(agency), agency_region(peer.agency or "")
    same_tier = agency_level(f"{mine}人民政府") == agency_level(f"{theirs}人民政府")
    shared = sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], zip(mine, theirs, strict=False)))
    return same_tier, shared, peer.year or 0
