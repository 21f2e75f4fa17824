"""The ``zuddl-import`` command: parse flags, wire the library, print, choose the exit code.

Heavy modules (pandas, uvicorn) are imported inside commands so ``--help`` and the sandbox
start fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from importer import __version__
from importer.errors import ExitCode, ImporterError


class _Debug:
    on = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zuddl-import")
@click.option("--debug", is_flag=True, help="On an unexpected error, show its full details.")
def cli(debug: bool) -> None:
    """Import agenda spreadsheets into the sessions of a Zuddl event."""
    _Debug.on = debug


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--api-key", default=None, help="Key with READ and WRITE scope [sandbox-secret].")
@click.option("--read-only-key", multiple=True, help="A key with READ scope only (repeatable).")
@click.option("--event", "events", multiple=True, help="An event ID to serve (repeatable).")
@click.option("--timezone", default="UTC", show_default=True, help="Time zone of the events.")
@click.option(
    "--locations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON list of location names (or objects with name/id/type/mapLink).",
)
@click.option(
    "--speakers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON list of the event's speakers (objects with name and/or email, id optional).",
)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file.")
@click.option("--rate-limit", default=10.0, show_default=True, help="Requests/s per key; 0=none.")
@click.option("--max-concurrent", default=100, show_default=True, type=click.IntRange(1))
@click.option("--daily-quota", default=10_000, show_default=True, type=click.IntRange(0))
@click.option("--latency-ms", default=0.0, show_default=True, type=click.FloatRange(0))
@click.option("--jitter-ms", default=0.0, show_default=True, type=click.FloatRange(0))
@click.option("--error-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--throttle-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--drop-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--slow-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1))
@click.option("--slow-ms", default=30_000.0, show_default=True, type=click.FloatRange(0))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--profile",
    default="evidence",
    show_default=True,
    help="Which variant of the API to play: evidence, reference-id, lenient, strict, "
    "page-cap, sorted-list, upper-ids, late-commit, no-id, virtual-event, zone-text, "
    "no-speakers-list, quota-spent (see the README).",
)
def sandbox(**opts: Any) -> None:
    """Serve a local emulator of the Zuddl sessions API (no account needed)."""
    from importer.sandbox import settings as sb
    from importer.sandbox.people import read_speakers_file

    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(opts["timezone"])
    except (ValueError, KeyError) as exc:
        raise click.BadParameter(f"unknown time zone {opts['timezone']!r}") from exc
    event_ids = opts["events"] or (sb.DEMO_EVENT_ID,)
    events = []
    for event_id in event_ids:
        if not sb_event_id_ok(event_id):
            raise click.BadParameter(
                f"{event_id!r} is not an event ID (a UUID)", param_hint="--event"
            )
        places = sb.read_locations_file(opts["locations"], event_id) if opts["locations"] else None
        people = read_speakers_file(opts["speakers"], event_id) if opts["speakers"] else None
        events.append(sb.demo_event(event_id, opts["timezone"], places, people))
    from importer.sandbox.profiles import profile

    try:
        profile(opts["profile"])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--profile") from exc
    fault_names = [f for f in sb.Faults().as_dict() if f in opts]
    settings = sb.SandboxSettings(
        api_keys=(opts["api_key"] or sb.DEMO_API_KEY,),
        read_only_keys=tuple(opts["read_only_key"]),
        events=tuple(events),
        faults=sb.Faults(**{name: opts[name] for name in fault_names}),
        db_path=opts["db"],
    )
    from importer.sandbox.server import serve

    shown = f"[{opts['host']}]" if ":" in opts["host"] else opts["host"]
    click.echo(f"Zuddl sandbox at http://{shown}:{opts['port']}")
    for event in events:
        click.echo(f"  event {event.id}  ({event.name}, time zone {event.timezone})")
        for place in event.locations:
            click.echo(f"    location {place.id}  {place.name}")
    click.echo(f"  API key: {settings.api_keys[0]}   (send it in the Authorization header)")
    click.echo("Press Ctrl-C to stop.")
    serve(settings, host=opts["host"], port=opts["port"])


if TYPE_CHECKING:  # generic since click 8.4; older ones are not subscriptable at run time
    _ParamType = click.ParamType[Path | str]
else:
    _ParamType = click.ParamType


class _Agenda(_ParamType):
    """A file, or a link (https://...) to download it from; a link is kept as it is typed,
    since a path would fold its "//"."""

    name = "agenda"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        from importer.read.links import is_link

        if isinstance(value, Path):
            return value
        return str(value).strip() if is_link(str(value)) else Path(value)


def _mapping_options(command: Any) -> Any:
    """The options that say how to read the sheet and where it goes: shared by commands."""
    options = [
        click.argument("agenda", required=False, type=_Agenda()),
        click.option("--event", "event_id", help="Zuddl event ID (a UUID)."),
        click.option(
            "--sheet",
            help='Sheet to read (default: the first); "all", or names with commas, for several.',
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="TOML settings (see the README).",
        ),
        click.option("--timezone", help="Time zone of the sheet's times, e.g. Europe/Berlin."),
        click.option(
            "--date-order",
            type=click.Choice(["mdy", "dmy", "ymd"]),
            help="For dates like 03/04/2026.",
        ),
        click.option(
            "--date",
            "default_date",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            callback=lambda _ctx, _param, value: value.date() if value else None,
            help="Date of rows that give a time only, e.g. 2026-06-10.",
        ),
        click.option("--base-url", help="API address [https://api.zuddl.com]."),
        click.option(
            "--mode",
            type=click.Choice(["sync", "create-only"]),
            help="sync updates changed sessions; create-only never updates [sync].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_full_option = click.option(
    "--full", is_flag=True, help="Show long texts of the plan whole (they are cut otherwise)."
)


@cli.command()
@_mapping_options
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
@_full_option
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
@_mapping_options
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
@_mapping_options
@click.option("--sandbox", is_flag=True, help="Plan against a local sandbox's event.")
@_full_option
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
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--sandbox", is_flag=True, help="Import into a local sandbox (no account needed).")
@click.option("--event", "event_id", default="", help="Event ID to fill in on the first screen.")
@click.option("--base-url", default=None, help="API address [https://api.zuddl.com].")
def ui(port: int, sandbox: bool, event_id: str, base_url: str | None) -> None:
    """Serve a page on this computer: upload a sheet, see its problems, import, download."""
    import contextlib

    from importer.sandbox.server import bind
    from importer.settings.config import DEFAULT_BASE_URL, Secret
    from importer.ui.server import env_key, make_ui, serve_ui

    with contextlib.ExitStack() as stack:
        key, url = env_key(), base_url or DEFAULT_BASE_URL
        if sandbox:
            from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, run_sandbox

            running = stack.enter_context(run_sandbox())
            key, url, event_id = Secret(DEMO_API_KEY), running.base_url, DEMO_EVENT_ID
        sock = bind("127.0.0.1", port, "the page")
        bound = sock.getsockname()[1]
        page = make_ui(base_url=url, event_id=event_id, key=key, sandbox=sandbox, port=bound)
        click.echo("Zuddl session importer page. Open this address in your browser:")
        click.echo(f"  http://127.0.0.1:{bound}/?token={page.tokens.access}")
        click.echo("Only this address (with its token) opens the page. Press Ctrl-C to stop.")
        if sandbox:
            click.echo(f"Sandbox: imports go to a local emulator of Zuddl at {url}.")
        serve_ui(page, sock)


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


def sb_event_id_ok(event_id: str) -> bool:
    from importer.sandbox.validation import EVENT_ID_RE

    return bool(EVENT_ID_RE.match(event_id))


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
