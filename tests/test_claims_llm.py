"""A model that keeps repeating wrong claims: none reaches the final draft unmarked, and check finds them too.

The model is the real ChatOpenAI pointed at tests/fake_openai.py; it answers every request (the first
and each correction round) with the same wrong text: a count in Chinese numerals, one in Arabic, a
share written 百分之六十七, 均获维持 while a review is pending, a wrong 同比, and a fee when none was
charged. This year (2022, made from the seed): 一 241 (2021: 223), 三.一 198, 三.二 8, 三.七 237;
行政复议 2 (结果维持 1, 尚未审结 1); no fee.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.language_models.chat_models import BaseChatModel

from agents.draft import LLMDrafter
from agents.llm import chat_model_from_settings
from nianbao.checker import check_report
from nianbao.cli import main
from nianbao.commands.cells import cells_csv
from nianbao.drafting.model import UNVERIFIED, Draft
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import mark_failing
from nianbao.model import Report
from nianbao.schema import TableId
from nianbao.settings import Settings, get_settings
from nianbao.writers.markdown import write_markdown
from tests.conftest import SEED
from tests.fake_openai import FakeOpenAI, Reply, fake_openai
from tests.test_drafting_llm import WORK, written

REQ, APP = TableId.REQUESTS, TableId.APPEALS
AGENCY = "鹿邑县人民政府"
ONE = (
    "2022年，我县共受理政府信息公开申请241件，同比增长百分之二十，办结二百三十件。"
    "其中予以公开198件，占办结总数的百分之六十七；部分公开9件。"
    "被申请行政复议2件，均获维持。"
)
FIVE = "（一）上年度问题整改情况\n已逐项整改。\n（二）存在的主要问题及改进措施\n本年度共收到政府信息公开申请999件。"
SIX = "本年度共收取信息处理费100元。"
# Each wrong claim as written, followed at once by the mark: the mark sits at its own clause.
WRONG = ["同比增长百分之二十", "办结二百三十件", "占办结总数的百分之六十七", "部分公开9件", "均获维持", "申请999件"]


@pytest.fixture(scope="module")
def pending(cells: Report) -> Report:
    report = cells.model_copy(deep=True)
    for column, value in (("结果维持", 1), ("结果纠正", 0), ("其他结果", 0), ("尚未审结", 1), ("总计", 2)):
        report.set_value(APP, "行政复议", column, value)
    return report


def model_for(server: FakeOpenAI) -> BaseChatModel:
    settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake-model")
    model = chat_model_from_settings(settings, timeout=10, max_retries=0)
    assert model is not None
    return model


@pytest.fixture(scope="module")
def drafted(pending: Report, seed: Report) -> tuple[Draft, FakeOpenAI]:
    replies = [Reply(ONE)] * 3 + [Reply(FIVE)] * 3 + [Reply(SIX)] * 3
    with fake_openai(replies) as server:
        # Her facts for 依申请公开: that subsection of 一 is the model's, the rest the built-in drafter's.
        drafter = LLMDrafter(model_for(server), ReportList([seed]))
        draft = drafter.draft_all(AGENCY, 2022, pending, {"信息处理费": 0}, WORK)
    return draft, server


def text_of(draft: Draft) -> str:
    return "\n".join(draft.report.part_text(n) for n in "一五六")


def test_the_model_is_asked_twice_more_with_what_failed(drafted: tuple[Draft, FakeOpenAI]) -> None:
    _, server = drafted
    assert len(server.requests) == 9
    retry = server.prompts()[1]
    assert "你写的“（二）政府信息公开质量得到新提升”这一小节" in retry
    assert "百分之六十七" in retry and "均获维持" in retry and "尚未审结" in retry


@pytest.mark.parametrize("claim", WRONG)
def test_each_wrong_claim_is_marked_at_its_own_clause(drafted: tuple[Draft, FakeOpenAI], claim: str) -> None:
    assert f"{claim}{UNVERIFIED}" in text_of(drafted[0])


def test_claims_that_agree_are_not_marked(drafted: tuple[Draft, FakeOpenAI]) -> None:
    text = written(drafted[0].parts["一"])
    assert "申请241件，" in text and "予以公开198件，" in text and "行政复议2件，" in text


def test_nothing_wrong_is_left_unmarked(drafted: tuple[Draft, FakeOpenAI], pending: Report, seed: Report) -> None:
    draft = drafted[0]
    for number in "一五六":
        text = draft.report.part_text(number)
        assert mark_failing(text, draft.report, {"信息处理费": 0}, number, seed)[0] == text


def test_a_fee_when_none_was_charged_is_corrected_not_only_marked(drafted: tuple[Draft, FakeOpenAI]) -> None:
    six = drafted[0].report.part_text("六")
    assert "收取信息处理费0元" in six and "100元" not in six and UNVERIFIED not in six


def test_check_flags_the_same_claims_in_a_report_file(
    drafted: tuple[Draft, FakeOpenAI], seed: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unmarked = drafted[0].report.model_copy(deep=True)
    for part in unmarked.parts:
        part.text = part.text.replace(UNVERIFIED, "").replace("收取信息处理费0元", "收取信息处理费100元")
    path = tmp_path / "鹿邑县人民政府2022年政府信息公开工作年度报告.md"
    path.write_text(write_markdown(unmarked), encoding="utf-8")
    status = main(["check", str(path), "--previous", str(SEED), "--json"])
    findings = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["findings"]
    found = {(f["rule"], f["found"]) for f in findings if f["rule"].startswith("narrative.")}
    assert status == 1  # the same-scope counts are errors
    assert {
        ("narrative.change", "增长百分之二十"),
        ("narrative.count", "二百三十件"),
        ("narrative.percent", "百分之六十七"),
        ("narrative.count", "9件"),
        ("narrative.claim", "均获维持"),
        ("narrative.count", "999件"),
    } <= found


def test_the_fee_is_checked_against_the_facts_given(drafted: tuple[Draft, FakeOpenAI]) -> None:
    report = drafted[0].report.model_copy(deep=True)
    six = report.part("六")
    assert six is not None
    six.text = SIX
    facts = {"信息处理费": 0}
    assert any("信息处理费" in f.message for f in check_report(report, None, facts).findings)


def test_draft_exits_1_while_a_marked_wrong_figure_remains(
    pending: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cells_file = tmp_path / "cells_2022.csv"
    cells_file.write_text(cells_csv(pending), encoding="utf-8")
    out = tmp_path / "draft.md"
    work = tmp_path / "work.txt"
    work.write_text(
        ("依申请公开：今年规范了依申请公开办理流程\n问题：政策解读形式还比较单一\n其他：今年没有其他需要报告的事项\n"),
        encoding="utf-8",
    )
    with fake_openai([Reply(ONE)] * 3 + [Reply(FIVE)] * 3 + [Reply(SIX)] * 3) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()
        try:
            args = [
                "--facts",
                str(cells_file),
                "--previous",
                str(SEED),
                "--llm",
                "--out",
                str(out),
                "--fact",
                "信息处理费=0",
                "--work",
                str(work),
            ]
            status = main(["draft", "--agency", AGENCY, "--year", "2022", *args])
        finally:
            get_settings.cache_clear()
    assert status == 1 and len(server.requests) == 9  # 一's subsection with her facts, 五, 六: three tries each
    assert "与表格或已提供数据不符的数字或说法" in capsys.readouterr().err
    assert "均获维持" + UNVERIFIED in out.read_text(encoding="utf-8")
