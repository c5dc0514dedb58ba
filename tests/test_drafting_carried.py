"""With no work facts, part 一 is mostly last year's sentences, marked: the clerk is told where they are, subsection
by subsection, can confirm one subsection's at a time, or ask for a draft that carries nothing over."""

from __future__ import annotations

import pytest

from nianbao.drafting.marks import CARRIED, TO_FILL
from nianbao.drafting.model import Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.outline import blocks_of
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.model import Report
from nianbao.usecases.drafting import carried_by_subsection, confirmed_subsection

AGENCY = "鹿邑县人民政府"


@pytest.fixture(scope="module")
def figures_only(seed: Report, cells: Report) -> Draft:
    return draft_offline(AGENCY, 2022, cells, ReportList([seed]), {"信息处理费": 0})


def test_the_draft_says_how_many_sentences_each_subsection_carries_over(figures_only: Draft) -> None:
    note = next(n for n in figures_only.notes if n.startswith("第一部分有"))
    one = figures_only.report.part_text("一")
    assert note.startswith(f"第一部分有 {one.count(CARRIED)} 句沿用上年")
    assert "（一）机构与制度建设取得新进展 6 句；（二）政府信息公开质量得到新提升" in note
    assert "说“介绍工作情况”逐项说明今年的工作" in note


def test_a_subsection_with_her_facts_is_not_listed_as_carried_over(seed: Report, cells: Report) -> None:
    work = [WorkFact(about="监督保障", text="组织政务公开培训3次")]
    draft = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {"信息处理费": 0}, work)
    note = next(n for n in draft.notes if n.startswith("第一部分有"))
    assert "（一）机构与制度建设取得新进展" not in note and "（二）政府信息公开质量得到新提升" in note


def test_confirming_one_subsection_confirms_only_its_sentences(figures_only: Draft) -> None:
    one = figures_only.report.part_text("一")
    found = carried_by_subsection(one)
    assert [b.heading for b, _ in found][:2] == ["开头", "（一）机构与制度建设取得新进展"]
    block, count = found[1]
    after = confirmed_subsection(one, block)
    assert after.count(CARRIED) == one.count(CARRIED) - count
    assert [b.heading for b, _ in carried_by_subsection(after)] == [b.heading for b, _ in found if b != block]
    assert after.replace(CARRIED, "") == one.replace(CARRIED, "")  # nothing else changed


def test_a_part_without_headings_has_no_subsections_to_confirm() -> None:
    assert blocks_of(f"开头一句{CARRIED}。\n第二段{CARRIED}。") == []


@pytest.mark.parametrize("said", ["不要沿用上年的内容", "删掉沿用的句子", "只写本年度的情况"])
def test_asked_not_to_carry_anything_over_the_draft_holds_only_this_years_figures_and_facts(
    seed: Report, cells: Report, said: str
) -> None:
    work = [WorkFact(about="监督保障", text="组织政务公开培训3次")]
    draft = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {"信息处理费": 0}, work, instruction=said)
    one, six = draft.report.part_text("一"), draft.report.part_text("六")
    assert CARRIED not in one and CARRIED not in six
    assert "2022年，我县组织政务公开培训3次。" in one
    assert f"本年度依申请公开方面的重点工作{TO_FILL}。" in one  # its figures are there, its work is asked for
    assert "（一）机构与制度建设取得新进展" in one  # her structure stays
    assert any(note.startswith(f"已按“{said}”") for note in draft.notes)
    assert not any("无法按" in note for note in draft.notes)
