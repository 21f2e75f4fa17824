"""The layout keeps its shape (docs/architecture.md): short functions and modules, no private
name imported across modules, and imports that point down the layers only.

Read from the source with ``ast``, so a new long function, a new private import or an arrow
pointing the wrong way fails here, naming the file, before review has to find it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import importer

ROOT = Path(importer.__file__).parent
MAX_FUNCTION_LINES = 60  # from the def line to the last line of the body
MAX_MODULE_LINES = 420

# Exceptions by name, each to be argued here; none today.
LONG_MODULES_ALLOWED: set[str] = set()
LONG_FUNCTIONS_ALLOWED: set[tuple[str, str]] = set()
PRIVATE_IMPORTS_ALLOWED: set[tuple[str, str]] = set()

LIBRARY = ("read", "check", "plan", "sync", "write", "settings", "run", "errors")
FRONT_ENDS = ("importer.cli", "importer.ui")
# What each layer must not import: data flows read -> check -> plan -> sync -> write -> run,
# and the front ends (cli/, ui/) sit on top. A prefix forbids the module and all below it.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "errors": ("importer.",),
    "settings": (
        "importer.check", "importer.plan", "importer.sync", "importer.write", "importer.run",
        "importer.read",
    ),
    "read": ("importer.check", "importer.plan", "importer.sync", "importer.write", "importer.run"),
    "check": ("importer.plan", "importer.sync", "importer.write", "importer.run"),
    "plan": ("importer.sync", "importer.write", "importer.run", "importer.read"),
    "sync": ("importer.write", "importer.run"),
    "write": ("importer.sync", "importer.run"),
    "run": (),
    # The sandbox stands for Zuddl: it knows the API contract, not the importer's models.
    "sandbox": ("importer.",),
    "ui": ("importer.cli", "importer.sandbox"),  # the page serves itself and reads via the library
}  # fmt: skip
# The true exceptions to FORBIDDEN, each with why it is allowed.
ALLOWED: dict[str, tuple[str, ...]] = {
    # A grid, a headerless sheet or a heading row is understood by the words and times in its
    # cells: the read layer uses check's cell parsers and header vocabulary (no pandas there).
    "read": (
        "importer.check.cells", "importer.check.timetext", "importer.check.columns",
        "importer.check.phrases", "importer.check.eventdays",
    ),
    "plan": ("importer.read.table",),  # Table is plain data: the plan loads no file reader
    "settings": ("importer.read.links",),  # is a setting a link? (no network, no pandas)
    # The error type that ends a process cleanly; the serving code the page shares with it.
    "sandbox": ("importer.errors", "importer.serving"),
}  # fmt: skip
# Crossings still to fix, by module (none left).
ALLOWED_CROSSINGS: set[tuple[str, str]] = set()


Module = tuple[str, ast.Module, int]  # (path under importer/, its tree, its line count)


def _modules() -> list[Module]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found.append((path.relative_to(ROOT).as_posix(), ast.parse(text), len(text.splitlines())))
    return found


def _imports(tree: ast.Module) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every imported module (also inside functions and TYPE_CHECKING) and the names taken."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, "importer/ uses absolute imports only"
            yield node.module, tuple(alias.name for alias in node.names)


def _layer(relative: str) -> str:
    return relative.split("/")[0].removesuffix(".py")


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(
        module == p or module.startswith(p if p.endswith(".") else p + ".") for p in prefixes
    )


def too_long(modules: list[Module]) -> list[str]:
    found = []
    for relative, tree, lines in modules:
        if lines > MAX_MODULE_LINES and relative not in LONG_MODULES_ALLOWED:
            found.append(f"{relative}: {lines} lines")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and (relative, node.name) not in LONG_FUNCTIONS_ALLOWED:
                found.append(f"{relative}: {node.name} is {length} lines")
    return found


def private_imports(modules: list[Module]) -> list[str]:
    found = []
    for relative, tree, _ in modules:
        for module, names in _imports(tree):
            for name in names:
                if not module.startswith("importer") or not name.startswith("_"):
                    continue
                if (
                    name.startswith("__")
                    or (relative, f"{module}.{name}") in PRIVATE_IMPORTS_ALLOWED
                ):
                    continue
                found.append(f"{relative}: from {module} import {name}")
    return found


def _crossings(modules: list[Module]) -> Iterator[tuple[str, str, str]]:
    """(file, its layer, an importer module it imports from another layer)."""
    for relative, tree, _ in modules:
        layer = _layer(relative)
        for module, _names in _imports(tree):
            if not module.startswith("importer.") or _under(module, (f"importer.{layer}",)):
                continue
            if (relative, module) not in ALLOWED_CROSSINGS:
                yield relative, layer, module


def wrong_layers(modules: list[Module]) -> list[str]:
    found = []
    for relative, layer, module in _crossings(modules):
        forbidden = FORBIDDEN.get(layer, ())
        if layer in LIBRARY:  # the library never reaches up to a front end or the sandbox
            forbidden = (*forbidden, *FRONT_ENDS, "importer.sandbox")
        if _under(module, forbidden) and not _under(module, ALLOWED.get(layer, ())):
            found.append(f"{relative} imports {module}")
    return found


def test_no_function_over_60_lines_and_no_module_over_420() -> None:
    assert too_long(_modules()) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    assert private_imports(_modules()) == []


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert wrong_layers(_modules()) == []


def test_the_rules_see_every_layer() -> None:
    """A rule on a folder that was renamed would pass without checking anything."""
    layers = {_layer(relative) for relative, _, _ in _modules()}
    assert set(FORBIDDEN) | {"cli", "ui"} <= layers


def test_the_rules_catch_what_they_are_for() -> None:
    def module(relative: str, source: str, lines: int = 10) -> Module:
        return relative, ast.parse(source), lines

    long_body = "def f():\n" + "    x = 1\n" * 60
    fake = [
        module("check/bad.py", "from importer.sync.client import ZuddlClient"),
        module("read/bad.py", "from importer.check.mapper import map_rows\nimport importer.ui"),
        module("read/fine.py", "from importer.check.cells import parse_time"),
        module("sandbox/bad.py", "from importer.read.table import Table"),
        module("sandbox/fine.py", "from importer.errors import UsageError"),
        module("plan/bad.py", "from importer.read.loader import load_table"),
        module("write/private.py", "from importer.write.results import _atomically"),
        module("sync/long.py", long_body, lines=421),
    ]
    assert wrong_layers(fake) == [
        "check/bad.py imports importer.sync.client",
        "read/bad.py imports importer.check.mapper",
        "read/bad.py imports importer.ui",
        "sandbox/bad.py imports importer.read.table",
        "plan/bad.py imports importer.read.loader",
    ]
    assert private_imports(fake) == [
        "write/private.py: from importer.write.results import _atomically"
    ]
    assert too_long(fake) == ["sync/long.py: 421 lines", "sync/long.py: f is 61 lines"]
