"""Uploaded reports are data: their text (and HTML) is never rendered as markup, on any page or in the export.

A hostile report carries <script>, <img onerror>, javascript: links, an external image, Streamlit's colour
directive and Markdown/HTML formatting in its narrative, as TXT and as HTML. Every page that shows report
text (审阅, 管理, 起草 with the knowledge base, chat) and the exported review HTML must show them inert.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.places import escape
from nianbao.kb.service import KnowledgeBase
from nianbao.readers import read_report_bytes
from nianbao.settings import get_settings
from nianbao.usecases.container import session_use_cases
from tests.security_pages import HOSTILE, MARKERS, Shown, markers_shown, page_problems, problems

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SEED = ROOT / "corpus" / "luyi_2021.txt"
GOV_HTML = Path(__file__).resolve().parent / "fixtures" / "luyi_2021_gov.html"
PASSWORD = "html-安全-测试"
INJECTED = "。".join(HOSTILE) + "。"


def hostile_text(year: int = 2021) -> bytes:
    """The seed report with the hostile snippets in parts 一, 五 and 六 (and as the year's report)."""
    text = SEED.read_text(encoding="utf-8").replace("2021", str(year))
    text = text.replace("现将有关情况报告如下：", "现将有关情况报告如下：" + INJECTED, 1)
    text = text.replace("主要表现在：", "主要表现在：" + INJECTED, 1)
    text = text.replace("六、其他需要报告的事项\n", "六、其他需要报告的事项\n\n" + INJECTED + "\n", 1)
    return text.encode("utf-8")


def hostile_html() -> bytes:
    """A government web page: live <script>/<img onerror> elements, and the snippets as escaped text."""
    from html import escape as html_escape

    page = GOV_HTML.read_text(encoding="utf-8")
    live = "<script>alert('xss-z')</script><img src=x onerror=\"alert('xss-z')\">"
    marker = '<p style="text-indent:2em;">（一）机构与制度建设取得新进展</p>'
    assert marker in page
    return page.replace(marker, f"<p>{html_escape(INJECTED)}</p>{live}{marker}", 1).encode("utf-8")


def assert_inert(at: AppTest, expected: set[str] | None = None, snippets: list[str] = HOSTILE) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert page_problems(at, snippets) == []
    assert markers_shown(at) >= (expected if expected is not None else set(MARKERS))  # the page did show them


def test_the_detector_flags_each_snippet_shown_raw_and_passes_it_escaped():
    for snippet in HOSTILE:
        assert problems(Shown("markdown", "body", f"前文{snippet}后文", False)), snippet
        assert problems(Shown("markdown", "body", f"前文{escape(snippet)}后文", False)) == [], snippet


@pytest.mark.parametrize("name, data", [("hostile.txt", hostile_text()), ("hostile.html", hostile_html())])
def test_the_uploaded_html_reader_keeps_the_snippets_as_text_and_drops_live_scripts(name, data):
    report = read_report_bytes(data, name)
    text = report.part_text("一")
    assert all(s in text for s in HOSTILE if not s.startswith("*"))
    assert "xss-z" not in "".join(report.part_text(n) for n in "一二三四五六")


# ---- 审阅 -------------------------------------------------------------------------------------------


def review_page(name: str, data: bytes, previous: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="page").set_value("审阅").run()
    at.radio(key="review-source").set_value("上传文件").run()
    at.get("file_uploader")[0].set_value([(name, data, "text/plain")])
    at.run()
    at.radio(key="review-prev").set_value("上传上年度报告").run()
    at.get("file_uploader")[1].set_value([("2020<img src=x onerror=alert(1)>.txt", previous, "text/plain")])
    at.run()
    return at.button(key="review-run").click().run()


@pytest.mark.parametrize("name, data", [("hostile.txt", hostile_text()), ("hostile.html", hostile_html())])
def test_the_review_page_shows_hostile_report_text_inert(data_dir, name, data):
    at = review_page(name, data, hostile_text(2020))
    assert_inert(at)
    assert at.metric[0].label == "错误"  # the review did run


def test_the_exported_review_html_shows_hostile_report_text_inert(data_dir):
    current = read_report_bytes(hostile_html(), "hostile.html")
    previous = read_report_bytes(hostile_text(2020), "previous.txt")
    reviewing = session_use_cases(False).reviewing
    page = reviewing.page_html(reviewing.review(current, previous))

    parsed = _Page()
    parsed.feed(page)
    assert parsed.tags and "script" not in parsed.tags and not {"img", "iframe", "object", "embed"} & parsed.tags
    assert [a for a in parsed.attributes if a[0].startswith("on")] == []
    assert [a for a in parsed.attributes if "javascript:" in a[1].replace(" ", "").lower()] == []
    assert [h for name, h in parsed.attributes if name == "href" and not h.startswith("#")] == []
    text = "".join(parsed.text)
    assert [s for s in HOSTILE if s not in text] == []  # each snippet shown, as written
    assert "xss-z" not in page


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(k, v or "") for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# ---- 管理 -------------------------------------------------------------------------------------------


def test_the_admin_page_shows_a_hostile_upload_and_its_name_inert(data_dir, monkeypatch):
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="page").set_value("管理").run()
    at.text_input(key="admin-password").input(PASSWORD)
    at.button[[b.label for b in at.button].index("进入管理")].click().run()
    in_name = ["[报告](javascript:alert('xss-m'))", "<script>alert('xss-n')</script>"]
    name = "".join(in_name) + ".txt"
    at.get("file_uploader")[0].set_value([(name, hostile_text(), "text/plain")])
    at.run()
    at.button(key="admin-add").click().run()

    assert any("已添加" in s.value for s in at.success)
    assert_inert(at, {"xss-m", "xss-n"}, HOSTILE + in_name)


# ---- 起草 -------------------------------------------------------------------------------------------


def test_the_draft_page_shows_hostile_knowledge_base_text_and_chat_inert(data_dir, tmp_path):
    upload = tmp_path / "hostile.txt"
    upload.write_bytes(hostile_text())
    KnowledgeBase(get_settings()).add(upload)
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.number_input[0].set_value(2022)
    at.button(key="new-start").click().run()
    at.button(key="draft-all").click().run()
    at.chat_input(key="chat").set_value("请参考：" + INJECTED).run()

    assert_inert(at)
    assert at.button(key="draft-all").label.startswith("重新起草")  # the parts were drafted


def test_a_hostile_body_name_typed_for_a_new_draft_is_shown_inert(data_dir):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="new-agency").set_value("<img src=x onerror=\"alert('xss-b')\">局")
    at.number_input[0].set_value(2022)
    at.button(key="new-start").click().run()

    assert_inert(at, {"xss-b"})
