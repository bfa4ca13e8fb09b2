"""JSON as a decision needs it: one value per key, numbers that are numbers, bounded depth.

``json.loads`` keeps the last of two equal keys (``stop_contact`` true, then false, reads
as false), accepts ``NaN`` and ``Infinity`` (which then print as bare tokens that are not
JSON), and raises RecursionError on very deep nesting. Requests and logs are read with this
module instead, and each of those is an error naming where it is.
"""

from __future__ import annotations

import json
from typing import Any


class JSONInputError(ValueError):
    """Not JSON a decision can be made from; ``colno`` is the column when known."""

    def __init__(self, msg: str, colno: int | None = None, lineno: int | None = None) -> None:
        super().__init__(msg)
        self.msg, self.colno, self.lineno = msg, colno, lineno


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONInputError(f"duplicate key '{key}' (a request gives each field once)")
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise JSONInputError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def loads(text: str) -> Any:
    """The value of a JSON text; JSONInputError (with lineno/colno where known) otherwise."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JSONInputError(exc.msg, exc.colno, exc.lineno) from None
    except RecursionError:  # the C scanner's own bound on nesting, about a thousand levels
        raise JSONInputError("nested too deep (a request is a few levels deep)") from None
