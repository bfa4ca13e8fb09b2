"""text-match: term groups, co-occurrence in a sentence, clearing cues, context conditions."""

from __future__ import annotations

import pytest

import collectguard
from conftest import policy_from

RULE = """
id: t
version: "1"
timezone: UTC
facts:
  willing_to_repay: {type: boolean, meaning: the third party will repay, absent: false}
rules:
  - id: offer
    kind: text-match
    params:
      groups:
        relief: {any: [减免, waive, "re:免[收掉]"], cleared_by: [refusal]}
        charge: {any: [利息, 罚息, fee, "re:{amount}"]}
        card:   {any: ["re:{card}"], unless: {facts: {willing_to_repay: true}}}
      cues:
        refusal: {any: [不能, 无法, "can't"], before: 6, after: 4}
      fire_when: [[relief, charge], [card]]
"""


@pytest.fixture(scope="module")
def rule():
    return policy_from(RULE)


def fired(policy, text: str, **context) -> list[str]:
    return [r.rule for r in policy.check_note(text, {"party": "debtor", **context}).reasons]


@pytest.mark.parametrize("text", ["可以给您减免利息", "罚息可以免收", "We can waive the fee.", "減免利息",
                                  "可以减 免３千元", "尾号6688的卡"])
def test_fires(rule, text: str) -> None:
    assert fired(rule, text) == ["offer"]


@pytest.mark.parametrize("text", [
    "罚息不能减免",            # refusal before
    "减免罚息？无法",         # ... but the cue is in another clause: still fires? no: see below
    "We can't waive the fee.",
    "可以减免。利息照收",      # relief and charge in different sentences
    "利息要按时还",            # charge alone
    "waiver",                  # Latin terms match whole words
])
def test_does_not_fire(rule, text: str) -> None:
    if text == "减免罚息？无法":
        # A cue does not reach across a sentence end: the offer stands as written.
        assert fired(rule, text) == ["offer"]
    else:
        assert fired(rule, text) == []


def test_refusal_after_the_term_clears_it(rule) -> None:
    assert fired(rule, "减免无法办理利息") == []


def test_group_unless_reads_the_context(rule) -> None:
    assert fired(rule, "尾号6688的卡", facts={"willing_to_repay": True}) == []


def test_evidence_spans_are_offsets_into_the_original(rule) -> None:
    text = "好的，可以給您減 免３千元的利息"
    reason = rule.check_note(text, {"party": "debtor"}).reasons[0]
    spans = reason.evidence["spans"]
    assert [s["text"] for s in spans] == ["減 免", "３千元", "利息"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    assert reason.evidence["terms"] == {"relief": ["减免"], "charge": ["3千元", "利息"]}


def test_explain_shows_matches_and_what_cleared_them(rule) -> None:
    decision = rule.check_note("罚息不能减免", {"party": "debtor"}, explain=True)
    trace = decision.explanation[0]
    assert trace.applied and not trace.fired
    assert trace.values["cleared"] == [{"group": "relief", "term": "减免", "by": "refusal", "cue": "不能"}]


@pytest.mark.parametrize("change, message", [
    ('"re:免[收掉]"', None),
    ('"re:(a+)+"', "nests quantifiers"),
    # Each of these hangs Python's re on a near miss ("aaaa...b"): refused at load.
    ('"re:(a|aa)+$"', "nests quantifiers"),
    ('"re:(a|a)+$"', "nests quantifiers"),
    ('"re:(\\\\w+\\\\s?)+$"', "nests quantifiers"),
    ('"re:(a+a?)+$"', "nests quantifiers"),
    ('"re:(a+){2,40}$"', "nests quantifiers"),
    # ... and these are linear: a delimiter every iteration, or a few fixed alternatives.
    ('"re:(?:[a-z]+ )*fee"', None),
    ('"re:(?:\\\\d+,)*\\\\d+"', None),
    ('"re:(a|ab)+c"', None),
    ('"re:(?:还|真|可真){0,2}厚"', None),
    ('"re:免[收"', "does not compile"),
    ('"re:(?i)free"', r"does not compile as one of several terms .*scope flags to a group"),
])
def test_patterns_are_checked_at_load(change: str, message: str | None) -> None:
    text = RULE.replace('"re:免[收掉]"', change)
    if message is None:
        policy_from(text)
        return
    with pytest.raises(collectguard.PolicyError, match=message) as caught:
        policy_from(text)
    assert caught.value.line == 12  # the line of the term itself


@pytest.mark.parametrize("change, message", [
    ("fire_when: [[relief, charge], [card]]", None),
    ("fire_when: [[relief, charges]]", "fire_when names group 'charges'"),
    ("fire_when: [[]]", "empty alternative"),
])
def test_names_must_resolve(change: str, message: str | None) -> None:
    text = RULE.replace("fire_when: [[relief, charge], [card]]", change)
    if message is None:
        policy_from(text)
    else:
        with pytest.raises(collectguard.PolicyError, match=message):
            policy_from(text)


def test_cue_names_must_resolve() -> None:
    with pytest.raises(collectguard.PolicyError, match="cleared_by 'refusals'"):
        policy_from(RULE.replace("cleared_by: [refusal]", "cleared_by: [refusals]"))


def test_bad_context_is_refused(rule) -> None:
    with pytest.raises(collectguard.InputError, match="context.party: unknown party 'relative'"):
        rule.check_note("x", {"party": "relative"})
    with pytest.raises(collectguard.InputError, match="text: expected a string"):
        rule.check_note(None, {"party": "debtor"})
