"""A body's province without any network: the province or prefecture-level city its name carries, else the one a
report's own words name most; never a guess."""

from __future__ import annotations

from collections import Counter

import pytest

from nianbao.kb.provinces import PREFECTURE_CITIES, PROVINCES, province_in_name, province_in_text, province_of_place


@pytest.mark.parametrize(
    ("agency", "province"),
    [
        ("江苏省宿迁市沭阳县发展和改革局", "江苏"),
        ("宿迁市沭阳县人民政府", "江苏"),
        ("淮安市教育局", "江苏"),
        ("周口市发展和改革委员会", "河南"),
        ("北京市朝阳区人民政府", "北京"),
        ("广西壮族自治区人民政府办公厅", "广西"),
        ("国家税务总局宿迁市税务局", "江苏"),
        ("沭阳县人民政府", None),  # a county's name alone does not carry it
        ("朝阳区人民政府", None),  # 朝阳区 (北京) is not 朝阳市 (辽宁)
        ("沭阳县市场监督管理局", None),  # 县市场 is no city
        ("昆山市人民政府", None),  # a county-level city is not in the table
    ],
)
def test_the_province_a_name_carries(agency: str, province: str | None) -> None:
    assert province_in_name(agency) == province


def test_a_report_naming_its_city_and_province_is_placed_there() -> None:
    text = "按照《河南省2022年政务公开工作要点》和周口市政府的部署……周口市督查组检查达标。"
    assert province_in_text(text) == "河南"


def test_one_mention_decides_nothing() -> None:
    assert province_in_text("组织骨干赴北京市参加培训。") is None


def test_two_provinces_named_as_often_decide_nothing() -> None:
    assert province_in_text("与江苏省、河南省交流；赴宿迁市、周口市学习。") is None


def test_what_the_clerk_says_is_read_for_its_province() -> None:
    said = ("江苏省宿迁市沭阳县", "宿迁", "河南", "沭阳县")
    assert [province_of_place(p) for p in said] == ["江苏", "江苏", "河南", None]


def test_the_table_holds_each_city_once_and_only_known_provinces() -> None:
    cities = Counter(city for listed in PREFECTURE_CITIES.values() for city in listed)
    assert max(cities.values()) == 1 and set(PREFECTURE_CITIES) <= set(PROVINCES)
    assert sum(cities.values()) == 293  # the prefecture-level cities of the mainland
