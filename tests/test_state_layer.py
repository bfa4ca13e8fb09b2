"""The Massachusetts layer (rules/us-ma.yaml) on us-reg-f decides as the same rules written in
one file; a layer's region overlays, require_region and `show --region`."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import collectguard
from collectguard._casefile import CaseFile, _merged
from collectguard.cli import main
from conftest import ROOT

LAYER = ROOT / "rules" / "us-ma.yaml"
BASE = ROOT / "rules" / "us-reg-f.yaml"


def _one_file(folder: Path) -> Path:
    """us-reg-f with us-ma's settings, facts and overlays written into it: one pack, no extends."""
    base = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    layer = yaml.safe_load(LAYER.read_text(encoding="utf-8"))
    one = dict(base)
    for key in ("id", "version", "title", "require_region"):
        one[key] = layer[key]
    one["facts"] = {**base["facts"], **layer["facts"]}
    one["overlays"] = layer["overlays"]
    assert not set(layer) - {"id", "version", "title", "require_region", "extends", "facts", "overlays"}
    path = folder / "us-ma-one-file.yaml"
    path.write_text(yaml.safe_dump(one, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[collectguard.Policy, collectguard.Policy]:
    one = collectguard.load_policy(_one_file(tmp_path_factory.mktemp("one")))
    layered = collectguard.load_policy("us-ma")
    assert [la.id for la in layered.layers] == ["us-reg-f", "us-ma"] and len(one.layers or ()) <= 1
    return layered, one


def _decide(policy: collectguard.Policy, attempt: dict[str, Any], history: list[dict[str, Any]]) -> Any:
    """The decision without the policy's identity (its digest and layers differ by design)."""
    try:
        decision = policy.check_attempt(attempt, history).to_dict()
    except collectguard.InputError as exc:
        return ("refused", str(exc))
    ref = decision.pop("policy")
    return decision, ref.get("client"), ref.get("region")


def _case_inputs(path: Path) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    spec = CaseFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    out = []
    for case in spec.cases:
        attempt = _merged(spec.defaults.attempt, case.attempt or {})
        for key in ("client", "region"):
            if getattr(case, key) is not None:
                attempt[key] = getattr(case, key)
        out.append((case.title, attempt, [_merged(spec.defaults.history, e) for e in case.history]))
    return out


def test_every_case_of_both_case_files_is_decided_alike(both) -> None:
    layered, one = both
    inputs = _case_inputs(ROOT / "rules" / "us-ma.tests.yaml")
    # us-reg-f's cases, in Massachusetts and where they were written
    for name, attempt, history in _case_inputs(ROOT / "rules" / "us-reg-f.tests.yaml"):
        inputs.append((name, attempt, history))
        inputs.append((name + " (US-MA)", {**attempt, "region": "US-MA"}, history))
    assert len(inputs) > 150
    for name, attempt, history in inputs:
        assert _decide(layered, attempt, history) == _decide(one, attempt, history), name


START = datetime(2026, 10, 20, 12, tzinfo=timezone.utc)  # the weeks around New York's fall-back
SPAN = 40 * 86400


@st.composite
def massachusetts(draw):
    """An attempt and a month of history for one debtor: calls and texts both ways, to
    numbers of each kind or of none, some at the debtor's request, some about another debt."""
    kinds = st.sampled_from(["personal", "personal", "workplace", "other", None])
    at = draw(st.integers(30 * 86400, SPAN))
    # Most entries in the eight days before the attempt, so that the caps bind often.
    when = st.one_of(st.integers(at - 8 * 86400, at + 3600), st.integers(at - 8 * 86400, at + 3600),
                     st.integers(0, SPAN))
    entries = draw(st.lists(st.fixed_dictionaries({
        "at": when,
        "channel": st.sampled_from(["call", "call", "sms"]),
        "direction": st.sampled_from(["outbound", "outbound", "inbound", None]),
        "outcome": st.sampled_from(["no_answer", "answered", "busy", "voicemail", None]),
        "reached": st.sampled_from(["person", "someone_else", "machine", None]),
        "kind": kinds,
        "request": st.sampled_from([False, False, False, True]),
        "account": st.sampled_from(["acct-1", "acct-1", "acct-1", "acct-2"]),
    }), max_size=12))
    facts: dict[str, Any] = {"contact_type": draw(kinds),
                             "at_consumer_request": draw(st.sampled_from([False, False, False, True]))}
    attempt = {"at": (START + timedelta(seconds=at)).isoformat(), "channel": draw(st.sampled_from(["call", "sms"])),
               "party": "debtor", "contact": "+1-617-555-0100", "party_id": "debtor-1", "account": "acct-1",
               "timezone": "America/New_York", "region": draw(st.sampled_from(["US-MA", "US-MA", "US-NY"])),
               "facts": {k: v for k, v in facts.items() if v is not None}}
    history = []
    for e in entries:
        item: dict[str, Any] = {"at": (START + timedelta(seconds=e["at"])).isoformat(), "channel": e["channel"],
                                "party": "debtor", "contact": "+1-617-555-0100", "party_id": "debtor-1",
                                "account": e["account"], "timezone": "America/New_York",
                                "facts": {"at_consumer_request": e["request"]}}
        for key in ("direction", "outcome", "reached"):
            if e[key] is not None:
                item[key] = e[key]
        if e["kind"] is not None:
            item["facts"]["contact_type"] = e["kind"]
        history.append(item)
    return attempt, history


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(massachusetts())
def test_random_histories_are_decided_alike(both, drawn) -> None:
    layered, one = both
    attempt, history = drawn
    assert _decide(layered, attempt, history) == _decide(one, attempt, history)


def test_the_layer_names_both_files_and_the_state_rules_apply_only_in_the_state() -> None:
    policy = collectguard.load_policy("us-ma")
    base = collectguard.load_policy("us-reg-f")
    ma = {"at": "2026-06-10T10:00:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-617-555-0100",
          "party_id": "d", "account": "a", "timezone": "America/New_York", "region": "US-MA",
          "facts": {"contact_type": "personal"}}
    history = [{**ma, "at": f"2026-06-0{day}T10:00:00-04:00", "direction": "outbound", "outcome": "no_answer"}
               for day in (8, 9)]
    for item in history:
        item.pop("region")
    decision = policy.check_attempt(ma, history)
    assert decision.denied_by == ["ma-personal-phone-2-in-7"]
    ref = decision.to_dict()["policy"]
    assert ref["region"] == "US-MA" and [la["id"] for la in ref["layers"]] == ["us-reg-f", "us-ma"]
    assert ref["layers"][0]["digest"] == base.digest
    assert policy.check_attempt({**ma, "region": "US-NY"}, history).allowed
    assert base.check_attempt({**ma, "region": "US-MA"}, history).allowed  # the base has no state rules
    with pytest.raises(collectguard.InputError, match="attempt.region: missing"):
        policy.check_attempt({k: v for k, v in ma.items() if k != "region"}, history)
    assert base.check_attempt({k: v for k, v in ma.items() if k != "region"}, history).allowed


def test_a_layer_sets_require_region_and_a_bank_layer_stacks_on_the_state(tmp_path) -> None:
    (tmp_path / "bank.yaml").write_text(
        'id: acme\nversion: "1"\nextends: us-ma\nrequire_region: false\n'
        "overlays:\n  - client: acme\n    rules:\n      inconvenient-hours: {params: {from: \"09:00\"}}\n",
        encoding="utf-8")
    policy = collectguard.load_policy(tmp_path / "bank.yaml")
    assert [la.id for la in policy.layers] == ["us-reg-f", "us-ma", "acme"]
    early = {"at": "2026-06-10T08:30:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-617-555-0100",
             "party_id": "d", "account": "a", "timezone": "America/New_York", "client": "acme",
             "facts": {"contact_type": "personal"}}
    assert policy.check_attempt(early).denied_by == ["inconvenient-hours"]  # no region needed any more
    assert policy.check_attempt({**early, "at": "2026-06-10T09:00:00-04:00", "region": "US-MA"}).allowed
    (tmp_path / "bad.yaml").write_text('id: bad\nversion: "1"\nextends: us-ma\nrequire_region: "yes"\n',
                                       encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match="require_region") as caught:
        collectguard.load_policy(tmp_path / "bad.yaml")
    assert caught.value.line == 4


def test_a_layer_overlay_for_the_same_regions_as_one_below_is_refused(tmp_path) -> None:
    (tmp_path / "again.yaml").write_text(
        'id: again\nversion: "1"\nextends: us-ma\noverlays:\n  - regions: [US-MA]\n'
        "    rules:\n      inconvenient-hours: {params: {from: \"09:00\"}}\n", encoding="utf-8")
    with pytest.raises(collectguard.PolicyError) as caught:
        collectguard.load_policy(tmp_path / "again.yaml")
    assert "overlays[0].regions: the packs below have an overlay for regions US-MA" in str(caught.value)
    assert caught.value.path == str(tmp_path / "again.yaml") and caught.value.line == 5
    # another state's overlay in a layer above joins the one below
    (tmp_path / "ny.yaml").write_text(
        'id: ny\nversion: "1"\nextends: us-ma\noverlays:\n  - regions: [US-NY]\n'
        "    rules:\n      inconvenient-hours: {params: {from: \"09:00\"}}\n", encoding="utf-8")
    policy = collectguard.load_policy(tmp_path / "ny.yaml")
    ny = {"at": "2026-06-10T08:30:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-212-555-0100",
          "party_id": "d", "account": "a", "timezone": "America/New_York", "region": "US-NY",
          "facts": {"contact_type": "personal"}}
    assert policy.check_attempt(ny).denied_by == ["inconvenient-hours"]
    assert policy.check_attempt({**ny, "region": "US-MA"}).allowed


def test_show_prints_the_rules_for_a_region(capsys) -> None:
    assert main(["show", "--policy", "us-ma", "--region", "US-MA", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in shown["policy"]["rules"]]
    assert ids[-2:] == ["ma-personal-phone-2-in-7", "ma-workplace-2-in-30"] and "overlays" not in shown["policy"]
    assert [la["id"] for la in shown["layers"]] == ["us-reg-f", "us-ma"]
    assert main(["show", "--policy", "us-ma", "--region", "US-NY", "--format", "json"]) == 0
    assert not any(r["id"].startswith("ma-") for r in json.loads(capsys.readouterr().out)["policy"]["rules"])
    assert main(["show", "--policy", "us-ma"]) == 0
    assert "overlays:\n- regions: [US-MA]" in capsys.readouterr().out  # neither given: as written
    assert main(["show", "--policy", "us-ma", "--client", "acme"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--region: missing" in err


@pytest.mark.parametrize("region, hint", [
    ("MA", "did you mean 'US-MA'?"), ("us-ma", "did you mean 'US-MA'?"), ("US-MA ", "did you mean 'US-MA'?"),
    ("", "this pack knows"), ("US-XX", "did you mean"), ("US-ZZ", "did you mean"),
])
def test_a_misspelt_or_unknown_region_is_refused_not_read_as_everywhere(region: str, hint: str) -> None:
    # A region the overlays do not name would get the rules for everywhere: a misspelt
    # US-MA must not lose the state's caps.
    attempt = {"at": "2026-06-10T10:00:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-617-555-0100",
               "timezone": "America/New_York", "account": "A", "party_id": "P", "region": region}
    for pack in ("us-ma", "us-reg-f"):
        with pytest.raises(collectguard.InputError, match=f"attempt.region: unknown region .*{re.escape(hint)}"):
            collectguard.load_policy(pack).check_attempt(attempt)


def test_a_region_the_pack_lists_without_an_overlay_gets_the_rules_for_everywhere() -> None:
    attempt = {"at": "2026-06-10T10:00:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-212-555-0100",
               "timezone": "America/New_York", "account": "A", "party_id": "P", "region": "US-NY"}
    assert collectguard.load_policy("us-ma").check_attempt(attempt).allowed
    # A pack without a list of regions takes any region code, and refuses what is not one.
    card = {"at": "2026-06-10T10:00:00+08:00", "channel": "call", "party": "debtor", "contact": "+86-21-5555-0101",
            "facts": {"recorded": True, "dedicated_line": True}}
    assert collectguard.load_policy("cn-card-collection").check_attempt({**card, "region": "CN-SH"}).allowed
    with pytest.raises(collectguard.InputError, match="ISO 3166-2"):
        collectguard.load_policy("cn-card-collection").check_attempt({**card, "region": "shanghai"})
