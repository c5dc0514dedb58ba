"""Where past reports come from: the body's own reports first, then the structure of a peer's.

``ReportSource`` is what the drafters need; ``ReportList`` serves it from reports in memory
(tests, the CLI's ``--previous`` and the shipped corpus); ``nianbao.drafting.kbsource`` serves
it from the knowledge base.

A body without a past report of its own borrows the structure of a peer's: of the same tier (县级,
市级, 省级) and the same province first, then of the same tier, then the newest. Its province is the
one the clerk stated (“我们是江苏省宿迁市沭阳县的”), else the one its name carries, else the one the
reports of its place in the store name (沭阳县人民政府's report speaks of 宿迁市): unknown otherwise,
and said so. The draft names the model report and why it was chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import takewhile
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from nianbao.kb.agency import agency_level as kb_agency_level
from nianbao.kb.agency import agency_region, agency_tier, innermost_place, place_units
from nianbao.kb.provinces import full_name, province_in_name, province_in_text, province_of_place
from nianbao.model import Report
from nianbao.rules.crossyear import same_agency as prefixed_alike

_PLACE = re.compile(r"^(.{1,8}?)(?:省|自治区|市|县|区|旗|镇|乡|街道)")


class Hit(BaseModel):
    """A passage found by a search: its text and where it comes from."""

    text: str
    source: str
    agency: str | None = None
    year: int | None = None
    part: str | None = None
    score: float = 0.0


class Peer(BaseModel):
    """Another body's past report as peer choice weighs it: its body, year and province (None: unknown), and
    ``key``, how its source finds the report again (the choice loads only the one chosen)."""

    agency: str
    year: int
    province: str | None = None
    key: str


@runtime_checkable
class ReportSource(Protocol):
    """Past reports for grounding a draft."""

    def latest_report(self, agency: str, before_year: int) -> Report | None:
        """The body's own most recent report for a year before ``before_year``."""
        ...

    def peer_reports(self, level: str, before_year: int) -> list[Report]:
        """Reports of other bodies of the same level, for years before ``before_year``, newest first."""
        ...

    def peers(self, level: str, before_year: int) -> list[Peer]:
        """The reports of ``peer_reports`` as peers, without loading them again once their province is known."""
        ...

    def peer_report(self, peer: Peer) -> Report:
        """The report of one of ``peers``."""
        ...

    def place_reports(self, place: str, before_year: int) -> list[Report]:
        """A few reports of bodies serving ``place`` (its innermost unit, 沭阳县), newest first."""
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
    """The same body, whatever spaces the names carry, also when one name is prefixed with its city or province
    (宿迁市沭阳县人民政府 is 沭阳县人民政府) — but not a 区 named without its city: 鼓楼区 is in four cities."""
    if not a or not b:
        return False
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b:
        return True
    shorter = min(a, b, key=len)
    return prefixed_alike(a, b) and not innermost_place(agency_region(shorter)).endswith("区")


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

    def peers(self, level: str, before_year: int) -> list[Peer]:
        return [
            Peer(agency=r.agency or "", year=r.year or 0, province=report_province(r), key=str(i))
            for i, r in enumerate(self.reports)
            if agency_level(r.agency) == level and r.year and r.year < before_year
        ]

    def peer_report(self, peer: Peer) -> Report:
        return self.reports[int(peer.key)]

    def place_reports(self, place: str, before_year: int) -> list[Report]:
        found = [r for r in self.reports if serves(r.agency, place) and r.year and r.year < before_year]
        return sorted(found, key=lambda r: r.year or 0, reverse=True)[:PLACE_REPORTS]

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


class Grounding(BaseModel):
    """The report a draft is grounded on: the body's own, else a peer's (its structure only), and why."""

    report: Report | None = None
    own: bool = False
    why: str = ""  # why this peer's report: 同省、同为县级
    province: str | None = None  # the body's province (江苏), None unknown
    province_from: str = ""  # how it was found: 据机关名称 …
    searched: bool = False  # the province was looked for (a Grounding made by ``grounding``)

    def note(self) -> str:
        """What the clerk is told about a borrowed structure ('' for her own report or none)."""
        if self.own or self.report is None:
            return ""
        why = f"（{self.why}）" if self.why else ""
        return (
            f"结构参照：{self.report.agency}{self.report.year}年报告{why}。本机关没有往年报告，"
            "只参照了该报告第一部分的小标题结构，其文字、数字和专有名词均未采用。" + self.province_said()
        )

    def province_said(self) -> str:
        if not self.searched:
            return ""
        if self.province is None:
            return "本机关所在省份未能确定，可在对话中说明（如“我们是江苏省宿迁市沭阳县的”），以便参照同省报告。"
        return f"本机关所在省份：{full_name(self.province)}（{self.province_from}）。"


def grounding_report(source: ReportSource, agency: str, year: int, place: str = "") -> tuple[Report | None, bool]:
    """The report to draft from: the body's own latest, else the best peer's; and whether it is its own."""
    found = grounding(source, agency, year, place)
    return found.report, found.own


def grounding(
    source: ReportSource, agency: str, year: int, place: str = "", said_by: str = "您说明的所在地"
) -> Grounding:
    """The body's own latest report, else the peer's report that best models it (see the module docstring);
    ``place``: where the clerk said the body is (江苏省宿迁市沭阳县), '' when she did not; ``said_by``: where."""
    own = source.latest_report(agency, year)
    if own is not None:
        return Grounding(report=own, own=True)
    province, found_by = body_province(source, agency, year, place, said_by)
    peers = [p for p in source.peers(agency_level(agency), year) if not same_agency(p.agency, agency)]
    found = Grounding(province=province, province_from=found_by, searched=True)
    if not peers:
        return found
    best = max(peers, key=lambda peer: peer_affinity(agency, peer, province))
    found.report, found.why = source.peer_report(best), why_chosen(agency, best, province)
    return found


def body_province(
    source: ReportSource, agency: str, year: int, place: str = "", said_by: str = "您说明的所在地"
) -> tuple[str | None, str]:
    """The body's province and how it was found; (None, '') when nothing decides it."""
    if place and (stated := province_of_place(place)) is not None:
        return stated, f"据{said_by}"
    if (named := province_in_name(agency)) is not None:
        return named, "据机关名称"
    units = place_units(agency_region(agency))
    if not units or (len(units) == 1 and units[0].endswith("区")):  # 鼓楼区 alone: four cities have one
        return None, ""
    local = source.place_reports(units[-1], year)
    found = {report_province(r) for r in local} - {None}
    if len(found) == 1:
        witness = next(r for r in local if report_province(r) is not None)
        return found.pop(), f"据知识库中{witness.agency}{witness.year}年报告"
    return None, ""


def report_province(report: Report) -> str | None:
    """The province of a report's body: from its name, else from the places its own text names."""
    named = province_in_name(report.agency or "")
    if named is not None:
        return named
    text = "\n".join([report.title or "", report.preamble or "", *(p.text for p in report.parts)])
    return province_in_text(text)


def peer_affinity(agency: str, peer: Peer, province: str | None) -> tuple[int, bool, int, int]:
    """How good a model a peer's report is for this body: a body serving a place of the same tier first (a 县
    department is modelled on a 县 department, then a 市 one, and a province's office last), then of the same
    province, then the places shared (the same city), then the newest."""
    mine_region, their_region = place_units(agency_region(agency)), place_units(agency_region(peer.agency))
    tiers = (_TIER_ORDER.index(agency_tier(agency)), _TIER_ORDER.index(agency_tier(peer.agency)))
    same_province = province is not None and province == peer.province
    shared = sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], zip(mine_region, their_region, strict=False)))
    return -abs(tiers[0] - tiers[1]), same_province, shared, peer.year


def why_chosen(agency: str, peer: Peer, province: str | None) -> str:
    """Why this peer's report was taken as the model, in the clerk's words (同省、同为县级)."""
    theirs = peer.province
    tier, their_tier = agency_tier(agency) or "同级", agency_tier(peer.agency) or "其他级别"
    kind = "部门" if agency_level(agency) == "部门" else ""
    if tier != their_tier:
        return f"没有{tier}{kind}的报告可参照，该报告为{their_tier}{kind}"
    if province is not None and province == theirs:
        return f"同省、同为{tier}{kind}"
    if province is None:
        return f"同为{tier}{kind}；本机关所在省份未能确定，未按省份挑选"
    if theirs is None:
        return f"同为{tier}{kind}；没有确知属{full_name(province)}的同级报告，该报告所属省份未能确定"
    return f"同为{tier}{kind}；没有{full_name(province)}的同级报告，该报告属{full_name(theirs)}"


def serves(agency: str | None, place: str) -> bool:
    """The body serves this place (沭阳县人民政府 and 宿迁市沭阳县发展和改革局 both serve 沭阳县)."""
    return bool(place) and innermost_place(agency_region(agency or "")) == place


PLACE_REPORTS = 3
_TIER_ORDER = ("县级", "市级", "省级", "")
