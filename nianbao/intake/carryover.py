"""上年结转 (二): this year's 二 is last year's 四 (结转下年度继续办理), column by column."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nianbao.intake.changes import CellChange, Origin
from nianbao.model import Report
from nianbao.schema import REQUEST_COLUMNS, TableId

REQ = TableId.REQUESTS


class CarryOver(BaseModel):
    """The proposed 二 cells and a note saying where they came from."""

    changes: list[CellChange] = Field(default_factory=list)
    note: str = ""


def carry_over(previous: Report) -> CarryOver:
    """Propose 二 = last year's 四 per column; empty (with a note) when last year's 四 is blank."""
    origin = describe_origin(previous)
    changes = [
        CellChange(
            table=REQ,
            row="二",
            column=column,
            new=value,
            origin=Origin.CARRIED,
            source_text=f"{origin}：四、结转下年度继续办理 / {column} = {value}",
            note=f"取自{origin}",
        )
        for column in REQUEST_COLUMNS
        if (value := previous.value(REQ, "四", column)) is not None
    ]
    if not changes:
        return CarryOver(note=f"{origin}中“结转下年度继续办理”一行为空，无法推出本年的上年结转数，请直接填写。")
    return CarryOver(changes=changes, note=f"上年结转政府信息公开申请数量取自{origin}的“结转下年度继续办理”。")


def describe_origin(previous: Report) -> str:
    """``鹿邑县人民政府2021年年度报告（luyi_2021.txt）``."""
    agency = previous.agency or "本机关"
    year = f"{previous.year}年" if previous.year else ""
    source = f"（{previous.source}）" if previous.source else ""
    return f"{agency}{year}政府信息公开工作年度报告{source}"
