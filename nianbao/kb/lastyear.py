"""Last year's report of a body, read from the knowledge base's SQLite records alone.

For a command that checks one report (``nianbao check``): opening the whole knowledge base would load Chroma
and the embeddings, a second or more for a figure the records hold. A folder without a knowledge base is left
as it is (nothing is created just to look in it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.kb.records import RecordStore
from nianbao.model import Report
from nianbao.rules.crossyear import same_agency

RECORDS_FILE = "nianbao_kb.sqlite3"  # as nianbao.kb.service.records_path names it


@dataclass(frozen=True)
class LastYear:
    """What the knowledge base gave for last year: the report (None when it holds none) and why, in Chinese."""

    report: Report | None
    note: str


def last_year_from_records(data_dir: Path, report: Report) -> LastYear:
    """This body's report of the year before, stored under ``data_dir``: the name as printed first, then the
    same body printed with or without its city (洪泽区人民政府 / 淮安市洪泽区人民政府)."""
    who = f"{report.agency or '（未识别机关）'} {report.year - 1 if report.year else '上一'} 年度报告"
    path = data_dir / RECORDS_FILE
    if report.agency is None or report.year is None:
        return LastYear(None, "未识别报告的机关或年度，无法查找上年报告")
    if not path.is_file():
        return LastYear(None, f"{data_dir} 下没有知识库，未找到{who}")
    try:
        store = RecordStore(path)
    except (sqlite3.Error, OSError) as e:
        return LastYear(None, f"未能打开知识库 {path}（{e}），未取得{who}")
    try:
        return _find(store, report, who)
    except (sqlite3.Error, NianbaoError, ValueError) as e:
        return LastYear(None, f"未能从知识库读取{who}（{e}）")
    finally:
        store.close()


def _find(store: RecordStore, report: Report, who: str) -> LastYear:
    assert report.year is not None and report.agency is not None
    stored = store.reports({"year": [report.year - 1]})
    name = report.agency.replace(" ", "")
    exact = [s for s in stored if s.agency.replace(" ", "") == name]
    for candidate in exact or [s for s in stored if same_agency(s.agency, report.agency)]:
        found = store.report(candidate.id)
        if found is not None:
            return LastYear(found[0], f"知识库中的{candidate.agency} {candidate.year} 年度报告（ID {candidate.id}）")
    return LastYear(None, f"知识库中没有{who}")
