"""Properties of attempt decisions, over random histories, zones and DST transitions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import NUMBER

OTHER = "+86-10-0000-0000"
# Around a spring-forward and a fall-back in New York, and an ordinary Shanghai week.
STARTS = [("Asia/Shanghai", datetime(2026, 11, 22, tzinfo=timezone.utc)),
          ("America/New_York", datetime(2026, 3, 7, tzinfo=timezone.utc)),
          ("America/New_York", datetime(2026, 10, 31, tzinfo=timezone.utc))]
OFFSETS = [timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5)),
           timezone(timedelta(hours=5, minutes=30))]
SPAN = 3 * 86400


@st.composite
def cases(draw):
    zone, start = draw(st.sampled_from(STARTS))
    seconds = st.integers(0, SPAN)
    # Dense clusters make caps bind often; whole seconds keep "one second earlier" meaningful.
    centre = draw(seconds)
    near = st.integers(max(0, centre - 7200), min(SPAN, centre + 7200))
    entries = draw(st.lists(st.fixed_dictionaries({
        "at": st.one_of(near, seconds),
        "contact": st.sampled_from([NUMBER, NUMBER, OTHER]),
        "party": st.sampled_from(["third_party", "debtor"]),
        "channel": st.sampled_from(["call", "call", "call", "sms"]),
        "outcome": st.sampled_from(["no_answer", "busy", "answered", "refused", None]),
        "offset": st.sampled_from(OFFSETS),
    }), max_size=14))
    at = draw(near)
    client = draw(st.sampled_from([None, "example-bank"]))
    attempt = {"at": (start + timedelta(seconds=at)).isoformat(), "channel": "call",
               "party": draw(st.sampled_from(["third_party", "third_party", "debtor"])),
               "contact": NUMBER, "timezone": zone}
    if client:
        attempt["client"] = client
    history = []
    for e in entries:
        item = {"at": (start + timedelta(seconds=e["at"])).astimezone(e["offset"]).isoformat(),
                "channel": e["channel"], "party": e["party"], "contact": e["contact"]}
        if e["outcome"]:
            item["outcome"] = e["outcome"]
        history.append(item)
    return attempt, history


def _key(decision):
    return decision.allowed, decision.denied_by, decision.next_allowed_at


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), st.data())
def test_more_history_never_turns_a_deny_into_an_allow(pack, case, data) -> None:
    attempt, history = case
    subset = data.draw(st.lists(st.sampled_from(range(len(history))), unique=True)) if history else []
    fewer = [history[i] for i in sorted(subset)]
    if not pack.check_attempt(attempt, fewer).allowed:
        assert not pack.check_attempt(attempt, history).allowed


@SETTINGS
@given(cases())
def test_next_allowed_at_is_allowed_and_one_second_earlier_is_not(pack, case) -> None:
    attempt, history = case
    decision = pack.check_attempt(attempt, history)
    if decision.allowed or decision.next_allowed_at is None:
        return
    at = decision.next_allowed_at
    later = pack.check_attempt({**attempt, "at": at.isoformat()}, history)
    assert later.allowed, (at, later.denied_by)
    earlier = pack.check_attempt({**attempt, "at": (at - timedelta(seconds=1)).isoformat()}, history)
    assert not earlier.allowed, at


@SETTINGS
@given(cases(), st.floats(0, 1))
def test_nothing_between_the_attempt_and_next_allowed_at_is_allowed(pack, case, fraction) -> None:
    attempt, history = case
    decision = pack.check_attempt(attempt, history)
    if decision.allowed or decision.next_allowed_at is None:
        return
    start = datetime.fromisoformat(attempt["at"])
    gap = int((decision.next_allowed_at - start).total_seconds())
    probe = start + timedelta(seconds=int(gap * fraction))
    if probe < decision.next_allowed_at:
        assert not pack.check_attempt({**attempt, "at": probe.isoformat()}, history).allowed, probe


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_decisions_do_not_depend_on_history_order(pack, case, rnd) -> None:
    attempt, history = case
    shuffled = list(history)
    rnd.shuffle(shuffled)
    assert _key(pack.check_attempt(attempt, history)) == _key(pack.check_attempt(attempt, shuffled))


@SETTINGS
@given(cases(), st.sampled_from(OFFSETS))
def test_decisions_do_not_depend_on_the_offset_times_are_written_in(pack, case, offset) -> None:
    attempt, history = case
    moved = {**attempt, "at": datetime.fromisoformat(attempt["at"]).astimezone(offset).isoformat()}
    rewritten = [{**e, "at": datetime.fromisoformat(e["at"]).astimezone(offset).isoformat()} for e in history]
    assert _key(pack.check_attempt(attempt, history)) == _key(pack.check_attempt(moved, rewritten))
