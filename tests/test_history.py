"""History as caps count it: one contact however its number is written."""

from __future__ import annotations

import pytest

import collectguard
from collectguard._history import same_contact

CALL = {"channel": "call", "party": "third_party", "relation": "sibling",
        "facts": {"recorded": True, "dedicated_line": True}}


@pytest.mark.parametrize("a, b", [
    ("+86-21-5555-0101", "+86 21 5555 0101"), ("+862155550101", "+86 (21) 5555.0101"),
    ("x", "x "), ("Debtor@Example.com", "debtor@example.com"),
])
def test_two_spellings_of_one_contact_compare_equal(a: str, b: str) -> None:
    assert same_contact(a) == same_contact(b)


def test_other_contacts_stay_apart() -> None:
    assert same_contact("+86-21-5555-0101") != same_contact("+86-21-5555-0102")
    assert same_contact("a@example.com") != same_contact("b@example.com")


@pytest.mark.parametrize("written", ["+86 21 5555 0101", "+862155550101", "+86-21-5555-0101 "])
def test_a_cap_counts_calls_to_the_same_number_written_another_way(written: str) -> None:
    # The hourly cap (2 unanswered calls an hour to a third party): two earlier calls logged
    # with the number in another form still count.
    policy = collectguard.load_policy("cn-card-collection")
    history = [{"at": f"2026-11-23T21:{m:02d}:00+08:00", "channel": "call", "party": "third_party",
                "contact": "+86-21-5555-0101", "outcome": "no_answer"} for m in (5, 20)]
    decision = policy.check_attempt({**CALL, "at": "2026-11-23T21:30:00+08:00", "contact": written}, history)
    assert not decision.allowed and decision.denied_by == ["third-party-hourly-cap"]
    other = policy.check_attempt({**CALL, "at": "2026-11-23T21:30:00+08:00", "contact": "+86 21 5555 0102"},
                                 history)
    assert other.allowed


def test_a_session_counts_the_number_however_it_was_recorded() -> None:
    # Sessions (and so plan and audit) index history by contact: the same form as a check.
    policy = collectguard.load_policy("cn-card-collection")
    history = [{"at": f"2026-11-23T21:{m:02d}:00+08:00", "channel": "call", "party": "third_party",
                "contact": "+86-21-5555-0101", "outcome": "no_answer"} for m in (5,)]
    session = policy.session(history)
    session.record({**CALL, "at": "2026-11-23T21:20:00+08:00", "contact": "+86 21 5555 0101"}, "no_answer")
    decision = session.check({**CALL, "at": "2026-11-23T21:30:00+08:00", "contact": "+862155550101"})
    assert decision.denied_by == ["third-party-hourly-cap"]
    assert decision == policy.check_attempt({**CALL, "at": "2026-11-23T21:30:00+08:00", "contact": "+862155550101"},
                                            history + [{"at": "2026-11-23T21:20:00+08:00", "channel": "call",
                                                        "party": "third_party", "contact": "+86 21 5555 0101",
                                                        "outcome": "no_answer"}])
