"""Drafting benchmark: the offline full draft (target ≤ 2 s), the LLM pipeline around a
zero-latency fake OpenAI endpoint (target ≤ 1 s excluding the model), and what the offline
draft leaves to a person: per corpus pair and part 一/五/六, the numbers that fail verification
and the sentences marked 【待核实】 (next year's figures made up by ``example_next_year``,
信息处理费 = 0, as in bench_local_llm.py; ``--marks`` lists each failing number and its sentence).

The pipeline figure is the whole ``LLMDrafter.draft_all`` (offline base, retrieval, prompts,
three streamed parts through the real openai/langchain client over local HTTP, one fix round
for a wrong number, verification) minus the time the scripted server spent answering.

The interview figure is one chat turn of the drafting interview as the app runs it (the saved state read,
the questions planned from the body's last report in a real knowledge base, the answer filed, the next
question asked, the state saved); the offline draft is also timed with five work items given.

Run: .venv/bin/python bench/bench_drafting.py [--marks]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.draft import LLMDrafter  # noqa: E402
from agents.llm import chat_model_from_settings  # noqa: E402
from nianbao.checker import check_report  # noqa: E402
from nianbao.drafting import interview  # noqa: E402
from nianbao.drafting.example import example_next_year  # noqa: E402
from nianbao.drafting.kbsource import KnowledgeBaseSource  # noqa: E402
from nianbao.drafting.marks import CARRIED  # noqa: E402
from nianbao.drafting.offline import draft_offline  # noqa: E402
from nianbao.drafting.sources import ReportList  # noqa: E402
from nianbao.drafting.verify import Status, check_numbers, count_marked  # noqa: E402
from nianbao.drafting.worknotes import WorkFact  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.readers import read_report  # noqa: E402
from nianbao.schema import TableId  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from tests.fake_openai import Reply, fake_openai  # noqa: E402

CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md", ".pdf"))
FACTS = {"信息处理费": 0}


def timed(label: str, run: Callable[[], object], repeat: int = 10) -> float:
    run()  # warm-up: imports, rule registry, HTTP client
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{label:<52} median {median * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms   (n={repeat})")
    return median


def bench_offline() -> float:
    worst = 0.0
    for path in CORPUS:
        last = read_report(path)
        cells = example_next_year(last)
        source = ReportList([last])
        year = (last.year or 0) + 1

        def run(last=last, cells=cells, source=source, year=year) -> None:
            draft = draft_offline(last.agency or "", year, cells, source)
            assert check_report(draft.report, last).ok

        worst = max(worst, timed(f"offline draft + check: {path.name}", run))
    return worst


WORK = [
    WorkFact(about="主动公开", text="今年开了2次新闻发布会"),
    WorkFact(about="依申请公开", text="上线了依申请公开网上办理系统"),
    WorkFact(about="政府信息管理", text="完成了政府信息公开保密审查制度的修订"),
    WorkFact(about="平台建设", text="县政府门户网站完成了适老化改造"),
    WorkFact(about="监督保障", text="组织了全县政务公开业务培训3次"),
]


def bench_with_work() -> float:
    last = read_report(ROOT / "corpus" / "luyi_2021.txt")
    cells = example_next_year(last)

    def run() -> None:
        draft = draft_offline("鹿邑县人民政府", 2022, cells, ReportList([last]), FACTS, WORK)
        assert "召开新闻发布会2次" in draft.report.part_text("一")

    return timed("offline draft, five work items: luyi_2021.txt", run)


def bench_interview() -> float:
    with TemporaryDirectory() as folder:
        kb = KnowledgeBase(Settings(_env_file=None, NIANBAO_DATA_DIR=Path(folder) / "data", NIANBAO_ADMIN_PASSWORD=""))  # type: ignore[call-arg]
        kb.add([ROOT / "corpus" / "luyi_2021.txt"])
        source = KnowledgeBaseSource(kb)
        saved = {"interview": interview.Interview().model_dump(mode="json")}

        def run() -> None:
            state = interview.Interview.model_validate(saved["interview"])
            plan = interview.plan_for(source, "鹿邑县人民政府", 2022)
            state.asked = plan.questions[0]
            reply = interview.reply_to(state, "今年开了2次新闻发布会，培训3次，上线了依申请公开系统", plan)
            assert reply is not None and "已记下" in reply
            state.model_dump(mode="json")

        return timed("interview turn (knowledge base, plan, answer, state)", run, repeat=20)


def bench_pipeline() -> float:
    last = read_report(ROOT / "corpus" / "luyi_2021.txt")
    cells = example_next_year(last)
    received = cells.count(TableId.REQUESTS, "一", "总计")
    one = f"2022年，我县共受理政府信息公开申请{received}件，依法依规办理。"
    replies = [
        Reply(f"2022年，我县共受理政府信息公开申请{received + 3}件，依法依规办理。", chunk_size=4),
        Reply(one, chunk_size=4),
        Reply(
            "（一）上年度问题整改情况\n已逐项整改。\n（二）存在的主要问题及改进措施\n队伍建设仍需加强。", chunk_size=4
        ),
        Reply("2022年，我县未收取信息处理费。", chunk_size=4),
    ]
    with fake_openai(replies) as server:
        settings = Settings(OPENAI_API_KEY="bench", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake")
        model = chat_model_from_settings(settings, max_retries=0)
        assert model is not None
        drafter = LLMDrafter(model, ReportList([last]))
        work = [  # her facts: 一's subsection, 五 and 六 are the model's
            WorkFact(about="依申请公开", text="今年规范了依申请公开办理流程"),
            WorkFact(about="问题", text="队伍建设仍需加强"),
            WorkFact(about="其他", text="今年没有其他需要报告的事项"),
        ]

        def run() -> None:
            server.requests.clear()
            draft = drafter.draft_all("鹿邑县人民政府", 2022, cells, {"信息处理费": 0}, work)
            assert one in draft.report.part_text("一").split("\n"), draft.report.part_text("一")
            assert len(server.requests) == 4, len(server.requests)

        return timed("LLM pipeline, zero-latency endpoint (4 requests)", run)


def left_to_check(show: bool) -> None:
    """Numbers failing verification and sentences marked 【待核实】 in each corpus pair's offline draft."""
    for path in CORPUS:
        last = read_report(path)
        year = (last.year or 0) + 1
        draft = draft_offline(last.agency or "", year, example_next_year(last), ReportList([last]), FACTS)
        previous = last if last.year == year - 1 else None
        for part in "一五六":
            text = draft.report.part_text(part)
            failed = [c for c in check_numbers(text, draft.report, FACTS, part, previous) if c.failed]
            wrong = sum(c.status is Status.MISMATCH for c in failed)
            print(
                f"{path.name} → {year}  第{part}部分  数字未通过 {len(failed):3}（与表格不符 {wrong}，"
                f"表格与已提供数据中没有 {len(failed) - wrong}）  【待核实】句 {count_marked(text):3}"
                f"  沿用上年句 {text.count(CARRIED):3}"
            )
            for check in failed if show else []:
                print(f"    {check.number:<10} {check.sentence[:90]}")


def main() -> None:
    left_to_check("--marks" in sys.argv)
    offline = max(bench_offline(), bench_with_work())
    turn = bench_interview()
    pipeline = bench_pipeline()
    print(f"offline full draft, worst corpus body: {offline * 1000:.1f} ms (target ≤ 2000 ms)")
    print(f"interview turn: {turn * 1000:.1f} ms (target ≤ 1000 ms)")
    print(f"LLM pipeline excluding the model: {pipeline * 1000:.1f} ms (target ≤ 1000 ms)")


if __name__ == "__main__":
    main()
