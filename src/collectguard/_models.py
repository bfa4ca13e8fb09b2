"""The public shapes of what is checked: an attempt, a history entry, a note's context.

These pydantic models document the fields, give the JSON Schema and let callers build
typed values. The checks accept them or plain dicts with the same fields; dicts are
read by the fast reader in ``_input`` so that a pre-call check does not pay for a full
validation of history it does not need.
"""

from __future__ import annotations

from typing import Any, Union

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ._vocab import Channel, Direction, Outcome, Party, Reached, Relation


class Attempt(BaseModel):
    """A proposed contact: who is reached, how, when, and the case facts that matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: AwareDatetime = Field(description="when the contact would happen: ISO 8601 with a UTC offset")
    channel: Channel = Field(description="how the party is reached")
    party: Party = Field(description="the debtor, or a third party (relative, colleague, ...)")
    relation: Union[Relation, None] = Field(None, description="a third party's relation to the debtor")
    contact: str = Field(min_length=1, description="the number or address dialled: the counting key of caps")
    account: Union[str, None] = Field(None, description="the debt or account the contact is about")
    party_id: Union[str, None] = Field(None, description="the person reached, across all their numbers")
    client: Union[str, None] = Field(None, description="the commissioning creditor; selects its overlay")
    region: Union[str, None] = Field(None, description="the recipient's region (a state or province code, "
                                     "e.g. US-MA); selects the overlays for it")
    timezone: Union[str, list[str], None] = Field(
        None, description="the recipient's IANA zone, or every candidate zone when the location is "
                          "ambiguous (a time must suit all of them); absent: the pack's candidate zones "
                          "(zones:), or its zone, or refused (zones: {require: true})")
    facts: dict[str, Any] = Field(default_factory=dict, description="case facts rules may read, "
                                  "e.g. stop_contact, willing_to_repay, waiver_authorization")


class HistoryEntry(Attempt):
    """A contact that took place, with its outcome (absent: unknown, counted conservatively)."""

    outcome: Union[Outcome, None] = Field(None, description="what happened; absent when unknown")
    direction: Union[Direction, None] = Field(
        None, description="outbound: the collector placed it; inbound: the person contacted the collector; "
                          "absent: unknown, counted wherever either direction would be")
    reached: Union[Reached, None] = Field(
        None, description="whom it reached: the person it was for, someone_else, or a machine; absent: "
                          "unknown, counted wherever any of them would be")


class NoteContext(BaseModel):
    """To whom a text is said or written, and the case facts that matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    party: Party = Field(description="the debtor, or a third party")
    relation: Union[Relation, None] = None
    channel: Union[Channel, None] = Field(None, description="call (a script or summary), sms, email, letter, visit")
    client: Union[str, None] = None
    region: Union[str, None] = Field(None, description="the recipient's region, e.g. US-MA")
    facts: dict[str, Any] = Field(default_factory=dict)

