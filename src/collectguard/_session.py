"""A session: contact history indexed once, for many checks and a growing history.

``check_attempt`` reads the history it is given on every call; a dialer working through
a campaign, a planner or an auditor asks about the same contacts again and again. A
session indexes the history by each counting key (contact, account, party_id) the first
time a rule asks for it, keeps each cap's entries sorted by instant, and updates them in
place when :meth:`Session.record` adds a contact. Decisions are the same code path as
``check_attempt``: the rule kinds read history only through ``counted``.

A session holds a lock, so threads may share one; for throughput, shard sessions by
contact instead (each session only ever needs the history of the contacts it checks).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ._decision import Decision
from ._errors import InputError
from ._history import CountFilter, History, instant_if_counted
from ._input import history_entry, read_history


class _Indexed(History):
    """History behind a session: per-key entry lists, and per-cap sorted instants."""

    __slots__ = ("_by_key", "_caps", "_caps_of")

    def __init__(self, entries: list[Any]) -> None:
        super().__init__(entries)
        self._by_key: dict[str, dict[Any, list[int]]] = {}
        # cache key -> (same, values, filter); the parent's _index holds the lists
        self._caps: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...], CountFilter, str]] = {}
        # (key name, value) -> the caches of that contact, account or party: so that
        # recording one contact touches only its own caches, not every contact's.
        self._caps_of: dict[tuple[str, Any], list[tuple[Any, ...]]] = {}

    def _positions(self, name: str, value: Any) -> list[int]:
        index = self._by_key.get(name)
        if index is None:
            index = {}
            for position, raw in enumerate(self.entries):
                data = raw if type(raw) is dict else history_entry(raw, position)
                index.setdefault(data.get(name), []).append(position)
            self._by_key[name] = index
        return index.get(value, [])

    def counted(self, same: tuple[str, ...], values: tuple[str, ...], filt: CountFilter,
                rule_id: str, since_at: datetime | None = None) -> tuple[list[datetime], list[int]]:
        # Every entry is kept whatever ``since_at`` says: what is too old for this attempt
        # may count for a later one.
        cache_key = (same, values, filt.key)
        found = self._index.get(cache_key)
        if found is not None:
            return found
        positions = self._positions(same[0], values[0])
        if None in self._by_key[same[0]]:
            missing = self._by_key[same[0]][None][0]
            raise InputError(f"history[{missing}].{same[0]}: missing; rule '{rule_id}' counts "
                             f"history by {same[0]}, so every entry needs it")
        subset = History([self.entries[p] for p in positions], positions)
        found = subset.counted(same, values, filt, rule_id)
        self._index[cache_key] = found
        self._caps[cache_key] = (same, values, filt, rule_id)
        self._caps_of.setdefault((same[0], values[0]), []).append(cache_key)
        return found

    def add(self, entry: dict[str, Any]) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        for name, index in self._by_key.items():
            index.setdefault(entry.get(name), []).append(position)
        for name in self._by_key:
            for cache_key in self._caps_of.get((name, entry.get(name)), ()):
                self._add_counted(cache_key, entry, position)

    def _add_counted(self, cache_key: tuple[Any, ...], entry: dict[str, Any], position: int) -> None:
        same, values, filt, rule_id = self._caps[cache_key]
        if all(entry.get(n) == v for n, v in zip(same, values)):
            at = instant_if_counted(entry, filt, position)
            if at is not None:
                times, positions = self._index[cache_key]
                where = bisect_right(times, at)
                times.insert(where, at)
                positions.insert(where, position)


class Session:
    """Check attempts against a policy with a history kept and indexed for you.

    >>> session = policy.session(history)
    >>> decision = session.check(attempt)      # same answer as policy.check_attempt(attempt, history)
    >>> session.record(attempt, "no_answer")   # what happened, for the next check
    """

    def __init__(self, policy: Any, history: Iterable[Any] | None = None) -> None:
        self.policy = policy
        entries = read_history(list(history) if history is not None and not isinstance(history, list) else history)
        self._history = _Indexed(list(entries))
        self._lock = threading.Lock()
        self.wheres: list[str] = []

    def __len__(self) -> int:
        return len(self._history.entries)

    def check(self, attempt: Any, *, explain: bool = False) -> Decision:
        with self._lock:
            return self.policy._check_with(attempt, self._history, explain)

    def _judge(self, attempt: Any) -> Decision:
        """The reasons only, without the search for next_allowed_at: what an audit needs."""
        with self._lock:
            return self.policy._check_with(attempt, self._history, False, search=False)

    def record(self, attempt: Any, outcome: str | None = None) -> None:
        """Add a contact that took place; ``outcome`` None means unknown (counted conservatively)."""
        entry = dict(attempt) if isinstance(attempt, dict) else {
            name: getattr(attempt, name) for name in type(attempt).model_fields}
        if outcome is not None:
            entry["outcome"] = outcome
        entry = {k: v for k, v in entry.items() if v is not None}
        with self._lock:
            self._history.add(entry)
