"""collectguard plan: decide a day's planned attempts in time order, moving the denied ones."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from .._logs import read_records
from .._plan import PlanSummary, history_from, plan
from .._policy import load_policy


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    history = history_from(policy, read_records(args.history)) if args.history else []
    summary = PlanSummary()
    rows = plan(policy, history, read_records(args.attempts), summary)
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="decide planned attempts in time order; give denied ones a time to move to")
    p.add_argument("--policy", required=True)
    p.add_argument("--history", help="contacts already made: JSON lines, a JSON array or CSV (.csv)")
    p.add_argument("--attempts", required=True, help="planned attempts: JSON lines, a JSON array or CSV (.csv)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.set_defaults(run=run)
