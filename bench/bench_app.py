"""Chat figures through the real app (AppTest), offline: message → proposal shown, and 应用 → table updated.

    .venv/bin/python bench/bench_app.py [--rounds 20]

Each round sends one message with a year's figures to a fresh draft and times the script run that
shows the proposal (reply streamed with old → new, pending change saved, 应用/放弃 shown), then the
run after 应用 (draft saved, grids redrawn with the new values). Also timed: the service call alone
(extract + derive + check, no page). Target: ≤ 1 s for each step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MESSAGE = (
    "今年共收到申请{total}件，其中自然人{people}件、商业企业10件、其他8件；予以公开190件。"
    "行政复议2件，维持1件，尚未审结1件"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def app_turns(rounds: int) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    proposed, applied = [], []
    for index in range(rounds):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.text_input(key="new-agency").set_value(f"测试县{index}人民政府")
        at.button(key="new-start").click().run()
        people = 200 + index
        at.chat_input(key="chat").set_value(MESSAGE.format(total=people + 18, people=people))
        start = time.perf_counter()
        at.run()
        proposed.append(time.perf_counter() - start)
        assert any("拟修改" in m.markdown[0].value for m in at.chat_message), "no proposal shown"
        at.button(key=f"apply-{at.query_params['d']}").click()
        start = time.perf_counter()
        at.run()
        applied.append(time.perf_counter() - start)
        editor = next(d for d in at.data_editor if "依申请公开" in (d.key or ""))
        assert editor.value.iloc[0]["自然人"] == str(people), "the table did not update"
    return proposed, applied


def use_case_turns(rounds: int) -> list[float]:
    from nianbao.usecases.container import session_use_cases
    from nianbao.usecases.intake import findings_of, new_report

    intake = session_use_cases(False).intake
    timings = []
    for index in range(rounds):
        report = new_report("测试县人民政府", 2024)
        start = time.perf_counter()
        result = intake.figures_turn(report, MESSAGE.format(total=218 + index, people=200 + index))
        assert result is not None, "the message gave no figures"
        findings_of(result.report)
        timings.append(time.perf_counter() - start)
    return timings


def show(name: str, timings: list[float]) -> None:
    print(
        f"{name:<44} n={len(timings):<3} mean {statistics.mean(timings) * 1000:7.1f} ms   "
        f"p50 {percentile(timings, 0.5) * 1000:7.1f} ms   p95 {percentile(timings, 0.95) * 1000:7.1f} ms   "
        f"max {max(timings) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-app-") as folder:
        os.environ["NIANBAO_DATA_DIR"] = folder
        os.environ["NIANBAO_LLM"] = "offline"
        os.environ["CHROMA_HOST"] = ""
        os.environ.pop("CHROMA_PORT", None)
        from nianbao.settings import get_settings

        get_settings.cache_clear()
        app_turns(1)  # warm-up: imports, the knowledge base opened once
        proposed, applied = app_turns(args.rounds)
        show("chat message → proposal shown (AppTest run)", proposed)
        show("应用 → table updated (AppTest run)", applied)
        show("use case only (extract, derive, check)", use_case_turns(args.rounds))
    print("target: ≤ 1000 ms for each step, offline")


if __name__ == "__main__":
    main()
