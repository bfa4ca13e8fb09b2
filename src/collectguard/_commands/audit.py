"""collectguard audit LOG: replay a call log and list every attempt or text that broke a rule.

Exit 0: nothing broke a rule; 1: something did; 2: some record could not be judged (each
is printed with its place), so the audit is incomplete.
"""

from __future__ import annotations

import argparse
import json
import sys

from .._audit import AuditSummary, audit
from .._logs import read_records
from .._policy import load_policy


def run(args: argparse.Namespace) -> int:
    as_json = args.format == "json" or args.summary_json
    policy = load_policy(args.policy)
    summary = AuditSummary()
    show = args.progress or sys.stderr.isatty()

    def progress(done: int) -> None:
        if show and done % 100_000 == 0:
            print(f"\r{done:,} records audited", end="", file=sys.stderr, flush=True)

    for finding in audit(policy, read_records(args.log), summary, reorder=args.reorder, progress=progress):
        if "error" in finding:  # a record that could not be judged: reported, counted, never dropped
            print(json.dumps(finding, ensure_ascii=False))
            if not as_json:  # under --format json stderr holds the summary only
                print(f"collectguard: {finding['error']}", file=sys.stderr)
        elif finding["broken"] or args.warnings:
            print(json.dumps(finding, ensure_ascii=False))
    if show:
        print(file=sys.stderr)
    if as_json:
        print(json.dumps({"summary": summary.to_dict()}, ensure_ascii=False), file=sys.stderr)
    else:
        print(summary.table(), file=sys.stderr)
    # 2 while any record could not be judged: the audit is incomplete, whatever it found.
    return 2 if summary.refused else 1 if summary.broken else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="replay a call log (JSONL or CSV) and report what broke a rule")
    p.add_argument("log", help="the log: .jsonl or .csv (- for JSONL on stdin)")
    p.add_argument("--policy", required=True)
    p.add_argument("--reorder", type=int, default=10_000, help="records a late one may trail by (default 10000)")
    p.add_argument("--warnings", action="store_true", help="also list records with warnings only")
    p.add_argument("--progress", action="store_true", help="show progress on stderr even when it is not a terminal")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="the summary on stderr: text (a table, default) or json (one object, and no other "
                        "line: each refused record is on stdout in its place)")
    p.add_argument("--summary-json", action="store_true", help="the same as --format json")
    p.set_defaults(run=run)
