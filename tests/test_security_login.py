"""Guessing the admin password: after 5 wrong passwords in a row the 管理 page refuses every attempt for 5 minutes.

The page is driven headless with AppTest (the real app script); the count is per app process, so a second
session is locked too. The throttle's own behaviour over time is tested with a clock the test moves.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import admin_page as admin_page_module
from nianbao.access import (
    LOGIN_LOCKOUT_SECONDS,
    MAX_FAILED_LOGINS,
    LoginLockedError,
    LoginThrottle,
    admin_login,
    wait_in_chinese,
)
from nianbao.settings import Settings, get_settings
from tests.test_app_admin import admin_page

PASSWORD = "正确的密码-lock-7c1"


@pytest.fixture
def with_password(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIANBAO_ADMIN_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    return data_dir


def log_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin-password").input(password)
    at = at.button[[b.label for b in at.button].index("进入管理")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def unlocked(at: AppTest) -> bool:
    return bool(at.get("file_uploader")) and admin_page_module.ADMIN_PASSWORD in at.session_state


def guess_wrong(at: AppTest, times: int) -> AppTest:
    for attempt in range(times):
        at = log_in(at, f"猜测的密码-{attempt}")
    return at


# ---- the 管理 page -------------------------------------------------------------------------------------


def test_four_wrong_passwords_then_the_right_one_logs_in(with_password):
    at = guess_wrong(admin_page(), MAX_FAILED_LOGINS - 1)
    assert errors(at) == ["密码不正确。"]
    assert unlocked(log_in(at, PASSWORD))


def test_the_fifth_wrong_password_locks_the_login_and_says_how_long_to_wait(with_password):
    at = guess_wrong(admin_page(), MAX_FAILED_LOGINS)
    assert errors(at) == ["密码不正确。已连续输错 5 次，为防止猜测密码，请 5 分钟后再试。"]
    assert not unlocked(at)


def test_while_locked_even_the_right_password_is_refused(with_password):
    at = log_in(guess_wrong(admin_page(), MAX_FAILED_LOGINS), PASSWORD)
    [message] = errors(at)
    assert message.startswith("管理员密码已连续输错 5 次，登录已暂停，请 ") and message.endswith("后再试。")
    assert not unlocked(at)
    assert [t for t in at.text_input if t.key == "admin-password"]  # still the login form


def test_a_new_session_is_locked_too(with_password):
    guess_wrong(admin_page(), MAX_FAILED_LOGINS)
    at = log_in(admin_page(), PASSWORD)  # another browser session of the same app process
    assert any("登录已暂停" in e for e in errors(at))
    assert not unlocked(at)


def test_a_right_password_in_between_starts_the_count_again(with_password):
    at = log_in(guess_wrong(admin_page(), MAX_FAILED_LOGINS - 1), PASSWORD)
    at.button(key="admin-logout").click().run()
    at = guess_wrong(at, MAX_FAILED_LOGINS - 1)
    assert errors(at) == ["密码不正确。"]
    assert unlocked(log_in(at, PASSWORD))


def test_the_services_refuse_the_right_password_while_locked(with_password):
    settings = Settings()
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert admin_login(settings, "错误的密码") is False
    with pytest.raises(LoginLockedError):
        admin_login(settings, "错误的密码")
    with pytest.raises(LoginLockedError, match="后再试"):
        admin_login(settings, PASSWORD)


# ---- the throttle over time ------------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def locked_throttle(clock: Clock) -> LoginThrottle:
    throttle = LoginThrottle(clock=clock)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert throttle.attempt(lambda: False) is False
    with pytest.raises(LoginLockedError, match="请 5 分钟后再试"):
        throttle.attempt(lambda: False)
    return throttle


def test_the_lock_lasts_five_minutes_and_counts_down():
    clock = Clock()
    throttle = locked_throttle(clock)
    clock.now += LOGIN_LOCKOUT_SECONDS - 48
    with pytest.raises(LoginLockedError, match="请 48 秒后再试"):
        throttle.attempt(lambda: True)
    clock.now += 47.5
    with pytest.raises(LoginLockedError, match="请 1 秒后再试"):
        throttle.attempt(lambda: True)


def test_after_the_wait_the_right_password_logs_in_and_five_more_guesses_are_allowed():
    clock = Clock()
    throttle = locked_throttle(clock)
    clock.now += LOGIN_LOCKOUT_SECONDS
    assert throttle.wait_seconds() == 0
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert throttle.attempt(lambda: False) is False
    assert throttle.attempt(lambda: True) is True


def test_while_locked_the_password_is_not_even_compared():
    compared: list[int] = []
    throttle = locked_throttle(Clock())
    with pytest.raises(LoginLockedError):
        throttle.attempt(lambda: compared.append(1) or True)
    assert compared == []


def test_sessions_guessing_at_once_get_no_more_than_five_comparisons():
    compared: list[int] = []
    outcomes: list[str] = []
    throttle = LoginThrottle()

    def slow_wrong() -> bool:
        compared.append(1)
        time.sleep(0.01)  # widens the window in which another session could slip in
        return False

    def guess() -> None:
        try:
            outcomes.append(str(throttle.attempt(slow_wrong)))
        except LoginLockedError:
            outcomes.append("locked")

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(compared) == MAX_FAILED_LOGINS
    assert sorted(outcomes) == ["False"] * (MAX_FAILED_LOGINS - 1) + ["locked"] * (20 - MAX_FAILED_LOGINS + 1)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(300, "5 分钟"), (252, "4 分 12 秒"), (60.5, "1 分 1 秒"), (37, "37 秒"), (0.2, "1 秒"), (0, "1 秒")],
)
def test_the_wait_is_said_in_chinese(seconds, said):
    assert wait_in_chinese(seconds) == said
