"""`nianbao check` without --previous: a report that compares a figure with last year is checked against last
year's report of the same body in the knowledge base (NIANBAO_DATA_DIR), read from its SQLite records alone."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.claims.changes import states_a_change
from nianbao.readers import read_report
from tests.conftest import FIXTURES, SEED

DRAFT_2022 = FIXTURES / "review" / "luyi_2022_draft.txt"
SAID = "全县各单位共受理政府信息公开申请480件，"
WRONG = "本年新收政府信息公开申请480件，同比增加57件，"  # 2021: 223, so 增加257件
RIGHT = "本年新收政府信息公开申请480件，同比增加257件，"
PROBE = """
import sys
from nianbao.cli import main
status = main({argv!r})
print("MODULES", *sorted(m for m in sys.modules if m.startswith(("chromadb", "numpy", "nianbao.kb"))))
sys.exit(status)
"""


def nianbao(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data_dir), "NIANBAO_EMBEDDINGS": "local"}
    command = [sys.executable, "-c", PROBE.format(argv=list(args))]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)


def report_2022(tmp_path: Path, sentence: str) -> Path:
    path = tmp_path / "鹿邑2022.txt"
    text = DRAFT_2022.read_text(encoding="utf-8")
    assert SAID in text
    path.write_text(text.replace(SAID, sentence), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base on disk holding 鹿邑 2021, added as a user adds it."""
    data_dir = tmp_path_factory.mktemp("kb")
    added = nianbao(data_dir, "kb", "add", str(SEED))
    assert added.returncode == 0, added.stdout + added.stderr
    return data_dir


def loaded(result: subprocess.CompletedProcess[str]) -> set[str]:
    return set(result.stdout.rpartition("MODULES")[2].split())


def test_a_wrong_change_is_an_error_against_last_year_in_the_knowledge_base(tmp_path: Path, store: Path) -> None:
    result = nianbao(store, "check", str(report_2022(tmp_path, WRONG)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "同比核对：对照知识库中的鹿邑县人民政府 2021 年度报告（ID " in result.stdout
    assert "[错误] narrative.change" in result.stdout
    assert "应为：增加257件  实为：增加57件" in result.stdout
    assert not {m for m in loaded(result) if m.startswith(("chromadb", "numpy"))}


def test_a_right_change_passes_and_json_names_last_years_report(tmp_path: Path, store: Path) -> None:
    result = nianbao(store, "check", "--json", str(report_2022(tmp_path, RIGHT)))
    payload = json.loads(result.stdout.splitlines()[0])
    assert result.returncode == 0, result.stdout
    assert payload["last_year"].startswith("对照知识库中的鹿邑县人民政府 2021 年度报告")
    assert not [f for f in payload["findings"] if f["rule"] == "narrative.change"]


def test_a_kb_add_writing_meanwhile_does_not_hold_the_check_up(tmp_path: Path, store: Path) -> None:
    adding = sqlite3.connect(store / "nianbao_kb.sqlite3", isolation_level=None)
    adding.execute("BEGIN IMMEDIATE")  # an add holds the write lock for its whole write
    try:
        started = time.monotonic()
        result = nianbao(store, "check", str(report_2022(tmp_path, WRONG)))
        took = time.monotonic() - started
    finally:
        adding.execute("ROLLBACK")
        adding.close()
    assert result.returncode == 1 and "同比核对：对照知识库中的鹿邑县人民政府 2021 年度报告" in result.stdout
    assert took < 20  # the store's own opening (a write transaction) waited for the add: 30 s, then failed


def test_without_a_knowledge_base_the_output_says_no_change_was_checked(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    result = nianbao(empty, "check", str(report_2022(tmp_path, WRONG)))
    assert result.returncode == 0, result.stdout
    assert f"同比核对：{empty} 下没有知识库，未找到鹿邑县人民政府 2021 年度报告，未核对同比变化" in result.stdout
    assert "narrative.change" not in result.stdout
    assert not empty.exists()  # nothing is created just to look


def test_a_store_without_the_body_says_so(tmp_path: Path, store: Path) -> None:
    other = report_2022(tmp_path, WRONG)
    other.write_text(other.read_text(encoding="utf-8").replace("鹿邑县", "郸城县"), encoding="utf-8")
    result = nianbao(store, "check", str(other))
    assert "同比核对：知识库中没有郸城县人民政府 2021 年度报告，未核对同比变化" in result.stdout
    assert "narrative.change" not in result.stdout


def test_a_report_comparing_nothing_never_opens_the_knowledge_base(tmp_path: Path, store: Path) -> None:
    result = nianbao(store, "check", str(DRAFT_2022))
    assert "同比核对" not in result.stdout
    assert not {m for m in loaded(result) if m.startswith("nianbao.kb")}


def test_previous_given_is_used_and_the_knowledge_base_is_not_opened(tmp_path: Path, store: Path) -> None:
    result = nianbao(store, "check", str(report_2022(tmp_path, WRONG)), "--previous", str(SEED))
    assert result.returncode == 1
    assert "同比核对" not in result.stdout
    assert not {m for m in loaded(result) if m.startswith("nianbao.kb")}


@pytest.mark.parametrize(
    ("sentence", "compares"),
    [
        (WRONG, True),
        ("本年新收政府信息公开申请480件，较上年有所增加，", True),
        ("本年新收政府信息公开申请480件，与上年持平，", True),
        ("本年新收政府信息公开申请480件，增幅115.25%，", True),
        ("本年新收政府信息公开申请480件，", False),
        ("本年新收政府信息公开申请480件，较上年更加规范，", False),
    ],
)
def test_a_report_states_a_change_only_when_it_compares_a_figure_with_last_year(
    tmp_path: Path, sentence: str, compares: bool
) -> None:
    assert states_a_change(read_report(report_2022(tmp_path, sentence))) is compares
