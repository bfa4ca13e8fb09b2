"""The phrase language: a text rule's term written as a sentence, compiled to a pattern.

A term ``phrase: ...`` is a sequence a compliance officer reads as written::

    phrase: (this is | calling from | i am) [the] ~2 words @authority
    phrase: you will be arrest+ ~3 words (today | tomorrow)
    phrase: 我们是 ~6 chars @authority_office

- a word matches itself, folded as notes are (case, width, Traditional); a Latin word
  matches whole words only; ``word+`` also matches its inflections (arrest, arrests,
  arrested, arresting; owe, owed, owing; deny, denies, denied);
- ``@name`` matches any term of the lexicon ``name``;
- ``{amount}``, ``{percent}``, ``{card}``, ``{cjk_number}``: the text rules' macros (an
  amount of money, a percentage or a Chinese discount in 折, a card number, a Chinese numeral);
- ``(a | b c)`` matches one of the alternatives, ``[a]`` matches it or nothing;
- ``~N words`` (or ``~N``) skips up to N words, ``~N chars`` up to N characters, never
  across a clause's end (a comma, a full stop, a line break);
- items follow each other with or without spaces between them (Chinese has none).

The compiled pattern is an ordinary term: it goes through the same backtracking check as
a ``re:`` pattern and matches in the same clause or sentence scope as the rule's groups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._normalize import fold

_TOKEN = re.compile(r"\s*(?:(?P<gap>~(?P<n>[0-9]{1,2})"
                    r"(?:\s*(?P<unit>words?|chars?)(?![a-z])(?P<wide>\s+in\s+sentence(?![a-z]))?)?)"
                    r"|(?P<punct>[()\[\]|])|(?P<lex>@[a-z][a-z0-9_]*)|(?P<macro>\{[a-z_]+\})|(?P<word>[^\s()\[\]|~@]+))")
_CLAUSE = "\\n。!?;,:，；！？、."
_SENTENCE = "\\n。!?;；！？."
_LATIN_EDGE = re.compile(r"[a-z0-9]")


class PhraseError(ValueError):
    """A phrase that cannot be read; the message says where and how to fix it."""


def compile_phrase(source: str, lexicons: Mapping[str, tuple[str, ...]],
                   macros: frozenset[str] = frozenset()) -> str:
    """The regular expression a phrase stands for; PhraseError names what is wrong.
    A macro (``{amount}``) is left in the pattern for the caller to expand; ``macros``
    names the ones it knows."""
    tokens = _tokens(source)
    if not tokens:
        raise PhraseError("an empty phrase")
    parser = _Parser(tokens, lexicons, source, macros)
    pattern = parser.alternatives()
    if parser.i != len(tokens):
        raise PhraseError(f"phrase {source!r}: unexpected {tokens[parser.i][1]!r}")
    return pattern


def _tokens(source: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = source.strip()
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None or found.end() == pos:
            raise PhraseError(f"phrase {source!r}: cannot read {text[pos:pos + 10]!r}")
        pos = found.end()
        if found.group("gap"):
            unit = (found.group("unit") or "words").rstrip("s")
            if found.group("wide"):
                unit = "sentence_" + unit
            out.append(("gap_" + unit, found.group("n")))
        elif found.group("punct"):
            out.append((found.group("punct"), found.group("punct")))
        elif found.group("macro"):
            out.append(("macro", found.group("macro")[1:-1]))
        elif found.group("lex"):
            out.append(("lex", found.group("lex")[1:]))
        elif found.group("word"):
            out.append(("word", found.group("word")))
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lexicons: Mapping[str, tuple[str, ...]], source: str,
                 macros: frozenset[str]) -> None:
        self.tokens, self.lexicons, self.source, self.i = tokens, lexicons, source, 0
        self.macros = macros

    def alternatives(self) -> str:
        options = [self.sequence()]
        while self.i < len(self.tokens) and self.tokens[self.i][0] == "|":
            self.i += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def sequence(self) -> str:
        parts: list[str] = []
        while self.i < len(self.tokens) and self.tokens[self.i][0] not in ("|", ")", "]"):
            item, gap = self.item()
            if gap:
                parts.append(item)  # a gap brings its own separators
            elif parts:
                parts.append(r"\s*" + item)
            else:
                parts.append(item)
        if not parts:
            raise PhraseError(f"phrase {self.source!r}: an empty alternative")
        return "".join(parts)

    def item(self) -> tuple[str, bool]:
        kind, value = self.tokens[self.i]
        self.i += 1
        if kind == "word":
            return _word(value, self.source), False
        if kind == "macro":
            if value not in self.macros:
                known = ", ".join("{" + m + "}" for m in sorted(self.macros)) or "none"
                raise PhraseError(f"phrase {self.source!r}: no macro {{{value}}} (macros: {known})")
            return "(?:{" + value + "})", False
        if kind == "lex":
            terms = self.lexicons.get(value)
            if terms is None:
                known = ", ".join(sorted(self.lexicons)) or "none declared"
                raise PhraseError(f"phrase {self.source!r}: no lexicon named '{value}' (lexicons: {known})")
            words = sorted({fold(t).strip() for t in terms}, key=lambda w: (-len(w), w))
            return "(?:" + "|".join(_literal(w) for w in words) + ")", False
        if kind == "gap_word":
            n = int(value)
            return rf"(?:\s+[^\s{_CLAUSE}]+){{0,{n}}}", True
        if kind == "gap_char":
            return rf"[^{_CLAUSE}]{{0,{int(value)}}}?", True
        if kind == "gap_sentence_char":
            return rf"[^{_SENTENCE}]{{0,{int(value)}}}?", True
        if kind == "gap_sentence_word":
            return rf"(?:[\s,、:]+[^\s{_CLAUSE}]+){{0,{int(value)}}}", True
        if kind in ("(", "["):
            inner = self.alternatives()
            close = ")" if kind == "(" else "]"
            if self.i >= len(self.tokens) or self.tokens[self.i][0] != close:
                raise PhraseError(f"phrase {self.source!r}: '{kind}' is not closed with '{close}'")
            self.i += 1
            if kind == "(":
                return "(?:" + inner + ")", False
            return r"(?:\s*(?:" + inner + "))?", True
        raise PhraseError(f"phrase {self.source!r}: unexpected {value!r}")


def _word(word: str, source: str) -> str:
    inflect = word.endswith("+") and len(word) > 1
    base = fold(word[:-1] if inflect else word).strip()
    if not base:
        raise PhraseError(f"phrase {source!r}: {word!r} folds to nothing")
    if not inflect:
        return _literal(base)
    if not base.isascii() or not base.isalpha():
        raise PhraseError(f"phrase {source!r}: '+' (inflections) belongs to an English word, not {word!r}")
    return _bounded("(?:" + "|".join(re.escape(f) for f in sorted(inflections(base), key=lambda f: (-len(f), f))) + ")",
                    base)


def inflections(word: str) -> set[str]:
    """The regular English forms of a word: owe owes owed owing; deny denies denied denying;
    stop stops stopped stopping; pass passes passed passing."""
    if word.endswith("e"):
        return {word, word + "s", word + "d", word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return {word, word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    plural = word + "es" if word.endswith(("s", "x", "z", "ch", "sh", "o")) else word + "s"
    forms = {word, plural, word + "ed", word + "ing"}
    if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # stop, stopped, stopping
    return forms


def _literal(text: str) -> str:
    return _bounded(re.escape(text), text)


def _bounded(pattern: str, text: str) -> str:
    """A Latin word matches whole words only: no letter or digit right before or after."""
    head = "(?<![a-z0-9])" if _LATIN_EDGE.match(text[0]) else ""
    tail = "(?![a-z0-9])" if _LATIN_EDGE.match(text[-1]) else ""
    return head + pattern + tail
