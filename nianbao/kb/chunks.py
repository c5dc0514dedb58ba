"""Cut a report's narrative (preamble and parts 一, 五, 六) into paragraph chunks for search.

Text read from PDFs and web pages often breaks a sentence over several lines, and headings such as
“（一）机构与制度建设取得新进展” stand alone. A line that does not end a sentence, or is very short, is
therefore joined with the next one, so that each chunk is a paragraph that reads on its own; a very
long paragraph is cut at sentence ends.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from nianbao.claims.text import split_sentences
from nianbao.model import Report

NARRATIVE_PARTS = ("一", "五", "六")
PREAMBLE = "前言"
MIN_CHARS = 30
MAX_CHARS = 600
_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":", "…", "”", "」", "）", ")")
_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ITEM = re.compile(r"^[（(一二三四五六七八九十\d]")


class ChunkText(BaseModel):
    """One paragraph of narrative: which part it is in, its index there and its text."""

    part: str
    part_title: str
    paragraph: int
    text: str


def chunk_report(report: Report) -> list[ChunkText]:
    """The paragraphs of the preamble and of parts 一, 五 and 六, in reading order."""
    chunks = _chunks(PREAMBLE, "前言", report.preamble)
    for part in report.ordered_parts():
        if part.number in NARRATIVE_PARTS:
            chunks.extend(_chunks(part.number, part.heading, part.text))
    return chunks


def _chunks(part: str, title: str, text: str) -> list[ChunkText]:
    pieces = [p for para in join_lines(text.split("\n")) for p in split_long(para)]
    return [ChunkText(part=part, part_title=title, paragraph=i, text=p) for i, p in enumerate(pieces)]


def join_lines(lines: list[str]) -> list[str]:
    """Paragraphs from lines: a line that does not end a sentence, or is short, runs on into the next."""
    paragraphs: list[str] = []
    current = ""
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        current = _join(current, line)
        if len(current) >= MIN_CHARS and current.endswith(_SENTENCE_END):
            paragraphs.append(current)
            current = ""
    if current:
        if paragraphs and len(current) < MIN_CHARS:
            paragraphs[-1] = f"{paragraphs[-1]}\n{current}"
        else:
            paragraphs.append(current)
    return paragraphs


def _join(current: str, line: str) -> str:
    if not current:
        return line
    if current.endswith(_SENTENCE_END) or (len(current) < MIN_CHARS and not _is_continuation(current, line)):
        return f"{current}\n{line}"
    return current + line


def _is_continuation(current: str, line: str) -> bool:
    """A line broken mid-sentence (no sentence end, and the next line does not start a new item)."""
    if _HEADING.match(current):
        return False
    return not current.endswith(_SENTENCE_END) and not _ITEM.match(line)


def split_long(paragraph: str, limit: int = MAX_CHARS) -> list[str]:
    """A paragraph longer than ``limit`` cut at sentence ends into pieces of at most about ``limit``."""
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(paragraph):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces
