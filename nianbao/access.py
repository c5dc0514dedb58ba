"""Who may change the knowledge base: the admin password (NIANBAO_ADMIN_PASSWORD), checked in constant time.

Every change (add, remove, reindex, load the corpus) takes the password its caller was given:

- a string (what a user typed in the app, or piped to the CLI) must match the configured password; when
  none is configured, no typed password opens anything (the admin page stays locked);
- ``None`` means the caller is the local owner of the configuration (the CLI, ``make run``, scripts):
  allowed only while no admin password is configured. Once one is set, every caller must give it.

Logging in to the 管理 page (``admin_login``) is throttled against guessing: after MAX_FAILED_LOGINS wrong
passwords in a row, no password is even compared for LOGIN_LOCKOUT_SECONDS, whoever types it (the count is
per app process, shared by all its sessions, so a new browser session does not start afresh).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable

from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.settings import Settings

Password = str | SecretStr | None


MAX_FAILED_LOGINS = 5
LOGIN_LOCKOUT_SECONDS = 300.0


class AdminPasswordError(NianbaoError):
    """A change to the knowledge base without the right admin password; nothing was changed."""


class LoginLockedError(NianbaoError):
    """Too many wrong admin passwords in a row: logging in is refused for a while."""


class LoginThrottle:
    """Counts wrong passwords in a row; after ``max_failures`` of them, refuses attempts for ``lockout`` seconds."""

    def __init__(
        self,
        max_failures: int = MAX_FAILED_LOGINS,
        lockout: float = LOGIN_LOCKOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.lockout = lockout
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget the failures and any lock."""
        self._failures = 0
        self._locked_until = -math.inf

    def wait_seconds(self) -> float:
        """How long attempts are still refused (0 when they are allowed)."""
        return max(0.0, self._locked_until - self.clock())

    def attempt(self, matches: Callable[[], bool]) -> bool:
        """Whether ``matches()`` is true; LoginLockedError, without calling it, while locked or on locking."""
        with self._lock:  # one attempt at a time: sessions in parallel cannot slip in extra guesses
            if self.wait_seconds() > 0:
                raise LoginLockedError(f"管理员密码已连续输错 {self.max_failures} 次，登录已暂停，{self._retry_in()}。")
            if matches():
                self._failures = 0
                return True
            self._failures += 1
            if self._failures < self.max_failures:
                return False
            self._failures, self._locked_until = 0, self.clock() + self.lockout
            raise LoginLockedError(
                f"密码不正确。已连续输错 {self.max_failures} 次，为防止猜测密码，{self._retry_in()}。"
            )

    def _retry_in(self) -> str:
        return f"请 {wait_in_chinese(self.wait_seconds())}后再试"


def wait_in_chinese(seconds: float) -> str:
    """A wait as people say it: 5 分钟, 4 分 12 秒, 37 秒 (rounded up to the second)."""
    whole = max(1, math.ceil(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes and rest:
        return f"{minutes} 分 {rest} 秒"
    return f"{minutes} 分钟" if minutes else f"{rest} 秒"


# The app's logins, shared by all sessions of this process.
ADMIN_LOGINS = LoginThrottle()


def admin_login(settings: Settings, given: str | SecretStr, throttle: LoginThrottle = ADMIN_LOGINS) -> bool:
    """Whether ``given`` is the admin password, throttled (LoginLockedError after too many wrong ones)."""
    return throttle.attempt(lambda: password_matches(settings, given))


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
