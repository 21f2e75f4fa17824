"""Layering kept by imports: the plan and the API layer load no file readers (pandas is about
a second to import), checked in a fresh interpreter as click's test_imports does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("name", ["missing.csv", "missing.xlsx"])
def test_a_missing_file_is_reported_before_any_heavy_import(tmp_path: Path, name: str) -> None:
    # The command runs in a fresh interpreter; at exit (after its one-line error) the
    # interpreter says which file readers had been imported by then.
    code = (
        "import atexit, sys\n"
        "heavy = {'pandas', 'openpyxl', 'python_calamine', 'numpy'}\n"
        "atexit.register(lambda: print(sorted(heavy & set(sys.modules))))\n"
        "from importer.cli.main import main\n"
        f"main(['validate', {name!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.stderr == (
        f"Error: {name} was not found. Check the file name and the folder it is in, "
        "then try again.\n"
    )
    assert done.returncode == 2
    assert done.stdout == "[]\n"
