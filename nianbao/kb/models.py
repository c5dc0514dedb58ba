"""What the knowledge base returns: stored reports, add results, search hits, figures and statistics."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from nianbao.errors import NianbaoError
from nianbao.model import CellNumber, Finding, Report
from nianbao.schema import TableId


class KnowledgeBaseError(NianbaoError):
    """Any knowledge-base failure a user can meet (exit status 2 in the CLI)."""


class MissingReportInfoError(KnowledgeBaseError):
    """The report does not say which body or year it is for; the user must say it (--agency/--year)."""


class DuplicateReportError(KnowledgeBaseError):
    """Another report for the same body and year is already stored (use --replace)."""


class ReportNotFoundError(KnowledgeBaseError):
    """No stored report has this id."""


class EmbeddingMismatchError(KnowledgeBaseError):
    """The store was built with another embedding than the one configured."""


class StoreUnavailableError(KnowledgeBaseError):
    """Chroma could not be opened or reached."""


class StoredReport(BaseModel):
    """A report in the knowledge base, as listed: who, which year, from which file, how many chunks."""

    id: str
    agency: str
    year: int
    region: str
    level: str
    format: str
    title: str = ""
    source: str = ""
    content_hash: str
    size_bytes: int = 0
    chunk_count: int = 0
    errors: int = 0
    warnings: int = 0
    added_at: float = 0.0


class ReportDetail(BaseModel):
    """A stored report with everything kept about it: the structured report and the checker's findings."""

    stored: StoredReport
    report: Report
    findings: list[Finding] = Field(default_factory=list)


AddStatus = Literal["added", "replaced", "duplicate", "failed"]


class AddResult(BaseModel):
    """What happened to one file given to ``add``."""

    path: str
    status: AddStatus
    report: StoredReport | None = None
    replaced_id: str | None = None
    message: str = ""


class SearchHit(BaseModel):
    """One paragraph found by a search, with where it comes from and how it ranked."""

    chunk_id: str
    text: str
    score: float
    report_id: str
    agency: str
    year: int
    region: str = ""
    level: str = ""
    format: str = ""
    part: str
    part_title: str = ""
    paragraph: int = 0
    source: str = ""
    content_hash: str = ""
    dense_rank: int | None = None
    lexical_rank: int | None = None


class FigureRow(BaseModel):
    """One table cell across the years: its address, label and the value each year (None = blank)."""

    table: TableId
    row: str
    column: str
    label: str
    values: dict[int, CellNumber | None] = Field(default_factory=dict)


class FiguresTable(BaseModel):
    """A body's table figures by year."""

    agency: str
    years: list[int]
    report_ids: dict[int, str] = Field(default_factory=dict)
    rows: list[FigureRow] = Field(default_factory=list)

    def value(self, table: TableId, row: str, column: str, year: int) -> CellNumber | None:
        """The figure of one cell in one year (KeyError if the table has no such row)."""
        for figure in self.rows:
            if (figure.table, figure.row, figure.column) == (table, row, column):
                return figure.values.get(year)
        raise KeyError((table, row, column))


class KbStats(BaseModel):
    """How big the knowledge base is and what it was built with."""

    reports: int
    chunks: int
    bodies: list[str]
    years: list[int]
    reports_by_level: dict[str, int]
    size_bytes: int | None
    embedding: str
    dimension: int
    location: str
