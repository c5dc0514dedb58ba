"""What each count of the narrative claims: the table figure (a cell, a sum of cells) it quotes.

Only claims we recognise are tied: a keyword as staff write it (受理…申请, 办结, 予以公开,
行政复议 …), then nothing but filler words, then the number and its unit (件, 件次 …). A number
that cannot be tied to a cell is left alone: a false alarm costs the reader's trust.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.claims.against import is_a_change
from nianbao.claims.numbers import Quantity, find_quantities
from nianbao.claims.text import Sentence, narrative_sentences
from nianbao.model import Report
from nianbao.numerals import normalize_digits
from nianbao.schema import APPLICANT_COLUMNS, ReportFormat, TableId, outcome_keys, rows_of

REQ, APP = TableId.REQUESTS, TableId.APPEALS
REVIEW = ("行政复议",)
SUITS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")

# ---------------------------------------------------------------------------------------------
# Table figures a claim may quote


@dataclass(frozen=True)
class Expected:
    """A figure of the table a number may quote: what it is (in words) and its value."""

    label: str
    value: int


def _sum(
    report: Report, table: TableId, rows: tuple[str, ...] | list[str], columns: str | tuple[str, ...] = "总计"
) -> int:
    wanted = (columns,) if isinstance(columns, str) else columns
    return sum(report.count(table, row, column) for row in rows for column in wanted)


def outcome_rows(report: Report, prefix: str) -> list[str]:
    return [key for key in outcome_keys(report.format) if key == prefix or key.startswith(prefix + ".")]


@lru_cache(maxsize=4)
def _request_keys(fmt: ReportFormat) -> frozenset[str]:
    return frozenset(spec.key for spec in rows_of(fmt, REQ))


def _request_row(row: str, label: str) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        if row not in _request_keys(report.format):
            return []  # a row of the 2021 format that the 2019 format does not have
        return [Expected(f"依申请公开 {row} {label} 总计", report.count(REQ, row, "总计"))]

    return expected


def _request_group(prefix: str, label: str) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        rows = outcome_rows(report, prefix)
        return [Expected(f"依申请公开 {prefix} {label} 各项之和（总计列）", _sum(report, REQ, rows))]

    return expected


def received(report: Report, sentence: Sentence, at: int) -> list[Expected]:
    """受理/新收 N 件: 新收 (一), or 新收 + 上年结转 (一 + 二) as some bodies count."""
    new = report.count(REQ, "一", "总计")
    return [
        Expected("依申请公开 一 本年新收 总计", new),
        Expected("依申请公开 一+二 新收加上年结转 总计", new + report.count(REQ, "二", "总计")),
    ]


def disclosed_all(report: Report, sentence: Sentence, at: int) -> list[Expected]:
    """予以公开及部分公开 = 三.一 + 三.二."""
    value = _sum(report, REQ, ("三.一", "三.二"))
    return [Expected("依申请公开 三.一+三.二 予以公开加部分公开 总计", value)]


def _applicants(columns: tuple[str, ...], label: str) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        new = sum(report.count(REQ, "一", c) for c in columns)
        carried = sum(report.count(REQ, "二", c) for c in columns)
        return [
            Expected(f"依申请公开 一 本年新收 {label}", new),
            Expected(f"依申请公开 一+二 新收加上年结转 {label}", new + carried),
        ]

    return expected


def _appeal_rows(rows: tuple[str, ...], column: str, report: Report) -> list[Expected]:
    label = "行政复议" if rows == REVIEW else "行政诉讼" if rows == SUITS else "行政复议和行政诉讼"
    options = [Expected(f"复议诉讼 {label} {column}", _sum(report, APP, rows, column))]
    if rows == SUITS:  # a body may quote one kind of suit only
        options += [Expected(f"复议诉讼 {row} {column}", report.count(APP, row, column)) for row in rows]
    return options


def _appeal_total(rows: tuple[str, ...]) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        return _appeal_rows(rows, "总计", report)

    return expected


_SUBJECTS = (
    (re.compile(r"复议后起诉"), ("行政诉讼/复议后起诉",)),
    (re.compile(r"未经复议|直接起诉"), ("行政诉讼/未经复议直接起诉",)),
    (re.compile(r"诉讼|起诉|应诉"), SUITS),
    (re.compile(r"复议"), REVIEW),
)


def appeal_subject(text: str) -> tuple[str, ...] | None:
    """The 复议诉讼 rows the text is last speaking of (复议, 诉讼, or one kind of suit)."""
    best: tuple[int, int, tuple[str, ...]] | None = None
    for pattern, rows in _SUBJECTS:
        for match in pattern.finditer(text):
            key = (match.end(), match.end() - match.start(), rows)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _appeal_result(column: str) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        rows = appeal_subject(sentence.text[:at])
        return _appeal_rows(rows, column, report) if rows else []

    return expected


def all_appeals(report: Report, sentence: Sentence, at: int) -> list[Expected]:
    """相关案件 N 件 in a sentence on 复议 and 诉讼: all rows, or the kind it names."""
    text = sentence.text
    has_review, has_suit = "复议" in text, bool(re.search("诉讼|起诉", text))
    if has_review and has_suit:
        return _appeal_rows(REVIEW + SUITS, "总计", report)
    if has_review or has_suit:
        return _appeal_rows(REVIEW if has_review else SUITS, "总计", report)
    return []


# ---------------------------------------------------------------------------------------------
# The claims we recognise


@dataclass(frozen=True)
class ClaimSpec:
    """A way staff quote a figure: a keyword, the filler allowed before the number, the cells."""

    name: str
    keyword: str
    expected: Callable[[Report, Sentence, int], list[Expected]]
    topic: TableId = TableId.REQUESTS  # the table whose figures the claim quotes
    filler: str = ""
    tail: str | None = None  # the number written before the keyword: “103 件顺延到下年度”
    general: bool = False  # the keyword is used of other things too (受理, 办结): needs 申请 nearby
    group: str = ""  # a result category made of sub-items (三.五 不予处理): the row prefix
    lead: re.Pattern[str] = field(init=False, repr=False)
    trail: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fill = self.filler or _FILL
        object.__setattr__(self, "lead", re.compile(f"(?:{self.keyword})(?:{fill})*$"))
        trail = re.compile(rf"^\s*(?:的)?(?:申请)?(?:已|均|依法)?(?:{self.tail})") if self.tail else None
        object.__setattr__(self, "trail", trail)


# Words that may stand between a keyword and its number without changing what is counted.
_FILL = (
    r"\s|共计|合计|总计|累计|共|各类|各种|了|本年度|本年|全年|年度|当年|的|依申请公开|政府信息公开|信息公开"
    r"|申请件|申请|件数|数量|总数|量|为|达到|达|是|有|事项|相关"
)
_SHORT_FILL = r"\s|的|了|共计|共|为|达|有|申请|信息|政府信息|相关政府信息|件数|数量|“|”"
_APPEAL_FILL = r"\s|案件|案|的|共计|共|为|达|有|申请|数量|总数|政府信息公开|信息公开"

_CARRIED_OUT = r"结转(?:至|到)?下一?年度?(?:继续办理)?|顺延(?:至|到)?下一?年度?|转入下一?年度?|结转"

CLAIMS: tuple[ClaimSpec, ...] = (
    ClaimSpec("受理/新收申请", r"受理|收到|新收|接收|接到", received, general=True),
    ClaimSpec(
        "上年结转", r"(?:上一?年度?|去年)(?:结转|转入)|上年度?未办结", _request_row("二", "上年结转"), general=True
    ),
    ClaimSpec("办结/答复", r"办结|答复|办理|办理完毕|处理完毕", _request_row("三.七", "办理结果总计"), general=True),
    ClaimSpec("结转下年度", _CARRIED_OUT, _request_row("四", "结转下年度继续办理"), tail=_CARRIED_OUT, general=True),
    ClaimSpec(
        "予以公开", r"予以公开|同意公开并提供", _request_row("三.一", "予以公开"), tail=r"予以公开(?!和|及|与|、)"
    ),
    ClaimSpec("部分公开", r"部分公开", _request_row("三.二", "部分公开"), tail=r"部分公开"),
    ClaimSpec(
        "予以公开及部分公开",
        r"予以公开(?:和|及|与|、|或|以及)部分公开|(?:全部|予以)公开(?:和|及|或)部分公开|同意公开|公开和部分公开",
        disclosed_all,
        tail=r"予以公开(?:和|及|与|、|或)部分公开|同意公开",
    ),
    ClaimSpec("不予公开", r"不予公开", _request_group("三.三", "不予公开"), tail=r"不予公开", group="三.三"),
    ClaimSpec("无法提供", r"无法提供", _request_group("三.四", "无法提供"), tail=r"无法提供", group="三.四"),
    ClaimSpec("不予处理", r"不予处理", _request_group("三.五", "不予处理"), tail=r"不予处理", group="三.五"),
    ClaimSpec(
        "其他处理", r"其他处理|其他方式处理", _request_group("三.六", "其他处理"), tail=r"其他处理", group="三.六"
    ),
    ClaimSpec(
        "自然人", r"自然人", _applicants(("自然人",), "自然人"), filler=r"\s|提出的|提出|申请|的|共|为", general=True
    ),
    ClaimSpec(
        "法人或其他组织",
        r"法人(?:或者?|和|及|、)?其他组织|法人",
        _applicants(APPLICANT_COLUMNS[1:], "法人或其他组织"),
        filler=r"\s|提出的|提出|申请|的|共|为",
        general=True,
    ),
    ClaimSpec("行政复议", r"行政复议", _appeal_total(REVIEW), APP, _APPEAL_FILL),
    ClaimSpec("行政诉讼", r"行政诉讼|应诉", _appeal_total(SUITS), APP, _APPEAL_FILL),
    ClaimSpec("未经复议直接起诉", r"未经复议直接起诉|直接起诉", _appeal_total(SUITS[:1]), APP, _APPEAL_FILL),
    ClaimSpec("复议后起诉", r"复议后起诉", _appeal_total(SUITS[1:]), APP, _APPEAL_FILL),
    ClaimSpec(
        "行政复议和行政诉讼",
        r"(?:行政)?复议(?:和|及|与|、)(?:行政)?诉讼|相关案件|案件",
        all_appeals,
        APP,
        _APPEAL_FILL,
    ),
    ClaimSpec("结果维持", r"结果维持|维持原?(?:行政行为|决定)?|予以维持|被维持", _appeal_result("结果维持"), APP),
    ClaimSpec("结果纠正", r"结果纠正|被纠错|纠错|被纠正|纠正", _appeal_result("结果纠正"), APP),
    ClaimSpec("其他结果", r"其他结果", _appeal_result("其他结果"), APP),
    ClaimSpec("尚未审结", r"尚未审结|未审结|正在审理|审理中", _appeal_result("尚未审结"), APP),
)

_SUB_ITEMS = (
    ("三.三.1", "属于国家秘密", r"属于国家秘密|国家秘密"),
    ("三.三.2", "其他法律行政法规禁止公开", r"法律行政法规禁止公开|法律法规禁止公开"),
    ("三.三.3", "危及“三安全一稳定”", r"三安全一稳定"),
    ("三.三.4", "保护第三方合法权益", r"第三方合法权益"),
    ("三.三.5", "属于三类内部事务信息", r"三类内部事务信息|内部事务信息"),
    ("三.三.6", "属于四类过程性信息", r"四类过程性信息|过程性信息"),
    ("三.三.7", "属于行政执法案卷", r"行政执法案卷"),
    ("三.三.8", "属于行政查询事项", r"行政查询事项"),
    ("三.四.1", "本机关不掌握相关政府信息", r"本机关不掌握相关政府信息|本机关不掌握|不掌握相关政府信息"),
    ("三.四.2", "没有现成信息需要另行制作", r"没有现成信息需要另行制作|需要另行制作|没有现成信息"),
    ("三.四.3", "补正后申请内容仍不明确", r"补正后申请内容仍不明确|内容仍不明确"),
    ("三.五.1", "信访举报投诉类申请", r"信访举报投诉类申请|信访举报投诉类|信访举报投诉"),
    ("三.五.2", "重复申请", r"重复申请"),
    ("三.五.3", "要求提供公开出版物", r"要求提供公开出版物|公开出版物"),
    ("三.五.4", "无正当理由大量反复申请", r"无正当理由大量反复申请|大量反复申请"),
    ("三.五.5", "要求行政机关确认或重新出具已获取信息", r"重新出具已获取信息|重新出具"),
    ("三.六.1", "申请人无正当理由逾期不补正", r"逾期不补正"),
    ("三.六.2", "申请人逾期未按收费通知要求缴纳费用", r"未按收费通知要求缴纳费用|未按收费通知缴纳费用"),
)


_ACTIVE_FILL = r"\s|的|了|共计|合计|累计|共|计|为|达|有|件数|数量|总数|文件"
_ACTIVE_DOCS = (
    ("规章", r"(?:政府)?规章", "规章"),
    ("行政规范性文件", r"(?:行政)?规范性文件", "行政规范性文件"),
)
_ACTIVE_COLUMNS = (
    ("现行有效", r"现行有效(?:的)?{doc}|{doc}现行有效", "现行有效件数"),
    ("制发", r"(?:新)?(?:制发|印发|出台|制定)(?:了)?{doc}|{doc}(?:新)?(?:制发|印发|出台)", "本年制发件数"),
    ("废止", r"(?:废止|宣布失效)(?:了)?{doc}|{doc}(?:废止|宣布失效)", "本年废止件数"),
)


def _active_cell(row: str, column: str) -> Callable[[Report, Sentence, int], list[Expected]]:
    def expected(report: Report, sentence: Sentence, at: int) -> list[Expected]:
        if report.format is not ReportFormat.F2021:
            return []  # the 2019 format counts documents made and published, not in force
        return [Expected(f"主动公开 {row} {column}", report.count(TableId.ACTIVE, row, column))]

    return expected


def _active_claims() -> tuple[ClaimSpec, ...]:
    """现行有效行政规范性文件 393 件, 制发规章 2 件, 废止规范性文件 5 件: the 主动公开 cells of 第二十条第（一）项."""
    return tuple(
        ClaimSpec(f"{verb}{name}", words.format(doc=doc), _active_cell(row, column), TableId.ACTIVE, _ACTIVE_FILL)
        for name, doc, row in _ACTIVE_DOCS
        for verb, words, column in _ACTIVE_COLUMNS
    )


def _sub_item_claims() -> tuple[ClaimSpec, ...]:
    return tuple(
        ClaimSpec(label, pattern, _request_row(row, label), filler=_SHORT_FILL) for row, label, pattern in _SUB_ITEMS
    )


ALL_CLAIMS = CLAIMS + _sub_item_claims() + _active_claims()
SUB_ITEM_LABELS = {row: label for row, label, _ in _SUB_ITEMS}

# ---------------------------------------------------------------------------------------------
# Finding the claims in a sentence


@dataclass(frozen=True)
class ClaimCheck:
    """A number of the narrative tied to a table figure, and which figure it agrees with (if any)."""

    sentence: Sentence
    quantity: Quantity
    claim: ClaimSpec
    options: tuple[Expected, ...]
    matched: Expected | None
    sub_item: Expected | None = None  # a category written as only one of its sub-items (不予处理 = 信访举报投诉类)

    @property
    def agrees(self) -> bool:
        return self.matched is not None


_BOUNDARY = re.compile(r"[，,；;：:（()）。！!？?]")
_OTHER_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LAST_YEAR_WORDS = re.compile(r"去年|上年同期|上一年度(?!结转)|上年度(?!结转|未办结)")


_ANY_KEYWORD = re.compile("|".join(f"(?:{spec.keyword})" for spec in ALL_CLAIMS))


def _lead(text: str, quantity: Quantity, previous_end: int) -> str:
    cut = max([previous_end] + [m.end() for m in _BOUNDARY.finditer(text, 0, quantity.start)])
    lead = text[cut : quantity.start]
    return re.sub(r"(?:约|近|大约|将近|接近|超过|逾|超)\s*$", "", lead)


def _tail(text: str, quantity: Quantity) -> str:
    stop = _BOUNDARY.search(text, quantity.end)
    return text[quantity.end : stop.start() if stop else len(text)]


def _claim_in(lead: str, tail: str) -> tuple[int, ClaimSpec] | None:
    best: tuple[int, ClaimSpec] | None = None
    if _ANY_KEYWORD.search(lead):
        for spec in ALL_CLAIMS:
            match = spec.lead.search(lead)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), spec)
    if best:
        return best
    after = next((s for s in ALL_CLAIMS if s.trail and s.trail.match(tail)), None)
    return (len(lead), after) if after else None


def match_claim(lead: str, tail: str) -> ClaimSpec | None:
    """The claim whose keyword (and filler) ends the lead, the longest first; else one in the tail."""
    found = _claim_in(lead, tail)
    return found[1] if found else None


# Words before a keyword that make the count a part of the whole: a channel (通过网络收到申请),
# a subject (涉及征地拆迁的申请中予以公开) or one office (县自然资源局受理申请).
_SUBSET = re.compile(
    r"通过|网络|网上|在线|信函|邮寄|当面|现场|传真|邮件|渠道|方式|涉及|关于|有关|类申请|领域|乡镇|街道|部门"
    r"|(?<![我本该])(?:局|委员会)"
)


def _is_subset(spec: ClaimSpec, before_keyword: str) -> bool:
    if spec.topic is not TableId.REQUESTS:
        return False
    if spec.expected is received and "其中" in before_keyword:
        return True
    return bool(_SUBSET.search(before_keyword))


# Words that say a sentence counts at another scope than the report's body: the whole county or
# city (全县, 各单位), the body's office acting for it (区政府办（代区政府）), a department or a unit.
_OTHER_SCOPE = re.compile(
    r"全(?:省|市|州|盟|县|区|旗|镇|乡)|各(?:级|单位|部门|乡镇|街道|县|区|市)|本级|[市县区]直|政府办|办公室|办公厅"
    r"|代.{0,8}政府|所属|下属|直属|系统|(?<![我本该])(?:局|委员会|中心|公司)"
)


def other_scope(report: Report, sentence: Sentence, at: int) -> str | None:
    """The words before ``at`` that say the sentence may count another scope than the report's body, or None.

    A count that contradicts its table is an error when the scope is the body's own (本机关, 我局, or
    no subject at all), a reminder when the sentence may count a wider or narrower one.
    """
    agency = report.agency or ""
    for match in _OTHER_SCOPE.finditer(sentence.text[:at]):
        if match.group() not in agency:
            return match.group()
    return None


def about_other_year(report: Report, before: str) -> bool:
    years = [int(y) for y in _OTHER_YEAR.findall(before)]
    if years and report.year is not None and years[-1] != report.year:
        return True
    return bool(_LAST_YEAR_WORDS.search(before))


def _in_topic(spec: ClaimSpec, sentence: Sentence, at: int) -> bool:
    """General words (受理, 办结, 结转) count requests only where the paragraph speaks of 申请."""
    return not spec.general or "申请" in sentence.before + sentence.text[:at]


def claims_in_sentence(report: Report, sentence: Sentence) -> list[ClaimCheck]:
    """Every count in a sentence that we can tie to a table figure, checked against it."""
    checks = []
    for quantity, spec in recognised_counts(sentence):
        check = _check(report, sentence, quantity, spec)
        if check is not None:
            checks.append(check)
    return checks


@lru_cache(maxsize=4096)
def recognised_counts(sentence: Sentence) -> tuple[tuple[Quantity, ClaimSpec], ...]:
    """The counts of a sentence whose words tie them to a kind of table figure (text only, cached)."""
    text = normalize_digits(sentence.text)
    found: list[tuple[Quantity, ClaimSpec]] = []
    previous: Quantity | None = None
    under_unknown = False  # inside “其中 …” of a number we could not tie: its parts are not the table's
    for quantity in (q for q in find_quantities(sentence.text) if not q.percent):
        if is_a_change(text[: quantity.start]):
            continue  # 较上年增加18件 is no figure of the table; a 其中 after it breaks down the figure before
        start = previous.end if previous else 0
        if previous is not None and "其中" in text[start : quantity.start]:
            under_unknown = under_unknown or not (found and found[-1][0] is previous)
        lead = _lead(text, quantity, start)
        previous = quantity
        claim = _claim_in(lead, _tail(text, quantity))
        if claim is None or under_unknown or _is_subset(claim[1], lead[: claim[0]]):
            continue
        if _in_topic(claim[1], sentence, quantity.start):
            found.append((quantity, claim[1]))
    return tuple(found)


def _check(report: Report, sentence: Sentence, quantity: Quantity, spec: ClaimSpec) -> ClaimCheck | None:
    if about_other_year(report, normalize_digits(sentence.text[: quantity.start])):
        return None
    options = tuple(spec.expected(report, sentence, quantity.start))
    if not options:
        return None
    matched = next((o for o in options if quantity.agrees(o.value)), None)
    sub_item = _sub_item_equal(report, spec.group, quantity) if matched is None and spec.group else None
    return ClaimCheck(sentence, quantity, spec, options, matched, sub_item)


def _sub_item_equal(report: Report, group: str, quantity: Quantity) -> Expected | None:
    """The sub-item of a category whose cell equals the number written for the whole category."""
    for row in outcome_rows(report, group):
        value = report.count(REQ, row, "总计")
        if row != group and value and quantity.agrees(value):
            return Expected(f"{row} {SUB_ITEM_LABELS.get(row, row)}", value)
    return None


def count_claims(report: Report) -> list[ClaimCheck]:
    """Every count of the narrative tied to a table figure (agreeing or not), in reading order."""
    return [check for s in narrative_sentences(report) for check in claims_in_sentence(report, s)]
