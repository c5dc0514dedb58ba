"""TXT and Markdown: tab-separated text, text pasted from a PDF, Markdown tables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.readers.document import Document, looks_hard_wrapped
from nianbao.readers.encoding import decode
from nianbao.schema import PART_TITLE_VARIANTS

_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")
# A table drawn with box characters (│ ┃ ┌─┬─┐) or ASCII (+----+): its rules are no text, its
# vertical bars part cells as Markdown's do.
_BOX_RULE = re.compile(r"^\s*[\u2500-\u257f+][\u2500-\u257f+\-=:\s]{2,}$")
_BOX_BAR = re.compile("[│┃║┆┊]")  # re.sub, not str.translate with a dict: 20 times faster per line
_EMPHASIS = re.compile(r"(\*\*|__)")
# A table row pasted from a PDF: a label and at least two numbers separated by spaces.
_SPACED_ROW = re.compile(r"(?:\s[-+]?\d[\d,.]*){2,}\s*$")
# A line that is one number only, or a mark for none (—, /): a table cell copied on a line of its own.
_NUMBER_LINE = re.compile(r"^\s*(?:[-+]?\d[\d,]*(?:\.\d+)?|[—/／－-]{1,2})\s*$")
_PART_HEADING = re.compile(r"^(?:第)?([一二三四五六])\s*[、.．]")
# Page numbers left in text pasted from a PDF: "- 3 -", "—3—", "第 3 页 共 6 页". A bare "3"
# is kept: in pasted tables a number alone on a line can be a cell.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$")


def read_text(data: bytes, source: str = "") -> Document:
    """Read a TXT or Markdown report into lines."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    return text_to_document(text, source)


def text_to_document(text: str, source: str = "") -> Document:
    """Split text into lines: tab rows and Markdown table rows become grid rows."""
    document = Document(source=source)
    prose: list[str] = []
    for line in _rejoin_cells(_lines(text)):
        if isinstance(line, list):
            document.add_row(line)
            continue
        document.add_text(line)
        if not _SPACED_ROW.search(line):
            prose.append(line)
    # Text pasted from a PDF is cut at the page width everywhere, also in parts too short
    # to tell on their own (a two-line 六); table rows are left out of the judgement, being
    # short. Otherwise the parser judges part by part.
    if looks_hard_wrapped(prose):
        document.hard_wrapped = True
    return document


def _lines(text: str) -> Iterator[str | list[str]]:
    """Each line: a table row's cells (tabs, Markdown, an HTML table a converter wrote into
    Markdown) or its text; page numbers dropped."""
    for is_table, segment in _html_table_segments(text):
        if is_table:
            yield from _html_table_lines(segment)
        else:
            yield from _text_lines(segment)


_TABLE_OPEN = re.compile(r"<table", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
# A report has a dozen tables; a text with far more <table>s is not one, and each would be parsed.
MAX_HTML_TABLES = 100


def _html_table_segments(text: str) -> Iterator[tuple[bool, str]]:
    """The text cut around each <table>…</table> (PDF-to-Markdown converters write tables as HTML);
    after MAX_HTML_TABLES tables, the rest is text."""
    position = 0
    for _ in range(MAX_HTML_TABLES):
        start = _TABLE_OPEN.search(text, position)
        end = _TABLE_CLOSE.search(text, start.end()) if start else None
        if start is None or end is None:
            break
        yield False, text[position : start.start()]
        yield True, text[start.start() : end.end()]
        position = end.end()
    yield False, text[position:]


def _html_table_lines(fragment: str) -> Iterator[str | list[str]]:
    from nianbao.readers.html import table_grids

    try:
        grids = table_grids(fragment)
    except ReportReadError as e:
        if e.reason is ReadFailure.TOO_LARGE:
            raise
        yield from _text_lines(fragment)  # no table lxml can make out: its text as written
        return
    for grid in grids:
        for row in grid:
            yield row if len(row) > 1 else row[0]


def _text_lines(text: str) -> Iterator[str | list[str]]:
    for raw in text.split("\n"):
        # Trailing tabs are kept: they are a row's blank last cells (a blank 总计).
        line = _BOX_BAR.sub("|", _EMPHASIS.sub("", _MARKDOWN_HEADING.sub("", raw.rstrip(" \r\u3000"))))
        if _BOX_RULE.match(line):
            continue
        if "\t" in line or line.lstrip().startswith("|"):
            cells = _row_cells(line)
            if cells is not None:
                yield cells
        elif not _PAGE_NUMBER.match(line):
            yield line


def _rejoin_cells(lines: Iterable[str | list[str]]) -> list[str | list[str]]:
    """Put a table row pasted one cell per line back on one line: its numbers after its label.

    Some PDF viewers copy each table cell as a line of its own; a line that is only a number
    goes back onto the line before it (the label, or the number before it).
    """
    joined: list[str | list[str]] = []
    after_number = False
    for line in lines:
        number = isinstance(line, str) and bool(_NUMBER_LINE.match(line))
        last = joined[-1] if joined else None
        if number and isinstance(last, str) and (after_number or _takes_numbers(last)):
            joined[-1] = f"{last.rstrip()} {str(line).strip()}"
        else:
            joined.append(line)
        after_number = number
    return joined


def _takes_numbers(line: str) -> bool:
    """A line numbers can follow: not blank, not the end of a sentence, not a part heading."""
    text = line.strip()
    return bool(text) and not text.endswith("。") and not _is_part_heading(text)


def _is_part_heading(text: str) -> bool:
    match = _PART_HEADING.match(text)
    if match is None:
        return False
    return any(variant in text.replace(" ", "") for variant in PART_TITLE_VARIANTS[match.group(1)])


def _row_cells(line: str) -> list[str] | None:
    if line.lstrip().startswith("|"):
        if _MARKDOWN_RULE.match(line.strip()):
            return None
        inner = line.strip().strip("|")
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in line.split("\t")]
