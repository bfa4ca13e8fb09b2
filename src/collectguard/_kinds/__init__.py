"""The registry of rule kinds: one explicit list feeds the loader, the schema and the docs."""

from __future__ import annotations

from . import channel_permission, contact_hours, fact_block, frequency_cap, text_match
from ._base import Kind

KINDS: tuple[Kind, ...] = (
    contact_hours.KIND,
    frequency_cap.KIND,
    fact_block.KIND,
    channel_permission.KIND,
    text_match.KIND,
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
