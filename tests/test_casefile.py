"""collectguard test: policy test cases, failures with file:line, coverage, JUnit, broken files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from collectguard.cli import main
from conftest import ROOT

POLICY = """\
id: t
version: "1"
timezone: Asia/Shanghai
facts:
  stop_contact: {type: boolean, meaning: the creditor said to stop, absent: false}
rules:
  - id: hours
    kind: contact-hours
    params: {from: "08:00", until: "22:00"}
    message: m
    citation: c
  - id: stop
    kind: fact-block
    params: {facts: {stop_contact: true}}
    message: m
    citation: c
"""

CASES = """\
policy: p.yaml
defaults:
  attempt: {channel: call, party: debtor, contact: "x"}
cases:
  - name: night is denied
    attempt: {at: "2026-11-23T23:00:00+08:00"}
    expect: {allowed: false, fires: [hours], next_allowed_at: "2026-11-24T08:00:00+08:00"}
  - name: a wrong expectation
    attempt: {at: "2026-11-23T12:00:00+08:00"}
    expect: {allowed: false, fires: [hours]}
  - name: wrong next time
    attempt: {at: "2026-11-23T23:00:00+08:00"}
    expect: {next_allowed_at: "2026-11-24T09:00:00+08:00"}
  - name: naive time is refused
    attempt: {at: "2026-11-23T12:00:00"}
    expect: {error: "no UTC offset"}
"""


def _run(capsys, tmp_path, cases: str, *extra: str, policy: str = POLICY):
    (tmp_path / "p.yaml").write_text(policy, encoding="utf-8")
    (tmp_path / "p.tests.yaml").write_text(cases, encoding="utf-8")
    code = main(["test", str(tmp_path), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_failures_are_shown_with_file_line_expected_and_got(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES)
    assert code == 1
    path = tmp_path / "p.tests.yaml"
    assert f"{path}:8: FAIL a wrong expectation" in out
    assert "expected denied, got allowed (fired: none)" in out
    assert "expected hours to fire; fired: none" in out
    assert f"{path}:11: FAIL wrong next time" in out
    assert "expected next_allowed_at 2026-11-24T09:00:00+08:00, got 2026-11-24T08:00:00+08:00" in out
    assert "PASS 2/4 cases in 1 file" in out
    assert "warning: no case makes these rules fire: stop" in out


def test_all_passing_exits_zero_and_writes_junit(capsys, tmp_path) -> None:
    good = CASES.split("  - name: a wrong expectation")[0]
    report = tmp_path / "junit.xml"
    code, out, _ = _run(capsys, tmp_path, good, "--junit", str(report))
    assert code == 0 and "PASS 1/1" in out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0"


def test_junit_records_failures(capsys, tmp_path) -> None:
    report = tmp_path / "junit.xml"
    _run(capsys, tmp_path, CASES, "--junit", str(report))
    failures = ET.parse(report).getroot().findall(".//failure")
    assert len(failures) == 2


def test_broken_case_files_exit_2_with_the_line(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES.replace("expect: {allowed: false, fires: [hours]}",
                                                          "expect: {alowed: false}"))
    assert code == 2
    assert f"{tmp_path / 'p.tests.yaml'}:10:14: cases[1].expect.alowed: unknown key 'alowed' (did you mean 'allowed'?)" in out
    code, out, _ = _run(capsys, tmp_path, CASES.replace("fires: [hours], next", "fires: [hour], next"))
    assert code == 2 and "no rule 'hour' in p.yaml" in out
    code, out, _ = _run(capsys, tmp_path, CASES.replace("policy: p.yaml", "policy: q.yaml"))
    assert code == 2 and "no policy file 'q.yaml' beside the case file" in out


def test_the_shipped_pack_passes_its_cases(capsys) -> None:
    code = main(["test", str(ROOT / "rules")])
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert "warning" not in out  # every rule of the pack has a case that makes it fire


TEXT_POLICY = """\
id: t
version: "1"
timezone: Asia/Shanghai
rules:
  - id: jail
    kind: text-match
    params:
      groups: {jail: {any: [坐牢, jail], cleared_by: [negated]}}
      cues: {negated: {any: [不会], before: 4}}
      fire_when: [[jail]]
    message: m
    citation: c
"""

TEXTS = """\
policy: p.yaml
contexts:
  sibling: {party: third_party, relation: sibling}
defaults:
  context: {party: debtor}
cases:
  - text: 再不还就坐 牢
    expect: {fires: [jail], only: true, spans: {jail: [坐 牢]}}
  - text: 你不会坐牢
    context: sibling
    expect: {fires: [], only: true}
  - text: 进去了
    expect: {fires: [jail]}
    todo: 进去 is not read as jail yet
  - text: You will go to JAIL.
    expect: {fires: [jail]}
    todo: upper case was a gap once
"""


def test_text_examples_count_todo_apart_and_report_a_todo_that_passes(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, TEXTS, policy=TEXT_POLICY)
    assert code == 0, out
    assert "PASS 2/2 cases in 1 file" in out and "0 attempts, 2 texts" in out
    assert "TODO 1 known gap (not failures; --todo lists them), 1 todo passing now" in out
    assert f"{tmp_path / 'p.tests.yaml'}:15: warning: a todo case passes now, remove its todo: You will go to JAIL." in out
    assert "TODO 进去了" not in out
    code, out, _ = _run(capsys, tmp_path, TEXTS, "--todo", policy=TEXT_POLICY)
    assert code == 0 and f"{tmp_path / 'p.tests.yaml'}:12: TODO 进去了\n    进去 is not read as jail yet" in out


def test_wrong_spans_and_a_todo_in_junit(capsys, tmp_path) -> None:
    report = tmp_path / "junit.xml"
    code, out, _ = _run(capsys, tmp_path, TEXTS.replace("spans: {jail: [坐 牢]}", "spans: {jail: [坐牢]}"),
                        "--junit", str(report), policy=TEXT_POLICY)
    assert code == 1
    assert "FAIL 再不还就坐 牢" in out and "jail: expected spans ['坐牢'], got ['坐 牢']" in out
    root = ET.parse(report).getroot()
    assert len(root.findall(".//failure")) == 1 and len(root.findall(".//skipped")) == 1


def test_a_context_name_must_be_declared(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, TEXTS.replace("context: sibling", "context: sibbling"), policy=TEXT_POLICY)
    assert code == 2 and f"{tmp_path / 'p.tests.yaml'}:10:14: cases[1] '你不会坐牢': no context 'sibbling' in contexts" in out


def test_an_attempt_case_still_needs_its_name(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES.replace("  - name: night is denied\n    attempt", "  - attempt"))
    assert code == 2 and "an attempt case needs a name" in out
