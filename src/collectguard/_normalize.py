"""Text as rules match it: one spelling per word, with a map back to the original.

People write the same words many ways, and people who want to get past a filter write
them more ways still: full-width ３万, Traditional 欠款 as 欠款/欠款, mixed case, and
separators inside a word (欠 款, 欠-款, 欠*款). Before matching, a note is folded:

1. width and compatibility forms (NFKC) and case (casefold), per character;
2. Traditional Chinese characters to Simplified, from the reviewed table in ``_hanzi``;
3. separators between two CJK characters removed; runs of white space made one space;
   zero-width characters dropped.

Every character of the folded text remembers the index of the original character it
came from, so a match maps back to exact offsets in the text the user wrote.
"""

from __future__ import annotations

import re
import unicodedata

from ._hanzi import TRADITIONAL_TO_SIMPLIFIED

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Separators people put inside a Chinese word; sentence punctuation (，。！？) is kept,
# because clause and sentence boundaries matter to the rules.
_SEPARATORS = r"\-_*·•|/\\~.+=#^`'\"“”‘’()（）\[\]【】<>《》"
_INSIDE_CJK = re.compile(rf"(?<=[{_CJK}])(?:[^\S\n]|[{_SEPARATORS}])+(?=[{_CJK}])")
_SPACES = re.compile(r"[^\S\n]{2,}|[\t\r\f\v]")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


# Folding is a table lookup per character in C (str.translate). The table grows as new
# characters are met: _KNOWN holds every character already looked at, _TABLE those that
# fold to something else, _RESIZING those that fold to other than one character.
_KNOWN: set[str] = set()
_TABLE: dict[int, str] = {}
_RESIZING: set[str] = set()


def _fold_char(char: str) -> str:
    if char in _ZERO_WIDTH:
        return ""
    folded = unicodedata.normalize("NFKC", char).casefold()
    return "".join(TRADITIONAL_TO_SIMPLIFIED.get(c, c) for c in folded)


def _learn(text: str) -> None:
    for char in set(text).difference(_KNOWN):
        folded = _fold_char(char)
        if folded != char:
            _TABLE[ord(char)] = folded
        if len(folded) != 1:
            _RESIZING.add(char)
        _KNOWN.add(char)


class Normalized:
    """The folded text and, for each of its characters, the original index."""

    __slots__ = ("text", "origin", "source", "hidden")

    def __init__(self, text: str, origin: list[int] | None, source: str,
                 hidden: tuple[tuple[int, int], ...] = ()) -> None:
        self.text = text
        self.origin = origin  # None: the identity map (nothing changed length or moved)
        self.source = source
        # Original spans left out of matching (others' turns in a transcript, see _turns).
        self.hidden = hidden

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the folded span [start, end)."""
        if self.origin is None:
            return start, end
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.source)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> Normalized:
    if not _KNOWN.issuperset(text):
        _learn(text)
    folded = text.translate(_TABLE)
    origin: list[int] | None = None
    if not _RESIZING.isdisjoint(text):
        origin = []
        for index, char in enumerate(text):
            origin.extend([index] * len(_TABLE.get(ord(char), char)))
    folded, origin = _drop(folded, origin, _INSIDE_CJK, "")
    folded, origin = _drop(folded, origin, _SPACES, " ")
    return Normalized(folded, origin, text)


def _drop(text: str, origin: list[int] | None, pattern: re.Pattern[str], keep: str
          ) -> tuple[str, list[int] | None]:
    """Replace each match of ``pattern`` by ``keep`` (empty or one character), keeping the map."""
    if not pattern.search(text):
        return text, origin
    if origin is None:
        origin = list(range(len(text)))
    out: list[str] = []
    new_origin: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        out.append(text[last:start])
        new_origin.extend(origin[last:start])
        if keep:
            out.append(keep)
            new_origin.append(origin[start])
        last = end
    out.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(out), new_origin


def fold(term: str) -> str:
    """A term from a policy, folded the way notes are, so rules can be written in any form."""
    return normalize(term).text
