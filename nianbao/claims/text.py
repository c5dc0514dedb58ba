"""Sentences and clauses of the narrative: the one splitter every reader of the text uses.

A sentence ends at 。；！？ (full-width or not) and keeps the closing quotes and brackets that follow
its mark (……”。 or ……。”); a clause ends at ，、：；（）. Splits lose nothing: the pieces of a paragraph
joined give the paragraph back, so marks can be put exactly where a clause ends.

Coarser readings for prose that is written rather than checked: a *full* sentence ends only at
。！？ (its ；-joined halves are one sentence), a *phrase* ends only at ，；： and the sentence marks
(a list 人力、财力 or a bracket stays whole), and a *said clause* (what a clerk wrote between commas)
ends only at ，；, the sentence marks and a line end, its marks left out (a label ending in ： stays in its
clause). A heading's words stop at a sentence end or a colon (``HEADING_STOP``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from nianbao.model import Location, Report

SENTENCE_MARKS = "。；;！!？?"
CLOSERS = "”’」』）)"
CLAUSE_MARKS = "，,；;：:、（）()"
NARRATIVE_PARTS = ("一", "五", "六")

# A mark the drafter puts in the text (【沿用上年，请核实】) is one piece: its comma ends no clause.
_MARK = r"【[^】\n]*】"
# ASCII punctuation ends a sentence or clause only when no URL or code goes on after it (…?id=3, http://).
_GOES_ON = r"(?![A-Za-z0-9=&%/#._\-])"
_END = rf"(?:[。；！？]|[;!?]{_GOES_ON})"
_BREAK = rf"(?:[，；：、（）()。！？]|[,;:!?]{_GOES_ON})"
_FULL_END = rf"(?:[。！？]|[!?]{_GOES_ON})"
_PHRASE_BREAK = rf"(?:[，；：。！？]|[,;:!?]{_GOES_ON})"
_SENTENCE = re.compile(rf"(?:{_MARK}|(?!{_END})[^\n])*(?:{_END}+[{CLOSERS}]*|\n|$)")
_FULL_SENTENCE = re.compile(rf"(?:{_MARK}|(?!{_FULL_END})[^\n])*(?:{_FULL_END}+[{CLOSERS}]*|\n|$)")
_CLAUSE = re.compile(rf"(?:{_MARK}|(?!{_BREAK}).)*(?:{_BREAK}+|$)", re.DOTALL)
_PHRASE = re.compile(rf"(?:{_MARK}|(?!{_PHRASE_BREAK}).)*(?:{_PHRASE_BREAK}+|$)", re.DOTALL)
_SAID_BREAK = rf"(?:[，；。！？\n]|[,;!?]{_GOES_ON})"
_SAID_CLAUSE = re.compile(rf"(?:{_MARK}|(?!{_SAID_BREAK}).)+", re.DOTALL)
HEADING_STOP = re.compile(rf"{_END}|：|:{_GOES_ON}")
_COMPLETE = re.compile(rf"{_END}+[{CLOSERS}]*(?=[^{CLOSERS}{SENTENCE_MARKS}])|\n")


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, end marks and closing quotes included."""
    return [m.span() for m in _SENTENCE.finditer(paragraph) if m.group()]


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences as written, nothing lost (joined they give the paragraph)."""
    return [paragraph[a:b] for a, b in sentence_spans(paragraph)]


def full_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences ended only by 。！？ (甲；乙。 is one), nothing lost."""
    return [m.group() for m in _FULL_SENTENCE.finditer(paragraph) if m.group()]


def sentences(text: str) -> list[str]:
    """Every sentence of a text, line by line, trimmed, empty ones dropped."""
    return [s.strip() for line in text.split("\n") for s in split_sentences(line) if s.strip()]


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence, its closing mark (，；。…) included."""
    return [m.span() for m in _CLAUSE.finditer(sentence) if m.group()]


def split_clauses(sentence: str) -> list[str]:
    """A sentence's clauses as written, each with its closing mark (joined they give the sentence)."""
    return [sentence[a:b] for a, b in clause_spans(sentence)]


def split_phrases(sentence: str) -> list[str]:
    """A sentence cut only at ，；： and its end marks: a list (人力、财力) or a bracket stays in its phrase."""
    return [m.group() for m in _PHRASE.finditer(sentence) if m.group()]


def said_clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause cut only at ，；, the sentence marks and line ends, the marks left out
    (spaces kept, blank clauses dropped): the words a figure was said in, or a clerk's items."""
    return [m.span() for m in _SAID_CLAUSE.finditer(text) if m.group().strip()]


def said_clauses(text: str) -> list[str]:
    """The clauses of ``said_clause_spans``, each as written."""
    return [text[a:b] for a, b in said_clause_spans(text)]


def clause_at(sentence: str, position: int) -> tuple[int, int]:
    """The clause of a sentence that holds ``position``."""
    spans = clause_spans(sentence)
    return next(((a, b) for a, b in spans if a <= position < b), spans[-1] if spans else (0, len(sentence)))


def clause_start(sentence: str, position: int) -> int:
    """Where the clause holding ``position`` begins (after the last ，；：、（ before it)."""
    return clause_at(sentence, position)[0] if sentence else 0


def complete_sentences(buffer: str) -> tuple[list[str], str]:
    """The finished sentences at the start of a streamed buffer, and what is left to wait for.

    A sentence is finished once something other than its closing quotes follows its mark, or at a line end.
    """
    done, at = [], 0
    for match in _COMPLETE.finditer(buffer):
        done.append(buffer[at : match.end()])
        at = match.end()
    return done, buffer[at:]


@dataclass(frozen=True)
class Sentence:
    """A sentence of the narrative, with the paragraph it sits in (for the topic before it)."""

    part: str | None  # None for the preamble
    paragraph: str
    start: int
    text: str

    @property
    def before(self) -> str:
        """The paragraph up to this sentence."""
        return self.paragraph[: self.start]

    def location(self) -> Location:
        return Location(part=self.part, sentence=self.text)


def in_paragraph(sentence: str, before: str = "", part: str | None = None) -> Sentence:
    """A drafted sentence as the engine reads it, after ``before`` (its paragraph so far)."""
    return Sentence(part=part, paragraph=before + sentence, start=len(before), text=sentence)


def paragraph_sentences(paragraph: str, part: str | None = None) -> list[Sentence]:
    """The sentences of one paragraph (trimmed), each knowing the paragraph before it."""
    found = []
    for start, end in sentence_spans(paragraph):
        text = paragraph[start:end]
        lead = len(text) - len(text.lstrip())
        if text.strip():
            found.append(Sentence(part, paragraph, start + lead, text.strip()))
    return found


def narrative_sentences(report: Report) -> list[Sentence]:
    """Every sentence of the preamble and of parts 一, 五 and 六 (line breaks end a paragraph)."""
    sources = ((None, report.preamble), *((n, report.part_text(n)) for n in NARRATIVE_PARTS))
    return list(_sentences_of(sources))


@lru_cache(maxsize=256)
def _sentences_of(sources: tuple[tuple[str | None, str], ...]) -> tuple[Sentence, ...]:
    # Cached on the texts themselves: every narrative rule reads the same sentences.
    found: list[Sentence] = []
    for part, text in sources:
        for paragraph in (p.strip() for p in text.split("\n")):
            found += paragraph_sentences(paragraph, part)
    return tuple(found)


def sentence_offsets(paragraph: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each non-empty sentence of a paragraph, leading spaces trimmed."""
    for sentence in paragraph_sentences(paragraph):
        yield sentence.start, sentence.text
