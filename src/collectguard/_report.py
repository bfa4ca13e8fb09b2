"""Problems and test results in the formats CI systems read: text, JSON, SARIF, GitHub, JUnit."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from . import __version__
from ._errors import PolicyError

FORMATS = ("text", "json", "sarif", "github")


def problem_line(p: PolicyError) -> str:
    where = p.path or "<policy>"
    if p.line is not None:
        where += f":{p.line}" + (f":{p.column}" if p.column is not None else "")
    text = f"{where}: {p.level} [{p.check}] {p.message}"
    return text + (f" ({p.hint})" if p.hint else "")


def problem_dict(p: PolicyError) -> dict[str, Any]:
    return {"path": p.path, "line": p.line, "column": p.column, "level": p.level, "check": p.check,
            "message": p.message, "hint": p.hint}


def render(problems: list[PolicyError], fmt: str, files: int) -> str:
    if fmt == "json":
        return json.dumps([problem_dict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "sarif":
        return json.dumps(sarif(problems), ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(github(p) for p in problems)
    errors = sum(1 for p in problems if p.level == "error")
    lines = [problem_line(p) for p in problems]
    lines.append(f"{files} file{'s' if files != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, "
                 f"{len(problems) - errors} warning{'s' if len(problems) - errors != 1 else ''}")
    return "\n".join(lines)


def annotation(level: str, path: str | None, line: int | None, column: int | None, title: str,
               message: str) -> str:
    """A GitHub Actions workflow command that annotates a file (``::error file=...::message``)."""
    def prop(value: str) -> str:
        return (value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                .replace(":", "%3A").replace(",", "%2C"))

    def data(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    fields = [f"file={prop(path or '')}"]
    if line is not None:
        fields.append(f"line={line}")
    if column is not None:
        fields.append(f"col={column}")
    fields.append(f"title={prop(title)}")
    return f"::{'error' if level == 'error' else 'warning'} {','.join(fields)}::{data(message)}"


def github(p: PolicyError) -> str:
    return annotation(p.level, p.path, p.line, p.column, "collectguard " + p.check,
                      p.message + (f" ({p.hint})" if p.hint else ""))


def sarif(problems: list[PolicyError]) -> dict[str, Any]:
    checks = sorted({p.check for p in problems})
    results = []
    for p in problems:
        region: dict[str, int] = {}
        if p.line is not None:
            region["startLine"] = p.line
        if p.column is not None:
            region["startColumn"] = p.column
        location: dict[str, Any] = {"artifactLocation": {"uri": p.path or ""}}
        if region:
            location["region"] = region
        results.append({
            "ruleId": p.check,
            "level": "error" if p.level == "error" else "warning",
            "message": {"text": p.message + (f" ({p.hint})" if p.hint else "")},
            "locations": [{"physicalLocation": location}],
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "collectguard", "version": __version__,
                                "informationUri": "https://github.com/collectguard/collectguard",
                                "rules": [{"id": c, "name": c} for c in checks]}},
            "results": results,
        }],
    }


def junit(suite: str, cases: list[dict[str, Any]]) -> str:
    """cases: {name, file, line, failure (str | None), error (str | None), skipped (str | None), seconds}."""
    failures = sum(1 for c in cases if c.get("failure"))
    errors = sum(1 for c in cases if c.get("error"))
    skipped = sum(1 for c in cases if c.get("skipped"))
    total = sum(c.get("seconds", 0.0) for c in cases)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites tests="{len(cases)}" failures="{failures}" errors="{errors}" skipped="{skipped}">',
           f'  <testsuite name={quoteattr(suite)} tests="{len(cases)}" failures="{failures}" '
           f'errors="{errors}" skipped="{skipped}" time="{total:.4f}">']
    for c in cases:
        head = (f'    <testcase classname={quoteattr(c["file"])} name={quoteattr(c["name"])} '
                f'file={quoteattr(c["file"])} line="{c.get("line") or 0}" time="{c.get("seconds", 0.0):.4f}"')
        if c.get("failure"):
            out.append(head + ">")
            out.append(f'      <failure message={quoteattr(c["failure"].splitlines()[0])}>'
                       f'{escape(c["failure"])}</failure>')
            out.append("    </testcase>")
        elif c.get("error"):
            out.append(head + ">")
            out.append(f'      <error message={quoteattr(c["error"].splitlines()[0])}>{escape(c["error"])}</error>')
            out.append("    </testcase>")
        elif c.get("skipped"):
            out.append(head + ">")
            out.append(f'      <skipped message={quoteattr(c["skipped"].splitlines()[0])}/>')
            out.append("    </testcase>")
        else:
            out.append(head + "/>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"
