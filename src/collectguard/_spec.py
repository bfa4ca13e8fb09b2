"""The policy language: pydantic models of a policy file, and validation that points into it.

One model per rule kind is generated from the kind registry, told apart by ``kind``, so
the loader, the JSON Schema and the docs read the same definitions and cannot drift.
Every problem becomes a :class:`PolicyError` at the line and column the user wrote.
"""

from __future__ import annotations

from datetime import date
from difflib import get_close_matches
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StrictBool,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from ._clock import ClockError, zone
from ._conditions import Condition
from ._errors import PolicyError
from ._facts import FactDecl, FactOfType, fact_refs, test_problem
from ._kinds import BY_NAME, KINDS
from ._normalize import fold
from ._vocab import Severity
from ._yaml import Document

_RULE_ID = r"^[a-z0-9][a-z0-9._-]*$"
_LEXICON_NAME = __import__("re").compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Effective(_Strict):
    """Dates (inclusive, in the policy's time zone) between which a policy or rule is in force."""

    from_: date | None = Field(None, alias="from", description="first day in force, e.g. 2015-07-01")
    until: date | None = Field(None, description="last day in force")

    def holds(self, day: date) -> bool:
        return (self.from_ is None or day >= self.from_) and (self.until is None or day <= self.until)


class RuleBase(_Strict):
    id: str = Field(pattern=_RULE_ID, description="a stable kebab-case id, e.g. quiet-hours")
    when: Condition | None = Field(None, description="where the rule applies (all given fields must match)")
    unless: Condition | None = Field(None, description="where the rule does not apply")
    severity: Severity = Field("deny", description="deny blocks the contact; warn reports only")
    message: str | None = Field(None, description="one line: what was found, why it matters, what to do")
    citation: str | None = Field(None, description="the article the rule enforces")
    effective: Effective | None = Field(None, description="when the rule is in force")
    enabled: StrictBool = Field(True, description="false switches the rule off (overlays may switch it on)")
    if TYPE_CHECKING:  # each model in RULE_MODELS adds these fields: its kind's name and its params
        kind: str
        params: Any


def _rule_model(kind: Any) -> type[RuleBase]:
    title = "".join(part.title() for part in kind.name.split("-")) + "Rule"
    fields: dict[str, Any] = {  # the kind's name, a runtime Literal: typed Any for type checkers
        "kind": (Literal[kind.name], Field(description=kind.summary)),
        "params": (kind.params, Field(description=f"parameters of {kind.name}")),
    }
    model = create_model(title, __base__=RuleBase, __doc__=kind.summary, **fields)
    return model


RULE_MODELS: dict[str, type[RuleBase]] = {kind.name: _rule_model(kind) for kind in KINDS}
if TYPE_CHECKING:
    Rule = RuleBase  # one of RULE_MODELS
else:
    # Union[...] of a runtime tuple: the X | Y form cannot spell it.
    Rule = Annotated[Union[tuple(RULE_MODELS.values())], Field(discriminator="kind")]  # noqa: UP007


class RulePatch(_Strict):
    """What an overlay changes in one rule; params are merged key by key into the base."""

    enabled: StrictBool | None = None
    severity: Severity | None = None
    message: str | None = None
    citation: str | None = None
    params: dict[str, Any] | None = Field(None, description="keys to replace in the rule's params")
    when: Condition | None = None
    unless: Condition | None = None
    effective: Effective | None = None


class Overlay(_Strict):
    """Rules on top of the policy for a commissioning creditor, a region of the recipient, or both."""

    client: str | None = Field(None, min_length=1, description="the client id attempts carry in their "
                                     "client field")
    regions: list[str] | None = Field(None, min_length=1, description="the recipient's regions it applies "
                                            "in (attempts carry region, e.g. US-MA)")
    description: str | None = None
    rules: dict[str, RulePatch] = Field(default_factory=dict, description="changes to rules, by id")
    add: list[Rule] = Field(default_factory=list, description="rules only this client has")

    @model_validator(mode="after")
    def _selects(self) -> Overlay:
        if self.client is None and self.regions is None:
            raise ValueError("an overlay names a client, regions, or both")
        return self

    def label(self) -> str:
        parts = ([f"client '{self.client}'"] if self.client else []) + (
            [f"regions {', '.join(self.regions)}"] if self.regions else [])
        return " and ".join(parts)


class TurnLabels(_Strict):
    """Speaker labels of a transcript (客户：…, Agent: …): the others' turns are not matched."""

    others: list[str] = Field(min_length=1, description="labels of turns that are not the agent's "
                              "(客户, 联系人, Customer, B): their words are left out of every text rule")
    agent: list[str] = Field(min_length=1, description="labels of the agent's own turns (坐席, Agent, A); "
                             "a note is a transcript only when it has one")

    says: list[str] = Field(default_factory=list, description="verbs of saying (说, 称, 骂, said, called): a "
                            "quotation another party's label introduces with one is theirs, not matched")

    @field_validator("others", "agent")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        for label in value:
            if not fold(label).strip():
                raise ValueError("a label must not be empty")
        return value

    @model_validator(mode="after")
    def _apart(self) -> TurnLabels:
        both = {fold(a).strip() for a in self.agent} & {fold(o).strip() for o in self.others}
        if both:
            raise ValueError(f"labels in both agent and others: {', '.join(sorted(both))}")
        return self


class FoldLayers(_Strict):
    """The word layers a note is read through before the text rules (see docs/text-rules.md)."""

    leet: dict[str, str] | Literal[False] | None = Field(
        None, description="what each digit or symbol stands for inside a Latin word (j4il, p0lice); "
        "false: off; absent: the default map 0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s, ! i, | l")
    spelled_out: StrictBool = Field(True, description="a word spelt out letter by letter reads as the word "
                              "(a-r-r-e-s-t, j a i l)")
    repeats: StrictBool = Field(True, description="a letter repeated three times or more reads once (jaaail)")

    @field_validator("leet")
    @classmethod
    def _one_for_one(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key, letter in value.items():
                if len(key) != 1 or key.isalpha() or len(letter) != 1 or not ("a" <= letter <= "z"):
                    raise ValueError(f"leet maps one digit or symbol to one lower-case letter, got "
                                     f"{key!r}: {letter!r}")
        return value


class PhoneticSettings(_Strict):
    """Chinese words written by their sound, read back as the word (see ``_phonetic``)."""

    pinyin: StrictBool = Field(True, description="every Chinese literal term of the text rules, and each of "
                         "terms, is also read from pinyin: fa院, 法yuan, fayuan, fa yuan")
    terms: list[str] = Field(default_factory=list, description="more words read back from pinyin (words "
                             "the rules name only inside re: patterns)")
    homophones: list[str] = Field(default_factory=list, description="words also read from other "
                                  "characters of the same sound keeping one of their own (做牢 坐牢)")
    initials: list[str] = Field(default_factory=list, description="words also read from the first letters "
                                "of their syllables, next to a Chinese character (jc 警察)")
    not_homophones: list[str] = Field(default_factory=list, description="spellings never read as a "
                                      "homophone of a listed word")

    @field_validator("terms", "homophones", "initials")
    @classmethod
    def _chinese(cls, value: list[str]) -> list[str]:
        for term in value:
            folded = fold(term).strip()
            if len(folded) < 2 or not all("\u3400" <= c <= "\u9fff" for c in folded):
                raise ValueError(f"{term!r}: a word of two or more Chinese characters is needed here")
        return value


class TextSettings(_Strict):
    """How every text rule reads a note."""

    turns: TurnLabels | None = Field(None, description="speaker labels: in a transcript only the "
                                           "agent's turns are matched")
    fold: FoldLayers | None = Field(None, description="the word layers (leet, spelt-out and "
                                          "repeated letters); absent: all on")
    phonetic: PhoneticSettings | None = Field(None, description="Chinese words written by their sound "
                                                    "(pinyin, homophones, initials); absent: off")


class Limits(_Strict):
    """The largest input a check accepts; larger is refused with the limit named."""

    note_chars: PositiveInt = Field(100_000, description="characters of a note's text (a letter is a few "
                                    "thousand); a check is linear in them")
    history_entries: PositiveInt = Field(100_000, description="entries of one check's history (send those "
                                         "within the caps' reach; a session or an audit keeps its own)")


def _zone_name(value: str) -> str:
    try:
        zone(value)
    except ClockError as exc:
        raise ValueError(str(exc)) from None
    return value


# An IANA zone name, checked where it is written: an unknown or legacy name is a load error
# at its own line, with did-you-mean.
ZoneName = Annotated[str, AfterValidator(_zone_name)]


def _no_repeats(names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"'{name}' is listed twice")
        seen.add(name)
    return names


ZoneList = Annotated[list[ZoneName], Field(min_length=1), AfterValidator(_no_repeats)]


class ZoneSettings(_Strict):
    """Which zones an attempt that does not send its own timezone is judged in."""

    require: StrictBool = Field(False, description="true: an attempt without timezone is refused (the "
                                "integrator must send the recipient's zone, or every zone they may be in)")
    candidates: ZoneList | None = Field(
        None, description="the zones an attempt without timezone is judged in when its region has no list "
        "under by_region (every zone of the jurisdiction): a time rule must hold in all of them")
    by_region: dict[Annotated[str, Field(min_length=1)], ZoneList] = Field(
        default_factory=dict, description="the candidate zones by the recipient's region (the attempt's "
        "region, e.g. US-FL: [America/New_York, America/Chicago])")

    @model_validator(mode="after")
    def _says_something(self) -> ZoneSettings:
        if self.require and (self.candidates is not None or self.by_region):
            raise ValueError("require: true refuses every attempt without timezone, so candidates and "
                             "by_region would never be read; give one or the other")
        if not self.require and self.candidates is None and not self.by_region:
            raise ValueError("give require: true, or candidates (and by_region) for attempts without timezone")
        return self


class PolicySpec(_Strict):
    """A collectguard policy: rules with citations, a default zone, overlays per client."""

    id: str = Field(pattern=_RULE_ID, description="the policy's id, e.g. cn-card-collection")
    version: str = Field(description='the policy\'s version, quoted: "2015.1"')
    title: str | None = None
    description: str | None = None
    timezone: str = Field(description="the policy's zone, e.g. Asia/Shanghai: its effective dates are read "
                          "there, and an attempt that gives no zone is judged there unless zones: says otherwise")
    zones: ZoneSettings | None = Field(
        None, description="attempts without timezone: refused (require: true), or judged in every candidate "
        "zone (candidates, by_region); absent: judged in timezone")
    effective: Effective | None = None
    text: TextSettings | None = Field(None, description="how text rules read notes (speaker turns)")
    lexicons: dict[str, list[str]] = Field(default_factory=dict, description="named term lists: a text rule "
                                           "writes @name for all of a list's terms, and {@name} inside a re: pattern")
    facts: dict[str, FactDecl] = Field(default_factory=dict, description="every fact the rules read, with its "
                                       "type, meaning and what its absence means; inputs are read against them")
    undeclared_facts: Literal["refuse", "ignore"] = Field(
        "refuse", description="what an input's fact the pack does not declare gets: refused (a name close to a "
        "declared one is always refused, with did-you-mean), or ignored")
    limits: Limits = Field(default_factory=Limits, description="the largest note and history a check accepts")
    require_region: StrictBool = Field(False, description="true: an attempt or note without the recipient's "
                                       "region is refused (a pack whose overlays are by region)")
    unlisted_clients: Literal["refuse", "base"] = Field(
        "refuse", description="what an attempt or note naming a client without an overlay gets: refused (with "
        "did-you-mean), or the base rules")
    rules: list[Rule] = Field(min_length=1)
    overlays: list[Overlay] = Field(default_factory=list)

    @field_validator("lexicons")
    @classmethod
    def _lexicons(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, terms in value.items():
            if not _LEXICON_NAME.match(name):
                raise ValueError(f"lexicon name {name!r}: use lower-case letters, digits and _, e.g. charge")
            if not terms:
                raise ValueError(f"lexicon '{name}' is empty")
            for term in terms:
                if term.startswith(("re:", "phrase:", "@")) or not fold(term).strip():
                    raise ValueError(f"lexicon '{name}': {term!r} must be a plain term (no re:, no @, not empty)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone(value)
        return value


def json_schema() -> dict[str, Any]:
    schema = PolicySpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://collectguard.dev/schema/policy.json"
    return schema


# -- errors that point into the file --------------------------------------------------

def vocabulary(*models: Any) -> list[str]:
    """Every key the given models (and the models inside them) accept, for did-you-mean."""
    names: set[str] = set()

    def walk(model: Any, seen: set[Any]) -> None:
        if model in seen or not isinstance(model, type) or not issubclass(model, BaseModel):
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
            for arg in _types(field.annotation):
                walk(arg, seen)

    seen: set[Any] = set()
    for model in models:
        walk(model, seen)
    return sorted(names)


def _types(annotation: Any) -> list[Any]:
    from typing import get_args

    out = [annotation]
    for arg in get_args(annotation):
        out.extend(_types(arg))
    return out


_KNOWN_KEYS = vocabulary(PolicySpec, RulePatch, *RULE_MODELS.values())


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic's error location with union tags dropped: a path into the data."""
    out: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            out.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            out.append(part)
            current = current[part]
        elif isinstance(current, dict) and part not in current and not isinstance(part, int) \
                and str(part) not in BY_NAME and not str(part).startswith(("function-", "union[")):
            out.append(part)  # a missing or unknown key: report at its parent
            current = None
    return tuple(out)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "policy"


def _did_you_mean(word: str, options: list[str]) -> str | None:
    close = get_close_matches(word, [o for o in options if o != word], n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else None


def translate(exc: ValidationError, doc: Document, prefix: tuple[Any, ...] = (),
              known_keys: list[str] | None = None) -> list[PolicyError]:
    """Pydantic errors as PolicyErrors placed in ``doc`` (``prefix``: where the data sat)."""
    problems = []
    # A misspelt key also leaves its field missing: report the spelling, which names the fix.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    suggested: set[tuple[Any, ...]] = set()
    for err in errors:
        loc = prefix + _data_loc(_at(doc.data, prefix), tuple(err["loc"]))
        problem = _one(err, loc, doc, known_keys or _KNOWN_KEYS)
        if err["type"] == "extra_forbidden" and problem.hint and problem.hint.startswith("did you mean '"):
            suggested.add(loc[:-1] + (problem.hint.split("'")[1],))
        elif err["type"] == "missing" and loc in suggested:
            continue  # the misspelt key above already says it
        problems.append(problem)
    return problems


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one(err: Any, loc: tuple[Any, ...], doc: Document, known_keys: list[str] | None = None) -> PolicyError:
    kind, msg, where = err["type"], err["msg"], _dotted(loc)
    line, col = doc.position(loc)
    if kind == "extra_forbidden":
        key = loc[-1]
        line, col = doc.position(loc, key=True)
        return PolicyError(f"{where}: unknown key '{key}'", path=doc.path, line=line, column=col,
                           hint=(_did_you_mean(str(key), known_keys or _KNOWN_KEYS)
                                 or "remove it or check the docs for this block"),
                           check="unknown-key")
    if kind == "missing":
        where = _dotted(loc[:-1])
        return PolicyError(f"{where}: required field '{loc[-1]}' is missing", path=doc.path, line=line,
                           column=col, hint=f"add {loc[-1]}: ...", check="missing-field")
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag", "?")
        loc_kind = loc + ("kind",)
        line, col = doc.position(loc_kind)
        return PolicyError(f"{where}: unknown rule kind '{tag}'", path=doc.path, line=line, column=col,
                           hint=_did_you_mean(str(tag), sorted(BY_NAME)) or
                           "known kinds: " + ", ".join(sorted(BY_NAME)), check="unknown-kind")
    if kind == "union_tag_not_found":
        return PolicyError(f"{where}: the rule has no kind", path=doc.path, line=line, column=col,
                           hint="add kind: one of " + ", ".join(sorted(BY_NAME)), check="missing-field")
    if kind == "string_type" and isinstance(_at(doc.data, loc), (int, float, bool)):
        value = _at(doc.data, loc)
        field = loc[-1] if loc else None
        if field == "rolling":
            hint = 'write a duration with its unit, e.g. "60m"'
        elif field in ("from", "until") and isinstance(value, int) and not isinstance(value, bool):
            hint = 'quote it, e.g. "22:00": YAML 1.1 tools read an unquoted 22:00 as the number 1320'
        else:
            hint = "quote it"
        return PolicyError(f"{where}: expected text, got {value!r}", path=doc.path, line=line, column=col,
                           hint=hint, check="wrong-type")
    if kind == "bool_type":
        return PolicyError(f"{where}: expected true or false, got {_at(doc.data, loc)!r}", path=doc.path, line=line,
                           column=col, hint="write true or false, unquoted: no other word is a boolean here",
                           check="wrong-type")
    if kind in ("value_error", "assertion_error"):
        msg = msg.split(", ", 1)[1] if msg.startswith(("Value error, ", "Assertion failed, ")) else msg
        return PolicyError(f"{where}: {msg}", path=doc.path, line=line, column=col, check="invalid-value")
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        return PolicyError(f"{where}: '{_at(doc.data, loc)}' is not a valid id", path=doc.path, line=line,
                           column=col, hint="use lower-case letters, digits and dashes, e.g. quiet-hours",
                           check="invalid-value")
    return PolicyError(f"{where}: {msg[0].lower() + msg[1:]}", path=doc.path, line=line, column=col,
                       check="wrong-type")


def validate(doc: Document) -> tuple[PolicySpec | None, list[PolicyError]]:
    """The spec and every problem found: schema, duplicate ids, overlays naming unknown rules."""
    if not isinstance(doc.data, dict):
        return None, [PolicyError("a policy must be a mapping of id, version, timezone, rules, ...",
                                  path=doc.path, line=1, column=1, check="wrong-type",
                                  hint="start the file with id:, version:, timezone: and rules:")]
    try:
        spec = PolicySpec.model_validate(doc.data)
    except ValidationError as exc:
        return None, translate(exc, doc)
    except ClockError as exc:  # pragma: no cover - raised inside validators, wrapped by pydantic
        return None, [PolicyError(str(exc), path=doc.path, check="invalid-value")]
    problems: list[PolicyError] = []
    seen: dict[str, int] = {}
    for i, rule in enumerate(spec.rules):
        if rule.id in seen:
            line, col = doc.position(("rules", i, "id"))
            problems.append(PolicyError(f"rules[{i}].id: duplicate rule id '{rule.id}' (also rules[{seen[rule.id]}])",
                                        path=doc.path, line=line, column=col,
                                        hint="rule ids must be unique: overlays and reasons name rules by id",
                                        check="duplicate-id"))
        seen.setdefault(rule.id, i)
    problems += _fact_problems(doc, spec)
    problems += _overlay_conflicts(doc, spec)
    for j, overlay in enumerate(spec.overlays):
        for rule_id in overlay.rules:
            if rule_id not in seen:
                line, col = doc.position(("overlays", j, "rules", rule_id), key=True)
                problems.append(PolicyError(
                    f"overlays[{j}].rules: no rule '{rule_id}' in this policy", path=doc.path, line=line,
                    column=col, hint=_did_you_mean(rule_id, sorted(seen)) or "overlays change existing rules; "
                    "use add: for a new one", check="unknown-rule"))
        for k, rule in enumerate(overlay.add):
            if rule.id in seen:
                line, col = doc.position(("overlays", j, "add", k, "id"))
                problems.append(PolicyError(f"overlays[{j}].add[{k}].id: rule '{rule.id}' already exists",
                                            path=doc.path, line=line, column=col,
                                            hint="change it under rules: instead", check="duplicate-id"))
    return spec, problems


def _overlay_conflicts(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """Overlays that can apply to one attempt apply in file order; two of them changing the
    same setting of the same rule is a conflict the order must not settle silently (a state's
    hours and a bank's hours: which is the law?), so it is a load error."""
    problems = []
    overlays = spec.overlays
    for a in range(len(overlays)):
        for b in range(a + 1, len(overlays)):
            first, second = overlays[a], overlays[b]
            clients_meet = first.client is None or second.client is None or first.client == second.client
            regions_meet = (first.regions is None or second.regions is None
                            or bool(set(first.regions) & set(second.regions)))
            if not (clients_meet and regions_meet):
                continue
            if first.client == second.client and first.regions == second.regions:
                field = "client" if second.client is not None else "regions"
                line, col = doc.position(("overlays", b, field))
                problems.append(PolicyError(f"overlays[{b}].{field}: a second overlay for {second.label()}",
                                            path=doc.path, line=line, column=col,
                                            hint="merge the two overlays into one",
                                            check="duplicate-id"))
                continue
            for rule_id, patch in second.rules.items():
                other = first.rules.get(rule_id)
                if other is None:
                    continue
                clash = sorted((set(patch.model_fields_set) & set(other.model_fields_set)) - {"params"})
                clash += [f"params.{k}" for k in sorted(set(patch.params or {}) & set(other.params or {}))]
                if clash:
                    line, col = doc.position(("overlays", b, "rules", rule_id), key=True)
                    problems.append(PolicyError(
                        f"overlays[{b}].rules.{rule_id}: changes {', '.join(clash)}, as overlays[{a}] "
                        f"({first.label()}) does, and both can apply to one attempt", path=doc.path, line=line,
                        column=col, check="overlay-conflict",
                        hint="set it in one overlay, or make their clients or regions exclusive"))
    return problems


def _fact_problems(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """Every fact a rule reads must be declared, and every value it compares of its type."""
    problems = []
    places: list[tuple[tuple[Any, ...], Any]] = [(("rules", i), r) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        places += [(("overlays", j, "rules", rid), patch) for rid, patch in overlay.rules.items()]
        places += [(("overlays", j, "add", k), r) for k, r in enumerate(overlay.add)]
    kinds = {rule.id: BY_NAME[rule.kind] for rule in spec.rules}
    for where, rule in places:
        # The conditions' facts, then those its kind says the params read (a patch's params
        # are plain data: the base rule's kind reads them).
        refs = list(fact_refs(rule.model_copy(update={"params": None})))
        kind = BY_NAME[rule.kind] if not isinstance(rule, RulePatch) else kinds.get(where[-1])
        if kind is not None and rule.params:
            refs += kind.fact_reads(rule.params, ("params",))
        elif rule.params:  # a patch of a rule no base has (reported elsewhere): its tests as written
            refs += fact_refs(rule.params, ("params",))
        for path, name, test in refs:
            loc = where + path
            decl = spec.facts.get(name)
            if decl is None:
                line, col = doc.position(loc, key=True)
                problems.append(PolicyError(
                    f"{_dotted(loc)}: fact '{name}' is not declared", path=doc.path, line=line, column=col,
                    hint=_did_you_mean(name, sorted(spec.facts)) or
                    (f"declare it under facts:, e.g. {name}: {{type: {test.type}, meaning: ..., absent: unknown}}"
                     if isinstance(test, FactOfType) else
                     f"declare it under facts:, e.g. {name}: {{type: boolean, meaning: ..., absent: false}}"),
                    check="undeclared-fact"))
                continue
            problem = test_problem(decl, test)
            if problem is not None:
                line, col = doc.position(loc)
                problems.append(PolicyError(f"{_dotted(loc)}: {problem}", path=doc.path, line=line, column=col,
                                            hint=f"'{name}' is declared {decl.type}: {decl.meaning}",
                                            check="wrong-type"))
    return problems


def patched_rule(doc: Document, spec: PolicySpec, overlay_index: int | list[int], rule_id: str) -> RuleBase:
    """A base rule with the overlays' patches applied in order, validated as the kind requires."""
    indices = [overlay_index] if isinstance(overlay_index, int) else list(overlay_index)
    overlay_index = indices[-1]
    index = next(i for i, r in enumerate(spec.rules) if r.id == rule_id)
    base = dict(doc.data["rules"][index])
    merged = dict(base)
    for j in indices:
        patch = doc.data["overlays"][j]["rules"][rule_id] or {}
        for key, value in patch.items():
            if key == "params" and isinstance(value, dict) and isinstance(merged.get("params"), dict):
                merged["params"] = {**merged["params"], **value}
            else:
                merged[key] = value
    try:
        return RULE_MODELS[base["kind"]].model_validate(merged)
    except ValidationError as exc:
        prefix = ("overlays", overlay_index, "rules", rule_id)
        first = exc.errors(include_url=False)[0]
        raise _one(first, prefix + _data_loc(merged, tuple(first["loc"])), doc) from None


# -- errors a kind raises while compiling, placed in the file ---------------------------

def rule_error(doc: Document, where: tuple[Any, ...], rule_id: str, exc: ValueError) -> PolicyError:
    """A kind's compile error as a PolicyError at its place: the one mapper load and lint
    both use, so a problem has the same line and column from either. A kind's error may
    carry ``path`` (inside the rule's params); a text rule's pattern error names its group
    ("groups.offer: pattern '...'") and is placed at the term it quotes."""
    message = str(exc)
    inner = getattr(exc, "path", None)
    loc = tuple(inner) if inner is not None else _term_loc(doc, where, message)
    line, col = doc.position(where + ("params",) + loc)
    return PolicyError(f"rule '{rule_id}': {message}", path=doc.path, line=line, column=col,
                       check="invalid-pattern" if "pattern" in message else "invalid-value")


def _term_loc(doc: Document, where: tuple[Any, ...], message: str) -> tuple[Any, ...]:
    """Where in a text rule's params a bad pattern sits, from 'groups.x: pattern ...'."""
    head = message.split(":", 1)[0]
    parts = head.split(".")
    if len(parts) != 2 or parts[0] not in ("groups", "cues"):
        return ()
    params = doc.data
    for part in where + ("params",):
        params = params[part] if isinstance(params, (dict, list)) else None
    terms = (((params or {}).get(parts[0]) or {}).get(parts[1]) or {}).get("any") or []
    quoted = message.split("pattern ", 1)[1] if "pattern " in message else ""
    said = message.split("phrase ", 1)[1] if "phrase " in message else ""
    for i, term in enumerate(terms):
        if not isinstance(term, str):
            continue
        if term.startswith("re:") and repr(term[3:])[:12] in quoted:
            return (parts[0], parts[1], "any", i)
        if term.startswith("phrase:") and said and repr(term[7:].strip())[:12] in said:
            return (parts[0], parts[1], "any", i)
    return (parts[0], parts[1])


