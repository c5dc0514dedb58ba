"""In real headless Chromium: a hostile report's text and chat show as plain text, no element comes out of them.

The AppTest checks (test_security_html.py) render each Markdown text the way a permissive renderer would;
this test looks at what Streamlit's own front end made of them in the browser's DOM.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nianbao.drafts import ChatMessage, DraftStore, new_user_key
from nianbao.readers import read_report_bytes
from tests.security_pages import HOSTILE
from tests.test_e2e_browser import CHROMEDRIVER, CHROMIUM, _button, app_url, browser, by_text, wait_for  # noqa: F401
from tests.test_security_html import INJECTED, hostile_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="needs chromium and chromium-driver"),
]

# Elements or attributes that only markup from the report could have made.
MADE_FROM_REPORT = """
return [
  ...document.querySelectorAll("img[src='x'], iframe[src*='evil'], img[src*='evil'], a[href^='javascript']"),
  ...[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))),
  ...[...document.querySelectorAll('script')].filter(s => s.textContent.includes('xss-')),
  ...[...document.querySelectorAll('b, em, code, strong')].filter(e => /xss-[a-z]/.test(e.textContent)),
].map(e => e.outerHTML.slice(0, 200));
"""


def test_hostile_report_text_and_chat_show_as_text_in_the_browser(app_url, browser, tmp_path: Path):  # noqa: F811
    from selenium.webdriver.common.by import By

    report = read_report_bytes(hostile_text(), "hostile.txt")
    user = new_user_key()
    chat = [ChatMessage(role="user", content="请参考：" + INJECTED), ChatMessage(role="assistant", content=INJECTED)]
    DraftStore.in_data_dir(tmp_path / "data").create(user, report, name="恶意报告", chat=chat)
    driver = browser
    driver.get(f"{app_url}/?u={user}")
    wait_for(driver, lambda d: "xss-j" in d.execute_script("return document.body.textContent"))
    time.sleep(1.0)  # let the narrative tab and the chat finish rendering
    drafting = _page_state(driver)

    wait_for(driver, lambda d: by_text(d, "label", "审阅")).click()
    wait_for(driver, lambda d: by_text(d, "label", "不比较上年度")).click()
    time.sleep(0.5)
    wait_for(driver, lambda d: _button(d, "开始审阅")).click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stMetric']"))
    time.sleep(1.0)
    review = _page_state(driver)

    assert drafting[0] == [] and review[0] == []
    assert [s for s in HOSTILE if s not in drafting[1]] == []  # each snippet shown, exactly as written


def _page_state(driver) -> tuple[list[str], str]:
    return driver.execute_script(MADE_FROM_REPORT), driver.execute_script("return document.body.textContent")
