"""Errors collectguard raises.

    CollectguardError          base; ``str(err)`` is one line a person can act on
    ├── PolicyError            a policy or overlay file is wrong (names file:line:col)
    └── InputError             an attempt, history entry or note cannot be decided on

Both are ``ValueError`` subclasses. A check never allows on bad input: it raises.
"""

from __future__ import annotations


class CollectguardError(ValueError):
    """Base of every error collectguard raises on purpose."""


class PolicyError(CollectguardError):
    """A policy file cannot be loaded; the message names the place and the fix."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None, check: str = "schema",
                 level: str = "error") -> None:
        self.message = message
        self.level = level
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.check = check
        super().__init__(self.one_line())

    def at(self, path: str | None, line: int | None, column: int | None) -> PolicyError:
        """The same problem, placed."""
        return PolicyError(self.message, path=path, line=line, column=column, hint=self.hint,
                           check=self.check, level=self.level)

    def one_line(self) -> str:
        where = self.path or "<policy>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(CollectguardError):
    """An attempt, a history entry or a note is missing data or has invalid data."""
