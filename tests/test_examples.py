"""Every case file under rules/ (the packs' attempt cases and their text examples), one
test per case, run by the code `collectguard test` runs. A todo case that fails is an
expected failure; one that passes is reported by `collectguard test`."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectguard._casefile import CaseSet, case_files, load_cases, run_case
from collectguard._policy import Policy
from conftest import ROOT

_POLICIES: dict[Path, Policy] = {}


def _load(path: Path) -> CaseSet:
    cases, problems = load_cases(path, _POLICIES)
    assert cases is not None, "\n".join(p.one_line() for p in problems)
    return cases


SETS = [_load(path) for path in case_files([str(ROOT / "rules")])]
CASES = [(cases, i) for cases in SETS for i in range(len(cases.spec.cases))]


def _id(item: tuple[CaseSet, int]) -> str:
    cases, i = item
    return f"{Path(cases.path).relative_to(ROOT / 'rules')}:{cases.lines[i]}:{cases.spec.cases[i].title[:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case: tuple[CaseSet, int]) -> None:
    result = run_case(*case)
    if result.todo is not None and not result.passed:
        pytest.xfail(f"todo: {result.todo}")
    assert result.passed, f"{result.file}:{result.line}: {result.name}\n" + "\n".join(result.problems)


def test_every_text_rule_has_examples_both_ways() -> None:
    """Each text rule of each pack has an example that fires it and one that must not."""
    for path in {cases.policy_path.resolve() for cases in SETS}:
        sets = [cases for cases in SETS if cases.policy_path.resolve() == path]
        policy = sets[0].policy
        texts = [c for s in sets for c in s.spec.cases if c.text is not None]
        for rule in (r.id for r in policy._base.text):
            assert any(rule in c.expect.fires for c in texts), (path.name, rule, "no example fires it")
            assert any(rule in c.expect.not_fires or (c.expect.only and rule not in c.expect.fires)
                       for c in texts), (path.name, rule, "no example must leave it silent")
