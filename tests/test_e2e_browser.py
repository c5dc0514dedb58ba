"""End to end in real headless Chromium: start the app, chat in figures, see the table, download the DOCX."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
FIGURES = (
    "今年共收到申请258件，其中自然人240件、商业企业10件、其他8件；予以公开190件。行政复议2件，维持1件，尚未审结1件"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; CI does)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the app did not start")


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "NIANBAO_DATA_DIR": str(tmp_path / "data"),
        "NIANBAO_LLM": "offline",
        "PYTHONUNBUFFERED": "1",
        "NIANBAO_ADMIN_PASSWORD": "",
        "CHROMA_HOST": "",
    }
    env.pop("CHROMA_PORT", None)
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    log = (tmp_path / "app.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1100",
        "--lang=zh-CN",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, find, timeout: float = 90):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(lambda d: find(d))


def by_text(driver, tag: str, text: str):
    from selenium.webdriver.common.by import By

    found = [e for e in driver.find_elements(By.TAG_NAME, tag) if text in e.text and e.is_displayed()]
    return found[0] if found else None


def test_chat_figures_fill_the_table_the_docx_downloads_and_a_reload_keeps_the_draft(app_url, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(app_url)
    agency = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[aria-label='机关名称']"))[0]
    agency.send_keys("鹿邑县人民政府")
    agency.send_keys(Keys.TAB)
    time.sleep(0.5)
    wait_for(driver, lambda d: by_text(d, "button", "开始起草")).click()

    chat = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))[0]
    chat.send_keys(FIGURES)
    chat.send_keys(Keys.ENTER)

    wait_for(driver, lambda d: "拟修改" in d.find_element(By.TAG_NAME, "body").text, timeout=90)
    assert "?u=" in driver.current_url
    assert "自然人：空 → 240" in driver.find_element(By.TAG_NAME, "body").text
    proposed = wait_for(driver, lambda d: _grid_with(d, "本年新收"), timeout=90)
    assert "240" not in proposed.split("本年新收", 1)[1].split("本年新收", 1)[0]
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "e2e_draft_proposal.png"))

    wait_for(driver, lambda d: _button(d, "应用")).click()
    grid_text = wait_for(driver, lambda d: _grid_with(d, "240"), timeout=90)
    assert "240" in grid_text.split("本年新收", 1)[1]
    wait_for(driver, lambda d: "已应用" in d.find_element(By.TAG_NAME, "body").text, timeout=90)
    driver.save_screenshot(str(ARTIFACTS / "e2e_draft_tables.png"))

    wait_for(driver, lambda d: d.find_elements(By.XPATH, "//*[@role='tab'][normalize-space()='下载']"))[0].click()
    driver.save_screenshot(str(ARTIFACTS / "e2e_draft_downloads.png"))
    wait_for(driver, lambda d: by_text(d, "button", "下载 Word（DOCX）")).click()
    docx = wait_for(driver, lambda d: _downloaded(d.downloads, ".docx"), timeout=90)

    from nianbao.readers import read_report
    from nianbao.schema import TableId

    report = read_report(docx)
    assert report.value(TableId.REQUESTS, "一", "总计") == 258
    assert report.value(TableId.APPEALS, "行政复议", "总计") == 2

    driver.refresh()
    after_reload = wait_for(driver, lambda d: _grid_with(d, "本年新收"), timeout=90)
    assert "240" in after_reload.split("本年新收", 1)[1]
    assert FIGURES in driver.find_element(By.TAG_NAME, "body").text


def _button(driver, label: str):
    """The visible button whose text is exactly ``label``."""
    from selenium.webdriver.common.by import By

    found = [e for e in driver.find_elements(By.TAG_NAME, "button") if e.text.strip() == label and e.is_displayed()]
    return found[0] if found else None


def _grid_with(driver, text: str) -> str | None:
    """The text of the data grids (Glide's accessible table inside the canvas) once it shows ``text``."""
    from selenium.webdriver.common.by import By

    grids = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stDataFrame'] table[role='grid']")
    content = " ".join(g.get_attribute("textContent") or "" for g in grids)
    return content if text in content else None


def _downloaded(folder: Path, suffix: str) -> Path | None:
    done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
    return done[0] if done and not list(folder.glob("*.crdownload")) else None


def test_a_finding_links_to_its_grid_and_the_review_shows_its_place(app_url, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from nianbao.drafts import DraftStore, new_user_key
    from nianbao.readers import read_report
    from nianbao.schema import TableId

    report = read_report(ROOT / "corpus" / "luyi_2021.txt")
    report.set_value(TableId.REQUESTS, "一", "总计", 999)
    user = new_user_key()
    DraftStore.in_data_dir(tmp_path / "data").create(user, report, name="有错的草稿")
    driver = browser
    driver.get(f"{app_url}/?u={user}")

    link = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "a[href='#grid-1-0']"))[0]
    # The anchor the link points to is on the page too (it may be drawn a moment after the list of findings).
    assert wait_for(driver, lambda d: d.find_elements(By.ID, "grid-1-0"))
    driver.execute_script("arguments[0].scrollIntoView();", link)
    link.click()
    wait_for(driver, lambda d: d.execute_script("return window.location.hash") == "#grid-1-0", timeout=10)
    top = driver.execute_script("return document.getElementById('grid-1-0').getBoundingClientRect().top")
    assert 0 <= top < 300
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "e2e_finding_link.png"))

    wait_for(driver, lambda d: by_text(d, "label", "审阅")).click()
    wait_for(driver, lambda d: by_text(d, "label", "不比较上年度")).click()
    time.sleep(0.5)
    wait_for(driver, lambda d: _button(d, "开始审阅")).click()
    place = wait_for(driver, lambda d: by_text(d, "summary", "查看位置：依申请公开"))
    place.click()
    wait_for(driver, lambda d: "已标红" in d.find_element(By.TAG_NAME, "body").text, timeout=30)
    driver.save_screenshot(str(ARTIFACTS / "e2e_review_place.png"))


def test_the_requests_grid_shows_its_total_column_without_scrolling(app_url, browser, tmp_path):
    """依申请公开 has eight columns: at 1600 px the 总计 of a failing row is in view, in the grid and its copy."""
    from selenium.webdriver.common.by import By

    from nianbao.drafts import DraftStore, new_user_key
    from nianbao.readers import read_report
    from nianbao.schema import TableId

    report = read_report(ROOT / "corpus" / "luyi_2021.txt")
    report.set_value(TableId.REQUESTS, "三.一", "总计", 999)
    user = new_user_key()
    DraftStore.in_data_dir(tmp_path / "data").create(user, report, name="总计有错")
    browser.get(f"{app_url}/?u={user}")
    wait_for(browser, lambda d: _grid_with(d, "999"), timeout=90)
    time.sleep(1)

    overflow = browser.execute_script(
        """return [...document.querySelectorAll("[data-testid='stDataFrame']")].map(g => {
             const s = g.querySelector('.dvn-scroller'), t = g.querySelector("table[role='grid']");
             return s && t ? [t.textContent, s.scrollWidth - s.clientWidth] : null; }).filter(x => x);"""
    )
    requests = [(text, extra) for text, extra in overflow if "法律服务机构" in text]
    editable = [extra for text, extra in requests if "核对" in text]
    copy = [extra for text, extra in requests if "核对" not in text]
    assert editable and copy
    assert editable[0] <= 200  # only the 核对 column (200 px) may lie beyond the right edge
    assert copy[0] <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("arguments[0].scrollIntoView();", browser.find_element(By.ID, "grid-1-0"))
    browser.save_screenshot(str(ARTIFACTS / "e2e_requests_grid.png"))
