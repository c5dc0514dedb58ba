"""Rule 8: the six parts, present, in order and titled; rows present once."""

from __future__ import annotations

from nianbao.checker import check_report
from nianbao.readers import read_report_bytes
from tests.conftest import SEED


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def structure_findings(text: str) -> list:
    report = read_report_bytes(text.encode("utf-8"), "edited.txt")
    return [f for f in check_report(report).findings if f.rule.startswith("structure.")]


def test_seed_has_all_parts_in_order_with_official_titles() -> None:
    assert structure_findings(seed_text()) == []


def test_missing_part_is_reported() -> None:
    text = seed_text()
    start = text.index("六、其他需要报告的事项")
    [finding] = structure_findings(text[:start])
    assert finding.location.part == "六" and "缺少" in finding.message


def test_renamed_part_is_reported_with_the_official_title() -> None:
    text = seed_text().replace("五、存在的主要问题及改进情况", "五、主要问题和下一步打算")
    [finding] = structure_findings(text)
    assert finding.location.part == "五"
    assert finding.expected == "五、存在的主要问题及改进情况"


def test_known_title_variant_is_accepted() -> None:
    text = seed_text().replace(
        "四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
    )
    assert structure_findings(text) == []


def test_parts_out_of_order_are_reported() -> None:
    text = seed_text()
    five = text.index("五、存在的主要问题及改进情况")
    six = text.index("六、其他需要报告的事项")
    swapped = text[:five] + text[six:] + "\n" + text[five:six]
    found = structure_findings(swapped)
    assert any("顺序" in f.message for f in found)


def test_empty_part_one_is_reported() -> None:
    text = seed_text()
    start = text.index("一、总体情况") + len("一、总体情况")
    end = text.index("二、主动公开政府信息情况")
    found = structure_findings(text[:start] + "\n无\n" + text[end:])
    assert [f.location.part for f in found] == ["一"]


def test_dropped_row_is_reported_and_its_cells_are_blank() -> None:
    lines = [ln for ln in seed_text().split("\n") if "属于行政查询事项" not in ln]
    report = read_report_bytes("\n".join(lines).encode(), "dropped.txt")
    rows = [f for f in check_report(report).findings if f.rule == "structure.rows"]
    assert [(f.location.row, f.found) for f in rows] == [("三.三.8", "0")]
    assert report.cell(rows[0].location.table, "三.三.8", "总计").raw == ""


def test_duplicated_row_is_reported_once() -> None:
    lines = seed_text().split("\n")
    row = next(ln for ln in lines if "重复申请" in ln)
    text = "\n".join(lines).replace(row, row + "\n" + row)
    rows = [f for f in check_report(read_report_bytes(text.encode(), "dup.txt")).findings if f.rule == "structure.rows"]
    assert [(f.location.row, f.found) for f in rows] == [("三.五.2", "2")]
