"""Scoring a policy's text rules on labelled corpora, and the gates each corpus must pass.

A corpus is a JSON-lines file, one labelled text a line::

    {"id": "n0007", "text": "他 欠 款 五万多", "context": {"party": "third_party", "relation": "sibling"},
     "expect": ["third-party-disclosure"]}

``expect`` lists every text rule that must fire; every other text rule must stay silent.
A tree of corpora has a ``gates.yaml`` at its root naming each file and what it must score::

    fitted/notes.jsonl: {per_rule: {precision: 0.97, recall: 0.95}, min_compliant: 0.4}
    unseen/probe-q.jsonl: {first_score: {precision: 0.944, recall: 0.944}}

``per_rule``: every text rule's precision and recall at least these. ``first_score``: the
micro precision and recall over all text rules, rounded to 3 places, at least these (the
set's first score, kept unfitted: it may rise, never fall). ``min_compliant``: at least this
share of the texts expects nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._errors import PolicyError
from ._policy import Policy
from ._spec import translate
from ._yaml import load


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
    for row, got in zip(rows, fired, strict=False):
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
    """The micro total over the rules."""
    out = Score()
    for s in scores.values():
        out.tp, out.fp, out.fn = out.tp + s.tp, out.fp + s.fp, out.fn + s.fn
    return out


def read_corpus(path: Path) -> list[dict[str, Any]]:
    rows = []
    with Path(path).open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
    return rows


def text_rules(policy: Policy) -> list[str]:
    return [rule.id for rule in policy._base.text]


def score_policy(policy: Policy, rows: list[dict[str, Any]]) -> dict[str, Score]:
    """Each text rule of the policy scored on the rows."""
    rules = text_rules(policy)
    fired = []
    for row in rows:
        decision = policy.check_note(row["text"], row["context"])
        fired.append({r.rule: list(r.evidence.get("spans", [])) for r in decision.reasons if r.rule in rules})
    return score(rows, fired, rules)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Floor(_Strict):
    precision: float = Field(ge=0, le=1)
    recall: float = Field(ge=0, le=1)


class Gate(_Strict):
    per_rule: Floor | None = Field(None, description="every rule's precision and recall at least these")
    first_score: Floor | None = Field(None, description="micro figures, rounded to 3 places, at least these")
    min_compliant: float | None = Field(None, ge=0, le=1, description="share of texts that expect nothing")


def read_gates(root: Path) -> dict[str, Gate]:
    """The gates of a corpus tree (``root/gates.yaml``), by path relative to the root."""
    path = Path(root) / "gates.yaml"
    doc = load(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(doc.data, dict):
        raise PolicyError("gates.yaml: expected a mapping of corpus files to gates", path=str(path), check="file")
    gates = {}
    for name, raw in doc.data.items():
        try:
            gates[str(name)] = Gate.model_validate(raw)
        except ValidationError as exc:
            raise translate(exc, doc, prefix=(name,), known_keys=list(Gate.model_fields))[0] from None
    return gates


def corpus_files(root: Path) -> list[str]:
    """Every corpus of the tree, relative to its root."""
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*.jsonl"))


def check(gate: Gate, rows: list[dict[str, Any]], scores: dict[str, Score]) -> list[str]:
    """What the scores fall short of in the gate, in words (empty: it passes)."""
    problems = []
    if gate.per_rule is not None:
        for rule, s in scores.items():
            if s.precision < gate.per_rule.precision or s.recall < gate.per_rule.recall:
                problems.append(f"{rule}: precision {s.precision:.3f}, recall {s.recall:.3f}, below "
                                f"{gate.per_rule.precision} / {gate.per_rule.recall}")
    if gate.first_score is not None:
        micro = total(scores)
        if round(micro.precision, 3) < gate.first_score.precision or round(micro.recall, 3) < gate.first_score.recall:
            problems.append(f"micro precision {micro.precision:.3f}, recall {micro.recall:.3f}, below the first "
                            f"score {gate.first_score.precision} / {gate.first_score.recall}")
    if gate.min_compliant is not None:
        share = sum(1 for r in rows if not r["expect"]) / len(rows) if rows else 0.0
        if share < gate.min_compliant:
            problems.append(f"{share:.2f} of the texts compliant, below {gate.min_compliant}")
    return problems
