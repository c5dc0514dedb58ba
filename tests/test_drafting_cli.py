"""``nianbao draft`` runs the whole flow: its output is a report ``nianbao check`` accepts, every cell as given."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from nianbao.checker import check_report
from nianbao.cli import main
from nianbao.commands.cells import cells_csv
from nianbao.model import Report
from nianbao.readers import read_report
from nianbao.schema import TableId
from nianbao.settings import get_settings
from tests.conftest import SEED, kb_settings
from tests.fake_openai import Reply, fake_openai

REQ = TableId.REQUESTS


@pytest.fixture
def cells_file(tmp_path: Path, cells: Report) -> Path:
    path = tmp_path / "cells_2022.csv"
    path.write_text(cells_csv(cells), encoding="utf-8")
    return path


@pytest.fixture
def work_file(tmp_path: Path) -> Path:
    """Her facts for 依申请公开, 五's problems and 六's other matters: with an LLM, that subsection of 一, 五 and 六
    are the model's (without her facts, the built-in drafter's)."""
    path = tmp_path / "work.txt"
    path.write_text(
        ("依申请公开：今年规范了依申请公开办理流程\n问题：政策解读形式还比较单一\n其他：今年没有其他需要报告的事项\n"),
        encoding="utf-8",
    )
    return path


def draft(*args: str) -> int:
    return main(["draft", "--agency", "鹿邑县人民政府", "--year", "2022", *args])


def cell_values(report: Report) -> list[tuple[str, str, str, object]]:
    return [(c.table.value, c.row, c.column, c.value) for c in report.cells]


@pytest.mark.parametrize("suffix", [".docx", ".md"])
def test_a_draft_from_a_cells_csv_checks_and_keeps_every_cell(
    tmp_path: Path, cells_file: Path, cells: Report, suffix: str
) -> None:
    out = tmp_path / f"draft{suffix}"
    status = draft("--facts", str(cells_file), "--previous", str(SEED), "--fact", "信息处理费=0", "--out", str(out))
    assert status == 0
    written = read_report(out)
    assert (written.agency, written.year) == ("鹿邑县人民政府", 2022)
    assert cell_values(written) == cell_values(cells)
    assert check_report(written, read_report(SEED)).errors == []
    assert main(["check", str(out), "--previous", str(SEED)]) == 0
    assert "未收取信息处理费" in written.part_text("六")


def test_a_draft_from_chinese_sentences_takes_last_years_carry_over(tmp_path: Path) -> None:
    facts = tmp_path / "facts.txt"
    facts.write_text(
        "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；"
        "予以公开190件（自然人175件、商业企业8件、其他7件），"
        "部分公开20件（自然人18件、商业企业2件），"
        "本机关不掌握相关政府信息48件（自然人47件、其他1件）；结转下年度继续办理0件。"
        "主动公开：制发行政规范性文件12件，废止3件，现行有效35件；规章制发0件，废止0件，现行有效0件。"
        "行政许可20000件，行政处罚3000件，行政强制400件，行政事业性收费2400万元。"
        "行政复议2件，维持1件，尚未审结1件；无行政诉讼。全年未收取信息处理费。",
        encoding="utf-8",
    )
    out = tmp_path / "draft.md"
    status = draft("--facts", str(facts), "--previous", str(SEED), "--out", str(out))
    written = read_report(out)
    assert status == 0
    assert written.value(REQ, "一", "总计") == 258
    assert written.value(REQ, "二", "总计") == 0  # 2021's 结转下年度
    assert "共新收政府信息公开申请258件" in written.part_text("一")
    assert "未收取信息处理费" in written.part_text("六")


def test_incomplete_figures_are_refused_with_the_missing_cells_named(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    facts = tmp_path / "facts.txt"
    facts.write_text("今年共收到申请258件。", encoding="utf-8")
    assert draft("--facts", str(facts), "--previous", str(SEED), "--out", str(tmp_path / "d.md")) == 2
    assert "数据还不完整" in capsys.readouterr().err
    assert not (tmp_path / "d.md").exists()


def test_llm_drafting_through_the_configured_endpoint(
    tmp_path: Path, cells_file: Path, work_file: Path, cells: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = cells.count(REQ, "一", "总计")
    one = f"2022年，我县共受理政府信息公开申请{received + 1}件。"
    fixed = f"2022年，我县共受理政府信息公开申请{received}件。"
    replies = [Reply(one), Reply(fixed), Reply("（一）上年度问题整改情况\n已整改。"), Reply("未收取信息处理费。")]
    out = tmp_path / "draft.md"
    with fake_openai(replies) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()
        try:
            args = ("--previous", str(SEED), "--work", str(work_file), "--llm", "--out", str(out))
            status = draft("--facts", str(cells_file), *args)
        finally:
            get_settings.cache_clear()
    written = read_report(out)
    assert status == 0
    assert len(server.requests) == 4
    assert fixed in written.part_text("一").split("\n")
    assert f"申请{received + 1}件" not in written.part_text("一")
    assert cell_values(written) == cell_values(cells)


def test_llm_without_a_configured_model_is_refused(tmp_path: Path, cells_file: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIANBAO_LLM", "offline")
    get_settings.cache_clear()
    try:
        assert draft("--facts", str(cells_file), "--previous", str(SEED), "--llm") == 2
    finally:
        get_settings.cache_clear()
    assert "没有配置大模型" in capsys.readouterr().err


def test_past_reports_come_from_the_knowledge_base(tmp_path: Path, cells_file: Path, cells: Report, capsys) -> None:  # type: ignore[no-untyped-def]
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(kb_settings(tmp_path / "data")).add(SEED)
    out = tmp_path / "draft.md"
    assert draft("--facts", str(cells_file), "--kb", str(tmp_path / "data"), "--out", str(out)) == 0
    assert "参考：鹿邑县人民政府 2021年度报告第一部分" in capsys.readouterr().err
    written = read_report(out)
    assert written.part_text("一").startswith("2022年以来，鹿邑县")
    assert cell_values(written) == cell_values(cells)


def test_a_draft_from_an_xlsx_of_cells(tmp_path: Path, cells: Report) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in cells_csv(cells).splitlines():
        sheet.append(line.split(","))
    facts = tmp_path / "figures.xlsx"
    book.save(facts)
    out = tmp_path / "draft.docx"
    assert draft("--facts", str(facts), "--previous", str(SEED), "--out", str(out)) == 0
    assert cell_values(read_report(out)) == cell_values(cells)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_with_the_local_model_configured_a_server_already_listening_is_used(
    tmp_path: Path,
    cells_file: Path,
    work_file: Path,
    cells: Report,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one = f"2022年，我县共受理政府信息公开申请{cells.count(REQ, '一', '总计')}件。"
    out = tmp_path / "draft.md"
    # A server listening where `make local-llm` would have started the model's.
    with fake_openai([Reply(one), Reply("已整改。"), Reply("未收取信息处理费。")]) as server:
        port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
        monkeypatch.setenv("NIANBAO_LLM", "local")
        monkeypatch.setenv("NIANBAO_LOCAL_LLM_PORT", str(port))
        monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))  # no model installed here
        get_settings.cache_clear()
        try:
            args = ("--previous", str(SEED), "--work", str(work_file), "--llm", "--out", str(out))
            status = draft("--facts", str(cells_file), *args)
        finally:
            get_settings.cache_clear()
        assert len(server.requests) == 3  # and it still answers: a server found running is left running
    assert status == 0
    assert one in read_report(out).part_text("一").split("\n")
    assert "正在连接本地大模型" in capsys.readouterr().err


def test_with_the_local_model_configured_but_not_installed_the_draft_says_how_to_install_it(
    tmp_path: Path, cells_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NIANBAO_LLM", "local")
    monkeypatch.setenv("NIANBAO_LOCAL_LLM_PORT", str(_free_port()))  # nothing listens there
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        status = draft("--facts", str(cells_file), "--previous", str(SEED), "--llm", "--out", str(tmp_path / "d.md"))
    finally:
        get_settings.cache_clear()
    assert status == 2
    error = capsys.readouterr().err
    assert "本地大模型尚未安装" in error and "make local-llm" in error
    assert not (tmp_path / "d.md").exists()


def test_a_lasting_llm_fault_keeps_the_finished_part_and_the_offline_text_of_the_rest(
    tmp_path: Path,
    cells_file: Path,
    work_file: Path,
    cells: Report,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The app's fallback policy (nianbao.usecases.drafting), not a second one: nothing drafted is lost."""
    one = f"2022年，我县共受理政府信息公开申请{cells.count(REQ, '一', '总计')}件。"
    out = tmp_path / "draft.md"
    with fake_openai([Reply(one), *[Reply(status=500)] * 4]) as server:  # 五: the first try and 3 retries
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()
        try:
            args = ("--previous", str(SEED), "--work", str(work_file), "--llm", "--out", str(out))
            status = draft("--facts", str(cells_file), *args)
            written = read_report(out)  # reads the settings: while the endpoint's are set, not cached past them
        finally:
            get_settings.cache_clear()
    assert status == 0
    assert one in written.part_text("一").split("\n")
    assert written.part_text("五").strip() and written.part_text("六").strip()  # the offline draft's
    summary = capsys.readouterr().err
    assert "服务器错误" in summary and "未完成的部分已改用离线起草的结果" in summary


def test_a_refusal_says_which_of_the_files_words_were_not_understood(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    facts = tmp_path / "facts.txt"
    facts.write_text("今年共收到申请258件。行政诉讼1件，维持1件。", encoding="utf-8")
    assert draft("--facts", str(facts), "--previous", str(SEED), "--out", str(tmp_path / "d.md")) == 2
    said = capsys.readouterr().err
    assert "没有读懂或需要说明" in said
    assert "行政诉讼1件" in said.split("数据还不完整")[0]  # the clause she wrote, before the missing cells
