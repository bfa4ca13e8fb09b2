"""collectguard serve: the library's checks as an HTTP/JSON service (extra ``serve``).

    POST /v1/check          {"attempt": {...}, "history": [...]}  -> Decision.to_dict()
    POST /v1/check/batch    [request, ...]                        -> [decision or {"error"}, ...]
    POST /v1/check-note     {"text": "...", "context": {...}}     -> Decision.to_dict()
    GET  /healthz  /readyz  /metrics  /openapi.json

A request body is read exactly as ``collectguard check`` reads one (strict JSON: one value
per key, no NaN), and the answer is the same JSON the CLI prints. 400: the body is not JSON;
413: over --max-body-bytes; 422 ``{"error": "<one line>"}``: the library refuses the input.
An internal error is a 500 with one line; the trace goes to the server's log only.

The policy is held by a :class:`PolicyHolder`: reloaded on SIGHUP and when the file's
stat changes (polled every second), swapped as one reference, and a pack that fails to
load leaves the previous one serving (logged, counted, reported by /readyz). The service
never runs without a policy: the first load must succeed.

Starlette, uvicorn and prometheus-client are imported here only, so the core library
does not need them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._errors import CollectguardError
from ._json import JSONInputError, loads as read_json
from ._packs import resolve
from ._policy import Policy, load_policy

log = logging.getLogger("collectguard.serve")

OPTIONS_ENV = "COLLECTGUARD_SERVE_OPTIONS"  # how --workers N hands the options to each worker


@dataclass(frozen=True)
class Options:
    policy: str
    decision_log: str | None = None
    redact: bool = False
    max_body_bytes: int = 4 * 1024 * 1024
    max_batch: int = 1000
    poll_interval: float = 1.0  # seconds between stats of the policy file; 0: SIGHUP only

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> Options:
        return cls(**json.loads(os.environ[OPTIONS_ENV]))


# -- metrics ------------------------------------------------------------------------------

ENDPOINTS = {"/v1/check": "check", "/v1/check/batch": "check_batch", "/v1/check-note": "check_note",
             "/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics", "/openapi.json": "openapi"}


class Metrics:
    """The service's Prometheus metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.decisions = Counter("collectguard_decisions", "Decisions answered, by endpoint and result "
                                 "(allowed, denied, refused: the input was refused with 422)",
                                 ["endpoint", "result"], registry=r)
        self.rules = Counter("collectguard_rule_fired", "Rules that fired in a decision, by rule, severity "
                             "and the decision's result", ["endpoint", "rule", "severity", "result"], registry=r)
        self.latency = Histogram("collectguard_request_duration_seconds", "Time from request to response, by endpoint",
                                 ["endpoint"], registry=r,
                                 buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.responses = Counter("collectguard_http_responses", "Responses by endpoint and status code",
                                 ["endpoint", "status"], registry=r)
        self.policy = Info("collectguard_policy", "The policy serving: id, version, content digest, file",
                           registry=r)
        self.policy_loaded = Gauge("collectguard_policy_loaded_timestamp_seconds",
                                   "When the policy serving was loaded (Unix time)", registry=r)
        self.reloads = Counter("collectguard_policy_reloads", "Policy reloads by result: loaded (a new policy "
                               "serves), unchanged (same digest), failed (the previous one keeps serving)",
                               ["result"], registry=r)
        self.reload_failing = Gauge("collectguard_policy_reload_failing",
                                    "1 while the latest reload failed and an older policy serves", registry=r)
        self.log_errors = Counter("collectguard_decision_log_errors",
                                  "Decisions not answered because the decision log could not be written", registry=r)

    def serving(self, policy: Policy, loaded_at: float) -> None:
        self.policy.info({"id": policy.id, "version": policy.version, "digest": policy.digest,
                          "path": str(policy.path)})
        self.policy_loaded.set(loaded_at)


# -- the policy, reloaded -----------------------------------------------------------------

def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PolicyHolder:
    """The policy serving. ``policy`` is only ever replaced whole by a policy that loaded."""

    def __init__(self, source: str, metrics: Metrics, policy: Policy | None = None) -> None:
        self.source = source
        self.path = resolve(source)
        self.metrics = metrics
        self.signature = _stat(self.path)
        # Never without a policy: a first load that fails raises (PolicyError) here.
        self.policy: Policy = policy if policy is not None else load_policy(str(self.path))
        self.loaded_at = time.time()
        self.reload_error: dict[str, Any] | None = None
        self.last_reload: dict[str, Any] | None = None
        self._lock = threading.Lock()
        metrics.serving(self.policy, self.loaded_at)

    def changed(self) -> bool:
        return _stat(self.path) != self.signature

    def reload(self, reason: str) -> str:
        """Load the file again; 'loaded', 'unchanged' or 'failed'. Blocking: run it in a thread."""
        with self._lock:
            signature = _stat(self.path)  # before reading: a write after it is seen at the next poll
            try:
                policy = load_policy(str(self.path))
            except Exception as exc:  # noqa: BLE001 - any failure keeps the previous policy serving
                self.signature = signature
                message = str(exc) if isinstance(exc, CollectguardError) else f"{type(exc).__name__}: {exc}"
                message = message.splitlines()[0] if message else type(exc).__name__
                self.reload_error = {"error": message, "at": _now(), "reason": reason}
                self.last_reload = {"result": "failed", "at": self.reload_error["at"], "reason": reason}
                self.metrics.reloads.labels("failed").inc()
                self.metrics.reload_failing.set(1)
                log.error("policy reload (%s) failed, still serving %s %s %s: %s", reason, self.policy.id,
                          self.policy.version, self.policy.digest, message)
                return "failed"
            self.signature = signature
            self.reload_error = None
            self.metrics.reload_failing.set(0)
            result = "unchanged" if policy.digest == self.policy.digest else "loaded"
            if result == "loaded":
                old = self.policy
                self.policy, self.loaded_at = policy, time.time()  # the swap: one reference
                self.metrics.serving(policy, self.loaded_at)
                log.info("policy reloaded (%s): %s %s %s (was %s %s)", reason, policy.id, policy.version,
                         policy.digest, old.version, old.digest)
            self.last_reload = {"result": result, "at": _now(), "reason": reason}
            self.metrics.reloads.labels(result).inc()
            return result

    def describe(self) -> dict[str, Any]:
        p = self.policy
        return {"id": p.id, "version": p.version, "digest": p.digest, "path": str(p.path),
                "loaded_at": datetime.fromtimestamp(self.loaded_at, timezone.utc).isoformat(timespec="seconds")}


# -- the decision log ---------------------------------------------------------------------

REDACTED = "[redacted]"


def _redact_entry(value: Any) -> Any:
    if isinstance(value, dict) and "contact" in value:
        return {**value, "contact": REDACTED}
    return value


def redact(kind: str, request: Any) -> Any:
    """The request with contact numbers and note text replaced (only where the shape is a request's)."""
    if not isinstance(request, dict):
        return REDACTED
    out = dict(request)
    if kind == "check":
        if "attempt" in out:
            out["attempt"] = _redact_entry(out["attempt"])
        if isinstance(out.get("history"), list):
            out["history"] = [_redact_entry(e) for e in out["history"]]
    elif "text" in out:
        text = out["text"]
        out["text"] = f"[redacted: {len(text)} characters]" if isinstance(text, str) else REDACTED
    return out


def _dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate sent as a JSON escape: send it back escaped
        text = json.dumps(value, ensure_ascii=True)
    return text


class DecisionLog:
    """One JSON line per decision, appended with one write (O_APPEND: workers may share a file)."""

    def __init__(self, path: str, redact: bool) -> None:
        self.path, self.redact = path, redact
        self._lock = threading.Lock()
        self._fd = self._open()

    def _open(self) -> int:
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    def reopen(self) -> None:
        """After a rotation (SIGHUP): the same name, a new file."""
        with self._lock:
            fd, self._fd = self._fd, self._open()
            os.close(fd)

    def write(self, records: list[dict[str, Any]]) -> None:
        data = "".join(_dumps(r) + "\n" for r in records).encode("utf-8")
        with self._lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]

    def close(self) -> None:
        with self._lock:
            os.close(self._fd)


def _record(kind: str, request_id: str, at: str, policy: Policy, request: Any, result: Any,
            index: int | None, redacting: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"time": at, "request_id": request_id}
    if index is not None:
        out["index"] = index
    out["endpoint"] = kind
    out["policy"] = {"id": policy.id, "version": policy.version, "digest": policy.digest}
    if isinstance(result, CollectguardError):
        out.update(allowed=None, rules=[], error=str(result))
        out["input"] = "[withheld: refused request]" if redacting else request
        return out
    out.update(allowed=result.allowed, rules=[r.rule for r in result.reasons],
               denied_by=result.denied_by, client=result.policy.client,
               next_allowed_at=result.next_allowed_at.isoformat() if result.next_allowed_at else None)
    out["input"] = redact(kind, request) if redacting else request
    return out


# -- deciding -----------------------------------------------------------------------------

class _Refused(Exception):
    """A request answered with an error status and one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _object(request: Any, where: str, required: str, allowed: set[str]) -> dict[str, Any]:
    from .cli import _object as cli_object  # the CLI's own reading of a request's fields

    return cli_object(request, where, required, allowed)


def _decide_one(policy: Policy, kind: str, request: Any, where: str, explain: bool) -> Any:
    if kind == "check":
        body = _object(request, where, "attempt", {"attempt", "history"})
        return policy.check_attempt(body["attempt"], body.get("history"), explain=explain)
    body = _object(request, where, "text", {"text", "context"})
    return policy.check_note(body["text"], body.get("context"), explain=explain)


def _internal(exc: BaseException) -> str:
    return f"internal error: {type(exc).__name__} (a collectguard bug; the server's log has the trace)"


class Service:
    def __init__(self, options: Options, policy: Policy | None = None) -> None:
        self.options = options
        self.metrics = Metrics()
        self.holder = PolicyHolder(options.policy, self.metrics, policy)
        self.log = DecisionLog(options.decision_log, options.redact) if options.decision_log else None

    def decide(self, kind: str, requests: list[Any], batch: bool, request_id: str, explain: bool) -> list[Any]:
        """Decisions (or CollectguardErrors) for requests; blocking, run in the threadpool."""
        policy = self.holder.policy  # one policy for the whole request, whatever a reload does
        at = _now()
        results: list[Any] = []
        for i, request in enumerate(requests):
            where = f"[{i}]" if batch else "request"
            try:
                results.append(_decide_one(policy, kind, request, where, explain))
            except CollectguardError as exc:
                message = str(exc)
                results.append(CollectguardError(message if not batch or message.startswith(where)
                                                 else f"{where}: {message}"))
        if self.log is not None:
            records = [_record(kind, request_id, at, policy, request, result, i if batch else None, self.log.redact)
                       for i, (request, result) in enumerate(zip(requests, results, strict=False))]
            try:
                self.log.write(records)
            except OSError as exc:
                self.metrics.log_errors.inc(len(records))
                log.error("decision log %s not written: %s", self.log.path, exc)
                raise _Refused(500, f"internal error: the decision log could not be written ({exc.strerror or exc}); "
                                    "no decision is given without its record") from None
        endpoint = "check_batch" if batch else ("check_note" if kind == "check-note" else "check")
        for result in results:
            if isinstance(result, CollectguardError):
                self.metrics.decisions.labels(endpoint, "refused").inc()
                continue
            outcome = "allowed" if result.allowed else "denied"
            self.metrics.decisions.labels(endpoint, outcome).inc()
            for reason in result.reasons:
                self.metrics.rules.labels(endpoint, reason.rule, reason.severity, outcome).inc()
        return results


# A request body up to this size is decided on the event loop; larger ones and batches in a thread.
INLINE_BYTES = 64 * 1024


async def _body(request: Request, limit: int) -> tuple[Any, int]:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _Refused(413, f"the body is {int(length):,} bytes, over this server's limit of {limit:,} "
                            "(--max-body-bytes)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(413, f"the body is over this server's limit of {limit:,} bytes (--max-body-bytes)")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(400, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                            "send JSON in UTF-8") from None
    if not text.strip():
        raise _Refused(400, "no request: the body is empty")
    try:
        return read_json(text), len(raw)
    except JSONInputError as exc:
        at = f" (line {exc.lineno}, column {exc.colno})" if exc.colno is not None else ""
        raise _Refused(400, f"not valid JSON: {exc.msg}{at}") from None


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_dumps(value), status_code=status, headers=headers, media_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": message}, status)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _request_id(request: Request) -> str:
    return request.scope.get("collectguard.request_id") or uuid.uuid4().hex


def _explain(request: Request) -> bool:
    return request.query_params.get("explain", "").lower() in ("1", "true", "yes")


def build_app(options: Options, policy: Policy | None = None) -> Any:
    """The ASGI app for ``options`` (``policy``: already loaded from options.policy)."""
    service = Service(options, policy)

    async def decide(request: Request, kind: str, batch: bool) -> Response:
        try:
            body, size = await _body(request, options.max_body_bytes)
            if batch:
                if not isinstance(body, list):
                    raise _Refused(422, "expected a JSON list of requests")
                if len(body) > options.max_batch:
                    raise _Refused(422, f"{len(body):,} requests, over this server's limit of "
                                        f"{options.max_batch:,} a batch (--max-batch)")
            requests = body if batch else [body]
            call = (service.decide, kind, requests, batch, _request_id(request), _explain(request))
            if batch or size > INLINE_BYTES:  # long work: off the event loop, so /healthz still answers
                results = await run_in_threadpool(call[0], *call[1:])
            else:  # a single small request takes well under a millisecond: a thread hop would cost more
                results = call[0](*call[1:])
        except _Refused as exc:
            return _error(exc.status, exc.message)
        except Exception as exc:  # noqa: BLE001 - one line to the caller, the trace to the log
            log.exception("internal error in %s", request.url.path)
            return _error(500, _internal(exc))
        if batch:
            return _json([{"error": str(r)} if isinstance(r, CollectguardError) else r.to_dict() for r in results])
        result = results[0]
        if isinstance(result, CollectguardError):
            return _error(422, str(result))
        return _json(result.to_dict())

    async def check(request: Request) -> Response:
        return await decide(request, "check", False)

    async def check_batch(request: Request) -> Response:
        return await decide(request, "check", True)

    async def check_note(request: Request) -> Response:
        return await decide(request, "check-note", False)

    async def healthz(request: Request) -> Response:
        return _json({"ok": True})

    async def readyz(request: Request) -> Response:
        holder = service.holder
        return _json({"ready": True, "policy": holder.describe(), "reload_error": holder.reload_error,
                      "last_reload": holder.last_reload, "pid": os.getpid()})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail))

    async def crashed(request: Request, exc: Exception) -> Response:
        return _error(500, _internal(exc))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        loop = asyncio.get_running_loop()
        lock = asyncio.Lock()

        async def reload(reason: str) -> None:
            async with lock:
                await run_in_threadpool(service.holder.reload, reason)

        def hangup() -> None:
            if service.log is not None:
                try:
                    service.log.reopen()
                except OSError as exc:
                    log.error("decision log %s not reopened: %s", service.log.path, exc)
            loop.create_task(reload("SIGHUP"))

        async def poll() -> None:
            while True:
                await asyncio.sleep(options.poll_interval)
                if service.holder.changed():
                    await reload("file changed")

        hup = False
        with contextlib.suppress(ValueError, NotImplementedError, RuntimeError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, hangup)  # the main thread of a Unix process only
            hup = True
        poller = loop.create_task(poll()) if options.poll_interval > 0 else None
        try:
            yield
        finally:
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
            if hup:
                loop.remove_signal_handler(signal.SIGHUP)
            if service.log is not None:
                service.log.close()

    routes = [Route("/v1/check", check, methods=["POST"]),
              Route("/v1/check/batch", check_batch, methods=["POST"]),
              Route("/v1/check-note", check_note, methods=["POST"]),
              Route("/healthz", healthz, methods=["GET"]),
              Route("/readyz", readyz, methods=["GET"]),
              Route("/metrics", metrics, methods=["GET"]),
              Route("/openapi.json", openapi, methods=["GET"])]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: crashed})
    app.state.service = service
    return _Observe(app, service.metrics)


class _Observe:
    """Request id (X-Request-ID, kept when the caller sends a sane one), latency and status metrics."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    def __getattr__(self, name: str) -> Any:  # app.state and the like
        return getattr(self.app, name)

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope["collectguard.request_id"] = request_id
        endpoint = ENDPOINTS.get(scope.get("path", ""), "other")
        status = [500]

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode("latin-1"))]}
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - start)
            self.metrics.responses.labels(endpoint, str(status[0])).inc()


def app_from_environment() -> Any:
    """The app factory each worker of ``--workers N`` calls (options in COLLECTGUARD_SERVE_OPTIONS)."""
    with contextlib.suppress(ValueError, AttributeError):  # until the lifespan installs its handler
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    return build_app(Options.from_env())


# -- OpenAPI ------------------------------------------------------------------------------

_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
          "additionalProperties": False}
_DECISION = {
    "type": "object", "required": ["allowed", "reasons", "next_allowed_at", "policy"],
    "properties": {
        "allowed": {"type": "boolean"},
        "reasons": {"type": "array", "items": {
            "type": "object", "required": ["rule", "severity", "message", "citation", "evidence"],
            "properties": {"rule": {"type": "string"}, "severity": {"type": "string", "enum": ["deny", "warn"]},
                           "message": {"type": "string"}, "citation": {"type": ["string", "null"]},
                           "evidence": {"type": "object"}}}},
        "next_allowed_at": {"type": ["string", "null"], "format": "date-time"},
        "policy": {"type": "object", "properties": {
            "id": {"type": "string"}, "version": {"type": "string"}, "digest": {"type": "string"},
            "client": {"type": ["string", "null"]}}},
        "explanation": {"type": "array", "items": {"type": "object"}},
        "zones": {"type": "object", "description": "present when the attempt sent no timezone and was judged in "
                  "the pack's candidate zones", "properties": {
                      "judged_in": {"type": "array", "items": {"type": "string"}},
                      "from": {"type": "string"},
                      "denied_in": {"type": "array", "items": {"type": "string"}}}},
    },
}


def _op(summary: str, body: dict[str, Any] | None, ok: dict[str, Any], errors: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": summary, "responses": {"200": {
        "description": "OK", "content": {"application/json": {"schema": ok}}}}}
    if body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        out["parameters"] = [{"name": "explain", "in": "query", "required": False, "schema": {"type": "boolean"},
                              "description": "add every rule's trace (as --explain)"}]
    if errors:
        err = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        out["responses"].update({
            "400": {"description": "the body is not JSON (or not UTF-8, or empty)", **err},
            "413": {"description": "the body is over --max-body-bytes", **err},
            "422": {"description": "the library refuses the input (one line naming the field)", **err},
            "500": {"description": "internal error (one line)", **err}})
    return out


_OPENAPI: dict[str, Any] | None = None


def openapi_document() -> dict[str, Any]:
    global _OPENAPI
    if _OPENAPI is None:
        from pydantic.json_schema import models_json_schema

        from . import __version__
        from ._models import Attempt, HistoryEntry, NoteContext

        _, defs = models_json_schema([(m, "validation") for m in (Attempt, HistoryEntry, NoteContext)],
                                     ref_template="#/components/schemas/{model}")
        schemas = dict(defs.get("$defs", {}))
        check = {"type": "object", "required": ["attempt"], "additionalProperties": False, "properties": {
            "attempt": {"$ref": "#/components/schemas/Attempt"},
            "history": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryEntry"}}}}
        note = {"type": "object", "required": ["text"], "additionalProperties": False, "properties": {
            "text": {"type": "string"}, "context": {"$ref": "#/components/schemas/NoteContext"}}}
        schemas.update(CheckRequest=check, NoteRequest=note, Decision=_DECISION, Error=_ERROR)
        ref = {n: {"$ref": f"#/components/schemas/{n}"} for n in ("CheckRequest", "NoteRequest", "Decision", "Error")}
        _OPENAPI = {
            "openapi": "3.1.0",
            "info": {"title": "collectguard", "version": __version__,
                     "description": "Decides whether a debt-collection contact attempt or text is lawful "
                                    "under the policy pack the server was started with."},
            "paths": {
                "/v1/check": {"post": _op("decide a contact attempt", ref["CheckRequest"], ref["Decision"])},
                "/v1/check/batch": {"post": _op(
                    "decide many attempts; each answer is a decision or {error} in its place",
                    {"type": "array", "items": ref["CheckRequest"]},
                    {"type": "array", "items": {"oneOf": [ref["Decision"], ref["Error"]]}})},
                "/v1/check-note": {"post": _op("judge a text said or written to a party", ref["NoteRequest"],
                                               ref["Decision"])},
                "/healthz": {"get": _op("the process answers", None, {"type": "object"}, errors=False)},
                "/readyz": {"get": _op("the policy serving, and the latest reload's error if any", None,
                                       {"type": "object"}, errors=False)},
                "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {
                    "description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            },
            "components": {"schemas": schemas},
        }
    return _OPENAPI
