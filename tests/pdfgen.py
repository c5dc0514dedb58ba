"""Test helper: PDFs made with reportlab, from a report model or as broken inputs.

``report_to_pdf`` draws a report as a PDF viewer shows a published one: text lines cut at a
fixed width, table rows as a label followed by its numbers separated by spaces, long labels
wrapped over lines, page numbers at the foot of each page, and the 依申请公开 table crossing a
page break. It uses the built-in CID font STSong-Light, so no font file is needed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from nianbao.model import Report
from nianbao.schema import (
    APPEAL_COLUMNS,
    REQUEST_COLUMNS,
    RowSpec,
    TableId,
    rows_of,
)

FONT = "STSong-Light"
FONT_SIZE = 11
LINE_HEIGHT = 16
MARGIN = 60
WRAP = 30  # characters per text line, as a narrow PDF column
LABEL_WRAP = 14  # characters of a row label before it wraps
# The 依申请公开 table is cut across pages after this row.
PAGE_BREAK_AFTER = "三.三.4"

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class _Pages:
    """A canvas that writes one line after another and numbers its pages."""

    def __init__(self, running_head: str = "", foot: str = "- {n} -", **options: object) -> None:
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4, **options)  # type: ignore[arg-type]
        self.running_head = running_head
        self.foot = foot
        self.page = 1
        self.labels: dict[str, str] = {}
        self.other_as_one_row = False
        self.centred_numbers = False
        self._top()

    def _top(self) -> None:
        self.canvas.setFont(FONT, FONT_SIZE)
        self.y = A4[1] - MARGIN
        if self.running_head:
            self.canvas.drawCentredString(A4[0] / 2, A4[1] - MARGIN / 2, self.running_head)

    def line(self, text: str) -> None:
        if self.y < MARGIN + LINE_HEIGHT:
            self.break_page()
        self.canvas.drawString(MARGIN, self.y, text)
        self.y -= LINE_HEIGHT

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def break_page(self) -> None:
        self.canvas.drawCentredString(A4[0] / 2, MARGIN / 2, self.foot.format(n=self.page))
        self.canvas.showPage()
        self.page += 1
        self._top()

    def finish(self) -> bytes:
        self.canvas.drawCentredString(A4[0] / 2, MARGIN / 2, self.foot.format(n=self.page))
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def wrap(text: str, width: int = WRAP) -> list[str]:
    """Cut a paragraph into lines of ``width`` characters, as a PDF does."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def report_to_pdf(
    report: Report,
    running_head: str = "",
    labels: dict[str, str] | None = None,
    other_as_one_row: bool = False,
    centred_numbers: bool = False,
    **options: object,
) -> bytes:
    """The report drawn as a text PDF, with ``running_head`` atop each page if given.

    ``labels`` prints some 依申请公开 rows (by key) with another label, as a typo would;
    ``other_as_one_row`` prints （六）其他处理 as one row, its three sub-rows added up, as
    WPS-made reports do. ``centred_numbers`` draws each 依申请公开 row as a table cell does: the
    label wrapped in a narrow column, the numbers centred on the label's height (so a two-line
    label's numbers stand on a line of their own between its halves). ``options`` go to
    reportlab's Canvas (e.g. encrypt).
    """
    pages = _Pages(running_head, **options)
    pages.labels = labels or {}
    pages.other_as_one_row = other_as_one_row
    pages.centred_numbers = centred_numbers
    pages.lines(wrap(f"{report.agency}{report.year}年政府信息公开工作年度报告"))
    for paragraph in _paragraphs(report.preamble):
        pages.lines(wrap(paragraph))
    for part in report.ordered_parts():
        pages.line(part.heading)
        if part.number == "二":
            _active_table(pages, report)
        elif part.number == "三":
            _request_table(pages, report)
        elif part.number == "四":
            _appeal_table(pages, report)
        else:
            for paragraph in part.paragraphs:
                pages.lines(wrap(paragraph))
    return pages.finish()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _numbers(report: Report, spec: RowSpec) -> str:
    return " ".join(_shown(report.cell(spec.table, spec.key, c).value) for c in spec.columns)


def _shown(value: object) -> str:
    return "/" if value is None else str(value)


def _active_table(pages: _Pages, report: Report) -> None:
    group = ""
    for spec in rows_of(report.format, TableId.ACTIVE):
        if spec.group != group:
            group = spec.group
            pages.line(group)
            pages.line("信息内容 " + " ".join(spec.columns))
        pages.line(f"{spec.label} {_numbers(report, spec)}")


def _request_header(pages: _Pages) -> None:
    pages.lines(["申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，", "等于第三项加第四项之和）"])
    pages.lines(["自然人 法人或其他组织 总计", " ".join(REQUEST_COLUMNS[1:-1])])


def _request_table(pages: _Pages, report: Report) -> None:
    _request_header(pages)
    group = ""
    for spec in rows_of(report.format, TableId.REQUESTS):
        if pages.other_as_one_row and spec.group == "（六）其他处理":
            if spec.key == "三.六.1":
                pages.line(f"{spec.group} {_other_handling_total(report)}")
            continue
        if spec.group and spec.group != group:
            pages.line(spec.group)
        group = spec.group
        label = pages.labels.get(spec.key, _request_label(spec))
        if pages.centred_numbers:
            _centred_row(pages, label, _numbers(report, spec))
        else:
            _wrapped_row(pages, label, _numbers(report, spec))
        if spec.key == PAGE_BREAK_AFTER:
            pages.break_page()
            _request_header(pages)  # as Word repeats a table's header rows on each page


def _other_handling_total(report: Report) -> str:
    keys = ("三.六.1", "三.六.2", "三.六.3")
    return " ".join(str(sum(report.count(TableId.REQUESTS, k, c) for k in keys)) for c in REQUEST_COLUMNS)


def _request_label(spec: RowSpec) -> str:
    if spec.key in ("一", "二", "四"):
        return f"{spec.key}、{spec.label}"
    return spec.label


def _wrapped_row(pages: _Pages, label: str, numbers: str) -> None:
    """A long label goes on over the next lines; the numbers stay on the first line."""
    pieces = wrap(label, LABEL_WRAP)
    pages.line(f"{pieces[0]} {numbers}")
    pages.lines(pieces[1:])


CELL_WRAP = 10  # characters of a label cell's line in a centred row
NUMBERS_X = 260


def _centred_row(pages: _Pages, label: str, numbers: str) -> None:
    """A table row: the label over its lines at the left, the numbers at mid-height on the right."""
    pieces = wrap(label, CELL_WRAP)
    if pages.y - LINE_HEIGHT * len(pieces) < MARGIN:
        pages.break_page()
    top = pages.y
    for piece in pieces:
        pages.canvas.drawString(MARGIN, pages.y, piece)
        pages.y -= LINE_HEIGHT
    middle = top - LINE_HEIGHT * (len(pieces) - 1) / 2
    pages.canvas.drawString(NUMBERS_X, middle, numbers)


def _appeal_table(pages: _Pages, report: Report) -> None:
    pages.lines(["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉"])
    pages.line(" ".join(APPEAL_COLUMNS * 3))
    pages.line(" ".join(_numbers(report, spec) for spec in rows_of(report.format, TableId.APPEALS)))


def text_pdf(lines: Iterable[str], **options: object) -> bytes:
    """A PDF with these lines of text (options go to reportlab's Canvas, e.g. encrypt)."""
    pages = _Pages(**options)  # type: ignore[arg-type]
    pages.lines(lines)
    return pages.finish()


def pages_pdf(pages: Iterable[Iterable[str]], foot: str = "- {n} -") -> bytes:
    """A PDF with these lines of text on each page, and ``foot`` (the page number) below."""
    sheets = _Pages(foot=foot)
    for number, lines in enumerate(pages):
        if number:
            sheets.break_page()
        sheets.lines(lines)
    return sheets.finish()


def image_only_pdf(page_count: int = 1) -> bytes:
    """A 'scanned' PDF: each page one image, no text layer at all."""
    from PIL import Image

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    picture = ImageReader(Image.new("L", (120, 160), 200))
    for _ in range(page_count):
        sheet.drawImage(picture, MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def many_pages_pdf(page_count: int) -> bytes:
    """A PDF with a line of text on each of ``page_count`` pages."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, page_count + 1):
        sheet.setFont(FONT, FONT_SIZE)
        sheet.drawString(MARGIN, A4[1] - MARGIN, f"第{number}页的正文")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()
