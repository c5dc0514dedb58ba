"""Result categories listed in a sentence, against the 办结 total they should add up to.

“予以公开及部分公开258件，不予公开35件，无法提供265件，不予处理158件” adds up to 716 while 805 were
closed: a category is missing or given as one of its sub-items.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.claims.counts import REQ, ClaimCheck, count_claims, outcome_rows
from nianbao.claims.text import Sentence
from nianbao.model import Report

# Each result category, and the 依申请公开 rows it stands for.
CATEGORIES = {
    "予以公开": ("三.一",),
    "部分公开": ("三.二",),
    "予以公开及部分公开": ("三.一", "三.二"),
    "不予公开": ("三.三",),
    "无法提供": ("三.四",),
    "不予处理": ("三.五",),
    "其他处理": ("三.六",),
}
_GROUPS = ("三.一", "三.二", "三.三", "三.四", "三.五", "三.六")
_GROUP_NAMES = {"三.一": "予以公开", "三.二": "部分公开", "三.三": "不予公开", "三.四": "无法提供", "三.五": "不予处理"}
MIN_LISTED = 3


@dataclass(frozen=True)
class ListCheck:
    """The categories a sentence lists, their sum, the 办结 total, and the categories left out."""

    sentence: Sentence
    listed: tuple[ClaimCheck, ...]
    total: int
    closed: int
    missing: tuple[tuple[str, int], ...]

    @property
    def agrees(self) -> bool:
        return self.total >= self.closed


def list_in_sentence(report: Report, checks: list[ClaimCheck]) -> ListCheck | None:
    """The result categories of one sentence's counts, when it lists at least three of them."""
    listed = tuple(c for c in checks if c.claim.name in CATEGORIES)
    if len({c.claim.name for c in listed}) < MIN_LISTED:
        return None
    covered = {row for c in listed for row in CATEGORIES[c.claim.name]}
    missing = tuple(
        (_GROUP_NAMES.get(group, "其他处理"), _group_total(report, group)) for group in _GROUPS if group not in covered
    )
    total = sum(int(c.quantity.value) for c in listed)
    closed = report.count(REQ, "三.七", "总计")
    return ListCheck(listed[0].sentence, listed, total, closed, tuple(m for m in missing if m[1]))


def _group_total(report: Report, group: str) -> int:
    return sum(report.count(REQ, row, "总计") for row in outcome_rows(report, group))


def list_claims(report: Report) -> list[ListCheck]:
    """Every sentence of the narrative that lists result categories, checked against 办结."""
    by_sentence: dict[Sentence, list[ClaimCheck]] = {}
    for check in count_claims(report):
        by_sentence.setdefault(check.sentence, []).append(check)
    found = (list_in_sentence(report, checks) for checks in by_sentence.values())
    return [f for f in found if f is not None]
