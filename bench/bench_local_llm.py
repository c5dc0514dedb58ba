"""Local-model benchmark: parts 一, 五, 六 drafted by Qwen2.5-Coder-1.5B (llama-cpp-python on 127.0.0.1) for
each body/year pair of the corpus, side by side with the offline drafter on the same pairs.

Each corpus report is last year's; this year's cells are made up from it (``example_next_year``), and
last year's report is the only source, against which year-on-year changes (同比增长 …) are checked, as the
drafters do. Part 一 goes to the model as one subsection's work paragraph (the one the clerk's facts are
about, prompts/draft_subsection.md); its other subsections are the built-in drafter's. Per part: seconds,
the first prompt's size (characters, and tokens by the server's tokenizer without the chat template) and
the seconds to its first token, generated tokens per second (after the first token, i.e. without reading
the prompt), the lines the model wrote as a list item or Markdown (cleaned into prose by
nianbao.drafting.prose), the numbers that failed the checks on the first reply and after
the fix rounds, and the sentences finally marked 【待核实】. Needs ``make local-llm``; starts one server
and stops it at the end.

Run: .venv/bin/python bench/bench_local_llm.py [--parts 一五六] [corpus file names…]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_core.messages import BaseMessage  # noqa: E402

from agents.draft import LLMDrafter, PartStream, clean_reply  # noqa: E402
from agents.llm import chat_model_from_settings  # noqa: E402
from nianbao.drafting.example import example_next_year  # noqa: E402
from nianbao.drafting.offline import draft_offline  # noqa: E402
from nianbao.drafting.sources import ReportList  # noqa: E402
from nianbao.drafting.verify import check_numbers, count_marked  # noqa: E402
from nianbao.drafting.worknotes import WorkFact  # noqa: E402
from nianbao.localmodel import start_server, stop_server  # noqa: E402
from nianbao.readers import read_report  # noqa: E402
from nianbao.settings import Settings  # noqa: E402

PAIRS = ["luyi_2021.txt", "shuyang_2025.md", "huaian_2024.pdf"]
PARTS = "一五六"
FACTS = {"信息处理费": 0}
# 一 goes to the model only for a subsection with the clerk's facts (one, as a clerk would give it), 五 only with
# her problems or measures, 六 only with her other matters.
WORK = [
    WorkFact(about="依申请公开", text="今年规范了依申请公开办理流程，开通了网上申请渠道"),
    WorkFact(about="问题", text="政策解读形式还比较单一"),
    WorkFact(about="措施", text="明年将加强政策解读和培训"),
    WorkFact(about="其他", text="今年没有其他需要报告的事项"),
]
MARKED_LINE = re.compile(r"^\s*(?:#|[-*+•]\s|[0-9０-９]{1,2}[.．、)）](?![0-9])|[（(][0-9]{1,2}[）)]|[①-⑳])")


@dataclass
class Generation:
    text: str
    seconds: float
    first_token_seconds: float
    prompt: str  # the messages sent, joined (their size is the point of the short subsection prompts)


@dataclass
class RecordingDrafter(LLMDrafter):
    """The real drafter, recording each reply and its timing (the bench needs the first try's numbers)."""

    replies: list[Generation] = field(default_factory=list)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.replies = []

    def generate(self, messages: list[BaseMessage], stream: PartStream) -> Iterator[str]:
        start, first, text = time.perf_counter(), None, ""
        for piece in super().generate(messages, stream):
            first = first or (time.perf_counter() if piece else None)
            text += piece
            yield piece
        end = time.perf_counter()
        prompt = "\n".join(str(m.content) for m in messages)
        self.replies.append(Generation(text, end - start, (first or end) - start, prompt))


def tokens(base_url: str, text: str) -> int:
    """Token count of a text by the server's own tokenizer."""
    root = base_url.removesuffix("/v1")
    body = json.dumps({"input": text}).encode()
    request = urllib.request.Request(f"{root}/extras/tokenize", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(json.loads(response.read())["tokens"])


def bench_pair(
    name: str, drafter: RecordingDrafter, count_tokens: Callable[[str], int], parts: str
) -> list[dict[str, object]]:
    last = read_report(ROOT / "corpus" / name)
    cells = example_next_year(last)
    year = (last.year or 0) + 1
    offline = draft_offline(last.agency or "", year, cells, ReportList([last]), FACTS, WORK)
    drafter.source = ReportList([last])
    previous = last  # the body's own report of the year before: the drafters check 同比 figures against it
    rows = []
    for number in parts:
        off_text = offline.report.part_text(number)
        drafter.replies = []
        start = time.perf_counter()
        stream = drafter.stream_part(offline, number, FACTS, work=WORK)
        for _ in stream:
            pass
        seconds = time.perf_counter() - start
        assert stream.part is not None
        first = clean_reply(drafter.replies[0].text)
        generated = sum(count_tokens(g.text) for g in drafter.replies)
        decoding = sum(g.seconds - g.first_token_seconds for g in drafter.replies)
        rows.append(
            {
                "pair": f"{name} → {year}",
                "part": number,
                "seconds": seconds,
                "replies": len(drafter.replies),
                "prompt_chars": len(drafter.replies[0].prompt),
                "prompt_tokens": count_tokens(drafter.replies[0].prompt),
                "first_token_s": drafter.replies[0].first_token_seconds,
                "tokens": generated,
                "tokens_per_s": generated / decoding if decoding else 0.0,
                "list_lines": sum(list_lines(g.text) for g in drafter.replies),
                "left_lines": list_lines(stream.part.text),
                "first_failed": sum(c.failed for c in check_numbers(first, offline.report, FACTS, number, previous)),
                "final_failed": sum(c.failed for c in stream.checks),
                "marked": count_marked(stream.part.text),
                "chars": len(stream.part.text),
                "offline_failed": sum(
                    c.failed for c in check_numbers(off_text, offline.report, FACTS, number, previous)
                ),
                "offline_marked": count_marked(off_text),
                "text": stream.part.text,
                "load": os.getloadavg()[0],  # the machine's 1-minute load when the part was done
            }
        )
        print_row(rows[-1])
    return rows


def list_lines(reply: str) -> int:
    """Lines of a raw reply written as a list item or Markdown (the cleanup turns them into prose)."""
    return sum(bool(MARKED_LINE.match(line)) or "**" in line for line in reply.split("\n"))


def print_row(row: dict[str, object]) -> None:
    print(
        f"{row['pair']:<24} 第{row['part']}部分  {row['seconds']:6.1f} s  {row['replies']} 次生成  "
        f"提示 {row['prompt_chars']} 字/{row['prompt_tokens']} tok（首字 {row['first_token_s']:.1f} s）  "
        f"{row['tokens']:4} tok  {row['tokens_per_s']:5.1f} tok/s  列表/Markdown 行 {row['list_lines']}"
        f"（清理后 {row['left_lines']}）  "
        f"首次不符 {row['first_failed']}  "
        f"重试后不符 {row['final_failed']}  标注 {row['marked']}  |  离线：不符 {row['offline_failed']}  "
        f"标注 {row['offline_marked']}  |  load {row['load']:.1f}",
        flush=True,
    )


def main(names: list[str], parts: str) -> None:
    settings = Settings(NIANBAO_LLM="local", NIANBAO_DATA_DIR=ROOT / "data")
    print(f"threads {settings.local_llm_threads}, context {settings.local_llm_context}", flush=True)
    print(f"load at the start {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)", flush=True)
    started = time.perf_counter()
    server = start_server(settings)
    print(f"server ready in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        model = chat_model_from_settings(settings)
        assert model is not None
        drafter = RecordingDrafter(model, None)
        base_url = settings.local_llm_base_url
        rows = [row for name in names for row in bench_pair(name, drafter, lambda t: tokens(base_url, t), parts)]
    finally:
        stop_server(server)
    total = sum(float(r["seconds"]) for r in rows)  # type: ignore[arg-type]
    print(f"\n{len(rows)} parts, {total:.0f} s in all, {total / len(rows):.1f} s per part on average")
    for key in (
        "list_lines",
        "left_lines",
        "first_failed",
        "final_failed",
        "marked",
        "offline_failed",
        "offline_marked",
    ):
        print(f"{key:<16} {sum(int(r[key]) for r in rows)}")  # type: ignore[call-overload]
    out = ROOT / "data" / "bench_local_llm.json"
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"drafted texts: {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=PAIRS, help="corpus files (last year's reports)")
    parser.add_argument("--parts", default="".join(PARTS), help="parts to draft, e.g. 六 or 一五六")
    args = parser.parse_args()
    main(args.names, args.parts)
