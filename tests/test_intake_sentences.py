"""The built-in extractor: Chinese sentences as staff write them, each with the cells it must produce."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.intake import extract
from nianbao.model import CellNumber
from nianbao.schema import ReportFormat, TableId

TABLES = {"主动": TableId.ACTIVE, "申请": TableId.REQUESTS, "复议": TableId.APPEALS}


def cells(*specs: str) -> dict[tuple[TableId, str, str], CellNumber]:
    """``"申请/一/总计=258"`` → {(依申请公开, 一, 总计): 258}; ``|`` in a row stands for ``/``."""
    expected: dict[tuple[TableId, str, str], CellNumber] = {}
    for spec in specs:
        where, value = spec.split("=")
        table, row, column = where.split("/")
        expected[(TABLES[table], row.replace("|", "/"), column)] = Decimal(value) if "." in value else int(value)
    return expected


def produced(text: str) -> dict[tuple[TableId, str, str], CellNumber]:
    return {c.address: c.new for c in extract(text).changes}


SENTENCES = [
    (
        "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件",
        cells("申请/一/总计=258", "申请/一/自然人=240", "申请/一/商业企业=10", "申请/一/其他=8"),
    ),
    ("本年新收政府信息公开申请223件", cells("申请/一/总计=223")),
    ("受理政府信息公开申请二百五十八件", cells("申请/一/总计=258")),
    ("新收申请１２件", cells("申请/一/总计=12")),
    ("全年共收到依申请公开申请1.2万件", cells("申请/一/总计=12000")),
    ("同意公开190件", cells("申请/三.一/总计=190")),
    ("予以公开185件，部分公开8件", cells("申请/三.一/总计=185", "申请/三.二/总计=8")),
    ("190件予以公开，8件部分公开", cells("申请/三.一/总计=190", "申请/三.二/总计=8")),
    ("自然人申请中予以公开177件", cells("申请/三.一/自然人=177")),
    ("企业申请3件，公司申请的予以公开五件", cells("申请/一/商业企业=3", "申请/三.一/商业企业=5")),
    ("社会公益组织申请2件", cells("申请/一/社会组织=2")),
    ("律师事务所申请1件，科研院所申请0件", cells("申请/一/法律服务机构=1", "申请/一/科研机构=0")),
    (
        "予以公开：自然人177件、商业企业3件、社会组织2件、其他3件，合计185件",
        cells(
            "申请/三.一/自然人=177",
            "申请/三.一/商业企业=3",
            "申请/三.一/社会组织=2",
            "申请/三.一/其他=3",
            "申请/三.一/总计=185",
        ),
    ),
    ("本机关不掌握相关政府信息15件，没有现成信息需要另行制作1件", cells("申请/三.四.1/总计=15", "申请/三.四.2/总计=1")),
    ("信访举报投诉类申请8件，重复申请1件", cells("申请/三.五.1/总计=8", "申请/三.五.2/总计=1")),
    ("属于三类内部事务信息1件、属于行政执法案卷1件", cells("申请/三.三.5/总计=1", "申请/三.三.7/总计=1")),
    ("危及“三安全一稳定”0件，保护第三方合法权益2件", cells("申请/三.三.3/总计=0", "申请/三.三.4/总计=2")),
    (
        "要求提供公开出版物1件；无正当理由大量反复申请2件；要求行政机关确认或重新出具已获取信息0件",
        cells("申请/三.五.3/总计=1", "申请/三.五.4/总计=2", "申请/三.五.5/总计=0"),
    ),
    ("申请人逾期未按收费通知要求缴纳费用0件", cells("申请/三.六.2/总计=0")),
    ("其他处理中，逾期不补正0件，其他1件", cells("申请/三.六.1/总计=0", "申请/三.六.3/总计=1")),
    ("其他处理中其他1件", cells("申请/三.六.3/总计=1")),
    ("部分公开5件，均为自然人", cells("申请/三.二/总计=5", "申请/三.二/自然人=5")),
    ("无法提供15件（均为本机关不掌握）", cells("申请/三.四.1/总计=15")),
    ("行政复议1件（结果维持）", cells("复议/行政复议/总计=1", "复议/行政复议/结果维持=1")),
    ("部分公开2件（自然人），予以公开3件", cells("申请/三.二/总计=2", "申请/三.二/自然人=2", "申请/三.一/总计=3")),
    ("不予公开2件（国家秘密1件，第三方1件）", cells("申请/三.三.1/总计=1", "申请/三.三.4/总计=1")),
    (
        "逾期不补正0件，其他1件，其中其他1件",
        cells("申请/三.六.1/总计=0", "申请/三.六.3/总计=1", "申请/三.六.3/其他=1"),
    ),
    ("1.属于国家秘密0件；2、重复申请3件", cells("申请/三.三.1/总计=0", "申请/三.五.2/总计=3")),
    ("上年结转3件，结转下年度继续办理2件", cells("申请/二/总计=3", "申请/四/总计=2")),
    ("本年度无上年结转申请", cells("申请/二/总计=0")),
    ("未收到科研机构申请。", cells("申请/一/科研机构=0")),
    (
        "科研机构、社会组织均未提出申请",
        cells("申请/一/科研机构=0", "申请/一/社会组织=0"),
    ),
    (
        "无法提供、其他处理均为0",
        cells(
            "申请/三.四.1/总计=0",
            "申请/三.四.2/总计=0",
            "申请/三.四.3/总计=0",
            "申请/三.六.1/总计=0",
            "申请/三.六.2/总计=0",
            "申请/三.六.3/总计=0",
        ),
    ),
    ("结转至下年度办理两件", cells("申请/四/总计=2")),
    (
        "答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复）",
        cells("申请/三.七/总计=3050", "申请/二/总计=34", "申请/四/总计=103"),
    ),
    ("全年办结申请二百二十三件", cells("申请/三.七/总计=223")),
    ("全年新收申请十二件，办结十件，结转二件", cells("申请/一/总计=12", "申请/三.七/总计=10", "申请/四/总计=2")),
    ("本年度共受理政府信息公开申请20,815件", cells("申请/一/总计=20815")),
    (
        "政府信息公开申请数量：自然人 25，商业企业 3，总计 28",
        cells("申请/一/自然人=25", "申请/一/商业企业=3", "申请/一/总计=28"),
    ),
    (
        "被申请行政复议3件，结果维持2件、结果纠正1件；未经复议直接提起行政诉讼2件，尚在审理中2件",
        cells(
            "复议/行政复议/总计=3",
            "复议/行政复议/结果维持=2",
            "复议/行政复议/结果纠正=1",
            "复议/行政诉讼|未经复议直接起诉/总计=2",
            "复议/行政诉讼|未经复议直接起诉/尚未审结=2",
        ),
    ),
    ("2021年收到申请同比增长12.5%，共223件", cells("申请/一/总计=223")),
    (
        "共收到申请12件，其中自然人10件、其他2件，其余为0",
        cells(
            "申请/一/总计=12",
            "申请/一/自然人=10",
            "申请/一/其他=2",
            "申请/一/商业企业=0",
            "申请/一/科研机构=0",
            "申请/一/社会组织=0",
            "申请/一/法律服务机构=0",
        ),
    ),
    (
        "行政复议2件，维持1件，尚未审结1件",
        cells("复议/行政复议/总计=2", "复议/行政复议/结果维持=1", "复议/行政复议/尚未审结=1"),
    ),
    (
        "直接起诉的行政诉讼3件，其中维持2件",
        cells("复议/行政诉讼|未经复议直接起诉/总计=3", "复议/行政诉讼|未经复议直接起诉/结果维持=2"),
    ),
    ("复议维持1件", cells("复议/行政复议/结果维持=1")),
    ("行政复议被纠错1件", cells("复议/行政复议/结果纠正=1")),
    (
        "复议后起诉1件，结果纠正1件",
        cells("复议/行政诉讼|复议后起诉/总计=1", "复议/行政诉讼|复议后起诉/结果纠正=1"),
    ),
    (
        "本年度未发生行政复议和行政诉讼。",
        cells(
            "复议/行政复议/总计=0",
            "复议/行政诉讼|未经复议直接起诉/总计=0",
            "复议/行政诉讼|复议后起诉/总计=0",
        ),
    ),
    (
        "本年制发规范性文件10件、废止8件、现行有效26件",
        cells(
            "主动/行政规范性文件/本年制发件数=10",
            "主动/行政规范性文件/本年废止件数=8",
            "主动/行政规范性文件/现行有效件数=26",
        ),
    ),
    (
        "规章制发0件，废止0件，现行有效0件",
        cells("主动/规章/本年制发件数=0", "主动/规章/本年废止件数=0", "主动/规章/现行有效件数=0"),
    ),
    (
        "行政许可决定20815件，行政处罚3326件，行政强制四百二十七件",
        cells(
            "主动/行政许可/本年处理决定数量=20815",
            "主动/行政处罚/本年处理决定数量=3326",
            "主动/行政强制/本年处理决定数量=427",
        ),
    ),
    ("行政事业性收费2460.9543万元", cells("主动/行政事业性收费/本年收费金额=2460.9543")),
    ("行政事业性收费金额24609543元", cells("主动/行政事业性收费/本年收费金额=2460.9543")),
    ("收费１２３４５元", cells("主动/行政事业性收费/本年收费金额=1.2345")),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s for s, _ in SENTENCES])
def test_sentence_produces_exactly_its_cells(text: str, expected: dict) -> None:
    assert produced(text) == expected


def test_the_issue_message_reads_every_figure_in_its_context() -> None:
    text = (
        "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件……行政复议2件，维持1件，尚未审结1件"
    )
    assert produced(text) == cells(
        "申请/一/总计=258",
        "申请/一/自然人=240",
        "申请/一/商业企业=10",
        "申请/一/其他=8",
        "申请/三.一/总计=190",
        "复议/行政复议/总计=2",
        "复议/行政复议/结果维持=1",
        "复议/行政复议/尚未审结=1",
    )


def test_each_change_keeps_the_words_it_came_from() -> None:
    change = next(c for c in extract("收到申请258件，其中自然人240件、商业企业10件").changes if c.column == "商业企业")
    assert change.source_text == "商业企业10件"


def test_money_is_a_decimal_of_wan_yuan() -> None:
    (change,) = extract("行政事业性收费24609543元").changes
    assert isinstance(change.new, Decimal)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("予以公开及部分公开共193件", "无法确定"),
        ("法人或其他组织申请12件", "法人或其他组织"),
        ("不予公开3件", "合计"),
        ("规范性文件10件", "哪一项"),
        ("共有12件", "哪一项"),
        ("予以公开3万元", "不是金额"),
    ],
)
def test_a_figure_that_cannot_be_placed_is_a_note_not_a_guess(text: str, why: str) -> None:
    result = extract(text)
    assert result.changes == []
    assert len(result.notes) == 1
    assert why in result.notes[0]


def test_a_change_from_last_year_is_not_a_figure() -> None:
    result = extract("本机关共收到政府信息公开申请28件，较上年增加5件")
    assert produced("本机关共收到政府信息公开申请28件，较上年增加5件") == cells("申请/一/总计=28")
    assert result.notes == []


def test_the_information_fee_is_said_to_belong_to_part_six() -> None:
    (note,) = extract("收取信息处理费0元").notes
    assert "第六部分" in note


def test_years_percentages_and_item_numbers_are_not_figures() -> None:
    result = extract("2022年，一网通办事项达98%，第1项工作")
    assert result.changes == [] and result.notes == []


def test_two_values_for_one_cell_keep_the_last_with_a_note() -> None:
    result = extract("收到申请258件。更正：收到申请260件")
    assert produced("收到申请258件。更正：收到申请260件") == cells("申请/一/总计=260")
    assert "258" in result.notes[0] and "260" in result.notes[0]


def test_a_bare_litigation_count_is_asked_and_its_results_are_not_put_on_another_row() -> None:
    """“行政诉讼46件” is often both rows' sum (huaian 2024: 26 direct + 20 after 复议): a question, not a guess."""
    result = extract("行政复议2件，维持2件。行政诉讼3件，其中维持2件")
    assert {c.address for c in result.changes} == {
        (TableId.APPEALS, "行政复议", "总计"),
        (TableId.APPEALS, "行政复议", "结果维持"),
    }
    assert "还是两者合计" in result.notes[0] and "“其中维持2件”" in result.notes[1]


def test_a_denial_in_passing_is_not_a_figure_and_not_a_note() -> None:
    result = extract("有效防止相关单位出现超时未答复问题")
    assert result.changes == [] and result.notes == []


def test_numerals_in_slogans_are_not_figures() -> None:
    result = extract("形成“六个一”模式，做到两个确保，受理窗口一网通办")
    assert result.changes == [] and result.notes == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("其他处理2件", cells("申请/三.六/总计=2")),
        (
            "新制作规范性文件10件，对外公开总数26件",
            cells("主动/规范性文件/本年新制作数量=10", "主动/规范性文件/对外公开总数量=26"),
        ),
        ("行政许可处理决定20815件", cells("主动/行政许可/处理决定数量=20815")),
    ],
)
def test_a_2019_format_draft_gets_its_own_rows_and_columns(text: str, expected: dict) -> None:
    assert {c.address: c.new for c in extract(text, ReportFormat.F2019).changes} == expected


def test_a_column_the_row_does_not_have_is_a_note() -> None:
    result = extract("规章新制作3件")
    assert result.changes == []
    assert "没有“本年新制作数量”这一栏" in result.notes[0]


def test_a_group_total_that_disagrees_with_its_items_is_a_note() -> None:
    result = extract("不予处理3件（信访举报投诉2件，重复申请2件）")
    assert result.notes == [
        "“不予处理3件”中的 3件 未填入表格：“（五）不予处理”合计 3 件，与所说各项之和 4 件不一致，请核对。"
    ]


def test_a_group_total_that_matches_its_items_needs_no_note() -> None:
    assert extract("不予处理3件（信访举报投诉2件，重复申请1件）").notes == []


def test_a_staff_summary_in_one_paragraph() -> None:
    text = (
        "2023年共新收申请45件（其中自然人41件，法人或其他组织4件），上年结转2件。办结46件，其中予以公开20件，"
        "部分公开5件，均为自然人；无法提供15件（均为本机关不掌握）；结转下年度1件。"
    )
    assert produced(text) == cells(
        "申请/一/总计=45",
        "申请/一/自然人=41",
        "申请/二/总计=2",
        "申请/三.七/总计=46",
        "申请/三.一/总计=20",
        "申请/三.二/总计=5",
        "申请/三.二/自然人=5",
        "申请/三.四.1/总计=15",
        "申请/四/总计=1",
    )


def test_a_nonzero_rest_of_several_columns_is_a_note() -> None:
    result = extract("收到申请12件，其中自然人10件，其余2件")
    assert produced("收到申请12件，其中自然人10件，其余2件") == cells("申请/一/总计=12", "申请/一/自然人=10")
    assert "其余" in result.notes[0]


def test_shouli_is_filled_as_new_requests_with_a_note_that_it_may_include_the_carried_over() -> None:
    """Some bodies' 受理 is 新收 + 上年结转 (shuyang 2025: 受理749件, table 一 713): the assumption is shown."""
    changes = extract("全县全年共受理政府信息公开申请749件，其中自然人申请741件").changes
    assert [c.row for c in changes] == ["一", "一"]
    assert all("上年结转" in c.note for c in changes)
    assert extract("本年新受理申请12件").changes[0].note == ""
