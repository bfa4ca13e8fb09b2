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
defaults' facts. ``client`` and ``region`` on a case set the attempt's or context's client and region. ``expect.error`` expects the
input to be refused with a message containing that text.

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

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._clock import ClockError, instant
from ._errors import CollectguardError, InputError, PolicyError
from ._policy import Policy, load_policy
from ._spec import translate, vocabulary
from ._yaml import Document, load


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    allowed: Union[bool, None] = Field(None, description="the decision")
    fires: list[str] = Field(default_factory=list, description="rules that must be among the reasons")
    not_fires: list[str] = Field(default_factory=list, description="rules that must not be")
    only: bool = Field(False, description="fires lists every rule that fires, no others")
    next_allowed_at: Union[str, None] = Field("unset", description="the earliest allowed instant, or null")
    error: Union[str, None] = Field(None, description="the input must be refused with this in the message")
    spans: dict[str, list[str]] = Field(default_factory=dict,
                                        description="per rule, the texts of its evidence spans in order")


class Case(_Strict):
    name: Union[str, None] = Field(None, min_length=1, description="required of attempt cases; a text's defaults to the text")
    client: Union[str, None] = None
    region: Union[str, None] = None
    attempt: Union[dict[str, Any], None] = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    text: Union[str, None] = None
    context: Union[dict[str, Any], str, None] = Field(None, description="a context, or the name of one in contexts")
    expect: Expect
    todo: Union[str, None] = Field(None, min_length=1, description="a known gap: reported, not a failure")

    @model_validator(mode="after")
    def _one_subject(self) -> "Case":
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


@dataclass
class CaseSet:
    """A case file read and checked, its policy not yet loaded."""

    path: str
    doc: Document
    spec: CaseFile
    policy_path: Path

    def line(self, index: int) -> int | None:
        return self.doc.position(("cases", index))[0]


def read_file(path: str | Path) -> CaseSet:
    """A case file's cases; PolicyError (with file:line) when the file is broken."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read the case file: {exc.strerror or exc}", path=name, check="file") from None
    doc = load(text, name)
    try:
        spec = CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        raise translate(exc, doc, known_keys=_CASE_KEYS)[0] from None
    policy_path = Path(path).parent / spec.policy
    if not policy_path.exists():
        line, col = doc.position(("policy",))
        raise PolicyError(f"no policy file '{spec.policy}' beside the case file", path=name, line=line,
                          column=col, check="file", hint="give the policy's path relative to this file")
    for i, case in enumerate(spec.cases):
        if isinstance(case.context, str) and case.context not in spec.contexts:
            line, col = doc.position(("cases", i, "context"))
            raise PolicyError(f"cases[{i}] '{case.title}': no context '{case.context}' in contexts", path=name,
                              line=line, column=col, check="unknown-context",
                              hint=f"contexts: {', '.join(spec.contexts) or '(none)'}")
    return CaseSet(name, doc, spec, policy_path)


class Runner:
    """Runs cases, loading each policy once however many case files name it."""

    def __init__(self) -> None:
        self._policies: dict[Path, Policy] = {}
        self._sets: dict[str, CaseSet] = {}

    def case_set(self, path: str | Path) -> CaseSet:
        key = str(path)
        if key not in self._sets:
            self._sets[key] = read_file(path)
        return self._sets[key]

    def policy(self, cases: CaseSet) -> Policy:
        key = cases.policy_path.resolve()
        if key not in self._policies:
            self._policies[key] = load_policy(cases.policy_path)
        return self._policies[key]

    def run(self, cases: CaseSet, index: int) -> Result:
        """One case; PolicyError when it names a rule the policy does not have."""
        policy = self.policy(cases)
        case = cases.spec.cases[index]
        line = cases.line(index)
        known = set(policy.all_rule_ids())
        for rule in [*case.expect.fires, *case.expect.not_fires, *case.expect.spans]:
            if rule not in known:
                raise PolicyError(f"cases[{index}] '{case.title}': no rule '{rule}' in {cases.spec.policy}",
                                  path=cases.path, line=line, check="unknown-rule")
        return _run(policy, cases.spec, case, cases.path, line)

    def run_file(self, path: str | Path) -> FileReport:
        cases = self.case_set(path)
        report = FileReport(cases.path, self.policy(cases))
        report.results = [self.run(cases, i) for i in range(len(cases.spec.cases))]
        return report


def run_file(path: str | Path) -> FileReport:
    """Run every case of a case file; PolicyError (with file:line) when the file is broken."""
    return Runner().run_file(path)


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


def coverage(reports: list[FileReport]) -> list[tuple[str, list[str]]]:
    """Per policy, the rules (any client) that no case of any of the reports made fire."""
    fired: dict[str, set[str]] = {}
    policies: dict[str, Policy] = {}
    for report in reports:
        key = os.path.normpath(str(report.policy.path))
        policies.setdefault(key, report.policy)
        fired.setdefault(key, set()).update(rule for result in report.results for rule in result.fired)
    out = []
    for key, policy in policies.items():
        missing = [rule for rule in policy.all_rule_ids() if rule not in fired[key]]
        if missing:
            out.append((key, missing))
    return out


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
