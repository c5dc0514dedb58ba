"""What the pages call: the draft store, intake, drafting, review, writers and the knowledge base.

No Streamlit here: every function takes and returns models, so the pages stay thin. Features
built by other packages are imported lazily; a missing one raises ``NotReadyError`` with a
Chinese message, so its page says so instead of failing.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from nianbao import access
from nianbao.checker import check_report
from nianbao.drafts import DraftStore
from nianbao.errors import InvalidInputError, NianbaoError
from nianbao.localmodel import QWEN_CODER_1_5B, LocalModelError, ServerState, install_problem, local_server
from nianbao.model import Finding, Part, Report, Severity, empty_report
from nianbao.rules.arithmetic import sum_addends
from nianbao.schema import PART_NUMERALS, PART_TITLES, ReportFormat, TableId
from nianbao.settings import Settings, get_settings

log = logging.getLogger(__name__)

NOT_READY = "此功能尚未就绪"
Address = tuple[TableId, str, str]


class NotReadyError(NianbaoError):
    """A feature whose package has not been built yet."""


def optional(module: str, name: str, feature: str) -> Any:
    """``module.name``, or NotReadyError naming the feature when the module is not there yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ModuleNotFoundError, AttributeError) as e:
        if isinstance(e, ModuleNotFoundError) and e.name and not module.startswith(e.name):
            raise
        raise NotReadyError(f"{feature}：{NOT_READY}。") from e


# ---- settings, stores ------------------------------------------------------------------------


def settings() -> Settings:
    return get_settings()


def draft_store() -> DraftStore:
    """The draft store of the configured data folder."""
    return _draft_store(str(settings().data_dir))


@lru_cache(maxsize=8)
def _draft_store(data_dir: str) -> DraftStore:
    return DraftStore.in_data_dir(data_dir)


def model_label() -> str:
    """Which drafter is in use, for the sidebar."""
    s = llm_settings()
    if not s.uses_llm:
        return "内置离线起草（无需 API 密钥）"
    if s.llm == "local":
        return f"本地大模型：{QWEN_CODER_1_5B.alias}（127.0.0.1:{s.local_llm_port}）"
    where = shown_url(s.openai_base_url) if s.openai_base_url else "OpenAI"
    return f"大模型：{s.chat_model}（{where}）"


def shown_url(url: str) -> str:
    """An endpoint for display: scheme, host, port and path only (a user name, password or query may hold a key)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", f":{parts.port}" if parts.port else ""
    except ValueError:
        return "（已配置的地址）"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme and host else "（已配置的地址）"


# ---- the local model (offered in the sidebar when installed) ------------------------------------

# This session's choice of the local model. The pages pass no choice around: the shell sets it at the
# start of every run, and each session's script runs in its own thread, so one user's choice is not another's.
_local_chosen: ContextVar[bool] = ContextVar("local_chosen", default=False)


def choose_local_model(chosen: bool) -> None:
    """Draft and read figures with the local model in this session (or not)."""
    _local_chosen.set(chosen)


def llm_settings() -> Settings:
    """The settings drafting and figure reading use: NIANBAO_LLM=local when this session chose the local model."""
    s = settings()
    return s.model_copy(update={"llm": "local"}) if _local_chosen.get() and s.llm != "local" else s


@dataclass
class LocalModelStatus:
    """The local model as the sidebar shows it: offered (installed), configured (NIANBAO_LLM=local), state, message."""

    offered: bool
    configured: bool
    state: ServerState
    message: str

    @property
    def ready(self) -> bool:
        return self.state is ServerState.READY

    @property
    def failed(self) -> bool:
        return self.state is ServerState.FAILED


def local_model_status() -> LocalModelStatus:
    """Whether the local model can be offered, and how its server stands (in Chinese)."""
    s = settings()
    problem = install_problem(s.data_dir)
    state = local_server(s).state
    if problem is not None:
        message = (
            f"本地大模型未安装（{problem}）。在项目目录运行 make local-llm（约 1.1 GB，数分钟）后重启本应用，"
            "即可在此选用在本机离线运行的大模型。"
        )
    else:
        message = _state_message(s, state, local_server(s).error)
    return LocalModelStatus(problem is None, s.llm == "local", state, message)


def _state_message(s: Settings, state: ServerState, error: str) -> str:
    where = f"127.0.0.1:{s.local_llm_port}"
    if state is ServerState.READY:
        return f"本地大模型已就绪：{QWEN_CODER_1_5B.alias}，在本机 {where} 运行，文字不发往外部。"
    if state is ServerState.STARTING:
        return f"本地大模型正在启动（{where}），加载模型约需半分钟……"
    if state is ServerState.FAILED:
        return error  # says what failed and where the server's log is
    return f"本地大模型已安装，选用后在本机 {where} 启动。"


def start_local_model(retry: bool = False) -> LocalModelStatus:
    """Start the local model's server for this app process unless it answers; the status after."""
    try:
        local_server(settings()).ensure(retry)
    except LocalModelError as e:
        log.info("local model server not running: %s", e.message)
    return local_model_status()


def chat_model() -> Any:
    """The chat model for this session's drafting; the local model's server is started first when it is chosen."""
    s = llm_settings()
    if s.llm == "local":
        local_server(s).ensure()
    model_from_settings = optional("agents.llm", "chat_model_from_settings", "大模型")
    return model_from_settings(s)


def kb_label() -> str:
    """Which knowledge base is in use, for the sidebar."""
    s = settings()
    if s.uses_chroma_server:
        return f"Chroma 服务器：{s.chroma_host}:{s.chroma_port or 8000}"
    return f"本地文件夹：{s.data_dir}"


# ---- reports ---------------------------------------------------------------------------------


def new_report(agency: str, year: int) -> Report:
    """A blank draft for a body and year, with the six parts titled (see carry_over for 上年结转)."""
    agency = agency.strip()
    if not agency:
        raise InvalidInputError("请填写机关名称。")
    report = empty_report(ReportFormat.F2021)
    report.agency = agency
    report.year = year
    report.title = f"{agency}{year}年政府信息公开工作年度报告"
    report.parts = [Part(number=n, heading=f"{n}、{PART_TITLES[n]}") for n in PART_NUMERALS]
    return report


def carry_over(report: Report) -> tuple[Report, str]:
    """二 (上年结转) from last year's 四 in the knowledge base, and a note saying where it came from."""
    if report.agency is None or report.year is None:
        return report, ""
    try:
        previous = previous_report(report.agency, report.year)
        propose = optional("nianbao.intake.carryover", "carry_over", "上年结转")
        preview = optional("nianbao.intake.proposal", "preview", "上年结转")
    except NianbaoError:
        log.info("no previous report for carry-over")
        return report, ""
    if previous is None:
        return report, ""
    proposal = propose(previous)
    if not proposal.changes:
        return report, proposal.note
    return preview(report, proposal.changes).report, proposal.note


def findings_of(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding of the checker on the draft."""
    return check_report(report, previous=previous, per_cell=True).findings


def cell_findings(findings: list[Finding], report: Report | None = None) -> dict[Address, list[Finding]]:
    """Findings that sit at a table cell, keyed by the cell; with ``report``, not the "still blank" ones.

    While a draft is being filled, a blank cell is not yet a problem (the count of blank cells is
    shown instead); a cell with text that is not a number is.
    """
    keyed: dict[Address, list[Finding]] = {}
    for finding in findings:
        where = finding.location
        if report is not None and _still_blank(report, finding):
            continue
        if where.table is not None and where.row and where.column:
            keyed.setdefault((where.table, where.row, where.column), []).append(finding)
    return keyed


def visible_findings(report: Report, findings: list[Finding]) -> list[Finding]:
    """The findings worth showing on a draft being filled: not the "this cell is still blank" ones.

    A sum whose addends are partly blank is not yet wrong (blank counts as 0 in the checker, so it
    would say “应为 0”): it is shown as a reminder that names the blank cells.
    """
    return [_unfinished_sum(report, f) for f in findings if not _still_blank(report, f)]


def _unfinished_sum(report: Report, finding: Finding) -> Finding:
    """A sum finding whose addends are not all filled in, as a reminder; any other finding as it is."""
    where = finding.location
    addends = sum_addends(report.format, finding.rule, where.row or "", where.column or "")
    by_column = finding.rule in ("arith.row_total", "arith.appeal_total")
    blank = [_short_name(report, a, by_column) for a in addends if _is_blank(report, a)]
    if not blank:
        return finding
    named = "、".join(blank[:4]) + (f"等 {len(blank)} 个单元格" if len(blank) > 4 else "")
    message = f"{where.describe()}：尚未填完，{named}还是空白；填完后再核对勾稽关系。"
    return finding.model_copy(update={"severity": Severity.WARNING, "message": message})


def _short_name(report: Report, address: Address, by_column: bool) -> str:
    """A cell named by what differs from the finding's place: its column (a row's sum), else its row."""
    table, key, column = address
    return column if by_column else (report.row_label(table, key) or key)


def _is_blank(report: Report, address: Address) -> bool:
    try:
        cell = report.cell(*address)
    except KeyError:
        return False
    return cell.value is None and not cell.raw.strip()


def _still_blank(report: Report, finding: Finding) -> bool:
    where = finding.location
    if finding.rule not in ("cells.count", "cells.fee") or finding.is_error or where.table is None:
        return False
    try:
        cell = report.cell(where.table, where.row or "", where.column or "")
    except KeyError:
        return False
    return cell.value is None and not cell.raw.strip()


# ---- chat: figures into the tables -------------------------------------------------------------


@dataclass
class TurnResult:
    """What one chat message did: the report after it, the reply, and the cells changed."""

    report: Report
    reply: str
    changed: list[str] = field(default_factory=list)
    drafted_parts: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


ASKED = "intake_asked"
"""draft.extra key: the tables whose blanks the last reply offered to fill with 0."""


def figures_turn(report: Report, message: str, asked: list[str] | None = None) -> TurnResult | None:
    """Apply the figures a message gives; None when it gives none. Contradictions are refused.

    “好”/“按0填写” after a question about the missing cells fills them with 0 (``asked``: those tables).
    """
    reading = importlib.import_module("nianbao.intake.reading")
    if asked and reading.accepts(message):
        proposal = reading.answer_questions(report, [TableId(t) for t in asked])
        return proposal_turn(report, proposal, "", "按您的答复，未提到的单元格填 0")
    extraction = extract_figures(message, report.format)
    if not extraction.changes and not getattr(extraction, "rest", None):
        unread = [n for n in extraction.notes if n.startswith("这句没有读懂")]
        return TurnResult(report=report, reply="\n".join(f"- {n}" for n in unread)) if unread else None
    try:
        proposal = reading.propose_extraction(report, extraction)
    except InvalidInputError as e:
        return TurnResult(report=report, reply=f"{e.message}\n\n表格未作修改，请核对后重新输入。")
    return proposal_turn(report, proposal, message, "读到的数字")


def proposal_turn(report: Report, proposal: Any, message: str, heading: str) -> TurnResult:
    """The reply for a proposal: her words with what was read highlighted, each cell, then the questions."""
    reading = importlib.import_module("nianbao.intake.reading")
    lines = proposal.diff()
    if not lines:
        reply = ["这些数字与表格中已有的一致，没有需要修改的单元格。"]
    else:
        reply = [f"{heading}，{len(lines)} 个单元格（原值 → 新值，含随之计算的合计）："]
        quoted = highlighted(message, proposal.changes)
        reply[:0] = [f"原话（标出的是读到的部分）：{quoted}", ""] if quoted else []
        reply += listed_changes(proposal)
    reply.extend(f"- 注：{note}" if not note.startswith("这句") else f"- {note}" for note in proposal.notes)
    questions = reading.missing_questions(proposal.report)
    if questions:
        reply.append("")
        reply.extend(f"- {q.text}" for q in questions)
        reply.append("回复“好”即按 0 填写；也可以直接告诉我这些数字。")
    if proposal.missing:
        reply.append("\n" + proposal.missing.replace("\n", "\n- "))
    extra = {ASKED: [q.table.value for q in questions]}
    return TurnResult(report=proposal.report, reply="\n".join(reply), changed=lines, extra=extra)


HIGHLIGHT = ("⟦", "⟧")
"""Around the words of the user's message that a proposed cell came from (the page shows them highlighted)."""


def highlighted(message: str, changes: list[Any]) -> str:
    """The message with each span a change came from between ⟦ ⟧ (overlapping spans merged)."""
    spans = sorted({tuple(s) for c in changes for s in getattr(c, "spans", []) if s[1] <= len(message)})
    if not spans:
        return ""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out += [message[position:start], HIGHLIGHT[0], message[start:end], HIGHLIGHT[1]]
        position = end
    return "".join([*out, message[position:]]).replace("\n", " ")


def extract_figures(message: str, fmt: ReportFormat) -> Any:
    """The figures of a message: by the LLM when one is configured (falling back on failure), else built in."""
    extract = optional("nianbao.intake.extractor", "extract", "从对话中提取数字")
    if not llm_settings().uses_llm:
        return extract(message, fmt)
    try:
        extract_with_llm = optional("agents.extract", "extract_with_llm", "大模型读取数字")
        return extract_with_llm(message, chat_model(), fmt)
    except NianbaoError as e:
        fallback = extract(message, fmt)
        fallback.notes.insert(0, f"{e.message.rstrip('。')}。已改用内置规则读取数字。")
        return fallback


def listed_changes(proposal: Any) -> list[str]:
    """The proposal's lines as a list, each with the words it came from; blank cells the rules can only
    make 0, and those “其余均为0” fills, are summed up in one line each.

    A message with a few figures can fill a hundred such cells: listed one by one they buried what the
    user gave and what is still missing.
    """
    fmt = proposal.report.format
    zeros = [c for c in proposal.changes if c.origin == "derived" and c.old is None and c.new == 0]
    rest = [c for c in proposal.changes if c.origin == "rest"]
    lines = [_listed(c, fmt) for c in proposal.changes if c not in zeros and c not in rest]
    for source, count in Counter(c.source_text for c in rest).items():
        lines.append(f"- 按“{source}”，{count} 个未提到的单元格填 0：{_rest_tables(rest, source)}")
    if zeros:
        lines.append(f"- 另有 {len(zeros)} 个空白单元格按勾稽关系只能为 0，一并填入 0（应用后可在表格中查看、修改）")
    return lines


def _listed(change: Any, fmt: ReportFormat) -> str:
    said = f" ←“{change.source_text}”" if change.origin in ("user", "llm") and change.source_text else ""
    return f"- {change.describe(fmt)}{said}"


def _rest_tables(rest: list[Any], source: str) -> str:
    counts = Counter(c.table.value for c in rest if c.source_text == source)
    return "、".join(f"{table} {n} 个" for table, n in counts.items())


def spreadsheet_turn(report: Report, data: bytes, name: str) -> TurnResult:
    """Apply the figures of an uploaded spreadsheet (XLSX/CSV)."""
    read_sheet = optional("nianbao.intake.spreadsheet", "read_spreadsheet_bytes_guarded", "上传表格")
    preview = optional("nianbao.intake.proposal", "preview", "上传表格")
    extraction = read_sheet(data, name, report.format)
    changes = getattr(extraction, "changes", extraction)
    notes = list(getattr(extraction, "notes", []))
    if not changes:
        return TurnResult(report=report, reply=f"在“{name}”中没有找到可以填入表格的数字。")
    try:
        proposal = preview(report, changes, notes)
    except InvalidInputError as e:
        return TurnResult(report=report, reply=f"{e.message}\n\n表格未作修改，请核对后重新上传。")
    lines = proposal.diff()
    reply = [f"“{name}”中的数字，{len(lines)} 个单元格（原值 → 新值，含随之计算的合计）："]
    reply += listed_changes(proposal)
    if proposal.missing:
        reply.append("\n" + proposal.missing.replace("\n", "\n- "))
    return TurnResult(report=proposal.report, reply="\n".join(reply), changed=lines)


def edit_cells(report: Report, edits: dict[Address, str]) -> tuple[Report, str]:
    """Apply direct edits of cells; totals that followed their parts follow again.

    An edit that contradicts a rule is still kept (the user typed it) and its finding is shown at
    the cell; the message says so. Text that is not a number is kept as written and flagged.
    """
    edit_cell_text = optional("nianbao.intake.proposal", "parse_cell_text", "修改单元格")
    preview = optional("nianbao.intake.proposal", "preview", "修改单元格")
    from nianbao.intake.changes import CellChange

    parsed: dict[Address, Any] = {}
    unparsed: dict[Address, str] = {}
    for address, text in edits.items():
        try:
            parsed[address] = edit_cell_text(report, address, text)
        except InvalidInputError:
            unparsed[address] = text
    changes = [CellChange(table=a[0], row=a[1], column=a[2], new=v, source_text=str(v)) for a, v in parsed.items()]
    message = ""
    try:
        updated = preview(report, changes).report if changes else report.model_copy(deep=True)
    except InvalidInputError as e:
        updated = report.model_copy(deep=True)
        for address, value in parsed.items():
            updated.set_value(*address, value)
        message = e.message
    for address, text in unparsed.items():
        cell = updated.cell(*address)
        cell.raw, cell.value = text, None
    return updated, message


def describe_cell(address: Address, report: Report) -> str:
    from nianbao.intake.changes import describe_address

    return describe_address(address, report.format)


def changed_cells(before: Report, after: Report) -> list[str]:
    """One line per cell whose value differs: ``依申请公开 / 一 … / 总计：258 → 268``."""
    from nianbao.intake.changes import describe_address, shown

    lines = []
    for cell in after.cells:
        address = (cell.table, cell.row, cell.column)
        old = before.cell(*address)
        if (old.value, old.raw.strip()) != (cell.value, cell.raw.strip()):
            was = shown(old.value) if old.value is not None or not old.raw.strip() else old.raw.strip()
            now = shown(cell.value) if cell.value is not None or not cell.raw.strip() else cell.raw.strip()
            lines.append(f"{describe_address(address, after.format)}：{was} → {now}")
    return lines


# ---- narrative ---------------------------------------------------------------------------------


def knowledge_source() -> Any:
    """The past reports the drafters ground on: the knowledge base, or the shipped corpus."""
    try:
        kb = knowledge_base()
        source_class = optional("nianbao.drafting.kbsource", "KnowledgeBaseSource", "知识库检索")
    except NotReadyError:
        return corpus_source()
    return source_class(kb)


@lru_cache(maxsize=1)
def corpus_source() -> Any:
    """The reports shipped in corpus/, in memory (used when the knowledge base is not ready)."""
    from nianbao.drafting.sources import ReportList
    from nianbao.readers.guard import read_report_guarded
    from nianbao.resources import corpus_files

    reports = []
    for path in corpus_files():
        try:
            reports.append(read_report_guarded(path))
        except NianbaoError:
            log.warning("corpus file %s could not be read", path.name)
    return ReportList(reports)


@dataclass
class PartDraft:
    """A drafted narrative part: its text and, per paragraph, the sources in words."""

    number: str
    text: str
    sources: list[str] = field(default_factory=list)
    note: str = ""


TextCallback = Callable[[str, str], None]


Facts = dict[str, Any]


def stated_facts(message: str) -> Facts:
    """What a chat message states that no table holds: 信息处理费 (“未收取信息处理费” = 0), in 元, as text."""
    if "处理费" not in message:
        return {}
    facts_in_text = optional("nianbao.drafting.facts", "facts_in_text", "记录信息处理费")
    return {name: str(value) for name, value in facts_in_text(message).items()}


def draft_parts(
    report: Report,
    numbers: list[str] | None = None,
    instruction: str = "",
    on_text: TextCallback | None = None,
    facts: Facts | None = None,
) -> list[PartDraft]:
    """Draft the narrative parts (一, 五, 六 by default) with the configured drafter.

    With an LLM, ``on_text(number, text_so_far)`` is called as each part streams in. When the LLM
    fails (after its retries), the message says why; the parts it finished stay, a part that has
    text keeps it, and an empty one gets the offline drafter's text: nothing written is lost.
    ``facts`` are what the user stated beyond the tables (信息处理费), used and checked in 六.
    """
    wanted = numbers or ["一", "五", "六"]
    facts = {name: Decimal(str(value)) for name, value in (facts or {}).items()}
    if not llm_settings().uses_llm:
        return _offline_parts(report, wanted, instruction, facts)
    done: list[PartDraft] = []
    try:
        return _llm_parts(report, wanted, instruction, on_text, done, facts)
    except NianbaoError as e:
        failure = e.message.rstrip("。")
    except Exception:
        log.exception("LLM drafting failed")
        failure = "大模型起草失败"
    left = [n for n in wanted if n not in {p.number for p in done}]
    return done + _fallback_parts(report, left, failure, facts)


def _fallback_parts(report: Report, numbers: list[str], failure: str, facts: Facts) -> list[PartDraft]:
    """After an LLM failure: a part with text keeps it, an empty one is drafted offline."""
    empty = [n for n in numbers if not report.part_text(n).strip()]
    offline = {p.number: p for p in _offline_parts(report, empty, "", facts)} if empty else {}
    result = []
    for number in numbers:
        if number in offline:
            part = offline[number]
            result.append(PartDraft(number, part.text, part.sources, f"{failure}。已改用内置离线起草的结果。"))
        else:
            kept = f"{failure}。第{number}部分保留原有内容，未作修改。"
            result.append(PartDraft(number, report.part_text(number), [], kept))
    return result


def _offline_parts(report: Report, numbers: list[str], instruction: str, facts: Facts) -> list[PartDraft]:
    drafter = optional("nianbao.drafting.offline", "draft_offline", "内置离线起草")
    draft = drafter(report.agency or "", report.year or 0, report, knowledge_source(), facts)
    drafted = _part_drafts(draft, numbers)
    if instruction.strip():
        note = "内置离线起草不能按指令改写，已按本年度数据重新生成；如需按指令改写，请配置大模型。"
        drafted = [PartDraft(p.number, p.text, p.sources, note) for p in drafted]
    return drafted


def _llm_parts(
    report: Report,
    numbers: list[str],
    instruction: str,
    on_text: TextCallback | None,
    done: list[PartDraft],
    facts: Facts,
) -> list[PartDraft]:
    drafter_class = optional("agents.draft", "LLMDrafter", "大模型起草")
    with_part = optional("agents.draft", "with_part", "大模型起草")
    drafter = drafter_class(chat_model(), knowledge_source())
    draft = _as_draft(report)
    for number in numbers:
        stream = drafter.stream_part(draft, number, facts, instruction.strip() or None)
        shown = ""
        for chunk in stream:
            shown = chunk.text if chunk.reset else shown + chunk.text
            if on_text is not None:
                on_text(number, shown)
        draft = with_part(stream.draft, stream.part, stream.notes)
        done += [PartDraft(p.number, p.text, p.sources, "；".join(stream.notes)) for p in _part_drafts(draft, [number])]
    drafted = _part_drafts(draft, numbers)
    notes = "；".join(draft.notes)
    return [PartDraft(p.number, p.text, p.sources, notes) for p in drafted]


def _as_draft(report: Report) -> Any:
    """The report as the drafters' Draft: all six parts present, in order."""
    from nianbao.drafting.model import Draft, DraftParagraph, DraftPart

    full = with_parts(report, [PartDraft(n, report.part_text(n)) for n in PART_NUMERALS if report.part(n) is None])
    parts = {
        n: DraftPart(number=n, paragraphs=[DraftParagraph(text=t) for t in full.part_text(n).split("\n") if t.strip()])
        for n in ("一", "五", "六")
    }
    return Draft(report=full, parts=parts)


def _part_drafts(draft: Any, numbers: list[str]) -> list[PartDraft]:
    result = []
    for number in numbers:
        part = draft.parts.get(number)
        if part is None:
            continue
        sources = [ref.describe() for p in part.paragraphs for ref in p.sources]
        result.append(PartDraft(number, part.text, list(dict.fromkeys(sources))))
    return result


def with_parts(report: Report, drafted: list[PartDraft]) -> Report:
    """The report with these parts' text replaced; every other part and all cells untouched."""
    updated = report.model_copy(deep=True)
    for part in drafted:
        existing = updated.part(part.number)
        if existing is None:
            updated.parts.append(Part(number=part.number, heading=f"{part.number}、{PART_TITLES[part.number]}"))
            existing = updated.parts[-1]
        existing.text = part.text
    updated.parts = updated.ordered_parts()
    return updated


def wants_drafting(message: str) -> list[str] | None:
    """The parts a chat message asks to draft (起草/撰写/生成 …), or None."""
    if not any(word in message for word in ("起草", "撰写", "生成", "写一", "写出", "草拟", "重写")):
        return None
    named = [n for n in ("一", "五", "六") if f"第{n}部分" in message or PART_TITLES[n] in message]
    return named or ["一", "五", "六"]


def stream_text(text: str, size: int = 24) -> Iterator[str]:
    """The reply in small pieces, for st.write_stream."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


# ---- exports -----------------------------------------------------------------------------------


def export_docx(report: Report) -> bytes:
    writer: Callable[[Report], bytes] = optional("nianbao.writers", "write_docx", "导出 Word")
    return writer(report)


def export_markdown(report: Report) -> str:
    writer: Callable[[Report], str] = optional("nianbao.writers", "write_markdown", "导出 Markdown")
    return writer(report)


# ---- review ------------------------------------------------------------------------------------


def review_report(report: Report, previous: Report | None) -> Any:
    """The review engine's result for a draft (and last year's report when there is one)."""
    engine = optional("nianbao.review", "review", "审阅")
    return engine(report, previous)


def review_page_html(result: Any) -> str:
    render = optional("nianbao.review_html", "render_review", "审阅报告（HTML）")
    return render(result)


def read_upload(data: bytes, name: str) -> Report:
    """A report from an uploaded file (any format the readers take)."""
    from nianbao.readers.guard import read_report_bytes_guarded

    return read_report_bytes_guarded(data, name, max_bytes=settings().max_file_mb * 1024 * 1024)


# ---- knowledge base ----------------------------------------------------------------------------


def knowledge_base() -> Any:
    """The knowledge base of the configured data folder or Chroma server."""
    kb_class = optional("nianbao.kb.service", "KnowledgeBase", "知识库")
    return _knowledge_base(kb_class, str(settings().data_dir), settings().chroma_host or "")


@lru_cache(maxsize=4)
def _knowledge_base(kb_class: Any, data_dir: str, host: str) -> Any:
    kb = kb_class(settings())
    kb.warm_up()
    return kb


def previous_report(agency: str, year: int) -> Report | None:
    """This body's report for the year before, from the knowledge base."""
    kb = knowledge_base()
    from nianbao.drafting.sources import same_agency

    for stored in kb.list():
        if same_agency(stored.agency, agency) and stored.year == year - 1:
            return kb.show(stored.id).report
    return None


def known_bodies() -> list[str]:
    """Bodies with a report in the knowledge base (empty when it is not ready)."""
    try:
        return sorted({stored.agency for stored in knowledge_base().list()})
    except NianbaoError:
        return []


def search_knowledge_base(query: str, agency: str | None = None, k: int = 8) -> list[Any]:
    """The paragraphs of stored reports that best answer a question (hybrid search), optionally of one body."""
    return list(knowledge_base().search(query, k=k, agency=agency or None))


def figures_by_year(agency: str) -> Any:
    return knowledge_base().figures(agency=agency)


def key_figures(report: Report) -> dict[str, float | None]:
    """The chart's figures of one report: applications received, share 予以公开, 复议 and 诉讼."""
    req = TableId.REQUESTS
    received = report.value(req, "一", "总计")
    done = report.value(req, "三.七", "总计")
    disclosed = report.value(req, "三.一", "总计")
    share = float(Decimal(disclosed) / Decimal(done) * 100) if disclosed is not None and done else None
    appeals = report.value(TableId.APPEALS, "行政复议", "总计")
    direct = report.value(TableId.APPEALS, "行政诉讼/未经复议直接起诉", "总计")
    after = report.value(TableId.APPEALS, "行政诉讼/复议后起诉", "总计")
    suits = None if direct is None and after is None else float((direct or 0) + (after or 0))
    return {
        "新收申请（件）": float(received) if received is not None else None,
        "予以公开占比（%）": share,
        "行政复议（件）": float(appeals) if appeals is not None else None,
        "行政诉讼（件）": suits,
    }


def chart_rows(agency: str, draft: Report) -> dict[int, dict[str, float | None]]:
    """Key figures by year from the knowledge base, with the draft as the last point."""
    table = figures_by_year(agency)
    rows: dict[int, dict[str, float | None]] = {}
    for year in table.years:
        if draft.year is not None and year >= draft.year:
            continue
        report = empty_report(ReportFormat.F2021)
        for figure in table.rows:
            value = figure.values.get(year)
            try:
                report.set_value(figure.table, figure.row, figure.column, value)
            except KeyError:
                continue
        rows[year] = key_figures(report)
    if draft.year is not None:
        rows[draft.year] = key_figures(draft)
    return rows


MAX_NAME_BYTES = 180  # file systems allow 255 bytes; a Chinese character takes 3


def safe_file_name(name: str) -> str:
    """An uploaded file's name reduced to a plain file name (no folders, no odd characters, not too long)."""
    import re
    from pathlib import PurePath

    base = PurePath(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-（）()\u4e00-\u9fff]", "_", base).lstrip(".") or "upload"
    suffix = PurePath(cleaned).suffix[:16]
    stem = cleaned[: len(cleaned) - len(suffix)] if suffix else cleaned
    while stem and len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem or "upload") + suffix


def upload_folder() -> Path:
    """Where uploads wait while they are added: inside the data folder, never anywhere else."""
    folder = Path(settings().data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def admin_password_set() -> bool:
    """True when an admin password is configured (the 管理 page is locked otherwise)."""
    return access.admin_password_set(settings())


def admin_password_matches(given: str) -> bool:
    """Whether what the user typed is the admin password (constant time; LoginLockedError after 5 wrong ones)."""
    return access.admin_login(settings(), given)


def add_to_knowledge_base(data: bytes, name: str, password: str | SecretStr, replace: bool = False) -> str:
    """Add an uploaded report with the admin password the user gave; the message to show."""
    import tempfile

    kb = knowledge_base()
    with tempfile.TemporaryDirectory(prefix="upload-", dir=upload_folder()) as folder:
        path = Path(folder) / safe_file_name(name)
        path.write_bytes(data)
        result = kb.add_file(path, replace=replace, password=password or "")
    if result.report is None:
        return result.message
    return f"{result.report.agency} {result.report.year} 年度：{result.message}"


def remove_from_knowledge_base(report_id: str, password: str | SecretStr) -> Any:
    """Remove a stored report with the admin password the user gave; the removed report."""
    return knowledge_base().remove(report_id, password=password or "")
