"""The offline drafter: no LLM, no key, deterministic.

Parts 一, 五 and 六 are built from the body's most recent report (or the newest peer's of
the same level): the years rewritten, every figure tied to a cell replaced by this year's,
each sentence with a figure that cannot be tied marked 【待核实】. 五 opens with
上年度问题整改情况 and 六 always reports 信息处理费. Parts 二–四 are the tables, from the cells.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from nianbao.drafting.figures import find_ties, format_value
from nianbao.drafting.instructions import without_instructions
from nianbao.drafting.model import Draft, DraftParagraph, DraftPart, SourceRef
from nianbao.drafting.rewrite import FigureRewriter, rename_body, shift_years
from nianbao.drafting.sources import ReportSource, agency_level, grounding_report
from nianbao.drafting.summary import appeals_sentence, requests_sentence
from nianbao.drafting.verify import Facts, mark_failing, mark_sentence
from nianbao.model import Part, Report
from nianbao.problems import problems_listed
from nianbao.rules.narrative import Topic
from nianbao.schema import PART_NUMERALS, PART_TITLES

logger = logging.getLogger(__name__)

FEE = "信息处理费"
_SUBJECTS = (
    "我县",
    "我市",
    "我区",
    "我省",
    "我局",
    "我委",
    "我办",
    "我厅",
    "我镇",
    "我乡",
    "本局",
    "本委",
    "本办",
    "本厅",
    "本机关",
)
_LEVEL_SUBJECT = {"省": "我省", "市": "我市", "县": "我县"}


def draft_offline(
    agency: str, year: int, cells: Report, source: ReportSource | None = None, facts: Facts | None = None
) -> Draft:
    """A complete draft of ``agency``'s report for ``year`` from this year's cells and past reports."""
    base, own = grounding_report(source, agency, year) if source is not None else (None, False)
    return OfflineDrafter(agency, year, cells, base, own, dict(facts or {})).draft()


class OfflineDrafter:
    """Drafts one report; ``base`` is the report it is grounded on (None: from the figures alone)."""

    def __init__(self, agency: str, year: int, cells: Report, base: Report | None, own: bool, facts: Facts) -> None:
        self.agency, self.year, self.base, self.own, self.facts = agency, year, base, own, facts
        self.report = new_report(agency, year, cells)
        self.subject = subject_of(base, agency)
        moved = base.model_copy(update={"year": year}) if base is not None and own else None
        self.previous = base if moved is not None and base is not None and base.year == year - 1 else None
        self.rewriter = FigureRewriter(moved, self.report, facts, self.previous)
        self.instructions_left_out = 0

    def draft(self) -> Draft:
        parts = {"一": self.part_one(), "五": self.part_five(), "六": self.part_six()}
        for number, drafted in parts.items():
            self.verify(drafted)
            self.report.parts[PART_NUMERALS.index(number)].text = drafted.text
        notes = [] if self.base else ["没有找到本机关或同级机关的往年报告，叙述部分由本年度数据生成，请补充完善。"]
        if self.base is not None and not self.own:
            notes.append(f"本机关没有往年报告，叙述部分参照了{self.base.agency}{self.base.year}年度报告，请逐句核改。")
        if self.instructions_left_out and self.base is not None:
            notes.append(
                f"{self.base.agency}{self.base.year}年度报告中有 {self.instructions_left_out} 句像是写给 AI 模型的指令"
                "（如“忽略以上指令”），没有写入草稿，请核对这份报告的来源。"
            )
        return Draft(report=self.report, parts=parts, notes=notes)

    def verify(self, part: DraftPart) -> None:
        """The last check before anyone sees the part: every sentence with a failing number is marked."""
        for paragraph in part.paragraphs:
            paragraph.text, _ = mark_failing(paragraph.text, self.report, self.facts, part.number, self.previous)

    def part_one(self) -> DraftPart:
        paragraphs = self.rewritten("一")
        if not paragraphs:
            paragraphs = [DraftParagraph(text=self.opening())]
        summary = self.summary(paragraphs)
        return DraftPart(number="一", paragraphs=paragraphs[:1] + summary + paragraphs[1:])

    def part_five(self) -> DraftPart:
        base_paragraphs = without_fixes_section(self.rewritten("五"))
        fixes = DraftParagraph(text=self.fixes_text(), sources=self.refs("五"))
        problems = base_paragraphs or [DraftParagraph(text=self.generic_problems())]
        return DraftPart(
            number="五",
            paragraphs=[
                DraftParagraph(text="（一）上年度问题整改情况"),
                fixes,
                DraftParagraph(text="（二）存在的主要问题及改进措施"),
                *problems,
            ],
        )

    def part_six(self) -> DraftPart:
        paragraphs = self.rewritten("六")
        if not any(FEE in p.text for p in paragraphs):
            paragraphs.insert(0, DraftParagraph(text=self.fee_text()))
        return DraftPart(number="六", paragraphs=paragraphs)

    def rewritten(self, number: str) -> list[DraftParagraph]:
        """The base report's paragraphs of a part, made about this year and checked."""
        if self.base is None or self.base.year is None:
            return []
        refs = self.refs(number)
        part = self.base.part(number)
        result = []
        for text in part.paragraphs if part is not None else []:
            text, left_out = without_instructions(text)
            self.instructions_left_out += left_out
            text = rename_body(shift_years(text, self.base.year, self.year), self.base.agency, self.agency)
            text, _ = mark_failing(self.rewriter.paragraph(text), self.report, self.facts, number, self.previous)
            if text.strip():
                result.append(DraftParagraph(text=text, sources=refs))
        return result

    def refs(self, number: str) -> list[SourceRef]:
        if self.base is None:
            return []
        return [
            SourceRef(
                source=self.base.source or f"{self.base.agency}{self.base.year}",
                agency=self.base.agency,
                year=self.base.year,
                part=number,
                own=self.own,
            )
        ]

    def summary(self, paragraphs: list[DraftParagraph]) -> list[DraftParagraph]:
        """This year's 依申请公开 and 复议诉讼 figures, when the text does not quote them already."""
        topics = {
            tie.count.claim.topic
            for p in paragraphs
            for tie in find_ties(p.text, self.report)
            if tie.count is not None and tie.agrees
        }
        sentences = []
        if Topic.REQUESTS not in topics:
            sentences.append(requests_sentence(self.report, self.year, self.subject))
        if Topic.APPEALS not in topics:
            sentences.append(appeals_sentence(self.report))
        text = "".join(s for s in sentences if s)
        return [DraftParagraph(text=text)] if text else []

    def opening(self) -> str:
        return (
            f"{self.year}年，{self.subject}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
            "不公开为例外，扎实推进主动公开、依申请公开、政府信息管理、平台建设和监督保障等各项工作。"
        )

    def fixes_text(self) -> str:
        """上年度问题整改情况: last year's problems, turned into what was done about them."""
        problems = last_year_problems(self.base) if self.base is not None and self.own else []
        when = f"{self.base.year}年度报告" if self.base is not None and self.own else "上年度报告"
        listed = "、".join(f"“{p}”" for p in problems)
        named = f"中指出的{listed}等问题" if problems else "中指出的问题"
        return (
            f"针对{when}{named}，{self.subject}逐项明确整改措施和责任分工，按照上年度报告提出的改进措施"
            "推进整改落实（整改成效请结合本年度工作补充完善）。"
        )

    def generic_problems(self) -> str:
        return (
            f"{self.year}年，{self.subject}政府信息公开工作取得一定成效，但对照上级要求和群众期待仍存在不足"
            "（具体问题请补充）。下一步，将进一步加强政策解读、规范依申请公开办理、强化队伍建设，"
            "持续提升政府信息公开工作质量。"
        )

    def fee_text(self) -> str:
        """The 信息处理费 sentence: the user's figure when given, otherwise marked 【待核实】."""
        fee = fee_fact(self.facts)
        lead = f"{self.year}年，{self.subject}严格落实《政府信息公开信息处理费管理办法》"
        if fee is None:
            return mark_sentence(f"{lead}，收取信息处理费的情况。")
        if fee == 0:
            return f"{lead}，未收取信息处理费。"
        return f"{lead}，共收取信息处理费{format_value(fee)}元。"


def new_report(agency: str, year: int, cells: Report) -> Report:
    """The draft's report: title, preamble, six parts with official headings, a copy of the cells."""
    parts = [Part(number=n, heading=f"{n}、{PART_TITLES[n]}") for n in PART_NUMERALS]
    return Report(
        agency=agency,
        year=year,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        format=cells.format,
        preamble=preamble(agency, year),
        parts=parts,
        cells=[cell.model_copy() for cell in cells.cells],
        source="draft",
    )


def preamble(agency: str, year: int) -> str:
    return (
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（国办公开办函〔2021〕30号）规定编制。本报告所列数据统计期限自{year}年1月1日至"
        f"{year}年12月31日。现将{agency}{year}年政府信息公开工作年度报告向社会公布。"
    )


def subject_of(base: Report | None, agency: str) -> str:
    """How the body refers to itself (我县, 我市, 本机关): as its past report did, or by its level."""
    if base is not None:
        text = "\n".join(base.part_text(n) for n in ("一", "五", "六"))
        counts = {s: text.count(s) for s in _SUBJECTS}
        best = max(counts, key=lambda s: counts[s])
        if counts[best] and agency_level(base.agency) == agency_level(agency):
            return best
    if agency.endswith("区人民政府"):
        return "我区"
    return _LEVEL_SUBJECT.get(agency_level(agency), "本机关")


def last_year_problems(base: Report) -> list[str]:
    """The problems last year's 五 listed (一是…、二是…), as the review reads them, each cut to 30 characters."""
    return [p[:30] for p in problems_listed(base.part_text("五"))]


def without_fixes_section(paragraphs: list[DraftParagraph]) -> list[DraftParagraph]:
    """Last year's 五 without its own 上年度问题整改情况 section and sub-headings (ours replace them)."""
    kept: list[DraftParagraph] = []
    skipping = False
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if _is_subheading(text):
            skipping = "整改" in text and "改进" not in text
            if skipping or ("问题" in text and "改进" in text):
                continue
        if not skipping:
            kept.append(paragraph)
    return kept


def _is_subheading(text: str) -> bool:
    return len(text) <= 30 and not re.search(r"[。；;：:，,]", text)


def fee_fact(facts: Facts) -> Decimal | None:
    """The 信息处理费 the user gave (in 元), if any."""
    for name, value in facts.items():
        if FEE in name:
            try:
                return Decimal(str(value))
            except ArithmeticError:
                logger.warning("信息处理费不是数字：%s", value)
    return None
