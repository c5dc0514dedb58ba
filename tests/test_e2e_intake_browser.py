"""In real headless Chromium: a message with a relative clause is proposed with the clauses it was read from
highlighted in her words, applied to the table, and undone."""

from __future__ import annotations

import time

from tests.test_e2e_browser import ARTIFACTS, _button, _grid_with, app_url, browser, by_text, pytestmark, wait_for

__all__ = ["app_url", "browser", "pytestmark"]  # the fixtures and marks of the browser tests, used here

RELATIVE = "予以公开的18件中，自然人16件，企业2件；商业企业另有1件为本机关不掌握"


def highlighted(driver) -> list[str]:
    """The texts shown on a coloured background in the chat (the words a proposed cell came from)."""
    from selenium.webdriver.common.by import By

    spans = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage'] span[style*='background']")
    return [s.text for s in spans if s.is_displayed()]


def test_a_relative_clause_is_highlighted_applied_and_undone(app_url, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(app_url)
    agency = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[aria-label='机关名称']"))[0]
    agency.send_keys("某某县人民政府")
    agency.send_keys(Keys.TAB)
    time.sleep(0.5)
    wait_for(driver, lambda d: by_text(d, "button", "开始起草")).click()
    chat = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))[0]
    chat.send_keys(RELATIVE)
    chat.send_keys(Keys.ENTER)

    marked = wait_for(driver, lambda d: highlighted(d) if "商业企业另有1件为本机关不掌握" in highlighted(d) else None)
    assert {"予以公开的18件中", "自然人16件", "企业2件"} <= set(marked)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "商业企业：空 → 1 ←“商业企业另有1件为本机关不掌握”" in body
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "e2e_intake_highlighted.png"))

    wait_for(driver, lambda d: _button(d, "应用")).click()
    applied = wait_for(driver, lambda d: _grid_with(d, "16"), timeout=90)
    assert "16" in applied.split("予以公开", 1)[1].split("部分公开", 1)[0]

    wait_for(driver, lambda d: _button(d, "撤销上一次对表格的修改")).click()
    wait_for(driver, lambda d: "已撤销" in d.find_element(By.TAG_NAME, "body").text, timeout=90)
    assert wait_for(driver, lambda d: _without_16(_grid_with(d, "予以公开")), timeout=90)
    driver.save_screenshot(str(ARTIFACTS / "e2e_intake_undone.png"))


def _without_16(grid: str | None) -> bool:
    """The 予以公开 row of the grids no longer shows 16 (the table is as before the message)."""
    return grid is not None and "16" not in grid.split("予以公开", 1)[1].split("部分公开", 1)[0]
