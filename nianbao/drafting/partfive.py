"""Part 五 from what the clerk said: last year's problems taken up one by one, this year's problems and measures.

A rectification is written only when she reported one: otherwise the problem is named and what was
done about it is left 【待补充】. This year's problems and next year's measures are hers; without them
typical ones (as peers name them, generic words only) are offered, each marked 【建议，待选用】 until she
picks it. Last year's problems are never listed again as this year's.
"""

from __future__ import annotations

import re

from nianbao.drafting.marks import SUGGESTED, TO_FILL
from nianbao.drafting.worknotes import Kind, WorkFact, cleaned, rectification_lead

TYPICAL_PROBLEMS = (
    "政策解读的形式还不够丰富，图解、视频等解读产品偏少",
    "依申请公开答复的规范性有待提高，个别答复说理不够充分",
    "基层政务公开工作人员多为兼职，业务能力有待提升",
    "部分单位信息更新不够及时，公开内容与群众需求结合不够紧密",
)
TYPICAL_MEASURES = (
    "丰富政策解读形式，提高解读的针对性和通俗性",
    "规范依申请公开办理流程，加强答复文书的合法性审查",
    "加强业务培训，提升政务公开工作人员能力",
    "加强政府网站和政务新媒体日常监管，确保信息发布及时准确",
)
_MEASURE_REQUEST = re.compile(r"(?:改进|整改)?措施|下一步|工作打算|改进方向")
_PROBLEM_REQUEST = re.compile(r"问题|不足")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


class PartFive:
    """The paragraphs of 五 for one draft."""

    def __init__(self, work: list[WorkFact], problems_last_year: list[str], subject: str, year: int) -> None:
        self.work, self.last, self.subject, self.year = work, problems_last_year, subject, year

    def answered(self, text: str) -> tuple[int | None, str]:
        """The one of last year's problems a rectification names (针对人力不足，… or 人力不足的问题：… → 人力、财力缺乏)
        and what was done.

        Only a lead (“针对…，”, “…的问题：”) sharing a word of two characters or more with exactly one problem (公开,
        工作 and the like do not count) ties it; otherwise it stands on its own.
        """
        lead = rectification_lead(text)
        if lead is None:
            return None, text
        named = [i for i, problem in enumerate(self.last) if _shares_a_word(lead.group("what"), problem)]
        return (named[0], text[lead.end() :]) if len(named) == 1 else (None, text)

    def this_year(self, item: str) -> str:
        """What was done this year, said in this year's report: without “2022年” (2022年我县增加… → 我县增加…)."""
        return re.sub(rf"^{self.year}年[，,]?", "", item) or item

    def bare(self, item: str, measure: bool = False) -> str:
        """Her item as it stands after 一是 or 将: without the body's name (我县的政策解读… → 政策解读…) and, for a
        measure, without its time and intent (明年我县要多搞图解 → 多搞图解), which the sentence already says."""
        subject = rf"(?:{re.escape(self.subject)}|本单位|本机关)的?"
        pattern = rf"^(?:{_WHEN})?{subject}(?:{_WILL})?|^{_WHEN}(?:{_WILL})?|^{_WILL}" if measure else rf"^{subject}"
        return re.sub(pattern, "", item).strip("，, ") or item

    def facts(self, kind: Kind) -> list[WorkFact]:
        return [f for f in self.work if f.about == kind.value and f.chosen]

    def rectifications(self) -> list[str]:
        """One paragraph per problem of last year's report: what the clerk said was done, else 【待补充】."""
        done = [(f, cleaned(f.text, self.subject, self.year)) for f in self.facts(Kind.RECTIFICATION)]
        general = [(f, text) for f, text in done if f.problem is None or f.problem >= len(self.last)]
        taken = {id(f): self.answered(text) for f, text in general}
        paragraphs = []
        for index, problem in enumerate(self.last):
            said = [self.this_year(_without_lead(text)) for f, text in done if f.problem == index]
            said += [self.this_year(taken[id(f)][1]) for f, _ in general if taken[id(f)][0] == index]
            what = "；".join(s for s in said if s) or f"整改情况{TO_FILL}"
            paragraphs.append(f"针对上年度报告指出的“{problem}”问题，{what}。")
        paragraphs += [f"{_as_rectification(text)}。" for f, text in general if taken[id(f)][0] is None]
        if not paragraphs:
            paragraphs.append(f"上年度报告所指出问题的整改情况{TO_FILL}。")
        return paragraphs

    def problems(self) -> str:
        """This year's problems: the clerk's, else typical ones offered as suggestions."""
        said = [self.bare(cleaned(f.text, self.subject, self.year)) for f in self.facts(Kind.PROBLEM)]
        lead = f"{self.year}年，{self.subject}政府信息公开工作取得一定成效，但对照上级要求和群众期待，仍存在一些不足："
        if any(said):
            return lead + _listed([s for s in said if s]) + "。"
        fresh = [p for p in TYPICAL_PROBLEMS if not any(similar(p, old) for old in self.last)]
        return lead + _listed([p + SUGGESTED for p in fresh[:3]]) + "。"

    def measures(self, year: int | None = None) -> str:
        """Next year's measures (下一步, or the year asked for): the clerk's, else suggestions."""
        said = [self.bare(cleaned(f.text, self.subject, self.year), measure=True) for f in self.facts(Kind.MEASURE)]
        when = f"{year}年" if year else "下一步"
        items = [s for s in said if s] or [m + SUGGESTED for m in TYPICAL_MEASURES[:3]]
        if len(items) == 1:
            return f"{when}，{self.subject}将{items[0]}。"
        return f"{when}，{self.subject}将重点做好以下工作：{_listed(items)}。"


_WHEN = r"(?:明年|下一?年度?|下一步|今后|(?:19|20)\d{2}年)[，,]?"
_WILL = r"(?:要|将|会|准备|计划|打算|拟|争取)"


_COMMON = frozenset(  # words every problem may have
    {"公开", "工作", "信息", "政务", "政府", "单位", "部分", "问题", "情况", "方面", "有待", "不够", "加强"}
)


def _without_lead(text: str) -> str:
    """An answer to the question on one problem without her words naming it again (针对人力不足的问题，…)."""
    lead = rectification_lead(text)
    return text[lead.end() :] if lead is not None and text[lead.end() :].strip() else text


def _as_rectification(text: str) -> str:
    """A rectification of a problem last year's report did not name, as reports write one: “人力不足的问题：新增…”
    → “针对人力不足的问题，新增…”."""
    lead = rectification_lead(text)
    if lead is None or text.startswith(("针对", "关于")) or not text[lead.end() :].strip():
        return text  # her own 针对…，: her words
    return f"针对{lead.group('what').removesuffix('的')}的问题，{text[lead.end() :].strip()}"


def _shares_a_word(said: str, problem: str) -> bool:
    """A run of two characters of her words in the problem, not one every problem has (公开, 工作 …)."""
    runs = {said[i : i + 2] for i in range(len(said) - 1)} - _COMMON
    return any(run in problem for run in runs)


def _listed(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return "；".join(f"{'一二三四五六七八九十'[i] if i < 10 else i + 1}是{item}" for i, item in enumerate(items))


def similar(a: str, b: str) -> bool:
    """Two problems sharing a run of four characters or more (政策解读, 依申请公开…)."""
    return any(a[i : i + 4] in b for i in range(len(a) - 3))


def measures_year(instruction: str, year: int) -> int | None:
    """The year a regenerate instruction asks measures for (“提出2023年改进措施” → 2023), if any."""
    if not _MEASURE_REQUEST.search(instruction):
        return None
    match = _YEAR.search(instruction)
    return int(match.group(1)) if match else year + 1


def five_instruction_notes(instruction: str) -> list[str]:
    """What the built-in drafter did with a regenerate instruction for 五: never silently nothing."""
    instruction = instruction.strip()
    if not instruction:
        return []
    followed = []
    if _MEASURE_REQUEST.search(instruction):
        followed.append("改进措施已按要求的年度写出（未提供的措施以【建议，待选用】列出）")
    if _PROBLEM_REQUEST.search(instruction):
        followed.append("问题按您提供的情况写出（未提供的以【建议，待选用】列出）")
    if followed:
        return [f"按“{instruction}”：" + "；".join(followed) + "。"]
    return [
        f"内置离线起草无法按“{instruction}”改写，本部分已按本年度数据和您提供的情况重新生成；如需按指令改写，请配置大模型。"
    ]
