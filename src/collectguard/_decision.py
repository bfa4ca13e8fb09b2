"""What a check answers: plain, deterministic, immutable records that serialise to JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Which policy decided: its id, version, content digest and the client overlay used."""

    id: str
    version: str
    digest: str
    client: str | None = None
    # A layered pack: (id, version, digest) of each file, base first; empty for one file.
    layers: tuple[tuple[str, str, str], ...] = ()
    region: str | None = None  # the recipient's region whose overlay applied

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "version": self.version, "digest": self.digest, "client": self.client}
        if self.region is not None:
            out["region"] = self.region
        if self.layers:
            out["layers"] = [{"id": i, "version": v, "digest": d} for i, v, d in self.layers]
        return out


class Reason:
    """One rule that fired: what it says, the article it enforces and what it saw.

    ``evidence`` is built when first read (a dialer that only asks allowed-or-not does
    not pay for it); ``source``: a mapping, or an object whose ``evidence`` is one.
    """

    __slots__ = ("rule", "severity", "message", "citation", "_evidence")
    # Declared for type checkers; set once in __init__ (a Reason is immutable).
    rule: str
    severity: str
    message: str
    citation: str | None
    _evidence: Any

    def __init__(self, rule: str, severity: str, message: str, citation: str | None, evidence: Any) -> None:
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "citation", citation)
        object.__setattr__(self, "_evidence", evidence)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Reason is immutable: cannot set {name}")

    @property
    def evidence(self) -> Mapping[str, Any]:
        found = self._evidence
        if not isinstance(found, Mapping):
            found = found.evidence
            object.__setattr__(self, "_evidence", found)
        return cast("Mapping[str, Any]", found)  # the source's evidence is a mapping

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reason):
            return NotImplemented
        return (self.rule, self.severity, self.message, self.citation, self.evidence) == (
            other.rule, other.severity, other.message, other.citation, other.evidence)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Reason(rule={self.rule!r}, severity={self.severity!r}, evidence={self.evidence!r})"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "citation": self.citation, "evidence": _plain(self.evidence)}


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """For ``--explain``: whether a rule applied, why not, and the values it compared."""

    rule: str
    kind: str
    applied: bool
    why: str
    fired: bool
    values: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "kind": self.kind, "applied": self.applied, "why": self.why,
                "fired": self.fired, "values": _plain(self.values)}


@dataclass(frozen=True, slots=True)
class ZonesJudged:
    """The zones an attempt that sent no timezone was judged in: the pack's candidates
    (``source``: ``zones.candidates`` or ``zones.by_region.<region>``)."""

    judged_in: tuple[str, ...]
    source: str


class Decision:
    """Allowed or not, every reason (deny first, then policy order), and when to retry.

    ``next_allowed_at`` (attempts only): the earliest instant at or after the attempt's
    time at which the same attempt with the same history would be allowed, in the
    recipient's zone; ``None`` when allowed, or when no wait helps. A denied decision
    works it out when it is first read (a dialer that only asks allowed-or-not never pays
    for the search), from the history as it was when the check ran.
    """

    __slots__ = ("allowed", "reasons", "policy", "explanation", "_next", "_search", "_zones")
    # Declared for type checkers; set once in __init__ (a Decision is immutable).
    allowed: bool
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    explanation: tuple[RuleTrace, ...] | None
    _next: datetime | None
    _search: Callable[[], datetime | None] | None
    _zones: ZonesJudged | None

    def __init__(self, allowed: bool, reasons: tuple[Reason, ...], policy: PolicyRef,
                 next_allowed_at: datetime | None = None, explanation: tuple[RuleTrace, ...] | None = None,
                 search: Callable[[], datetime | None] | None = None, zones: ZonesJudged | None = None) -> None:
        object.__setattr__(self, "allowed", allowed)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "policy", policy)
        object.__setattr__(self, "explanation", explanation)
        object.__setattr__(self, "_next", next_allowed_at)
        object.__setattr__(self, "_search", search)
        object.__setattr__(self, "_zones", zones)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Decision is immutable: cannot set {name}")

    @property
    def next_allowed_at(self) -> datetime | None:
        search = self._search
        if search is not None:
            object.__setattr__(self, "_next", search())
            object.__setattr__(self, "_search", None)
        return self._next

    @property
    def zones(self) -> dict[str, Any] | None:
        """For an attempt judged in the pack's candidate zones (it sent no timezone): the
        zones (``judged_in``), where they came from (``from``) and those in which a denying
        rule fired (``denied_in``: a time rule names its zones; any other rule denies in
        all of them). None when the attempt sent its own zone or the pack has no zones:."""
        zones = self._zones
        if zones is None:
            return None
        denied: list[str] = []
        for reason in self.reasons:
            if reason.severity != "deny":
                continue
            named = reason.evidence.get("denied_in")
            for name in (named if named is not None else zones.judged_in):
                if name not in denied:
                    denied.append(name)
        return {"judged_in": list(zones.judged_in), "from": zones.source,
                "denied_in": [name for name in zones.judged_in if name in denied]}

    @property
    def denied_by(self) -> list[str]:
        return [r.rule for r in self.reasons if r.severity == "deny"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return (self.allowed, self.reasons, self.policy, self.next_allowed_at, self.explanation, self._zones) == (
            other.allowed, other.reasons, other.policy, other.next_allowed_at, other.explanation, other._zones)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Decision(allowed={self.allowed!r}, reasons={self.reasons!r}, policy={self.policy!r}, "
                f"next_allowed_at={self.next_allowed_at!r})")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "allowed": self.allowed,
            "reasons": [r.to_dict() for r in self.reasons],
            "next_allowed_at": self.next_allowed_at.isoformat() if self.next_allowed_at else None,
            "policy": self.policy.to_dict(),
        }
        zones = self.zones
        if zones is not None:
            out["zones"] = zones
        if self.explanation is not None:
            out["explanation"] = [t.to_dict() for t in self.explanation]
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
