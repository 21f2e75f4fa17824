"""Which column of the sheet holds which session field: aliases, config mappings, hints."""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from importer.errors import InputFileError
from importer.fields import BY_NAME, FIELDS, REQUIRED, TEMPLATE_COLUMNS
from importer.read.table import Table
from importer.settings.config import MappingOptions

# The headers the template, the examples and the README use.
CANONICAL_HEADERS = tuple(c.header for c in TEMPLATE_COLUMNS if c.in_samples)
# Earlier aliases win when two columns claim one field ("Title" beats "Name").
ALIASES = {f.name: f.aliases for f in FIELDS}
# Columns this tool adds to results and written-back sheets: never read back as data.
OWN_COLUMNS = frozenset(
    {
        "row",
        "status",
        "message",
        "zuddlparentid",
        "httpstatus",
        "referenceidused",
        "importstatus",
        "importmessage",
        "speakerslinked",
        "speakersnotfound",
    }
)
# Columns the results sheet writes anew: an input column of the same name is not repeated there.
RESULT_COLUMNS = OWN_COLUMNS | {"zuddlsessionid"}
# Columns this tool adds when it reshapes an agenda (grid.py, sheets.py, schedules.py,
# speakerrows.py): shown in the results, never imported, not noted as unknown.
# ("Speakers" is one of them, but also the speakers field's alias, which wins.)
SHAPE_COLUMNS = frozenset({"rooms", "cell", "sheet", "sheetrow", "speakers"})
_ALIAS_RANK = {
    alias: (field, rank) for field, names in ALIASES.items() for rank, alias in enumerate(names)
}
FIELD_LABELS = {f.name: f.label for f in FIELDS}


def normalise_header(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", ascii_text.lower())


def field_of(header: str) -> str | None:
    """The field a header names by itself (an alias), or None."""
    found = _ALIAS_RANK.get(normalise_header(header))
    return found[0] if found else None


def is_known_header(text: str) -> bool:
    """For the loader's header search: does this cell name a session field?"""
    key = normalise_header(text)
    return key in _ALIAS_RANK or key in OWN_COLUMNS


# Fields that several columns may feed (joined or collected); any other takes one column.
JOINABLE = tuple(f.name for f in FIELDS if f.several == "joined")
# Fields several columns feed without a mapping: "Speaker" and "Moderator" both name people.
COLLECTED = tuple(f.name for f in FIELDS if f.several == "collected")


@dataclass(frozen=True)
class ColumnMap:
    fields: Mapping[str, int]  # field -> column index (the first, for joinable fields)
    headers: tuple[str, ...]
    notes: tuple[str, ...]
    letters: tuple[str, ...] = ()  # Excel column letters, for cell addresses like "D14"
    more: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # joinable: the others
    prefixed: frozenset[int] = frozenset()  # columns whose header prefixes their values

    def header(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def cell(self, name: str, row: int) -> str | None:
        index = self.fields.get(name)
        return None if index is None or not self.letters else f"{self.letters[index]}{row}"

    def all_of(self, name: str) -> tuple[int, ...]:
        """Every column feeding a field, in sheet order."""
        first = self.fields.get(name)
        return () if first is None else tuple(sorted((first, *self.more.get(name, ()))))


def _explicit(table: Table, options: MappingOptions) -> dict[int, tuple[str, str]]:
    """[columns] as column index -> (field, key): by header, else letter ("C") or place ("#3")."""
    by_header = {normalise_header(h): i for i, h in enumerate(table.headers)}
    letters = {letter: i for i, letter in enumerate(table.columns)}
    result: dict[int, tuple[str, str]] = {}
    for name, target in options.columns.items():
        key, text = normalise_header(name), name.strip()
        if key in by_header:
            for index, header in enumerate(table.headers):  # every column of that name
                if normalise_header(header) == key:
                    result.setdefault(index, (target, name))
        elif re.fullmatch(r"[A-Z]{1,3}", text) and text in letters:
            result[letters[text]] = (target, name)
        elif re.fullmatch(r"#?\d{1,4}", text) and 1 <= int(text.lstrip("#")) <= len(table.headers):
            result[int(text.lstrip("#")) - 1] = (target, name)
    return result


def match_columns(
    table: Table, options: MappingOptions, required: Sequence[str] = REQUIRED
) -> ColumnMap:
    headers, notes = table.headers, []
    explicit = _explicit(table, options)
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, index); explicit mappings rank -1
    more: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        key = normalise_header(header)
        field_, rank = (
            (explicit[index][0], -1) if index in explicit else _ALIAS_RANK.get(key, ("", 0))
        )
        if field_ == "ignore" or (not field_ and key in OWN_COLUMNS | SHAPE_COLUMNS):
            continue
        if not field_:
            notes.append(f'Column "{header}" is not a session field and is not imported.')
            continue
        explicit_join = rank == -1 and chosen.get(field_, (0,))[0] == -1 and field_ in JOINABLE
        if field_ in chosen and (explicit_join or field_ in COLLECTED):
            more.setdefault(field_, []).append(index)  # several columns sent there on purpose
            continue
        if field_ in chosen and chosen[field_][0] <= rank:
            notes.append(
                f'Column "{header}" is not imported: "{headers[chosen[field_][1]]}" '
                f"already gives the {FIELD_LABELS[field_]}."
            )
            continue
        if field_ in chosen:
            notes.append(
                f'Column "{headers[chosen[field_][1]]}" is not imported: "{header}" '
                f"gives the {FIELD_LABELS[field_]}."
            )
        chosen[field_] = (rank, index)
    fields = {name: index for name, (_, index) in chosen.items()}
    where = f'{table.path.name}, sheet "{table.sheet}"' if table.sheet else table.path.name
    missing = [needed for needed in required if needed not in fields]
    if missing:  # all of them at once: one upload, one list of what to add
        raise InputFileError(_missing(where, missing, table, fields))
    prefixed = frozenset(i for i, (_, name) in explicit.items() if name in options.prefixed)
    extra = {name: tuple(indices) for name, indices in more.items()}
    return ColumnMap(fields, headers, tuple(notes), table.columns, extra, prefixed)


_TIME_TEXT = re.compile(r"\b\d{1,2}\s*([:.h]\s*\d{2}|[ap]\.?m\b)", re.IGNORECASE)


def _missing(where: str, missing: Sequence[str], table: Table, used: Mapping[str, int]) -> str:
    """What is missing, each field with the header that may hold it (by name and by values)."""
    hints = [(name, _closest(name, table, used)) for name in missing]
    found = [(name, header) for name, header in hints if header is not None]
    if len(missing) == 1:
        hint = f' Did you mean "{found[0][1]}"?' if found else ""
        return (
            f"{where} has no column for the session {FIELD_LABELS[missing[0]]}. Name a column "
            f"{_example(missing[0])}, or map one in the config file under [columns].{hint}"
        )
    labels = " and none for the ".join(FIELD_LABELS[name] for name in missing)
    examples = " and a column ".join(_example(name) for name in missing)
    hint = " and ".join(f'"{header}" for the {FIELD_LABELS[name]}' for name, header in found)
    return (
        f"{where} has no column for the session {labels}. Name a column {examples}, or map "
        f"them in the config file under [columns].{f' Did you mean {hint}?' if hint else ''}"
    )


def _example(field: str) -> str:
    return BY_NAME[field].required or f'"{BY_NAME[field].choice}"'


def _closest(field: str, table: Table, used: Mapping[str, int]) -> str | None:
    """A free header named like the field whose values could be it (a column of names is
    never offered as the start time, whatever its header)."""
    headers = table.headers
    free = {normalise_header(h): i for i, h in enumerate(headers) if i not in used.values()}
    close = difflib.get_close_matches(ALIASES[field][0], list(free), n=3, cutoff=0.5)
    for alias in ALIASES[field][1:]:
        close = close or difflib.get_close_matches(alias, list(free), n=3, cutoff=0.75)
    for key in close:
        values = [r.values[free[key]] for r in table.rows[:50] if r.values[free[key]] is not None]
        if not values or sum(looks_like(field, v) for v in values) * 2 >= len(values):
            return headers[free[key]]
    return None


def looks_like(field: str, value: object) -> bool:
    timed = isinstance(value, datetime.datetime | datetime.time) or bool(
        isinstance(value, str) and _TIME_TEXT.search(value)
    )
    if field == "start":
        return timed
    return isinstance(value, str) and any(c.isalpha() for c in value) and not timed
