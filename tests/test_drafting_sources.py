"""Past reports for grounding: the body's own most recent first, then peers of the same level."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.sources import ReportList, ReportSource, agency_level, grounding_report, place_name
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.readers import read_report
from tests.conftest import CORPUS, FIXTURES, SEED, kb_settings


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return [
        read_report(SEED),
        read_report(FIXTURES / "kb" / "luyi_2022_fixture.txt"),
        read_report(CORPUS / "shuyang_2025.md"),
        read_report(CORPUS / "huaian_2024.pdf"),
    ]


def test_levels_and_places_come_from_the_name() -> None:
    assert [agency_level(a) for a in ("鹿邑县人民政府", "淮安市人民政府", "淮安市教育局")] == ["县", "市", "部门"]
    assert place_name("沐阳县人民政府") == "沐阳"


def test_the_latest_own_report_before_the_year(reports: list[Report]) -> None:
    source = ReportList(reports)
    assert isinstance(source, ReportSource)
    assert source.latest_report("鹿邑县人民政府", 2023).year == 2022  # type: ignore[union-attr]
    assert source.latest_report("鹿邑县人民政府", 2022).year == 2021  # type: ignore[union-attr]
    assert source.latest_report("鹿邑县人民政府", 2021) is None


def test_peers_are_of_the_same_level_newest_first(reports: list[Report]) -> None:
    peers = ReportList(reports).peer_reports("县", 2030)
    assert [(r.agency, r.year) for r in peers] == [
        ("沐阳县人民政府", 2025),
        ("鹿邑县人民政府", 2022),
        ("鹿邑县人民政府", 2021),
    ]


def test_grounding_prefers_the_bodys_own_report_then_a_peer(reports: list[Report]) -> None:
    source = ReportList(reports)
    own, is_own = grounding_report(source, "鹿邑县人民政府", 2022)
    assert (own.agency, own.year, is_own) == ("鹿邑县人民政府", 2021, True)  # type: ignore[union-attr]
    peer, is_own = grounding_report(source, "睢县人民政府", 2026)
    assert (peer.agency, peer.year, is_own) == ("沐阳县人民政府", 2025, False)  # type: ignore[union-attr]
    assert grounding_report(source, "商丘市人民政府", 2024) == (None, False)


def test_search_finds_passages_of_one_body_and_part(reports: list[Report]) -> None:
    hits = ReportList(reports).search("信息处理费", agency="淮安市人民政府", part="六")
    assert [(h.agency, h.year, h.part) for h in hits] == [("淮安市人民政府", 2024, "六")]
    assert "3940" in hits[0].text


def test_the_knowledge_base_serves_the_same_questions(tmp_path: Path) -> None:
    kb = KnowledgeBase(kb_settings(tmp_path / "data"))
    kb.add([SEED, CORPUS / "shuyang_2025.md"])
    source = KnowledgeBaseSource(kb)
    assert isinstance(source, ReportSource)
    latest = source.latest_report("鹿邑县人民政府", 2022)
    assert latest is not None and (latest.year, latest.source) == (2021, "luyi_2021.txt")
    assert [r.agency for r in source.peer_reports("县", 2030)] == ["沐阳县人民政府", "鹿邑县人民政府"]
    hits = source.search("信息处理费", agency="沐阳县人民政府", part="六", k=2)
    assert hits and all((h.agency, h.part) == ("沐阳县人民政府", "六") for h in hits)


def test_the_bodys_own_report_is_found_under_a_name_prefixed_with_its_city(reports: list[Report]) -> None:
    luyi = reports[0].model_copy(update={"agency": "周口市鹿邑县人民政府"})
    own, is_own = grounding_report(ReportList([luyi]), "鹿邑县人民政府", 2022)
    assert is_own and own is not None and own.agency == "周口市鹿邑县人民政府"


def test_a_district_named_without_its_city_is_not_taken_for_another_citys() -> None:
    from nianbao.drafting.sources import same_agency

    assert not same_agency("鼓楼区人民政府", "福州市鼓楼区人民政府")  # 鼓楼区 is in four cities
    assert same_agency("南京市鼓楼区人民政府", "南京市 鼓楼区人民政府")
    assert same_agency("江苏省宿迁市沭阳县人民政府", "沭阳县人民政府")
