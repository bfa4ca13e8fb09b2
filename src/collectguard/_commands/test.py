"""collectguard test PATH...: run policy test cases; failures with file:line, coverage, CI formats.

A case with ``todo`` (a known gap) is run and reported apart: its failure does not fail the
run, and a todo case that passes is reported so that its todo can go.

Exit 0: every selected case passed, todo cases aside (and, with --require-cases, every rule
has a case); 1: a case failed, or a rule has no case under --require-cases; 2: a case file is broken
(each problem printed with file:line:col), or a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from .._casefile import FileReport, Result, case_files, coverage, keyword_filter, load_cases, run_cases
from .._errors import CollectguardError, PolicyError
from .._policy import Policy
from .._report import annotation, github, junit, problem_dict, problem_line

TEST_FORMATS = ("text", "json", "github", "junit")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(results: list[Result], files: int, broken: int, uncovered: int, deselected: int,
                 required: bool, seconds: float) -> tuple[bool, str]:
    """(passed, the one line): PASS only when every case passed (todo cases aside), no case
    file is broken and, with --require-cases, every rule has a case."""
    counted = [r for r in results if r.todo is None]
    passed = sum(1 for r in counted if r.passed)
    ok = passed == len(counted) and not broken and not (required and uncovered)
    parts = [f"{'PASS' if ok else 'FAIL'} {passed}/{len(counted)} cases in {_plural(files, 'file')}"]
    todo = [r for r in results if r.todo is not None]
    if todo:
        gaps = sum(1 for r in todo if not r.passed)
        parts.append(f"{gaps} todo failing as known" + (f", {len(todo) - gaps} todo passing now" if gaps < len(todo)
                                                         else ""))
    if deselected:
        parts.append(f"{deselected} deselected by -k")
    if broken:
        parts.append(_plural(broken, "broken case file"))
    if required and uncovered:
        parts.append(f"{_plural(uncovered, 'rule')} without a case")
    return ok, ", ".join(parts) + f" ({seconds:.2f}s)"


def _case_dict(r: Result) -> dict[str, Any]:
    return {"name": r.name, "file": r.file, "line": r.line, "kind": r.kind, "passed": r.passed,
            "todo": r.todo, "problems": r.problems, "fired": r.fired, "seconds": round(r.seconds, 6)}


def _junit_cases(results: list[Result], broken: list[PolicyError],
                 uncovered: list[tuple[FileReport, list[str]]], required: bool) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = [
        {"name": r.name, "file": r.file, "line": r.line, "seconds": r.seconds,
         "failure": "\n".join(r.problems) if r.failed and not r.error else None,
         "error": r.error if r.failed else None,
         "skipped": f"todo: {r.todo}" if r.todo is not None and not r.passed else None} for r in results]
    cases += [{"name": "case file", "file": e.path or "", "line": e.line, "error": problem_line(e)} for e in broken]
    if required:
        cases += [{"name": "every rule has a case", "file": report.path, "line": None,
                   "failure": f"no case makes these rules fire: {', '.join(rules)}"} for report, rules in uncovered]
    return cases


def run(args: argparse.Namespace) -> int:
    if args.require_cases and args.keyword is not None:
        raise CollectguardError("--require-cases counts the cases of the whole pack; run it without -k")
    select = keyword_filter(args.keyword) if args.keyword is not None else None
    files = case_files(args.paths)
    if not files:
        raise CollectguardError(f"no case files (*.tests.yaml) in {', '.join(args.paths)}")
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    started = time.perf_counter()
    reports: list[FileReport] = []
    broken_files: list[str] = []
    problems: list[PolicyError] = []
    policies: dict[Path, Policy] = {}  # a pack's many case files load it once
    for path in files:
        cases, found = load_cases(path, policies)
        if cases is None:
            broken_files.append(str(path))
            problems += found
        else:
            reports.append(run_cases(cases, select))
    seconds = time.perf_counter() - started
    results = [r for report in reports for r in report.results]
    deselected = sum(report.deselected for report in reports)
    if select is not None and not results and not problems:
        raise CollectguardError(f"-k {args.keyword!r}: no case matches (of {deselected} in "
                                f"{_plural(len(reports), 'file')})")
    # Coverage is of the whole pack: a run narrowed by -k says nothing about it.
    uncovered = coverage(reports) if select is None else []
    level = "error" if args.require_cases else "warning"
    ok, summary = summary_line(results, len(reports), len(broken_files), sum(len(u) for _, u in uncovered),
                               deselected, args.require_cases, seconds)

    if fmt == "json":
        print(json.dumps({
            "passed": ok, "summary": summary,
            "counts": {"cases": len(results), "passed": sum(1 for r in results if r.passed),
                       "failed": sum(1 for r in results if r.failed),
                       "todo": sum(1 for r in results if r.todo is not None), "deselected": deselected,
                       "files": len(reports), "broken_files": len(broken_files)},
            "cases": [_case_dict(r) for r in results],
            "broken": [problem_dict(p) for p in problems],
            "uncovered": [{"file": report.path, "policy": str(report.policy_path), "level": level, "rules": rules}
                          for report, rules in uncovered],
            "seconds": round(seconds, 6)}, ensure_ascii=False, indent=2))
    elif fmt == "junit":
        print(junit("collectguard policy tests", _junit_cases(results, problems, uncovered, args.require_cases)),
              end="")
    elif fmt == "github":
        for p in problems:
            print(github(p))
        for r in results:
            if r.failed:
                print(annotation("error", r.file, r.line, None, "collectguard test",
                                 f"FAIL {r.name}: " + "; ".join(r.problems)))
            elif r.todo is not None and r.passed:
                print(annotation("warning", r.file, r.line, None, "collectguard test",
                                 f"a todo case passes now, remove its todo: {r.name}"))
        for report, rules in uncovered:
            print(annotation(level, report.path, None, None, "collectguard test coverage",
                             f"no case makes these rules fire: {', '.join(rules)}"))
        print(summary)
    else:
        for p in problems:
            print(problem_line(p))
        for r in results:
            if r.failed:
                print(f"{r.file}:{r.line}: FAIL {r.name}")
                for problem in r.problems:
                    print(f"    {problem}")
            elif r.todo is not None and r.passed:
                print(f"{r.file}:{r.line}: warning: a todo case passes now, remove its todo: {r.name}")
            elif r.todo is not None and (args.todo or args.verbose):
                print(f"{r.file}:{r.line}: TODO {r.name}\n    {r.todo}")
                for problem in r.problems:
                    print(f"    {problem}")
            elif args.verbose:
                print(f"{r.file}:{r.line}: PASS {r.name}")
        for report, rules in uncovered:
            print(f"{report.path}: {level}: no case makes these rules fire: {', '.join(rules)}")
        print(summary)
    if args.junit:
        Path(args.junit).write_text(junit("collectguard policy tests",
                                          _junit_cases(results, problems, uncovered, args.require_cases)),
                                    encoding="utf-8")
    if broken_files:
        return 2
    return 0 if ok else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("test", help="run policy test cases (*.tests.yaml beside the policies)")
    p.add_argument("paths", nargs="+", help="case files or directories holding them")
    p.add_argument("-k", dest="keyword", metavar="EXPR",
                   help="run only the cases whose name or expected rule ids contain these words "
                        "(and, or, not, parentheses: -k 'quiet and not sms')")
    p.add_argument("-v", "--verbose", action="store_true", help="list every case, passed or not (text format)")
    p.add_argument("--format", choices=TEST_FORMATS, default=None,
                   help="text (default), json, github (default under GitHub Actions), junit (JUnit XML on stdout)")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    p.add_argument("--todo", action="store_true", help="list the todo cases that fail (known gaps)")
    p.add_argument("--require-cases", action="store_true",
                   help="fail (exit 1) when a rule of a tested policy has no case that makes it fire")
    p.set_defaults(run=run)
