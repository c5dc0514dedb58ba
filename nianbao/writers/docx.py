"""DOCX in the layout a government office expects (GB/T 9704 公文格式, the national tables).

Title in 方正小标宋简体, part headings in 黑体, text in 仿宋_GB2312 (falling back to 仿宋),
the three tables with the official header rows and merged cells, numbers right-aligned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from nianbao.model import Report
from nianbao.writers.layout import (
    TABLE_OF_PART,
    Box,
    Role,
    official_table,
    parts_to_write,
    place_boxes,
    table_width,
    title_of,
)

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
SUBHEADING_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
# Word substitutes w:altName when a font is missing (仿宋_GB2312 is not on every machine).
FONT_FALLBACKS = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}

TITLE_SIZE, BODY_SIZE, TABLE_SIZE = 22, 16, 9  # 二号, 三号, 小五 (points)
LINE_SPACING = 28
TITLE_STYLE, HEADING_STYLE, SUBHEADING_STYLE, BODY_STYLE = "年报标题", "年报一级标题", "年报二级标题", "年报正文"
TABLE_HEADER_STYLE, TABLE_LABEL_STYLE, TABLE_NUMBER_STYLE = "年报表头", "年报表格文字", "年报表格数字"
CELL_STYLES = {Role.HEADER: TABLE_HEADER_STYLE, Role.LABEL: TABLE_LABEL_STYLE, Role.VALUE: TABLE_NUMBER_STYLE}


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style of the report: its East Asian font, size in points and alignment."""

    name: str
    font: str
    size: float
    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    body: bool = False  # first-line indent of two characters and fixed 28 pt lines
    outline: bool = False


STYLES = (
    StyleSpec(TITLE_STYLE, TITLE_FONT, TITLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER),
    StyleSpec(HEADING_STYLE, HEADING_FONT, BODY_SIZE, body=True, outline=True),
    StyleSpec(SUBHEADING_STYLE, SUBHEADING_FONT, BODY_SIZE, body=True),
    StyleSpec(BODY_STYLE, BODY_FONT, BODY_SIZE, body=True),
    StyleSpec(TABLE_HEADER_STYLE, HEADING_FONT, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.CENTER),
    StyleSpec(TABLE_LABEL_STYLE, BODY_FONT, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.LEFT),
    StyleSpec(TABLE_NUMBER_STYLE, BODY_FONT, TABLE_SIZE, alignment=WD_ALIGN_PARAGRAPH.RIGHT),
)
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_INLINE_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）][^。！？；;]{1,40}[。：:]")
_FONT_TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"


def write_docx(report: Report) -> bytes:
    """The report as a Word document; it reads back through our reader with every cell equal."""
    import docx

    document = docx.Document()
    styles = _set_up(document)
    for line in title_of(report).split("\n"):
        document.add_paragraph(line, style=styles[TITLE_STYLE])
    _body_paragraphs(document, report.preamble, styles)
    for part in parts_to_write(report):
        document.add_paragraph(part.heading, style=styles[HEADING_STYLE])
        table = TABLE_OF_PART.get(part.number)
        if table is None:
            _body_paragraphs(document, part.text, styles, part.number)
        else:
            _table(document, official_table(report, table), styles)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: Any) -> dict[str, Any]:
    """Page set-up (A4, 公文 margins) and the report's paragraph styles, by name."""
    from docx.shared import Cm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    _declare_fallbacks(document)
    return {spec.name: _add_style(document, spec) for spec in STYLES}


def _add_style(document: Any, spec: StyleSpec) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(spec.size)
    _fonts(style.element.get_or_add_rPr(), spec.font)
    layout = style.paragraph_format
    layout.alignment = spec.alignment
    layout.space_after = Pt(0)
    if spec.body:
        layout.first_line_indent = Pt(2 * BODY_SIZE)
        layout.line_spacing = Pt(LINE_SPACING)
    if spec.outline:
        # Outline level 1 puts the part in Word's navigation pane, as Word's headings would.
        style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), "0")
    return style


def _fonts(rpr: Any, east_asia: str) -> None:
    """Set the East Asian font (w:eastAsia) and a Latin font for digits and letters."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attribute), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _declare_fallbacks(document: Any) -> None:
    """Add the Chinese fonts to the font table, each with the font Word uses if it is missing."""
    from lxml import etree

    part = next((r.target_part for r in document.part.rels.values() if r.reltype == _FONT_TABLE_TYPE), None)
    if part is None:
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    for name, fallback in FONT_FALLBACKS.items():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": fallback})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _body_paragraphs(document: Any, text: str, styles: dict[str, Any], part: str = "") -> None:
    """The part's paragraphs; a subsection heading (of 一 however numbered, of the other parts （一）…) set as one:
    on a line of its own in the heading style, opening a paragraph (一是强化主动公开。全年……) in the heading's
    楷体 run, the text that follows it as body text."""
    lines = [raw.strip() for raw in text.split("\n")]
    outline = _subsection_headings(text) if part == "一" else [""] * len(lines)
    for line, subsection in zip(lines, outline, strict=True):
        if not line:
            continue
        heading = subsection or _paren_heading(line)
        if heading and len(heading) < len(line):
            paragraph = document.add_paragraph(style=styles[BODY_STYLE])
            for run in _runs_with_marks_highlighted(paragraph, heading):
                _fonts(run._r.get_or_add_rPr(), SUBHEADING_FONT)
            _runs_with_marks_highlighted(paragraph, line[len(heading) :])
            continue
        paragraph = document.add_paragraph(style=styles[SUBHEADING_STYLE if heading else BODY_STYLE])
        _runs_with_marks_highlighted(paragraph, line)


def _subsection_headings(text: str) -> list[str]:
    from nianbao.drafting.outline import written_headings

    return written_headings(text)


def _paren_heading(line: str) -> str:
    """A （一） heading alone on its line, or opening it and closed by 。 or ：; '' otherwise."""
    inline = _INLINE_SUBHEADING.match(line)
    if inline is not None:
        return inline.group(0)
    return line if _SUBHEADING.match(line) else ""


def _runs_with_marks_highlighted(paragraph: Any, line: str) -> list[Any]:
    """The line's sentences as runs (returned); a sentence carrying a draft's mark (【待核实】, 【沿用上年，请核实】 …)
    is highlighted, so the clerk sees in Word what is still to check."""
    from docx.enum.text import WD_COLOR_INDEX

    from nianbao.claims.text import split_sentences
    from nianbao.drafting.marks import MARKS

    runs = []
    for sentence in split_sentences(line):
        run = paragraph.add_run(sentence)
        if any(mark in sentence for mark in MARKS):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        runs.append(run)
    return runs


def _table(document: Any, rows: list[list[Box]], styles: dict[str, Any]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table = document.add_table(rows=len(rows), cols=table_width(rows))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid = [list(row.cells) for row in table.rows]  # read once: merging changes the grid
    for r, c, box in place_boxes(rows):
        cell = grid[r][c]
        if box.rowspan > 1 or box.colspan > 1:
            cell = cell.merge(grid[r + box.rowspan - 1][c + box.colspan - 1])
        _fill(cell, box, styles[CELL_STYLES[box.role]])
    document.add_paragraph()


def _fill(cell: Any, box: Box, style: Any) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if box.text:
        paragraph.add_run(box.text)
