"""The words of the domain: channels, parties, relations, outcomes, severities.

Kept as ``Literal`` types so that plain strings from JSON and YAML compare equal
to them and the JSON Schema lists the allowed values.
"""

from __future__ import annotations

from typing import Literal, get_args

Channel = Literal["call", "sms", "email", "letter", "visit"]
Party = Literal["debtor", "third_party"]
# A third party's relation to the debtor; "reference": a contact the debtor named on the
# application (紧急联系人), not necessarily kin; "unknown": whoever answered did not say.
Relation = Literal[
    "spouse", "parent", "child", "sibling", "relative", "friend", "colleague", "employer", "neighbour",
    "roommate", "reference", "other", "unknown"
]
Outcome = Literal["answered", "no_answer", "refused", "busy", "voicemail", "failed"]
Severity = Literal["deny", "warn"]
# Who placed a contact: the collector (outbound) or the person (inbound, to the collector).
Direction = Literal["outbound", "inbound"]
# Whom a contact reached: the person it was for, someone else (a roommate on the home
# phone), or a machine (voicemail, an answering service).
Reached = Literal["person", "someone_else", "machine"]

CHANNELS: tuple[str, ...] = get_args(Channel)
PARTIES: tuple[str, ...] = get_args(Party)
RELATIONS: tuple[str, ...] = get_args(Relation)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
REACHED: tuple[str, ...] = get_args(Reached)
