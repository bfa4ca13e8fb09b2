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
input to be refused with a message containing that text; ``expect.judged_in`` and
``expect.denied_in`` name the candidate zones an attempt without timezone was judged in and
those a denying rule fired in (a case drops the defaults' zone with ``timezone: null``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._clock import ClockError, instant
from ._errors import CollectguardError, InputError, PolicyError
from ._policy import Policy, load_policy
from ._spec import translate, vocabulary
from ._yaml import load


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    allowed: Union[bool, None] = Field(None, description="the decision")
    fires: list[str] = Field(default_factory=list, description="rules that must be among the reasons")
    not_fires: list[str] = Field(default_factory=list, description="rules that must not be")
    only: bool = Field(False, description="fires lists every rule that fires, no others")
    next_allowed_at: Union[str, None] = Field("unset", description="the earliest allowed instant, or null")
    error: Union[str, None] = Field(None, description="the input must be refused with this in the message")
    judged_in: Union[list[str], None] = Field(None, description="an attempt without timezone: the pack's "
                                              "candidate zones it was judged in (in any order)")
    denied_in: Union[list[str], None] = Field(None, description="an attempt without timezone: the candidate "
                                              "zones in which a denying rule fired (in any order)")


class Case(_Strict):
    name: str = Field(min_length=1)
    client: Union[str, None] = None
    region: Union[str, None] = None
    attempt: Union[dict[str, Any], None] = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    text: Union[str, None] = None
    context: Union[dict[str, Any], None] = None
    expect: Expect

    @model_validator(mode="after")
    def _one_subject(self) -> "Case":
        if (self.attempt is None) == (self.text is None):
            raise ValueError("a case has either attempt (with history) or text (with context)")
        if self.text is not None and self.history:
            raise ValueError("history belongs to attempt cases")
        return self


class Defaults(_Strict):
    attempt: dict[str, Any] = Field(default_factory=dict)
    history: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)


class CaseFile(_Strict):
    policy: str = Field(description="the policy file, relative to this file")
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


@dataclass
class FileReport:
    path: str
    policy: Policy
    results: list[Result] = field(default_factory=list)


def run_file(path: str | Path) -> FileReport:
    """Run every case of a case file; PolicyError (with file:line) when the file is broken."""
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
    policy = load_policy(policy_path)
    known = set(policy.all_rule_ids())
    report = FileReport(name, policy)
    for i, case in enumerate(spec.cases):
        line = doc.position(("cases", i))[0]
        for rule in case.expect.fires + case.expect.not_fires:
            if rule not in known:
                raise PolicyError(f"cases[{i}] '{case.name}': no rule '{rule}' in {spec.policy}", path=name,
                                  line=line, check="unknown-rule")
        report.results.append(_run(policy, spec.defaults, case, name, line))
    return report


def _merged(default: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A case's fields over the defaults; facts merge name by name (a case that sends one
    fact keeps the defaults' others)."""
    merged = {**default, **given}
    if isinstance(default.get("facts"), dict) and isinstance(given.get("facts"), dict):
        merged["facts"] = {**default["facts"], **given["facts"]}
    return merged


def _run(policy: Policy, defaults: Defaults, case: Case, path: str, line: int | None) -> Result:
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
            context = _merged(defaults.context, case.context or {})
            if case.client is not None:
                context["client"] = case.client
            if case.region is not None:
                context["region"] = case.region
            decision = policy.check_note(case.text or "", context)
    except InputError as exc:
        seconds = time.perf_counter() - started
        wanted = case.expect.error
        if wanted is not None and wanted in str(exc):
            return Result(case.name, path, line, True, [], [], seconds=seconds)
        problem = (f"refused: {exc}" if wanted is None else f"expected an error with '{wanted}', got: {exc}")
        return Result(case.name, path, line, False, [problem], [], error=str(exc), seconds=seconds)
    seconds = time.perf_counter() - started
    fired = [r.rule for r in decision.reasons]
    problems = _compare(case.expect, decision, fired)
    return Result(case.name, path, line, not problems, problems, fired, seconds=seconds)


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


def coverage(report: FileReport, *others: FileReport) -> list[str]:
    """Rules of the policy (any client) that no passing case made fire, in this file or in
    the others given (other case files of the same policy)."""
    fired = {rule for r in (report, *others) for result in r.results for rule in result.fired}
    rules = report.policy.all_rule_ids()
    return [rule for rule in rules if rule not in fired]


def by_policy(reports: list[FileReport]) -> list[list[FileReport]]:
    """Reports grouped by the policy they test (its digest), in the order first seen: a
    pack's cases may be split over several files."""
    groups: dict[str, list[FileReport]] = {}
    for report in reports:
        groups.setdefault(report.policy.digest, []).append(report)
    return list(groups.values())


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
