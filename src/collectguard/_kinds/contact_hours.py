"""``contact-hours``: contact only inside a window of the recipient's local time.

    - id: quiet-hours
      kind: contact-hours
      params: {from: "08:00", until: "22:00"}   # allowed from 08:00:00 up to 21:59:59

``from`` is allowed, ``until`` is not. A window may cross midnight
(``from: "20:00", until: "02:00"``); ``until: "24:00"`` means the end of the day. When
the recipient's location is ambiguous the attempt carries every candidate zone, and a
time is allowed only if it is inside the window in all of them. The local clock is read
per zone; instants are compared in UTC, so DST transitions need no special case: in a
spring-forward gap the window opens at the first instant the clock reads ``from`` or later.

A bound may also come from a declared ``time`` fact of the attempt (the times a consumer
said are inconvenient)::

      params: {from: "08:00", until: "21:00", from_fact: consumer_not_before, until_fact: consumer_not_after}

The later of ``from`` and the fact named by ``from_fact`` opens the window, the earlier
of ``until`` and the fact named by ``until_fact`` closes it (that instant is itself not
allowed; a fact of "00:00" is the end of the day, as ``until`` is). A fact that is absent
(and has no ``absent:`` value) leaves its bound alone. A window narrowed to nothing is
never open: no wait helps, only a change of the facts. Such a window must not cross
midnight, where "later" and "earlier" would mean nothing; it may be the whole day
(``from: "00:00", until: "24:00"``, allowed only with a fact), so that the facts alone
close it. The facts named must be declared
``type: time``; ``fact_fields`` below tells the loader which parameters name facts.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from .._clock import first_instant_at_wall, wall_time
from ._base import CompileEnv, Finding, Kind, Needs, Params

_DAY = 86_400
_SETTLE = timedelta(days=8)


class ContactHoursParams(Params):
    # The parameters that name a fact of the attempt, and the type it must be declared as:
    # the loader checks them against the pack's facts: (see _facts.fact_refs).
    fact_fields: ClassVar[dict[str, str]] = {"from_fact": "time", "until_fact": "time"}

    from_: str = Field(alias="from", description='start of the allowed window, local time, e.g. "08:00"')
    until: str = Field(description='end of the allowed window (not itself allowed), e.g. "22:00"; "24:00" is midnight')
    from_fact: str | None = Field(
        None, description="a declared time fact of the attempt (HH:MM) that can open the window later: "
        "the later of from and the fact applies; absent: from alone")
    until_fact: str | None = Field(
        None, description="a declared time fact of the attempt (HH:MM) that can close the window earlier "
        "(that time itself not allowed): the earlier of until and the fact applies; absent: until alone")

    @field_validator("from_", "until")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        wall_time(value)
        return value

    @model_validator(mode="after")
    def _readable(self) -> ContactHoursParams:
        start, end = wall_time(self.from_), wall_time(self.until)
        if start == end and not (self.whole_day and (self.from_fact or self.until_fact)):
            raise ValueError(f'from and until are both "{self.from_}": the window would be always '
                             'open or never open; disable the rule or give a real window'
                             + (' (from "00:00" until "24:00", the whole day, needs from_fact or until_fact)'
                                if self.whole_day else ''))
        if (self.from_fact or self.until_fact) and start > end and end != time(0):
            raise ValueError(f'from_fact and until_fact need a window within one day, not '
                             f'"{self.from_}"-"{self.until}" across midnight: there the later and the '
                             'earlier of two times mean nothing')
        return self

    @property
    def whole_day(self) -> bool:
        return self.from_ in ("00:00", "00:00:00") and self.until in ("24:00", "24:00:00")


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _clock(seconds: int) -> time:
    seconds %= _DAY  # the end of the day is midnight, read as a window crossing it
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


class _Window:
    """One day's window of local time: start allowed, end not."""

    __slots__ = ("start", "end", "crosses_midnight", "label", "whole")

    def __init__(self, start: time, end: time, label: str, whole: bool = False) -> None:
        self.start = start
        self.end = end
        self.crosses_midnight = start > end
        self.label = label
        self.whole = whole  # 00:00-24:00: always open (only facts narrow it)

    def open(self, clock: time) -> bool:
        if self.whole:
            return True
        if self.crosses_midnight:
            return clock >= self.start or clock < self.end
        return self.start <= clock < self.end

    def next_opening(self, at: datetime, tz: Any) -> datetime:
        day = at.astimezone(tz).date()
        for offset in range(3):
            found = first_instant_at_wall(day + timedelta(days=offset), self.start, tz, at)
            if found is not None:
                return found
        raise AssertionError("a daily window opens within two days")  # pragma: no cover


class ContactHours:
    __slots__ = ("window", "from_text", "until_text", "from_fact", "until_fact", "needs")

    def __init__(self, params: ContactHoursParams) -> None:
        self.window = _Window(wall_time(params.from_), wall_time(params.until), f"{params.from_}-{params.until}",
                              whole=params.whole_day)
        # A whole-day window is closed only by facts: an attempt without facts skips it.
        self.needs = Needs(needs_facts=params.whole_day)
        self.from_text, self.until_text = params.from_, params.until
        self.from_fact, self.until_fact = params.from_fact, params.until_fact

    def _window(self, ctx: Any) -> _Window | None:
        """The window this attempt gets: the rule's, narrowed by its facts; None: empty."""
        if self.from_fact is None and self.until_fact is None:
            return self.window
        memo = ctx.memo
        if self in memo:
            return memo[self]  # type: ignore[no-any-return]
        facts = ctx.subject.facts
        start, start_text = _seconds(self.window.start), self.from_text
        end, end_text = _seconds(self.window.end) or _DAY, self.until_text
        later = facts.get(self.from_fact) if self.from_fact is not None else None
        if isinstance(later, str) and _seconds(wall_time(later)) > start:
            start, start_text = _seconds(wall_time(later)), later
        earlier = facts.get(self.until_fact) if self.until_fact is not None else None
        if isinstance(earlier, str) and (_seconds(wall_time(earlier)) or _DAY) < end:
            end, end_text = _seconds(wall_time(earlier)) or _DAY, earlier
        if (start_text, end_text) == (self.from_text, self.until_text):
            found: _Window | None = self.window
        elif start >= end:
            found = None
        else:
            found = _Window(_clock(start), _clock(end), f"{start_text}-{end_text}")
        memo[self] = found
        return found

    def _facts(self, ctx: Any) -> dict[str, Any]:
        facts = ctx.subject.facts
        return {name: facts.get(name) for name in (self.from_fact, self.until_fact) if name is not None}

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        window = self._window(ctx)
        zones = ctx.subject.zones
        if window is None:
            return Finding(evidence=lambda: _denied_in(zones, list(zones), {
                "local_time": {str(tz): at.astimezone(tz).isoformat() for tz in zones},
                "allowed_window": None, "rule_window": self.window.label, "window_facts": self._facts(ctx),
            }), retry_at=None)
        if len(zones) == 1:  # the usual case, without the list
            if window.open(at.astimezone(zones[0]).time()):
                return None
            closed = list(zones)
        else:
            closed = [tz for tz in zones if not window.open(at.astimezone(tz).time())]
            if not closed:
                return None
        return Finding(evidence=lambda: self._evidence(ctx, window, _denied_in(zones, closed, {
            "local_time": {str(tz): at.astimezone(tz).isoformat() for tz in closed},
            "allowed_window": window.label,
        })), retry_at=lambda: self._retry(window, zones, at))

    def next_open(self, ctx: Any, at: datetime) -> datetime | None:
        """The first instant at or after ``at`` inside the window in every zone (the search
        for the next allowed time asks this, not ``check``)."""
        window = self._window(ctx)
        if window is None:
            return None
        zones = ctx.subject.zones
        if len(zones) == 1 and window.open(at.astimezone(zones[0]).time()):
            return at
        return self._retry(window, zones, at)

    def _evidence(self, ctx: Any, window: _Window, evidence: dict[str, Any]) -> dict[str, Any]:
        if self.from_fact is not None or self.until_fact is not None:
            evidence["rule_window"] = self.window.label
            evidence["window_facts"] = self._facts(ctx)
        return evidence

    @staticmethod
    def _retry(window: _Window, zones: Any, at: datetime) -> datetime | None:
        # Opening in one zone may be closing time in another: step until all agree. Each
        # step is to the latest next opening of the zones still shut, before which none
        # of them opens, so the first instant all are open is never stepped over; every
        # step is to some zone's opening, at most one a day per zone, so a week of steps
        # settles any set of zones on Earth (and when no instant suits all, says so).
        retry, horizon = at, at + _SETTLE
        while retry < horizon:
            shut = [tz for tz in zones if not window.open(retry.astimezone(tz).time())]
            if not shut:
                return retry
            retry = max(window.next_opening(retry, tz) for tz in shut)
        return None

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        window = self._window(ctx)
        return self._evidence(ctx, window or self.window, {
            "local_time": {str(tz): at.astimezone(tz).isoformat() for tz in ctx.subject.zones},
            "allowed_window": window.label if window is not None else None,
            "open": {str(tz): window is not None and window.open(at.astimezone(tz).time())
                     for tz in ctx.subject.zones},
        })


def _denied_in(zones: Any, closed: list[Any], evidence: dict[str, Any]) -> dict[str, Any]:
    """Evidence naming the zones the window was shut in, when there were several."""
    if len(zones) > 1:
        evidence["denied_in"] = [str(tz) for tz in closed]
    return evidence


def _compile(params: ContactHoursParams, env: CompileEnv) -> ContactHours:
    return ContactHours(params)


KIND = Kind(
    name="contact-hours",
    subject="attempt",
    params=ContactHoursParams,
    compile=_compile,
    summary="contact only inside a window of the recipient's local time (every candidate zone)",
)
