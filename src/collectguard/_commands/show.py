"""collectguard show: the policy that applies, merged from its layers and a client's overlay.

A reviewer sees in one file what a dialer's decisions for that client are made from: the
rules of every layer with the changes applied, the client's overlay merged in, and a
header naming each layer's id, version and digest.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import yaml

from .._errors import InputError
from .._policy import load_policy


def merged(policy: Any, client: str | None) -> dict[str, Any]:
    """The policy's data as one pack: for ``client``, its overlay applied and the others left out."""
    data = json.loads(json.dumps(policy._doc_data, default=str))  # a plain copy
    overlays = data.pop("overlays", []) or []
    if client is not None:
        policy._ruleset(client, "--client")  # refused with did-you-mean when unknown
        overlay = next((o for o in overlays if o.get("client") == client), None)
        if overlay is not None:
            rules = data.get("rules", [])
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
        data = merged(policy, args.client)
    except InputError as exc:
        raise InputError(str(exc)) from None
    layers = policy.layers or ()
    if args.format == "json":
        print(json.dumps({"layers": [{"id": la.id, "version": la.version, "digest": la.digest, "path": la.path}
                                     for la in layers], "policy": data}, ensure_ascii=False, indent=2))
        return 0
    head = [f"# {policy.id} {policy.version} {policy.digest}" + (f", client {args.client}" if args.client else "")]
    head += [f"#   layer {la.id} {la.version} {la.digest} ({la.path})" for la in layers]
    print("\n".join(head))
    print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None), end="")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="print the policy that applies (layers merged, a client's overlay applied)")
    p.add_argument("--policy", required=True, help="a policy file, or a shipped pack's name")
    p.add_argument("--client", help="apply this client's overlay (and leave the others out)")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.set_defaults(run=run)
