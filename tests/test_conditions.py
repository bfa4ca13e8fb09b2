"""Conditions: the prepared matcher answers exactly as the model's own test, in every shape."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, strategies as st

from collectguard._conditions import Condition, FactTest

PARTIES = ["debtor", "third_party"]
CHANNELS = ["call", "sms", "email", "letter", "visit"]
RELATIONS = ["spouse", "parent", "friend", "employer"]
VALUES = st.sampled_from([True, False, 1, 0, "yes", "", None, "ref-1"])
NAMES = st.sampled_from(["stop_contact", "complaint", "waiver_authorization"])

fact_tests = st.builds(
    lambda present, in_, not_: FactTest.model_validate(
        {k: v for k, v in (("present", present), ("in", in_), ("not", not_)) if v is not None}),
    st.none() | st.booleans(), st.none() | st.lists(VALUES, max_size=3), st.none() | VALUES)

conditions = st.builds(
    lambda parties, relations, channels, facts: Condition.model_validate(
        {k: v for k, v in (("parties", parties), ("relations", relations), ("channels", channels),
                           ("facts", facts)) if v is not None}),
    st.none() | st.lists(st.sampled_from(PARTIES), max_size=2),
    st.none() | st.lists(st.sampled_from(RELATIONS), max_size=2),
    st.none() | st.lists(st.sampled_from(CHANNELS), max_size=3),
    st.none() | st.dictionaries(NAMES, VALUES | fact_tests, max_size=3),
)

subjects = st.builds(
    lambda party, relation, channel, facts: SimpleNamespace(
        party=party, relation=relation, channel=channel, client=None, facts=facts),
    st.sampled_from(PARTIES), st.none() | st.sampled_from(RELATIONS), st.sampled_from(CHANNELS),
    st.none() | st.dictionaries(NAMES, VALUES, max_size=3),
)


@given(conditions, subjects)
def test_the_prepared_matcher_agrees_with_the_condition(condition: Condition, subject) -> None:
    assert condition.matcher()(subject) == condition.matches(subject)


def test_true_does_not_match_one() -> None:
    match = Condition.model_validate({"facts": {"stop_contact": True}}).matcher()
    assert match(SimpleNamespace(party="debtor", relation=None, channel="call", client=None,
                                 facts={"stop_contact": 1})) is False
    assert match(SimpleNamespace(party="debtor", relation=None, channel="call", client=None,
                                 facts={"stop_contact": True})) is True


@given(st.none() | conditions, st.none() | conditions, subjects)
def test_routing_by_channel_and_party_agrees_with_when_and_unless(when, unless, subject) -> None:
    from collectguard._compile import CompiledRule

    rule = CompiledRule(id="r", kind="fact-block", subject="attempt", severity="deny", message="m",
                        citation=None, when=when, unless=unless, effective=None, check=None,
                        when_test=when.matcher() if when else None,
                        unless_test=unless.matcher() if unless else None)
    can, rest = rule.routed(subject.channel, subject.party)
    assert (can and (rest is None or rest(subject))) == rule.applies(subject, None)
