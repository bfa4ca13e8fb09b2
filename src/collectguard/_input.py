"""Reading attempts, history entries and note contexts: fast, strict, one clear line per problem.

A pre-call check runs before every dial, so an attempt given as a plain dict is read by
hand here (a full model validation costs more than the decision itself) with the same
rules as the pydantic models in ``_models``: unknown keys, missing fields, unknown
channels and naive or unreadable times are errors, never a silent allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel

from ._clock import ClockError, instant, zone
from ._errors import InputError
from ._models import Attempt, HistoryEntry, NoteContext
from ._vocab import CHANNELS, DIRECTIONS, OUTCOMES, PARTIES, REACHED, RELATIONS

_ATTEMPT_FIELDS = frozenset(Attempt.model_fields)
_HISTORY_FIELDS = frozenset(HistoryEntry.model_fields)
_CONTEXT_FIELDS = frozenset(NoteContext.model_fields)
_CHANNELS = frozenset(CHANNELS)
_PARTIES = frozenset(PARTIES)
_RELATIONS = frozenset(RELATIONS)
OUTCOME_SET = frozenset(OUTCOMES)
DIRECTION_SET = frozenset(DIRECTIONS)
REACHED_SET = frozenset(REACHED)
CHANNEL_SET, PARTY_SET, HISTORY_FIELDS = _CHANNELS, _PARTIES, _HISTORY_FIELDS
_REQUIRED = frozenset({"at", "channel", "party", "contact"})


class _Planned(str):
    """The outcome of a plan's allowed attempt: not made yet, so never a conversation."""


PLANNED = _Planned("planned")
_fromiso = datetime.fromisoformat
_FIXED_OFFSET = timezone


class Subject:
    """An attempt as the rules see it: times in UTC, zones resolved, facts a dict."""

    __slots__ = ("at", "channel", "party", "relation", "contact", "account", "party_id",
                 "client", "zones", "facts", "defaulted", "region")

    def __init__(self, at: datetime, channel: str, party: str, relation: str | None, contact: str,
                 account: str | None, party_id: str | None, client: str | None,
                 zones: tuple[Any, ...] | None, facts: Mapping[str, Any], region: str | None = None) -> None:
        self.at = at
        self.channel = channel
        self.party = party
        self.relation = relation
        self.contact = contact
        self.account = account
        self.party_id = party_id
        self.client = client
        self.zones = zones
        self.facts = facts
        self.region = region
        self.defaulted: frozenset[str] = _NONE  # facts not sent, read from the pack's absent:


class NoteSubject:
    """A note's context as the rules see it."""

    __slots__ = ("party", "relation", "channel", "client", "facts", "defaulted", "region")

    def __init__(self, party: str, relation: str | None, channel: str | None, client: str | None,
                 facts: Mapping[str, Any], region: str | None = None) -> None:
        self.party = party
        self.relation = relation
        self.channel = channel
        self.client = client
        self.facts = facts
        self.region = region
        self.defaulted: frozenset[str] = _NONE


_NONE: frozenset[str] = frozenset()


def _as_mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
    raise InputError(f"{where}: expected {what}, got {type(value).__name__}")


def _unknown_keys(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            close = get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(sorted(allowed))
            raise InputError(f"{where}.{key}: unknown field ({hint})")


def _choice(value: Any, allowed: frozenset[str], where: str, what: str) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    if value is None:
        raise InputError(f"{where}: missing {what} (one of: {', '.join(sorted(allowed))})")
    raise InputError(f"{where}: unknown {what} {value!r} (use one of: {', '.join(sorted(allowed))})")


def _optional_text(value: Any, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{where}: expected a string, got {type(value).__name__}")


def read_time(value: Any, where: str) -> datetime:
    if value is None:
        raise InputError(f"{where}: missing (an ISO 8601 date-time with offset, e.g. 2026-11-23T21:30:00+08:00)")
    try:
        return instant(value)
    except ClockError as exc:
        raise InputError(f"{where}: {exc}") from None


def read_zones(value: Any, default: tuple[Any, ...] | None, where: str) -> tuple[Any, ...] | None:
    if value is None:
        return default
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InputError(f"{where}: expected an IANA zone name or a non-empty list of them")
    try:
        return tuple(zone(n) for n in names)
    except ClockError as exc:
        raise InputError(f"{where}: {exc}") from None


def read_attempt(value: Any, default_zones: tuple[Any, ...] | None, where: str = "attempt") -> Subject:
    fast = _fast_attempt(value, default_zones)
    if fast is not None:
        return fast
    data = _as_mapping(value, where, "an object with at, channel, party and contact")
    _unknown_keys(data, _ATTEMPT_FIELDS, where)
    contact = data.get("contact")
    if contact is not None and not isinstance(contact, str):
        raise InputError(f"{where}.contact: expected a string (the number or address to be contacted), "
                         f"got {type(contact).__name__}")
    if not contact:
        raise InputError(f"{where}.contact: missing or empty (the number or address to be contacted)")
    relation = data.get("relation")
    if relation is not None:
        _choice(relation, _RELATIONS, f"{where}.relation", "relation")
    facts = data.get("facts")
    if facts is None:
        facts = {}
    elif not isinstance(facts, Mapping):  # [] or "" or false is not "no facts"
        raise InputError(f"{where}.facts: expected an object of case facts, got {type(facts).__name__}")
    return Subject(
        at=read_time(data.get("at"), f"{where}.at"),
        channel=_choice(data.get("channel"), _CHANNELS, f"{where}.channel", "channel"),
        party=_choice(data.get("party"), _PARTIES, f"{where}.party", "party"),
        relation=relation,
        contact=contact,
        account=_optional_text(data.get("account"), f"{where}.account"),
        party_id=_optional_text(data.get("party_id"), f"{where}.party_id"),
        client=_optional_text(data.get("client"), f"{where}.client"),
        zones=read_zones(data.get("timezone"), default_zones, f"{where}.timezone"),
        facts=facts,
        region=_optional_text(data.get("region"), f"{where}.region"),
    )


def _fast_attempt(value: Any, default_zones: tuple[Any, ...] | None) -> Subject | None:
    """The common case, read with a handful of C-level checks; None sends it to the full reader."""
    if type(value) is not dict or not _ATTEMPT_FIELDS.issuperset(value) or not _REQUIRED.issubset(value):
        return None
    channel, party, contact = value["channel"], value["party"], value["contact"]
    relation, facts = value.get("relation"), value.get("facts")
    account, party_id, client = value.get("account"), value.get("party_id"), value.get("client")
    region = value.get("region")
    if (type(channel) is not str or channel not in _CHANNELS or type(party) is not str or party not in _PARTIES
            or type(contact) is not str or not contact
            or (relation is not None and (type(relation) is not str or relation not in _RELATIONS))
            or (facts is not None and type(facts) is not dict)
            or (account is not None and type(account) is not str)
            or (party_id is not None and type(party_id) is not str)
            or (client is not None and type(client) is not str)
            or (region is not None and type(region) is not str)):
        return None
    at = value["at"]
    if type(at) is str:
        try:
            parsed = _fromiso(at)
        except ValueError:
            return None
        if type(parsed.tzinfo) is not _FIXED_OFFSET or not 1900 <= parsed.year <= 9000:
            return None  # a named zone, or a year the full reader refuses
    elif type(at) is datetime and at.tzinfo is timezone.utc:
        parsed = at  # already an instant, e.g. read once by an audit to order its log
    else:
        return None
    zones = value.get("timezone")
    if zones is None:
        zones = default_zones
    elif type(zones) is str:
        try:
            zones = (zone(zones),)
        except ClockError:
            return None
    else:
        return None
    return Subject(parsed, channel, party, relation, contact, account, party_id, client, zones, facts or {}, region)


def read_history(value: Any) -> list[Any]:
    """History must be a list; its entries are read lazily, by the rules that need them."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return value if isinstance(value, list) else list(value)
    raise InputError(f"history: expected a list of contact records, got {type(value).__name__}")


def history_entry(value: Any, index: int) -> Mapping[str, Any]:
    if type(value) is dict:
        return value
    return _as_mapping(value, f"history[{index}]", "a contact record")


def check_history_entry(data: Mapping[str, Any], index: int = 0, where: str | None = None) -> None:
    """Full field check of one entry a rule counts (done once per entry per check)."""
    where = where if where is not None else f"history[{index}]"
    _unknown_keys(data, _HISTORY_FIELDS, where)
    _choice(data.get("channel"), _CHANNELS, f"{where}.channel", "channel")
    outcome = data.get("outcome")
    if outcome is not None and outcome is not PLANNED:
        _choice(outcome, OUTCOME_SET, f"{where}.outcome", "outcome")
    party = data.get("party")
    if party is not None:
        _choice(party, _PARTIES, f"{where}.party", "party")
    direction = data.get("direction")
    if direction is not None:
        _choice(direction, DIRECTION_SET, f"{where}.direction", "direction")
    reached = data.get("reached")
    if reached is not None:
        _choice(reached, REACHED_SET, f"{where}.reached", "reached")
    facts = data.get("facts")
    if facts is not None and not isinstance(facts, Mapping):
        raise InputError(f"{where}.facts: expected an object of the contact's facts")


def check_history_fields(value: Any, where: str) -> None:
    """Every field of one history entry, as a model built from it checks them: the fields a
    cap reads (``check_history_entry``), its time, and the attempt's fields it gives."""
    data = _as_mapping(value, where, "an object with at and channel")
    check_history_entry(data, where=where)
    read_time(data.get("at"), f"{where}.at")
    contact = data.get("contact")
    if contact is not None and (not isinstance(contact, str) or not contact):
        raise InputError(f"{where}.contact: expected the number or address contacted, got {contact!r}")
    relation = data.get("relation")
    if relation is not None:
        _choice(relation, _RELATIONS, f"{where}.relation", "relation")
    for name in ("account", "party_id", "client", "region"):
        _optional_text(data.get(name), f"{where}.{name}")
    read_zones(data.get("timezone"), (), f"{where}.timezone")


def read_context(value: Any, where: str = "context") -> NoteSubject:
    if value is None:
        raise InputError(f"{where}: missing: a note is judged for the party it is said to; give a context "
                         'such as {"party": "debtor"} or {"party": "third_party", "relation": "sibling"}')
    data = _as_mapping(value, where, "an object with party and facts")
    _unknown_keys(data, _CONTEXT_FIELDS, where)
    relation = data.get("relation")
    if relation is not None:
        _choice(relation, _RELATIONS, f"{where}.relation", "relation")
    channel = data.get("channel")
    if channel is not None:
        _choice(channel, _CHANNELS, f"{where}.channel", "channel")
    facts = data.get("facts")
    if facts is None:
        facts = {}
    elif not isinstance(facts, Mapping):  # [] or "" or false is not "no facts"
        raise InputError(f"{where}.facts: expected an object of case facts, got {type(facts).__name__}")
    return NoteSubject(
        party=_choice(data.get("party"), _PARTIES, f"{where}.party", "party"),
        relation=relation,
        channel=channel,
        client=_optional_text(data.get("client"), f"{where}.client"),
        facts=facts,
        region=_optional_text(data.get("region"), f"{where}.region"),
    )
