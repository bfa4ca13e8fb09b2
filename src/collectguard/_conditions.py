"""Where a rule applies: conditions on the party, relation, channel, client and facts.

A rule's ``when`` must match for the rule to apply; its ``unless`` must not. A text
rule's term groups use the same model, so the policy language has one way to say it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from ._vocab import Channel, Party, Relation

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr | None
_EMPTY: Mapping[str, Any] = {}


class FactTest(BaseModel):
    """A test on one fact, for when plain equality is not enough."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    present: StrictBool | None = Field(None, description="true: the fact is given and not empty; false: it is "
                                       "absent or empty")
    in_: list[Scalar] | None = Field(None, alias="in", description="the fact equals one of these values")
    not_: Scalar | list[Scalar] | None = Field(None, alias="not", description="the fact is not this value (absent "
                                               "counts as not)")

    def matches(self, facts: Mapping[str, Any], name: str) -> bool:
        value = facts.get(name)
        if self.present is not None and _is_present(value) != self.present:
            return False
        if self.in_ is not None and not any(_same(value, v) for v in self.in_):
            return False
        if "not_" in self.model_fields_set:
            banned = self.not_ if isinstance(self.not_, list) else [self.not_]
            if any(_same(value, v) for v in banned):
                return False
        return True


def _is_present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _same(value: Any, expected: Any) -> bool:
    # bool is an int in Python: keep `true` from matching the number 1.
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected
    same: bool = value == expected
    return same


class Condition(BaseModel):
    """All the fields given must match; a list matches when the value is one of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parties: list[Party] | None = Field(None, description="the party contacted or addressed")
    relations: list[Relation] | None = Field(None, description="the third party's relation to the debtor")
    channels: list[Channel] | None = Field(None, description="the channel of the attempt or text")
    clients: list[str] | None = Field(None, description="the commissioning creditor")
    facts: dict[str, FactTest | Scalar] | None = Field(
        None, description="case facts: a value to equal, or a test {present, in, not}")

    def matches(self, subject: Any) -> bool:
        """``subject`` has attributes party, relation, channel, client and facts."""
        if self.parties is not None and subject.party not in self.parties:
            return False
        if self.relations is not None and subject.relation not in self.relations:
            return False
        if self.channels is not None and subject.channel not in self.channels:
            return False
        if self.clients is not None and subject.client not in self.clients:
            return False
        if self.facts:
            facts = subject.facts or {}
            for name, test in self.facts.items():
                if isinstance(test, FactTest):
                    if not test.matches(facts, name):
                        return False
                elif not _same(facts.get(name), test):
                    return False
        return True

    def matcher(self) -> Callable[[Any], bool]:
        """The same test as :meth:`matches`, prepared once: it runs for every rule of every
        pre-call check, so the common shapes (one field; plain fact values) get a closure
        with no loop."""
        fields = tuple((attr, frozenset(allowed)) for attr, allowed in (
            ("party", self.parties), ("relation", self.relations), ("channel", self.channels),
            ("client", self.clients)) if allowed is not None)
        facts = tuple((self.facts or {}).items())
        plain = tuple((name, test) for name, test in facts if not isinstance(test, FactTest))
        tests = tuple((name, test) for name, test in facts if isinstance(test, FactTest))
        # `true`/`false` compare by identity (1 is not true); other values by equality.
        flags = tuple((name, test) for name, test in plain if isinstance(test, bool))
        values = tuple((name, test) for name, test in plain if not isinstance(test, bool))

        def facts_match(given: Mapping[str, Any]) -> bool:
            for name, flag in flags:
                if given.get(name) is not flag:
                    return False
            for name, value in values:
                if not _same(given.get(name), value):
                    return False
            for name, test in tests:
                if not test.matches(given, name):
                    return False
            return True

        if not facts:
            if len(fields) == 1:
                attr, allowed = fields[0]
                if attr == "party":
                    return lambda subject: subject.party in allowed
                if attr == "channel":
                    return lambda subject: subject.channel in allowed
            if len(fields) == 2 and {fields[0][0], fields[1][0]} == {"party", "channel"}:
                parties = dict(fields)["party"]
                channels = dict(fields)["channel"]
                return lambda subject: subject.party in parties and subject.channel in channels
        elif not fields and len(flags) == 1 and not values and not tests:
            name, flag = flags[0]
            return lambda subject: (subject.facts or _EMPTY).get(name) is flag

        def match(subject: Any) -> bool:
            for attr, allowed in fields:
                if getattr(subject, attr) not in allowed:
                    return False
            return not facts or facts_match(subject.facts or _EMPTY)

        return match

    def mismatch(self, subject: Any) -> str | None:
        """The first field that does not match, with the value it had; None when all match."""
        for name, attr in (("parties", "party"), ("relations", "relation"), ("channels", "channel"),
                           ("clients", "client")):
            allowed = getattr(self, name)
            if allowed is not None and getattr(subject, attr) not in allowed:
                return f"{attr} is {getattr(subject, attr)!r}, not one of {allowed}"
        facts = subject.facts or {}
        for fact, test in (self.facts or {}).items():
            if isinstance(test, FactTest):
                if not test.matches(facts, fact):
                    return (f"facts.{fact} is {facts.get(fact)!r}, "
                            f"which fails {test.model_dump(by_alias=True, exclude_none=True)}")
            elif not _same(facts.get(fact), test):
                return f"facts.{fact} is {facts.get(fact)!r}, not {test!r}"
        return None

    def describe(self) -> str:
        parts = []
        for name in ("parties", "relations", "channels", "clients"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} in {value}")
        for name, test in (self.facts or {}).items():
            if isinstance(test, FactTest):
                parts.append(f"facts.{name} {test.model_dump(by_alias=True, exclude_none=True)}")
            else:
                parts.append(f"facts.{name} == {test!r}")
        return " and ".join(parts) or "always"
