"""contact-hours: the window, to the second, across midnight, DST and several zones."""

from __future__ import annotations

import pytest

from conftest import attempt, policy_from

ONE_RULE = """
id: t
version: "1"
timezone: {zone}
rules:
  - id: hours
    kind: contact-hours
    params: {{from: "{start}", until: "{end}"}}
"""


def hours(start: str = "08:00", end: str = "22:00", zone: str = "Asia/Shanghai"):
    return policy_from(ONE_RULE.format(start=start, end=end, zone=zone))


@pytest.mark.parametrize("clock, allowed", [
    ("07:59:59", False), ("08:00:00", True), ("12:00:00", True), ("21:59:59", True),
    ("22:00:00", False), ("23:59:59", False), ("00:00:00", False),
])
def test_boundaries_to_the_second(clock: str, allowed: bool) -> None:
    decision = hours().check_attempt(attempt(f"2026-11-23T{clock}+08:00"))
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reasons[0].rule == "hours"


def test_local_time_is_the_recipients_not_utc() -> None:
    # 23:30 UTC is 07:30 the next morning in Shanghai: closed; 00:30 UTC is 08:30: open.
    assert not hours().check_attempt(attempt("2026-11-23T23:30:00Z")).allowed
    assert hours().check_attempt(attempt("2026-11-24T00:30:00Z")).allowed
    # The same instant for a recipient in Los Angeles is 15:30 the day before.
    assert hours().check_attempt(attempt("2026-11-23T23:30:00Z", timezone="America/Los_Angeles")).allowed


def test_next_allowed_is_the_next_opening_in_the_recipients_zone() -> None:
    decision = hours().check_attempt(attempt("2026-11-23T22:00:00+08:00"))
    assert decision.next_allowed_at.isoformat() == "2026-11-24T08:00:00+08:00"
    decision = hours().check_attempt(attempt("2026-11-24T03:10:00+08:00"))
    assert decision.next_allowed_at.isoformat() == "2026-11-24T08:00:00+08:00"


def test_window_crossing_midnight() -> None:
    night = hours("20:00", "02:00")
    assert night.check_attempt(attempt("2026-11-23T23:00:00+08:00")).allowed
    assert night.check_attempt(attempt("2026-11-24T01:59:59+08:00")).allowed
    denied = night.check_attempt(attempt("2026-11-24T02:00:00+08:00"))
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-11-24T20:00:00+08:00"


def test_until_24_means_end_of_day() -> None:
    late = hours("08:00", "24:00")
    assert late.check_attempt(attempt("2026-11-23T23:59:59+08:00")).allowed
    assert not late.check_attempt(attempt("2026-11-24T00:00:00+08:00")).allowed


def test_spring_forward_gap_opens_at_the_transition() -> None:
    # New York, 2026-03-08: 02:00 jumps to 03:00. A window opening at 02:30 opens at 03:00 EDT.
    policy = hours("02:30", "22:00", zone="America/New_York")
    decision = policy.check_attempt(attempt("2026-03-08T01:00:00-05:00"))
    assert not decision.allowed
    assert decision.next_allowed_at.isoformat() == "2026-03-08T03:00:00-04:00"


def test_fall_back_repeated_hour() -> None:
    # New York, 2026-11-01: 01:00-02:00 happens twice. A window from 01:30 opens at the first 01:30.
    policy = hours("01:30", "22:00", zone="America/New_York")
    decision = policy.check_attempt(attempt("2026-11-01T01:00:00-04:00"))
    assert decision.next_allowed_at.isoformat() == "2026-11-01T01:30:00-04:00"
    assert policy.check_attempt(attempt("2026-11-01T01:45:00-04:00")).allowed
    # The clock reads the local time: on the second pass it says 01:10 again, before 01:30.
    again = policy.check_attempt(attempt("2026-11-01T01:10:00-05:00"))
    assert not again.allowed
    assert again.next_allowed_at.isoformat() == "2026-11-01T01:30:00-05:00"


def test_every_candidate_zone_must_allow() -> None:
    # 08:30 in New York is 05:30 in Los Angeles: ambiguous location, so closed until 08:00 LA.
    zones = ["America/New_York", "America/Los_Angeles"]
    decision = hours().check_attempt(attempt("2026-11-23T08:30:00-05:00", timezone=zones))
    assert not decision.allowed
    assert decision.next_allowed_at.isoformat() == "2026-11-23T11:00:00-05:00"
    assert set(decision.reasons[0].evidence["local_time"]) == {"America/Los_Angeles"}
    assert hours().check_attempt(attempt("2026-11-23T11:00:00-05:00", timezone=zones)).allowed


def test_zones_that_never_share_the_window_get_no_next_time() -> None:
    # Shanghai and New York are 13 hours apart: a 2-hour window is never open in both.
    decision = hours("09:00", "11:00").check_attempt(
        attempt("2026-11-23T09:30:00+08:00", timezone=["Asia/Shanghai", "America/New_York"]))
    assert not decision.allowed
    assert decision.next_allowed_at is None


def test_equal_from_and_until_is_refused() -> None:
    import collectguard

    with pytest.raises(collectguard.PolicyError, match="always open or never open"):
        hours("08:00", "08:00")
