"""collectguard lint PATH...: every problem in policy files, in the format CI reads."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .._errors import CollectguardError
from .._lint import exit_code, lint_file
from .._report import FORMATS, render


def _policy_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.y*ml")
                            if p.suffix in (".yaml", ".yml") and not p.name.endswith((".tests.yaml", ".tests.yml")))
        elif path.exists():
            found.append(path)
        else:
            raise CollectguardError(f"{raw}: no such file or directory")
    return found


def run(args: argparse.Namespace) -> int:
    files = _policy_files(args.paths)
    if not files:
        raise CollectguardError(f"no policy files (*.yaml) in {', '.join(args.paths)}")
    problems = [p for f in files for p in lint_file(f)]
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    output = render(problems, fmt, len(files))
    if output:
        print(output)
    return exit_code(problems, args.strict)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("lint", help="check policy files: syntax, schema, ids, overlays, patterns, citations")
    p.add_argument("paths", nargs="+", help="policy files or directories (*.tests.yaml are skipped)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="text (default), json, sarif, github (default under GitHub Actions)")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.set_defaults(run=run)
