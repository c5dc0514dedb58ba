"""`nianbao review`, run as a user runs it: files or knowledge-base ids, text, JSON or an HTML page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from nianbao.kb.service import KnowledgeBase
from nianbao.readers import read_report
from nianbao.settings import Settings
from nianbao.writers.docx import write_docx
from tests.conftest import FIXTURES, SEED

DRAFT = FIXTURES / "review" / "luyi_2022_draft.txt"


def nianbao(*args: str, cwd: Path, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command in ``cwd`` (no .env there) with its own data folder."""
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir or cwd / "data"), "NIANBAO_EMBEDDINGS": "local"}
    env.pop("CHROMA_HOST", None)
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "review", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        cwd=cwd,
        env=env,
    )


def test_review_with_last_years_file_prints_every_item_and_exits_0(tmp_path: Path) -> None:
    result = nianbao(str(DRAFT), "--previous", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "对照标准格式和上年报告" in result.stdout
    assert "错误 0 项，提醒 8 项" in result.stdout
    assert "(内容雷同)" in result.stdout and "(上年度问题整改)" in result.stdout
    assert "依申请公开 / 一 本年新收政府信息公开申请数量 / 总计：480 | 223 | +257 | +115.2%" in result.stdout
    assert not (tmp_path / "data").exists()


def test_review_json_is_one_object_with_items_cells_and_parts(tmp_path: Path) -> None:
    result = nianbao(str(DRAFT), "--previous", str(SEED), "--json", cwd=tmp_path)
    payload = json.loads(result.stdout)
    assert payload["mode"] == "last_year"
    assert len(payload["items"]) == 8
    assert {"id", "kind", "severity", "location", "message", "place"} <= set(payload["items"][0])
    assert any(c["row"] == "一" and c["column"] == "总计" and c["change"] == 257 for c in payload["cells"])


def test_review_html_writes_a_page_that_parses(tmp_path: Path) -> None:
    out = tmp_path / "审阅.html"
    result = nianbao(str(DRAFT), "--previous", str(SEED), "--html", str(out), cwd=tmp_path)
    assert result.returncode == 0
    assert f"已写入审阅页面：{out}" in result.stdout
    root = etree.fromstring(out.read_bytes())
    assert root.get("lang") == "zh-CN"


def test_review_exits_1_when_the_draft_has_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    text = DRAFT.read_text(encoding="utf-8")
    broken.write_text(text.replace("\t380\t5\t0\t3\t1\t4\t393", "\t380\t5\t0\t3\t1\t4\t394"), encoding="utf-8")
    result = nianbao(str(broken), "--previous", str(SEED), cwd=tmp_path)
    assert result.returncode == 1
    assert "arith.row_total" in result.stdout


@pytest.mark.parametrize("missing", ["nosuch.txt", "a1b2c3d4"])
def test_review_exits_2_with_a_chinese_message_when_a_report_cannot_be_had(tmp_path: Path, missing: str) -> None:
    result = nianbao(str(DRAFT), "--previous", missing, cwd=tmp_path)
    assert result.returncode == 2
    assert "找不到文件" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_review_without_previous_takes_last_year_from_the_knowledge_base_and_ids_work(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(_env_file=None, NIANBAO_DATA_DIR=data, NIANBAO_EMBEDDINGS="local")  # type: ignore[call-arg]
    added = KnowledgeBase(settings).add(SEED)
    seed_id = added[0].report.id if added[0].report else ""
    found = nianbao(str(DRAFT), cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert f"提示：对照知识库中的鹿邑县人民政府 2021 年度报告（ID {seed_id}）。" in found.stderr
    assert "对照报告：luyi_2021.txt（2021 年度）" in found.stdout
    by_id = nianbao(str(DRAFT), "--previous", seed_id, "--json", cwd=tmp_path)
    assert json.loads(by_id.stdout)["previous_year"] == 2021


PROBE = """
import sys
from nianbao.cli import main
status = main({argv!r})
print("MODULES", *sorted(m for m in sys.modules if m.startswith(("chromadb", "numpy", "nianbao.kb"))))
sys.exit(status)
"""


def test_review_finds_last_year_in_the_records_without_opening_chroma(tmp_path: Path) -> None:
    data = tmp_path / "data"
    KnowledgeBase(Settings(_env_file=None, NIANBAO_DATA_DIR=data, NIANBAO_EMBEDDINGS="local")).add(SEED)  # type: ignore[call-arg]
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data), "NIANBAO_EMBEDDINGS": "local"}
    env.pop("CHROMA_HOST", None)
    probe = PROBE.format(argv=["review", str(DRAFT)])
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "对照报告：luyi_2021.txt（2021 年度）" in result.stdout
    loaded = set(result.stdout.rpartition("MODULES")[2].split())
    assert "nianbao.kb.lastyear" in loaded
    assert not {m for m in loaded if m.startswith(("chromadb", "numpy", "nianbao.kb.service", "nianbao.kb.store"))}


def test_review_without_previous_and_without_a_knowledge_base_checks_against_the_template(tmp_path: Path) -> None:
    result = nianbao(str(DRAFT), cwd=tmp_path)
    assert result.returncode == 0
    assert "下没有知识库，未找到鹿邑县人民政府 2021 年度报告，只对照标准格式审阅。" in result.stderr
    assert "审阅方式：对照标准格式\n" in result.stdout
    assert "错误 0 项，提醒 0 项" in result.stdout


def test_review_reads_a_docx_draft_like_the_text_one(tmp_path: Path) -> None:
    docx = tmp_path / "草稿.docx"
    docx.write_bytes(write_docx(read_report(DRAFT)))
    as_docx = json.loads(nianbao(str(docx), "--previous", str(SEED), "--json", cwd=tmp_path).stdout)
    as_text = json.loads(nianbao(str(DRAFT), "--previous", str(SEED), "--json", cwd=tmp_path).stdout)
    assert [(i["kind"], i["severity"]) for i in as_docx["items"]] == [
        (i["kind"], i["severity"]) for i in as_text["items"]
    ]
