"""collectguard serve: the checks as an HTTP/JSON service (needs the extra ``serve``)."""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import signal
from collections.abc import Callable
from types import ModuleType

from .._errors import CollectguardError


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def read(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
        if value < 0 or (kind is int and value == 0):
            raise argparse.ArgumentTypeError(f"expected a positive number, got '{text}'")
        return value
    return read


def _imports() -> tuple[ModuleType, ModuleType]:
    try:
        import uvicorn

        from .. import _serve
    except ImportError as exc:
        raise CollectguardError(f"collectguard serve needs the 'serve' extra ({exc.name} is not installed): "
                                "pip install 'collectguard[serve]'") from None
    return uvicorn, _serve


def run(args: argparse.Namespace) -> int:
    if args.redact and not args.decision_log:
        raise CollectguardError("--redact applies to the decision log: give --decision-log FILE too")
    uvicorn, serve = _imports()
    from .._policy import load_policy

    options = serve.Options(policy=args.policy, decision_log=args.decision_log, redact=args.redact,
                            max_body_bytes=args.max_body_bytes, max_batch=args.max_batch,
                            poll_interval=args.poll_interval)
    # Never serve without a policy: a pack that does not load stops here, with its one line.
    policy = load_policy(args.policy)
    if args.decision_log:  # a log that cannot be opened stops here too, not at the first decision
        try:
            os.close(os.open(args.decision_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))
        except OSError as exc:
            raise CollectguardError(f"{args.decision_log}: the decision log cannot be opened: "
                                    f"{exc.strerror or exc}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    common = dict(host=args.host, port=args.port, access_log=args.access_log, log_level="info",
                  server_header=False, proxy_headers=False)
    if args.workers == 1:
        config = uvicorn.Config(serve.build_app(options, policy), lifespan="on", **common)
        server = uvicorn.Server(config)
        server.run()
        return 0 if server.started else 2
    # Workers are new processes: each builds its app from the options in its environment,
    # loads the policy itself and polls the file itself; SIGHUP to this process is passed on.
    os.environ[serve.OPTIONS_ENV] = options.to_env()
    config = uvicorn.Config("collectguard._serve:app_from_environment", factory=True, workers=args.workers,
                            lifespan="on", **common)
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:  # uvicorn's own restarts every worker; a reload is enough
            logging.getLogger("collectguard.serve").info("SIGHUP: reloading the policy in every worker")
            for process in self.processes:
                if process.pid is not None and process.is_alive():
                    os.kill(process.pid, signal.SIGHUP)

    sock = config.bind_socket()
    wants_target = "target" in inspect.signature(Multiprocess.__init__).parameters  # uvicorn < 0.33
    kwargs = {"target": uvicorn.Server(config).run} if wants_target else {}
    Supervisor(config, sockets=[sock], **kwargs).run()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the checks over HTTP/JSON (needs the 'serve' extra)",
                       description="POST /v1/check, /v1/check/batch, /v1/check-note; GET /healthz, /readyz, "
                                   "/metrics, /openapi.json. See docs/serve.md.")
    p.add_argument("--policy", required=True, help="a policy file, or a shipped pack's name (collectguard packs); "
                   "reloaded on SIGHUP and when the file changes")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_positive(int), default=8080, help="port (default 8080)")
    p.add_argument("--workers", type=_positive(int), default=1, help="worker processes (default 1)")
    p.add_argument("--decision-log", metavar="FILE", help="append one JSON line per decision to FILE "
                   "(reopened on SIGHUP, for rotation)")
    p.add_argument("--redact", action="store_true", help="in the decision log, replace contact numbers and "
                   "note text")
    p.add_argument("--max-body-bytes", type=_positive(int), default=4 * 1024 * 1024,
                   help="refuse larger request bodies with 413 (default 4 MiB)")
    p.add_argument("--max-batch", type=_positive(int), default=1000,
                   help="most requests in one /v1/check/batch (default 1000)")
    p.add_argument("--poll-interval", type=_positive(float), default=1.0, metavar="SECONDS",
                   help="how often the policy file is checked for changes (default 1; 0: on SIGHUP only)")
    p.add_argument("--access-log", action="store_true", help="log every request line (off: the decision "
                   "log and /metrics cover the decisions)")
    p.set_defaults(run=run)
