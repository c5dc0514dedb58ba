"""Peer choice benchmark: a body with no past report of its own, grounded on the structure of a peer chosen
among N county reports in a real knowledge base on disk (tier, province, place, year). Each report's
province is read from its text once; later choices (every interview turn, every redraft) load only the report
taken. Prints the first choice, the median of later ones, and the offline draft and interview turn around them.

The N reports are tests/fixtures/structures' 一是 county report under N made-up county names, a third of them
naming 江苏省/宿迁市, a third 河南省/周口市, a third no province; the body is 沭阳县教育局's county, 泗洪县.

Run: .venv/bin/python bench/bench_peers.py [N]   (default 300)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.drafting import interview  # noqa: E402
from nianbao.drafting.example import example_next_year  # noqa: E402
from nianbao.drafting.kbsource import KnowledgeBaseSource  # noqa: E402
from nianbao.drafting.offline import draft_offline  # noqa: E402
from nianbao.drafting.sources import grounding  # noqa: E402
from nianbao.drafting.worknotes import Kind, WorkFact  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.readers import read_report  # noqa: E402
from nianbao.settings import Settings  # noqa: E402

STRUCTURES = ROOT / "tests" / "fixtures" / "structures"
SYLLABLES = "安宁平和永定兴泰康乐丰福华阳城山河源江湖"
PROVINCES = (
    "在江苏省宿迁市的部署下，按照《江苏省2022年政务公开工作要点》",
    "按照《河南省2022年政务公开工作要点》和周口市的部署",
    "",
)


def reports(folder: Path, count: int) -> list[Path]:
    template = (STRUCTURES / "yishi_paragraphs.txt").read_text(encoding="utf-8")
    closing = (STRUCTURES / "tables_and_closing.txt").read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        place = SYLLABLES[i % 20] + SYLLABLES[(i // 20) % 20] + SYLLABLES[(i // 400) % 20]
        text = template.replace("柘城", place).replace("各项工作稳步推进", PROVINCES[i % 3] + "，各项工作稳步推进")
        path = folder / f"county_{i}.txt"
        path.write_text(f"{text}\n{closing}", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with TemporaryDirectory() as tmp:
        settings = Settings(NIANBAO_DATA_DIR=Path(tmp) / "data", NIANBAO_LLM="offline", CHROMA_HOST="")  # type: ignore[call-arg]
        kb = KnowledgeBase(settings)
        started = time.perf_counter()
        kb.add(reports(Path(tmp), count))
        print(f"{count} county reports added in {time.perf_counter() - started:.1f} s")
        source = KnowledgeBaseSource(kb)
        started = time.perf_counter()
        chosen = grounding(source, "泗洪县人民政府", 2023, "江苏省宿迁市泗洪县")
        print(f"first choice (every peer's province read once): {1000 * (time.perf_counter() - started):.0f} ms")
        print(f"  {chosen.note()[:60]}…")
        later = []
        for _ in range(20):
            started = time.perf_counter()
            grounding(source, "泗洪县人民政府", 2023, "江苏省宿迁市泗洪县")
            later.append(time.perf_counter() - started)
        print(f"later choices: median {1000 * statistics.median(later):.1f} ms, max {1000 * max(later):.1f} ms")
        cells = example_next_year(read_report(STRUCTURES / "format2019.txt"))
        place = [WorkFact(about=Kind.PLACE.value, text="江苏省宿迁市泗洪县")]
        drafts = []
        for _ in range(5):
            started = time.perf_counter()
            draft_offline("泗洪县人民政府", 2023, cells, source, {}, place)
            drafts.append(time.perf_counter() - started)
        print(f"offline draft (choice included): median {1000 * statistics.median(drafts):.0f} ms")
        turns = []
        for _ in range(10):
            state = interview.Interview(facts=place)
            started = time.perf_counter()
            plan = interview.plan_for(source, "泗洪县人民政府", 2023, "江苏省宿迁市泗洪县")
            interview.reply_to(state, "介绍工作情况", plan)
            interview.answer(state, "开了2次新闻发布会", plan)
            turns.append(time.perf_counter() - started)
        print(f"interview turn (choice included): median {1000 * statistics.median(turns):.1f} ms")


if __name__ == "__main__":
    main()
