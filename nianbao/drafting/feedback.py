"""What a failed recheck tells the model for its next try, in a report's own words, and the tables' labels kept
out of the draft.

The checks name the cell a figure quotes by its table, row and column (依申请公开 一 本年新收 总计). Sent back
to a small model, such a label came back inside a sentence ("依申请公开一 本年新收 总计 702 件"). So the model
is told only the sentence, the figure it wrote and the figure the tables give, in the words of a report; and a
label of the tables that still reaches a reply is taken out, its clause marked 【待核实】 for the clerk to reread.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from nianbao.claims.text import CLAUSE_MARKS, CLOSERS, SENTENCE_MARKS, clause_at, split_sentences
from nianbao.drafting.model import UNVERIFIED
from nianbao.drafting.verify import NumberCheck, Status
from nianbao.schema import TableId

_TABLES = "|".join(t.value for t in TableId)
_ROW_CODE = (
    r"[一二三四五六七八九十]+(?:[.．][（(]?[一二三四五六七八九十\d]+[）)]?)*(?:\+[一二三四五六七八九十.．（）()\d]+)*"
)
# A table's name with a row code or a row label after it (依申请公开 一, 依申请公开三.（三）.1,
# 复议诉讼 行政复议 结果维持, 主动公开 规章 本年制发件数): never a report's words.
_TABLE_AND_ROW = re.compile(rf"(?:{_TABLES})(?:\s*{_ROW_CODE}(?=\s|$)|(?=\s+[^\s\d０-９]\S*\s))\s*")
_CODE_IN_BRACKETS = re.compile(r"[（(][一二三四五六七八九十]+(?:[.．+][^（）()\s]*)+[）)]")  # 办理结果总计（三.七）
_COLUMN_WORDS = re.compile(r"\s*各项之和（总计列）|\s+总计(?=\s|$)|\s*÷\s*")
_SPACE_IN_TEXT = re.compile(r"(?<=\S)[ \t]+(?=\S)")
_UNIT = re.compile(r"(件次|件|宗|起|个|份|条|例|项|次|篇|人|户|家|万元|元)$")


def plain_label(label: str) -> str:
    """A label of the tables in a report's words: 依申请公开 四 结转下年度继续办理 总计 → 结转下年度继续办理,
    复议诉讼 行政诉讼/复议后起诉 尚未审结 → 行政诉讼（复议后起诉）尚未审结."""
    text = _COLUMN_WORDS.sub(" ", _CODE_IN_BRACKETS.sub("", _TABLE_AND_ROW.sub("", label)))
    return "".join(_slashed(word) for word in text.split())


def _slashed(word: str) -> str:
    head, _, tail = word.partition("/")
    return f"{head}（{tail}）" if tail else head


def findings_for_model(error: ValidationError) -> str:
    """What a failed validation of a drafted part tells the model: each failing figure in a report's words."""
    checks = [c for e in error.errors() for c in (e.get("ctx") or {}).get("checks", [])]
    return plain_findings(checks) if checks else "\n".join(str(e["msg"]) for e in error.errors())


def plain_findings(checks: list[NumberCheck]) -> str:
    """The failing figures, one a line, as the model's next request gives them."""
    return "\n".join(f"- {plain_finding(c)}" for c in checks if c.failed)


def plain_finding(check: NumberCheck) -> str:
    """One failing figure or claim: the sentence, what was written, what the tables give (no label of theirs)."""
    where = f"“{check.sentence}”中的“{check.number}”"
    if check.status is Status.UNVERIFIED or not check.expected or "无法计算" in check.expected:
        return f"{where}在本年度数据和列出的工作中都没有：删去这个数字，或改为不含数字的说法。"
    if check.expected.startswith("表中"):  # a claim the cells contradict (均获维持 with a case pending)
        return f"{where}与本年度数据不符（{_plain_cells(check.expected[2:])}）：删去这个说法，或改为与数据相符的说法。"
    if check.quotes and check.quotes.startswith("同比"):
        return f"{where}这一同比变化与本年和上年的数据不符，应写作{_plain_expected(check)}。"
    return f"{where}与本年度数据不符，应为{_plain_expected(check)}。"


def _plain_expected(check: NumberCheck) -> str:
    """The figure the tables give, as a report writes it: “702件” (or “702件”或“720件” when counted two ways)."""
    assert check.expected is not None
    if check.quotes and check.quotes.startswith("同比") and not check.expected[:1].isdigit():
        return f"“{check.expected}”"  # a change: 增长8.07%, or only its word (下降, 持平)
    share = check.expected.split("（")[0].strip()
    if share.endswith("%"):  # 84%（予以公开 198 ÷ 办结 237）: the share alone
        return f"“{share}”"
    unit = _unit_of(check.number)
    values = dict.fromkeys(option.strip().rsplit(" ", 1)[-1] for option in check.expected.split(" 或 "))
    return "或".join(f"“{value}{'' if value.endswith(unit) else unit}”" for value in values)


def _plain_cells(cells: str) -> str:
    """“行政诉讼/未经复议直接起诉 尚未审结 1” → “行政诉讼（未经复议直接起诉）尚未审结1件”."""
    items = []
    for item in cells.split("，"):
        label, _, value = item.strip().rpartition(" ")
        items.append(f"{plain_label(label)}{value}件" if value.isdigit() else plain_label(item))
    return "，".join(items)


def _unit_of(number: str) -> str:
    match = _UNIT.search(number)
    return match.group(1) if match else ""


def has_table_label(text: str) -> bool:
    """Whether the text holds a label of the tables (a table's name with a row code, a bracketed row code)."""
    return bool(_TABLE_AND_ROW.search(text) or _CODE_IN_BRACKETS.search(text))


def table_labels_marked(text: str) -> tuple[str, int]:
    """The text with every label of the tables taken out of its sentence (依申请公开一 本年新收 总计 702 件 →
    本年新收702件) and the clause marked 【待核实】 for the clerk to reread; and how many clauses."""
    marked = 0
    lines = []
    for line in text.split("\n"):
        done = []
        for sentence in split_sentences(line):
            if has_table_label(sentence):
                sentence = _label_taken_out(sentence)
                marked += 1
            done.append(sentence)
        lines.append("".join(done))
    return "\n".join(lines), marked


def _label_taken_out(sentence: str) -> str:
    found = _TABLE_AND_ROW.search(sentence) or _CODE_IN_BRACKETS.search(sentence)
    at = found.start() if found else 0
    plain = _COLUMN_WORDS.sub(" ", _CODE_IN_BRACKETS.sub("", _TABLE_AND_ROW.sub("", sentence)))
    plain = _SPACE_IN_TEXT.sub("", plain) if re.search(r"[\u4e00-\u9fff]", plain) else plain
    start, end = clause_at(plain, min(at, max(len(plain) - 1, 0)))
    body = plain[start:end].rstrip().rstrip(CLAUSE_MARKS + SENTENCE_MARKS + CLOSERS)
    cut = start + len(body)
    return plain if UNVERIFIED in plain[start:end] else plain[:cut] + UNVERIFIED + plain[cut:]
