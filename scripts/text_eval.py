#!/usr/bin/env python3
"""Per-rule precision, recall and F1 of a policy's text rules on a labelled corpus.

    python scripts/text_eval.py [--policy rules/cn-card-collection.yaml]
                                [--corpus tests/text_corpus/notes.jsonl]
                                [--show-errors] [--json] [--min-precision P] [--min-recall R]

A corpus line is {"id", "text", "context", "expect": [rule ids that must fire]}; every
text rule of the policy not in ``expect`` must stay silent. Exit 1 when a rule is below
a given minimum, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(rows: Iterable[dict[str, Any]], fired: Iterable[dict[str, list[dict[str, Any]]]],
          rules: list[str]) -> dict[str, Score]:
    """Scores per rule; ``fired`` gives, per row, the spans of each text rule that fired."""
    scores = {rule: Score() for rule in rules}
    for row, got in zip(rows, fired):
        expected = set(row["expect"])
        for rule in rules:
            if rule in got and rule in expected:
                scores[rule].tp += 1
            elif rule in got:
                scores[rule].fp += 1
                scores[rule].errors.append({"kind": "FP", "id": row["id"], "text": row["text"],
                                            "spans": [s["text"] for s in got[rule]]})
            elif rule in expected:
                scores[rule].fn += 1
                scores[rule].errors.append({"kind": "FN", "id": row["id"], "text": row["text"]})
    return scores


def total(scores: dict[str, Score]) -> Score:
    out = Score()
    for s in scores.values():
        out.tp, out.fp, out.fn = out.tp + s.tp, out.fp + s.fp, out.fn + s.fn
    return out


def read_corpus(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not valid JSON: {exc.msg}") from None
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default=str(ROOT / "rules" / "cn-card-collection.yaml"))
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "text_corpus" / "notes.jsonl"))
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--min-precision", type=float, default=0.0)
    parser.add_argument("--min-recall", type=float, default=0.0)
    args = parser.parse_args(argv)

    import collectguard

    try:
        policy = collectguard.load_policy(args.policy)
    except collectguard.PolicyError as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = read_corpus(Path(args.corpus))
    rules = [r.id for r in policy._base.text]
    fired = []
    for row in rows:
        decision = policy.check_note(row["text"], row["context"])
        fired.append({r.rule: r.evidence.get("spans", []) for r in decision.reasons if r.rule in rules})
    scores = score(rows, fired, rules)
    overall = total(scores)
    if args.json:
        print(json.dumps({rule: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision,
                                 "recall": s.recall, "f1": s.f1} for rule, s in scores.items()}, indent=2))
    else:
        print(f"{len(rows)} texts, {sum(1 for r in rows if not r['expect'])} compliant\n")
        print(f"{'rule':28} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
        for rule, s in [*scores.items(), ("(micro total)", overall)]:
            print(f"{rule:28} {s.tp:4} {s.fp:4} {s.fn:4} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
        if args.show_errors:
            for rule, s in scores.items():
                for err in s.errors:
                    spans = f"  spans={err['spans']}" if "spans" in err else ""
                    print(f"{err['kind']} {rule} {err['id']}: {err['text']}{spans}")
    below = [rule for rule, s in scores.items()
             if s.precision < args.min_precision or s.recall < args.min_recall]
    if below:
        print(f"below the minimum: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
