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
from ._models import Attempt, AttemptDict, HistoryEntry, HistoryEntryDict, NoteContext, NoteContextDict
from ._plan import PlanSummary, plan
from ._policy import Policy, load_policy, parse_policy
from ._session import Session
from ._spec import json_schema

__version__ = "0.1.0"

__all__ = [
    "Attempt",
    "AttemptDict",
    "AuditSummary",
    "CollectguardError",
    "Decision",
    "HistoryEntry",
    "HistoryEntryDict",
    "InputError",
    "NoteContext",
    "NoteContextDict",
    "PlanSummary",
    "Policy",
    "PolicyError",
    "PolicyRef",
    "Reason",
    "RuleTrace",
    "Session",
    "audit",
    "audit_records",
    "json_schema",
    "load_policy",
    "parse_policy",
    "plan",
]
