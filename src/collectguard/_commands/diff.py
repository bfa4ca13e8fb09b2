"""collectguard diff OLD NEW --log LOG: the decisions that change between two policies on one log.

Exit 0: no decision changes; 1: some decision changes; 2: bad input, or a record could
not be judged under a side (each printed with its place), so the comparison is incomplete.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._diff import CHANGES, DiffSummary, Side, diff, span
from .._errors import CollectguardError
from .._logs import read_records
from .._packs import resolve
from .._policy import load_policy

_TITLES = {"newly_denied": "newly denied", "newly_allowed": "newly allowed",
           "still_denied": "still denied, by other rules or to another time"}


def _sides(args: argparse.Namespace) -> tuple[Side, Side]:
    new_arg = args.new if args.new is not None else args.old
    same_file = Path(resolve(args.old)).resolve() == Path(resolve(new_arg)).resolve()
    if same_file and args.old_client == args.new_client and args.old_region == args.new_region:
        raise CollectguardError("diff: OLD and NEW are the same policy with the same client and region: nothing "
                                "to compare (give another pack as NEW, or --new-client or --new-region)")
    old_policy = load_policy(args.old)
    new_policy = old_policy if same_file else load_policy(new_arg)
    sides = (Side(old_policy, str(args.old), args.old_client, args.old_region),
             Side(new_policy, str(new_arg), args.new_client, args.new_region))
    for name, side in zip(("old", "new"), sides, strict=False):
        _forcible(side, name)
    return sides


def _forcible(side: Side, name: str) -> None:
    """A client or region forced on a side must select something in its policy: a typo
    would otherwise compare the base rules with themselves and find no change."""
    policy = side.policy
    if side.client is not None and side.client not in policy.clients:
        try:
            policy._unlisted(side.client, f"--{name}-client")
        except CollectguardError as exc:
            raise CollectguardError(f"{exc} (in {side.label})") from None
    if side.region is not None and side.region not in policy._region_names and side.region not in policy._by_region:
        named = sorted(set(policy._region_names) | set(policy._by_region))
        raise CollectguardError(f"--{name}-region: no overlay or zone of {side.label} names region {side.region!r} "
                                f"({'regions named: ' + ', '.join(named) if named else 'it names no region'})")


def run(args: argparse.Namespace) -> int:
    if args.examples < 0:
        raise CollectguardError("diff: --examples takes a count of 0 or more")
    old, new = _sides(args)
    summary = DiffSummary()
    examples: dict[str, list[dict[str, Any]]] = {change: [] for change in CHANGES}
    for found in diff(old, new, read_records(args.log), summary, reorder=args.reorder):
        if "error" in found:  # never skipped: the comparison is incomplete, and says where
            print(f"collectguard: {found['error']}", file=sys.stderr)
            continue
        kept = examples[found["change"]]
        if len(kept) < args.examples:
            kept.append(found)
    if args.format == "json":
        print(json.dumps({"old": old.to_dict(), "new": new.to_dict(), "summary": summary.to_dict(),
                          "examples": examples}, ensure_ascii=False, indent=2))
    else:
        print(_text(old, new, summary, examples))
    return 2 if summary.refused else 1 if summary.changed else 0


def _text(old: Side, new: Side, summary: DiffSummary, examples: dict[str, list[dict[str, Any]]]) -> str:
    lines = [f"old: {old.named()}", f"new: {new.named()}"]
    head = f"{_n(summary.records, 'record')}, {summary.compared:,} compared"
    if summary.refused:
        head += f", {summary.refused:,} could not be judged (the comparison is INCOMPLETE)"
    if not summary.changed:
        lines.append(f"{head}: no decision changes" + (" among those compared" if summary.refused else ""))
        return "\n".join(lines)
    counts = ", ".join(f"{summary.changes[c]:,} {_TITLES[c].split(',')[0]}" for c in CHANGES)
    lines.append(f"{head}: {_n(summary.changed, 'decision')} {'change' if summary.changed > 1 else 'changes'}: "
                 f"{counts}")
    width = max(len(rule) for rule in summary.by_rule) if summary.by_rule else 4
    lines.append(f"  {'by rule':{width + 2}}  newly denied  newly allowed")
    for rule, count in sorted(summary.by_rule.items()):
        lines.append(f"    {rule:{width}}  {count['newly_denied']:>12,}  {count['newly_allowed']:>13,}")
    shift = summary.shift()
    moved = f"{shift['later']:,} later, {shift['earlier']:,} earlier"
    if "median_seconds" in shift:
        moved += (f" (min {span(shift['min_seconds'])}, median {span(shift['median_seconds'])}, "
                  f"max {span(shift['max_seconds'])})")
    lines.append(f"  next allowed time: {moved}; {shift['now_impossible']:,} with no time allowed now, "
                 f"{shift['now_possible']:,} with a time allowed again")
    for change in CHANGES:
        kept = examples[change]
        if not kept:
            continue
        lines.append("")
        lines.append(f"{_TITLES[change]}: {summary.changes[change]:,}"
                     + (f" (the first {len(kept)} listed)" if len(kept) < summary.changes[change] else ""))
        for found in kept:
            lines.append(f"  {found['where']}  {found['at']}  {found['contact'] or ''}"
                         + (f"  client {found['client']}" if found.get("client") else ""))
            for name in ("old", "new"):
                lines.append(f"    {name}: {_decided(found[name], found['shift_seconds'] if name == 'new' else None)}")
                for reason in found[name]["reasons"]:
                    if reason["rule"] in found["old" if name == "new" else "new"]["rules"]:
                        continue  # a rule both sides deny by is said once, in the decision line
                    cited = f" ({reason['citation']})" if reason.get("citation") else ""
                    lines.append(f"      {reason['rule']}: {reason['message']}{cited}")
    return "\n".join(lines)


def _n(count: int, thing: str) -> str:
    return f"{count:,} {thing}" + ("" if count == 1 else "s")


def _decided(side: dict[str, Any], shift: int | None) -> str:
    if side["allowed"]:
        return "allowed"
    text = "denied by " + ", ".join(side["rules"])
    if side["next_allowed_at"] is not None:
        text += f"; next allowed at {side['next_allowed_at']}"
    elif side["reasons"] and any(r["kind"] == "attempt" for r in side["reasons"]):
        text += "; no time allowed"
    if shift is not None and shift != 0:
        text += f" ({span(shift)})"
    return text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help="replay a call log under two policies and report the decisions that change")
    p.add_argument("old", metavar="OLD", help="the policy in force: a file or a shipped pack's name")
    p.add_argument("new", metavar="NEW", nargs="?",
                   help="the policy to compare (default: OLD, with --new-client or --new-region)")
    p.add_argument("--log", required=True, help="the call log: JSON lines, a JSON array or CSV (.csv); - for stdin")
    p.add_argument("--old-client", help="judge every record under OLD as for this client's overlay")
    p.add_argument("--new-client", help="judge every record under NEW as for this client's overlay")
    p.add_argument("--old-region", help="judge every record under OLD as for this region")
    p.add_argument("--new-region", help="judge every record under NEW as for this region")
    p.add_argument("--examples", type=int, default=3, help="examples listed per kind of change (default 3)")
    p.add_argument("--reorder", type=int, default=10_000, help="records a late one may trail by (default 10000)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)
