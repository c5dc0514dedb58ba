"""The knowledge base's parts on their own: agency levels, chunking, the local embedding, Chinese BM25."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from nianbao.kb.agency import agency_level, agency_region
from nianbao.kb.chunks import chunk_report, join_lines, split_long
from nianbao.kb.embeddings import HashingEmbedder
from nianbao.kb.lexical import tokenize
from nianbao.kb.models import KnowledgeBaseError
from nianbao.kb.service import normalize_section
from nianbao.readers import read_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("agency", "level", "region"),
    [
        ("鹿邑县人民政府", "县", "鹿邑县"),
        ("淮安市人民政府", "市", "淮安市"),
        ("淮安市清江浦区人民政府", "县", "淮安市清江浦区"),
        ("河南省人民政府", "省", "河南省"),
        ("广西壮族自治区人民政府", "省", "广西壮族自治区"),
        ("淮安市教育局", "部门", "淮安市"),
        ("鹿邑县人民政府办公室", "部门", "鹿邑县"),
        ("江苏省财政厅", "部门", "江苏省"),
        ("周口市发展和改革委员会", "部门", "周口市"),
    ],
)
def test_level_and_region_come_from_the_agency_name(agency: str, level: str, region: str) -> None:
    assert (agency_level(agency), agency_region(agency)) == (level, region)


def test_a_name_that_fits_no_pattern_is_level_other() -> None:
    assert agency_level("某某") == "其他"


def test_lines_broken_mid_sentence_are_joined_into_one_paragraph() -> None:
    lines = [
        "2025年，我县聚焦重点领域和关键环节，努力让政务信息“看",
        "得懂、用得上、易监督”。",
        "一是拓宽主动公开渠道。",
    ]
    assert (
        join_lines(lines)[0]
        == "2025年，我县聚焦重点领域和关键环节，努力让政务信息“看得懂、用得上、易监督”。\n一是拓宽主动公开渠道。"
    )


def test_a_heading_is_kept_with_the_paragraph_it_introduces() -> None:
    lines = [
        "（三）公开平台建设更规范",
        "推进政府网站优质规范发展。加强政府网站日常管理和常态化监管工作，强化信息发布审核。",
    ]
    assert join_lines(lines) == ["（三）公开平台建设更规范\n" + lines[1]]


def test_a_very_long_paragraph_is_cut_at_sentence_ends() -> None:
    paragraph = "全年公开政策文件四件。" * 100
    pieces = split_long(paragraph, limit=120)
    assert "".join(pieces) == paragraph
    assert all(len(p) <= 120 and p.endswith("。") for p in pieces)


def test_chunks_cover_the_preamble_and_the_narrative_parts_only() -> None:
    report = read_report(CORPUS / "huaian_2024.pdf")
    chunks = chunk_report(report)
    assert {c.part for c in chunks} == {"前言", "一", "五", "六"}
    assert "3940" in next(c.text for c in chunks if c.part == "六")
    assert [c.paragraph for c in chunks if c.part == "一"] == list(range(sum(c.part == "一" for c in chunks)))


def test_the_local_embedding_is_the_same_in_another_process() -> None:
    text = "全县全年共受理政府信息公开申请 749 件"
    code = f"from nianbao.kb.embeddings import HashingEmbedder; print(HashingEmbedder().embed([{text!r}])[0][:8])"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other.strip() == str(HashingEmbedder().embed([text])[0][:8])


def test_the_local_embedding_gives_unit_vectors_closer_for_related_chinese_texts() -> None:
    embedder = HashingEmbedder()
    fee, fee_query, other = embedder.embed_array(
        ["全年收取信息处理费3940元", "收了多少信息处理费", "行政复议结果纠正64件"]
    )
    assert np.linalg.norm(fee) == pytest.approx(1.0, abs=1e-5)
    assert float(fee @ fee_query) > float(other @ fee_query)


def test_bm25_over_character_pairs_scores_chinese_where_unsegmented_text_scores_zero() -> None:
    paragraphs = [p for part in read_report(CORPUS / "shuyang_2025.md").parts for p in part.paragraphs]
    assert BM25Okapi([p.split() for p in paragraphs]).get_scores(["倒计时报警器"]).max() == 0
    scores = BM25Okapi([tokenize(p) for p in paragraphs]).get_scores(tokenize("倒计时报警器"))
    assert "倒计时报警器" in paragraphs[int(np.argmax(scores))]


def test_search_tokens_are_character_pairs_and_whole_words_of_letters_and_digits() -> None:
    assert tokenize("依申请公开") == ["依申", "申请", "请公", "公开"]
    assert tokenize("收了多少信息处理费？共3940元，ABC") == [
        "收了", "了多", "少信", "信息", "息处", "处理", "理费", "共", "3940", "元", "abc"
    ]  # fmt: skip
    assert tokenize("县") == ["县"] and tokenize("。，") == []


@pytest.mark.parametrize(
    ("typed", "part"), [("五", "五"), ("5", "五"), ("六、其他需要报告的事项", "六"), ("前言", "前言")]
)
def test_sections_are_understood_as_typed(typed: str, part: str) -> None:
    assert normalize_section(typed) == part


def test_an_unknown_section_is_refused_in_chinese() -> None:
    with pytest.raises(KnowledgeBaseError, match="无法识别的部分"):
        normalize_section("第七部分")
