"""The one error hierarchy users ever see.

Every failure a user can cause or meet ends up as an ``ImporterError`` whose ``message`` is
written for event staff and whose ``exit_code`` is what the CLI returns. Third-party
exceptions are mapped to these at the module boundary (``raise ... from exc``).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ROWS_FAILED = 1
    USAGE = 2
    API_UNAVAILABLE = 3
    LOCKED = 4
    SAFETY_STOP = 5
    INTERNAL = 70  # EX_SOFTWARE: a bug, not the user's input
    INTERRUPTED = 130


class ImporterError(Exception):
    """Base of every error meant for a user: a readable message and an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ImporterError):
    """Bad flags, settings or configuration."""


class InputFileError(ImporterError):
    """The agenda file cannot be read as an agenda."""


class ApiError(ImporterError):
    """The API cannot be reached, or refused the key."""

    exit_code = ExitCode.API_UNAVAILABLE


class SandboxError(ImporterError):
    """The local sandbox could not be started or configured."""


class LockedError(ImporterError):
    """Another run holds the lock of this event."""

    exit_code = ExitCode.LOCKED


class SafetyStop(ImporterError):
    """The plan would change more than --max-changes allows."""

    exit_code = ExitCode.SAFETY_STOP
