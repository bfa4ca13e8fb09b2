"""Declared facts: what a pack's rules read about a case, each with a type and a meaning.

A pack lists every fact its rules read under ``facts:``::

    facts:
      stop_contact:
        type: boolean
        meaning: the card centre has said to stop contacting this party
        absent: false          # a fact not sent reads as false
      waiver_authorization:
        type: reference
        meaning: the creditor's written authorisation of a reduction (its reference)
        absent: unknown        # not sent: not authorised; {present: true} does not match

At load, every fact a rule reads (``when``/``unless``, a fact-block's facts, a cap's
``count.facts``, a text rule's conditions) must be declared and every value a rule compares
it with must be of its type. At check time the facts an attempt or a note's context sends
are read against the declarations: a value of the wrong type is refused with the field and
the type expected, never coerced; a misspelt name is refused with "did you mean"; other
undeclared names are refused too unless the pack says ``undeclared_facts: ignore``.

``absent`` says what a fact that is not sent (or sent as null) means: a value of its type
(read as that value), ``unknown`` (left out: a test for a value does not match it,
``{present: false}`` does), or ``refuse`` (the input is refused until the fact is sent).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date
from difflib import get_close_matches
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from ._conditions import FactTest
from ._errors import InputError

FactType = Literal["boolean", "enum", "string", "reference", "number", "time", "date"]
_ABSENT_WORDS = ("unknown", "refuse")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# What a CRM writes in a reference field when there is no reference: not a reference.
_NOT_A_REFERENCE = frozenset({"no", "none", "n/a", "na", "null", "nil", "false", "0", "-", "--",
                              "无", "没有", "否", "無", "沒有"})


class FactDecl(BaseModel):
    """One declared fact: its type, what it means, and what its absence means."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: FactType = Field(description="boolean, enum (one of values), string, reference (a non-empty "
                           "reference such as an authorisation number), number, time (HH:MM), date (YYYY-MM-DD)")
    meaning: str = Field(min_length=1, description="one line: what the fact says about the case")
    values: list[str] | None = Field(None, description="the values of an enum fact")
    absent: StrictBool | StrictInt | StrictFloat | str = Field(
        description="what a fact not sent means: a value of its type (read as that value), unknown "
                    "(left out: only {present: false} matches it) or refuse (the input is refused)")

    @model_validator(mode="after")
    def _consistent(self) -> FactDecl:
        if self.type == "enum":
            if not self.values:
                raise ValueError("an enum fact lists its values: values: [...]")
            clash = [v for v in self.values if v in _ABSENT_WORDS]
            if clash:
                raise ValueError(f"'{clash[0]}' cannot be a value: it is a word of absent:")
        elif self.values is not None:
            raise ValueError(f"values: belongs to an enum fact, not a {self.type}")
        if not (isinstance(self.absent, str) and self.absent in _ABSENT_WORDS):
            problem = _value_problem(self, self.absent)
            if problem is not None:
                raise ValueError(f"absent: {problem}; or write unknown or refuse")
        return self

    @property
    def default(self) -> Any:
        """The value an absent fact reads as; None when it stays absent or is refused."""
        return None if isinstance(self.absent, str) and self.absent in _ABSENT_WORDS else self.absent


def _value_problem(decl: FactDecl, value: Any) -> str | None:
    """Why ``value`` is not a value of the declared type (a policy's or an input's); None: it is."""
    kind = decl.type
    if kind == "boolean":
        return None if type(value) is bool else f"expected true or false, got {_shown(value)}"
    if kind == "number":
        if type(value) in (int, float) and math.isfinite(value):
            return None
        return f"expected a finite number, got {_shown(value)}"
    if kind == "date":
        if type(value) is date:
            return None
        if isinstance(value, str) and _DATE.match(value):
            try:
                date.fromisoformat(value)
                return None
            except ValueError:
                pass
        return f"expected a date YYYY-MM-DD, got {_shown(value)}"
    if not isinstance(value, str):
        return f"expected {_expected(decl)}, got {_shown(value)}"
    if kind == "enum" and value not in (decl.values or ()):
        close = get_close_matches(value, decl.values or [], n=1)
        return (f"{value!r} is not one of {', '.join(decl.values or [])}"
                + (f" (did you mean '{close[0]}'?)" if close else ""))
    if kind == "time" and not _TIME.match(value):
        return f"expected a local time HH:MM, got {value!r}"
    if kind == "reference" and value.strip().lower() in _NOT_A_REFERENCE:
        return f"{value!r} is not a reference: leave the fact out when there is none"
    return None


def _expected(decl: FactDecl) -> str:
    return {"enum": "one of " + ", ".join(decl.values or []), "string": "a string",
            "reference": "a reference (a non-empty string)", "time": "a local time HH:MM"}[decl.type]


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return f"a {'list' if isinstance(value, list) else 'object' if isinstance(value, dict) else type(value).__name__}"


def _blank(decl: FactDecl, value: Any) -> bool:
    """A reference or string that holds nothing: the fact is absent."""
    return decl.type in ("reference", "string") and isinstance(value, str) and not value.strip()


class FactReader:
    """The declarations of one pack, prepared to read the facts of every input."""

    __slots__ = ("decls", "names", "defaults", "defaulted", "required", "ignore_undeclared", "empty", "flags")

    def __init__(self, decls: Mapping[str, FactDecl], ignore_undeclared: bool = False) -> None:
        self.decls = dict(decls)
        self.names = sorted(decls)
        self.defaults = {name: d.default for name, d in decls.items() if d.default is not None}
        self.defaulted = frozenset(self.defaults)
        self.required = tuple(name for name, d in decls.items() if d.absent == "refuse")
        self.ignore_undeclared = ignore_undeclared
        self.flags = frozenset(name for name, d in decls.items() if d.type == "boolean")
        # Most inputs send no facts: one shared mapping of the defaults (never mutated).
        self.empty: tuple[Mapping[str, Any], frozenset[str]] = (dict(self.defaults), self.defaulted)

    def read(self, given: Mapping[str, Any], where: str) -> tuple[Mapping[str, Any], frozenset[str]]:
        """The facts as the rules see them, and the names read from ``absent``; InputError on
        a value of the wrong type, a misspelt or undeclared name, or a required fact missing."""
        if not given:
            if self.required:
                self._missing(self.required[0], where)
            return self.empty
        decls, flags = self.decls, self.flags
        if type(given) is dict and flags.issuperset(given):
            # The common case: declared booleans only, each sent as true or false.
            for value in given.values():
                if value is not True and value is not False:
                    break
            else:
                # The defaults, then what was sent over them: two C-level merges.
                facts = {**self.defaults, **given}
                for name in self.required:
                    if name not in facts:
                        self._missing(name, where)
                return facts, self.defaulted.difference(given)
        facts = {}
        for name, value in given.items():
            if (value is True or value is False) and name in flags:
                facts[name] = value  # the common case: a declared boolean sent as one
                continue
            decl = decls.get(name)
            if decl is None:
                self._undeclared(name, where)
                continue
            if value is None or _blank(decl, value):
                continue  # not sent: its absent reading below
            problem = _value_problem(decl, value)
            if problem is not None:
                raise InputError(f"{where}.{name}: {problem} (declared {decl.type}: {decl.meaning})")
            facts[name] = value
        unsent = self.defaulted - facts.keys()
        if unsent:
            for name in unsent:
                facts[name] = self.defaults[name]
        for name in self.required:
            if name not in facts:
                self._missing(name, where)
        return facts, unsent

    def check_value(self, name: str, value: Any, where: str) -> None:
        """A fact of a history entry, as a cap's count filter reads it (absent: not checked)."""
        decl = self.decls.get(name)
        if decl is None or value is None or _blank(decl, value):
            return
        problem = _value_problem(decl, value)
        if problem is not None:
            raise InputError(f"{where}.{name}: {problem} (declared {decl.type}: {decl.meaning})")

    def _undeclared(self, name: Any, where: str) -> None:
        close = get_close_matches(str(name), self.names, n=1, cutoff=0.75)
        if close:
            raise InputError(f"{where}.{name}: not a fact this pack declares (did you mean '{close[0]}'?)")
        if not self.ignore_undeclared:
            listed = ", ".join(self.names) or "none"
            raise InputError(f"{where}.{name}: not a fact this pack declares (declared: {listed}); "
                             "leave it out, or the pack says undeclared_facts: ignore")

    def _missing(self, name: str, where: str) -> None:
        decl = self.decls[name]
        raise InputError(f"{where}.{name}: missing; the pack requires it ({decl.type}: {decl.meaning})")


# -- the facts a policy's rules read, for validation at load --------------------------

class FactOfType:
    """What a parameter that names a fact (a contact-hours ``from_fact``) asks of it: to be
    declared of ``type``. A model lists such parameters in a class attribute
    ``fact_fields = {field name: type}``."""

    __slots__ = ("type", "field")

    def __init__(self, type: str, field: str) -> None:
        self.type = type
        self.field = field


def named_fact_refs(model: type[BaseModel], data: Mapping[str, Any],
                    path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    """The facts ``data`` (a model's values by field name, or an overlay's params patch by
    key) names in the fields ``model.fact_fields`` lists."""
    for name, kind in (getattr(model, "fact_fields", None) or {}).items():
        key = model.model_fields[name].alias or name
        value = data.get(name, data.get(key))
        if isinstance(value, str):
            yield path + (key,), value, FactOfType(kind, key)


def fact_refs(model: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    """(path to the test, fact name, test) for every fact a validated rule reads: any field
    named ``facts`` holding a mapping of tests, at any depth (conditions, a fact-block's
    facts, a cap's count filter, a text rule's term groups), and a parameter that names a
    fact (a model's ``fact_fields``), whose test is a :class:`FactOfType`."""
    if isinstance(model, BaseModel):
        named = getattr(type(model), "fact_fields", None)
        if named:
            yield from named_fact_refs(type(model), {n: getattr(model, n) for n in named}, path)
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is None or (named and name in named):
                continue
            key = type(model).model_fields[name].alias or name
            if name == "facts" and isinstance(value, dict):
                for fact, test in value.items():
                    yield path + (key, fact), fact, test
            else:
                yield from fact_refs(value, path + (key,))
    elif isinstance(model, (list, tuple)):
        for i, item in enumerate(model):
            yield from fact_refs(item, path + (i,))
    elif isinstance(model, dict):  # an overlay's params patch: plain data
        for k, item in model.items():
            if k == "facts" and isinstance(item, dict):
                for fact, test in item.items():
                    if isinstance(test, dict):
                        try:
                            test = FactTest.model_validate(test)
                        except ValueError:
                            continue  # a malformed test: the patched rule's validation reports it
                    yield path + (k, fact), fact, test
            else:
                yield from fact_refs(item, path + (k,))


def test_problem(decl: FactDecl, test: Any) -> str | None:
    """Why a rule's test can never be met by a value of the declared type; None: it can."""
    if isinstance(test, FactOfType):
        if decl.type == test.type:
            return None
        return (f"{test.field} reads a {test.type} fact ({'HH:MM' if test.type == 'time' else test.type}), "
                f"not a {decl.type}")
    values: list[Any]
    if isinstance(test, BaseModel):  # {present, in, not}
        values = list(getattr(test, "in_", None) or [])
        banned = getattr(test, "not_", None)
        if "not_" in test.model_fields_set:
            values += banned if isinstance(banned, list) else [banned]
    else:
        values = [test]
    for value in values:
        if value is None:
            continue
        problem = _value_problem(decl, value)
        if problem is not None:
            return problem
    return None
