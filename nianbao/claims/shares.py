"""What each percentage of the narrative claims: a share of 办结 (or of 新收) and how it was rounded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from nianbao.claims.counts import REQ, ClaimCheck, Expected, claims_in_sentence, disclosed_all
from nianbao.claims.numbers import Approx, Quantity, find_quantities
from nianbao.claims.text import Sentence, narrative_sentences
from nianbao.model import Report
from nianbao.numerals import normalize_digits, parse_chinese_number


def decimal_places(printed: Decimal) -> Decimal:
    exponent = printed.as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def percent_method(part: int | Decimal, whole: int | Decimal, printed: Decimal) -> str | None:
    """How ``printed`` (a percentage) was computed from part/whole: 四舍五入 or 截尾, or None if neither."""
    if whole <= 0:
        return None
    places = decimal_places(printed)
    ratio = Decimal(part) * 100 / Decimal(whole)
    if ratio.quantize(places, ROUND_HALF_UP) == printed:
        return "四舍五入"
    if ratio.quantize(places, ROUND_DOWN) == printed:
        return "截尾"
    return None


def request_wholes(report: Report) -> list[Expected]:
    """What a share of requests is usually taken of: 三.七 总计, then 一, then 一 + 二."""
    closed = report.count(REQ, "三.七", "总计")
    new = report.count(REQ, "一", "总计")
    return [
        Expected("办理结果总计（三.七）", closed),
        Expected("本年新收（一）", new),
        Expected("新收加上年结转（一+二）", new + report.count(REQ, "二", "总计")),
    ]


@dataclass(frozen=True)
class PercentCheck:
    """A percentage of the narrative, the figures it was tested against, and how it matched."""

    sentence: Sentence
    quantity: Quantity
    subject: str
    parts: tuple[Expected, ...]
    wholes: tuple[Expected, ...]
    method: str | None  # 四舍五入 / 截尾 / 近似 / None when nothing matched

    @property
    def agrees(self) -> bool:
        return self.method is not None


_SHARE = re.compile(r"占(?:比|[^\d，,；;。%]{0,12}?的?)?(?:比例)?(?:为|达|约)?\s*$")
_RATE = re.compile(r"(?:公开率|公开比例)(?:为|达到|达|是)?\s*$")


# A share in tenths (占比超八成, 近九成, 八成以上): 超/逾/以上/多 at least, else within half a tenth either way.
_TENTHS = re.compile(
    r"(?P<q>超过|超|逾|近|将近|接近|约|大约)?(?P<n>[一二三四五六七八九1-9])成(?P<after>以上|多|左右)?(?![就为立功绩果本员熟交长])"
)
_TENTH_LEEWAY = Decimal(5)


def _in_tenths(text: str) -> list[Quantity]:
    """The shares of a sentence written in tenths, each as a percentage (超八成: at least 80 %)."""
    found = []
    for match in _TENTHS.finditer(text):
        at_least = match.group("q") in ("超过", "超", "逾") or match.group("after") in ("以上", "多")
        approx, leeway = (Approx.AT_LEAST, Decimal(0)) if at_least else (Approx.ABOUT, _TENTH_LEEWAY)
        value = int(parse_chinese_number(match.group("n")) or 0) * 10
        found.append(Quantity(match.group(), value, match.start(), match.end(), True, approx, leeway))
    return found


def _percent_agrees(quantity: Quantity, part: int, whole: int) -> str | None:
    if whole <= 0:
        return None
    if quantity.approx is Approx.EXACT:
        return percent_method(part, whole, Decimal(quantity.value))
    ratio = Decimal(part) * 100 / Decimal(whole)
    if quantity.approx is Approx.AT_LEAST:
        return "近似" if ratio >= quantity.value else None
    leeway = _TENTH_LEEWAY if quantity.text.endswith(("成", "成左右")) else 1
    return "近似" if abs(ratio - Decimal(quantity.value)) <= leeway else None


def _percent_check(
    sentence: Sentence, quantity: Quantity, subject: str, parts: list[Expected], wholes: list[Expected]
) -> PercentCheck:
    for part in parts:
        for whole in wholes:
            method = _percent_agrees(quantity, part.value, whole.value)
            if method:
                return PercentCheck(sentence, quantity, subject, (part,), (whole,), method)
    return PercentCheck(sentence, quantity, subject, tuple(parts), tuple(wholes), None)


def percents_in_sentence(report: Report, sentence: Sentence, counts: list[ClaimCheck]) -> list[PercentCheck]:
    """Each “占 X%” (占比超八成) after a recognised count, and each “公开率 X%”, checked against the table."""
    text = normalize_digits(sentence.text)
    checks = []
    shares = [q for q in find_quantities(sentence.text) if q.percent] + _in_tenths(text)
    for quantity in sorted(shares, key=lambda q: q.start):
        lead = text[: quantity.start]
        if _RATE.search(lead):
            parts = [
                disclosed_all(report, sentence, 0)[0],
                Expected("予以公开（三.一）", report.count(REQ, "三.一", "总计")),
            ]
            checks.append(_percent_check(sentence, quantity, "公开率", parts, request_wholes(report)))
            continue
        before = [c for c in counts if c.quantity.end <= quantity.start]
        if not _SHARE.search(lead) or not before or before[-1].claim.topic is not REQ:
            continue
        claim = before[-1]
        parts = [claim.matched or claim.options[0]]
        checks.append(_percent_check(sentence, quantity, claim.claim.name, parts, request_wholes(report)))
    return checks


def percent_claims(report: Report) -> list[PercentCheck]:
    """Every percentage of the narrative we can tie to the 依申请公开 table."""
    checks = []
    for sentence in narrative_sentences(report):
        counts = claims_in_sentence(report, sentence)
        checks += percents_in_sentence(report, sentence, counts)
    return checks
