"""frequency-cap: what is counted, the windows, and when the cap lifts."""

from __future__ import annotations

import pytest

import collectguard
from conftest import NUMBER, attempt, entry, policy_from

CAP = """
id: t
version: "1"
timezone: {zone}
rules:
  - id: cap
    kind: frequency-cap
    params:
      max: {max}
      window: {window}
      same: {same}
      count: {count}
"""


def cap(max: int = 2, window: str = "{rolling: 60m}", same: str = "[contact]",
        count: str = "{channels: [call], outcomes_not: [answered]}", zone: str = "Asia/Shanghai"):
    return policy_from(CAP.format(max=max, window=window, same=same, count=count, zone=zone))


def test_rolling_window_is_half_open_to_the_second() -> None:
    policy = cap()
    history = [entry("2026-11-23T20:00:00+08:00"), entry("2026-11-23T20:30:00+08:00")]
    # (at - 60m, at]: at 21:00:00 the 20:00 call has just left the hour.
    assert policy.check_attempt(attempt("2026-11-23T21:00:00+08:00"), history).allowed
    denied = policy.check_attempt(attempt("2026-11-23T20:59:59+08:00"), history)
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-11-23T21:00:00+08:00"
    assert denied.reasons[0].evidence["count"] == 2
    assert denied.reasons[0].evidence["counted"] == [0, 1]


def test_an_entry_at_the_same_instant_counts() -> None:
    history = [entry("2026-11-23T20:00:00+08:00"), entry("2026-11-23T12:30:00Z")]
    assert not cap().check_attempt(attempt("2026-11-23T20:30:00+08:00"), history).allowed


def test_filters_outcome_channel_and_contact() -> None:
    policy = cap()
    at = attempt("2026-11-23T20:59:00+08:00")
    counted = entry("2026-11-23T20:10:00+08:00")
    for other in (entry("2026-11-23T20:20:00+08:00", outcome="answered"),
                  entry("2026-11-23T20:20:00+08:00", channel="sms"),
                  entry("2026-11-23T20:20:00+08:00", contact="+86-10-0000-0000")):
        assert policy.check_attempt(at, [counted, other]).allowed
    # Logged for another party on the same number: it still counts (a shared line).
    assert not policy.check_attempt(at, [counted, entry("2026-11-23T20:20:00+08:00", party="debtor")]).allowed
    # Outcome unknown: counted, the conservative choice.
    assert not policy.check_attempt(at, [counted, entry("2026-11-23T20:20:00+08:00", outcome=None)]).allowed


def test_calendar_day_counts_the_whole_local_day_including_later_entries() -> None:
    policy = cap(max=3, window="{calendar: day}")
    history = [entry("2026-11-23T00:00:00+08:00"), entry("2026-11-23T23:59:59+08:00"),
               entry("2026-11-22T23:59:59+08:00"), entry("2026-11-24T00:00:00+08:00")]
    assert policy.check_attempt(attempt("2026-11-23T12:00:00+08:00"), history).allowed
    history.append(entry("2026-11-23T15:00:00+08:00"))  # later the same day
    denied = policy.check_attempt(attempt("2026-11-23T12:00:00+08:00"), history)
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-11-24T00:00:00+08:00"
    assert denied.reasons[0].evidence["counted"] == [0, 1, 4]


def test_calendar_day_is_the_recipients_day_not_utc() -> None:
    # 2026-11-23 16:30Z is 00:30 on the 24th in Shanghai: yesterday's calls do not count.
    policy = cap(max=2, window="{calendar: day}")
    history = [entry("2026-11-23T10:00:00Z"), entry("2026-11-23T15:59:59Z")]
    assert policy.check_attempt(attempt("2026-11-23T16:00:00Z"), history).allowed
    assert not policy.check_attempt(attempt("2026-11-23T15:30:00Z"), history).allowed


def test_calendar_day_across_dst_in_another_zone() -> None:
    # New York 2026-03-08 has 23 hours; the day still ends at local midnight.
    policy = cap(max=2, window="{calendar: day}", zone="America/New_York")
    history = [entry("2026-03-08T00:30:00-05:00"), entry("2026-03-08T23:30:00-04:00")]
    denied = policy.check_attempt(attempt("2026-03-08T12:00:00-04:00"), history)
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-03-09T00:00:00-04:00"


def test_rolling_hour_across_spring_forward() -> None:
    # 01:30 EST and 03:10 EDT are 40 minutes apart: the same rolling hour.
    policy = cap(max=2, zone="America/New_York")
    history = [entry("2026-03-08T01:30:00-05:00")]
    at = attempt("2026-03-08T03:10:00-04:00")
    assert policy.check_attempt(at, history).allowed
    history.append(entry("2026-03-08T03:00:00-04:00"))
    denied = policy.check_attempt(at, history)
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-03-08T03:30:00-04:00"


def test_calendar_week_and_month() -> None:
    week = cap(max=1, window="{calendar: week}")
    history = [entry("2026-11-23T09:00:00+08:00")]  # a Monday
    assert not week.check_attempt(attempt("2026-11-29T23:00:00+08:00"), history).allowed  # Sunday
    assert week.check_attempt(attempt("2026-11-30T00:00:00+08:00"), history + [history[0]]).allowed
    month = cap(max=1, window="{calendar: month}")
    denied = month.check_attempt(attempt("2026-11-30T09:00:00+08:00"), [entry("2026-11-01T00:00:00+08:00")])
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-12-01T00:00:00+08:00"


def test_calendar_days_window_for_seven_consecutive_days() -> None:
    # Seven calls in seven days, per person and debt across all numbers.
    policy = cap(max=7, window="{calendar_days: 7}", same="[party_id, account]", count="{}",
                 zone="America/Chicago")
    days = [f"2026-11-{d:02d}T10:00:00-06:00" for d in range(17, 24)]
    history = [entry(t, party_id="p1", account="a1", contact=f"n{i}") for i, t in enumerate(days)]
    denied = policy.check_attempt(attempt("2026-11-23T15:00:00-06:00", party_id="p1", account="a1"), history)
    assert not denied.allowed
    assert denied.next_allowed_at.isoformat() == "2026-11-24T00:00:00-06:00"
    other_debt = attempt("2026-11-23T15:00:00-06:00", party_id="p1", account="a2")
    assert policy.check_attempt(other_debt, history).allowed


def test_next_allowed_skips_periods_already_full_in_history() -> None:
    policy = cap(max=1, window="{calendar: day}")
    history = [entry("2026-11-23T09:00:00+08:00"), entry("2026-11-24T09:00:00+08:00")]
    denied = policy.check_attempt(attempt("2026-11-23T10:00:00+08:00"), history)
    assert denied.next_allowed_at.isoformat() == "2026-11-25T00:00:00+08:00"


def test_history_needs_the_counting_key() -> None:
    with pytest.raises(collectguard.InputError, match=r"history\[0\].account: missing"):
        cap(same="[account]").check_attempt(attempt("2026-11-23T10:00:00+08:00", account="a"),
                                            [{"at": "2026-11-23T09:00:00+08:00", "channel": "call",
                                              "contact": NUMBER}])
    with pytest.raises(collectguard.InputError, match=r"attempt.account: missing"):
        cap(same="[account]").check_attempt(attempt("2026-11-23T10:00:00+08:00"), [])


@pytest.mark.parametrize("bad, message", [
    ({"channel": "phone"}, r"history\[0\].channel: unknown channel 'phone'"),
    ({"outcome": "hung_up"}, r"history\[0\].outcome: unknown outcome 'hung_up'"),
    ({"at": "2026-11-23T09:00:00"}, r"history\[0\].at: .*no UTC offset"),
    ({"at": "yesterday"}, r"history\[0\].at: .*not an ISO 8601"),
    ({"outcom": "busy"}, r"history\[0\].outcom: unknown field \(did you mean 'outcome'\?\)"),
    ({"channel": {"kind": "call"}}, r"history\[0\].channel: unknown channel \{'kind': 'call'\}"),
    ({"outcome": ["busy"]}, r"history\[0\].outcome: unknown outcome \['busy'\]"),
    ({"party": []}, r"history\[0\].party: unknown party \[\]"),
])
def test_bad_history_entries_on_the_counted_contact_are_refused(bad: dict, message: str) -> None:
    with pytest.raises(collectguard.InputError, match=message):
        cap().check_attempt(attempt("2026-11-23T10:00:00+08:00"), [{**entry("2026-11-23T09:00:00+08:00"), **bad}])


@pytest.mark.parametrize("params, message", [
    ("max: 0\n      window: {rolling: 1h}", r"max: input should be greater than 0"),
    ("max: 2\n      window: {rolling: 1h, calendar: day}", r"exactly one of rolling, calendar"),
    ("max: 2\n      window: {rolling: soon}", r"'soon' is not a duration"),
    ("max: 2\n      window: {calendar: year}", r"window.calendar: input should be 'day', 'week' or 'month'"),
    ("max: 2\n      window: {rolling: 1h}\n      count: {outcomes: [busy], outcomes_not: [answered]}",
     r"outcomes or outcomes_not, not both"),
])
def test_invalid_parameters_are_refused(params: str, message: str) -> None:
    text = ("id: t\nversion: '1'\ntimezone: UTC\nrules:\n  - id: cap\n    kind: frequency-cap\n"
            f"    params:\n      {params}\n")
    with pytest.raises(collectguard.PolicyError, match=message):
        policy_from(text)
