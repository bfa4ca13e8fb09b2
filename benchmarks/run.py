#!/usr/bin/env python3
"""collectguard benchmarks: figures and ratios, side by side with plain-Python baselines.

    python benchmarks/run.py            # default sizes (a few minutes)
    python benchmarks/run.py --quick    # smaller runs (about half a minute)
    python benchmarks/run.py --full     # plan and audit on 1,000,000 attempts

Not a test: nothing passes or fails. Every figure is the best of several repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from bisect import bisect_left, bisect_right
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import collectguard  # noqa: E402
from collectguard import AuditSummary, PlanSummary, audit, plan  # noqa: E402
from collectguard._logs import read_records  # noqa: E402

PACK = ROOT / "rules" / "cn-card-collection.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=CST)
NUMBER = "+86-21-5555-0101"


# -- a hand-written function making the pack's attempt decision -------------------------

def baseline_check(attempt: dict, history: list[dict]) -> tuple[bool, datetime | None]:
    """What a careful engineer would write by hand for the pack's attempt rules.

    Each relevant entry parsed once and turned to UTC (so offsets mix safely and sorting
    compares without consulting zones), bisect for the counts, the same fixed-point
    search for the next allowed time. It trusts its input: nothing it does not read is
    validated.
    """
    at = datetime.fromisoformat(attempt["at"])
    if at.tzinfo is None:
        raise ValueError("naive time")
    facts = attempt.get("facts") or {}
    channel, party = attempt["channel"], attempt["party"]
    if facts.get("stop_contact") is True or channel == "sms":
        return False, None
    if party == "third_party" and facts.get("third_party_objected") is True:
        return False, None
    # The pack reads a call that does not say it is recorded, or placed from a dedicated
    # seat, as one that is not (absent: false): only true passes.
    if channel == "call" and (facts.get("dedicated_line") is not True or facts.get("recorded") is not True):
        return False, None
    times: list[datetime] = []
    if party == "third_party" and channel == "call":
        contact = attempt["contact"]
        times = sorted(datetime.fromisoformat(e["at"]).astimezone(timezone.utc) for e in history
                       if e["contact"] == contact and e["channel"] == "call" and e.get("outcome") != "answered")
    first = t = at.astimezone(timezone.utc)
    for _ in range(10):
        local = t.astimezone(SHANGHAI)
        if channel in ("call", "sms", "visit") and not (8 <= local.hour < 22):
            day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
            t = datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI).astimezone(timezone.utc)
            continue
        if times:
            start = datetime(local.year, local.month, local.day, tzinfo=SHANGHAI).astimezone(timezone.utc)
            after = local.date() + timedelta(days=1)
            end = datetime(after.year, after.month, after.day, tzinfo=SHANGHAI).astimezone(timezone.utc)
            if bisect_left(times, end) - bisect_left(times, start) + 1 > 6:
                t = end
                continue
            lo, hi = bisect_right(times, t - timedelta(hours=1)), bisect_right(times, t)
            if hi - lo + 1 > 2:
                t = times[lo] + timedelta(hours=1)
                continue
        return t == first, (None if t == first else t.astimezone(SHANGHAI))
    return False, None


_FIELDS = frozenset({"at", "channel", "party", "relation", "contact", "account", "party_id", "client",
                     "timezone", "facts", "region"})
_ENTRY_FIELDS = frozenset({"at", "channel", "party", "relation", "contact", "account", "party_id", "client",
                           "timezone", "facts", "region", "outcome", "direction", "reached"})
_CHANNELS = frozenset({"call", "sms", "email", "letter", "visit"})
_PARTIES = frozenset({"debtor", "third_party"})
_RELATIONS = frozenset({"spouse", "parent", "child", "sibling", "relative", "friend", "colleague", "employer",
                        "neighbour", "roommate", "reference", "other", "unknown"})
_OUTCOMES = frozenset({"answered", "no_answer", "refused", "busy", "voicemail", "failed"})
_FACTS = frozenset({"stop_contact", "third_party_objected", "dedicated_line", "recorded", "willing_to_repay",
                    "criminal_criteria_met"})


def baseline_check_strict(attempt: dict, history: list[dict]) -> tuple[bool, datetime | None]:
    """The same decision written by hand to fail closed as the engine does: every field of
    the attempt checked for its type and vocabulary, every fact declared and a boolean,
    every history entry it counts checked before it is counted. ValueError on bad input."""
    if type(attempt) is not dict or not _FIELDS.issuperset(attempt):
        raise ValueError("attempt: unknown field")
    channel, party, contact = attempt.get("channel"), attempt.get("party"), attempt.get("contact")
    if channel not in _CHANNELS or party not in _PARTIES or type(contact) is not str or not contact:
        raise ValueError("attempt: channel, party or contact")
    relation = attempt.get("relation")
    if relation is not None and relation not in _RELATIONS:
        raise ValueError("attempt.relation")
    facts = attempt.get("facts") or {}
    if type(facts) is not dict or not _FACTS.issuperset(facts):
        raise ValueError("attempt.facts: undeclared")
    for value in facts.values():
        if value is not True and value is not False:
            raise ValueError("attempt.facts: not a boolean")
    at = attempt.get("at")
    if type(at) is not str:
        raise ValueError("attempt.at")
    parsed = datetime.fromisoformat(at)
    if parsed.tzinfo is None or not 1900 <= parsed.year <= 9000:
        raise ValueError("attempt.at: naive or out of range")
    if type(history) is not list:
        raise ValueError("history")
    if party == "third_party" and channel == "call":
        for entry in history:
            if type(entry) is not dict or not _ENTRY_FIELDS.issuperset(entry):
                raise ValueError("history: unknown field")
            if type(entry.get("contact")) is not str:
                raise ValueError("history.contact")
            if entry["contact"] == contact:
                outcome = entry.get("outcome")
                if entry.get("channel") not in _CHANNELS or (outcome is not None and outcome not in _OUTCOMES):
                    raise ValueError("history: channel or outcome")
                if type(entry.get("at")) is not str:
                    raise ValueError("history.at")
    return baseline_check(attempt, history)


def baseline_audit(path: Path) -> tuple[int, int]:
    """A hand-written replay of a log for the pack's attempt rules: (records, broken).

    What an engineer would write for one log format and this one pack: the JSON scanner,
    per-number sorted lists of counted instants, the same re-ordering window and pruning
    as the audit. No validation, no evidence, no other rule, zone or outcome.
    """
    scan = json.JSONDecoder().scan_once
    counted: dict[str, list[datetime]] = {}
    window: deque = deque()
    records = broken = 0
    hour, day = timedelta(hours=1), timedelta(days=1)

    def judge(at: datetime, r: dict) -> bool:
        local = at.astimezone(SHANGHAI)
        bad = r["channel"] in ("call", "sms", "visit") and not 8 <= local.hour < 22
        facts = r.get("facts") or {}
        if r["channel"] == "call" and (facts.get("recorded") is not True or facts.get("dedicated_line") is not True):
            bad = True
        times = counted.get(r["contact"])
        if r["party"] == "third_party" and r["channel"] == "call" and times:
            start = datetime(local.year, local.month, local.day, tzinfo=SHANGHAI).astimezone(timezone.utc)
            if bisect_left(times, start + day) - bisect_left(times, start) + 1 > 6:
                bad = True
            if bisect_right(times, at) - bisect_right(times, at - hour) + 1 > 2:
                bad = True
        if r["channel"] == "call" and r.get("outcome") != "answered":
            if times is None:
                counted[r["contact"]] = [at]
            else:
                times.insert(bisect_right(times, at), at)
        return bad

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record, _ = scan(line, 0)
            window.append((datetime.fromisoformat(record["at"]).astimezone(timezone.utc), record))
            if len(window) > 10_000:
                at, record = window.popleft()
                records += 1
                broken += judge(at, record)
                if records % 50_000 == 0:
                    cut = at - 3 * day
                    for number in list(counted):
                        times = counted[number]
                        del times[:bisect_left(times, cut)]
                        if not times:
                            del counted[number]
    while window:
        records += 1
        broken += judge(*window.popleft())
    return records, broken


# -- data -----------------------------------------------------------------------------

def history_of(n: int, seed: int = 1) -> list[dict]:
    """n past contacts before today, about four a day going back as far as n needs (a
    debtor's whole file), two thirds on the number checked, mixed outcomes, shuffled."""
    rnd = random.Random(seed)
    today = NOW.replace(hour=0, minute=0)
    out = []
    for i in range(n):
        at = today - timedelta(days=1 + i // 4, hours=-rnd.randrange(8, 21), minutes=-rnd.randrange(60))
        out.append({"at": at.isoformat(), "channel": "call", "party": rnd.choice(["third_party", "debtor"]),
                    "contact": NUMBER if i % 3 else "+86-10-0000-0000",
                    "outcome": rnd.choice(["no_answer", "busy", "answered", "refused"])})
    rnd.shuffle(out)
    return out


def denied_history_of(n: int) -> list[dict]:
    """The same file plus six unanswered calls today: the daily cap binds until tomorrow 08:00."""
    today = [{"at": NOW.replace(hour=9 + i).isoformat(), "channel": "call", "party": "third_party",
              "contact": NUMBER, "outcome": "no_answer"} for i in range(6)]
    return history_of(n) + today


ATTEMPT = {"at": NOW.isoformat(), "channel": "call", "party": "third_party", "relation": "sibling",
           "contact": NUMBER, "facts": {"recorded": True, "dedicated_line": True}}


def best(fn, repeat: int, number: int) -> float:
    """Best seconds per call over ``repeat`` runs of ``number`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def section(title: str) -> None:
    print(f"\n## {title}\n")


def bench_checks(policy, sizes: list[int], results: dict) -> None:
    section("check_attempt vs a hand-written function, and session.check (µs per decision)")
    print("allowed: the caps do not bind; denied: six unanswered calls today, so the answer also\n"
          "holds next_allowed_at (tomorrow 08:00), which check_attempt searches for when it is read.\n"
          "check_attempt reads next_allowed_at; 'decision only' does not. Ratio: check_attempt / hand-written.\n"
          "strict: the hand-written function that also fails closed (every attempt field and fact typed,\n"
          "each counted history entry checked), as the engine does; its ratio: check_attempt / strict.\n")
    print(f"{'history':>8} {'decision':>9} {'hand-written':>13} {'check_attempt':>14} {'ratio':>6} "
          f"{'strict':>10} {'ratio':>6} {'decision only':>14} {'session.check':>14}")
    for n in sizes:
        for verdict, history in (("allowed", history_of(n)), ("denied", denied_history_of(n))):
            decision = policy.check_attempt(ATTEMPT, history)
            assert (decision.allowed, decision.next_allowed_at) == baseline_check(ATTEMPT, history), n
            assert decision.allowed == (verdict == "allowed"), (n, verdict)
            number = max(20, 20000 // (n + 1))
            assert baseline_check_strict(ATTEMPT, history) == baseline_check(ATTEMPT, history)
            base = best(lambda: baseline_check(ATTEMPT, history), 5, number)
            strict = best(lambda: baseline_check_strict(ATTEMPT, history), 5, number)
            ours = best(lambda: policy.check_attempt(ATTEMPT, history).next_allowed_at, 5, number)
            only = best(lambda: policy.check_attempt(ATTEMPT, history).allowed, 5, number)
            session = policy.session(history)
            assert session.check(ATTEMPT) == decision
            sess = best(lambda: session.check(ATTEMPT), 5, 2000)
            results[f"check_{n}_{verdict}"] = {"baseline_us": base * 1e6, "strict_baseline_us": strict * 1e6,
                                               "check_us": ours * 1e6,
                                               "decision_only_us": only * 1e6, "session_us": sess * 1e6}
            print(f"{n:>8} {verdict:>9} {base * 1e6:>13.1f} {ours * 1e6:>14.1f} {ours / base:>6.2f} "
                  f"{strict * 1e6:>10.1f} {ours / strict:>6.2f} {only * 1e6:>14.1f} {sess * 1e6:>14.1f}")


def bench_denied(policy, results: dict) -> None:
    section("a denied attempt: the search for next_allowed_at (µs)")
    history = [{"at": (NOW.replace(hour=21, minute=m)).isoformat(), "channel": "call", "party": "third_party",
                "contact": NUMBER, "outcome": "no_answer"} for m in (5, 20)]
    late = {**ATTEMPT, "at": NOW.replace(hour=21, minute=30).isoformat()}
    decision = policy.check_attempt(late, history)
    base = best(lambda: baseline_check(late, history), 5, 2000)
    ours = best(lambda: policy.check_attempt(late, history).next_allowed_at, 5, 2000)
    results["denied"] = {"baseline_us": base * 1e6, "check_us": ours * 1e6}
    print(f"21:30 hourly cap → {decision.next_allowed_at.isoformat()}: hand-written {base * 1e6:.1f}, "
          f"check_attempt {ours * 1e6:.1f} (ratio {ours / base:.2f})")


def bench_zones(results: dict) -> None:
    section("us-reg-f: an attempt with its zone, and without (its state's zones, every US zone) (µs)")
    policy = collectguard.load_policy(ROOT / "rules" / "us-reg-f.yaml")
    call = {"at": "2026-06-10T19:00:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-212-555-0100",
            "party_id": "c1", "account": "a1", "region": "US-NY", "facts": {"contact_type": "personal"}}
    history = [{**call, "at": f"2026-06-0{d}T10:00:00-04:00", "direction": "outbound", "outcome": "no_answer"}
               for d in range(4, 10)]
    rows = (("own zone", {**call, "timezone": "America/New_York"}),
            ("no zone, US-FL (2 zones)", {**call, "region": "US-FL"}),
            ("no zone, no region (34 zones)", {k: v for k, v in call.items() if k != "region"}))
    print(f"{'attempt':>36} {'allowed':>8} {'no history':>11} {'6 calls':>8}")
    for label, attempt in rows:
        allowed = policy.check_attempt(attempt, history).allowed
        alone = best(lambda: policy.check_attempt(attempt).allowed, 5, 2000)
        counted = best(lambda: policy.check_attempt(attempt, history).allowed, 5, 2000)
        results[f"zones_{label}"] = {"alone_us": alone * 1e6, "history_us": counted * 1e6}
        print(f"{label:>36} {str(allowed):>8} {alone * 1e6:>11.1f} {counted * 1e6:>8.1f}")


def bench_jurisdictions(results: dict) -> None:
    section("jurisdiction packs: us-reg-f, the us-ma layer on it, cn-cba-2026, a month of history (µs)")
    reg_f = collectguard.load_policy(ROOT / "rules" / "us-reg-f.yaml")
    ma = collectguard.load_policy(ROOT / "rules" / "us-ma.yaml")
    cba = collectguard.load_policy(ROOT / "rules" / "cn-cba-2026.yaml")
    call = {"at": "2026-06-10T19:00:00-04:00", "channel": "call", "party": "debtor", "contact": "+1-617-555-0100",
            "party_id": "c1", "account": "a1", "timezone": "America/New_York", "region": "US-MA",
            "facts": {"contact_type": "personal"}}
    # A month of the debtor's calls and texts, both ways, to numbers of each kind, two of them
    # at the debtor's request: the state's caps read direction and the entries' own facts.
    kinds = ("personal", "workplace", "personal", "other")
    month = []
    for day in range(30):
        when = datetime(2026, 5, 11, 14, tzinfo=timezone.utc) + timedelta(days=day)
        month.append({**call, "at": when.isoformat(), "channel": "sms" if day % 5 == 0 else "call",
                      "direction": "inbound" if day % 4 == 0 else "outbound", "outcome": "no_answer",
                      "facts": {"contact_type": kinds[day % 4], "at_consumer_request": day in (3, 17)}})
    quiet = [e for e in month if e["at"] < "2026-06-03"]  # nothing in the last week: the state's caps allow
    shanghai = {"at": "2026-11-23T15:00:00+08:00", "channel": "call", "party": "debtor", "contact": "+86-138-0000-0001"}
    day = [{**shanghai, "at": f"2026-11-23T{h:02d}:00:00+08:00", "direction": "outbound", "outcome": "no_answer"}
           for h in range(8, 14)]
    rows = (("us-reg-f, US-MA call", reg_f, call, quiet),
            ("us-ma, US-MA call (allowed)", ma, call, quiet),
            ("us-ma, US-MA workplace call (denied)", ma, {**call, "facts": {"contact_type": "workplace"}}, month),
            ("us-ma, US-NY call", ma, {**call, "region": "US-NY"}, quiet),
            ("cn-cba-2026, 7th attempt (warned)", cba, shanghai, day))
    print(f"{'attempt':>40} {'allowed':>8} {'no history':>11} {'history':>8}")
    for label, policy, attempt, history in rows:
        allowed = policy.check_attempt(attempt, history).allowed
        alone = best(lambda: policy.check_attempt(attempt).allowed, 5, 2000)
        counted = best(lambda: policy.check_attempt(attempt, history).allowed, 5, 2000)
        results[f"jurisdictions_{label}"] = {"alone_us": alone * 1e6, "history_us": counted * 1e6,
                                             "entries": len(history)}
        print(f"{label:>40} {str(allowed):>8} {alone * 1e6:>11.1f} {counted * 1e6:>8.1f}")


def attempts_stream(n: int, seed: int = 2):
    """n contacts over 30 days on 20,000 numbers, in time order.

    Each day's attempts run from 07:30 to 22:30 local time, so about one in fifteen falls
    in quiet hours (a dialer whose clock is set loosely); 40% go to third parties.
    """
    rnd = random.Random(seed)
    per_day = max(1, n // 30)
    first = NOW.replace(hour=7, minute=30) - timedelta(days=30)
    step = 15 * 3600 / per_day
    for i in range(n):
        day, slot = divmod(i, per_day)
        at = first + timedelta(days=day, seconds=int(slot * step))
        yield f"row {i}", {"at": at.isoformat(), "channel": "call",
                           "party": "third_party" if rnd.random() < 0.4 else "debtor",
                           "contact": f"+86-{rnd.randrange(20000):05d}",
                           "outcome": rnd.choice(["no_answer", "busy", "answered"]),
                           "facts": {"recorded": True, "dedicated_line": True}}


def bench_bulk(policy, n: int, results: dict) -> None:
    section(f"plan and audit on {n:,} attempts, read from JSONL files (attempts per second)")
    with tempfile.TemporaryDirectory() as tmp:
        log, planned = Path(tmp) / "log.jsonl", Path(tmp) / "planned.jsonl"
        with log.open("w", encoding="utf-8") as out:
            for _, record in attempts_stream(n):
                out.write(json.dumps(record) + "\n")
        with planned.open("w", encoding="utf-8") as out:
            for _, record in attempts_stream(n, seed=3):
                record.pop("outcome")
                out.write(json.dumps(record) + "\n")
        summary = AuditSummary()
        start = time.perf_counter()
        for _ in audit(policy, read_records(log), summary):
            pass
        audit_s = time.perf_counter() - start
        start = time.perf_counter()
        records, broken = baseline_audit(log)
        base_s = time.perf_counter() - start
        assert (records, broken) == (summary.records, summary.broken), (records, broken, summary.to_dict())
        p_summary = PlanSummary()
        start = time.perf_counter()
        for _ in plan(policy, [], read_records(planned), p_summary):
            pass
        plan_s = time.perf_counter() - start
    results["bulk"] = {"n": n, "audit_s": audit_s, "baseline_audit_s": base_s, "plan_s": plan_s,
                       "broken": summary.broken,
                       "moved": p_summary.moved}
    print("a month of calls to 20,000 numbers, 40% to third parties, 1 in 15 in quiet hours")
    print(f"audit: {audit_s:.1f} s, {n / audit_s:,.0f} attempts/s ({summary.broken:,} broke a rule)")
    print(f"hand-written replay of the same log (same findings): {base_s:.1f} s, {n / base_s:,.0f} attempts/s "
          f"(audit ratio {audit_s / base_s:.1f}x)")
    print(f"plan:  {plan_s:.1f} s, {n / plan_s:,.0f} attempts/s ({p_summary.allowed:,} allowed, "
          f"{p_summary.moved:,} moved)")


def bench_text(policy, results: dict) -> None:
    section("check_note with the full pack vs a bare multi-pattern scan")
    rows = [json.loads(line) for line in (ROOT / "tests" / "corpus" / "fitted" / "notes.jsonl").open(encoding="utf-8")]
    notes = [((r["text"] + "。") * 10)[:300] for r in rows]
    megabytes = sum(len(n.encode("utf-8")) for n in notes) / 1e6
    context = {"party": "third_party", "relation": "sibling"}
    terms = sorted({t for rule in policy._base.text for g in rule.check.groups.values()
                    for t in ([] if g.pattern.literal is None else [g.pattern.literal.pattern])})
    bare = re.compile("|".join(terms))

    def ours():
        for note in notes:
            policy.check_note(note, context)

    def baseline():
        for note in notes:
            bare.findall(note)

    t_ours = best(ours, 3, 1)
    t_base = best(baseline, 3, 1)
    results["text"] = {"notes_per_s": len(notes) / t_ours, "mb_per_s": megabytes / t_ours,
                       "baseline_notes_per_s": len(notes) / t_base, "us_per_note": t_ours / len(notes) * 1e6}
    print(f"{len(notes)} notes of 300 characters ({megabytes:.2f} MB)")
    print(f"check_note, 6 rules: {len(notes) / t_ours:,.0f} notes/s, {megabytes / t_ours:.2f} MB/s, "
          f"{t_ours / len(notes) * 1e6:.0f} µs per note")
    print(f"bare scan of the same literal terms (no folding, cues, spans): {len(notes) / t_base:,.0f} notes/s, "
          f"{megabytes / t_base:.2f} MB/s (ratio {t_ours / t_base:.1f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true", help="plan and audit on 1,000,000 attempts")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    policy = collectguard.load_policy(PACK)
    print(f"# collectguard {collectguard.__version__} benchmarks")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}")
    results: dict = {}
    sizes = [0, 10, 100, 1000] if args.quick else [0, 10, 100, 1000, 10000]
    bench_checks(policy, sizes, results)
    bench_denied(policy, results)
    bench_zones(results)
    bench_jurisdictions(results)
    bench_text(policy, results)
    bench_bulk(policy, 1_000_000 if args.full else (20_000 if args.quick else 200_000), results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
