"""The policy packs shipped with collectguard, loadable by name.

A policy argument names a shipped pack when it is a bare name: no path separator and no
dot (``cn-card-collection``). Anything else is a file path
(``rules/acme.yaml``, ``./acme.yaml``). So the same argument means the same policy in
every directory: a local file never shadows a shipped pack, and to load a local file
whose name has no extension, give it as ``./name``.

In an installed wheel the packs are ``collectguard/packs/*.yaml`` and the JSON Schema is
``collectguard/schema/policy.schema.json``; in a source checkout they are the project's
``rules/`` and ``docs/policy.schema.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import PolicyError

_HERE = Path(__file__).resolve().parent
_SOURCE_ROOT = _HERE.parent.parent  # src/collectguard/../.. in a checkout


def pack_dir() -> Path:
    """Where the shipped packs are: the wheel's package data, else a checkout's rules/."""
    installed = _HERE / "packs"
    return installed if installed.is_dir() else _SOURCE_ROOT / "rules"


def schema_file() -> Path:
    installed = _HERE / "schema" / "policy.schema.json"
    return installed if installed.is_file() else _SOURCE_ROOT / "docs" / "policy.schema.json"


def is_name(value: str | os.PathLike[str]) -> bool:
    """Whether a policy argument names a shipped pack rather than a file."""
    if not isinstance(value, str):
        return False
    return ("/" not in value and os.sep not in value and (os.altsep or "/") not in value
            and "." not in value and value != "")


def names() -> list[str]:
    """The shipped packs' names (file stems), sorted; case files are not packs."""
    folder = pack_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.endswith(".tests.yaml"))


def pack_path(name: str) -> Path:
    """The file of a shipped pack; PolicyError naming the shipped ones when there is none."""
    shipped = names()
    if name not in shipped:
        listed = ", ".join(shipped) or "none"
        raise PolicyError(f"no shipped pack '{name}' (shipped: {listed})", path=name, check="file",
                          hint="a file path needs a '/' or a dot, e.g. ./" + name + ".yaml")
    return pack_dir() / f"{name}.yaml"


def resolve(value: str | os.PathLike[str]) -> Path:
    """The file a policy argument means (see the module's rule)."""
    return pack_path(value) if is_name(value) else Path(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PackInfo:
    name: str
    id: str
    version: str
    title: str | None
    effective_from: str | None
    effective_until: str | None
    path: str
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "version": self.version, "title": self.title,
                "effective": {"from": self.effective_from, "until": self.effective_until},
                "path": self.path, **({"error": self.error} if self.error else {})}


def describe() -> list[PackInfo]:
    """Every shipped pack with its id, version and effective dates (a broken one: its error)."""
    from ._policy import load_policy

    out = []
    for name in names():
        path = pack_dir() / f"{name}.yaml"
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            out.append(PackInfo(name, "", "", None, None, None, str(path), error=str(exc)))
            continue
        eff = policy.spec.effective
        out.append(PackInfo(
            name, policy.id, policy.version, policy.title,
            eff.from_.isoformat() if eff is not None and eff.from_ is not None else None,
            eff.until.isoformat() if eff is not None and eff.until is not None else None,
            str(path)))
    return out
