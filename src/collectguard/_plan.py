"""Plan a day's dialling: decide planned attempts in time order as if each allowed one happened.

An allowed attempt is recorded as planned: an attempt with no outcome yet, counted by
every cap on attempts (where some outcome other than answered counts) and never taken
as a conversation (a cap that counts only answered calls does not count it). A denied
one is given the time it could move to (``moved``) or none (``impossible``); it is not
recorded, since it was not made.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from ._clock import ClockError, instant
from ._errors import InputError
from ._input import check_history_entry, read_attempt


@dataclass
class PlanSummary:
    allowed: int = 0
    moved: int = 0
    impossible: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "moved": self.moved, "impossible": self.impossible,
                "by_rule": dict(sorted(self.by_rule.items()))}


def _when(attempt: Any, where: str) -> Any:
    if isinstance(attempt, str):  # a record the reader could not read (a BadRecord): it says where
        raise InputError(str(attempt))
    try:
        return instant(attempt.get("at") if isinstance(attempt, dict) else attempt.at)
    except (ClockError, AttributeError) as exc:
        raise InputError(f"{where}: attempt.at: {exc}") from None


_HISTORY_PLACE = re.compile(r"history\[(\d+)\]")


def _blamed(message: str, where: str, history_wheres: Sequence[str] | None) -> str:
    """A check's error placed in its file: a history entry's problem (found when a cap
    counts it: ``history[3].facts.x``) at that entry's own place, else at the attempt's."""
    found = _HISTORY_PLACE.match(message)
    if found is not None and history_wheres is not None and int(found.group(1)) < len(history_wheres):
        return f"{history_wheres[int(found.group(1))]}: history{message[found.end():]}"
    return f"{where}: {message}"


def plan(policy: Any, history: Iterable[Any], attempts: Iterable[tuple[str, Any]],
         summary: PlanSummary | None = None, *, errors: list[str] | None = None,
         history_wheres: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    """One row per planned attempt, in time order: where, status, next_allowed_at, rules.

    A planned attempt that cannot be decided is an InputError naming its ``where``; with
    ``errors`` (a list), each such attempt's message is appended instead (in the order of
    ``attempts``, once the plan is done) and the attempt is left out of the plan.
    ``history_wheres``: the place of each history entry (a file's ``file:line``), so that
    a history entry's problem found while planning names its own place."""
    session = policy.session(list(history))
    refused: list[tuple[int, str]] = []
    timed = []
    for i, (where, attempt) in enumerate(attempts):
        try:
            timed.append((_when(attempt, where), i, where, attempt))
        except InputError as exc:
            if errors is None:
                raise
            refused.append((i, str(exc)))
    timed.sort(key=lambda item: (item[0], item[1]))
    for _, i, where, attempt in timed:
        try:
            decision = session.check(attempt)
        except InputError as exc:
            message = _blamed(str(exc), where, history_wheres)
            if errors is None:
                raise InputError(message) from None
            if all(message != seen for _, seen in refused):  # one bad history entry, said once
                refused.append((i, message))
            continue
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
    if errors is not None:
        errors += [message for _, message in sorted(refused)]


_LOGGED = ("at", "channel", "party", "relation", "contact", "account", "party_id", "client", "region", "timezone",
           "facts", "outcome", "direction", "reached", "text")
_CONTACT = ("channel", "party", "contact")


def history_from(policy: Any, records: Iterable[tuple[str, Any]], *, errors: list[str] | None = None,
                 wheres: list[str] | None = None) -> list[dict[str, Any]]:
    """The contacts already made, from a log read as ``(where, record)`` pairs (a file as
    ``collectguard plan --history`` reads it), each checked in its place: a record that
    could not be read, has a field a log does not have or a value the checks refuse is an
    InputError naming its ``where`` (file:line); with ``errors`` (a list), every such
    record's message is appended instead and the record left out. A log takes the fields
    an audit takes: a record's ``text`` is a note, not part of the contact, and a record
    that is only a note is no contact and is left out. ``wheres``, when given, receives
    the place of each contact returned."""
    entries = []
    for where, record in records:
        try:
            entry = _contact(policy, where, record)
        except InputError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            continue
        if entry is not None:
            entries.append(entry)
            if wheres is not None:
                wheres.append(where)
    return entries


def _contact(policy: Any, where: str, record: Any) -> dict[str, Any] | None:
    if isinstance(record, str):  # a BadRecord: its message says where
        raise InputError(str(record))
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected an object with at, channel, party and contact")
    for key in record:
        if key not in _LOGGED:
            close = get_close_matches(str(key), _LOGGED, n=1)
            raise InputError(f"{where}: unknown field '{key}'" + (
                f" (did you mean '{close[0]}'?)" if close else f" (fields: {', '.join(sorted(_LOGGED))})"))
    entry = {k: v for k, v in record.items() if k != "text" and v is not None}
    if not all(name in entry for name in _CONTACT):
        if record.get("text") and "channel" not in entry and "contact" not in entry:
            return None  # a note said to its party, not a contact
        missing = [name for name in _CONTACT if name not in entry]
        raise InputError(f"{where}: missing {', '.join(missing)}: a contact made has channel, party and "
                         "contact")
    try:
        read_attempt({k: v for k, v in entry.items() if k not in ("outcome", "direction", "reached")},
                     policy._zones, where="history")
        check_history_entry(entry, where="history")
        facts = entry.get("facts")
        if facts:  # the declared facts' types, which a cap's count filter reads
            for name, value in facts.items():
                policy._facts.check_value(name, value, "history.facts")
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    return entry
