"""plan/speakerchanges.py: what a session's speaker links need, and the calls that costs."""

from __future__ import annotations

from importer.check.speakers import EventSpeaker
from importer.plan.speakerchanges import MINUS, speaker_calls, speaker_change, speaker_name

ADA, GRACE, ALAN = (EventSpeaker(i, n) for i, n in (("a", "Ada"), ("g", "Grace"), ("t", "Alan")))
KNOWN = {s.id: s for s in (ADA, GRACE, ALAN)}


def test_nothing_to_do_costs_nothing() -> None:
    change = speaker_change(2, [ADA, GRACE], ["a", "g"], KNOWN)
    assert (change.add, change.remove, change.calls, change.text()) == ((), (), 0, "")


def test_speakers_added_after_the_kept_ones_are_one_post_at_their_places() -> None:
    change = speaker_change(2, [ADA, GRACE, ALAN], ["a"], KNOWN)
    assert (change.add, change.orders, change.remove) == ((GRACE, ALAN), (2, 3), ())
    assert change.calls == 1
    assert change.text() == "+ Grace, + Alan"


def test_speakers_dropped_are_one_delete_and_the_others_keep_their_order() -> None:
    change = speaker_change(2, [ADA, ALAN], ["a", "g", "t"], KNOWN)
    assert (change.add, change.remove, change.calls) == ((), (GRACE,), 1)
    assert change.text() == f"{MINUS} Grace"
    assert not change.reordered


def test_a_new_order_detaches_and_reattaches_those_out_of_place() -> None:
    change = speaker_change(2, [GRACE, ADA], ["a", "g"], KNOWN)
    assert (change.remove, change.add, change.orders) == ((ADA, GRACE), (GRACE, ADA), (1, 2))
    assert change.calls == 2
    assert change.reordered and change.new == () and change.dropped == ()
    assert change.text() == "order: Grace, Ada"


def test_one_inserted_in_the_middle_moves_those_after_it() -> None:
    change = speaker_change(2, [ADA, ALAN, GRACE], ["a", "g"], KNOWN)
    assert (change.remove, change.add, change.orders) == ((GRACE,), (ALAN, GRACE), (2, 3))
    assert change.text() == "+ Alan; order: Ada, Alan, Grace"


def test_an_unknown_linked_id_is_removed_by_its_id() -> None:
    change = speaker_change(2, [], ["zz"], KNOWN)
    assert change.remove == (EventSpeaker("zz", ""),)
    assert change.text() == f"{MINUS} zz"


def test_names_fall_back_to_email_then_id_and_calls_add_up() -> None:
    assert speaker_name(EventSpeaker("x", "", "x@example.com")) == "x@example.com"
    assert speaker_name(EventSpeaker("x", "")) == "x"
    changes = {
        2: speaker_change(2, [GRACE, ADA], ["a", "g"]),
        3: speaker_change(3, [ADA], []),
        4: speaker_change(4, [ADA], ["a"]),
    }
    assert speaker_calls(changes) == 3
