"""Knowledge-base benchmark at 1k, 10k and 100k chunks, beside a plain chromadb pipeline in the same run.

    .venv/bin/python bench/bench_kb.py                     # 1k, 10k and 100k chunks (the 100k store takes minutes)
    .venv/bin/python bench/bench_kb.py --sizes 1000 10000  # quicker

Both stores grow with the same realistic text reports (the real text reports in corpus/ varied: another
body's name and year, other figures, sentences reordered; nianbao/kb/variants.py), written as files:

- ours: ``KnowledgeBase.add`` (read with the time limit, checker, chunks, character-pair tokens, records and
  word index in SQLite, vectors in Chroma), embedded, with the default local embedding;
- plain: the same files read and chunked, embedded with the same local embedding, and added to one Chroma
  collection with the text as the document and the body, year and part as metadata (no checker, no tokens).

At each size it prints: add throughput while growing to it (wall time and CPU time, both stores), warm
search p50/p95 over the queries of bench/retrieval_queries.json (ours: hybrid without and with filters;
plain: Chroma's query; wall time, and the searching thread's CPU time, which load does not change), and a
cold process — a new Python process that opens the store and runs one search — its wall time from start
to exit, the open + first search inside it (after the imports; ours imports chromadb there, on first use,
the plain one before) with its CPU time, and its peak RSS (VmHWM). Ours cold is measured twice: hybrid
(Chroma's HNSW index is loaded for the vectors) and words only (SQLite alone).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.kb.chunks import chunk_report  # noqa: E402
from nianbao.kb.embeddings import HashingEmbedder  # noqa: E402
from nianbao.kb.evaluation import load_queries  # noqa: E402
from nianbao.kb.ingest import embedding_text  # noqa: E402
from nianbao.kb.service import KnowledgeBase  # noqa: E402
from nianbao.kb.variants import corpus_templates, varied_reports  # noqa: E402
from nianbao.readers import read_report  # noqa: E402
from nianbao.readers.guard import default_guard  # noqa: E402
from nianbao.settings import Settings  # noqa: E402

TEMPLATES = corpus_templates(ROOT / "corpus")
FILES_PER_ADD = 100
QUESTION = "鹿邑县依申请公开受理了多少件"

COLD_OURS = """
import json, sys, time
start = time.perf_counter()
from nianbao.kb.service import KnowledgeBase
from nianbao.settings import Settings
settings = Settings(_env_file=None, NIANBAO_DATA_DIR=sys.argv[1], CHROMA_HOST=None, NIANBAO_ADMIN_PASSWORD="")
imported, cpu = time.perf_counter(), time.process_time()
hits = KnowledgeBase(settings).search(sys.argv[2], k=5, mode=sys.argv[3])
done, cpu = time.perf_counter(), time.process_time() - cpu
rss = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
print(json.dumps({"search": done - imported, "cpu": cpu, "in_process": done - start, "rss": rss, "hits": len(hits)}))
"""

COLD_PLAIN = """
import json, sys, time
start = time.perf_counter()
import chromadb
from chromadb.config import Settings as ChromaSettings
from nianbao.kb.embeddings import HashingEmbedder
imported, cpu = time.perf_counter(), time.process_time()
client = chromadb.PersistentClient(path=sys.argv[1], settings=ChromaSettings(anonymized_telemetry=False))
collection = client.get_collection("plain")
got = collection.query(query_embeddings=HashingEmbedder().embed_array([sys.argv[2]]), n_results=5)
done, cpu = time.perf_counter(), time.process_time() - cpu
rss = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
hits = len(got["ids"][0])
print(json.dumps({"search": done - imported, "cpu": cpu, "in_process": done - start, "rss": rss, "hits": hits}))
"""


class PlainChroma:
    """The plain pipeline: read, chunk, embed, one collection.add with documents and metadata."""

    def __init__(self, path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.path = path
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.get_or_create_collection("plain", configuration={"hnsw": {"space": "cosine"}})
        self.embedder = HashingEmbedder()
        self.max_batch = client.get_max_batch_size()

    def add(self, paths: list[Path]) -> int:
        ids, documents, metadatas, texts = [], [], [], []
        for path in paths:
            report = read_report(path)
            for chunk in chunk_report(report):
                ids.append(f"{path.stem}:{chunk.part}:{chunk.paragraph}")
                documents.append(chunk.text)
                metadatas.append({"agency": report.agency or "", "year": int(report.year or 0), "part": chunk.part})
                texts.append(embedding_text(report.agency or "", int(report.year or 0), chunk))
        vectors = self.embedder.embed_array(texts)
        for start in range(0, len(ids), self.max_batch):
            end = start + self.max_batch
            self.collection.add(
                ids=ids[start:end],
                embeddings=vectors[start:end],
                documents=documents[start:end],
                metadatas=metadatas[start:end],
            )
        return len(ids)

    def search(self, query: str) -> Any:
        return self.collection.query(query_embeddings=self.embedder.embed_array([query]), n_results=5)


class Growth:
    """Both stores, grown with the same files; the time and CPU each took."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "files"
        self.files.mkdir(exist_ok=True)
        self.kb = KnowledgeBase(_settings(root / "ours"))
        self.plain = PlainChroma(root / "plain")
        if self.kb.list():  # stores kept by an earlier run (--measure): searched as they are
            return
        self.reports: Iterator[tuple[str, str]] = varied_reports(TEMPLATES, 10**6, seed=3)
        self.count = 0
        corpus = sorted((ROOT / "corpus").iterdir())  # the real reports too: the filters' body is among them
        self.chunks = {"ours": self._add_ours(corpus), "plain": self.plain.add(corpus)}

    def grow_to(self, target: int) -> dict[str, tuple[float, float, int, int]]:
        """Add files in batches until our store holds ``target`` chunks: {store: (seconds, cpu, reports, chunks)}."""
        spent = {"ours": [0.0, 0.0, 0, 0], "plain": [0.0, 0.0, 0, 0]}
        while self.chunks["ours"] < target:
            paths = self._write_files(FILES_PER_ADD)
            for name, add in (("ours", self._add_ours), ("plain", self.plain.add)):
                cpu, start = _cpu_seconds(), time.perf_counter()
                chunks = add(paths)
                spent[name][0] += time.perf_counter() - start
                spent[name][1] += _cpu_seconds() - cpu
                spent[name][2] += len(paths)
                spent[name][3] += chunks
                self.chunks[name] += chunks
            for path in paths:
                path.unlink()
        return {name: (s[0], s[1], int(s[2]), int(s[3])) for name, s in spent.items()}

    def _add_ours(self, paths: list[Path]) -> int:
        results = self.kb.add(paths)
        return sum(r.report.chunk_count for r in results if r.report and r.status == "added")

    def _write_files(self, count: int) -> list[Path]:
        paths = []
        for name, text in itertools.islice(self.reports, count):
            self.count += 1
            path = self.files / f"{self.count:06d}_{name}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths


def report_adds(spent: dict[str, tuple[float, float, int, int]]) -> None:
    for name, (seconds, cpu, reports, chunks) in spent.items():
        if not reports:
            continue
        print(
            f"  add   {name:<6} {reports / seconds:6.1f} reports/s  {chunks / seconds:7.0f} chunks/s"
            f"  CPU {cpu / reports * 1000:5.0f} ms/report  ({reports} reports, {chunks} chunks, {seconds:.1f} s)"
        )


def report_warm(growth: Growth, queries: list[str], rounds: int) -> None:
    filters: dict[str, dict[str, Any]] = {
        "none": {},
        "agency": {"agency": "鹿邑县"},
        "year": {"year": 2024},
        "section": {"section": "五"},
        "level": {"level": "市"},
    }
    every: list[tuple[float, float]] = []
    for label, kwargs in filters.items():
        times = _timed(lambda q, kw=kwargs: growth.kb.search(q, k=5, **kw), queries * rounds)
        every += times
        print(f"  warm  ours   {label:<8} {_percentiles(times)}")
    print(f"  warm  ours   {'all':<8} {_percentiles(every)}")
    plain = _timed(growth.plain.search, queries * rounds)
    print(f"  warm  plain  {'none':<8} {_percentiles(plain)}")


def _percentiles(times: list[tuple[float, float]]) -> str:
    """Wall-clock p50/p95, and the same of the CPU time the searching thread used (what load does not change)."""
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    return (
        f"p50 {_pct(wall, 50):6.1f} ms  p95 {_pct(wall, 95):6.1f} ms"
        f"  (CPU p50 {_pct(cpu, 50):5.1f} ms  p95 {_pct(cpu, 95):5.1f} ms)"
    )


def report_cold(growth: Growth) -> None:
    runs = [
        ("ours", "hybrid", [COLD_OURS, str(growth.root / "ours"), QUESTION, "hybrid"]),
        ("ours", "lexical", [COLD_OURS, str(growth.root / "ours"), QUESTION, "lexical"]),
        ("plain", "dense", [COLD_PLAIN, str(growth.root / "plain"), QUESTION]),
    ]
    for name, mode, args in runs:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, cwd=ROOT, check=True)
        wall = time.perf_counter() - start
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  cold  {name:<6} {mode:<8} process {wall:5.2f} s  open + first search {figures['search']:5.2f} s"
            f" (CPU {figures['cpu']:4.2f} s)  peak RSS {figures['rss']:5.0f} MB  ({figures['hits']} hits)"
        )


def _timed(search: Any, queries: list[str]) -> list[tuple[float, float]]:
    """(wall ms, CPU ms of this thread) of each search."""
    times = []
    for query in queries:
        start, cpu = time.perf_counter(), time.thread_time()
        search(query)
        times.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return times


def _pct(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] if len(values) > 1 else values[0]


def _cpu_seconds() -> float:
    """CPU time of this process and of every process it started, ended or alive.

    Ended children count in RUSAGE_CHILDREN once reaped; a live child (the fork server) with what its own
    ended children used; the reader workers alive with what they used so far. A reader worker started by the
    fork server is its child, not ours: when it is replaced (every 500 reads) its time reaches the fork
    server's, not RUSAGE_CHILDREN.
    """
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    mine = _children_of(os.getpid())
    total += sum(_process_cpu_seconds(pid, with_ended_children=True) for pid in mine)
    return total + sum(_process_cpu_seconds(pid) for pid in default_guard().worker_pids() if pid not in mine)


def _children_of(parent: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == parent:
                    children.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return children


def _process_cpu_seconds(pid: int, with_ended_children: bool = False) -> float:
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0  # ended meanwhile: counted with its parent's children
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_ended_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: state, ppid, … (utime is [11], cstime [14])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def _settings(folder: Path) -> Settings:
    """A benchmark store, changed as its local owner: an admin password exported in the shell does not apply."""
    return Settings(_env_file=None, NIANBAO_DATA_DIR=folder, CHROMA_HOST=None, NIANBAO_ADMIN_PASSWORD="")  # type: ignore[call-arg]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000], help="store sizes in chunks")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the query set per filter")
    parser.add_argument(
        "--keep", type=Path, help="grow the stores in this new folder and keep them (else a temporary one)"
    )
    parser.add_argument("--measure", type=Path, help="only search the stores an earlier run kept in this folder")
    args = parser.parse_args()
    queries = [q.query for q in load_queries(ROOT / "bench" / "retrieval_queries.json")]
    if args.measure:
        growth = Growth(args.measure)
        stats = growth.kb.stats()
        print(f"{stats.chunks} chunks ({stats.reports} reports; load {_load()}), kept stores:")
        report_warm(growth, queries, args.rounds)
        report_cold(growth)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary) / "stores"
        folder.mkdir(parents=True, exist_ok=False)
        growth = Growth(folder)
        for size in sorted(args.sizes):
            spent = growth.grow_to(size)
            stats = growth.kb.stats()
            print(f"{stats.chunks} chunks ({stats.reports} reports; load {_load()}):")
            report_adds(spent)
            report_warm(growth, queries, args.rounds)
            report_cold(growth)


if __name__ == "__main__":
    main()
