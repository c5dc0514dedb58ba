"""The drafting interview, as the 鹿邑 clerk answers it (2021 report as last year): questions in the order
of her report, each answer filed where it belongs, and the draft written from it."""

from __future__ import annotations

import pytest

from nianbao.drafting.interview import QUESTIONS, Interview, answer, ask, plan_for, propose_from_document
from nianbao.drafting.marks import TO_FILL
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.model import Report

AGENCY = "鹿邑县人民政府"


@pytest.fixture
def started(seed: Report) -> tuple[Interview, object]:
    plan = plan_for(ReportList([seed]), AGENCY, 2022)
    interview = Interview()
    # Her （一） is 机构与制度建设: 监督保障 comes first.
    assert ask(interview, plan) == "今年监督保障方面做了哪些工作？（如培训、考核、督查）"
    return interview, plan


def test_the_questions_follow_her_reports_subsections_then_last_years_problems(seed: Report) -> None:
    plan = plan_for(ReportList([seed]), AGENCY, 2022)
    assert [q.about for q in plan.questions] == [
        "监督保障",
        "依申请公开",
        "平台建设",
        "主动公开",
        "政府信息管理",
        "整改",
        "整改",
        "整改",
        "问题",
        "措施",
        "其他",
    ]
    assert plan.questions[5].text == "上年度报告指出“人力、财力缺乏”的问题，今年是怎样整改的？"


def test_five_items_typed_in_the_chat_each_land_in_their_subsection(started, seed: Report, cells: Report) -> None:
    interview, plan = started
    answer(interview, "一是组织了全县政务公开业务培训3次\n二是开展政务公开专项督查2次", plan)
    answer(interview, "上线了依申请公开网上办理系统", plan)
    answer(interview, "县政府门户网站完成了适老化改造", plan)
    answer(interview, "今年开了2次新闻发布会", plan)
    answer(interview, "完成了政府信息公开保密审查制度的修订", plan)
    assert [(f.about, f.text) for f in interview.facts] == [
        ("监督保障", "组织了全县政务公开业务培训3次"),
        ("监督保障", "开展政务公开专项督查2次"),
        ("依申请公开", "上线了依申请公开网上办理系统"),
        ("平台建设", "县政府门户网站完成了适老化改造"),
        ("主动公开", "今年开了2次新闻发布会"),
        ("政府信息管理", "完成了政府信息公开保密审查制度的修订"),
    ]
    one = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, interview.chosen_facts()).report.part_text("一")
    assert "（一）机构与制度建设取得新进展\n2022年，我县扎实推进监督保障工作：一是组织全县政务公开业务培训3次；" in one
    assert "二是开展政务公开专项督查2次。" in one
    assert "（五）政府信息管理情况\n2022年，我县完成政府信息公开保密审查制度的修订。" in one


def test_what_she_says_about_last_years_problems_is_the_rectification_and_nothing_more(
    started, seed: Report, cells: Report
) -> None:
    interview, plan = started
    for _ in range(5):
        answer(interview, "跳过", plan)
    reply = answer(interview, "配备了2名专职信息公开人员", plan)
    assert "上年度报告指出“部分单位重视程度不够”的问题，今年是怎样整改的？" in reply
    five = draft_offline(AGENCY, 2022, cells, ReportList([seed]), {}, interview.chosen_facts()).report.part_text("五")
    assert "针对上年度报告指出的“人力、财力缺乏”问题，配备专职信息公开人员2名。" in five
    assert f"针对上年度报告指出的“部分单位重视程度不够”问题，整改情况{TO_FILL}。" in five


def test_this_years_problems_are_picked_from_the_typical_ones_offered(started) -> None:
    interview, plan = started
    for _ in range(8):
        reply = answer(interview, "跳过", plan)
    assert "今年的工作还存在哪些主要问题？" in reply and "1. 政策解读的形式还不够丰富" in reply
    answer(interview, "采用2", plan)
    assert [(f.about, f.text, f.chosen) for f in interview.facts] == [
        ("问题", "依申请公开答复的规范性有待提高，个别答复说理不够充分", True)
    ]
    assert interview.asked is not None and interview.asked.about == "措施"


def test_a_work_summary_is_read_for_facts_by_subsection_and_nothing_is_taken_until_she_adopts() -> None:
    interview = Interview()
    summary = (
        "2022年鹿邑县政务公开工作总结\n一、全年召开新闻发布会12场，及时发布政策解读信息40条。\n"
        "二、组织开展政务公开业务培训3次。三、天气晴朗。"
    )
    reply = propose_from_document(interview, summary, "工作总结.txt")
    assert "1. （主动公开）全年召开新闻发布会12场，及时发布政策解读信息40条" in reply
    assert "2. （监督保障）组织开展政务公开业务培训3次" in reply
    assert interview.facts == []


def test_the_command_takes_her_work_notes_from_a_file(tmp_path, cells: Report) -> None:
    from nianbao.cli import main
    from nianbao.commands.cells import cells_csv
    from nianbao.readers import read_report
    from tests.conftest import SEED

    figures, notes, out = tmp_path / "cells.csv", tmp_path / "工作情况.txt", tmp_path / "draft.md"
    figures.write_text(cells_csv(cells), encoding="utf-8")
    notes.write_text("主动公开：今年开了2次新闻发布会\n组织了全县政务公开业务培训3次\n", encoding="utf-8")
    argv = ["draft", "--agency", AGENCY, "--year", "2022", "--facts", str(figures), "--previous", str(SEED)]
    assert main([*argv, "--work", str(notes), "--fact", "信息处理费=0", "--out", str(out)]) == 0
    one = read_report(out).part_text("一")
    assert "2022年，我县召开新闻发布会2次。" in one and "2022年，我县组织全县政务公开业务培训3次。" in one


def test_not_right_takes_back_her_last_answer_and_asks_again(started) -> None:
    interview, plan = started
    answer(interview, "组织了全县政务公开业务培训30次", plan)
    reply = answer(interview, "不对", plan)
    assert "已删去" in reply and "培训30次" in reply and "今年监督保障方面做了哪些工作？" in reply
    assert interview.facts == []
    answer(interview, "组织了全县政务公开业务培训3次", plan)
    assert [f.text for f in interview.facts] == ["组织了全县政务公开业务培训3次"]
    assert interview.asked is not None and interview.asked.about == "依申请公开"


def test_where_the_body_is_is_kept_and_the_question_asked_stays_asked(started) -> None:
    interview, plan = started
    reply = answer(interview, "我们是江苏省宿迁市沭阳县的", plan)
    assert reply.startswith("已记下所在地：江苏省宿迁市沭阳县。")
    assert reply.endswith("今年监督保障方面做了哪些工作？（如培训、考核、督查）")
    assert [(f.about, f.text) for f in interview.facts] == [("所在地", "江苏省宿迁市沭阳县")]
    answer(interview, "组织培训3次", plan)
    assert interview.facts[-1].about == "监督保障"


def test_a_place_without_a_province_is_kept_and_the_clerk_is_asked_for_the_province(started) -> None:
    interview, plan = started
    reply = answer(interview, "我们是沭阳县的", plan)
    assert "未能从中确定所在省份，请写明省份" in reply


def test_a_city_is_enough_to_tell_the_province(started) -> None:
    interview, plan = started
    assert answer(interview, "我单位位于宿迁市", plan).startswith("已记下所在地：宿迁市（江苏省）。")


def test_a_place_said_before_the_interview_starts_it() -> None:
    from nianbao.drafting.interview import reply_to

    plan = plan_for(None, "沭阳县教育局", 2023)
    reply = reply_to(Interview(), "我们是江苏省宿迁市沭阳县的", plan) or ""
    assert reply.endswith(QUESTIONS["主动公开"])


def test_an_answer_all_about_other_subsections_leaves_the_question_asked_open() -> None:
    from nianbao.drafting.interview import reply_to

    plan = plan_for(None, "柘城县人民政府", 2023)
    interview = Interview()
    reply_to(interview, "介绍工作情况", plan)
    answer(interview, "开了2次新闻发布会", plan)
    reply = answer(interview, "平台方面：政府网站完成了适老化改造；另外组织政务公开培训3次", plan)
    assert "依申请公开方面还没有记下内容。" in reply and reply.endswith(QUESTIONS["依申请公开"])
    answer(interview, "规范了答复文书", plan)
    assert [(f.about, f.text) for f in interview.facts][-1] == ("依申请公开", "规范了答复文书")


def test_a_subsection_she_already_spoke_of_is_asked_only_for_more() -> None:
    from nianbao.drafting.interview import reply_to

    plan = plan_for(None, "柘城县人民政府", 2023)
    interview = Interview()
    reply_to(interview, "介绍工作情况", plan)
    answer(interview, "开了2次新闻发布会；网站完成了适老化改造", plan)
    answer(interview, "跳过", plan)  # 依申请公开
    reply = answer(interview, "跳过", plan)  # 政府信息管理
    assert reply.endswith("平台建设方面已记下 1 条（网站完成了适老化改造），还有要补充的吗？（没有请回复“跳过”）")


def test_a_corrected_place_replaces_the_first(started) -> None:
    from nianbao.drafting.worknotes import stated_place

    interview, plan = started
    answer(interview, "我们是江苏省宿迁市沭阳县的", plan)
    reply = answer(interview, "不对，我们是江苏省宿迁市泗洪县的", plan)
    assert reply.startswith("已记下所在地：江苏省宿迁市泗洪县。")
    assert stated_place(interview.facts) == "江苏省宿迁市泗洪县"
    assert [f.text for f in interview.facts if f.about == "所在地"] == ["江苏省宿迁市泗洪县"]


def test_a_line_she_labels_keeps_every_clause_in_that_subsection_until_another_turns_away() -> None:
    from nianbao.drafting.worknotes import classify, items_of, without_label

    notes = "平台方面，网站改版了，新增了政策解读专栏\n平台方面：适老化改造完成；另外组织政务公开培训3次"
    filed = [(classify(item), without_label(item)) for item in items_of(notes)]
    assert filed == [
        ("平台建设", "网站改版了，新增了政策解读专栏"),  # 政策解读 alone would have sent it to 主动公开
        ("平台建设", "适老化改造完成"),
        ("监督保障", "组织政务公开培训3次"),
    ]
