"""What every rule kind provides, and what the engine hands it.

A rule kind is one module with one ``KIND = Kind(...)``: its name (what users
write as ``kind:``), what it judges (an attempt or a text), a pydantic model of its
parameters that forbids unknown keys, and a ``compile`` that turns validated
parameters into a check. The engine, not the kind, stamps rule id, severity,
message, citation and policy identity on what the check finds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

Subject = Literal["attempt", "text"]


class Params(BaseModel):
    """Base of every kind's parameter model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Finding:
    """What a check found against the attempt or text.

    ``evidence``: a mapping, or a function returning one. The search for the next allowed
    time asks each rule again at later instants and needs only ``retry_at``; a function
    is called only when a decision reports the finding, so that search builds no
    evidence it would throw away.

    ``retry_at`` (attempt rules): the earliest instant at or after which this rule
    alone could allow the same attempt with the same history, or ``None`` when no
    wait helps; also a function returning one, called only when the search for the
    next allowed time asks (an audit never does). Text rules leave it ``None``.
    """

    __slots__ = ("_evidence", "_retry_at")

    def __init__(self, evidence: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
                 retry_at: datetime | None | Callable[[], datetime | None] = None) -> None:
        self._evidence = evidence
        self._retry_at = retry_at

    @property
    def evidence(self) -> Mapping[str, Any]:
        if callable(self._evidence):
            self._evidence = self._evidence()
        return self._evidence

    @property
    def retry_at(self) -> datetime | None:
        if callable(self._retry_at):
            self._retry_at = self._retry_at()
        return self._retry_at

    def __repr__(self) -> str:
        return f"Finding(evidence={self.evidence!r}, retry_at={self.retry_at!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Finding) and self.evidence == other.evidence
                and self.retry_at == other.retry_at)

    __hash__ = None  # type: ignore[assignment]


class AttemptCheck(Protocol):
    """Optional hints, read once at load to skip a check where it can never fire:
    ``needs_facts`` (true: never fires on an attempt without facts) and ``fires_on``
    (the channels it can fire on; absent or None: any)."""

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        """Judge the attempt as if made at instant ``at`` (aware, UTC). None: allowed."""

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        """The values this rule compared, for ``--explain``."""


class TextCheck(Protocol):
    def check(self, note: Any) -> Finding | None:
        """Judge a note (``note.text``, ``note.normalized``, ``note.context``). None: clean."""

    def explain(self, note: Any) -> dict[str, Any]:
        """Matched terms and the exceptions that cleared them, for ``--explain``."""


@dataclass(frozen=True)
class Kind:
    name: str
    subject: Subject
    params: type[Params]
    compile: Callable[[Any, "CompileEnv"], Any]
    summary: str


@dataclass(frozen=True)
class CompileEnv:
    """What a kind may know of the policy while compiling a rule."""

    rule_id: str
    default_timezone: str
    # The folder of the policy file (files a rule names are read from there), and what the
    # rules of one policy read once and share while it compiles (a model file).
    source_dir: Path | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    # The policy's named term lists (``lexicons:``), for kinds that read terms.
    lexicons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The policy's declared facts (a FactReader), for kinds that read facts of history entries.
    facts: Any = None
