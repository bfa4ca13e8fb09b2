"""collectguard: keeps debt-collection contact lawful.

Load a policy once, then check a proposed contact attempt (with its history) or a text::

    import collectguard
    policy = collectguard.load_policy("rules/cn-card-collection.yaml")
    decision = policy.check_attempt(attempt, history)
    if not decision.allowed:
        reschedule(decision.next_allowed_at, decision.reasons)
"""

from __future__ import annotations

import inspect as _inspect
import typing as _typing

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


def _here(obj: _typing.Any) -> None:
    """Make a public object say it is ``collectguard``'s (its repr, docs, pickles and tracebacks
    name the module to import it from). A class's annotations written as text are resolved
    first: typing.get_type_hints reads them in the module the class names."""
    own = _inspect.get_annotations(obj) if isinstance(obj, type) else {}
    if own and any(isinstance(hint, str) for hint in own.values()):
        hints = _typing.get_type_hints(obj, include_extras=True)
        obj.__annotations__ = {name: hints[name] for name in own}
    obj.__module__ = __name__


for _name in __all__:
    _here(globals()[_name])
del _name
