"""collectguard test PATH...: run policy test cases; failures with file:line, coverage, JUnit."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .._casefile import by_policy, case_files, coverage, run_file
from .._errors import CollectguardError, PolicyError
from .._report import junit


def run(args: argparse.Namespace) -> int:
    files = case_files(args.paths)
    if not files:
        raise CollectguardError(f"no case files (*.tests.yaml) in {', '.join(args.paths)}")
    started = time.perf_counter()
    reports, broken = [], []
    for path in files:
        try:
            reports.append(run_file(path))
        except PolicyError as exc:
            broken.append(exc)
            print(f"{exc.one_line()}")
    results = [r for report in reports for r in report.results]
    for r in results:
        if not r.passed:
            print(f"{r.file}:{r.line}: FAIL {r.name}")
            for problem in r.problems:
                print(f"    {problem}")
    for group in by_policy(reports):
        uncovered = coverage(*group)
        if uncovered:
            print(f"{group[0].path}: warning: no case makes these rules fire: {', '.join(uncovered)}")
    passed = sum(1 for r in results if r.passed)
    seconds = time.perf_counter() - started
    print(f"PASS {passed}/{len(results)} cases in {len(reports)} file{'s' if len(reports) != 1 else ''} "
          f"({seconds:.2f}s)" + (f"; {len(broken)} broken case file{'s' if len(broken) != 1 else ''}" if broken else ""))
    if args.junit:
        cases = [{"name": r.name, "file": r.file, "line": r.line, "seconds": r.seconds,
                  "failure": None if r.passed or r.error else "\n".join(r.problems),
                  "error": r.error if not r.passed else None} for r in results]
        cases += [{"name": "case file", "file": e.path or "", "line": e.line, "error": e.one_line()} for e in broken]
        Path(args.junit).write_text(junit("collectguard policy tests", cases), encoding="utf-8")
    if broken:
        return 2
    return 0 if passed == len(results) else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("test", help="run policy test cases (*.tests.yaml beside the policies)")
    p.add_argument("paths", nargs="+", help="case files or directories holding them")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.set_defaults(run=run)
