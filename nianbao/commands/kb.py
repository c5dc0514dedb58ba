"""``nianbao kb …`` (add, list, show, remove, search, figures, reindex, migrate, stats, load-corpus): past reports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pydantic import SecretStr

from nianbao.access import Password, admin_password_set
from nianbao.commands import COMMANDS
from nianbao.kb.models import AddResult, FiguresTable, SearchHit, StoredReport
from nianbao.resources import folder
from nianbao.settings import Settings
from nianbao.usecases.container import compose, configured_settings
from nianbao.usecases.knowledge import Knowledge

EXIT_OK, EXIT_FAILED = 0, 2
CHANGING = ("add", "remove", "reindex", "migrate", "load-corpus")
_STATUS = {"added": "已添加", "replaced": "已替换", "duplicate": "已存在", "failed": "失败"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("kb", help=COMMANDS["kb"], description="往年报告知识库。")
    commands = parser.add_subparsers(dest="kb_command", required=True)
    _command(commands, "add", "添加报告文件或文件夹", _add)
    _command(commands, "list", "列出知识库中的报告", _list)
    _command(commands, "show", "查看一份报告的详情", _show)
    _command(commands, "remove", "删除一份报告", _remove)
    _command(commands, "search", "检索往年报告的段落", _search)
    _command(commands, "figures", "某机关历年表格数字", _figures)
    _command(commands, "reindex", "用当前配置的向量模型重建索引", _reindex)
    _command(commands, "migrate", "把旧版知识库迁移为新的存储布局（并按当前维度重新计算本地向量）", _migrate)
    _command(commands, "stats", "知识库概况", _stats)
    _command(commands, "load-corpus", "知识库为空时载入参考报告", _load_corpus)


def _command(commands: argparse._SubParsersAction, name: str, help_text: str, run: Callable) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(name, help=help_text, description=help_text)
    _ARGUMENTS.get(name, lambda _p: None)(parser)
    if name in CHANGING:
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入读取管理员密码（默认：本机配置的 NIANBAO_ADMIN_PASSWORD，未设置时无需密码）",
        )
    parser.set_defaults(run=run)


def admin_password(args: argparse.Namespace, settings: Settings) -> Password:
    """The admin password for a change: piped in with --password-stdin, else the one this machine configures.

    The shell user owns the configuration (.env, the environment), so the CLI acts as the local owner: with no
    admin password configured it needs none (``make run`` loads the corpus so), with one it uses it.
    """
    if getattr(args, "password_stdin", False):
        return SecretStr(sys.stdin.readline().rstrip("\r\n"))
    return settings.admin_password if admin_password_set(settings) else None


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或文件夹")
    parser.add_argument("--agency", help="机关名称（报告中无法识别时必填）")
    parser.add_argument("--year", type=int, help="报告年度（报告中无法识别时必填）")
    parser.add_argument("--replace", action="store_true", help="替换同一机关同一年度的已有报告")


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="检索内容，例如“依申请公开办理情况”")
    parser.add_argument("-k", type=int, default=5, help="返回条数（默认 5）")
    parser.add_argument("--agency", help="只检索该机关（全称或地名）")
    parser.add_argument("--year", type=int, help="只检索该年度")
    parser.add_argument("--section", help="只检索该部分：一、五、六或前言")
    parser.add_argument("--level", choices=["县", "市", "省", "部门", "其他"], help="只检索该层级")


def _figures_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agency", required=True, help="机关名称（全称或地名）")
    parser.add_argument("--all", action="store_true", help="列出全部单元格（默认只列主要数字）")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], object]] = {
    "add": _add_arguments,
    "show": lambda p: p.add_argument("id", metavar="ID", help="报告 ID（见 nianbao kb list）"),
    "remove": lambda p: p.add_argument("id", metavar="ID", help="报告 ID（见 nianbao kb list）"),
    "search": _search_arguments,
    "figures": _figures_arguments,
    "load-corpus": lambda p: p.add_argument("path", nargs="?", help="参考报告文件夹（默认随程序提供的参考报告）"),
}


def _add(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    password = admin_password(args, knowledge.settings)
    results = knowledge.add_files(args.paths, password, args.agency, args.year, args.replace)
    for result in results:
        print(format_add_result(result))
    refused = [r for r in results if r.status == "failed"]
    if len(results) > 1:
        print(format_add_summary(results))
    return EXIT_FAILED if refused else EXIT_OK


def open_knowledge() -> Knowledge:
    """The knowledge use case of this machine's settings (the data folder, or Chroma's server for the vectors),
    the same the app's admin page uses; its knowledge base is this command's own."""
    return compose(configured_settings(), own_kb=True).knowledge


def _migrate(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    admin_password(args, knowledge.settings)
    moved = knowledge.migrate()
    stats = knowledge.stats()
    print(f"知识库为新的存储布局（记录在 SQLite，向量在 Chroma）：报告 {stats.reports} 份，段落 {stats.chunks} 个。")
    if moved:
        print(f"本次迁移 {moved} 份报告。")
    if knowledge.base.embedded_again:
        print(f"本次按 {stats.dimension} 维重新计算了 {knowledge.base.embedded_again} 个段落的向量。")
    return EXIT_OK


def _load_corpus(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    results = knowledge.load_corpus(args.path or folder("corpus"), admin_password(args, knowledge.settings))
    if not results:
        print("知识库已有报告，未重复载入。")
    for result in results:
        print(format_add_result(result))
    return EXIT_FAILED if any(r.status == "failed" for r in results) else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    reports = open_knowledge().reports()
    if not reports:
        print("知识库为空。可用 nianbao kb add 文件 添加报告。")
    for stored in reports:
        print(format_stored(stored))
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    detail = open_knowledge().detail(args.id)
    print(format_stored(detail.stored))
    print(f"标题：{detail.report.title}")
    print(f"来源文件：{detail.stored.source}  内容哈希：{detail.stored.content_hash}")
    for part in detail.report.ordered_parts():
        print(f"  {part.heading}（{len(part.text)} 字）")
    print(f"核对：错误 {detail.stored.errors} 项，提醒 {detail.stored.warnings} 项")
    for finding in detail.findings:
        label = "错误" if finding.is_error else "提醒"
        print(f"  [{label}] {finding.rule}  {finding.location.describe()}  {finding.message}")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    stored = knowledge.remove(args.id, admin_password(args, knowledge.settings))
    print(f"已删除：{format_stored(stored)}")
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    hits = knowledge.search(args.query, args.agency, args.k, year=args.year, section=args.section, level=args.level)
    if not hits:
        print("没有找到相关段落。")
    for rank, hit in enumerate(hits, 1):
        print(format_hit(rank, hit))
    return EXIT_OK


def _figures(args: argparse.Namespace) -> int:
    print(format_figures(open_knowledge().figures_by_year(args.agency, args.all)))
    return EXIT_OK


def _reindex(args: argparse.Namespace) -> int:
    knowledge = open_knowledge()
    count = knowledge.reindex(admin_password(args, knowledge.settings))
    print(f"已用「{knowledge.embedding_name()}」重建索引：{count} 个段落。")
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    stats = open_knowledge().stats()
    size = f"{stats.size_bytes / 1024 / 1024:.1f} MB" if stats.size_bytes is not None else "（Chroma 服务器，未知）"
    print(f"报告 {stats.reports} 份，段落 {stats.chunks} 个，占用 {size}")
    print(f"机关：{'、'.join(stats.bodies) or '无'}")
    print(f"年度：{'、'.join(map(str, stats.years)) or '无'}")
    print(f"层级：{'，'.join(f'{k} {v} 份' for k, v in stats.reports_by_level.items()) or '无'}")
    print(f"向量模型：{stats.embedding}（{stats.dimension} 维）  存储：{stats.location}")
    return EXIT_OK


def format_add_result(result: AddResult) -> str:
    """One line per file added."""
    what = format_stored(result.report) if result.report else ""
    return f"[{_STATUS[result.status]}] {result.path}  {what}  {result.message}".rstrip()


def format_add_summary(results: list[AddResult]) -> str:
    """How many files went in, and each refused file with its reason."""
    counts = {status: sum(1 for r in results if r.status == status) for status in _STATUS}
    line = "，".join(f"{_STATUS[s]} {n} 份" for s, n in counts.items() if n)
    refused = [r for r in results if r.status == "failed"]
    if not refused:
        return f"共 {len(results)} 个文件：{line}。"
    reasons = "\n".join(f"  {r.path}：{r.message}" for r in refused)
    return f"共 {len(results)} 个文件：{line}。未能添加的文件：\n{reasons}"


def format_stored(stored: StoredReport) -> str:
    return (
        f"{stored.id}  {stored.agency}  {stored.year} 年度  {stored.level}级  {stored.chunk_count} 段  "
        f"错误 {stored.errors} 提醒 {stored.warnings}  {stored.source}"
    )


def format_hit(rank: int, hit: SearchHit) -> str:
    where = "前言" if hit.part == "前言" else f"第{hit.part}部分 第{hit.paragraph + 1}段"
    return f"{rank}. {hit.agency} {hit.year} 年度 {where}（{hit.report_id}，得分 {hit.score:.4f}）\n   {hit.text}"


def format_figures(table: FiguresTable) -> str:
    """The figures as a tab-separated table: one row per cell, one column per year."""
    lines = [f"{table.agency} 历年表格数字", "\t".join(["表格", "项目", "栏目", *[f"{y}年" for y in table.years]])]
    for row in table.rows:
        values = ["" if row.values.get(y) is None else str(row.values[y]) for y in table.years]
        lines.append("\t".join([row.table.value, row.label, row.column, *values]))
    return "\n".join(lines)
