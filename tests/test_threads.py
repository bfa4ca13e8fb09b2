"""One compiled policy serves many threads: the same answers as one thread gives."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import call, entry

ROOT = Path(__file__).resolve().parent.parent


def test_checks_from_many_threads_agree_with_one(pack) -> None:
    rows = [json.loads(line) for line in (ROOT / "tests" / "corpus" / "fitted" / "notes.jsonl").open(encoding="utf-8")]
    notes = [(r["text"], r["context"]) for r in rows[:120]]
    attempts = [(call(f"2026-11-23T{h:02d}:{m:02d}:00+08:00"),
                 [entry(f"2026-11-23T{h:02d}:00:00+08:00"), entry(f"2026-11-23T{h:02d}:{m // 2:02d}:00+08:00")])
                for h in range(6, 23) for m in (10, 40)]

    def decide(job):
        kind, (subject, more) = job
        if kind == "note":
            return pack.check_note(subject, more).to_dict()
        return pack.check_attempt(subject, more).to_dict()

    jobs = [("note", n) for n in notes] + [("attempt", a) for a in attempts]
    alone = [decide(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(decide, jobs)) == alone


def test_two_policies_checked_from_many_threads_agree_with_one_thread(pack) -> None:
    """Two compiled policies whose caps count the same entries with different reaches, and
    whose text rules read different notes, share no state: threads mixing checks against
    both get the answers one thread gets, next allowed times and evidence included."""
    import collectguard

    text = (ROOT / "rules" / "cn-card-collection.yaml").read_text(encoding="utf-8")
    changed = (text.replace('params: {from: "08:00", until: "22:00"}', 'params: {from: "09:00", until: "21:00"}')
               .replace("max: 6\n      window: {calendar: day}", "max: 4\n      window: {calendar_days: 3}")
               .replace("window: {rolling: 60m}", "window: {rolling: 3h}"))
    assert changed.count("calendar_days: 3") == 1 and "rolling: 3h" in changed
    other = collectguard.parse_policy(changed, str(ROOT / "rules" / "other.yaml"))
    rows = [json.loads(line) for line in (ROOT / "tests" / "corpus" / "fitted" / "notes.jsonl").open(encoding="utf-8")]
    notes = [(r["text"], r["context"]) for r in rows[:80]]
    attempts = [(call(f"2026-11-{d:02d}T{h:02d}:{m:02d}:00+08:00"),
                 [entry(f"2026-11-{d - back:02d}T{h:02d}:00:00+08:00") for back in range(3)]
                 + [entry(f"2026-11-{d:02d}T{h:02d}:{m // 2:02d}:00+08:00")])
                for d in (22, 23) for h in (7, 8, 12, 20, 21, 22) for m in (10, 40)]

    def decide(job):
        policy, kind, (subject, more) = job
        if kind == "note":
            return policy.check_note(subject, more).to_dict()
        return policy.check_attempt(subject, more).to_dict()

    jobs = [(policy, kind, item) for policy in (pack, other)
            for kind, items in (("note", notes), ("attempt", attempts)) for item in items]
    # interleaved
    jobs = [job for pair in zip(jobs[: len(jobs) // 2], jobs[len(jobs) // 2:], strict=False) for job in pair]
    alone = [decide(job) for job in jobs]
    assert any(a != b for a, b in zip(alone[0::2], alone[1::2], strict=False))  # the two policies do decide differently
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(decide, jobs)) == alone
