"""sync/connect.py: the page's first contact, through the library's client."""

from __future__ import annotations

import pytest

from importer.errors import ApiError
from importer.sandbox import DEMO_EVENT_ID
from importer.settings.config import Secret
from importer.sync.connect import event_info
from tests.unit.sandbox_app import KEY, base_url, sandbox_app, transport


def test_the_event_is_named_with_its_zone() -> None:
    app = sandbox_app()
    info = event_info(base_url(), DEMO_EVENT_ID, KEY, transport=transport(app))
    assert (info.name, info.timezone) == ("Sandbox Demo Event", "UTC")


def test_a_wrong_key_is_said_at_once() -> None:
    app = sandbox_app()
    with pytest.raises(ApiError) as caught:
        event_info(base_url(), DEMO_EVENT_ID, Secret("nope"), transport=transport(app))
    assert caught.value.message == (
        "Zuddl refused the API key (401). Check that the key is right and was created for "
        "Backend usage."
    )
