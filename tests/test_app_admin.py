"""The 管理 page: locked without a password, refuses a wrong one, adds, lists and removes reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nianbao.settings import get_settings

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"
PASSWORD = "正确的密码-123"


@pytest.fixture
def with_password(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    return data_dir


def admin_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    return at.sidebar.radio(key="page").set_value("管理").run()


def log_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin-password").input(password)
    return at.button[[b.label for b in at.button].index("进入管理")].click().run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "意外错误" in e.value]


def test_without_a_password_set_the_page_says_how_to_enable_it_and_stays_locked(data_dir):
    at = admin_page()
    assert_clean(at)
    assert any("NIANBAO_ADMIN_PASSWORD" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    assert not [t for t in at.text_input if t.key == "admin-password"]


def test_a_wrong_password_is_refused(with_password):
    at = log_in(admin_page(), "错误的密码")
    assert_clean(at)
    assert any("密码不正确" in e.value for e in at.error)
    assert not at.get("file_uploader")


def test_an_upload_adds_a_report_after_its_preview(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    assert_clean(at)
    assert any(m.label == "报告" and m.value == "0" for m in at.metric)

    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    preview = at.dataframe[0].value
    assert preview.loc[0, "机关"] == "鹿邑县人民政府"
    assert str(preview.loc[0, "年度"]) == "2021"
    assert preview.loc[0, "格式"] == "2021 版"

    at.button(key="admin-add").click().run()
    assert_clean(at)
    assert any("鹿邑县人民政府 2021" in s.value for s in at.success)
    assert any(m.label == "报告" and m.value == "1" for m in at.metric)
    stored = at.dataframe[-1].value
    assert list(stored["机关"]) == ["鹿邑县人民政府"]


def test_a_file_that_is_not_a_report_is_shown_as_unreadable(with_password):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("random.pdf", b"%PDF-1.4 garbage", "application/pdf")])
    at.run()
    assert_clean(at)
    assert "无法读取" in at.dataframe[0].value.loc[0, "结果"]
    assert not [b for b in at.button if b.key == "admin-add"]


def seed_added_then_removed(seed_path: Path) -> AppTest:
    """The 管理 page after the seed was added and then removed (confirmed)."""
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()
    at.checkbox(key="admin-remove-sure").check().run()
    return at.button(key="admin-remove").click().run()


def test_a_stored_report_can_be_removed(with_password, seed_path):
    at = seed_added_then_removed(seed_path)
    assert_clean(at)
    assert any(m.label == "报告" and m.value == "0" for m in at.metric)


def test_an_uploaded_file_name_cannot_reach_outside_the_upload_folder(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("../../../etc/luyi.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()

    assert_clean(at)
    (source,) = list(at.dataframe[-1].value["来源文件"])
    assert "/" not in source and ".." not in source
    assert source.endswith("luyi.txt")


def test_the_preview_says_when_the_body_and_year_are_already_stored(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()
    revised = seed_path.read_bytes() + "\n（修订版）\n".encode()
    at.get("file_uploader")[0].set_value([("luyi_2021_v2.txt", revised, "text/plain")])
    at.run()

    assert "已有同机关同年度" in at.dataframe[0].value.loc[0, "结果"]
    assert [b for b in at.button if b.key == "admin-add"]


def test_the_preview_says_when_the_very_file_is_already_stored_and_offers_no_add(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()
    at.run()

    assert_clean(at)
    assert "已在知识库中" in at.dataframe[0].value.loc[0, "结果"]
    assert not [b for b in at.button if b.key == "admin-add"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "无法读取"), ("empty.txt", b"", "文件是空的")],
)
def test_an_unreadable_file_is_named_with_its_full_reason_and_no_placeholder(with_password, name, data, reason):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([(name, data, "application/octet-stream")])
    at.run()

    assert_clean(at)
    row = at.dataframe[0].value.loc[0]
    assert "None" not in [str(v) for v in row] and not row.isna().any()
    assert any(e.value.startswith(f"{name}：无法读取") and reason in e.value for e in at.error)
    assert not [e.value for e in at.error if "Traceback" in e.value or "Error" in e.value]


def test_a_removal_is_confirmed_after_the_page_is_redrawn(with_password, seed_path):
    at = seed_added_then_removed(seed_path)
    assert_clean(at)
    assert any("已删除 鹿邑县人民政府 2021 年度报告" in s.value for s in at.success)


def test_after_a_removal_the_next_one_must_be_confirmed_again(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    other = seed_path.read_text(encoding="utf-8").replace("鹿邑县", "太康县").replace("鹿邑", "太康")
    files = [("luyi_2021.txt", seed_path.read_bytes(), "text/plain"), ("taikang.txt", other.encode(), "text/plain")]
    at.get("file_uploader")[0].set_value(files)
    at.run()
    at.button(key="admin-add").click().run()
    at.checkbox(key="admin-remove-sure").check().run()
    at.button(key="admin-remove").click().run()

    assert_clean(at)
    assert not at.checkbox(key="admin-remove-sure").value
    assert at.button(key="admin-remove").disabled


def test_the_stored_reports_can_be_searched_by_a_question(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()

    at.text_input(key="admin-search").input("保留各类政务新媒体多少个").run()

    assert_clean(at)
    found = [m.value for m in at.markdown if "鹿邑县人民政府 2021 年度 · 第一部分" in m.value]
    assert found and "政务新媒体" in found[0]


def test_a_search_with_no_answer_says_so(with_password):
    at = log_in(admin_page(), PASSWORD)
    at.text_input(key="admin-search").input("政务新媒体").run()

    assert_clean(at)
    assert any("没有找到" in i.value for i in at.info)


def _incomplete_upload() -> bytes:
    """A pasted report whose 三.五.1 row lost a number: 7 cells cannot be placed for sure."""
    text = (LAYOUTS / "typos_pasted.txt").read_text(encoding="utf-8")
    return text.replace("1.信访举报投诉类申请 4 0 0 0 0 4 8", "1.信访举报投诉类申请 4 0 0 0 4 8").encode()


def test_an_incomplete_read_says_what_is_missing_and_is_added_only_when_confirmed(with_password):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("pasted.txt", _incomplete_upload(), "text/plain")])
    at.run()
    assert_clean(at)
    result = at.dataframe[0].value.loc[0, "结果"]
    assert result.startswith("读取不完整") and "可以加入" not in result
    assert "7/200 个单元格未读出" in result and "1 行数字无法对应到表格" in result
    assert any("pasted.txt 读取不完整" in w.value for w in at.warning)
    add = at.button(key="admin-add")
    assert add.disabled and "（0 份）" in add.label

    at.checkbox(key="admin-incomplete").check().run()
    add = at.button(key="admin-add")
    assert not add.disabled and "（1 份）" in add.label
    add.click().run()
    assert_clean(at)
    assert any(m.label == "报告" and m.value == "1" for m in at.metric)


def test_a_complete_read_needs_no_confirmation(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    assert at.dataframe[0].value.loc[0, "结果"] == "可以加入"
    assert not [c for c in at.checkbox if c.key == "admin-incomplete"]
    assert not [w for w in at.warning if "读取不完整" in w.value]


def test_the_body_name_can_be_corrected_before_adding(with_password, seed_path):
    at = log_in(admin_page(), PASSWORD)
    at.get("file_uploader")[0].set_value([("luyi_2021.txt", seed_path.read_bytes(), "text/plain")])
    at.run()
    (name,) = [t for t in at.text_input if t.key and t.key.startswith("admin-agency-")]
    assert name.value == "鹿邑县人民政府"
    name.input("周口市鹿邑县人民政府").run()
    at.button(key="admin-add").click().run()
    assert_clean(at)
    assert list(at.dataframe[-1].value["机关"]) == ["周口市鹿邑县人民政府"]
