"""Blind sets kept unfitted: scored once, their errors not turned into rules.

tests/text/unseen/ holds labelled sets written by people who had not read the rules and
scored once against the pack as it then stood (tests/text/corpus/README.md records the
first scores). The corpora in tests/text/corpus/ have been fitted to; these have not, so
they are the honest check that a change to the rules does not lose ground on text nobody
tuned for. Each must keep at least its first micro precision and recall; a change that
gains on them is welcome (then raise the floor).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import collectguard

HERE = Path(__file__).parent
# first micro precision and recall over the six rules, as recorded when each set was scored
FLOORS = {"probe-q.jsonl": (0.944, 0.944)}


@pytest.fixture(scope="module")
def pack() -> collectguard.Policy:
    return collectguard.load_policy(HERE.parents[1] / "rules" / "cn-card-collection.yaml")


def test_every_unseen_set_has_a_floor() -> None:
    assert sorted(p.name for p in (HERE / "unseen").glob("*.jsonl")) == sorted(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_unseen_text_keeps_its_first_score(pack, name: str) -> None:
    tp = fp = fn = 0
    for line in (HERE / "unseen" / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        got = {r.rule for r in pack.check_note(row["text"], row["context"]).reasons}
        want = set(row["expect"])
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    floor_p, floor_r = FLOORS[name]
    assert round(precision, 3) >= floor_p and round(recall, 3) >= floor_r, (name, precision, recall)
