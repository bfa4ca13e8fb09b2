"""The pre-filter that skips a pattern when none of the strings its matches need is in the note.

It is an optimisation only: it must never skip a pattern that would have matched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings, strategies as st

import collectguard
from collectguard._kinds.text_match import _may_match, _needs
from collectguard._normalize import normalize

HERE = Path(__file__).parent
CORPORA = sorted((HERE.parent / "corpus").rglob("*.jsonl"))  # every set of the corpus tree


def _pack_patterns() -> list[re.Pattern[str]]:
    pack = collectguard.load_policy(HERE.parents[1] / "rules" / "cn-card-collection.yaml")
    found = []
    for rule in pack._base.text:
        for group in rule.check.groups.values():
            terms = group.pattern
            found += [*terms.patterns, *terms.bounded]
    return found


def test_no_pack_pattern_matches_a_corpus_text_the_filter_would_skip() -> None:
    patterns = [(p, _needs(p)) for p in _pack_patterns()]
    assert sum(needs is not None for _, needs in patterns) > len(patterns) // 2   # it does filter
    for corpus in CORPORA:
        for line in corpus.read_text(encoding="utf-8").splitlines():
            text = normalize(json.loads(line)["text"]).text
            for pattern, needs in patterns:
                if pattern.search(text):
                    assert _may_match(needs, text), (corpus.name, pattern.pattern, text)


SHAPES = [r"(?:你|您|你们)[^,]{0,6}想(?:想|个)?办法", r"abc|abd", r"(?:ab)+cd?", r"(?:欠|借)(?:款|钱)",
          r"(?:你|您|你们)不(?:替|帮|给)", r"(?i:ab)c", r"a(?:b|)c", r"(?:x|y)*z{2}", r"(?<!q)ab?c", r"[^a]b"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdxyzqAB你您们不替帮给欠借款钱想个办法,", max_size=12))
def test_a_skipped_pattern_never_matches(text: str) -> None:
    for source in SHAPES:
        pattern = re.compile(source)
        if pattern.search(text):
            assert _may_match(_needs(pattern), text), (source, text)


def test_what_the_filter_needs() -> None:
    assert _needs(re.compile(r"(?:欠|借)(?:款|钱)")) == ("借款", "借钱", "欠款", "欠钱")
    assert _needs(re.compile(r"(?:你|您)[^,]{0,6}想(?:想|个)?办法")) == ("办法",)
    assert _needs(re.compile(r"x*")) is None
    assert _needs(re.compile(r"(?i:ab)c")) == ("c",)
    assert _needs(re.compile(r"a(?:b|)c")) == ("a",) or _needs(re.compile(r"a(?:b|)c")) == ("c",)
