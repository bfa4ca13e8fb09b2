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
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

from .._clock import first_instant_at_wall, wall_time
from ._base import CompileEnv, Finding, Kind, Params


class ContactHoursParams(Params):
    from_: str = Field(alias="from", description='start of the allowed window, local time, e.g. "08:00"')
    until: str = Field(description='end of the allowed window (not itself allowed), e.g. "22:00"; "24:00" is midnight')

    @field_validator("from_", "until")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        wall_time(value)
        return value

    @model_validator(mode="after")
    def _readable(self) -> "ContactHoursParams":
        start, end = wall_time(self.from_), wall_time(self.until)
        if start == end:
            raise ValueError(f'from and until are both "{self.from_}": the window would be always '
                             'open or never open; disable the rule or give a real window')
        return self


class ContactHours:
    __slots__ = ("start", "end", "crosses_midnight", "label")

    def __init__(self, params: ContactHoursParams) -> None:
        self.start = wall_time(params.from_)
        self.end = wall_time(params.until)
        self.crosses_midnight = self.start > self.end
        self.label = f"{params.from_}-{params.until}"

    def _open(self, clock: time) -> bool:
        if self.crosses_midnight:
            return clock >= self.start or clock < self.end
        return self.start <= clock < self.end

    def _next_opening(self, at: datetime, tz: Any) -> datetime:
        day = at.astimezone(tz).date()
        for offset in range(3):
            found = first_instant_at_wall(day + timedelta(days=offset), self.start, tz, at)
            if found is not None:
                return found
        raise AssertionError("a daily window opens within two days")  # pragma: no cover

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        zones = ctx.subject.zones
        if len(zones) == 1:  # the usual case, without the list
            if self._open(at.astimezone(zones[0]).time()):
                return None
            closed = list(zones)
        else:
            closed = [tz for tz in zones if not self._open(at.astimezone(tz).time())]
            if not closed:
                return None
        return Finding(evidence=lambda: {
            "local_time": {str(tz): at.astimezone(tz).isoformat() for tz in closed},
            "allowed_window": self.label,
        }, retry_at=lambda: self._retry(ctx.subject.zones, at))

    def _retry(self, zones: Any, at: datetime) -> datetime | None:
        retry = at
        # Opening in one zone may be closing time in another: step until all agree
        # (a week of steps covers any pair of zones on Earth).
        for _ in range(16):
            shut = [tz for tz in zones if not self._open(retry.astimezone(tz).time())]
            if not shut:
                return retry
            retry = max(self._next_opening(retry, tz) for tz in shut)
        return None

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        return {
            "local_time": {str(tz): at.astimezone(tz).isoformat() for tz in ctx.subject.zones},
            "allowed_window": self.label,
            "open": {str(tz): self._open(at.astimezone(tz).time()) for tz in ctx.subject.zones},
        }


def _compile(params: ContactHoursParams, env: CompileEnv) -> ContactHours:
    return ContactHours(params)


KIND = Kind(
    name="contact-hours",
    subject="attempt",
    params=ContactHoursParams,
    compile=_compile,
    summary="contact only inside a window of the recipient's local time (every candidate zone)",
)
