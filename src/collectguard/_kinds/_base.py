"""What every rule kind provides, and what the engine hands it.

A rule kind is one module with one ``KIND = Kind(...)`` and one line in the registry
(``_kinds/__init__.py``): its name (what users write as ``kind:``), what it judges (an
attempt or a text), a pydantic model of its parameters that forbids unknown keys, and a
``compile`` that turns validated parameters into a check. Everything else the engine,
the validator and lint need of a kind goes through this interface, never by its name:

- the facts its parameters read (``Kind.facts``; by default any field named ``facts``
  and the fields a params model lists in ``fact_fields``), checked against the pack's
  declarations at load;
- its own lint checks (``Kind.lint``), the lexicons it names (``Kind.lexicons``) and
  the literal terms a phonetic layer reads back to (``Kind.terms``);
- per compiled attempt check, a :class:`Needs`: the hints that skip it where it can
  never fire, how far back it reads history and the fields it counts history by.

The engine, not the kind, stamps rule id, severity, message, citation and policy
identity on what the check finds. A compiled check holds no state that changes after
compiling: what it works out for one check lives in that check's ``memo``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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


@dataclass(frozen=True, slots=True)
class Needs:
    """What a compiled attempt check asks of the engine, read once when the policy compiles.

    ``needs_facts``: true when it never fires on an attempt without facts (most attempts
    carry none: the check is then not called). ``fires_on``: the channels it can fire on
    (None: any). ``reach``: how far before the attempt a history entry it reads can lie
    (zero: it reads no history). ``same``: the attempt fields it counts history by (a
    log split by a field every counting rule shares audits alike part by part).
    ``timeless``: its answer for an attempt is the same at every instant (it reads neither
    the time nor history): the search for the next allowed time does not ask it again.
    """

    needs_facts: bool = False
    fires_on: frozenset[str] | None = None
    reach: timedelta = timedelta(0)
    same: tuple[str, ...] | None = None
    timeless: bool = False


NEEDS_NOTHING = Needs()


class CountGroup:
    """The history entries counted by one key and filter, shared within a check by the
    rules of one compiled policy that count the same (a daily and an hourly cap on one
    filter): the memo key of their counted entries, read ``lookback`` far back (as far as
    the furthest-reaching of them needs). Made by :meth:`CompileEnv.count_group`; its
    lookback is settled when the policy has compiled and never changes afterwards."""

    __slots__ = ("key", "lookback")

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.lookback = timedelta(0)

    def __repr__(self) -> str:
        return f"CountGroup(key={self.key!r}, lookback={self.lookback!r})"


class AttemptCheck(Protocol):
    """A compiled attempt rule. ``needs``: see :class:`Needs`."""

    needs: Needs

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        """Judge the attempt as if made at instant ``at`` (aware, UTC). None: allowed."""

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        """The values this rule compared, for ``--explain``."""

    # Optional: ``next_open(ctx, at)``, the earliest instant at or after ``at`` at which this
    # rule alone allows the attempt (``at`` itself when it allows it there), or None when no
    # wait helps. The search for the next allowed time asks it instead of ``check``, so a
    # kind that can answer without building a Finding makes the search cheaper; without it
    # the engine asks ``check`` and the finding's ``retry_at`` (see :func:`next_open_of`).


def next_open_of(check: Any) -> Callable[[Any, datetime], datetime | None]:
    """A compiled attempt check's ``next_open``, or one made from its ``check``."""
    found = getattr(check, "next_open", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    judge = check.check

    def next_open(ctx: Any, at: datetime) -> datetime | None:
        finding = judge(ctx, at)
        if finding is None:
            return at
        retry = finding.retry_at
        return retry if retry is not None and retry > at else None  # not later: no wait helps

    return next_open


class TextCheck(Protocol):
    def check(self, note: Any) -> Finding | None:
        """Judge a note (``note.text``, ``note.normalized``, ``note.context``). None: clean."""

    def explain(self, note: Any) -> dict[str, Any]:
        """Matched terms and the exceptions that cleared them, for ``--explain``."""


def _no_lint(rule: Any, where: tuple[Any, ...], doc: Any) -> list[Any]:
    return []


def _no_names(params: Any) -> Iterable[str]:
    return ()


def _no_terms(params: Any, lexicons: Mapping[str, tuple[str, ...]]) -> Iterable[str]:
    return ()


@dataclass(frozen=True)
class Kind:
    """A rule kind, as the registry lists it.

    ``compile(params, env)``: the check (an :class:`AttemptCheck` with ``needs``, or a
    :class:`TextCheck`); a ``ValueError`` it raises is placed in the file (its ``path``,
    inside params, when it has one).
    ``facts(params, path)``: the facts the parameters read, as (path, name, test), for a
    validated params model or an overlay's params patch (plain data); None: any field
    named ``facts`` holding tests, and the fields the params model lists in
    ``fact_fields`` (see :meth:`fact_reads`).
    ``lint(rule, where, doc)``: the kind's own warnings and errors (``PolicyError``) for a
    validated rule written at ``where`` in ``doc``.
    ``lexicons(params)``: the names of the lexicons the parameters use.
    ``terms(params, lexicons)``: the literal Chinese terms it matches (a phonetic layer
    reads pinyin back to them).
    """

    name: str
    subject: Subject
    params: type[Params]
    compile: Callable[[Any, CompileEnv], Any]
    summary: str
    facts: Callable[[Any, tuple[Any, ...]], Iterable[tuple[tuple[Any, ...], str, Any]]] | None = None
    lint: Callable[[Any, tuple[Any, ...], Any], list[Any]] = _no_lint
    lexicons: Callable[[Any], Iterable[str]] = _no_names
    terms: Callable[[Any, Mapping[str, tuple[str, ...]]], Iterable[str]] = _no_terms

    def fact_reads(self, params: Any, path: tuple[Any, ...] = ("params",)
                   ) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
        """(path, fact name, test) for every fact ``params`` (a model, or a patch's data) reads."""
        if self.facts is not None:
            yield from self.facts(params, path)
            return
        from .._facts import fact_refs, named_fact_refs

        yield from fact_refs(params, path)
        if isinstance(params, Mapping):  # a patch: plain data; the model says which fields name facts
            yield from named_fact_refs(self.params, params, path)


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
    # The compiled policy's count groups by key (see count_group); one dict per policy.
    groups: dict[tuple[Any, ...], CountGroup] = field(default_factory=dict)

    def count_group(self, key: tuple[Any, ...], lookback: timedelta) -> CountGroup:
        """The policy's group for rules counting history by ``key``, reading at least
        ``lookback`` far back (reading further back is only slower, never a different count)."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = CountGroup(key)
        if lookback > group.lookback:
            group.lookback = lookback
        return group
