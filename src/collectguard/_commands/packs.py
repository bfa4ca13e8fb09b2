"""collectguard packs: the policy packs shipped with collectguard, loadable by name."""

from __future__ import annotations

import argparse
import json

from .._packs import describe


def run(args: argparse.Namespace) -> int:
    packs = describe()
    if args.format == "json":
        print(json.dumps([p.to_dict() for p in packs], ensure_ascii=False, indent=2))
    else:
        rows = [("name", "version", "in force", "title")]
        for p in packs:
            if p.error:
                rows.append((p.name, "-", "-", f"broken: {p.error}"))
                continue
            span = f"{p.effective_from or '…'} to {p.effective_until or '…'}"
            rows.append((p.name, p.version, span, p.title or ""))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=False)) + "  " + r[3])
    return 1 if any(p.error for p in packs) else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("packs", help="list the shipped policy packs (use one with --policy NAME)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)
