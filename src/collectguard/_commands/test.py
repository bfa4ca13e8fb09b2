"""collectguard test PATH...: run policy test cases; failures with file:line, coverage, todo, JUnit."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .._casefile import Runner, case_files, coverage
from .._errors import CollectguardError, PolicyError
from .._report import junit


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def run(args: argparse.Namespace) -> int:
    files = case_files(args.paths)
    if not files:
        raise CollectguardError(f"no case files (*.tests.yaml) in {', '.join(args.paths)}")
    started = time.perf_counter()
    runner = Runner()
    reports, broken = [], []
    for path in files:
        try:
            reports.append(runner.run_file(path))
        except PolicyError as exc:
            broken.append(exc)
            print(f"{exc.one_line()}")
    results = [r for report in reports for r in report.results]
    for r in results:
        if r.failed:
            print(f"{r.file}:{r.line}: FAIL {r.name}")
            for problem in r.problems:
                print(f"    {problem}")
    todo = [r for r in results if r.todo is not None]
    gaps = [r for r in todo if not r.passed]
    fixed = [r for r in todo if r.passed]
    if args.todo:
        for r in gaps:
            print(f"{r.file}:{r.line}: TODO {r.name}\n    {r.todo}")
            for problem in r.problems:
                print(f"    {problem}")
    for r in fixed:
        print(f"{r.file}:{r.line}: warning: a todo case passes now, remove its todo: {r.name}")
    for policy, uncovered in coverage(reports):
        print(f"{policy}: warning: no case makes these rules fire: {', '.join(uncovered)}")
    counted = [r for r in results if r.todo is None]
    passed = sum(1 for r in counted if r.passed)
    texts = sum(1 for r in counted if r.kind == "text")
    seconds = time.perf_counter() - started
    print(f"PASS {passed}/{len(counted)} cases in {_plural(len(reports), 'file')} ({seconds:.2f}s): "
          f"{_plural(len(counted) - texts, 'attempt')}, {_plural(texts, 'text')}"
          + (f"; {_plural(len(broken), 'broken case file')}" if broken else ""))
    if todo:
        print(f"TODO {len(gaps)} known gap{'s' if len(gaps) != 1 else ''} (not failures"
              + ("" if args.todo else "; --todo lists them") + ")"
              + (f", {len(fixed)} todo passing now" if fixed else ""))
    if args.junit:
        cases = [{"name": r.name, "file": r.file, "line": r.line, "seconds": r.seconds,
                  "failure": "\n".join(r.problems) if r.failed and not r.error else None,
                  "error": r.error if r.failed else None,
                  "skipped": f"todo: {r.todo}" if r.todo is not None and not r.passed else None} for r in results]
        cases += [{"name": "case file", "file": e.path or "", "line": e.line, "error": e.one_line()} for e in broken]
        Path(args.junit).write_text(junit("collectguard policy tests", cases), encoding="utf-8")
    if broken:
        return 2
    return 0 if passed == len(counted) else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("test", help="run policy test cases (*.tests.yaml beside the policies)")
    p.add_argument("paths", nargs="+", help="case files or directories holding them")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    p.add_argument("--todo", action="store_true", help="list the todo cases that fail (known gaps)")
    p.set_defaults(run=run)
