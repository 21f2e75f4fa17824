"""The session fields: one entry per field, and every per-field table derives from it.

A field is what a column of the agenda gives a session. Its entry says how users name it
(label, header aliases, the page's choice), what the template shows and checks for it, the
JSON key Zuddl keeps it under, and how a re-run compares it with the session in Zuddl. Adding
a field is one entry here plus the code that gives it meaning: its cell parser (check/mapper.py),
its `Draft` attribute, what the plan wants (plan/build.py) and the body sends (sync/wire.py).
Every layer imports this module, so it imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# Zuddl's longest title: the draft refuses longer, the template says so and Excel checks it.
MAX_TITLE = 500
# 23:59:59 as a fraction of a day, which is how Excel itself stores a time limit.
LAST_SECOND = "0.999988425925926"
# What a column can be sent to besides a field: nowhere (the config's and the page's word).
IGNORE = "ignore"

# How a re-run compares the field with the session in Zuddl. plan/reconcile.py compares
# "value" as it is, "id" in any case and "set" in any order (tags); the two others are kept in
# step after the session is sent: "linked" speakers are linked and unlinked to match the sheet
# (sync/speakerlinks.py), "added" files only for addresses the session lacks
# (check/sessionfiles.py: Zuddl has no call to remove a file).
How = Literal["value", "id", "set", "linked", "added"]
RECONCILED: tuple[How, ...] = ("value", "id", "set")
# How several columns feed one field: "one" takes the best-named column (the others are noted
# and left out); "joined" joins columns the config maps there on purpose; "collected" takes
# every column named for it, mapped or not ("Speaker" and "Moderator" both name people).
Several = Literal["one", "joined", "collected"]
# Excel's names for a validation's type and comparison.
Check = Literal["whole", "decimal", "list", "date", "time", "textLength", "custom"]
Operator = Literal[
    "between",
    "notBetween",
    "equal",
    "notEqual",
    "lessThan",
    "lessThanOrEqual",
    "greaterThan",
    "greaterThanOrEqual",
]


@dataclass(frozen=True, slots=True)
class Compared:
    """How a re-run compares the field, under the plan's name for it (`RemoteSession`'s)."""

    key: str
    how: How


@dataclass(frozen=True, slots=True)
class Validation:
    """What Excel checks as staff type into the field's template column, in Excel's terms.

    In a formula ``{cell}`` is the column's first cell and ``{references}`` the Reference ID
    column's range, fixed when Excel copies the check down.
    """

    kind: Check
    formula1: str
    prompt: tuple[str, str]  # (title, text) shown when a cell is chosen
    error: tuple[str, str]  # (title, text) shown when Excel refuses what was typed
    operator: Operator | None = None
    formula2: str | None = None
    warn_only: bool = False  # Excel warns but lets the value stand


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """The field's column in the agenda template, and the help its header and the
    Instructions sheet show."""

    letter: str  # where it stands: "A" is the first column
    header: str
    what: str  # what goes there
    how: str  # how to write it
    validation: Validation | None = None
    # Whether the example agendas and sample sheets have the column too (check/columns.py's
    # CANONICAL_HEADERS): Speakers needs speakers set up in the event first.
    in_samples: bool = True


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # the config file's and the page's word: "location" in [columns]
    label: str  # in messages: "the sheet already gives the start time"
    # Headers that name the field by themselves, normalised (lower case, letters and digits
    # only). Earlier ones win when two columns claim the field ("Title" beats "Name").
    aliases: tuple[str, ...]
    # The session object's keys the field is sent under or read from; () when it only feeds
    # other fields (a date feeds start and end). The reference has two names: one is sent.
    json: tuple[str, ...] = ()
    compared: Compared | None = None  # None: never compared with Zuddl (a key, or a part)
    template: TemplateColumn | None = None
    several: Several = "one"
    # A field every sheet must give: how to name its column, for the message when none does.
    required: str | None = None

    @property
    def choice(self) -> str:
        """The page's name for it in a column's list of choices."""
        return self.label[0].upper() + self.label[1:]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# In the order users meet them: the config file's list of fields, the page's choices.
FIELDS: tuple[Field, ...] = (
    Field(
        name="title",
        label="title",
        aliases=_words(
            "title sessiontitle sessionname name talktitle talk subject event eventname session"
        ),
        json=("title",),
        compared=Compared("title", "value"),
        template=TemplateColumn(
            "C",
            "Title",
            "The name of the session as attendees see it. Required.",
            f"Text, at most {MAX_TITLE} characters.",
            Validation(
                "textLength",
                str(MAX_TITLE),
                ("Title", f"The session's name, at most {MAX_TITLE} characters."),
                ("Title too long", f"A title can have at most {MAX_TITLE} characters. Shorten it."),
                operator="lessThanOrEqual",
            ),
        ),
        several="joined",
        required='"Title"',
    ),
    Field(
        name="description",
        label="description",
        aliases=_words("description abstract summary sessiondescription details desc synopsis"),
        json=("description",),
        compared=Compared("description", "value"),
        template=TemplateColumn(
            "D",
            "Description",
            "A few sentences about the session. Optional.",
            "Plain text, or simple HTML such as <p>...</p>.",
        ),
        several="joined",
    ),
    Field(
        name="start",
        label="start time",
        aliases=_words(
            "start starttime starts startdatetime begin begins from time timeslot startat "
            "scheduledat"
        ),
        json=("startDateTime",),
        compared=Compared("start", "value"),
        template=TemplateColumn(
            "F",
            "Start Time",
            "When the session starts, in the event's local time. Required.",
            "A time, such as 09:30 or 9:30 AM.",
            Validation(
                "time",
                "0",
                (
                    "Start Time",
                    "When the session starts, such as 09:30, in the event's local time.",
                ),
                ("Not a time", "Type a time of day, such as 09:30 or 9:30 AM, without the date."),
                operator="between",
                formula2=LAST_SECOND,
            ),
        ),
        required='"Start" (or "Date" and "Start Time")',
    ),
    Field(
        name="end",
        label="end time",
        aliases=_words("end endtime ends enddatetime finish finishtime until to"),
        json=("endDateTime",),
        compared=Compared("end", "value"),
        template=TemplateColumn(
            "G",
            "End Time",
            "When the session ends, on the same day. Required, and later than the start time.",
            "A time, such as 10:15.",
            Validation(
                "time",
                "0",
                ("End Time", "When the session ends, such as 10:15. Later than the start time."),
                ("Not a time", "Type a time of day, such as 10:15 or 10:15 AM, without the date."),
                operator="between",
                formula2=LAST_SECOND,
            ),
        ),
    ),
    Field(
        name="date",
        label="date",
        aliases=_words("date day sessiondate eventdate"),
        template=TemplateColumn(
            "E",
            "Date",
            "The day of the session. Required.",
            "A date, such as 2026-06-10. Excel may show it in your own date style; that is fine.",
            Validation(
                "date",
                "DATE(2000,1,1)",
                ("Date", "The day of the session, such as 2026-06-10."),
                ("Not a date", "Type a date, such as 2026-06-10."),
                operator="between",
                formula2="DATE(2099,12,31)",
            ),
        ),
    ),
    Field(
        name="duration",
        label="duration",
        aliases=_words(
            "duration durationmin durationmins durationminutes length lengthmin minutes mins "
            "scheduledduration"
        ),
    ),
    Field(
        name="location",
        label="location",
        aliases=_words("location room venue locationid locationname stage hall place roomname"),
        json=("locationId",),
        compared=Compared("location_id", "id"),
        template=TemplateColumn(
            "H",
            "Location",
            "The room or stage, spelled as it is set up in the event in Zuddl. Optional.",
            "A location name such as Main Hall; capitals and spaces do not matter.",
        ),
    ),
    Field(
        name="capacity",
        label="capacity",
        aliases=_words(
            "capacity seats totalcapacity maxattendees availablespots maxcapacity spots"
        ),
        json=("totalCapacity",),
        compared=Compared("capacity", "value"),
        template=TemplateColumn(
            "I",
            "Capacity",
            "How many people can attend. Optional.",
            "A whole number, 0 or more, such as 120.",
            Validation(
                "whole",
                "0",
                ("Capacity", "How many people can attend: a whole number, 0 or more. Optional."),
                (
                    "Not a whole number",
                    "Type a whole number, 0 or more, such as 120, or leave the cell empty.",
                ),
                operator="greaterThanOrEqual",
            ),
        ),
    ),
    Field(
        name="reference",
        label="reference ID",
        aliases=_words(
            "referenceid reference ref refid externalid externalrefid externalreference "
            "sessioncode sessionref code sessionid id"
        ),
        # The docs' examples name it externalRefId, the spec card referenceId (see sync/wire.py).
        json=("externalRefId", "referenceId"),
        template=TemplateColumn(
            "A",
            "Reference ID",
            "Your own short code for the session, different on every row. Other rows use it to "
            "name their parent, and the next import uses it to find the session again and update "
            "it instead of making a copy. Recommended.",
            "Letters, digits and dashes, such as KEY-1 or TRK-1-01.",
            Validation(
                "custom",
                "COUNTIF({references},{cell})<=1",
                ("Reference ID", "A short code of your own, different on every row."),
                (
                    "Reference ID used twice",
                    "Another row already has this Reference ID. Give each session its own.",
                ),
            ),
        ),
    ),
    # The column this tool writes into results and written-back workbooks: read back as the
    # strongest key, never compared.
    Field(
        name="zuddl_id",
        label="Zuddl session ID",
        aliases=_words("zuddlsessionid zuddlid"),
        json=("id",),
    ),
    Field(
        name="parent",
        label="parent reference",
        aliases=_words(
            "parent parentreference parentref parentid partof parentsession parentsessionref "
            "parentcode belongsto"
        ),
        json=("parentSessionId",),
        compared=Compared("parent", "id"),
        template=TemplateColumn(
            "B",
            "Parent",
            "Empty for a session on its own. For a talk that is part of a track or workshop, the "
            "Reference ID of that track or workshop (pick it from the list).",
            "A Reference ID from column A, or the ID of a session already in the event.",
            Validation(
                "list",
                "{references}",
                (
                    "Parent",
                    "Empty for a session on its own; else pick the Reference ID of its "
                    "track or workshop.",
                ),
                (
                    "Parent not in column A",
                    "This is not a Reference ID in column A. Keep it only if "
                    "it is the ID of a session already in the event.",
                ),
                # The parent may be a session already in the event, not in this list.
                warn_only=True,
            ),
        ),
    ),
    Field(
        name="tags",
        label="tags",
        aliases=_words(
            "tags tag track tracks category categories topics keywords labels type "
            "sessiontype topic format sessionformat level audience difficulty"
        ),
        json=("tags",),
        compared=Compared("tags", "set"),
        template=TemplateColumn(
            "J",
            "Tags",
            "Words that group sessions, such as the track or level. Optional.",
            "Words separated by commas, such as Keynote, Beginner.",
        ),
        several="joined",
    ),
    Field(
        name="speakers",
        label="speakers",
        aliases=_words(
            "speakers speaker presenters presenter panelists panelist panellists panellist "
            "moderators moderator authors author chairs chair speakernames speakername "
            "speakeremails speakeremail"
        ),
        json=("speakers",),
        compared=Compared("speakers", "linked"),
        template=TemplateColumn(
            "K",
            "Speakers",
            "Who speaks, in the order attendees should see them. They must already be speakers of "
            "the event in Zuddl (the import links them; it cannot add new people). Optional.",
            "Names or e-mails separated by commas, such as Ada Lovelace + grace@example.com.",
            in_samples=False,
        ),
        several="collected",
    ),
    Field(
        name="links",
        label="links",
        aliases=_words(
            "links link slides slideslink slidesurl presentation recording recordings "
            "recordinglink recordingurl video videolink videourl stream streamlink streamurl "
            "livestream"
        ),
        json=("files",),
        compared=Compared("files", "added"),
        several="collected",
    ),
)
BY_NAME: Mapping[str, Field] = {f.name: f for f in FIELDS}
COLUMN_TARGETS = (*BY_NAME, IGNORE)  # what a column can be sent to: a field, or nowhere
REQUIRED = tuple(f.name for f in FIELDS if f.required)


def _place(column: TemplateColumn) -> tuple[int, str]:
    return len(column.letter), column.letter  # "Z" before "AA", as in Excel


# The template's columns, left to right.
TEMPLATE_COLUMNS = tuple(sorted((f.template for f in FIELDS if f.template), key=_place))
