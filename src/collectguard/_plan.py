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
from ._input import check_history_entry, read_attempt


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
    if isinstance(attempt, str):  # a record the reader could not read (a BadRecord): it says where
        raise InputError(str(attempt))
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


_LOGGED = ("at", "channel", "party", "relation", "contact", "account", "party_id", "client", "region", "timezone",
           "facts", "outcome", "direction", "reached", "text")
_CONTACT = ("channel", "party", "contact")


def history_from(policy: Any, records: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The contacts already made, from a log read as ``(where, record)`` pairs (a file as
    ``collectguard plan --history`` reads it), each checked in its place: a record that
    could not be read, has a field a log does not have or a value the checks refuse is an
    InputError naming its ``where`` (file:line). A log takes the fields an audit takes: a
    record's ``text`` is a note, not part of the contact, and a record that is only a note
    is no contact and is left out."""
    entries = []
    for where, record in records:
        if isinstance(record, str):  # a BadRecord: its message says where
            raise InputError(str(record))
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected an object with at, channel, party and contact")
        for key in record:
            if key not in _LOGGED:
                from difflib import get_close_matches

                close = get_close_matches(str(key), _LOGGED, n=1)
                raise InputError(f"{where}: unknown field '{key}'" + (
                    f" (did you mean '{close[0]}'?)" if close else f" (fields: {', '.join(sorted(_LOGGED))})"))
        entry = {k: v for k, v in record.items() if k != "text" and v is not None}
        if not all(name in entry for name in _CONTACT):
            if record.get("text") and "channel" not in entry and "contact" not in entry:
                continue  # a note said to its party, not a contact
            missing = [name for name in _CONTACT if name not in entry]
            raise InputError(f"{where}: missing {', '.join(missing)}: a contact made has channel, party and "
                             "contact")
        try:
            read_attempt({k: v for k, v in entry.items() if k not in ("outcome", "direction", "reached")},
                         policy._zones, where="history")
            check_history_entry(entry, where="history")
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        entries.append(entry)
    return entries
