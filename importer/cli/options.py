"""The options several commands share: how to read the sheet, where it goes, how to show it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # generic since click 8.4; older ones are not subscriptable at run time
    ParamBase = click.ParamType[Path | str]
else:
    ParamBase = click.ParamType


class AgendaParam(ParamBase):
    """A file, or a link (https://...) to download it from; a link is kept as it is typed,
    since a path would fold its "//"."""

    name = "agenda"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        from importer.read.links import is_link

        if isinstance(value, Path):
            return value
        return str(value).strip() if is_link(str(value)) else Path(value)


def mapping_options(command: Any) -> Any:
    """The options that say how to read the sheet and where it goes: shared by commands."""
    options = [
        click.argument("agenda", required=False, type=AgendaParam()),
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


full_option = click.option(
    "--full", is_flag=True, help="Show long texts of the plan whole (they are cut otherwise)."
)
