"""Rule 9 of domain.md: numbers in the narrative that quote a table figure must equal it.

Only claims we recognise are compared: a keyword as staff write it (受理…申请, 办结, 予以公开,
行政复议 …), then nothing but filler words, then the number and its unit (件, 件次 …). A number
that cannot be tied to a cell is left alone: a false alarm costs the reader's trust.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

from nianbao.model import CellNumber, Finding, Location, Report, Severity
from nianbao.numerals import CHINESE_NUMERAL_CHARS, normalize_digits, parse_chinese_number
from nianbao.rules import CheckContext, rule
from nianbao.schema import APPEAL_PARTS, APPLICANT_COLUMNS, ReportFormat, TableId, outcome_keys, rows_of

REQ, APP = TableId.REQUESTS, TableId.APPEALS
NARRATIVE_PARTS = ("一", "五", "六")
REVIEW = ("行政复议",)
SUITS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")

# ---------------------------------------------------------------------------------------------
# Sentences


@dataclass(frozen=True)
class Sentence:
    """A sentence of the narrative, with the paragraph it sits in (for the topic before it)."""

    part: str | None  # None for the preamble
    paragraph: str
    start: int
    text: str

    @property
    def before(self) -> str:
        """The paragraph up to this sentence."""
        return self.paragraph[: self.start]

    def location(self) -> Location:
        return Location(part=self.part, sentence=self.text)


_SENTENCE_END = re.compile(r"[^。；;！!？?]*(?:[。；;！!？?]+|$)")


def split_sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of a paragraph, split at 。；！？."""
    for match in _SENTENCE_END.finditer(paragraph):
        text = match.group().strip()
        if text:
            yield match.start() + len(match.group()) - len(match.group().lstrip()), text


def narrative_sentences(report: Report) -> list[Sentence]:
    """Every sentence of the preamble and of parts 一, 五 and 六 (line breaks end a paragraph)."""
    sources = ((None, report.preamble), *((n, report.part_text(n)) for n in NARRATIVE_PARTS))
    return list(_sentences_of(sources))


@lru_cache(maxsize=256)
def _sentences_of(sources: tuple[tuple[str | None, str], ...]) -> tuple[Sentence, ...]:
    # Cached on the texts themselves: every narrative rule reads the same sentences.
    sentences: list[Sentence] = []
    for part, text in sources:
        for paragraph in (p.strip() for p in text.split("\n")):
            sentences += [Sentence(part, paragraph, at, s) for at, s in split_sentences(paragraph)]
    return tuple(sentences)


# ---------------------------------------------------------------------------------------------
# Numbers in the text


class Approx(StrEnum):
    """How a number in the text is meant: exactly, at least (223余件), or about (约200件, 1.2万件)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written in a sentence (positions in the sentence)."""

    text: str
    value: int | Decimal
    start: int
    end: int
    percent: bool = False
    approx: Approx = Approx.EXACT
    tolerance: Decimal = Decimal(0)

    def agrees(self, actual: CellNumber) -> bool:
        """Whether a figure of the table agrees with this number as written."""
        if self.approx is Approx.AT_LEAST:
            return actual >= self.value
        if self.approx is Approx.ABOUT:
            return abs(Decimal(actual) - Decimal(self.value)) <= self.tolerance
        return actual == self.value


_NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[" + CHINESE_NUMERAL_CHARS + r"]+)"
    r"\s*(?P<wan>万)?(?P<more>余|多)?\s*(?P<unit>件次|件|宗|起|个|份|条|例|%)"
)
_APPROX_BEFORE = re.compile(r"(?:约|近|大约|将近|接近)\s*$")
_AT_LEAST_BEFORE = re.compile(r"(?:超过|逾|超)\s*$")
_AFTER = re.compile(r"^\s*(?P<word>以上|左右)")


def find_quantities(sentence: str) -> list[Quantity]:
    """Every number followed by a unit (件, 件次, 宗, 起, 个, 份, 条, 例, %) in a sentence."""
    return list(_quantities(sentence))


@lru_cache(maxsize=4096)
def _quantities(sentence: str) -> tuple[Quantity, ...]:
    text = normalize_digits(sentence)
    found = []
    for match in _NUMBER.finditer(text):
        value = parse_chinese_number(match.group("num") + (match.group("wan") or ""))
        if value is not None:
            found.append(_quantity(text, match, value))
    return tuple(found)


def _quantity(text: str, match: re.Match[str], value: int | Decimal) -> Quantity:
    before, after = text[: match.start()], text[match.end() :]
    approx, tolerance = Approx.EXACT, Decimal(0)
    if match.group("wan") and "." in match.group("num"):
        decimals = len(match.group("num").split(".")[1])
        approx, tolerance = Approx.ABOUT, Decimal(10000).scaleb(-decimals) / 2
    word = _AFTER.match(after)
    if match.group("more") or _AT_LEAST_BEFORE.search(before) or (word and word.group("word") == "以上"):
        approx = Approx.AT_LEAST
    elif _APPROX_BEFORE.search(before) or (word and word.group("word") == "左右"):
        approx, tolerance = Approx.ABOUT, max(tolerance, Decimal(value) / 10)
    percent = match.group("unit") == "%"
    return Quantity(match.group(), value, match.start(), match.end(), percent, approx, tolerance)


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


def _outcomes(report: Report, prefix: str) -> list[str]:
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
        rows = _outcomes(report, prefix)
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


class Topic(StrEnum):
    REQUESTS = "依申请公开"
    APPEALS = "复议诉讼"


@dataclass(frozen=True)
class ClaimSpec:
    """A way staff quote a figure: a keyword, the filler allowed before the number, the cells."""

    name: str
    keyword: str
    expected: Callable[[Report, Sentence, int], list[Expected]]
    topic: Topic = Topic.REQUESTS
    filler: str = ""
    tail: str | None = None  # the number written before the keyword: “103 件顺延到下年度”
    general: bool = False  # the keyword is used of other things too (受理, 办结): needs 申请 nearby
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
    ClaimSpec("不予公开", r"不予公开", _request_group("三.三", "不予公开"), tail=r"不予公开"),
    ClaimSpec("无法提供", r"无法提供", _request_group("三.四", "无法提供"), tail=r"无法提供"),
    ClaimSpec("不予处理", r"不予处理", _request_group("三.五", "不予处理"), tail=r"不予处理"),
    ClaimSpec("其他处理", r"其他处理|其他方式处理", _request_group("三.六", "其他处理"), tail=r"其他处理"),
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
    ClaimSpec("行政复议", r"行政复议", _appeal_total(REVIEW), Topic.APPEALS, _APPEAL_FILL),
    ClaimSpec("行政诉讼", r"行政诉讼|应诉", _appeal_total(SUITS), Topic.APPEALS, _APPEAL_FILL),
    ClaimSpec("未经复议直接起诉", r"未经复议直接起诉|直接起诉", _appeal_total(SUITS[:1]), Topic.APPEALS, _APPEAL_FILL),
    ClaimSpec("复议后起诉", r"复议后起诉", _appeal_total(SUITS[1:]), Topic.APPEALS, _APPEAL_FILL),
    ClaimSpec(
        "行政复议和行政诉讼",
        r"(?:行政)?复议(?:和|及|与|、)(?:行政)?诉讼|相关案件|案件",
        all_appeals,
        Topic.APPEALS,
        _APPEAL_FILL,
    ),
    ClaimSpec(
        "结果维持", r"结果维持|维持原?(?:行政行为|决定)?|予以维持|被维持", _appeal_result("结果维持"), Topic.APPEALS
    ),
    ClaimSpec("结果纠正", r"结果纠正|被纠错|纠错|被纠正|纠正", _appeal_result("结果纠正"), Topic.APPEALS),
    ClaimSpec("其他结果", r"其他结果", _appeal_result("其他结果"), Topic.APPEALS),
    ClaimSpec("尚未审结", r"尚未审结|未审结|正在审理|审理中", _appeal_result("尚未审结"), Topic.APPEALS),
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


def _sub_item_claims() -> tuple[ClaimSpec, ...]:
    return tuple(
        ClaimSpec(label, pattern, _request_row(row, label), filler=_SHORT_FILL) for row, label, pattern in _SUB_ITEMS
    )


ALL_CLAIMS = CLAIMS + _sub_item_claims()

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
    if spec.topic is not Topic.REQUESTS:
        return False
    if spec.expected is received and "其中" in before_keyword:
        return True
    return bool(_SUBSET.search(before_keyword))


def _about_other_year(report: Report, before: str) -> bool:
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
    for quantity in (q for q in _quantities(sentence.text) if not q.percent):
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
    if _about_other_year(report, normalize_digits(sentence.text[: quantity.start])):
        return None
    options = tuple(spec.expected(report, sentence, quantity.start))
    if not options:
        return None
    matched = next((o for o in options if quantity.agrees(o.value)), None)
    return ClaimCheck(sentence, quantity, spec, options, matched)


def count_claims(report: Report) -> list[ClaimCheck]:
    """Every count of the narrative tied to a table figure (agreeing or not), in reading order."""
    return [check for s in narrative_sentences(report) for check in claims_in_sentence(report, s)]


def _describe(options: tuple[Expected, ...]) -> str:
    """The figures a number may quote, in words; of equal figures only the first (一 and 一+二 when 二 is 0)."""
    distinct = {o.value: o for o in reversed(options)}
    return " 或 ".join(f"{o.label} {o.value}" for o in options if distinct[o.value] is o)


def _count_finding(check: ClaimCheck) -> Finding:
    sentence, quantity = check.sentence, check.quantity
    expected = _describe(check.options)
    return Finding(
        rule="narrative.count",
        severity=Severity.WARNING,
        location=sentence.location(),
        expected=expected,
        found=quantity.text,
        message=f"正文中“{check.claim.name}”写作 {quantity.text}，表中为{expected}，两者不符：“{sentence.text}”",
    )


@rule("narrative.count")
def narrative_counts(ctx: CheckContext) -> Iterator[Finding]:
    """正文中引用的件数（受理、办结、结转、各项办理结果、复议诉讼）应与表格一致。"""
    checks = count_claims(ctx.report)
    # A sentence may give one figure at two scopes (全市 2300 余件, 本级 256 件): when one of them
    # agrees with the table, the other is of another scope, not an error.
    agreeing = {(c.sentence, c.claim.name) for c in checks if c.agrees}
    for check in checks:
        if not check.agrees and (check.sentence, check.claim.name) not in agreeing:
            yield _count_finding(check)


# ---------------------------------------------------------------------------------------------
# Percentages


def _places(printed: Decimal) -> Decimal:
    exponent = printed.as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def percent_method(part: int, whole: int, printed: Decimal) -> str | None:
    """How ``printed`` (a percentage) was computed from part/whole: 四舍五入 or 截尾, or None if neither."""
    if whole <= 0:
        return None
    places = _places(printed)
    ratio = Decimal(part) * 100 / Decimal(whole)
    if ratio.quantize(places, ROUND_HALF_UP) == printed:
        return "四舍五入"
    if ratio.quantize(places, ROUND_DOWN) == printed:
        return "截尾"
    return None


def request_wholes(report: Report) -> list[Expected]:
    """What a share of requests is usually taken of: 三.七 总计, then 一, then 一 + 二."""
    closed = report.count(REQ, "三.七", "总计")
    new = report.count(REQ, "一", "总计")
    return [
        Expected("办理结果总计（三.七）", closed),
        Expected("本年新收（一）", new),
        Expected("新收加上年结转（一+二）", new + report.count(REQ, "二", "总计")),
    ]


@dataclass(frozen=True)
class PercentCheck:
    """A percentage of the narrative, the figures it was tested against, and how it matched."""

    sentence: Sentence
    quantity: Quantity
    subject: str
    parts: tuple[Expected, ...]
    wholes: tuple[Expected, ...]
    method: str | None  # 四舍五入 / 截尾 / 近似 / None when nothing matched

    @property
    def agrees(self) -> bool:
        return self.method is not None


_SHARE = re.compile(r"占(?:比|[^\d，,；;。%]{0,12}?的?)?(?:比例)?(?:为|达|约)?\s*$")
_RATE = re.compile(r"(?:公开率|公开比例)(?:为|达到|达|是)?\s*$")


def _percent_agrees(quantity: Quantity, part: int, whole: int) -> str | None:
    if whole <= 0:
        return None
    if quantity.approx is Approx.EXACT:
        return percent_method(part, whole, Decimal(quantity.value))
    ratio = Decimal(part) * 100 / Decimal(whole)
    if quantity.approx is Approx.AT_LEAST:
        return "近似" if ratio >= quantity.value else None
    return "近似" if abs(ratio - Decimal(quantity.value)) <= 1 else None


def _percent_check(
    sentence: Sentence, quantity: Quantity, subject: str, parts: list[Expected], wholes: list[Expected]
) -> PercentCheck:
    for part in parts:
        for whole in wholes:
            method = _percent_agrees(quantity, part.value, whole.value)
            if method:
                return PercentCheck(sentence, quantity, subject, (part,), (whole,), method)
    return PercentCheck(sentence, quantity, subject, tuple(parts), tuple(wholes), None)


def percents_in_sentence(report: Report, sentence: Sentence, counts: list[ClaimCheck]) -> list[PercentCheck]:
    """Each “占 X%” after a recognised count, and each “公开率 X%”, checked against the table."""
    text = normalize_digits(sentence.text)
    checks = []
    for quantity in (q for q in find_quantities(sentence.text) if q.percent):
        lead = text[: quantity.start]
        if _RATE.search(lead):
            parts = [
                disclosed_all(report, sentence, 0)[0],
                Expected("予以公开（三.一）", report.count(REQ, "三.一", "总计")),
            ]
            checks.append(_percent_check(sentence, quantity, "公开率", parts, request_wholes(report)))
            continue
        before = [c for c in counts if c.quantity.end <= quantity.start]
        if not _SHARE.search(lead) or not before or before[-1].claim.topic is not Topic.REQUESTS:
            continue
        claim = before[-1]
        parts = [claim.matched or claim.options[0]]
        checks.append(_percent_check(sentence, quantity, claim.claim.name, parts, request_wholes(report)))
    return checks


def percent_claims(report: Report) -> list[PercentCheck]:
    """Every percentage of the narrative we can tie to the 依申请公开 table."""
    checks = []
    for sentence in narrative_sentences(report):
        counts = claims_in_sentence(report, sentence)
        checks += percents_in_sentence(report, sentence, counts)
    return checks


def _percent_finding(check: PercentCheck) -> Finding:
    part, whole = check.parts[0], check.wholes[0]
    exact = (Decimal(part.value) * 100 / Decimal(whole.value)) if whole.value else Decimal(0)
    shown = exact.quantize(_places(Decimal(check.quantity.value)), ROUND_HALF_UP)
    expected = f"{shown}%（{part.label} {part.value} ÷ {whole.label} {whole.value}）"
    return Finding(
        rule="narrative.percent",
        severity=Severity.WARNING,
        location=check.sentence.location(),
        expected=expected,
        found=check.quantity.text,
        message=(
            f"正文中“{check.subject}”的比例 {check.quantity.text} 与表格算出的 {expected} 不符"
            f"（已按四舍五入和截尾两种方式，并以办理结果总计、本年新收、新收加上年结转为分母核对）："
            f"“{check.sentence.text}”"
        ),
    )


@rule("narrative.percent")
def narrative_percents(ctx: CheckContext) -> Iterator[Finding]:
    """正文中的比例（占 X%、公开率 X%）应与表格算出的一致（四舍五入或截尾均可）。"""
    for check in percent_claims(ctx.report):
        if not check.agrees:
            yield _percent_finding(check)


# ---------------------------------------------------------------------------------------------
# Phrases that claim a result


@dataclass(frozen=True)
class PhraseSpec:
    """A phrase that claims something of the tables, and the cells that would contradict it."""

    name: str
    pattern: re.Pattern[str]
    contradiction: Callable[[Report, Sentence], tuple[str, int] | None]


def _appeal_rows_of(sentence: Sentence) -> tuple[str, ...]:
    has_review, has_suit = "复议" in sentence.text, bool(re.search("诉讼|起诉", sentence.text))
    if has_review != has_suit:
        return REVIEW if has_review else SUITS
    return REVIEW + SUITS


def _appeal_cells(report: Report, rows: tuple[str, ...], columns: tuple[str, ...]) -> tuple[str, int] | None:
    parts = [(f"{row} {column}", report.count(APP, row, column)) for row in rows for column in columns]
    bad = [(label, value) for label, value in parts if value > 0]
    if not bad:
        return None
    return "，".join(f"{label} {value}" for label, value in bad), sum(v for _, v in bad)


_APPEAL_WORDS = re.compile("复议|诉讼|起诉|案件|审结|应诉")


def _all_upheld(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if not _APPEAL_WORDS.search(sentence.text):
        return None
    return _appeal_cells(report, _appeal_rows_of(sentence), ("结果纠正", "其他结果"))


def _never_corrected(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if not _APPEAL_WORDS.search(sentence.text):
        return None
    return _appeal_cells(report, _appeal_rows_of(sentence), ("结果纠正",))


# “上年结转的 2 件申请已全部办结” speaks of last year's requests, not of this year's 四.
_LAST_YEARS_REQUESTS = re.compile(r"上一?年度?结转|结转的")


def _all_closed(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    if _APPEAL_WORDS.search(sentence.text):
        return _appeal_cells(report, _appeal_rows_of(sentence), ("尚未审结",))
    carried = report.count(REQ, "四", "总计")
    if "申请" not in sentence.before + sentence.text or not carried or _LAST_YEARS_REQUESTS.search(sentence.text):
        return None
    return f"依申请公开 四 结转下年度继续办理 总计 {carried}", carried


def _no_appeals(report: Report, sentence: Sentence) -> tuple[str, int] | None:
    match = _NO_APPEALS.search(sentence.text)
    scope = match.group() if match else sentence.text
    has_review, has_suit = "复议" in scope, bool(re.search("诉讼|起诉", scope))
    rows = (REVIEW if has_review else ()) + (SUITS if has_suit else ())
    counted = [(row, max(report.count(APP, row, "总计"), _sum(report, APP, (row,), APPEAL_PARTS))) for row in rows]
    cases = [(row, n) for row, n in counted if n > 0]
    if not cases:
        return None
    return "，".join(f"{row} 总计 {n}" for row, n in cases), sum(n for _, n in cases)


_NO_APPEALS = re.compile(
    r"(?:(?:未|没有|无)(?:发生|出现|收到|产生|涉及|被申请|被提起)[^，,；;。\d]{0,20}?|无|没有)"
    r"(?:行政复议|行政诉讼)(?:[和及与、或](?:行政)?(?:复议|诉讼))?"
)

PHRASES: tuple[PhraseSpec, ...] = (
    PhraseSpec("均获维持", re.compile(r"(?:均|全部|都)(?:已|获|被|予以)?(?:得到)?维持|全部胜诉|均胜诉"), _all_upheld),
    PhraseSpec(
        "无被纠错", re.compile(r"(?:无|未|没有)(?:一)?(?:件|起|例)?(?:被|出现)?(?:纠错|纠正)|零纠错"), _never_corrected
    ),
    PhraseSpec(
        "全部办结",
        re.compile(r"(?:全部|均已?|全都)(?:依法(?:依规)?)?(?:按时|及时|按期)?(?:办结|答复|审结|结案)"),
        _all_closed,
    ),
    PhraseSpec("未发生行政复议、行政诉讼", _NO_APPEALS, _no_appeals),
)


def _phrase_finding(spec: PhraseSpec, sentence: Sentence, phrase: str, cells: tuple[str, int]) -> Finding:
    return Finding(
        rule="narrative.claim",
        severity=Severity.WARNING,
        location=sentence.location(),
        expected=f"表中 {cells[0]}",
        found=phrase,
        message=f"正文称“{phrase}”，但表中{cells[0]}，两者矛盾：“{sentence.text}”",
    )


@rule("narrative.claim")
def narrative_phrases(ctx: CheckContext) -> Iterator[Finding]:
    """“均获维持”“无被纠错”“全部办结”“未发生行政复议”等说法不得与表格矛盾。"""
    for sentence in narrative_sentences(ctx.report):
        phrases = phrases_in(sentence.text)
        if not phrases or _about_other_year(ctx.report, sentence.text):
            continue
        for spec, phrase in phrases:
            cells = spec.contradiction(ctx.report, sentence)
            if cells:
                yield _phrase_finding(spec, sentence, phrase, cells)


@lru_cache(maxsize=4096)
def phrases_in(text: str) -> tuple[tuple[PhraseSpec, str], ...]:
    """The result-claiming phrases of a sentence, each with the words as written (cached)."""
    found = ((spec, spec.pattern.search(text)) for spec in PHRASES)
    return tuple((spec, match.group()) for spec, match in found if match)
