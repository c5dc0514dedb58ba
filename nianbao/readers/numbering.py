"""Word's automatic list numbering: the "一、" or "1." that Word draws but does not store in the text.

Headings such as 一、总体情况 are often numbered by Word (a paragraph's w:numPr, or its style's),
so the text alone reads 总体情况. This module renders each numbered paragraph's label from
word/numbering.xml, counting as Word counts: per list, restarting deeper levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nianbao.errors import ReadFailure, ReportReadError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_FORMATS = frozenset(
    {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "japaneseCounting"}
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_MAX_STYLE_DEPTH = 10


@dataclass(frozen=True)
class Level:
    """One level of a list: its number format (decimal, chineseCounting …), label text and start."""

    number_format: str = "decimal"
    text: str = "%1."
    start: int = 1


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (as list labels are written)."""
    if n <= 0 or n >= 1000:
        return str(n)
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + chinese_number(rest)
        else:
            tail = ("一" if rest < 20 else "") + chinese_number(rest)
        return f"{_CHINESE_DIGITS[hundreds]}百{tail}"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_CHINESE_DIGITS[tens]}十")
    return head + (_CHINESE_DIGITS[ones] if ones else "")


def format_number(n: int, number_format: str) -> str:
    """A counter as a list label shows it in this Word number format."""
    if number_format in _CHINESE_FORMATS:
        return chinese_number(n)
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if number_format == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if number_format in ("upperLetter", "lowerLetter") and 0 < n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class Numbering:
    """The lists of one document and their running counters."""

    levels: dict[tuple[str, int], Level] = field(default_factory=dict)
    style_numbers: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        """Read word/numbering.xml and the styles that number their paragraphs."""
        numbering = cls()
        part = _numbering_part(document)
        if part is not None:
            numbering.levels = _levels(_element(part))
        styles = _styles_part(document)
        if styles is not None:
            numbering.style_numbers = _style_numbers(_element(styles))
        return numbering

    def label(self, paragraph: Any) -> str:
        """The label Word draws before this paragraph ("一、", "1."), or ""."""
        found = self._number_of(paragraph)
        if found is None:
            return ""
        num_id, level = found
        spec = self.levels.get((num_id, level))
        if spec is None or spec.number_format in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[level] = counts.get(level, spec.start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        return self._render(num_id, spec.text, counts)

    def _number_of(self, paragraph: Any) -> tuple[str, int] | None:
        ppr = paragraph.find(f"{_W}pPr")
        if ppr is None:
            return None
        num_pr = ppr.find(f"{_W}numPr")
        if num_pr is not None:
            num_id = _val(num_pr.find(f"{_W}numId"))
            return None if num_id in (None, "0") else (num_id, _int(_val(num_pr.find(f"{_W}ilvl")), 0))
        return self.style_numbers.get(_val(ppr.find(f"{_W}pStyle")) or "")

    def _render(self, num_id: str, text: str, counts: dict[int, int]) -> str:
        for level in range(9):
            placeholder = f"%{level + 1}"
            if placeholder in text:
                spec = self.levels.get((num_id, level), Level())
                count = counts.get(level, spec.start)
                text = text.replace(placeholder, format_number(count, spec.number_format))
        return text


def _numbering_part(document: Any) -> Any:
    try:
        return document.part.numbering_part
    except (KeyError, NotImplementedError, ValueError):
        return None


def _styles_part(document: Any) -> Any:
    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        return document.part.part_related_by(RELATIONSHIP_TYPE.STYLES)
    except KeyError:
        return None


def _element(part: Any) -> Any:
    """A part's XML: python-docx parses it only when its content type is the expected one; a part
    declared otherwise (application/xml) is the same XML and is parsed here."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from docx.oxml.parser import parse_xml

    try:
        return parse_xml(part.blob)
    except Exception as e:  # lxml's errors for a broken part
        raise ReportReadError(
            ReadFailure.DAMAGED, f"Word 文件已损坏：其中 {part.partname} 不是有效的 XML，无法读取。"
        ) from e


def _levels(numbering: Any) -> dict[tuple[str, int], Level]:
    abstract = {_val(a, "abstractNumId"): _abstract_levels(a) for a in numbering.iterchildren(f"{_W}abstractNum")}
    levels: dict[tuple[str, int], Level] = {}
    for num in numbering.iterchildren(f"{_W}num"):
        num_id = _val(num, "numId")
        for level, spec in abstract.get(_val(num.find(f"{_W}abstractNumId")), {}).items():
            levels[(num_id or "", level)] = spec
        for override in num.iterchildren(f"{_W}lvlOverride"):
            _apply_override(levels, num_id or "", override)
    return levels


def _abstract_levels(abstract: Any) -> dict[int, Level]:
    return {_int(_val(lvl, "ilvl"), 0): _level(lvl) for lvl in abstract.iterchildren(f"{_W}lvl")}


def _level(lvl: Any) -> Level:
    return Level(
        number_format=_val(lvl.find(f"{_W}numFmt")) or "decimal",
        text=_val(lvl.find(f"{_W}lvlText")) or "",
        start=_int(_val(lvl.find(f"{_W}start")), 1),
    )


def _apply_override(levels: dict[tuple[str, int], Level], num_id: str, override: Any) -> None:
    level = _int(_val(override, "ilvl"), 0)
    lvl = override.find(f"{_W}lvl")
    if lvl is not None:
        levels[(num_id, level)] = _level(lvl)
    start = override.find(f"{_W}startOverride")
    if start is not None and (num_id, level) in levels:
        base = levels[(num_id, level)]
        levels[(num_id, level)] = Level(base.number_format, base.text, _int(_val(start), 1))


def _style_numbers(styles: Any) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry numbering (directly or through w:basedOn)."""
    by_id = {_val(s, "styleId") or "": s for s in styles.iterchildren(f"{_W}style")}
    numbers: dict[str, tuple[str, int]] = {}
    for style_id in by_id:
        found = _style_number(by_id, style_id)
        if found is not None:
            numbers[style_id] = found
    return numbers


def _style_number(by_id: dict[str, Any], style_id: str) -> tuple[str, int] | None:
    for _ in range(_MAX_STYLE_DEPTH):
        style = by_id.get(style_id)
        if style is None:
            return None
        num_pr = style.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_id = _val(num_pr.find(f"{_W}numId"))
            return None if num_id in (None, "0") else (num_id, _int(_val(num_pr.find(f"{_W}ilvl")), 0))
        style_id = _val(style.find(f"{_W}basedOn")) or ""
    return None


def _val(element: Any, attribute: str = "val") -> str | None:
    return None if element is None else element.get(f"{_W}{attribute}")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
