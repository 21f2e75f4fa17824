"""The page shows speakers (issue 17): each row's speakers as found in the event on the check
screen, each session's speaker changes and their calls on the plan screen; the import then
makes those changes, checked in the sandbox."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from importer.ui.server import RunningUi, run_ui
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import import_into, write_csv
from tests.test_speaker_plan import FIRST, SECOND
from tests.test_speakers import ADA, ALAN, GRACE, HEADERS, JOSE, linked
from tests.test_ui_server import connect, signed_in


@pytest.fixture
def ui(sandbox: SandboxHandle) -> Iterator[RunningUi]:
    with run_ui(base_url=sandbox.base_url, event_id=sandbox.event_id) as running:
        yield running


def cells(page: str, pattern: str) -> list[str]:
    """The text of every element ``pattern`` finds, tags dropped, spaces joined."""
    found = re.findall(pattern, page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", f)).split()) for f in found]


def test_check_and_plan_screens_show_the_speakers(
    ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    import_into(sandbox, write_csv(tmp_path / "a.csv", FIRST, HEADERS))
    second = [list(r) for r in SECOND]
    second[1][5] = "Alan Turing, Nobody Known"
    agenda = write_csv(tmp_path / "b.csv", second, HEADERS)
    client = signed_in(ui)
    connect(client, ui, sandbox)
    with agenda.open("rb") as handle:
        client.post("/upload", data={"csrf": ui.tokens.csrf}, files={"agenda": ("b.csv", handle)})
    assert client.post("/columns", data={"csrf": ui.tokens.csrf}).headers["location"] == "/check"

    check = client.get("/check").text
    assert "Speakers found in the event</th>" in check
    assert cells(check, r'<td class="speakers[^"]*">(.*?)</td>') == [
        "Ada Lovelace, José Martínez",
        "Alan Turing; not found: Nobody Known",
        "Ada Lovelace, Grace Hopper",
        "Alan Turing",
        "Alan Turing, Ada Lovelace",
        "Grace Hopper",
    ]
    assert '<td class="speakers warn">' in check  # the row with a name not found

    assert client.post("/plan", data={"csrf": ui.tokens.csrf}).headers["location"] == "/plan"
    plan = client.get("/plan").text
    assert cells(plan, r'<li class="update" id="speaker-count">(.*?)</li>') == [
        "5 with speaker changes (8 calls)"
    ]
    table = plan.split('id="speakers"', 1)[1].split("</table>", 1)[0]
    assert cells(table, r"<tr>(.*?)</tr>")[1:] == [
        "2 S0 Talk 0 + José Martínez, \u2212 Grace Hopper",
        "4 S2 Talk 2 + Ada Lovelace; order: Ada Lovelace, Grace Hopper",
        "5 S3 Talk 3 \u2212 Grace Hopper",
        "6 S4 Talk 4 order: Alan Turing, Ada Lovelace",
        "7 S5 Talk 5 + Grace Hopper",
    ]
    assert cells(plan, r'<button type="submit" class="primary" id="start">(.*?)</button>') == [
        "Import now: 6 changes"  # 1 create, 1 update, 4 sessions whose speakers alone change
    ]

    started = client.post("/import", data={"csrf": ui.tokens.csrf, "plan": ui.workspace.plan_token})
    assert started.headers["location"] == "/import"
    for _ in range(1000):
        status = client.get("/import/status").json()
        if status["state"] != "running":
            break
        time.sleep(0.02)
    assert (status["state"], status["counts"]) == ("done", {"created": 1, "updated": 1})
    assert linked(sandbox) == {
        "S0": [ADA.id, JOSE.id],
        "S1": [ALAN.id],
        "S2": [ADA.id, GRACE.id],
        "S3": [ALAN.id],
        "S4": [ALAN.id, ADA.id],
        "S5": [GRACE.id],
    }
