"""The words that compare a figure with last year's (同比增长, 较上年减少, 比2021年多): one vocabulary for the
reader of changes (``changes``) and for the counts, which must not take a change for a figure of the table."""

from __future__ import annotations

import re

OPPOSITE = {
    "增长": "下降",
    "增加": "减少",
    "上升": "下降",
    "提高": "降低",
    "提升": "下降",
    "多": "少",
    "下降": "增长",
    "减少": "增加",
    "降低": "提高",
    "回落": "上升",
    "少": "多",
}
RATES = {"增幅": "降幅", "涨幅": "降幅", "降幅": "增幅"}  # 增幅8.07%: a change in % needing no 同比 before it
RISING = frozenset({"增长", "增加", "上升", "提高", "提升", "多", "增幅", "涨幅"})
WORDS = "|".join(sorted(OPPOSITE, key=len, reverse=True))
RATE_WORDS = "|".join(RATES)
CN = "零〇两一二三四五六七八九十百千万"
REFERENCE = r"(?:较|比|与)(?:上一?年度?|去年|(?P<year>(?:19|20)\d{2})\s*年)(?:同期)?"
_CHANGE_BEFORE = re.compile(
    rf"(?:同比|{REFERENCE.replace('?P<year>', '')}(?:相比)?)[，,]?\s*(?:有所|略有)?(?:{WORDS})了?\s*$"
)


def is_a_change(before: str) -> bool:
    """Whether a number written after ``before`` is a change against last year (…，同比增加 → 18件)."""
    return bool(_CHANGE_BEFORE.search(before))
