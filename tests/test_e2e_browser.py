"""End to end in real headless Chromium on an office laptop's screen (1366×768: 1366×625 of page): start the app,
chat in figures, see the table, download the DOCX; every column of 依申请公开 and the chat input in view; a
finding's link brings its cell into view; a grid edit's totals follow and are undone; no English on the page."""

from __future__ import annotations

import os
import re
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

ADMIN_PASSWORD = "e2e-管理员-密码"
WIDTH, HEIGHT = 1366, 768  # the window; the page inside it is 1366×625, as below a browser's bars on such a laptop

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
        "NIANBAO_ADMIN_PASSWORD": ADMIN_PASSWORD,
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
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
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
    assert in_view(driver, _button(driver, "应用")) and in_view(driver, _button(driver, "放弃"))
    assert in_view(driver, driver.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput']"))  # below them

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

    link = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "a[href='#grid-1-0-r0-c6']"))[0]
    # The cell the link points to is on the page too (it may be drawn a moment after the list of findings).
    cell = wait_for(driver, lambda d: d.find_elements(By.ID, "grid-1-0-r0-c6"))[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    wait_for(driver, lambda d: d.execute_script("return location.hash") == "#grid-1-0-r0-c6", timeout=10)
    time.sleep(0.5)
    assert in_view(driver, cell)
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


def seeded(tmp_path: Path, name: str, **cells: int) -> str:
    """A user key whose draft is luyi's 2021 report with these 依申请公开 总计 cells (``三_七=999``) changed."""
    from nianbao.drafts import DraftStore, new_user_key
    from nianbao.readers import read_report
    from nianbao.schema import TableId

    report = read_report(ROOT / "corpus" / "luyi_2021.txt")
    for row, value in cells.items():
        report.set_value(TableId.REQUESTS, row.replace("_", "."), "总计", value)
    user = new_user_key()
    DraftStore.in_data_dir(tmp_path / "data").create(user, report, name=name)
    return user


def rect(driver, element) -> dict:
    return driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.toJSON();", element)


def in_view(driver, element) -> bool:
    box, width, height = rect(driver, element), *driver.execute_script("return [innerWidth, innerHeight]")
    return box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width and box["bottom"] <= height


def grid_rows(driver) -> dict[str, list[str]]:
    """依申请公开's rows as the grid shows them (Glide's accessible table), by row label: [label, cells…]."""
    rows = driver.execute_script(
        """return [...document.querySelectorAll("[data-testid='stDataFrame'] table[role='grid'] tr")]
             .map(r => [...r.querySelectorAll('th,td')].map(c => c.textContent.trim()));"""
    )
    return {r[0]: r for r in rows if r}


def requests_grid(driver):
    """The 依申请公开 grid's element (its overlay, the anchor #grid-1-0, sits on its top edge)."""
    from selenium.webdriver.common.by import By

    anchor = wait_for(driver, lambda d: d.find_elements(By.ID, "grid-1-0"))[0]
    grids = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stDataFrame']")
    top = rect(driver, anchor)["top"]
    return min(grids, key=lambda g: abs(rect(driver, g)["top"] - top))


def test_at_1366_the_requests_grid_shows_every_column_and_the_chat_input_is_in_view(app_url, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from app_pages.grids import CHECK_COLUMN, SHORT_COLUMNS
    from nianbao.schema import REQUEST_COLUMNS

    user = seeded(tmp_path, "总计有错", 三_一=999)
    browser.get(f"{app_url}/?u={user}")
    wait_for(browser, lambda d: "三.一 予以公开" in grid_rows(d), timeout=90)
    time.sleep(1)
    assert browser.execute_script("return [innerWidth, innerHeight]") == [1366, 625]

    chat_input = browser.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput']")
    assert in_view(browser, chat_input)  # with the page unscrolled

    grid = requests_grid(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    time.sleep(0.5)
    box = rect(browser, grid)
    assert box["left"] >= 0 and box["right"] <= 1366  # the whole grid inside the window's width
    scroller = grid.find_element(By.CSS_SELECTOR, ".dvn-scroller")
    assert browser.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", scroller) <= 0
    header = grid.find_element(By.CSS_SELECTOR, "table[role='grid'] tr").get_attribute("textContent") or ""
    for column in [*REQUEST_COLUMNS, CHECK_COLUMN]:  # the 6 applicant columns, 总计, and the 核对 marker
        assert SHORT_COLUMNS.get(column, column) in header
    assert grid_rows(browser)["三.一 予以公开"][-1] == "错"  # the marker of the failing row, in view
    assert in_view(browser, browser.find_element(By.ID, "grid-1-0-r2-c6"))  # the failing 总计, framed
    labels = browser.find_elements(By.CSS_SELECTOR, "#grid-1-0 .row-label")
    assert labels[3].get_attribute("title").startswith("三.二 （二）部分公开（区分处理的")  # the full label on hover
    assert in_view(browser, chat_input)  # pinned beside the tables, however far they are scrolled
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_requests_grid.png"))


def test_a_findings_link_brings_its_cell_into_view_and_marks_it(app_url, browser, tmp_path):
    from selenium.webdriver.common.by import By

    user = seeded(tmp_path, "三.七有错", 三_七=999)
    browser.get(f"{app_url}/?u={user}")
    target = "grid-1-0-r23-c6"  # 三.七 总计, the 24th row: below the fold when the page opens
    link = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"a[href='#{target}']"))[0]
    cell = wait_for(browser, lambda d: d.find_elements(By.ID, target))[0]
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('section.stMain')?.scrollTo(0, 0);")
    time.sleep(0.5)
    assert not in_view(browser, cell)
    browser.execute_script("arguments[0].click();", link)  # as a click on it: the browser follows the #link
    wait_for(browser, lambda d: d.execute_script("return location.hash") == f"#{target}", timeout=10)
    time.sleep(0.5)
    assert in_view(browser, cell)
    assert browser.execute_script("return document.querySelector(':target').id") == target
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", cell) == "solid"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_finding_link.png"))


def type_into_cell(driver, row: int, text: str) -> None:
    """Click the 依申请公开 grid's cell (its first column) at this row, type and press Enter, as a clerk does."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.keys import Keys

    from app_pages.grids import INDEX_WIDTH, ROW_HEIGHT

    grid = requests_grid(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    time.sleep(0.5)
    box = rect(driver, grid)
    x, y = box["left"] + INDEX_WIDTH + 20, box["top"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()
    time.sleep(0.5)
    ActionChains(driver).send_keys(text).pause(0.5).send_keys(Keys.ENTER).perform()


def test_a_grid_edit_updates_its_totals_and_three_seven_and_can_be_undone(app_url, browser, tmp_path):
    from selenium.common.exceptions import TimeoutException

    user = seeded(tmp_path, "改一个单元格")
    browser.get(f"{app_url}/?u={user}")
    wait_for(browser, lambda d: "三.二 部分公开" in grid_rows(d), timeout=90)
    before = grid_rows(browser)
    assert (before["三.二 部分公开"][1], before["三.二 部分公开"][7], before["三.七 总计"][7]) == ("8", "8", "223")

    after = None
    for _ in range(3):  # a click that lands while the grid is still being drawn selects nothing: click again
        type_into_cell(browser, row=3, text="9")  # 三.二 / 自然人
        try:
            after = wait_for(browser, lambda d: (r := grid_rows(d)).get("三.七 总计", [""] * 8)[7] == "224" and r, 20)
            break
        except TimeoutException:
            continue
    assert after is not None
    assert (after["三.二 部分公开"][1], after["三.二 部分公开"][7]) == ("9", "9")  # typed, and its 总计 followed
    assert after["三.七 总计"][1] == "211"  # 三.七 followed, in 自然人 and in 总计
    body = browser.find_element("tag name", "body").text
    assert "随之计算" in body and "三.七" in body
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_grid_edit.png"))

    wait_for(browser, lambda d: _button(d, "撤销上一次对表格的修改")).click()
    undone = wait_for(browser, lambda d: (r := grid_rows(d)).get("三.七 总计", [""] * 8)[7] == "223" and r, timeout=60)
    assert (undone["三.二 部分公开"][1], undone["三.二 部分公开"][7], undone["三.七 总计"][1]) == ("8", "8", "210")
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_grid_undone.png"))


STREAMLIT_ENGLISH = re.compile(
    r"\b(Upload|Browse|Drag|drop|per file|Limit|Press Enter|Running|Stop|Deploy|Rerun|Settings|Choose|"
    r"No options|Clear|Search|Download|Fullscreen)\b",
    re.IGNORECASE,
)


def test_no_english_word_of_streamlits_own_widgets_is_visible(app_url, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    user = seeded(tmp_path, "英文检查")
    browser.get(f"{app_url}/?u={user}")
    wait_for(browser, lambda d: "三.二 部分公开" in grid_rows(d), timeout=90)
    assert not STREAMLIT_ENGLISH.findall(browser.find_element(By.TAG_NAME, "body").text)

    wait_for(browser, lambda d: by_text(d, "label", "审阅")).click()
    wait_for(browser, lambda d: by_text(d, "label", "上传文件")).click()
    zone = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzone']"))[0]
    time.sleep(0.5)
    shown = _shown_text(browser, zone)
    assert "选择文件" in shown and "每个文件不超过 20MB" in shown
    assert not STREAMLIT_ENGLISH.findall(browser.find_element(By.TAG_NAME, "body").text + shown)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_review_uploader.png"))

    wait_for(browser, lambda d: by_text(d, "label", "管理")).click()
    password = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[type='password']"))[0]
    password.send_keys(ADMIN_PASSWORD)
    password.send_keys(Keys.ENTER)
    zone = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzone']"))[0]
    time.sleep(0.5)
    assert not STREAMLIT_ENGLISH.findall(browser.find_element(By.TAG_NAME, "body").text + _shown_text(browser, zone))
    browser.save_screenshot(str(ARTIFACTS / "e2e_1366_admin_uploader.png"))


def _shown_text(driver, element) -> str:
    """What an element shows, with the text CSS writes in (::before/::after) and without what it hides."""
    return driver.execute_script(
        """const out = [];
           const walk = e => {
             const style = getComputedStyle(e);
             if (style.display === 'none' || style.visibility === 'hidden' || style.fontSize === '0px') return;
             for (const which of ['::before', '::after']) {
               const c = getComputedStyle(e, which).content;
               if (c && c !== 'none' && c !== 'normal') out.push(c.replace(/^"|"$/g, ''));
             }
             for (const n of e.childNodes) {
               if (n.nodeType === 3) out.push(n.textContent); else if (n.nodeType === 1) walk(n);
             }
           };
           walk(arguments[0]); return out.join(' ');""",
        element,
    )


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_the_requests_grid_and_the_chat_input_fit_other_common_screens(app_url, browser, tmp_path, width, height):
    from selenium.webdriver.common.by import By

    user = seeded(tmp_path, "其他屏幕")
    browser.set_window_size(width, height)
    browser.get(f"{app_url}/?u={user}")
    wait_for(browser, lambda d: "三.一 予以公开" in grid_rows(d), timeout=90)
    time.sleep(1)
    inner_width = browser.execute_script("return innerWidth")
    assert in_view(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput']"))
    grid = requests_grid(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    time.sleep(0.5)
    assert rect(browser, grid)["right"] <= inner_width
    scroller = grid.find_element(By.CSS_SELECTOR, ".dvn-scroller")
    assert browser.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", scroller) <= 0
    assert in_view(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput']"))
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"e2e_{width}_requests_grid.png"))
