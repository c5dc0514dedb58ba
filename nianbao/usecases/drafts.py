"""Saved drafts as the shells use them: a draft's record and its chat, and opening one's drafts by personal code."""

from __future__ import annotations

from nianbao.access import LoginLockedError, LoginThrottle, wait_in_chinese
from nianbao.drafts import ChatMessage, DraftStore, StoredDraft, is_user_key, new_user_key

__all__ = [
    "CODE_ATTEMPTS",
    "ChatMessage",
    "DraftStore",
    "LoginLockedError",
    "StoredDraft",
    "is_user_key",
    "new_user_key",
    "user_for_code",
]

CODE_ATTEMPTS = LoginThrottle()  # one for the process: wrong personal codes in a row per client make it wait


def user_for_code(store: DraftStore, typed: str, client: str) -> str | None:
    """The user key a personal code opens (None: no such code); typing codes is throttled per ``client``, as the
    admin login is: LoginLockedError, in Chinese, while that client must wait."""
    found: list[str] = []

    def matches() -> bool:
        found.extend(user for user in [store.user_for_code(typed)] if user)
        return bool(found)

    try:
        CODE_ATTEMPTS.attempt(matches, client)
    except LoginLockedError as e:
        wait = wait_in_chinese(CODE_ATTEMPTS.wait_seconds(client))
        raise LoginLockedError(f"取回码已连续输错多次，为防止猜测，请 {wait}后再试。") from e
    return found[0] if found else None
