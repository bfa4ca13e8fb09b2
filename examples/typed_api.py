"""The typed API: models and TypedDicts a type checker (mypy --strict) accepts as written.

    python examples/typed_api.py          # runs the checks below
    mypy --strict examples/typed_api.py   # type-checks them (tests/test_typed_api.py does both)
"""

from __future__ import annotations

from datetime import datetime, timezone

import collectguard
from collectguard import Attempt, AttemptDict, HistoryEntry, HistoryEntryDict, InputError, NoteContext, NoteContextDict


def main() -> None:
    policy = collectguard.load_policy("cn-card-collection")

    # Models: at as an ISO 8601 string (as in the dict form) or an aware datetime;
    # an attempt's fields but at, channel, party and contact may be left out.
    attempt = Attempt(at="2026-11-23T21:30:00+08:00", channel="call", party="third_party", relation="sibling",
                      contact="+86-21-5555-0101", facts={"recorded": True, "dedicated_line": True})
    history = [
        HistoryEntry(at="2026-11-23T20:40:00+08:00", channel="call", party="third_party",
                     contact="+86-21-5555-0101", outcome="no_answer"),
        # A history entry needs only at and channel (here, the party is not known).
        HistoryEntry(at=datetime(2026, 11, 23, 12, 45, tzinfo=timezone.utc), channel="call",
                     contact="+86-21-5555-0101", outcome="busy"),
    ]
    decision = policy.check_attempt(attempt, history)
    assert not decision.allowed and decision.denied_by == ["third-party-hourly-cap"]
    moved: datetime | None = decision.next_allowed_at
    assert moved is not None and moved.isoformat() == "2026-11-23T21:40:00+08:00"

    # The same as dicts, typed: a misspelt key or an unknown channel is a type error.
    as_dict: AttemptDict = {"at": "2026-11-23T21:30:00+08:00", "channel": "call", "party": "third_party",
                            "relation": "sibling", "contact": "+86-21-5555-0101",
                            "facts": {"recorded": True, "dedicated_line": True}}
    entries: list[HistoryEntryDict] = [
        {"at": "2026-11-23T20:40:00+08:00", "channel": "call", "party": "third_party",
         "contact": "+86-21-5555-0101", "outcome": "no_answer"},
        {"at": "2026-11-23T12:45:00Z", "channel": "call", "contact": "+86-21-5555-0101", "outcome": "busy"},
    ]
    assert policy.check_attempt(as_dict, entries).to_dict() == decision.to_dict()

    # Notes: the context says to whom the text is said.
    context: NoteContextDict = {"party": "third_party", "relation": "sibling"}
    note = policy.check_note("您好，您弟弟欠款三万二，请转告他尽快还款", context)
    assert note.denied_by == ["third-party-disclosure"]
    same = policy.check_note("您好，您弟弟欠款三万二，请转告他尽快还款", NoteContext(party="third_party", relation="sibling"))
    assert same.to_dict() == note.to_dict()

    # Bad input is the library's InputError, one line naming the field, from a model too.
    try:
        Attempt(at="2026-11-23T21:30:00", channel="call", party="debtor", contact="+86-138-0000-0000")
    except InputError as exc:
        assert str(exc).startswith("Attempt.at: '2026-11-23T21:30:00' has no UTC offset")
    else:
        raise AssertionError("a naive time was accepted")
    try:
        policy.check_note("您好")
    except InputError as exc:
        assert str(exc).startswith("context: missing")
    else:
        raise AssertionError("a note without a context was judged")
    print("typed API: ok")


if __name__ == "__main__":
    main()
