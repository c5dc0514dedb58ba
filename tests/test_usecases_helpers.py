"""The use cases' helpers the pages call, without a page: file names, drafting requests, key figures, cell edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.readers import read_report
from nianbao.schema import TableId
from nianbao.usecases.drafting import wants_drafting
from nianbao.usecases.figures import key_figures
from nianbao.usecases.intake import edit_cells
from nianbao.usecases.knowledge import safe_file_name

REQ = TableId.REQUESTS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("luyi_2021.txt", "luyi_2021.txt"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\报告.docx", "报告.docx"),
        (".hidden.pdf", "hidden.pdf"),
        ("a b;c|d.html", "a_b_c_d.html"),
        ("", "upload"),
    ],
)
def test_an_uploaded_file_name_becomes_a_plain_file_name(name, expected):
    assert safe_file_name(name) == expected


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("请起草总体情况", ["一"]),
        ("重写第五部分，更简洁", ["五"]),
        ("帮我生成叙述部分", ["一", "五", "六"]),
        ("今年共收到申请258件", None),
    ],
)
def test_a_drafting_request_names_its_parts(message, parts):
    assert wants_drafting(message) == parts


def test_key_figures_of_the_seed(seed_path):
    report = read_report(seed_path)
    figures = key_figures(report)
    assert figures["新收申请（件）"] == report.value(REQ, "一", "总计")
    share = Decimal(report.value(REQ, "三.一", "总计")) / Decimal(report.value(REQ, "三.七", "总计")) * 100
    assert figures["予以公开占比（%）"] == pytest.approx(float(share))
    assert figures["行政复议（件）"] == report.value(TableId.APPEALS, "行政复议", "总计")


def test_a_cell_edit_that_breaks_a_total_is_kept_with_the_rules_message(seed_path):
    report = read_report(seed_path)
    updated, message = edit_cells(report, {(REQ, "一", "总计"): "9999"})
    assert updated.value(REQ, "一", "总计") == 9999
    assert "勾稽关系" in message
    assert report.value(REQ, "一", "总计") != 9999


def test_a_cell_edit_in_words_is_read_as_a_number(seed_path):
    report = read_report(seed_path)
    before = report.value(REQ, "一", "总计")
    updated, message = edit_cells(report, {(REQ, "一", "其他"): "一百"})
    assert message == ""
    assert updated.value(REQ, "一", "其他") == 100
    assert updated.value(REQ, "一", "总计") == before - (report.value(REQ, "一", "其他") or 0) + 100


def test_an_edit_says_each_changed_cell_and_which_followed_the_typed_one(seed_path):
    from nianbao.usecases.intake import edit

    report = read_report(seed_path)
    other, total = report.value(REQ, "一", "其他") or 0, report.value(REQ, "一", "总计") or 0
    edited = edit(report, {(REQ, "一", "其他"): str(other + 1)})
    assert edited.broken == "" and edited.report.value(REQ, "一", "总计") == total + 1
    assert len(edited.changed) > len(edited.derived) >= 1  # the typed cell, and the totals that followed it
    assert [line for line in edited.changed if line not in edited.derived] == [
        next(line for line in edited.changed if f"{other} → {other + 1}" in line and "其他" in line)
    ]
    assert any(f"{total} → {total + 1}" in line for line in edited.derived)


def test_a_finished_report_lacks_nothing_and_a_draft_says_what_it_lacks() -> None:
    from nianbao.usecases.drafting import CARRIED, TO_FILL, UNVERIFIED, still_lacking
    from tests.conftest import SEED

    report = read_report(SEED)
    assert still_lacking(report) == []
    report.set_value(TableId.REQUESTS, "一", "自然人", None)
    one, five = report.parts[0], report.parts[4]
    one.text += f"\n网站改版。{UNVERIFIED}新增专栏2个。{CARRIED}"
    five.text += f"\n整改措施{TO_FILL}"
    # A blank addend is not yet an error (its sum is a reminder until it is filled in); a wrong total is.
    assert still_lacking(report) == ["1 个单元格未填", f"1 句标注了{UNVERIFIED}", f"1 处{CARRIED}", f"1 处{TO_FILL}"]
    report.set_value(TableId.REQUESTS, "一", "自然人", 999)
    assert still_lacking(report)[0].endswith(" 个核对错误")  # 总计 and the sentence saying it
