"""The 起草 page, driven headless with AppTest: chat, grids, narrative, drafts that come back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nianbao.drafts import DraftStore
from nianbao.readers import read_report
from nianbao.schema import TableId
from nianbao.settings import get_settings
from tests.fake_openai import Reply, fake_openai

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FIGURES = (
    "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件。行政复议2件，维持1件，尚未审结1件"
)
REQUESTS_ONLY = "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件"
REQ = TableId.REQUESTS


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    return at.run()


def new_draft(at: AppTest, agency: str = "鹿邑县人民政府", year: int = 2022) -> AppTest:
    """Start a draft for the body: chosen from those the knowledge base knows, else typed in."""
    if any(s.key == "new-body" and agency in s.options for s in at.selectbox):
        at.selectbox(key="new-body").set_value(agency)
    else:
        at.text_input(key="new-agency").set_value(agency)
    at.number_input[0].set_value(year)
    return at.button(key="new-start").click().run()


def assert_clean(at: AppTest) -> None:
    """No exception element and no generic error on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "意外错误" in e.value]


def grid(at: AppTest, table: TableId, index: int = 0):
    (found,) = [
        d for d in at.data_editor if d.key and d.key.endswith(f"-{table.value}-{index}-{d.key.rsplit('-', 1)[1]}")
    ]
    return found


def edit_grid(at: AppTest, table: TableId, rows: dict[int, dict[str, str]]) -> AppTest:
    """Cells typed into a grid as a user edits it (rows by position, columns by name), then the page reruns."""
    at.session_state[grid(at, table).key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def propose(at: AppTest, text: str) -> AppTest:
    """Send a chat message; figures in it are only proposed."""
    return at.chat_input(key="chat").set_value(text).run()


def apply_pending(at: AppTest) -> AppTest:
    return at.button(key=f"apply-{at.query_params['d']}").click().run()


def send(at: AppTest, text: str) -> AppTest:
    """Send a chat message and apply the figures it proposes (when it proposes any)."""
    propose(at, text)
    if [b for b in at.button if b.key == f"apply-{at.query_params['d']}"]:
        apply_pending(at)
    return at


def requests_edited(cells: dict[str, str]) -> AppTest:
    """A new draft whose new requests (row 一) came from the chat, then some of them edited in the grid."""
    at = new_draft(start())
    send(at, REQUESTS_ONLY)
    return edit_grid(at, REQ, {0: cells})


def last_reply(at: AppTest) -> str:
    return [m for m in at.chat_message if m.name == "assistant"][-1].markdown[0].value


def stored(data_dir: Path, at: AppTest):
    user, draft_id = at.query_params["u"], at.query_params["d"]
    return DraftStore.in_data_dir(data_dir).get(str(user), str(draft_id))


def test_chat_figures_are_proposed_first_and_fill_the_table_on_apply(data_dir):
    at = new_draft(start())
    propose(at, FIGURES)

    assert_clean(at)
    reply = last_reply(at)
    assert "自然人：空 → 240" in reply and "总计：空 → 258" in reply
    assert "拟修改" in reply and "尚未改动" in reply
    assert grid(at, REQ).value.loc["一 本年新收申请", "总计"] == ""
    assert stored(data_dir, at).report.value(REQ, "一", "总计") is None

    apply_pending(at)

    assert_clean(at)
    table = grid(at, REQ).value
    assert table.loc["一 本年新收申请", "自然人"] == "240"
    assert table.loc["一 本年新收申请", "总计"] == "258"
    assert table.loc["三.一 予以公开", "总计"] == "190"
    assert grid(at, TableId.APPEALS).value.loc["行政复议", "总计"] == "2"
    assert stored(data_dir, at).report.value(REQ, "一", "总计") == 258
    assert "已应用" in last_reply(at)
    assert not [b for b in at.button if b.key == f"apply-{at.query_params['d']}"]


def test_the_reply_says_what_is_still_missing(data_dir):
    at = new_draft(start())
    propose(at, "今年共收到申请258件，其中自然人240件")

    assert_clean(at)
    assert "缺" in last_reply(at)


def test_a_pending_proposal_is_saved_with_the_draft_and_survives_a_reload(data_dir):
    first = new_draft(start())
    propose(first, FIGURES)

    again = start({"u": str(first.query_params["u"])})
    assert_clean(again)
    assert grid(again, REQ).value.loc["一 本年新收申请", "总计"] == ""
    apply_pending(again)

    assert_clean(again)
    assert stored(data_dir, again).report.value(REQ, "一", "总计") == 258
    assert grid(again, REQ).value.loc["一 本年新收申请", "总计"] == "258"


def test_with_apply_at_once_the_figures_fill_the_table_and_can_be_undone(data_dir):
    at = new_draft(start())
    at.toggle(key="apply-at-once").set_value(True).run()
    propose(at, FIGURES)
    draft_id = str(at.query_params["d"])

    assert_clean(at)
    assert not [b for b in at.button if b.key == f"apply-{draft_id}"]
    assert grid(at, REQ).value.loc["一 本年新收申请", "总计"] == "258"
    assert "撤销" in last_reply(at)

    at.button(key=f"undo-{draft_id}").click().run()
    assert stored(data_dir, at).report.value(REQ, "一", "总计") is None


def test_a_message_that_contradicts_a_total_is_refused_and_nothing_changes(data_dir):
    at = new_draft(start())
    send(at, REQUESTS_ONLY)
    send(at, "今年共收到申请300件，其中自然人200件、商业企业10件、其他8件")

    assert_clean(at)
    assert stored(data_dir, at).report.value(REQ, "一", "自然人") == 240
    reply = last_reply(at)
    assert "未作任何修改" in reply or "未作修改" in reply
    assert "300" in reply and "总计" in reply
    assert not [b for b in at.button if b.key == f"apply-{at.query_params['d']}"]
    assert stored(data_dir, at).extra.get("pending_changes") is None


def test_an_edit_to_a_part_updates_its_total(data_dir):
    at = requests_edited({"其他": "18"})

    assert_clean(at)
    table = grid(at, REQ).value
    assert table.loc["一 本年新收申请", "其他"] == "18"
    assert table.loc["一 本年新收申请", "总计"] == "268"
    (note,) = [i.value for i in at.info if "已修改" in i.value]
    typed, derived = note.split("随之计算")
    assert "其他：8 → 18" in typed
    assert "总计：258 → 268" in derived


def test_an_invalid_edit_shows_its_finding_at_the_cell(data_dir):
    at = requests_edited({"总计": "300"})

    assert_clean(at)
    table = grid(at, REQ).value
    row = "一 本年新收申请"
    assert table.loc[row, "总计"] == "300"
    assert table.loc[row, "核对"] == "错"  # the row's marker; what fails is listed under the grid, linked to the cell
    (entry,) = [e.value for e in at.error if row in e.value and "总计" in e.value]
    assert "258" in entry and "#grid-1-0-r0-c6" in entry
    assert stored(data_dir, at).report.value(REQ, "一", "总计") == 300


def test_text_that_is_not_a_number_is_kept_and_flagged_at_its_cell(data_dir):
    at = new_draft(start())
    edit_grid(at, TableId.APPEALS, {0: {"结果维持": "两件"}})

    assert_clean(at)
    table = grid(at, TableId.APPEALS).value
    assert table.loc["行政复议", "结果维持"] == "两件"
    assert table.loc["行政复议", "核对"] in ("错", "疑")
    assert any("行政复议 / 结果维持" in e.value for e in [*at.error, *at.warning])


def test_a_draft_survives_a_new_session(data_dir):
    first = new_draft(start())
    send(first, FIGURES)
    user = str(first.query_params["u"])

    again = start({"u": user})

    assert_clean(again)
    assert grid(again, REQ).value.loc["一 本年新收申请", "总计"] == "258"
    assert any(FIGURES in m.markdown[0].value for m in again.chat_message if m.name == "user")


def test_another_user_does_not_see_the_draft(data_dir):
    first = new_draft(start())
    send(first, FIGURES)

    other = start({"u": "someone-else-123456", "d": str(first.query_params["d"])})

    assert_clean(other)
    assert not other.data_editor
    assert other.button(key="new-start")


def test_the_button_to_draft_the_narrative_stays_once_part_one_exists(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    assert at.button(key="draft-all").label == "起草叙述部分（一、五、六）"
    at.button(key="draft-all").click().run()
    first = stored(data_dir, at).report.part_text("六")
    send(at, "收取信息处理费120元")  # a new fact after drafting: all three parts again, in one click

    assert at.button(key="draft-all").label == "重新起草叙述部分（一、五、六）"
    at.button(key="draft-all").click().run()

    assert_clean(at)
    again = stored(data_dir, at).report.part_text("六")
    assert "120" in again and again != first


def test_the_trend_chart_draws_appeals_and_suits_on_their_own_axis(data_dir):
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    at = new_draft(start())
    send(at, FIGURES)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert [s["title"]["text"] for s in specs] == [
        "新收申请（件）",
        "行政复议、行政诉讼（件）",
        "予以公开占办结的比例（%）",
    ]
    data = convert_arrow_bytes_to_pandas_df(at.get("vega_lite_chart")[1].proto.data.data)
    assert sorted(data["项目"]) == ["行政复议", "行政诉讼"]  # on their own axis, not beside 258 requests
    assert data.set_index("项目").loc["行政复议", "数值"] == 2
    assert all(t["title"] in ("年度", "项目", "件", "%") for s in specs for t in s["encoding"]["tooltip"])


def test_regenerating_a_part_changes_only_that_part(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    at.button(key="draft-all").click().run()
    draft = stored(data_dir, at)
    assert all(draft.report.part_text(n).strip() for n in ("一", "五", "六"))
    for number in ("一", "五"):
        (area,) = [t for t in at.text_area if t.key.startswith(f"edit-{draft.id}-{number}-")]
        area.set_value(f"手工修改的第{number}部分。")
        at.button(key=f"save-{draft.id}-{number}").click().run()
    before = stored(data_dir, at).report

    at.button(key=f"regen-{draft.id}-一").click().run()

    assert_clean(at)
    after = stored(data_dir, at).report
    assert after.part_text("一") != "手工修改的第一部分。" and after.part_text("一").strip()
    assert after.part_text("五") == "手工修改的第五部分。"
    assert after.part_text("六") == before.part_text("六")
    assert after.cells == before.cells


def test_asking_in_the_chat_drafts_the_narrative(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "请起草总体情况")

    assert_clean(at)
    report = stored(data_dir, at).report
    assert "258" in report.part_text("一")
    assert report.part_text("五") == ""


def test_a_spreadsheet_in_the_chat_fills_the_table(data_dir, seed_path):
    from nianbao.readers import read_report

    seed = read_report(seed_path)
    lines = ["table,row,column,value"] + [
        f"{c.table.value},{c.row},{c.column},{c.value}" for c in seed.cells if c.table is REQ and c.value is not None
    ]
    at = new_draft(start(), year=2021)
    at.chat_input(key="chat").upload("figures.csv", "\n".join(lines).encode("utf-8"), "text/csv")
    at.run()
    assert_clean(at)
    assert "figures.csv" in last_reply(at) and "拟修改" in last_reply(at)
    assert stored(data_dir, at).report.value(REQ, "三.七", "总计") is None

    apply_pending(at)

    assert_clean(at)
    report = stored(data_dir, at).report
    assert report.value(REQ, "三.七", "总计") == seed.value(REQ, "三.七", "总计")
    assert grid(at, REQ).value.loc["三.七 总计", "总计"] == str(seed.value(REQ, "三.七", "总计"))


def test_downloads_are_offered_as_docx_and_markdown(data_dir):
    at = new_draft(start())
    labels = [b.label for b in at.get("download_button")]
    assert "下载 Word（DOCX）" in labels
    assert "下载 Markdown" in labels


def test_rename_duplicate_and_delete_from_the_sidebar(data_dir):
    at = new_draft(start())
    draft_id = str(at.query_params["d"])
    at.text_input(key=f"name-{draft_id}").set_value("鹿邑 2022 初稿")
    at.button(key=f"rename-{draft_id}").click().run()
    assert stored(data_dir, at).name == "鹿邑 2022 初稿"

    at.button(key=f"dup-{draft_id}").click().run()
    assert stored(data_dir, at).year == 2023

    at.checkbox(key=f"sure-{at.query_params['d']}").check().run()
    at.button(key=f"delete-{at.query_params['d']}").click().run()
    assert_clean(at)
    user = str(at.query_params["u"])
    assert [d.id for d in DraftStore.in_data_dir(data_dir).list_drafts(user)] == [draft_id]


def test_an_unusable_data_folder_gives_a_chinese_message_and_no_traceback(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(not_a_folder))
    get_settings.cache_clear()
    try:
        at = start()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert any("意外错误" in e.value or "草稿库" in e.value for e in at.error)


def use_llm(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("NIANBAO_LLM", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    get_settings.cache_clear()


def fill_requests_by_grid(at: AppTest) -> AppTest:
    edits = {0: {"自然人": "240", "商业企业": "10", "科研机构": "0", "社会组织": "0", "法律服务机构": "0", "其他": "8"}}
    return edit_grid(at, REQ, edits)


def test_the_sidebar_says_which_model_and_knowledge_base(data_dir):
    at = start()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "内置离线起草" in captions
    assert "知识库：本机" in captions
    assert str(data_dir) not in captions  # the server's folder is for the administrator, not for a clerk


def with_work(at: AppTest) -> AppTest:
    """Her facts for one subsection (监督保障), told in the chat before any LLM is set: with an LLM, that
    subsection of 一 goes to the model; the others stay the built-in drafter's."""
    send(at, "介绍工作情况")
    send(at, "组织了全县政务公开业务培训3次")
    return at


def test_with_an_llm_the_part_is_drafted_by_it_and_checked(data_dir, monkeypatch):
    sentence = "2022年，本机关共新收政府信息公开申请258件。"
    at = with_work(fill_requests_by_grid(new_draft(start())))
    with fake_openai([Reply(content=sentence)]) as server:
        use_llm(monkeypatch, server.base_url)
        at.run()
        at.button(key="draft-all").click().run()

    assert_clean(at)
    assert "大模型" in " ".join(c.value for c in at.sidebar.caption)
    assert sentence in stored(data_dir, at).report.part_text("一").split("\n")
    assert "组织了全县政务公开业务培训3次" in server.prompts()[0]  # her facts, the only source of the paragraph
    assert server.requests and all(r.get("stream") for r in server.requests)


def test_with_an_llm_a_year_on_year_change_is_checked_against_the_bodys_report_of_last_year(
    data_dir, seed_path, monkeypatch
):
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(get_settings()).add(seed_path)
    last_year = read_report(seed_path).value(REQ, "一", "总计")
    sentence = f"2022年，本机关共新收政府信息公开申请258件，较上年增加{258 - last_year}件。"
    at = with_work(fill_requests_by_grid(new_draft(start())))
    with fake_openai([Reply(content=sentence)]) as server:
        use_llm(monkeypatch, server.base_url)
        at.run()
        at.button(key="draft-all").click().run()

    assert_clean(at)
    assert sentence in stored(data_dir, at).report.part_text("一").split("\n")  # verified, not marked 【待核实】
    assert len(server.requests) == 1  # part 一 was not sent back (五, 六: no facts of hers, the built-in drafter's)


def test_a_failing_llm_gives_a_message_and_the_offline_draft(data_dir, monkeypatch):
    at = with_work(new_draft(start()))
    with fake_openai([Reply(status=500)]) as server:
        use_llm(monkeypatch, server.base_url)
        at.run()
        send(at, FIGURES)
        send(at, "请起草总体情况")

    assert_clean(at)
    draft = stored(data_dir, at)
    assert draft.report.value(REQ, "一", "总计") == 258
    assert "258" in draft.report.part_text("一")
    assert "HTTP 500" in draft.chat[-1].content and "离线" in draft.chat[-1].content
    asked = [m.content for m in draft.chat if m.role == "user"]
    assert asked == ["介绍工作情况", "组织了全县政务公开业务培训3次", FIGURES, "请起草总体情况"]


def test_the_chart_shows_the_bodys_past_years_with_the_draft_last_and_carries_over(data_dir, seed_path):
    from nianbao.kb.service import KnowledgeBase

    KnowledgeBase(get_settings()).add(seed_path)
    at = start()
    assert at.selectbox(key="new-body").value == "鹿邑县人民政府"
    at.number_input[0].set_value(2022)
    at.button(key="new-start").click().run()
    send(at, FIGURES)

    assert_clean(at)
    chart = next(d.value for d in at.dataframe if "新收申请（件）" in d.value.columns)
    assert list(chart.index) == ["2021年", "2022年（本草稿）"]
    assert chart.loc["2022年（本草稿）", "新收申请（件）"] == 258
    assert chart.loc["2021年", "新收申请（件）"] == read_report(seed_path).value(REQ, "一", "总计")
    draft = stored(data_dir, at)
    assert draft.report.value(REQ, "二", "总计") == read_report(seed_path).value(REQ, "四", "总计")
    assert "上年" in draft.chat[0].content


def test_undo_puts_the_tables_back_as_before_the_last_message(data_dir):
    at = new_draft(start())
    send(at, REQUESTS_ONLY)
    send(at, "予以公开190件")
    draft_id = str(at.query_params["d"])

    at.button(key=f"undo-{draft_id}").click().run()

    assert_clean(at)
    report = stored(data_dir, at).report
    assert report.value(REQ, "三.一", "总计") is None
    assert report.value(REQ, "一", "总计") == 258
    assert grid(at, REQ).value.loc["三.一 予以公开", "总计"] == ""
    assert not [b for b in at.button if b.key == f"undo-{draft_id}"]


def test_with_an_llm_regenerating_a_part_follows_the_instruction_and_changes_only_that_part(data_dir, monkeypatch):
    first, shorter = "本机关持续推进政府信息公开工作。", "本机关精简表述后的问题与改进。"
    at = with_work(fill_requests_by_grid(new_draft(start())))
    # 一's subsection with her facts, then 五 to the instruction (五, 六 without her facts: the built-in drafter's).
    with fake_openai([Reply(content=first), Reply(content=shorter)]) as server:
        use_llm(monkeypatch, server.base_url)
        at.run()
        at.button(key="draft-all").click().run()
        draft_id = str(at.query_params["d"])
        before = stored(data_dir, at).report
        at.text_input(key=f"instr-{draft_id}-五").input("更简洁")
        at.button(key=f"regen-{draft_id}-五").click().run()

    assert_clean(at)
    after = stored(data_dir, at).report
    assert shorter in after.part_text("五") and after.part_text("五") != before.part_text("五")
    assert after.part_text("一") == before.part_text("一") and first in after.part_text("一").split("\n")
    assert after.part_text("六") == before.part_text("六")
    assert after.cells == before.cells
    assert "更简洁" in server.prompts()[-1]


def test_one_message_can_give_figures_and_ask_for_a_part(data_dir):
    at = new_draft(start())
    propose(at, FIGURES + "。请据此起草总体情况")
    assert_clean(at)
    assert stored(data_dir, at).report.part_text("一") == ""
    assert "草稿尚未改动" in last_reply(at)

    apply_pending(at)

    assert_clean(at)
    report = stored(data_dir, at).report
    assert report.value(REQ, "一", "总计") == 258
    assert "258" in report.part_text("一")
    assert grid(at, REQ).value.loc["一 本年新收申请", "总计"] == "258"


def test_discarding_a_proposal_leaves_the_table_as_it_was(data_dir):
    at = new_draft(start())
    propose(at, FIGURES)
    draft_id = str(at.query_params["d"])

    at.button(key=f"discard-{draft_id}").click().run()

    assert_clean(at)
    draft = stored(data_dir, at)
    assert draft.report.value(REQ, "一", "总计") is None
    assert "已放弃" in draft.chat[-1].content


def test_a_finding_at_a_cell_links_to_its_cell_framed_on_the_grid(data_dir):
    at = requests_edited({"总计": "300"})

    assert_clean(at)
    (entry,) = [e.value for e in at.error if "一 本年新收申请 / 总计" in e.value]
    link = entry.split("](#", 1)[1].split(")", 1)[0]
    assert link == "grid-1-0-r0-c6"  # 依申请公开's first grid, row 一, column 总计
    (frame,) = [m.value for m in at.markdown if f'id="{link}"' in m.value]
    assert 'id="grid-1-0"' in frame and f'class="cell-mark error" id="{link}"' in frame


def test_a_narrative_finding_is_shown_at_its_part_with_the_sentence_highlighted(data_dir, seed_path):
    report = read_report(seed_path)
    report.part("一").text += "\n全年共新收政府信息公开申请999件。"
    user = "narrative-user-123456"
    DraftStore.in_data_dir(data_dir).create(user, report, name="正文有误")

    at = start({"u": user})

    assert_clean(at)
    # The sentence counts at the body's own scope: a contradiction is an error, not a reminder.
    assert any("999" in e.value and "两者不符" in e.value for e in at.error)
    marked = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert marked and "999件" in marked[0].split(":orange-background[", 1)[1]
    assert any('id="part-1"' in m.value for m in at.markdown)


def test_requests_still_pending_go_to_carried_over_not_to_the_completed_total(data_dir):
    at = new_draft(start())
    propose(
        at, "今年共收到申请241件，其中自然人215件、商业企业12件、社会组织4件、其他10件；予以公开218件，尚未办结23件"
    )

    assert_clean(at)
    reply = last_reply(at)
    assert "矛盾" not in reply
    apply_pending(at)
    table = grid(at, REQ).value
    assert table.loc["四 结转下年度", "总计"] == "23"
    assert table.loc["三.七 总计", "总计"] != "23"


def test_a_fee_stated_in_the_chat_is_kept_and_part_six_reports_it_unmarked(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "未收取信息处理费")

    assert_clean(at)
    assert "信息处理费 0 元" in last_reply(at)
    send(at, "起草其他需要报告的事项")

    six = stored(data_dir, at).report.part_text("六")
    assert "未收取信息处理费" in six
    assert "【待核实】" not in six


def test_a_fee_given_with_figures_is_kept_even_when_the_figures_are_discarded(data_dir):
    at = new_draft(start())
    propose(at, FIGURES + "。收取信息处理费120元")
    at.button(key=f"discard-{at.query_params['d']}").click().run()
    send(at, "起草第六部分")

    assert_clean(at)
    assert "共收取信息处理费120元" in stored(data_dir, at).report.part_text("六")


def test_a_total_given_before_its_parts_is_a_reminder_naming_the_blank_cells_not_an_error(data_dir):
    at = new_draft(start())
    send(at, "今年共收到申请241件，其中自然人215件、商业企业12件、社会组织4件、其他10件；予以公开170件，尚未办结71件")

    assert_clean(at)
    assert not [e.value for e in at.error if "应为 0" in e.value]
    assert any("0 个错误" in c.value for c in at.caption)
    reminder = [w.value for w in at.warning if "三.一 予以公开 / 总计](" in w.value and "尚未填完" in w.value]
    assert reminder and "自然人" in reminder[0]
    assert grid(at, REQ).value.loc["三.一 予以公开", "核对"] == "疑"


def test_a_wrong_total_of_filled_parts_is_still_an_error(data_dir):
    at = requests_edited({"总计": "300"})

    assert_clean(at)
    assert any("按勾稽关系应为 258" in e.value for e in at.error)
    assert not any("0 个错误" in c.value for c in at.caption)


def test_after_drafting_or_a_grid_edit_undo_is_no_longer_offered_so_neither_is_lost(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    draft_id = str(at.query_params["d"])
    assert [b for b in at.button if b.key == f"undo-{draft_id}"]

    send(at, "请起草总体情况")

    assert_clean(at)
    assert not [b for b in at.button if b.key == f"undo-{draft_id}"]
    assert "258" in stored(data_dir, at).report.part_text("一")


def test_a_grid_edit_is_said_in_the_chat_and_undone_with_its_derived_cells(data_dir):
    at = requests_edited({"自然人": "241"})

    assert_clean(at)
    draft = stored(data_dir, at)
    assert (draft.report.value(REQ, "一", "自然人"), draft.report.value(REQ, "一", "总计")) == (241, 259)
    said = draft.chat[-1].content
    assert "在表格中修改了" in said and "自然人：240 → 241" in said
    assert "随之计算" in said and "总计：258 → 259" in said

    at.button(key=f"undo-{at.query_params['d']}").click().run()

    assert_clean(at)
    draft = stored(data_dir, at)
    assert (draft.report.value(REQ, "一", "自然人"), draft.report.value(REQ, "一", "总计")) == (240, 258)
    assert grid(at, REQ).value.loc["一 本年新收申请", "总计"] == "258"


def test_a_message_that_changes_nothing_keeps_the_undo(data_dir):
    at = new_draft(start())
    send(at, FIGURES)
    send(at, "你好")

    assert_clean(at)
    assert [b for b in at.button if b.key == f"undo-{at.query_params['d']}"]


def test_a_finding_in_the_list_names_its_place_once(data_dir):
    at = requests_edited({"总计": "300"})

    (entry,) = [e.value for e in at.error if "按勾稽关系应为 258" in e.value]
    assert entry.count("一 本年新收申请") == 1


def test_the_downloads_say_what_an_unfinished_draft_still_lacks(data_dir):
    at = new_draft(start())
    send(at, REQUESTS_ONLY)

    notes = [w.value for w in at.warning if "下载的文件按现状导出" in w.value]
    assert notes and "单元格未填" in notes[0]


def test_a_finished_draft_downloads_without_a_warning(data_dir, seed_path):
    from nianbao.drafts import DraftStore, new_user_key

    user = new_user_key()
    draft = DraftStore.in_data_dir(data_dir).create(user, read_report(seed_path), name="定稿")
    at = start({"u": user, "d": draft.id})

    assert_clean(at)
    assert not [w.value for w in at.warning if "下载的文件按现状导出" in w.value]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("photo.csv", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4),
    ],
)
def test_a_file_that_is_no_spreadsheet_gets_a_message_about_spreadsheets(data_dir, name, data):
    at = new_draft(start())
    at.chat_input(key="chat").upload(name, data, "text/csv")
    at.run()

    assert_clean(at)
    reply = last_reply(at)
    assert "不是文本格式的 CSV 文件，也不是 Excel（.xlsx）文件" in reply
    assert "PDF" not in reply and "年度报告读取" not in reply


def test_blank_cells_that_can_only_be_zero_are_summed_up_in_one_line_of_the_proposal(data_dir):
    at = new_draft(start())
    propose(
        at,
        "今年共收到申请241件，其中自然人215件、商业企业12件、社会组织4件、其他10件；予以公开170件，部分公开9件，"
        "不予公开中属于国家秘密1件，无法提供中本机关不掌握相关政府信息30件，不予处理中重复申请5件，尚未办结26件，上年结转0件",
    )

    assert_clean(at)
    reply = last_reply(at)
    assert "自然人：空 → 215" in reply and "总计：空 → 26" in reply
    assert "三.三.2" not in reply
    summary = re.search(r"另有 (\d+) 个空白单元格按勾稽关系只能为 0", reply)
    assert summary and int(summary.group(1)) > 50
    apply_pending(at)
    assert grid(at, REQ).value.loc["三.三.2 法律法规禁止", "自然人"] == "0"


# ---- the way back to one's drafts --------------------------------------------------------------------


def test_the_page_says_the_link_is_the_key_and_shows_it_to_copy(data_dir):
    at = new_draft(start())
    user = str(at.query_params["u"])

    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "本页地址就是打开您草稿的钥匙" in notes and "收藏本页" in notes
    assert any(c.value.endswith(f"?u={user}") for c in at.sidebar.code)  # a code block: it has a copy button


def test_a_personal_code_opens_the_drafts_on_another_computer_and_a_wrong_one_does_not(data_dir):
    first = new_draft(start())
    user, draft_id = str(first.query_params["u"]), str(first.query_params["d"])
    first.button(key="show-code").click().run()
    (shown,) = [m.value for m in first.sidebar.markdown if "您的取回码" in m.value]
    code = re.search(r"\*\*([2-9A-Z]{4}-[2-9A-Z]{4})\*\*", shown).group(1)

    elsewhere = start()  # another computer: a new link, no drafts
    assert str(elsewhere.query_params["u"]) != user
    assert not [s for s in elsewhere.sidebar.selectbox if s.label == "打开草稿"]
    elsewhere.text_input(key="typed-code").set_value("ABCD-EFGH")
    elsewhere.sidebar.button[-1].click().run()
    assert any("没有这个取回码" in e.value for e in elsewhere.sidebar.error)
    assert str(elsewhere.query_params["u"]) != user

    elsewhere.text_input(key="typed-code").set_value(code.lower().replace("-", " "))
    elsewhere.sidebar.button[-1].click().run()

    assert_clean(elsewhere)
    assert str(elsewhere.query_params["u"]) == user  # the link now holds her key: bookmarking it works too
    assert str(elsewhere.query_params["d"]) == draft_id


def test_guessing_personal_codes_is_throttled(data_dir):
    at = start()
    for attempt in range(4):
        at.text_input(key="typed-code").set_value(f"WRNG-COD{attempt + 2}")
        at.sidebar.button[-1].click().run()
    assert any("连续输错多次" in e.value for e in at.sidebar.error)
