"""Lint: every problem in a policy file, each with its place, check id and a hint.

Loading stops at the first error; lint goes on and reports all of them: YAML syntax and
duplicate keys, values YAML 1.1 tools read differently, schema problems, unknown kinds,
duplicate ids, overlays naming unknown rules, parameters a kind refuses (zones, times,
patterns), rules that can never apply or never bind, candidate zones that change nothing or
leave an unknown region less protected than a known one, and missing messages or citations.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._errors import PolicyError
from ._kinds import BY_NAME
from ._kinds._base import CompileEnv
from ._facts import FactReader
from ._layers import is_layer
from ._spec import PolicySpec, RuleBase, patched_rule, rule_error, validate
from ._vocab import CHANNELS, OUTCOMES
from ._yaml import Document, load


CASE_FILE_SUFFIXES = (".tests.yaml", ".tests.yml")


def lint_file(path: str | Path) -> list[PolicyError]:
    """All problems in one policy file, errors and warnings, in file order."""
    name = str(path)
    if name.endswith(CASE_FILE_SUFFIXES):
        return [PolicyError("a policy test case file, not a policy: lint does not check it", path=name,
                            level="warning", check="case-file", hint=f"check and run it with: collectguard test {name}")]
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [PolicyError("no such file", path=name, check="file", hint="check the path")]
    except (OSError, UnicodeDecodeError) as exc:
        return [PolicyError(f"cannot read the file: {exc}", path=name, check="file")]
    return lint_text(text, name)


def lint_text(text: str, path: str) -> list[PolicyError]:
    try:
        doc = load(text, path)
    except PolicyError as exc:
        return [exc]
    problems = _yaml11(doc)
    if is_layer(doc):  # a layer over another pack: checked as it loads, merged with the packs below
        from ._policy import parse_policy

        try:
            parse_policy(text, path)
        except PolicyError as exc:
            problems.append(exc)
        return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.check))
    spec, found = validate(doc)
    problems += found
    if spec is not None:
        problems += _compile_all(doc, spec)
        problems += _semantics(doc, spec)
        problems += _lexicon_problems(doc, spec)
        problems += _zone_problems(doc, spec)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.check))


def _yaml11(doc: Document) -> list[PolicyError]:
    out = []
    for loc, value in doc.plain_strings.items():
        if "-" in value and ":" not in value:
            continue  # a date: YAML 1.1 tools read a date, which is what a date field means
        line, col = doc.position(loc)
        reading = "a number (22:00 is 1320)" if ":" in value else "a boolean"
        out.append(PolicyError(f"'{value}' is unquoted: YAML 1.1 tools (PyYAML, many editors) read it as "
                               f"{reading}", path=doc.path, line=line, column=col, level="warning",
                               check="yaml11-scalar", hint=f'quote it: "{value}"'))
    return out


def _compile_all(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    out = []
    placed: list[tuple[Any, tuple[Any, ...]]] = [(r, ("rules", i)) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        for rule_id in overlay.rules:
            if any(r.id == rule_id for r in spec.rules):
                try:
                    placed.append((patched_rule(doc, spec, j, rule_id), ("overlays", j, "rules", rule_id)))
                except PolicyError as exc:
                    out.append(exc)
        placed += [(r, ("overlays", j, "add", k)) for k, r in enumerate(overlay.add)]
    shared: dict[str, Any] = {}
    folder = Path(doc.path).resolve().parent if doc.path and not doc.path.startswith("<") else None
    lexicons = {name: tuple(terms) for name, terms in spec.lexicons.items()}
    facts = FactReader(spec.facts)
    for rule, where in placed:
        kind = BY_NAME[rule.kind]
        try:
            kind.compile(rule.params, CompileEnv(rule.id, spec.timezone, folder, shared, lexicons, facts))
        except ValueError as exc:
            out.append(rule_error(doc, where, rule.id, exc))
    return out


def _semantics(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    out = []
    rules: list[tuple[RuleBase, tuple[Any, ...]]] = [(r, ("rules", i)) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        rules += [(r, ("overlays", j, "add", k)) for k, r in enumerate(overlay.add)]
    for rule, where in rules:
        line, col = doc.position(where)
        if not rule.message:
            out.append(PolicyError(f"rule '{rule.id}' has no message", path=doc.path, line=line, column=col,
                                   level="warning", check="missing-message",
                                   hint="say in one line what was found, why it matters and what to do"))
        if not rule.citation:
            out.append(PolicyError(f"rule '{rule.id}' has no citation", path=doc.path, line=line, column=col,
                                   level="warning", check="missing-citation",
                                   hint="cite the article the rule enforces, e.g. 电话催收管理制度 第五条"))
        for field in ("parties", "relations", "channels", "clients"):
            if rule.when is not None and getattr(rule.when, field) == []:
                wline, wcol = doc.position(where + ("when", field))
                out.append(PolicyError(f"rule '{rule.id}': when.{field} is empty, so the rule never applies",
                                       path=doc.path, line=wline, column=wcol, check="never-applies",
                                       hint=f"list the {field} it applies to, or remove when.{field}"))
        if rule.kind == "frequency-cap":
            out += _cap_never_binds(doc, rule, where)
        if rule.kind == "text-match":
            out += _literal_patterns(doc, rule, where)
    return out


# Regex syntax a literal term is unlikely to mean: a literal "(?:a|b)" never matches.
_PATTERN_SYNTAX = re.compile(r"\(\?|\||\\[dswbDSWB]|\[\^?[^\]]*\]|\.\*|\.\+|\)[?*+]")


def _literal_patterns(doc: Document, rule: Any, where: tuple[Any, ...]) -> list[PolicyError]:
    problems = []
    for table in ("groups", "cues"):
        for name, group in getattr(rule.params, table).items():
            for i, term in enumerate(group.any):
                if term.startswith(("re:", "phrase:")) or not _PATTERN_SYNTAX.search(term):
                    continue
                line, col = doc.position(where + ("params", table, name, "any", i))
                problems.append(PolicyError(
                    f"rule '{rule.id}': term {term!r} in {table}.{name} looks like a pattern but is "
                    "matched as literal text", path=doc.path, line=line, column=col, level="warning",
                    check="literal-looks-like-pattern", hint=f'write it as a pattern: "re:{term}"'))
    return problems


_LONG_PATTERN = 80
_LEXICON_USE = re.compile(r"^@([a-z][a-z0-9_]*)$|\{@([a-z][a-z0-9_]*)\}")
_PHRASE_LEXICON = re.compile(r"@([a-z][a-z0-9_]*)")


def _lexicon_problems(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """Lexicons no rule names, a term twice in one lexicon, and raw patterns too long to review."""
    from ._normalize import fold

    used: set[str] = set()
    problems = []
    rules: list[tuple[RuleBase, tuple[Any, ...]]] = [(r, ("rules", i)) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        rules += [(r, ("overlays", j, "add", k)) for k, r in enumerate(overlay.add)]
    for rule, where in rules:
        params = rule.params  # type: ignore[attr-defined]
        for table in ("groups", "cues"):
            for name, group in (getattr(params, table, None) or {}).items():
                for i, term in enumerate(group.any):
                    for match in _LEXICON_USE.finditer(term):
                        used.add(match.group(1) or match.group(2))
                    if term.startswith("phrase:"):
                        used.update(_PHRASE_LEXICON.findall(term))
                    if term.startswith("re:") and len(term) - 3 > _LONG_PATTERN:
                        line, col = doc.position(where + ("params", table, name, "any", i))
                        problems.append(PolicyError(
                            f"rule '{rule.id}': a raw pattern of {len(term) - 3} characters in {table}.{name}",
                            path=doc.path, line=line, column=col, level="warning", check="long-pattern",
                            hint="name its word lists as lexicons ({@name}) or split it into terms"))
    for name, terms in spec.lexicons.items():
        if name not in used:
            line, col = doc.position(("lexicons", name))
            problems.append(PolicyError(f"lexicon '{name}' is named by no rule", path=doc.path, line=line,
                                        column=col, level="warning", check="unused-lexicon",
                                        hint=f"use it as @{name} in a group, or remove it"))
        seen: dict[str, int] = {}
        for i, term in enumerate(terms):
            folded = fold(term).strip()
            if folded in seen:
                line, col = doc.position(("lexicons", name, i))
                problems.append(PolicyError(
                    f"lexicon '{name}': {term!r} is the same term as {terms[seen[folded]]!r} once folded",
                    path=doc.path, line=line, column=col, level="warning", check="duplicate-term",
                    hint="write each term once; folding reads the other spellings"))
            else:
                seen[folded] = i
    return problems


def _reads_local_time(rule: Any) -> bool:
    """A rule whose decision depends on the recipient's zone: the local clock or local days."""
    if rule.kind == "contact-hours":
        return True
    return rule.kind == "frequency-cap" and rule.params.window.rolling is None


def _zone_problems(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """zones: that changes nothing, or a known region judged in a zone an unknown one is not."""
    settings = spec.zones
    if settings is None:
        return []
    problems = []
    rules = list(spec.rules) + [r for o in spec.overlays for r in o.add]
    if not any(_reads_local_time(r) for r in rules):
        line, col = doc.position(("zones",), key=True)
        problems.append(PolicyError("zones: no rule reads the recipient's local time (contact-hours, or a cap "
                                    "over calendar days), so the zones change no decision", path=doc.path,
                                    line=line, column=col, level="warning", check="zones-unused",
                                    hint="remove zones:, or add the time rule it is for"))
    candidates = settings.candidates
    overlay_regions = {r for o in spec.overlays for r in (o.regions or ())}
    for region, names in settings.by_region.items():
        if region not in overlay_regions:
            same = [r for r in overlay_regions if r.lower() == region.lower()]
            if same:
                line, col = doc.position(("zones", "by_region", region), key=True)
                problems.append(PolicyError(f"zones.by_region: '{region}' is written '{same[0]}' in an overlay; "
                                            "regions are matched exactly", path=doc.path, line=line, column=col,
                                            level="warning", check="zones-region-spelling",
                                            hint=f"write '{same[0]}' in both places"))
        if candidates is None:
            continue
        if set(names) == set(candidates):
            line, col = doc.position(("zones", "by_region", region), key=True)
            problems.append(PolicyError(f"zones.by_region.{region}: the same zones as zones.candidates",
                                        path=doc.path, line=line, column=col, level="warning",
                                        check="zones-same-as-candidates",
                                        hint="remove it: a region without a list gets the candidates"))
            continue
        for i, name in enumerate(names):
            if name not in candidates:
                line, col = doc.position(("zones", "by_region", region, i))
                problems.append(PolicyError(
                    f"zones.by_region.{region}: '{name}' is not in zones.candidates, so an attempt whose region "
                    f"is not known is judged less strictly than one from {region}", path=doc.path, line=line,
                    column=col, level="warning", check="zones-not-in-candidates",
                    hint=f"add {name} to zones.candidates: a recipient of unknown region may be there too"))
    return problems


def _cap_never_binds(doc: Document, rule: Any, where: tuple[Any, ...]) -> list[PolicyError]:
    count = rule.params.count
    outcomes = set(OUTCOMES)
    if count.outcomes is not None:
        outcomes &= set(count.outcomes)
    if count.outcomes_not is not None:
        outcomes -= set(count.outcomes_not)
    channels = set(count.channels) if count.channels is not None else set(CHANNELS)
    problems = []
    for field in ("directions", "reached"):
        if getattr(count, field) == []:
            line, col = doc.position(where + ("params", "count", field))
            problems.append(PolicyError(f"rule '{rule.id}': count.{field} is empty, so only entries that do "
                                        f"not say their {field.rstrip('s')} count", path=doc.path, line=line,
                                        column=col, level="warning", check="cap-never-binds",
                                        hint=f"list the {field} to count, or remove count.{field}"))
    for name, test in (count.facts or {}).items():
        if getattr(test, "present", None) is not None:
            line, col = doc.position(where + ("params", "count", "facts", name))
            problems.append(PolicyError(f"rule '{rule.id}': count.facts.{name} tests present, but an entry "
                                        "without the fact is always counted", path=doc.path, line=line,
                                        column=col, level="warning", check="count-fact-present",
                                        hint="compare the value ({in: [...]} or {not: ...}), or remove the test"))
    window = rule.params.window
    if window.before_attempt and window.rolling is not None:
        line, col = doc.position(where + ("params", "window", "before_attempt"))
        problems.append(PolicyError(f"rule '{rule.id}': a rolling window counts nothing after the attempt "
                                    "already; before_attempt only leaves out an entry at the same instant",
                                    path=doc.path, line=line, column=col, level="warning",
                                    check="before-attempt-rolling",
                                    hint="remove before_attempt, or use a calendar window"))
    if (outcomes and outcomes <= {"answered"} and window.rolling is None and not window.before_attempt):
        line, col = doc.position(where + ("params", "window"))
        problems.append(PolicyError(f"rule '{rule.id}': counts conversations over the whole calendar period, "
                                    "so a conversation later than the attempt blocks it", path=doc.path,
                                    line=line, column=col, level="warning", check="conversation-after-attempt",
                                    hint="add before_attempt: true to the window for 'within N days after a "
                                    "conversation'"))
    if not outcomes or not channels:
        line, col = doc.position(where + ("params", "count"))
        problems.append(PolicyError(f"rule '{rule.id}': the count filter excludes every "
                                    f"{'outcome' if not outcomes else 'channel'}, so only entries with no "
                                    "recorded outcome count", path=doc.path, line=line, column=col,
                                    level="warning", check="cap-never-binds",
                                    hint="check outcomes / outcomes_not / channels"))
    return problems


def exit_code(problems: list[PolicyError], strict: bool = False) -> int:
    if any(p.level == "error" for p in problems):
        return 1
    if strict and problems:
        return 1
    return 0
