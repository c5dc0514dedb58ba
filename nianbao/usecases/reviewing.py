"""Reviewing a draft: against the national format, and against last year's report when there is one."""

from __future__ import annotations

from pathlib import Path

from nianbao.errors import ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.review import Review, review
from nianbao.settings import Settings
from nianbao.usecases.checking import Checking
from nianbao.usecases.knowledge import Knowledge

__all__ = ["Review", "Reviewing"]

REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}


class Reviewing:
    """The review of one configuration: reports read as they are checked (within its limits: size, time, the read
    worker's memory), last year's from its knowledge base."""

    def __init__(self, settings: Settings, knowledge: Knowledge, checking: Checking) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.checking = checking

    def review(self, report: Report, previous: Report | None = None) -> Review:
        """The review engine's result for a draft (and last year's report when there is one)."""
        return review(report, previous)

    def page_html(self, result: Review, name: str = "", unverified: list[tuple[str, str]] | None = None) -> str:
        """The review as one self-contained web page (``name``: the draft's, when it has no file name;
        ``unverified``: the sentences still marked 【待核实】, listed first)."""
        from nianbao.review_html import render_review

        return render_review(result, name, unverified)

    def unverified_sentences(self, report: Report) -> list[tuple[str, str]]:
        """(part, sentence) of every sentence of 一、五、六 still marked 【待核实】 by the drafting checks."""
        from nianbao.review_html import unverified_sentences

        return unverified_sentences({number: report.part_text(number) for number in ("一", "五", "六")})

    def read_upload(self, data: bytes, name: str) -> Report:
        """A report from an uploaded file (any format the readers take)."""
        return self.checking.read_upload(data, name)

    def read_file_or_stored(self, name: str) -> Report:
        """A report file, or a report id of the knowledge base when no such file exists."""
        path = Path(name)
        if path.exists() or not _looks_like_id(name):
            return self.checking.read(path)
        if not self.has_knowledge_base():
            raise ReportReadError(ReadFailure.NOT_FOUND, f"找不到文件：{name}（也没有可查找报告 ID 的知识库）")
        return self.knowledge.base.show(name).report

    def last_year(self, draft: Report) -> tuple[Report | None, str]:
        """Last year's report of the same body from the knowledge base's records (Chroma is not opened), and a
        note saying which it is, or why there is none and the review is against the national format alone."""
        found = self.knowledge.last_year(draft.agency, draft.year)
        if found.report is None:
            return None, f"{found.note}，只对照标准格式审阅。"
        return found.report, f"对照{found.note}。"

    def has_knowledge_base(self) -> bool:
        """True when a knowledge base is configured or exists (none is created just to look in it)."""
        return self.settings.uses_chroma_server or (self.settings.data_dir / "chroma").is_dir()


def _looks_like_id(name: str) -> bool:
    return "/" not in name and "\\" not in name and Path(name).suffix.lower() not in REPORT_SUFFIXES
