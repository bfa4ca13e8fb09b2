"""Facts that are not an object are refused, however empty they look."""

from __future__ import annotations

import pytest

import collectguard

CALL = {"at": "2026-11-23T10:00:00+08:00", "channel": "call", "party": "debtor", "contact": "+86-21-5555-0101"}


@pytest.mark.parametrize("facts", [[], "", False, 0, "stop_contact"])
def test_facts_that_are_not_an_object_are_refused(facts: object) -> None:
    policy = collectguard.load_policy("cn-card-collection")
    with pytest.raises(collectguard.InputError, match="attempt.facts: expected an object"):
        policy.check_attempt({**CALL, "facts": facts})
    with pytest.raises(collectguard.InputError, match="context.facts: expected an object"):
        policy.check_note("hello", {"party": "debtor", "facts": facts})


def test_no_facts_and_empty_facts_read_alike() -> None:
    policy = collectguard.load_policy("cn-card-collection")
    assert policy.check_attempt({**CALL, "facts": {}}) == policy.check_attempt({**CALL, "facts": None})
