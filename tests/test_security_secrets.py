"""Secrets (OPENAI_API_KEY, NIANBAO_ADMIN_PASSWORD) never appear in logs, pages, exported files or stored data.

Both are set to distinctive values; the app is driven through admin login and upload, drafting with the LLM
through the local fake endpoint (one that refuses the key and quotes part of it back, as OpenAI's 401 does,
one that fails with 500, one that works), review and the exports; then the CLI. Every log record at DEBUG
(openai, httpx, httpcore, langchain included), everything written to stdout/stderr, every page element and
session value, every exported file and every file in the data folder (draft store, Chroma) is searched for
each secret and for its first and last eight characters. A credential inside OPENAI_BASE_URL (httpx logs
request URLs) is searched for the same way, after drafting through such an address in the app and the CLI.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nianbao.cli import main
from nianbao.commands.cells import cells_csv
from nianbao.drafting.example import example_next_year
from nianbao.drafts import DraftStore
from nianbao.logs import HIDDEN, install_redaction, redact, secrets_of
from nianbao.readers import read_report
from nianbao.settings import Settings, get_settings
from nianbao.usecases.container import session_use_cases
from nianbao.usecases.drafting import export_docx, export_markdown
from tests.fake_openai import Reply, fake_openai

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SEED = ROOT / "corpus" / "luyi_2021.txt"
API_KEY = "sk-CANARYkey-7f3a9c2e1b5d4a60ee"
ADMIN_PASSWORD = "管理员Canary密码-93b1e7c4"
SECRETS = {"OPENAI_API_KEY": API_KEY, "NIANBAO_ADMIN_PASSWORD": ADMIN_PASSWORD}
# A credential inside OPENAI_BASE_URL (a proxy's password, or a key as a query parameter); httpx logs URLs.
URL_SECRET = "proxyCANARY-5e0d8b3f71c2"
CANARIES = {**SECRETS, "credential in OPENAI_BASE_URL": URL_SECRET}
# What OpenAI answers to a wrong key: its message quotes the key's start and end.
KEY_REFUSED = Reply(status=401, error=f"Incorrect API key provided: {API_KEY[:8]}{'*' * 16}{API_KEY[-4:]}.")
SERVER_ERROR = Reply(status=500, error=f"upstream failed for key {API_KEY}")
LOGGERS = ["", "openai", "httpx", "httpcore", "httpx2", "httpcore2", "langchain", "langchain_core", "langchain_openai"]
LOGGERS += ["streamlit", "agents", "nianbao", "app_pages", "chromadb"]
PART_ONE = "2021年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作有序开展。"


def fragments(secret: str) -> list[str]:
    """The secret, and its first and last eight characters."""
    return [secret, secret[:8], secret[-8:]]


def leaks(text: str) -> list[str]:
    return [f"{name}: {fragment!r}" for name, s in CANARIES.items() for fragment in fragments(s) if fragment in text]


def byte_leaks(data: bytes) -> list[str]:
    found = []
    for name, secret in CANARIES.items():
        for fragment in fragments(secret):
            for encoding in ("utf-8", "utf-16-le", "gb18030"):
                if fragment.encode(encoding) in data:
                    found.append(f"{name}: {fragment!r} ({encoding})")
    return found


def file_leaks(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        found += [f"{path.relative_to(folder)}: {leak}" for leak in byte_leaks(path.read_bytes())]
    return found


def docx_leaks(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return [f"{name}: {leak}" for name in docx.namelist() for leak in byte_leaks(docx.read(name))]


def page_strings(at: AppTest) -> Iterator[str]:
    """Every string of every element and block on the page, and the repr of every session value."""
    stack: list[object] = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            yield str(proto)
            yield from _strings(proto)
        stack.extend(getattr(node, "children", {}).values())
    for key, value in at.session_state.items():
        yield f"{key}={value!r}"


def _strings(message: object) -> Iterator[str]:
    for _descriptor, value in message.ListFields():  # type: ignore[attr-defined]
        items = value if isinstance(value, list | tuple) or hasattr(value, "__len__") else [value]
        for item in [value] if isinstance(value, str | bytes) else items:
            if hasattr(item, "ListFields"):
                yield from _strings(item)
            elif isinstance(item, str):
                yield item
            elif isinstance(item, bytes):
                yield item.decode("utf-8", "replace")


class Watch:
    """What the test has seen so far: page texts (after every run) and exported files."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.pages = 0

    def page(self, at: AppTest) -> AppTest:
        assert not at.exception, [e.value for e in at.exception]
        self.pages += 1
        self.found += [f"page {self.pages}: {leak}" for text in page_strings(at) for leak in leaks(text)]
        return at

    def data(self, what: str, data: bytes) -> None:
        self.found += [f"{what}: {leak}" for leak in byte_leaks(data)]


@pytest.fixture
def secrets_set(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return data_dir


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def use_llm(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("NIANBAO_LLM", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("NIANBAO_CHAT_MODEL", "fake-model")
    get_settings.cache_clear()


def log_leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = [f"log text: {leak}" for leak in leaks(caplog.text)]
    for record in caplog.records:
        text = " ".join([record.getMessage(), repr(record.args), str(record.exc_info and record.exc_info[1])])
        found += [f"log {record.name}: {leak}" for leak in leaks(text)]
    return found


def test_settings_never_show_the_secrets(secrets_set):
    settings = Settings()
    assert settings.openai_api_key is not None and settings.openai_api_key.get_secret_value() == API_KEY
    shown = [repr(settings), str(settings), f"{settings}", settings.model_dump_json(), str(settings.model_dump())]
    assert [leak for text in shown for leak in leaks(text)] == []


def test_the_detector_finds_each_fragment():
    assert leaks(f"key={API_KEY[:8]}***") and leaks(f"…{ADMIN_PASSWORD[-8:]}") and not leaks("sk-other")
    assert byte_leaks(ADMIN_PASSWORD.encode("gb18030")) and byte_leaks(API_KEY.encode("utf-16-le"))


def test_no_secret_in_logs_pages_exports_or_stored_data_after_a_full_session(secrets_set, all_logs, capfd, monkeypatch):
    watch = Watch()
    admin_session(watch)
    with fake_openai([KEY_REFUSED]) as refusing:
        use_llm(monkeypatch, refusing.base_url)
        at = drafting_session(watch, "请起草总体情况")
        # Her facts for a subsection: regenerating 一 then asks the model for that subsection.
        watch.page(at.chat_input(key="chat").set_value("组织了全县政务公开业务培训3次").run())
    assert refusing.requests  # the LLM was asked, and refused the key
    assert any("401" in m.markdown[0].value for m in at.chat_message if m.name == "assistant")
    with fake_openai([SERVER_ERROR]) as failing:
        use_llm(monkeypatch, failing.base_url)
        regenerate(watch, at)
    assert failing.requests
    with fake_openai([Reply(PART_ONE)]) as working:
        use_llm(monkeypatch, working.base_url)
        regenerate(watch, at)
    assert working.requests
    review_session(watch, at)
    exports(watch, secrets_set, at)
    cli_session(watch, secrets_set, monkeypatch)

    out, err = capfd.readouterr()
    watch.found += [f"stdout/stderr: {leak}" for leak in leaks(out + err)]
    assert watch.found + log_leaks(all_logs) + file_leaks(secrets_set) == []
    assert len(all_logs.records) > 0 and watch.pages >= 8  # the test did look


def admin_session(watch: Watch) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    watch.page(at.sidebar.radio(key="page").set_value("管理").run())
    at.text_input(key="admin-password").input("猜错的密码-123")
    watch.page(at.button[[b.label for b in at.button].index("进入管理")].click().run())
    assert any("密码不正确" in e.value for e in at.error)
    at.text_input(key="admin-password").input(ADMIN_PASSWORD)
    watch.page(at.button[[b.label for b in at.button].index("进入管理")].click().run())
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", SEED.read_bytes(), "text/plain")])
    watch.page(at.run())
    watch.page(at.button(key="admin-add").click().run())
    assert any("已添加" in s.value for s in at.success)


def drafting_session(watch: Watch, message: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if any(t.key == "new-agency" for t in at.text_input):  # else chosen from the knowledge base
        at.text_input(key="new-agency").set_value("鹿邑县人民政府")
    at.number_input[0].set_value(2022)
    watch.page(at.button(key="new-start").click().run())
    watch.page(at.chat_input(key="chat").set_value("今年共收到申请258件，其中自然人240件、其他18件").run())
    return watch.page(at.chat_input(key="chat").set_value(message).run())


def work_file(folder: Path) -> Path:
    """Her facts for a subsection of 一, for 五 and for 六: with an LLM, the CLI asks the model for them."""
    path = folder / "work.txt"
    path.write_text(
        ("依申请公开：今年规范了依申请公开办理流程\n问题：政策解读形式还比较单一\n其他：今年没有其他需要报告的事项\n"),
        encoding="utf-8",
    )
    return path


def regenerate(watch: Watch, at: AppTest) -> None:
    draft_id = at.query_params["d"]
    watch.page(at.button(key=f"regen-{draft_id}-一").click().run())


def review_session(watch: Watch, at: AppTest) -> None:
    watch.page(at.sidebar.radio(key="page").set_value("审阅").run())
    watch.page(at.button(key="review-run").click().run())
    assert at.metric[0].label == "错误"


def exports(watch: Watch, data_dir: Path, at: AppTest) -> None:
    store = DraftStore.in_data_dir(data_dir)
    draft = store.get(str(at.query_params["u"]), str(at.query_params["d"]))
    assert PART_ONE in draft.report.part_text("一")  # the working endpoint's text was kept
    docx = export_docx(draft.report)
    watch.found += [f"docx {leak}" for leak in docx_leaks(docx)]
    watch.data("markdown", export_markdown(draft.report).encode("utf-8"))
    cases = session_use_cases(False)
    review = cases.reviewing.review(draft.report, cases.knowledge.previous_report("鹿邑县人民政府", 2022))
    watch.data("review html", cases.reviewing.page_html(review).encode("utf-8"))


def cli_session(watch: Watch, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["kb", "stats"]) == 0
    assert main(["kb", "add", str(ROOT / "corpus" / "shuyang_2025.md")]) == 0  # the configured password
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD[:-1] + "\n"))
    assert main(["kb", "reindex", "--password-stdin"]) == 2
    review = data_dir.parent / "cli-review.html"
    assert main(["review", str(SEED), "--html", str(review)]) in (0, 1)
    watch.data("cli review html", review.read_bytes())
    facts = data_dir.parent / "cells_2022.csv"
    facts.write_text(cells_csv(example_next_year(read_report(SEED))), encoding="utf-8")
    drafted = data_dir.parent / "cli-draft.md"
    with fake_openai([KEY_REFUSED]) as refusing:
        use_llm(monkeypatch, refusing.base_url)
        args = ["--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(facts), "--previous", str(SEED)]
        status = main(["draft", *args, "--work", str(work_file(data_dir.parent)), "--llm", "--out", str(drafted)])
    assert refusing.requests
    if status == 2:  # the CLI says why the LLM failed (on stderr, searched with the rest) and writes nothing
        assert not drafted.exists()
    else:
        watch.data("cli draft", drafted.read_bytes())


@pytest.mark.parametrize(
    "base_url",
    [f"https://proxy:{API_KEY}@llm.example.com/v1", f"https://llm.example.com/v1?api-key={API_KEY}", "llm.example/v1"],
)
def test_the_sidebar_shows_the_endpoint_without_a_key_in_its_address(secrets_set, monkeypatch, base_url):
    use_llm(monkeypatch, base_url)
    at = AppTest.from_file(APP, default_timeout=90).run()
    label = session_use_cases(False).models.model_label()
    assert "llm.example" in label or "已配置的地址" in label
    assert leaks(label) == [] and [leak for text in page_strings(at) for leak in leaks(text)] == []


# ---- a credential inside OPENAI_BASE_URL ---------------------------------------------------------------

BASE_URLS_WITH_A_CREDENTIAL = {
    "user and password": lambda url: url.replace("http://", f"http://proxy-user:{URL_SECRET}@", 1),
    "key as a query parameter": lambda url: f"{url}?api-key={URL_SECRET}",
    "token as a second query parameter": lambda url: f"{url}?region=cn&access_token={URL_SECRET}",
}


@pytest.fixture
def unredacted_logging() -> Iterator[None]:
    """Log records as Python makes them, until the app or the CLI sets logging up (and as it was, after)."""
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    yield
    logging.setLogRecordFactory(factory)


def request_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What httpx (or httpx2, under recent openai SDKs) logged of each request: its full URL, at INFO."""
    return [r.getMessage() for r in caplog.records if r.name.startswith("httpx") and "HTTP Request" in r.getMessage()]


@pytest.mark.parametrize("form", sorted(BASE_URLS_WITH_A_CREDENTIAL))
def test_the_app_logs_no_credential_of_the_base_url(
    secrets_set, unredacted_logging, all_logs, capfd, monkeypatch, form
):
    watch = Watch()
    with fake_openai([Reply(PART_ONE)]) as server:
        use_llm(monkeypatch, BASE_URLS_WITH_A_CREDENTIAL[form](server.base_url))
        drafting_session(watch, "请起草总体情况")
    assert server.requests and request_logs(all_logs)  # httpx logged the request …
    assert all("127.0.0.1" in message for message in request_logs(all_logs))
    out, err = capfd.readouterr()
    assert watch.found + log_leaks(all_logs) + leaks(out + err) == []  # … without the credential


@pytest.mark.parametrize("form", sorted(BASE_URLS_WITH_A_CREDENTIAL))
def test_the_cli_logs_no_credential_of_the_base_url(
    secrets_set, unredacted_logging, all_logs, capfd, monkeypatch, form
):
    facts = secrets_set.parent / "cells_2022.csv"
    facts.write_text(cells_csv(example_next_year(read_report(SEED))), encoding="utf-8")
    drafted = secrets_set.parent / "cli-draft.md"
    args = ["--agency", "鹿邑县人民政府", "--year", "2022", "--facts", str(facts), "--previous", str(SEED)]
    args += ["--work", str(work_file(secrets_set.parent))]
    with fake_openai([Reply(PART_ONE)]) as server:
        use_llm(monkeypatch, BASE_URLS_WITH_A_CREDENTIAL[form](server.base_url))
        assert main(["draft", *args, "--llm", "--out", str(drafted)]) in (0, 1)
    assert server.requests and request_logs(all_logs)
    out, err = capfd.readouterr()
    assert log_leaks(all_logs) + leaks(out + err) + byte_leaks(drafted.read_bytes()) == []


@pytest.mark.parametrize(
    "text",
    [
        f"HTTP Request: POST https://proxy-user:{URL_SECRET}@llm.example.com/v1/chat/completions 200",
        f"POST https://{URL_SECRET}@llm.example.com/v1/chat/completions",
        f"GET https://llm.example.com/v1?api_key={URL_SECRET}&model=x",
        f"GET https://llm.example.com/v1?model=x&Access-Token={URL_SECRET}",
        f"<Request('POST', 'https://llm.example.com/v1?signature={URL_SECRET}')>",
        f"headers={{'Authorization': 'Bearer {URL_SECRET}'}}",
    ],
)
def test_redaction_hides_a_credential_it_was_not_told_about(text):
    shown = redact(text)
    assert leaks(shown) == [] and HIDDEN in shown
    assert "llm.example.com" in shown or "Authorization" in shown


def test_a_logged_traceback_quoting_the_base_url_is_redacted(secrets_set, monkeypatch, caplog):
    url = f"https://proxy-user:{URL_SECRET}@llm.example.com/v1"
    use_llm(monkeypatch, url)
    install_redaction(lambda: secrets_of(get_settings()))
    try:
        raise ConnectionError(f"cannot reach {url} with key {API_KEY}")
    except ConnectionError:
        logging.getLogger("agents.llm").exception("the endpoint failed")
    assert "ConnectionError: cannot reach https://***@llm.example.com/v1" in caplog.text
    assert leaks(caplog.text) == []


LOGGING_LIKE_THE_APP = """
import logging, sys
import openai
from nianbao.usecases.container import configure_logging

configure_logging(logging.INFO, "%(asctime)s %(levelname)s %(name)s: %(message)s")  # as app.py does
client = openai.OpenAI(api_key="sk-not-the-canary", base_url=sys.argv[1], max_retries=0)
client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "你好"}])
try:
    raise ConnectionError("cannot reach " + sys.argv[1])
except ConnectionError:
    logging.getLogger("agents.llm").exception("the endpoint failed")
"""


@pytest.mark.parametrize("form", sorted(BASE_URLS_WITH_A_CREDENTIAL))
def test_a_process_logging_like_the_app_writes_no_credential_to_stderr(tmp_path, form):
    script = tmp_path / "log_like_the_app.py"
    script.write_text(LOGGING_LIKE_THE_APP, encoding="utf-8")
    with fake_openai([Reply(PART_ONE)]) as server:
        url = BASE_URLS_WITH_A_CREDENTIAL[form](server.base_url)
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
        result = subprocess.run(
            [sys.executable, str(script), url], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
        )
    assert result.returncode == 0, result.stderr
    assert server.requests
    assert "HTTP Request: POST http://" in result.stderr and "ConnectionError: cannot reach" in result.stderr
    assert leaks(result.stdout + result.stderr) == []
