"""The registry of rule kinds: one explicit list feeds the loader, the schema, lint and the docs.

A new kind is one module in this package with a ``KIND = Kind(...)`` (see ``_base``) and
one line below; nothing else in collectguard names a kind.
"""

from __future__ import annotations

from importlib import import_module

from ._base import Kind

_MODULES = (
    "contact_hours",
    "frequency_cap",
    "fact_block",
    "channel_permission",
    "text_match",
)

KINDS: tuple[Kind, ...] = tuple(import_module(f"{__name__}.{name}").KIND for name in _MODULES)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
