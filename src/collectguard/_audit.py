"""Audit: replay a call log in time order and report every attempt or text that broke a rule.

Each record is judged against the contacts before it, then added to the history with its
outcome; a record with ``text`` is also checked as a note said to that party. Memory is
bounded: records are re-ordered within a window (logs are nearly sorted as dialers
write them), and the history keeps only what a cap can still count.

A log too large for one machine is partitioned by contact (every cap of the shipped pack
counts per contact) and each partition audited on its own with :func:`audit_records`;
``examples/dask_audit.py`` does that on Dask.
"""

from __future__ import annotations

from bisect import insort
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import get_close_matches
from typing import Any

from ._clock import ClockError, instant
from ._errors import InputError
from ._input import DIRECTION_SET, OUTCOME_SET, REACHED_SET, _choice

_ATTEMPT = ("at", "channel", "party", "relation", "contact", "account", "party_id", "client", "region", "timezone",
            "facts")
_LOGGED = frozenset(_ATTEMPT + ("outcome", "text", "direction", "reached"))
_HAPPENED = ("direction", "reached")  # what a log says of a contact besides its outcome
_CONTEXT = ("party", "relation", "channel", "client", "region", "facts")


@dataclass
class AuditSummary:
    records: int = 0
    attempts: int = 0
    texts: int = 0
    broken: int = 0
    # Records that could not be judged (unreadable, or a field refused): reported one by
    # one with their place; the audit is incomplete while any is.
    refused: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    by_client: Counter[str] = field(default_factory=Counter)
    by_day: Counter[str] = field(default_factory=Counter)

    def merge(self, other: AuditSummary) -> None:
        for name in ("records", "attempts", "texts", "broken", "refused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_rule", "by_client", "by_day"):
            getattr(self, name).update(getattr(other, name))

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "attempts": self.attempts, "texts": self.texts, "broken": self.broken,
                "refused": self.refused, "complete": self.refused == 0,
                "by_rule": dict(sorted(self.by_rule.items())), "by_client": dict(sorted(self.by_client.items())),
                "by_day": dict(sorted(self.by_day.items()))}

    def table(self) -> str:
        lines = [f"{self.records:,} records: {self.attempts:,} attempts, {self.texts:,} texts; "
                 f"{self.broken:,} broke a rule"
                 + (f"; {self.refused:,} could not be judged, so the audit is INCOMPLETE" if self.refused else "")]
        for title, counter in (("rule", self.by_rule), ("client", self.by_client), ("local day", self.by_day)):
            if counter:
                lines.append(f"  by {title}:")
                lines += [f"    {key:32} {count:>9,}" for key, count in sorted(counter.items())]
        return "\n".join(lines)


# How many records between two prunings of the replay's history.
_COMPACT_EVERY = 50_000


class LogOrderError(InputError):
    """The log is further out of time order than the re-ordering window allows."""


def in_time_order(records: Iterable[tuple[str, Any]], reorder: int = 10_000
                  ) -> Iterator[tuple[str, Any, datetime | None, str | None]]:
    """A log's records in time order: ``(where, record, at, None)``, or ``(where, None,
    None, error)`` for a record that could not be read or has no readable ``at`` (yielded
    at once, in log order). Records are re-ordered within a window of ``reorder``; one
    earlier than a record already released is a :class:`LogOrderError`."""
    # Records waiting, kept in (instant, log order). Logs come nearly sorted, so a record
    # almost always goes on the end and the oldest leaves from the front: two O(1) steps
    # where a heap would pay log(window) comparisons of instants each way.
    window: deque[tuple[datetime, int, str, dict[str, Any]]] = deque()
    released: datetime | None = None
    for number, (where, record) in enumerate(records):
        if isinstance(record, str):  # a BadRecord from the reader: its message says where
            yield where, None, None, str(record)
            continue
        try:
            at = _at(record, where)
        except InputError as exc:
            yield where, None, None, str(exc)
            continue
        if released is not None and at < released:
            raise LogOrderError(f"{where}: this record is earlier than records already audited, beyond "
                                f"the re-ordering window of {reorder} records; sort the log by time "
                                "first or give a larger --reorder")
        item = (at, number, where, record)
        if not window or at >= window[-1][0]:
            window.append(item)
        else:
            insort(window, item)  # the log number breaks ties: records themselves never compare
        if len(window) > reorder:
            at, _, w, r = window.popleft()
            released = at
            yield w, r, at, None
    while window:
        at, _, w, r = window.popleft()
        yield w, r, at, None


def audit(policy: Any, records: Iterable[tuple[str, dict[str, Any]]], summary: AuditSummary,
          reorder: int = 10_000, progress: Any = None) -> Iterator[dict[str, Any]]:
    """Violations, one per broken record, in time order; ``summary`` is filled as it goes.

    A record that cannot be judged (unreadable, a field refused) is yielded as
    ``{"where": ..., "error": ...}`` and counted in ``summary.refused``; the audit goes on,
    and a caller reports the run as incomplete."""
    reach = policy.max_reach() + timedelta(days=2)
    session = policy.session()
    session.wheres = []  # the log position of each recorded contact, for evidence
    since_compaction = 0
    for where, record, at, error in in_time_order(records, reorder):
        if error is not None:
            summary.records += 1
            summary.refused += 1
            yield {"where": where, "error": error}
            continue
        assert at is not None
        violation = _judged(policy, session, where, record, at, summary)
        if violation is not None:
            yield violation
        since_compaction += 1
        if progress is not None and summary.records % 10_000 == 0:
            progress(summary.records)
        if since_compaction >= _COMPACT_EVERY:
            session.forget(at - reach)
            since_compaction = 0


def _at(record: dict[str, Any], where: str) -> datetime:
    try:
        return instant(record.get("at"))
    except ClockError as exc:
        raise InputError(f"{where}: at: {exc}") from None


def _judged(policy: Any, session: Any, where: str, record: dict[str, Any], at: datetime,
            summary: AuditSummary) -> dict[str, Any] | None:
    """_judge, with a refused record reported in its place and counted (never dropped)."""
    try:
        return _judge(policy, session, where, record, at, summary)
    except LogOrderError:
        raise
    except InputError as exc:
        summary.refused += 1
        return {"where": where, "error": str(exc)}


_MISSING_ONE = ("channel", "party", "contact")


@dataclass
class LogRecord:
    """One log record read for replay: what is judged, what is recorded, what is a note."""

    attempt: dict[str, Any] | None  # the attempt to judge and record; None: a note only
    inbound: bool                   # the person's own contact: recorded, not judged
    entry: dict[str, Any] | None    # the contact as recorded (its outcome, no None values)
    text: str | None
    context: dict[str, Any]         # the note's context


def read_log_record(record: dict[str, Any], where: str, at: datetime) -> LogRecord:
    """A log record checked for its fields and split into attempt, contact and note;
    InputError naming ``where`` for a field a log does not have or a value refused."""
    if not _LOGGED.issuperset(record):
        unknown = sorted(str(k) for k in record if k not in _LOGGED)[0]
        close = get_close_matches(unknown, sorted(_LOGGED), n=1)
        raise InputError(f"{where}: unknown field '{unknown}'"
                         + (f" (did you mean '{close[0]}'?)" if close else f" (fields: {', '.join(sorted(_LOGGED))})"))
    # Copy the record whole and drop the fields that are not the attempt's.
    attempt = record.copy()
    attempt.pop("outcome", None)
    attempt.pop("text", None)
    for name in _HAPPENED:
        attempt.pop(name, None)
    attempt["at"] = at  # the instant read once to order the log; the record keeps its text
    has_attempt = "channel" in attempt and "party" in attempt and "contact" in attempt
    text = record.get("text") or None
    if not has_attempt:
        # A text with its party alone is a note; a channel or contact says it is an attempt.
        given = [name for name in ("channel", "contact") if attempt.get(name) is not None]
        if given or not text:
            missing = [name for name in _MISSING_ONE if attempt.get(name) is None]
            raise InputError(f"{where}: missing {', '.join(missing)}: a record is an attempt (channel, party, "
                             "contact) or a text with its party, or both")
    context = {k: record[k] for k in _CONTEXT if k in record}
    if not has_attempt:
        return LogRecord(None, False, None, text, context)
    entry = dict(attempt)
    try:
        outcome = record.get("outcome")
        if outcome is not None:
            if type(outcome) is not str or outcome not in OUTCOME_SET:  # refused here, not when counted
                _choice(outcome, OUTCOME_SET, "outcome", "outcome")
            entry["outcome"] = outcome
        for name, allowed in (("direction", DIRECTION_SET), ("reached", REACHED_SET)):
            value = record.get(name)
            if value is not None:
                entry[name] = _choice(value, allowed, name, name)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    if None in entry.values():  # a null in JSON: the field is absent
        entry = {k: v for k, v in entry.items() if v is not None}
    return LogRecord(attempt, record.get("direction") == "inbound", entry, text, context)


def _judge(policy: Any, session: Any, where: str, record: dict[str, Any], at: datetime,
           summary: AuditSummary) -> dict[str, Any] | None:
    """The violation of one record, or None when it broke nothing (warnings count too)."""
    summary.records += 1
    reasons = []
    zones = None
    read = read_log_record(record, where, at)
    try:
        if read.attempt is not None:
            if not read.inbound:  # an inbound contact is the person's own, not the collector's attempt
                summary.attempts += 1
                decision = session._judge(read.attempt)
                if decision.reasons:
                    zones = decision.zones  # a record without timezone: the pack's candidate zones
                for reason in decision.reasons:
                    item = {"kind": "attempt", **reason.to_dict()}
                    if "counted" in item["evidence"]:  # history positions, as places in the log
                        base = session._history.base
                        item["evidence"]["counted"] = [session.wheres[i - base] for i in item["evidence"]["counted"]]
                    reasons.append(item)
            session._record_own(read.entry, where)
        if read.text:
            summary.texts += 1
            note = policy.check_note(read.text, read.context)
            reasons += [{"kind": "text", **r.to_dict()} for r in note.reasons]
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    if not reasons:
        return None
    denied = [r for r in reasons if r["severity"] == "deny"]
    if denied:
        summary.broken += 1
        day = at.astimezone(policy.zone_for(record.get("timezone"))).date().isoformat()
        for reason in denied:
            summary.by_rule[reason["rule"]] += 1
        summary.by_client[record.get("client") or "(none)"] += 1
        summary.by_day[day] += 1
    found = {"where": where, "at": record.get("at"), "contact": record.get("contact"),
             "client": record.get("client"), "broken": bool(denied), "reasons": reasons}
    if zones is not None:
        found["zones"] = zones
    return found


def audit_records(policy: Any, records: Any, reorder: int = 10_000) -> tuple[list[dict[str, Any]], AuditSummary]:
    """Audit one partition: a pandas DataFrame, a pyarrow Table or an iterable of dicts."""
    if hasattr(records, "to_pylist"):          # pyarrow.Table
        rows = records.to_pylist()
    elif hasattr(records, "to_dict") and hasattr(records, "columns"):  # pandas.DataFrame
        rows = records.to_dict("records")
    else:
        rows = list(records)
    cleaned = ({k: v for k, v in row.items() if v is not None and v == v and v != ""} for row in rows)
    summary = AuditSummary()
    found = list(audit(policy, ((f"row {i}", r) for i, r in enumerate(cleaned)), summary, reorder))
    return found, summary
