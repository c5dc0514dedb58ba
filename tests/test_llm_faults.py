"""LLM faults, injected by the local fake endpoint, through the real openai and langchain-openai code.

Timeouts, broken connections, 429 and 5xx are retried with backoff a bounded number of times; 400,
401 and 404 are not. A stream cut mid-way is withdrawn and asked again. An unparsable structured
answer is sent back once with its error. After that: a Chinese message saying what failed and the
offline drafter's (or the built-in extractor's) result. No unchecked number reaches the text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from streamlit.testing.v1 import AppTest

from agents.draft import LLMDrafter
from agents.extract import extract_with_llm
from agents.llm import LLMError, RetryPolicy, chat_model_from_settings
from app_pages.draft_page import OWN_BOLD
from app_pages.places import reply_markdown
from nianbao.drafting.model import UNVERIFIED, Draft
from nianbao.drafting.offline import draft_offline
from nianbao.drafting.sources import ReportList
from nianbao.drafting.verify import mark_failing
from nianbao.drafts import DraftStore
from nianbao.intake import Origin
from nianbao.model import Report
from nianbao.schema import TableId
from nianbao.settings import Settings, get_settings
from nianbao.usecases.container import compose
from nianbao.usecases.drafting import PartDraft, with_parts
from tests.fake_openai import FakeOpenAI, Reply, fake_openai
from tests.test_drafting_llm import WORK, part_one, shown, written

REQ = TableId.REQUESTS
AGENCY = "鹿邑县人民政府"
RETRIES = 2
POLICY = RetryPolicy(retries=RETRIES, backoff=0.01, backoff_max=0.02, retry_after_max=0.05, budget=10)
MESSAGE = "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件"


@pytest.fixture
def offline(seed: Report, cells: Report) -> Draft:
    return draft_offline(AGENCY, 2022, cells, ReportList([seed]))


def model_for(server: FakeOpenAI, timeout: float = 5) -> BaseChatModel:
    settings = Settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=server.base_url, NIANBAO_CHAT_MODEL="fake-model")
    model = chat_model_from_settings(settings, timeout=timeout)
    assert model is not None
    return model


def drafter_for(server: FakeOpenAI, seed: Report, timeout: float = 5, **options: int) -> LLMDrafter:
    return LLMDrafter(model_for(server, timeout), ReportList([seed]), retry=POLICY, **options)


def assert_every_number_checked(text: str, report: Report, number: str = "一") -> None:
    """Each sentence whose numbers fail the checks already carries 【待核实】: marking changes nothing."""
    assert mark_failing(text, report, None, number)[0] == text


def assert_offline_kept(draft: Draft, offline: Draft, message: str) -> None:
    assert [p.text for p in draft.report.parts] == [p.text for p in offline.report.parts]
    assert draft.report.cells == offline.report.cells
    assert message in draft.notes[-1] and draft.notes[-1].endswith("已改用离线起草的结果。")


# ---- drafting: faults that pass, faults that stay -------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "timeout"),
    [
        (Reply(delay=1.0), 0.2),  # the server answers after the client's timeout
        (Reply(status=429), 5),
        (Reply(status=429, headers={"Retry-After": "1"}), 5),
        (Reply(status=500), 5),
        (Reply(status=503), 5),
        (Reply("2022年，我县扎实推进政务公开。全年共受理申请", chunk_size=4, cut_after=5, cut="drop"), 5),
        (Reply("2022年，我县扎实推进政务公开。全年共受理申请", chunk_size=4, cut_after=5, cut="end"), 5),
    ],
    ids=["timeout", "429", "429-retry-after", "500", "503", "stream-dropped", "stream-without-end"],
)
def test_a_passing_fault_is_retried_and_the_llm_part_kept(
    offline: Draft, cells: Report, seed: Report, fault: Reply, timeout: float
) -> None:
    text = part_one(cells, cells.count(REQ, "一", "总计"))
    with fake_openai([fault, Reply(text)]) as server:
        draft = drafter_for(server, seed, timeout).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 2
    assert server.requests[0]["messages"] == server.requests[1]["messages"]  # the same question, asked again
    assert written(draft.parts["一"]) == text
    assert draft.notes == offline.notes


@pytest.mark.parametrize(
    ("fault", "timeout", "message"),
    [
        (Reply(delay=1.0), 0.2, "大模型服务响应超时，已重试 2 次仍未成功"),
        (Reply(status=429), 5, "大模型服务繁忙或额度不足（HTTP 429），已重试 2 次仍未成功"),
        (Reply(status=500), 5, "大模型服务出错（HTTP 500，服务器错误），已重试 2 次仍未成功"),
        (Reply("2022年，我县受理申请99999件。全年", chunk_size=4, cut_after=4, cut="drop"), 5, "中途断开"),
        (Reply("2022年，我县受理申请99999件。全年", chunk_size=4, cut_after=4, cut="end"), 5, "中途断开"),
    ],
    ids=["timeout", "429", "500", "stream-dropped", "stream-without-end"],
)
def test_a_lasting_fault_gives_a_chinese_message_and_the_offline_draft(
    cells: Report, seed: Report, fault: Reply, timeout: float, message: str
) -> None:
    with fake_openai([fault]) as server:
        draft = drafter_for(server, seed, timeout).draft_all(AGENCY, 2022, cells, None, WORK)
    assert len(server.requests) == 1 + RETRIES  # part 一's subsection tried three times, then no more calls
    assert_offline_kept(draft, draft_offline(AGENCY, 2022, cells, ReportList([seed]), None, WORK), message)
    assert "99999" not in draft.report.part_text("一")


@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "HTTP 400"), (401, "HTTP 401"), (404, "HTTP 404")],
)
def test_a_request_the_server_refuses_is_not_retried(
    offline: Draft, cells: Report, seed: Report, status: int, message: str
) -> None:
    with fake_openai([Reply(status=status)]) as server:
        draft = drafter_for(server, seed).draft_all(AGENCY, 2022, cells, None, WORK)
    assert len(server.requests) == 1
    assert_offline_kept(draft, draft_offline(AGENCY, 2022, cells, ReportList([seed]), None, WORK), message)
    assert "已重试" not in draft.notes[-1]


def test_retry_after_is_honoured_up_to_its_cap(
    offline: Draft, cells: Report, seed: Report, caplog: pytest.LogCaptureFixture
) -> None:
    text = part_one(cells, cells.count(REQ, "一", "总计"))
    asked = [Reply(status=429, headers={"retry-after-ms": "30"}), Reply(status=429, headers={"Retry-After": "60"})]
    with fake_openai([*asked, Reply(text)]) as server, caplog.at_level(logging.WARNING, "agents.llm"):
        draft = drafter_for(server, seed).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 3
    waits = [r.getMessage().rsplit(" in ", 1)[1] for r in caplog.records if "retry" in r.getMessage()]
    assert waits == ["0.030 s", "0.050 s"]  # as asked; then capped at retry_after_max
    assert written(draft.parts["一"]) == text


def test_retries_stop_when_the_time_budget_is_spent(offline: Draft, cells: Report, seed: Report) -> None:
    slow = RetryPolicy(retries=5, backoff=0.01, retry_after_max=1.0, budget=0.5)
    with fake_openai([Reply(status=429, headers={"Retry-After": "1"})]) as server:
        drafter = LLMDrafter(model_for(server), ReportList([seed]), retry=slow)
        with pytest.raises(LLMError, match="HTTP 429"):
            drafter.draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 1  # waiting 1 s would pass the 0.5 s budget


@pytest.mark.parametrize("how", ["drop", "end"])
def test_a_stream_cut_after_a_wrong_number_never_shows_it_unmarked(
    offline: Draft, cells: Report, seed: Report, how: str
) -> None:
    right = cells.count(REQ, "一", "总计")
    wrong = f"共受理政府信息公开申请{right + 7}件。"
    cut = Reply(f"2022年，我县扎实推进政务公开。{wrong}全年办结", chunk_size=4, cut_after=9, cut=how)  # type: ignore[arg-type]
    with fake_openai([cut, Reply(part_one(cells, right))]) as server:
        stream = drafter_for(server, seed).stream_part(offline, "一", work=WORK)
        screens = shown(iter(stream))
    assert len(server.requests) == 2
    assert "\n2022年，我县扎实推进政务公开。" in screens[0]  # shown sentence by sentence, then withdrawn
    if how == "end":  # every chunk arrived: the wrong sentence was shown, marked
        assert wrong.rstrip("。") + UNVERIFIED in screens[0]
    assert all(wrong not in screen for screen in screens)  # never plain
    assert written(stream.part) == part_one(cells, right)
    assert str(right + 7) not in screens[-1]


def test_a_reply_cut_by_the_length_limit_is_continued_then_checked(offline: Draft, cells: Report, seed: Report) -> None:
    text = part_one(cells, cells.count(REQ, "一", "总计") + 7)
    cut = text.index("全年")
    with fake_openai([Reply(text[:cut], "length"), Reply(text[cut:])]) as server:
        draft = drafter_for(server, seed, max_fix_rounds=0).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 2
    assert f"件{UNVERIFIED}，" in written(draft.parts["一"])  # the number in the continued half was checked
    assert_every_number_checked(written(draft.parts["一"]), draft.report)


def test_a_reply_still_cut_after_the_continuations_is_marked_and_noted(
    offline: Draft, cells: Report, seed: Report
) -> None:
    pieces = ["2022年，我县扎实推进政务公开工作，", "全年共", "办结"]
    with fake_openai([Reply(piece, "length") for piece in pieces]) as server:
        draft = drafter_for(server, seed, max_continuations=2).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 3
    assert written(draft.parts["一"]) == f"2022年，我县扎实推进政务公开工作，全年共办结{UNVERIFIED}"
    assert any("长度限制被截断（已续写 2 次）" in note for note in draft.notes)


def test_the_local_models_reply_is_capped_and_a_reply_that_hits_the_cap_is_marked_not_continued(
    offline: Draft, seed: Report
) -> None:
    with fake_openai([Reply("2022年，我县扎实推进政务公开工作，全年共", "length"), Reply("办结")]) as server:
        port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
        settings = Settings(NIANBAO_LLM="local", NIANBAO_LOCAL_LLM_PORT=port, NIANBAO_LOCAL_LLM_MAX_TOKENS=900)
        model = chat_model_from_settings(settings, timeout=5)
        assert model is not None
        draft = LLMDrafter(model, ReportList([seed]), retry=POLICY).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 1 and server.requests[0]["max_tokens"] == 900
    assert written(draft.parts["一"]) == f"2022年，我县扎实推进政务公开工作，全年共{UNVERIFIED}"
    assert any("长度限制被截断（已续写 0 次）" in note for note in draft.notes)


def test_a_recovered_draft_has_no_unchecked_number(offline: Draft, cells: Report, seed: Report) -> None:
    text = part_one(cells, cells.count(REQ, "一", "总计") + 3)
    with fake_openai([Reply(status=500), Reply(text)]) as server:
        draft = drafter_for(server, seed, max_fix_rounds=0).draft_part(offline, "一", work=WORK)
    assert len(server.requests) == 2
    assert written(draft.parts["一"]).count(UNVERIFIED) == 1
    assert_every_number_checked(written(draft.parts["一"]), draft.report)


# ---- structured output --------------------------------------------------------------------------


def figures_json(*figures: tuple[str, str, str]) -> str:
    rows = [{"table": "依申请公开", "row": r, "column": c, "value": v, "quote": ""} for r, c, v in figures]
    return json.dumps({"figures": rows}, ensure_ascii=False)


@pytest.mark.parametrize("broken", ['{"figures": [{"table": "依申请公开", "row"', '{"figures": "无"}', "无法回答"])
def test_an_unparsable_answer_is_sent_back_once_with_its_error(broken: str) -> None:
    good = figures_json(("一", "总计", "258"), ("一", "自然人", "240"))
    with fake_openai([Reply(broken), Reply(good)]) as server:
        result = extract_with_llm(MESSAGE, model_for(server), method="json_mode", retry=POLICY)
    assert len(server.requests) == 2
    assert "无法按要求解析" in server.prompts()[1]
    assert {c.address: c.new for c in result.changes} == {(REQ, "一", "总计"): 258, (REQ, "一", "自然人"): 240}
    assert all(c.origin is Origin.LLM for c in result.changes)


def test_an_answer_unparsable_twice_gives_the_built_in_extractor_result() -> None:
    with fake_openai([Reply('{"figures": [{"row": 1}')]) as server:
        result = extract_with_llm(MESSAGE, model_for(server), method="json_mode", retry=POLICY)
    assert len(server.requests) == 2
    assert result.notes[0] == "大模型返回内容无法解析（已重试 1 次），已改用内置规则读取数字。"
    assert {c.address: c.new for c in result.changes if c.row == "一"}[(REQ, "一", "总计")] == 258
    assert all(c.origin is not Origin.LLM for c in result.changes)


@pytest.mark.parametrize(
    ("fault", "requests"),
    [(Reply(status=500), 1 + RETRIES), (Reply(status=429), 1 + RETRIES), (Reply(status=401), 1)],
)
def test_extraction_retries_server_faults_then_says_what_failed(fault: Reply, requests: int) -> None:
    with fake_openai([fault]) as server, pytest.raises(LLMError, match=f"HTTP {fault.status}"):
        extract_with_llm(MESSAGE, model_for(server), method="json_mode", retry=POLICY)
    assert len(server.requests) == requests


def test_extraction_recovers_from_a_timeout() -> None:
    with fake_openai([Reply(delay=1.0), Reply(figures_json(("一", "总计", "258")))]) as server:
        result = extract_with_llm(MESSAGE, model_for(server, timeout=0.2), method="json_mode", retry=POLICY)
    assert len(server.requests) == 2
    assert [c.new for c in result.changes] == [258]


# ---- the app: what was written stays ---------------------------------------------------------------


@pytest.fixture
def llm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The app's settings: an LLM at the fake endpoint (its URL set by the test), one retry, a fresh data folder."""
    folder = tmp_path / "data"
    for name, value in {
        "NIANBAO_DATA_DIR": str(folder),
        "NIANBAO_LLM": "openai",
        "OPENAI_API_KEY": "sk-test",
        "NIANBAO_LLM_TIMEOUT": "0.2",
        "NIANBAO_LLM_RETRIES": "1",
        "NIANBAO_ADMIN_PASSWORD": "",
        "CHROMA_HOST": "",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_a_lasting_fault_keeps_the_finished_part_and_the_users_own_text(
    llm_env: Path, monkeypatch: pytest.MonkeyPatch, cells: Report
) -> None:
    own = "我们自己写的第五部分，不能丢。"
    report = with_parts(cells, [PartDraft("五", own)])
    first = part_one(cells, cells.count(REQ, "一", "总计"))
    with fake_openai([Reply(first), Reply(status=500)]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()
        one, five, six = compose(get_settings()).drafting.draft_parts(report, ["一", "五", "六"], work=WORK)
    assert len(server.requests) == 3  # 一's subsection with her facts once; 五 twice (one retry); 六 not asked
    assert one.number == "一" and f"\n{first}\n" in one.text
    assert (five.number, five.text) == ("五", own)
    assert "服务器错误" in five.note and "保留原有内容" in five.note
    assert six.number == "六" and six.text.strip() and "离线" in six.note
    assert_every_number_checked(one.text, cells)


# ---- the app: a lasting fault in the chat ------------------------------------------------------------


def test_a_lasting_fault_in_the_chat_keeps_the_message_and_says_what_failed(
    llm_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = llm_env
    request, answer = "请起草总体情况", "今年召开了新闻发布会2次"
    with fake_openai([Reply(delay=1.0)]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        get_settings.cache_clear()
        try:
            at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
            at.text_input(key="new-agency").set_value(AGENCY)
            at.number_input[0].set_value(2022)
            at.button(key="new-start").click().run()
            at.chat_input(key="chat").set_value(request).run()
            # Her facts for 主动公开: that subsection goes to the model when she asks again.
            at.chat_input(key="chat").set_value(answer).run()
            at.chat_input(key="chat").set_value(request).run()
        finally:
            get_settings.cache_clear()

    assert not at.exception, [e.value for e in at.exception]
    # Reading figures: 2 tries a message; 一 without her facts is the built-in drafter's (no call), then her
    # subsection: 2 tries.
    assert len(server.requests) == 3 * 2 + 2
    draft = DraftStore.in_data_dir(folder).get(str(at.query_params["u"]), str(at.query_params["d"]))
    assert [m.content for m in draft.chat if m.role == "user"] == [request, answer, request]
    reply = draft.chat[-1].content
    assert "大模型服务响应超时" in reply and "第一部分保留原有内容" in reply  # the first draft of 一 is kept
    assert draft.report.part_text("一").strip()
    shown = reply_markdown(reply, OWN_BOLD)  # the chat shows every reply as written (escaped Markdown)
    assert shown in [m.markdown[0].value for m in at.chat_message if m.name == "assistant"]
