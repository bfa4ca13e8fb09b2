"""The pack's six text rules as data: plain YAML any reader can load, each term well formed.

Their examples (must fire, must not fire) are in rules/cn-card-collection.texts/, run by
tests/test_examples.py and `collectguard test rules/`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from collectguard._kinds.text_match import TextMatchParams

PACK = Path(__file__).parents[2] / "rules" / "cn-card-collection.yaml"
IDS = ["third-party-disclosure", "unauthorized-waiver", "impersonation", "abusive-language",
       "third-party-coercion", "criminal-liability-threat"]


def test_the_text_rules_are_plain_yaml() -> None:
    doc = yaml.safe_load(PACK.read_text(encoding="utf-8"))  # any YAML reader, not only ours
    texts = [rule for rule in doc["rules"] if rule["kind"] == "text-match"]
    assert [rule["id"] for rule in texts] == IDS
    for rule in texts:
        assert rule["kind"] == "text-match"
        assert rule.get("severity", "deny") == "deny"
        assert "\n" not in rule["message"].strip() and rule["citation"].startswith("电话催收管理制度")
        params = TextMatchParams.model_validate(rule["params"])
        for name, group in {**params.groups, **params.cues}.items():
            for term in group.any:
                # A literal that looks like a pattern never matches: it lacks its "re:".
                assert term.startswith(("re:", "phrase:")) or not re.search(r"\(\?|[|\\\[\]]", term), \
                    (rule["id"], name, term)
