"""The sidebar offers the local model when it is installed, starts it on demand and drafting then uses it.

"Installed" is the model file with the pinned size in <data_dir>/models and llama-cpp-python importable.
Without the 1.1 GB model, the tests use a sparse file of the pinned size; where llama-cpp-python is not
installed, a stand-in package on sys.path (the import check is the boundary). The server that answers is
then the fake OpenAI-protocol server on the local model's port. Tests marked ``local_llm`` start the real
server (make test-local-llm).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from agents.llm import LLMError, chat_model_from_settings
from nianbao.localmodel import QWEN_CODER_1_5B, local_server, model_path, run_beside, stop_servers
from nianbao.settings import Settings, get_settings
from tests.fake_openai import Reply, fake_openai
from tests.test_app_draft import assert_clean, fill_requests_by_grid, new_draft, send, stored
from tests.test_localmodel_tether import exits_within, running

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(timeout: float = 60) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout).run()


def sidebar_text(at: AppTest) -> str:
    parts = [c.value for c in at.sidebar.caption]
    parts += [e.value for e in at.sidebar.success] + [e.value for e in at.sidebar.error]
    return " ".join(parts)


def local_toggles(at: AppTest) -> list:
    return [t for t in at.sidebar.toggle if t.key == "local-llm"]


def on_port(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("NIANBAO_LOCAL_LLM_PORT", str(port))
    get_settings.cache_clear()


@pytest.fixture
def installed(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder where the local model counts as installed (a sparse file of the pinned size)."""
    path = model_path(data_dir)
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        handle.truncate(QWEN_CODER_1_5B.size)
    importable_llama_cpp(tmp_path, monkeypatch)
    on_port(monkeypatch, free_port())
    return path


def importable_llama_cpp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where llama-cpp-python is not installed (CI), a stand-in package makes the import check pass."""
    if importlib.util.find_spec("llama_cpp") is None:
        stand_in = tmp_path / "site" / "llama_cpp"
        stand_in.mkdir(parents=True)
        (stand_in / "__init__.py").write_text('"""Stand-in: llama-cpp-python is not installed here."""\n')
        monkeypatch.syspath_prepend(str(stand_in.parent))


@pytest.fixture(autouse=True)
def no_server_left() -> Iterator[None]:
    yield
    stop_servers()


# ---- offered or not ------------------------------------------------------------------------------


def test_without_the_model_the_sidebar_says_to_ask_the_administrator_and_offers_nothing(data_dir: Path) -> None:
    at = start()
    assert_clean(at)
    assert "本地大模型未启用，请联系管理员" in sidebar_text(at) and "make" not in sidebar_text(at)
    assert not local_toggles(at)


def test_a_model_file_of_the_wrong_size_is_not_installed(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importable_llama_cpp(tmp_path, monkeypatch)
    path = model_path(data_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"GGUF" + bytes(1000))
    at = start()
    assert "本地大模型未启用" in sidebar_text(at) and "make" not in sidebar_text(at)
    assert not local_toggles(at)


def test_an_installed_model_is_offered_and_drafting_stays_offline_until_it_is_chosen(installed: Path) -> None:
    at = start()
    assert_clean(at)
    (toggle,) = local_toggles(at)
    assert toggle.value is False
    assert "内置离线起草" in sidebar_text(at)
    assert not at.sidebar.success and not at.sidebar.error  # nothing is started before it is chosen


def test_when_configured_local_the_model_is_not_offered_again_but_started(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIANBAO_LLM", "local")
    get_settings.cache_clear()
    with fake_openai([Reply("你好。")]) as server:
        on_port(monkeypatch, int(server.base_url.split(":")[-1].split("/")[0]))
        at = start()
    assert not local_toggles(at)
    assert "本地大模型已就绪" in sidebar_text(at)


# ---- chosen ----------------------------------------------------------------------------------------


def test_choosing_the_local_model_drafts_with_it_and_its_list_comes_back_as_prose(
    installed: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = "1. 本年度未收取信息处理费；\n2. 无其他需要报告的事项。"
    at = fill_requests_by_grid(new_draft(start()))
    send(at, "介绍工作情况")
    send(at, "其他：今年没有其他需要报告的事项")  # her other matters: 六 goes to the model
    with fake_openai([Reply(reply)]) as server:  # answers where the local server would
        on_port(monkeypatch, int(server.base_url.split(":")[-1].split("/")[0]))
        local_toggles(at)[0].set_value(True).run()
        assert "本地大模型已就绪" in sidebar_text(at) and "127.0.0.1" in sidebar_text(at)
        assert f"本地大模型：{QWEN_CODER_1_5B.alias}" in sidebar_text(at)
        at.button(key="draft-all").click().run()

    assert_clean(at)
    assert server.requests and {r["model"] for r in server.requests} == {QWEN_CODER_1_5B.alias}
    system = server.requests[0]["messages"][0]["content"]
    assert "不要写编号列表" in system  # the prompts tuned for the small local model
    assert "一是本年度未收取信息处理费。二是无其他需要报告的事项。" in stored(data_dir, at).report.part_text("六")


def test_a_server_that_went_away_is_noticed_on_the_next_page_run(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_openai([Reply("你好。")]) as server:
        on_port(monkeypatch, int(server.base_url.split(":")[-1].split("/")[0]))
        at = start(timeout=120)
        local_toggles(at)[0].set_value(True).run()
        assert "本地大模型已就绪" in sidebar_text(at)
    at.run()  # nothing listens any more: the app starts its own, which cannot load the sparse file
    assert "本地大模型已就绪" not in sidebar_text(at)
    assert "本地大模型服务启动失败" in " ".join(e.value for e in at.sidebar.error)


def test_a_local_model_that_cannot_start_says_why_and_drafting_stays_offline(installed: Path, data_dir: Path) -> None:
    at = start(timeout=120)
    local_toggles(at)[0].set_value(True).run()  # the sparse file is no model: the server exits at once
    assert_clean(at)
    errors = " ".join(e.value for e in at.sidebar.error)
    assert "本地大模型服务启动失败" in errors and "联系管理员" in errors
    assert "server-" not in errors and "/" not in errors  # the log's path is for the administrator
    assert [b for b in at.sidebar.button if b.key == "local-llm-retry"]
    send(new_draft(at), "请起草第六部分")
    assert_clean(at)
    draft = stored(data_dir, at)
    assert draft.report.part_text("六").strip()  # the offline drafter's text
    assert "本地大模型服务启动失败" in draft.chat[-1].content and "离线" in draft.chat[-1].content


# ---- messages in local mode ---------------------------------------------------------------------


def test_a_local_server_that_does_not_answer_says_so_and_how_to_start_it_not_openai_settings() -> None:
    from agents.draft import LLMDrafter
    from nianbao.drafting.example import example_next_year
    from nianbao.drafting.offline import draft_offline
    from nianbao.drafting.worknotes import WorkFact
    from nianbao.readers import read_report
    from tests.conftest import SEED

    settings = Settings(NIANBAO_LLM="local", NIANBAO_LOCAL_LLM_PORT=free_port(), NIANBAO_LLM_RETRIES=1)
    model = chat_model_from_settings(settings)
    assert model is not None
    cells = example_next_year(read_report(SEED))
    with pytest.raises(LLMError) as failure:
        other = [WorkFact(about="其他", text="今年没有其他需要报告的事项")]  # 六 goes to the model with her matters
        LLMDrafter(model).draft_part(draft_offline("鹿邑县人民政府", 2022, cells), "六", work=other)
    assert "本地大模型服务" in failure.value.message and "没有响应" in failure.value.message
    assert "make local-llm" in failure.value.message and "侧栏" in failure.value.message
    assert "OPENAI" not in failure.value.message


def test_figures_read_by_a_local_server_that_does_not_answer_fall_back_with_the_local_message() -> None:
    from agents.extract import extract_with_llm

    settings = Settings(NIANBAO_LLM="local", NIANBAO_LOCAL_LLM_PORT=free_port(), NIANBAO_LLM_RETRIES=0)
    model = chat_model_from_settings(settings)
    assert model is not None
    with pytest.raises(LLMError) as failure:
        extract_with_llm("今年共收到申请258件。", model)
    assert "本地大模型服务" in failure.value.message and "OPENAI" not in failure.value.message


# ---- the real server (make test-local-llm) ------------------------------------------------------


@pytest.fixture
def real_model(data_dir: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    wanted = str(request.config.getoption("markexpr", ""))
    if "local_llm" not in wanted or "not local_llm" in wanted:  # a plain `pytest` must not start a model server
        pytest.skip("本地模型测试只在 make test-local-llm（pytest -m local_llm）中运行")
    real = model_path(ROOT / "data")
    if not real.is_file() or importlib.util.find_spec("llama_cpp") is None:
        pytest.fail("本地模型未安装：请先运行 make local-llm")
    path = model_path(data_dir)
    path.parent.mkdir(parents=True)
    path.symlink_to(real)
    on_port(monkeypatch, free_port())
    return path


@pytest.mark.local_llm
def test_choosing_the_installed_model_starts_the_real_server_on_loopback(real_model: Path) -> None:
    at = start(timeout=300)
    local_toggles(at)[0].set_value(True).run()
    assert_clean(at)
    assert "本地大模型已就绪" in sidebar_text(at)
    settings = get_settings()
    server = local_server(settings)
    assert server.process is not None and server.process.poll() is None
    with urllib.request.urlopen(settings.local_llm_base_url + "/models", timeout=5) as answer:
        assert QWEN_CODER_1_5B.alias in answer.read().decode()
    at.run()  # a later page run reuses the same server
    assert local_server(settings).process is server.process


@pytest.mark.local_llm
def test_the_server_started_on_demand_stops_when_the_app_process_exits(real_model: Path, data_dir: Path) -> None:
    settings = get_settings()
    script = (
        "from nianbao.usecases.container import session_use_cases\n"
        "print(session_use_cases(False).models.start_local_model().message, flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "本地大模型已就绪" in done.stdout, done.stderr[-2000:]
    with pytest.raises(OSError):
        urllib.request.urlopen(settings.local_llm_base_url + "/models", timeout=5)


@pytest.mark.local_llm
def test_the_server_started_on_demand_dies_when_the_app_process_is_killed(real_model: Path) -> None:
    settings = get_settings()
    script = (  # started from a page run's thread, as Streamlit does; then the app runs until it is killed
        "import sys, threading\n"
        "from nianbao.localmodel import local_server\n"
        "from nianbao.usecases.container import session_use_cases\n"
        "models = session_use_cases(False).models\n"
        "page_run = threading.Thread(target=models.start_local_model)\n"
        "page_run.start(); page_run.join()\n"
        "process = local_server(models.settings).process\n"
        "print(process.pid if process else models.local_model_status().message, flush=True)\n"
        "sys.stdin.read()\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert app.stdout is not None
    started = app.stdout.readline().strip()
    try:
        assert started.isdigit(), started
        with urllib.request.urlopen(settings.local_llm_base_url + "/models", timeout=5) as answer:
            assert QWEN_CODER_1_5B.alias in answer.read().decode()
        app.kill()  # SIGKILL: no atexit runs
        app.wait()
        assert exits_within(int(started), 30)
        with pytest.raises(OSError):
            urllib.request.urlopen(settings.local_llm_base_url + "/models", timeout=5)
    finally:
        app.kill()
        app.communicate()
        if started.isdigit() and running(int(started)):  # the test failed: leave no server behind
            os.kill(int(started), signal.SIGKILL)


@pytest.mark.local_llm
def test_a_request_during_a_reply_waits_its_turn_and_does_not_cut_the_reply(real_model: Path) -> None:
    settings = get_settings().model_copy(update={"llm": "local"})
    local_server(settings).ensure()
    model = chat_model_from_settings(settings)
    assert model is not None
    finish, asked = None, False
    for chunk in model.stream("用三句话介绍政府信息公开工作。"):
        if chunk.content and not asked:  # the reply is streaming: another request comes in
            probe = threading.Thread(target=lambda: urllib.request.urlopen(settings.local_llm_base_url + "/models"))
            probe.start()
            asked = True
        finish = chunk.response_metadata.get("finish_reason") or finish
    probe.join(timeout=60)
    assert asked and finish in ("stop", "length")  # a cut reply ends without a finish reason


def test_make_run_uses_a_local_server_already_listening_and_leaves_it_running(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_openai([Reply("你好。")]) as server:
        on_port(monkeypatch, int(server.base_url.split(":")[-1].split("/")[0]))
        settings = get_settings().model_copy(update={"llm": "local"})
        code = run_beside([sys.executable, "-c", "import sys; sys.exit(3)"], settings)
        assert code == 3  # the sparse file would not load: no server of its own was started
        with urllib.request.urlopen(server.base_url + "/models", timeout=5) as answer:
            assert answer.status == 200
