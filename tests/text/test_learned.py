"""A learned scorer beside a text rule's phrases: fires on new wording, names its evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import collectguard
from collectguard._scorer import features

MODEL = {
    "format": "collectguard-linear-1",
    "rules": {"threat": {"bias": -2.0, "weights": {
        "w:break": 1.5, "w:leg": 1.5, "w:break w:your w:leg": 1.0, "打 断": 2.0, "腿 打": 1.5, "w:lovely": -4.0}}},
}


def write(tmp_path: Path, learned: dict[str, Any], model: Any = MODEL) -> Path:
    (tmp_path / "m.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    pack = {
        "id": "p", "version": "1", "timezone": "Asia/Shanghai",
        "facts": {"criminal_criteria_met": {"type": "boolean", "meaning": "m", "absent": False}},
        "rules": [{"id": "threat", "kind": "text-match", "message": "m", "citation": "c",
                   "params": {"groups": {"kill": {"any": ["kill you"]}}, "fire_when": [["kill"]],
                              "cues": {"negated": {"any": ["不会", "never"], "before": 6}},
                              "learned": {"model": "m.json", **learned}}}]}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    return path


CTX = {"party": "debtor"}


def test_features_are_runs_of_stemmed_words_characters_and_numbers() -> None:
    found = {f for f, _, _ in features("he owes 3,000, 坐牢")}
    assert {"w:he", "w:owe", "w:he w:owe", "w:owe #", "坐 牢"} <= found
    assert "# 坐" not in found                                  # a comma ends the run
    assert not found & {"#", "坐", "牢"}                         # one character alone says too little


def test_the_model_fires_on_new_wording_and_names_what_it_read(tmp_path: Path) -> None:
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.8}))
    decision = policy.check_note("Pay or we break your leg.", CTX)
    assert not decision.allowed
    evidence = decision.reasons[0].evidence
    assert evidence["score"] >= 0.8 and evidence["model"] == "m.json"
    assert [s["text"] for s in evidence["spans"]] == ["break", "break your leg", "leg"]
    assert "w:break w:your w:leg" in evidence["terms"]["learned"]
    assert policy.check_note("你再不还就把你腿打断", CTX).reasons[0].evidence["spans"]


def test_below_the_threshold_or_outweighed_it_stays_quiet(tmp_path: Path) -> None:
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.8}))
    assert policy.check_note("Your leg looks fine.", CTX).allowed            # one feature: below
    assert policy.check_note("break a leg, lovely show", CTX).allowed        # a negative weight
    strict = collectguard.load_policy(write(tmp_path, {"threshold": 0.99}))
    assert strict.check_note("Pay or we break your leg.", CTX).allowed


def test_a_clearing_cue_takes_what_the_model_read_near_it_out_of_the_score(tmp_path: Path) -> None:
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.8, "cleared_by": ["negated"]}))
    assert not policy.check_note("你再不还就把你腿打断", CTX).allowed
    assert policy.check_note("我们不会打断你的腿", CTX).allowed
    explained = policy.check_note("我们不会打断你的腿", CTX, explain=True).explanation
    assert explained is not None and explained[0].values["learned"]["fires"] is False


def test_the_model_is_not_asked_where_its_unless_holds(tmp_path: Path) -> None:
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.8,
                                                       "unless": {"facts": {"criminal_criteria_met": True}}}))
    assert not policy.check_note("we break your leg", CTX).allowed
    assert policy.check_note("we break your leg", {"party": "debtor",
                                                  "facts": {"criminal_criteria_met": True}}).allowed


@pytest.mark.parametrize("model, learned, message", [
    ({"format": "other"}, {"threshold": 0.8}, "format must be"),
    ({"format": "collectguard-linear-1", "rules": {}}, {"threshold": 0.8}, "no weights for rule 'threat'"),
    ({"format": "collectguard-linear-1", "rules": {"threat": {"bias": "x", "weights": {}}}}, {"threshold": 0.8},
     "bias must be a finite number"),
    ({"format": "collectguard-linear-1", "rules": {"threat": {"bias": 0, "weights": {"a": True}}}},
     {"threshold": 0.8}, "must be a finite number"),
    (MODEL, {"threshold": 0.3}, "greater than or equal to 0.5"),
    (MODEL, {"threshold": 0.8, "cleared_by": ["nope"]}, "learned is cleared_by 'nope'"),
])
def test_a_bad_model_or_setting_is_refused_at_load(tmp_path: Path, model: Any, learned: dict[str, Any],
                                                   message: str) -> None:
    with pytest.raises(collectguard.PolicyError, match=message):
        collectguard.load_policy(write(tmp_path, learned, model))


def test_a_missing_or_broken_model_file_is_refused_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, {"threshold": 0.8})
    (tmp_path / "m.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match="not a JSON model"):
        collectguard.load_policy(path)
    (tmp_path / "m.json").unlink()
    with pytest.raises(collectguard.PolicyError, match="m.json: cannot be read"):
        collectguard.load_policy(path)


def test_a_feature_counts_once_however_often_it_occurs(tmp_path: Path) -> None:
    # Trained on which features a text has: "leg" said three times weighs as once.
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.6}))
    assert policy.check_note("leg leg leg", CTX).allowed                     # -2.0 + 1.5: 0.38
    assert not policy.check_note("break leg", CTX).allowed                    # -2.0 + 3.0: 0.73


def test_the_model_does_not_deny_on_function_words_alone(tmp_path: Path) -> None:
    # A deny must show what it read: "the" and "you" are no evidence, however they weigh.
    model = {"format": "collectguard-linear-1", "rules": {"threat": {"bias": -1.0, "weights": {
        "w:the": 3.0, "w:you": 3.0, "w:break": 3.0}}}}
    policy = collectguard.load_policy(write(tmp_path, {"threshold": 0.8}, model))
    assert policy.check_note("you and the others", CTX).allowed
    explained = policy.check_note("you and the others", CTX, explain=True).explanation
    assert explained is not None and explained[0].values["learned"]["fires"] is False
    decision = policy.check_note("you break the rules", CTX)
    assert not decision.allowed
    assert decision.reasons[0].evidence["terms"]["learned"] == ["w:break"]
