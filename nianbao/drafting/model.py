"""A draft: the report being written, and where each drafted paragraph came from."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nianbao.claims.text import split_sentences
from nianbao.model import Report

UNVERIFIED = "【待核实】"
DRAFTED_PARTS = ("一", "五", "六")


class SourceRef(BaseModel):
    """A passage a paragraph was drafted from: which report, which year, which part."""

    source: str
    agency: str | None = None
    year: int | None = None
    part: str | None = None
    own: bool = True

    def describe(self) -> str:
        """The source in words, for a person (the clerk's own facts: where she gave them)."""
        if self.agency is None and self.year is None:
            return f"您提供的工作情况（{self.source}）"
        where = f"第{self.part}部分" if self.part else ""
        return f"{self.agency or self.source} {self.year or ''}年度报告{where}".strip()


class DraftParagraph(BaseModel):
    """One drafted paragraph and its sources (empty when written from this year's figures only)."""

    text: str
    sources: list[SourceRef] = Field(default_factory=list)

    @property
    def unverified_sentences(self) -> int:
        return sum(UNVERIFIED in sentence for sentence in split_sentences(self.text))


class DraftPart(BaseModel):
    """A drafted narrative part (一, 五 or 六): its paragraphs, in order."""

    number: str
    paragraphs: list[DraftParagraph] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs if p.text.strip())


class Draft(BaseModel):
    """A complete draft: the report (all six parts, tables from the cells) and its drafted parts."""

    report: Report
    parts: dict[str, DraftPart] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @property
    def unverified_sentences(self) -> int:
        """How many sentences carry 【待核实】 in the drafted parts."""
        return sum(p.unverified_sentences for part in self.parts.values() for p in part.paragraphs)

    def sources(self) -> list[SourceRef]:
        """Every distinct source used, in order of first use."""
        seen: dict[tuple[str, str | None], SourceRef] = {}
        for part in self.parts.values():
            for paragraph in part.paragraphs:
                for ref in paragraph.sources:
                    seen.setdefault((ref.source, ref.part), ref)
        return list(seen.values())
