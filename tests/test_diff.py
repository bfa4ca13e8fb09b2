"""collectguard diff: a call log replayed under two policies, the decisions that change.

The shipped example: examples/quiet-hours-21.yaml is the shipped pack with quiet hours
from 21:00 instead of 22:00, and examples/quiet-hours-calls.csv a day of calls whose
changes are known (the line numbers below are the CSV's).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from collectguard._diff import DiffSummary, Side, diff, span
from collectguard._logs import read_records
from collectguard.cli import main
from conftest import ROOT

NEW = str(ROOT / "examples" / "quiet-hours-21.yaml")
LOG = str(ROOT / "examples" / "quiet-hours-calls.csv")


def _diff(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *args: str) -> tuple[int, dict, str]:
    code, out, err = _diff(capsys, *args, "--format", "json")
    return code, json.loads(out), err


def test_quiet_hours_from_21_newly_denies_the_calls_after_21(capsys) -> None:
    code, report, err = _json(capsys, "cn-card-collection", NEW, "--log", LOG, "--examples", "10")
    assert code == 1 and err == ""  # decisions change
    summary = report["summary"]
    assert {k: summary[k] for k in ("records", "compared", "refused", "complete", "changed", "newly_denied",
                                    "newly_allowed", "still_denied")} == {
        "records": 12, "compared": 12, "refused": 0, "complete": True, "changed": 5, "newly_denied": 3,
        "newly_allowed": 0, "still_denied": 2}
    # 21:00, 21:15, 21:30 newly denied, and 21:45 denied now by quiet hours beside the cap.
    assert summary["by_rule"] == {"quiet-hours": {"newly_denied": 4, "newly_allowed": 0}}
    # Moved later: 21:00 to 08:00 (+11h), 21:15 (+10h45m), 21:30 (+10h30m), and the 20:50
    # call the cap moved to 21:10, now in quiet hours: to 08:00 (+10h50m). 21:45 went to
    # 08:00 under both.
    assert summary["next_allowed_shift"] == {"later": 4, "earlier": 0, "now_impossible": 0, "now_possible": 0,
                                             "min_seconds": 37800, "median_seconds": 39000, "max_seconds": 39600}
    examples = report["examples"]
    assert [e["where"].rsplit(":", 1)[1] for e in examples["newly_denied"]] == ["9", "10", "11"]
    first = examples["newly_denied"][0]
    assert first["at"] == "2026-11-23T21:00:00+08:00" and first["shift_seconds"] == 39600
    assert first["old"] == {"allowed": True, "rules": [], "next_allowed_at": None, "reasons": []}
    assert first["new"]["rules"] == ["quiet-hours"]
    assert first["new"]["next_allowed_at"] == "2026-11-24T08:00:00+08:00"
    assert first["new"]["reasons"][0]["citation"] == "电话催收管理制度 第五条"
    assert "21:00 and 08:00" in first["new"]["reasons"][0]["message"]
    moved, both = examples["still_denied"]
    assert moved["where"].endswith(":7") and moved["old"]["rules"] == moved["new"]["rules"] == [
        "third-party-hourly-cap"]
    assert (moved["old"]["next_allowed_at"], moved["new"]["next_allowed_at"]) == (
        "2026-11-23T21:10:00+08:00", "2026-11-24T08:00:00+08:00")
    # A cap's evidence names the log lines it counted, as an audit's does.
    assert [p.rsplit(":", 1)[1] for p in moved["new"]["reasons"][0]["evidence"]["counted"]] == ["5", "6"]
    assert both["where"].endswith(":12") and both["new"]["rules"] == ["quiet-hours", "third-party-hourly-cap"]
    assert both["shift_seconds"] == 0
    assert report["old"]["id"] == "cn-card-collection" and report["new"]["id"] == "cn-card-collection-quiet-21"
    assert report["new"]["version"] == "2026.1" and report["new"]["digest"].startswith("sha256:")


def test_the_other_way_round_the_same_calls_are_newly_allowed_and_earlier(capsys) -> None:
    code, report, _ = _json(capsys, NEW, "cn-card-collection", "--log", LOG)
    summary = report["summary"]
    assert code == 1 and (summary["newly_denied"], summary["newly_allowed"], summary["still_denied"]) == (0, 3, 2)
    assert summary["by_rule"] == {"quiet-hours": {"newly_denied": 0, "newly_allowed": 4}}
    shift = summary["next_allowed_shift"]
    assert (shift["later"], shift["earlier"], shift["min_seconds"], shift["max_seconds"]) == (0, 4, -39600, -37800)
    allowed = report["examples"]["newly_allowed"][0]
    assert allowed["old"]["rules"] == ["quiet-hours"] and allowed["new"]["allowed"] is True
    assert allowed["shift_seconds"] == -39600


def test_text_report_counts_by_rule_and_lists_first_examples_with_reasons(capsys) -> None:
    code, out, err = _diff(capsys, "cn-card-collection", NEW, "--log", LOG, "--examples", "2")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "old: cn-card-collection (cn-card-collection 2015.1)"
    assert lines[1].endswith("(cn-card-collection-quiet-21 2026.1)")
    assert lines[2] == ("12 records, 12 compared: 5 decisions change: 3 newly denied, 0 newly allowed, "
                        "2 still denied")
    assert lines[4].split() == ["quiet-hours", "4", "0"]
    assert lines[5] == ("  next allowed time: 4 later, 0 earlier (min +10h30m, median +10h50m, max +11h); "
                        "0 with no time allowed now, 0 with a time allowed again")
    assert "newly denied: 3 (the first 2 listed)" in lines
    assert any(line.endswith("quiet-hours-calls.csv:9  2026-11-23T21:00:00+08:00  +86-139-0000-0001")
               for line in lines)
    assert "    new: denied by quiet-hours; next allowed at 2026-11-24T08:00:00+08:00 (+11h)" in lines
    assert any(line.startswith("      quiet-hours: Contact between 21:00 and 08:00") and "第五条" in line
               for line in lines)


def test_a_pack_against_its_client_overlay(capsys) -> None:
    # example-bank allows contact 09:00 to 21:00 only: the calls after 21:00 are newly
    # denied, and every moved call goes to 09:00 instead of 08:00.
    code, report, _ = _json(capsys, "cn-card-collection", "--new-client", "example-bank", "--log", LOG)
    assert code == 1 and report["new"]["client"] == "example-bank" and report["old"]["client"] is None
    summary = report["summary"]
    assert (summary["newly_denied"], summary["newly_allowed"]) == (3, 0)
    assert summary["by_rule"] == {"quiet-hours": {"newly_denied": 4, "newly_allowed": 0}}
    assert report["examples"]["newly_denied"][0]["new"]["next_allowed_at"] == "2026-11-24T09:00:00+08:00"
    assert report["examples"]["newly_denied"][0]["new"]["reasons"][0]["citation"].endswith("(委托银行规定)")


def test_no_change_exits_zero(capsys, tmp_path) -> None:
    same = tmp_path / "reworded.yaml"
    same.write_text('id: reworded\nversion: "1"\nextends: cn-card-collection\nchanges:\n'
                    '  quiet-hours: {message: "No calls at night."}\n', encoding="utf-8")
    code, out, err = _diff(capsys, "cn-card-collection", str(same), "--log", LOG)
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "12 records, 12 compared: no decision changes"
    code, report, _ = _json(capsys, "cn-card-collection", str(same), "--log", LOG)
    assert code == 0 and report["summary"]["changed"] == 0 and report["examples"]["newly_denied"] == []


def _rows() -> list[dict]:
    """The example log as JSON records (facts.* columns as a facts object, empty cells left out)."""
    rows = []
    with open(LOG, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            record = {k: v for k, v in row.items() if v and not k.startswith("facts.")}
            record["facts"] = {"recorded": True, "dedicated_line": True}
            rows.append(record)
    return rows


def test_json_lines_and_a_json_array_give_what_the_csv_gives(capsys, tmp_path) -> None:
    jsonl, array = tmp_path / "calls.jsonl", tmp_path / "calls.json"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()), encoding="utf-8")
    array.write_text(json.dumps(_rows(), ensure_ascii=False, indent=1), encoding="utf-8")
    reports = [_json(capsys, "cn-card-collection", NEW, "--log", path)[1] for path in (LOG, str(jsonl), str(array))]
    assert reports[0]["summary"] == reports[1]["summary"] == reports[2]["summary"]
    # JSON lines are placed by line; the array's records by the line each starts on.
    assert reports[1]["examples"]["newly_denied"][0]["where"] == f"{jsonl}:8"
    assert reports[2]["examples"]["newly_denied"][0]["where"].startswith(f"{array}:")


def test_log_order_within_the_window_does_not_matter(capsys, tmp_path) -> None:
    rows = _rows()
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reversed(rows)), encoding="utf-8")
    ordered = _json(capsys, "cn-card-collection", NEW, "--log", LOG)[1]
    code, report, _ = _json(capsys, "cn-card-collection", NEW, "--log", str(shuffled))
    assert code == 1 and report["summary"] == ordered["summary"]


def test_the_library_diff_yields_each_changed_record(pack) -> None:
    from collectguard import load_policy

    summary = DiffSummary()
    found = list(diff(Side(pack, "old"), Side(load_policy(NEW), "new"), read_records(LOG), summary))
    assert [f["change"] for f in found] == ["still_denied", "newly_denied", "newly_denied", "newly_denied",
                                            "still_denied"]
    assert summary.to_dict()["changed"] == 5


@pytest.mark.parametrize(("seconds", "text"), [(39600, "+11h"), (-1200, "-20m"), (0, "+0s"), (183_900, "+2d3h5m"),
                                               (61, "+1m1s")])
def test_span_is_read_as_people_read_it(seconds: int, text: str) -> None:
    assert span(seconds) == text


# Bad input: exit 2, one line per problem naming the file and the row, never a traceback;
# the report of what could be compared is still printed.

def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


_HEADER = "at,channel,party,relation,contact,outcome,facts.recorded,facts.dedicated_line\n"
_GOOD = "2026-11-23T21:10:00+08:00,call,debtor,,+86-138-0000-0000,no_answer,true,true\n"


def test_every_bad_row_is_named_and_the_rest_compared(capsys, tmp_path) -> None:
    log = _write(tmp_path, "calls.csv", _HEADER + _GOOD
                 + "2026-11-23T21:20:00+08:00,call,debtor,,+86-138-0000-0000,answerd,true,true\n"
                 + "2026-11-23T21:30:00,call,debtor,,+86-138-0000-0000,no_answer,true,true\n"
                 + "2026-11-23T21:40:00+08:00,call,debtor\n"
                 + "2026-11-23T21:50:00+08:00,call,debtor,,+86-138-0000-0000,no_answer,yes,true\n")
    code, out, err = _diff(capsys, "cn-card-collection", NEW, "--log", log)
    assert code == 2
    lines = err.splitlines()
    assert sorted(lines) == sorted([
        f"collectguard: {log}:3: outcome: unknown outcome 'answerd' (use one of: answered, busy, failed, "
        "no_answer, refused, voicemail)",
        f"collectguard: {log}:4: at: '2026-11-23T21:30:00' has no UTC offset; a naive time is ambiguous (add the "
        "offset, e.g. +08:00 or Z)",
        f"collectguard: {log}:5: 3 cells, but the header names 8 columns",
        f"collectguard: {log}:6: attempt.facts.recorded: expected true or false, got the string 'yes' (declared "
        "boolean: the call is recorded in full)"])
    assert "5 records, 1 compared, 4 could not be judged (the comparison is INCOMPLETE): 1 decision changes" in out


def test_a_record_one_side_refuses_names_that_side(capsys, tmp_path) -> None:
    # A fact only the new pack declares: the old pack refuses the record, the new judges it.
    new = _write(tmp_path, "new.yaml", 'id: more\nversion: "1"\nextends: cn-card-collection\n'
                 "facts:\n  vip: {type: boolean, meaning: a priority account, absent: false}\n")
    log = _write(tmp_path, "calls.jsonl", json.dumps({
        "at": "2026-11-23T10:00:00+08:00", "channel": "call", "party": "debtor", "contact": "1",
        "facts": {"recorded": True, "dedicated_line": True, "vip": True}}) + "\n")
    code, out, err = _diff(capsys, "cn-card-collection", new, "--log", log, "--format", "json")
    assert code == 2 and json.loads(out)["summary"]["refused"] == 1
    assert err.count("\n") == 1 and err.startswith(f"collectguard: {log}:1: attempt.facts.vip: not a fact")
    assert err.rstrip().endswith("(under cn-card-collection (cn-card-collection 2015.1))")


@pytest.mark.parametrize(("log", "message"), [
    ("at,channel,note\n", "calls.csv:1: unknown column 'note'"),
    (_HEADER + _GOOD + '2026-11-23T21:20:00+08:00,call,debtor,,"+86\n', "calls.csv:3: not readable as CSV"),
])
def test_a_log_that_cannot_be_read_stops_with_its_line(capsys, tmp_path, log: str, message: str) -> None:
    path = _write(tmp_path, "calls.csv", log)
    code, out, err = _diff(capsys, "cn-card-collection", NEW, "--log", path)
    assert code == 2 and err.count("\n") == 1 and message in err and out == ""


def test_jsonl_lines_that_are_not_records(capsys, tmp_path) -> None:
    good = json.dumps({"at": "2026-11-23T21:10:00+08:00", "channel": "call", "party": "debtor", "contact": "1",
                       "facts": {"recorded": True, "dedicated_line": True}})
    log = _write(tmp_path, "calls.jsonl", good + "\n{bad\n[1]\n" + '{"at": "2026-11-23T21:20:00+08:00", "chanel": 1}\n')
    code, out, err = _diff(capsys, "cn-card-collection", NEW, "--log", log)
    assert code == 2
    assert err.splitlines() == [
        f"collectguard: {log}:2:2: not valid JSON: Expecting property name enclosed in double quotes",
        f"collectguard: {log}:3: expected a JSON object per line",
        f"collectguard: {log}:4: unknown field 'chanel' (did you mean 'channel'?)"]


@pytest.mark.parametrize(("args", "message"), [
    (["cn-card-collection", "--log", LOG], "OLD and NEW are the same policy with the same client and region"),
    (["cn-card-collection", "cn-card-collection", "--log", LOG], "nothing to compare"),
    (["cn-card-collection", "--new-client", "example-bnk", "--log", LOG],
     "--new-client: unknown client 'example-bnk' (did you mean 'example-bank'?)"),
    (["cn-card-collection", "--new-region", "US-MA", "--log", LOG],
     "--new-region: no overlay or zone of cn-card-collection names region 'US-MA'"),
    (["cn-card-collection", "nowhere.yaml", "--log", LOG], "nowhere.yaml: no such policy file"),
    (["cn-card-collection", NEW, "--log", "nowhere.csv"], "nowhere.csv: No such file or directory"),
    (["cn-card-collection", NEW, "--log", LOG, "--examples", "-1"], "--examples takes a count of 0 or more"),
    (["cn-card-collection", NEW], "the following arguments are required: --log"),
])
def test_usage_and_unreadable_files_are_one_line(capsys, args: list[str], message: str) -> None:
    try:
        code, out, err = _diff(capsys, *args)
    except SystemExit as exc:  # argparse's usage error
        code, (out, err) = exc.code, capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and message in err and out == ""


def test_out_of_order_beyond_the_window(capsys, tmp_path) -> None:
    log = _write(tmp_path, "calls.csv", _HEADER + _GOOD + _GOOD.replace("21:10", "20:10"))
    code, _, err = _diff(capsys, "cn-card-collection", NEW, "--log", log, "--reorder", "0")
    assert code == 2 and err.count("\n") == 1
    assert f"{log}:3: this record is earlier than records already audited" in err


def test_the_command_itself_exits_with_its_code_and_no_traceback(tmp_path) -> None:
    ran = subprocess.run([sys.executable, "-m", "collectguard", "diff", "cn-card-collection",
                          "examples/quiet-hours-21.yaml", "--log", "examples/quiet-hours-calls.csv"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert ran.returncode == 1 and ran.stderr == "" and "3 newly denied" in ran.stdout
    bad = _write(tmp_path, "calls.csv", _HEADER + "2026-11-23T21:30:00,call,debtor,,1,no_answer,true,true\n")
    ran = subprocess.run([sys.executable, "-m", "collectguard", "diff", "cn-card-collection",
                          "examples/quiet-hours-21.yaml", "--log", bad], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr and ran.stderr.count("\n") == 1
    assert ran.stderr.startswith(f"collectguard: {bad}:2: at: ")


def test_a_text_rule_switched_off_newly_allows_the_note_it_denied(capsys, tmp_path) -> None:
    # examples/call-log.csv:4 tells a sibling of the debt: third-party-disclosure denies it.
    off = _write(tmp_path, "off.yaml", 'id: off\nversion: "1"\nextends: cn-card-collection\nchanges:\n'
                 "  third-party-disclosure: {enabled: false}\n")
    code, report, _ = _json(capsys, "cn-card-collection", off, "--log", str(ROOT / "examples" / "call-log.csv"))
    assert code == 1 and report["summary"]["by_rule"] == {
        "third-party-disclosure": {"newly_denied": 0, "newly_allowed": 1}}
    still = report["examples"]["still_denied"] + report["examples"]["newly_allowed"]
    assert [e["where"].rsplit(":", 1)[1] for e in still] == ["4"]
    assert [r["kind"] for r in still[0]["old"]["reasons"] if r["rule"] == "third-party-disclosure"] == ["text"]
    assert still[0]["shift_seconds"] in (None, 0)  # a note moves no call
