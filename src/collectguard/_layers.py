"""Layered packs: a file that extends another pack and changes only what differs.

A bank's or a state's rules need not copy the pack they sit on::

    # acme-bank.yaml
    id: acme-bank
    version: "2026.1"
    extends: cn-card-collection      # a shipped pack's name, or a path relative to this file
    changes:                         # rules of the packs below, changed by id
      quiet-hours: {params: {from: "09:00", until: "21:00"}}
    rules: []                        # rules only this layer has, written like any rule
    facts: {}                        # more declared facts
    overlays: []                     # client overlays, as in any pack

Layers load base first. Each file is read and checked on its own, and a problem is
reported in the file and at the line where it was written; a layer may not redeclare a
fact or a lexicon differently, add a rule whose id exists, or change a rule that does not.
The layer's id, version and any top-level setting it gives (timezone, zones, effective,
limits, undeclared_facts, unlisted_clients, require_region, text) replace the base's. The policy's digest covers
every layer, and a decision names each layer with its own id, version and digest.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import Field, StrictBool, ValidationError

from ._errors import PolicyError
from ._facts import FactDecl
from ._spec import (
    _RULE_ID,
    RULE_MODELS,
    Effective,
    Limits,
    Overlay,
    Rule,
    RulePatch,
    TextSettings,
    ZoneSettings,
    _data_loc,
    _one,
    _Strict,
    translate,
    vocabulary,
)
from ._yaml import Document

# Deeper than any real stack (regulation, jurisdiction, client): a longer chain is a mistake.
MAX_LAYERS = 8
_SETTINGS = ("title", "description", "timezone", "zones", "effective", "limits", "undeclared_facts", "unlisted_clients",
             "require_region", "text")


class LayerSpec(_Strict):
    """A pack that extends another: what it changes, adds and declares."""

    id: str = Field(pattern=_RULE_ID, description="this layer's id, e.g. acme-bank")
    version: str = Field(description="this layer's version, quoted")
    extends: str = Field(min_length=1, description="the pack below: a shipped pack's name or a path "
                         "relative to this file")
    title: str | None = None
    description: str | None = None
    timezone: str | None = None
    zones: ZoneSettings | None = None
    effective: Effective | None = None
    limits: Limits | None = None
    undeclared_facts: str | None = None
    unlisted_clients: str | None = None
    require_region: StrictBool | None = Field(None, description="true: an attempt or note without the "
                                                    "recipient's region is refused (a layer of overlays by region)")
    text: TextSettings | None = None
    changes: dict[str, RulePatch] = Field(default_factory=dict, description="rules of the packs below, "
                                          "changed by id (params merged key by key)")
    rules: list[Rule] = Field(default_factory=list, description="rules only this layer has")
    facts: dict[str, FactDecl] = Field(default_factory=dict)
    lexicons: dict[str, list[str]] = Field(default_factory=dict)
    overlays: list[Overlay] = Field(default_factory=list)


_LAYER_KEYS = vocabulary(LayerSpec, RulePatch, *RULE_MODELS.values())


@dataclass(frozen=True)
class LayerRef:
    id: str
    version: str
    digest: str
    path: str


@dataclass
class Stack:
    """The merged pack: one document (positions of the top layer's parts only), where each
    rule and overlay was written, and the layers, base first."""

    doc: Document
    origins: dict[tuple[Any, ...], tuple[Document, tuple[Any, ...]]]
    layers: list[LayerRef]
    digest: str


def is_layer(doc: Document) -> bool:
    return isinstance(doc.data, dict) and "extends" in doc.data


def read_stack(doc: Document, text: str, read: Any, seen: tuple[str, ...] = ()) -> Stack:
    """The stack a layer's document stands for; ``read(path) -> (text, Document)`` loads a
    pack below (a layer itself or a whole pack). PolicyError, in the file it concerns."""
    here = str(Path(doc.path).resolve()) if not doc.path.startswith("<") else doc.path
    if here in seen:
        raise PolicyError(f"extends: the packs extend each other in a circle ({' -> '.join(seen + (here,))})",
                          path=doc.path, line=doc.position(("extends",))[0], check="invalid-value")
    if len(seen) >= MAX_LAYERS:
        raise PolicyError(f"extends: more than {MAX_LAYERS} layers", path=doc.path, check="invalid-value")
    try:
        layer = LayerSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise translate(exc, doc, known_keys=_LAYER_KEYS)[0] from None
    base_path = _base_path(doc, layer.extends)
    base_text, base_doc = read(base_path)
    if is_layer(base_doc):
        below = read_stack(base_doc, base_text, read, seen + (here,))
    else:
        below = _whole(base_doc, base_text)
    return _merge(below, doc, layer, text)


def _base_path(doc: Document, extends: str) -> Path:
    from ._packs import is_name, pack_path

    if is_name(extends):
        return pack_path(extends)
    folder = Path(doc.path).resolve().parent if not doc.path.startswith("<") else Path.cwd()
    return (folder / extends).resolve()


def _whole(doc: Document, text: str) -> Stack:
    """A whole pack at the bottom of a stack, checked as any pack is."""
    from ._spec import validate

    spec, problems = validate(doc)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise errors[0]
    assert spec is not None
    origins = {("rules", i): (doc, ("rules", i)) for i in range(len(spec.rules))}
    origins.update({("overlays", j): (doc, ("overlays", j)) for j in range(len(spec.overlays))})
    ref = LayerRef(spec.id, spec.version, _digest(text), doc.path)
    return Stack(Document(data=copy.deepcopy(doc.data), path=doc.path, values=dict(doc.values),
                          keys=dict(doc.keys)), origins, [ref], ref.digest)


def _merge(below: Stack, doc: Document, layer: LayerSpec, text: str) -> Stack:
    data = copy.deepcopy(below.doc.data)
    origins = dict(below.origins)
    rules: list[dict[str, Any]] = data.setdefault("rules", [])
    ids = [r.get("id") for r in rules]
    raw = doc.data
    # The merged document keeps the positions of this layer's parts only: a problem found
    # when the whole is checked lies in what this layer wrote (the packs below were checked).
    values: dict[tuple[Any, ...], tuple[int, int]] = {}
    keys: dict[tuple[Any, ...], tuple[int, int]] = {}

    def place(merged: tuple[Any, ...], own: tuple[Any, ...]) -> None:
        for table, out in ((doc.values, values), (doc.keys, keys)):
            for loc, pos in table.items():
                if loc[:len(own)] == own:
                    out[merged + loc[len(own):]] = pos

    for rule_id, patch in (raw.get("changes") or {}).items():
        if rule_id not in ids:
            line, col = doc.position(("changes", rule_id), key=True)
            raise PolicyError(f"changes: no rule '{rule_id}' in the packs below", path=doc.path, line=line,
                              column=col, check="unknown-rule",
                              hint=_close(rule_id, [i for i in ids if i]) or "use rules: for a new rule")
        index = ids.index(rule_id)
        merged = dict(rules[index])
        for key, value in (patch or {}).items():
            if key == "params" and isinstance(value, dict) and isinstance(merged.get("params"), dict):
                merged["params"] = {**merged["params"], **value}
            else:
                merged[key] = value
        try:
            RULE_MODELS[merged["kind"]].model_validate(merged)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise _one(first, ("changes", rule_id) + _data_loc(merged, tuple(first["loc"])), doc) from None
        rules[index] = merged
        origins[("rules", index)] = (doc, ("changes", rule_id))
    for k, rule in enumerate(raw.get("rules") or []):
        if rule.get("id") in ids:
            line, col = doc.position(("rules", k, "id"))
            raise PolicyError(f"rules[{k}].id: rule '{rule['id']}' is in the packs below", path=doc.path,
                              line=line, column=col, check="duplicate-id",
                              hint="change it under changes: instead")
        rules.append(rule)
        ids.append(rule.get("id"))
        origins[("rules", len(rules) - 1)] = (doc, ("rules", k))
        place(("rules", len(rules) - 1), ("rules", k))
    for table in ("facts", "lexicons"):
        mine = raw.get(table) or {}
        theirs = data.setdefault(table, {})
        for name, value in mine.items():
            if name in theirs and theirs[name] != value:
                line, col = doc.position((table, name), key=True)
                raise PolicyError(f"{table}.{name}: declared differently in the packs below", path=doc.path,
                                  line=line, column=col, check="duplicate-id",
                                  hint="use the same declaration, or another name")
            theirs[name] = value
            place((table, name), (table, name))
    overlays = data.setdefault("overlays", [])
    selectors = [_selector(o) for o in overlays]
    for j, overlay in enumerate(raw.get("overlays") or []):
        if isinstance(overlay, dict) and _selector(overlay) in selectors:
            field = "client" if overlay.get("client") is not None else "regions"
            line, col = doc.position(("overlays", j, field))
            raise PolicyError(f"overlays[{j}].{field}: the packs below have an overlay for {_label(overlay)}",
                              path=doc.path, line=line, column=col, check="duplicate-id",
                              hint="change it in one file")
        overlays.append(overlay)
        origins[("overlays", len(overlays) - 1)] = (doc, ("overlays", j))
        place(("overlays", len(overlays) - 1), ("overlays", j))
    data["id"], data["version"] = raw["id"], raw["version"]
    for name in _SETTINGS:
        if name in raw:
            data[name] = raw[name]
            place((name,), (name,))
    for name in ("id", "version"):
        place((name,), (name,))
    ref = LayerRef(layer.id, layer.version, _digest(text), doc.path)
    layers = below.layers + [ref]
    whole = "sha256:" + hashlib.sha256("".join(r.digest for r in layers).encode()).hexdigest()[:16]
    return Stack(Document(data=data, path=doc.path, values=values, keys=keys), origins, layers, whole)


def _selector(overlay: Any) -> tuple[Any, Any]:
    """What an overlay applies to: its client and its set of regions."""
    if not isinstance(overlay, dict):
        return (None, None)
    regions = overlay.get("regions")
    return (overlay.get("client"), frozenset(regions) if isinstance(regions, list) else regions)


def _label(overlay: dict[str, Any]) -> str:
    parts = ([f"client '{overlay['client']}'"] if overlay.get("client") is not None else []) + (
        [f"regions {', '.join(map(str, overlay['regions']))}"] if isinstance(overlay.get("regions"), list) else [])
    return " and ".join(parts)


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _close(word: str, options: list[str]) -> str | None:
    found = get_close_matches(word, options, n=1, cutoff=0.7)
    return f"did you mean '{found[0]}'?" if found else None
