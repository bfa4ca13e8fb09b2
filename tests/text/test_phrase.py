"""The phrase language: terms written as sentences, compiled to patterns the engine checks."""

from __future__ import annotations

import re

import pytest

import collectguard
from collectguard._phrase import PhraseError, compile_phrase, inflections

LEXICONS = {"authority": ("court", "police", "sheriff's office", "district attorney"), "office": ("法院", "公安局")}


def matches(phrase: str, text: str) -> bool:
    return re.search(compile_phrase(phrase, LEXICONS), text) is not None


@pytest.mark.parametrize("phrase, text, hit", [
    ("(this is | calling from) [the] ~1 words @authority", "this is the county sheriff's office", True),
    ("(this is | calling from) [the] ~1 words @authority", "calling from police", True),
    ("(this is | calling from) [the] ~1 words @authority", "this isthe police", False),     # whole words
    ("(this is | calling from) [the] ~1 words @authority", "this is, about the police", False),  # one clause
    ("(this is | calling from) [the] ~1 words @authority", "this is not really the police", False),  # 3 words
    ("you will be arrest+", "you will be arrested", True),
    ("you will be arrest+", "you will be arrestable", False),
    ("owe+ ~2 words money", "he owed us money", True),
    ("我们是 ~6 chars @office", "我们是市中级人民法院", True),
    ("我们是 ~6 chars @office", "我们是受托机构，法院", False),   # not across a comma
    ("[不] 减免", "减免", True),
    ("pay ~3 words you", "pay it or call you", True),                 # ~N words: N > 1 compiles
    ("pay ~20 chars in sentence you", "pay it, or we call you", True),  # crosses a comma
    ("pay ~20 chars in sentence you", "pay it. we call you", False),    # not a full stop
    ("pay ~3 words in sentence you", "pay it, or you", True),
    ("pay ~3 words in sentence you", "pay it; or you", False),
])
def test_phrases_match_as_written(phrase: str, text: str, hit: bool) -> None:
    assert matches(phrase, text) is hit


def test_macros_in_phrases() -> None:
    pattern = compile_phrase("knock+ off {percent}", {}, frozenset({"percent"}))
    assert "{percent}" in pattern  # expanded by the text rules, which know the macros
    with pytest.raises(PhraseError, match="no macro"):
        compile_phrase("knock+ off {percentage}", {}, frozenset({"percent"}))


def test_word_gaps_stay_linear() -> None:
    from collectguard._backtrack import exponential
    for phrase in ("a ~6 words b", "a ~6 words in sentence b", "a ~40 chars in sentence b"):
        assert not exponential(compile_phrase(phrase, {}))
    assert exponential(r"(?:\s*\w+)+")  # still refused: the parts share no delimiter


def test_inflections_are_regular_english_forms() -> None:
    assert inflections("owe") == {"owe", "owes", "owed", "owing"}
    assert inflections("deny") == {"deny", "denies", "denied", "denying"}
    assert {"pass", "passes", "passed", "passing"} <= inflections("pass")
    assert {"stopped", "stopping"} <= inflections("stop")


@pytest.mark.parametrize("phrase, message", [
    ("(this is | calling from", "is not closed"),
    ("@nothing here", "no lexicon named 'nothing'"),
    ("欠款+", "belongs to an English word"),
    ("this | ", "an empty alternative"),
    ("", "an empty phrase"),
])
def test_a_phrase_that_cannot_be_read_is_refused(phrase: str, message: str) -> None:
    with pytest.raises(PhraseError, match=message):
        compile_phrase(phrase, LEXICONS)


POLICY = """
id: t
version: "1"
timezone: UTC
lexicons:
  authority: [court, police, sheriff]
rules:
  - id: impersonation
    kind: text-match
    params:
      groups:
        claim: {any: ["phrase: (this is | calling from | i am) [the] ~1 words @authority"]}
      fire_when: [[claim]]
"""


def test_a_rule_written_in_phrases_fires_with_spans_and_stays_quiet() -> None:
    policy = collectguard.parse_policy(POLICY, "t.yaml")
    decision = policy.check_note("Hello, this is the county sheriff calling about a warrant.", {"party": "debtor"})
    assert decision.denied_by == ["impersonation"]
    [span] = decision.reasons[0].evidence["spans"]
    assert span["text"] == "this is the county sheriff"
    assert policy.check_note("You may contact the police if you doubt this call.", {"party": "debtor"}).allowed


def test_a_bad_phrase_in_a_policy_is_placed_at_its_term() -> None:
    with pytest.raises(collectguard.PolicyError, match="is not closed") as caught:
        collectguard.parse_policy(POLICY.replace("(this is | calling from | i am)", "(this is"), "t.yaml")
    assert caught.value.line == 12
