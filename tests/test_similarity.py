"""Copied-text detection on Chinese text: shingles of characters, no word tokens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.readers import read_report
from nianbao.rules.copying import narrative_paragraphs
from nianbao.similarity import (
    MIN_PASSAGE,
    MIN_RUN,
    SourceIndex,
    compare_texts,
    containment,
    jaccard,
    normalize,
    sentences,
    shingles,
)
from tests.conftest import CORPUS, SEED

LAST_YEAR = (
    "推进政府网站优质规范发展。加强政府网站日常管理和常态化监管工作，强化信息发布审核。"
    "截止目前，保留各类政务新媒体41个，继续做好不合格政务新媒体的关停整合工作。"
)
NEW_TEXT = "围绕群众关切，开设乡村振兴、疫情防控等专题栏目，发布政策解读信息56条，解读形式更加丰富多样。"


def test_normalize_drops_spaces_and_punctuation_and_folds_digits() -> None:
    norm, positions = normalize("2022年， 共 公开 17 条。")
    assert norm == "0000年共公开00条"
    assert positions[0] == 0 and positions[-1] == len("2022年， 共 公开 17 条") - 1


def test_shingles_are_runs_of_characters_without_spaces() -> None:
    assert shingles("政务 公开工作", size=5) == {"政务公开工", "务公开工作"}


def test_identical_text_is_fully_contained_and_unrelated_text_is_not() -> None:
    assert containment(LAST_YEAR, LAST_YEAR) == 1.0
    assert jaccard(LAST_YEAR, LAST_YEAR) == 1.0
    assert containment(NEW_TEXT, LAST_YEAR) < 0.1


def test_a_paragraph_copied_with_only_a_figure_changed_counts_as_copied() -> None:
    updated = LAST_YEAR.replace("41个", "38个")
    result = compare_texts([updated], [LAST_YEAR])
    paragraph = result.paragraphs[0]
    assert paragraph.similarity == 1.0
    assert paragraph.longest >= MIN_PASSAGE
    assert paragraph.match_index == 0


def test_copied_passages_are_marked_by_their_offsets_in_the_text_as_written() -> None:
    copied = "推进政府网站优质规范发展。加强政府网站日常管理和常态化监管工作，强化信息发布审核。"
    draft = NEW_TEXT + copied
    paragraph = compare_texts([draft], [LAST_YEAR]).paragraphs[0]
    assert paragraph.passages() == [copied.rstrip("。")]
    assert 0.3 < paragraph.similarity < 0.7


def test_common_phrases_shorter_than_a_run_are_not_copying() -> None:
    paragraph = compare_texts(["全县政府信息公开工作取得新成效。"], ["今年的政府信息公开工作平稳有序。"]).paragraphs[0]
    assert paragraph.spans == []
    assert paragraph.similarity == 0.0


def test_share_of_a_text_copied_counts_every_paragraph() -> None:
    result = compare_texts([LAST_YEAR, NEW_TEXT], SourceIndex([LAST_YEAR]))
    expected = result.paragraphs[0].total_chars / (result.paragraphs[0].total_chars + result.paragraphs[1].total_chars)
    assert abs(result.share - expected) < 1e-9
    assert [p.index for p in result.copied_paragraphs()] == [0]


def test_sentences_are_cut_after_chinese_full_stops_and_semicolons() -> None:
    assert sentences("一是人力缺乏；二是重视不够。\n下一步，加强培训！") == [
        "一是人力缺乏；",
        "二是重视不够。",
        "下一步，加强培训！",
    ]


def test_the_quoted_sentence_is_the_one_with_most_copied_text() -> None:
    draft = NEW_TEXT + "加强政府网站日常管理和常态化监管工作，强化信息发布审核。"
    paragraph = compare_texts([draft], [LAST_YEAR]).paragraphs[0]
    assert paragraph.copied_sentence() == "加强政府网站日常管理和常态化监管工作，强化信息发布审核。"


def test_a_report_against_itself_is_all_copied_and_against_another_body_hardly_at_all() -> None:
    seed = [text for _, text in narrative_paragraphs(read_report(SEED))]
    other = [text for _, text in narrative_paragraphs(read_report(CORPUS / "shuyang_2025.md"))]
    itself = compare_texts(seed, seed)
    assert itself.share > 0.99
    assert all(p.similarity == 1.0 for p in itself.paragraphs if p.total_chars >= MIN_RUN)
    assert compare_texts(other, seed).share < 0.05


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
TEXT = st.text(alphabet=st.one_of(CJK, st.sampled_from("，。、；0123456789 ")), min_size=0, max_size=120)


@settings(max_examples=80, deadline=None)
@given(TEXT, TEXT)
def test_spans_lie_inside_the_paragraph_and_similarity_is_a_share(draft: str, last_year: str) -> None:
    paragraph = compare_texts([draft], [last_year]).paragraphs[0]
    assert 0.0 <= paragraph.similarity <= 1.0
    assert all(0 <= s.start < s.end <= len(draft) for s in paragraph.spans)
    assert paragraph.copied_chars <= paragraph.total_chars


@settings(max_examples=80, deadline=None)
@given(TEXT)
def test_a_paragraph_long_enough_is_wholly_copied_from_itself(text: str) -> None:
    paragraph = compare_texts([text], [text]).paragraphs[0]
    expected = 1.0 if paragraph.total_chars >= MIN_RUN else 0.0
    assert paragraph.similarity == expected
