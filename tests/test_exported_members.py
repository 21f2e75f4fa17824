"""The library's stated public API: every name in ``importer.__all__`` resolves, is the object
its home module defines, and ``import importer`` alone loads none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import importer


def test_every_exported_name_resolves_to_its_home_modules_object() -> None:
    assert importer.__all__ == sorted(importer.__all__)
    for name in importer.__all__:
        value = getattr(importer, name)
        home = sys.modules[value.__module__] if hasattr(value, "__module__") else None
        assert home is not None and getattr(home, name) is value, name


def test_importing_the_package_is_light() -> None:
    code = "import sys, importer; print([m for m in ('pandas', 'httpx') if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
