"""The knowledge base of past reports as the shells use it: search, last year's report, and administration
(adding an uploaded report, removing one) behind the admin password (nianbao.access)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from pydantic import SecretStr

from nianbao import access
from nianbao.access import AdminPasswordError, LoginLockedError, Password
from nianbao.errors import NianbaoError
from nianbao.model import Report
from nianbao.settings import Settings

if TYPE_CHECKING:
    from nianbao.kb.lastyear import LastYear
    from nianbao.kb.models import AddResult, FiguresTable, KbStats, ReportDetail, SearchHit, StoredReport
    from nianbao.kb.service import KnowledgeBase

__all__ = ["MAX_NAME_BYTES", "AdminPasswordError", "Knowledge", "LoginLockedError", "safe_file_name"]

MAX_NAME_BYTES = 180  # file systems allow 255 bytes; a Chinese character takes 3


class Knowledge:
    """The knowledge base of one configuration; ``open_kb`` opens it (Chroma) on first use; ``records``: its records
    file, when not the configured data folder's (a test store's own prefix).

    A change takes the admin password given (nianbao.access): the admin page passes what was typed, never None;
    None is the command line acting as the machine's owner, allowed only while no admin password is configured.
    """

    def __init__(self, settings: Settings, open_kb: Callable[[], KnowledgeBase], records: Path | None = None) -> None:
        self.settings = settings
        self._open_kb = open_kb
        self._records = records

    @property
    def base(self) -> KnowledgeBase:
        """The knowledge base itself (opened on first use, shared by the process)."""
        return self._open_kb()

    def last_year(self, agency: str | None, year: int | None) -> LastYear:
        """This body's report for the year before (None when the store holds none) and a note saying which or why
        not; the name as printed first, then the same body printed with or without its city (洪泽区人民政府 /
        淮安市洪泽区人民政府). Read from the records alone, read-only: Chroma is not opened, and a ``kb add``
        running meanwhile is not waited for."""
        from nianbao.kb.lastyear import last_year_from_records
        from nianbao.kb.records import records_path

        return last_year_from_records(self._records or records_path(self.settings), agency, year)

    def previous_report(self, agency: str, year: int) -> Report | None:
        """This body's report for the year before, or None (``last_year`` without the note)."""
        return self.last_year(agency, year).report

    def known_bodies(self) -> list[str]:
        """Bodies with a report in the knowledge base (empty when it cannot be opened)."""
        try:
            return sorted({stored.agency for stored in self.base.list()})
        except NianbaoError:
            return []

    def search(
        self,
        query: str,
        agency: str | None = None,
        k: int = 8,
        *,
        year: int | None = None,
        section: str | None = None,
        level: str | None = None,
    ) -> list[SearchHit]:
        """The paragraphs of stored reports that best answer a question (hybrid search), optionally of one body,
        year, part (一、五、六、前言) or level."""
        return list(self.base.search(query, k=k, agency=agency or None, year=year, section=section, level=level))

    def figures_by_year(self, agency: str, all_cells: bool = False) -> FiguresTable:
        """A body's table figures, one column per stored year (key figures, or every cell with ``all_cells``)."""
        return self.base.figures(agency=agency, all_cells=all_cells)

    def reports(self) -> list[StoredReport]:
        """Every stored report."""
        return self.base.list()

    def detail(self, report_id: str) -> ReportDetail:
        """A stored report with its parts and the findings of its check."""
        return self.base.show(report_id)

    def stats(self) -> KbStats:
        """Bodies, years, counts, size and the embedding of the knowledge base."""
        return self.base.stats()

    def embedding_name(self) -> str:
        """The name of the embedding the knowledge base indexes with."""
        return self.base.embedder.name

    def admin_password_set(self) -> bool:
        """True when an admin password is configured (administration is locked otherwise)."""
        return access.admin_password_set(self.settings)

    def admin_password_matches(self, given: str, client: str = "") -> bool:
        """Whether the password given is the admin password (constant time; LoginLockedError while ``client``
        must wait after wrong ones)."""
        return access.admin_login(self.settings, given, client)

    def add_upload(
        self,
        data: bytes,
        name: str,
        password: str | SecretStr,
        replace: bool = False,
        agency: str | None = None,
    ) -> str:
        """Add an uploaded report with the admin password given (``agency``: the body's name corrected)."""
        kb = self.base
        with tempfile.TemporaryDirectory(prefix="upload-", dir=self.upload_folder()) as folder:
            path = Path(folder) / safe_file_name(name)
            path.write_bytes(data)
            result = kb.add_file(path, agency=agency, replace=replace, password=password or "")
        if result.report is None:
            return result.message
        return f"{result.report.agency} {result.report.year} 年度：{result.message}"

    def add_files(
        self,
        paths: Sequence[str | Path],
        password: Password,
        agency: str | None = None,
        year: int | None = None,
        replace: bool = False,
    ) -> list[AddResult]:
        """Add report files or folders with the admin password given; each refused file is reported, not raised."""
        return self.base.add(paths, agency, year, replace, strict=False, password=password)

    def load_corpus(self, folder: str | Path, password: Password) -> list[AddResult]:
        """Load the reference reports in ``folder`` when the knowledge base is empty (nothing when it is not)."""
        return self.base.ensure_corpus(folder, password=password)

    def reindex(self, password: Password) -> int:
        """Rebuild the index with the configured embedding, with the admin password given; the paragraph count."""
        return self.base.reindex(password=password)

    def migrate(self) -> int:
        """Move a store of the layout before SQLite to the present one; the reports moved (opening it migrates)."""
        kb = self.base
        return kb.migrated or kb.migrate()

    def remove(self, report_id: str, password: Password) -> StoredReport:
        """Remove a stored report with the admin password given; the removed report."""
        return self.base.remove(report_id, password=password)

    def upload_folder(self) -> Path:
        """Where uploads wait while they are added: inside the data folder, never anywhere else."""
        folder = Path(self.settings.data_dir) / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def safe_file_name(name: str) -> str:
    """An uploaded file's name reduced to a plain file name (no folders, no odd characters, not too long)."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-（）()\u4e00-\u9fff]", "_", base).lstrip(".") or "upload"
    suffix = PurePath(cleaned).suffix[:16]
    stem = cleaned[: len(cleaned) - len(suffix)] if suffix else cleaned
    while stem and len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem or "upload") + suffix
