"""The real local model (make test-local-llm): llama-cpp-python's server on 127.0.0.1 with Qwen2.5-Coder-1.5B.

Marked ``local_llm``: ``make test`` skips these; ``make test-local-llm`` installs the model first. The
server is started once for the module on a free loopback port and stopped at the end.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.chat_models import BaseChatModel

from agents.draft import LLMDrafter
from agents.extract import extract_with_llm
from agents.llm import chat_model_from_settings
from nianbao.checker import check_report
from nianbao.drafting.example import example_next_year
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.offline import FEE, draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import check_numbers
from nianbao.localmodel import is_ready, start_server, stop_server
from nianbao.readers import read_report
from nianbao.settings import Settings
from tests.conftest import SEED

pytestmark = pytest.mark.local_llm

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(NIANBAO_LLM="local", NIANBAO_DATA_DIR=ROOT / "data", NIANBAO_LOCAL_LLM_PORT=free_port())


@pytest.fixture(scope="module")
def model(settings: Settings, request: pytest.FixtureRequest) -> Iterator[BaseChatModel]:
    wanted = str(request.config.getoption("markexpr", ""))
    if "local_llm" not in wanted or "not local_llm" in wanted:  # a plain `pytest` must not start a model server
        pytest.skip("本地模型测试只在 make test-local-llm（pytest -m local_llm）中运行")
    if not is_ready(settings.data_dir):
        pytest.fail("本地模型未安装：请先运行 make local-llm")
    server = start_server(settings)
    try:
        built = chat_model_from_settings(settings, max_retries=0)
        assert built is not None
        yield built
    finally:
        stop_server(server)


def test_the_server_answers_on_loopback(model: BaseChatModel, settings: Settings) -> None:
    reply = model.invoke("用一句话回答：政府信息公开的依据是哪部条例？")
    assert settings.local_llm_base_url.startswith("http://127.0.0.1:")
    assert isinstance(reply.content, str) and "条例" in reply.content


def test_a_part_is_drafted_through_the_checks_with_its_figure_kept_and_no_error(model: BaseChatModel) -> None:
    seed = read_report(SEED)
    cells = example_next_year(seed)
    facts = {"信息处理费": 0}
    offline = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]), facts)
    draft = LLMDrafter(model, ReportList([seed])).draft_part(offline, "六", facts)
    text = draft.report.part_text("六")
    checks = check_numbers(text, draft.report, facts, "六")
    assert FEE in text
    # the 1.5B model still writes a numbered list or Markdown now and then: the reply is cleaned into prose
    assert not re.search(r"^\s*(?:[0-9]{1,2}[.、．)）]|[（(][0-9]{1,2}[）)]|[-*#•])", text, re.MULTILINE), text
    assert "**" not in text
    # every figure kept is this year's or the user's; one that is not stays marked, never silently kept
    assert all(UNVERIFIED in c.sentence or not c.failed for c in checks)
    assert check_report(draft.report, seed).errors == []


def test_figures_are_read_out_of_a_message_with_structured_output(model: BaseChatModel) -> None:
    extraction = extract_with_llm("今年共收到政府信息公开申请258件，其中自然人提出的有240件。", model)
    values = {(c.row, c.column): c.new for c in extraction.changes}
    assert values.get(("一", "总计")) == 258 or values.get(("一", "自然人")) == 240
    assert all(c.new in (258, 240) for c in extraction.changes)
