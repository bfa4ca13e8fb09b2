"""Load a policy once, compile it, then check attempts and notes against it.

Load → validate → compile (``_compile``) happens once; a :class:`Policy` is a thin front
over the frozen :class:`~._compile.CompiledPolicy` (a compiled rule set per client and
region overlay) and the evaluation of attempts and notes against it, so one instance can
serve every thread of a dialer. What a check works out lives in that check alone. A
check reads only the input fields and history entries its rules need.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ._clock import zone
from ._compile import CompiledPolicy, CompiledRule, RuleSet, compile_policy, span as _span
from ._decision import Decision, Reason, RuleTrace, ZonesJudged
from ._errors import InputError, PolicyError
from ._history import History
from ._input import Subject, read_attempt, read_context, read_history
from ._kinds._base import Finding
from ._layers import is_layer, read_stack
from ._normalize import normalize
from ._spec import PolicySpec, validate
from ._yaml import Document, load

if TYPE_CHECKING:
    from ._session import Session
    from ._spec import Effective

# A recipient's region as overlays and zone lists name it: an ISO 3166-1 country code,
# optionally with a subdivision (US-MA, CN-SH, GB-SCT).
_REGION = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")

# The search for the next allowed time stops after this many hops between rules;
# a real policy settles in two or three (a cap's window, then the night's quiet hours).
_MAX_HOPS = 64


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
        self._from(compile_policy(spec, doc, digest, origins, layers))

    @classmethod
    def compiled(cls, compiled: CompiledPolicy) -> Policy:
        """A front over an already compiled policy."""
        policy = cls.__new__(cls)
        policy._from(compiled)
        return policy

    def _from(self, c: CompiledPolicy) -> None:
        # Evaluation reads the compiled policy; the fields of the hot path are kept here too.
        self._c = c
        self.id, self.version, self.title, self.timezone = c.id, c.version, c.title, c.timezone
        self.digest, self.path, self.spec, self.layers = c.digest, c.path, c.spec, c.layers
        self._doc_data = c.doc_data
        self._zones, self._zone = c.zones, c.zone
        self._require_zone, self._candidates, self._by_region = c.require_zone, c.candidates, c.by_region
        self._effective = c.effective
        self._in_force_from, self._in_force_until = c.in_force_from, c.in_force_until
        self._bounded = c.effective is not None
        self._facts = c.facts
        self._unlisted_base = c.unlisted_base
        self._max_note, self._max_history = c.max_note, c.max_history
        self._turns, self._layers, self._phonetic = c.turns, c.text_layers, c.phonetic
        self._require_region = c.require_region
        self._client_names, self._region_names = c.client_names, c.region_names
        self._sets, self._base = c.sets, c.base

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
        """How far back any rule of the policy (any client or region) reads history."""
        return self._c.max_reach

    def partition_key(self) -> str | None:
        """The field a log can be split by so that each part is audited alone with the same
        findings: a field every cap of every client counts by (a cap counting by several
        fields only counts entries that share all of them). None when the caps share none."""
        fields = self._c.count_fields
        common = frozenset.intersection(*fields) if fields else {"contact"}
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
            self._check_region(region, region_where)
            region = None  # a region no overlay names: the rules for everywhere
        if client is not None and client not in self._client_names:
            self._unlisted(client, where)
            client = None
        return self._sets[client, region]

    def _check_region(self, region: str, where: str) -> None:
        """A region no overlay names is refused when it is not a region code (US-MA, CN-SH)
        or reads as a misspelling of one the pack names (MA, us-ma, US-MA with a space,
        US-ZZ beside US-AZ): a misspelt region must not lose the state's rules. Any other
        region gets the rules for everywhere."""
        if region in self._by_region:
            return  # a region the pack lists (its zones): the common case, before any work
        known = sorted(self._region_names | set(self._by_region))
        near = [k for k in known if k.lower() == region.strip().lower() or k.endswith("-" + region.strip().upper())]
        close = near or get_close_matches(region.upper(), known, n=1, cutoff=0.75)
        hint = f"did you mean '{close[0]}'?" if close else (
            f"this pack knows {len(known)}: {', '.join(known[:8])}{', ...' if len(known) > 8 else ''}" if known
            else "write an ISO 3166-2 code such as US-MA or CN-SH")
        if close or not _REGION.match(region):
            raise InputError(f"{where}: unknown region {region!r} ({hint})")

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
            # (bounded: the policy has its effective dates)
            raise InputError(f"policy '{self.id}' is in force {_span(cast('Effective', self._effective))} "
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

    def session(self, history: Iterable[Any] | None = None) -> Session:
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
        if self._bounded:  # (inline: this runs before every dial)
            first, after = self._in_force_from, self._in_force_until
            if (first is not None and at < first) or (after is not None and at >= after):
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
        find: Callable[[], datetime | None] | None = None
        next_at: datetime | None = None
        if denying and search:
            # The deny rules that apply, asked again at later instants; None: decide per day.
            # A timeless rule (facts, channel) that did not fire now does not fire later.
            applying = None if route is None else [
                rule.next_open for rule, gate, check in route
                if rule.severity == "deny" and not rule.needs.timeless and (gate is None or gate(subject))]
            zone0 = cast("tuple[Any, ...]", subject.zones)[0]  # (set by _candidate_zones when none was sent)

            def search_next() -> datetime | None:
                found = self._next_allowed(rs, ctx, denying, applying)
                return found.astimezone(zone0) if found is not None else None

            find = search_next
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
        # Each rule is asked for the first instant at or after ``at`` it allows (next_open:
        # no Finding built, and a rule that allows at ``at`` answers ``at`` itself).
        retries = [f.retry_at for f in denying]
        if None in retries:
            return None
        at: datetime = max(retries)  # type: ignore[type-var, assignment]
        subject = ctx.subject
        after = self._in_force_until  # the search only moves later: the start is behind it
        for _ in range(_MAX_HOPS):
            if after is not None and at >= after:
                return None  # the pack is no longer in force
            if applying is None:
                day = self._day(at) if rs.dated else None
                checks = [r.next_open for r in rs.attempt if r.severity == "deny" and r.applies(subject, day)]
            else:
                checks = applying
            for next_open in checks:
                opens = next_open(ctx, at)
                if opens is None:
                    return None  # a rule that cannot say when: no wait is known to help
                if opens > at:
                    at = opens
                    break
            else:
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
        and facts. It is required: a note is judged for the party it is said to, and
        without a context (or without its ``party``) the check is an :class:`InputError`
        saying what to pass; no party is assumed. Each reason's evidence carries
        ``spans``: offsets into ``text``.
        """
        if not isinstance(text, str):
            raise InputError(f"text: expected a string, got {type(text).__name__}")
        if len(text) > self._max_note:
            raise InputError(f"text: {len(text):,} characters, over this pack's limit of {self._max_note:,} "
                             "(limits.note_chars); check it in parts")
        subject = read_context(context)
        subject.facts, subject.defaulted = self._facts.read(subject.facts, "context.facts")
        rs = self._ruleset(subject.client, "context.client", subject.region, "context.region")
        if not rs.text and not any(kind == "text-match" for _, kind in rs.disabled):
            # Nothing here can judge a text: an "allowed" would say it was checked.
            raise InputError(f"text: pack '{self.id}' has no text rules, so it cannot judge a note; "
                             "check notes against a pack that has them (collectguard packs lists them)")
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



def _off(rs: RuleSet) -> str:
    return (f"switched off by the overlay for client '{rs.ref.client}'" if rs.ref.client
            else "switched off (enabled: false)")


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
