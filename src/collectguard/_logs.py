"""Reading call logs and attempt lists as dialers export them: JSONL or CSV, streamed.

CSV columns are the attempt's fields (at, channel, party, relation, contact, account,
party_id, client, timezone), ``outcome``, ``direction``, ``reached``, ``text`` (a note to check), and the facts: a
``facts`` column holding a JSON object, or one ``facts.<name>`` column per fact (cells
``true``/``false`` are booleans). Empty cells are absent values.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._errors import InputError

_FIELDS = ("at", "channel", "party", "relation", "contact", "account", "party_id", "client", "timezone",
           "outcome", "direction", "reached", "text")


def read_records(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for each line or row; ``where`` is file:line for messages."""
    name = str(path)
    if name.endswith(".csv"):
        yield from _csv(name)
    else:
        yield from _jsonl(name)


def _jsonl(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(name, encoding="utf-8") if name != "-" else _stdin() as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = _json_line(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{number}:{exc.colno}: not valid JSON: {exc.msg}") from None
            if not isinstance(record, dict):
                raise InputError(f"{name}:{number}: expected a JSON object per line")
            yield f"{name}:{number}", record


_scan = json.JSONDecoder().scan_once


def _json_line(line: str) -> Any:
    # The C scanner directly: json.loads spends two thirds of a short line's time in
    # Python layers around it. Anything unusual (leading blanks, a trailing extra
    # value, an error) goes through json.loads, which reads it or explains the error.
    try:
        value, end = _scan(line, 0)
    except StopIteration:
        return json.loads(line)
    if end == len(line) or not line[end:].strip():
        return value
    return json.loads(line)


def _stdin() -> Any:
    import sys

    return sys.stdin


def _csv(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(name, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames is None:
            return
        unknown = [c for c in reader.fieldnames if c not in _FIELDS and c != "facts" and not c.startswith("facts.")]
        if unknown:
            raise InputError(f"{name}:1: unknown column '{unknown[0]}' (columns: {', '.join(_FIELDS)}, "
                             "facts or facts.<name>)")
        for row in reader:
            record: dict[str, Any] = {}
            facts: dict[str, Any] = {}
            for column, cell in row.items():
                if cell is None or cell == "":
                    continue
                if column == "facts":
                    try:
                        facts.update(json.loads(cell))
                    except (json.JSONDecodeError, TypeError):
                        raise InputError(f"{name}:{reader.line_num}: facts: not a JSON object") from None
                elif column.startswith("facts."):
                    facts[column[6:]] = {"true": True, "false": False}.get(cell.lower(), cell)
                else:
                    record[column] = cell
            if facts:
                record["facts"] = facts
            yield f"{name}:{reader.line_num}", record
