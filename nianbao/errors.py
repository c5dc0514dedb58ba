"""A small error hierarchy: every error a user can meet carries a message in Chinese."""

from __future__ import annotations

from enum import StrEnum


class NianbaoError(Exception):
    """Base of the errors meant for users; ``str(error)`` is the Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReadFailure(StrEnum):
    """Why a file could not be read as a report."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_FOUND = "not_found"
    UNKNOWN_ENCODING = "unknown_encoding"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    SCANNED = "scanned"
    NOT_A_REPORT = "not_a_report"
    TIMEOUT = "timeout"


class ReportReadError(NianbaoError):
    """A file that cannot be read as an annual report (exit status 2 in the CLI)."""

    def __init__(self, reason: ReadFailure, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInputError(NianbaoError):
    """User input that contradicts a rule or cannot be understood."""
