"""The collectguard command line: the library's checks as JSON in, JSON out.

Exit codes: 0 allowed / clean, 1 denied / problems found, 2 bad input or usage.
Every error is one line on stderr naming what and where; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any, TextIO

from ._errors import CollectguardError
from ._json import JSONInputError, loads as read_json
from ._policy import Policy, load_policy

EXIT_OK, EXIT_DENIED, EXIT_BAD_INPUT = 0, 1, 2

# Further subcommands, one module each in collectguard/_commands/ with a
# ``register(subparsers)`` that adds its parser and sets ``run``.
COMMAND_MODULES: tuple[str, ...] = ("lint", "test", "plan", "audit", "diff", "packs", "show", "serve")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line and exit 2, as for bad input
        self.exit(EXIT_BAD_INPUT, f"collectguard: {message} (see {self.prog} --help)\n")


def _requests(stream: TextIO, jsonl: bool, source: str) -> Iterator[tuple[str, Any]]:
    """(where, parsed request) pairs; a request that is not JSON yields (where, error)."""
    if not jsonl:
        text = _read_all(stream, source)
        if len(text) > MAX_REQUEST_CHARS:
            yield source, CollectguardError(f"{source}: the request is over {MAX_REQUEST_CHARS:,} characters "
                                            "(send history for the caps' reach only, or check in a session)")
            return
        try:
            yield source, read_json(text)
        except JSONInputError as exc:
            at = f":{exc.lineno}:{exc.colno}" if exc.colno is not None else ""
            yield source, CollectguardError(f"{source}{at}: not valid JSON: {exc.msg}")
        return
    number = 0
    while True:
        try:
            line = stream.readline()
        except UnicodeDecodeError as exc:
            yield f"{source}:{number + 1}", CollectguardError(f"{source}:{number + 1}: {_not_utf8(exc)}")
            return
        if not line:
            return
        number += 1
        if not line.strip():
            continue
        try:
            yield f"{source}:{number}", read_json(line)
        except JSONInputError as exc:
            at = f":{exc.colno}" if exc.colno is not None else ""
            yield f"{source}:{number}", CollectguardError(f"{source}:{number}{at}: not valid JSON: {exc.msg}")


# A single request (an attempt with its history, or a note) larger than this is refused:
# the caps' reach is days of history, and a note is a page.
MAX_REQUEST_CHARS = 50_000_000


def _read_all(stream: TextIO, source: str) -> str:
    try:
        text = stream.read(MAX_REQUEST_CHARS + 1)
    except UnicodeDecodeError as exc:
        raise CollectguardError(f"{source}: {_not_utf8(exc)}") from None
    if not text.strip():
        raise CollectguardError(f"{source}: no request: the input is empty")
    return text


def _stdin() -> TextIO:
    if sys.stdin is None or sys.stdin.closed:
        raise CollectguardError("<stdin>: no input: standard input is closed (give a request file)")
    return sys.stdin


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); send JSON in UTF-8"


def _object(request: Any, where: str, required: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise CollectguardError(f"{where}: expected a JSON object with '{required}'")
    unknown = set(request) - allowed
    if unknown:
        raise CollectguardError(f"{where}: unknown field '{sorted(unknown)[0]}' (a request has "
                                f"{', '.join(sorted(allowed))})")
    if required not in request:
        raise CollectguardError(f"{where}: missing '{required}'")
    return request


def _decide_attempt(policy: Policy, request: Any, where: str, explain: bool) -> Any:
    body = _object(request, where, "attempt", {"attempt", "history"})
    return policy.check_attempt(body["attempt"], body.get("history"), explain=explain)


def _decide_note(policy: Policy, request: Any, where: str, explain: bool) -> Any:
    body = _object(request, where, "text", {"text", "context"})
    return policy.check_note(body["text"], body.get("context"), explain=explain)


def _run_checks(args: argparse.Namespace, decide: Callable[..., Any]) -> int:
    policy = load_policy(args.policy)
    stream = open(args.input, encoding="utf-8") if args.input != "-" else _stdin()
    source = args.input if args.input != "-" else "<stdin>"
    worst = EXIT_OK
    with stream:
        for where, request in _requests(stream, args.jsonl, source):
            try:
                if isinstance(request, CollectguardError):
                    raise request
                decision = decide(policy, request, where, args.explain)
            except (CollectguardError, Exception) as exc:  # noqa: BLE001 - one line per request, never a trace
                if not isinstance(exc, CollectguardError):
                    if _debug():
                        raise
                    exc = CollectguardError(_internal(exc))
                message = str(exc) if str(exc).startswith(source) else f"{where}: {exc}"
                if not args.jsonl:
                    print(f"collectguard: {message}", file=sys.stderr)
                    return EXIT_BAD_INPUT
                print(json.dumps({"error": message}, ensure_ascii=False))
                worst = EXIT_BAD_INPUT
                continue
            if args.format == "text":
                print(_as_text(decision.to_dict()))
            else:
                print(json.dumps(decision.to_dict(), ensure_ascii=False, indent=None if args.jsonl else 2))
            if not decision.allowed and worst == EXIT_OK:
                worst = EXIT_DENIED
    return worst


def _as_text(d: dict[str, Any]) -> str:
    lines = [("ALLOWED" if d["allowed"] else "DENIED") +
             (f" (next allowed at {d['next_allowed_at']})" if d.get("next_allowed_at") else "")]
    for r in d["reasons"]:
        lines.append(f"  {r['severity']:4} {r['rule']}: {r['message']}")
        if r.get("citation"):
            lines.append(f"       citation: {r['citation']}")
        for key, value in r["evidence"].items():
            lines.append(f"       {key}: {json.dumps(value, ensure_ascii=False)}")
    for t in d.get("explanation") or []:
        mark = "FIRED" if t["fired"] else ("ok" if t["applied"] else "skip")
        lines.append(f"  [{mark:5}] {t['rule']} ({t['kind']}): {t['why']}")
        for key, value in t["values"].items():
            lines.append(f"           {key}: {json.dumps(value, ensure_ascii=False)}")
    policy = d["policy"]
    lines.append(f"  policy {policy['id']} {policy['version']} {policy['digest']}"
                 + (f" client {policy['client']}" if policy.get("client") else ""))
    return "\n".join(lines)


def _schema(args: argparse.Namespace) -> int:
    from ._spec import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _add_check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", required=True, help="a policy file, or a shipped pack's name (collectguard packs)")
    p.add_argument("input", nargs="?", default="-", help="request file (default: stdin)")
    p.add_argument("--jsonl", action="store_true", help="one request per line in, one decision per line out")
    p.add_argument("--explain", action="store_true",
                   help="show every rule: applied or why not, and the values compared")
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format (default json)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="collectguard", description="Keeps debt-collection contact lawful.")
    parser.add_argument("--version", action="version", version=f"collectguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("check", help='decide a contact attempt: {"attempt": {...}, "history": [...]}')
    _add_check_options(p)
    p.set_defaults(run=lambda a: _run_checks(a, _decide_attempt))

    p = sub.add_parser("check-note", help='judge a text: {"text": "...", "context": {...}}')
    _add_check_options(p)
    p.set_defaults(run=lambda a: _run_checks(a, _decide_note))

    p = sub.add_parser("schema", help="print the JSON Schema of the policy language")
    p.set_defaults(run=_schema)

    for name in COMMAND_MODULES:
        import_module(f"collectguard._commands.{name}").register(sub)
    return parser


def _debug() -> bool:
    import os

    return os.environ.get("COLLECTGUARD_DEBUG", "") not in ("", "0")


def _internal(exc: BaseException) -> str:
    return (f"internal error: {type(exc).__name__}: {str(exc)[:200]} (this is a collectguard bug; "
            "COLLECTGUARD_DEBUG=1 shows the trace)")


def main(argv: list[str] | None = None) -> int:
    # Whatever a decision quotes back (a lone surrogate from a JSON escape) prints.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or detached stream
                pass
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except CollectguardError as exc:
        print(f"collectguard: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader stopped reading (collectguard schema | head): not an error to report.
        # Python's own flush at exit would fail again on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a pipe's writer it stopped
    except OSError as exc:
        print(f"collectguard: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError as exc:
        print(f"collectguard: {_not_utf8(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - exit 2 and one line; never 1, which means denied
        if _debug():
            raise
        print(f"collectguard: {_internal(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
