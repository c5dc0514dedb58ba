"""DOCX in the layout a government office expects (GB/T 9704 公文格式, the national tables).

Title in 方正小标宋简体, part headings in 黑体, text in 仿宋_GB2312 (falling back to 仿宋),
the three tables with the official header rows and merged cells, numbers right-aligned.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

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
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_FONT_TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"


def write_docx(report: Report) -> bytes:
    """The report as a Word document; it reads back through our reader with every cell equal."""
    import docx

    document = docx.Document()
    _set_up(document)
    for line in title_of(report).split("\n"):
        _title(document, line)
    _body_paragraphs(document, report.preamble)
    for part in parts_to_write(report):
        _heading(document, part.heading)
        table = TABLE_OF_PART.get(part.number)
        if table is None:
            _body_paragraphs(document, part.text)
        else:
            _table(document, official_table(report, table))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: Any) -> None:
    from docx.shared import Cm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    _declare_fallbacks(document)


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


def _run(paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> None:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    _fonts(run._element.get_or_add_rPr(), font)


def _title(document: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, TITLE_FONT, TITLE_SIZE)


def _heading(document: Any, text: str) -> None:
    from docx.oxml.ns import qn

    paragraph = _body_paragraph(document)
    # Outline level 1 puts the part in Word's navigation pane without Word's heading styles.
    paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), "0")
    _run(paragraph, text, HEADING_FONT, BODY_SIZE)


def _body_paragraphs(document: Any, text: str) -> None:
    for line in text.split("\n"):
        if line.strip():
            font = SUBHEADING_FONT if _SUBHEADING.match(line.strip()) else BODY_FONT
            _run(_body_paragraph(document), line.strip(), font, BODY_SIZE)


def _body_paragraph(document: Any) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)
    paragraph.paragraph_format.line_spacing = Pt(LINE_SPACING)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _table(document: Any, rows: list[list[Box]]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table = document.add_table(rows=len(rows), cols=table_width(rows))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid = [list(row.cells) for row in table.rows]  # read once: merging changes the grid
    for r, c, box in place_boxes(rows):
        cell = grid[r][c]
        if box.rowspan > 1 or box.colspan > 1:
            cell = cell.merge(grid[r + box.rowspan - 1][c + box.colspan - 1])
        _fill(cell, box)
    document.add_paragraph()


def _fill(cell: Any, box: Box) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignments = {
        Role.HEADER: WD_ALIGN_PARAGRAPH.CENTER,
        Role.LABEL: WD_ALIGN_PARAGRAPH.LEFT,
        Role.VALUE: WD_ALIGN_PARAGRAPH.RIGHT,
    }
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = alignments[box.role]
    if box.text:
        _run(paragraph, box.text, HEADING_FONT if box.role is Role.HEADER else BODY_FONT, TABLE_SIZE)
