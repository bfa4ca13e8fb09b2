"""Instants, zones and local calendars.

Instant arithmetic happens in UTC; local time is used only to read the clock and the
calendar date. (Two datetimes sharing one ZoneInfo compare and subtract by wall
clock in Python, so just after a spring-forward "03:57 minus one hour" would be
03:57 again and an hourly window would silently empty.)
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.parser import isoparse

UTC = timezone.utc
_ONE_SECOND = timedelta(seconds=1)


class ClockError(ValueError):
    """A time, zone or duration that cannot be read; the message says which and how to fix it."""


# IANA keeps these for old systems: fixed offsets with no daylight time (EST is UTC-5 all
# year, so 22:30 EDT in July would read as 21:30) or one country's rules under a generic
# name. A recipient's zone is a place.
_LEGACY = {"EST": "America/New_York", "MST": "America/Denver", "HST": "Pacific/Honolulu",
           "EST5EDT": "America/New_York", "CST6CDT": "America/Chicago", "MST7MDT": "America/Denver",
           "PST8PDT": "America/Los_Angeles", "PRC": "Asia/Shanghai", "ROC": "Asia/Taipei",
           "ROK": "Asia/Seoul", "NZ": "Pacific/Auckland", "W-SU": "Europe/Moscow"}
# Abbreviations people write that are not zone names (CST is Chicago, Shanghai or Havana).
_ABBREVIATIONS = {"CST": "America/Chicago or Asia/Shanghai", "CDT": "America/Chicago",
                  "EDT": "America/New_York", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
                  "MDT": "America/Denver", "AKST": "America/Anchorage", "IST": "Asia/Kolkata",
                  "BST": "Europe/London", "JST": "Asia/Tokyo", "HKT": "Asia/Hong_Kong",
                  "SGT": "Asia/Singapore", "AEST": "Australia/Sydney", "CEST": "Europe/Berlin"}
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,2}$")


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or len(name) > 64 or not _ZONE_NAME.match(name):
        shown = f"{name[:40]!r}{'...' if len(name) > 40 else ''}" if isinstance(name, str) else type(name).__name__
        raise ClockError(f"{shown} is not a time zone name (use an IANA name such as 'Asia/Shanghai')")
    upper = name.upper()
    if upper in _LEGACY:
        raise ClockError(f"'{name}' is a legacy zone name, not a place (use '{_LEGACY[upper]}' or the "
                         "recipient's own IANA zone)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        pass
    if upper in _ABBREVIATIONS:
        raise ClockError(f"'{name}' is an abbreviation, not a time zone (use a place, e.g. "
                         f"{_ABBREVIATIONS[upper]})")
    from difflib import get_close_matches

    close = get_close_matches(name, sorted(z for z in available_timezones() if z.upper() not in _LEGACY), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "use an IANA name such as 'Asia/Shanghai'"
    raise ClockError(f"unknown time zone '{name}' ({hint})")


def instant(value: object) -> datetime:
    """An aware datetime in UTC from an ISO 8601 string or an aware datetime."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            # fromisoformat before Python 3.11 misses forms such as a trailing Z or
            # basic format; dateutil's isoparse reads all of ISO 8601.
            try:
                parsed = isoparse(value)
            except (ValueError, OverflowError):
                raise ClockError(f"'{value}' is not an ISO 8601 date-time "
                                 "(write e.g. 2026-11-23T21:30:00+08:00)") from None
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise ClockError(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    tz = parsed.tzinfo
    if tz is None or tz.utcoffset(parsed) is None:
        raise ClockError(f"'{value}' has no UTC offset; a naive time is ambiguous "
                         "(add the offset, e.g. +08:00 or Z)")
    if not _FIRST_YEAR <= parsed.year <= _LAST_YEAR:
        raise ClockError(f"'{value}' is outside the years {_FIRST_YEAR}-{_LAST_YEAR} collectguard decides on")
    if tz is UTC:
        return parsed
    return parsed.astimezone(UTC)


# Instants a check reads: the search for the next allowed time and calendar windows add
# and subtract days and months, which would overflow near the ends of datetime's range.
_FIRST_YEAR, _LAST_YEAR = 1900, 9000


_DURATION = re.compile(r"^\s*(\d+)\s*(s|sec|m|min|h|hour|hours|d|day|days)\s*$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "hours": 3600,
                 "d": 86400, "day": 86400, "days": 86400}


def duration(text: str) -> timedelta:
    """'60m', '1h', '7d', '90s' as an exact span of time (a day is 24 hours here)."""
    match = _DURATION.match(str(text))
    if not match or int(match.group(1)) == 0:
        raise ClockError(f"'{text}' is not a duration; write a positive number and a unit: 90s, 60m, 1h, 7d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")


def wall_time(text: object) -> time:
    """'08:00' or '21:30:15' as a time of day; '24:00' is read as midnight."""
    if isinstance(text, time):
        return text
    match = _TIME.match(str(text))
    if not match or (match.group(1) == "24" and (match.group(2) != "00" or (match.group(3) or "00") != "00")):
        raise ClockError(f"'{text}' is not a time of day; write HH:MM or HH:MM:SS, e.g. \"08:00\"")
    hour = int(match.group(1)) % 24
    return time(hour, int(match.group(2)), int(match.group(3) or 0))


def local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz)


def first_instant_at_wall(day: date, clock: time, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The earliest instant >= ``after`` at which the local clock reads ``day clock``.

    A wall time may happen twice (fall-back) or never (spring-forward gap); in a gap
    the answer is the transition itself, the first instant the clock reads later.
    None when every such instant is before ``after``.
    """
    wall = datetime.combine(day, clock)
    offset = cast(timedelta, tz.utcoffset(wall))  # a ZoneInfo always has an offset, never None
    if offset == tz.utcoffset(wall.replace(fold=1)):
        # The usual case: the wall time happens exactly once (no gap, no repeat).
        found = (wall - offset).replace(tzinfo=UTC)
        return found if found >= after else None
    early = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    late = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    candidates = []
    for u in sorted({early, late}):
        if u.astimezone(tz).replace(tzinfo=None) == wall:
            candidates.append(u)
    if not candidates:
        candidates.append(_gap_end(wall, tz, min(early, late), max(early, late)))
    for u in candidates:
        if u >= after:
            return u
    return None


def _gap_end(wall: datetime, tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """First instant in [low, high] whose local clock reads at or after ``wall``."""
    lo, hi = 0, int((high - low).total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        if (low + timedelta(seconds=mid)).astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return low + timedelta(seconds=lo)


def start_of_day(day: date, tz: ZoneInfo, after: datetime) -> datetime:
    """The first instant >= ``after`` that falls on local ``day`` (after must precede it)."""
    found = first_instant_at_wall(day, time(0), tz, after)
    if found is None:  # midnight repeated and both behind us: the day has begun
        return after
    return found


def seconds_later(at: datetime, seconds: int = 1) -> datetime:
    return at + _ONE_SECOND * seconds


_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=4096)
def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) whose local date in ``tz`` is ``day``.

    Usually local midnight; where a transition skips midnight, the transition itself.
    """
    found = first_instant_at_wall(day, time(0), tz, _EPOCH)
    assert found is not None  # after the epoch, every local day has a first instant
    return found
