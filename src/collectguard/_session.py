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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ._decision import Decision
from ._errors import InputError
from ._history import CountFilter, History, naive_utc
from ._input import OUTCOME_SET, _choice, history_entry, read_attempt, read_history, read_time


class _Indexed(History):
    """History behind a session: per-key entry lists, and per-cap sorted instants."""

    __slots__ = ("_by_key", "_caps", "_caps_of", "live_from")

    def __init__(self, entries: list[Any]) -> None:
        super().__init__(entries)
        self._by_key: dict[str, dict[Any, list[int]]] = {}
        # cache key -> (same, values, filter); the parent's _index holds the lists
        self._caps: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...], CountFilter, str]] = {}
        # (key name, value) -> the caches of that contact, account or party: so that
        # recording one contact touches only its own caches, not every contact's.
        self._caps_of: dict[tuple[str, Any], list[tuple[Any, ...]]] = {}
        # Entries before this position have been forgotten (set to None), see forget().
        self.live_from = 0

    def _positions(self, name: str, value: Any) -> list[int]:
        index = self._by_key.get(name)
        if index is None:
            index = {}
            for position, raw in enumerate(self.entries):
                if raw is None:
                    continue  # forgotten
                data = raw if type(raw) is dict else history_entry(raw, position)
                index.setdefault(data.get(name), []).append(position)
            self._by_key[name] = index
        return index.get(value, [])

    def counted(self, same: tuple[str, ...], values: tuple[str, ...], filt: CountFilter,
                rule_id: str, at: datetime | None = None,
                lookback: timedelta | None = None) -> tuple[list[datetime], list[int]]:
        # Every entry is kept whatever ``at - lookback`` says: what is too old for this
        # attempt may count for a later one.
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
        """Add a contact already read by :meth:`Session.record` or an audit: its fields are
        valid and its ``at`` is the UTC instant, so it is counted without being read again."""
        position = len(self.entries)
        self.entries.append(entry)
        for name, index in self._by_key.items():
            value = entry.get(name)
            positions = index.get(value)
            if positions is None:
                index[value] = [position]
            else:
                positions.append(position)
            caches = self._caps_of.get((name, value))
            if caches:
                at = naive_utc(entry["at"])
                for cache_key in caches:
                    self._add_counted(cache_key, entry, at, position)

    def _add_counted(self, cache_key: tuple[Any, ...], entry: dict[str, Any], at: datetime, position: int) -> None:
        same, values, filt, _ = self._caps[cache_key]
        # The first field matched already (that is how the cache was found).
        if ((len(same) == 1 or all(entry.get(n) == v for n, v in zip(same[1:], values[1:])))
                and filt.accepts(entry)):
            times, positions = self._index[cache_key]
            where = bisect_right(times, at)
            times.insert(where, at)
            positions.insert(where, position)

    def forget(self, before: datetime) -> int:
        """Drop the entries (in recorded order) before naive-UTC ``before``; returns how
        many positions every remaining position moved down by (0 when none moved)."""
        entries, i = self.entries, self.live_from
        while i < len(entries):
            raw = entries[i]
            if raw is not None:
                data = raw if type(raw) is dict else history_entry(raw, i)
                at = data.get("at")
                if type(at) is not datetime or at.tzinfo is None:  # as the caller wrote it
                    at = read_time(at, f"history[{i}].at")
                if naive_utc(at) >= before:
                    break
                entries[i] = None
            i += 1
        self.live_from = i
        for index in self._by_key.values():
            for value in list(index):
                positions = index[value]
                del positions[:bisect_left(positions, i)]
                if not positions:
                    del index[value]
        for cache_key in list(self._caps):
            times, positions = self._index[cache_key]
            cut = bisect_left(times, before)
            del times[:cut], positions[:cut]
            if not times:  # rebuilt from the entries if the contact calls again
                self._drop_cache(cache_key)
        # Renumber once the forgotten prefix is the larger part, so that a long run's
        # memory stays bounded by what a cap can still count.
        if i <= len(entries) // 2:
            return 0
        del entries[:i]
        for index in self._by_key.values():
            for value, positions in index.items():
                index[value] = [p - i for p in positions]
        for cache_key in self._caps:
            times, positions = self._index[cache_key]
            self._index[cache_key] = (times, [p - i for p in positions])
        self.live_from = 0
        return i

    def _drop_cache(self, cache_key: tuple[Any, ...]) -> None:
        same, values, _, _ = self._caps.pop(cache_key)
        del self._index[cache_key]
        owner = (same[0], values[0])
        self._caps_of[owner].remove(cache_key)
        if not self._caps_of[owner]:
            del self._caps_of[owner]


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
        return len(self._history.entries) - self._history.live_from

    def forget(self, before: Any) -> None:
        """Drop the recorded contacts before instant ``before`` to bound memory in a long run.

        Checks of attempts at or after ``before + policy.max_reach() + 2 days`` decide as
        if nothing had been forgotten (the two days cover local days longer than 24
        hours and calendar periods that begin before the reach).
        """
        before = naive_utc(read_time(before, "before"))
        with self._lock:
            shift = self._history.forget(before)
            if shift and self.wheres:
                del self.wheres[:shift]

    def check(self, attempt: Any, *, explain: bool = False) -> Decision:
        with self._lock:
            return self.policy._check_with(attempt, self._history, explain)

    def _judge(self, attempt: Any) -> Decision:
        """The reasons only, without the search for next_allowed_at: what an audit needs."""
        with self._lock:
            return self.policy._check_with(attempt, self._history, False, search=False)

    def record(self, attempt: Any, outcome: str | None = None) -> None:
        """Add a contact that took place; ``outcome`` None means unknown (counted conservatively)."""
        if isinstance(attempt, dict):
            entry = {k: v for k, v in attempt.items() if v is not None}
        else:
            entry = {name: value for name in type(attempt).model_fields
                     if (value := getattr(attempt, name)) is not None}
        if outcome is not None:
            entry["outcome"] = outcome
        # Refused here, with the field named, rather than by a later check that counts it.
        if "outcome" in entry:
            _choice(entry["outcome"], OUTCOME_SET, "outcome", "outcome")
        entry["at"] = read_attempt({k: v for k, v in entry.items() if k != "outcome"}, self.policy._zones).at
        with self._lock:
            self._history.add(entry)

    def _record_own(self, entry: dict[str, Any], where: str) -> None:
        """``record`` for a caller that hands over its own dict (no None values) and names
        the entry's place in a log: an audit, once per record."""
        with self._lock:
            self._history.add(entry)
            self.wheres.append(where)
