"""Declared facts: typed, never coerced; misspelt names and unknown clients refused."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import collectguard
from conftest import attempt, call, entry, policy_from

POLICY = """
id: t
version: "1"
timezone: UTC
facts:
  stop_contact: {type: boolean, meaning: the creditor said to stop, absent: false}
  recorded: {type: boolean, meaning: the call is recorded, absent: false}
  authorisation: {type: reference, meaning: the creditor's written authorisation, absent: unknown}
  phone_type: {type: enum, values: [personal, workplace], meaning: the kind of number, absent: unknown}
  not_before: {type: time, meaning: the consumer's earliest convenient time, absent: unknown}
  balance: {type: number, meaning: the balance owed, absent: unknown}
rules:
  - id: stop
    kind: fact-block
    params: {facts: {stop_contact: true}}
  - id: unrecorded
    kind: fact-block
    when: {channels: [call]}
    params: {facts: {recorded: false}}
  - id: no-work-calls
    kind: fact-block
    params: {facts: {phone_type: workplace}}
overlays:
  - client: example-bank
    rules:
      stop: {enabled: false}
"""

AT = "2026-11-23T10:00:00Z"
REC = {"recorded": True}


@pytest.fixture(scope="module")
def policy() -> collectguard.Policy:
    return policy_from(POLICY)


def check(policy, facts, **fields):
    return policy.check_attempt(attempt(AT, facts=facts, **fields))


@pytest.mark.parametrize("name, value, message", [
    ("stop_contact", "true", "expected true or false, got the string 'true'"),
    ("stop_contact", 1, "expected true or false, got the number 1"),
    ("stop_contact", "yes", "expected true or false, got the string 'yes'"),
    ("recorded", 0, "expected true or false, got the number 0"),
    ("recorded", "false", "expected true or false, got the string 'false'"),
    ("authorisation", False, "expected a reference (a non-empty string), got false"),
    ("authorisation", 0, "expected a reference (a non-empty string), got the number 0"),
    ("authorisation", "no", "'no' is not a reference: leave the fact out when there is none"),
    ("authorisation", "N/A", "'N/A' is not a reference"),
    ("phone_type", "Workplace", "'Workplace' is not one of personal, workplace (did you mean 'workplace'?)"),
    ("not_before", "10h30", "expected a local time HH:MM, got '10h30'"),
    ("balance", math.nan, "expected a finite number, got the number nan"),
    ("balance", True, "expected a finite number, got true"),
    ("stop_contact", [True], "expected true or false, got a list"),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_field_and_type(policy, name, value, message) -> None:
    with pytest.raises(collectguard.InputError) as caught:
        check(policy, {**REC, name: value})
    text = str(caught.value)
    assert text.startswith(f"attempt.facts.{name}: ") and message in text and "\n" not in text


def test_right_values_are_read_as_given(policy) -> None:
    assert check(policy, {**REC, "authorisation": "WA-17", "phone_type": "personal",
                          "not_before": "10:30", "balance": 1200.5}).allowed
    assert check(policy, {**REC, "phone_type": "workplace"}).denied_by == ["no-work-calls"]
    assert check(policy, {**REC, "stop_contact": True}).denied_by == ["stop"]


def test_a_misspelt_fact_is_refused_with_did_you_mean(policy) -> None:
    with pytest.raises(collectguard.InputError, match=r"attempt.facts.stop_contct: not a fact this pack "
                                                      r"declares \(did you mean 'stop_contact'\?\)"):
        check(policy, {**REC, "stop_contct": True})


def test_undeclared_facts_are_refused_unless_the_pack_ignores_them(policy) -> None:
    with pytest.raises(collectguard.InputError, match="crm_segment: not a fact this pack declares"):
        check(policy, {**REC, "crm_segment": "gold"})
    lenient = policy_from(POLICY.replace("rules:\n", "undeclared_facts: ignore\nrules:\n", 1))
    assert check(lenient, {**REC, "crm_segment": "gold"}).allowed
    with pytest.raises(collectguard.InputError, match="did you mean 'stop_contact'"):
        check(lenient, {**REC, "stop_contct": True})  # close to a declared name: always refused


def test_absent_reads_as_the_declared_value(policy) -> None:
    decision = check(policy, {})  # a call that does not say it is recorded
    assert decision.denied_by == ["unrecorded"]
    assert decision.reasons[0].evidence == {"facts": {"recorded": False}, "not_sent": ["recorded"]}
    assert check(policy, {"recorded": None}).denied_by == ["unrecorded"]  # null is not sent
    assert check(policy, {}, channel="letter").allowed
    assert check(policy, {"recorded": True}).allowed


def test_a_blank_reference_is_absent() -> None:
    policy = policy_from(POLICY.replace("params: {facts: {stop_contact: true}}",
                                        "params: {facts: {authorisation: {present: false}}}"))
    assert check(policy, {**REC, "authorisation": "  "}).denied_by == ["stop"]
    assert check(policy, {**REC, "authorisation": "WA-17"}).allowed


def test_a_required_fact_is_refused_when_missing() -> None:
    policy = policy_from(POLICY.replace("the call is recorded, absent: false", "the call is recorded, absent: refuse"))
    with pytest.raises(collectguard.InputError, match="attempt.facts.recorded: missing; the pack requires it"):
        check(policy, {})
    with pytest.raises(collectguard.InputError, match="attempt.facts.recorded: missing"):
        check(policy, {"stop_contact": False})
    assert check(policy, {"recorded": True}).allowed


def test_note_contexts_are_read_the_same_way(policy) -> None:
    with pytest.raises(collectguard.InputError, match="context.facts.stop_contact: expected true or false"):
        policy.check_note("hello", {"party": "debtor", "facts": {"stop_contact": "1"}})


def test_a_history_entrys_fact_a_cap_reads_is_typed() -> None:
    policy = policy_from(POLICY.replace("overlays:", """  - id: personal-cap
    kind: frequency-cap
    params:
      max: 1
      window: {calendar: day}
      count: {facts: {phone_type: personal}}
overlays:""", 1))
    history = [entry("2026-11-23T09:00:00Z", facts={"phone_type": "personal"})]
    assert check(policy, REC).allowed is True  # no history
    assert policy.check_attempt(attempt(AT, facts=REC), history).denied_by == ["personal-cap"]
    bad = [entry("2026-11-23T09:00:00Z", facts={"phone_type": "mobile"})]
    with pytest.raises(collectguard.InputError, match=r"history\[0\].facts.phone_type: 'mobile' is not one of"):
        policy.check_attempt(attempt(AT, facts=REC), bad)


def test_an_unknown_client_is_refused_with_did_you_mean(policy) -> None:
    assert check(policy, {**REC, "stop_contact": True}, client="example-bank").allowed  # its overlay
    for client in ("exmaple-bank", "Example-Bank"):
        with pytest.raises(collectguard.InputError,
                           match=r"attempt.client: unknown client .*did you mean 'example-bank'"):
            check(policy, REC, client=client)
    with pytest.raises(collectguard.InputError, match="context.client: unknown client 'acme'"):
        policy.check_note("hello", {"party": "debtor", "client": "acme"})
    base = policy_from(POLICY.replace("rules:\n", "unlisted_clients: base\nrules:\n", 1))
    assert check(base, {**REC, "stop_contact": True}, client="acme").denied_by == ["stop"]


@pytest.mark.parametrize("yaml, message", [
    ("facts: {stop_contct: true}", "fact 'stop_contct' is not declared"),
    ("facts: {stop_contact: yes}", "expected true or false, got the string 'yes'"),
    ("facts: {stop_contact: 1}", "expected true or false, got the number 1"),
    ("facts: {phone_type: {in: [personal, home]}}", "'home' is not one of personal, workplace"),
    ("facts: {balance: \"100\"}", "expected a finite number, got the string '100'"),
])
def test_a_rule_reading_an_undeclared_fact_or_a_wrong_value_does_not_load(yaml, message) -> None:
    with pytest.raises(collectguard.PolicyError, match=message) as caught:
        policy_from(POLICY.replace("facts: {stop_contact: true}", yaml, 1))
    assert caught.value.line == 15  # the rule's line, where the test is written


@pytest.mark.parametrize("field", ['enabled: "off"', 'enabled: "false"', "enabled: 0", 'enabled: "no"'])
def test_policy_booleans_are_strict(field) -> None:
    with pytest.raises(collectguard.PolicyError, match="expected true or false"):
        policy_from(POLICY.replace("    kind: fact-block\n    params: {facts: {stop_contact: true}}",
                                   f"    kind: fact-block\n    {field}\n"
                                   "    params: {facts: {stop_contact: true}}", 1))


# -- the property: nothing a careless or hostile integrator sends is an allow -----------

_WRONG = st.one_of(st.sampled_from(["true", "false", "yes", "no", "1", "0", "", " ", "on", "off", "TRUE"]),
                   st.integers(-2, 2), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                   st.lists(st.booleans(), max_size=2), st.dictionaries(st.text(max_size=3), st.booleans(), max_size=1))
_MISSPELT = st.sampled_from(["stop_contct", "stopcontact", "Stop_Contact", "stop_contacts", "recored", "recordedd"])


@settings(max_examples=300, deadline=None)
@given(value=_WRONG, misspelt=_MISSPELT, client=st.text(min_size=1, max_size=14), which=st.integers(0, 2))
def test_wrong_types_misspellings_and_unknown_clients_are_never_allowed(policy, value, misspelt, client, which) -> None:
    # A fact that should block (stop_contact true, recorded false) sent in a wrong form:
    # refused or denied, never allowed.
    if which == 0:
        facts, fields = {"recorded": True, "stop_contact": value}, {}
    elif which == 1:
        facts, fields = {"recorded": True, misspelt: True}, {}
    else:
        facts, fields = {"recorded": True, "stop_contact": True}, {"client": client}
    if which == 0 and value is None:
        facts["recorded"] = value  # null: not sent, read as not recorded
    if which == 2 and client == "example-bank":
        return  # its overlay switches stop off: allowed by design
    try:
        decision = check(policy, facts, **fields)
    except collectguard.InputError:
        return
    assert not decision.allowed, (facts, fields)


def test_the_shipped_pack_refuses_the_forms_a_crm_sends(pack) -> None:
    for facts in ({"stop_contact": "true"}, {"stop_contact": 1}, {"recorded": "false"}, {"recorded": 0},
                  {"waiver_authorization": False}, {"stop_contct": True}):
        with pytest.raises(collectguard.InputError):
            pack.check_attempt(call("2026-11-23T10:00:00+08:00", facts=facts))
    with pytest.raises(collectguard.InputError, match="did you mean 'example-bank'"):
        pack.check_attempt(call("2026-11-23T21:30:00+08:00", client="exmaple-bank"))
    assert not pack.check_attempt(attempt("2026-11-23T10:00:00+08:00")).allowed  # not known to be recorded
