"""Layering kept by imports: the plan and the API layer load no file readers (pandas is about
a second to import), checked in a fresh interpreter as click's test_imports does."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["importer.plan.build", "importer.sync.dispatch", "importer.sync.client"]
)
def test_the_plan_and_sync_layers_do_not_load_pandas_or_openpyxl(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('pandas', 'openpyxl', 'python_calamine') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
