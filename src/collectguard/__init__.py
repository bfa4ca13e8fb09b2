"""collectguard: keeps debt-collection contact lawful.

Load a policy once, then check a proposed contact attempt (with its history) or a text::

    import collectguard
    policy = collectguard.load_policy("rules/cn-card-collection.yaml")
    decision = policy.check_attempt(attempt, history)
    if not decision.allowed:
        reschedule(decision.next_allowed_at, decision.reasons)
"""

from __future__ import annotations

from ._audit import AuditSummary, audit, audit_records
from ._decision import Decision, PolicyRef, Reason, RuleTrace
from ._errors import CollectguardError, InputError, PolicyError
from ._models import Attempt, HistoryEntry, NoteContext
from ._plan import PlanSummary, plan
from ._policy import Policy, load_policy, parse_policy
from ._session import Session
from ._spec import json_schema

__version__ = "0.1.0"

__all__ = sorted([
    "Attempt",
    "AuditSummary",
    "audit",
    "audit_records",
    "CollectguardError",
    "Decision",
    "HistoryEntry",
    "InputError",
    "NoteContext",
    "Policy",
    "PolicyError",
    "PlanSummary",
    "PolicyRef",
    "Reason",
    "RuleTrace",
    "Session",
    "json_schema",
    "load_policy",
    "parse_policy",
    "plan",
])
