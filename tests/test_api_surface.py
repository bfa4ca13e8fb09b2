"""The public API: the names collectguard exports, and that each says it is collectguard's."""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys
import typing

import pytest

import collectguard
from conftest import ROOT

EXPORTED = [
    "Attempt", "AttemptDict", "AuditSummary", "CollectguardError", "Decision", "HistoryEntry",
    "HistoryEntryDict", "InputError", "NoteContext", "NoteContextDict", "PlanSummary", "Policy",
    "PolicyError", "PolicyRef", "Reason", "RuleTrace", "Session", "audit", "audit_records", "json_schema",
    "load_policy", "parse_policy", "plan"]


def test_the_exported_names() -> None:
    assert collectguard.__all__ == EXPORTED
    assert all(hasattr(collectguard, name) for name in collectguard.__all__)
    # A literal list, so that type checkers see what is exported.
    tree = ast.parse((ROOT / "src" / "collectguard" / "__init__.py").read_text(encoding="utf-8"))
    assigned = [n.value for n in tree.body
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id == "__all__"]
    assert len(assigned) == 1 and isinstance(assigned[0], ast.List)
    assert [e.value for e in assigned[0].elts if isinstance(e, ast.Constant)] == EXPORTED


def test_a_star_import_brings_the_exported_names_only() -> None:
    namespace: dict[str, object] = {}
    exec("from collectguard import *", namespace)
    assert sorted(set(namespace) - {"__builtins__"}) == sorted(EXPORTED)


@pytest.mark.parametrize("name", EXPORTED)
def test_a_public_object_says_it_is_collectguards(name: str) -> None:
    obj = getattr(collectguard, name)
    assert obj.__module__ == "collectguard"
    assert getattr(sys.modules[obj.__module__], obj.__qualname__) is obj
    typing.get_type_hints(obj)  # its annotations still resolve (those of classes were written as text)


def test_public_objects_pickle_by_their_public_name() -> None:
    ref = collectguard.PolicyRef("p", "1", "sha256:0")
    assert pickle.loads(pickle.dumps(ref)) == ref
    assert pickle.loads(pickle.dumps(collectguard.load_policy)) is collectguard.load_policy
    error = pickle.loads(pickle.dumps(collectguard.InputError("attempt.at: missing")))
    assert type(error) is collectguard.InputError and str(error) == "attempt.at: missing"


def test_a_traceback_names_the_public_module() -> None:
    code = "import collectguard; raise collectguard.InputError('attempt.at: missing')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stderr.splitlines()[-1] == "collectguard.InputError: attempt.at: missing"
