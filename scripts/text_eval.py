#!/usr/bin/env python3
"""Per-rule precision, recall and F1 of a policy's text rules on labelled corpora.

    python scripts/text_eval.py [--policy rules/cn-card-collection.yaml]
                                [--corpus FILE] [--tree tests/corpus]
                                [--show-errors] [--json] [--min-precision P] [--min-recall R]

Without --corpus, every corpus of the tree is scored and held to its gate in the tree's
gates.yaml (see src/collectguard/_corpus.py); with --corpus, that one file is scored. A
corpus line is {"id", "text", "context", "expect": [rule ids that must fire]}; every text
rule of the policy not in ``expect`` must stay silent. Exit 1 when a gate or a given
minimum is not met, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _table(rows: list[dict], scores: dict, show_errors: bool) -> None:
    from collectguard._corpus import total

    print(f"{len(rows)} texts, {sum(1 for r in rows if not r['expect'])} compliant\n")
    print(f"{'rule':28} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
    for rule, s in [*scores.items(), ("(micro total)", total(scores))]:
        print(f"{rule:28} {s.tp:4} {s.fp:4} {s.fn:4} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    if show_errors:
        for rule, s in scores.items():
            for err in s.errors:
                spans = f"  spans={err['spans']}" if "spans" in err else ""
                print(f"{err['kind']} {rule} {err['id']}: {err['text']}{spans}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default=str(ROOT / "rules" / "cn-card-collection.yaml"))
    parser.add_argument("--corpus", help="score this file only (default: every corpus of the tree, with its gate)")
    parser.add_argument("--tree", default=str(ROOT / "tests" / "corpus"), help="the corpus tree and its gates.yaml")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--min-precision", type=float, default=0.0)
    parser.add_argument("--min-recall", type=float, default=0.0)
    args = parser.parse_args(argv)

    import collectguard
    from collectguard._corpus import Floor, Gate, check, corpus_files, read_corpus, read_gates, score_policy, total

    try:
        policy = collectguard.load_policy(args.policy)
        tree = Path(args.tree)
        if args.corpus:
            sets = {args.corpus: Gate()}
            paths = {args.corpus: Path(args.corpus)}
        else:
            sets = read_gates(tree)
            paths = {name: tree / name for name in sets}
            ungated = sorted(set(corpus_files(tree)) - set(sets))
            if ungated:
                print(f"{tree}/gates.yaml: no gate for {', '.join(ungated)}", file=sys.stderr)
                return 2
        data = {name: read_corpus(path) for name, path in paths.items()}
    except (collectguard.PolicyError, OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    minimum = Floor(precision=args.min_precision, recall=args.min_recall)
    failed = []
    report = {}
    for name, gate in sets.items():
        rows = data[name]
        scores = score_policy(policy, rows)
        problems = check(gate, rows, scores) + check(Gate(per_rule=minimum), rows, scores)
        report[name] = {"texts": len(rows), "rules": {rule: {"tp": s.tp, "fp": s.fp, "fn": s.fn,
                        "precision": s.precision, "recall": s.recall, "f1": s.f1} for rule, s in scores.items()},
                        "gate": gate.model_dump(exclude_none=True), "problems": problems}
        if not args.json:
            if len(sets) > 1:
                micro = total(scores)
                print(f"{'FAIL' if problems else 'ok  '} {name:24} {len(rows):4} texts  precision {micro.precision:.3f}"
                      f"  recall {micro.recall:.3f}")
                if args.show_errors:
                    _table(rows, scores, True)
            else:
                _table(rows, scores, args.show_errors)
            for problem in problems:
                print(f"    {name}: {problem}", file=sys.stderr)
        if problems:
            failed.append(name)
    if args.json:
        print(json.dumps(report if len(sets) > 1 else next(iter(report.values()))["rules"], indent=2))
    if failed:
        print(f"below the gate: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
