from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import collectguard

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "cn-card-collection.yaml"

NUMBER = "+86-21-5555-0101"


@pytest.fixture(scope="session")
def pack() -> collectguard.Policy:
    return collectguard.load_policy(PACK)


def attempt(at: str, **fields: Any) -> dict[str, Any]:
    """A third-party call to NUMBER unless told otherwise."""
    base: dict[str, Any] = {"at": at, "channel": "call", "party": "third_party", "relation": "sibling",
                            "contact": NUMBER}
    base.update(fields)
    return base


# What a dialer sends for a call under the shipped pack: recorded, from a dedicated seat
# (a call that does not say so is denied by recording-required and dedicated-line).
CALL_FACTS = {"recorded": True, "dedicated_line": True}


def call(at: str, **fields: Any) -> dict[str, Any]:
    """attempt(), with the facts the shipped pack needs of a call (fields' facts added)."""
    base = attempt(at, **fields)
    base["facts"] = {**CALL_FACTS, **fields.get("facts", {})}
    return base


def entry(at: str, outcome: str | None = "no_answer", **fields: Any) -> dict[str, Any]:
    base = attempt(at, **fields)
    if outcome is not None:
        base["outcome"] = outcome
    return base


def policy_from(text: str) -> collectguard.Policy:
    return collectguard.parse_policy(text, "test.yaml")
