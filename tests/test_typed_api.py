"""The typed API: models accept what the dict form accepts, raise InputError, and type-check."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import typing

import pytest
from pydantic import ValidationError

import collectguard
from collectguard import Attempt, HistoryEntry, InputError, NoteContext
from collectguard.cli import main
from conftest import NUMBER, PACK, ROOT, call

EXAMPLE = ROOT / "examples" / "typed_api.py"


def test_a_model_takes_at_as_text_and_leaves_optional_fields_out(pack) -> None:
    attempt = Attempt(at="2026-11-23T21:30:00+08:00", channel="call", party="third_party", contact=NUMBER,
                      facts={"recorded": True, "dedicated_line": True})
    assert attempt.at.isoformat() == "2026-11-23T21:30:00+08:00" and attempt.relation is None
    assert Attempt(at="20261123T213000Z", channel="call", party="debtor", contact="x").at.isoformat() == \
        "2026-11-23T21:30:00+00:00"  # forms only dateutil reads, as the dict form does
    as_dict = call("2026-11-23T21:30:00+08:00", party="third_party")
    assert pack.check_attempt(attempt).to_dict() == pack.check_attempt(as_dict).to_dict()
    entry = HistoryEntry(at="2026-11-23T21:00:00+08:00", channel="call", party="third_party", contact=NUMBER,
                         outcome="no_answer")
    assert entry.direction is None and entry.reached is None
    assert NoteContext(party="debtor").relation is None


def test_a_history_entry_needs_only_at_and_channel_as_the_dict_form(pack) -> None:
    # The dict form counts an entry that does not say its party; so does the model.
    dicts = [{"at": "2026-11-23T21:00:00+08:00", "channel": "call", "contact": NUMBER, "outcome": "no_answer"},
             {"at": "2026-11-23T21:10:00+08:00", "channel": "call", "contact": NUMBER}]
    models = [HistoryEntry(**d) for d in dicts]  # type: ignore[arg-type]
    assert models[0].party is None and models[1].outcome is None
    attempt = call("2026-11-23T21:30:00+08:00")
    by_dicts, by_models = pack.check_attempt(attempt, dicts), pack.check_attempt(attempt, models)
    assert by_models.to_dict() == by_dicts.to_dict() and by_models.denied_by == ["third-party-hourly-cap"]
    # Without the field a cap counts by, both forms are refused alike when the cap would count it.
    bare = {"at": "2026-11-23T21:00:00+08:00", "channel": "call", "outcome": "no_answer"}
    messages = []
    for history in ([bare], [HistoryEntry(**bare)]):  # type: ignore[arg-type]
        with pytest.raises(InputError) as exc:
            pack.check_attempt(attempt, history)
        messages.append(str(exc.value))
    assert messages[0] == messages[1] and messages[0].startswith("history[0].contact: missing; rule ")
    assert set(collectguard.HistoryEntryDict.__required_keys__) == {"at", "channel"}


def test_a_note_without_a_context_is_an_input_error_saying_what_to_pass(pack) -> None:
    for context in (None, {}):
        with pytest.raises(InputError) as exc:
            pack.check_note("您好，请尽快还款", context)
        assert not isinstance(exc.value, ValidationError) and "\n" not in str(exc.value)
        assert str(exc.value).startswith("context: missing" if context is None else "context.party: missing party")
    with pytest.raises(InputError, match=r'^context: missing: .*\{"party": "debtor"\}'):
        pack.check_note("您好，请尽快还款")


@pytest.mark.parametrize("build, message", [
    (lambda: Attempt(at="2026-11-23T21:30:00", channel="call", party="debtor", contact="x"),
     "Attempt.at: '2026-11-23T21:30:00' has no UTC offset"),
    (lambda: Attempt(at="soon", channel="call", party="debtor", contact="x"), "Attempt.at: 'soon' is not an ISO 8601"),
    (lambda: Attempt(at="1800-01-01T00:00:00Z", channel="call", party="debtor", contact="x"), "outside the years"),
    (lambda: Attempt(at="2026-11-23T21:30:00Z", channel="fax", party="debtor", contact="x"),  # type: ignore[arg-type]
     "Attempt.channel: unknown channel 'fax'"),
    (lambda: Attempt(at="2026-11-23T21:30:00Z", channel="call", party="debtor", contact=""),
     "Attempt.contact: missing"),
    (lambda: Attempt(at="2026-11-23T21:30:00Z", channel="call", party="debtor", contact="x", timezone="EST"),
     "Attempt.timezone:"),
    (lambda: Attempt(at="2026-11-23T21:30:00Z", channel="call", party="debtor", contact="x", chanel="x"),  # type: ignore[call-arg]
     "Attempt.chanel: unknown field (did you mean 'channel'?)"),
    (lambda: Attempt(at="2026-11-23T21:30:00Z", channel="call", party="debtor", contact="x", facts=[1]),  # type: ignore[arg-type]
     "Attempt.facts: expected an object"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z", channel="call", party="debtor", contact="x", outcome="answerd"),  # type: ignore[arg-type]
     "HistoryEntry.outcome: unknown outcome 'answerd'"),
    (lambda: HistoryEntry(at="2026-11-23T21:30", channel="call", party="debtor", contact="x"), "HistoryEntry.at:"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00", channel="call"), "HistoryEntry.at: '2026-11-23T21:30:00' has no "
     "UTC offset"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z"), "HistoryEntry.channel: missing channel"),  # type: ignore[call-arg]
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z", channel="call", party="boss"),  # type: ignore[arg-type]
     "HistoryEntry.party: unknown party 'boss'"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z", channel="call", contact=""), "HistoryEntry.contact: expected"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z", channel="call", timezone="EST"), "HistoryEntry.timezone:"),
    (lambda: HistoryEntry(at="2026-11-23T21:30:00Z", channel="call", relation="cousin"),  # type: ignore[arg-type]
     "HistoryEntry.relation: unknown relation 'cousin'"),
    (lambda: NoteContext(), "NoteContext.party: missing party"),  # type: ignore[call-arg]
    (lambda: NoteContext(party="debtor", relation="cousin"), "NoteContext.relation: unknown relation 'cousin'"),  # type: ignore[arg-type]
    (lambda: Attempt.model_validate({"at": "2026-11-23T21:30:00", "channel": "call", "party": "debtor",
                                     "contact": "x"}),
     "Attempt.at: '2026-11-23T21:30:00' has no UTC offset"),
    (lambda: Attempt.model_validate(["not", "a", "mapping"]), "Attempt:"),
    (lambda: Attempt.model_validate_json('{"at": "2026-11-23T21:30:00Z", "at": "x"}'), "duplicate key 'at'"),
    (lambda: NoteContext.model_validate_json('{"party": "debtor", "facts": 3}'), "NoteContext.facts:"),
])
def test_a_model_refuses_bad_input_with_input_error(build, message) -> None:
    with pytest.raises(InputError) as exc:
        build()
    assert message in str(exc.value) and "\n" not in str(exc.value)
    assert not isinstance(exc.value, ValidationError)


def test_check_note_without_a_context_says_what_to_pass(pack, capsys) -> None:
    with pytest.raises(InputError) as exc:
        pack.check_note("您好")
    assert str(exc.value).startswith("context: missing") and '{"party": "debtor"}' in str(exc.value)


def test_cli_check_note_without_a_context(capsys, tmp_path) -> None:
    request = tmp_path / "note.json"
    request.write_text(json.dumps({"text": "您好"}), encoding="utf-8")
    code = main(["check-note", "--policy", str(PACK), str(request)])
    err = capsys.readouterr().err
    assert code == 2 and "context: missing" in err and err.count("\n") == 1


def _keyword_names(model: str) -> list[str]:
    """The keyword arguments of a model's __init__ as declared for type checkers."""
    tree = ast.parse((ROOT / "src" / "collectguard" / "_models.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == model:
            for inner in ast.walk(node):
                if isinstance(inner, ast.FunctionDef) and inner.name == "__init__":
                    return [a.arg for a in inner.args.kwonlyargs]
    raise AssertionError(f"no typed __init__ in {model}")


@pytest.mark.parametrize("model, typed", [
    (collectguard.Attempt, collectguard.AttemptDict),
    (collectguard.HistoryEntry, collectguard.HistoryEntryDict),
    (collectguard.NoteContext, collectguard.NoteContextDict),
])
def test_typed_dicts_and_signatures_match_the_models(model, typed) -> None:
    fields = model.model_fields
    assert set(typing.get_type_hints(typed)) == set(fields)
    assert set(typed.__required_keys__) == {name for name, f in fields.items() if f.is_required()}
    assert set(_keyword_names(model.__name__)) == set(fields)


def test_the_typed_example_runs() -> None:
    spec = importlib.util.spec_from_file_location("typed_api", EXAMPLE)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.main()


BAD_USAGE = '''
from collectguard import Attempt, AttemptDict, NoteContextDict
a: AttemptDict = {"at": "2026-11-23T21:30:00+08:00", "chanel": "call", "party": "debtor", "contact": "x"}
b: AttemptDict = {"at": "2026-11-23T21:30:00+08:00", "channel": "fax", "party": "debtor", "contact": "x"}
c = Attempt(at=5, channel="call", party="debtor", contact="x")
d: NoteContextDict = {"relation": "sibling"}
'''


def test_the_typed_example_passes_mypy_strict_and_misuse_fails(tmp_path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the test extra)")
    bad = tmp_path / "bad_usage.py"
    bad.write_text(BAD_USAGE, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}

    def mypy(path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                               "--cache-dir", str(tmp_path / "cache"), str(path)],
                              capture_output=True, text=True, env=env, timeout=300)

    good = mypy(EXAMPLE)
    assert good.returncode == 0, good.stdout + good.stderr
    result = mypy(bad)
    assert result.returncode == 1
    for line, code in ((3, "typeddict-unknown-key"), (4, "typeddict-item"), (5, "arg-type"), (6, "typeddict-item")):
        assert f"bad_usage.py:{line}: error:" in result.stdout and f"[{code}]" in result.stdout, result.stdout
