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
    assert out.splitlines()[-1].startswith("FAIL 2/4 cases in 1 file (")
    assert "PASS" not in out
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
    assert (f"{tmp_path / 'p.tests.yaml'}:10:14: error [unknown-key] cases[1].expect.alowed: "
            "unknown key 'alowed' (did you mean 'allowed'?)") in out
    code, out, _ = _run(capsys, tmp_path, CASES.replace("fires: [hours], next", "fires: [hour], next"))
    assert code == 2 and "no rule 'hour' in p.yaml (did you mean 'hours'?)" in out
    code, out, _ = _run(capsys, tmp_path, CASES.replace("policy: p.yaml", "policy: q.yaml"))
    assert code == 2 and "no policy file 'q.yaml' beside the case file" in out


def test_the_shipped_pack_passes_its_cases(capsys) -> None:
    code = main(["test", str(ROOT / "rules")])
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert "warning" not in out  # every rule of the pack has a case that makes it fire


def test_a_broken_case_file_never_reads_pass(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES.replace("policy: p.yaml", "policy: q.yaml"))
    assert code == 2
    assert out.splitlines()[-1].startswith("FAIL 0/0 cases in 0 files, 1 broken case file (")
    # One file broken, another failing and passing: the failures and the broken file both count.
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "other" / "p.tests.yaml").write_text(CASES, encoding="utf-8")
    code = main(["test", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 2
    assert out.splitlines()[-1].startswith("FAIL 2/4 cases in 1 file, 1 broken case file (")


def test_every_problem_of_a_case_file_in_one_run_with_line_and_column(capsys, tmp_path) -> None:
    broken = (CASES.replace("expect: {allowed: false, fires: [hours]}", "expect: {alowed: false}")
              .replace("    expect: {error: \"no UTC offset\"}",
                       "    expect: {error: \"no UTC offset\"}\n    extra: 1"))
    code, out, _ = _run(capsys, tmp_path, broken)
    path = tmp_path / "p.tests.yaml"
    assert code == 2
    assert f"{path}:10:14: error [unknown-key] cases[1].expect.alowed" in out
    assert f"{path}:17:5: error [unknown-key] cases[3].extra" in out
    # Rules a case expects that the policy lacks, and next times that are not instants: all of them.
    wrong = (CASES.replace("fires: [hours], next", "fires: [hour], next")
             .replace("expect: {allowed: false, fires: [hours]}", "expect: {not_fires: [stp]}")
             .replace('next_allowed_at: "2026-11-24T09:00:00+08:00"', 'next_allowed_at: "tomorrow"'))
    code, out, _ = _run(capsys, tmp_path, wrong)
    assert code == 2
    assert f"{path}:7:38: error [unknown-rule] cases[0] 'night is denied': expect.fires: no rule 'hour'" in out
    assert f"{path}:10:26: error [unknown-rule] cases[1] 'a wrong expectation': expect.not_fires: no rule 'stp'" in out
    assert f"{path}:13:31: error [invalid-value] cases[2] 'wrong next time': expect.next_allowed_at:" in out
    assert "1 broken case file" in out


def test_a_case_file_that_is_not_yaml_or_not_a_mapping(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, "- a\n- b\n")
    assert code == 2 and "p.tests.yaml:1:1: error [wrong-type] a case file is a mapping" in out
    code, out, _ = _run(capsys, tmp_path, "policy: [\n")
    assert code == 2 and "p.tests.yaml:" in out and "Traceback" not in out
    (tmp_path / "p.tests.yaml").write_bytes(b"policy: p.yaml\ncases: \xff\n")
    code = main(["test", str(tmp_path / "p.tests.yaml")])
    out = capsys.readouterr().out
    assert code == 2 and "not UTF-8 text" in out


def test_lint_points_a_case_file_to_collectguard_test(capsys, tmp_path) -> None:
    (tmp_path / "p.tests.yaml").write_text(CASES, encoding="utf-8")
    code = main(["lint", str(tmp_path / "p.tests.yaml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "warning [case-file]" in out and f"collectguard test {tmp_path / 'p.tests.yaml'}" in out
    assert "missing-field" not in out and "unknown-key" not in out


def test_k_selects_cases_by_name_or_rule_id(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES, "-k", "night", "-v")
    assert code == 0
    assert "PASS night is denied" in out and "wrong" not in out
    assert out.splitlines()[-1].startswith("PASS 1/1 cases in 1 file, 3 deselected by -k (")
    assert "no case makes" not in out  # coverage speaks of the whole pack, not a selection
    code, out, _ = _run(capsys, tmp_path, CASES, "-k", "HOURS and not wrong", "-v")  # a rule id, any case
    assert code == 0 and "PASS night is denied" in out and "1/1" in out
    code, out, _ = _run(capsys, tmp_path, CASES, "-k", "(night or next) and not refused")
    assert code == 1 and "FAIL wrong next time" in out and "1/2 cases" in out


def test_k_refuses_a_bad_expression_or_one_matching_nothing(capsys, tmp_path) -> None:
    for expr, why in (("night and", "ends too early"), ("(night", "not closed"), ("night wrong", "after a complete"),
                      ("", "empty"), ("or night", "'or' where a word")):
        code, _, err = _run(capsys, tmp_path, CASES, "-k", expr)
        assert code == 2 and why in err and err.count("\n") == 1, (expr, err)
    code, _, err = _run(capsys, tmp_path, CASES, "-k", "nothing-like-this")
    assert code == 2 and "no case matches" in err


def test_verbose_lists_every_case(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES, "-v")
    path = tmp_path / "p.tests.yaml"
    assert f"{path}:5: PASS night is denied" in out and f"{path}:14: PASS naive time is refused" in out
    assert f"{path}:8: FAIL a wrong expectation" in out
    code, out, _ = _run(capsys, tmp_path, CASES)
    assert "PASS night" not in out


def test_json_format(capsys, tmp_path) -> None:
    import json

    code, out, _ = _run(capsys, tmp_path, CASES, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["passed"] is False and report["summary"].startswith("FAIL 2/4")
    assert report["counts"] == {"cases": 4, "passed": 2, "failed": 2, "todo": 0, "deselected": 0, "files": 1,
                                "broken_files": 0}
    assert [c["passed"] for c in report["cases"]] == [True, False, False, True]
    assert report["cases"][0]["fired"] == ["hours"] and report["cases"][0]["line"] == 5
    assert report["uncovered"][0]["rules"] == ["stop"] and report["uncovered"][0]["level"] == "warning"
    code, out, _ = _run(capsys, tmp_path, CASES.replace("alowed", "x").replace("fires: [hours]}", "fires: [hour]}"),
                        "--format", "json")
    report = json.loads(out)
    assert code == 2 and report["passed"] is False and report["counts"]["broken_files"] == 1
    assert report["broken"][0]["check"] == "unknown-rule" and report["broken"][0]["line"] == 10


def test_github_format(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # the default under Actions, as for lint
    code, out, _ = _run(capsys, tmp_path, CASES)
    path = str(tmp_path / "p.tests.yaml").replace(":", "%3A").replace(",", "%2C")
    assert code == 1
    assert f"::error file={path},line=8,title=collectguard test::FAIL a wrong expectation: expected denied" in out
    assert f"::warning file={path},title=collectguard test coverage::no case makes these rules fire: stop" in out
    assert out.splitlines()[-1].startswith("FAIL 2/4")
    code, out, _ = _run(capsys, tmp_path, CASES.replace("policy: p.yaml", "policy: q.yaml"), "--format", "github")
    assert code == 2 and "::error file=" in out and "title=collectguard file::no policy file 'q.yaml'" in out


def test_junit_format_on_stdout(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES, "--format", "junit", "--require-cases")
    suite = ET.fromstring(out).find("testsuite")
    assert code == 1
    assert suite.get("tests") == "5" and suite.get("failures") == "3"  # two cases and the rule without one
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names[-1] == "every rule has a case"
    code, out, _ = _run(capsys, tmp_path, CASES.replace("policy: p.yaml", "policy: q.yaml"), "--format", "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert code == 2 and suite.get("errors") == "1"


def test_require_cases_fails_when_a_rule_has_no_case(capsys, tmp_path) -> None:
    good = CASES.split("  - name: a wrong expectation")[0]
    code, out, _ = _run(capsys, tmp_path, good)
    assert code == 0 and "warning: no case makes these rules fire: stop" in out
    code, out, _ = _run(capsys, tmp_path, good, "--require-cases")
    assert code == 1
    assert "p.tests.yaml: error: no case makes these rules fire: stop" in out
    assert out.splitlines()[-1].startswith("FAIL 1/1 cases in 1 file, 1 rule without a case (")
    covered = good + """  - name: stop
    attempt: {at: "2026-11-23T12:00:00+08:00", facts: {stop_contact: true}}
    expect: {allowed: false, fires: [stop]}
"""
    code, out, _ = _run(capsys, tmp_path, covered, "--require-cases")
    assert code == 0 and out.splitlines()[-1].startswith("PASS 2/2")
    code, _, err = _run(capsys, tmp_path, covered, "--require-cases", "-k", "stop")
    assert code == 2 and "without -k" in err


def test_cases_of_one_policy_in_two_files_cover_it_together(capsys, tmp_path) -> None:
    good = CASES.split("  - name: a wrong expectation")[0]
    stop = """policy: p.yaml
cases:
  - name: stop
    attempt: {at: "2026-11-23T12:00:00+08:00", channel: call, party: debtor, contact: "x", facts: {stop_contact: true}}
    expect: {allowed: false, fires: [stop]}
"""
    (tmp_path / "stop.tests.yaml").write_text(stop, encoding="utf-8")
    code, out, _ = _run(capsys, tmp_path, good, "--require-cases")
    assert code == 0, out
    assert out.splitlines()[-1].startswith("PASS 2/2 cases in 2 files")


def test_the_shipped_packs_have_a_case_for_every_rule(capsys) -> None:
    code = main(["test", str(ROOT / "rules"), "--require-cases"])
    out, _ = capsys.readouterr()
    assert code == 0, out


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
    assert out.splitlines()[-1].startswith("PASS 2/2 cases in 1 file, 1 todo failing as known, 1 todo passing now (")
    assert (f"{tmp_path / 'p.tests.yaml'}:15: warning: a todo case passes now, remove its todo: "
            "You will go to JAIL.") in out
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
    assert code == 2 and (f"{tmp_path / 'p.tests.yaml'}:10:14: error [unknown-context] cases[1] '你不会坐牢': "
                          "no context 'sibbling' in contexts") in out


def test_an_attempt_case_still_needs_its_name(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, tmp_path, CASES.replace("  - name: night is denied\n    attempt", "  - attempt"))
    assert code == 2 and "an attempt case needs a name" in out


def test_a_policy_given_to_collectguard_test_is_named_as_one(tmp_path, capsys) -> None:
    policy = tmp_path / "acme.yaml"
    policy.write_text((ROOT / "rules" / "us-reg-f.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["test", str(policy)]) == 2
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "a policy, not a case file" in said and "acme.tests.yaml" in said
