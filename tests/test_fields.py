"""importer/fields.py is the one table of session fields: every per-field table agrees with it.

Each test reads a table that derives from fields.py through the code that uses it (the column
matcher, the template's workbook, the page, the plan's comparison, the update body), so a table
that drifts from the entries fails here.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from importer.check.columns import OWN_COLUMNS, field_of, match_columns, normalise_header
from importer.check.drafts import Draft
from importer.errors import InputFileError, UsageError
from importer.fields import (
    BY_NAME,
    COLUMN_TARGETS,
    FIELDS,
    IGNORE,
    RECONCILED,
    REQUIRED,
    TEMPLATE_COLUMNS,
    Field,
)
from importer.plan.build import held_fields
from importer.plan.reconcile import COMPARED, FIELD_NAMES, differences, reconcile
from importer.plan.remote import RemoteSession
from importer.read.table import SourceRow, Table, column_letter
from importer.settings.config import MappingOptions, load_settings
from importer.sync.wire import session_body, with_kept
from importer.ui.server import RunningUi, run_ui
from importer.ui.views import FIELD_CHOICES
from importer.write.template import write_template
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import write_csv

UUID = "8c1f0e6a-1111-4aaa-8bbb-{:012d}"
RECONCILED_FIELDS = [f for f in FIELDS if f.compared and f.compared.how in RECONCILED]


def table(headers: list[str], *rows: list[Any]) -> Table:
    return Table(
        path=Path("agenda.xlsx"),
        sheet="Agenda",
        sheet_names=("Agenda",),
        header_row=1,
        headers=tuple(headers),
        columns=tuple(column_letter(i) for i in range(len(headers))),
        rows=tuple(SourceRow(2 + n, tuple(r)) for n, r in enumerate(rows)),
        notes=(),
    )


def matched(headers: list[str]) -> dict[str, tuple[int, ...]]:
    """Field -> every column feeding it, as the column matcher reads these headers."""
    found = match_columns(table(headers), MappingOptions(), required=())
    return {name: found.all_of(name) for name in found.fields}


def test_fields_py_loads_nothing_but_the_standard_library() -> None:
    """Every layer imports it: it may import no layer and no third-party library."""
    code = (
        "import sys; before = set(sys.modules); import importer.fields; "
        "print(sorted(m for m in set(sys.modules) - before "
        "if m.split('.')[0] not in sys.stdlib_module_names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['importer', 'importer.fields']"


# The column matcher


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_every_alias_names_its_field_in_the_column_matcher(field: Field) -> None:
    for alias in field.aliases:
        # An alias is stored as the matcher compares headers; any other spelling never matches.
        assert normalise_header(alias) == alias
        assert field_of(alias) == field.name
        assert matched(["Notes", alias]) == {field.name: (1,)}
    # The page's word for a field, typed as a header, names that field too.
    assert field_of(field.choice) == field.name


def test_no_two_fields_share_an_alias_and_none_is_a_column_this_tool_writes() -> None:
    counts = Counter(alias for f in FIELDS for alias in f.aliases)
    assert [alias for alias, n in counts.items() if n > 1] == []
    # Status, Message, ...: a written-back workbook's own columns are never read as data.
    assert set(counts) & OWN_COLUMNS == set()
    assert len(BY_NAME) == len(FIELDS)
    assert IGNORE not in BY_NAME


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_two_columns_for_one_field_follow_its_several_rule(field: Field) -> None:
    # Two columns named for the field, the better name second.
    best, other = field.aliases[0], field.aliases[-1]
    found = match_columns(table([other, best]), MappingOptions(), required=())
    if field.several == "collected":
        assert (found.all_of(field.name), found.notes) == ((0, 1), ())
    elif other != best:  # the better name wins, and the note names the field by its label
        assert found.all_of(field.name) == (1,)
        assert found.notes == (
            f'Column "{other}" is not imported: "{best}" gives the {field.label}.',
        )
    # Two columns the config file sends to the field: joined, collected, or the first taken.
    columns = {"Notes": field.name, "More notes": field.name}
    found = match_columns(table(list(columns)), MappingOptions(columns), required=())
    if field.several == "one":
        assert found.all_of(field.name) == (0,)
        assert found.notes == (
            f'Column "More notes" is not imported: "Notes" already gives the {field.label}.',
        )
    else:
        assert (found.all_of(field.name), found.notes) == ((0, 1), ())


def test_only_the_required_fields_are_required_and_a_missing_one_is_named() -> None:
    assert REQUIRED == ("title", "start")
    headers = [BY_NAME[name].choice for name in REQUIRED]
    match_columns(table(headers), MappingOptions())  # nothing else is needed
    for name in REQUIRED:
        field = BY_NAME[name]
        with pytest.raises(InputFileError) as caught:
            match_columns(table([h for h in headers if h != field.choice]), MappingOptions())
        assert (
            f"has no column for the session {field.label}. Name a column {field.required}, or "
            "map one in the config file under [columns]."
        ) in caught.value.message


# The config file and the page


def test_the_config_file_maps_a_column_to_every_field_and_to_nothing_else(
    tmp_path: Path,
) -> None:
    config = tmp_path / "import.toml"
    lines = [f'"Column {n}" = "{name}"' for n, name in enumerate(COLUMN_TARGETS)]
    config.write_text("[columns]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    columns = load_settings(config).mapping.columns
    assert list(columns.values()) == list(COLUMN_TARGETS)
    config.write_text('[columns]\n"Salle" = "room"\n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_settings(config)
    assert caught.value.message.endswith(f"Fields are: {', '.join(COLUMN_TARGETS)}.")


def test_the_pages_choices_are_exactly_the_fields() -> None:
    assert [value for value, _ in FIELD_CHOICES] == [f.name for f in FIELDS] + [IGNORE]
    assert dict(FIELD_CHOICES) == {f.name: f.choice for f in FIELDS} | {IGNORE: "Not imported"}


@pytest.fixture
def ui(sandbox: SandboxHandle) -> Iterator[RunningUi]:
    with run_ui(base_url=sandbox.base_url, event_id=sandbox.event_id) as running:
        yield running


def _selected(page: str, index: int) -> tuple[list[str], list[str]]:
    """(every option's value, the selected ones) of column ``index``'s list on the page."""
    found = re.search(rf'name="column-{index}"[^>]*>(.*?)</select>', page, re.S)
    assert found, page[:2000]
    options = re.findall(r'<option value="([^"]*)"( selected)?', found.group(1))
    return [html.unescape(v) for v, _ in options], [html.unescape(v) for v, s in options if s]


def test_the_page_offers_every_field_and_keeps_what_each_column_names(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """A column for every field, named as the page names it: each list offers every field and
    has that column's field chosen (a Speakers column used to be offered no "Speakers", so the
    list showed "Title" and sending it made the speakers part of the title)."""
    values = {
        "title": "Opening",
        "start": "09:00",
        "end": "10:00",
        "date": "2026-06-10",
        "speakers": "Ada Lovelace",
        "links": "https://example.com/slides.pdf",
    }
    headers = [f.choice for f in FIELDS] + ["Notes"]
    row = [values.get(f.name) for f in FIELDS] + ["none"]
    agenda = write_csv(tmp_path / "every.csv", [row], headers)
    client = httpx.Client(base_url=ui.base_url, timeout=30)
    client.get(ui.url)
    form = {"csrf": ui.tokens.csrf, "event_id": sandbox.event_id, "api_key": sandbox.key}
    assert client.post("/connect", data=form | {"base_url": sandbox.base_url}).status_code == 303
    with agenda.open("rb") as handle:
        client.post("/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("e.csv", handle)})
    page = client.get("/columns").text
    chosen = {}
    for index, name in enumerate([*(f.name for f in FIELDS), IGNORE]):
        offered, selected = _selected(page, index)
        assert offered == list(COLUMN_TARGETS)
        assert selected == [name], headers[index]
        chosen[f"column-{index}"] = name
    answer = client.post(
        "/columns", data=chosen | {"csrf": ui.tokens.csrf, "timezone": "UTC", "action": "check"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/check"
    report = ui.workspace.report
    assert report is not None
    read = report.mapped.columns
    assert {name: read.all_of(name) for name in read.fields} == {
        f.name: (i,) for i, f in enumerate(FIELDS)
    }
    (draft,) = report.mapped.drafts
    assert (draft.title, draft.speakers) == ("Opening", ("Ada Lovelace",))


# The template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("fields") / "template.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("field", [f for f in FIELDS if f.template], ids=lambda f: f.name)
def test_every_template_column_has_its_help_and_check(
    field: Field, template: openpyxl.Workbook
) -> None:
    column = field.template
    assert column is not None
    header = template["Agenda"][f"{column.letter}1"]
    assert header.value == column.header
    assert field_of(column.header) == field.name  # the template's sheet imports as it reads
    assert header.comment is not None
    assert header.comment.text == f"{column.header}: {column.what}\n\nFormat: {column.how}"
    instructions = {row[0]: row[1] for row in template["Instructions"].iter_rows(values_only=True)}
    assert instructions[column.header] == f"{column.what}\n{column.how}"
    checks = {str(v.sqref): v for v in template["Agenda"].data_validations.dataValidation}
    where = f"{column.letter}2:{column.letter}1000"
    if column.validation is None:
        assert where not in checks
        return
    check = checks[where]
    assert (check.type, check.operator, check.formula2) == (
        column.validation.kind,
        column.validation.operator,
        column.validation.formula2,
    )
    assert (check.promptTitle, check.prompt) == column.validation.prompt
    assert (check.errorTitle, check.error) == column.validation.error
    assert check.errorStyle == ("warning" if column.validation.warn_only else None)


def test_the_template_has_a_column_for_each_field_that_has_one_and_no_other(
    template: openpyxl.Workbook,
) -> None:
    headers = [cell.value for cell in template["Agenda"][1]]
    assert headers == [c.header for c in TEMPLATE_COLUMNS]
    letters = [c.letter for c in TEMPLATE_COLUMNS]
    assert letters == [column_letter(i) for i in range(len(letters))]  # no gap, no repeat
    assert len(template["Agenda"].data_validations.dataValidation) == sum(
        1 for c in TEMPLATE_COLUMNS if c.validation
    )


# The plan's comparison and the update body


def _session(text: str, number: int) -> dict[str, object]:
    """A value for every attribute a session has (the plan's names)."""
    return {
        "title": f"{text} title",
        "description": f"{text} description",
        "start": f"2026-06-10T0{number}:00:00Z",
        "end": f"2026-06-10T1{number}:00:00Z",
        "location_id": UUID.format(number),
        "capacity": number,
        "tags": (f"{text} tag", f"{text} track"),
        "parent": UUID.format(10 + number),
        "speakers": (UUID.format(20 + number),),
        "files": (f"https://example.com/{text}.pdf",),
    }


def test_the_plan_compares_exactly_the_fields_marked_compared() -> None:
    marked = {f.compared.key for f in RECONCILED_FIELDS if f.compared}
    remote = RemoteSession(id=UUID.format(99), reference_id="R1", **_session("old", 1))  # type: ignore[arg-type]
    target = _session("new", 2)
    assert {c.field for c in differences(remote, target)} == marked
    verdict = reconcile(remote, target, held=target, last_sent=None)
    assert {c.field for c in verdict.changes} == marked
    assert verdict.keep == {}
    # A field the sheet does not hold keeps Zuddl's value: sent back, never erased.
    kept = reconcile(remote, target, held=(), last_sent=None)
    assert (kept.changes, set(kept.keep)) == ((), marked)
    assert set(COMPARED) == marked
    assert {f.compared.key: f.name for f in RECONCILED_FIELDS if f.compared} == FIELD_NAMES


@pytest.mark.parametrize("field", RECONCILED_FIELDS, ids=lambda f: f.name)
def test_each_compared_field_is_compared_as_marked(field: Field) -> None:
    assert field.compared is not None
    key, how = field.compared.key, field.compared.how
    value, other = _session("old", 1)[key], _session("new", 2)[key]
    # The same value as the sheet may spell it: an ID in capitals, tags in another order.
    spelled: object = value
    if how == "id":
        spelled = str(value).upper()
    elif how == "set":
        assert isinstance(value, tuple)
        spelled = tuple(reversed(value))
    assert spelled != value or how == "value"
    remote = RemoteSession(id=UUID.format(99), reference_id="R1", **{key: value})  # type: ignore[arg-type]
    assert differences(remote, {key: spelled}, compared=(key,)) == ()
    (change,) = differences(remote, {key: other}, compared=(key,))
    assert (change.field, change.old, change.new) == (key, value, other)
    # A sheet with the field's column holds it, so a re-run compares it.
    assert key in held_fields([field.name], default_location=None, virtual=False)


def test_the_body_sends_each_field_under_its_json_key() -> None:
    draft = Draft(
        row=2,
        reference_id="R1",
        title="T",
        description="D",
        start=datetime(2026, 6, 10, 9, tzinfo=UTC),
        end=datetime(2026, 6, 10, 10, tzinfo=UTC),
        location_id=UUID.format(1),
        capacity=5,
        tags=("a",),
    )
    declared = {key for f in FIELDS for key in f.json}
    for name in BY_NAME["reference"].json:
        body = session_body(draft, UUID.format(2), name)
        assert set(body) <= declared
        assert set(body) == {f.json[0] for f in RECONCILED_FIELDS} | {name}
    # What a PUT carries back for a field kept: Zuddl's value, under that field's key.
    for field in RECONCILED_FIELDS:
        assert field.compared is not None
        value = _session("kept", 3)[field.compared.key]
        sent = with_kept({}, {field.compared.key: value})
        assert sent == {field.json[0]: list(value) if isinstance(value, tuple) else value}
