"""Copied-text detection for Chinese text (内容雷同): character shingles, no word tokens.

Chinese has no spaces between words, so text is compared as overlapping runs of
``SHINGLE`` characters after dropping spaces and punctuation. Digits are folded to one
placeholder, so a paragraph copied with only its years and figures updated ("2021年" ->
"2022年") still counts as copied: that is what the format notice calls 内容雷同.

For each paragraph of this year's text, every character covered by a shingle that also occurs
in last year's text is marked as copied. Runs of marked characters are the copied passages;
the share of marked characters is the paragraph's similarity, and the same share over a part
says how much of the part is copied.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

from pydantic import BaseModel, Field

from nianbao.claims.text import sentences

SHINGLE = 5
"""Characters per shingle: long enough that common phrases (政府信息公开) do not match alone."""

MIN_PASSAGE = 40
"""A copied run of at least this many characters (punctuation and spaces not counted) is a passage."""

MIN_RUN = 12
"""Shorter copied runs are common phrases (政府信息公开工作), not copying: they are not counted."""


def _is_content(char: str) -> bool:
    return not (char.isspace() or unicodedata.category(char)[0] in "PSZ")


def normalize(text: str) -> tuple[str, list[int]]:
    """The text reduced to its content characters (digits folded to 0), and each one's position."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if _is_content(char):
            chars.append("0" if char.isdigit() else char)
            positions.append(index)
    return "".join(chars), positions


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Every run of ``size`` content characters in the text (the whole text if shorter)."""
    norm, _ = normalize(text)
    return _shingles_of(norm, size)


def _shingles_of(norm: str, size: int) -> set[str]:
    if len(norm) < size:
        return {norm} if norm else set()
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def containment(text: str, source: str, size: int = SHINGLE) -> float:
    """The share of the text's shingles that also occur in ``source`` (0 to 1)."""
    own = shingles(text, size)
    return len(own & shingles(source, size)) / len(own) if own else 0.0


def jaccard(a: str, b: str, size: int = SHINGLE) -> float:
    """Shingle overlap of two texts over their union (0 to 1)."""
    sa, sb = shingles(a, size), shingles(b, size)
    union = sa | sb
    return len(sa & sb) / len(union) if union else 0.0


class Span(BaseModel):
    """A copied passage: character offsets ``start:end`` in the paragraph as written."""

    start: int
    end: int
    length: int
    """Content characters in the passage (spaces and punctuation not counted)."""


class ParagraphCopy(BaseModel):
    """One paragraph of this year's text and how much of it is found in last year's."""

    index: int
    text: str
    similarity: float
    """Share of the paragraph's content characters that are copied (0 to 1)."""
    copied_chars: int
    total_chars: int
    spans: list[Span] = Field(default_factory=list)
    match_index: int | None = None
    """The paragraph of last year's text it was most likely copied from."""
    match_ratio: float = 0.0
    """difflib ratio between the paragraph and that paragraph of last year (0 to 1)."""

    @property
    def longest(self) -> int:
        return max((s.length for s in self.spans), default=0)

    def passages(self) -> list[str]:
        """The copied passages as written."""
        return [self.text[s.start : s.end] for s in self.spans]

    def copied_sentence(self) -> str:
        """The sentence of the paragraph that holds the most copied text, to quote."""
        best, best_len = "", -1
        offset = 0
        for sentence in sentences(self.text):
            start = self.text.find(sentence, offset)
            end = start + len(sentence)
            offset = end
            covered = sum(min(end, s.end) - max(start, s.start) for s in self.spans if s.end > start and s.start < end)
            if covered > best_len:
                best, best_len = sentence, covered
        return best


class TextCopy(BaseModel):
    """How much of a text (a part of the report) is copied from last year's text."""

    paragraphs: list[ParagraphCopy] = Field(default_factory=list)

    @property
    def copied_chars(self) -> int:
        return sum(p.copied_chars for p in self.paragraphs)

    @property
    def total_chars(self) -> int:
        return sum(p.total_chars for p in self.paragraphs)

    @property
    def share(self) -> float:
        """Share of the text's content characters copied (0 to 1)."""
        return self.copied_chars / self.total_chars if self.total_chars else 0.0

    def copied_paragraphs(self, min_passage: int = MIN_PASSAGE) -> list[ParagraphCopy]:
        """Paragraphs holding a copied passage of at least ``min_passage`` characters."""
        return [p for p in self.paragraphs if p.longest >= min_passage]


class SourceIndex:
    """Last year's paragraphs, indexed by shingle for fast look-ups."""

    def __init__(self, paragraphs: Iterable[str], size: int = SHINGLE) -> None:
        self.size = size
        self.paragraphs = list(paragraphs)
        self.normalized = [normalize(p)[0] for p in self.paragraphs]
        self.owners: dict[str, set[int]] = {}
        for index, norm in enumerate(self.normalized):
            for shingle in _shingles_of(norm, size):
                self.owners.setdefault(shingle, set()).add(index)

    def compare(self, index: int, paragraph: str) -> ParagraphCopy:
        """Mark the characters of ``paragraph`` that are found in last year's text."""
        norm, positions = normalize(paragraph)
        marked = [False] * len(norm)
        votes: dict[int, int] = {}
        for start in range(max(len(norm) - self.size + 1, 0)):
            owners = self.owners.get(norm[start : start + self.size])
            if owners:
                marked[start : start + self.size] = [True] * self.size
                for owner in owners:
                    votes[owner] = votes.get(owner, 0) + 1
        spans = [s for s in _spans(marked, positions) if s.length >= MIN_RUN]
        copied = sum(s.length for s in spans)
        result = ParagraphCopy(
            index=index,
            text=paragraph,
            similarity=round(copied / len(norm), 3) if norm else 0.0,
            copied_chars=copied,
            total_chars=len(norm),
            spans=spans,
        )
        if votes:
            result.match_index = max(votes, key=lambda k: (votes[k], -k))
            result.match_ratio = round(_ratio(norm, self.normalized[result.match_index]), 3)
        return result


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio()


def _spans(marked: list[bool], positions: list[int]) -> list[Span]:
    spans: list[Span] = []
    start: int | None = None
    for i, flag in enumerate([*marked, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append(Span(start=positions[start], end=positions[i - 1] + 1, length=i - start))
            start = None
    return spans


def compare_texts(paragraphs: Iterable[str], previous: SourceIndex | Iterable[str]) -> TextCopy:
    """Each paragraph of this year's text against last year's paragraphs."""
    index = previous if isinstance(previous, SourceIndex) else SourceIndex(previous)
    return TextCopy(paragraphs=[index.compare(i, p) for i, p in enumerate(paragraphs)])
