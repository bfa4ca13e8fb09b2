"""The cn-card-collection pack's attempt rules, as the articles state them."""

from __future__ import annotations

import pytest

import collectguard
from conftest import CALL_FACTS, attempt, call, entry


def test_quiet_hours_boundaries(pack) -> None:
    assert not pack.check_attempt(call("2026-11-23T22:00:00+08:00")).allowed
    assert not pack.check_attempt(call("2026-11-24T07:59:59+08:00")).allowed
    assert pack.check_attempt(call("2026-11-24T08:00:00+08:00")).allowed
    assert pack.check_attempt(call("2026-11-23T21:59:59+08:00", channel="letter")).allowed


def test_quiet_hours_cover_sms_and_visits(pack) -> None:
    decision = pack.check_attempt(call("2026-11-23T23:00:00+08:00", channel="visit", party="debtor"))
    assert decision.denied_by == ["quiet-hours"]


def test_hourly_cap_at_2130_moves_past_quiet_hours_to_the_next_morning(pack) -> None:
    history = [entry("2026-11-23T21:05:00+08:00"), entry("2026-11-23T21:20:00+08:00")]
    decision = pack.check_attempt(call("2026-11-23T21:30:00+08:00"), history)
    assert decision.denied_by == ["third-party-hourly-cap"]
    # The hour frees at 22:05, in quiet hours: the next allowed time is 08:00 the next day.
    assert decision.next_allowed_at.isoformat() == "2026-11-24T08:00:00+08:00"
    assert pack.check_attempt(call("2026-11-24T08:00:00+08:00"), history).allowed


def test_daily_cap_of_six_unanswered_calls(pack) -> None:
    times = ["08:00", "09:30", "11:00", "13:00", "15:00", "17:00"]
    history = [entry(f"2026-11-23T{t}:00+08:00") for t in times]
    decision = pack.check_attempt(call("2026-11-23T19:00:00+08:00"), history)
    assert decision.denied_by == ["third-party-daily-cap"]
    assert decision.reasons[0].evidence["count"] == 6
    # The local day starts afresh at midnight, which is quiet hours: 08:00.
    assert decision.next_allowed_at.isoformat() == "2026-11-24T08:00:00+08:00"
    assert pack.check_attempt(call("2026-11-23T19:00:00+08:00"), history[:5]).allowed
    answered = history[:5] + [entry("2026-11-23T17:00:00+08:00", outcome="answered")]
    assert pack.check_attempt(call("2026-11-23T19:00:00+08:00"), answered).allowed


def test_caps_do_not_apply_to_the_debtor(pack) -> None:
    history = [entry(f"2026-11-23T{h:02d}:00:00+08:00") for h in range(8, 20)]
    assert pack.check_attempt(call("2026-11-23T20:00:00+08:00", party="debtor"), history).allowed


def test_stop_contact_denies_with_no_wait(pack) -> None:
    decision = pack.check_attempt(call("2026-11-23T10:00:00+08:00", party="debtor",
                                          facts={"stop_contact": True}))
    assert decision.denied_by == ["stop-contact"]
    assert decision.next_allowed_at is None
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", facts={"stop_contact": False})).allowed


def test_third_party_objection(pack) -> None:
    facts = {"third_party_objected": True}
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", facts=facts)).denied_by == ["third-party-objection"]
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", party="debtor", facts=facts)).allowed


def test_sms_needs_the_banks_overlay(pack) -> None:
    sms = call("2026-11-23T10:00:00+08:00", channel="sms", party="debtor")
    decision = pack.check_attempt(sms)
    assert decision.denied_by == ["sms-not-permitted"]
    assert decision.next_allowed_at is None
    assert pack.check_attempt({**sms, "client": "example-bank"}).allowed


def test_overlay_hours(pack) -> None:
    bank = call("2026-11-23T08:30:00+08:00", client="example-bank")
    decision = pack.check_attempt(bank)
    assert decision.denied_by == ["quiet-hours"]
    assert decision.next_allowed_at.isoformat() == "2026-11-23T09:00:00+08:00"
    assert decision.policy.client == "example-bank"
    with pytest.raises(collectguard.InputError, match="unknown client 'another-bank'"):
        pack.check_attempt({**bank, "client": "another-bank"})  # no overlay: refused, not the base


@pytest.mark.parametrize("facts, rule", [
    ({"dedicated_line": False}, "dedicated-line"),
    ({"recorded": False}, "recording-required"),
])
def test_line_and_recording_facts(pack, facts, rule) -> None:
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", facts=facts)).denied_by == [rule]
    ok = {key: True for key in facts}
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", facts=ok)).allowed
    # Not sent: read as false (absent: false), so a call not known to be recorded or placed
    # from a dedicated seat is denied, and the evidence says the fact was not sent.
    unsaid = {**CALL_FACTS}
    unsaid.pop(next(iter(facts)))
    decision = pack.check_attempt({**attempt("2026-11-23T10:00:00+08:00"), "facts": unsaid})
    assert decision.denied_by == [rule] and decision.next_allowed_at is None
    assert decision.reasons[0].evidence["not_sent"] == list(facts)
    assert pack.check_attempt(call("2026-11-23T10:00:00+08:00", channel="letter", facts=facts)).allowed


def test_reasons_list_deny_rules_in_policy_order(pack) -> None:
    decision = pack.check_attempt(call("2026-11-23T23:00:00+08:00", channel="sms",
                                          facts={"stop_contact": True}))
    assert decision.denied_by == ["quiet-hours", "stop-contact", "sms-not-permitted"]
    assert all(r.citation.startswith("电话催收管理制度") for r in decision.reasons)


def test_before_the_policy_is_in_force_the_check_refuses(pack) -> None:
    import collectguard

    with pytest.raises(collectguard.InputError, match="in force 2015-07-01"):
        pack.check_attempt(call("2015-06-30T10:00:00+08:00"))


def test_next_allowed_at_is_searched_when_read_from_the_history_as_given(pack) -> None:
    history = [entry("2026-11-23T21:05:00+08:00"), entry("2026-11-23T21:20:00+08:00")]
    decision = pack.check_attempt(call("2026-11-23T21:30:00+08:00"), history)
    history.clear()  # the caller reuses its list before reading the answer
    assert decision.next_allowed_at.isoformat() == "2026-11-24T08:00:00+08:00"
    assert decision == pack.check_attempt(call("2026-11-23T21:30:00+08:00"),
                                          [entry("2026-11-23T21:05:00+08:00"), entry("2026-11-23T21:20:00+08:00")])
    with pytest.raises(AttributeError):
        decision.allowed = True  # type: ignore[misc]
