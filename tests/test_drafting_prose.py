"""A model's reply as 公文 prose (nianbao/drafting/prose.py): lists become running sentences, Markdown goes,
and no figure is ever lost, changed or joined to another."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agents.draft import LLMDrafter
from agents.llm import chat_model_from_settings
from nianbao.drafting.example import example_next_year
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.prose import as_prose
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.readers import read_report
from nianbao.schema import TableId
from nianbao.settings import Settings
from tests.conftest import CORPUS, SEED
from tests.fake_openai import Reply, fake_openai
from tests.test_drafting_llm import written

DIGITS = re.compile(r"\d+")
MARKDOWN_LINE = re.compile(r"^(?:#|[-*+•]\s|[0-9０-９]{1,2}[.．、)）]|[（(][0-9０-９]{1,2}[）)]|>|\|)")


def digit_runs(text: str) -> list[str]:
    return DIGITS.findall(text)


# ---- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marks",
    [
        ("1. ", "2. ", "3. "),
        ("1、", "2、", "3、"),
        ("1．", "2．", "3．"),
        ("（1）", "（2）", "（3）"),
        ("(1) ", "(2) ", "(3) "),
        ("1）", "2）", "3）"),
        ("①", "②", "③"),
        ("- ", "- ", "- "),
        ("* ", "* ", "* "),
        ("• ", "• ", "• "),
    ],
)
def test_list_items_become_one_paragraph_enumerated_as_gongwen_does(marks: tuple[str, str, str]) -> None:
    reply = f"{marks[0]}政策解读形式单一\n{marks[1]}队伍建设有待加强；\n{marks[2]}平台功能不够完善。"
    assert as_prose(reply) == "一是政策解读形式单一。二是队伍建设有待加强。三是平台功能不够完善。"


def test_a_lead_in_ending_in_a_colon_opens_the_paragraph_of_its_list() -> None:
    reply = "主要存在以下问题：\n\n1. 政策解读形式单一；\n\n2. 队伍建设有待加强。\n下一步，我县将加强培训。"
    assert as_prose(reply) == (
        "主要存在以下问题：一是政策解读形式单一。二是队伍建设有待加强。\n下一步，我县将加强培训。"
    )


def test_a_heading_ending_in_a_colon_opens_the_paragraph_of_its_list() -> None:
    reply = "### 主动公开情况：\n- 全年主动公开信息4511条\n- 开展政策解读21次"
    assert as_prose(reply) == "（一）主动公开情况：一是全年主动公开信息4511条。二是开展政策解读21次。"


def test_a_single_item_is_just_its_sentence() -> None:
    assert as_prose("- 全年未收取信息处理费") == "全年未收取信息处理费。"


def test_items_of_several_sentences_each_open_a_paragraph_with_their_ordinal() -> None:
    reply = "1. 加强主动公开。全年主动公开信息4511条。\n2. 规范依申请公开。共受理申请258件。"
    assert as_prose(reply) == "一是加强主动公开。全年主动公开信息4511条。\n二是规范依申请公开。共受理申请258件。"


def test_sub_items_join_their_item_after_its_label() -> None:
    reply = "1. 平台建设\n   - 政府网站运行平稳\n   - 保留政务新媒体41个\n2. 监督保障：开展检查4次"
    assert as_prose(reply) == "一是平台建设：政府网站运行平稳；保留政务新媒体41个。二是监督保障：开展检查4次。"


def test_an_indented_line_continues_its_item() -> None:
    reply = "1. 全年共受理申请258件，\n   均在法定期限内答复\n2. 未发生泄密事件"
    assert as_prose(reply) == "一是全年共受理申请258件，均在法定期限内答复。二是未发生泄密事件。"


def test_a_paragraph_opened_by_full_width_spaces_is_not_part_of_the_list_before_it() -> None:
    reply = "1. 甲项工作\n2. 乙项工作\n　　下一步，我县将继续推进。"
    assert as_prose(reply) == "一是甲项工作。二是乙项工作。\n下一步，我县将继续推进。"


def test_a_decimal_at_the_start_of_a_line_is_a_figure_not_a_list_mark() -> None:
    assert as_prose("1.5万元为全年收费金额。") == "1.5万元为全年收费金额。"


# ---- headings and Markdown -----------------------------------------------------------------------


def test_markdown_headings_become_numbered_gongwen_sub_headings() -> None:
    reply = "## 主动公开情况\n全年主动公开信息4511条。\n### 2. 依申请公开情况\n共受理申请258件。"
    assert as_prose(reply) == "（一）主动公开情况\n全年主动公开信息4511条。\n（二）依申请公开情况\n共受理申请258件。"


def test_gongwen_sub_headings_keep_their_own_numbers() -> None:
    reply = "（一）上年度问题整改情况\n已配备专人。\n(二) 存在的主要问题及改进措施\n**三、下一步工作**"
    assert as_prose(reply) == (
        "（一）上年度问题整改情况\n已配备专人。\n（二）存在的主要问题及改进措施\n（三）下一步工作"
    )


def test_numbered_markdown_headings_under_a_gongwen_heading_do_not_take_its_numbers() -> None:
    reply = "### （一）上年度问题整改情况\n#### 1. 政策解读形式单一\n已增加视频解读。\n### （二）存在的主要问题"
    assert as_prose(reply) == "（一）上年度问题整改情况\n政策解读形式单一。\n已增加视频解读。\n（二）存在的主要问题"


def test_a_line_all_in_bold_is_a_heading() -> None:
    assert as_prose("**主动公开**\n全年主动公开信息4511条。") == "（一）主动公开\n全年主动公开信息4511条。"


@pytest.mark.parametrize(
    "title", ["一、总体情况", "### 五、存在的主要问题及改进情况", "**六、其他需要报告的事项**", "# 总体情况"]
)
def test_the_parts_own_title_is_dropped(title: str) -> None:
    assert as_prose(f"{title}\n2022年，我县扎实推进政务公开。") == "2022年，我县扎实推进政务公开。"


def test_emphasis_code_quotes_rules_and_fences_go() -> None:
    reply = "```markdown\n> 全年**主动公开**信息`4511`条。\n---\n*依申请*公开申请258件。\n```"
    assert as_prose(reply) == "全年主动公开信息4511条。\n依申请公开申请258件。"


def test_a_table_row_becomes_a_sentence_and_its_rule_goes() -> None:
    reply = "| 项目 | 数量 |\n|---|---:|\n| 新收申请 | 258件 |"
    assert as_prose(reply) == "项目，数量。\n新收申请，258件。"


def test_a_mark_between_two_digits_leaves_a_space_and_never_joins_them() -> None:
    assert as_prose("共12**34**件") == "共12 34件"


def test_blank_lines_and_surrounding_space_go() -> None:
    assert as_prose("\n\n  2022年，我县扎实推进政务公开。  \n\n\n本年度未收取费用。\n") == (
        "2022年，我县扎实推进政务公开。\n本年度未收取费用。"
    )


# ---- real prose passes through -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "part"),
    [("luyi_2021.txt", "五"), ("shuyang_2025.md", "五"), ("shuyang_2025.md", "六")]
    + [("huaian_2024.pdf", p) for p in "一五六"],
)
def test_a_real_reports_prose_is_left_as_it_is(name: str, part: str) -> None:
    text = read_report(CORPUS / name).part_text(part)
    assert as_prose(text) == text


# ---- properties: figures are never lost, changed or joined -----------------------------------------

WORD = st.sampled_from(["我县", "政府信息", "公开", "申请", "办理", "平台", "网站", "培训", "开展", "工作", "全年"])
FIGURE = st.one_of(
    st.integers(0, 100_000).map(str),
    st.integers(1000, 9_999_999).map(lambda n: f"{n:,}"),
    st.decimals("0", "99999", places=2).map(str),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.integers(0, 999).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    st.integers(2019, 2026).map(lambda y: f"{y}年"),
)
PUNCT = st.sampled_from(["，", "。", "；", "：", "、", " ", "件", "条", "（", "）", "《", "》"])
SEGMENT = st.one_of(WORD, FIGURE, PUNCT, FIGURE.map(lambda f: f"**{f}**"), WORD.map(lambda w: f"**{w}**"))
# a body opens with a word, so it never begins with something that reads as a mark
BODY = st.tuples(WORD, st.lists(SEGMENT, max_size=8)).map(lambda t: t[0] + "".join(t[1]))
ITEM_MARKS = ["{n}. ", "{n}、", "{n}．", "（{n}）", "({n}) ", "{n}）", "- ", "* ", "• ", "①"]
HEADING_MARKS = ["", "{n}. ", "一、", "（二）", "(三) "]


@st.composite
def block(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One block of a reply as a model writes it, and the bodies (the text that carries figures) in it."""
    kind = draw(st.sampled_from(["paragraph", "heading", "bold", "list", "table"]))
    if kind == "paragraph":
        body = draw(BODY)
        return body, [body]
    if kind in ("heading", "bold"):
        body = draw(BODY.filter(lambda b: "*" not in b))
        mark = draw(st.sampled_from(HEADING_MARKS)).format(n=draw(st.integers(1, 12)))
        return (f"{'#' * draw(st.integers(1, 4))} {mark}{body}" if kind == "heading" else f"**{body}**"), [body]
    if kind == "table":
        cells = draw(st.lists(BODY.filter(lambda b: "|" not in b), min_size=1, max_size=3))
        return "| " + " | ".join(cells) + " |", cells
    return draw(list_block())


@st.composite
def list_block(draw: st.DrawFn) -> tuple[str, list[str]]:
    mark = draw(st.sampled_from(ITEM_MARKS))
    lines, bodies = [], []
    for n in range(1, draw(st.integers(1, 5)) + 1):
        body = draw(BODY)
        lines.append(mark.format(n=n) + body)
        bodies.append(body)
        for sub in draw(st.lists(BODY, max_size=2)):
            lines.append("   - " + sub)
            bodies.append(sub)
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines), bodies


REPLY = st.lists(block(), min_size=1, max_size=6)


@given(REPLY)
def test_every_figure_of_a_reply_is_kept_in_order_exactly_as_written(blocks: list[tuple[str, list[str]]]) -> None:
    reply = "\n".join(text for text, _ in blocks)
    bodies = [body for _, found in blocks for body in found]
    assert digit_runs(as_prose(reply)) == [run for body in bodies for run in digit_runs(body)]


@given(REPLY)
def test_no_list_mark_heading_mark_or_markdown_is_left(blocks: list[tuple[str, list[str]]]) -> None:
    prose = as_prose("\n".join(text for text, _ in blocks))
    assert not [line for line in prose.split("\n") if MARKDOWN_LINE.match(line)]
    assert "**" not in prose and "`" not in prose


@given(REPLY)
def test_cleaning_clean_prose_changes_nothing(blocks: list[tuple[str, list[str]]]) -> None:
    prose = as_prose("\n".join(text for text, _ in blocks))
    assert as_prose(prose) == prose


@given(st.text())
def test_any_text_keeps_its_digit_sequences_when_no_line_opens_with_a_number(text: str) -> None:
    assume(not re.search(r"^[\W_]*\d", text, re.MULTILINE))
    assert digit_runs(as_prose(text)) == digit_runs(text)


@given(st.text())
def test_no_digit_sequence_is_ever_made_up_or_altered(text: str) -> None:
    """Whatever the text, the output's digit sequences are the input's, some list marks' numbers left out."""
    runs = iter(digit_runs(text))
    assert all(any(run == source for source in runs) for run in digit_runs(as_prose(text)))


# ---- in the drafter ------------------------------------------------------------------------------


def test_a_drafted_part_written_as_a_list_is_kept_as_prose_with_its_figures_checked() -> None:
    seed = read_report(SEED)
    cells = example_next_year(seed)
    received = cells.count(TableId.REQUESTS, "一", "总计")
    reply = (
        "### 一、总体情况\n2022年，我县扎实推进政务公开，主要做法如下：\n"
        f"1. **依申请公开**：全年共受理政府信息公开申请{received}件；\n2. **平台建设**：政府网站运行平稳。"
    )
    offline = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]))
    work = [WorkFact(about="依申请公开", text="今年规范了依申请公开办理流程")]  # that subsection goes to the model
    with fake_openai([Reply(reply)]) as server:
        settings = Settings(OPENAI_API_KEY="k", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake-model")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        draft = LLMDrafter(model, ReportList([seed])).draft_part(offline, "一", work=work)
    assert len(server.requests) == 1  # the figure passed the checks: no fix round
    assert written(draft.parts["一"]) == (
        f"2022年，我县扎实推进政务公开，主要做法如下：一是依申请公开：全年共受理政府信息公开申请{received}件。"
        "二是平台建设：政府网站运行平稳。"
    )
