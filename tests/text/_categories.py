"""What the category tests of each round of text rules share: contexts, rule ids, the check.

Each round's file (test_pack_probe_*_categories.py) lists sentences written for the round,
none from a probe: each category firing, and a look-alike that must stay silent. A case is
(text, context, the text rules that must fire); every other text rule must stay silent.
"""

from __future__ import annotations

from typing import Any

import collectguard

D = {"party": "debtor"}
T = {"party": "third_party", "relation": "sibling"}
W = {"party": "third_party", "relation": "parent", "facts": {"willing_to_repay": True}}

CRIMINAL = "criminal-liability-threat"
WAIVER = "unauthorized-waiver"
IMPERSONATION = "impersonation"
ABUSE = "abusive-language"
COERCION = "third-party-coercion"
DISCLOSURE = "third-party-disclosure"


def case_ids(cases: list[tuple[str, Any, Any]]) -> list[str]:
    """Test ids: the start of each sentence."""
    return [case[0][:40] for case in cases]


def assert_fires_exactly(pack: collectguard.Policy, text: str, context: dict[str, Any],
                         expected: tuple[str, ...]) -> None:
    fired = {r.rule for r in pack.check_note(text, context).reasons}
    assert fired == set(expected), f"{text!r}: fired {sorted(fired)}, expected {sorted(expected)}"
