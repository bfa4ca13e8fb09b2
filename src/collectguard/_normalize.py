"""Text as rules match it: one spelling per word, with a map back to the original.

People write the same words many ways, and people who want to get past a filter write
them more ways still: full-width ３万, Traditional 欠款 as 欠款/欠款, mixed case, and
separators inside a word (欠 款, 欠-款, 欠*款). Before matching, a note is folded:

1. characters, one at a time: width and compatibility forms (NFKC) and case (casefold);
   accents and other combining marks dropped (pólice, fǎyuàn); format and control
   characters dropped (zero-width spaces and joiners, bidi marks and overrides, variation
   selectors, the combining grapheme joiner, tag characters, NUL, BEL); letters of other
   scripts that look like a Latin letter read as that letter (Cyrillic а, Greek ο: the
   confusables of Unicode TR39, from the ``confusable_homoglyphs`` package);
2. Traditional Chinese characters to Simplified, from the reviewed table in ``_hanzi``;
3. the word layers of the policy (``text.fold``, see :class:`Layers`): digits and symbols
   inside a Latin word read as the letters they stand for (j4il, p0lice, $cum), letters
   spelt out one by one read as the word (a-r-r-e-s-t, j a i l), a letter repeated three
   times or more read once (jaaail);
4. separators between two CJK characters removed; runs of white space made one space.

Steps 1 and 2 are a table per character; step 3 is on unless a policy turns a layer off.

Every character of the folded text remembers the index of the original character it
came from, so a match maps back to exact offsets in the text the user wrote.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources

from ._hanzi import TRADITIONAL_TO_SIMPLIFIED

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Separators people put inside a Chinese word; sentence punctuation (，。！？) is kept,
# because clause and sentence boundaries matter to the rules.
_SEPARATORS = r"\-_*·•|/\\~.+=#^`'\"“”‘’()（）\[\]【】<>《》"
_INSIDE_CJK = re.compile(rf"(?<=[{_CJK}])(?:[^\S\n]|[{_SEPARATORS}])+(?=[{_CJK}])")
_SPACES = re.compile(r"[^\S\n]{2,}|[\t\r\f\v]")
# Characters that print as nothing (or change only how others print) are dropped: a
# zero-width space or a bidi override inside 欠款 must not hide it. Line breaks and tabs
# are kept; they are white space to the rules.
_KEPT_CONTROLS = frozenset("\n\t\r")
_INVISIBLE = frozenset(("Cf", "Cc", "Cs", "Co", "Cn", "Mn", "Me"))


# Folding is a table lookup per character in C (str.translate). The table grows as new
# characters are met: _KNOWN holds every character already looked at, _TABLE those that
# fold to something else, _RESIZING those that fold to other than one character.
_KNOWN: set[str] = set()
_TABLE: dict[int, str] = {}
_RESIZING: set[str] = set()


def _fold_char(char: str) -> str:
    if char in _KEPT_CONTROLS:
        return char
    # Decompose, drop the marks (and anything invisible), compose again.
    bare = "".join(c for c in unicodedata.normalize("NFKD", char)
                   if unicodedata.category(c) not in _INVISIBLE)
    folded = unicodedata.normalize("NFKC", bare).casefold()
    return "".join(_skeleton(TRADITIONAL_TO_SIMPLIFIED.get(c, c)) for c in folded)


_CJK_RANGE = re.compile(f"[{_CJK}\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff]")
_LOOKALIKES: dict[str, str] = {}


def _skeleton(char: str) -> str:
    """A letter of another script that looks like one Latin letter or digit, as that letter."""
    if char.isascii() or not unicodedata.category(char).startswith("L") or _CJK_RANGE.match(char):
        return char
    if not _LOOKALIKES:
        _LOOKALIKES.update(_load_lookalikes())
    return _LOOKALIKES.get(char, char)


def _load_lookalikes() -> dict[str, str]:
    """TR39 confusables reduced to what matters here: a non-Latin letter to one ASCII letter
    or digit. Read once, the first time a note has such a letter."""
    try:
        source = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - a declared dependency
        return {"\0": "\0"}
    table: dict[str, str] = {"\0": "\0"}  # never empty, so it is read once
    for char, entries in json.loads(source).items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            target = entry.get("c", "")
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[char] = target.lower()
                break
    return table


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


# Leet: what each digit or symbol stands for inside a Latin word (between two letters, or
# $ and @ before one); 3w2, 2k, 10am and $500 are left alone.
DEFAULT_LEET: Mapping[str, str] = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                                   "@": "a", "$": "s", "!": "i", "|": "l"}


@dataclass(frozen=True)
class Layers:
    """The word layers a policy reads notes through (``text.fold`` in the YAML)."""

    leet: Mapping[str, str] | None = None   # None: the default map; {}: off
    spelled_out: bool = True                # a-r-r-e-s-t, j a i l
    repeats: bool = True                    # jaaaail

    def compiled(self) -> _WordLayers:
        return _WordLayers(DEFAULT_LEET if self.leet is None else self.leet, self.spelled_out, self.repeats)


class _WordLayers:
    __slots__ = ("leet_table", "leet_inside", "leet_leading", "spelled_out", "repeats")

    def __init__(self, leet: Mapping[str, str], spelled_out: bool, repeats: bool) -> None:
        self.leet_table = {ord(k): v for k, v in leet.items()}
        chars = "".join(re.escape(k) for k in leet)
        self.leet_inside = re.compile(f"(?<=[a-z])[{chars}]+(?=[a-z])") if chars else None
        symbols = "".join(re.escape(k) for k in leet if not k.isdigit())
        # (one symbol starting a word; not the last of a run such as !!ss, which a second
        # reading would then turn to iiss: folding is idempotent)
        self.leet_leading = re.compile(f"(?<![a-z0-9{symbols}])[{symbols}](?=[a-z]{{2}})") if symbols else None
        self.spelled_out = spelled_out
        self.repeats = repeats

    def apply(self, text: str, origin: list[int] | None) -> tuple[str, list[int] | None]:
        table = self.leet_table
        if self.leet_inside is not None:  # one character for one: the map does not move
            text = self.leet_inside.sub(lambda m: m.group().translate(table), text)
        if self.leet_leading is not None:
            text = self.leet_leading.sub(lambda m: m.group().translate(table), text)
        if self.spelled_out:
            text, origin = _keep(text, origin, _SPELLED_OUT, _letters_only)
        if self.repeats:
            text, origin = _keep(text, origin, _REPEATED, _first_only)
        return text, origin


DEFAULT_LAYERS = Layers()
_DEFAULT_WORD_LAYERS = DEFAULT_LAYERS.compiled()

# Three or more single letters, each apart from the next by one separator (a-r-r-e-s-t,
# j.a.i.l, j a i l), the same separator throughout: the word spelt out. Two (a.m.) are
# left alone, and so is e.g. a.
_SPELLED_OUT = re.compile(r"(?<![a-z0-9])[a-z](?P<sep>[^\S\n]?[-._*·~+/\\|][^\S\n]?|[^\S\n])[a-z]"
                          r"(?:(?P=sep)[a-z])+(?![a-z0-9])")
_REPEATED = re.compile(r"([a-z])\1{2,}")


def _letters_only(match: re.Match[str]) -> list[int]:
    return [i for i, c in enumerate(match.group()) if "a" <= c <= "z"]


def _first_only(match: re.Match[str]) -> list[int]:
    return [0]


def normalize(text: str, layers: _WordLayers | None = None) -> Normalized:
    if not _KNOWN.issuperset(text):
        _learn(text)
    folded = text.translate(_TABLE)
    origin: list[int] | None = None
    if not _RESIZING.isdisjoint(text):
        origin = []
        for index, char in enumerate(text):
            origin.extend([index] * len(_TABLE.get(ord(char), char)))
    folded, origin = (layers or _DEFAULT_WORD_LAYERS).apply(folded, origin)
    folded, origin = _drop(folded, origin, _INSIDE_CJK, "")
    folded, origin = _drop(folded, origin, _SPACES, " ")
    return Normalized(folded, origin, text)


def _keep(text: str, origin: list[int] | None, pattern: re.Pattern[str],
          kept: Callable[[re.Match[str]], list[int]]) -> tuple[str, list[int] | None]:
    """Replace each match of ``pattern`` by the characters at the offsets ``kept`` gives
    (relative to the match), each keeping its place in the original."""
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
        for i in kept(match):
            out.append(text[start + i])
            new_origin.append(origin[start + i])
        last = end
    out.append(text[last:])
    new_origin.extend(origin[last:])
    return "".join(out), new_origin


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
