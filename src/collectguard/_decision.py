"""What a check answers: plain, deterministic, immutable records that serialise to JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Which policy decided: its id, version, content digest and the client overlay used."""

    id: str
    version: str
    digest: str
    client: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "digest": self.digest, "client": self.client}


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that fired: what it says, the article it enforces and what it saw."""

    rule: str
    severity: str
    message: str
    citation: str | None
    evidence: Mapping[str, Any]

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
class Decision:
    """Allowed or not, every reason (deny first, then policy order), and when to retry.

    ``next_allowed_at`` (attempts only): the earliest instant at or after the attempt's
    time at which the same attempt with the same history would be allowed, in the
    recipient's zone; ``None`` when allowed, or when no wait helps.
    """

    allowed: bool
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    next_allowed_at: datetime | None = None
    explanation: tuple[RuleTrace, ...] | None = None

    @property
    def denied_by(self) -> list[str]:
        return [r.rule for r in self.reasons if r.severity == "deny"]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "allowed": self.allowed,
            "reasons": [r.to_dict() for r in self.reasons],
            "next_allowed_at": self.next_allowed_at.isoformat() if self.next_allowed_at else None,
            "policy": self.policy.to_dict(),
        }
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
