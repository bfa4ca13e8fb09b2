"""Zone requirements: a pack that refuses an attempt without its zone, or judges it in every
candidate zone (a default list, and lists by the recipient's region)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

import collectguard
from collectguard import AuditSummary, PlanSummary, audit, plan
from conftest import policy_from

HOURS = """
  - id: hours
    kind: contact-hours
    params: {from: "08:00", until: "21:00"}
"""

CANDIDATES = """id: t
version: "1"
timezone: America/New_York
zones:
  candidates: [America/New_York, America/Chicago, America/Denver, America/Phoenix, America/Los_Angeles,
               America/Anchorage, Pacific/Honolulu]
  by_region:
    US-FL: [America/New_York, America/Chicago]
    US-HI: [Pacific/Honolulu]
    US-AZ: [America/Phoenix]
rules:""" + HOURS

REQUIRE = """id: t
version: "1"
timezone: America/New_York
zones: {require: true}
rules:""" + HOURS


@pytest.fixture(scope="module")
def candidates() -> collectguard.Policy:
    return policy_from(CANDIDATES)


def call(at: str, **fields: object) -> dict:
    base = {"at": at, "channel": "call", "party": "debtor", "contact": "+1-305-555-0100"}
    base.update(fields)
    return base


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


# -- require ------------------------------------------------------------------------------

def test_a_pack_that_requires_the_zone_refuses_an_attempt_without_it() -> None:
    policy = policy_from(REQUIRE)
    with pytest.raises(collectguard.InputError) as caught:
        policy.check_attempt(call("2026-06-10T12:00:00-04:00"))
    message = str(caught.value)
    assert message.startswith("attempt.timezone: missing; pack 't' requires the recipient's zone (zones.require)")
    assert "\n" not in message and "America/Chicago" in message
    decision = policy.check_attempt(call("2026-06-10T10:00:00-04:00", timezone="America/Los_Angeles"))
    assert not decision.allowed and decision.zones is None  # 10:00 in New York, 07:00 in Los Angeles


def test_required_zone_is_refused_by_session_plan_and_audit_too() -> None:
    policy = policy_from(REQUIRE)
    with pytest.raises(collectguard.InputError, match="attempt.timezone: missing"):
        policy.session().check(call("2026-06-10T12:00:00-04:00"))
    with pytest.raises(collectguard.InputError, match=r"^plan\[0\]: attempt.timezone: missing"):
        list(plan(policy, [], [("plan[0]", call("2026-06-10T12:00:00-04:00"))]))
    summary = AuditSummary()
    found = list(audit(policy, [("log:1", call("2026-06-10T12:00:00-04:00", outcome="no_answer"))], summary))
    assert summary.refused == 1 and "attempt.timezone: missing" in found[0]["error"]


# -- candidates -------------------------------------------------------------------------

def test_an_attempt_without_zone_must_suit_every_candidate(candidates) -> None:
    decision = candidates.check_attempt(call("2026-06-10T08:30:00-04:00"))  # 02:30 in Honolulu
    assert not decision.allowed
    assert decision.zones["from"] == "zones.candidates"
    assert decision.zones["judged_in"][-1] == "Pacific/Honolulu" and len(decision.zones["judged_in"]) == 7
    assert decision.zones["denied_in"] == ["America/Chicago", "America/Denver", "America/Phoenix",
                                           "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"]
    assert decision.reasons[0].evidence["denied_in"] == decision.zones["denied_in"]
    # 08:00 in Honolulu (HST, UTC-10) is 14:00 in New York; 21:00 in New York is 15:00 there.
    assert decision.next_allowed_at == utc("2026-06-10T14:00:00-04:00")
    assert decision.next_allowed_at.utcoffset() == timedelta(hours=-4)  # given in the first candidate
    assert candidates.check_attempt(call("2026-06-10T14:00:00-04:00")).allowed
    assert not candidates.check_attempt(call("2026-06-10T13:59:59-04:00")).allowed
    assert candidates.check_attempt(call("2026-06-10T20:59:59-04:00")).allowed
    late = candidates.check_attempt(call("2026-06-10T21:00:00-04:00"))
    assert late.zones["denied_in"] == ["America/New_York"]
    assert late.next_allowed_at == utc("2026-06-11T14:00:00-04:00")


def test_the_regions_candidates_come_before_the_default(candidates) -> None:
    # Florida is Eastern and Central: 08:00 CDT is 09:00 EDT; 21:00 EDT closes it.
    florida = candidates.check_attempt(call("2026-06-10T08:59:59-04:00", region="US-FL"))
    assert florida.zones == {"judged_in": ["America/New_York", "America/Chicago"], "from": "zones.by_region.US-FL",
                             "denied_in": ["America/Chicago"]}
    assert florida.next_allowed_at == utc("2026-06-10T09:00:00-04:00")
    assert candidates.check_attempt(call("2026-06-10T09:00:00-04:00", region="US-FL")).allowed
    assert candidates.check_attempt(call("2026-06-10T20:59:59-04:00", region="US-FL")).allowed
    assert candidates.check_attempt(call("2026-06-10T21:00:00-04:00", region="US-FL")).next_allowed_at == \
        utc("2026-06-11T09:00:00-04:00")
    # Hawaii alone: one zone, no list in the evidence, and the decision still names it.
    hawaii = candidates.check_attempt(call("2026-06-10T08:30:00-04:00", region="US-HI"))
    assert hawaii.zones == {"judged_in": ["Pacific/Honolulu"], "from": "zones.by_region.US-HI",
                            "denied_in": ["Pacific/Honolulu"]}
    assert "denied_in" not in hawaii.reasons[0].evidence
    assert hawaii.next_allowed_at == utc("2026-06-10T08:00:00-10:00")
    assert hawaii.next_allowed_at.utcoffset() == timedelta(hours=-10)
    # A region the pack does not list: every candidate.
    assert candidates.check_attempt(call("2026-06-10T12:00:00-04:00", region="US-XX")).zones["from"] == \
        "zones.candidates"


def test_an_attempt_that_sends_its_zone_is_judged_there_alone(candidates) -> None:
    mine = candidates.check_attempt(call("2026-06-10T08:30:00-04:00", timezone="America/New_York", region="US-HI"))
    assert mine.allowed and mine.zones is None and "zones" not in mine.to_dict()
    # The same immutable answer as any other allowed attempt: no per-attempt decision is built.
    other = candidates.check_attempt(call("2026-06-10T09:30:00-04:00", timezone="America/New_York"))
    assert mine is other
    listed = candidates.check_attempt(call("2026-06-10T08:30:00-04:00",
                                           timezone=["America/New_York", "America/Chicago"]))
    assert not listed.allowed and listed.zones is None
    assert listed.reasons[0].evidence["denied_in"] == ["America/Chicago"]


def test_an_allowed_attempt_without_zone_says_where_it_was_judged(candidates) -> None:
    decision = candidates.check_attempt(call("2026-06-10T15:00:00-04:00"))
    assert decision.allowed
    out = json.loads(json.dumps(decision.to_dict()))
    assert out["zones"]["from"] == "zones.candidates" and out["zones"]["denied_in"] == []
    assert len(out["zones"]["judged_in"]) == 7


def test_by_region_without_a_default_refuses_an_unlisted_region() -> None:
    policy = policy_from(CANDIDATES.replace(
        "  candidates: [America/New_York, America/Chicago, America/Denver, America/Phoenix, America/Los_Angeles,\n"
        "               America/Anchorage, Pacific/Honolulu]\n", ""))
    assert policy.check_attempt(call("2026-06-10T12:00:00-04:00", region="US-HI")).zones["judged_in"] == \
        ["Pacific/Honolulu"]
    with pytest.raises(collectguard.InputError) as caught:
        policy.check_attempt(call("2026-06-10T12:00:00-04:00", region="US-NY"))
    assert str(caught.value) == ("attempt.timezone: missing, and pack 't' has no candidate zones for region 'US-NY' "
                                 "(zones.by_region lists US-AZ, US-FL, US-HI): send the recipient's IANA zone")
    with pytest.raises(collectguard.InputError, match="for an attempt without region .*, or their region$"):
        policy.check_attempt(call("2026-06-10T12:00:00-04:00"))


def test_explain_reads_every_candidate_zone(candidates) -> None:
    decision = candidates.check_attempt(call("2026-06-10T09:30:00-04:00", region="US-FL"), explain=True)
    trace = decision.explanation[0]
    assert trace.values["open"] == {"America/New_York": True, "America/Chicago": True}
    assert decision.to_dict()["zones"]["denied_in"] == []


# -- boundaries and DST -----------------------------------------------------------------

DST = CANDIDATES.replace("US-AZ: [America/Phoenix]",
                         "US-AZ: [America/Phoenix]\n    NY-AZ: [America/New_York, America/Phoenix]\n"
                         "    NY-HI: [America/New_York, Pacific/Honolulu]")


@pytest.mark.parametrize("at, allowed, next_at", [
    # The day before New York springs forward: EST (UTC-5) and Phoenix (MST, UTC-7, no DST)
    # are two hours apart, so the window is 10:00-21:00 EST.
    ("2026-03-07T09:59:59-05:00", False, "2026-03-07T10:00:00-05:00"),
    ("2026-03-07T10:00:00-05:00", True, None),
    # 2026-03-08: 02:00 EST becomes 03:00 EDT; Phoenix is now three hours behind, so 08:00
    # in Phoenix is 11:00 EDT. An attempt in the night before the shift waits for it.
    ("2026-03-08T01:59:59-05:00", False, "2026-03-08T11:00:00-04:00"),
    ("2026-03-08T10:59:59-04:00", False, "2026-03-08T11:00:00-04:00"),
    ("2026-03-08T11:00:00-04:00", True, None),
    ("2026-03-08T20:59:59-04:00", True, None),
    ("2026-03-08T21:00:00-04:00", False, "2026-03-09T11:00:00-04:00"),
])
def test_spring_forward_in_one_candidate_and_not_the_other(at, allowed, next_at) -> None:
    policy = policy_from(DST)
    decision = policy.check_attempt(call(at, region="NY-AZ"))
    assert decision.allowed is allowed
    if next_at is not None:
        assert decision.next_allowed_at == utc(next_at)
        assert decision.next_allowed_at.isoformat() == next_at  # in New York's time, its offset that day


@pytest.mark.parametrize("at, allowed, next_at", [
    # 2026-11-01: 02:00 EDT becomes 01:00 EST. Honolulu (UTC-10) is six hours behind New
    # York before and five after, so 08:00 there is 14:00 EDT, then 13:00 EST.
    ("2026-10-31T13:59:59-04:00", False, "2026-10-31T14:00:00-04:00"),
    ("2026-10-31T14:00:00-04:00", True, None),
    ("2026-11-01T01:30:00-04:00", False, "2026-11-01T13:00:00-05:00"),   # the first 01:30
    ("2026-11-01T01:30:00-05:00", False, "2026-11-01T13:00:00-05:00"),   # the second
    ("2026-11-01T12:59:59-05:00", False, "2026-11-01T13:00:00-05:00"),
    ("2026-11-01T13:00:00-05:00", True, None),
    ("2026-11-01T20:59:59-05:00", True, None),
    ("2026-11-01T21:00:00-05:00", False, "2026-11-02T13:00:00-05:00"),
])
def test_fall_back_in_one_candidate_and_not_the_other(at, allowed, next_at) -> None:
    policy = policy_from(DST)
    decision = policy.check_attempt(call(at, region="NY-HI"))
    assert decision.allowed is allowed
    if next_at is not None:
        assert decision.next_allowed_at.isoformat() == next_at


# -- local-day caps ---------------------------------------------------------------------

CAPS = """id: t
version: "1"
timezone: America/New_York
zones:
  candidates: [America/New_York, America/Los_Angeles]
rules:
  - id: daily
    kind: frequency-cap
    params: {max: 1, window: {calendar: day}, same: [contact]}
  - id: weekly
    kind: frequency-cap
    params: {max: 2, window: {calendar_days: 7}, same: [contact]}
"""


def test_a_local_day_cap_must_hold_in_every_candidate_zone() -> None:
    policy = policy_from(CAPS)
    history = [call("2026-06-09T23:30:00-04:00", outcome="no_answer")]  # 20:30 on the 9th in Los Angeles
    at = "2026-06-10T01:00:00-04:00"                                    # 22:00 on the 9th there
    assert policy.check_attempt(call(at, timezone="America/New_York"), history).allowed
    decision = policy.check_attempt(call(at), history)
    assert decision.denied_by == ["daily"]
    evidence = decision.reasons[0].evidence
    assert evidence["zone"] == "America/Los_Angeles" and evidence["denied_in"] == ["America/Los_Angeles"]
    assert evidence["window_from"] == "2026-06-09T00:00:00-07:00"
    assert decision.zones["denied_in"] == ["America/Los_Angeles"]
    # The 10th begins in Los Angeles at 03:00 in New York.
    assert decision.next_allowed_at == utc("2026-06-10T00:00:00-07:00")
    assert not policy.check_attempt(call("2026-06-10T02:59:59-04:00"), history).allowed
    assert policy.check_attempt(call("2026-06-10T03:00:00-04:00"), history).allowed


def test_calendar_days_count_the_widest_reading_of_the_days() -> None:
    policy = policy_from(CAPS)
    # Late on the 3rd in New York (the 3rd in Los Angeles too), and early on the 10th in New
    # York (the 9th in Los Angeles). Seven days ending the 9th in Los Angeles hold both; seven
    # ending the 10th in New York hold only the second.
    history = [call("2026-06-03T23:30:00-04:00", outcome="no_answer"),
               call("2026-06-10T01:00:00-04:00", outcome="no_answer")]
    at = "2026-06-10T02:00:00-04:00"  # 23:00 on the 9th in Los Angeles
    decision = policy.check_attempt(call(at), history)
    assert "weekly" in decision.denied_by
    assert decision.reasons[[r.rule for r in decision.reasons].index("weekly")].evidence["denied_in"] == \
        ["America/Los_Angeles"]
    assert decision.next_allowed_at is not None
    assert policy.check_attempt(call(decision.next_allowed_at.isoformat()), history).allowed
    assert not policy.check_attempt(call((decision.next_allowed_at - timedelta(seconds=1)).isoformat()),
                                    history).allowed


# -- session, plan, audit ---------------------------------------------------------------

def test_session_plan_and_audit_judge_attempts_without_zone_in_the_candidates(candidates) -> None:
    session = candidates.session()
    early = call("2026-06-10T08:30:00-04:00", region="US-FL")
    assert session.check(early).zones["denied_in"] == ["America/Chicago"]
    session.record(call("2026-06-10T09:30:00-04:00", region="US-FL"), "no_answer")  # recorded without a zone
    assert session.check(call("2026-06-10T10:00:00-04:00", region="US-FL")).allowed

    summary = PlanSummary()
    rows = list(plan(candidates, [], [("p0", early), ("p1", call("2026-06-10T12:00:00-04:00", region="US-FL"))],
                     summary))
    assert rows[0]["status"] == "moved" and rows[0]["next_allowed_at"] == "2026-06-10T09:00:00-04:00"
    assert rows[1]["status"] == "allowed" and summary.moved == 1

    summary = AuditSummary()
    found = list(audit(candidates, [("log:1", {**early, "outcome": "no_answer"}),
                                    ("log:2", {**call("2026-06-10T09:30:00-04:00"), "outcome": "no_answer"})],
                       summary))
    assert summary.broken == 2 and summary.refused == 0
    assert found[0]["zones"]["denied_in"] == ["America/Chicago"]
    assert found[1]["zones"]["from"] == "zones.candidates"


# -- the policy file --------------------------------------------------------------------

def load_error(text: str) -> collectguard.PolicyError:
    with pytest.raises(collectguard.PolicyError) as caught:
        policy_from(text)
    return caught.value


def test_an_unknown_zone_in_a_candidate_list_is_a_load_error_at_its_line() -> None:
    error = load_error(CANDIDATES.replace("America/Anchorage", "America/Anchorag"))
    assert (error.line, error.column) == (6, 16)
    assert str(error).startswith("test.yaml:6:16: zones.candidates[5]: unknown time zone 'America/Anchorag' "
                                 "(did you mean 'America/Anchorage'?)")
    error = load_error(CANDIDATES.replace("US-HI: [Pacific/Honolulu]", "US-HI: [HST]"))
    assert error.line == 9 and "zones.by_region.US-HI[0]: 'HST' is a legacy zone name" in str(error)


@pytest.mark.parametrize("zones, message", [
    ("{require: true, candidates: [America/New_York]}", "zones: require: true refuses every attempt without "
                                                        "timezone, so candidates and by_region would never be read"),
    ("{}", "zones: give require: true, or candidates"),
    ("{require: false}", "zones: give require: true, or candidates"),
    ("{candidates: []}", "zones.candidates: list should have at least 1 item"),
    ("{by_region: {US-HI: []}}", "zones.by_region.US-HI: list should have at least 1 item"),
    ("{candidates: [America/Chicago, America/Chicago]}", "zones.candidates: 'America/Chicago' is listed twice"),
    ("{candidate: [America/Chicago]}", "zones.candidate: unknown key 'candidate'"),
    ("{require: yes}", "zones.require: expected true or false"),
    ("{candidates: America/Chicago}", "zones.candidates: input should be a valid list"),
])
def test_bad_zone_settings_are_load_errors(zones, message) -> None:
    error = load_error(REQUIRE.replace("{require: true}", zones))
    assert error.line == 4 and message in str(error)


def test_a_layer_replaces_the_zones_and_its_mistakes_are_in_its_own_file(tmp_path) -> None:
    (tmp_path / "base.yaml").write_text(CANDIDATES, encoding="utf-8")
    (tmp_path / "layer.yaml").write_text('id: strict\nversion: "1"\nextends: base.yaml\nzones: {require: true}\n',
                                         encoding="utf-8")
    with pytest.raises(collectguard.InputError, match="pack 'strict' requires the recipient's zone"):
        collectguard.load_policy(tmp_path / "layer.yaml").check_attempt(call("2026-06-10T12:00:00-04:00"))
    (tmp_path / "bad.yaml").write_text('id: bad\nversion: "1"\nextends: base.yaml\n'
                                       'zones:\n  candidates: [Mars/Olympus]\n',
                                       encoding="utf-8")
    with pytest.raises(collectguard.PolicyError) as caught:
        collectguard.load_policy(tmp_path / "bad.yaml")
    assert caught.value.path.endswith("bad.yaml") and caught.value.line == 5
    assert "zones.candidates[0]: unknown time zone 'Mars/Olympus'" in str(caught.value)


# -- properties -------------------------------------------------------------------------

POOL = ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu", "America/Indiana/Knox", "America/Puerto_Rico", "Pacific/Guam"]


def _open_everywhere(at: datetime, zones: list[str]) -> bool:
    """The rule in plain Python: 08:00 <= the local clock < 21:00 in every zone."""
    return all(8 <= at.astimezone(ZoneInfo(z)).hour < 21 for z in zones)


@settings(max_examples=150, deadline=None)
@given(zones=st.lists(st.sampled_from(POOL), min_size=1, max_size=5, unique=True),
       seconds=st.integers(0, 365 * 86400 - 1))
def test_next_allowed_at_is_the_first_instant_open_in_every_candidate(zones, seconds) -> None:
    policy = _pool_policy(tuple(zones))
    at = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
    decision = policy.check_attempt(call(at.isoformat(), region="R"))
    assert decision.zones["judged_in"] == zones
    assert decision.allowed is _open_everywhere(at, zones)
    if decision.allowed:
        return
    found = decision.next_allowed_at
    if found is None:  # no instant suits every zone (Guam and Honolulu, say): none in a week
        assert not any(_open_everywhere(at + timedelta(minutes=m), zones) for m in range(0, 8 * 1440, 15))
        return
    assert found > at and _open_everywhere(found, zones)
    assert not _open_everywhere(found - timedelta(seconds=1), zones)
    assert policy.check_attempt(call(found.isoformat(), region="R")).allowed
    assert not policy.check_attempt(call((found - timedelta(seconds=1)).isoformat(), region="R")).allowed
    # Nothing earlier: the windows open and close on whole minutes, so minutes suffice.
    minute = at.replace(second=0) + timedelta(minutes=1)
    while minute < found:
        assert not _open_everywhere(minute, zones), minute
        minute += timedelta(minutes=1)


_POOL_POLICIES: dict[tuple[str, ...], collectguard.Policy] = {}


def _pool_policy(zones: tuple[str, ...]) -> collectguard.Policy:
    if zones not in _POOL_POLICIES:
        # (%-format: the braces are YAML's)
        by_region = "{by_region: {R: [%s]}}" % ", ".join(zones)  # noqa: UP031
        _POOL_POLICIES[zones] = policy_from(REQUIRE.replace("{require: true}", by_region))
    return _POOL_POLICIES[zones]


# -- lint, case files and the shipped pack ----------------------------------------------

def test_a_sound_zones_block_lints_without_a_finding(tmp_path) -> None:
    from collectguard._lint import lint_file

    path = tmp_path / "p.yaml"
    path.write_text(CANDIDATES.replace("  - id: hours\n", "  - id: hours\n    message: m\n    citation: c\n"),
                    encoding="utf-8")
    assert [p.check for p in lint_file(path)] == []
    path.write_text(CANDIDATES.replace("    US-HI: [Pacific/Honolulu]\n",
                                       "    US-HI: [Pacific/Honolulu, Pacific/Guam]\n"),
                    encoding="utf-8")
    assert "zones-not-in-candidates" in [p.check for p in lint_file(path)]


def test_a_case_file_checks_the_zones_judged_in(tmp_path) -> None:
    from collectguard._casefile import run_file

    (tmp_path / "p.yaml").write_text(CANDIDATES, encoding="utf-8")
    (tmp_path / "p.tests.yaml").write_text("""policy: p.yaml
defaults:
  attempt: {channel: call, party: debtor, contact: "1"}
cases:
  - name: right
    region: US-FL
    attempt: {at: "2026-06-10T08:59:59-04:00"}
    expect: {allowed: false, judged_in: [America/Chicago, America/New_York], denied_in: [America/Chicago]}
  - name: wrong
    region: US-FL
    attempt: {at: "2026-06-10T08:59:59-04:00"}
    expect: {denied_in: [America/New_York]}
  - name: has its own zone
    attempt: {at: "2026-06-10T12:00:00-04:00", timezone: America/New_York}
    expect: {judged_in: [America/New_York]}
""", encoding="utf-8")
    results = run_file(tmp_path / "p.tests.yaml").results
    assert [r.passed for r in results] == [True, False, False]
    assert results[1].problems == ["expected denied_in America/New_York, got America/Chicago"]
    assert "not judged in the pack's candidate zones" in results[2].problems[0]


REG_F = collectguard.load_policy("us-reg-f")
STATES = {"US-NY": ["America/New_York"], "US-FL": ["America/New_York", "America/Chicago"],
          "US-TX": ["America/Chicago", "America/Denver"], "US-AZ": ["America/Phoenix", "America/Denver"],
          "US-ID": ["America/Boise", "America/Los_Angeles"], "US-AK": ["America/Anchorage", "America/Adak"],
          "US-HI": ["Pacific/Honolulu"]}


@settings(max_examples=200, deadline=None)
@given(region=st.sampled_from(sorted(STATES)), seconds=st.integers(0, 365 * 86400 - 1))
def test_reg_f_hours_without_a_zone_match_every_zone_of_the_state(region, seconds) -> None:
    at = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
    attempt = {"at": at.isoformat(), "channel": "call", "party": "debtor", "contact": "+1-555-0100",
               "party_id": "c", "account": "a", "region": region, "facts": {"contact_type": "personal"}}
    decision = REG_F.check_attempt(attempt)
    assert set(STATES[region]) <= set(decision.zones["judged_in"])
    # The state's zones beyond these (Alaska's others, Idaho's) keep the same clock in 2026.
    assert decision.allowed is _open_everywhere(at, STATES[region])
    if not decision.allowed:
        found = decision.next_allowed_at
        assert _open_everywhere(found, STATES[region])
        assert not _open_everywhere(found - timedelta(seconds=1), STATES[region])
        assert REG_F.check_attempt({**attempt, "at": found.isoformat()}).allowed
