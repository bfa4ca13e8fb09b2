"""collectguard serve: the real server (uvicorn, in a subprocess) on a loopback port, over HTTP.

Two servers are started for the module: one serving a copy of the shipped pack with a
redacted decision log, one whose copy of the pack the reload test edits.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

import collectguard  # noqa: E402
from conftest import NUMBER, PACK, ROOT, call, entry  # noqa: E402

MODEL = PACK.with_name("cn-card-collection.model.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`collectguard serve` in a subprocess, stopped by its own pid."""

    def __init__(self, args: list[str], folder: Path) -> None:
        self.port = _free_port()
        self.stderr = folder / "server.err"
        env = {k: v for k, v in os.environ.items() if k != "COLLECTGUARD_DEBUG"}
        with open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "collectguard", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 *args], stdin=subprocess.DEVNULL, stdout=err, stderr=subprocess.STDOUT, env=env)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited ({self.process.returncode}): {self.log()}")
            try:
                if self.client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the server did not start: {self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        content = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
        return self.client.post(path, content=content, headers={"content-type": "application/json", **(headers or {})},
                                **kwargs)

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _copy_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PACK, folder / PACK.name)
    shutil.copy(MODEL, folder / MODEL.name)  # the learned scorer's weights, found beside the pack
    return folder / PACK.name


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, collectguard.Policy, Path]]:
    folder = tmp_path_factory.mktemp("serve")
    pack = _copy_pack(folder / "pack")
    decisions = folder / "decisions.jsonl"
    server = Server(["--policy", str(pack), "--decision-log", str(decisions), "--redact",
                     "--max-body-bytes", "200000"], folder)
    try:
        yield server, collectguard.load_policy(pack), decisions
    finally:
        server.stop()


REQUESTS = [
    json.loads((ROOT / "examples" / "third-party-call.json").read_text(encoding="utf-8")),  # hourly cap
    {"attempt": call("2026-11-23T10:00:00+08:00")},                                             # allowed
    {"attempt": call("2026-11-23T22:30:00+08:00")},                                             # quiet hours
    {"attempt": call("2026-11-23T10:00:00+08:00", facts={"stop_contact": True})},               # stop-contact
    {"attempt": {k: v for k, v in call("2026-11-23T10:00:00+08:00").items() if k != "facts"}},  # not recorded
    {"attempt": call("2026-11-23T11:00:00+08:00"),
     "history": [entry("2026-11-23T10:20:00+08:00"), entry("2026-11-23T10:40:00+08:00")]},
]

NOTES = [
    {"text": "你哥哥欠了我们银行的钱，再不还就要坐牢", "context": {"party": "third_party", "relation": "sibling"}},
    {"text": "您好，请转告他尽快回电，谢谢。", "context": {"party": "third_party", "relation": "sibling"}},
    {"text": "Please pay the balance by Friday.", "context": {"party": "debtor"}},
]


def test_decisions_are_the_librarys(served) -> None:
    server, policy, _ = served
    for request in REQUESTS:
        response = server.post("/v1/check", request)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        expected = policy.check_attempt(request["attempt"], request.get("history")).to_dict()
        assert response.json() == expected
    assert {server.post("/v1/check", r).json()["allowed"] for r in REQUESTS} == {True, False}


def test_explain_and_notes_are_the_librarys(served) -> None:
    server, policy, _ = served
    request = REQUESTS[0]
    response = server.post("/v1/check", request, params={"explain": "true"})
    assert response.json() == policy.check_attempt(request["attempt"], request["history"], explain=True).to_dict()
    for note in NOTES:
        response = server.post("/v1/check-note", note)
        assert response.status_code == 200, response.text
        assert response.json() == policy.check_note(note["text"], note.get("context")).to_dict()
    assert server.post("/v1/check-note", NOTES[0]).json()["allowed"] is False


def test_batch_answers_each_request_in_its_place(served) -> None:
    server, policy, _ = served
    bad = {"attempt": call("2026-11-23T10:00:00+08:00", facts={"stop_contact": "true"})}
    response = server.post("/v1/check/batch", [*REQUESTS, bad, 7])
    assert response.status_code == 200, response.text
    results = response.json()
    assert results[:len(REQUESTS)] == [policy.check_attempt(r["attempt"], r.get("history")).to_dict()
                                       for r in REQUESTS]
    assert results[-2]["error"].startswith(f"[{len(REQUESTS)}]: attempt.facts.stop_contact: expected true or false")
    assert results[-1] == {"error": f"[{len(REQUESTS) + 1}]: expected a JSON object with 'attempt'"}
    assert server.post("/v1/check/batch", REQUESTS[1]).status_code == 422  # not a list


@pytest.mark.parametrize("body, message", [
    ('{"attempt": {}, "attempt": {}}', "not valid JSON: duplicate key 'attempt'"),
    ('{"attempt": NaN}', "not valid JSON: NaN is not a JSON number"),
    ('{"attempt": ', "not valid JSON: Expecting value"),
    ("", "no request: the body is empty"),
    (b'{"attempt": "\xff"}', "not UTF-8 text"),
])
def test_a_body_that_is_not_json_is_400(served, body, message) -> None:
    server, _, _ = served
    response = server.post("/v1/check", body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert "Traceback" not in response.text


def test_refused_input_is_422_with_the_librarys_message(served) -> None:
    server, policy, _ = served
    attempt = call("2026-11-23T10:00:00+08:00", facts={"stop_contact": "true"})
    with pytest.raises(collectguard.InputError) as refused:
        policy.check_attempt(attempt)
    response = server.post("/v1/check", {"attempt": attempt})
    assert response.status_code == 422
    assert response.json() == {"error": str(refused.value)}
    for body, message in [({"attempt": call("2026-11-23T10:00:00")}, "attempt.at:"),        # naive time
                          ({"attempt": call("2026-11-23T10:00:00+08:00"), "histroy": []}, "request: unknown field"),
                          ([], "request: expected a JSON object with 'attempt'")]:
        response = server.post("/v1/check", body)
        assert response.status_code == 422 and response.json()["error"].startswith(message), response.text
    response = server.post("/v1/check-note", {"text": 5})
    assert response.status_code == 422 and response.json() == {"error": "text: expected a string, got int"}


def test_limits_and_unknown_routes_answer_one_line(served) -> None:
    server, _, _ = served
    big = {"attempt": call("2026-11-23T10:00:00+08:00"), "history": [entry("2026-11-22T10:00:00+08:00")] * 2000}
    response = server.post("/v1/check", big)
    assert response.status_code == 413 and "--max-body-bytes" in response.json()["error"]
    assert server.client.get("/v1/nothing").json() == {"error": "Not Found"}
    assert server.client.get("/v1/check").status_code == 405


def test_health_ready_metrics_openapi(served) -> None:
    server, policy, _ = served
    assert server.client.get("/healthz").json() == {"ok": True}
    ready = server.client.get("/readyz").json()
    assert ready["ready"] is True and ready["reload_error"] is None
    assert (ready["policy"]["id"], ready["policy"]["digest"]) == (policy.id, policy.digest)
    server.post("/v1/check", REQUESTS[2])  # quiet hours: denied
    metrics = server.client.get("/metrics").text
    assert (f'collectguard_policy_info{{digest="{policy.digest}",id="cn-card-collection",'
            f'path="{policy.path}",version="{policy.version}"}} 1.0') in metrics
    assert 'collectguard_decisions_total{endpoint="check",result="denied"}' in metrics
    assert ('collectguard_rule_fired_total{endpoint="check",result="denied",rule="quiet-hours",'
            'severity="deny"}') in metrics
    assert 'collectguard_request_duration_seconds_bucket{endpoint="check",le="0.005"}' in metrics
    spec = server.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and {"/v1/check", "/v1/check/batch", "/v1/check-note"} <= set(spec["paths"])
    assert "Attempt" in spec["components"]["schemas"]


def test_decision_log_is_one_redacted_line_per_decision(served) -> None:
    server, policy, decisions = served
    server.post("/v1/check", REQUESTS[0], headers={"x-request-id": "dialer-42"})
    server.post("/v1/check-note", NOTES[0], headers={"x-request-id": "dialer-43"})
    response = server.post("/v1/check/batch", REQUESTS[:2], headers={"x-request-id": "dialer-44"})
    assert response.headers["x-request-id"] == "dialer-44"
    lines = [json.loads(line) for line in decisions.read_text(encoding="utf-8").splitlines()]
    mine = {(r["request_id"], r.get("index")): r for r in lines if r["request_id"].startswith("dialer-4")}
    attempt = mine[("dialer-42", None)]
    assert attempt["policy"] == {"id": policy.id, "version": policy.version, "digest": policy.digest}
    assert attempt["allowed"] is False and attempt["rules"] == ["third-party-hourly-cap"]
    assert attempt["input"]["attempt"]["contact"] == "[redacted]"
    assert {e["contact"] for e in attempt["input"]["history"]} == {"[redacted]"}
    assert attempt["input"]["attempt"]["at"] == REQUESTS[0]["attempt"]["at"]
    note = mine[("dialer-43", None)]
    assert note["input"]["text"] == f"[redacted: {len(NOTES[0]['text'])} characters]"
    assert note["rules"] and note["allowed"] is False
    assert mine[("dialer-44", 1)]["allowed"] is True and ("dialer-44", 0) in mine
    assert NUMBER not in decisions.read_text(encoding="utf-8")
    assert all(r["time"].endswith("Z") for r in lines)


def _wait_for(server: Server, check, what: str, seconds: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        ready = server.client.get("/readyz").json()
        if check(ready):
            return ready
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {ready}\n{server.log()}")
        time.sleep(0.1)


def test_reload_on_edit_and_sighup_and_a_broken_pack_keeps_serving(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path / "pack")
    server = Server(["--policy", str(pack)], tmp_path)
    try:
        late = {"attempt": call("2026-11-23T21:30:00+08:00", relation=None, party="debtor")}
        first = server.post("/v1/check", late).json()
        assert first["allowed"] is True and first["policy"]["version"] == "2015.1"

        # An edit in place: quiet hours from 21:00, a new version. Seen by the poll.
        text = pack.read_text(encoding="utf-8")
        assert text.count('version: "2015.1"') == 1
        edited = text.replace('version: "2015.1"', 'version: "2015.1-evening"', 1).replace(
            'params: {from: "08:00", until: "22:00"}', 'params: {from: "08:00", until: "21:00"}', 1)
        pack.write_text(edited, encoding="utf-8")
        _wait_for(server, lambda r: r["policy"]["version"] == "2015.1-evening", "the edit was not loaded")
        second = server.post("/v1/check", late).json()
        assert second["allowed"] is False and [r["rule"] for r in second["reasons"]] == ["quiet-hours"]
        assert second == collectguard.load_policy(pack).check_attempt(late["attempt"]).to_dict()

        # A broken pack: the previous one keeps serving, and /readyz and /metrics say why.
        pack.write_text(edited.replace("rules:", "rules: [", 1), encoding="utf-8")
        ready = _wait_for(server, lambda r: r["reload_error"] is not None, "the broken pack was not noticed")
        assert ready["ready"] is True and ready["policy"]["version"] == "2015.1-evening"
        assert ready["reload_error"]["error"].startswith(str(pack))
        assert "\n" not in ready["reload_error"]["error"]
        assert server.post("/v1/check", late).json() == second
        metrics = server.client.get("/metrics").text
        assert 'collectguard_policy_reloads_total{result="failed"} 1.0' in metrics
        assert "collectguard_policy_reload_failing 1.0" in metrics
        assert "failed, still serving cn-card-collection 2015.1-evening" in server.log()

        # SIGHUP: the file is read again (fixed here by a rename, as config tools write).
        pack.with_suffix(".new").write_text(text, encoding="utf-8")
        os.replace(pack.with_suffix(".new"), pack)
        server.process.send_signal(signal.SIGHUP)
        _wait_for(server, lambda r: r["policy"]["version"] == "2015.1" and r["reload_error"] is None,
                  "the fixed pack was not loaded")
        assert server.post("/v1/check", late).json() == first
        time.sleep(0.01)
        before = server.client.get("/readyz").json()["last_reload"]
        server.process.send_signal(signal.SIGHUP)  # nothing changed: read again, the same digest
        _wait_for(server, lambda r: r["last_reload"] != before and
                  (r["last_reload"]["result"], r["last_reload"]["reason"]) == ("unchanged", "SIGHUP"),
                  "SIGHUP did not reload")
        assert server.process.poll() is None
    finally:
        server.stop()


def test_workers_each_reload_on_sighup_to_the_parent(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path / "pack")
    server = Server(["--policy", str(pack), "--workers", "2", "--poll-interval", "0"], tmp_path)

    def versions() -> dict[int, str]:  # a new connection each time: any worker may answer
        seen: dict[int, str] = {}
        for _ in range(200):
            ready = httpx.get(f"http://127.0.0.1:{server.port}/readyz", headers={"connection": "close"}).json()
            seen[ready["pid"]] = ready["policy"]["version"]
            if len(seen) == 2:
                break
        return seen

    try:
        assert set(versions().values()) == {"2015.1"}
        text = pack.read_text(encoding="utf-8")
        pack.write_text(text.replace('version: "2015.1"', 'version: "2015.2"', 1), encoding="utf-8")
        time.sleep(0.3)  # no poll (--poll-interval 0): only the signal reloads
        assert set(versions().values()) == {"2015.1"}
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while (seen := versions()) != dict.fromkeys(seen, "2015.2") or len(seen) < 2:
            assert time.monotonic() < deadline, f"{seen}\n{server.log()}"
            time.sleep(0.1)
        assert server.process.poll() is None
    finally:
        server.stop()


def test_a_pack_that_does_not_load_never_serves(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nrules: [\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "collectguard", "serve", "--policy", str(broken),
                           "--port", str(_free_port())], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith(f"collectguard: {broken}:") and done.stderr.count("\n") == 1
