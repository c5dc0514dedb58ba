"""Who may change the knowledge base: the admin password (NIANBAO_ADMIN_PASSWORD), checked in constant time.

Every change (add, remove, reindex, load the corpus) takes the password its caller was given:

- a string (what a user typed in the app, or piped to the CLI) must match the configured password; when
  none is configured, no typed password opens anything (the admin page stays locked);
- ``None`` means the caller is the local owner of the configuration (the CLI, ``make run``, scripts):
  allowed only while no admin password is configured. Once one is set, every caller must give it.

Logging in to the 管理 page (``admin_login``) is throttled against guessing, per client (the browser's
address, else its session): after FREE_FAILURES wrong passwords in a row, that client waits before its
next attempt, 2 s, then 4, 8 … up to MAX_WAIT_SECONDS, and no password is even compared meanwhile. Other
clients are not held back: one who guesses cannot keep the admin out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.settings import Settings

Password = str | SecretStr | None


FREE_FAILURES = 3  # wrong passwords in a row before a client has to wait
FIRST_WAIT_SECONDS = 2.0  # then the wait doubles with each further wrong password
MAX_WAIT_SECONDS = 300.0
MAX_CLIENTS = 10_000  # clients remembered (the least recently seen are forgotten first)


class AdminPasswordError(NianbaoError):
    """A change to the knowledge base without the right admin password; nothing was changed."""


class LoginLockedError(NianbaoError):
    """Too many wrong admin passwords in a row from this client: its next attempt must wait."""


@dataclass
class _Client:
    failures: int = 0
    until: float = -math.inf  # no attempt before this time


class LoginThrottle:
    """Wrong passwords in a row per client; past ``free_failures`` each one makes that client wait longer."""

    def __init__(
        self,
        free_failures: int = FREE_FAILURES,
        first_wait: float = FIRST_WAIT_SECONDS,
        max_wait: float = MAX_WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures, self.first_wait, self.max_wait = free_failures, first_wait, max_wait
        self.clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}

    def reset(self) -> None:
        """Forget every client's failures and waits."""
        with self._lock:
            self._clients.clear()

    def wait_seconds(self, client: str = "") -> float:
        """How long this client's attempts are still refused (0 when they are allowed)."""
        known = self._clients.get(client)
        return max(0.0, known.until - self.clock()) if known else 0.0

    def attempt(self, matches: Callable[[], bool], client: str = "") -> bool:
        """Whether ``matches()`` is true; LoginLockedError, without calling it, while this client must wait,
        and when this wrong password makes it wait."""
        with self._lock:  # one attempt at a time: parallel sessions of a client cannot slip in extra guesses
            waiting = self.wait_seconds(client)
            if waiting > 0:
                failures = self._clients[client].failures
                raise LoginLockedError(f"管理员密码已连续输错 {failures} 次，请 {wait_in_chinese(waiting)}后再试。")
            if matches():
                self._clients.pop(client, None)
                return True
            known = self._remember(client)
            known.failures += 1
            if known.failures < self.free_failures:
                return False
            wait = min(self.max_wait, self.first_wait * 2 ** (known.failures - self.free_failures))
            known.until = self.clock() + wait
            raise LoginLockedError(
                f"密码不正确。已连续输错 {known.failures} 次，为防止猜测密码，请 {wait_in_chinese(wait)}后再试。"
            )

    def _remember(self, client: str) -> _Client:
        known = self._clients.pop(client, None) or _Client()
        self._clients[client] = known  # last in the dict: the most recently seen
        while len(self._clients) > MAX_CLIENTS:
            del self._clients[next(iter(self._clients))]
        return known


def wait_in_chinese(seconds: float) -> str:
    """A wait as people say it: 5 分钟, 4 分 12 秒, 37 秒 (rounded up to the second)."""
    whole = max(1, math.ceil(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes and rest:
        return f"{minutes} 分 {rest} 秒"
    return f"{minutes} 分钟" if minutes else f"{rest} 秒"


# The app's logins: one throttle per process, counting per client.
ADMIN_LOGINS = LoginThrottle()


def admin_login(
    settings: Settings, given: str | SecretStr, client: str = "", throttle: LoginThrottle = ADMIN_LOGINS
) -> bool:
    """Whether ``given`` is the admin password, throttled per ``client`` (LoginLockedError: it must wait)."""
    return throttle.attempt(lambda: password_matches(settings, given), client)


def admin_password_set(settings: Settings) -> bool:
    """True when NIANBAO_ADMIN_PASSWORD is configured (and not empty)."""
    return bool(settings.admin_password and settings.admin_password.get_secret_value())


def password_matches(settings: Settings, given: str | SecretStr) -> bool:
    """Compare with the configured password in constant time (digests, so the length is not timed either)."""
    if not admin_password_set(settings) or settings.admin_password is None:
        return False
    return hmac.compare_digest(_digest(given), _digest(settings.admin_password))


def require_admin(settings: Settings, given: Password) -> None:
    """Raise AdminPasswordError unless ``given`` may change the knowledge base (see the module docstring)."""
    if given is None:
        if admin_password_set(settings):
            raise AdminPasswordError("修改知识库需要管理员密码（NIANBAO_ADMIN_PASSWORD），知识库未作修改。")
        return
    if not admin_password_set(settings):
        raise AdminPasswordError("尚未设置管理员密码（NIANBAO_ADMIN_PASSWORD），不能通过密码修改知识库。")
    if not password_matches(settings, given):
        raise AdminPasswordError("管理员密码不正确，知识库未作修改。")


def _digest(value: str | SecretStr) -> bytes:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
