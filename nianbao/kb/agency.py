"""Region and level of an administrative body, from its name alone.

The heuristic, in order:

1. A name ending in 局, 委, 委员会, 办, 办公室, 厅, 部, 署, 中心 or 处 is a department (部门),
   for example 淮安市教育局, 鹿邑县人民政府办公室.
2. Otherwise the place name is what comes before 人民政府 (or 政府), and its last administrative unit
   decides the level: 县, 区 or 旗 -> 县; 市 or 州 -> 市; 省 or 自治区 -> 省.
3. The region is the place name: for a department, the place units at the start of its name
   (淮安市教育局 -> 淮安市); for a government, everything before 人民政府.

A name that fits none of these gets level 其他 and the name itself as region. Nothing is looked up.
The tier (县级, 市级, 省级) is the level of the place a body serves, a department's too (its province:
``nianbao.kb.provinces``).
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["县", "市", "省", "部门", "其他"]
LEVELS: tuple[Level, ...] = ("县", "市", "省", "部门", "其他")

_DEPARTMENT_ENDINGS = ("委员会", "办公室", "局", "委", "办", "厅", "部", "署", "中心", "处")
_GOVERNMENT = re.compile(r"^(?P<place>.+?)(?:人民政府|政府)$")
_PLACE_PREFIX = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}?(?:自治区|省))?(?:[\u4e00-\u9fff]{1,6}?(?:市|州|盟))?(?:[\u4e00-\u9fff]{1,6}?(?:县|区|旗))?"
)
_TIERS = {"县": "县级", "市": "市级", "省": "省级"}
_UNIT_LEVELS: tuple[tuple[str, Level], ...] = (
    ("自治区", "省"),
    ("省", "省"),
    ("自治州", "市"),
    ("市", "市"),
    ("州", "市"),
    ("盟", "市"),
    ("县", "县"),
    ("区", "县"),
    ("旗", "县"),
)


def agency_level(agency: str) -> Level:
    """县, 市, 省, 部门 or 其他, by the heuristic in this module's docstring."""
    name = agency.strip()
    if name.endswith(_DEPARTMENT_ENDINGS):
        return "部门"
    match = _GOVERNMENT.match(name)
    place = match.group("place") if match else name
    for unit, level in _UNIT_LEVELS:
        if place.endswith(unit):
            return level
    return "其他"


def agency_region(agency: str) -> str:
    """The place the body serves (鹿邑县人民政府 -> 鹿邑县, 淮安市教育局 -> 淮安市)."""
    name = agency.strip()
    match = _GOVERNMENT.match(name)
    if match and not name.endswith(_DEPARTMENT_ENDINGS):
        return match.group("place")
    prefix = _PLACE_PREFIX.match(name)
    return prefix.group(0) if prefix and prefix.group(0) else name


def agency_tier(agency: str) -> str:
    """县级, 市级 or 省级: the level of the place the body serves (a county's department is 县级); '' unknown."""
    return _TIERS.get(agency_level(f"{agency_region(agency)}人民政府"), "")


def innermost_place(region: str) -> str:
    """The smallest place of a region (宿迁市沭阳县 -> 沭阳县, 淮安市 -> 淮安市): what two names of one
    place share when only one of them carries its city."""
    units = place_units(region)
    return units[-1] if units else region


def place_units(region: str) -> list[str]:
    """A region's places, largest first (淮安市清江浦区 -> 淮安市, 清江浦区)."""
    return re.findall(r"[\u4e00-\u9fff]+?(?:自治区|自治州|省|市|州(?!市)|盟|县|区|旗)", region)
