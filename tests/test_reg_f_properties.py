"""Regulation F's three attempt rules in the shipped us-reg-f pack against a plain-Python
statement of them, over random histories, every candidate zone, DST changes and local
midnights.

The statement, written from the regulation and the pack's documented reading of it, for an
attempt at instant ``at`` judged in the candidate zones Z (the zones it sends, or its
state's):

- inconvenient-hours (12 CFR 1006.6(b)(1)(i)): a call, text, email or visit is denied when,
  in some zone of Z, the local time is before 08:00 or at or after 21:00.
- call-frequency-7-in-7 (1006.14(b)(2)(i), (b)(3)): a call without direct prior consent is
  denied when, in some zone of Z, the calls to the person about the debt on the attempt's
  local day and the six before it (the whole of each day) number 7 or more, counting each
  call the collector placed (or whose direction is not recorded) that was not busy or failed
  (or whose outcome is not recorded) and was not placed with direct prior consent.
- post-conversation-7-days (1006.14(b)(2)(ii)): a call without direct prior consent is
  denied when, in some zone of Z, a call before the attempt's instant, on the attempt's local
  day or the six before it, was answered and reached the person (either not recorded counts).

The decision must deny by exactly the rules the statement denies by, in exactly the zones
(for an attempt judged in its state's zones), and its next_allowed_at must be an instant
the statement allows, one second before which it does not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings, strategies as st

import collectguard

REG_F = collectguard.load_policy("us-reg-f")
PERSON, DEBT = "consumer-1", "acct-1"

# The zones the law puts each of these states' counties in (the pack's zones.by_region).
STATES = {"US-NY": ["America/New_York"], "US-FL": ["America/New_York", "America/Chicago"],
          "US-TX": ["America/Chicago", "America/Denver"], "US-AZ": ["America/Phoenix", "America/Denver"],
          "US-HI": ["Pacific/Honolulu"]}
# Zone lists an attempt sends itself (area code and address disagree).
SENT = [["America/New_York"], ["America/Los_Angeles"], ["America/New_York", "America/Los_Angeles"],
        ["America/Chicago", "America/Phoenix"], ["America/Anchorage", "America/Adak"],
        ["America/New_York", "Pacific/Honolulu"]]
# Around both of 2026's US DST changes, a summer week and the new year.
DAYS = [date(2026, 3, 8), date(2026, 3, 14), date(2026, 11, 1), date(2026, 11, 6), date(2026, 6, 10),
        date(2027, 1, 1)]
OFFSETS = [timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=-4)), timezone(timedelta(hours=9))]
OPEN, CLOSE = time(8), time(21)


def _local(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


# Local times at the edges: the hours, local midnight, the end of the day.
EDGES = [time(0), time(0, 0, 1), time(7, 59, 59), time(8), time(20, 59, 59), time(21), time(23, 59, 59),
         time(1, 30), time(2, 30)]


@st.composite
def clocks(draw) -> time:
    """An edge, a time within the hours, or any time of day."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.sampled_from(EDGES))
    second = draw(st.integers(8 * 3600, 21 * 3600 - 1) if kind == 1 else st.integers(0, 86399))
    return time(second // 3600, second // 60 % 60, second % 60)


@st.composite
def scenarios(draw):
    if draw(st.booleans()):
        region = draw(st.sampled_from(sorted(STATES)))
        zones, sent = STATES[region], None
    else:
        region, sent = "US-NY", draw(st.sampled_from(SENT))
        zones = sent
    day = draw(st.sampled_from(DAYS)) + timedelta(days=draw(st.integers(-1, 2)))
    at = _local(day, draw(clocks()), draw(st.sampled_from(zones)))
    channel = draw(st.sampled_from(["call", "call", "call", "sms"]))
    consent = draw(st.sampled_from([None, None, None, False, True]))
    history = []
    for _ in range(draw(st.integers(0, 16))):
        back = draw(st.integers(-1, 8))  # days before the attempt's day; -1 is the day after
        when = _local(day - timedelta(days=back), draw(clocks()), draw(st.sampled_from(zones)))
        if draw(st.integers(0, 5)) == 0:
            when = at + timedelta(seconds=draw(st.integers(-2, 2)))
        entry: dict[str, Any] = {"at": when.astimezone(draw(st.sampled_from(OFFSETS))).isoformat(),
                                 "channel": "call", "party": "debtor", "contact": "+1-212-555-0100",
                                 "party_id": PERSON, "account": DEBT, "direction": "outbound",
                                 "outcome": "no_answer", "facts": {"contact_type": "personal"}}
        if draw(st.integers(0, 2)) == 0:  # most are the collector's unanswered calls; the rest vary
            entry["channel"] = draw(st.sampled_from(["call", "call", "sms"]))
            entry["party_id"] = draw(st.sampled_from([PERSON, PERSON, "consumer-2"]))
            entry["account"] = draw(st.sampled_from([DEBT, DEBT, "acct-2"]))
            for key, values in (("direction", ["outbound", "inbound", None]),
                                ("outcome", ["no_answer", "answered", "answered", "voicemail", "busy", "failed", None]),
                                ("reached", ["person", "person", "someone_else", "machine", None])):
                value = draw(st.sampled_from(values))
                entry.pop(key, None)
                if value is not None:
                    entry[key] = value
            prior = draw(st.sampled_from([None, None, False, True]))
            if prior is not None:
                entry["facts"]["direct_prior_consent"] = prior
        history.append(entry)
    attempt: dict[str, Any] = {"at": at.astimezone(draw(st.sampled_from(OFFSETS))).isoformat(), "channel": channel,
                               "party": "debtor", "contact": "+1-212-555-0100", "party_id": PERSON,
                               "account": DEBT, "region": region,
                               "facts": {"contact_type": "personal",
                                         **({} if consent is None else {"direct_prior_consent": consent})}}
    if sent is not None:
        attempt["timezone"] = sent
    return attempt, history, zones


def _when(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entry["at"])


def plain(at: datetime, attempt: dict[str, Any], history: list[dict[str, Any]], zones: list[str]
          ) -> dict[str, set[str]]:
    """The rules that deny, each with the zones in which it does."""
    denied: dict[str, set[str]] = {}
    calls = [e for e in history if e["channel"] == "call" and e["party_id"] == PERSON and e["account"] == DEBT]
    placed = [e for e in calls if e.get("direction", "outbound") == "outbound"
              and e.get("outcome") not in ("busy", "failed") and e["facts"].get("direct_prior_consent") is not True]
    conversations = [e for e in calls if e.get("outcome", "answered") == "answered"
                     and e.get("reached", "person") == "person" and _when(e) < at]
    capped = attempt["channel"] == "call" and attempt["facts"].get("direct_prior_consent") is not True
    for name in zones:
        zone = ZoneInfo(name)
        local = at.astimezone(zone)
        if not OPEN <= local.time() < CLOSE:
            denied.setdefault("inconvenient-hours", set()).add(name)
        if not capped:
            continue
        week = {local.date() - timedelta(days=n) for n in range(7)}
        if sum(_when(e).astimezone(zone).date() in week for e in placed) + 1 > 7:
            denied.setdefault("call-frequency-7-in-7", set()).add(name)
        if any(_when(e).astimezone(zone).date() in week for e in conversations):
            denied.setdefault("post-conversation-7-days", set()).add(name)
    return denied


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_three_attempt_rules_match_a_plain_statement(drawn) -> None:
    attempt, history, zones = drawn
    at = datetime.fromisoformat(attempt["at"])
    decision = REG_F.check_attempt(attempt, history)
    expected = plain(at, attempt, history, zones)
    assert set(decision.denied_by) == set(expected)
    assert decision.allowed is (not expected)
    if "timezone" not in attempt:
        assert decision.zones is not None and set(decision.zones["judged_in"]) == set(zones)
        assert set(decision.zones["denied_in"]) == set().union(*expected.values())
    if expected:
        found = decision.next_allowed_at
        assert found is not None and found > at
        assert not plain(found, attempt, history, zones), found
        assert plain(found - timedelta(seconds=1), attempt, history, zones), found


def test_the_statement_itself_on_hand_worked_cases() -> None:
    """The plain statement agrees with cases worked by hand from the regulation."""
    attempt = {"channel": "call", "facts": {"contact_type": "personal"}}
    ny = ["America/New_York"]
    at = datetime(2026, 6, 10, 10, tzinfo=ZoneInfo("America/New_York"))
    call = {"channel": "call", "party_id": PERSON, "account": DEBT, "facts": {}}
    week = [{**call, "at": (at - timedelta(days=n, hours=1)).isoformat(), "outcome": "no_answer"} for n in range(7)]
    assert plain(at, attempt, week, ny) == {"call-frequency-7-in-7": {"America/New_York"}}
    assert plain(at + timedelta(days=1), attempt, week, ny) == {}   # day 1 of the seven has left
    later = [{**call, "at": (at + timedelta(hours=5)).isoformat(), "outcome": "answered", "reached": "person"}]
    assert plain(at, attempt, later, ny) == {}                       # after means after
    talk = [{**call, "at": "2026-06-04T00:30:00-04:00", "outcome": "answered", "reached": "person"}]
    florida = ["America/New_York", "America/Chicago"]
    assert plain(at, attempt, talk, florida) == {"post-conversation-7-days": {"America/New_York"}}
    assert plain(datetime(2026, 6, 10, 7, 59, 59, tzinfo=ZoneInfo("America/Chicago")), {**attempt, "channel": "sms"},
                 [], florida) == {"inconvenient-hours": {"America/Chicago"}}
