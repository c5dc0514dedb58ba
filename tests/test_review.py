"""The review of a draft against the template and last year's report: each change reported exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nianbao.model import Part, Report, Severity
from nianbao.problems import problems_listed
from nianbao.readers import read_document, read_report, read_report_bytes
from nianbao.review import (
    ItemKind,
    Review,
    ReviewItem,
    is_answered,
    review,
)
from nianbao.schema import TableId
from tests.conftest import CORPUS, FIXTURES, SEED

DRAFT = FIXTURES / "review" / "luyi_2022_draft.txt"
REQ, ACTIVE = TableId.REQUESTS, TableId.ACTIVE

Key = tuple[str, str | None, str | None, str | None, str | None]


def key(item: ReviewItem) -> Key:
    """What an item is about: its kind and place (the rule for checker findings)."""
    loc = item.location
    kind = item.rule if item.kind is ItemKind.CHECK else item.kind.value
    return (kind, loc.table.value if loc.table else None, loc.row, loc.column, loc.part)


def keys(result: Review) -> Counter[Key]:
    return Counter(key(i) for i in result.items)


def draft_text() -> str:
    return DRAFT.read_text(encoding="utf-8")


def read_text(text: str, name: str = "draft.txt") -> Report:
    return read_report_bytes(text.encode("utf-8"), name)


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture(scope="module")
def seed() -> Report:
    return read_report(SEED)


@pytest.fixture(scope="module")
def luyi_review(seed: Report) -> Review:
    return review(read_report(DRAFT), seed)


# ----- the seed as last year against a draft of 2022 ----------------------------------------------------------

LUYI_EXPECTED: Counter[Key] = Counter(
    {
        ("copy", None, None, None, "一"): 4,
        ("copy", None, None, None, "五"): 1,
        ("change", "依申请公开", "一", "总计", None): 1,
        ("stale_year", None, None, None, "一"): 1,
        ("rectification", None, None, None, "五"): 1,
    }
)


def test_the_2022_draft_against_the_seed_reports_exactly_the_planted_problems(luyi_review: Review) -> None:
    assert luyi_review.mode == "last_year"
    assert keys(luyi_review) == LUYI_EXPECTED


def test_copied_paragraphs_carry_their_similarity_and_quote_last_years_sentence(
    luyi_review: Review, seed: Report
) -> None:
    copies = [i for i in luyi_review.items if i.kind is ItemKind.COPY]
    assert all(i.similarity is not None and i.similarity >= 0.9 for i in copies)
    assert all(i.location.sentence and i.location.sentence in seed.part_text(i.location.part or "") for i in copies)


def test_the_share_copied_is_given_per_part(luyi_review: Review) -> None:
    shares = {p.number: p.copied_share for p in luyi_review.parts}
    assert 0.4 < shares["一"] < 0.9
    assert 0.1 < shares["五"] < 0.6
    assert shares["六"] == 0.0


def test_the_sentence_still_saying_2021_is_the_one_about_this_years_training(luyi_review: Review) -> None:
    (stale,) = [i for i in luyi_review.items if i.kind is ItemKind.STALE_YEAR]
    assert stale.location.sentence and stale.location.sentence.startswith("2021年，县政府办公室举办")


def test_the_unanswered_problem_is_the_third_of_last_year(luyi_review: Review, seed: Report) -> None:
    assert problems_listed(seed.part_text("五")) == ["人力、财力缺乏", "部分单位重视程度不够", "公开内容不全面"]
    (item,) = [i for i in luyi_review.items if i.kind is ItemKind.RECTIFICATION]
    assert "公开内容不全面" in item.message


def test_every_cell_is_side_by_side_with_change_and_percent(luyi_review: Review) -> None:
    cells = {(c.table, c.row, c.column): c for c in luyi_review.cells}
    new = cells[(REQ, "一", "总计")]
    assert (new.current, new.previous, new.change, new.percent, new.changed) == (480, 223, 257, 115.2, True)
    rules = cells[(ACTIVE, "规章", "本年制发件数")]
    assert (rules.change, rules.percent, rules.changed) == (0, None, False)
    assert len(cells) == len(read_report(DRAFT).cells)


def test_a_large_change_the_narrative_explains_is_not_reported(seed: Report) -> None:
    text = edited(
        draft_text(), "均在法定期限内答复。", "均在法定期限内答复。申请数量较上年明显增加，主要集中在征地拆迁领域。"
    )
    result = review(read_text(text), seed)
    assert ("change", "依申请公开", "一", "总计", None) not in keys(result)


def test_last_years_figure_quoted_as_this_years_is_reported_once_with_the_narrative_finding(seed: Report) -> None:
    text = edited(draft_text(), "共受理政府信息公开申请480件", "共受理政府信息公开申请223件")
    result = review(read_text(text), seed)
    about = [i for i in result.items if i.location.sentence and "申请223件" in i.location.sentence]
    assert len(about) == 1
    assert about[0].rule == "narrative.count"
    assert "上年报告" in about[0].message
    assert keys(result) - keys(review(read_report(DRAFT), seed)) == Counter({key(about[0]): 1})


def test_an_old_year_inside_a_copied_paragraph_is_told_with_the_copy(seed: Report) -> None:
    copied = next(p for p in seed.part("一").paragraphs if p.startswith("3.保密审查制度得到严格落实"))
    rewritten = next(line for line in draft_text().splitlines() if line.startswith("3.保密审查严格落实"))
    result = review(read_text(edited(draft_text(), rewritten, copied)), seed)
    assert keys(result) == LUYI_EXPECTED + Counter({("copy", None, None, None, "一"): 1})
    (item,) = [i for i in result.items if i.kind is ItemKind.COPY and "“2021年”" in i.message]
    assert item.location.sentence and item.location.sentence in copied


@pytest.mark.parametrize(
    ("sentence", "stale"),
    [
        ("2021年，全县政务公开工作取得了较好成效。", True),
        ("现将2021年政府信息公开工作情况报告如下：", True),
        ("全年公开信息17326条，较2021年增长8%。", False),
        ("截至2021年底，保留政务新媒体41个。", False),
        ("2021年度报告指出的问题已全部整改。", False),
    ],
)
def test_last_years_year_is_stale_unless_the_sentence_looks_back(sentence: str, stale: bool) -> None:
    text = edited(draft_text(), "（三）公开平台建设更规范", f"{sentence}\n\n（三）公开平台建设更规范")
    items = [i for i in review(read_text(text)).items if i.kind is ItemKind.STALE_YEAR]
    assert not items  # without last year's report there is no stale-year check
    result = review(read_text(text), read_report(SEED))
    quoted = [i.location.sentence for i in result.items if i.kind is ItemKind.STALE_YEAR]
    assert (sentence in quoted) is stale


@pytest.mark.parametrize(
    "sentence",
    ["本年新收申请较上年明显增加。", "依申请公开申请数量同比增长115%。"],
)
def test_a_sentence_comparing_applications_with_last_year_explains_the_change(sentence: str) -> None:
    text = edited(draft_text(), "（三）公开平台建设更规范", f"{sentence}\n\n（三）公开平台建设更规范")
    assert ("change", "依申请公开", "一", "总计", None) not in keys(review(read_text(text), read_report(SEED)))


def test_last_years_carry_over_mentioned_does_not_explain_the_change(seed: Report) -> None:
    sentence = "上年结转政府信息公开申请0件。"
    text = edited(draft_text(), "（三）公开平台建设更规范", f"{sentence}\n\n（三）公开平台建设更规范")
    assert ("change", "依申请公开", "一", "总计", None) in keys(review(read_text(text), seed))


def test_an_answered_problem_is_no_longer_listed(seed: Report) -> None:
    answer = "针对公开内容不全面、不及时的问题，县政府对各单位公开目录逐项核对，补充公开重点领域信息。"
    text = edited(draft_text(), "（二）存在的主要问题及改进措施", f"{answer}\n\n（二）存在的主要问题及改进措施")
    result = review(read_text(text), seed)
    assert not [i for i in result.items if i.kind is ItemKind.RECTIFICATION]


def test_a_wrong_carry_over_is_reported_by_the_cross_year_rule_once(seed: Report) -> None:
    text = draft_text()
    carried = next(line for line in text.splitlines() if line.startswith("二、上年结转"))
    text = edited(text, carried, carried.replace("\t0\t0\t0\t0\t0\t0\t0", "\t2\t0\t0\t0\t0\t0\t2", 1))
    out = next(line for line in text.splitlines() if line.startswith("四、结转下年度"))
    text = edited(text, out, out.replace("\t17\t0\t0\t0\t0\t0\t17", "\t19\t0\t0\t0\t0\t0\t19", 1))
    text = edited(text, "结转下年度继续办理17件", "结转下年度继续办理19件")
    result = review(read_text(text), seed)
    added = keys(result) - keys(review(read_report(DRAFT), seed))
    assert added == Counter({("crossyear", "依申请公开", "二", "自然人", None): 1})
    (item,) = [i for i in result.items if i.kind is ItemKind.CROSS_YEAR]
    assert item.severity is Severity.ERROR


def test_without_last_years_report_only_the_template_and_the_checker_speak() -> None:
    result = review(read_report(DRAFT))
    assert result.mode == "template"
    assert result.items == []
    assert result.cells == []


def test_a_2019_format_table_in_a_2022_report_is_reported() -> None:
    text = edited(
        draft_text(), "本年制发件数\t本年废止件数\t现行有效件数", "本年新制作数量\t本年新公开数量\t对外公开总数量"
    )
    result = review(read_text(text))
    assert [i.severity for i in result.items if i.kind is ItemKind.FORMAT] == [Severity.ERROR]
    assert not [i for i in review(read_report(SEED)).items if i.kind is ItemKind.FORMAT]


def test_a_part_written_twice_is_reported() -> None:
    draft = read_report(DRAFT)
    draft.parts.append(Part(number="五", heading="五、存在的主要问题及改进情况", text="继续巩固整改成效。"))
    result = review(draft)
    assert keys(result) == Counter({("structure", None, None, None, "五"): 1})
    assert "两次" in result.items[0].message


def _without_appeals(text: str, keep_heading: bool) -> str:
    start, end = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    heading = "四、政府信息公开行政复议、行政诉讼情况\n\n本年度未发生行政复议、行政诉讼。\n\n" if keep_heading else ""
    return text[:start] + heading + text[end:]


def test_a_missing_table_is_one_item_not_one_per_row_or_cell() -> None:
    seed_text = SEED.read_text(encoding="utf-8")
    result = review(read_text(_without_appeals(seed_text, keep_heading=True)), read_report(SEED))
    assert result.mode == "version"
    assert keys(result) == keys(review(read_report(SEED))) + Counter({("rows", "复议诉讼", None, None, None): 1})


def test_a_missing_part_takes_its_table_with_it(seed: Report) -> None:
    result = review(read_text(_without_appeals(draft_text(), keep_heading=False)), seed)
    assert keys(result) == LUYI_EXPECTED + Counter({("structure", None, None, None, "四"): 1})
    (part,) = [i for i in result.items if i.location.part == "四"]
    assert "“复议诉讼”表格也随之缺失" in part.message


def test_anchor_ids_are_unique_and_stable(seed: Report) -> None:
    first = review(read_report(DRAFT), seed)
    again = review(read_report(DRAFT), seed)
    ids = [i.id for i in first.items]
    assert len(set(ids)) == len(ids)
    assert ids == [i.id for i in again.items]
    assert all(i.id.startswith(i.kind.value + "-") for i in first.items)


@pytest.mark.parametrize(
    ("problem", "text", "answered"),
    [
        ("人力、财力缺乏", "针对人力、财力缺乏的问题，配备了兼职联络员。", True),
        ("公开内容不全面", "本年新增公开重点领域内容。下一步将全面推进。", False),
    ],
)
def test_a_problem_is_answered_when_one_sentence_takes_it_up(problem: str, text: str, answered: bool) -> None:
    assert is_answered(problem, text) is answered


def test_the_measures_after_the_list_of_problems_are_not_problems() -> None:
    text = (
        "仍存在短板：一是政策解读多样性需进一步加强。二是依申请办件质量需进一步提升。\n"
        "针对上述问题，我县坚持问题导向；\n"
        "一是增加解读的形式，丰富了视频解读。\n二是开展考核管理。"
    )
    assert problems_listed(text) == ["政策解读多样性需进一步加强", "依申请办件质量需进一步提升"]


def test_last_years_own_rectification_section_is_not_a_list_of_problems() -> None:
    five = read_report(DRAFT).part_text("五")
    assert problems_listed(five) == ["政策解读形式较为单一", "基层政务公开标准化规范化建设有待加强"]


def test_problems_are_read_from_numbered_items_when_there_is_no_yi_shi() -> None:
    text = "存在问题：（一）政策解读不够深入，形式单一。（二）平台建设有待加强。"
    assert problems_listed(text) == ["政策解读不够深入", "平台建设有待加强"]


# ----- corpus reports against edited copies of themselves -------------------------------------------------------


def _huaian_text() -> str:
    return read_document((CORPUS / "huaian_2024.pdf").read_bytes(), "huaian_2024.pdf").text


SELF_PAIRS = {
    "shuyang_2025.md": (
        lambda: (CORPUS / "shuyang_2025.md").read_text(encoding="utf-8"),
        [
            ("| 行政许可 | 517645 |", "| 行政许可 | 517654 |"),
            (
                "## 二、主动公开政府信息情况",
                "2021年，我县坚持把平台建设作为政务公开的重要载体，以标准化、规范化为目标，持续提升公开平台服务效能。"
                "\n\n## 二、主动公开政府信息情况",
            ),
            ("| 3. 要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", ""),
            ("## 五、政府信息公开工作存在的主要问题及改进情况", "## 五、存在问题和下一步工作"),
        ],
        "三.五.3",
    ),
    "huaian_2024.pdf": (
        _huaian_text,
        [
            ("行政许可 447228", "行政许可 447328"),
            (
                "二、主动公开政府信息情况",
                "2020年，在政府网站、政务新媒体、政府公报等公开平台发布信息时，坚持“先审查、后公开”“一事一审”"
                "工作原则，规范审查程序，加强政府信息源头管理工作。\n二、主动公开政府信息情况",
            ),
            ("4.无正当理由大量反复申请 0 0 0 0 0 0 0\n", ""),
            ("五、存在的主要问题及改进情况", "五、存在问题和下一步工作"),
        ],
        "三.五.4",
    ),
}


def _self_pair(name: str) -> tuple[Report, Report, str]:
    original_text, edits, dropped = SELF_PAIRS[name]
    text = original_text()
    for old, new in edits:
        text = edited(text, old, new)
    return read_report(CORPUS / name), read_text(text, f"edited_{name}.txt"), dropped


@pytest.mark.parametrize("name", sorted(SELF_PAIRS))
def test_a_report_against_itself_adds_nothing_to_the_checkers_findings(name: str) -> None:
    original = read_report(CORPUS / name)
    assert review(original, original).mode == "version"
    assert keys(review(original, original)) == keys(review(original))


@pytest.mark.parametrize("name", sorted(SELF_PAIRS))
def test_an_edited_copy_reports_each_change_exactly_once_and_nothing_else(name: str) -> None:
    original, copy, dropped = _self_pair(name)
    result = review(copy, original)
    expected = keys(review(original)) + Counter(
        {
            ("change", "主动公开", "行政许可", "本年处理决定数量", None): 1,
            ("years.stale", None, None, None, "一"): 1,
            ("rows", "依申请公开", dropped, None, None): 1,
            ("structure", None, None, None, "五"): 1,
        }
    )
    assert keys(result) == expected


def test_the_changed_cell_of_an_edited_copy_says_both_figures() -> None:
    original, copy, _ = _self_pair("huaian_2024.pdf")
    (change,) = [i for i in review(copy, original).items if i.kind is ItemKind.CHANGE]
    assert (change.expected, change.found) == ("447228", "447328")
    assert "447228" in change.message and "447328" in change.message


def test_the_pdf_read_as_text_is_the_same_report(tmp_path: Path) -> None:
    original = read_report(CORPUS / "huaian_2024.pdf")
    copy = read_text(_huaian_text())
    assert [c.value for c in copy.cells] == [c.value for c in original.cells]
    assert [p.paragraphs for p in copy.parts] == [p.paragraphs for p in original.parts]
