"""The check result of every corpus report, finding by finding, each explained.

A finding is named by its rule and its place: (rule, table, row, column) for a cell, or
(rule, part, the first words of the sentence) for the narrative. Besides the findings, the
narrative numbers that the rules tie to a table figure are listed with the figure each one
agrees with, so that “no finding” is explained too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.claims.counts import count_claims
from nianbao.claims.shares import percent_claims
from nianbao.model import Finding
from nianbao.readers import read_report
from tests.conftest import CORPUS

Key = tuple[str | None, ...]


def key_of(finding: Finding) -> Key:
    where = finding.location
    if where.table is not None:
        return (finding.rule, where.table.value, where.row, where.column)
    return (finding.rule, where.part, (where.sentence or "")[:16])


EXPECTED_FINDINGS: dict[str, set[Key]] = {
    # 鹿邑县 2021 (the seed): it checks clean. Tables: every sum holds. Narrative: every quoted
    # figure agrees. “2016年县政府办公室印发了《…通知》（鹿政办〔2016〕132号）” tells when a cited
    # document was issued (the sentence cites 〔2016〕 itself): history, not a stale claim; the 2020
    # inside 《河南省2020年政务公开工作要点》 is a citation.
    "luyi_2021.txt": set(),
    # 沐阳县 2025: tables balance; every number the narrative quotes agrees (see below);
    # 2026年1月23日 is the date of publication and 2025年1月1日至2025年12月31日 the period.
    "shuyang_2025.md": set(),
    # 淮安市 2024 (PDF): tables balance; the narrative quotes 16 figures, all right (see below).
    "huaian_2024.pdf": set(),
}

# Every narrative number tied to a table figure: (what it claims, the number, the figure it agrees with).
EXPECTED_TIES: dict[str, list[tuple[str, str, str]]] = {
    "luyi_2021.txt": [
        # “共受理各类政府信息公开申请223件次”: 受理 here is 本年新收 (一 = 223; 二 = 0).
        ("受理/新收申请", "223件次", "依申请公开 一 本年新收 总计"),
    ],
    "shuyang_2025.md": [
        # “共受理政府信息公开申请 749 件”: 新收 713 + 上年结转 36 — this body counts both.
        ("受理/新收申请", "749 件", "依申请公开 一+二 新收加上年结转 总计"),
        # “其中自然人申请 741 件” = 705 + 36, again with the requests carried over.
        ("自然人", "741 件", "依申请公开 一+二 新收加上年结转 自然人"),
        # “法人或其他组织申请 8 件” = 商业企业 3 + 法律服务机构 5 (none carried over).
        ("法人或其他组织", "8 件", "依申请公开 一 本年新收 法人或其他组织"),
        # “共办理 718 件，结转下一年 31 件”: 三.七 and 四.
        ("办结/答复", "718 件", "依申请公开 三.七 办理结果总计 总计"),
        ("结转下年度", "31 件", "依申请公开 四 结转下年度继续办理 总计"),
        # “全县共办理相关案件 74 件”: 行政复议 61 + 行政诉讼 3 + 10.
        ("行政复议和行政诉讼", "74 件", "复议诉讼 行政复议和行政诉讼 总计"),
    ],
    "huaian_2024.pdf": [
        # “共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到
        # 下年度答复）”: 一 3119, 三.七 3050, 二 34, 四 103 (the number before its keyword).
        ("受理/新收申请", "3119 件", "依申请公开 一 本年新收 总计"),
        ("办结/答复", "3050 件", "依申请公开 三.七 办理结果总计 总计"),
        ("上年结转", "34 件", "依申请公开 二 上年结转 总计"),
        ("结转下年度", "103 件", "依申请公开 四 结转下年度继续办理 总计"),
        # “政府信息公开行政复议 351件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件”
        ("行政复议", "351件", "复议诉讼 行政复议 总计"),
        ("结果维持", "72 件", "复议诉讼 行政复议 结果维持"),
        ("结果纠正", "64 件", "复议诉讼 行政复议 结果纠正"),
        ("其他结果", "178 件", "复议诉讼 行政复议 其他结果"),
        ("尚未审结", "37 件", "复议诉讼 行政复议 尚未审结"),
        # “政府信息公开行政诉讼 46 件，其中结果维持 25件 …”: both kinds of suit added, 26 + 20 = 46,
        # 维持 13 + 12, 纠正 4 + 1, 其他 8 + 1, 未审结 1 + 6.
        ("行政诉讼", "46 件", "复议诉讼 行政诉讼 总计"),
        ("结果维持", "25件", "复议诉讼 行政诉讼 结果维持"),
        ("结果纠正", "5 件", "复议诉讼 行政诉讼 结果纠正"),
        ("其他结果", "9 件", "复议诉讼 行政诉讼 其他结果"),
        ("尚未审结", "7 件", "复议诉讼 行政诉讼 尚未审结"),
    ],
}

CORPUS_FILES = sorted(EXPECTED_FINDINGS)


def test_every_corpus_file_is_explained() -> None:
    assert sorted(p.name for p in Path(CORPUS).iterdir() if p.is_file()) == CORPUS_FILES


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_findings_are_exactly_the_explained_ones(name: str) -> None:
    result = check_report(read_report(CORPUS / name))
    assert {key_of(f) for f in result.findings} == EXPECTED_FINDINGS[name]
    assert len(result.findings) == len(EXPECTED_FINDINGS[name])
    assert result.ok  # no errors: every corpus report exits 0


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_narrative_numbers_are_tied_to_the_explained_figures(name: str) -> None:
    report = read_report(CORPUS / name)
    ties = [(c.claim.name, c.quantity.text, c.matched.label if c.matched else "不符") for c in count_claims(report)]
    assert ties == EXPECTED_TIES[name]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_narratives_quote_no_percentage_of_the_tables(name: str) -> None:
    # luyi's “98%实现网上可办” and huaian's “合格率均为 100%” are not shares of a table figure.
    assert percent_claims(read_report(CORPUS / name)) == []
