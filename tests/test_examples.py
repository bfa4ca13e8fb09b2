"""Every case file under rules/ (the packs' attempt cases and their text examples), one
test per case, run by the code `collectguard test` runs. A todo case that fails is an
expected failure; one that passes is reported by `collectguard test`."""

from __future__ import annotations

import pytest

from collectguard._casefile import Runner, case_files, read_file
from conftest import ROOT

RUNNER = Runner()
FILES = case_files([str(ROOT / "rules")])
CASES = [(path, i) for path in FILES for i in range(len(read_file(path).spec.cases))]


def _id(item: tuple) -> str:
    path, i = item
    cases = RUNNER.case_set(path)
    return f"{path.relative_to(ROOT / 'rules')}:{cases.line(i)}:{cases.spec.cases[i].title[:40]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case: tuple) -> None:
    path, i = case
    result = RUNNER.run(RUNNER.case_set(path), i)
    if result.todo is not None and not result.passed:
        pytest.xfail(f"todo: {result.todo}")
    assert result.passed, f"{result.file}:{result.line}: {result.name}\n" + "\n".join(result.problems)


def test_every_text_rule_has_examples_both_ways() -> None:
    """Each text rule of each pack has an example that fires it and one that must not."""
    for path in {RUNNER.case_set(p).policy_path.resolve() for p in FILES}:
        sets = [RUNNER.case_set(p) for p in FILES if RUNNER.case_set(p).policy_path.resolve() == path]
        policy = RUNNER.policy(sets[0])
        texts = [c for s in sets for c in s.spec.cases if c.text is not None]
        for rule in (r.id for r in policy._base.text):
            assert any(rule in c.expect.fires for c in texts), (path.name, rule, "no example fires it")
            assert any(rule in c.expect.not_fires or (c.expect.only and rule not in c.expect.fires)
                       for c in texts), (path.name, rule, "no example must leave it silent")
