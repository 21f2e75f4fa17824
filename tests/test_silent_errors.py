"""Valid sessions that look wrong together are warned about; the same problem is said once."""

from __future__ import annotations

import shutil
from pathlib import Path

from importer.errors import ExitCode
from tests.conftest import SandboxHandle
from tests.layout_helpers import LAYOUTS, run_layout, spans, warnings_of
from tests.test_cli_run import zuddl_import


def test_sessions_that_look_wrong_are_sent_with_warnings(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    report = run_layout(sandbox, tmp_path, "silent-errors.csv", "silent-errors.toml")

    assert len(spans(sandbox)) == 7  # warnings never hold a row back
    assert warnings_of(report) == [
        'Row 2, column "Start": The session starts between midnight and 6 am, event time. '
        "Check the time (a missing am/pm?) and the time zone.",
        'Row 4, column "Room": This session overlaps row 3 ("Keynote") in the same room '
        "(Main Hall). Check both times and rooms.",
        'Row 5, column "Duration": The end time makes the session 60 minutes long, the '
        "duration says 45. The end time is used: correct the one that is wrong, or leave the "
        "duration empty.",
        'Row 6, column "Date": This row is on 2026-06-11 but the rows around it are on '
        "2026-06-10. Check its date.",
        'Row 8, column "Date": The session is not on a day of the event (2026-06-10 to '
        "2026-06-12, from start_date and end_date in the config). Check its date.",
    ]
    assert report.exit_code == ExitCode.OK


def test_one_problem_on_many_rows_is_one_line(tmp_path: Path) -> None:
    shutil.copy(LAYOUTS / "no-date.csv", tmp_path / "no-date.csv")
    done = zuddl_import("validate", "no-date.csv", cwd=tmp_path)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("  error: ")]
    assert lines == [
        '  error: Rows 2 to 4 (3 rows), column "Start": The time has no date. Give it with '
        "--date 2026-06-10, add a Date column, write it in this cell (2026-06-10 09:30), or set "
        'date = "2026-06-10" under [defaults] in the config.'
    ]


def test_the_date_flag_dates_rows_that_have_none(tmp_path: Path) -> None:
    shutil.copy(LAYOUTS / "no-date.csv", tmp_path / "no-date.csv")
    done = zuddl_import("run", "no-date.csv", "--sandbox", "--date", "2019-10-16", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "Done: 3 created." in done.stdout
    assert "     2  Wed 16 Oct 09:00  Welcome" in done.stdout
    assert "     4  Wed 16 Oct 11:00  Workshop" in done.stdout
