"""Admin operations need the admin password: in the 管理 page, in the Python API it calls, and in the CLI.

The knowledge base checks the password itself (nianbao.access): a string must match NIANBAO_ADMIN_PASSWORD;
``None`` (the local owner: CLI, ``make run``, scripts) is allowed only while no password is configured.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest

from app_pages import admin_page as admin_page_module
from nianbao import access
from nianbao.access import AdminPasswordError, password_matches, require_admin
from nianbao.cli import main
from nianbao.kb.service import KnowledgeBase
from nianbao.settings import Settings, get_settings
from nianbao.usecases.container import session_use_cases

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CORPUS = ROOT / "corpus"
SEED = CORPUS / "luyi_2021.txt"
PASSWORD = "管理员-Correct-Horse-42"
WRONG = ["", "错误的密码", PASSWORD + " ", PASSWORD[:-1], PASSWORD.upper()]


def settings_for(folder: Path, password: str | None) -> Settings:
    return Settings(_env_file=None, NIANBAO_DATA_DIR=folder, NIANBAO_ADMIN_PASSWORD=password, CHROMA_HOST=None)  # type: ignore[call-arg]


@pytest.fixture
def guarded_kb(tmp_path: Path) -> KnowledgeBase:
    """A knowledge base on disk whose configuration sets an admin password, holding the seed report."""
    kb = KnowledgeBase(settings_for(tmp_path / "data", PASSWORD))
    kb.add(SEED, password=PASSWORD)
    return kb


CHANGES: dict[str, Callable[[KnowledgeBase, access.Password], object]] = {
    "add": lambda kb, pw: kb.add(CORPUS / "shuyang_2025.md", password=pw),
    "add_file": lambda kb, pw: kb.add_file(CORPUS / "shuyang_2025.md", password=pw),
    "ensure_corpus": lambda kb, pw: kb.ensure_corpus(CORPUS, password=pw),
    "remove": lambda kb, pw: kb.remove(kb.list()[0].id, password=pw),
    "reindex": lambda kb, pw: kb.reindex(password=pw),
}


def snapshot(kb: KnowledgeBase) -> tuple[list[str], int]:
    return [r.id for r in kb.list()], kb.stats().chunks


# ---- the Python API -------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(CHANGES))
@pytest.mark.parametrize("given", [None, "", "错误的密码", PASSWORD[:-1]])
def test_every_change_to_the_knowledge_base_refuses_a_missing_or_wrong_password(guarded_kb, operation, given):
    before = snapshot(guarded_kb)
    with pytest.raises(AdminPasswordError, match="密码") as refused:
        CHANGES[operation](guarded_kb, given)
    assert PASSWORD not in refused.value.message
    assert snapshot(guarded_kb) == before
    assert snapshot(KnowledgeBase(guarded_kb.settings)) == before  # nothing half-written on disk either


@pytest.mark.parametrize("operation", list(CHANGES))
def test_every_change_is_done_with_the_right_password(guarded_kb, operation):
    CHANGES[operation](guarded_kb, SecretStr(PASSWORD))  # raises AdminPasswordError if refused


def test_the_right_password_adds_and_removes(guarded_kb):
    guarded_kb.add(CORPUS / "shuyang_2025.md", password=PASSWORD)
    assert sorted(r.year for r in guarded_kb.list()) == [2021, 2025]
    guarded_kb.remove(guarded_kb.list()[0].id, password=SecretStr(PASSWORD))
    assert len(guarded_kb.list()) == 1


def test_reading_needs_no_password(guarded_kb):
    assert guarded_kb.list()[0].agency == "鹿邑县人民政府"
    assert guarded_kb.search("政府信息公开", k=1)
    assert guarded_kb.show(guarded_kb.list()[0].id).report.year == 2021


def test_without_a_configured_password_the_local_owner_may_change_but_no_typed_password_can(tmp_path):
    kb = KnowledgeBase(settings_for(tmp_path / "data", None))
    assert [r.status for r in kb.ensure_corpus(CORPUS)] == ["added", "added", "added"]  # make run, no password
    for typed in ["", "anything", PASSWORD]:
        with pytest.raises(AdminPasswordError, match="尚未设置管理员密码"):
            kb.remove(kb.list()[0].id, password=typed)
    assert len(kb.list()) == 3


def test_an_empty_configured_password_counts_as_none(tmp_path):
    settings = settings_for(tmp_path, "")
    require_admin(settings, None)
    with pytest.raises(AdminPasswordError):
        require_admin(settings, "")


def test_the_password_is_compared_in_constant_time_on_digests(tmp_path, monkeypatch):
    compared: list[tuple[int, int]] = []
    real = access.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    settings = settings_for(tmp_path, PASSWORD)
    assert password_matches(settings, PASSWORD)
    assert not password_matches(settings, "x")
    assert not password_matches(settings, PASSWORD * 50)
    assert compared == [(32, 32)] * 3  # equal-length SHA-256 digests, whatever was typed


# ---- the use case the admin page calls -------------------------------------------------------------


@pytest.fixture
def app_with_password(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    return data_dir


@pytest.mark.parametrize("given", WRONG)
def test_the_admin_pages_use_case_refuses_a_wrong_password(app_with_password, given):
    with pytest.raises(AdminPasswordError):
        session_use_cases(False).knowledge.add_upload(SEED.read_bytes(), "luyi_2021.txt", given)
    assert session_use_cases(False).knowledge.reports() == []
    assert list((app_with_password / "uploads").iterdir()) == []
    session_use_cases(False).knowledge.add_upload(SEED.read_bytes(), "luyi_2021.txt", PASSWORD)
    stored = session_use_cases(False).knowledge.reports()[0]
    with pytest.raises(AdminPasswordError):
        session_use_cases(False).knowledge.remove(stored.id, given)
    assert [r.id for r in session_use_cases(False).knowledge.reports()] == [stored.id]


def test_the_admin_pages_use_case_refuses_everything_when_no_password_is_configured(data_dir):
    for typed in ["", "admin", PASSWORD]:
        with pytest.raises(AdminPasswordError, match="尚未设置管理员密码"):
            session_use_cases(False).knowledge.add_upload(SEED.read_bytes(), "luyi_2021.txt", typed)
    assert session_use_cases(False).knowledge.reports() == []


def admin_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    return at.sidebar.radio(key="page").set_value("管理").run()


def log_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin-password").input(password)
    return at.button[[b.label for b in at.button].index("进入管理")].click().run()


def test_a_page_unlocked_without_the_right_password_still_cannot_change_the_knowledge_base(app_with_password):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", SEED.read_bytes(), "text/plain")])
    at.run()
    at.session_state[admin_page_module.ADMIN_PASSWORD] = SecretStr("伪造的会话")  # the page's own gate bypassed

    at.button(key="admin-add").click().run()
    assert not at.exception
    assert any("管理员密码不正确" in e.value for e in at.error)
    assert session_use_cases(False).knowledge.reports() == []
    assert admin_page_module.ADMIN_PASSWORD not in at.session_state  # the page locked itself again
    assert [t for t in at.run().text_input if t.key == "admin-password"]


def test_the_typed_password_is_not_kept_in_the_login_field(app_with_password):
    at = log_in(admin_page(), PASSWORD)
    at.button(key="admin-logout").click().run()
    assert at.text_input(key="admin-password").value == ""


# ---- the CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NIANBAO_EMBEDDINGS", "local")
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", "")  # also over a .env
    return tmp_path / "data"


def stored_ids(folder: Path) -> list[str]:
    return [r.id for r in KnowledgeBase(settings_for(folder, None)).list()]


def test_the_cli_loads_the_corpus_with_no_password_configured(cli_data, capsys):
    assert main(["kb", "load-corpus", str(CORPUS)]) == 0
    assert len(stored_ids(cli_data)) == 3


def test_the_cli_uses_the_password_this_machine_configures(cli_data, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    assert main(["kb", "add", str(SEED)]) == 0
    assert "[已添加]" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["add", str(SEED)], ["load-corpus", str(CORPUS)], ["reindex"]])
def test_the_cli_refuses_a_wrong_password_from_stdin(cli_data, capsys, monkeypatch, command):
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO("猜的密码\n"))
    assert main(["kb", *command, "--password-stdin"]) == 2
    out, err = capsys.readouterr()
    assert "管理员密码不正确" in err and PASSWORD not in out + err
    assert stored_ids(cli_data) == []


def test_the_cli_takes_the_right_password_from_stdin(cli_data, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["kb", "add", str(SEED), "--password-stdin"]) == 0
    (report_id,) = stored_ids(cli_data)
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["kb", "remove", report_id, "--password-stdin"]) == 2
    assert stored_ids(cli_data) == [report_id]
