"""What a cap counts: entries after the attempt, entries a rule would not count, planned attempts."""

from __future__ import annotations

import pytest

import collectguard
from collectguard._plan import PlanSummary, plan
from conftest import attempt, call as pack_call, entry, policy_from

REG_F = """
id: t
version: "1"
timezone: America/New_York
rules:
  - id: call-frequency-7-in-7
    kind: frequency-cap
    when: {channels: [call]}
    params:
      max: 7
      window: {calendar_days: 7}
      same: [party_id, account]
      count: {channels: [call]}
  - id: post-conversation-7-days
    kind: frequency-cap
    when: {channels: [call]}
    params:
      max: 1
      window: {calendar_days: 7, before_attempt: %s}
      same: [party_id, account]
      count: {channels: [call], outcomes: [answered]}
"""


def call(at: str, **fields):
    return attempt(at, party="debtor", party_id="p1", account="a1", contact="+1-617-555-0100", **fields)


def logged(at: str, outcome: str | None = "no_answer", **fields):
    return entry(at, outcome, party="debtor", party_id="p1", account="a1", contact="+1-617-555-0100", **fields)


def test_a_conversation_later_the_same_day_does_not_block_an_earlier_call() -> None:
    policy = policy_from(REG_F % "true")
    history = [logged("2026-03-02T15:00:00-05:00", "answered")]
    assert policy.check_attempt(call("2026-03-02T09:00:00-05:00"), history).allowed
    # after it, the same day and six days on, it does
    later = policy.check_attempt(call("2026-03-02T15:00:01-05:00"), history)
    assert later.denied_by == ["post-conversation-7-days"]
    assert later.next_allowed_at.isoformat() == "2026-03-09T00:00:00-04:00"   # across the DST change
    assert later.reasons[0].evidence["window_until"] == "2026-03-02T15:00:01-05:00"
    assert not policy.check_attempt(call("2026-03-08T23:59:59-04:00"), history).allowed
    assert policy.check_attempt(call("2026-03-09T00:00:00-04:00"), history).allowed


def test_without_before_attempt_a_calendar_window_counts_the_whole_period() -> None:
    policy = policy_from(REG_F % "false")
    history = [logged("2026-03-02T15:00:00-05:00", "answered")]
    assert not policy.check_attempt(call("2026-03-02T09:00:00-05:00"), history).allowed


def test_before_attempt_on_a_rolling_window_leaves_out_an_entry_at_the_same_instant() -> None:
    text = REG_F.replace("window: {calendar_days: 7, before_attempt: %s}",
                         "window: {rolling: 7d, before_attempt: true}")
    policy = policy_from(text)
    history = [logged("2026-03-02T15:00:00-05:00", "answered")]
    assert policy.check_attempt(call("2026-03-02T15:00:00-05:00"), history).allowed
    assert not policy.check_attempt(call("2026-03-02T15:00:01-05:00"), history).allowed


def test_an_entry_the_rule_would_not_count_needs_no_counting_field() -> None:
    policy = policy_from(REG_F % "true")
    sms_to_someone_else = entry("2026-03-02T10:00:00-05:00", channel="sms", contact="+1-617-555-0199")
    assert policy.check_attempt(call("2026-03-02T11:00:00-05:00"), [sms_to_someone_else]).allowed
    session = policy.session([sms_to_someone_else])
    assert session.check(call("2026-03-02T11:00:00-05:00")).allowed
    # a call without party_id might be the same person's: refused, naming it
    unnamed_call = entry("2026-03-02T10:00:00-05:00", contact="+1-617-555-0199")
    with pytest.raises(collectguard.InputError, match=r"history\[0\]\.party_id: missing; rule 'call-frequency-7-in-7'"):
        policy.check_attempt(call("2026-03-02T11:00:00-05:00"), [unnamed_call])
    with pytest.raises(collectguard.InputError, match=r"history\[0\]\.party_id: missing"):
        policy.session([unnamed_call]).check(call("2026-03-02T11:00:00-05:00"))
    # and an entry passed over is still read: a bad channel is refused
    with pytest.raises(collectguard.InputError, match=r"history\[0\]\.channel: unknown channel 'fax'"):
        policy.check_attempt(call("2026-03-02T11:00:00-05:00"), [{**sms_to_someone_else, "channel": "fax"}])


def test_an_entry_missing_the_second_counting_field_is_judged_the_same_way() -> None:
    policy = policy_from(REG_F % "true")
    sms = {k: v for k, v in logged("2026-03-02T10:00:00-05:00", channel="sms").items() if k != "account"}
    assert policy.check_attempt(call("2026-03-02T11:00:00-05:00"), [sms]).allowed
    unaccounted = {k: v for k, v in logged("2026-03-02T10:00:00-05:00").items() if k != "account"}
    with pytest.raises(collectguard.InputError, match=r"history\[0\]\.account: missing"):
        policy.check_attempt(call("2026-03-02T11:00:00-05:00"), [unaccounted])


def test_a_plan_counts_planned_calls_as_attempts_but_never_as_conversations() -> None:
    policy = policy_from(REG_F % "true")
    week = [(f"p{d}{h}", call(f"2026-03-{d:02d}T{h}:00:00-05:00")) for d in (2, 3, 4, 5) for h in (10, 14)]
    summary = PlanSummary()
    rows = list(plan(policy, [], week, summary))
    assert [r["status"] for r in rows] == ["allowed"] * 7 + ["moved"]
    assert rows[-1]["rules"] == ["call-frequency-7-in-7"]
    assert summary.by_rule == {"call-frequency-7-in-7": 1}


def test_a_planned_call_counts_for_a_cap_on_unanswered_calls(pack) -> None:
    session = pack.session([])
    for minute in ("00", "10"):
        session.record(pack_call(f"2026-11-23T10:{minute}:00+08:00"), planned=True)
    assert session.check(pack_call("2026-11-23T10:20:00+08:00")).denied_by == ["third-party-hourly-cap"]
    with pytest.raises(collectguard.InputError, match="planned attempt has no outcome"):
        session.record(pack_call("2026-11-23T10:30:00+08:00"), "answered", planned=True)


def test_an_unknown_outcome_in_history_is_still_counted_as_a_conversation() -> None:
    policy = policy_from(REG_F % "true")
    history = [logged("2026-03-02T09:00:00-05:00", None)]
    assert policy.check_attempt(call("2026-03-02T10:00:00-05:00"), history).denied_by == ["post-conversation-7-days"]
    session = policy.session([])
    session.record(call("2026-03-02T09:00:00-05:00"))
    assert session.check(call("2026-03-02T10:00:00-05:00")).denied_by == ["post-conversation-7-days"]


MA = """
id: t
version: "1"
timezone: America/New_York
facts:
  phone_type: {type: enum, values: [personal, workplace], meaning: the kind of number, absent: unknown}
  at_consumer_request: {type: boolean, meaning: the contact answers the consumer's own request, absent: false}
rules:
  - id: personal-2-in-7
    kind: frequency-cap
    when: {channels: [call, sms], facts: {phone_type: {not: workplace}}}
    params:
      max: 2
      window: {calendar_days: 7}
      same: [account]
      count:
        channels: [call, sms]
        directions: [outbound]
        facts: {phone_type: {not: workplace}, at_consumer_request: {not: true}}
  - id: conversation
    kind: frequency-cap
    when: {channels: [call]}
    params:
      max: 1
      window: {calendar_days: 7, before_attempt: true}
      same: [party_id, account]
      count: {channels: [call], outcomes: [answered], reached: [person], directions: [outbound]}
"""


def test_inbound_contacts_and_the_persons_requests_are_not_counted_as_initiated() -> None:
    policy = policy_from(MA)
    inbound = logged("2026-03-02T10:00:00-05:00", "answered", direction="inbound", channel="sms")
    requested = logged("2026-03-02T11:00:00-05:00", "no_answer", direction="outbound",
                       facts={"at_consumer_request": True})
    workplace = logged("2026-03-02T12:00:00-05:00", "no_answer", facts={"phone_type": "workplace"})
    one = logged("2026-03-03T12:00:00-05:00", "no_answer", facts={"phone_type": "personal"})
    history = [inbound, requested, workplace, one]
    assert policy.check_attempt(call("2026-03-04T12:00:00-05:00"), history).allowed
    # an entry that does not say is counted: no direction, no phone type
    unknown = {k: v for k, v in logged("2026-03-03T13:00:00-05:00").items()}
    denied = policy.check_attempt(call("2026-03-04T12:00:00-05:00"), history + [unknown])
    assert denied.denied_by == ["personal-2-in-7"] and denied.reasons[0].evidence["counted"] == [3, 4]
    session = policy.session(history + [unknown])
    assert session.check(call("2026-03-04T12:00:00-05:00")).denied_by == ["personal-2-in-7"]


def test_a_roommate_answering_is_not_a_conversation_with_the_person() -> None:
    policy = policy_from(MA)
    roommate = logged("2026-03-02T10:00:00-05:00", "answered", reached="someone_else", direction="outbound",
                      facts={"phone_type": "workplace"})
    assert policy.check_attempt(call("2026-03-03T10:00:00-05:00"), [roommate]).allowed
    person = {**roommate, "reached": "person"}
    assert policy.check_attempt(call("2026-03-03T10:00:00-05:00"), [person]).denied_by == ["conversation"]
    unsaid = {k: v for k, v in roommate.items() if k != "reached"}
    assert policy.check_attempt(call("2026-03-03T10:00:00-05:00"), [unsaid]).denied_by == ["conversation"]
    session = policy.session([])
    session.record(call("2026-03-02T10:00:00-05:00", facts={"phone_type": "workplace"}), "answered",
                   reached="someone_else")
    assert session.check(call("2026-03-03T10:00:00-05:00")).allowed
    session.record(call("2026-03-03T10:00:00-05:00", facts={"phone_type": "workplace"}), "answered", reached="person")
    assert session.check(call("2026-03-03T11:00:00-05:00")).denied_by == ["conversation"]


def test_bad_direction_reached_and_facts_are_refused_with_the_field() -> None:
    policy = policy_from(MA)
    for bad, message in (({"direction": "incoming"}, r"history\[0\]\.direction: unknown direction 'incoming'"),
                         ({"reached": "roommate"}, r"history\[0\]\.reached: unknown reached 'roommate'"),
                         ({"facts": ["x"]}, r"history\[0\]\.facts: expected an object")):
        with pytest.raises(collectguard.InputError, match=message):
            policy.check_attempt(call("2026-03-04T12:00:00-05:00"), [{**logged("2026-03-03T12:00:00-05:00"), **bad}])
    with pytest.raises(collectguard.InputError, match="reached: unknown reached"):
        policy.session([]).record(call("2026-03-02T10:00:00-05:00"), "answered", reached="roommate")


def test_an_audit_judges_no_inbound_contact_but_counts_it_where_asked() -> None:
    from collectguard._audit import AuditSummary, audit

    policy = policy_from(MA)
    log = [("l1", logged("2026-03-02T23:00:00-05:00", "answered", direction="inbound")),
           ("l2", logged("2026-03-03T10:00:00-05:00", "answered", direction="outbound", reached="person"))]
    summary = AuditSummary()
    assert list(audit(policy, log, summary)) == []
    assert summary.attempts == 1
