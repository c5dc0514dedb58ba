"""Properties of the built-in extractor on generated messages (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.errors import InvalidInputError
from nianbao.intake import extract, preview
from nianbao.intake.lexicon import LEXICON
from nianbao.model import empty_report
from nianbao.schema import ReportFormat, TableId, addresses

REQ = TableId.REQUESTS
PHRASES = {
    "收到申请": "一",
    "上年结转": "二",
    "予以公开": "三.一",
    "部分公开": "三.二",
    "属于国家秘密": "三.三.1",
    "属于四类过程性信息": "三.三.6",
    "本机关不掌握相关政府信息": "三.四.1",
    "重复申请": "三.五.2",
    "逾期不补正": "三.六.1",
    "办结": "三.七",
    "结转下年度继续办理": "四",
}
DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """An independent writer of Chinese numerals below 10^8 (二百五十八, 一万零五)."""
    if n < 10:
        return DIGITS[n]
    high, low = divmod(n, 10000)
    if high:
        rest = "" if low == 0 else ("零" if low < 1000 else "") + chinese(low)
        return chinese(high) + "万" + rest
    out, zero = "", False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10)):
        digit, n = divmod(n, size)
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + DIGITS[n]
    return out[1:] if out.startswith("一十") else out


def full_width(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


writers = st.sampled_from([str, full_width, chinese])


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(PHRASES)), st.integers(0, 99_999), min_size=1, max_size=6), writers)
def test_each_stated_row_gets_its_total(figures: dict[str, int], write) -> None:
    text = "，".join(f"{phrase}{write(value)}件" for phrase, value in figures.items()) + "。"
    got = {c.address: c.new for c in extract(text).changes}
    assert got == {(REQ, PHRASES[p], "总计"): v for p, v in figures.items()}


@settings(deadline=None)
@given(st.integers(0, 99_999_999))
def test_chinese_numerals_read_back(value: int) -> None:
    (change,) = extract(f"收到申请{chinese(value)}件").changes
    assert change.new == value


ALPHABET = "".join(sorted({ch for phrase in LEXICON for ch in phrase})) + "0123456789０１２.，。；、万元件 \n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_any_text_gives_real_cells_and_a_proposal_or_a_refusal(text: str) -> None:
    result = extract(text)
    known = set(addresses(ReportFormat.F2021))
    assert all(c.address in known for c in result.changes)
    try:
        preview(empty_report(), result.changes)
    except InvalidInputError as refused:
        assert refused.message
