"""Sessions decide exactly as check_attempt with the full history, before and after record()."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, strategies as st

import collectguard
from conftest import NUMBER, attempt, call, entry
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


@SETTINGS
@given(cases(), st.integers(0, 200), st.data())
def test_forgetting_what_no_cap_can_reach_changes_no_decision(pack, case, hours, data) -> None:
    from datetime import datetime, timedelta

    attempt_, history = case
    session = pack.session(history)
    session.check(attempt_)  # caches built, so forgetting must prune them too
    at = datetime.fromisoformat(attempt_["at"])
    before = at - pack.max_reach() - timedelta(days=2, hours=hours)
    session.forget(before)
    assert _key(session.check(attempt_)) == _key(pack.check_attempt(attempt_, history))
    later = {**attempt_, "at": (at + timedelta(minutes=data.draw(st.integers(0, 600)))).isoformat()}
    session.record(attempt_, "no_answer")
    full = [*history, {**attempt_, "outcome": "no_answer"}]
    assert _key(session.check(later)) == _key(pack.check_attempt(later, full))


def test_forget_frees_old_entries(pack) -> None:
    session = pack.session([entry(f"2026-11-{day:02d}T10:00:00+08:00") for day in range(1, 21)])
    session.check(call("2026-11-20T11:00:00+08:00"))
    session.forget("2026-11-18T00:00:00+08:00")
    assert len(session) == 3 and len(session._history.entries) == 3   # renumbered, not just blanked
    with pytest.raises(collectguard.InputError, match="before: .*no UTC offset"):
        session.forget("2026-11-18T00:00:00")


def test_evidence_names_the_same_entries_after_forget(pack) -> None:
    old = [entry(f"2026-11-{day:02d}T10:00:00+08:00") for day in range(1, 21)]
    today = [entry(f"2026-11-23T09:{minute}:00+08:00") for minute in ("05", "20")]
    session = pack.session(old + today)
    late = call("2026-11-23T09:30:00+08:00")
    before = session.check(late)
    session.forget("2026-11-18T00:00:00+08:00")        # most of the history: its slots are dropped
    assert len(session._history.entries) < len(old)
    session.record(call("2026-11-23T09:25:00+08:00"), "busy")
    after = session.check(late)
    full = pack.check_attempt(late, old + today + [entry("2026-11-23T09:25:00+08:00", outcome="busy")])
    assert before.reasons[0].evidence["counted"] == [20, 21]           # positions in the history given
    assert after.to_dict() == full.to_dict()                           # ... and after, as if nothing was forgotten
    assert after.reasons[0].evidence["counted"] == [20, 21, 22]


def test_record_takes_models_and_unknown_outcomes(pack) -> None:
    session = pack.session()
    for minute in ("05", "20"):
        model = collectguard.HistoryEntry(**attempt(f"2026-11-23T10:{minute}:00+08:00"))
        session.record(model)
    denied = session.check(call("2026-11-23T10:30:00+08:00"))
    assert denied.denied_by == ["third-party-hourly-cap"] and len(session) == 2
    with pytest.raises(collectguard.InputError, match="outcome: unknown outcome 'answerd'"):
        session.record(call("2026-11-23T10:25:00+08:00"), "answerd")
    session.record(collectguard.HistoryEntry(**entry("2026-11-23T09:00:00+08:00", outcome="answered")))
    assert len(session) == 3 and session.check(call("2026-11-23T10:30:00+08:00")) == denied
    with pytest.raises(collectguard.InputError, match="attempt.at: .*not an ISO 8601"):
        session.record(call("2026-11-23T9:25:00+08:00"), "no_answer")
    with pytest.raises(collectguard.InputError, match="attempt.channel: unknown channel 'fax'"):
        session.record(call("2026-11-23T10:25:00+08:00", channel="fax"))
    assert len(session) == 3


def test_errors_name_the_callers_history_position(pack) -> None:
    history = [entry("2026-11-23T09:00:00+08:00", contact="other"), entry("2026-11-23T09:10:00+08:00", channel="fax")]
    with pytest.raises(collectguard.InputError, match=r"history\[1\]\.channel: unknown channel 'fax'"):
        pack.session(history).check(call("2026-11-23T10:00:00+08:00"))


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
