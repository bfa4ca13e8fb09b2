"""Sessions decide exactly as check_attempt with the full history, before and after record()."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import collectguard
from conftest import NUMBER, attempt, entry
from test_properties import SETTINGS, cases


def _key(decision):
    return decision.to_dict()


@SETTINGS
@given(cases())
def test_session_check_equals_check_attempt(pack, case) -> None:
    attempt_, history = case
    assert _key(pack.session(history).check(attempt_)) == _key(pack.check_attempt(attempt_, history))


@SETTINGS
@given(cases(), st.lists(st.sampled_from(["no_answer", "busy", "answered", None]), min_size=1, max_size=6),
       st.data())
def test_session_after_record_equals_check_attempt(pack, case, outcomes, data) -> None:
    attempt_, history = case
    session = pack.session(history)
    session.check(attempt_)  # build the indexes before recording
    full = list(history)
    for outcome in outcomes:
        minutes = data.draw(st.integers(-180, 180))
        from datetime import datetime, timedelta
        at = (datetime.fromisoformat(attempt_["at"]) + timedelta(minutes=minutes)).isoformat()
        made = {**attempt_, "at": at}
        session.record(made, outcome)
        full.append({**made, **({"outcome": outcome} if outcome else {})})
        assert _key(session.check(attempt_)) == _key(pack.check_attempt(attempt_, full))


def test_record_takes_models_and_unknown_outcomes(pack) -> None:
    session = pack.session()
    for minute in ("05", "20"):
        model = collectguard.HistoryEntry(**attempt(f"2026-11-23T10:{minute}:00+08:00"))
        session.record(model)
    denied = session.check(attempt("2026-11-23T10:30:00+08:00"))
    assert denied.denied_by == ["third-party-hourly-cap"] and len(session) == 2


def test_errors_name_the_callers_history_position(pack) -> None:
    history = [entry("2026-11-23T09:00:00+08:00", contact="other"), entry("2026-11-23T09:10:00+08:00", channel="fax")]
    with pytest.raises(collectguard.InputError, match=r"history\[1\]\.channel: unknown channel 'fax'"):
        pack.session(history).check(attempt("2026-11-23T10:00:00+08:00"))


def test_threads_may_share_a_session(pack) -> None:
    session = pack.session()
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                session.record(attempt(f"2026-11-2{n}T1{i % 10}:00:00+08:00", contact=f"{NUMBER}-{n}"), "no_answer")
                session.check(attempt(f"2026-11-2{n}T20:00:00+08:00", contact=f"{NUMBER}-{n}"))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(session) == 200
