"""Overlays by the recipient's region, alone or with a client's; conflicts refused at load."""

from __future__ import annotations

import pytest

import collectguard
from conftest import attempt, entry, policy_from

POLICY = """
id: t
version: "1"
timezone: America/New_York
rules:
  - id: hours
    kind: contact-hours
    params: {from: "08:00", until: "21:00"}
  - id: weekly
    kind: frequency-cap
    params: {max: 7, window: {calendar_days: 7}, same: [contact], count: {channels: [call]}}
overlays:
  - regions: [US-MA]
    rules:
      weekly: {params: {max: 2}}
  - client: acme
    rules:
      hours: {params: {from: "09:00"}}
"""


@pytest.fixture(scope="module")
def policy() -> collectguard.Policy:
    return policy_from(POLICY)


def three_calls() -> list[dict]:
    return [entry(f"2026-03-0{d}T12:00:00-05:00") for d in (2, 3)]


def test_a_region_overlay_applies_to_attempts_in_that_region(policy) -> None:
    at = "2026-03-04T12:00:00-05:00"
    assert policy.check_attempt(attempt(at), three_calls()).allowed
    decision = policy.check_attempt(attempt(at, region="US-MA"), three_calls())
    assert decision.denied_by == ["weekly"] and decision.to_dict()["policy"]["region"] == "US-MA"
    assert policy.check_attempt(attempt(at, region="US-NY"), three_calls()).allowed  # no overlay: everywhere's rules


def test_a_region_and_a_client_overlay_apply_together(policy) -> None:
    early = "2026-03-04T08:30:00-05:00"
    both = policy.check_attempt(attempt(early, region="US-MA", client="acme"), three_calls())
    assert set(both.denied_by) == {"hours", "weekly"}
    assert both.policy.client == "acme" and both.policy.region == "US-MA"
    assert policy.check_attempt(attempt(early, client="acme")).denied_by == ["hours"]
    # A note's region is read like an attempt's; this pack has no text rules to judge it with.
    with pytest.raises(collectguard.InputError, match="has no text rules"):
        policy.check_note("hello", {"party": "debtor", "region": "US-MA"})


def test_two_overlays_changing_one_setting_that_can_meet_do_not_load() -> None:
    clash = POLICY.replace('hours: {params: {from: "09:00"}}', 'weekly: {params: {max: 3}}')
    with pytest.raises(collectguard.PolicyError,
                       match=r"overlays\[1\].rules.weekly: changes params.max, as overlays\[0\] "
                             r"\(regions US-MA\) does, and both can apply to one attempt"):
        policy_from(clash)
    # exclusive regions never meet: no conflict
    policy_from(clash.replace("  - client: acme\n", "  - regions: [US-CA]\n"))


def test_a_pack_can_require_the_region() -> None:
    policy = policy_from(POLICY.replace("rules:\n", "require_region: true\nrules:\n", 1))
    with pytest.raises(collectguard.InputError, match="attempt.region: missing; this pack has rules by the "
                                                      r"recipient's region \(US-MA\)"):
        policy.check_attempt(attempt("2026-03-04T12:00:00-05:00"))
    assert policy.check_attempt(attempt("2026-03-04T12:00:00-05:00", region="US-NY")).allowed


def test_an_overlay_selects_something() -> None:
    with pytest.raises(collectguard.PolicyError, match="an overlay names a client, regions, or both"):
        policy_from(POLICY.replace("  - client: acme\n", "  - description: nobody\n"))
