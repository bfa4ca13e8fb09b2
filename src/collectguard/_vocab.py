"""The words of the domain: channels, parties, relations, outcomes, severities.

Kept as ``Literal`` types so that plain strings from JSON and YAML compare equal
to them and the JSON Schema lists the allowed values.
"""

from __future__ import annotations

from typing import Literal, get_args

Channel = Literal["call", "sms", "email", "letter", "visit"]
Party = Literal["debtor", "third_party"]
Relation = Literal[
    "spouse", "parent", "child", "sibling", "relative", "friend", "colleague", "employer", "other"
]
Outcome = Literal["answered", "no_answer", "refused", "busy", "voicemail", "failed"]
Severity = Literal["deny", "warn"]

CHANNELS: tuple[str, ...] = get_args(Channel)
PARTIES: tuple[str, ...] = get_args(Party)
RELATIONS: tuple[str, ...] = get_args(Relation)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
