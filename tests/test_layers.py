"""Layered packs: a file extends another and changes only what differs; errors in its own file."""

from __future__ import annotations

import json

import pytest

import collectguard
from collectguard.cli import main
from conftest import call

BANK = """\
id: acme-bank
version: "2026.1"
extends: cn-card-collection
changes:
  quiet-hours:
    params: {from: "09:00", until: "21:00"}
facts:
  vip: {type: boolean, meaning: a customer the bank handles itself, absent: false}
rules:
  - id: no-vip-calls
    kind: fact-block
    params: {facts: {vip: true}}
    message: The bank handles VIP customers itself.
    citation: Acme collection policy 3.1
"""


@pytest.fixture()
def bank(tmp_path):
    (tmp_path / "acme.yaml").write_text(BANK, encoding="utf-8")
    return tmp_path / "acme.yaml"


def test_a_layer_changes_and_adds_rules_over_the_shipped_pack(bank) -> None:
    policy = collectguard.load_policy(bank)
    early = policy.check_attempt(call("2026-11-23T08:30:00+08:00", party="debtor"))
    assert early.denied_by == ["quiet-hours"] and early.next_allowed_at.isoformat() == "2026-11-23T09:00:00+08:00"
    assert policy.check_attempt(call("2026-11-23T10:00:00+08:00", facts={"vip": True})).denied_by == ["no-vip-calls"]
    assert policy.check_attempt(call("2026-11-23T10:00:00+08:00")).allowed
    # the base's text rules and their model still work from the base's folder
    assert policy.check_note("您弟弟欠款三万", {"party": "third_party", "relation": "sibling"}).denied_by == [
        "third-party-disclosure"]
    ref = early.to_dict()["policy"]
    assert ref["id"] == "acme-bank" and [la["id"] for la in ref["layers"]] == ["cn-card-collection", "acme-bank"]
    base = collectguard.load_policy("cn-card-collection")
    assert ref["layers"][0]["digest"] == base.digest and ref["digest"] not in (base.digest, ref["layers"][1]["digest"])


def test_layers_stack_and_a_later_layer_wins(bank, tmp_path) -> None:
    (tmp_path / "branch.yaml").write_text('id: acme-branch\nversion: "1"\nextends: ./acme.yaml\n'
                                          "changes:\n  no-vip-calls: {enabled: false}\n", encoding="utf-8")
    policy = collectguard.load_policy(tmp_path / "branch.yaml")
    assert [la.id for la in policy.layers] == ["cn-card-collection", "acme-bank", "acme-branch"]
    assert policy.check_attempt(call("2026-11-23T10:00:00+08:00", facts={"vip": True})).allowed
    assert not policy.check_attempt(call("2026-11-23T08:30:00+08:00")).allowed  # the bank's hours stay


@pytest.mark.parametrize("body, message, line", [
    ("changes:\n  quiet-hour: {enabled: false}\n",
     "changes: no rule 'quiet-hour' in the packs below (did you mean 'quiet-hours'?)", 4),
    ("changes:\n  quiet-hours: {params: {from: 9}}\n", "changes.quiet-hours.params.from: expected text, got 9", 4),
    ("rules:\n  - id: quiet-hours\n    kind: fact-block\n    params: {facts: {stop_contact: true}}\n",
     "rule 'quiet-hours' is in the packs below", 5),
    ("rules:\n  - id: x\n    kind: fact-block\n    params: {facts: {vipp: true}}\n", "fact 'vipp' is not declared", 7),
    ("facts:\n  recorded: {type: string, meaning: m, absent: unknown}\n", "facts.recorded: declared differently", 5),
    ("chnages: {}\n", "unknown key 'chnages' (did you mean 'changes'?)", 4),
])
def test_a_layers_mistake_is_reported_in_its_own_file(tmp_path, body, message, line) -> None:
    path = tmp_path / "layer.yaml"
    path.write_text('id: l\nversion: "1"\nextends: cn-card-collection\n' + body, encoding="utf-8")
    with pytest.raises(collectguard.PolicyError) as caught:
        collectguard.load_policy(path)
    assert message in str(caught.value) and caught.value.path == str(path) and caught.value.line >= line - 1


def test_a_circle_and_a_missing_base_are_refused(tmp_path) -> None:
    (tmp_path / "a.yaml").write_text('id: a\nversion: "1"\nextends: ./b.yaml\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('id: b\nversion: "1"\nextends: ./a.yaml\n', encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match="extend each other in a circle"):
        collectguard.load_policy(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text('id: c\nversion: "1"\nextends: ./nowhere.yaml\n', encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match="no such policy file"):
        collectguard.load_policy(tmp_path / "c.yaml")


def test_show_prints_the_merged_policy_for_a_client(bank, capsys) -> None:
    assert main(["show", "--policy", str(bank), "--client", "example-bank", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    rules = {r["id"]: r for r in shown["policy"]["rules"]}
    assert rules["quiet-hours"]["params"] == {"from": "09:00", "until": "21:00"}  # the layer's change
    assert rules["sms-not-permitted"]["params"]["permitted"] is True            # the client's overlay
    assert "no-vip-calls" in rules and "overlays" not in shown["policy"]
    assert [la["id"] for la in shown["layers"]] == ["cn-card-collection", "acme-bank"]
    assert main(["show", "--policy", str(bank), "--client", "exmaple-bank"]) == 2
    assert "did you mean 'example-bank'" in capsys.readouterr().err


def test_lint_checks_a_layer_with_the_packs_below(tmp_path, capsys) -> None:
    path = tmp_path / "layer.yaml"
    path.write_text('id: l\nversion: "1"\nextends: cn-card-collection\nchanges:\n  quiet-hour: {enabled: false}\n',
                    encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    assert "no rule 'quiet-hour'" in capsys.readouterr().out
