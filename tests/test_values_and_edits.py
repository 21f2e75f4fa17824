"""The library's neutral fixes that the page uses and the command line can too: values of the
sheet replaced ([values] in the config file), cells corrected without editing the file, and
every missing column named at once. Imports go to the sandbox and are checked there."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from importer.check.replacements import replace_speakers
from importer.errors import InputFileError, UsageError
from importer.run import ImportRequest, run_import
from importer.settings.config import Secret, load_settings
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import by_reference, settings_for, write_csv, write_xlsx
from tests.test_mapper import mapped

HEADERS = ["Reference ID", "Parent", "Title", "Date", "Start Time", "End Time", "Room"]
ROWS = [
    ["P1", "", "Track", "2026-06-10", "09:00", "12:00", "Main Hall"],
    ["P2", "TRACK", "Talk", "2026-06-10", "09:00", "10:00", "Main Hall"],
    ["P3", "", "Other", "2026-06-10", "10:00", "11:00", "Room 12"],
    ["P4", "", "Lobby chat", "2026-06-10", "11:00", "12:00", "Foyer"],
]


def test_values_from_the_config_file_replace_rooms_and_parents(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    config = tmp_path / "import.toml"
    config.write_text(
        f'event = "{sandbox.event_id}"\nbase_url = "{sandbox.base_url}"\nrate_limit = 0\n'
        '[values.location]\n"room  12" = "Room 101"\n"FOYER" = ""\n'
        '[values.parent]\n"TRACK" = "P1"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.mapping.replace_values == {
        "location": {"room  12": "Room 101", "FOYER": ""},
        "parent": {"TRACK": "P1"},
    }
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    report = run_import(ImportRequest(agenda, settings, Secret(sandbox.key)))
    assert report.plan.problems == ()
    remote = by_reference(sandbox)
    assert remote["P2"]["parentSessionId"] == remote["P1"]["id"]
    assert remote["P3"]["location"][0]["locationName"] == "Room 101"
    assert remote["P4"]["location"] in (None, [])


def test_without_values_the_unknown_ones_are_problems_of_their_kind(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(tmp_path / "agenda.csv", ROWS, HEADERS)
    request = ImportRequest(agenda, settings_for(sandbox), Secret(sandbox.key), dry_run=True)
    report = run_import(dataclasses.replace(request, write_results=False))
    kinds = [(p.row, p.kind, p.value) for p in report.plan.errors]
    assert kinds == [
        (3, "unknown_parent", "TRACK"),
        (4, "unknown_location", "Room 12"),
        (5, "unknown_location", "Foyer"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[values.room]\n"A" = "B"\n',
            "import.toml: [values] gives, per field (location, parent, speakers), a value of the "
            'sheet and what to use instead, e.g. [values.location] "Room 12" = "Main Hall" ("" '
            "for none).",
        ),
        (
            "[values.location]\nA = 3\n",
            "import.toml: [values] gives, per field (location, parent, speakers), a value of the "
            'sheet and what to use instead, e.g. [values.location] "Room 12" = "Main Hall" ("" '
            "for none).",
        ),
    ],
)
def test_a_wrong_values_table_is_refused(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "import.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_settings(config)
    assert caught.value.message == message


def test_speakers_replaced_or_left_out() -> None:
    people = {2: ("Ada L.", "Grace Hopper"), 3: ("nobody  known",), 4: ()}
    wanted = {"ada l.": "ada@example.com", "Nobody Known": ""}
    assert replace_speakers(people, wanted) == {
        2: ("ada@example.com", "Grace Hopper"),
        3: (),
        4: (),
    }


def test_corrected_cells_are_checked_imported_and_written_back(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    headers = ["Reference ID", "Title", "Date", "Start Time", "End Time"]
    agenda = write_xlsx(
        tmp_path / "agenda.xlsx",
        [
            ["E1", "Talk", "2026-13-45", "09:00", "10:00"],
            ["E2", "", "2026-06-10", "10:00", "11:00"],
        ],
        headers,
    )
    before = agenda.read_bytes()
    request = ImportRequest(
        agenda,
        settings_for(sandbox),
        Secret(sandbox.key),
        write_back=True,
        edits={"C2": "2026-06-10", "b3": " Closing "},
    )
    report = run_import(request)
    assert report.plan.problems == ()
    assert report.table.edited == frozenset({(2, 2), (3, 1)})
    remote = by_reference(sandbox)
    assert remote["E1"]["startDateTime"] == "2026-06-10T09:00:00Z"
    assert remote["E2"]["title"] == "Closing"
    assert agenda.read_bytes() == before  # the file itself is never changed
    assert report.written_back is not None
    sheet = openpyxl.load_workbook(report.written_back)["Agenda"]
    assert (sheet["C2"].value, sheet["B3"].value) == ("2026-06-10", "Closing")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Q2", '"Q2" is not a cell of a column of this sheet.'),
        ("C1", '"C1" is not a cell of a session row of this sheet.'),
        ("2C", '"2C" is not a cell of a column of this sheet.'),
    ],
)
def test_a_correction_of_no_cell_is_refused(
    sandbox: SandboxHandle, tmp_path: Path, cell: str, message: str
) -> None:
    agenda = write_csv(
        tmp_path / "a.csv",
        [["E1", "Talk", "2026-06-10", "09:00", "10:00"]],
        ["Reference ID", "Title", "Date", "Start Time", "End Time"],
    )
    request = ImportRequest(
        agenda, settings_for(sandbox), Secret(sandbox.key), dry_run=True, edits={cell: "x"}
    )
    with pytest.raises(UsageError) as caught:
        run_import(dataclasses.replace(request, write_results=False))
    assert caught.value.message == message
    assert sandbox.sessions() == []


def test_every_missing_column_is_named_at_once() -> None:
    with pytest.raises(InputFileError) as caught:
        mapped(["Speaker", "Paper"], ["Ada Lovelace", "Notes"])
    assert caught.value.message == (
        'agenda.xlsx, sheet "Agenda" has no column for the session title and none for the start '
        'time. Name a column "Title" and a column "Start" (or "Date" and "Start Time"), or map '
        "them in the config file under [columns]."
    )


def test_a_header_is_suggested_only_when_its_values_fit() -> None:
    # "Speaker" is as close to "start" by its letters as the rule allows, but its values are
    # names, not times.
    with pytest.raises(InputFileError) as caught:
        mapped(["Title", "Speaker"], ["Opening", "Ada Lovelace"], columns={"Speaker": "ignore"})
    assert caught.value.message == (
        'agenda.xlsx, sheet "Agenda" has no column for the session start time. Name a column '
        '"Start" (or "Date" and "Start Time"), or map one in the config file under [columns].'
    )
    with pytest.raises(InputFileError) as caught:
        mapped(["Title", "Stater"], ["Opening", "09:30"])
    assert caught.value.message.endswith('Did you mean "Stater"?')
