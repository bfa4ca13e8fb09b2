"""The compile stage: a validated policy (layers and overlays merged) becomes a frozen
:class:`CompiledPolicy` that evaluation only reads.

Load → validate (``_spec``, ``_layers``) → compile (here) happens once. For each (client,
region) an overlay names, the overlays that apply, in file order, give one
:class:`RuleSet`: its rules compiled by their kinds (through ``_kinds._base.Kind``; this
module names no kind), each attempt rule's :class:`~._kinds._base.Needs` read once to
route it per (channel, party, facts sent or not). What rules of one policy share while it
compiles (a model file, the groups of caps that count the same history) belongs to that
policy alone: compiling another policy changes nothing in this one, and nothing here
changes once compiled, so one compiled policy serves every thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ._clock import day_start, zone
from ._conditions import Condition
from ._decision import Decision, PolicyRef
from ._errors import PolicyError
from ._facts import FactReader
from ._kinds import BY_NAME
from ._kinds._base import CompileEnv, CountGroup, Needs, next_open_of
from ._normalize import Layers, fold
from ._phonetic import Phonetic
from ._spec import Effective, PolicySpec, RuleBase, patched_rule, rule_error
from ._turns import Turns
from ._vocab import CHANNELS, PARTIES
from ._yaml import Document

_NO_NEEDS = Needs()


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    kind: str
    subject: str
    severity: str
    message: str
    citation: str | None
    when: Condition | None
    unless: Condition | None
    effective: Effective | None
    check: Any
    when_test: Any = None
    unless_test: Any = None
    next_open: Any = None  # the search for the next allowed time asks this (next_open_of)

    @property
    def needs(self) -> Needs:
        """What the check asks of the engine (text checks: nothing)."""
        return getattr(self.check, "needs", _NO_NEEDS)

    def why_not(self, subject: Any, day: Any) -> str | None:
        """None when the rule applies; otherwise why it does not."""
        if self.effective is not None and day is not None and not self.effective.holds(day):
            return f"not in force on {day} (effective {span(self.effective)})"
        if self.when is not None and not self.when.matches(subject):
            return f"when ({self.when.describe()}) does not match: {self.when.mismatch(subject)}"
        if self.unless is not None and self.unless.matches(subject):
            return f"unless ({self.unless.describe()}) matches"
        return None

    def applies(self, subject: Any, day: Any) -> bool:
        if self.effective is not None and day is not None and not self.effective.holds(day):
            return False
        if self.when_test is not None and not self.when_test(subject):
            return False
        return self.unless_test is None or not self.unless_test(subject)

    def routed(self, channel: str, party: str) -> tuple[bool, Callable[[Any], bool] | None]:
        """Whether the rule can apply to an attempt by ``channel`` to ``party`` (no effective
        dates), and the test left to run per attempt (None: none left)."""
        when = _without_route(self.when, channel, party)
        unless = _without_route(self.unless, channel, party)
        if when is False:
            return False, None
        if unless is True:
            return False, None
        when_test = when.matcher() if isinstance(when, Condition) else None
        unless_test = unless.matcher() if isinstance(unless, Condition) else None
        if unless_test is None:
            return True, when_test
        if when_test is None:
            return True, lambda subject: not unless_test(subject)
        return True, lambda subject: when_test(subject) and not unless_test(subject)


def _without_route(condition: Condition | None, channel: str, party: str) -> Condition | bool | None:
    """A condition with its channel and party tests settled: False when they fail, True
    when they pass and nothing is left to test, else what is left; None: no condition."""
    if condition is None:
        return None
    if condition.channels is not None and channel not in condition.channels:
        return False
    if condition.parties is not None and party not in condition.parties:
        return False
    rest = condition.model_copy(update={"channels": None, "parties": None})
    if rest.relations is None and rest.clients is None and not rest.facts:
        return True
    return rest


def _route(rules: list[CompiledRule], channel: str, party: str,
           facts: bool) -> tuple[tuple[CompiledRule, Any, Any], ...]:
    routed = []
    for rule in rules:
        needs = rule.needs
        if (needs.needs_facts and not facts) or (needs.fires_on is not None and channel not in needs.fires_on):
            continue
        can, test = rule.routed(channel, party)
        if can:
            routed.append((rule, test, rule.check.check))
    return tuple(routed)


def span(effective: Effective) -> str:
    return f"{effective.from_ or '…'} to {effective.until or '…'}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    ref: PolicyRef
    attempt: tuple[CompiledRule, ...]
    text: tuple[CompiledRule, ...]
    disabled: tuple[tuple[str, str], ...]  # (rule id, kind) switched off here
    dated: bool  # any rule with effective dates: the policy-zone date is needed
    # Per (channel, party, whether the attempt has facts): the attempt rules that can apply
    # (a check whose Needs say it never fires without facts, or not on the channel, left
    # out), each as (rule, the test left once channel and party are known, its bound
    # check), for the pre-call hot loop.
    routes: dict[tuple[str, str, bool], tuple[tuple[CompiledRule, Any, Any], ...]] = field(default_factory=dict)
    # The answer when nothing fires: immutable, so one object serves every such check.
    clear: Decision | None = None


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """Everything evaluation reads of one policy; built by :func:`compile_policy`."""

    spec: PolicySpec
    id: str
    version: str
    title: str | None
    timezone: str
    digest: str
    path: str | None
    doc_data: Any  # the pack as written (layers merged), for collectguard show
    layers: tuple[Any, ...]  # LayerRef per file, base first; empty for a single file
    zone: Any  # the policy's zone
    # The zones an attempt without timezone is judged in: the policy's zone; or, with
    # zones:, None (the reader leaves the attempt's zones unset) and the pack's candidates
    # by region, or a refusal (require_zone), looked up per attempt.
    zones: tuple[Any, ...] | None
    require_zone: bool
    candidates: tuple[Any, ...] | None
    by_region: Mapping[str, tuple[Any, ...]]
    effective: Effective | None
    in_force_from: datetime | None  # the effective dates as instants: a check compares
    in_force_until: datetime | None
    facts: FactReader  # inputs' facts are read against the declarations: typed, never coerced
    unlisted_base: bool
    max_note: int
    max_history: int
    turns: Turns | None  # speaker labels: in a transcript the text rules see only the agent's turns
    text_layers: Any
    phonetic: Phonetic | None
    require_region: bool
    client_names: frozenset[str]
    region_names: frozenset[str]
    sets: Mapping[tuple[str | None, str | None], RuleSet]
    base: RuleSet
    max_reach: timedelta  # how far back any rule of any rule set reads history
    count_fields: tuple[frozenset[str], ...]  # per counting rule, the fields it counts by


def compile_policy(spec: PolicySpec, doc: Document, digest: str,
                   origins: dict[tuple[Any, ...], tuple[Document, tuple[Any, ...]]] | None = None,
                   layers: tuple[Any, ...] = ()) -> CompiledPolicy:
    """Compile a validated spec; a kind's compile error is a PolicyError placed in the file.

    ``origins``: for a layered pack, the file and place each rule and overlay was written
    (a compile error is reported there, a model file is read beside it)."""
    return _Compiler(spec, doc, digest, origins or {}, layers).run()


class _Compiler:
    """The state of one policy's compile; dropped when it is done."""

    def __init__(self, spec: PolicySpec, doc: Document, digest: str,
                 origins: dict[tuple[Any, ...], tuple[Document, tuple[Any, ...]]], layers: tuple[Any, ...]) -> None:
        self.spec, self.doc, self.digest, self.origins, self.layers = spec, doc, digest, origins, layers
        # A rule an overlay leaves alone is the same object in every rule set: compiled
        # once (the text rules' patterns are most of the load time).
        self.compiled: dict[int, tuple[RuleBase, CompiledRule]] = {}
        self.shared: dict[str, Any] = {}  # what rules read once while compiling (a model file)
        self.groups: dict[tuple[Any, ...], CountGroup] = {}  # this policy's count groups
        self.lexicons = {name: tuple(terms) for name, terms in spec.lexicons.items()}
        self.facts = FactReader(spec.facts, ignore_undeclared=spec.undeclared_facts == "ignore")

    def run(self) -> CompiledPolicy:
        spec = self.spec
        clients = frozenset(o.client for o in spec.overlays if o.client is not None)
        regions = frozenset(r for o in spec.overlays for r in (o.regions or ()))
        by_overlays: dict[tuple[int, ...], RuleSet] = {}
        sets: dict[tuple[str | None, str | None], RuleSet] = {}
        for client in (None, *sorted(clients)):
            for region in (None, *sorted(regions)):
                chosen = tuple(j for j, o in enumerate(spec.overlays)
                               if (o.client is None or o.client == client)
                               and (o.regions is None or region in o.regions))
                if chosen not in by_overlays:
                    by_overlays[chosen] = self.rule_set(chosen, client, region)
                sets[client, region] = by_overlays[chosen]
        attempt_rules = [r for rs in sets.values() for r in rs.attempt]
        turns = spec.text.turns if spec.text is not None else None
        text_layers, phonetic = _text_layers(spec, self.lexicons)
        policy_zone = zone(spec.timezone)
        in_force_from, in_force_until = _instants(spec.effective, policy_zone)
        return CompiledPolicy(
            spec=spec, id=spec.id, version=spec.version, title=spec.title, timezone=spec.timezone,
            digest=self.digest, path=self.doc.path, doc_data=self.doc.data, layers=self.layers,
            zone=policy_zone, zones=(policy_zone,) if spec.zones is None else None,
            require_zone=spec.zones is not None and spec.zones.require,
            candidates=(tuple(zone(name) for name in spec.zones.candidates)
                        if spec.zones is not None and spec.zones.candidates is not None else None),
            by_region=({region: tuple(zone(name) for name in names) for region, names in spec.zones.by_region.items()}
                       if spec.zones is not None else {}),
            effective=spec.effective,
            in_force_from=in_force_from, in_force_until=in_force_until,
            facts=self.facts, unlisted_base=spec.unlisted_clients == "base",
            max_note=spec.limits.note_chars, max_history=spec.limits.history_entries,
            turns=Turns(turns.others, turns.agent, turns.says) if turns is not None else None,
            text_layers=text_layers, phonetic=phonetic,
            require_region=spec.require_region, client_names=clients, region_names=regions,
            sets=sets, base=sets[None, None],
            max_reach=max((r.needs.reach for r in attempt_rules), default=timedelta(0)),
            count_fields=tuple(frozenset(r.needs.same) for r in attempt_rules if r.needs.same is not None),
        )

    def rule_set(self, overlays: tuple[int, ...], client: str | None, region: str | None) -> RuleSet:
        spec, doc = self.spec, self.doc
        placed: list[tuple[RuleBase, tuple[Any, ...]]] = []
        for i, rule in enumerate(spec.rules):
            where: tuple[Any, ...] = ("rules", i)
            changing = [j for j in overlays if rule.id in spec.overlays[j].rules]
            if changing:
                rule = patched_rule(doc, spec, changing, rule.id)
                where = ("overlays", changing[-1], "rules", rule.id)
            placed.append((rule, where))
        for j in overlays:
            for k, rule in enumerate(spec.overlays[j].add):
                placed.append((rule, ("overlays", j, "add", k)))
        if not overlays:
            client = region = None
        attempt: list[CompiledRule] = []
        text: list[CompiledRule] = []
        disabled: list[tuple[str, str]] = []
        for rule, where in placed:
            if not rule.enabled:
                disabled.append((rule.id, rule.kind))
                continue
            known = self.compiled.get(id(rule))
            if known is not None and known[0] is rule:
                compiled = known[1]
            else:  # (the rule is kept with it: an id is unique only while its object lives)
                compiled = self.rule(rule, where)
                self.compiled[id(rule)] = (rule, compiled)
            (attempt if compiled.subject == "attempt" else text).append(compiled)
        rules = attempt + text
        ref = PolicyRef(spec.id, spec.version, self.digest,
                        client if any(spec.overlays[j].client for j in overlays) else None,
                        tuple((la.id, la.version, la.digest) for la in self.layers) if len(self.layers) > 1 else (),
                        region if any(spec.overlays[j].regions for j in overlays) else None)
        return RuleSet(
            ref=ref, clear=Decision(allowed=True, reasons=(), policy=ref),
            attempt=tuple(attempt), text=tuple(text), disabled=tuple(disabled),
            dated=any(r.effective is not None for r in rules),
            routes={(channel, party, facts): _route(attempt, channel, party, facts)
                    for channel in CHANNELS for party in PARTIES for facts in (True, False)},
        )

    def env(self, rule_id: str, doc: Document) -> CompileEnv:
        return CompileEnv(rule_id, self.spec.timezone, folder(doc), self.shared, self.lexicons, self.facts,
                          self.groups)

    def rule(self, rule: RuleBase, where: tuple[Any, ...]) -> CompiledRule:
        kind = BY_NAME[rule.kind]
        doc = self.doc
        origin = self.origins.get(where[:2])
        if origin is not None:  # a layered pack: the file the rule was written in
            doc, where = origin[0], origin[1] + where[2:]
        try:
            check = kind.compile(rule.params, self.env(rule.id, doc))
        except ValueError as exc:
            raise rule_error(doc, where, rule.id, exc) from None
        return CompiledRule(
            id=rule.id, kind=kind.name, subject=kind.subject, severity=rule.severity,
            message=rule.message or f"{rule.id}: {kind.summary}", citation=rule.citation,
            when=rule.when, unless=rule.unless, effective=rule.effective, check=check,
            next_open=next_open_of(check) if kind.subject == "attempt" else None,
            when_test=rule.when.matcher() if rule.when is not None else None,
            unless_test=rule.unless.matcher() if rule.unless is not None else None,
        )


def rule_problems(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """For lint: every rule as written, and as each overlay patches it alone, compiled as
    loading would; the errors its kind raises, placed by the same mapper (``rule_error``)."""
    out = []
    placed: list[tuple[Any, tuple[Any, ...]]] = [(r, ("rules", i)) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        for rule_id in overlay.rules:
            if any(r.id == rule_id for r in spec.rules):
                try:
                    placed.append((patched_rule(doc, spec, j, rule_id), ("overlays", j, "rules", rule_id)))
                except PolicyError as exc:
                    out.append(exc)
        placed += [(r, ("overlays", j, "add", k)) for k, r in enumerate(overlay.add)]
    compiler = _Compiler(spec, doc, "", {}, ())
    compiler.facts = FactReader(spec.facts)
    for rule, where in placed:
        try:
            BY_NAME[rule.kind].compile(rule.params, compiler.env(rule.id, doc))
        except ValueError as exc:
            out.append(rule_error(doc, where, rule.id, exc))
    return out


def folder(doc: Document) -> Path | None:
    return Path(doc.path).resolve().parent if doc.path and not doc.path.startswith("<") else None


def _text_layers(spec: PolicySpec, lexicons: Mapping[str, tuple[str, ...]]) -> tuple[Any, Phonetic | None]:
    """The word layers and the phonetic layer the policy's notes are read through."""
    settings = spec.text
    fold_layers = settings.fold if settings is not None else None
    layers = (Layers() if fold_layers is None else Layers(
        leet={} if fold_layers.leet is False else fold_layers.leet,
        spelled_out=fold_layers.spelled_out, repeats=fold_layers.repeats)).compiled()
    phonetic = settings.phonetic if settings is not None else None
    if phonetic is None:
        return layers, None
    rules = list(spec.rules) + [r for o in spec.overlays for r in o.add]
    pinyin = [fold(t) for t in phonetic.terms]
    if phonetic.pinyin:  # the literal terms the rules' kinds match, read back from pinyin
        for rule in rules:
            pinyin += BY_NAME[rule.kind].terms(rule.params, lexicons)
    layer = Phonetic(pinyin, [fold(t) for t in phonetic.homophones], [fold(t) for t in phonetic.initials],
                     [fold(t) for t in phonetic.not_homophones])
    return layers, layer if layer else None


def _instants(effective: Effective | None, tz: Any) -> tuple[datetime | None, datetime | None]:
    """[first instant, first instant after) of a span of local dates; None: unbounded."""
    if effective is None:
        return None, None
    # In UTC: an attempt's instant compares with them without consulting the policy's zone.
    first = day_start(effective.from_, tz).astimezone(timezone.utc) if effective.from_ is not None else None
    after = (day_start(effective.until + timedelta(days=1), tz).astimezone(timezone.utc)
             if effective.until is not None else None)
    return first, after
