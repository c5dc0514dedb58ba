"""Intake benchmark: from a chat message with figures to the proposal applied and checked (target ≤ 1 s offline),
and every clerk message of tests/fixtures/intake/clerk_messages.json to its proposal (target p95 ≤ 300 ms).

Run: .venv/bin/python bench/bench_intake.py
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.extract import propose_from_message  # noqa: E402
from agents.llm import chat_model_from_settings  # noqa: E402
from nianbao.checker import check_report  # noqa: E402
from nianbao.commands.cells import cells_csv  # noqa: E402
from nianbao.errors import NianbaoError  # noqa: E402
from nianbao.intake import carry_over, extract, preview, read_spreadsheet  # noqa: E402
from nianbao.intake.reading import propose_message  # noqa: E402
from nianbao.model import empty_report  # noqa: E402
from nianbao.readers import read_report  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from tests.fake_openai import Reply, fake_openai  # noqa: E402

SEED = ROOT / "corpus" / "luyi_2021.txt"
CLERK_MESSAGES = ROOT / "tests" / "fixtures" / "intake" / "clerk_messages.json"
MESSAGE = (
    "今年共收到政府信息公开申请二百二十三件，其中自然人210件、商业企业3件、社会组织2件、其他8件，科研机构和法律服务机构均为0。"
    "上年结转0件。予以公开185件，其中自然人177件、企业3件、社会组织2件、其他3件；部分公开8件，其中自然人8件。"
    "不予公开中，属于三类内部事务信息1件、属于行政执法案卷1件，均为自然人；属于国家秘密0件，其他法律行政法规禁止公开0件，"
    "危及“三安全一稳定”0件，保护第三方合法权益0件，属于四类过程性信息0件，属于行政查询事项0件。"
    "本机关不掌握相关政府信息15件，其中自然人15件；没有现成信息需要另行制作1件，其中自然人1件；补正后申请内容仍不明确0件。"
    "信访举报投诉类申请8件，其中自然人4件、其他4件；重复申请1件，其中自然人1件；要求提供公开出版物0件；"
    "无正当理由大量反复申请2件，其中自然人2件；要求行政机关确认或重新出具已获取信息0件。"
    "逾期不补正0件，未按收费通知缴纳费用0件，其他处理中其他1件，其中其他1件。结转下年度继续办理0件。"
    "行政复议1件，维持1件；未发生行政诉讼。"
    "本年制发规范性文件10件、废止8件、现行有效26件；规章制发0件、废止0件、现行有效0件。"
    "行政许可决定20815件，行政处罚3326件，行政强制427件，行政事业性收费24609543元。"
)


def timed(label: str, run: Callable[[], object], repeat: int = 20) -> float:
    run()  # warm-up: imports and rule registry
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{label:<46} median {median * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms   (n={repeat})")
    return median


def message_to_checked_draft() -> int:
    draft = empty_report()
    extraction = extract(MESSAGE, draft.format)
    proposal = preview(draft, extraction.changes, notes=extraction.notes)
    result = check_report(proposal.report)
    return len(result.errors)


def llm_answer(extraction_changes: list) -> str:
    """What a perfect model would answer: every figure the built-in extractor found, as JSON."""
    figures = [
        {"table": c.table.value, "row": c.row, "column": c.column, "value": str(c.new), "quote": c.source_text}
        for c in extraction_changes
    ]
    return json.dumps({"figures": figures}, ensure_ascii=False)


def time_llm_path(answer: str) -> float:
    """The LLM path (ChatOpenAI, JSON mode, streamed) around a zero-latency local endpoint."""
    with fake_openai([Reply(answer, chunk_size=256)]) as server:
        settings = Settings(OPENAI_API_KEY="bench", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, timeout=10, max_retries=0)
        assert model is not None

        def run() -> int:
            proposal = propose_from_message(MESSAGE, empty_report(), model, method="json_mode")
            return len(check_report(proposal.report).errors)

        proposal = propose_from_message(MESSAGE, empty_report(), model, method="json_mode")
        filled = sum(1 for c in proposal.report.cells if c.value is not None)
        print(f"LLM path: {filled}/200 cells filled, {len(proposal.notes)} notes, errors {run()}")
        return timed("LLM path around a zero-latency fake endpoint", run, repeat=10)


def clerk_messages_p95(rounds: int = 5) -> float:
    """Each turn of every clerk case proposed on the draft its earlier turns made (refusals included)."""
    cases = json.loads(CLERK_MESSAGES.read_text(encoding="utf-8"))["cases"]
    times: list[float] = []
    for _ in range(rounds):
        for case in cases:
            draft = empty_report()
            for text in case["turns"]:
                start = time.perf_counter()
                with contextlib.suppress(NianbaoError):
                    draft = propose_message(draft, text).report
                times.append(time.perf_counter() - start)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(
        f"clerk messages -> proposal: {len(times)} proposals ({len(cases)} cases), "
        f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms"
    )
    return p95


def main() -> None:
    seed = read_report(SEED)
    draft = empty_report()
    extraction = extract(MESSAGE)
    proposal = preview(draft, extraction.changes)
    filled = sum(1 for c in proposal.report.cells if c.value is not None)
    same = sum(1 for c in proposal.report.cells if c.value == seed.value(c.table, c.row, c.column))
    print(f"message: {len(MESSAGE)} characters, {len(extraction.changes)} cells said, {len(extraction.notes)} notes")
    print(
        f"draft after intake: {filled}/{len(draft.cells)} cells filled, {same} equal to the seed's, "
        f"{len(proposal.changes) - len(extraction.changes)} derived, errors {message_to_checked_draft()}"
    )
    print(f"still missing: {proposal.missing or '无'}")
    with tempfile.TemporaryDirectory() as tmp:
        cells = Path(tmp) / "cells.csv"
        cells.write_text(cells_csv(seed), encoding="utf-8")
        total = timed("chat message -> proposal applied and checked", message_to_checked_draft)
        timed("extract only", lambda: extract(MESSAGE))
        full = read_report(ROOT / "corpus" / "huaian_2024.pdf")
        edit = extract("行政处罚3400件，行政复议351件，其中维持72件").changes
        timed("a message applied to a full published report", lambda: check_report(preview(full, edit).report))
        timed("cells CSV (200 cells) -> proposal", lambda: preview(empty_report(), read_spreadsheet(cells).changes))
        timed("carry-over from last year -> proposal", lambda: preview(empty_report(), carry_over(seed).changes))
    p95 = clerk_messages_p95()
    llm = time_llm_path(llm_answer(extraction.changes))
    print(f"LLM path excluding the model (target <= 1000 ms): {llm * 1000:.1f} ms")
    verdict = "OK" if total <= 1.0 else "TOO SLOW"
    print(f"target <= 1000 ms for a chat message: {total * 1000:.1f} ms {verdict}")
    print(f"target p95 <= 300 ms for a clerk message: {p95 * 1000:.1f} ms {'OK' if p95 <= 0.3 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
