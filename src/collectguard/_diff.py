"""Policy impact: replay one call log under two policies and report the decisions that change.

Both sides replay the same log, in time order, with the same history: the contacts as
they took place (a diff asks what each policy would have said of the calls that were
made, not what would have happened had one of them been followed). A record is judged
under each side as an audit judges it (the attempt against the contacts before it, its
text as a note said to that party), then recorded in both. A side may force a client
or a region on every record, so that a pack is compared with itself under a client's or
a region's overlay.

A record's decision changes when it is allowed under one side and denied under the
other, when it is denied under both by different rules, or when the time it could have
been made (its own time when allowed, ``next_allowed_at`` when denied, none when no time
is allowed) moves. A record either side refuses is counted as refused, recorded in
neither history, and makes the comparison incomplete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ._audit import _COMPACT_EVERY, in_time_order, read_log_record
from ._errors import InputError

CHANGES = ("newly_denied", "newly_allowed", "still_denied")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a policy, and the client or region forced on every record."""

    policy: Any
    label: str  # how messages and reports name it: the policy argument as given
    client: str | None = None
    region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.label, "id": self.policy.id, "version": self.policy.version,
                "digest": self.policy.digest, "client": self.client, "region": self.region}

    def named(self) -> str:
        forced = "".join(f" {name} {value}" for name, value in (("client", self.client), ("region", self.region))
                         if value is not None)
        return f"{self.label} ({self.policy.id} {self.policy.version}{forced})"


@dataclass
class _Judged:
    """What one side decided of one record."""

    denied: list[str]                # the denying rules, attempt then text, in policy order
    reasons: list[dict[str, Any]]    # the denying reasons, as decisions give them
    attempt: bool                    # the record had an attempt the collector made
    moved: bool                      # that attempt was denied
    when: datetime | None            # when it could have been made (None: at no time)


@dataclass
class DiffSummary:
    records: int = 0
    compared: int = 0  # judged under both sides
    refused: int = 0
    changes: Counter[str] = field(default_factory=Counter)     # change -> records
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)  # rule -> {newly_denied, newly_allowed}
    shifts: Counter[int] = field(default_factory=Counter)       # seconds later (negative: earlier) -> records
    now_impossible: int = 0  # a time under the old side, none under the new
    now_possible: int = 0    # none under the old side, a time under the new

    def _rule(self, rule: str, direction: str) -> None:
        self.by_rule.setdefault(rule, Counter())[direction] += 1

    @property
    def changed(self) -> int:
        return sum(self.changes.values())

    def shift(self) -> dict[str, Any]:
        later = sum(n for s, n in self.shifts.items() if s > 0)
        earlier = sum(n for s, n in self.shifts.items() if s < 0)
        out: dict[str, Any] = {"later": later, "earlier": earlier, "now_impossible": self.now_impossible,
                               "now_possible": self.now_possible}
        moved = _median_counts(self.shifts)
        if moved:
            out.update(min_seconds=moved[0], median_seconds=moved[1], max_seconds=moved[2])
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "compared": self.compared, "refused": self.refused,
                "complete": self.refused == 0, "changed": self.changed,
                **{change: self.changes[change] for change in CHANGES},
                "by_rule": {rule: {"newly_denied": c["newly_denied"], "newly_allowed": c["newly_allowed"]}
                            for rule, c in sorted(self.by_rule.items())},
                "next_allowed_shift": self.shift()}


def _median_counts(counts: Counter[int]) -> list[int]:
    """[min, median, max] of the nonzero shifts (the upper median of an even count); [] for none."""
    items = sorted((s, n) for s, n in counts.items() if s != 0)
    if not items:
        return []
    total = sum(n for _, n in items)
    seen, median = 0, items[0][0]
    for s, n in items:
        seen += n
        if seen > total // 2:
            median = s
            break
    return [items[0][0], median, items[-1][0]]


def diff(old: Side, new: Side, records: Iterable[tuple[str, Any]], summary: DiffSummary,
         reorder: int = 10_000) -> Iterator[dict[str, Any]]:
    """The records whose decision changes, in time order; ``summary`` is filled as it goes.

    A record that cannot be judged under either side is yielded as ``{"where": ...,
    "error": ...}`` and counted in ``summary.refused``."""
    sides = (old, new)
    sessions = [side.policy.session() for side in sides]
    for session in sessions:
        session.wheres = []
    reach = max(old.policy.max_reach(), new.policy.max_reach()) + timedelta(days=2)
    since_compaction = 0
    for where, record, at, error in in_time_order(records, reorder):
        summary.records += 1
        if error is not None:
            summary.refused += 1
            yield {"where": where, "error": error}
            continue
        assert at is not None
        try:
            read = read_log_record(record, where, at)
        except InputError as exc:
            summary.refused += 1
            yield {"where": where, "error": str(exc)}
            continue
        judged: list[_Judged] = []
        errors: list[str] = []
        for side, session in zip(sides, sessions, strict=False):
            try:
                judged.append(_judge(side, session, read, at))
            except InputError as exc:
                errors.append(f"{where}: {exc} (under {side.named()})")
        if errors:
            summary.refused += 1
            if len(errors) == 2 and _bare(errors[0]) == _bare(errors[1]):
                message = _bare(errors[0])  # both sides refuse it alike
            else:
                message = "; ".join(errors)
            yield {"where": where, "error": message}
            continue
        if read.entry is not None:
            for side, session in zip(sides, sessions, strict=False):
                entry = read.entry
                if side.client is not None or side.region is not None:
                    entry = _forced(entry, side)
                session._record_own(entry, where)
        summary.compared += 1
        change = _compare(judged[0], judged[1], summary)
        if change is not None:
            o, n = judged
            shift = (None if o.when is None or n.when is None or not (o.attempt or n.attempt)
                     else int((n.when - o.when).total_seconds()))
            yield {"where": where, "at": record.get("at"), "contact": record.get("contact"),
                   "client": record.get("client"), "change": change,
                   "old": _side(o), "new": _side(n), "shift_seconds": shift}
        since_compaction += 1
        if since_compaction >= _COMPACT_EVERY:
            for session in sessions:
                session.forget(at - reach)
            since_compaction = 0


def _bare(message: str) -> str:
    return message.rsplit(" (under ", 1)[0]


def _forced(data: dict[str, Any], side: Side) -> dict[str, Any]:
    data = dict(data)
    if side.client is not None:
        data["client"] = side.client
    if side.region is not None:
        data["region"] = side.region
    return data


def _judge(side: Side, session: Any, read: Any, at: datetime) -> _Judged:
    denied: list[str] = []
    reasons: list[dict[str, Any]] = []
    when: datetime | None = at
    moved = False
    attempt = read.attempt is not None and not read.inbound
    if attempt:
        subject = _forced(read.attempt, side) if side.client is not None or side.region is not None else read.attempt
        decision = session._judge(subject)
        if not decision.allowed:
            decision = session.check(subject)  # only a denied attempt pays for the search of its next time
            when, moved = decision.next_allowed_at, True
            for reason in decision.reasons:
                if reason.severity != "deny":
                    continue
                item = {"kind": "attempt", **reason.to_dict()}
                if "counted" in item["evidence"]:  # history positions, as places in the log
                    base = session._history.base
                    item["evidence"]["counted"] = [session.wheres[i - base] for i in item["evidence"]["counted"]]
                reasons.append(item)
                denied.append(reason.rule)
    if read.text:
        context = _forced(read.context, side) if side.client is not None or side.region is not None else read.context
        note = side.policy.check_note(read.text, context)
        for reason in note.reasons:
            if reason.severity == "deny":
                reasons.append({"kind": "text", **reason.to_dict()})
                denied.append(reason.rule)
    return _Judged(denied, reasons, attempt, moved, when)


def _compare(old: _Judged, new: _Judged, summary: DiffSummary) -> str | None:
    if old.denied == new.denied and old.when == new.when:
        return None
    if sorted(old.denied) == sorted(new.denied) and old.when == new.when:
        return None  # the same rules, reported in another order
    if not old.denied and new.denied:
        change = "newly_denied"
    elif old.denied and not new.denied:
        change = "newly_allowed"
    else:
        change = "still_denied"
    summary.changes[change] += 1
    for rule in new.denied:
        if rule not in old.denied:
            summary._rule(rule, "newly_denied")
    for rule in old.denied:
        if rule not in new.denied:
            summary._rule(rule, "newly_allowed")
    if old.attempt or new.attempt:
        if old.when is not None and new.when is None:
            summary.now_impossible += 1
        elif old.when is None and new.when is not None:
            summary.now_possible += 1
        elif old.when is not None and new.when is not None and old.when != new.when:
            summary.shifts[int((new.when - old.when).total_seconds())] += 1
    return change


def _side(judged: _Judged) -> dict[str, Any]:
    when = judged.when.isoformat() if judged.moved and judged.when is not None else None
    return {"allowed": not judged.denied, "rules": judged.denied,
            "next_allowed_at": when, "reasons": judged.reasons}


def span(seconds: int) -> str:
    """A shift as people read it: +10h55m, -20m, +2d3h."""
    sign = "-" if seconds < 0 else "+"
    left = abs(seconds)
    days, left = divmod(left, 86_400)
    hours, left = divmod(left, 3_600)
    minutes, secs = divmod(left, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else "",
             f"{secs}s" if secs else ""]
    return sign + ("".join(parts) or "0s")

