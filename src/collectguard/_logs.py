"""Reading call logs and attempt lists as dialers export them: JSON lines, a JSON array or CSV.

JSON lines and CSV are streamed; a file (or stdin) whose first character that is not
blank is ``[`` is one JSON array of records, read whole, each record placed at the
line where it starts.

CSV columns are the attempt's fields (at, channel, party, relation, contact, account,
party_id, client, timezone), ``outcome``, ``direction``, ``reached``, ``text`` (a note to check), and the facts: a
``facts`` column holding a JSON object, or one ``facts.<name>`` column per fact (cells
``true``/``false`` are booleans). Empty cells are absent values.

A record that cannot be read (a line that is not JSON, a row with too few or too many
cells) is yielded as a :class:`BadRecord` naming its place, so that an audit reports and
counts it and goes on; a problem that leaves the rest of the file unreadable (a byte
that is not UTF-8, an unclosed quote) stops the reading with an error naming the line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ._errors import InputError
from ._json import _DECODER, JSONInputError, loads as read_json


class BadRecord(str):
    """A record that could not be read: the message says where and why."""


_FIELDS = ("at", "channel", "party", "relation", "contact", "account", "party_id", "client", "region", "timezone",
           "outcome", "direction", "reached", "text")


def read_records(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for each line or row; ``where`` is file:line for messages."""
    name = str(path)
    if name.endswith(".csv"):
        yield from _csv(name)
    else:
        yield from _jsonl(name)


def _jsonl(name: str) -> Iterator[tuple[str, Any]]:
    with open(name, encoding="utf-8") if name != "-" else _stdin() as stream:
        number = 0
        first = True
        while True:
            try:
                line = stream.readline()
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}:{number + 1}: {_not_utf8(exc)}") from None
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            if first and line.lstrip().startswith("["):  # a JSON array of records, not JSON lines
                try:
                    text = line + stream.read()
                except UnicodeDecodeError as exc:
                    raise InputError(f"{name}: {_not_utf8(exc)}") from None
                yield from _array(name, text, number)
                return
            first = False
            try:
                record = _json_line(line)
            except JSONInputError as exc:
                at = f":{exc.colno}" if exc.colno is not None else ""
                yield f"{name}:{number}", BadRecord(f"{name}:{number}{at}: not valid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                yield f"{name}:{number}", BadRecord(f"{name}:{number}: expected a JSON object per line")
                continue
            yield f"{name}:{number}", record


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); write the log in UTF-8"


_BLANK = frozenset(" \t\r\n")


def _array(name: str, text: str, first_line: int) -> Iterator[tuple[str, Any]]:
    """The records of a JSON array (``text`` starts at the line holding its ``[``), each
    placed at the line where it starts. An element that is not an object is a BadRecord;
    text that is not JSON stops the reading at its line and column."""
    def broken() -> InputError:
        try:
            read_json(text)
        except JSONInputError as exc:
            line = first_line + (exc.lineno or 1) - 1
            at = f":{exc.colno}" if exc.colno is not None else ""
            return InputError(f"{name}:{line}{at}: not valid JSON: {exc.msg}")
        return InputError(f"{name}:{first_line}: not valid JSON")  # pragma: no cover - read_json took it

    end = len(text)
    i = text.index("[") + 1
    line, counted = first_line, 0  # the line of text[counted]

    def skip(i: int) -> int:
        while i < end and text[i] in _BLANK:
            i += 1
        return i

    i = skip(i)
    if i < end and text[i] == "]":
        i = skip(i + 1)
        if i < end:
            raise broken()
        return
    while True:
        line += text.count("\n", counted, i)
        counted = i
        try:
            value, i = _scan(text, i)
        except (StopIteration, RecursionError, ValueError):
            raise broken() from None
        where = f"{name}:{line}"
        yield where, value if isinstance(value, dict) else BadRecord(f"{where}: expected a JSON object in the array")
        i = skip(i)
        if i < end and text[i] == ",":
            i = skip(i + 1)
            continue
        if i < end and text[i] == "]" and skip(i + 1) == end:
            return
        raise broken()


# One value per key, no NaN (see _json). scan_once is set by JSONDecoder.__init__; typeshed omits it.
_scan: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


def _json_line(line: str) -> Any:
    # The C scanner directly: json.loads spends two thirds of a short line's time in
    # Python layers around it. Anything unusual (leading blanks, a trailing extra
    # value, an error) goes through the full reader, which reads it or explains the error.
    try:
        value, end = _scan(line, 0)
    except (StopIteration, RecursionError, ValueError):  # the full reader says what is wrong
        return read_json(line)
    if end == len(line) or not line[end:].strip():
        return value
    return read_json(line)


def _stdin() -> Any:
    import sys

    if sys.stdin is None or sys.stdin.closed:
        raise InputError("-: no input: standard input is closed (give the log's path)")
    return sys.stdin


def _csv(name: str) -> Iterator[tuple[str, Any]]:
    with open(name, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, strict=True)  # an unclosed quote is an error, not a cell
        try:
            yield from _rows(name, reader)
        except csv.Error as exc:
            # The reader counts a row's lines once it is read: a row it cannot read starts
            # on the line after the last one counted.
            raise InputError(f"{name}:{reader.line_num + 1}: not readable as CSV ({exc}); check the quotes "
                             "of the row on this line") from None
        except UnicodeDecodeError as exc:
            after = f" after line {reader.line_num}" if reader.line_num else ""
            raise InputError(f"{name}: not UTF-8 text{after} (byte 0x{exc.object[exc.start]:02x}); "
                             "write the log in UTF-8") from None


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def _rows(name: str, reader: Any) -> Iterator[tuple[str, Any]]:
    if reader.fieldnames is None:
        return
    unknown = [c for c in reader.fieldnames if c not in _FIELDS and c != "facts" and not c.startswith("facts.")]
    if unknown:
        raise InputError(f"{name}:1: unknown column '{unknown[0]}' (columns: {', '.join(_FIELDS)}, "
                         "facts or facts.<name>)")
    width = len(reader.fieldnames)
    for row in reader:
        where = f"{name}:{reader.line_num}"
        if None in row:  # more cells than the header names
            yield where, BadRecord(f"{where}: {_cells(width + len(row[None]))}, but the header names {width} columns")
            continue
        record: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        bad = None
        for column, cell in row.items():
            if cell is None:  # fewer cells than the header names
                bad = (f"{where}: {_cells(sum(v is not None for v in row.values()))}, "
                       f"but the header names {width} columns")
                break
            if cell == "":
                continue
            if column == "facts":
                try:
                    value = read_json(cell)
                except JSONInputError as exc:
                    bad = f"{where}: facts: not valid JSON ({exc.msg})"
                    break
                if not isinstance(value, dict):
                    bad = f"{where}: facts: expected a JSON object"
                    break
                facts.update(value)
            elif column.startswith("facts."):
                facts[column[6:]] = {"true": True, "false": False}.get(cell.lower(), cell)
            else:
                record[column] = cell
        if bad is not None:
            yield where, BadRecord(bad)
            continue
        if facts:
            record["facts"] = facts
        yield where, record
