"""A contradiction said in the user's own terms: her figures, her clauses, then the rule.

“您说予以公开18件，但分项 16 + 2 + 1 = 19（“自然人16件”“企业2件”“另有1件…”）” says which of her
words disagree; the rule's id and message follow for whoever checks the arithmetic.
"""

from __future__ import annotations

import re

from nianbao.intake.changes import Address, CellChange, Origin
from nianbao.intake.derive import Relation
from nianbao.model import Report
from nianbao.schema import ReportFormat, TableId, row_spec

_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|\d+\.)")
_REQUEST_NAMES = {
    "一": "新收申请",
    "二": "上年结转",
    "四": "结转下年度",
    "三.七": "办结",
    "三.六.3": "其他处理中的“其他”",
}


def explain(report: Report, relation: Relation, given: dict[Address, CellChange]) -> str:
    """``您说予以公开 18 件，但分项 16 + 2 + 1 = 19`` with the clauses those figures came from."""
    if relation.rule == "arith.balance":
        return _explain_balance(report, relation, given)
    whole, parts = relation.left[0], relation.right
    total = report.value(*whole)
    values = [(a, report.value(*a)) for a in parts]
    nonzero = [(a, v) for a, v in values if v]
    summed = sum(int(v or 0) for _, v in values)
    terms = " + ".join(str(v) for _, v in nonzero) or "0"
    complete = all(v is not None for _, v in values)
    tail = f"= {summed}" if complete else f"= {summed}，已超过 {total}"
    words = "分项" if relation.rule != "arith.column_total" else "各项办理结果"
    name = name_of(whole, report.format)
    said = f"您说{name} {total} 件" if whole in given else f"按您给的其他数字，{name}应为 {total} 件"
    sentence = f"{said}，但{words} {terms} {tail}。"
    behind = [] if whole in given else [a for a in given if a[0] == whole[0] and a[2] == whole[2]]
    return sentence + _quoted([*behind, whole, *(a for a, _ in nonzero), *parts], report, given)


def _explain_balance(report: Report, relation: Relation, given: dict[Address, CellChange]) -> str:
    new, carried = (report.value(*a) for a in relation.left)
    done, kept = (report.value(*a) for a in relation.right)
    column = relation.left[0][2]
    where = "" if column == "总计" else f"（{column}）"
    left = f"新收 {_shown(new)} 件 + 上年结转 {_shown(carried)} 件 = {int(new or 0) + int(carried or 0)} 件"
    right = f"办结 {_shown(done)} 件 + 结转下年度 {_shown(kept)} 件 = {int(done or 0) + int(kept or 0)} 件"
    sentence = f"您说的数字{where}前后对不上：{left}，但{right}，两者应相等。"
    return sentence + _quoted(list(relation.cells), report, given)


def _shown(value: object) -> str:
    return "?" if value is None else str(value)


def _quoted(cells: list[Address], report: Report, given: dict[Address, CellChange]) -> str:
    """``（您的原话：“予以公开的18件中”“自然人16件”；表中已有：…）``."""
    cells = list(dict.fromkeys(cells))
    clauses = list(dict.fromkeys(given[a].source_text for a in cells if a in given and given[a].source_text))
    earlier = [f"{name_of(a, report.format)} {report.value(*a)}" for a in cells if a not in given and report.value(*a)]
    bits = []
    rest = list(dict.fromkeys(c.source_text for c in given.values() if c.origin is Origin.REST))
    if clauses:
        bits.append("您的原话：" + "".join(f"“{c}”" for c in clauses))
    if earlier:
        bits.append("表中已有或据此计算：" + "、".join(earlier))
    if rest:
        bits.append("".join(f"“{r}”" for r in rest) + "：未提到的单元格作 0 计")
    return f"（{'；'.join(bits)}）" if bits else ""


def name_of(address: Address, fmt: ReportFormat = ReportFormat.F2021) -> str:
    """A cell as the user says it: ``予以公开``, ``予以公开（自然人）``, ``行政复议（结果维持）``."""
    table, row, column = address
    if table is TableId.REQUESTS:
        label = _NUMBERING.sub("", row_spec(fmt, table, row).label).split("（")[0].split("、")[0]
        row = _REQUEST_NAMES.get(row, label)
    return row if column == "总计" else f"{row}（{column}）"
