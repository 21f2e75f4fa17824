"""The config file: every key, paths relative to the file, flags over file, and every message
a user can get from a config mistake, word for word, in plain words."""

from __future__ import annotations

import re
import traceback
from datetime import date
from pathlib import Path

import pytest

from importer.cli.main import main
from importer.errors import ExitCode, UsageError
from importer.settings.config import (
    DEFAULT_BASE_URL,
    MappingOptions,
    Secret,
    Settings,
    change_limit,
    load_settings,
)

EVENT = "5a2db0c5-de30-4e7e-8a1d-000000000001"
KNOWN = (
    "agenda, agenda_headers, api_key, api_key_env, auth_scheme, base_url, columns, "
    "concurrency, defaults, event, layout, lock_dir, log_file, log_format, lookup_grace, "
    "max_changes, max_retry_after, mode, notify, on_conflict, rate_limit, reference_field, "
    "results, retry_attempts, retry_deadline, sheet, skip_invalid, timeout, unknown_speakers, "
    "values"
)
COLUMNS_USAGE = (
    'import.toml: [columns] maps a header to a field, e.g. "Room" = "location", or '
    '"Format" = { field = "tags", prefix = true }.'
)
KNOWN_DEFAULTS = "date, date_order, duration_minutes, end, end_date, location, start_date, timezone"
FIELDS = (
    "title, description, start, end, date, duration, location, capacity, reference, zuddl_id, "
    "parent, tags, speakers, links, ignore"
)
FULL = f"""
event = "{EVENT}"
base_url = "https://api.eu.zuddl.com"
api_key_env = "MY_ZUDDL_KEY"
reference_field = "externalRefId"
sheet = "Agenda"
results = "out/agenda.results.csv"
rate_limit = 2.5
concurrency = 3
timeout = 12
skip_invalid = true
agenda = "sheets/agenda.xlsx"
mode = "create-only"
max_changes = "15%"
log_file = "logs/run.log"
log_format = "json"
retry_attempts = 4
retry_deadline = 45.5
lock_dir = "locks"

[defaults]
timezone = "Europe/Berlin"
date_order = "dmy"
duration_minutes = 25
date = "2026-06-10"
location = "Main Hall"

[columns]
"Salle" = "location"
"talk_title" = "title"
"Speaker notes" = "ignore"
"""


def write(folder: Path, text: str, name: str = "import.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str, name: str = "import.toml") -> str:
    with pytest.raises(UsageError) as caught:
        load_settings(write(folder, text, name))
    assert caught.value.exit_code == ExitCode.USAGE
    return caught.value.message


def assert_plain(message: str) -> None:
    """What a user reads: no Python spelled out."""
    for word in ("None", "NaN", "True", "False", "Error", "Traceback", "errno", "codec"):
        assert word not in message, message
    assert not re.search(r"'[^']*'", message), message
    assert not re.search(r"\w\(", message), message  # no calls like ValueError(...)


# --- a full file --------------------------------------------------------------------------------


def test_every_key_loads_to_its_setting(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    settings = load_settings(write(folder, FULL))
    assert settings == Settings(
        event_id=EVENT,
        base_url="https://api.eu.zuddl.com",
        api_key_env="MY_ZUDDL_KEY",
        reference_field="externalRefId",
        sheet="Agenda",
        results=folder / "out" / "agenda.results.csv",
        rate_limit=2.5,
        concurrency=3,
        timeout_s=12,
        skip_invalid=True,
        agenda=folder / "sheets" / "agenda.xlsx",
        mode="create-only",
        max_changes="15%",
        log_file=folder / "logs" / "run.log",
        log_format="json",
        retry_attempts=4,
        retry_deadline_s=45.5,
        lock_dir=folder / "locks",
        mapping=MappingOptions(
            columns={"Salle": "location", "talk_title": "title", "Speaker notes": "ignore"},
            timezone="Europe/Berlin",
            date_order="dmy",
            default_duration_min=25,
            default_date=date(2026, 6, 10),
            default_location="Main Hall",
        ),
    )
    assert settings.change_limit(40) == 6


def test_no_file_and_an_empty_file_give_the_defaults(tmp_path: Path) -> None:
    assert load_settings(None) == Settings()
    empty = load_settings(write(tmp_path, "# nothing set\n"))
    assert empty == Settings()
    assert empty.base_url == DEFAULT_BASE_URL == "https://api.zuddl.com"
    assert (empty.api_key_env, empty.reference_field, empty.mode) == (
        "ZUDDL_API_KEY",
        "auto",
        "sync",
    )
    assert (empty.rate_limit, empty.concurrency, empty.timeout_s) == (10.0, 8, 30.0)
    assert (empty.log_format, empty.max_changes, empty.skip_invalid) == ("text", None, False)
    assert empty.change_limit(100) is None


def test_readme_config_example_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The config file", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example, "the README shows a config file"
    settings = load_settings(write(tmp_path, example.group(1)))
    assert settings.event_id == EVENT
    assert settings.results == tmp_path / "agenda.results.xlsx"
    assert settings.mapping.columns["Salle"] == "location"


def test_numbers_are_taken_as_toml_writes_them(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, "rate_limit = 0\ntimeout = 2.5\nmax_changes = 50\nretry_deadline = 1\n")
    )
    assert settings.rate_limit == 0
    assert settings.timeout_s == 2.5
    assert settings.max_changes == "50"
    assert settings.change_limit(10) == 50
    dated = load_settings(write(tmp_path, "[defaults]\ndate = 2026-06-10\n"))
    assert dated.mapping.default_date == date(2026, 6, 10)


def test_a_byte_order_mark_is_not_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfevent = "' + EVENT.encode() + b'"\n')
    assert load_settings(path).event_id == EVENT


# --- paths ------------------------------------------------------------------------------------


def test_relative_paths_are_relative_to_the_config_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc" / "zuddl"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    text = (
        'results = "r.xlsx"\nagenda = "../agenda.csv"\nlog_file = "log/run.log"\nlock_dir = "."\n'
    )
    settings = load_settings(write(folder, text))
    assert settings.results == folder / "r.xlsx"
    assert settings.agenda is not None
    assert settings.agenda.resolve() == tmp_path / "etc" / "agenda.csv"
    assert settings.log_file == folder / "log" / "run.log"
    assert settings.lock_dir == folder


def test_absolute_and_home_paths_stay_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    absolute = tmp_path / "var" / "results.xlsx"
    settings = load_settings(
        write(tmp_path / "conf", f'results = "{absolute.as_posix()}"\nlog_file = "~/z.log"\n')
    )
    assert settings.results == absolute
    assert settings.log_file == tmp_path / "home" / "z.log"


# --- flags over the file ----------------------------------------------------------------------


def test_flags_win_and_a_missing_flag_keeps_the_file_value(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    from_file = load_settings(write(folder, FULL))
    other = "0b7e0a52-91c4-4d3e-9f6b-2a4c1d8e7f30"
    flags = dict(
        event_id=other,
        sheet="Day 2",
        base_url="http://127.0.0.1:8765",
        results=Path("mine.csv"),
        concurrency=1,
        rate_limit=0.0,
        skip_invalid=None,
        mode="sync",
        max_changes="3",
        log_file=None,
        log_format="text",
        timezone="America/New_York",
        date_order=None,
    )
    merged = from_file.with_overrides(**flags)
    assert merged.event_id == other
    assert merged.sheet == "Day 2"
    assert merged.base_url == "http://127.0.0.1:8765"
    assert merged.results == Path("mine.csv")
    assert (merged.concurrency, merged.rate_limit) == (1, 0.0)
    assert merged.mode == "sync"
    assert merged.max_changes == "3"
    assert merged.log_format == "text"
    assert merged.mapping.timezone == "America/New_York"
    # left out (None): the file's value stays
    assert merged.skip_invalid is True
    assert merged.log_file == folder / "logs" / "run.log"
    assert merged.mapping.date_order == "dmy"
    assert merged.mapping.columns == from_file.mapping.columns
    assert merged.mapping.default_duration_min == 25
    assert (merged.agenda, merged.lock_dir) == (from_file.agenda, from_file.lock_dir)
    # the file's settings are not changed by the flags
    assert from_file.event_id == EVENT and from_file.mapping.timezone == "Europe/Berlin"


def test_all_flags_left_out_change_nothing(tmp_path: Path) -> None:
    from_file = load_settings(write(tmp_path, FULL))
    names = ["event_id", "sheet", "base_url", "results", "concurrency", "rate_limit"]
    names += ["skip_invalid", "mode", "max_changes", "log_file", "log_format"]
    names += ["timezone", "date_order"]
    assert from_file.with_overrides(**dict.fromkeys(names)) == from_file


def test_a_false_flag_is_a_value_not_a_missing_flag(tmp_path: Path) -> None:
    from_file = load_settings(write(tmp_path, "skip_invalid = true\nrate_limit = 4\n"))
    merged = from_file.with_overrides(skip_invalid=False, rate_limit=0)
    assert merged.skip_invalid is False
    assert merged.rate_limit == 0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            {"timezone": "Mars/Olympus"},
            '"Mars/Olympus" is not a time zone. Use a name like Europe/Berlin, '
            "America/New_York or UTC.",
        ),
        ({"rate_limit": -1}, "rate_limit must be 0 (no limit) or more requests per second."),
        ({"concurrency": 0}, "concurrency must be at least 1."),
        ({"mode": "update"}, 'mode must be "sync" or "create-only", not "update".'),
        ({"log_format": "xml"}, 'log_format must be "text" or "json", not "xml".'),
        (
            {"max_changes": "lots"},
            'max_changes "lots" is not a number of changes (like 50) or a percentage of the '
            "rows (like 10%).",
        ),
        ({"date_order": "dym"}, 'date_order must be "mdy", "dmy" or "ymd", not "dym".'),
    ],
)
def test_flags_are_checked_like_the_file(flags: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        Settings().with_overrides(**flags)
    assert caught.value.message == message
    assert_plain(message)


# --- every message ----------------------------------------------------------------------------

ERRORS = [
    # [layout] and [defaults] of sheet shapes
    (
        '[layout]\nheadings = "parents"\n',
        'import.toml [layout]: headings must be "parent", "tag", "date" or "ignore", not the '
        'text "parents".',
    ),
    (
        "[layout]\nheader = 0\n",
        "import.toml [layout]: header must be true or false (false: the sheet has no row of "
        "column names), not 0.",
    ),
    (
        '[layout]\nheading = "tag"\n',
        'import.toml [layout]: unknown setting "heading" (did you mean "headings"?). Known '
        "settings there: header, headings.",
    ),
    (
        '[defaults]\nend = "nxt"\n',
        'import.toml [defaults]: end = "nxt" is not understood. Write end = "next" (each '
        "session ends when the next one starts), or leave it out.",
    ),
    (
        '[defaults]\nstart_date = "June 10"\n',
        'import.toml [defaults]: start_date "June 10" is not a date like 2026-06-10.',
    ),
    # unknown and misplaced settings
    (
        'evnt = "x"\n',
        f'import.toml: unknown setting "evnt" (did you mean "event"?). Known settings: {KNOWN}.',
    ),
    (
        "ratelimit = 5\n",
        'import.toml: unknown setting "ratelimit" (did you mean "rate_limit"?). '
        f"Known settings: {KNOWN}.",
    ),
    ('catering = "yes"\n', f'import.toml: unknown setting "catering". Known settings: {KNOWN}.'),
    (
        'unknown_speakers = "ignore"\n',
        'unknown_speakers must be "warning" or "error", not "ignore".',
    ),
    (
        'timezone = "Europe/Berlin"\n',
        'import.toml: "timezone" belongs under [defaults]. Move the line below a [defaults] line.',
    ),
    (
        '[defaults]\ntimezon = "UTC"\n',
        'import.toml [defaults]: unknown setting "timezon" (did you mean "timezone"?). '
        f"Known settings there: {KNOWN_DEFAULTS}.",
    ),
    (
        '[defaults]\ntimezone = "UTC"\nrate_limit = 2\n',
        'import.toml [defaults]: "rate_limit" is a top-level setting, but it stands below the '
        "[defaults] line, so it counts as part of that table. Move it above the first [table] "
        "line.",
    ),
    (
        '[columns]\n"Room" = "location"\nmode = "sync"\n',
        'import.toml [columns]: "mode" is a top-level setting, but it stands below the [columns] '
        "line, so it counts as part of that table. Move it above the first [table] line.",
    ),
    # wrong kinds of value
    ('rate_limit = "0"\n', 'import.toml: "rate_limit" must be a number, not the text "0".'),
    ("rate_limit = true\n", 'import.toml: "rate_limit" must be a number, not true.'),
    ("concurrency = 2.5\n", 'import.toml: "concurrency" must be a whole number, not 2.5.'),
    ("concurrency = false\n", 'import.toml: "concurrency" must be a whole number, not false.'),
    ('timeout = "30s"\n', 'import.toml: "timeout" must be a number, not the text "30s".'),
    ("event = 42\n", 'import.toml: "event" must be text in quotes, not 42.'),
    ('event = ["a", "b"]\n', 'import.toml: "event" must be text in quotes, not a list.'),
    ("sheet = { name = 1 }\n", 'import.toml: "sheet" must be text in quotes, not a table.'),
    (
        "agenda = 2026-06-10\n",
        'import.toml: "agenda" must be text in quotes, not the date 2026-06-10.',
    ),
    (
        'skip_invalid = "yes"\n',
        'import.toml: "skip_invalid" must be true or false, not the text "yes".',
    ),
    ("skip_invalid = 1\n", 'import.toml: "skip_invalid" must be true or false, not 1.'),
    (
        "max_changes = 1.5\n",
        'import.toml: "max_changes" must be a whole number (like 50) or a percentage in quotes '
        '(like "10%"), not 1.5.',
    ),
    (
        "max_changes = true\n",
        'import.toml: "max_changes" must be a whole number (like 50) or a percentage in quotes '
        '(like "10%"), not true.',
    ),
    (
        '[defaults]\nduration_minutes = "30"\n',
        'import.toml [defaults]: "duration_minutes" must be a whole number, not the text "30".',
    ),
    (
        "[defaults]\ndate = 2026-06-10T09:00:00\n",
        'import.toml [defaults]: "date" must be a date like 2026-06-10, not the date and time '
        "2026-06-10 09:00:00.",
    ),
    (
        "[defaults]\ndate = 09:00:00\n",
        'import.toml [defaults]: "date" must be a date like 2026-06-10, not the time 09:00:00.',
    ),
    (
        "[defaults]\ntimezone = 1\n",
        'import.toml [defaults]: "timezone" must be text in quotes, not 1.',
    ),
    ("defaults = 5\n", "import.toml: [defaults] must be a table."),
    # [columns]
    (
        '[columns]\n"Salle" = "room"\n',
        f'import.toml [columns]: "Salle" = "room" names no field. Fields are: {FIELDS}.',
    ),
    (
        '[columns]\n"Salle" = 3\n',
        COLUMNS_USAGE,
    ),
    (
        'columns = "Salle"\n',
        COLUMNS_USAGE,
    ),
    # [defaults] values
    (
        '[defaults]\ndate = "10/06/2026"\n',
        'import.toml [defaults]: date "10/06/2026" is not a date like 2026-06-10.',
    ),
    (
        '[defaults]\ndate = "2026-02-30"\n',
        'import.toml [defaults]: date "2026-02-30" is not a date like 2026-06-10.',
    ),
    (
        '[defaults]\ndate_order = "dym"\n',
        'import.toml [defaults]: date_order must be "mdy", "dmy" or "ymd", not "dym".',
    ),
    (
        '[defaults]\ntimezone = "Europe/Berln"\n',
        '"Europe/Berln" is not a time zone. Use a name like Europe/Berlin, '
        "America/New_York or UTC.",
    ),
    (
        '[defaults]\ntimezone = "CET+1"\n',
        '"CET+1" is not a time zone. Use a name like Europe/Berlin, America/New_York or UTC.',
    ),
    ("[defaults]\nduration_minutes = 0\n", "duration_minutes must be at least 1."),
    # checked values
    (
        'reference_field = "sourceId"\n',
        'reference_field must be "auto", "referenceId" or "externalRefId", not "sourceId".',
    ),
    ('mode = "update"\n', 'mode must be "sync" or "create-only", not "update".'),
    ('mode = "Sync"\n', 'mode must be "sync" or "create-only", not "Sync".'),
    ('log_format = "xml"\n', 'log_format must be "text" or "json", not "xml".'),
    ("concurrency = 0\n", "concurrency must be at least 1."),
    ("rate_limit = -1\n", "rate_limit must be 0 (no limit) or more requests per second."),
    ("rate_limit = nan\n", "rate_limit must be 0 (no limit) or more requests per second."),
    ("rate_limit = inf\n", "rate_limit must be 0 (no limit) or more requests per second."),
    ("timeout = 0\n", "timeout must be more than 0 seconds."),
    ("timeout = -5\n", "timeout must be more than 0 seconds."),
    ("retry_deadline = nan\n", "retry_deadline must be more than 0 seconds."),
    ("retry_attempts = 0\n", "retry_attempts must be at least 1."),
    (
        'api_key_env = ""\n',
        "api_key_env must be the name of an environment variable, like ZUDDL_API_KEY.",
    ),
    (
        'api_key_env = "ZUDDL_API_KEY=abc"\n',
        "api_key_env must be the name of an environment variable, like ZUDDL_API_KEY.",
    ),
    *(
        (
            f"max_changes = {value}\n",
            f'max_changes "{shown}" is not a number of changes (like 50) or a percentage of the '
            "rows (like 10%).",
        )
        for value, shown in [
            ('"lots"', "lots"),
            ('"150%"', "150%"),
            ('"-5%"', "-5%"),
            ('"5.5"', "5.5"),
            ('"ten"', "ten"),
            ('""', ""),
            ("-5", "-5"),
        ]
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[t for t, _ in ERRORS])
def test_config_mistakes_are_explained(tmp_path: Path, text: str, message: str) -> None:
    got = error_of(tmp_path, text)
    assert got == message
    assert_plain(got)


TOML_ERRORS = [
    ("event = \n", "Invalid value (at line 1, column 9)"),
    ('event "x"\n', 'Expected "=" after a key in a key/value pair (at line 1, column 7)'),
    (
        '[columns\n"A" = "title"\n',
        'Expected "]" at the end of a table declaration (at line 1, column 9)',
    ),
    ('event = "a"\nevent = "b"\n', "Cannot overwrite a value (at line 2, column 12)"),
    ("x = {a = 1, a = 2}\n", 'Duplicate inline table key "a" (at line 1, column 18)'),
    ('event = "abc\n"\n', "a line break is not allowed there (at line 1, column 13)"),
    ('sheet = "a\\q"\n', 'Unescaped "\\" in a string (at line 1, column 13)'),
    (
        'sheet = "a\x01"\n',
        "an invisible control character (U+0001) is not allowed there (at line 1, column 11)",
    ),
    ("rate_limit = [1,\n", "Invalid value (at end of document)"),
    ("results = agenda.xlsx\n", "Invalid value (at line 1, column 11)"),
]


@pytest.mark.parametrize(("text", "detail"), TOML_ERRORS, ids=[t for t, _ in TOML_ERRORS])
def test_bad_toml_is_explained_without_python_quoting(
    tmp_path: Path, text: str, detail: str
) -> None:
    got = error_of(tmp_path, text, "nightly.toml")
    assert got == f'The config file "nightly.toml" is not valid TOML: {detail}.'
    assert_plain(got)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(UsageError) as caught:
        load_settings(path)
    assert caught.value.message == f'The config file "{path}" does not exist.'


def test_a_folder_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path)
    assert caught.value.message == (
        f'The config file "{tmp_path}" is a folder. Name the .toml file itself.'
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('sheet = "Émission"\n'.encode("cp1252"))
    with pytest.raises(UsageError) as caught:
        load_settings(path)
    assert caught.value.message == (
        f'The config file "{path}" is not UTF-8 text. Save it as UTF-8 and try again.'
    )
    assert_plain(caught.value.message)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'event = "x"\n')

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(UsageError) as caught:
        load_settings(path)
    assert caught.value.message == f'Cannot read the config file "{path}": Permission denied.'
    assert_plain(caught.value.message)


def test_the_cli_shows_a_config_mistake_as_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'rate_limit = "0"\n')
    with pytest.raises(SystemExit) as exited:
        main(["run", "agenda.csv", "--config", str(path)])
    assert exited.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err == 'Error: import.toml: "rate_limit" must be a number, not the text "0".\n'


# --- max_changes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rows", "limit"),
    [
        ("50", 10, 50),
        (" 7 ", 10, 7),
        ("0", 10, 0),
        ("10%", 45, 4),
        ("20%", 10, 2),
        ("20%", 4, 0),
        ("12.5%", 80, 10),
        ("0%", 80, 0),
        ("100%", 80, 80),
    ],
)
def test_change_limit(text: str, rows: int, limit: int) -> None:
    assert change_limit(text, rows) == limit
    assert Settings(max_changes=text).change_limit(rows) == limit


@pytest.mark.parametrize("text", ["lots", "150%", "-1", "-1%", "", "5.5", "nan%", "inf%", "%"])
def test_change_limit_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        change_limit(text, 10)
    assert caught.value.message == (
        f'max_changes "{text}" is not a number of changes (like 50) or a percentage of the rows '
        "(like 10%)."
    )


# --- the key --------------------------------------------------------------------------------------


def test_secret_never_shows_its_value() -> None:
    secret = Secret("s3cr3t-key")
    shown = [
        str(secret),
        repr(secret),
        f"{secret}",
        f"{secret!s}",
        f"{secret!r}",
        "%s" % secret,  # noqa: UP031 - the old way must hide it too
        "{}".format(secret),  # noqa: UP032
        repr([secret]),
        repr({"key": secret}),
        str(ValueError(secret)),
        repr(ValueError(secret)),
        str(UsageError(f"bad key {secret}")),
    ]
    for text in shown:
        assert "s3cr3t" not in text, text
        assert "********" in text, text
    assert secret.reveal() == "s3cr3t-key"
    assert secret
    assert not Secret("")


def test_secret_stays_out_of_a_traceback() -> None:
    secret = Secret("s3cr3t-key")
    try:
        raise RuntimeError(f"request failed with key {secret}", secret)
    except RuntimeError as exc:
        text = "".join(traceback.format_exception(exc))
    assert "s3cr3t" not in text
    assert "********" in text


def test_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZUDDL_API_KEY", "  abc123\n")
    key = Settings().api_key()
    assert isinstance(key, Secret)
    assert key.reveal() == "abc123"
    assert str(key) == "********"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_api_key(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("ZUDDL_API_KEY", raising=False)
    else:
        monkeypatch.setenv("ZUDDL_API_KEY", value)
    with pytest.raises(UsageError) as caught:
        Settings().api_key()
    assert caught.value.message == (
        "No API key: set the environment variable ZUDDL_API_KEY to your Zuddl API key "
        "(created for Backend usage, with WRITE scope)."
    )


def test_api_key_variable_named_in_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(write(tmp_path, 'api_key_env = "EVENT_X_KEY"\n'))
    monkeypatch.setenv("ZUDDL_API_KEY", "the-default-one")
    monkeypatch.delenv("EVENT_X_KEY", raising=False)
    with pytest.raises(UsageError) as caught:
        settings.api_key()
    assert caught.value.message == (
        "No API key: set the environment variable EVENT_X_KEY to your Zuddl API key "
        "(created for Backend usage, with WRITE scope)."
    )
    monkeypatch.setenv("EVENT_X_KEY", "xyz")
    assert settings.api_key().reveal() == "xyz"


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ("duration_minutes = 1000000000000", "duration_minutes must be at most 527040 (366 days)."),
        (
            "date = 0001-01-01",
            "The default date 0001-01-01 is not a date a session can have. "
            "Write it like 2026-06-10.",
        ),
    ],
)
def test_defaults_past_any_calendar_are_refused(
    tmp_path: Path, defaults: str, message: str
) -> None:
    path = tmp_path / "import.toml"
    path.write_text(f"[defaults]\n{defaults}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_settings(path)
    assert caught.value.message == message
