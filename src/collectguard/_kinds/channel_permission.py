"""``channel-permission``: a channel that may not be used unless an overlay permits it.

    - id: sms-not-permitted
      kind: channel-permission
      params: {channels: [sms], permitted: false}

    overlays:
      - client: example-bank
        rules:
          sms-not-permitted: {params: {permitted: true}}

An attempt on a listed channel is denied while ``permitted`` is false; no wait helps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, StrictBool

from .._vocab import Channel
from ._base import CompileEnv, Finding, Kind, Needs, Params


class ChannelPermissionParams(Params):
    channels: list[Channel] = Field(min_length=1, description="the channels this rule governs")
    permitted: StrictBool = Field(False, description="whether these channels may be used")


class ChannelPermission:
    __slots__ = ("channels", "permitted", "needs")

    def __init__(self, params: ChannelPermissionParams) -> None:
        self.channels = frozenset(params.channels)
        self.permitted = params.permitted
        self.needs = Needs(fires_on=frozenset() if self.permitted else self.channels, timeless=True)

    def check(self, ctx: Any, at: datetime) -> Finding | None:
        if self.permitted or ctx.subject.channel not in self.channels:
            return None
        return Finding(evidence={"channel": ctx.subject.channel, "permitted": False}, retry_at=None)

    def explain(self, ctx: Any, at: datetime) -> dict[str, Any]:
        return {"channel": ctx.subject.channel, "governs": sorted(self.channels), "permitted": self.permitted}


def _compile(params: ChannelPermissionParams, env: CompileEnv) -> ChannelPermission:
    return ChannelPermission(params)


KIND = Kind(
    name="channel-permission",
    subject="attempt",
    params=ChannelPermissionParams,
    compile=_compile,
    summary="a channel that may not be used unless permitted (e.g. by a client overlay)",
)
