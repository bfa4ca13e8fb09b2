"""A policy written naturally means what it says, or is refused with one line naming the place."""

from __future__ import annotations

import pytest

import collectguard
from conftest import attempt, policy_from

GOOD = """\
id: t
version: "1"
timezone: Asia/Shanghai
rules:
  - id: hours
    kind: contact-hours
    params: {from: 08:00, until: 22:00}
"""


def test_unquoted_times_mean_what_they_say() -> None:
    # YAML 1.1 would read 22:00 as 1320 and leave 08:00 a string; collectguard reads both as times.
    policy = policy_from(GOOD)
    assert not policy.check_attempt(attempt("2026-11-23T22:00:00+08:00")).allowed
    assert policy.check_attempt(attempt("2026-11-23T21:59:59+08:00")).allowed


def _error(text: str) -> collectguard.PolicyError:
    with pytest.raises(collectguard.PolicyError) as caught:
        policy_from(text)
    return caught.value


@pytest.mark.parametrize("text, where, message", [
    (GOOD.replace("kind: contact-hours", "kind: contact-hour"), "6:11",
     "unknown rule kind 'contact-hour' (did you mean 'contact-hours'?)"),
    (GOOD.replace("    params:", "    parmas:"), "7:5", "unknown key 'parmas' (did you mean 'params'?)"),
    (GOOD.replace('version: "1"', "version: 1"), "2:10", "version: expected text, got 1 (quote it"),
    (GOOD.replace("Asia/Shanghai", "Asia/Shangai"), "3:11",
     "unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?)"),
    (GOOD.replace("until: 22:00", "until: 25:00"), "7:34", "'25:00' is not a time of day"),
    (GOOD + "  - id: hours\n    kind: fact-block\n    params: {facts: {stop_contact: true}}\n", "8:9",
     "duplicate rule id 'hours'"),
    (GOOD.replace("timezone: Asia/Shanghai\n", "timezone: Asia/Shanghai\ntimezone: UTC\n"), "4:1",
     "duplicate key 'timezone' (first given on line 3)"),
    (GOOD.replace("{from: 08:00, until: 22:00}", "{from: 08:00, until: 22:00"), "8:1", "YAML syntax"),
    (GOOD.replace("    params: {from: 08:00, until: 22:00}\n", ""), "5:5",
     "rules[0]: required field 'params' is missing"),
    (GOOD + "overlays:\n  - client: b\n    rules:\n      hour: {enabled: false}\n", "11:7",
     "overlays[0].rules: no rule 'hour' in this policy (did you mean 'hours'?)"),
    (GOOD + "overlays:\n  - client: b\n    rules:\n      hours: {params: {until: 8pm}}\n", "11:31",
     "'8pm' is not a time of day"),
    (GOOD.replace("params: {from: 08:00, until: 22:00}", "params: {from: 08:00, until: 08:00}"), "7:13",
     "always open or never open"),
    ("", "1:1", "the file is empty"),
    ("- a\n- b\n", "1:1", "a policy must be a mapping"),
])
def test_mistakes_are_refused_with_place_and_hint(text: str, where: str, message: str) -> None:
    error = _error(text)
    line = error.one_line()
    assert line.startswith(f"test.yaml:{where}: "), line
    assert message in line, line
    assert "\n" not in line


def test_overlay_switches_rules_and_validates_merged_params() -> None:
    text = GOOD + "overlays:\n  - client: b\n    rules:\n      hours: {params: {until: '23:00'}}\n" \
                  "  - client: c\n    rules:\n      hours: {enabled: false}\n"
    policy = policy_from(text)
    late = attempt("2026-11-23T22:30:00+08:00")
    assert not policy.check_attempt(late).allowed
    assert policy.check_attempt({**late, "client": "b"}).allowed
    assert not policy.check_attempt({**late, "client": "b", "at": "2026-11-23T23:00:00+08:00"}).allowed
    assert policy.check_attempt({**late, "client": "c"}).allowed
    explained = policy.check_attempt({**late, "client": "c"}, explain=True)
    assert explained.explanation[0].why == "switched off by the overlay for client 'c'"


def test_rule_effective_dates_are_inclusive_in_the_policy_zone() -> None:
    text = GOOD.replace("    kind: contact-hours",
                        "    kind: contact-hours\n    effective: {from: 2026-11-24, until: 2026-11-30}")
    policy = policy_from(text)
    assert policy.check_attempt(attempt("2026-11-23T23:00:00+08:00")).allowed
    assert not policy.check_attempt(attempt("2026-11-24T00:00:00+08:00")).allowed
    assert not policy.check_attempt(attempt("2026-11-30T23:00:00+08:00")).allowed
    assert policy.check_attempt(attempt("2026-12-01T00:00:00+08:00")).allowed


def test_warn_severity_reports_but_never_denies() -> None:
    policy = policy_from(GOOD.replace("    kind: contact-hours", "    kind: contact-hours\n    severity: warn"))
    decision = policy.check_attempt(attempt("2026-11-23T23:00:00+08:00"))
    assert decision.allowed and decision.next_allowed_at is None
    assert [r.severity for r in decision.reasons] == ["warn"]


@pytest.mark.parametrize("change, message", [
    ({"at": "2026-11-23T10:00:00"}, "attempt.at: '2026-11-23T10:00:00' has no UTC offset"),
    ({"channel": "fax"}, "attempt.channel: unknown channel 'fax'"),
    ({"timezone": "Mars/Olympus"}, "attempt.timezone: unknown time zone 'Mars/Olympus'"),
    ({"contact": ""}, "attempt.contact: missing or empty"),
    ({"relation": "cousin"}, "attempt.relation: unknown relation 'cousin'"),
    ({"facts": ["stop_contact"]}, "attempt.facts: expected an object"),
    ({"clinet": "b"}, "attempt.clinet: unknown field (did you mean 'client'?)"),
    # JSON that is not text where text is expected (an object, a list) is refused, not a crash
    ({"channel": ["call"]}, "attempt.channel: unknown channel ['call']"),
    ({"party": {"type": "debtor"}}, "attempt.party: unknown party {'type': 'debtor'}"),
    ({"relation": ["sibling"]}, "attempt.relation: unknown relation ['sibling']"),
])
def test_bad_attempts_are_refused(change: dict, message: str) -> None:
    with pytest.raises(collectguard.InputError) as caught:
        policy_from(GOOD).check_attempt({**attempt("2026-11-23T10:00:00+08:00"), **change})
    assert str(caught.value).startswith(message)


def test_models_are_accepted_as_well_as_dicts() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    policy = policy_from(GOOD)
    model = collectguard.Attempt(at=datetime(2026, 11, 23, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                                 channel="call", party="debtor", contact="x")
    assert not policy.check_attempt(model, [collectguard.HistoryEntry(**model.model_dump(), outcome="busy")]).allowed


def test_schema_comes_from_the_models() -> None:
    schema = collectguard.json_schema()
    kinds = {d["properties"]["kind"]["const"] for name, d in schema["$defs"].items() if name.endswith("Rule")}
    assert kinds == {"contact-hours", "frequency-cap", "fact-block", "channel-permission"} | (
        {"text-match"} if "TextMatchRule" in schema["$defs"] else set())
    assert schema["$defs"]["ContactHoursParams"]["additionalProperties"] is False
