"""fact-block: facts that block contact, with no wait that helps."""

from __future__ import annotations

import pytest

from conftest import attempt, policy_from

POLICY = """
id: t
version: "1"
timezone: UTC
facts:
  complaint: {type: reference, meaning: an open complaint's reference, absent: unknown}
  complaint_status: {type: enum, values: [open, closed], meaning: where the complaint stands, absent: unknown}
  stop_contact: {type: boolean, meaning: the creditor said to stop, absent: false}
  consent_ref: {type: reference, meaning: the debtor's consent to contact, absent: unknown}
rules:
  - id: complaint
    kind: fact-block
    params:
      facts: {complaint: {present: true}, complaint_status: {not: closed}}
"""


@pytest.mark.parametrize("facts, blocked", [
    ({}, False),
    ({"complaint": ""}, False),
    ({"complaint": "C-17"}, True),
    ({"complaint": "C-17", "complaint_status": "open"}, True),
    ({"complaint": "C-17", "complaint_status": "closed"}, False),
])
def test_all_listed_facts_must_match(facts: dict, blocked: bool) -> None:
    decision = policy_from(POLICY).check_attempt(attempt("2026-11-23T10:00:00Z", facts=facts))
    assert decision.allowed is not blocked
    if blocked:
        assert decision.next_allowed_at is None
        assert decision.reasons[0].evidence["facts"]["complaint"] == "C-17"


def test_one_is_not_true_it_is_refused() -> None:
    import collectguard

    policy = policy_from(POLICY.replace("{complaint: {present: true}, complaint_status: {not: closed}}",
                                        "{stop_contact: true}"))
    for wrong in (1, "true", "yes", 0, "false"):
        with pytest.raises(collectguard.InputError, match="attempt.facts.stop_contact: expected true or false"):
            policy.check_attempt(attempt("2026-11-23T10:00:00Z", facts={"stop_contact": wrong}))
    assert not policy.check_attempt(attempt("2026-11-23T10:00:00Z", facts={"stop_contact": True})).allowed
    assert policy.check_attempt(attempt("2026-11-23T10:00:00Z", facts={"stop_contact": False})).allowed


def test_empty_facts_are_refused() -> None:
    import collectguard

    with pytest.raises(collectguard.PolicyError, match="params.facts"):
        policy_from(POLICY.replace("{complaint: {present: true}, complaint_status: {not: closed}}", "{}"))


def test_a_block_on_a_missing_fact_fires_on_an_attempt_without_facts() -> None:
    # Attempts without facts skip the blocks that need one; this block needs none.
    policy = policy_from(POLICY.replace("{complaint: {present: true}, complaint_status: {not: closed}}",
                                        "{consent_ref: {present: false}}"))
    assert not policy.check_attempt(attempt("2026-11-23T10:00:00Z")).allowed
    assert not policy.check_attempt(attempt("2026-11-23T10:00:00Z", facts={})).allowed
    assert policy.check_attempt(attempt("2026-11-23T10:00:00Z", facts={"consent_ref": "C-1"})).allowed
