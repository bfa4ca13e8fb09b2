"""The bad-input corpus (tests/bad_inputs/cases.yaml): one clean line each, no traceback, no hang.

The cases run through the CLI's ``main`` in one child process (so a hang fails the run by
its timeout, not by a clock in a test); each case's stdin is real bytes decoded as the
CLI's stdin is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((ROOT / "tests" / "bad_inputs" / "cases.yaml").read_text(encoding="utf-8"))

_RUNNER = r"""
import contextlib, io, json, sys
from collectguard.cli import main
results = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    out, err = io.StringIO(), io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(case["stdin"].encode("utf-8", "surrogatepass")), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(case["args"])
        except SystemExit as exc:
            code = exc.code
        except BaseException as exc:  # the test fails on it: main must never raise
            code = "raised " + type(exc).__name__
    results.append({"code": code, "out": out.getvalue(), "err": err.getvalue()})
json.dump(results, sys.stdout)
"""


def _prepared(case: dict, folder: Path) -> dict:
    for name, content in (case.get("files") or {}).items():
        path = folder / name
        if isinstance(content, dict):
            path.write_bytes(bytes.fromhex(content["hex"]))
        else:
            path.write_text(content, encoding="utf-8")
    stdin = case.get("stdin", "")
    if "repeat" in case:
        text, times = case["repeat"]
        stdin = text * times
    if "note" in case:
        text, times = case["note"]
        stdin = json.dumps({"text": text * times, "context": {"party": "debtor"}})
    # A \ud800 escape in the YAML is a lone surrogate: sent as the JSON escape it stands for.
    stdin = stdin.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    if "\ud800" in stdin:
        stdin = stdin.replace("\ud800", "\\ud800")
    return {"args": [a.replace("{dir}", str(folder)) for a in case["args"]], "stdin": stdin}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("bad")
    prepared = []
    for i, case in enumerate(CASES):
        sub = folder / str(i)
        sub.mkdir()
        prepared.append(_prepared(case, sub))
    (folder / "cases.json").write_text(json.dumps(prepared), encoding="utf-8")
    ran = subprocess.run([sys.executable, "-c", _RUNNER, str(folder / "cases.json")], capture_output=True,
                         text=True, timeout=600, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return json.loads(ran.stdout)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_each_bad_input_is_refused_in_one_line(results, index: int) -> None:
    case, got = CASES[index], results[index]
    expected = case.get("exit", 2)
    assert got["code"] == expected, got
    assert "Traceback" not in got["out"] + got["err"] and "internal error" not in got["err"], got
    if "error" in case:
        assert case["error"] in got["out"] + got["err"], got
    if expected == 2 and case["args"][0] in ("check", "check-note") and "--jsonl" not in case["args"]:
        # One line on stderr naming the problem; nothing on stdout.
        assert got["err"].count("\n") == 1 and got["err"].startswith("collectguard: ") and got["out"] == "", got
    if "stdout" in case:
        assert case["stdout"] in got["out"], got


@pytest.mark.parametrize("command", [["check", "--policy", "cn-card-collection"],
                                     ["audit", "--policy", "cn-card-collection", "-"]])
def test_closed_stdin_is_one_line(command) -> None:
    ran = subprocess.run([sys.executable, "-m", "collectguard", *command], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert ran.returncode in (0, 2) and "Traceback" not in ran.stderr
    closed = subprocess.run([sys.executable, "-c", "import os, sys; os.close(0); sys.stdin = None; "
                             "from collectguard.cli import main; sys.exit(main(sys.argv[1:]))", *command],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert closed.returncode == 2 and "Traceback" not in closed.stderr
    assert closed.stderr.count("\n") == 1 and "standard input is closed" in closed.stderr
