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


# -- bounds from the attempt's facts (a consumer's own inconvenient times) -------------

FACT_RULE = """
id: t
version: "1"
timezone: America/New_York
facts:
  not_before: {{type: time, meaning: the consumer said calls before this time are inconvenient, absent: unknown}}
  not_after: {{type: time, meaning: the consumer said calls from this time on are inconvenient, absent: unknown}}
rules:
  - id: hours
    kind: contact-hours
    params: {{from: "08:00", until: "21:00", {extra}}}
"""


def fact_hours(extra: str = "from_fact: not_before, until_fact: not_after"):
    return policy_from(FACT_RULE.format(extra=extra))


def ny(at: str, **facts: str) -> dict:
    return attempt(at, party="debtor", timezone="America/New_York", facts=facts)


@pytest.mark.parametrize("clock, allowed", [
    ("09:59:59", False), ("10:00:00", True), ("17:59:59", True), ("18:00:00", False), ("20:30:00", False),
])
def test_fact_bounds_to_the_second(clock: str, allowed: bool) -> None:
    decision = fact_hours().check_attempt(ny(f"2026-06-10T{clock}-04:00", not_before="10:00", not_after="18:00"))
    assert decision.allowed is allowed


def test_the_later_from_and_the_earlier_until_apply() -> None:
    policy = fact_hours()
    # A consumer's 07:00 and 22:00 are wider than the rule's window: the rule's applies.
    assert not policy.check_attempt(ny("2026-06-10T07:30:00-04:00", not_before="07:00")).allowed
    assert not policy.check_attempt(ny("2026-06-10T21:30:00-04:00", not_after="22:00")).allowed
    assert policy.check_attempt(ny("2026-06-10T08:00:00-04:00", not_before="07:00", not_after="22:00")).allowed
    # Seconds in a fact count.
    assert not policy.check_attempt(ny("2026-06-10T10:15:29-04:00", not_before="10:15:30")).allowed
    assert policy.check_attempt(ny("2026-06-10T10:15:30-04:00", not_before="10:15:30")).allowed


def test_no_fact_sent_is_the_rules_window() -> None:
    policy = fact_hours()
    assert policy.check_attempt(ny("2026-06-10T08:00:00-04:00")).allowed
    assert policy.check_attempt(ny("2026-06-10T20:59:59-04:00")).allowed
    assert not policy.check_attempt(ny("2026-06-10T21:00:00-04:00")).allowed


def test_next_allowed_respects_the_facts() -> None:
    policy = fact_hours()
    early = policy.check_attempt(ny("2026-06-10T08:30:00-04:00", not_before="10:00"))
    assert early.next_allowed_at.isoformat() == "2026-06-10T10:00:00-04:00"
    evidence = early.reasons[0].evidence
    assert evidence["allowed_window"] == "10:00-21:00" and evidence["rule_window"] == "08:00-21:00"
    assert evidence["window_facts"] == {"not_before": "10:00", "not_after": None}
    late = policy.check_attempt(ny("2026-06-10T18:00:00-04:00", not_before="10:00", not_after="18:00"))
    assert late.next_allowed_at.isoformat() == "2026-06-11T10:00:00-04:00"
    assert late.reasons[0].evidence["allowed_window"] == "10:00-18:00"


def test_a_window_narrowed_to_nothing_has_no_next_time() -> None:
    decision = fact_hours().check_attempt(ny("2026-06-10T12:00:00-04:00", not_before="19:00", not_after="11:00"))
    assert not decision.allowed and decision.next_allowed_at is None
    assert decision.reasons[0].evidence["allowed_window"] is None
    # Not before 21:00 leaves nothing of 08:00-21:00 either.
    assert fact_hours().check_attempt(ny("2026-06-10T12:00:00-04:00", not_before="21:00")).next_allowed_at is None


def test_a_fact_of_midnight_for_until_is_the_end_of_the_day() -> None:
    assert fact_hours().check_attempt(ny("2026-06-10T20:59:59-04:00", not_after="00:00")).allowed


def test_facts_on_dst_days_in_new_york() -> None:
    policy = fact_hours()
    # 2026-03-08, spring forward at 02:00 EST: a consumer's 09:30 is 09:30 EDT (13:30 UTC).
    spring = policy.check_attempt(ny("2026-03-08T01:30:00-05:00", not_before="09:30"))
    assert spring.next_allowed_at.isoformat() == "2026-03-08T09:30:00-04:00"
    assert not policy.check_attempt(ny("2026-03-08T13:29:59Z", not_before="09:30")).allowed
    assert policy.check_attempt(ny("2026-03-08T13:30:00Z", not_before="09:30")).allowed
    # 2026-11-01, fall back at 02:00 EDT: 17:00 EST is 22:00 UTC, an hour later in UTC than the day before.
    assert policy.check_attempt(ny("2026-11-01T21:59:59Z", not_after="17:00")).allowed
    assert not policy.check_attempt(ny("2026-11-01T22:00:00Z", not_after="17:00")).allowed
    assert not policy.check_attempt(ny("2026-10-31T21:00:00Z", not_after="17:00")).allowed  # 17:00 EDT
    fall = policy.check_attempt(ny("2026-11-01T05:30:00Z", not_before="09:00"))  # 01:30 EDT, first pass
    assert fall.next_allowed_at.isoformat() == "2026-11-01T09:00:00-05:00"


def test_several_zones_with_facts() -> None:
    zones = ["America/New_York", "America/Los_Angeles"]
    decision = fact_hours().check_attempt(
        attempt("2026-06-10T12:00:00-04:00", party="debtor", timezone=zones, facts={"not_before": "10:00"}))
    # 12:00 in New York is 09:00 in Los Angeles: closed there until 10:00 LA, 13:00 New York.
    assert not decision.allowed
    assert decision.next_allowed_at.isoformat() == "2026-06-10T13:00:00-04:00"


def test_an_absent_value_declared_reads_as_the_bound() -> None:
    text = FACT_RULE.format(extra="from_fact: not_before").replace(
        "before this time are inconvenient, absent: unknown", 'before this time are inconvenient, absent: "09:00"')
    policy = policy_from(text)
    assert not policy.check_attempt(ny("2026-06-10T08:30:00-04:00")).allowed
    assert policy.check_attempt(ny("2026-06-10T09:00:00-04:00")).allowed


def test_a_fact_of_the_wrong_shape_is_refused() -> None:
    import collectguard

    with pytest.raises(collectguard.InputError, match="attempt.facts.not_before: expected a local time HH:MM"):
        fact_hours().check_attempt(ny("2026-06-10T12:00:00-04:00", not_before="10am"))


@pytest.mark.parametrize("extra, message", [
    ("from_fact: not_befor",
     "rules[0].params.from_fact: fact 'not_befor' is not declared (did you mean 'not_before'?)"),
    ("until_fact: flag", "rules[0].params.until_fact: until_fact reads a time fact (HH:MM), not a boolean"),
])
def test_a_fact_named_must_be_declared_a_time(extra: str, message: str) -> None:
    import collectguard

    text = FACT_RULE.format(extra=extra).replace("rules:", "  flag: {type: boolean, meaning: m, absent: false}\nrules:")
    with pytest.raises(collectguard.PolicyError) as info:
        policy_from(text)
    assert message in str(info.value)


def test_an_overlays_fact_is_checked_too() -> None:
    import collectguard

    text = FACT_RULE.format(extra="from_fact: not_before") + (
        "overlays:\n  - client: c\n    rules:\n      hours: {params: {until_fact: not_aftr}}\n")
    with pytest.raises(collectguard.PolicyError, match=r"overlays\[0\].rules.hours.params.until_fact: fact 'not_aftr'"):
        policy_from(text)
    policy = policy_from(text.replace("not_aftr", "not_after"))
    decision = policy.check_attempt({**ny("2026-06-10T18:30:00-04:00", not_after="18:00"), "client": "c"})
    assert not decision.allowed and decision.next_allowed_at.isoformat() == "2026-06-11T08:00:00-04:00"


def test_facts_need_a_window_within_one_day() -> None:
    import collectguard

    text = FACT_RULE.format(extra="from_fact: not_before").replace('until: "21:00"', 'until: "02:00"')
    with pytest.raises(collectguard.PolicyError, match="need a window within one day"):
        policy_from(text)
    # until "24:00" is the end of the day, not a window across midnight.
    late = policy_from(text.replace('until: "02:00"', 'until: "24:00"'))
    assert late.check_attempt(ny("2026-06-10T23:59:59-04:00", not_before="10:00")).allowed


def test_a_whole_day_window_is_closed_only_by_facts() -> None:
    import collectguard

    text = FACT_RULE.format(extra="from_fact: not_before, until_fact: not_after").replace(
        'from: "08:00", until: "21:00"', 'from: "00:00", until: "24:00"')
    policy = policy_from(text)
    assert policy.check_attempt(ny("2026-06-10T03:00:00-04:00")).allowed
    assert policy.check_attempt(ny("2026-06-10T23:59:59-04:00")).allowed
    early = policy.check_attempt(ny("2026-06-10T06:59:59-04:00", not_before="07:00"))
    assert not early.allowed and early.next_allowed_at.isoformat() == "2026-06-10T07:00:00-04:00"
    assert policy.check_attempt(ny("2026-06-10T23:59:59-04:00", not_before="07:00")).allowed
    late = policy.check_attempt(ny("2026-06-10T22:00:00-04:00", not_after="22:00"))
    assert not late.allowed and late.next_allowed_at.isoformat() == "2026-06-11T00:00:00-04:00"
    both = policy.check_attempt(ny("2026-06-10T22:00:00-04:00", not_before="07:00", not_after="22:00"))
    assert both.next_allowed_at.isoformat() == "2026-06-11T07:00:00-04:00"
    # Without a fact the whole day is no window at all.
    with pytest.raises(collectguard.PolicyError, match="the whole day, needs from_fact or until_fact"):
        hours("00:00", "24:00")
