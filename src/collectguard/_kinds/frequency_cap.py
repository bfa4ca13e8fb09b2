"""``frequency-cap``: at most ``max`` contacts of a kind within a window.

    - id: third-party-hourly-cap
      kind: frequency-cap
      when: {parties: [third_party], channels: [call]}
      params:
        max: 2
        window: {rolling: 60m}          # or {calendar: day|week|month}, or {calendar_days: 7}
        same: [contact]                 # count history on the same contact (account, party_id)
        count: {channels: [call], outcomes_not: [answered]}

The attempt is denied when the entries counted plus the attempt itself exceed ``max``.

- ``rolling: D`` counts entries in (at - D, at].
- ``calendar: day|week|month`` counts entries on the attempt's local calendar day, ISO
  week (Monday first) or month in the recipient's zone, later entries of that period
  included; every candidate zone is checked.
- ``calendar_days: N`` counts entries on the attempt's local day and the N-1 days before
  it ("7 calls in 7 consecutive days").
- ``before_attempt: true`` counts only entries before the attempt's instant: "no call
  within 7 days after a conversation" is not broken by a conversation later that day.

``count`` may also select on ``directions`` (outbound, inbound), ``reached`` (person,
someone_else, machine) and the entry's own ``facts`` (phone_type: personal).
An entry whose outcome, direction, reached or fact was not recorded is counted as if it
had the value that counts.
Instants are compared in UTC and period edges are the first instants of local days, so
DST transitions and history given in other UTC offsets need no special case.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, cast

from pydantic import Field, PositiveInt, StrictBool, field_validator, model_validator

from .._clock import day_start, duration
from .._conditions import FactTest, Scalar, _same
from .._errors import InputError, PolicyError
from .._history import CountFilter, naive_utc as _naive_utc, utc_of as _utc_of
from .._vocab import CHANNELS, OUTCOMES, Channel, Direction, Outcome, Party, Reached
from ._base import CompileEnv, CountGroup, Finding, Kind, Needs, Params


@lru_cache(maxsize=4096)
def _naive_day_start(day: date, tz: Any) -> datetime:
    return _naive_utc(day_start(day, tz))


# How far ahead the search for an open slot looks before saying no wait helps.
_HORIZON = timedelta(days=400)
_SLACK = timedelta(days=2)


class Window(Params):
    rolling: str | None = Field(None, description="a span ending at the attempt: 60m, 1h, 7d")
    calendar: Literal["day", "week", "month"] | None = Field(
        None, description="the attempt's local calendar day, ISO week or month")
    calendar_days: PositiveInt | None = Field(
        None, description="the attempt's local day and the days before it, N days in all")
    before_attempt: StrictBool = Field(
        False, description="only entries before the attempt's instant count (\"within 7 days after a "
                           "conversation\"): a later entry of the same period does not")

    @field_validator("rolling")
    @classmethod
    def _span(cls, value: str | None) -> str | None:
        if value is not None:
            duration(value)
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Window:
        given = [name for name in ("rolling", "calendar", "calendar_days") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of rolling, calendar or calendar_days "
                             f"(got {', '.join(given) or 'none'})")
        return self


class Counted(Params):
    channels: list[Channel] | None = Field(None, description="only entries on these channels")
    parties: list[Party] | None = Field(None, description="only entries recorded for these parties")
    outcomes: list[Outcome] | None = Field(None, description="only entries with these outcomes")
    outcomes_not: list[Outcome] | None = Field(None, description="only entries without these outcomes")
    directions: list[Direction] | None = Field(
        None, description="only entries placed this way: outbound (by the collector) or inbound (by the "
                          "person); an entry without direction counts")
    reached: list[Reached] | None = Field(
        None, description="only entries that reached these: person, someone_else, machine; an entry "
                          "without reached counts")
    facts: dict[str, FactTest | Scalar] | None = Field(
        None, description="only entries whose own facts match (a value, or {in, not}); an entry without "
                          "the fact counts")

    @model_validator(mode="after")
    def _one_outcome_list(self) -> Counted:
        if self.outcomes is not None and self.outcomes_not is not None:
            raise ValueError("give outcomes or outcomes_not, not both")
        return self


def _by_contact() -> list[Literal["contact", "account", "party_id"]]:
    return ["contact"]


class FrequencyCapParams(Params):
    max: PositiveInt = Field(description="the most contacts allowed in the window, this one included")
    window: Window
    same: list[Literal["contact", "account", "party_id"]] = Field(
        default_factory=_by_contact, min_length=1,
        description="history counts when it has the attempt's value of each of these fields")
    count: Counted = Field(default_factory=Counted, description="which history entries count")


def _outcomes(counted: Counted) -> frozenset[str] | None:
    if counted.outcomes is not None:
        return frozenset(counted.outcomes)
    if counted.outcomes_not is not None:
        return frozenset(OUTCOMES) - frozenset(counted.outcomes_not)
    return None


def _fact_tests(facts: dict[str, Any] | None, declared: Any) -> tuple[tuple[str, Any], ...] | None:
    """(name, test(value, where)) per fact of a count filter; ``declared``: the policy's
    FactReader, which refuses an entry's value of the wrong type (None: no declarations)."""
    if not facts:
        return None
    check = declared.check_value if declared is not None else (lambda name, value, where: None)
    tests: list[tuple[str, Callable[[Any, str], bool]]] = []
    for name, test in facts.items():
        if isinstance(test, FactTest):
            def match_test(value: Any, where: str, t: FactTest = test, n: str = name) -> bool:
                check(n, value, where + ".facts")
                return t.matches({n: value}, n)
            tests.append((name, match_test))
        else:
            def match_value(value: Any, where: str, want: Any = test, n: str = name) -> bool:
                check(n, value, where + ".facts")
                return _same(value, want)
            tests.append((name, match_value))
    return tuple(tests)


class FrequencyCap:
    __slots__ = ("limit", "same", "filter", "rule_id", "span", "calendar", "days", "label", "reach",
                 "lookback", "counts", "contact_only", "before", "needs")

    def __init__(self, params: FrequencyCapParams, rule_id: str, declared: Any = None,
                 group: Any = None) -> None:
        self.limit = params.max
        self.same = tuple(params.same)
        # Every attempt has a contact (the reader requires it); other keys may be missing.
        self.contact_only = self.same == ("contact",)
        c = params.count
        self.filter = CountFilter(
            frozenset(c.channels) if c.channels is not None else None,
            frozenset(c.parties) if c.parties is not None else None,
            _outcomes(c),
            frozenset(c.directions) if c.directions is not None else None,
            frozenset(c.reached) if c.reached is not None else None,
            _fact_tests(c.facts, declared),
            json.dumps({k: (v.model_dump(by_alias=True, exclude_unset=True) if isinstance(v, FactTest) else v)
                        for k, v in sorted(c.facts.items())}, sort_keys=True) if c.facts else None,
        )
        self.rule_id = rule_id
        w = params.window
        self.span = duration(w.rolling) if w.rolling else None
        self.calendar = w.calendar
        self.days = w.calendar_days
        self.before = w.before_attempt
        # How far before the attempt a counted entry can lie, for any instant the search
        # for the next allowed time may ask about (all of them at or after the attempt).
        self.reach = self.span if self.span is not None else timedelta(
            days={"day": 1, "week": 7, "month": 31}.get(w.calendar or "", w.calendar_days or 1))
        self.label = (f"rolling {w.rolling}" if w.rolling else
                      f"calendar {w.calendar}" if w.calendar else f"{w.calendar_days} calendar days")
        if self.before:
            self.label += ", before the attempt"
        # Two days of slack: an entry's date as written may be a UTC offset away from UTC.
        self.lookback = self.reach + _SLACK
        self.needs = Needs(reach=self.reach, same=self.same)
        # Caps of one policy that count the same entries (a daily and an hourly cap on one
        # filter) share them within a check: one group per (same, filter), compared by
        # identity, reading as far back as the furthest-reaching of them needs.
        key = (self.same, self.filter.key)
        self.counts = group(key, self.lookback) if group is not None else _alone(key, self.lookback)

    # -- what is counted --------------------------------------------------------------

    def _key(self, subject: Any) -> tuple[Any, ...]:
        """The attempt's values of the counting fields; missing ones are refused, history or not."""
        if self.contact_only:
            contact = subject.contact
            if contact is None:
                raise InputError(f"attempt.contact: missing; rule '{self.rule_id}' counts history by contact")
            return (contact,)
        values = []
        for name in self.same:
            value = getattr(subject, name)
            if value is None:
                raise InputError(f"attempt.{name}: missing; rule '{self.rule_id}' counts history "
                                 f"by {name}")
            values.append(value)
        return tuple(values)

    def _times(self, ctx: Any, key: tuple[Any, ...] | None = None) -> tuple[list[datetime], list[int]]:
        # The search for the next allowed time asks again at later instants: the counted
        # entries stay the same for the whole check.
        found: tuple[list[datetime], list[int]] | None = ctx.memo.get(self.counts)
        if found is not None:
            return found
        subject = ctx.subject
        if key is None:
            key = self._key(subject)
        found = ctx.memo[self.counts] = ctx.history.counted(self.same, key, self.filter, self.rule_id,
                                                            subject.at, self.counts.lookback)
        return found

    def _days(self, at: datetime, tz: Any) -> tuple[date, date]:
        """The first local date of the calendar period holding ``at``, and the date after it."""
        today = at.astimezone(tz).date()
        if self.calendar == "day":
            first, after = today, today + timedelta(days=1)
        elif self.calendar == "week":
            first = today - timedelta(days=today.weekday())
            after = first + timedelta(days=7)
        elif self.calendar == "month":
            first = today.replace(day=1)
            after = (first + timedelta(days=32)).replace(day=1)
        else:
            days = cast(int, self.days)  # (no calendar: the window is calendar_days)
            first, after = today - timedelta(days=days - 1), today + timedelta(days=1)
        return first, after

    def _period(self, at: datetime, tz: Any) -> tuple[datetime, datetime]:
        """[start, end) of the calendar period holding ``at`` in zone ``tz``."""
        first, after = self._days(at, tz)
        return day_start(first, tz), day_start(after, tz)

    def _counted_at(self, times: list[datetime], at: datetime, tz: Any) -> tuple[int, int]:
        """Slice [lo, hi) of ``times`` (naive UTC, see History.counted) counted at ``at``."""
        if self.span is not None:
            end = _naive_utc(at)
            return bisect_right(times, end - self.span), (bisect_left if self.before else bisect_right)(times, end)
        first, after = self._days(at, tz)
        lo, hi = bisect_left(times, _naive_day_start(first, tz)), bisect_left(times, _naive_day_start(after, tz))
        if self.before:
            hi = min(hi, bisect_left(times, _naive_utc(at)))
        return lo, hi

    def _over(self, times: list[datetime], at: datetime, tz: Any) -> bool:
        lo, hi = self._counted_at(times, at, tz)
        return hi - lo + 1 > self.limit

    def _next_candidate(self, times: list[datetime], at: datetime, tz: Any) -> datetime | None:
        """The earliest instant after ``at`` at which this zone's count may have dropped."""
        if self.span is not None:
            lo, _ = self._counted_at(times, at, tz)
            # The count drops only when an entry leaves the window, at entry + span.
            for entry in times[lo:]:
                leaves = _utc_of(entry + self.span)
                if leaves > at and not self._over(times, leaves, tz):
                    return leaves
            return None
        if self.calendar is not None:
            candidate = self._period(at, tz)[1]
        else:
            candidate = day_start(at.astimezone(tz).date() + timedelta(days=1), tz)
        return candidate

    def _retry(self, times: list[datetime], at: datetime, zones: tuple[Any, ...]) -> datetime | None:
        horizon = at + _HORIZON
        while at < horizon:
            over = [tz for tz in zones if self._over(times, at, tz)]
            if not over:
                return at
            steps = [self._next_candidate(times, at, tz) for tz in over]
            if any(step is None for step in steps):
                return None
            at = max(cast("list[datetime]", steps))  # (none is None: see above)
        return None

    # -- the check --------------------------------------------------------------------

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        found = ctx.memo.get(self.counts)
        if found is None:
            if not ctx.history.entries and self.contact_only:
                return None  # nothing to count: the attempt alone never exceeds a cap of at least 1
            key = self._key(ctx.subject)  # refused when missing, history or not
            if not ctx.history.entries:
                return None
            found = self._times(ctx, key)
        times, indexes = found
        if len(times) < self.limit:
            return None  # fewer entries in all than the cap allows besides this one
        zones = ctx.subject.zones if self.span is None else ctx.subject.zones[:1]
        if len(zones) == 1:  # the usual case, without the list
            tz = zones[0]
            lo, hi = self._counted_at(times, at, tz)
            if hi - lo < self.limit:
                return None
        else:
            over = [tz for tz in zones if self._over(times, at, tz)]
            if not over:
                return None
            tz = over[0]

        def evidence() -> dict[str, Any]:
            lo, hi = self._counted_at(times, at, tz)
            found = {"count": hi - lo, "max": self.limit, "window": self.label,
                     **self._window_bounds(at, tz), "counted": sorted(indexes[lo:hi])}
            if len(zones) > 1:  # a local-day count over several candidate zones: over in these
                found["zone"] = str(tz)
                found["denied_in"] = [str(z) for z in over]
            return found

        return Finding(evidence=evidence, retry_at=lambda: self._retry(times, at, zones))

    def next_open(self, ctx: Any, at: datetime) -> datetime | None:
        """The first instant at or after ``at`` at which the count is under the cap (the
        search for the next allowed time asks this, after ``check`` has read the history)."""
        found = ctx.memo.get(self.counts)
        if found is None:
            if not ctx.history.entries:
                return at
            found = self._times(ctx)
        times = found[0]
        if len(times) < self.limit:
            return at
        return self._retry(times, at, ctx.subject.zones if self.span is None else ctx.subject.zones[:1])

    def _window_bounds(self, at: datetime, tz: Any) -> dict[str, str]:
        if self.span is not None:
            return {"window_from": (at - self.span).astimezone(tz).isoformat(),
                    "window_until": at.astimezone(tz).isoformat()}
        start, end = self._period(at, tz)
        if self.before:
            end = at
        return {"window_from": start.astimezone(tz).isoformat(), "window_until": end.astimezone(tz).isoformat()}

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        times, indexes = self._times(ctx)
        tz = ctx.subject.zones[0]
        lo, hi = self._counted_at(times, at, tz)
        return {"count": hi - lo, "max": self.limit, "window": self.label, **self._window_bounds(at, tz),
                "counted": sorted(indexes[lo:hi]), "same": list(self.same)}


def _alone(key: tuple[Any, ...], lookback: timedelta) -> CountGroup:
    group = CountGroup(key)
    group.lookback = lookback
    return group


def _compile(params: FrequencyCapParams, env: CompileEnv) -> FrequencyCap:
    return FrequencyCap(params, env.rule_id, env.facts, env.count_group)


def _lint(rule: Any, where: tuple[Any, ...], doc: Any) -> list[PolicyError]:
    """Caps that can never bind, or bind where a reader would not expect."""
    count = rule.params.count
    outcomes = set(OUTCOMES)
    if count.outcomes is not None:
        outcomes &= set(count.outcomes)
    if count.outcomes_not is not None:
        outcomes -= set(count.outcomes_not)
    channels = set(count.channels) if count.channels is not None else set(CHANNELS)
    problems = []
    for field in ("directions", "reached"):
        if getattr(count, field) == []:
            line, col = doc.position(where + ("params", "count", field))
            problems.append(PolicyError(f"rule '{rule.id}': count.{field} is empty, so only entries that do "
                                        f"not say their {field.rstrip('s')} count", path=doc.path, line=line,
                                        column=col, level="warning", check="cap-never-binds",
                                        hint=f"list the {field} to count, or remove count.{field}"))
    for name, test in (count.facts or {}).items():
        if getattr(test, "present", None) is not None:
            line, col = doc.position(where + ("params", "count", "facts", name))
            problems.append(PolicyError(f"rule '{rule.id}': count.facts.{name} tests present, but an entry "
                                        "without the fact is always counted", path=doc.path, line=line,
                                        column=col, level="warning", check="count-fact-present",
                                        hint="compare the value ({in: [...]} or {not: ...}), or remove the test"))
    window = rule.params.window
    if window.before_attempt and window.rolling is not None:
        line, col = doc.position(where + ("params", "window", "before_attempt"))
        problems.append(PolicyError(f"rule '{rule.id}': a rolling window counts nothing after the attempt "
                                    "already; before_attempt only leaves out an entry at the same instant",
                                    path=doc.path, line=line, column=col, level="warning",
                                    check="before-attempt-rolling",
                                    hint="remove before_attempt, or use a calendar window"))
    if (outcomes and outcomes <= {"answered"} and window.rolling is None and not window.before_attempt):
        line, col = doc.position(where + ("params", "window"))
        problems.append(PolicyError(f"rule '{rule.id}': counts conversations over the whole calendar period, "
                                    "so a conversation later than the attempt blocks it", path=doc.path,
                                    line=line, column=col, level="warning", check="conversation-after-attempt",
                                    hint="add before_attempt: true to the window for 'within N days after a "
                                    "conversation'"))
    if not outcomes or not channels:
        line, col = doc.position(where + ("params", "count"))
        problems.append(PolicyError(f"rule '{rule.id}': the count filter excludes every "
                                    f"{'outcome' if not outcomes else 'channel'}, so only entries with no "
                                    "recorded outcome count", path=doc.path, line=line, column=col,
                                    level="warning", check="cap-never-binds",
                                    hint="check outcomes / outcomes_not / channels"))
    return problems


KIND = Kind(
    name="frequency-cap",
    subject="attempt",
    params=FrequencyCapParams,
    compile=_compile,
    summary="at most max contacts on the same contact/account/person within a rolling or calendar window",
    lint=_lint,
)


