"""Numeric regression on real reports: draft year N from year N−1 and year N's cells.

For each report of the corpus, the store holds it as last year and next year's cells are made
up (``example_next_year``: consistent, 上年结转 = last year's 结转). One more case drafts the
made-up 2022 鹿邑 fixture's figures from the real 2021 report, through a real knowledge base.
The draft must check with no error, every cell must equal the input, every number the rules
tie to a table must agree with it, and the 【待核实】 sentences are counted and bounded.

The bound: the drafter marks a sentence only when last year's text has a number there that
neither the tables nor the user's facts explain, so the marked sentences can be at most the
sentences of last year's parts 一、五、六 with such a number, plus one for 信息处理费 when
the user gave no figure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checker import CheckResult, check_report
from nianbao.drafting.example import example_next_year
from nianbao.drafting.kbsource import KnowledgeBaseSource
from nianbao.drafting.model import DRAFTED_PARTS, Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import check_numbers
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.readers import read_report
from tests.conftest import CORPUS, FIXTURES, SEED

CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".pdf"))
NARRATIVE_RULES = ("narrative.count", "narrative.percent", "narrative.claim")


def unexplained_sentences(report: Report) -> int:
    """Sentences of a report's narrative parts with a number its own tables cannot explain."""
    sentences = set()
    for part in DRAFTED_PARTS:
        for check in check_numbers(report.part_text(part), report, {}, part):
            if check.failed:
                sentences.add((part, check.sentence))
    return len(sentences)


def assert_regression(draft: Draft, cells: Report, last: Report, name: str) -> CheckResult:
    result = check_report(draft.report, last)
    assert result.errors == [], [f.message for f in result.errors]
    assert [(c.table, c.row, c.column, c.value) for c in draft.report.cells] == [
        (c.table, c.row, c.column, c.value) for c in cells.cells
    ]
    assert [f.message for f in result.findings if f.rule in NARRATIVE_RULES] == []
    bound = unexplained_sentences(last) + 1
    print(f"{name}: {draft.unverified_sentences} 句【待核实】（上限 {bound}）")
    assert draft.unverified_sentences <= bound
    return result


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_next_year_drafted_from_each_corpus_report(path: Path) -> None:
    last = read_report(path)
    cells = example_next_year(last)
    year = (last.year or 0) + 1
    draft = draft_offline(last.agency or "", year, cells, ReportList([last]))
    assert_regression(draft, cells, last, f"{last.agency} {year}")


def test_the_seeds_body_for_2022_from_a_knowledge_base_holding_2021(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "data")
    kb.add(SEED)
    this_year = read_report(FIXTURES / "kb" / "luyi_2022_fixture.txt")  # made-up 2022 figures
    last = read_report(SEED)
    draft = draft_offline("鹿邑县人民政府", 2022, this_year, KnowledgeBaseSource(kb), {"信息处理费": 0})
    assert {(s.agency, s.year) for s in draft.sources()} == {("鹿邑县人民政府", 2021)}
    assert_regression(draft, this_year, last, "鹿邑县人民政府 2022（知识库）")
