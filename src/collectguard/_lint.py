"""Lint: every problem in a policy file, each with its place, check id and a hint.

Loading stops at the first error; lint goes on and reports all of them: YAML syntax and
duplicate keys, values YAML 1.1 tools read differently, schema problems, unknown kinds,
duplicate ids, overlays naming unknown rules, parameters a kind refuses (zones, times,
patterns), rules that can never apply or never bind, candidate zones that change nothing or
leave an unknown region less protected than a known one, and missing messages or citations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._compile import rule_problems
from ._errors import PolicyError
from ._kinds import BY_NAME
from ._layers import is_layer
from ._spec import PolicySpec, RuleBase, validate
from ._yaml import Document, load

CASE_FILE_SUFFIXES = (".tests.yaml", ".tests.yml")


def lint_file(path: str | Path) -> list[PolicyError]:
    """All problems in one policy file, errors and warnings, in file order."""
    name = str(path)
    if name.endswith(CASE_FILE_SUFFIXES):
        return [PolicyError("a policy test case file, not a policy: lint does not check it", path=name,
                            level="warning", check="case-file",
                            hint=f"check and run it with: collectguard test {name}")]
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [PolicyError("no such file", path=name, check="file", hint="check the path")]
    except (OSError, UnicodeDecodeError) as exc:
        return [PolicyError(f"cannot read the file: {exc}", path=name, check="file")]
    return lint_text(text, name)


def lint_text(text: str, path: str) -> list[PolicyError]:
    try:
        doc = load(text, path, every_duplicate=True)
    except PolicyError as exc:
        return [exc]
    problems = list(doc.duplicates or ()) + _yaml11(doc)
    if is_layer(doc):  # a layer over another pack: checked as it loads, merged with the packs below
        from ._policy import parse_policy

        try:
            parse_policy(text, path)
        except PolicyError as exc:
            problems.append(exc)
        return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.check))
    spec, found = validate(doc)
    problems += found
    if spec is None:
        problems += _raw_duplicate_ids(doc)  # the schema failed: what can still be read of the rules
    if spec is not None:
        problems += rule_problems(doc, spec)
        problems += _semantics(doc, spec)
        problems += _lexicon_problems(doc, spec)
        problems += _zone_problems(doc, spec)
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.check))


def _raw_duplicate_ids(doc: Document) -> list[PolicyError]:
    """Duplicate rule ids, read from the file as written (when the schema check failed and
    no spec was built, so that one round of fixes needs one round of lint)."""
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    out: list[PolicyError] = []
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        if rule_id in seen:
            line, col = doc.position(("rules", i, "id"))
            out.append(PolicyError(f"rules[{i}].id: duplicate rule id '{rule_id}' (also rules[{seen[rule_id]}])",
                                   path=doc.path, line=line, column=col, check="duplicate-id",
                                   hint="rule ids must be unique: overlays and reasons name rules by id"))
        seen.setdefault(rule_id, i)
    return out


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
        out += BY_NAME[rule.kind].lint(rule, where, doc)  # the kind's own checks
    return out


def _lexicon_problems(doc: Document, spec: PolicySpec) -> list[PolicyError]:
    """Lexicons no rule names (each kind says which its rules name), and a term twice in one lexicon."""
    from ._normalize import fold

    used: set[str] = set()
    problems = []
    rules: list[tuple[RuleBase, tuple[Any, ...]]] = [(r, ("rules", i)) for i, r in enumerate(spec.rules)]
    for j, overlay in enumerate(spec.overlays):
        rules += [(r, ("overlays", j, "add", k)) for k, r in enumerate(overlay.add)]
    for rule, _where in rules:
        used.update(BY_NAME[rule.kind].lexicons(rule.params))
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


def exit_code(problems: list[PolicyError], strict: bool = False) -> int:
    if any(p.level == "error" for p in problems):
        return 1
    if strict and problems:
        return 1
    return 0
