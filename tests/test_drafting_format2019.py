"""Last year's report in the 2019 format (鹿邑 2020, tests/fixtures/luyi_2020_format2019.txt): drafting 2021
from it works, from a file (--previous) and from the knowledge base, with 同比 from the rows both formats have,
and the draft says which cells of the 2021 format the old report cannot give."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.commands.cells import cells_csv
from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.offline import draft_offline
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import ReportFormat
from tests.conftest import FIXTURES, kb_settings

LAST_2019 = FIXTURES / "luyi_2020_format2019.txt"  # 新收 203 件; 规范性文件 in the 2019 columns


@pytest.fixture(scope="module")
def last_year() -> Report:
    report = read_report(LAST_2019)
    assert report.format is ReportFormat.F2019 and report.year == 2020
    return report


def test_a_draft_from_a_2019_format_report_in_the_knowledge_base(
    tmp_path: Path, seed: Report, last_year: Report
) -> None:
    kb = KnowledgeBase(kb_settings(tmp_path / "data"))
    kb.add([LAST_2019])
    draft = draft_offline("鹿邑县人民政府", 2021, seed, KnowledgeBaseSource(kb), {"信息处理费": 0})
    one = draft.report.part_text("一")
    assert "共新收政府信息公开申请223件，同比增长9.85%" in one  # 223 against 2020's 203
    [note] = [n for n in draft.notes if "2019年格式" in n]
    assert "35 个单元格" in note and "主动公开“规章”" in note and "依申请公开“三.六.1”" in note
    assert "主动公开“行政许可”" not in note  # its decisions are in both formats: 同比 as usual


def test_the_command_drafts_from_a_2019_format_previous_report(
    tmp_path: Path, seed: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = tmp_path / "cells_2021.csv"
    facts.write_text(cells_csv(seed), encoding="utf-8")
    out = tmp_path / "draft.md"
    argv = ["draft", "--agency", "鹿邑县人民政府", "--year", "2021", "--facts", str(facts)]
    status = main([*argv, "--previous", str(LAST_2019), "--fact", "信息处理费=0", "--out", str(out)])
    assert status in (0, 1)  # a draft, not bad input
    assert "同比增长9.85%" in read_report(out).part_text("一")
    assert "Traceback" not in capsys.readouterr().err
