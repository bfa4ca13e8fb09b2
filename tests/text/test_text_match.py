"""The text-match kind: term groups meeting in a scope, clearing cues, context conditions,
evidence, and the checks its patterns pass at load.

First the kind built straight from its parameters, without a policy file; then the kind
inside a policy (placing a bad pattern at its line, resolving names, reading the context).
The pack's own rules are tested by their examples in rules/cn-card-collection.texts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import collectguard
from collectguard._input import read_context
from collectguard._kinds._base import CompileEnv
from collectguard._kinds.text_match import KIND, TextMatchParams
from collectguard._normalize import normalize
from conftest import policy_from


class Note:
    __slots__ = ("text", "normalized", "context", "memo")

    def __init__(self, text: str, context: dict[str, Any] | None = None) -> None:
        self.text = text
        self.memo: dict[str, Any] = {}
        self.normalized = normalize(text)
        self.context = read_context(context or {"party": "debtor"})


def build(params: dict[str, Any]) -> Any:
    env = CompileEnv(rule_id="r", default_timezone="Asia/Shanghai")
    return KIND.compile(TextMatchParams.model_validate(params), env)


WAIVER = {
    "groups": {
        "relief": {"any": ["减免", "免掉", "waive", "re:[0-9一二三四五六七八九]折"], "cleared_by": ["refusal"]},
        "charge": {"any": ["利息", "罚息", "fee", "re:{amount}"]},
    },
    "cues": {"refusal": {"any": ["不能", "无法", "can't", "cannot"], "before": 8, "after": 6}},
    "fire_when": [["relief", "charge"]],
}


def fires(params: dict[str, Any], text: str, context: dict[str, Any] | None = None) -> bool:
    return build(params).check(Note(text, context)) is not None


@pytest.mark.parametrize("text", [
    "罚息可以给您减免", "罰息可以給您減免", "罚 息可以给您减-免", "We can WAIVE the late Fee.",
    "还３萬就给您打八折",
])
def test_co_occurring_groups_fire_in_every_spelling(text: str) -> None:
    assert fires(WAIVER, text)


@pytest.mark.parametrize("text", [
    "罚息不能减免", "罚息减免不能办理", "We can't waive the fee.", "利息的事。减免请找银行",
    "减免", "the fee is due", "we waived nothing; feel free to call",
])
def test_refusals_separate_sentences_and_lone_groups_do_not_fire(text: str) -> None:
    assert not fires(WAIVER, text)


def test_latin_terms_match_whole_words_only() -> None:
    assert not fires(WAIVER, "unwaived coffee")
    assert fires(WAIVER, "waive, fee")


def test_a_cue_does_not_reach_across_a_clause() -> None:
    assert fires(WAIVER, "这个不能说，罚息我们给您减免")


def test_a_pattern_in_traditional_or_cantonese_characters_matches_every_spelling() -> None:
    # the pattern's Chinese characters fold as a note's do: 幫佢還 is 帮他还 either way
    params = {"groups": {"g": {"any": ["re:幫(?:佢|他)還"]}}, "fire_when": [["g"]]}
    assert fires(params, "你帮他还吧") and fires(params, "你幫佢還啦") and fires(params, "你帮佢还")
    assert not fires(params, "你帮她还吧")


REFUSED_EN = {
    "groups": {"relief": {"any": ["waive"], "cleared_by": ["refusal"]}, "charge": {"any": ["fee"]}},
    "cues": {"refusal": {"any": ["can't", "won't"], "before": 40}},
    "fire_when": [["relief", "charge"]],
}


def test_an_english_full_stop_ends_the_clause_a_cue_reaches_across() -> None:
    assert not fires(REFUSED_EN, "We can't waive the fee.")
    assert fires(REFUSED_EN, "We can't call after 9pm. We waive the fee.")   # the refusal is another sentence's
    assert not fires(REFUSED_EN, "We can't for Mr. Tan waive the fee.")      # a title is no full stop
    assert not fires(REFUSED_EN, "We can't, e.g. for a fee, waive it".replace(",", ""))


def test_clause_scope_does_not_join_english_sentences() -> None:
    params = {"groups": {"who": {"any": ["you"]}, "pay": {"any": ["pay"]}}, "fire_when": [["who", "pay"]],
              "scope": "clause"}
    assert fires(params, "you must pay")
    assert not fires(params, "Thank you. He will pay on Friday.")
    assert fires(params, "Mr. Smith says you pay")           # Mr. does not end a sentence
    assert fires(params, "Sdn. Bhd. told you to pay")


def test_scope_decides_where_groups_must_meet() -> None:
    text = "罚息的事，我们给您减免。"
    assert fires({**WAIVER, "scope": "sentence"}, text)
    assert not fires({**WAIVER, "scope": "clause"}, text)
    assert fires({**WAIVER, "scope": "text"}, "罚息的事。我们给您减免。")
    assert not fires({**WAIVER, "scope": "sentence"}, "罚息的事。我们给您减免。")


DISCLOSURE = {
    "groups": {
        "debt": {"any": ["欠款", "owes"]},
        "amount": {"any": ["re:{amount}"], "unless": {"facts": {"willing_to_repay": True}}},
    },
    "fire_when": [["debt"], ["amount"]],
}


def test_a_group_unless_reads_the_context() -> None:
    third = {"party": "third_party", "relation": "sibling"}
    willing = {**third, "facts": {"willing_to_repay": True}}
    assert fires(DISCLOSURE, "金额是三万二", third)
    assert not fires(DISCLOSURE, "金额是三万二", willing)
    assert fires(DISCLOSURE, "他的欠款是三万二", willing)  # the debt group has no exception


def test_evidence_spans_are_sorted_original_offsets_with_terms_by_group() -> None:
    text = "他 欠-款 ３萬２千元，還欠款 500元"
    finding = build(DISCLOSURE).check(Note(text, {"party": "third_party", "relation": "sibling"}))
    assert finding is not None
    spans = finding.evidence["spans"]
    assert spans == sorted(spans, key=lambda s: (s["start"], s["end"]))
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    assert [s["text"] for s in spans] == ["欠-款", "３萬２千元", "欠款", "500元"]
    assert finding.evidence["terms"] == {"debt": ["欠款", "欠款"], "amount": ["3万2千元", "500元"]}


def test_explain_names_what_matched_and_what_cleared_it() -> None:
    out = build(WAIVER).explain(Note("罚息不能减免。利息可以减免"))
    assert out["matched"]["relief"] == ["减免"]
    assert out["cleared"] == [{"group": "relief", "term": "减免", "by": "refusal", "cue": "不能"}]
    assert [s["text"] for s in out["fired_on"]] == ["利息", "减免"]


@pytest.mark.parametrize("pattern", [
    "re:(a+)+", "re:(\\w*)*", "re:(?:欠|款+)+b", "re:(x+){2,}", "re:((ab)*)+c",
])
def test_nested_unbounded_quantifiers_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="nests quantifiers"):
        build({"groups": {"g": {"any": [pattern]}}, "fire_when": [["g"]]})


@pytest.mark.parametrize("pattern", ["re:(", "re:[a-", "re:a{2,1}", "re:(?<=a+)b"])
def test_patterns_that_do_not_compile_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="does not compile"):
        build({"groups": {"g": {"any": [pattern]}}, "fire_when": [["g"]]})


def test_a_bounded_outer_repeat_is_allowed() -> None:
    assert fires({"groups": {"g": {"any": ["re:i am(?: [a-z]+){0,3} judge"]}}, "fire_when": [["g"]]},
                 "I am the county judge")


@pytest.mark.parametrize("params", [
    {"groups": {"g": {"any": ["x"]}}, "fire_when": [["h"]]},
    {"groups": {"g": {"any": ["x"]}}, "fire_when": [[]]},
    {"groups": {"g": {"any": []}}, "fire_when": [["g"]]},
    {"groups": {"g": {"any": ["x"], "cleared_by": ["nope"]}}, "fire_when": [["g"]]},
    {"groups": {"g": {"any": ["x"]}}, "fire_when": [["g"]], "cues": {"c": {"any": ["y"]}}},
    {"groups": {"g": {"any": ["x"], "colour": "red"}}, "fire_when": [["g"]]},
])
def test_malformed_parameters_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises((ValidationError, ValueError)):
        build(params)


def test_a_long_note_is_checked_quickly() -> None:
    import time
    rule = build(WAIVER)
    note = Note("您好，提醒您本期账单应还2,560元，请按时还款，避免产生罚息。" * 12)
    start = time.perf_counter()
    for _ in range(50):
        rule.check(note)
    assert (time.perf_counter() - start) / 50 < 0.005  # generous: CI machines vary


def test_a_pattern_is_skipped_only_where_it_cannot_match() -> None:
    """Every match of every pack pattern starts with one of its first characters."""
    import json
    import re
    from pathlib import Path

    from collectguard._kinds.text_match import _first_chars, _pattern

    root = Path(__file__).parents[2]
    sources = set()
    for policy in (root / "rules" / "cn-card-collection.yaml",):
        for raw in re.findall(r'"re:((?:[^"\\]|\\.)*)"', policy.read_text(encoding="utf-8")):
            sources.add(json.loads('"' + raw + '"'))
    texts = [normalize(json.loads(line)["text"]).text
             for corpus in (root / "tests" / "corpus").rglob("*.jsonl")
             for line in corpus.read_text(encoding="utf-8").splitlines()]
    assert len(sources) > 50 and len(texts) > 500
    known = 0
    for source in sources:
        full = _pattern(source, "t")
        first = _first_chars(full)
        if first is None:
            continue
        known += 1
        compiled = re.compile(full)
        for text in texts:
            for match in compiled.finditer(text):
                assert match.end() == match.start() or text[match.start()] in first, (source, text)
    assert known > len(sources) // 2


@pytest.mark.parametrize(("source", "first"), [
    ("(?:你|你们)等着", "你"), ("(?<![a-z])(?:we|i) know", "iw"), ("(?:a)?b", "ab"), ("a*b", "ab"),
    ("[0-2]x", "012"), ("\\S{0,3}x", None), ("x?", None), ("[^a]b", None), (".b", None),
])
def test_first_characters_of_a_pattern(source: str, first: str | None) -> None:
    from collectguard._kinds.text_match import _first_chars
    assert _first_chars(source) == (frozenset(first) if first is not None else None)


# -- in a policy ----------------------------------------------------------------------

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
def test_a_policys_rule_fires(rule, text: str) -> None:
    assert fired(rule, text) == ["offer"]


@pytest.mark.parametrize("text", [
    "罚息不能减免",            # refusal before
    "减免罚息？无法",         # ... but the cue is in another clause: still fires? no: see below
    "We can't waive the fee.",
    "可以减免。利息照收",      # relief and charge in different sentences
    "利息要按时还",            # charge alone
    "waiver",                  # Latin terms match whole words
])
def test_a_policys_rule_does_not_fire(rule, text: str) -> None:
    if text == "减免罚息？无法":
        # A cue does not reach across a sentence end: the offer stands as written.
        assert fired(rule, text) == ["offer"]
    else:
        assert fired(rule, text) == []


def test_refusal_after_the_term_clears_it(rule) -> None:
    assert fired(rule, "减免无法办理利息") == []


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
