"""The national format: tables, canonical rows and columns (domain.md), for 2021 and 2019.

Every cell has a canonical address ``table,row,column``. Row keys are the row label for
主动公开 and 复议诉讼, and the official numbering code (``三.三.1``) for 依申请公开.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class ReportFormat(StrEnum):
    """Which national format a report follows."""

    F2021 = "2021"
    F2019 = "2019"


class TableId(StrEnum):
    """The three tables of the report."""

    ACTIVE = "主动公开"
    REQUESTS = "依申请公开"
    APPEALS = "复议诉讼"


class ValueKind(StrEnum):
    """What a cell holds: a count of items or an amount of money (万元)."""

    COUNT = "count"
    MONEY = "money"
    CHANGE = "change"  # 2019's 本年增/减: a whole number of items, negative when items were dropped


@dataclass(frozen=True)
class RowSpec:
    """One canonical row: its key, its official label and the keywords that identify it."""

    table: TableId
    key: str
    label: str
    columns: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    kinds: tuple[ValueKind, ...] = ()
    group: str = ""

    def kind_of(self, column: str) -> ValueKind:
        if not self.kinds:
            return ValueKind.COUNT
        return self.kinds[self.columns.index(column)]

    @property
    def display(self) -> str:
        """The row as a person reads it: code and label for 依申请公开, the label otherwise."""
        if self.table is TableId.REQUESTS:
            return f"{self.key} {self.label}"
        return self.label


REQUEST_COLUMNS = ("自然人", "商业企业", "科研机构", "社会组织", "法律服务机构", "其他", "总计")
APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]
APPEAL_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
APPEAL_PARTS = APPEAL_COLUMNS[:-1]

ACTIVE_2021_DOCS = ("本年制发件数", "本年废止件数", "现行有效件数")
ACTIVE_2021_DECISIONS = ("本年处理决定数量",)
ACTIVE_2021_FEES = ("本年收费金额",)

ACTIVE_2019_DOCS = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
ACTIVE_2019_ITEMS = ("上一年项目数量", "本年增/减", "处理决定数量")
ACTIVE_2019_FEES = ("上一年项目数量", "本年增/减")
ACTIVE_2019_PURCHASE = ("采购项目数量", "采购总金额")


def _active(
    key: str,
    columns: tuple[str, ...],
    keywords: tuple[str, ...],
    group: str,
    kinds: tuple[ValueKind, ...] = (),
) -> RowSpec:
    return RowSpec(TableId.ACTIVE, key, key, columns, keywords, kinds, group)


def _request(key: str, label: str, keywords: tuple[str, ...], group: str = "") -> RowSpec:
    return RowSpec(TableId.REQUESTS, key, label, REQUEST_COLUMNS, keywords, (), group)


def _appeal(key: str, keywords: tuple[str, ...]) -> RowSpec:
    return RowSpec(TableId.APPEALS, key, key, APPEAL_COLUMNS, keywords)


NOT_DISCLOSED = "（三）不予公开"
CANNOT_PROVIDE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER_HANDLING = "（六）其他处理"

_REQUEST_HEAD = (
    _request("一", "本年新收政府信息公开申请数量", ("本年新收", "新收")),
    _request("二", "上年结转政府信息公开申请数量", ("上年结转",)),
    _request("三.一", "（一）予以公开", ("予以公开",)),
    _request("三.二", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",)),
    _request("三.三.1", "1.属于国家秘密", ("国家秘密",), NOT_DISCLOSED),
    _request("三.三.2", "2.其他法律行政法规禁止公开", ("禁止公开",), NOT_DISCLOSED),
    _request("三.三.3", "3.危及“三安全一稳定”", ("三安全一稳定", "三安全"), NOT_DISCLOSED),
    _request("三.三.4", "4.保护第三方合法权益", ("第三方合法权益", "第三方"), NOT_DISCLOSED),
    _request("三.三.5", "5.属于三类内部事务信息", ("内部事务",), NOT_DISCLOSED),
    _request("三.三.6", "6.属于四类过程性信息", ("过程性信息", "过程性"), NOT_DISCLOSED),
    _request("三.三.7", "7.属于行政执法案卷", ("行政执法案卷", "执法案卷"), NOT_DISCLOSED),
    _request("三.三.8", "8.属于行政查询事项", ("行政查询事项", "查询事项"), NOT_DISCLOSED),
    _request("三.四.1", "1.本机关不掌握相关政府信息", ("不掌握",), CANNOT_PROVIDE),
    _request("三.四.2", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), CANNOT_PROVIDE),
    _request("三.四.3", "3.补正后申请内容仍不明确", ("仍不明确", "补正后"), CANNOT_PROVIDE),
    _request("三.五.1", "1.信访举报投诉类申请", ("信访举报", "投诉类"), NOT_PROCESSED),
    _request("三.五.2", "2.重复申请", ("重复申请",), NOT_PROCESSED),
    _request("三.五.3", "3.要求提供公开出版物", ("公开出版物", "出版物"), NOT_PROCESSED),
    _request("三.五.4", "4.无正当理由大量反复申请", ("大量反复", "反复申请"), NOT_PROCESSED),
)
_REQUEST_2021_TAIL = (
    _request(
        "三.五.5",
        "5.要求行政机关确认或重新出具已获取信息",
        ("重新出具", "已获取信息", "确认或重新"),
        NOT_PROCESSED,
    ),
    _request(
        "三.六.1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正", "不补正"),
        OTHER_HANDLING,
    ),
    _request(
        "三.六.2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用"),
        OTHER_HANDLING,
    ),
    _request("三.六.3", "3.其他", ("其他",), OTHER_HANDLING),
)
_REQUEST_2019_TAIL = (_request("三.六", "（六）其他处理", ("其他处理",)),)
_REQUEST_END = (
    _request("三.七", "（七）总计", ("总计",)),
    _request("四", "结转下年度继续办理", ("结转下年度", "下年度继续", "继续办理")),
)

_APPEAL_ROWS = (
    _appeal("行政复议", ("行政复议",)),
    _appeal("行政诉讼/未经复议直接起诉", ("未经复议", "直接起诉")),
    _appeal("行政诉讼/复议后起诉", ("复议后起诉",)),
)

_ACTIVE_2021 = (
    _active("规章", ACTIVE_2021_DOCS, ("规章",), "第二十条第（一）项"),
    _active("行政规范性文件", ACTIVE_2021_DOCS, ("规范性文件",), "第二十条第（一）项"),
    _active("行政许可", ACTIVE_2021_DECISIONS, ("行政许可",), "第二十条第（五）项"),
    _active("行政处罚", ACTIVE_2021_DECISIONS, ("行政处罚",), "第二十条第（六）项"),
    _active("行政强制", ACTIVE_2021_DECISIONS, ("行政强制",), "第二十条第（六）项"),
    _active(
        "行政事业性收费",
        ACTIVE_2021_FEES,
        ("行政事业性收费", "事业性收费"),
        "第二十条第（八）项",
        (ValueKind.MONEY,),
    ),
)

_ITEMS_KINDS = (ValueKind.COUNT, ValueKind.CHANGE, ValueKind.COUNT)

_ACTIVE_2019 = (
    _active("规章", ACTIVE_2019_DOCS, ("规章",), "第二十条第（一）项"),
    _active("规范性文件", ACTIVE_2019_DOCS, ("规范性文件",), "第二十条第（一）项"),
    _active("行政许可", ACTIVE_2019_ITEMS, ("行政许可",), "第二十条第（五）项", _ITEMS_KINDS),
    _active(
        "其他对外管理服务事项",
        ACTIVE_2019_ITEMS,
        ("其他对外管理服务", "对外管理服务"),
        "第二十条第（五）项",
        _ITEMS_KINDS,
    ),
    _active("行政处罚", ACTIVE_2019_ITEMS, ("行政处罚",), "第二十条第（六）项", _ITEMS_KINDS),
    _active("行政强制", ACTIVE_2019_ITEMS, ("行政强制",), "第二十条第（六）项", _ITEMS_KINDS),
    _active(
        "行政事业性收费",
        ACTIVE_2019_FEES,
        ("行政事业性收费", "事业性收费"),
        "第二十条第（八）项",
        (ValueKind.COUNT, ValueKind.CHANGE),
    ),
    _active(
        "政府集中采购",
        ACTIVE_2019_PURCHASE,
        ("政府集中采购", "集中采购"),
        "第二十条第（九）项",
        (ValueKind.COUNT, ValueKind.MONEY),
    ),
)

ROWS: dict[ReportFormat, tuple[RowSpec, ...]] = {
    ReportFormat.F2021: _ACTIVE_2021 + _REQUEST_HEAD + _REQUEST_2021_TAIL + _REQUEST_END + _APPEAL_ROWS,
    ReportFormat.F2019: _ACTIVE_2019 + _REQUEST_HEAD + _REQUEST_2019_TAIL + _REQUEST_END + _APPEAL_ROWS,
}


@lru_cache(maxsize=64)  # looked up for every cell by the rules: keep it O(1)
def rows_of(fmt: ReportFormat, table: TableId | None = None) -> tuple[RowSpec, ...]:
    """The canonical rows of a format, in the order of domain.md, optionally of one table."""
    return tuple(r for r in ROWS[fmt] if table is None or r.table is table)


@lru_cache(maxsize=1024)
def row_spec(fmt: ReportFormat, table: TableId, key: str) -> RowSpec:
    """The canonical row with this key; KeyError when the format has no such row."""
    for spec in rows_of(fmt, table):
        if spec.key == key:
            return spec
    raise KeyError(f"{fmt}: {table}/{key}")


def addresses(fmt: ReportFormat) -> list[tuple[TableId, str, str]]:
    """Every canonical cell address of a format, in canonical order."""
    return [(r.table, r.key, c) for r in ROWS[fmt] for c in r.columns]


OUTCOME_KEYS_2021 = tuple(r.key for r in _REQUEST_HEAD[2:] + _REQUEST_2021_TAIL)
OUTCOME_KEYS_2019 = tuple(r.key for r in _REQUEST_HEAD[2:] + _REQUEST_2019_TAIL)


def outcome_keys(fmt: ReportFormat) -> tuple[str, ...]:
    """The 依申请公开 rows whose sum is 三.七 (本年度办理结果 without the total)."""
    return OUTCOME_KEYS_2021 if fmt is ReportFormat.F2021 else OUTCOME_KEYS_2019


PART_NUMERALS = ("一", "二", "三", "四", "五", "六")

PART_TITLES: dict[str, str] = {
    "一": "总体情况",
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
    "五": "存在的主要问题及改进情况",
    "六": "其他需要报告的事项",
}

# Titles seen in real reports that mean the same part; a heading containing one is that part.
PART_TITLE_VARIANTS: dict[str, tuple[str, ...]] = {
    "一": ("总体情况", "概述"),
    "二": ("主动公开政府信息情况", "主动公开政府信息", "主动公开情况"),
    "三": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "依申请公开"),
    "四": ("行政复议、行政诉讼情况", "被申请行政复议、提起行政诉讼情况", "行政复议", "行政诉讼"),
    "五": ("存在的主要问题及改进情况", "存在问题及改进情况", "主要问题", "改进情况", "存在问题"),
    "六": ("其他需要报告的事项", "其他需要报告", "其他事项"),
}

TABLE_PARTS: dict[TableId, str] = {
    TableId.ACTIVE: "二",
    TableId.REQUESTS: "三",
    TableId.APPEALS: "四",
}
