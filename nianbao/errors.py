"""A small error hierarchy: every error a user can meet carries a message in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
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
    MEMORY = "memory"
    CRASHED = "crashed"


class ReportReadError(NianbaoError):
    """A file that cannot be read as an annual report (exit status 2 in the CLI)."""

    def __init__(self, reason: ReadFailure, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInputError(NianbaoError):
    """User input that contradicts a rule or cannot be understood."""


@dataclass(frozen=True)
class ErrorRecord:
    """A user-facing error as plain data, to carry it back from a worker process.

    ReportReadError takes two arguments but keeps one in ``args``, so it does not survive pickling.
    """

    error_type: type[NianbaoError]
    message: str
    reason: ReadFailure | None = None

    @classmethod
    def of(cls, error: NianbaoError) -> ErrorRecord:
        return cls(type(error), error.message, getattr(error, "reason", None))

    def error(self) -> NianbaoError:
        """The error again, of the same type, with the same message (and reason)."""
        if issubclass(self.error_type, ReportReadError):
            return self.error_type(self.reason or ReadFailure.NOT_A_REPORT, self.message)
        return self.error_type(self.message)
