"""``fact-block``: no contact while the case facts say so; no wait helps.

    - id: stop-contact
      kind: fact-block
      params:
        facts: {stop_contact: true}

The rule fires when every listed fact matches: a value to equal, or a test
``{present: true}``, ``{in: [...]}``, ``{not: ...}``. A fact the attempt does not send is read
as the pack's declaration says (``absent: false`` reads it as false, so ``{recorded: false}``
also blocks a call not known to be recorded); the evidence lists such facts as ``not_sent``. Its
``next_allowed_at`` is null: only a change of the facts (a new instruction from the creditor) can allow the contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .._conditions import Condition, FactTest, Scalar
from ._base import CompileEnv, Finding, Kind, Needs, Params


class FactBlockParams(Params):
    facts: dict[str, FactTest | Scalar] = Field(
        min_length=1, description="the facts that block contact when they all match")


class _NoFacts:
    facts: dict[str, Any] = {}


class FactBlock:
    __slots__ = ("condition", "names", "test", "needs")

    def __init__(self, params: FactBlockParams) -> None:
        self.condition = Condition(facts=params.facts)
        self.test = self.condition.matcher()
        self.names = tuple(params.facts)
        # Most attempts carry no facts at all; a block that cannot match an empty set of
        # facts is then skipped without a call (see Needs).
        self.needs = Needs(needs_facts=not self.test(_NoFacts()), timeless=True)

    def _values(self, ctx: Any) -> dict[str, Any]:
        facts = ctx.subject.facts
        return {name: facts.get(name) for name in self.names}

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        if not self.test(ctx.subject):
            return None
        evidence: dict[str, Any] = {"facts": self._values(ctx)}
        not_sent = [name for name in self.names if name in ctx.subject.defaulted]
        if not_sent:
            evidence["not_sent"] = not_sent  # read from the pack's absent: (a call not known to be recorded)
        return Finding(evidence=evidence, retry_at=None)

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        return {"facts": self._values(ctx), "blocks_when": self.condition.describe()}


def _compile(params: FactBlockParams, env: CompileEnv) -> FactBlock:
    return FactBlock(params)


KIND = Kind(
    name="fact-block",
    subject="attempt",
    params=FactBlockParams,
    compile=_compile,
    summary="no contact while the case facts match (stop-contact, complaint, ...)",
)
