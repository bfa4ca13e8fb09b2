"""The README's tour runs as written and says what it shows."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

import collectguard
from conftest import ROOT


def test_the_tour_runs_and_is_denied_by_the_hourly_cap_until_2140(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme[readme.index("## A short tour"):]
    code = re.search(r"```python\n(.*?)```", tour, re.S)
    assert code is not None
    scope: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    decision = scope["decision"]
    assert isinstance(decision, collectguard.Decision)
    assert decision.denied_by == ["third-party-hourly-cap"]
    assert decision.next_allowed_at == datetime.fromisoformat("2026-11-23T21:40:00+08:00")
    assert "third-party-hourly-cap" in capsys.readouterr().out


def test_a_pack_without_text_rules_refuses_to_judge_a_note() -> None:
    with pytest.raises(collectguard.InputError, match="has no text rules"):
        collectguard.load_policy("us-reg-f").check_note("You will go to jail.", {"party": "debtor"})
