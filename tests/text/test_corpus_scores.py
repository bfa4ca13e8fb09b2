"""The pack's text rules on every labelled corpus: precision and recall per rule."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import collectguard

HERE = Path(__file__).parent
CORPORA = sorted((HERE / "corpus").glob("*.jsonl")) + sorted((HERE.parent / "text_corpus").glob("*.jsonl"))
IDS = ["third-party-disclosure", "unauthorized-waiver", "impersonation", "abusive-language",
       "third-party-coercion", "criminal-liability-threat"]


@pytest.fixture(scope="module")
def pack() -> collectguard.Policy:
    return collectguard.load_policy(HERE.parents[1] / "rules" / "cn-card-collection.yaml")


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_precision_and_recall_per_rule(pack, corpus: Path) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    misses = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        got = {r.rule for r in pack.check_note(row["text"], row["context"]).reasons}
        for rule in IDS:
            want = rule in row["expect"]
            counts[rule, "tp" if want and rule in got else "fn" if want else "fp" if rule in got else "tn"] += 1
            if want != (rule in got):
                misses.append((row["id"], rule, "missed" if want else "wrong", row["text"]))
    for rule in IDS:
        tp, fp, fn = counts[rule, "tp"], counts[rule, "fp"], counts[rule, "fn"]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        assert precision >= 0.97 and recall >= 0.90, (rule, precision, recall, misses)
