"""The contact history of one check, read lazily and indexed once per question.

A cap needs only the entries on the same contact (or account, or person) that pass
its filter, and only their times. Those are picked, checked and parsed on first use,
sorted by instant (the caller's order does not matter) and kept for the rest of the
check, so the fixed-point search for the next allowed time does not read them again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from ._errors import InputError
from ._input import (
    CHANNEL_SET as _CHANNELS,
    DIRECTION_SET as _DIRECTIONS,
    HISTORY_FIELDS as _FIELDS,
    OUTCOME_SET,
    PARTY_SET as _PARTIES,
    PLANNED,
    REACHED_SET as _REACHED,
    check_history_entry,
    history_entry,
    read_time,
)

_FIXED = timezone
_fromiso = datetime.fromisoformat
_NAIVE_EPOCH = datetime(1970, 1, 1)
_UTC = timezone.utc
_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)


def _offsets() -> dict[str, timedelta]:
    """Every whole-quarter-hour UTC offset as ISO text ('+08:00', '-03:30', 'Z')."""
    out: dict[str, timedelta] = {"Z": timedelta(0)}
    for minutes in range(-16 * 60, 16 * 60 + 1, 15):
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        out[f"{sign}{hours:02d}:{rest:02d}"] = timedelta(minutes=minutes)
    out["-00:00"] = timedelta(0)
    return out


# The common shape of a timestamp in a dialer's log, 2026-11-23T21:05:00+08:00, read as
# naive wall time minus its offset: about three times faster than parsing the offset
# into a tzinfo and dropping it again, and the history loop does it per entry.
_OFFSETS = _offsets()

# A history this short is read whole: no cut-off date is worked out for it.
_SHORT = 32


# A phone number written with separators: +86 21 5555 0101, +86-21-5555-0101, (212) 555-0100.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.\u00a0]*$")
_SEPARATORS = str.maketrans("", "", " ()-.\u00a0")


@lru_cache(maxsize=65536)
def same_contact(value: str) -> str:
    """A contact as caps compare it: a phone number without its separators, anything else
    without surrounding space and in one case. Two spellings of one number count as one
    contact, never as two (a cap that split them would allow too much)."""
    text = value.strip()
    if _PHONE.match(text):
        return text.translate(_SEPARATORS)
    return text.casefold()


def naive_utc(at: datetime) -> datetime:
    """An aware instant as naive UTC (what the history's sorted lists hold)."""
    return (at - _UTC_EPOCH) + _NAIVE_EPOCH


def utc_of(naive: datetime) -> datetime:
    """The aware UTC instant of a naive-UTC one."""
    return (naive - _NAIVE_EPOCH) + _UTC_EPOCH


class CountFilter:
    """Which history entries a cap counts besides the counting key."""

    __slots__ = ("channels", "parties", "outcomes", "planned", "directions", "reached", "facts", "key")

    def __init__(self, channels: frozenset[str] | None, parties: frozenset[str] | None,
                 outcomes: frozenset[str] | None, directions: frozenset[str] | None = None,
                 reached: frozenset[str] | None = None,
                 facts: tuple[tuple[str, Any], ...] | None = None, facts_key: str | None = None) -> None:
        self.channels = channels
        self.parties = parties
        # Direction, whom it reached and the entry's own facts: an entry that does not say
        # is counted wherever some value would be (a cap must not open on a missing field).
        self.directions = directions
        self.reached = reached
        # (name, test) pairs; test(value, where) for a value that is given: true when it
        # matches, InputError (naming ``where``) when it is not of the fact's declared type
        self.facts = facts
        # None: every outcome counts. An entry with no recorded outcome always counts:
        # the attempt took place and might have had any outcome, so it is counted wherever
        # some outcome would be.
        self.outcomes = outcomes
        # A planned attempt (a plan's allowed call, not yet made) has no outcome yet and is
        # never a conversation: counted where some outcome other than answered counts.
        self.planned = outcomes is None or bool(outcomes - {"answered"})
        # facts_key: the facts tests written out (the same text, the same tests)
        self.key = (channels, parties, outcomes, directions, reached, facts_key)

    def accepts(self, data: Mapping[str, Any]) -> bool:
        if self.channels is not None and data.get("channel") not in self.channels:
            return False
        if self.parties is not None and data.get("party") not in self.parties:
            return False
        if self.outcomes is not None:
            outcome = data.get("outcome")
            if outcome is PLANNED:
                if not self.planned:
                    return False
            elif outcome is not None and outcome not in self.outcomes:
                return False
        return self._more(data)

    def _more(self, data: Mapping[str, Any], where: str = "history entry") -> bool:
        """The direction, reached and facts tests (a value not given passes)."""
        if self.directions is not None:
            direction = data.get("direction")
            if direction is not None and direction not in self.directions:
                return False
        if self.reached is not None:
            reached = data.get("reached")
            if reached is not None and reached not in self.reached:
                return False
        if self.facts is not None:
            facts = data.get("facts")
            if facts:
                for name, test in self.facts:
                    value = facts.get(name)
                    if value is not None and not test(value, where):
                        return False
        return True


class History:
    __slots__ = ("entries", "_index", "_names")

    def __init__(self, entries: list[Any], names: list[int] | None = None) -> None:
        self.entries = entries
        self._index: dict[tuple[Any, ...], tuple[str, tuple[list[datetime], list[int]]]] = {}
        # The caller's position of each entry, when these are a subset of its history:
        # error messages name history[i] as the caller numbered it.
        self._names = names

    def _name(self, index: int) -> int:
        return self._names[index] if self._names is not None else index

    def counted(self, same: tuple[str, ...], values: tuple[str, ...], filt: CountFilter,
                rule_id: str, at: datetime | None = None,
                lookback: timedelta | None = None) -> tuple[list[datetime], list[int]]:
        """Instants (naive UTC, sorted) and history indexes of the entries a cap counts.

        ``at - lookback``: entries written as ISO text dated (as written) before its UTC
        date cannot count in any window the caller will ask about, so they are neither
        parsed nor checked. The caller leaves two days of slack for UTC offsets.
        """
        # Reading the cut-off's date costs more than parsing a few extra entries.
        since = ((at - lookback).astimezone(timezone.utc).date().isoformat()
                 if at is not None and lookback is not None and len(self.entries) > _SHORT else "")
        cache_key = (same, values, filt.key)
        cached = self._index.get(cache_key)
        # Entries older than ``since`` only ever lie outside the windows asked about: a
        # list read with an earlier cut-off serves any later one.
        if cached is not None and cached[0] <= since:
            return cached[1]
        picked: list[tuple[datetime, int]] = []
        first, wanted = same[0], values[0]
        rest = tuple(zip(same[1:], values[1:], strict=False))
        # A contact written another way is the same contact (see same_contact).
        contact = same_contact(wanted) if first == "contact" and type(wanted) is str else None
        names = self._names
        # The loop runs once per entry of a long history: plain dict reads, set lookups
        # and C-level checks; anything unusual goes to the slow path that explains it.
        for index, data in enumerate(self.entries):
            if type(data) is not dict:
                data = history_entry(data, self._name(index))
            got = data.get(first)
            if got != wanted:
                if got is None:
                    _missing(data, self._name(index), first, rule_id, filt)
                elif type(got) is not str:  # a number where a contact belongs: refused, not passed over
                    raise InputError(f"history[{self._name(index)}].{first}: expected a string, got "
                                     f"{type(got).__name__}")
                if contact is None or same_contact(got) != contact:
                    continue
            if rest and not _same_rest(data, rest, self._name(index), rule_id, filt):
                continue
            at = data.get("at")
            # Too old to count, read from the text of a calendar date (YYYY-MM-DD...); any
            # other form (an ordinal 2026-004) is read as an instant below.
            if (since and type(at) is str and at[:10] < since and at[4:5] == "-" and at[7:8] == "-"
                    and at[10:11] in ("T", " ", "t")):
                continue
            counted_at = instant_if_counted(data, filt, index if names is None else names[index])
            if counted_at is not None:
                picked.append((counted_at, index))
        picked.sort()  # by instant, then by position: the same order on every call
        found = ([at for at, _ in picked], [i for _, i in picked])
        if self._names is not None:
            found = (found[0], [self._names[i] for i in found[1]])
        self._index[cache_key] = (since, found)
        return found


def instant_if_counted(data: dict[str, Any], filt: CountFilter, name: int) -> datetime | None:
    """The entry's instant (naive UTC) when the cap's filter counts it, else None; an entry
    with a bad field is refused here (``name``: its history index, for the message)."""
    channel, outcome, party = data.get("channel"), data.get("outcome"), data.get("party")
    direction, reached = data.get("direction"), data.get("reached")
    if (type(channel) is not str or channel not in _CHANNELS
            or (outcome is not None and (type(outcome) is not str or outcome not in OUTCOME_SET))
            or (party is not None and (type(party) is not str or party not in _PARTIES))
            or (direction is not None and (type(direction) is not str or direction not in _DIRECTIONS))
            or (reached is not None and (type(reached) is not str or reached not in _REACHED))
            or not _FIELDS.issuperset(data)):
        check_history_entry(data, name)  # raises the error that names the field
    if filt.channels is not None and channel not in filt.channels:
        return None
    if filt.parties is not None and party not in filt.parties:
        return None
    if filt.outcomes is not None and outcome is not None and outcome not in filt.outcomes:
        if outcome is not PLANNED or not filt.planned:
            return None
    if filt.directions is not None or filt.reached is not None or filt.facts is not None:
        facts = data.get("facts")
        if facts is not None and type(facts) is not dict:
            check_history_entry(data, name)  # not an object: refused, naming the field
        if not filt._more(data, f"history[{name}]"):
            return None
    at = data.get("at")
    if type(at) is datetime and at.tzinfo is _UTC:
        return naive_utc(at)  # a session's own record of an attempt it checked
    if type(at) is str:
        if len(at) in (20, 25) and (offset := _OFFSETS.get(at[19:])) is not None:
            try:
                return _fromiso(at[:19]) - offset
            except (ValueError, OverflowError):
                pass  # the full parse below names the problem
        try:
            parsed = _fromiso(at)
        except ValueError:
            parsed = read_time(at, f"history[{name}].at")
        else:
            if type(parsed.tzinfo) is not _FIXED or not 1900 <= parsed.year <= 9000:
                parsed = read_time(at if parsed.tzinfo is None else parsed, f"history[{name}].at")
    else:
        parsed = read_time(at, f"history[{name}].at")
    # Naive UTC: sorting and bisecting compare without consulting time zones.
    return naive_utc(parsed)


def _missing(data: Mapping[str, Any], index: int, name: str, rule_id: str, filt: CountFilter) -> None:
    """An entry without a counting field: refused when the rule would count it (it might be
    the same person or account), passed over when its filter would not count it anyway."""
    check_history_entry(data, index)  # a bad field is refused whether or not it counts
    if filt.accepts(data):
        raise InputError(f"history[{index}].{name}: missing; rule '{rule_id}' counts "
                         f"history by {name}, so every entry it would count needs it")


def _same_rest(data: Mapping[str, Any], rest: tuple[tuple[str, str], ...], index: int, rule_id: str,
               filt: CountFilter) -> bool:
    for name, wanted in rest:
        got = data.get(name)
        if got is None:
            _missing(data, index, name, rule_id, filt)
            return False
        if got != wanted:
            if type(got) is not str:
                raise InputError(f"history[{index}].{name}: expected a string, got {type(got).__name__}")
            if name != "contact" or same_contact(got) != same_contact(wanted):
                return False
    return True
