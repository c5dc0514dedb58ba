"""Numbers in a narrative sentence, and which table cells each one quotes.

A number quotes a cell when a keyword of that cell stands next to it in the same clause
(受理 … 258 件, 予以公开 190 件, 行政复议 2 件，其中维持 1 件). A keyword may come before the
number or, when none does, right after it (103 件顺延到下年度). Applicant and result keywords
(自然人, 维持) inherit the row named earlier in the sentence. Years, dates, document numbers,
ordinals and list numbers are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from nianbao.model import Report
from nianbao.schema import APPLICANT_COLUMNS, ReportFormat, TableId, rows_of

Address = tuple[TableId, str, str]
REQ, APPEAL, ACTIVE = TableId.REQUESTS, TableId.APPEALS, TableId.ACTIVE

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_UNIT = re.compile(r"\s*(余)?\s*(%|％|万元|元|件次|人次|件|条|个|项|次|篇|期|场|家|人|户|份|起|宗|批)?")
_NOT_A_FIGURE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|版|届|周年|热线|-|—\d)")
_LIST_MARK_AFTER = re.compile(r"[.．、](?!\d)")
_CLAUSE_BREAK = re.compile(r"[，,；;：:（）()、。！？!?]")
_BLOCKERS = ("案件", "热线", "事项", "信件", "留言", "稿件", "视频", "专栏", "网站", "新媒体")
_MAX_GAP = 24
_COUNT_UNITS = frozenset({"件次", "人次", "件", "条", "个", "项", "次", "篇", "期", "场", "家", "人", "户", "份", "起"})


@dataclass(frozen=True)
class Quote:
    """What a number quotes: the ways (each a sum of cells) to compute it; a share of 三.七 if percent."""

    label: str
    options: tuple[tuple[Address, ...], ...]
    percent: bool = False


@dataclass(frozen=True)
class Figure:
    """A number written in a sentence: where, as written, its value, its unit and what it quotes."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    about: bool = False
    quote: Quote | None = None

    @property
    def percent(self) -> bool:
        return self.unit == "%"

    @property
    def decimals(self) -> int:
        return len(self.text.split(".")[1]) if "." in self.text else 0


@dataclass(frozen=True)
class _Role:
    table: TableId
    kind: str  # "row" or "column"
    targets: tuple[str, ...]
    alternative: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    role: _Role


def split_sentences(text: str) -> list[str]:
    """A paragraph's sentences, each with its closing punctuation."""
    return [s for s in re.findall(r"[^。！？!?\n]*[。！？!?]+|[^。！？!?\n]+", text) if s.strip()]


def find_numbers(sentence: str) -> list[Figure]:
    """Every number in a sentence that may be a figure (not a year, date, document number or ordinal)."""
    found = []
    for match in _NUMBER.finditer(sentence):
        unit_match = _UNIT.match(sentence, match.end())
        unit = unit_match.group(2) or "" if unit_match else ""
        if not _is_figure(sentence, match, unit):
            continue
        text = match.group(0)
        end = unit_match.end() if unit_match and unit else match.end()
        found.append(
            Figure(
                start=match.start(),
                end=end,
                text=text,
                value=Decimal(text.replace(",", "")),
                unit="%" if unit in ("%", "％") else unit,
                about=bool(unit_match and unit_match.group(1)),
            )
        )
    return found


def _is_figure(sentence: str, match: re.Match[str], unit: str) -> bool:
    before, after = sentence[: match.start()], sentence[match.end() :]
    digits = match.group(0)
    if not unit and _NOT_A_FIGURE_AFTER.match(after):
        return False
    if len(digits) == 4 and 1900 <= int(digits) <= 2099 and unit not in _COUNT_UNITS and unit != "%":
        return False
    if before.endswith(("第", "〔", "[", "［", "-", "—")) or before.count("《") > before.count("》"):
        return False
    if before.rstrip().endswith(("（", "(")) and after.lstrip().startswith(("）", ")")):
        return False
    is_list_start = not before.strip() or before.rstrip()[-1] in "：:；;。（("
    return not (is_list_start and not unit and _LIST_MARK_AFTER.match(after))


def find_figures(sentence: str, fmt: ReportFormat = ReportFormat.F2021) -> list[Figure]:
    """Every figure of a sentence, each with the cells it quotes (None when it quotes none)."""
    matches = _keyword_matches(sentence, fmt)
    figures = find_numbers(sentence)
    result: list[Figure] = []
    for index, figure in enumerate(figures):
        previous_end = figures[index - 1].end if index else 0
        quote = _quote_for(sentence, figure, matches, previous_end, fmt)
        if quote is None and figure.unit == "%" and result and not result[-1].percent:
            quote = result[-1].quote  # 予以公开 185 件，占比 82.96%
        result.append(_with_quote(figure, quote))
    return result


def _with_quote(figure: Figure, quote: Quote | None) -> Figure:
    if quote is not None and figure.unit == "%":
        quote = Quote(quote.label + "占办结总数的比例", quote.options, percent=True)
    return Figure(figure.start, figure.end, figure.text, figure.value, figure.unit, figure.about, quote)


def _clause_bounds(sentence: str, position: int) -> tuple[int, int]:
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    following = _CLAUSE_BREAK.search(sentence, position)
    return start, following.start() if following else len(sentence)


def _quote_for(
    sentence: str, figure: Figure, matches: list[_Match], previous_end: int, fmt: ReportFormat
) -> Quote | None:
    clause_start, clause_end = _clause_bounds(sentence, figure.start)
    local_start = max(clause_start, previous_end)
    before = [m for m in matches if local_start <= m.start and m.end <= figure.start]
    before = [m for m in before if _close_enough(sentence[m.end : figure.start])]
    if before:
        local = before
    else:
        after = [m for m in matches if figure.end <= m.start and m.end <= clause_end]
        local = after[:1] if after and _close_enough(sentence[figure.end : after[0].start]) else []
    if not local:
        return None
    context = [m for m in matches if m.end <= local_start]
    return _compose(local, context, fmt)


def _close_enough(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and not any(b in gap for b in _BLOCKERS) and not _NUMBER.search(gap)


def _compose(local: list[_Match], context: list[_Match], fmt: ReportFormat) -> Quote | None:
    table = local[-1].role.table
    rows = [m.role for m in local if m.role.table is table and m.role.kind == "row"]
    columns = [m.role for m in local if m.role.table is table and m.role.kind == "column"]
    if not rows and columns:
        rows = [m.role for m in context if m.role.table is table and m.role.kind == "row"][-1:]
    if not rows:
        return None
    row, column = rows[-1], (columns[-1] if columns else None)
    column_names = column.targets if column else _default_columns(table, row)
    label = row.label + (f"（{column.label}）" if column else "")
    options = [tuple((table, r, c) for r in row.targets for c in column_names)]
    if row.alternative:
        options.append(tuple((table, r, c) for r in row.alternative for c in column_names))
    return Quote(label, tuple(options))


def _default_columns(table: TableId, row: _Role) -> tuple[str, ...]:
    if table is ACTIVE:
        if row.targets in (("规章",), ("行政规范性文件",)):
            return ("本年制发件数",)
        return ("本年收费金额",) if row.targets == ("行政事业性收费",) else ("本年处理决定数量",)
    return ("总计",)


def _keyword_matches(sentence: str, fmt: ReportFormat) -> list[_Match]:
    table = _keyword_table(fmt)
    pattern = _keyword_pattern(fmt)
    return [_Match(m.start(), m.end(), table[m.group(0)]) for m in pattern.finditer(sentence)]


_TABLES: dict[ReportFormat, dict[str, _Role]] = {}
_PATTERNS: dict[ReportFormat, re.Pattern[str]] = {}


def _keyword_table(fmt: ReportFormat) -> dict[str, _Role]:
    if fmt not in _TABLES:
        _TABLES[fmt] = _build_keywords(fmt)
    return _TABLES[fmt]


def _keyword_pattern(fmt: ReportFormat) -> re.Pattern[str]:
    if fmt not in _PATTERNS:
        words = sorted(_keyword_table(fmt), key=len, reverse=True)
        _PATTERNS[fmt] = re.compile("|".join(re.escape(w) for w in words))
    return _PATTERNS[fmt]


def _group_keys(fmt: ReportFormat, group: str, prefix: str) -> tuple[str, ...]:
    keys = tuple(r.key for r in rows_of(fmt, REQ) if r.group == group)
    return keys or tuple(r.key for r in rows_of(fmt, REQ) if r.key == prefix)


def _request_rows(fmt: ReportFormat) -> dict[str, _Role]:
    def row(label: str, targets: tuple[str, ...], alternative: tuple[str, ...] = ()) -> _Role:
        return _Role(REQ, "row", targets, alternative, label)

    received = row("本年新收申请数", ("一",), ("一", "二"))
    words: dict[str, _Role] = {w: received for w in ("受理", "收到", "接收", "共收到", "新收")}
    words["新收"] = row("本年新收申请数", ("一",))
    for w in ("上年结转", "上年度结转", "上一年度结转", "上年度结转申请", "往年结转"):
        words[w] = row("上年结转申请数", ("二",))
    carried = row("结转下年度继续办理", ("四",))
    for w in ("结转下年", "结转下一年", "结转至下年", "结转到下年", "顺延到下年", "顺延至下年", "下年度继续办理"):
        words[w] = carried
    closed = row("办理结果总计", ("三.七",))
    for w in ("办结", "答复", "办理", "作出答复", "已办理"):
        words[w] = closed
    both = row("予以公开及部分公开", ("三.一", "三.二"))
    for w in ("予以公开及部分公开", "予以公开和部分公开", "公开和部分公开", "公开及部分公开"):
        words[w] = both
    for w in ("予以公开", "同意公开", "全部公开"):
        words[w] = row("予以公开", ("三.一",))
    words["部分公开"] = row("部分公开", ("三.二",))
    for word, group, code in (
        ("不予公开", "（三）不予公开", "三.三"),
        ("无法提供", "（四）无法提供", "三.四"),
        ("不予处理", "（五）不予处理", "三.五"),
        ("其他处理", "（六）其他处理", "三.六"),
    ):
        words[word] = row(word, _group_keys(fmt, group, code))
    for spec in rows_of(fmt, REQ):
        if spec.group:
            for keyword in spec.keywords:
                if keyword != "其他" and len(keyword) >= 3:
                    words.setdefault(keyword, row(spec.label.split(".", 1)[-1], (spec.key,)))
    return words


def _request_columns() -> dict[str, _Role]:
    legal = APPLICANT_COLUMNS[1:]
    words = {c: _Role(REQ, "column", (c,), (), c) for c in APPLICANT_COLUMNS[:-1]}
    words["法人或其他组织"] = _Role(REQ, "column", legal, (), "法人或其他组织")
    words["社会公益组织"] = words["社会组织"]
    return words


def _appeal_words() -> dict[str, _Role]:
    review = _Role(APPEAL, "row", ("行政复议",), (), "行政复议")
    suits = _Role(APPEAL, "row", ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"), (), "行政诉讼")
    words = {"行政复议": review, "复议": review, "行政诉讼": suits, "诉讼": suits}
    words["直接起诉"] = _Role(APPEAL, "row", ("行政诉讼/未经复议直接起诉",), (), "未经复议直接起诉")
    words["复议后起诉"] = _Role(APPEAL, "row", ("行政诉讼/复议后起诉",), (), "复议后起诉")
    for column, synonyms in (
        ("结果维持", ("结果维持", "维持")),
        ("结果纠正", ("结果纠正", "纠正", "纠错", "被纠错")),
        ("其他结果", ("其他结果",)),
        ("尚未审结", ("尚未审结", "未审结")),
    ):
        for w in synonyms:
            words[w] = _Role(APPEAL, "column", (column,), (), column)
    return words


def _active_words(fmt: ReportFormat) -> dict[str, _Role]:
    if fmt is not ReportFormat.F2021:
        return {}
    words: dict[str, _Role] = {}
    for key, synonyms in (
        ("规章", ("规章",)),
        ("行政规范性文件", ("行政规范性文件", "规范性文件")),
        ("行政许可", ("行政许可",)),
        ("行政处罚", ("行政处罚",)),
        ("行政强制", ("行政强制",)),
        ("行政事业性收费", ("行政事业性收费", "事业性收费")),
    ):
        for w in synonyms:
            words[w] = _Role(ACTIVE, "row", (key,), (), key)
    for column, synonyms in (("现行有效件数", ("现行有效",)), ("本年废止件数", ("废止",)), ("本年制发件数", ("制发",))):
        for w in synonyms:
            words[w] = _Role(ACTIVE, "column", (column,), (), column)
    return words


def _build_keywords(fmt: ReportFormat) -> dict[str, _Role]:
    words = _request_rows(fmt)
    words.update(_request_columns())
    words.update(_appeal_words())
    words.update(_active_words(fmt))
    return words


def quoted_values(quote: Quote, report: Report) -> list[Decimal]:
    """The values the quoted cells give, one per way of computing it (None-free: blanks count 0)."""
    values = []
    for option in quote.options:
        total = sum((_cell_decimal(report, address) for address in option), Decimal(0))
        values.append(total)
    if not quote.percent:
        return values
    denominator = _cell_decimal(report, (REQ, "三.七", "总计"))
    return [v * 100 / denominator for v in values] if denominator else []


def _cell_decimal(report: Report, address: Address) -> Decimal:
    try:
        value = report.value(*address)
    except KeyError:
        return Decimal(0)
    return Decimal(value) if value is not None else Decimal(0)


def written(value: Decimal, decimals: int, truncate: bool = False) -> Decimal:
    """A value as it would be written with this many decimals (rounded, or truncated)."""
    step = Decimal(1).scaleb(-decimals)
    return value.quantize(step, rounding=ROUND_DOWN if truncate else ROUND_HALF_UP)


def matches_quote(figure: Figure, report: Report) -> bool:
    """True when the figure equals one way of computing what it quotes."""
    if figure.quote is None:
        return False
    for value in quoted_values(figure.quote, report):
        if figure.quote.percent:
            if figure.value in (written(value, figure.decimals), written(value, figure.decimals, truncate=True)):
                return True
        elif value == figure.value:
            return True
    return False


def format_value(value: Decimal, decimals: int = 0) -> str:
    """A value for the text: integers plain, money and shares as published."""
    if decimals:
        return str(written(value, decimals))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


_CLAIMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("全部办结", "均已办结", "全部按时办结", "均已按时办结"), "closed_all"),
    (("均获维持", "全部维持", "均被维持", "均维持原"), "all_upheld"),
    (("无被纠错", "未被纠错", "没有被纠错", "无纠错", "未被纠正", "无被纠正"), "none_corrected"),
)


def contradicted_claims(sentence: str, report: Report) -> list[tuple[str, str]]:
    """Phrases that claim a result (全部办结, 均获维持, 无被纠错) the cells contradict, with the reason."""
    found = []
    for phrases, claim in _CLAIMS:
        phrase = next((p for p in phrases if p in sentence), None)
        reason = _claim_contradiction(claim, report) if phrase else None
        if phrase and reason:
            found.append((phrase, reason))
    return found


def _claim_contradiction(claim: str, report: Report) -> str | None:
    appeal_rows = [r.key for r in rows_of(report.format, APPEAL)]
    corrected = sum(_cell_decimal(report, (APPEAL, r, "结果纠正")) for r in appeal_rows)
    other = sum(_cell_decimal(report, (APPEAL, r, "其他结果")) for r in appeal_rows)
    carried = _cell_decimal(report, (REQ, "四", "总计"))
    if claim == "closed_all" and carried > 0:
        return f"表中结转下年度继续办理 {format_value(carried)} 件"
    if claim == "all_upheld" and corrected + other > 0:
        return f"表中复议诉讼结果纠正 {format_value(corrected)} 件、其他结果 {format_value(other)} 件"
    if claim == "none_corrected" and corrected > 0:
        return f"表中复议诉讼结果纠正 {format_value(corrected)} 件"
    return None
