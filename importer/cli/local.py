"""The commands that serve something on this computer: the sandbox (a fake Zuddl API) and the
page. Their heavy modules (uvicorn, starlette) are imported inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from importer.errors import UsageError
from importer.settings.checks import check_timezone


@click.command()
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
    from importer.sandbox.validation import EVENT_ID_RE

    try:
        check_timezone(opts["timezone"])
    except UsageError as exc:
        raise click.BadParameter(exc.message, param_hint="--timezone") from exc
    event_ids = opts["events"] or (sb.DEMO_EVENT_ID,)
    events = []
    for event_id in event_ids:
        if not EVENT_ID_RE.match(event_id):  # the sandbox's own rule: what it can serve
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


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--sandbox", is_flag=True, help="Import into a local sandbox (no account needed).")
@click.option("--event", "event_id", default="", help="Event ID to fill in on the first screen.")
@click.option("--base-url", default=None, help="API address [https://api.zuddl.com].")
def ui(port: int, sandbox: bool, event_id: str, base_url: str | None) -> None:
    """Serve a page on this computer: upload a sheet, see its problems, import, download."""
    import contextlib

    from importer.settings.config import DEFAULT_BASE_URL, Secret
    from importer.ui.server import bind_page, env_key, make_ui, serve_ui

    with contextlib.ExitStack() as stack:
        key, url = env_key(), base_url or DEFAULT_BASE_URL
        if sandbox:
            from importer.sandbox import DEMO_API_KEY, DEMO_EVENT_ID, run_sandbox

            running = stack.enter_context(run_sandbox())
            key, url, event_id = Secret(DEMO_API_KEY), running.base_url, DEMO_EVENT_ID
        sock = bind_page("127.0.0.1", port)
        bound = sock.getsockname()[1]
        page = make_ui(base_url=url, event_id=event_id, key=key, sandbox=sandbox, port=bound)
        click.echo("Zuddl session importer page. Open this address in your browser:")
        click.echo(f"  http://127.0.0.1:{bound}/?token={page.tokens.access}")
        click.echo("Only this address (with its token) opens the page. Press Ctrl-C to stop.")
        if sandbox:
            click.echo(f"Sandbox: imports go to a local emulator of Zuddl at {url}.")
        serve_ui(page, sock)
