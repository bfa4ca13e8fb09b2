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
from typing import TYPE_CHECKING, Any

from ._decision import Decision
from ._errors import InputError
from ._history import CountFilter, History, _missing, naive_utc, same_contact
from ._input import (
    DIRECTION_SET,
    OUTCOME_SET,
    PLANNED,
    REACHED_SET,
    _choice,
    history_entry,
    read_attempt,
    read_history,
    read_time,
)

if TYPE_CHECKING:
    from ._policy import Policy

_HAPPENED = frozenset({"outcome", "direction", "reached"})  # a history entry's fields beyond an attempt's


class _Track:
    """One contact, account or person of a session: the positions of its entries, and the
    instants each of its caps counts (one lookup finds both: recording and checking a
    contact touch its own small objects and no shared table keyed by cap)."""

    __slots__ = ("positions", "caps")

    def __init__(self, positions: list[int]) -> None:
        self.positions = positions
        # [(same, values, filter, (instants, positions))], one per cap filter asked about
        self.caps: list[tuple[tuple[str, ...], tuple[str, ...], CountFilter, tuple[list[datetime], list[int]]]] = []


class _Indexed(History):
    """History behind a session: per-key tracks of entries and of the instants caps count."""

    __slots__ = ("_by_key", "live_from", "base")

    def __init__(self, entries: list[Any]) -> None:
        super().__init__(entries)
        # key name (contact, account, party_id) -> value -> its track; built for a name the
        # first time a cap counts by it
        self._by_key: dict[str, dict[Any, _Track]] = {}
        # Positions are the caller's numbering (the history given, then each contact
        # recorded) for the session's whole life, so evidence names the same entries after
        # forget() as before. ``entries[0]`` is position ``base``; positions before
        # ``live_from`` have been forgotten (their slots hold None until dropped).
        self.base = 0
        self.live_from = 0

    def _tracks(self, name: str) -> dict[Any, _Track]:
        """The tracks by value of ``name`` (a contact by its same_contact form: two spellings
        of one number are one track, as a check without a session counts them)."""
        tracks = self._by_key.get(name)
        if tracks is None:
            tracks = {}
            for position, raw in enumerate(self.entries, self.base):
                if raw is None:
                    continue  # forgotten
                data = raw if type(raw) is dict else history_entry(raw, position)
                value = _track_key(name, data.get(name))
                track = tracks.get(value)
                if track is None:
                    tracks[value] = _Track([position])
                else:
                    track.positions.append(position)
            self._by_key[name] = tracks
        return tracks

    def counted(self, same: tuple[str, ...], values: tuple[str, ...], filt: CountFilter,
                rule_id: str, at: datetime | None = None,
                lookback: timedelta | None = None) -> tuple[list[datetime], list[int]]:
        # Every entry is kept whatever ``at - lookback`` says: what is too old for this
        # attempt may count for a later one.
        tracks = self._tracks(same[0])
        wanted = _track_key(same[0], values[0])
        track = tracks.get(wanted)
        if track is not None:
            key = filt.key
            for c_same, c_values, c_filt, found in track.caps:
                if c_filt.key == key and c_same == same and c_values == values:
                    return found
        if None in tracks:
            # Entries without the field: refused when this rule would count them.
            base = self.base
            for missing in tracks[None].positions:
                raw = self.entries[missing - base]
                if raw is not None:
                    _missing(history_entry(raw, missing), missing, same[0], rule_id, filt)
        if track is None:
            track = tracks[wanted] = _Track([])
        base = self.base
        subset = History([self.entries[p - base] for p in track.positions], track.positions)
        found = subset.counted(same, values, filt, rule_id)
        track.caps.append((same, values, filt, found))
        return found

    def add(self, entry: dict[str, Any]) -> None:
        """Add a contact already read by :meth:`Session.record` or an audit: its fields are
        valid and its ``at`` is the UTC instant, so it is counted without being read again."""
        position = self.base + len(self.entries)
        self.entries.append(entry)
        for name, tracks in self._by_key.items():
            value = _track_key(name, entry.get(name))
            track = tracks.get(value)
            if track is None:
                tracks[value] = _Track([position])
                continue
            track.positions.append(position)
            if track.caps:
                at = naive_utc(entry["at"])
                for same, values, filt, (times, positions) in track.caps:
                    # The first field matched already (that is how the track was found).
                    if ((len(same) == 1 or all(entry.get(n) == v for n, v in zip(same[1:], values[1:], strict=False)))
                            and filt.accepts(entry)):
                        where = bisect_right(times, at)
                        times.insert(where, at)
                        positions.insert(where, position)

    def forget(self, before: datetime) -> int:
        """Drop the entries (in recorded order) before naive-UTC ``before``; returns how
        many slots left the front of ``entries`` (0 when they were only blanked)."""
        entries, base, i = self.entries, self.base, self.live_from
        while i - base < len(entries):
            raw = entries[i - base]
            if raw is not None:
                data = raw if type(raw) is dict else history_entry(raw, i)
                at = data.get("at")
                if type(at) is not datetime or at.tzinfo is None:  # as the caller wrote it
                    at = read_time(at, f"history[{i}].at")
                if naive_utc(at) >= before:
                    break
                entries[i - base] = None
            i += 1
        self.live_from = i
        for tracks in self._by_key.values():
            for value in list(tracks):
                track = tracks[value]
                del track.positions[:bisect_left(track.positions, i)]
                kept = []
                for cap in track.caps:
                    times, counted = cap[3]
                    cut = bisect_left(times, before)
                    del times[:cut], counted[:cut]
                    if times:  # an emptied cap is rebuilt from the entries if the contact calls again
                        kept.append(cap)
                track.caps = kept
                if not track.positions and not kept:
                    del tracks[value]
        # Drop the blanked slots once they are the larger part, so that a long run's memory
        # stays bounded by what a cap can still count.
        dropped = i - base
        if dropped <= len(entries) // 2:
            return 0
        del entries[:dropped]
        self.base = i
        return dropped


class Session:
    """Check attempts against a policy with a history kept and indexed for you.

    >>> session = policy.session(history)
    >>> decision = session.check(attempt)      # same answer as policy.check_attempt(attempt, history)
    >>> session.record(attempt, "no_answer")   # what happened, for the next check
    """

    def __init__(self, policy: Any, history: Iterable[Any] | None = None) -> None:
        self.policy: Policy = policy
        entries = read_history(list(history) if history is not None and not isinstance(history, list) else history)
        self._history = _Indexed(list(entries))
        self._lock = threading.Lock()
        self.wheres: list[str] = []

    def __len__(self) -> int:
        history = self._history
        return len(history.entries) - (history.live_from - history.base)

    def forget(self, before: Any) -> None:
        """Drop the recorded contacts before instant ``before`` to bound memory in a long run.

        Checks of attempts at or after ``before + policy.max_reach() + 2 days`` decide as
        if nothing had been forgotten (the two days cover local days longer than 24
        hours and calendar periods that begin before the reach).
        """
        before = naive_utc(read_time(before, "before"))
        with self._lock:
            dropped = self._history.forget(before)
            if dropped and self.wheres:
                del self.wheres[:dropped]

    def check(self, attempt: Any, *, explain: bool = False) -> Decision:
        with self._lock:
            return self.policy._check_with(attempt, self._history, explain)

    def _judge(self, attempt: Any) -> Decision:
        """The reasons only, without the search for next_allowed_at: what an audit needs."""
        with self._lock:
            return self.policy._check_with(attempt, self._history, False, search=False)

    def record(self, attempt: Any, outcome: str | None = None, *, reached: str | None = None,
               planned: bool = False) -> None:
        """Add a contact that took place; ``outcome`` None means unknown (counted conservatively).

        The contact is recorded as outbound (the collector placed the attempt it checked);
        ``reached``: whom it reached (person, someone_else, machine), None: unknown.

        ``planned``: the attempt is planned, not made (what ``plan`` records): it has no
        outcome yet, counts for caps on attempts and is never taken as a conversation."""
        if planned and (outcome is not None or reached is not None):
            raise InputError(f"{'outcome' if outcome is not None else 'reached'}: a planned attempt has no "
                             "outcome yet")
        if reached is not None:
            _choice(reached, REACHED_SET, "reached", "reached")
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
        entry["at"] = read_attempt({k: v for k, v in entry.items() if k not in _HAPPENED}, self.policy._zones).at
        for name, allowed in (("direction", DIRECTION_SET), ("reached", REACHED_SET)):
            if name in entry:
                _choice(entry[name], allowed, name, name)
        entry.setdefault("direction", "outbound")
        if reached is not None:
            entry["reached"] = reached
        if planned:
            entry["outcome"] = PLANNED
        with self._lock:
            self._history.add(entry)

    def _record_own(self, entry: dict[str, Any], where: str) -> None:
        """``record`` for a caller that hands over its own dict (no None values) and names
        the entry's place in a log: an audit, once per record."""
        with self._lock:
            self._history.add(entry)
            self.wheres.append(where)


def _track_key(name: str, value: Any) -> Any:
    return same_contact(value) if name == "contact" and type(value) is str else value
