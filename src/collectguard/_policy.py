"""Load a policy once, compile it, then check attempts and notes against it.

Load → validate → compile happens once; a :class:`Policy` is immutable afterwards (a
compiled rule set per client overlay), so one instance can serve every thread of a
dialer. A check reads only the input fields and history entries its rules need.
"""

from __future__ import annotations

import hashlib
from difflib import get_close_matches
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._clock import day_start, zone
from ._conditions import Condition
from ._decision import Decision, PolicyRef, Reason, RuleTrace, ZonesJudged
from ._errors import InputError, PolicyError
from ._facts import FactReader
from ._history import History
from ._input import Subject, read_attempt, read_context, read_history
from ._kinds import BY_NAME
from ._layers import is_layer, read_stack
from ._normalize import Layers, fold, normalize
from ._phonetic import Phonetic, terms_of
from ._turns import Turns
from ._kinds._base import CompileEnv, Finding
from ._vocab import CHANNELS, PARTIES
from ._spec import Effective, PolicySpec, RuleBase, patched_rule, rule_error, validate
from ._yaml import Document, load

if TYPE_CHECKING:
    from ._session import Session

# The search for the next allowed time stops after this many hops between rules;
# a real policy settles in two or three (a cap's window, then the night's quiet hours).
_MAX_HOPS = 64


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

    def why_not(self, subject: Any, day: Any) -> str | None:
        """None when the rule applies; otherwise why it does not."""
        if self.effective is not None and day is not None and not self.effective.holds(day):
            return f"not in force on {day} (effective {_span(self.effective)})"
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
    routed = [(rule, *rule.routed(channel, party)) for rule in rules
              if (facts or not getattr(rule.check, "needs_facts", False))
              and _may_fire_on(rule.check, channel)]
    return tuple((rule, test, rule.check.check) for rule, can, test in routed if can)


def _may_fire_on(check: Any, channel: str) -> bool:
    fires_on = getattr(check, "fires_on", None)
    return fires_on is None or channel in fires_on


def _span(effective: Effective) -> str:
    return f"{effective.from_ or '…'} to {effective.until or '…'}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    ref: PolicyRef
    attempt: tuple[CompiledRule, ...]
    text: tuple[CompiledRule, ...]
    disabled: tuple[tuple[str, str], ...]  # (rule id, kind) switched off here
    dated: bool  # any rule with effective dates: the policy-zone date is needed
    # Per (channel, party, whether the attempt has facts): the attempt rules that can apply
    # (a check with ``needs_facts`` cannot fire on an attempt without them), each as
    # (rule, the test left once channel and party are known, its bound check), for the
    # pre-call hot loop.
    routes: dict[tuple[str, str, bool], tuple[tuple[CompiledRule, Any, Any], ...]] = field(default_factory=dict)
    # The answer when nothing fires: immutable, so one object serves every such check.
    clear: Decision | None = None


class _Context:
    __slots__ = ("subject", "history", "memo")

    def __init__(self, subject: Subject, history: History) -> None:
        self.subject = subject
        self.history = history
        # What a rule worked out for this attempt and may need again at later instants
        # of the search for the next allowed time (keyed by the rule's check).
        self.memo: dict[Any, Any] = {}


class _Note:
    __slots__ = ("text", "normalized", "context", "memo")

    def __init__(self, text: str, normalized: Any, context: Any) -> None:
        self.text = text
        self.normalized = normalized
        self.context = context
        self.memo: dict[str, Any] = {}  # what the rules read of this note once for all (the model's features)


class Policy:
    """A compiled, immutable policy. Build it with :func:`load_policy`."""

    def __init__(self, spec: PolicySpec, doc: Document, digest: str,
                 origins: dict[tuple[Any, ...], tuple[Document, tuple[Any, ...]]] | None = None,
                 layers: tuple[Any, ...] = ()) -> None:
        # origins: for a layered pack, the file and place each rule and overlay was written
        # (a compile error is reported there, a model file is read beside it).
        self._origins = origins or {}
        self.layers = layers  # LayerRef per file, base first; empty for a single file
        self.id = spec.id
        self.version = spec.version
        self.title = spec.title
        self.timezone = spec.timezone
        self.digest = digest
        self.path = doc.path
        self._doc_data = doc.data  # the pack as written (layers merged), for collectguard show
        self.spec = spec
        self._zone = zone(spec.timezone)
        # The zones an attempt without timezone is judged in: the policy's zone; or, with
        # zones:, None here (the reader leaves the attempt's zones unset) and the pack's
        # candidates by region, or a refusal, looked up per attempt (_candidate_zones).
        self._zones: tuple[Any, ...] | None = (self._zone,)
        self._require_zone = False
        self._candidates: tuple[Any, ...] | None = None
        self._by_region: dict[str, tuple[Any, ...]] = {}
        if spec.zones is not None:
            self._zones = None
            self._require_zone = spec.zones.require
            if spec.zones.candidates is not None:
                self._candidates = tuple(zone(name) for name in spec.zones.candidates)
            self._by_region = {region: tuple(zone(name) for name in names)
                               for region, names in spec.zones.by_region.items()}
        self._effective = spec.effective
        # The same dates as instants: a pre-call check compares, it does not convert.
        self._in_force_from, self._in_force_until = _instants(spec.effective, self._zone)
        self._bounded = spec.effective is not None
        # A rule an overlay leaves alone is the same object in every rule set: compiled
        # once (the text rules' patterns are most of the load time).
        self._compiled: dict[int, tuple[RuleBase, CompiledRule]] = {}
        self._shared: dict[str, Any] = {}  # what rules read once while compiling (a model file)
        self._lexicons = {name: tuple(terms) for name, terms in spec.lexicons.items()}
        # Inputs' facts are read against the declarations: typed, never coerced.
        self._facts = FactReader(spec.facts, ignore_undeclared=spec.undeclared_facts == "ignore")
        self._unlisted_base = spec.unlisted_clients == "base"
        self._max_note, self._max_history = spec.limits.note_chars, spec.limits.history_entries
        # Speaker labels: in a transcript the text rules see only the agent's turns.
        turns = spec.text.turns if spec.text is not None else None
        self._turns = Turns(turns.others, turns.agent, turns.says) if turns is not None else None
        self._layers, self._phonetic = _text_layers(spec)
        # The rule set for each (client, region) an overlay names: the overlays that apply,
        # in file order, compiled at load (a combination's mistake is a load error).
        self._require_region = spec.require_region
        self._client_names = frozenset(o.client for o in spec.overlays if o.client is not None)
        self._region_names = frozenset(r for o in spec.overlays for r in (o.regions or ()))
        by_overlays: dict[tuple[int, ...], RuleSet] = {}
        self._sets: dict[tuple[str | None, str | None], RuleSet] = {}
        for client in (None, *sorted(self._client_names)):
            for region in (None, *sorted(self._region_names)):
                chosen = tuple(j for j, o in enumerate(spec.overlays)
                               if (o.client is None or o.client == client) and (o.regions is None or region in o.regions))
                if chosen not in by_overlays:
                    by_overlays[chosen] = self._compile(doc, spec, chosen, client, region)
                self._sets[client, region] = by_overlays[chosen]
        self._base = self._sets[None, None]
        self._by_client = {c: self._sets[c, None] for c in self._client_names}

    # -- compiling --------------------------------------------------------------------

    def _compile(self, doc: Document, spec: PolicySpec, overlays: tuple[int, ...],
                 client: str | None = None, region: str | None = None) -> RuleSet:
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
        attempt, text, disabled = [], [], []
        for rule, where in placed:
            if not rule.enabled:
                disabled.append((rule.id, rule.kind))  # type: ignore[attr-defined]
                continue
            known = self._compiled.get(id(rule))
            if known is not None and known[0] is rule:
                compiled = known[1]
            else:  # (the rule is kept with it: an id is unique only while its object lives)
                compiled = self._compile_rule(rule, where, doc)
                self._compiled[id(rule)] = (rule, compiled)
            (attempt if compiled.subject == "attempt" else text).append(compiled)
        rules = attempt + text
        ref = PolicyRef(self.id, self.version, self.digest, client if any(spec.overlays[j].client for j in overlays) else None,
                        tuple((la.id, la.version, la.digest) for la in self.layers) if len(self.layers) > 1 else (),
                        region if any(spec.overlays[j].regions for j in overlays) else None)
        return RuleSet(
            ref=ref, clear=Decision(allowed=True, reasons=(), policy=ref),
            attempt=tuple(attempt), text=tuple(text), disabled=tuple(disabled),
            dated=any(r.effective is not None for r in rules),
            routes={(channel, party, facts): _route(attempt, channel, party, facts)
                    for channel in CHANNELS for party in PARTIES for facts in (True, False)},
        )

    def _compile_rule(self, rule: RuleBase, where: tuple[Any, ...], doc: Document) -> CompiledRule:
        kind = BY_NAME[rule.kind]  # type: ignore[attr-defined]
        origin = self._origins.get(where[:2])
        if origin is not None:  # a layered pack: the file the rule was written in
            doc, where = origin[0], origin[1] + where[2:]
        try:
            check = kind.compile(rule.params, CompileEnv(rule.id, self.timezone, _folder(doc),  # type: ignore[attr-defined]
                                                         self._shared, self._lexicons, self._facts))
        except ValueError as exc:
            raise rule_error(doc, where, rule.id, exc) from None
        return CompiledRule(
            id=rule.id, kind=kind.name, subject=kind.subject, severity=rule.severity,
            message=rule.message or f"{rule.id}: {kind.summary}", citation=rule.citation,
            when=rule.when, unless=rule.unless, effective=rule.effective, check=check,
            when_test=rule.when.matcher() if rule.when is not None else None,
            unless_test=rule.unless.matcher() if rule.unless is not None else None,
        )

    # -- what users ask ---------------------------------------------------------------

    @property
    def clients(self) -> list[str]:
        """The clients that have an overlay."""
        return sorted(self._client_names)

    def rule_ids(self, client: str | None = None) -> list[str]:
        rs = self._ruleset(client)
        return [r.id for r in rs.attempt + rs.text]

    def all_rule_ids(self) -> list[str]:
        """Every rule id of the policy, with those of every client's and region's overlays."""
        out: list[str] = []
        for rs in self._sets.values():
            out += [r.id for r in rs.attempt + rs.text if r.id not in out]
        return out

    def max_reach(self) -> timedelta:
        """How far back any cap of the policy (any client) counts history."""
        sets = list(self._sets.values())
        return max((getattr(r.check, "reach", timedelta(0)) for rs in sets for r in rs.attempt),
                   default=timedelta(0))

    def partition_key(self) -> str | None:
        """The field a log can be split by so that each part is audited alone with the same
        findings: a field every cap of every client counts by (a cap counting by several
        fields only counts entries that share all of them). None when the caps share none."""
        sets = list(self._sets.values())
        fields = [set(r.check.same) for rs in sets for r in rs.attempt if hasattr(r.check, "same")]
        common = set.intersection(*fields) if fields else {"contact"}
        return next((name for name in ("contact", "account", "party_id") if name in common), None)

    def zone_for(self, name: Any) -> Any:
        """The recipient's zone as an audit reads it: the first named, else the policy's."""
        if isinstance(name, list) and name:
            name = name[0]
        if isinstance(name, str):
            try:
                return zone(name)
            except ValueError:
                pass
        return self._zone

    def _ruleset(self, client: str | None, where: str = "client", region: str | None = None,
                 region_where: str = "region") -> RuleSet:
        """The rules for a client and the recipient's region: the overlays that name them."""
        if region is None:
            if self._require_region:
                raise InputError(f"{region_where}: missing; this pack has rules by the recipient's region "
                                 f"({', '.join(sorted(self._region_names))}): send the region, e.g. US-MA")
        elif region not in self._region_names:
            region = None  # a region no overlay names: the rules for everywhere
        if client is not None and client not in self._client_names:
            self._unlisted(client, where)
            client = None
        return self._sets[client, region]

    def _unlisted(self, client: str, where: str) -> None:
        """A client without an overlay: the base rules when the pack says so, else refused
        (a misspelt client must not lose its creditor's stricter rules)."""
        if self._unlisted_base:
            return
        known = sorted(self._client_names)
        close = get_close_matches(client, known, n=1, cutoff=0.6) or [k for k in known if k.lower() == client.lower()]
        hint = (f"did you mean '{close[0]}'?" if close else
                f"clients with an overlay: {', '.join(known)}" if known else "this pack has no client overlays")
        raise InputError(f"{where}: unknown client {client!r} ({hint}); a pack that gives unlisted clients "
                         "its base rules says unlisted_clients: base")

    def _candidate_zones(self, subject: Subject) -> ZonesJudged:
        """The zones an attempt that sent no timezone is judged in (zones: in the pack):
        its region's candidates, else the default candidates; refused when there are none."""
        if self._require_zone:
            raise InputError(f"attempt.timezone: missing; pack '{self.id}' requires the recipient's zone "
                             "(zones.require): send their IANA zone, e.g. \"America/Chicago\", or the list of "
                             "every zone they may be in")
        region = subject.region
        found = self._by_region.get(region) if region is not None else None
        if found is not None:
            source = f"zones.by_region.{region}"
        elif self._candidates is not None:
            found, source = self._candidates, "zones.candidates"
        else:
            listed = ", ".join(sorted(self._by_region))
            raise InputError(f"attempt.timezone: missing, and pack '{self.id}' has no candidate zones for "
                             + (f"region '{region}'" if region is not None else "an attempt without region")
                             + f" (zones.by_region lists {listed}): send the recipient's IANA zone"
                             + ("" if region is not None else ", or their region"))
        subject.zones = found
        return ZonesJudged(tuple(str(tz) for tz in found), source)

    def _day(self, at: datetime) -> Any:
        return at.astimezone(self._zone).date()

    def _in_force(self, at: datetime) -> None:
        first, after = self._in_force_from, self._in_force_until
        if (first is not None and at < first) or (after is not None and at >= after):
            raise InputError(f"policy '{self.id}' is in force {_span(self._effective)} "
                             f"({self.timezone}); {at.isoformat()} is outside it")

    def check_attempt(self, attempt: Any, history: Iterable[Any] | None = None, *,
                      explain: bool = False) -> Decision:
        """Decide one proposed contact given the contacts already made.

        ``attempt`` and each history entry: an :class:`Attempt`/:class:`HistoryEntry` or a
        dict with the same fields. Raises :class:`InputError` on anything that cannot be
        decided on (naive time, unknown zone or channel, a field a rule needs missing).
        """
        entries = read_history(history)
        if len(entries) > self._max_history:
            raise InputError(f"history: {len(entries):,} entries, over this pack's limit of {self._max_history:,} "
                             f"(limits.history_entries); send the entries within the caps' reach "
                             f"({self.max_reach().days + 1} days) or keep them in a session")
        return self._check_with(attempt, History(entries), explain, lazy=True)

    def session(self, history: Iterable[Any] | None = None) -> "Session":
        """A :class:`Session` that keeps ``history`` indexed for many checks and records."""
        from ._session import Session

        return Session(self, history)

    def _check_with(self, attempt: Any, history: History, explain: bool, search: bool = True,
                    lazy: bool = False) -> Decision:
        # lazy: next_allowed_at is searched for when first read (check_attempt: its history
        # is the caller's, read as it was); a session's history changes as it records, so
        # a session decides it at once.
        # search=False: an audit asks only what broke, never when it could have been placed.
        subject = read_attempt(attempt, self._zones)
        judged = None
        if subject.zones is None:  # no timezone sent, and the pack says what that means
            judged = self._candidate_zones(subject)
        subject.facts, subject.defaulted = self._facts.read(subject.facts, "attempt.facts")
        client = subject.client
        if client is None and subject.region is None and not self._require_region:
            rs = self._base
        else:
            rs = self._ruleset(client, "attempt.client", subject.region, "attempt.region")
        at = subject.at
        if self._bounded:
            self._in_force(at)
        ctx = _Context(subject, history)
        day = self._day(at) if rs.dated else None
        fired: list[tuple[CompiledRule, Finding]] = []
        route = None
        if day is None:
            route = rs.routes[(subject.channel, subject.party, bool(subject.facts))]
            for rule, gate, check in route:
                if gate is None or gate(subject):
                    finding = check(ctx, at)
                    if finding is not None:
                        fired.append((rule, finding))
        else:
            for rule in rs.attempt:
                if rule.applies(subject, day):
                    finding = rule.check.check(ctx, at)
                    if finding is not None:
                        fired.append((rule, finding))
        if not fired and not explain and judged is None and rs.clear is not None:
            return rs.clear
        denying = [f for r, f in fired if r.severity == "deny"]
        find = next_at = None
        if denying and search:
            # The deny rules that apply, asked again at later instants; None: decide per day.
            applying = None if route is None else [
                check for rule, gate, check in route if rule.severity == "deny" and (gate is None or gate(subject))]
            zone0 = subject.zones[0]

            def find() -> datetime | None:
                found = self._next_allowed(rs, ctx, denying, applying)
                return found.astimezone(zone0) if found is not None else None

            if not lazy:
                next_at = find()
                find = None
        reasons = _reasons(fired)
        if lazy:
            history.entries = list(history.entries)  # evidence and search read the history as it was given
        else:
            for reason in reasons:
                reason.evidence  # noqa: B018 - a session's history changes as it records: read it now
        return Decision(
            allowed=not denying,
            reasons=reasons,
            policy=rs.ref,
            next_allowed_at=next_at,
            explanation=self._explain_attempt(rs, ctx) if explain else None,
            search=find,
            zones=judged,
        )

    def _next_allowed(self, rs: RuleSet, ctx: _Context, denying: list[Finding],
                      applying: list[Any] | None) -> datetime | None:
        # Each rule gives the earliest instant it alone would allow, and no instant before
        # it is allowed; the answer is the first instant all rules allow. So hop to the
        # latest of the first round's, then at each hop to the first rule that still
        # denies (the rest need not be asked at an instant already ruled out), until none does.
        # ``applying``: the deny rules' checks, when which rules apply cannot change with
        # the day (no rule has effective dates); None: decide per day.
        retries = [f.retry_at for f in denying]
        subject = ctx.subject
        for _ in range(_MAX_HOPS):
            if any(r is None for r in retries):
                return None
            at: datetime = max(retries)  # type: ignore[type-var, assignment]
            if self._effective is not None and not self._effective.holds(self._day(at)):
                return None
            if applying is None:
                day = self._day(at) if rs.dated else None
                checks = [r.check.check for r in rs.attempt if r.severity == "deny" and r.applies(subject, day)]
            else:
                checks = applying
            retries = []
            for check in checks:
                finding = check(ctx, at)
                if finding is not None:
                    if finding.retry_at is not None and finding.retry_at <= at:
                        return None  # a rule that cannot say when: no wait is known to help
                    retries.append(finding.retry_at)
                    break
            if not retries:
                return at
        return None

    def _explain_attempt(self, rs: RuleSet, ctx: _Context) -> tuple[RuleTrace, ...]:
        subject, at = ctx.subject, ctx.subject.at
        day = self._day(at)
        traces = []
        for rule in rs.attempt:
            why = rule.why_not(subject, day)
            values = rule.check.explain(ctx, at)
            fired = why is None and rule.check.check(ctx, at) is not None
            traces.append(RuleTrace(rule.id, rule.kind, why is None, why or "applies", fired, values))
        for rule in rs.text:
            traces.append(RuleTrace(rule.id, rule.kind, False, "a text rule: it judges notes, not attempts",
                                    False, {}))
        for rule_id, kind in rs.disabled:
            traces.append(RuleTrace(rule_id, kind, False, _off(rs), False, {}))
        return tuple(traces)

    def _read(self, text: str) -> Any:
        """The note as text rules (and a learned scorer's training) read it."""
        normalized = normalize(text, self._layers)
        if self._phonetic is not None:
            normalized = self._phonetic.apply(normalized)  # fa院, 做牢, jc: read back as 法院, 坐牢, 警察
        if self._turns is not None:
            normalized = self._turns.mask(normalized)  # others' turns in a transcript: not matched
        return normalized

    def check_note(self, text: str, context: Any = None, *, explain: bool = False) -> Decision:
        """Judge a text said or written to a party (script, SMS, letter, call summary).

        ``context``: a :class:`NoteContext` or dict with party, relation, channel, client
        and facts. Each reason's evidence carries ``spans``: offsets into ``text``.
        """
        if not isinstance(text, str):
            raise InputError(f"text: expected a string, got {type(text).__name__}")
        if len(text) > self._max_note:
            raise InputError(f"text: {len(text):,} characters, over this pack's limit of {self._max_note:,} "
                             "(limits.note_chars); check it in parts")
        subject = read_context(context)
        subject.facts, subject.defaulted = self._facts.read(subject.facts, "context.facts")
        rs = self._ruleset(subject.client, "context.client", subject.region, "context.region")
        note = _Note(text, self._read(text), subject)
        fired: list[tuple[CompiledRule, Finding]] = []
        traces = []
        for rule in rs.text:
            why = rule.why_not(subject, None)
            finding = rule.check.check(note) if why is None else None
            if finding is not None:
                fired.append((rule, finding))
            if explain:
                traces.append(RuleTrace(rule.id, rule.kind, why is None, why or "applies",
                                        finding is not None, rule.check.explain(note)))
        if explain:
            traces += [RuleTrace(r.id, r.kind, False, "an attempt rule: it judges contacts, not texts", False, {})
                       for r in rs.attempt]
            traces += [RuleTrace(rule_id, kind, False, _off(rs), False, {}) for rule_id, kind in rs.disabled]
        denying = any(r.severity == "deny" for r, _ in fired)
        return Decision(allowed=not denying, reasons=_reasons(fired), policy=rs.ref,
                        explanation=tuple(traces) if explain else None)


def _folder(doc: Document) -> Path | None:
    return Path(doc.path).resolve().parent if doc.path and not doc.path.startswith("<") else None


def _text_layers(spec: PolicySpec) -> tuple[Any, Phonetic | None]:
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
    if phonetic.pinyin:
        pinyin += terms_of((r.params for r in rules if r.kind == "text-match"),  # type: ignore[attr-defined]
                           spec.lexicons)
    layer = Phonetic(pinyin, [fold(t) for t in phonetic.homophones], [fold(t) for t in phonetic.initials],
                     [fold(t) for t in phonetic.not_homophones])
    return layers, layer if layer else None


def _instants(effective: Effective | None, tz: Any) -> tuple[datetime | None, datetime | None]:
    """[first instant, first instant after) of a span of local dates; None: unbounded."""
    if effective is None:
        return None, None
    first = day_start(effective.from_, tz) if effective.from_ is not None else None
    after = day_start(effective.until + timedelta(days=1), tz) if effective.until is not None else None
    return first, after


def _off(rs: RuleSet) -> str:
    return f"switched off by the overlay for client '{rs.ref.client}'" if rs.ref.client else "switched off (enabled: false)"


def _reasons(fired: list[tuple[CompiledRule, Finding]]) -> tuple[Reason, ...]:
    reasons = [Reason(r.id, r.severity, r.message, r.citation, f) for r, f in fired]
    reasons.sort(key=lambda reason: reason.severity != "deny")  # stable: policy order within
    return tuple(reasons)


def parse_policy(text: str, path: str = "<policy>") -> Policy:
    """A policy from YAML text; raises :class:`PolicyError` (with file:line:col) on any problem.
    A text with ``extends:`` is a layer over another pack (see ``_layers``)."""
    doc = load(text, path)
    if is_layer(doc):
        stack = read_stack(doc, text, _read_layer)
        spec, problems = validate(stack.doc)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise errors[0]
        assert spec is not None
        return Policy(spec, stack.doc, stack.digest, stack.origins, tuple(stack.layers))
    spec, problems = validate(doc)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise errors[0]
    assert spec is not None
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Policy(spec, doc, digest)


# A policy file larger than this is refused before it is parsed (the shipped pack is 60 kB).
MAX_POLICY_BYTES = 20_000_000


def load_policy(path: str | Path) -> Policy:
    """Load and compile a policy once; check attempts and notes against it many times.

    ``path``: a policy file, or the name of a shipped pack (``"cn-card-collection"``): a
    bare name, without a path separator or a dot, always names a shipped pack.
    """
    from ._packs import resolve

    path = resolve(path)
    return parse_policy(_read_text(path), str(path))


def _read_layer(path: Path) -> tuple[str, Document]:
    text = _read_text(path)
    return text, load(text, str(path))


def _read_text(path: Path) -> str:
    """A policy file's text, read at most MAX_POLICY_BYTES; PolicyError naming it otherwise."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_POLICY_BYTES + 1)  # bounded: a device or a runaway file is refused
        if len(raw) > MAX_POLICY_BYTES:
            raise PolicyError(f"over {MAX_POLICY_BYTES // 1_000_000} MB: not a policy file", path=str(path),
                              check="file", hint="a pack is a few hundred kilobytes")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise PolicyError("no such policy file", path=str(path), hint="check the path",
                          check="file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read the policy file: {exc}", path=str(path), check="file") from None
    return text
