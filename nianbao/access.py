"""Who may change the knowledge base: the admin password (NIANBAO_ADMIN_PASSWORD), checked in constant time.

Every change (add, remove, reindex, load the corpus) takes the password its caller was given:

- a string (what a user typed in the app, or piped to the CLI) must match the configured password; when
  none is configured, no typed password opens anything (the admin page stays locked);
- ``None`` means the caller is the local owner of the configuration (the CLI, ``make run``, scripts):
  allowed only while no admin password is configured. Once one is set, every caller must give it.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from nianbao.errors import NianbaoError
from nianbao.settings import Settings

Password = str | SecretStr | None


class AdminPasswordError(NianbaoError):
    """A change to the knowledge base without the right admin password; nothing was changed."""


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
