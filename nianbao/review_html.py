"""A review as one self-contained HTML page: inline CSS, no scripts, no external resources.

The page is a jinja2 template (templates/review.html.j2) with autoescape: every value put into it is
HTML-escaped unless it is ``Markup`` built here from escaped pieces (the copy marks and the diff). A report
is data from outside and is never rendered as markup. The page is well-formed XHTML-style markup (every tag closed).

Each finding links to its place: the cell's own row of the side-by-side tables (one row per cell), the
paragraph, or the part. Sentences still marked 【待核实】 are listed first, each linked to its paragraph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from nianbao.claims.text import split_sentences
from nianbao.drafting.model import UNVERIFIED
from nianbao.model import Severity
from nianbao.review import CellComparison, ItemKind, PartComparison, Review, ReviewItem, row_anchor
from nianbao.schema import PART_NUMERALS, PART_TITLES, TableId
from nianbao.similarity import ParagraphCopy

KIND_LABELS: dict[ItemKind, str] = {
    ItemKind.STRUCTURE: "结构",
    ItemKind.ROWS: "表格行",
    ItemKind.FORMAT: "格式版本",
    ItemKind.CHECK: "核对",
    ItemKind.CHANGE: "数字变化",
    ItemKind.CROSS_YEAR: "跨年度",
    ItemKind.COPY: "内容雷同",
    ItemKind.STALE_FIGURE: "沿用上年数字",
    ItemKind.STALE_YEAR: "沿用上年年份",
    ItemKind.RECTIFICATION: "上年度问题整改",
}
MODE_LABELS = {"template": "对照标准格式", "last_year": "对照标准格式和上年报告", "version": "对照同一年度的上一版本"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1200px;color:#222}
body{line-height:1.6}
h1{font-size:1.5em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.changed td.cur,td.changed{background:#fff3c4}
.error{color:#a40000}.warning{color:#8a5a00}
li.item{margin:.4em 0}li.item:target,tr:target,div.para:target,section:target,li:target{outline:3px solid #4a90d9}
mark{background:#ffd6d6}del{background:#ffe0e0}ins{background:#d8f5d8;text-decoration:none}
.para{display:flex;gap:1em;border-bottom:1px dashed #ddd;padding:.4em 0}
.para>div{flex:1}.sim{font-size:.85em;color:#666}.back{font-size:.85em;margin-left:.5em}
.unverified{background:#ffe3e3}
"""


_NARRATIVE_TITLES = {
    "last_year": Markup(
        "正文对照（<mark>标记</mark>为与上年相同的文字；右栏为上年段落，<del>删去</del>、<ins>新增</ins>）"
    ),
    "version": Markup("正文对照（右栏为上一版本对应段落，<del>删去</del>、<ins>新增</ins>）"),
    "template": "正文",
}
_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Unverified:
    """A sentence still marked 【待核实】: its part, the sentence, and the paragraph it links to."""

    id: str
    part: str
    sentence: str
    place: str


def render_review(result: Review, name: str = "", unverified: list[tuple[str, str]] | None = None) -> str:
    """The whole page as a string. ``name`` names the draft (a saved draft: its name, before the file it came from);
    ``unverified`` are the (part, sentence) pairs still marked 【待核实】 (see ``unverified_sentences``)."""
    places = _items_by_place(result.items)
    return _environment.get_template("review.html.j2").render(
        r=result,
        css=Markup(_CSS),
        name=name or result.source or "（未命名）",
        mode=MODE_LABELS[result.mode],
        kind=_kind,
        link=_linker(result),
        counts=_counts(result),
        unverified=_unverified(result, unverified or []),
        structure=_structure(result, places),
        tables=_tables(result, places),
        loose_rows=_rows_without_cells(result, places),
        narrative_title=_NARRATIVE_TITLES[result.mode],
        parts=[_part(result, part, places) for part in result.parts],
        loose_sentences=_paragraphs_without_parts(result, places),
    )


def unverified_sentences(parts: dict[str, str]) -> list[tuple[str, str]]:
    """(part, sentence) of every sentence of 一、五、六 still marked 【待核实】, from each part's text, as the claims
    engine splits sentences (the 叙述 view colours the same ones)."""
    return [
        (number, sentence.strip())
        for number in ("一", "五", "六")
        for line in parts.get(number, "").split("\n")
        for sentence in split_sentences(line)
        if UNVERIFIED in sentence
    ]


def _items_by_place(items: list[ReviewItem]) -> dict[str, list[ReviewItem]]:
    places: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        places[item.place].append(item)
    return places


def _kind(item: ReviewItem) -> str:
    return KIND_LABELS.get(item.kind, item.kind.value)


def _linker(result: Review) -> Callable[[ReviewItem], str]:
    """Where an item's link lands: its cell's own row when it is about one cell drawn side by side, else its place
    (the row's first cell, the paragraph, the part)."""
    drawn = {_cell_anchor(c.place, c.column) for c in result.cells}

    def link(item: ReviewItem) -> str:
        column = item.location.column
        cell = _cell_anchor(item.place, column) if item.location.table is not None and column else ""
        return cell if cell in drawn else item.place

    return link


def _cell_anchor(place: str, column: str) -> str:
    """A cell's own row of the side-by-side tables: its row's place and the column (ASCII, as hex)."""
    return f"{place}-c{''.join(f'{ord(c):x}' for c in column)}"


def _counts(result: Review) -> list[tuple[str, int, int]]:
    counts: dict[ItemKind, list[int]] = defaultdict(lambda: [0, 0])
    for item in result.items:
        counts[item.kind][0 if item.severity is Severity.ERROR else 1] += 1
    return [(KIND_LABELS[k], e, w) for k, (e, w) in counts.items()]


def _unverified(result: Review, sentences: list[tuple[str, str]]) -> list[Unverified]:
    """Each marked sentence linked to the paragraph that holds it (else to its part's row of 各部分)."""
    found = []
    for index, (number, sentence) in enumerate(sentences, start=1):
        position = PART_NUMERALS.index(number) + 1 if number in PART_NUMERALS else 0
        place = f"part-{position}"
        for part in result.parts:
            if part.number == number:
                held = [p for p in part.paragraphs if sentence and sentence in p.text]
                place = f"p-{position}-{held[0].index}" if held else place
        found.append(Unverified(f"unverified-{index}", number, sentence, place))
    return found


@dataclass(frozen=True)
class _PartRow:
    anchor: str
    title: str
    now: str
    old: str
    items: list[ReviewItem]


def _structure(result: Review, places: dict[str, list[ReviewItem]]) -> list[_PartRow]:
    return [
        _PartRow(
            f"part-{position}",
            f"{number}、{PART_TITLES[number]}",
            result.headings.get(number, ""),
            result.previous_headings.get(number, ""),
            places.get(f"part-{position}", []),
        )
        for position, number in enumerate(PART_NUMERALS, start=1)
    ]


@dataclass(frozen=True)
class _CellRow:
    anchor: str
    row_anchor: str  # the row's own anchor, on its first cell (items about the whole row land there)
    row: str
    column: str
    current: str
    previous: str
    change: str
    percent: str
    changed: bool
    items: list[ReviewItem]


def _tables(result: Review, places: dict[str, list[ReviewItem]]) -> list[tuple[str, list[_CellRow]]]:
    by_table: dict[TableId, list[CellComparison]] = defaultdict(list)
    for cell in result.cells:
        by_table[cell.table].append(cell)
    return [(table.value, _cell_rows(cells, places)) for table, cells in by_table.items()]


def _cell_rows(cells: list[CellComparison], places: dict[str, list[ReviewItem]]) -> list[_CellRow]:
    rows: list[_CellRow] = []
    seen: set[str] = set()
    for cell in cells:
        first = cell.place not in seen
        seen.add(cell.place)
        here = places.get(cell.place, [])
        items = [i for i in here if i.location.column == cell.column or (first and not i.location.column)]
        rows.append(
            _CellRow(
                anchor=_cell_anchor(cell.place, cell.column),
                row_anchor=cell.place if first else "",
                row=cell.row_label,
                column=cell.column,
                current=_value(cell.current, cell.current_raw),
                previous=_value(cell.previous, cell.previous_raw),
                change=_signed(cell.change),
                percent="—" if cell.percent is None else f"{cell.percent:+.1f}%",
                changed=cell.changed,
                items=items,
            )
        )
    return rows


def _rows_without_cells(result: Review, places: dict[str, list[ReviewItem]]) -> list[tuple[str, str, list]]:
    """Places of table items when no side-by-side table was drawn (no previous report); a cell's link lands
    on its row's entry here, which then carries the cell's anchor too."""
    shown = {c.place for c in result.cells}
    extra = []
    for item in result.items:
        loc = item.location
        if loc.table is not None and item.place not in shown:
            shown.add(item.place)
            extra.append((item.place, f"{loc.table.value} / {loc.row_label or loc.row or ''}", places[item.place]))
    return extra


def _value(value: object, raw: str) -> str:
    if value is not None:
        return str(value)
    return raw.strip() or "空白"


def _signed(change: object) -> str:
    if change is None:
        return "—"
    text = str(change)
    return text if text.startswith("-") or text == "0" else f"+{text}"


@dataclass(frozen=True)
class _Paragraph:
    anchor: str
    now: Markup
    sim: Markup
    before: Markup
    items: list[ReviewItem]


@dataclass(frozen=True)
class _Part:
    heading: str
    share: str
    paragraphs: list[_Paragraph]
    dropped: list[str]


def _part(result: Review, part: PartComparison, places: dict[str, list[ReviewItem]]) -> _Part:
    position = PART_NUMERALS.index(part.number) + 1
    share = f"，本部分 {part.copied_share:.0%} 的文字与上年相同" if result.mode == "last_year" else ""
    used: set[int] = set()
    paragraphs = []
    for paragraph in part.paragraphs:
        old = _matched(part, paragraph)
        if old is not None:
            used.add(paragraph.match_index or 0)
        paragraphs.append(_paragraph(result, position, paragraph, old, places))
    dropped = [p for i, p in enumerate(part.previous_paragraphs) if i not in used] if result.mode != "template" else []
    return _Part(part.heading or part.number + "、" + PART_TITLES[part.number], share, paragraphs, dropped)


def _matched(part: PartComparison, paragraph: ParagraphCopy) -> str | None:
    index = paragraph.match_index
    if index is None or index >= len(part.previous_paragraphs) or paragraph.match_ratio < 0.3:
        return None
    return part.previous_paragraphs[index]


def _paragraph(
    result: Review, position: int, paragraph: ParagraphCopy, old: str | None, places: dict[str, list[ReviewItem]]
) -> _Paragraph:
    anchor = f"p-{position}-{paragraph.index}"
    copied = result.mode == "last_year"
    now = _marked(paragraph) if copied else escape(paragraph.text)
    sim = Markup('<div class="sim">相同 {}</div>').format(f"{paragraph.similarity:.0%}") if copied else Markup()
    before = _diff(old, paragraph.text) if old is not None else Markup('<span class="sim">（上年无对应段落）</span>')
    return _Paragraph(anchor, now, sim, before, places.get(anchor, []))


def _marked(paragraph: ParagraphCopy) -> Markup:
    """The paragraph with its copied passages in <mark> (every piece of text escaped)."""
    out, cursor = [], 0
    for span in paragraph.spans:
        out.append(escape(paragraph.text[cursor : span.start]))
        out.append(Markup("<mark>{}</mark>").format(paragraph.text[span.start : span.end]))
        cursor = span.end
    out.append(escape(paragraph.text[cursor:]))
    return Markup("").join(out)


def _diff(old: str, new: str) -> Markup:
    """Last year's paragraph with what this year removed in <del> and added in <ins> (text escaped)."""
    out = []
    for tag, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(Markup("<del>{}</del>").format(old[a1:a2]))
        if b2 > b1:
            out.append(Markup("<ins>{}</ins>").format(new[b1:b2]))
    return Markup("").join(out)


def _paragraphs_without_parts(result: Review, places: dict[str, list[ReviewItem]]) -> list[tuple[str, str, list]]:
    """Places of text items not drawn above (a part missing from the comparison, no previous report)."""
    drawn = {f"p-{PART_NUMERALS.index(p.number) + 1}-{q.index}" for p in result.parts for q in p.paragraphs}
    drawn |= {f"part-{i}" for i in range(1, 7)} | {"summary"} | {c.place for c in result.cells}
    extra = []
    for item in result.items:
        if item.place not in drawn and item.location.table is None:
            drawn.add(item.place)
            extra.append((item.place, item.location.describe(), places[item.place]))
    return extra


__all__ = ["render_review", "row_anchor", "unverified_sentences"]
