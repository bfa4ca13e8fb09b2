"""plan and audit: whole days and whole logs, decided in time order."""

from __future__ import annotations

import json
import random

import pytest

import collectguard
from collectguard._audit import AuditSummary, LogOrderError, audit
from collectguard._logs import read_records
from collectguard._plan import PlanSummary, plan
from collectguard.cli import main
from conftest import CALL_FACTS, NUMBER, PACK, ROOT, call, entry, policy_from


def test_plan_records_allowed_attempts_as_unanswered_and_moves_the_rest(pack) -> None:
    planned = [("p1", call("2026-11-23T10:00:00+08:00")), ("p3", call("2026-11-23T10:20:00+08:00")),
               ("p2", call("2026-11-23T10:10:00+08:00")), ("p4", call("2026-11-23T23:00:00+08:00", channel="sms"))]
    summary = PlanSummary()
    rows = list(plan(pack, [], planned, summary))
    assert [r["where"] for r in rows] == ["p1", "p2", "p3", "p4"]          # time order
    assert [r["status"] for r in rows] == ["allowed", "allowed", "moved", "impossible"]
    assert rows[2]["next_allowed_at"] == "2026-11-23T11:00:00+08:00"      # the 10:00 call leaves the hour
    assert summary.to_dict() == {"allowed": 2, "moved": 1, "impossible": 1,
                                 "by_rule": {"quiet-hours": 1, "sms-not-permitted": 1, "third-party-hourly-cap": 1}}


def logged(at: str, **fields):
    """A logged call under the shipped pack: recorded, from a dedicated seat."""
    return {**entry(at, **fields), "facts": CALL_FACTS}


def test_audit_finds_what_broke_with_places_and_summary(pack) -> None:
    log = [("l1", logged("2026-11-23T09:00:00+08:00")), ("l2", logged("2026-11-23T09:20:00+08:00")),
           ("l3", {**logged("2026-11-23T09:40:00+08:00", outcome="answered"), "text": "你弟弟欠款三万"}),
           ("l4", logged("2026-11-23T23:00:00+08:00", party="debtor"))]
    summary = AuditSummary()
    found = list(audit(pack, log, summary))
    assert [f["where"] for f in found] == ["l3", "l4"]
    assert {r["rule"] for r in found[0]["reasons"]} == {"third-party-hourly-cap", "third-party-disclosure"}
    assert found[0]["reasons"][0]["evidence"]["counted"] == ["l1", "l2"]
    assert summary.broken == 2 and summary.texts == 1 and summary.by_day == {"2026-11-23": 2}


def test_audit_reorders_within_its_window_and_refuses_beyond(pack) -> None:
    log = [(f"l{i}", logged(f"2026-11-23T{t}:00+08:00")) for i, t in enumerate(["10:50", "10:00", "10:30"])]
    assert [f["where"] for f in audit(pack, log, AuditSummary(), reorder=5)] == ["l0"]  # 10:50 is the 3rd call
    with pytest.raises(LogOrderError, match="l1: this record is earlier than records already audited"):
        list(audit(pack, log, AuditSummary(), reorder=0))


def _random_log(n: int, seed: int, days: int = 3) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        minute = rnd.randrange(0, days * 24 * 60)
        at = f"2026-11-{2 + minute // 1440:02d}T{(minute % 1440) // 60:02d}:{minute % 60:02d}:00+08:00"
        rows.append(entry(at, contact=f"{NUMBER}-{rnd.randrange(8)}", party=rnd.choice(["debtor", "third_party"]),
                          outcome=rnd.choice(["no_answer", "busy", "answered", None])))
    return sorted(rows, key=lambda r: r["at"])


def test_audit_by_partitions_of_contacts_equals_one_pass(pack) -> None:
    rows = _random_log(400, 7)
    whole, whole_summary = collectguard.audit_records(pack, rows)
    parts: dict[str, list] = {}
    for row in rows:
        parts.setdefault(row["contact"], []).append(row)
    merged, merged_summary = [], AuditSummary()
    for part in parts.values():
        found, summary = collectguard.audit_records(pack, part)
        merged += [(f["at"], f["contact"], sorted(r["rule"] for r in f["reasons"])) for f in found]
        merged_summary.merge(summary)
    assert sorted(merged) == sorted((f["at"], f["contact"], sorted(r["rule"] for r in f["reasons"])) for f in whole)
    assert merged_summary.to_dict() == whole_summary.to_dict()
    assert whole_summary.broken > 0


def test_audit_bounds_memory_by_forgetting(pack, monkeypatch) -> None:
    import collectguard._audit as module
    from collectguard._session import Session

    rows = _random_log(300, 3, days=20)

    def run() -> list:
        return [(f["where"], [r["rule"] for r in f["reasons"]], f["reasons"][0]["evidence"].get("counted"))
                for f in audit(pack, ((str(i), r) for i, r in enumerate(rows)), AuditSummary(), reorder=10)]

    expected = run()
    monkeypatch.setattr(module, "_COMPACT_EVERY", 1)   # prune after every record
    sizes = []
    original = Session.forget

    def forget(self, before):
        original(self, before)
        sizes.append((len(self), len(self._history.entries), len(self.wheres)))

    monkeypatch.setattr(Session, "forget", forget)
    assert run() == expected and expected
    assert sizes and max(live for live, _, _ in sizes) < len(rows) // 2  # a window, not the log
    assert max(kept for _, kept, _ in sizes) < len(rows) // 2 + 10        # forgotten entries are freed
    assert all(kept == wheres for _, kept, wheres in sizes)               # log places stay aligned


def test_cli_audit_and_plan(capsys, tmp_path) -> None:
    code = main(["audit", "--policy", str(PACK), str(ROOT / "examples" / "call-log.csv")])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["where"] for line in out.splitlines()] == [
        "examples/call-log.csv:4", "examples/call-log.csv:6"] \
        or all("call-log.csv" in json.loads(line)["where"] for line in out.splitlines())
    assert "2 broke a rule" in err and "third-party-hourly-cap" in err
    planned = tmp_path / "planned.jsonl"
    planned.write_text("\n".join(json.dumps(call(f"2026-11-23T10:{m}:00+08:00")) for m in ("00", "10", "20")) + "\n")
    code = main(["plan", "--policy", str(PACK), "--attempts", str(planned), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0 and out.splitlines()[3].endswith("moved,2026-11-23T11:00:00+08:00,third-party-hourly-cap")
    assert json.loads(err)["summary"]["moved"] == 1


def test_csv_logs_are_checked_for_their_columns(capsys, tmp_path) -> None:
    bad = tmp_path / "log.csv"
    bad.write_text("at,chanel,party,contact\n2026-11-23T10:00:00+08:00,call,debtor,x\n")
    code = main(["audit", "--policy", str(PACK), str(bad)])
    _, err = capsys.readouterr()
    assert code == 2 and "unknown column 'chanel'" in err


def test_dask_example_matches_the_single_process_run(pack, tmp_path) -> None:
    import csv
    import sys

    pytest.importorskip("dask.dataframe")
    sys.path.insert(0, str(ROOT / "examples"))
    import dask_audit

    rows = _random_log(600, 11)
    log = tmp_path / "log.csv"
    with log.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=["at", "channel", "party", "relation", "contact", "outcome"])
        writer.writeheader()
        writer.writerows(rows)
    distributed = dask_audit.run(str(log), blocksize=4096)   # several blocks, shuffled by contact
    single, _ = collectguard.audit_records(pack, [r for _, r in read_records(str(log))])
    expected = sorted((f["at"], f["contact"],
                       " ".join(sorted(r["rule"] for r in f["reasons"] if r["severity"] == "deny")))
                      for f in single if f["broken"])
    assert sorted(zip(distributed["at"], distributed["contact"], distributed["rules"], strict=False)) == expected
    assert len(expected) > 10


def test_a_bad_outcome_is_refused_on_its_own_line(capsys, tmp_path) -> None:
    log = tmp_path / "log.jsonl"
    rows = [call("2026-11-23T10:00:00+08:00", party="debtor", outcome="answerd"),
            call("2026-11-23T10:05:00+08:00")]
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert main(["audit", "--policy", str(PACK), str(log)]) == 2
    err = capsys.readouterr().err
    assert f"{log}:1: outcome: unknown outcome 'answerd'" in err and "Traceback" not in err


def test_the_partition_key_is_a_field_every_cap_counts_by(pack) -> None:
    assert pack.partition_key() == "contact"
    cap = """
  - id: {id}
    kind: frequency-cap
    params: {{max: 7, window: {{calendar_days: 7}}, same: {same}}}
"""
    head = "id: t\nversion: '1'\ntimezone: UTC\nrules:\n"
    by_person = policy_from(head + cap.format(id="a", same="[party_id, account]"))
    assert by_person.partition_key() == "account"
    mixed = policy_from(head + cap.format(id="a", same="[contact]") + cap.format(id="b", same="[account]"))
    assert mixed.partition_key() is None
    stop = "facts:\n  stop_contact: {type: boolean, meaning: m, absent: false}\n"
    assert policy_from(head.replace("rules:", stop + "rules:") + "  - {id: s, kind: fact-block, params: "
                       "{facts: {stop_contact: true}}}\n").partition_key() == "contact"


EXAMPLE = ROOT / "examples" / "planned-attempts.jsonl"
CALL_LOG = ROOT / "examples" / "call-log.csv"


def _plan(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["plan", "--policy", str(PACK), *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_the_shipped_plan_example_with_the_call_log_as_history(capsys) -> None:
    code, rows, err = _plan(capsys, "--history", str(CALL_LOG), "--attempts", str(EXAMPLE))
    assert code == 0, err
    assert [(r["where"].rsplit(":", 1)[1], r["status"], r["next_allowed_at"]) for r in rows] == [
        ("1", "allowed", None), ("2", "moved", "2026-11-23T10:20:00+08:00"), ("3", "allowed", None),
        ("5", "impossible", None), ("4", "moved", "2026-11-24T08:00:00+08:00")]
    assert json.loads(err)["summary"] == {"allowed": 2, "moved": 2, "impossible": 1, "by_rule": {
        "quiet-hours": 1, "sms-not-permitted": 1, "third-party-hourly-cap": 1}}


def test_plan_reads_a_json_array_json_lines_and_csv_alike(capsys, tmp_path) -> None:
    import csv

    records = [json.loads(line) for line in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    array = tmp_path / "planned.json"
    array.write_text("[\n" + ",\n".join("  " + json.dumps(r) for r in records) + "\n]\n", encoding="utf-8")
    table = tmp_path / "planned.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["at", "channel", "party", "relation", "contact", "facts"])
        for r in records:
            writer.writerow([r["at"], r["channel"], r["party"], r.get("relation", ""), r["contact"],
                             json.dumps(r["facts"]) if "facts" in r else ""])
    history = [json.loads(json.dumps(row)) for row in read_records(CALL_LOG)]
    history_array = tmp_path / "calls.json"
    history_array.write_text(json.dumps([record for _, record in history], ensure_ascii=False, indent=2),
                             encoding="utf-8")
    _, expected, _ = _plan(capsys, "--history", str(CALL_LOG), "--attempts", str(EXAMPLE))

    def strip(rows):
        return [{k: v for k, v in r.items() if k != "where"} for r in rows]

    for attempts, history_file, first_line in ((array, CALL_LOG, 2), (table, CALL_LOG, 2), (EXAMPLE, history_array, 1)):
        code, rows, err = _plan(capsys, "--history", str(history_file), "--attempts", str(attempts))
        assert code == 0, err
        assert strip(rows) == strip(expected)
        assert rows[0]["where"] == f"{attempts}:{first_line}"  # each record placed at its own line
    # An empty array is an empty plan.
    empty = tmp_path / "empty.json"
    empty.write_text(" [ ]\n")
    code, rows, _ = _plan(capsys, "--attempts", str(empty))
    assert code == 0 and rows == []


def test_plan_blames_the_history_file_and_its_row(capsys, tmp_path) -> None:
    planned = tmp_path / "planned.jsonl"
    planned.write_text(json.dumps(call("2026-11-23T10:00:00+08:00")) + "\n")
    cases = [
        ("at,channel,party,contact,note\n2026-11-23T09:00:00+08:00,call,debtor,x,1\n",
         "calls.csv:1: unknown column 'note'"),
        ("at,channel,party,contact,outcome\n2026-11-23T09:00:00+08:00,call,debtor,x,no_answer\n"
         "2026-11-23T09:10:00+08:00,call,debtor,x,answerd\n",
         "calls.csv:3: history.outcome: unknown outcome 'answerd'"),
        ("at,channel,party,contact\n2026-11-23T09:00:00,call,debtor,x\n",
         "calls.csv:2: history.at: '2026-11-23T09:00:00' has no UTC offset"),
        ("at,channel,party,contact\n2026-11-23T09:00:00+08:00,call,debtor\n",
         "calls.csv:2: 3 cells, but the header names 4 columns"),
        ("at,channel,party,contact\n2026-11-23T09:00:00+08:00,,debtor,x\n", "calls.csv:2: missing channel"),
    ]
    for text, message in cases:
        (tmp_path / "calls.csv").write_text(text, encoding="utf-8")
        code, _, err = _plan(capsys, "--history", str(tmp_path / "calls.csv"), "--attempts", str(planned))
        lines = err.splitlines()
        assert code == 2 and f"{tmp_path / message}" in lines[0] and len(lines) == 2, err
        assert lines[1] == f"collectguard: 1 problem in {tmp_path / 'calls.csv'}: nothing planned"
        assert "planned.jsonl" not in err
    history = tmp_path / "calls.jsonl"
    history.write_text(json.dumps(entry("2026-11-23T09:00:00+08:00", party="debtor")) + "\n"
                       + json.dumps(entry("2026-11-23T09:10:00+08:00", party="debtor", chanel="call")) + "\n")
    code, _, err = _plan(capsys, "--history", str(history), "--attempts", str(planned))
    assert code == 2 and f"{history}:2: unknown field 'chanel' (did you mean 'channel'?)" in err
    history.write_text("{\"at\": 1\n")
    code, _, err = _plan(capsys, "--history", str(history), "--attempts", str(planned))
    assert code == 2 and f"{history}:1:" in err and "not valid JSON" in err


def test_plan_takes_the_columns_an_audit_takes(capsys, tmp_path) -> None:
    # The call log audit reads (text and all) is history for a plan; a record only a note is no contact.
    log = tmp_path / "calls.csv"
    log.write_text(CALL_LOG.read_text(encoding="utf-8") + "2026-11-23T12:30:00+08:00,,debtor,,,,,您好,,\n",
                   encoding="utf-8")
    code, rows, err = _plan(capsys, "--history", str(log), "--attempts", str(EXAMPLE))
    assert code == 0 and len(rows) == 5, err


def test_plan_places_an_unreadable_planned_attempt(capsys, tmp_path) -> None:
    planned = tmp_path / "planned.jsonl"
    planned.write_text(json.dumps(call("2026-11-23T10:00:00+08:00")) + "\nnot json\n")
    code, _, err = _plan(capsys, "--attempts", str(planned))
    assert code == 2 and f"{planned}:2:1: not valid JSON" in err and "BadRecord" not in err
    planned.write_text("[" + json.dumps(call("2026-11-23T10:00:00+08:00")) + ",\n 7]\n")
    code, _, err = _plan(capsys, "--attempts", str(planned))
    assert code == 2 and f"{planned}:2: expected a JSON object in the array" in err
    planned.write_text("[\n" + json.dumps(call("2026-11-23T10:00:00+08:00")) + "\n"
                       + json.dumps(call("2026-11-23T10:00:00+08:00")) + "\n]\n")
    code, _, err = _plan(capsys, "--attempts", str(planned))
    assert code == 2 and f"{planned}:3:1: not valid JSON: Expecting ',' delimiter" in err
    planned.write_text(json.dumps(call("2026-11-23T10:00:00+08:00", outcome="no_answer")) + "\n")
    code, _, err = _plan(capsys, "--attempts", str(planned))
    assert code == 2 and f"{planned}:1: attempt.outcome: unknown field" in err


def test_plan_reports_every_bad_record_of_both_files_and_plans_nothing(capsys, tmp_path) -> None:
    history = tmp_path / "calls.csv"
    history.write_text("at,channel,party,relation,contact,outcome,facts.recorded,facts.dedicated_line\n"
                       "2026-11-23T09:00:00+08:00,call,debtor,,1,answerd,true,true\n"
                       "2026-11-23T09:05:00+08:00,call,debtor,,1,no_answer,true,true\n"
                       "2026-11-23T09:10:00,call,debtor,,1,no_answer,true,true\n"
                       "2026-11-23T09:20:00+08:00,call,debtor\n"
                       "2026-11-23T09:30:00+08:00,cal,debtor,,1,no_answer,true,true\n"
                       "2026-11-23T09:40:00+08:00,call,debtor,,1,no_answer,yes,true\n", encoding="utf-8")
    planned = tmp_path / "planned.jsonl"
    planned.write_text("\n".join([
        json.dumps(call("2026-11-23T10:00:00+08:00")),
        json.dumps(call("2026-11-23T10:10:00")),
        "{bad",
        json.dumps(call("2026-11-23T09:50:00+08:00", outcome="no_answer")),
        json.dumps(call("2026-11-23T09:40:00+08:00", facts={"recorded": "yes"})),
        json.dumps(call("2026-11-23T09:30:00+08:00", channel="fax"))]) + "\n", encoding="utf-8")
    code, rows, err = _plan(capsys, "--history", str(history), "--attempts", str(planned))
    assert code == 2 and rows == []  # nothing planned, no summary
    h, p = str(history), str(planned)
    assert err.splitlines() == [
        f"collectguard: {h}:2: history.outcome: unknown outcome 'answerd' (use one of: answered, busy, failed, "
        "no_answer, refused, voicemail)",
        f"collectguard: {h}:4: history.at: '2026-11-23T09:10:00' has no UTC offset; a naive time is ambiguous "
        "(add the offset, e.g. +08:00 or Z)",
        f"collectguard: {h}:5: 3 cells, but the header names 8 columns",
        f"collectguard: {h}:6: history.channel: unknown channel 'cal' (use one of: call, email, letter, sms, visit)",
        f"collectguard: {h}:7: history.facts.recorded: expected true or false, got the string 'yes' (declared "
        "boolean: the call is recorded in full)",
        f"collectguard: {p}:2: attempt.at: '2026-11-23T10:10:00' has no UTC offset; a naive time is ambiguous "
        "(add the offset, e.g. +08:00 or Z)",
        f"collectguard: {p}:3:2: not valid JSON: Expecting property name enclosed in double quotes",
        f"collectguard: {p}:4: attempt.outcome: unknown field (allowed: account, at, channel, client, contact, "
        "facts, party, party_id, region, relation, timezone)",
        f"collectguard: {p}:5: attempt.facts.recorded: expected true or false, got the string 'yes' (declared "
        "boolean: the call is recorded in full)",
        f"collectguard: {p}:6: attempt.channel: unknown channel 'fax' (use one of: call, email, letter, sms, visit)",
        f"collectguard: 10 problems in {h}, {p}: nothing planned"]


def test_plan_blames_a_history_entry_a_cap_refuses_on_the_history_file(capsys, tmp_path) -> None:
    # us-reg-f counts calls by party_id and account: a history call without party_id is
    # found when a cap counts it, while a planned attempt is checked, and is blamed on
    # the history's own row, once however many attempts meet it.
    base = {"channel": "call", "party": "debtor", "contact": "1", "account": "A", "region": "US-NY",
            "timezone": "America/New_York"}
    history = tmp_path / "calls.jsonl"
    history.write_text(json.dumps({**base, "at": "2026-11-23T09:00:00-05:00", "party_id": "P", "outcome": "busy"})
                       + "\n" + json.dumps({**base, "at": "2026-11-23T10:00:00-05:00", "outcome": "no_answer"})
                       + "\n", encoding="utf-8")
    planned = tmp_path / "planned.json"
    planned.write_text(json.dumps([{**base, "at": f"2026-11-23T{h}:00:00-05:00", "party_id": "P"} for h in (11, 12)]),
                       encoding="utf-8")
    code = main(["plan", "--policy", "us-reg-f", "--history", str(history), "--attempts", str(planned)])
    _, err = capsys.readouterr()
    assert code == 2 and err.splitlines() == [
        f"collectguard: {history}:2: history.party_id: missing; rule 'call-frequency-7-in-7' counts history "
        "by party_id, so every entry it would count needs it",
        f"collectguard: 1 problem in {history}: nothing planned"]
    # A fact of the wrong type in the history: its row, before any attempt is checked.
    history.write_text(json.dumps({**base, "at": "2026-11-23T09:00:00-05:00", "party_id": "P",
                                   "facts": {"direct_prior_consent": "yes"}}) + "\n", encoding="utf-8")
    code = main(["plan", "--policy", "us-reg-f", "--history", str(history), "--attempts", str(planned)])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith(f"collectguard: {history}:1: history.facts.direct_prior_consent: expected "
                                        "true or false, got the string 'yes'")


def test_plan_reports_a_file_it_cannot_read_and_checks_the_other(capsys, tmp_path) -> None:
    history = tmp_path / "calls.csv"
    history.write_text("at,channel,note\n", encoding="utf-8")
    planned = tmp_path / "planned.jsonl"
    planned.write_text(json.dumps(call("2026-11-23T10:00:00")) + "\n", encoding="utf-8")
    code, rows, err = _plan(capsys, "--history", str(history), "--attempts", str(planned))
    lines = err.splitlines()
    assert code == 2 and rows == [] and len(lines) == 3
    assert lines[0].startswith(f"collectguard: {history}:1: unknown column 'note'")
    assert lines[1].startswith(f"collectguard: {planned}:1: attempt.at: '2026-11-23T10:00:00' has no UTC offset")
    code, rows, err = _plan(capsys, "--history", str(tmp_path / "none.csv"), "--attempts", str(EXAMPLE))
    assert code == 2 and err.splitlines() == [f"collectguard: {tmp_path / 'none.csv'}: No such file or directory",
                                              f"collectguard: 1 problem in {tmp_path / 'none.csv'}: nothing planned"]


def test_the_library_plan_raises_the_first_bad_attempt_or_collects_them(pack) -> None:
    planned = [("p1", call("2026-11-23T10:00:00+08:00")), ("p2", call("2026-11-23T10:10:00")),
               ("p3", call("2026-11-23T09:00:00+08:00", channel="fax"))]
    with pytest.raises(collectguard.InputError, match="^p2: attempt.at: "):
        list(plan(pack, [], planned))
    errors: list[str] = []
    rows = list(plan(pack, [], planned, errors=errors))
    assert [r["where"] for r in rows] == ["p1"]
    assert [e.split(":")[0] for e in errors] == ["p2", "p3"]


def test_audit_reads_a_json_array_too(capsys, tmp_path) -> None:
    log = tmp_path / "calls.json"
    records = [record for _, record in read_records(CALL_LOG)]
    log.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    code = main(["audit", "--policy", str(PACK), str(log)])
    out, _ = capsys.readouterr()
    code_csv = main(["audit", "--policy", str(PACK), str(CALL_LOG)])
    out_csv, _ = capsys.readouterr()

    def strip(text):
        return [{k: v for k, v in json.loads(line).items() if k not in ("where", "reasons")}
                for line in text.splitlines()]

    assert code == code_csv == 1 and strip(out) == strip(out_csv) and strip(out)


def test_audit_format_json_writes_the_summary_as_one_json_object(capsys, tmp_path) -> None:
    code = main(["audit", "--policy", str(PACK), str(CALL_LOG), "--format", "json"])
    out, err = capsys.readouterr()
    summary = json.loads(err)["summary"]
    assert code == 1 and summary["broken"] == 2 and summary["complete"] is True
    assert summary["by_rule"]["third-party-hourly-cap"] == 1
    assert len(out.splitlines()) == 2  # the findings, as with the text summary
    code = main(["audit", "--policy", str(PACK), str(CALL_LOG)])
    _, err = capsys.readouterr()
    assert code == 1 and "2 broke a rule" in err and not err.startswith("{")  # text stays the default
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(call("2026-11-23T10:00:00+08:00", party="debtor", outcome="answerd")) + "\nnot json\n")
    code = main(["audit", "--policy", str(PACK), str(log), "--format", "json"])
    out, err = capsys.readouterr()
    summary = json.loads(err)["summary"]  # stderr is the summary alone; the refused records are on stdout
    assert code == 2 and summary["refused"] == 2 and summary["complete"] is False
    assert sorted(json.loads(line)["where"] for line in out.splitlines()) == [f"{log}:1", f"{log}:2"]
    assert main(["audit", "--policy", str(PACK), str(CALL_LOG), "--summary-json"]) == 1
    assert json.loads(capsys.readouterr().err)["summary"]["broken"] == 2
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--policy", str(PACK), str(CALL_LOG), "--format", "xml"])
    assert exc.value.code == 2


def test_audit_checks_a_text_with_its_party_alone_as_a_note(capsys, tmp_path) -> None:
    log = tmp_path / "notes.csv"
    log.write_text("at,channel,party,relation,contact,text\n"
                   "2026-11-23T12:30:00+08:00,,third_party,sibling,,您好，您弟弟欠款三万二，请转告他尽快还款\n"
                   "2026-11-23T12:40:00+08:00,call,debtor,,,您好\n", encoding="utf-8")
    code = main(["audit", "--policy", str(PACK), str(log), "--format", "json"])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and json.loads(err)["summary"]["texts"] == 1
    assert lines[0]["where"] == f"{log}:2" and lines[0]["reasons"][0]["rule"] == "third-party-disclosure"
    assert lines[1] == {"where": f"{log}:3", "error": f"{log}:3: missing contact: a record is an attempt (channel, "
                        "party, contact) or a text with its party, or both"}
