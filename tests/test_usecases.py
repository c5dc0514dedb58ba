"""The use-case layer (nianbao.usecases) as both shells get it: composed from the settings handed in."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.drafting.sources import ReportList
from nianbao.errors import ReadFailure, ReportReadError
from nianbao.kb.service import KnowledgeBase
from nianbao.model import Report
from nianbao.schema import TableId
from nianbao.settings import Settings
from nianbao.usecases import components
from nianbao.usecases.chat import FACTS, HELP, Upload
from nianbao.usecases.container import checking as checking_alone
from nianbao.usecases.container import compose, session_use_cases
from nianbao.usecases.intake import new_report
from tests.conftest import FIXTURES, SEED


def offline_settings(folder: Path, **values: str) -> Settings:
    return Settings(NIANBAO_DATA_DIR=folder, NIANBAO_LLM="offline", CHROMA_HOST="", **values)  # type: ignore[arg-type]


def test_the_use_cases_use_the_settings_handed_in_not_the_process_ones(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path / "mine", NIANBAO_MAX_FILE_MB="1")
    cases = compose(settings)
    assert cases.models.settings is settings and not cases.models.uses_llm
    assert cases.reviewing.settings.read_limits.max_bytes == 1024 * 1024
    assert cases.models.kb_label() == f"本地文件夹：{tmp_path / 'mine'}"
    with pytest.raises(ReportReadError) as raised:
        cases.reviewing.read_upload(b"x" * (1024 * 1024 + 1), "big.txt")
    assert raised.value.reason is ReadFailure.TOO_LARGE


def test_offline_drafting_grounds_on_the_report_source_handed_in(tmp_path: Path, seed: Report, cells: Report) -> None:
    cases = compose(offline_settings(tmp_path / "data"), ReportList([seed]))
    one, five = cases.drafting.draft_parts(cells, ["一", "五"])
    assert (one.number, five.number) == ("一", "五")
    assert one.text.strip() and any("鹿邑县人民政府 2021" in s for s in one.sources)
    assert not (tmp_path / "data" / "chroma").exists()  # the knowledge base was never opened


def test_figures_in_a_message_are_read_by_the_built_in_rules_without_an_llm(tmp_path: Path) -> None:
    report = new_report("鹿邑县人民政府", 2022)
    turn = compose(offline_settings(tmp_path)).intake.figures_turn(report, "今年新收政府信息公开申请258件")
    assert turn is not None and turn.changed
    assert turn.report.value(TableId.REQUESTS, "一", "总计") == 258


def test_a_report_id_without_a_knowledge_base_is_not_found_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError) as raised:
        compose(offline_settings(tmp_path)).reviewing.read_file_or_stored("abc123")
    assert raised.value.reason is ReadFailure.NOT_FOUND and "找不到文件：abc123" in raised.value.message


def test_a_knowledge_base_is_opened_once_per_folder_and_warmed_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed_up: list[KnowledgeBase] = []
    monkeypatch.setattr(KnowledgeBase, "warm_up", lambda kb: warmed_up.append(kb))
    kb = components.knowledge_base(offline_settings(tmp_path / "a"))
    assert components.knowledge_base(offline_settings(tmp_path / "a"), warm_up=True) is kb  # already open
    warmed = components.knowledge_base(offline_settings(tmp_path / "b"), warm_up=True)
    assert warmed is not kb and warmed.settings.data_dir == tmp_path / "b"
    assert warmed_up == [warmed]


def test_last_years_report_comes_from_the_knowledge_base_with_a_note(tmp_path: Path, cells: Report) -> None:
    settings = offline_settings(tmp_path / "data")
    components.knowledge_base(settings).add(SEED)
    previous, note = compose(settings).reviewing.last_year(cells)
    assert previous is not None and previous.year == 2021
    assert note.startswith("对照知识库中的鹿邑县人民政府 2021 年度报告（ID ")


def test_checking_a_stated_change_finds_last_year_as_the_review_does_and_names_it(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path / "data")
    components.knowledge_base(settings).add(SEED)
    draft = (FIXTURES / "review" / "luyi_2022_draft.txt").read_text(encoding="utf-8")
    wrong = draft.replace("全县各单位共受理政府信息公开申请480件，", "本年新收政府信息公开申请480件，同比增加57件，")
    checking = checking_alone(settings)
    checked = checking.check(checking.read_upload(wrong.encode(), "鹿邑2022.txt"))
    assert checked.last_year.startswith("对照知识库中的鹿邑县人民政府 2021 年度报告（ID ")
    assert [(f.expected, f.found) for f in checked.result.errors if f.rule == "narrative.change"] == [
        ("增加257件", "增加57件")
    ]
    assert compose(settings).reviewing.last_year(checked.report)[1] == f"{checked.last_year}。"
    unchanged = checking.check(checking.read(SEED))
    assert (unchanged.last_year, unchanged.missing) == ("", [])  # compares nothing with last year: not looked up


def test_a_review_upload_is_read_within_the_time_limit_handed_in(tmp_path: Path) -> None:
    pdf = SEED.parent / "huaian_2024.pdf"
    cases = compose(offline_settings(tmp_path, NIANBAO_READ_TIMEOUT="0.001"))
    with pytest.raises(ReportReadError) as raised:
        cases.reviewing.read_upload(pdf.read_bytes(), pdf.name)
    assert raised.value.reason is ReadFailure.TIMEOUT


def test_a_session_that_chose_the_local_model_drafts_with_it_and_another_does_not(data_dir: Path) -> None:
    chosen, other = session_use_cases(local_model_chosen=True), session_use_cases(local_model_chosen=False)
    assert chosen.models.settings.llm == "local" and chosen.drafting.models.settings.llm == "local"
    assert other.models.settings.llm == "offline" and other.settings.data_dir == chosen.settings.data_dir


def test_the_kb_command_and_the_admin_page_add_and_remove_through_one_use_case(tmp_path: Path) -> None:
    knowledge = compose(offline_settings(tmp_path / "data"), own_kb=True).knowledge
    (added,) = knowledge.add_files([SEED], password=None)
    assert added.status == "added" and added.report is not None
    assert [r.id for r in knowledge.reports()] == [added.report.id]
    assert knowledge.remove(added.report.id, None).id == added.report.id and knowledge.reports() == []
    assert knowledge.base is knowledge.base  # its own knowledge base, opened once


# ---- the 起草 chat, without a page --------------------------------------------------------------------------


def test_a_chat_message_that_gives_nothing_gets_the_help(tmp_path: Path) -> None:
    turn = compose(offline_settings(tmp_path)).chat.turn(new_report("鹿邑县人民政府", 2022), {}, "你好")
    assert turn.reply == HELP and not turn.changed and turn.extra == {}


def test_a_chat_message_fills_the_tables_and_keeps_the_fee_it_states(tmp_path: Path) -> None:
    report = new_report("鹿邑县人民政府", 2022)
    turn = compose(offline_settings(tmp_path)).chat.turn(report, {}, "今年新收政府信息公开申请258件，信息处理费0元")
    assert turn.report.value(TableId.REQUESTS, "一", "总计") == 258 and turn.changed
    assert turn.extra[FACTS] == {"信息处理费": "0"} and "已记下：信息处理费 0 元" in turn.reply  # kept as JSON


def test_a_drafting_request_in_the_chat_drafts_the_part_and_keeps_its_sources(
    tmp_path: Path, seed: Report, cells: Report
) -> None:
    turn = compose(offline_settings(tmp_path), ReportList([seed])).chat.turn(
        cells, {FACTS: {"信息处理费": 0}}, "请起草第六部分"
    )
    assert turn.drafted_parts == ["六"] and turn.reply.startswith("已起草第六部分。")
    assert turn.report.part_text("六").strip() and "六" in turn.extra["sources"]
    assert Decimal(str(turn.extra[FACTS]["信息处理费"])) == 0  # the fee stated earlier is kept with the draft


def test_an_attached_spreadsheet_is_read_and_a_document_is_offered_to_the_interview(tmp_path: Path) -> None:
    chat = compose(offline_settings(tmp_path)).chat
    report = new_report("鹿邑县人民政府", 2022)
    sheet = chat.turn(report, {}, "", [Upload("cells.csv", "table,row,column,value\n依申请公开,一,总计,12\n".encode())])
    assert sheet.report.value(TableId.REQUESTS, "一", "总计") == 12
    notes = "今年开展了政务公开培训3次，更新政府信息公开指南。\n".encode()
    document = chat.turn(report, {}, "", [Upload("工作总结.txt", notes)])
    assert "工作总结.txt" in document.reply and "interview" in document.extra


def test_the_review_lists_the_unverified_sentences_as_the_claims_engine_splits_them(
    tmp_path: Path, seed: Report
) -> None:
    draft = seed.model_copy(deep=True)
    part = draft.part("五")
    assert part is not None
    part.text += "\n一是完善制度【待核实】；二是加强培训。"
    listed = compose(offline_settings(tmp_path)).reviewing.unverified_sentences(draft)
    assert listed == [("五", "一是完善制度【待核实】；")]  # the clause the 叙述 view colours, not the whole line
