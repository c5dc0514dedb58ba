"""A misbehaving endpoint cannot hold a draft hostage: what a reply may take is bounded, and the offline
draft stands when it is reached.

The endpoint is the local fake OpenAI server (the real SDK and langchain-openai against it): one floods
(~27 MB in one reply), one drips a character every 5 s, one answers a streamed request with plain JSON
or an HTML page. ``nianbao draft --llm`` runs as a real process whose whole tree is measured; the time
limits are set to seconds through the settings (NIANBAO_LLM_PART_SECONDS, NIANBAO_LLM_DRAFT_SECONDS).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agents.draft import LLMDrafter
from agents.llm import LLMError, ReplyLimits, chat_model_from_settings, with_retries
from nianbao.commands.cells import cells_csv
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.settings import Settings
from tests.conftest import SEED
from tests.fake_openai import Reply, fake_openai
from tests.test_drafting_llm import WORK
from tests.treewatch import run_measured

FLOOD = Reply("本年度共收到申请。" * 3_000_000, chunk_size=4096)  # 27 MB of UTF-8 in one reply
DRIP = Reply("本年度，我县认真贯彻落实政府信息公开条例。", chunk_size=1, drip=5.0)
PART_SECONDS, DRAFT_SECONDS = 3, 6
MEMORY_MB = 500


@pytest.fixture
def cells_file(tmp_path: Path, cells: Report) -> Path:
    path = tmp_path / "cells_2022.csv"
    path.write_text(cells_csv(cells), encoding="utf-8")
    return path


def settings_for(server_url: str, **extra: str) -> Settings:
    return Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server_url, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("reply", [FLOOD, DRIP], ids=["flood", "drip"])
def test_draft_llm_ends_within_its_deadline_with_the_offline_draft_saved(
    reply: Reply, cells_file: Path, cells: Report, tmp_path: Path
) -> None:
    out = tmp_path / "draft.md"
    env = {
        "OPENAI_API_KEY": "test-key",
        "NIANBAO_LLM_PART_SECONDS": str(PART_SECONDS),
        "NIANBAO_LLM_DRAFT_SECONDS": str(DRAFT_SECONDS),
    }
    args = ["draft", "--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(cells_file)]
    work = tmp_path / "work.txt"  # her facts for a subsection of 一: that subsection goes to the model
    work.write_text("依申请公开：今年规范了依申请公开办理流程\n", encoding="utf-8")
    with fake_openai([reply]) as server:
        env["OPENAI_BASE_URL"] = server.base_url
        run = run_measured([*args, "--previous", str(SEED), "--work", str(work), "--llm", "--out", str(out)], env=env)

    assert run.returncode == 0, run.stderr
    assert run.seconds < DRAFT_SECONDS + 15, f"{run.seconds:.1f} s"  # the process's start and reading included
    assert run.peak_mb < MEMORY_MB, f"{run.peak_mb:.0f} MB"
    limit = "NIANBAO_LLM_PART_CHARS" if reply is FLOOD else "NIANBAO_LLM_PART_SECONDS"
    assert limit in run.stderr and "已改用离线起草的结果" in run.stderr
    offline = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([read_report(SEED)]))
    assert read_report(out).part_text("一").split("\n")[0] == offline.report.part_text("一").split("\n")[0]
    assert len(server.requests) == 1  # neither is retried: the next try would do the same


def test_the_draft_deadline_covers_every_part(cells: Report) -> None:
    slow = Reply("本年度，我县认真贯彻落实政府信息公开条例。", chunk_size=2, drip=0.4)  # each part ~4 s
    limits = ReplyLimits(max_chars=8000, part_seconds=30, draft_seconds=2)
    with fake_openai([slow]) as server:
        drafter = LLMDrafter(chat_model_from_settings(settings_for(server.base_url)), limits=limits)  # type: ignore[arg-type]
        started = time.monotonic()
        draft = drafter.draft_all("鹿邑县人民政府", 2022, cells, None, WORK)  # her facts for 一, 五 and 六
    assert time.monotonic() - started < 2 + 1.5
    assert any("NIANBAO_LLM_DRAFT_SECONDS" in note and "2 秒" in note for note in draft.notes)


def test_max_tokens_is_sent_with_every_request() -> None:
    with fake_openai([Reply("好。")]) as server:
        model = chat_model_from_settings(settings_for(server.base_url, NIANBAO_LLM_MAX_TOKENS="777"))
        assert model is not None
        model.invoke("你好")
    assert server.requests[0]["max_tokens"] == 777


@pytest.mark.parametrize(("stream_as", "what"), [("json", "普通 JSON"), ("html", "网页（HTML）")])
def test_an_endpoint_that_does_not_stream_is_reported_by_what_it_answered(
    stream_as: str, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    with fake_openai([Reply("好。", stream_as=stream_as)]) as server:  # type: ignore[arg-type]
        model = chat_model_from_settings(settings_for(server.base_url))
        assert model is not None
        with pytest.raises(LLMError) as caught:
            with_retries(lambda: list(model.stream("你好")))
    assert what in caught.value.message and "OPENAI_BASE_URL" in caught.value.message
    assert len(server.requests) == 1  # not retried: it would answer the same
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info]
