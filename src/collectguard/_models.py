"""The public shapes of what is checked: an attempt, a history entry, a note's context.

These pydantic models document the fields, give the JSON Schema and let callers build
typed values. The checks accept them or plain dicts with the same fields; dicts are
read by the fast reader in ``_input`` so that a pre-call check does not pay for a full
validation of history it does not need. ``AttemptDict``, ``HistoryEntryDict`` and
``NoteContextDict`` type those dicts for a type checker.

A model accepts what the dict form accepts (``at`` as an ISO 8601 string or an aware
datetime) and refuses what it refuses, with the same one-line :class:`InputError`: the
dict form's reader checks the fields first, and anything pydantic refuses after that is
an InputError too, never a raw ``ValidationError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from typing_extensions import TypedDict

from ._errors import InputError
from ._vocab import Channel, Direction, Outcome, Party, Reached, Relation


# The required keys in a base of their own: Required[...] is not read back at run time
# under postponed annotations, and __required_keys__ must tell the truth.
class _AttemptKeys(TypedDict):
    at: str | datetime
    channel: Channel
    party: Party
    contact: str


class _ContactFields(TypedDict, total=False):
    """The optional fields an attempt and a history entry share."""

    relation: Relation | None
    account: str | None
    party_id: str | None
    client: str | None
    region: str | None
    timezone: str | list[str] | None
    facts: Mapping[str, Any]


class AttemptDict(_AttemptKeys, _ContactFields, total=False):
    """An attempt as a dict (what ``check_attempt`` and ``session.check`` take): the fields of :class:`Attempt`."""


class _HistoryEntryKeys(TypedDict):
    at: str | datetime
    channel: Channel


class HistoryEntryDict(_HistoryEntryKeys, _ContactFields, total=False):
    """A contact that took place, as a dict: the fields of :class:`HistoryEntry`. Only
    ``at`` and ``channel`` are required: a cap counts an entry that does not say its party
    wherever any party would count, and refuses an entry without the field it counts by
    (``contact``, ``account``, ``party_id``) when it would count it."""

    party: Party | None
    contact: str | None
    outcome: Outcome | None
    direction: Direction | None
    reached: Reached | None


class _NoteContextKeys(TypedDict):
    party: Party


class NoteContextDict(_NoteContextKeys, total=False):
    """A note's context as a dict (what ``check_note`` takes): the fields of :class:`NoteContext`."""

    relation: Relation | None
    channel: Channel | None
    client: str | None
    region: str | None
    facts: Mapping[str, Any]


def _one_line(exc: ValidationError, what: str) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    more = len(exc.errors()) - 1
    return f"{what}{'.' + where if where else ''}: {msg}" + (f" (and {more} more)" if more else "")


class _Checked(BaseModel):
    """A model built from keywords or ``model_validate`` that raises InputError on bad input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def _check(cls, data: Mapping[str, Any]) -> None:
        """The dict form's checks, with its messages (overridden per model)."""

    if not TYPE_CHECKING:  # the type checker reads each model's own signature below
        def __init__(self, **data: Any) -> None:
            type(self)._check(data)
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise InputError(_one_line(exc, type(self).__name__)) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, Mapping):
            cls._check(obj)
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise InputError(_one_line(exc, cls.__name__)) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
        from ._json import JSONInputError, loads

        try:
            data = loads(json_data if isinstance(json_data, str) else bytes(json_data).decode("utf-8"))
        except (JSONInputError, UnicodeDecodeError) as exc:
            raise InputError(f"{cls.__name__}: not valid JSON: {getattr(exc, 'msg', exc)}") from None
        return cls.model_validate(data)


def _aware(value: Any) -> Any:
    """``at`` as the dict form reads it (ISO 8601 by the library's reader), its offset kept."""
    if isinstance(value, str):
        from ._clock import ClockError, instant

        try:
            utc = instant(value)
        except ClockError as exc:
            raise ValueError(str(exc)) from None
        try:
            return datetime.fromisoformat(value)
        except ValueError:  # forms only dateutil reads (basic format, before Python 3.11)
            return utc
    return value


_AT = "when the contact would happen: ISO 8601 with a UTC offset"


class _Contact(_Checked):
    """The fields an attempt and a history entry take alike."""

    at: AwareDatetime = Field(description=_AT)
    channel: Channel = Field(description="how the party is reached")
    relation: Relation | None = Field(None, description="a third party's relation to the debtor")
    account: str | None = Field(None, description="the debt or account the contact is about")
    party_id: str | None = Field(None, description="the person reached, across all their numbers")
    client: str | None = Field(None, description="the commissioning creditor; selects its overlay")
    region: str | None = Field(None, description="the recipient's region (a state or province code, "
                                     "e.g. US-MA); selects the overlays for it")
    timezone: str | list[str] | None = Field(
        None, description="the recipient's IANA zone, or every candidate zone when the location is "
                          "ambiguous (a time must suit all of them); absent: the pack's candidate zones "
                          "(zones:), or its zone, or refused (zones: {require: true})")
    facts: dict[str, Any] = Field(default_factory=dict, description="case facts rules may read, "
                                  "e.g. stop_contact, willing_to_repay, waiver_authorization")

    @field_validator("at", mode="before")
    @classmethod
    def _read_at(cls, value: Any) -> Any:
        return _aware(value)


class Attempt(_Contact):
    """A proposed contact: who is reached, how, when, and the case facts that matter."""

    party: Party = Field(description="the debtor, or a third party (relative, colleague, ...)")
    contact: str = Field(min_length=1, description="the number or address dialled: the counting key of caps")

    @classmethod
    def _check(cls, data: Mapping[str, Any]) -> None:
        from ._clock import UTC
        from ._input import read_attempt

        read_attempt(dict(data), (UTC,), where=cls.__name__)

    if TYPE_CHECKING:
        def __init__(self, *, at: str | datetime, channel: Channel, party: Party, contact: str,
                     relation: Relation | None = None, account: str | None = None,
                     party_id: str | None = None, client: str | None = None,
                     region: str | None = None, timezone: str | list[str] | None = None,
                     facts: Mapping[str, Any] | None = None) -> None: ...


class HistoryEntry(_Contact):
    """A contact that took place, with its outcome (absent: unknown, counted conservatively).

    Only ``at`` and ``channel`` are required, as in the dict form: an entry that does not
    say its party is counted wherever any party would be, and one without the field a cap
    counts by (``contact``, ``account``, ``party_id``) is refused when that cap would
    count it."""

    party: Party | None = Field(None, description="the debtor, or a third party; absent: unknown, "
                                      "counted wherever either would be")
    contact: str | None = Field(None, min_length=1, description="the number or address dialled")
    outcome: Outcome | None = Field(None, description="what happened; absent when unknown")
    direction: Direction | None = Field(
        None, description="outbound: the collector placed it; inbound: the person contacted the collector; "
                          "absent: unknown, counted wherever either direction would be")
    reached: Reached | None = Field(
        None, description="whom it reached: the person it was for, someone_else, or a machine; absent: "
                          "unknown, counted wherever any of them would be")

    @classmethod
    def _check(cls, data: Mapping[str, Any]) -> None:
        from ._input import check_history_fields

        check_history_fields(data, where=cls.__name__)

    if TYPE_CHECKING:
        def __init__(self, *, at: str | datetime, channel: Channel, party: Party | None = None,
                     contact: str | None = None, relation: Relation | None = None,
                     account: str | None = None, party_id: str | None = None,
                     client: str | None = None, region: str | None = None,
                     timezone: str | list[str] | None = None, facts: Mapping[str, Any] | None = None,
                     outcome: Outcome | None = None, direction: Direction | None = None,
                     reached: Reached | None = None) -> None: ...


class NoteContext(_Checked):
    """To whom a text is said or written, and the case facts that matter."""

    party: Party = Field(description="the debtor, or a third party")
    relation: Relation | None = None
    channel: Channel | None = Field(None, description="call (a script or summary), sms, email, letter, visit")
    client: str | None = None
    region: str | None = Field(None, description="the recipient's region, e.g. US-MA")
    facts: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def _check(cls, data: Mapping[str, Any]) -> None:
        from ._input import read_context

        read_context(dict(data), where=cls.__name__)

    if TYPE_CHECKING:
        def __init__(self, *, party: Party, relation: Relation | None = None,
                     channel: Channel | None = None, client: str | None = None,
                     region: str | None = None, facts: Mapping[str, Any] | None = None) -> None: ...
