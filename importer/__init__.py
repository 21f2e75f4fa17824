"""Bulk import of agenda spreadsheets into Zuddl event sessions.

The library's public API is what ``__all__`` lists: ``run_import(ImportRequest(...))`` runs a
whole import and returns an ``ImportReport``; the command line and the page only call it.
Names are loaded on first use, so ``import importer`` (and ``zuddl-import --help``) stays quick.
"""

from __future__ import annotations

import importlib
import logging as _logging
from typing import Any

__version__ = "0.1.0"

# A library logs; the application decides where it goes (the CLI's --log-file).
_logging.getLogger("zuddl_import").addHandler(_logging.NullHandler())

_WHERE = {
    "ImportReport": "importer.run",
    "ImportRequest": "importer.run",
    "run_import": "importer.run",
    "Settings": "importer.settings.config",
    "MappingOptions": "importer.settings.config",
    "Secret": "importer.settings.config",
    "load_settings": "importer.settings.config",
    "Outcome": "importer.plan.status",
    "Status": "importer.plan.status",
    "ExitCode": "importer.errors",
    "ImporterError": "importer.errors",
    "UsageError": "importer.errors",
    "InputFileError": "importer.errors",
    "ApiError": "importer.errors",
    "LockedError": "importer.errors",
    "SafetyStop": "importer.errors",
    "SandboxError": "importer.errors",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'importer' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
