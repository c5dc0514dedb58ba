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
from tests.conftest import CORPUS, FIXTURES, SEED, kb_settings

CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".pdf"))
NARRATIVE_RULES = ("narrative.count", "narrative.percent", "narrative.claim", "narrative.change")


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
    kb = KnowledgeBase(kb_settings(tmp_path / "data"))
    kb.add(SEED)
    this_year = read_report(FIXTURES / "kb" / "luyi_2022_fixture.txt")  # made-up 2022 figures
    last = read_report(SEED)
    draft = draft_offline("鹿邑县人民政府", 2022, this_year, KnowledgeBaseSource(kb), {"信息处理费": 0})
    assert {(s.agency, s.year) for s in draft.sources()} == {("鹿邑县人民政府", 2021)}
    assert_regression(draft, this_year, last, "鹿邑县人民政府 2022（知识库）")
    one = draft.report.part_text("一")  # 2021 in the store: 10/8/26 documents, 20815/3326/427 decisions, 2460.9543
    assert "制发行政规范性文件12件，同比增加2件，废止5件，同比减少3件，现行有效33件，同比增加7件" in one
    assert "行政许可决定21560件，同比增长3.58%；行政处罚决定3105件，同比下降6.64%；" in one
    assert "行政强制决定389件，同比下降8.90%" in one
    assert "收取行政事业性收费2517.33万元，比上年增加56.38万元" in one


# ---- each corpus report redrafted from its own tables -------------------------------------------------


def claimed(text: str, report: Report) -> tuple[dict[str, set[int]], dict[str, set[str]]]:
    """What the text's numbers claim that the tables confirm: counts by claim, shares by what was divided."""
    from nianbao.claims.text import split_sentences
    from nianbao.claims.ties import find_ties

    counts: dict[str, set[int]] = {}
    shares: dict[str, set[str]] = {}
    for paragraph in text.split("\n"):
        before = ""
        for sentence in split_sentences(paragraph):
            for tie in find_ties(sentence, report, before, "一"):
                if tie.count is not None and tie.agrees and tie.count.matched is not None:
                    counts.setdefault(tie.count.matched.label, set()).add(tie.count.matched.value)
                if tie.share is not None and tie.agrees and tie.share.method in ("四舍五入", "截尾"):
                    parts = "+".join(p.label for p in tie.share.parts[:1])
                    shares.setdefault(parts, set()).add(str(tie.share.quantity.value))
            before += sentence
    return counts, shares


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_each_report_redrafted_from_its_own_tables_states_the_figures_it_published(path: Path) -> None:
    from nianbao.drafting.datapara import data_paragraph, style_of
    from nianbao.drafting.outline import Topic

    report = read_report(path)
    drafted = "\n".join(
        data_paragraph(t, report, None, style_of(report), "我县") for t in (Topic.ACTIVE, Topic.REQUESTS)
    )
    published_counts, published_shares = claimed(report.part_text("一"), report)
    drafted_counts, drafted_shares = claimed(drafted, report)
    common = published_counts.keys() & drafted_counts.keys()
    assert common, (published_counts, drafted_counts)  # the comparison is not empty
    for label in common:
        assert drafted_counts[label] <= published_counts[label], label
    for label in published_shares.keys() & drafted_shares.keys():
        assert drafted_shares[label] <= published_shares[label], label
    check = [c for c in check_numbers(drafted, report, {}, "一") if c.failed]
    assert check == []  # every figure of the data paragraphs is one of the tables'
