"""collectguard plan: decide a day's planned attempts in time order, moving the denied ones.

Exit 0: planned; 2: a record of either file is bad. Every bad record is reported (one line
each, naming its file, line and field) and nothing is planned: a plan made without a bad
history record could allow a call that record forbids.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from typing import Any

from .._errors import InputError
from .._logs import BadRecord, read_records
from .._plan import PlanSummary, history_from, plan
from .._policy import load_policy


def _read(path: str) -> Iterator[tuple[str, Any]]:
    """The records of a file; a problem that stops its reading (an unknown CSV column, an
    unclosed quote, no such file) becomes its last, bad record, so the other file and the
    records before it are still checked."""
    try:
        yield from read_records(path)
    except InputError as exc:
        yield path, BadRecord(str(exc))
    except OSError as exc:
        yield path, BadRecord(f"{exc.filename or path}: {exc.strerror or exc}")


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    errors: list[str] = []
    wheres: list[str] = []
    history = history_from(policy, _read(args.history), errors=errors, wheres=wheres) if args.history else []
    summary = PlanSummary()
    rows = list(plan(policy, history, _read(args.attempts), summary, errors=errors, history_wheres=wheres))
    if errors:
        for message in errors:
            print(f"collectguard: {message}", file=sys.stderr)
        files = ", ".join(f for f in (args.history, args.attempts)
                          if f and any(message.startswith(f + ":") for message in errors))
        print(f"collectguard: {len(errors)} problem{'s' if len(errors) > 1 else ''} in {files}: nothing planned",
              file=sys.stderr)
        return 2
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["where", "at", "contact", "status", "next_allowed_at", "rules"])
        for row in rows:
            writer.writerow([row["where"], row["at"], row["contact"], row["status"],
                             row["next_allowed_at"] or "", " ".join(row["rules"])])
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    print(json.dumps({"summary": summary.to_dict()}, ensure_ascii=False), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("plan", help="decide planned attempts in time order; give denied ones a time to move to")
    p.add_argument("--policy", required=True)
    p.add_argument("--history", help="contacts already made: JSON lines, a JSON array or CSV (.csv)")
    p.add_argument("--attempts", required=True, help="planned attempts: JSON lines, a JSON array or CSV (.csv)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.set_defaults(run=run)
