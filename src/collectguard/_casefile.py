"""Policy test cases: attempts and texts with what the policy must decide about them.

A case file sits beside its policy (``X.tests.yaml`` for ``X.yaml``)::

    policy: cn-card-collection.yaml          # relative to this file
    defaults:                                # merged into every case's attempt / history entries
      attempt: {channel: call, party: third_party, contact: "+86-21-5555-0101"}
      history: {channel: call, party: third_party, contact: "+86-21-5555-0101", outcome: no_answer}
    cases:
      - name: quiet hours begin at 22:00:00
        attempt: {at: "2026-11-23T22:00:00+08:00"}
        expect: {allowed: false, fires: [quiet-hours], next_allowed_at: "2026-11-24T08:00:00+08:00"}
      - name: a refusal is not an offer
        text: 罚息不能减免
        context: {party: debtor}
        expect: {allowed: true, not_fires: [unauthorized-waiver]}

Facts merge name by name: a case's ``facts`` add to (or replace single facts of) the
defaults' facts. ``client`` and ``region`` on a case set the attempt's or context's client and
region. ``expect.error`` expects the input to be refused with a message containing that text; ``expect.judged_in`` and
``expect.denied_in`` name the candidate zones an attempt without timezone was judged in and
those a denying rule fired in (a case drops the defaults' zone with ``timezone: null``).

Text examples (a text rule's must-fire and must-not-fire sentences) are cases with ``text``;
they live in files of their own, one per behaviour, in ``X.texts/`` beside the pack::

    policy: ../cn-card-collection.yaml
    contexts:                                # named contexts a case can give by name
      sibling: {party: third_party, relation: sibling}
    defaults:
      context: {party: debtor}
    cases:
      - text: 罚息不能减免                     # a text case's name defaults to its text
        expect: {fires: [], only: true}
      - text: 好的，可以給您減 免３千元的利息
        expect: {fires: [unauthorized-waiver], spans: {unauthorized-waiver: [減 免, ３千元, 利息]}}
      - text: 你弟那笔钱，迟早要算到你头上
        context: sibling
        expect: {fires: [third-party-coercion]}
        todo: a debt "counted against" the third party is not read as liability yet

``expect.spans`` gives, per rule, the texts of its evidence spans in order. Every text
case also checks that each evidence span is an offset into the text as written. A case
with ``todo`` (the known gap, in words) is run and reported, but its failure does not
fail the run; a todo case that passes is reported so that its todo can go.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._clock import ClockError, instant
from ._errors import CollectguardError, InputError, PolicyError
from ._policy import Policy, load_policy
from ._spec import translate, vocabulary
from ._yaml import load


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    allowed: bool | None = Field(None, description="the decision")
    fires: list[str] = Field(default_factory=list, description="rules that must be among the reasons")
    not_fires: list[str] = Field(default_factory=list, description="rules that must not be")
    only: bool = Field(False, description="fires lists every rule that fires, no others")
    next_allowed_at: str | None = Field("unset", description="the earliest allowed instant, or null")
    error: str | None = Field(None, description="the input must be refused with this in the message")
    judged_in: list[str] | None = Field(None, description="an attempt without timezone: the pack's "
                                              "candidate zones it was judged in (in any order)")
    denied_in: list[str] | None = Field(None, description="an attempt without timezone: the candidate "
                                              "zones in which a denying rule fired (in any order)")
    spans: dict[str, list[str]] = Field(default_factory=dict,
                                        description="per rule, the texts of its evidence spans in order")


class Case(_Strict):
    name: str | None = Field(None, min_length=1, description="required of attempt cases; a text's defaults to the text")
    client: str | None = None
    region: str | None = None
    attempt: dict[str, Any] | None = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    text: str | None = None
    context: dict[str, Any] | str | None = Field(None, description="a context, or the name of one in contexts")
    expect: Expect
    todo: str | None = Field(None, min_length=1, description="a known gap: reported, not a failure")

    @model_validator(mode="after")
    def _one_subject(self) -> Case:
        if (self.attempt is None) == (self.text is None):
            raise ValueError("a case has either attempt (with history) or text (with context)")
        if self.text is not None and self.history:
            raise ValueError("history belongs to attempt cases")
        if self.attempt is not None and self.name is None:
            raise ValueError("an attempt case needs a name")
        if self.attempt is not None and self.expect.spans:
            raise ValueError("spans belong to text cases")
        return self

    @property
    def title(self) -> str:
        """The name, or a text case's text (its first line, at most 60 characters)."""
        if self.name is not None:
            return self.name
        line = (self.text or "").strip().splitlines()[0] if (self.text or "").strip() else repr(self.text)
        return line if len(line) <= 60 else line[:59] + "…"


class Defaults(_Strict):
    attempt: dict[str, Any] = Field(default_factory=dict)
    history: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)


class CaseFile(_Strict):
    policy: str = Field(description="the policy file, relative to this file")
    contexts: dict[str, dict[str, Any]] = Field(default_factory=dict, description="named contexts for text cases")
    defaults: Defaults = Field(default_factory=Defaults)
    cases: list[Case] = Field(min_length=1)


_CASE_KEYS = vocabulary(CaseFile)


@dataclass
class Result:
    name: str
    file: str
    line: int | None
    passed: bool
    problems: list[str]
    fired: list[str]
    error: str | None = None
    seconds: float = 0.0
    kind: str = "attempt"
    todo: str | None = None

    @property
    def failed(self) -> bool:
        """A failure that fails the run: not a todo case's known gap."""
        return not self.passed and self.todo is None


@dataclass
class FileReport:
    path: str
    policy: Policy
    results: list[Result] = field(default_factory=list)
    policy_path: Path | None = None
    deselected: int = 0


@dataclass
class CaseSet:
    """A case file that loaded: its cases, their lines, and the policy they test."""

    path: str
    policy_path: Path
    policy: Policy
    spec: CaseFile
    lines: list[int | None]


def load_cases(path: str | Path, policies: dict[Path, Policy] | None = None,
               ) -> tuple[CaseSet | None, list[PolicyError]]:
    """A case file's cases, or every problem found in it (each with file:line:col).

    Problems: the file cannot be read, is not YAML, does not fit the case-file schema
    (all of them, as lint reports a policy's), names no policy beside it or a policy
    that does not load, expects a rule the policy does not have, or an
    ``expect.next_allowed_at`` that is not an instant, or names a context ``contexts`` does
    not hold. Cases run only when there is none. ``policies`` caches loaded policies by path,
    so that the many case files of one pack load it once.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return None, [PolicyError(f"cannot read the case file: {exc.strerror or exc}", path=name, check="file")]
    except UnicodeDecodeError as exc:
        return None, [PolicyError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
                                  path=name, check="file", hint="write the case file in UTF-8")]
    try:
        doc = load(text, name)
    except PolicyError as exc:
        return None, [exc]
    if not isinstance(doc.data, dict):
        return None, [PolicyError("a case file is a mapping of policy, defaults and cases", path=name, line=1,
                                  column=1, check="wrong-type", hint="start the file with policy: and cases:")]
    if "cases" not in doc.data and {"rules", "id"} <= doc.data.keys():
        # A policy given where its case file was meant: say so once, not key by key.
        beside = Path(name).with_suffix("").name + ".tests.yaml"
        return None, [PolicyError("a policy, not a case file: collectguard test runs a policy's case files",
                                  path=name, line=1, column=1, check="wrong-type",
                                  hint=f"run collectguard test on its case file ({beside}) or on the folder; "
                                       f"check the policy itself with collectguard lint {name}")]
    try:
        spec = CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        return None, translate(exc, doc, known_keys=_CASE_KEYS)
    policy_path = Path(path).parent / spec.policy
    if not policy_path.is_file():
        line, col = doc.position(("policy",))
        return None, [PolicyError(f"no policy file '{spec.policy}' beside the case file", path=name, line=line,
                                  column=col, check="file", hint="give the policy's path relative to this file")]
    key = policy_path.resolve()
    policy = policies.get(key) if policies is not None else None
    if policy is None:
        try:
            policy = load_policy(policy_path)
        except PolicyError as exc:  # placed in the policy file, where the fix is
            return None, [exc]
        if policies is not None:
            policies[key] = policy
    known = set(policy.all_rule_ids())
    problems: list[PolicyError] = []
    lines: list[int | None] = []
    for i, case in enumerate(spec.cases):
        lines.append(doc.position(("cases", i))[0])
        for table in ("fires", "not_fires", "spans"):
            for k, rule in enumerate(getattr(case.expect, table)):
                if rule not in known:
                    where = ("cases", i, "expect", table, rule if table == "spans" else k)
                    line, col = doc.position(where)
                    close = get_close_matches(rule, sorted(known), n=1)
                    problems.append(PolicyError(
                        f"cases[{i}] '{case.title}': expect.{table}: no rule '{rule}' in {spec.policy}", path=name,
                        line=line, column=col, check="unknown-rule",
                        hint=f"did you mean '{close[0]}'?" if close else "name a rule of the policy by its id"))
        wanted = case.expect.next_allowed_at
        if wanted not in (None, "unset"):
            try:
                instant(wanted)
            except ClockError as exc:
                line, col = doc.position(("cases", i, "expect", "next_allowed_at"))
                problems.append(PolicyError(f"cases[{i}] '{case.title}': expect.next_allowed_at: {exc}", path=name,
                                            line=line, column=col, check="invalid-value"))
        if isinstance(case.context, str) and case.context not in spec.contexts:
            line, col = doc.position(("cases", i, "context"))
            problems.append(PolicyError(f"cases[{i}] '{case.title}': no context '{case.context}' in contexts",
                                        path=name, line=line, column=col, check="unknown-context",
                                        hint=f"contexts: {', '.join(spec.contexts) or '(none)'}"))
    if problems:
        return None, problems
    return CaseSet(name, policy_path, policy, spec, lines), []


def run_case(cases: CaseSet, index: int) -> Result:
    """One case of a case file that loaded, by its index."""
    return _run(cases.policy, cases.spec, cases.spec.cases[index], cases.path, cases.lines[index])


def run_cases(cases: CaseSet, select: Callable[[Case], bool] | None = None) -> FileReport:
    """Run the selected cases (all by default) of a case file that loaded."""
    report = FileReport(cases.path, cases.policy, policy_path=cases.policy_path)
    for case, line in zip(cases.spec.cases, cases.lines, strict=False):
        if select is None or select(case):
            report.results.append(_run(cases.policy, cases.spec, case, cases.path, line))
        else:
            report.deselected += 1
    return report


def run_file(path: str | Path) -> FileReport:
    """Run every case of a case file; PolicyError (with file:line) when the file is broken."""
    cases, problems = load_cases(path)
    if cases is None:
        raise problems[0]
    return run_cases(cases)


def _merged(default: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A case's fields over the defaults; facts merge name by name (a case that sends one
    fact keeps the defaults' others)."""
    merged = {**default, **given}
    if isinstance(default.get("facts"), dict) and isinstance(given.get("facts"), dict):
        merged["facts"] = {**default["facts"], **given["facts"]}
    return merged


def _run(policy: Policy, spec: CaseFile, case: Case, path: str, line: int | None) -> Result:
    result = _outcome(policy, spec, case, path, line)
    result.kind = "attempt" if case.attempt is not None else "text"
    result.todo = case.todo
    return result


def _outcome(policy: Policy, spec: CaseFile, case: Case, path: str, line: int | None) -> Result:
    defaults = spec.defaults
    name = case.title
    started = time.perf_counter()
    try:
        if case.attempt is not None:
            attempt = _merged(defaults.attempt, case.attempt)
            if case.client is not None:
                attempt["client"] = case.client
            if case.region is not None:
                attempt["region"] = case.region
            history = [_merged(defaults.history, entry) for entry in case.history]
            decision = policy.check_attempt(attempt, history)
        else:
            given = spec.contexts[case.context] if isinstance(case.context, str) else case.context or {}
            context = _merged(defaults.context, given)
            if case.client is not None:
                context["client"] = case.client
            if case.region is not None:
                context["region"] = case.region
            decision = policy.check_note(case.text or "", context)
    except InputError as exc:
        seconds = time.perf_counter() - started
        wanted = case.expect.error
        if wanted is not None and wanted in str(exc):
            return Result(name, path, line, True, [], [], seconds=seconds)
        problem = (f"refused: {exc}" if wanted is None else f"expected an error with '{wanted}', got: {exc}")
        return Result(name, path, line, False, [problem], [], error=str(exc), seconds=seconds)
    seconds = time.perf_counter() - started
    fired = [r.rule for r in decision.reasons]
    problems = _compare(case.expect, decision, fired)
    if case.text is not None:
        problems += _spans(case.text, case.expect, decision)
    return Result(name, path, line, not problems, problems, fired, seconds=seconds)


def _spans(text: str, expect: Expect, decision: Any) -> list[str]:
    """Every evidence span is an offset into the text as written, in order; expect.spans holds."""
    problems = []
    for reason in decision.reasons:
        spans = list(reason.evidence.get("spans", []))
        if spans != sorted(spans, key=lambda s: (s["start"], s["end"])):
            problems.append(f"{reason.rule}: evidence spans out of order")
        for span in spans:
            if text[span["start"]:span["end"]] != span["text"]:
                problems.append(f"{reason.rule}: evidence span {span['start']}:{span['end']} says "
                                f"'{span['text']}', the text there is '{text[span['start']:span['end']]}'")
        wanted = expect.spans.get(reason.rule)
        if wanted is not None:
            got = [span["text"] for span in spans]
            if got != wanted:
                problems.append(f"{reason.rule}: expected spans {wanted}, got {got}")
    fired = {reason.rule for reason in decision.reasons}
    for rule in expect.spans:
        if rule not in fired:
            problems.append(f"expected spans of {rule}, which did not fire")
    return problems


def _compare(expect: Expect, decision: Any, fired: list[str]) -> list[str]:
    problems = []
    if expect.error is not None:
        problems.append(f"expected an error with '{expect.error}', got a decision")
    if expect.allowed is not None and decision.allowed != expect.allowed:
        problems.append(f"expected {'allowed' if expect.allowed else 'denied'}, got "
                        f"{'allowed' if decision.allowed else 'denied'} (fired: {', '.join(fired) or 'none'})")
    missing = [r for r in expect.fires if r not in fired]
    if missing:
        problems.append(f"expected {', '.join(missing)} to fire; fired: {', '.join(fired) or 'none'}")
    unwanted = [r for r in expect.not_fires if r in fired]
    if expect.only:
        unwanted += [r for r in fired if r not in expect.fires and r not in unwanted]
    if unwanted:
        problems.append(f"expected {', '.join(unwanted)} not to fire")
    for name in ("judged_in", "denied_in"):
        wanted_zones = getattr(expect, name)
        if wanted_zones is None:
            continue
        zones = decision.zones
        if zones is None:
            problems.append(f"expected {name} {', '.join(wanted_zones)}, but the attempt was not judged in the "
                            "pack's candidate zones (it sent timezone, or the pack has no zones:)")
        elif set(zones[name]) != set(wanted_zones):
            problems.append(f"expected {name} {', '.join(sorted(wanted_zones)) or 'none'}, got "
                            f"{', '.join(sorted(zones[name])) or 'none'}")
    if expect.next_allowed_at != "unset":
        got = decision.next_allowed_at
        if expect.next_allowed_at is None:
            if got is not None:
                problems.append(f"expected next_allowed_at null, got {got.isoformat()}")
        else:
            try:
                wanted = instant(expect.next_allowed_at)
            except ClockError as exc:
                problems.append(f"expect.next_allowed_at: {exc}")
            else:
                if got is None or got != wanted:
                    problems.append(f"expected next_allowed_at {expect.next_allowed_at}, got "
                                    f"{got.isoformat() if got else 'null'}")
    return problems


def coverage(reports: list[FileReport]) -> list[tuple[FileReport, list[str]]]:
    """Rules of each policy (any client) that no case of any of its case files made fire,
    with the first case file of the policy."""
    by_policy: dict[Any, list[FileReport]] = {}
    for report in reports:
        key = report.policy_path.resolve() if report.policy_path is not None else id(report.policy)
        by_policy.setdefault(key, []).append(report)
    out = []
    for group in by_policy.values():
        fired = {rule for report in group for result in report.results for rule in result.fired}
        uncovered = [rule for rule in group[0].policy.all_rule_ids() if rule not in fired]
        if uncovered:
            out.append((group[0], uncovered))
    return out


_KEYWORD_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def keyword_filter(expr: str) -> Callable[[Case], bool]:
    """``-k``: words joined by and, or, not and parentheses; a word selects a case whose name,
    or one of whose expected rules (fires, not_fires), contains it (case-insensitive)."""
    tokens: list[str] = _KEYWORD_TOKEN.findall(expr)
    pos = 0

    def bad(why: str) -> CollectguardError:
        return CollectguardError(f"-k {expr!r}: {why} (words of case names or rule ids, joined by and, or, "
                                 "not and parentheses)")

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def either() -> Callable[[Case], bool]:
        parts = [both()]
        while peek() == "or":
            take()
            parts.append(both())
        return parts[0] if len(parts) == 1 else (lambda c: any(p(c) for p in parts))

    def both() -> Callable[[Case], bool]:
        parts = [negated()]
        while peek() == "and":
            take()
            parts.append(negated())
        return parts[0] if len(parts) == 1 else (lambda c: all(p(c) for p in parts))

    def negated() -> Callable[[Case], bool]:
        if peek() == "not":
            take()
            inner = negated()
            return lambda c: not inner(c)
        return atom()

    def atom() -> Callable[[Case], bool]:
        token = peek()
        if token is None:
            raise bad("the expression ends too early")
        if token in ("and", "or", ")"):
            raise bad(f"'{token}' where a word or '(' belongs")
        take()
        if token == "(":
            inner = either()
            if peek() != ")":
                raise bad("a '(' is not closed")
            take()
            return inner
        word = token.lower()
        return lambda c: word in c.title.lower() or any(word in r.lower() for r in c.expect.fires + c.expect.not_fires)

    if not tokens:
        raise bad("the expression is empty")
    select = either()
    if pos < len(tokens):
        raise bad(f"'{tokens[pos]}' after a complete expression")
    return select


def case_files(paths: list[str]) -> list[Path]:
    """Case files named directly, or the *.tests.yaml files in a directory (recursively)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(path.rglob("*.tests.yaml"))
        elif path.exists():
            found.append(path)
        else:
            raise CollectguardError(f"{raw}: no such file or directory")
    return found
