"""collectguard show: the policy that applies, merged from its layers and the overlays for a
client and a region.

A reviewer sees in one file what a dialer's decisions for that client and recipient's region
are made from: the rules of every layer with the changes applied, every overlay whose client
and regions match merged in (in file order, as decisions apply them), and a header naming
each layer's id, version and digest.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import yaml

from .._errors import InputError
from .._policy import load_policy


def merged(policy: Any, client: str | None, region: str | None = None) -> dict[str, Any]:
    """The policy's data as one pack: for ``client`` and ``region``, the overlays that apply
    to them merged in and the others left out (neither given: every overlay kept)."""
    data: dict[str, Any] = json.loads(json.dumps(policy._doc_data, default=str))  # a plain copy
    overlays = data.pop("overlays", []) or []
    if client is not None or region is not None:
        policy._ruleset(client, "--client", region, "--region")  # refused with did-you-mean when unknown
        rules = data.get("rules", [])
        for overlay in overlays:
            if not ((overlay.get("client") is None or overlay.get("client") == client)
                    and (overlay.get("regions") is None or region in overlay["regions"])):
                continue
            for rule in rules:
                patch = (overlay.get("rules") or {}).get(rule.get("id"))
                for key, value in (patch or {}).items():
                    if key == "params" and isinstance(value, dict) and isinstance(rule.get("params"), dict):
                        rule["params"] = {**rule["params"], **value}
                    else:
                        rule[key] = value
            rules.extend(overlay.get("add") or [])
    else:
        data["overlays"] = overlays
    data.pop("extends", None)
    data.pop("changes", None)
    return data


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    try:
        data = merged(policy, args.client, args.region)
    except InputError as exc:
        raise InputError(str(exc)) from None
    layers = policy.layers or ()
    if args.format == "json":
        print(json.dumps({"layers": [{"id": la.id, "version": la.version, "digest": la.digest, "path": la.path}
                                     for la in layers], "policy": data}, ensure_ascii=False, indent=2))
        return 0
    head = [f"# {policy.id} {policy.version} {policy.digest}" + (f", client {args.client}" if args.client else "")
            + (f", region {args.region}" if args.region else "")]
    head += [f"#   layer {la.id} {la.version} {la.digest} ({la.path})" for la in layers]
    print("\n".join(head))
    print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None), end="")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("show", help="print the policy that applies (layers merged, a client's and a region's "
                       "overlays applied)")
    p.add_argument("--policy", required=True, help="a policy file, or a shipped pack's name")
    p.add_argument("--client", help="apply this client's overlays (and leave the others out)")
    p.add_argument("--region", help="apply the overlays for this recipient's region, e.g. US-MA")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.set_defaults(run=run)
