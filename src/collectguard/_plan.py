"""Plan a day's dialling: decide planned attempts in time order as if each allowed one happened.

An allowed attempt is recorded as planned: an attempt with no outcome yet, counted by
every cap on attempts (where some outcome other than answered counts) and never taken
as a conversation (a cap that counts only answered calls does not count it). A denied
one is given the time it could move to (``moved``) or none (``impossible``); it is not
recorded, since it was not made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._clock import ClockError, instant
from ._errors import InputError


@dataclass
class PlanSummary:
    allowed: int = 0
    moved: int = 0
    impossible: int = 0
    by_rule: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "moved": self.moved, "impossible": self.impossible,
                "by_rule": dict(sorted(self.by_rule.items()))}


def _when(attempt: Any, where: str) -> Any:
    try:
        return instant(attempt.get("at") if isinstance(attempt, dict) else attempt.at)
    except (ClockError, AttributeError) as exc:
        raise InputError(f"{where}: at: {exc}") from None


def plan(policy: Any, history: Iterable[Any], attempts: Iterable[tuple[str, Any]],
         summary: PlanSummary | None = None) -> Iterator[dict[str, Any]]:
    """One row per planned attempt, in time order: where, status, next_allowed_at, rules."""
    session = policy.session(list(history))
    ordered = sorted(((_when(a, where), i, where, a) for i, (where, a) in enumerate(attempts)),
                     key=lambda item: (item[0], item[1]))
    for _, _, where, attempt in ordered:
        try:
            decision = session.check(attempt)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        rules = decision.denied_by
        if decision.allowed:
            status = "allowed"
            session.record(attempt, planned=True)
        else:
            status = "moved" if decision.next_allowed_at is not None else "impossible"
        if summary is not None:
            setattr(summary, status, getattr(summary, status) + 1)
            summary.by_rule.update(rules)
        yield {"where": where, "at": attempt.get("at"), "contact": attempt.get("contact"), "status": status,
               "next_allowed_at": decision.next_allowed_at.isoformat() if decision.next_allowed_at else None,
               "rules": rules}
