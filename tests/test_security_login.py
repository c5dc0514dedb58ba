"""Guessing the admin password: after 3 wrong passwords in a row a client waits before its next attempt, 2 s,
then 4, 8 … up to 5 minutes; other clients, the admin among them, are not held back.

The page is driven headless with AppTest (the real app script; a session there has no address, so each
session is its own client). The throttle's own behaviour over time is tested with a clock the test moves.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import admin_page as admin_page_module
from nianbao.access import (
    FREE_FAILURES,
    MAX_WAIT_SECONDS,
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


def test_two_wrong_passwords_then_the_right_one_logs_in(with_password):
    at = guess_wrong(admin_page(), FREE_FAILURES - 1)
    assert errors(at) == ["密码不正确。"]
    assert unlocked(log_in(at, PASSWORD))


def test_the_third_wrong_password_makes_the_session_wait_and_says_how_long(with_password):
    at = guess_wrong(admin_page(), FREE_FAILURES)
    assert errors(at) == ["密码不正确。已连续输错 3 次，为防止猜测密码，请 2 秒后再试。"]
    at = log_in(at, PASSWORD)  # at once: even the right password waits
    [message] = errors(at)
    assert message.startswith("管理员密码已连续输错 3 次，请 ") and message.endswith("后再试。")
    assert not unlocked(at)


def test_while_one_session_guesses_the_admin_in_another_logs_in(with_password):
    guess_wrong(admin_page(), FREE_FAILURES + 3)  # this one now waits 16 s
    assert unlocked(log_in(admin_page(), PASSWORD))


def test_the_services_throttle_a_client_not_everyone(with_password):
    settings = Settings()
    for _ in range(FREE_FAILURES - 1):
        assert admin_login(settings, "错误的密码", client="guesser") is False
    with pytest.raises(LoginLockedError):
        admin_login(settings, "错误的密码", client="guesser")
    with pytest.raises(LoginLockedError, match="后再试"):
        admin_login(settings, PASSWORD, client="guesser")
    assert admin_login(settings, PASSWORD, client="admin") is True


# ---- the throttle over time ------------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def waits_after_each_wrong_password(throttle: LoginThrottle, clock: Clock, guesses: int) -> list[float]:
    waits = []
    for _ in range(guesses):
        clock.now += throttle.wait_seconds("x")
        with contextlib.suppress(LoginLockedError):
            throttle.attempt(lambda: False, "x")
        waits.append(throttle.wait_seconds("x"))
    return waits


def test_the_wait_doubles_with_each_wrong_password_up_to_five_minutes():
    clock = Clock()
    waits = waits_after_each_wrong_password(LoginThrottle(clock=clock), clock, 12)
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert MAX_WAIT_SECONDS == 300 == waits[-1]


def test_the_wait_counts_down_and_then_the_right_password_logs_in_and_starts_afresh():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    waits_after_each_wrong_password(throttle, clock, 6)  # now 16 s to wait
    clock.now += 16 - 9.5
    with pytest.raises(LoginLockedError, match="请 10 秒后再试"):
        throttle.attempt(lambda: True, "x")
    clock.now += 9.5
    assert throttle.attempt(lambda: True, "x") is True
    assert waits_after_each_wrong_password(throttle, clock, 2) == [0, 0]


def test_while_waiting_the_password_is_not_even_compared():
    compared: list[int] = []
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    waits_after_each_wrong_password(throttle, clock, FREE_FAILURES)
    with pytest.raises(LoginLockedError):
        throttle.attempt(lambda: compared.append(1) or True, "x")
    assert compared == []


def test_sessions_of_one_client_guessing_at_once_get_no_more_than_three_comparisons():
    compared: list[int] = []
    outcomes: list[str] = []
    throttle = LoginThrottle()

    def slow_wrong() -> bool:
        compared.append(1)
        time.sleep(0.01)  # widens the window in which another session could slip in
        return False

    def guess() -> None:
        try:
            outcomes.append(str(throttle.attempt(slow_wrong, "one address")))
        except LoginLockedError:
            outcomes.append("locked")

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(compared) == FREE_FAILURES
    assert sorted(outcomes) == ["False"] * (FREE_FAILURES - 1) + ["locked"] * (20 - FREE_FAILURES + 1)


def test_the_clients_remembered_are_bounded():
    from nianbao.access import MAX_CLIENTS

    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for n in range(MAX_CLIENTS + 50):
        throttle.attempt(lambda: False, f"client-{n}")
    assert len(throttle._clients) == MAX_CLIENTS
    assert throttle.wait_seconds("client-0") == 0 and "client-0" not in throttle._clients


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(300, "5 分钟"), (252, "4 分 12 秒"), (60.5, "1 分 1 秒"), (37, "37 秒"), (0.2, "1 秒"), (0, "1 秒")],
)
def test_the_wait_is_said_in_chinese(seconds, said):
    assert wait_in_chinese(seconds) == said
