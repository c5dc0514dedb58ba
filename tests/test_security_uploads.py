"""Uploaded file names cannot escape the data folder: the 管理 page stores a report under a plain, safe name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nianbao.kb.service import KnowledgeBase
from nianbao.settings import get_settings
from nianbao.usecases.knowledge import MAX_NAME_BYTES, safe_file_name

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SEED = ROOT / "corpus" / "luyi_2021.txt"
PASSWORD = "上传-测试-密码"
HOSTILE_NAMES = [
    "../../x.txt",
    "../../../../../../tmp/escaped-upload.txt",
    "/etc/passwd.txt",
    "..\\..\\a.html",
    "C:\\Windows\\win.ini.txt",
    "a\x00b.txt",
    "..",
    ".hidden.txt",
    "长" * 300 + ".txt",
    "x" * 5000 + ".txt",
    "报告\n<script>.txt",
]


@pytest.fixture
def with_password(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    return data_dir


def files_under(folder: Path, skip: Path | None = None) -> set[Path]:
    return {p for p in folder.rglob("*") if skip is None or not p.is_relative_to(skip)}


def escape_targets(name: str, data_dir: Path) -> list[Path]:
    """Where a name would land if it were joined to a folder as given."""
    relative = name.replace("\x00", "").replace("\\", "/")
    bases = [data_dir, data_dir / "uploads", Path.cwd(), Path("/tmp")]
    return [Path(os.path.normpath(base / relative)) for base in bases if relative not in ("", "..")]


def exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the file system: nothing can be there
        return False


def upload(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="page").set_value("管理").run()
    at.text_input(key="admin-password").input(PASSWORD)
    at.button[[b.label for b in at.button].index("进入管理")].click().run()
    at.get("file_uploader")[0].set_value([(name, SEED.read_bytes(), "text/plain")])
    at.run()
    return at.button(key="admin-add").click().run()


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_an_uploaded_name_is_stored_plain_and_nothing_is_written_outside_the_data_folder(with_password, name):
    data_dir = with_password
    outside_before = files_under(data_dir.parent, skip=data_dir)
    targets = [t for t in escape_targets(name, data_dir) if not exists(t)]

    at = upload(name)

    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("鹿邑县人民政府 2021" in s.value for s in at.success)
    (stored,) = KnowledgeBase(get_settings()).list()
    source = stored.source
    assert source == safe_file_name(name)
    assert "/" not in source and "\\" not in source and "\x00" not in source and "\n" not in source
    assert not source.startswith(".") and 0 < len(source.encode("utf-8")) <= MAX_NAME_BYTES
    assert files_under(data_dir.parent, skip=data_dir) == outside_before
    assert [t for t in targets if exists(t)] == []
    assert list((data_dir / "uploads").iterdir()) == []  # the waiting copy is gone too


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x.txt", "x.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("..\\..\\a.html", "a.html"),
        ("a\x00b.txt", "a_b.txt"),
        ("..", "upload"),
        ("", "upload"),
        ("鹿邑县2021年报告（定稿）.docx", "鹿邑县2021年报告（定稿）.docx"),
    ],
)
def test_safe_file_name(name, expected):
    assert safe_file_name(name) == expected


def test_a_very_long_name_keeps_its_extension_within_the_byte_limit():
    name = safe_file_name("年度报告" * 200 + ".pdf")
    assert name.endswith(".pdf") and name.startswith("年度报告")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@pytest.mark.parametrize("name", ["../../x.txt", "/etc/passwd.txt", "..\\..\\a.html", "a\x00b.txt"])
def test_a_report_uploaded_for_review_is_read_in_memory_and_written_nowhere(data_dir, name):
    outside_before = files_under(data_dir.parent, skip=data_dir)
    targets = [t for t in escape_targets(name, data_dir) if not exists(t)]
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="page").set_value("审阅").run()
    at.radio(key="review-source").set_value("上传文件").run()
    at.get("file_uploader")[0].set_value([(name, SEED.read_bytes(), "text/plain")])
    at.run()
    at.radio(key="review-prev").set_value("不比较上年度").run()
    at.button(key="review-run").click().run()

    assert not at.exception and at.metric[0].label == "错误"
    assert files_under(data_dir.parent, skip=data_dir) == outside_before
    assert [t for t in targets if exists(t)] == []
    assert not [p for p in files_under(data_dir) if p.is_file() and p.suffix in (".txt", ".html")]
