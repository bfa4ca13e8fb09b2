"""The contact history of one check, read lazily and indexed once per question.

A cap needs only the entries on the same contact (or account, or person) that pass
its filter, and only their times. Those are picked, checked and parsed on first use,
sorted by instant (the caller's order does not matter) and kept for the rest of the
check, so the fixed-point search for the next allowed time does not read them again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from ._errors import InputError
from ._input import check_history_entry, history_entry, read_time

_FIXED = timezone


def _parse(value: Any, where: str) -> datetime:
    # Fast path: ISO text with a fixed offset compares and subtracts correctly as is.
    if type(value) is str:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return read_time(value, where)
        if type(parsed.tzinfo) is _FIXED:
            return parsed
    return read_time(value, where)


class CountFilter:
    """Which history entries a cap counts besides the counting key."""

    __slots__ = ("channels", "parties", "outcomes", "key")

    def __init__(self, channels: frozenset[str] | None, parties: frozenset[str] | None,
                 outcomes: frozenset[str] | None) -> None:
        self.channels = channels
        self.parties = parties
        # None: every outcome counts. An entry with no recorded outcome always counts:
        # the attempt took place and might have had any outcome, so it is counted wherever
        # some outcome would be.
        self.outcomes = outcomes
        self.key = (channels, parties, outcomes)

    def accepts(self, data: Mapping[str, Any]) -> bool:
        if self.channels is not None and data.get("channel") not in self.channels:
            return False
        if self.parties is not None and data.get("party") not in self.parties:
            return False
        if self.outcomes is not None:
            outcome = data.get("outcome")
            if outcome is not None and outcome not in self.outcomes:
                return False
        return True


class History:
    __slots__ = ("entries", "_index")

    def __init__(self, entries: list[Any]) -> None:
        self.entries = entries
        self._index: dict[tuple[Any, ...], tuple[list[datetime], list[int]]] = {}

    def counted(self, same: tuple[str, ...], values: tuple[str, ...], filt: CountFilter,
                rule_id: str) -> tuple[list[datetime], list[int]]:
        """Instants (sorted) and history indexes of the entries a cap counts."""
        cache_key = (same, values, filt.key)
        found = self._index.get(cache_key)
        if found is not None:
            return found
        picked: list[tuple[datetime, int]] = []
        for index, raw in enumerate(self.entries):
            data = history_entry(raw, index)
            for name, wanted in zip(same, values):
                got = data.get(name)
                if got is None:
                    raise InputError(f"history[{index}].{name}: missing; rule '{rule_id}' counts "
                                     f"history by {name}, so every entry needs it")
                if got != wanted:
                    break
            else:
                check_history_entry(data, index)
                if filt.accepts(data):
                    picked.append((_parse(data.get("at"), f"history[{index}].at"), index))
        picked.sort(key=lambda pair: pair[0])
        found = ([at for at, _ in picked], [i for _, i in picked])
        self._index[cache_key] = found
        return found
