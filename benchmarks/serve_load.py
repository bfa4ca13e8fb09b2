#!/usr/bin/env python3
"""collectguard serve under load: throughput and p50/p99 latency at 1, 16 and 64 clients.

    python benchmarks/serve_load.py                      # /v1/check, one worker, 5 s a level
    python benchmarks/serve_load.py --workers 2 --seconds 10
    python benchmarks/serve_load.py --endpoint check-note
    python benchmarks/serve_load.py --decision-log       # with a (redacted) decision log

Not a test: nothing passes or fails. It starts `collectguard serve` on a free loopback port
(needs the 'serve' extra), then for each level runs that many clients, each on its own
keep-alive connection sending one request after another for --seconds (and at most
--max-requests in all), after a short warm-up. The clients are a minimal HTTP/1.1 loop on
asyncio in this process, lighter than an HTTP library so that more of the machine is left
to the server; on a small machine they still share its cores, so the figures are a floor.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import collectguard  # noqa: E402

PACK = ROOT / "rules" / "cn-card-collection.yaml"
EXAMPLE = json.loads((ROOT / "examples" / "third-party-call.json").read_text(encoding="utf-8"))
ALLOWED = {"attempt": {**EXAMPLE["attempt"], "at": "2026-11-23T10:00:00+08:00"}, "history": EXAMPLE["history"]}
NOTE = {"text": "您好，这里是信用卡中心。请转告他尽快回电，谢谢。",
        "context": {"party": "third_party", "relation": "sibling"}}


def bodies(endpoint: str) -> tuple[str, list[bytes]]:
    if endpoint == "check":
        return "/v1/check", [json.dumps(r, ensure_ascii=False).encode() for r in (EXAMPLE, ALLOWED)]
    if endpoint == "check-note":
        return "/v1/check-note", [json.dumps(NOTE, ensure_ascii=False).encode()]
    return "/v1/check/batch", [json.dumps([EXAMPLE, ALLOWED] * 50, ensure_ascii=False).encode()]  # 100 a batch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, workers: int, log: str | None) -> subprocess.Popen:
    args = [sys.executable, "-m", "collectguard", "serve", "--policy", str(PACK), "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]
    if log:
        args += ["--decision-log", log, "--redact"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} (is the 'serve' extra installed?)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                pids = {json.load(r)["pid"]}
            # with several workers, wait until a few connections have been answered
            for _ in range(50 if workers > 1 else 0):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    pids.add(json.load(r)["pid"])
                if len(pids) == workers:
                    break
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start in 60 s")


async def client(port: int, path: str, payloads: list[bytes], until: float, budget: list[int],
                 latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    requests = [(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(p)}\r\n\r\n").encode() + p for p in payloads]
    i = 0
    try:
        while time.perf_counter() < until and budget[0] > 0:
            budget[0] -= 1
            start = time.perf_counter()
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if head[9:12] != b"200":
                errors[0] += 1
    finally:
        writer.close()


async def level(port: int, pid: int, path: str, payloads: list[bytes], clients: int, seconds: float,
                max_requests: int) -> tuple[float, list[float], int, float | None]:
    warm: list[float] = []
    await asyncio.gather(*(client(port, path, payloads, time.perf_counter() + min(1.0, seconds / 5),
                                  [max_requests], warm, [0]) for _ in range(clients)))
    latencies: list[float] = []
    errors = [0]
    budget = [max_requests]
    before = cpu_seconds(pid)
    start = time.perf_counter()
    await asyncio.gather(*(client(port, path, payloads, start + seconds, budget, latencies, errors)
                           for _ in range(clients)))
    took = time.perf_counter() - start
    after = cpu_seconds(pid)
    cpu = (after - before) / len(latencies) if before is not None and after is not None and latencies else None
    return took, latencies, errors[0], cpu


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU of the server and its worker processes so far (Linux /proc; else None)."""
    try:
        pids = [pid]
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                pids += [int(c) for c in f.read().split()]
        total = 0
        for p in pids:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(endpoint: str) -> float:
    """The library's own time for the same requests, per request, in this process."""
    policy = collectguard.load_policy(PACK)
    requests = [NOTE] if endpoint == "check-note" else [EXAMPLE, ALLOWED]
    for r in requests * 20:
        policy.check_note(r["text"], r["context"]) if "text" in r else policy.check_attempt(r["attempt"], r["history"])
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for r in requests * 100:
            if "text" in r:
                policy.check_note(r["text"], r["context"])
            else:
                policy.check_attempt(r["attempt"], r["history"])
        best = min(best, (time.perf_counter() - start) / (len(requests) * 100))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", choices=("check", "check-note", "batch"), default="check")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5.0, help="per concurrency level (default 5)")
    ap.add_argument("--max-requests", type=int, default=200_000, help="per level, a bound (default 200,000)")
    ap.add_argument("--clients", default="1,16,64", help="concurrency levels (default 1,16,64)")
    ap.add_argument("--decision-log", action="store_true", help="serve with a redacted decision log (a temp file)")
    args = ap.parse_args()
    path, payloads = bodies(args.endpoint)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "decisions.jsonl") if args.decision_log else None
        server = start(port, args.workers, log)
        try:
            print(f"collectguard serve {path}: {args.workers} worker(s), {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}, {args.seconds:g} s a level"
                  + (", decision log on" if log else ""))
            per = in_process(args.endpoint)
            print(f"in-process library call: {per * 1e6:,.0f} us a request")
            unit, one = ("batches", "batch") if args.endpoint == "batch" else ("requests", "request")
            print(f"{'clients':>7}  {unit + '/s':>12}  {'p50 ms':>8}  {'p99 ms':>8}  {'errors':>6}  "
                  f"{'server CPU us/' + one:>20}")
            for clients in (int(c) for c in args.clients.split(",")):
                took, latencies, errors, per_cpu = asyncio.run(level(port, server.pid, path, payloads, clients,
                                                                     args.seconds, args.max_requests))
                cpu = f"{per_cpu * 1e6:,.0f}" if per_cpu is not None else "-"
                print(f"{clients:>7}  {len(latencies) / took:>12,.0f}  {pct(latencies, .5) * 1e3:>8.2f}  "
                      f"{pct(latencies, .99) * 1e3:>8.2f}  {errors:>6}  {cpu:>20}")
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
