"""`nianbao kb …`: a thin Chinese layer over the knowledge base; user errors exit 2 with a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LUYI_2022 = Path(__file__).resolve().parent / "fixtures" / "kb" / "luyi_2022_fixture.txt"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NIANBAO_EMBEDDINGS", "local")
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("CHROMA_PORT", raising=False)
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["kb", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_add_list_search_and_figures(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    status, out, _ = run(capsys, "add", str(CORPUS), str(LUYI_2022))
    assert status == 0 and out.count("[已添加]") == 4
    assert (data_dir / "chroma").is_dir()
    status, out, _ = run(capsys, "list")
    assert status == 0 and len(out.strip().splitlines()) == 4 and "淮安市人民政府  2024 年度  市级" in out
    status, out, _ = run(capsys, "search", "信息处理费收了多少", "-k", "2", "--agency", "淮安")
    assert status == 0 and out.startswith("1. 淮安市人民政府 2024 年度 第六部分") and "3940" in out
    status, out, _ = run(capsys, "search", "存在的问题", "--section", "五", "--year", "2025")
    assert status == 0 and "沐阳县人民政府 2025 年度 第五部分" in out and "第一部分" not in out
    status, out, _ = run(capsys, "figures", "--agency", "鹿邑县")
    lines = out.splitlines()
    assert status == 0 and lines[1].split("\t")[-2:] == ["2021年", "2022年"]
    assert "依申请公开\t一 本年新收政府信息公开申请数量\t总计\t223\t207" in lines


def test_show_remove_and_stats(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", str(CORPUS / "luyi_2021.txt"))
    report_id = run(capsys, "list")[1].split()[0]
    status, out, _ = run(capsys, "show", report_id)
    assert status == 0 and "一、总体情况" in out and "核对：" in out
    status, out, _ = run(capsys, "stats")
    assert status == 0 and "报告 1 份" in out and "local-ngram-hash-v1" in out
    status, out, _ = run(capsys, "remove", report_id)
    assert status == 0 and out.startswith("已删除")
    assert "知识库为空" in run(capsys, "list")[1]


def test_adding_the_same_report_for_the_same_year_needs_replace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "add", str(CORPUS / "luyi_2021.txt"))
    revised = tmp_path / "luyi_revised.txt"
    revised.write_text((CORPUS / "luyi_2021.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "add", str(revised))
    assert status == 2 and "--replace" in out
    status, out, _ = run(capsys, "add", str(revised), "--replace")
    assert status == 0 and "[已替换]" in out


def test_a_file_that_is_not_a_report_exits_2_with_a_chinese_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("会议通知：请各单位准时参加。", encoding="utf-8")
    status, out, _ = run(capsys, "add", str(notes))
    assert status == 2 and "[失败]" in out and "年度报告" in out


def test_missing_body_and_year_are_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    untitled = Path(__file__).resolve().parent / "fixtures" / "kb" / "untitled_fixture.txt"
    status, out, _ = run(capsys, "add", str(untitled))
    assert status == 2 and "--agency" in out
    status, out, _ = run(capsys, "add", str(untitled), "--agency", "鹿邑县人民政府", "--year", "2021")
    assert status == 0 and "[已添加]" in out


def test_an_unknown_id_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "show", "0000deadbeef")
    assert status == 2 and err.startswith("错误：") and "没有 ID" in err


def test_the_corpus_is_loaded_once(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "load-corpus", str(CORPUS))
    assert status == 0 and out.count("[已添加]") == 3
    status, out, _ = run(capsys, "load-corpus", str(CORPUS))
    assert status == 0 and "未重复载入" in out


def test_reindex_reports_the_paragraph_count(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", str(CORPUS / "luyi_2021.txt"))
    status, out, _ = run(capsys, "reindex")
    assert status == 0 and "重建索引" in out and "local-ngram-hash-v1" in out
