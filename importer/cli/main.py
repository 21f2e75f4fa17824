"""The ``zuddl-import`` command: parse flags, wire the library, print, choose the exit code.

Heavy modules (pandas, uvicorn) are imported inside commands so ``--help`` and the sandbox
start fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from importer import __version__
from importer.cli.local import sandbox, ui
from importer.cli.options import full_option, mapping_options
from importer.errors import ExitCode, ImporterError


class _Debug:
    on = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zuddl-import")
@click.option("--debug", is_flag=True, help="On an unexpected error, show its full details.")
def cli(debug: bool) -> None:
    """Import agenda spreadsheets into the sessions of a Zuddl event."""
    _Debug.on = debug


cli.add_command(sandbox)
cli.add_command(ui)


@cli.command()
@mapping_options
@click.option(
    "--results",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results file (.xlsx or .csv) [AGENDA.results.xlsx].",
)
@click.option("--concurrency", type=click.IntRange(1, 100), help="Requests in flight at once [8].")
@click.option("--rate-limit", type=click.FloatRange(0), help="Requests per second; 0 = none [10].")
@click.option(
    "--on-conflict",
    type=click.Choice(["stop", "sheet", "zuddl"]),
    help="A field changed in Zuddl and in the sheet: hold the row (stop), or let one win.",
)
@click.option(
    "--lookup-grace",
    "lookup_grace_s",
    type=click.FloatRange(0),
    help="Seconds before an unanswered create is looked up [30].",
)
@click.option(
    "--skip-invalid", is_flag=True, default=None, help="Send the valid rows even if some are not."
)
@click.option(
    "--max-changes",
    help="Stop before writing if the plan creates or updates more "
    "than N sessions (or N% of the rows).",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a log of the run to this file.",
)
@click.option("--log-format", type=click.Choice(["text", "json"]), help="Log lines [text].")
@click.option("--dry-run", is_flag=True, help="Check and plan; send nothing.")
@click.option("--sandbox", is_flag=True, help="Import into a local sandbox (no account needed).")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@full_option
@click.option(
    "--write-back",
    is_flag=True,
    help="Also save AGENDA.imported.xlsx: your workbook with status and IDs added.",
)
def run(
    agenda: Path | str | None,
    config: Path | None,
    dry_run: bool,
    sandbox: bool,
    no_progress: bool,
    write_back: bool,
    full: bool,
    **flags: Any,
) -> None:
    """Import the sessions of AGENDA (xlsx, xls, ods, csv) into a Zuddl event."""
    from importer.cli import console
    from importer.settings.config import load_settings

    settings = load_settings(config).with_overrides(**flags)
    console.setup_logging(settings)
    if sandbox:
        from importer.cli.embedded import embedded_sandbox

        with embedded_sandbox(settings, "importing into") as (local, key):
            code = console.run_and_report(
                agenda,
                local,
                key,
                dry_run=dry_run,
                progress=not no_progress,
                show_created=True,
                write_back=write_back,
                full=full,
            )
        sys.exit(code)
    with console.notify_on_error(settings, agenda):  # no key at 02:30 is news too
        key = _key(settings, needed=not dry_run)
    sys.exit(
        console.run_and_report(
            agenda,
            settings,
            key,
            dry_run=dry_run,
            progress=not no_progress,
            write_back=write_back,
            full=full,
        )
    )


@cli.command()
@mapping_options
@click.option("--sandbox", is_flag=True, help="Check against a local sandbox's event.")
def validate(agenda: Path | str | None, config: Path | None, sandbox: bool, **flags: Any) -> None:
    """Check AGENDA without importing; write AGENDA.checked.xlsx with the problems marked.

    No API key is needed; with --event and ZUDDL_API_KEY set, location names and parents
    are also checked against the event.
    """
    from importer.read.filetype import check_present
    from importer.settings.config import load_settings

    settings = load_settings(config).with_overrides(**flags)
    target = agenda or settings.agenda
    if isinstance(target, Path):  # a missing file is answered before the heavy imports
        check_present(target)
    from importer.cli import console

    if sandbox:
        from importer.cli.embedded import embedded_sandbox

        with embedded_sandbox(settings, "checking against") as (local, key):
            code = console.validate_and_report(agenda, local, key)
        sys.exit(code)
    sys.exit(console.validate_and_report(agenda, settings, _key(settings, needed=False)))


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def template(out: Path) -> None:
    """Write an agenda template to OUT (.xlsx with instructions, or .csv)."""
    from importer.write.template import write_template

    write_template(out)
    click.echo(f"Template written: {out}")


@cli.command()
@mapping_options
@click.option("--sandbox", is_flag=True, help="Plan against a local sandbox's event.")
@full_option
def plan(
    agenda: Path | str | None, config: Path | None, sandbox: bool, full: bool, **flags: Any
) -> None:
    """Show what a run would do: creates, updates (field by field), unchanged. Sends nothing."""
    from importer.cli import console
    from importer.settings.config import load_settings

    settings = load_settings(config).with_overrides(**flags)
    if sandbox:
        from importer.cli.embedded import embedded_sandbox

        with embedded_sandbox(settings, "planning against") as (local, key):
            code = console.plan_and_report(agenda, local, key, full)
        sys.exit(code)
    sys.exit(console.plan_and_report(agenda, settings, _key(settings, needed=True), full))


@cli.command()
@click.option("--event", "event_id", help="Zuddl event ID (a UUID).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="TOML settings.")
@click.option("--base-url", help="API address [https://api.zuddl.com].")
@click.option("--timezone", help="The event's time zone, if Zuddl's is not a zone name.")
@click.option("--sandbox", is_flag=True, help="Ask a local sandbox instead (to try it).")
@click.option("--profile", default="evidence", help="With --sandbox: the API variant it plays.")
def doctor(config: Path | None, sandbox: bool, profile: str, **flags: Any) -> None:
    """Ask Zuddl, read-only, what the docs leave open; print what was found and the config
    lines to use. Exit 0 when nothing blocks an import."""
    from importer.settings.config import Secret, load_settings
    from importer.sync.doctor import diagnose, render

    settings = load_settings(config).with_overrides(**flags)
    if sandbox:
        from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, SandboxSettings, run_sandbox
        from importer.sandbox.profiles import profile as played
        from importer.sandbox.settings import Faults

        try:
            played(profile)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--profile") from exc
        served = SandboxSettings(faults=Faults(profile=profile))
        with run_sandbox(served) as running:
            local = settings.with_overrides(base_url=running.base_url, event_id=DEMO_EVENT_ID)
            found = diagnose(local, Secret(DEMO_API_KEY))
    else:
        found = diagnose(settings, _key(settings, needed=True))
    click.echo(render(found))
    sys.exit(found.exit_code)


def _key(settings: Any, *, needed: bool) -> Any:
    """The API key from the environment; a dry run does without one."""
    from importer.errors import UsageError

    if settings.event_id is None:
        if needed:
            raise click.UsageError(
                'Give the event with --event EVENT_ID (or event = "..." in the config '
                "file), or use --sandbox."
            )
        return None
    try:
        return settings.api_key()
    except UsageError:
        if needed:
            raise
        return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and an exit code, never a traceback."""
    try:
        cli.main(args=argv, prog_name="zuddl-import", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except ImporterError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: users get one line; --debug shows the traceback
        if _Debug.on:  # keys are Secret objects: even a traceback shows them masked
            traceback.print_exc()
        click.echo(
            f"Internal error ({type(exc).__name__}): this is a bug in zuddl-import, not a "
            "problem with your file. Run again with --debug for the details and report them.",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)
