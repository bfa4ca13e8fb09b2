"""channel-permission: a channel closed unless an overlay opens it."""

from __future__ import annotations

from conftest import attempt, policy_from

POLICY = """
id: t
version: "1"
timezone: UTC
rules:
  - id: no-visits
    kind: channel-permission
    params: {channels: [visit, sms]}
overlays:
  - client: bank
    rules:
      no-visits: {params: {permitted: true}}
"""


def test_listed_channels_are_denied_others_pass() -> None:
    policy = policy_from(POLICY)
    for channel in ("visit", "sms"):
        decision = policy.check_attempt(attempt("2026-11-23T10:00:00Z", channel=channel))
        assert decision.denied_by == ["no-visits"] and decision.next_allowed_at is None
    assert policy.check_attempt(attempt("2026-11-23T10:00:00Z", channel="call")).allowed


def test_overlay_permits() -> None:
    assert policy_from(POLICY).check_attempt(attempt("2026-11-23T10:00:00Z", channel="visit", client="bank")).allowed
