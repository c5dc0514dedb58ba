"""The `nianbao check` and `nianbao cells` commands, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, FIXTURES, SEED


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def test_check_on_a_clean_report_exits_0_and_names_the_format() -> None:
    result = nianbao("check", str(SEED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "鹿邑县人民政府 2021" in result.stdout
    assert "2021 年格式" in result.stdout


def test_check_exits_1_when_a_rule_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(
        SEED.read_text(encoding="utf-8").replace("\t177\t3\t0\t2\t0\t3\t185", "\t177\t3\t0\t2\t0\t3\t186")
    )
    result = nianbao("check", str(broken))
    assert result.returncode == 1
    assert "arith.row_total" in result.stdout
    assert "应为：185" in result.stdout and "实为：186" in result.stdout


def test_check_exits_2_with_a_chinese_message_when_a_file_is_not_a_report(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要\n今天讨论了三件事。\n", encoding="utf-8")
    result = nianbao("check", str(notes))
    assert result.returncode == 2
    assert "不是一份政府信息公开工作年度报告" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_piped_into_a_reader_that_stops_ends_without_a_traceback() -> None:
    # `nianbao check … | head`: the reader closes the pipe before the command writes.
    command = [sys.executable, "-m", "nianbao.cli", "check", str(SEED), str(SEED), str(CORPUS / "shuyang_2025.md")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        errors = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=120) == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_check_json_prints_one_object_per_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = nianbao("check", "--json", str(SEED), str(empty))
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in objects] == ["ok", "unreadable"]
    assert objects[0]["agency"] == "鹿邑县人民政府" and objects[0]["format"] == "2021"
    assert objects[1]["reason"] == "empty"
    assert result.returncode == 2


def test_cells_prints_all_200_cells_in_canonical_order() -> None:
    result = nianbao("cells", str(SEED))
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["table", "row", "column", "value"]
    assert len(rows) == 201
    assert rows[1] == ["主动公开", "规章", "本年制发件数", "0"]
    assert ["主动公开", "行政事业性收费", "本年收费金额", "2460.9543"] in rows
    assert ["依申请公开", "三.六.3", "其他", "1"] in rows
    assert rows[-1] == ["复议诉讼", "行政诉讼/复议后起诉", "总计", "0"]


def test_every_corpus_report_reads_as_2021_format() -> None:
    for path in sorted(CORPUS.iterdir()):
        result = nianbao("check", "--json", str(path))
        payload = json.loads(result.stdout)
        assert payload["format"] == "2021", path
        assert payload["status"] in ("ok", "failed"), path


def test_cells_says_on_stderr_how_many_cells_it_could_not_read() -> None:
    result = nianbao("cells", str(FIXTURES / "layouts" / "one_row_other_nonzero.txt"))
    assert result.returncode == 0
    assert "有 6 个单元格未能确定读出" in result.stderr
    assert "有" not in nianbao("cells", str(SEED)).stderr


def test_check_says_how_many_cells_it_could_not_read() -> None:
    result = nianbao("check", str(FIXTURES / "layouts" / "garbled_lost_cells.md"))
    assert "有 17/200 个单元格未能确定读出" in result.stdout
    assert "未能确定读出" not in nianbao("check", str(SEED)).stdout
