"""What every reader produces: the report's lines, in reading order, before any meaning.

A line is either running text (one cell) or a table row (its cells, blanks kept). The parser
(``nianbao.readers.parse``) turns lines into a Report; readers only have to get the lines right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.model import BLANK_MARKS


@dataclass
class Line:
    """One line of a report: ``cells`` has one item for text, several for a table row."""

    cells: list[str]
    grid: bool = False

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c.strip())


@dataclass
class Document:
    """The lines of one file, and the name it came from."""

    lines: list[Line] = field(default_factory=list)
    source: str = ""
    # True when the text is known to be cut at the page width (PDF); None: find out.
    hard_wrapped: bool | None = None

    def add_text(self, text: str) -> None:
        for piece in text.split("\n"):
            self.lines.append(Line([piece]))

    def add_row(self, cells: list[str]) -> None:
        spanned = _spanned_text(cells)
        if spanned is not None:
            self.lines.append(Line([spanned]))
            return
        self.lines.append(Line(list(cells), grid=True))

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _spanned_text(cells: list[str]) -> str | None:
    """The text of a row that is one cell spanning the table (a heading such as 三、收到和处理政府信息公开
    申请情况 printed as the table's top row): its spans repeat it in every cell; a line of text, not a row."""
    filled = [cell for cell in cells if cell.strip()]
    if len(filled) < 2 or any(cell != filled[0] for cell in filled) or len(filled) < len(cells):
        return None
    text = filled[0]
    is_value = text.strip() in BLANK_MARKS or any(ch.isdigit() for ch in text)  # "/" in every cell: values
    return None if is_value else text


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()}
_DIGIT_POINT = re.compile(r"(?<=\d)[．。](?=\d)")


@lru_cache(maxsize=8192)  # the same cells and labels are cleaned many times over
def clean(text: str) -> str:
    """Full-width digits and letters to half-width, odd spaces to one space, trimmed.

    Chinese punctuation is kept as written: it is part of the text a person reads.
    """
    text = _DIGIT_POINT.sub(".", text.translate(_HALF_WIDTH))
    return _SPACES.sub(" ", text).strip()


_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


def looks_hard_wrapped(lines: list[str]) -> bool:
    """True when text was cut into lines of a fixed width (pasted from a PDF)."""
    lengths = [_width(s) for s in lines if _width(s) > 4]
    if len(lengths) < 8:
        return False
    lengths.sort()
    typical = lengths[len(lengths) * 3 // 4]
    near_width = sum(1 for n in lengths if n >= typical * 0.8)
    return typical <= 60 and near_width >= len(lengths) // 2


def reflow(lines: list[str]) -> list[str]:
    """Join lines hard-wrapped by a PDF back into paragraphs.

    A line continues the previous one when the previous one ran to the usual width and this
    one does not start a new item (一是, （二）, 3.). A blank line always ends a paragraph.
    """
    lengths = sorted(_width(s) for s in lines if _width(s) > 4)
    width = lengths[len(lengths) * 3 // 4] if lengths else 0.0
    paragraphs: list[str] = []
    previous_length = 0.0
    for raw in lines:
        line = raw.strip()
        if not line:
            previous_length = 0.0
            continue
        full_line = previous_length >= width * 0.8
        if paragraphs and full_line and not _ITEM_START.match(line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
        previous_length = _width(line)
    return paragraphs


def _width(text: str) -> float:
    """Printed width in CJK characters: Latin letters and digits take half a character."""
    visible = text.strip().replace(" ", "")
    return len(visible) - 0.5 * len(visible.encode("ascii", "ignore"))
