"""``nianbao draft --agency … --year … --facts FILE [--llm] [--kb DIR | --previous FILE] --out FILE``.

The whole drafting flow without the UI: this year's figures from the facts file (cells CSV,
XLSX, a CSV table or Chinese sentences), 上年结转 from last year's report, parts 一、五、六 from
past reports (offline, or with the configured LLM), every number rechecked, then written as
DOCX, Markdown or text. Exit status: 0 the draft checks without error, 1 it does not, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from nianbao.commands import COMMANDS
from nianbao.drafting.facts import FactValue, facts_in_text, parse_fact
from nianbao.drafting.model import Draft
from nianbao.drafting.sources import ReportSource
from nianbao.errors import InvalidInputError, NianbaoError
from nianbao.model import Report
from nianbao.readers import ReadLimits
from nianbao.settings import Settings
from nianbao.usecases.container import compose, configured_settings, past_reports
from nianbao.usecases.intake import cells_from_file
from nianbao.usecases.models import Models


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "draft", help=COMMANDS["draft"], description="起草完整的年度报告，并核对其中每一个数字。"
    )
    parser.add_argument("--agency", required=True, help="机关名称，如 鹿邑县人民政府")
    parser.add_argument("--year", required=True, type=int, help="报告年度，如 2022")
    parser.add_argument(
        "--facts", required=True, metavar="FILE", help="本年度数据：单元格 CSV、XLSX 或中文句子的文本文件"
    )
    parser.add_argument("--fact", action="append", default=[], metavar="NAME=VALUE", help="其他数据，如 信息处理费=380")
    parser.add_argument(
        "--work",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "本年度工作情况：文本（每行一项，可写“主动公开：……”；“所在地：江苏省宿迁市”用于挑选同省参照报告）"
            "或工作总结 DOCX/PDF（可多次给出）"
        ),
    )
    parser.add_argument("--llm", action="store_true", help="用已配置的大模型起草叙述部分（默认离线起草）")
    parser.add_argument("--kb", metavar="DATA_DIR", help="知识库目录（往年报告从知识库中取）")
    parser.add_argument("--previous", action="append", default=[], metavar="FILE", help="往年报告文件（可多次给出）")
    parser.add_argument("--out", metavar="FILE", help="输出文件：.docx、.md 或 .txt（默认在屏幕上输出 Markdown）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    writer = _writer(args.out)
    settings = command_settings(configured_settings(), args.llm, args.kb)
    source = past_reports(settings, args.previous, from_kb=bool(args.kb))
    cases = compose(settings, source)
    drafting = cases.drafting
    cells = this_years_cells(args.facts, args.agency, args.year, source, settings.read_limits)
    facts = dict(_file_facts(args.facts))
    facts.update(parse_fact(f) for f in args.fact)
    if args.llm:
        _start_local_model(cases.models)
    work = [fact for path in args.work for fact in drafting.read_work_notes(path)]
    draft = drafting.draft_report(args.agency, args.year, cells, facts, work)
    checked = drafting.check_draft(draft.report, facts)
    data = writer(draft.report)
    if args.out:
        Path(args.out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    else:
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
    _summary(draft, len(checked.result.errors), len(checked.result.warnings), args.out, len(checked.wrong))
    return 0 if checked.ok else 1


def command_settings(settings: Settings, llm: bool, kb_dir: str | None) -> Settings:
    """The settings of this command: offline unless --llm (then a configured model is required); --kb's folder."""
    if llm and not settings.uses_llm:
        raise NianbaoError("没有配置大模型（OPENAI_API_KEY 或 OPENAI_BASE_URL），请先配置，或去掉 --llm 离线起草。")
    update: dict[str, object] = {} if llm else {"llm": "offline"}
    if kb_dir:
        update["data_dir"] = Path(kb_dir)
    return settings.model_copy(update=update)


def this_years_cells(path: str, agency: str, year: int, source: ReportSource, limits: ReadLimits) -> Report:
    """The cells from the facts file, 上年结转 from last year's report when the file does not give it."""
    report, note = cells_from_file(path, agency, year, source.latest_report(agency, year), limits)
    if note:
        print(note, file=sys.stderr)
    return report


def _file_facts(path: str) -> dict[str, FactValue]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return facts_in_text(text) if "信息处理费" in text else {}


def _start_local_model(models: Models) -> None:
    """With NIANBAO_LLM=local, the local model's server answers before drafting: one already listening is
    used (and left running), else one is started here and stopped when this command ends."""
    if models.settings.llm != "local":
        return
    url = models.settings.local_llm_base_url
    print(f"正在连接本地大模型（{url}，未运行时先启动，约需数十秒）……", file=sys.stderr, flush=True)
    models.ensure_local_model()


def _writer(out: str | None) -> Callable[[Report], bytes | str]:
    """The writer of the output file's format (Markdown on the screen), before any work is done."""
    from nianbao.writers import write_docx, write_markdown, write_text  # python-docx: loaded only to draft

    writers: dict[str, Callable[[Report], bytes | str]] = {
        ".docx": write_docx,
        ".md": write_markdown,
        ".markdown": write_markdown,
        ".txt": write_text,
    }
    suffix = Path(out).suffix.lower() if out else ".md"
    if suffix not in writers:
        raise InvalidInputError(f"不支持的输出格式“{suffix}”：请用 .docx、.md 或 .txt。")
    return writers[suffix]


def _summary(draft: Draft, errors: int, warnings: int, out: str | None, wrong: int = 0) -> None:
    used = "；".join(ref.describe() for ref in draft.sources()) or "无（由本年度数据生成）"
    lines = [
        f"参考：{used}",
        f"待核实的句子：{draft.unverified_sentences} 句（已标注【待核实】）",
        *([f"与表格或已提供数据不符的数字或说法：{wrong} 处（已标注【待核实】，须改正）"] if wrong else []),
        f"核对结果：错误 {errors} 项，提醒 {warnings} 项",
        *draft.notes,
    ]
    if out:
        lines.append(f"已写入 {out}")
    print("\n".join(lines), file=sys.stderr)
