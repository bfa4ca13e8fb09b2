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
