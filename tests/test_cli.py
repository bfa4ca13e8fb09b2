"""The CLI: JSON in, JSON out, exit 0/1/2, one line per error, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from collectguard.cli import main
from conftest import PACK, ROOT, call, entry


def run(capsys, args, stdin: str = ""):
    import io

    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(args)
    finally:
        sys.stdin = sys_stdin
    out, err = capsys.readouterr()
    return code, out, err


def test_shipped_example_is_denied_with_the_hourly_cap(capsys) -> None:
    code, out, err = run(capsys, ["check", "--policy", str(PACK), str(ROOT / "examples" / "third-party-call.json")])
    assert code == 1, err
    decision = json.loads(out)
    assert [r["rule"] for r in decision["reasons"]] == ["third-party-hourly-cap"]
    assert decision["next_allowed_at"] == "2026-11-23T21:40:00+08:00"
    assert decision["policy"]["id"] == "cn-card-collection"


def test_allowed_exits_zero(capsys) -> None:
    request = {"attempt": call("2026-11-23T10:00:00+08:00"), "history": []}
    code, out, _ = run(capsys, ["check", "--policy", str(PACK)], json.dumps(request))
    assert code == 0 and json.loads(out)["allowed"] is True


def test_jsonl_one_decision_per_line_and_bad_lines_reported(capsys) -> None:
    lines = [json.dumps({"attempt": call("2026-11-23T10:00:00+08:00")}),
             json.dumps({"attempt": call("2026-11-23T23:00:00+08:00")}),
             "{not json",
             json.dumps({"attempt": call("2026-11-23T10:00:00")})]
    code, out, _ = run(capsys, ["check", "--policy", str(PACK), "--jsonl"], "\n".join(lines) + "\n")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert results[0]["allowed"] is True and results[1]["allowed"] is False
    assert results[2]["error"].startswith("<stdin>:3:2: not valid JSON")
    assert results[3]["error"].startswith("<stdin>:4: attempt.at:")


@pytest.mark.parametrize("stdin, message", [
    ("", "<stdin>: no request: the input is empty"),
    ("[]", "expected a JSON object with 'attempt'"),
    ('{"attempt": {}, "histroy": []}', "unknown field 'histroy'"),
    ('{"attempt": {"at": "2026-11-23T10:00:00+08:00", "channel": "call", "party": "debtor"}}',
     "attempt.contact: missing"),
    ('{"attempt": {"at": "2026-11-23T10:00:00+08:00", "channel": "call", "party": "debtor", "contact": "x"},'
     ' "history": {"at": 1}}', "history: expected a list"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, stdin: str, message: str) -> None:
    code, out, err = run(capsys, ["check", "--policy", str(PACK)], stdin)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and err.startswith("collectguard: ")


def test_broken_policy_is_named_with_line(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntimezone: UTC\nrules:\n  - id: a\n    kind: nope\n    params: {}\n")
    code, _, err = run(capsys, ["check", "--policy", str(bad)], "{}")
    assert code == 2
    assert f"{bad}:6:11: rules[0]: unknown rule kind 'nope'" in err


def test_explain_lists_every_rule_with_values(capsys) -> None:
    request = {"attempt": call("2026-11-23T21:30:00+08:00"),
               "history": [entry("2026-11-23T21:00:00+08:00"), entry("2026-11-23T21:10:00+08:00")]}
    code, out, _ = run(capsys, ["check", "--policy", str(PACK), "--explain"], json.dumps(request))
    traces = {t["rule"]: t for t in json.loads(out)["explanation"]}
    assert code == 1
    assert traces["third-party-hourly-cap"]["fired"] and traces["third-party-hourly-cap"]["values"]["count"] == 2
    assert traces["quiet-hours"]["values"]["open"] == {"Asia/Shanghai": True}
    assert traces["sms-not-permitted"]["applied"] and not traces["sms-not-permitted"]["fired"]
    code, out, _ = run(capsys, ["check", "--policy", str(PACK), "--explain", "--format", "text"], json.dumps(request))
    assert "DENIED (next allowed at 2026-11-23T22:10:00+08:00" not in out  # 22:10 is quiet hours
    assert out.startswith("DENIED (next allowed at 2026-11-24T08:00:00+08:00)")
    assert "[FIRED] third-party-hourly-cap" in out


def test_schema_is_json(capsys) -> None:
    code, out, _ = run(capsys, ["schema"])
    assert code == 0 and json.loads(out)["title"] == "PolicySpec"


def test_usage_errors_exit_2_without_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "collectguard", "chek"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid choice: 'chek'" in proc.stderr and "Traceback" not in proc.stderr
