"""The LLM path of intake: structured output, figures checked against the user's words, same refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from agents.extract import ExtractedFigures, extract_with_llm, propose_from_message
from agents.llm import LLMError, RetryPolicy, chat_model_from_settings
from agents.prompting import render
from nianbao.errors import InvalidInputError
from nianbao.intake import Origin
from nianbao.model import empty_report
from nianbao.schema import TableId
from nianbao.settings import Settings
from tests.fake_openai import Reply, fake_openai

REQ = TableId.REQUESTS
MESSAGE = "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件"


class ToolCallingFake(GenericFakeChatModel):
    """LangChain's fake chat model, able to answer with a tool call (structured output by function calling)."""

    prompts: list[str] = Field(default_factory=list)
    methods: list[str] = Field(default_factory=list)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolCallingFake:
        return self

    def with_structured_output(self, schema: Any, *, method: str = "function_calling", **kwargs: Any) -> Any:
        self.methods.append(method)
        return super().with_structured_output(schema, **kwargs)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(str(messages[-1].content))
        return super()._generate(messages, *args, **kwargs)


def answering(*figures: dict[str, str]) -> ToolCallingFake:
    call = {"name": "ExtractedFigures", "args": {"figures": list(figures)}, "id": "call-1", "type": "tool_call"}
    replies: Iterator[AIMessage] = iter([AIMessage(content="", tool_calls=[call])])
    return ToolCallingFake(messages=replies)


def figure(row: str, column: str, value: str, table: str = "依申请公开", quote: str = "") -> dict[str, str]:
    return {"table": table, "row": row, "column": column, "value": value, "quote": quote}


def test_the_llm_figures_become_proposed_cells() -> None:
    llm = answering(figure("一", "总计", "258"), figure("一", "自然人", "240", quote="其中自然人240件"))
    result = extract_with_llm(MESSAGE, llm)
    assert {c.address: c.new for c in result.changes} == {(REQ, "一", "总计"): 258, (REQ, "一", "自然人"): 240}
    assert all(c.origin is Origin.LLM for c in result.changes)
    assert llm.methods == ["function_calling"]


def test_the_prompt_is_the_rendered_file_with_the_message_and_the_rows() -> None:
    llm = answering()
    extract_with_llm(MESSAGE, llm)
    (prompt,) = llm.prompts
    assert MESSAGE in prompt and "三.三.1：1.属于国家秘密" in prompt and "$" not in prompt


def test_a_number_not_in_the_message_is_dropped_with_a_note() -> None:
    llm = answering(figure("一", "总计", "258"), figure("三.七", "总计", "250"))
    result = extract_with_llm(MESSAGE, llm)
    assert [c.row for c in result.changes] == ["一"]
    assert "250" in result.notes[0] and "编造" in result.notes[0]


def test_a_chinese_numeral_in_the_message_backs_the_llm_figure() -> None:
    llm = answering(figure("一", "总计", "258"))
    assert extract_with_llm("受理申请二百五十八件", llm).changes[0].new == 258


def test_yuan_in_the_message_backs_a_fee_in_wan_yuan() -> None:
    llm = answering(figure("行政事业性收费", "本年收费金额", "2460.9543", table="主动公开"))
    (change,) = extract_with_llm("行政事业性收费24609543元", llm).changes
    assert str(change.new) == "2460.9543"


def test_a_cell_that_does_not_exist_is_dropped_with_a_note() -> None:
    llm = answering(figure("三.九", "总计", "258"), figure("一", "合计", "258"))
    result = extract_with_llm(MESSAGE, llm)
    assert result.changes == []
    assert len(result.notes) == 2 and all("不是表格中的单元格" in n for n in result.notes)


def test_llm_figures_go_through_derivation() -> None:
    llm = answering(
        figure("一", "总计", "258"),
        figure("一", "自然人", "240"),
        figure("一", "商业企业", "10"),
        figure("一", "其他", "8"),
    )
    proposal = propose_from_message(MESSAGE, empty_report(), llm)
    assert proposal.report.value(REQ, "一", "科研机构") == 0


def test_llm_figures_that_contradict_a_rule_are_refused() -> None:
    message = "予以公开190件；另有240件来自个人"  # the built-in reader does not place 240: the model's reading stands
    llm = answering(figure("三.一", "总计", "190"), figure("三.一", "自然人", "240", quote="另有240件来自个人"))
    draft = empty_report()
    with pytest.raises(InvalidInputError, match="勾稽关系"):
        propose_from_message(message, draft, llm)
    assert draft.value(REQ, "三.一", "总计") is None


def test_an_llm_cell_the_built_in_reader_puts_on_another_row_is_not_applied() -> None:
    llm = answering(figure("三.一", "总计", "190"), figure("三.一", "自然人", "240", quote="其中自然人240件"))
    result = extract_with_llm(MESSAGE, llm)
    assert {c.address for c in result.changes} == {(REQ, "三.一", "总计")}
    assert "与内置规则的读法" in result.notes[0]


def test_an_unusable_answer_falls_back_to_the_built_in_extractor() -> None:
    broken = {"name": "ExtractedFigures", "args": {"figures": "none"}, "id": "call-1", "type": "tool_call"}
    llm = ToolCallingFake(messages=iter([AIMessage(content="", tool_calls=[broken])]))
    result = extract_with_llm(MESSAGE, llm)
    assert "内置规则" in result.notes[0]
    assert len(result.changes) == 5


def test_without_an_llm_the_built_in_extractor_is_used() -> None:
    proposal = propose_from_message(MESSAGE, empty_report())
    assert proposal.report.value(REQ, "三.一", "总计") == 190


def test_render_refuses_a_missing_variable() -> None:
    with pytest.raises(KeyError):
        render("extract_figures", format="2021", rows="")


def test_the_schema_is_a_pydantic_model_of_cells() -> None:
    schema = ExtractedFigures.model_json_schema()
    assert json.dumps(schema, ensure_ascii=False).count("依申请公开") >= 1


def test_chat_openai_against_a_local_server_reads_the_figures() -> None:
    """The real openai SDK and langchain-openai code run end to end (JSON mode, streamed)."""
    answer = {"figures": [figure("一", "总计", "258", quote="今年共收到申请258件"), figure("三.一", "总计", "999")]}
    with fake_openai([Reply(json.dumps(answer, ensure_ascii=False))]) as server:
        settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        proposal = propose_from_message(MESSAGE, empty_report(), model, method="json_mode")
    assert proposal.report.value(REQ, "一", "总计") == 258
    assert proposal.report.value(REQ, "三.一", "总计") is None
    assert any("999" in note for note in proposal.notes)
    assert MESSAGE in server.prompts()[0]


def test_an_answer_without_figures_from_a_local_server_falls_back() -> None:
    with fake_openai([Reply("我无法回答")]) as server:
        settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        result = extract_with_llm(MESSAGE, model, method="function_calling")
    assert "内置规则" in result.notes[0]
    assert len(result.changes) == 5


def test_a_server_error_is_a_chinese_llm_error() -> None:
    with fake_openai([Reply(status=500)]) as server:
        settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        with pytest.raises(LLMError, match="大模型服务出错"):
            extract_with_llm(MESSAGE, model, retry=RetryPolicy(backoff=0.01, backoff_max=0.05))


def test_each_llm_cell_keeps_the_span_of_the_words_it_quotes() -> None:
    llm = answering(figure("一", "自然人", "240", quote="其中自然人240件"))
    (change,) = extract_with_llm(MESSAGE, llm).changes
    start, end = change.spans[0]
    assert MESSAGE[start:end] == "其中自然人240件"


def test_a_quote_that_does_not_say_the_number_is_rejected() -> None:
    """The number is in the message, but the model read it from another clause than it quotes: a misread."""
    llm = answering(figure("三.一", "总计", "240", quote="予以公开190件"))
    result = extract_with_llm(MESSAGE, llm)
    assert result.changes == []
    assert "“予以公开190件”中没有 240" in result.notes[0]


def test_a_quote_that_is_not_her_words_is_rejected() -> None:
    llm = answering(figure("三.一", "总计", "190", quote="同意公开190件"))
    result = extract_with_llm(MESSAGE, llm)
    assert result.changes == [] and "不是原话" in result.notes[0]


def test_a_value_without_a_quote_is_given_the_clause_that_says_it() -> None:
    (change,) = extract_with_llm(MESSAGE, answering(figure("三.一", "总计", "190"))).changes
    assert change.source_text == "予以公开190件"


def test_the_llm_path_fills_the_rest_she_said_is_zero() -> None:
    text = "行政复议1件，结果维持1件。复议诉讼其余均为0"
    llm = answering(
        figure("行政复议", "总计", "1", table="复议诉讼", quote="行政复议1件"),
        figure("行政复议", "结果维持", "1", table="复议诉讼", quote="结果维持1件"),
    )
    proposal = propose_from_message(text, empty_report(), llm)
    assert proposal.report.value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计") == 0


def test_a_local_server_quoting_the_wrong_clause_is_not_applied() -> None:
    answer = {"figures": [figure("三.一", "总计", "258", quote="予以公开190件")]}
    with fake_openai([Reply(json.dumps(answer, ensure_ascii=False))]) as server:
        settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None
        proposal = propose_from_message(MESSAGE, empty_report(), model, method="json_mode")
    assert proposal.report.value(REQ, "三.一", "总计") is None
    assert any("中没有 258" in note for note in proposal.notes)


def test_an_llm_cell_from_a_number_of_the_years_work_is_dropped() -> None:
    message = "答复网民留言236件，全年共收到政府信息公开申请30件"
    llm = answering(figure("三.七", "总计", "236", quote="答复网民留言236件"), figure("一", "总计", "30"))
    result = extract_with_llm(message, llm)
    assert {c.address: c.new for c in result.changes} == {(REQ, "一", "总计"): 30}
    assert "工作情况的数字或约数" in result.notes[0]


def test_an_llm_cell_from_a_rough_number_is_dropped() -> None:
    llm = answering(figure("三.一", "总计", "30", quote="予以公开30多件"))
    result = extract_with_llm("予以公开30多件", llm)
    assert result.changes == [] and "约数" in result.notes[0]


SET_ASIDE = {
    "立案 is no decision": (
        "行政处罚立案360件",
        figure("行政处罚", "本年处理决定数量", "360", "主动公开", "行政处罚立案360件"),
    ),
    "the carried-over requests' outcome": (
        "上年结转2件，其中予以公开1件",
        figure("三.一", "总计", "1", quote="其中予以公开1件"),
    ),
    "收到 that counts the carried-over": (
        "收到申请34件，其中10件为上年结转",
        figure("一", "总计", "34", quote="收到申请34件"),
    ),
}


@pytest.mark.parametrize("name", SET_ASIDE)
def test_an_llm_cell_from_a_figure_the_built_in_reading_sets_aside_is_dropped(name: str) -> None:
    message, cell = SET_ASIDE[name]
    result = extract_with_llm(message, answering(cell))
    assert result.changes == []
    assert "要先向您问清的数字" in result.notes[0]


def test_an_llm_cell_the_built_in_reading_places_elsewhere_is_asked_not_applied() -> None:
    totals = answering(figure("一", "总计", "52"), figure("二", "总计", "3"))
    previous = extract_with_llm("今年新收申请52件，上年结转3件。", totals)
    llm = answering(
        figure("二", "自然人", "50", quote="其中自然人50件"), figure("一", "商业企业", "2", quote="企业2件")
    )
    result = extract_with_llm("其中自然人50件，企业2件", llm, previous=previous)
    assert {c.address: c.new for c in result.changes} == {(REQ, "一", "商业企业"): 2}
    assert "与内置规则的读法（依申请公开 / 一 本年新收政府信息公开申请数量 / 自然人）不同" in result.notes[0]
