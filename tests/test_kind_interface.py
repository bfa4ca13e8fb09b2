"""A new rule kind is one module and one registry line: nothing else names a kind.

The package is copied, a toy kind written beside the others and its name added to the
registry's list; a fresh interpreter then loads, lints and checks a pack that uses it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import collectguard

SRC = Path(collectguard.__file__).resolve().parent

TOY = '''
"""``weekday-block``: no contact on the listed ISO weekdays of the policy's zone (a toy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar, Union

from pydantic import Field

from .._errors import PolicyError
from ._base import CompileEnv, Finding, Kind, Needs, Params


class WeekdayBlockParams(Params):
    fact_fields: ClassVar[dict[str, str]] = {"unless_fact": "boolean"}

    days: list[int] = Field(description="ISO weekdays, 1 (Monday) to 7")
    unless_fact: Union[str, None] = Field(None, description="a declared boolean fact that lifts the block")


class WeekdayBlock:
    __slots__ = ("days", "fact", "zone", "needs")

    def __init__(self, params: WeekdayBlockParams, env: CompileEnv) -> None:
        from .._clock import zone

        self.days = frozenset(params.days)
        self.fact = params.unless_fact
        self.zone = zone(env.default_timezone)
        self.needs = Needs(fires_on=frozenset({"call"}))

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        if self.fact is not None and ctx.subject.facts.get(self.fact) is True:
            return None
        local = at.astimezone(self.zone)
        if local.isoweekday() not in self.days:
            return None
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        retry = start
        while retry.isoweekday() in self.days:
            retry += timedelta(days=1)
        return Finding(evidence={"weekday": local.isoweekday()}, retry_at=retry)

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        return {"days": sorted(self.days)}


def _lint(rule: Any, where: tuple[Any, ...], doc: Any) -> list[PolicyError]:
    if len(rule.params.days) < 7:
        return []
    line, col = doc.position(where + ("params", "days"))
    return [PolicyError(f"rule '{rule.id}': every day is blocked", path=doc.path, line=line, column=col,
                        level="warning", check="toy-every-day")]


KIND = Kind(name="weekday-block", subject="attempt", params=WeekdayBlockParams,
            compile=lambda params, env: WeekdayBlock(params, env),
            summary="no contact on listed weekdays", lint=_lint)
'''

PACK = textwrap.dedent("""\
    id: toy
    version: "1"
    timezone: Asia/Shanghai
    facts:
      holiday_ok: {type: boolean, meaning: the creditor allows contact today, absent: false}
    rules:
      - id: no-mondays
        kind: weekday-block
        params: {days: [1], unless_fact: holiday_ok}
        message: no calls on Mondays
        citation: toy
""")

SCRIPT = textwrap.dedent("""\
    import json, sys
    import collectguard
    from collectguard._lint import lint_text
    pack, broken = sys.argv[1], sys.argv[2]
    policy = collectguard.parse_policy(pack, "toy.yaml")
    def call(at, **facts):
        return {"at": at, "channel": "call", "party": "debtor", "contact": "1", "facts": facts}
    monday = policy.check_attempt(call("2026-11-23T10:00:00+08:00"))
    out = {
        "monday": [monday.allowed, monday.denied_by, monday.next_allowed_at.isoformat()],
        "tuesday": policy.check_attempt(call("2026-11-24T10:00:00+08:00")).allowed,
        "lifted": policy.check_attempt(call("2026-11-23T10:00:00+08:00", holiday_ok=True)).allowed,
        "sms": policy.check_attempt(dict(call("2026-11-23T10:00:00+08:00"), channel="sms")).allowed,
        "lint": sorted(p.check for p in lint_text(broken, "broken.yaml")),
    }
    print(json.dumps(out))
""")


def test_a_toy_kind_is_one_module_and_one_registry_line(tmp_path) -> None:
    package = tmp_path / "collectguard"
    shutil.copytree(SRC, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "_kinds" / "weekday_block.py").write_text(TOY, encoding="utf-8")
    registry = package / "_kinds" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    assert '    "text_match",\n' in text
    registry.write_text(text.replace('    "text_match",\n', '    "text_match",\n    "weekday_block",\n'),
                        encoding="utf-8")
    broken = PACK.replace("days: [1], unless_fact: holiday_ok", "days: [1, 2, 3, 4, 5, 6, 7], unless_fact: holidy_ok")
    run = subprocess.run([sys.executable, "-c", SCRIPT, PACK, broken], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["monday"] == [False, ["no-mondays"], "2026-11-24T00:00:00+08:00"]
    assert out["tuesday"] is True
    assert out["lifted"] is True          # the fact it names, read as declared
    assert out["sms"] is True             # its Needs: it fires on calls only
    # its own lint check, and the fact it names checked against the declarations
    assert out["lint"] == ["toy-every-day", "undeclared-fact"]
