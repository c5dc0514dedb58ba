"""Logging for the app and the CLI: one set-up, and no secret in any record.

httpx (under the openai SDK) logs each request's full URL at INFO, and OPENAI_BASE_URL may carry a
credential (``https://user:key@host/v1``, ``?api_key=…``). Every record is therefore redacted where it is
made (a log-record factory, so every handler sees the redacted text, Streamlit's and pytest's included):
the user name and password of any URL, the value of a query parameter whose name looks secret, bearer
tokens and ``sk-`` keys, and the configured secrets themselves (OPENAI_API_KEY, NIANBAO_ADMIN_PASSWORD, the
user name, password and query values of OPENAI_BASE_URL) wherever they appear. Which secrets: the shell that
sets logging up says, with a function giving them (``secrets_of`` its settings), asked at each record, so a
secret configured later is hidden too; this module never reads the settings itself.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from nianbao.settings import Settings

SecretSource = Callable[[], Iterable[str]]

HIDDEN = "***"
MIN_SECRET_LENGTH = 4  # shorter configured values would blank out ordinary text
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")
_SECRET_QUERY = re.compile(
    r"(?i)([?&;][\w.-]*(?:key|token|secret|password|passwd|pwd|signature|sig|auth|credential)[\w.-]*=)[^&#\s\"'<>]+"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[\w.~+/=-]+")
_OPENAI_KEY = re.compile(r"\bsk-[\w-]{8,}")
_reentry = threading.local()
_secret_source: SecretSource = tuple  # the last one installed (none: the patterns alone)


def configure_logging(level: int, fmt: str, secrets: SecretSource = tuple) -> None:
    """``logging.basicConfig`` with every record redacted of the patterns and of what ``secrets()`` gives."""
    logging.basicConfig(level=level, format=fmt)
    install_redaction(secrets)


def install_redaction(secrets: SecretSource = tuple) -> None:
    """Redact every log record made in this process from now on (installed once): the patterns, and the values
    ``secrets()`` gives at each record (this call's source replaces an earlier one)."""
    global _secret_source
    _secret_source = secrets
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacting", False):
        logging.setLogRecordFactory(_redacting(factory))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL credentials, secret-looking query values, tokens and the given secrets replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    text = _USERINFO.sub(rf"\g<1>{HIDDEN}@", text)
    text = _SECRET_QUERY.sub(rf"\g<1>{HIDDEN}", text)
    text = _BEARER.sub(rf"\g<1>{HIDDEN}", text)
    return _OPENAI_KEY.sub(f"sk-{HIDDEN}", text)


def secrets_of(settings: Settings) -> list[str]:
    """The secret values of the settings: API key, admin password, credentials inside OPENAI_BASE_URL."""
    found = [s.get_secret_value() for s in (settings.openai_api_key, settings.admin_password) if s is not None]
    found += _url_secrets(settings.openai_base_url or "")
    return [s for s in dict.fromkeys(found) if len(s) >= MIN_SECRET_LENGTH]


def _url_secrets(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
        found = [parts.username or "", parts.password or ""]
    except ValueError:
        return []
    return found + [value for _name, value in parse_qsl(parts.query)]


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if getattr(_reentry, "active", False):  # a record logged while the source reads the settings
            return record
        _reentry.active = True
        try:
            _redact_record(record, _secrets())
        finally:
            _reentry.active = False
        return record

    make.redacting = True  # type: ignore[attr-defined]
    return make


def _secrets() -> list[str]:
    try:
        return [s for s in dict.fromkeys(_secret_source()) if len(s) >= MIN_SECRET_LENGTH]
    except Exception:  # settings that do not validate: the patterns still apply
        return []


def _redact_record(record: logging.LogRecord, secrets: list[str]) -> None:
    """Format the message now and keep only its redacted text; the same for a traceback."""
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the message: the handler reports it, as usual
        return
    record.msg, record.args = redact(message, secrets), ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"), secrets)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, secrets)
