"""A review as one self-contained HTML page: inline CSS, no scripts, no external resources.

Every piece of report text is HTML-escaped: a report is data from outside and is never
rendered as markup. The page is well-formed XHTML-style markup (every tag closed).
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher
from html import escape

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
li.item{margin:.4em 0}li.item:target,tr:target,div.para:target,section:target{outline:3px solid #4a90d9}
mark{background:#ffd6d6}del{background:#ffe0e0}ins{background:#d8f5d8;text-decoration:none}
.para{display:flex;gap:1em;border-bottom:1px dashed #ddd;padding:.4em 0}
.para>div{flex:1}.sim{font-size:.85em;color:#666}.back{font-size:.85em;margin-left:.5em}
"""


def render_review(result: Review) -> str:
    """The whole page as a string."""
    places = _items_by_place(result.items)
    body = [
        _header(result),
        _summary(result),
        _findings(result.items),
        _structure(result, places),
        _tables(result, places),
        _narrative(result, places),
    ]
    title = escape(f"审阅报告 {result.agency or ''} {result.year or ''}")
    return (
        '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN"><head><meta charset="utf-8"/>'
        f"<title>{title}</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _items_by_place(items: list[ReviewItem]) -> dict[str, list[ReviewItem]]:
    places: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        places[item.place].append(item)
    return places


def _back_links(items: list[ReviewItem]) -> str:
    links = "".join(f'<a class="back {i.severity.value}" href="#{escape(i.id)}">[{_kind(i)}]</a>' for i in items)
    return links


def _kind(item: ReviewItem) -> str:
    return escape(KIND_LABELS.get(item.kind, item.kind.value))


def _header(result: Review) -> str:
    who = escape(f"{result.agency or '（未识别机关）'} {result.year or '（未识别年度）'} 年度")
    lines = [f"<h1>政府信息公开工作年度报告审阅：{who}</h1>", "<p>"]
    lines.append(f"本年报告：{escape(result.source or '（未命名）')}，{escape(result.format.value)} 年格式<br/>")
    if result.previous_source or result.previous_year:
        other = escape(result.previous_source or "（未命名）")
        lines.append(f"对照报告：{other}（{result.previous_year or '未识别'} 年度）<br/>")
    lines.append(f"审阅方式：{escape(MODE_LABELS[result.mode])}</p>")
    return "".join(lines)


def _summary(result: Review) -> str:
    counts: dict[ItemKind, list[int]] = defaultdict(lambda: [0, 0])
    for item in result.items:
        counts[item.kind][0 if item.severity is Severity.ERROR else 1] += 1
    rows = "".join(
        f"<tr><td>{escape(KIND_LABELS[k])}</td><td class='num'>{e}</td><td class='num'>{w}</td></tr>"
        for k, (e, w) in counts.items()
    )
    verdict = "没有发现错误" if result.ok else f"发现错误 {len(result.errors)} 项"
    return (
        f'<section id="summary"><h2>概要</h2><p>{verdict}，需要人工核对的提醒 {len(result.warnings)} 项。</p>'
        f"<table><tr><th>类别</th><th>错误</th><th>提醒</th></tr>{rows}</table></section>"
    )


def _findings(items: list[ReviewItem]) -> str:
    if not items:
        return '<section id="findings"><h2>发现的问题</h2><p>没有发现问题。</p></section>'
    entries = "".join(_finding(item) for item in items)
    return f'<section id="findings"><h2>发现的问题</h2><ol>{entries}</ol></section>'


def _finding(item: ReviewItem) -> str:
    label = "错误" if item.severity is Severity.ERROR else "提醒"
    figures = ""
    if item.expected is not None or item.found is not None:
        figures = f"<br/>应为：{escape(item.expected or '—')}；实为：{escape(item.found or '—')}"
    similarity = f"（相似度 {item.similarity:.0%}）" if item.similarity is not None else ""
    return (
        f'<li class="item {item.severity.value}" id="{escape(item.id)}"><strong>[{label}] {_kind(item)}</strong> '
        f'<a href="#{escape(item.place)}">{escape(item.location.describe())}</a>{similarity}<br/>'
        f"{escape(item.message)}{figures}</li>"
    )


def _structure(result: Review, places: dict[str, list[ReviewItem]]) -> str:
    rows = []
    for position, number in enumerate(PART_NUMERALS, start=1):
        now = result.headings.get(number, "")
        old = result.previous_headings.get(number, "")
        anchor = f"part-{position}"
        rows.append(
            f'<tr id="{anchor}"><td>{number}、{escape(PART_TITLES[number])}</td><td>{escape(now) or "—"}</td>'
            f"<td>{escape(old) or '—'}</td><td>{_back_links(places.get(anchor, []))}</td></tr>"
        )
    return (
        '<section id="structure"><h2>各部分</h2><table><tr><th>标准格式</th><th>本年标题</th><th>上年标题</th>'
        f"<th>问题</th></tr>{''.join(rows)}</table></section>"
    )


def _tables(result: Review, places: dict[str, list[ReviewItem]]) -> str:
    html = ['<section id="tables"><h2>表格数字对照（本年 | 上年 | 变化 | 变化率）</h2>']
    by_table: dict[TableId, list[CellComparison]] = defaultdict(list)
    for cell in result.cells:
        by_table[cell.table].append(cell)
    if not result.cells:
        html.append("<p>没有对照报告，只列出本年的发现。</p>")
    for table, cells in by_table.items():
        html.append(f"<h3>{escape(table.value)}</h3><table><tr><th>行</th><th>栏目</th><th>本年</th><th>上年</th>")
        html.append("<th>变化</th><th>变化率</th><th>问题</th></tr>")
        html.extend(_cell_rows(cells, places))
        html.append("</table>")
    html.append(_row_anchors_without_cells(result, places))
    html.append("</section>")
    return "".join(html)


def _cell_rows(cells: list[CellComparison], places: dict[str, list[ReviewItem]]) -> list[str]:
    rows: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        anchor = cell.place if cell.place not in seen else ""
        seen.add(cell.place)
        ident = f' id="{anchor}"' if anchor else ""
        here = places.get(cell.place, [])
        links = _back_links([i for i in here if i.location.column == cell.column or (anchor and not i.location.column)])
        css = ' class="changed"' if cell.changed else ""
        rows.append(
            f"<tr{ident}{css}><td>{escape(cell.row_label)}</td><td>{escape(cell.column)}</td>"
            f'<td class="num cur">{_value(cell.current, cell.current_raw)}</td>'
            f'<td class="num">{_value(cell.previous, cell.previous_raw)}</td>'
            f'<td class="num">{_signed(cell.change)}</td><td class="num">{_percent(cell.percent)}</td>'
            f"<td>{links}</td></tr>"
        )
    return rows


def _row_anchors_without_cells(result: Review, places: dict[str, list[ReviewItem]]) -> str:
    """Places of table items when no side-by-side table was drawn (no previous report)."""
    shown = {c.place for c in result.cells}
    extra = []
    for item in result.items:
        loc = item.location
        if loc.table is not None and item.place not in shown:
            shown.add(item.place)
            label = escape(f"{loc.table.value} / {loc.row_label or loc.row or ''}")
            extra.append(f'<li id="{item.place}">{label} {_back_links(places.get(item.place, []))}</li>')
    return f"<h3>表格中有问题的行</h3><ul>{''.join(extra)}</ul>" if extra else ""


def _value(value: object, raw: str) -> str:
    if value is not None:
        return escape(str(value))
    return escape(raw.strip()) or "空白"


def _signed(change: object) -> str:
    if change is None:
        return "—"
    text = str(change)
    return escape(text if text.startswith("-") or text == "0" else f"+{text}")


def _percent(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:+.1f}%"


_NARRATIVE_TITLES = {
    "last_year": "正文对照（<mark>标记</mark>为与上年相同的文字；右栏为上年段落，<del>删去</del>、<ins>新增</ins>）",
    "version": "正文对照（右栏为上一版本对应段落，<del>删去</del>、<ins>新增</ins>）",
    "template": "正文",
}


def _narrative(result: Review, places: dict[str, list[ReviewItem]]) -> str:
    html = [f'<section id="narrative"><h2>{_NARRATIVE_TITLES[result.mode]}</h2>']
    for part in result.parts:
        html.append(_part(result, part, places))
    html.append(_paragraph_anchors_without_parts(result, places))
    html.append("</section>")
    return "".join(html)


def _part(result: Review, part: PartComparison, places: dict[str, list[ReviewItem]]) -> str:
    position = PART_NUMERALS.index(part.number) + 1
    share = f"，本部分 {part.copied_share:.0%} 的文字与上年相同" if result.mode == "last_year" else ""
    html = [f"<h3>{escape(part.heading or part.number + '、' + PART_TITLES[part.number])}{share}</h3>"]
    used: set[int] = set()
    for paragraph in part.paragraphs:
        old = _matched(part, paragraph)
        if old is not None:
            used.add(paragraph.match_index or 0)
        html.append(_paragraph_row(result, position, paragraph, old, places))
    dropped = [p for i, p in enumerate(part.previous_paragraphs) if i not in used]
    if dropped and result.mode != "template":
        items = "".join(f"<li>{escape(p)}</li>" for p in dropped)
        html.append(f"<p>上年有、本年没有对应的段落：</p><ul>{items}</ul>")
    return "".join(html)


def _matched(part: PartComparison, paragraph: ParagraphCopy) -> str | None:
    index = paragraph.match_index
    if index is None or index >= len(part.previous_paragraphs) or paragraph.match_ratio < 0.3:
        return None
    return part.previous_paragraphs[index]


def _paragraph_row(
    result: Review, position: int, paragraph: ParagraphCopy, old: str | None, places: dict[str, list[ReviewItem]]
) -> str:
    anchor = f"p-{position}-{paragraph.index}"
    now = _marked(paragraph) if result.mode == "last_year" else escape(paragraph.text)
    sim = f'<div class="sim">相同 {paragraph.similarity:.0%}</div>' if result.mode == "last_year" else ""
    before = _diff(old, paragraph.text) if old is not None else '<span class="sim">（上年无对应段落）</span>'
    links = _back_links(places.get(anchor, []))
    return f'<div class="para" id="{anchor}"><div>{now}{sim}{links}</div><div>{before}</div></div>'


def _marked(paragraph: ParagraphCopy) -> str:
    """The paragraph with its copied passages in <mark>."""
    out, cursor = [], 0
    for span in paragraph.spans:
        out.append(escape(paragraph.text[cursor : span.start]))
        out.append(f"<mark>{escape(paragraph.text[span.start : span.end])}</mark>")
        cursor = span.end
    out.append(escape(paragraph.text[cursor:]))
    return "".join(out)


def _diff(old: str, new: str) -> str:
    """Last year's paragraph with what this year removed in <del> and added in <ins>."""
    out = []
    for tag, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(old[a1:a2])}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return "".join(out)


def _paragraph_anchors_without_parts(result: Review, places: dict[str, list[ReviewItem]]) -> str:
    """Places of text items not drawn above (a part missing from the comparison, no previous report)."""
    drawn = {f"p-{PART_NUMERALS.index(p.number) + 1}-{q.index}" for p in result.parts for q in p.paragraphs}
    drawn |= {f"part-{i}" for i in range(1, 7)} | {"summary"} | {c.place for c in result.cells}
    extra = []
    for item in result.items:
        if item.place not in drawn and item.location.table is None:
            drawn.add(item.place)
            quoted = escape(item.location.describe())
            extra.append(f'<li id="{item.place}">{quoted} {_back_links(places.get(item.place, []))}</li>')
    return f"<h3>正文中有问题的句子</h3><ul>{''.join(extra)}</ul>" if extra else ""


__all__ = ["render_review", "row_anchor"]
