"""Chinese words written by their sound: pinyin, half pinyin, initials and homophones.

People who want a filter to miss 法院 write it fa院, 法yuan, fayuan or FA YUAN; 坐牢 becomes
做牢 (another character of the same sound), and 警察 becomes jc. This layer reads such
spellings back as the word they stand for, in the folded note, before any rule runs, so
every rule (its literal terms and its ``re:`` patterns alike) sees 法院, 坐牢 and 警察.
Each character put back keeps the original index of the sound it came from: evidence
spans still point at ``fa yuan`` as written.

What it reads back, and where (each a list in the policy's ``text.phonetic``, or every
Chinese literal term of its text rules):

- **pinyin**: a term whose syllables are spelt, wholly or in part, in Latin letters (fa院,
  法yuan, fayuan, fa yuan). Latin syllables must be whole words of the note (the "wo men"
  inside "women" is not 我们), and a note with no Chinese character at all must be mostly
  pinyin (an English note is never read as pinyin).
- **homophones**: a listed term written with other characters of the same sound, keeping
  at least one of its own characters in place (做牢, 费物, 发院). Not where those characters
  are a word of their own (pypinyin's phrase list, and the policy's ``not_homophones``), or
  where the first or last of them makes a word with its neighbour.
- **initials**: a listed term written as the first letters of its syllables (jc, ga, pcs),
  as a whole Latin word next to a Chinese character (jc上门, 找GA).

Readings come from pypinyin's character table (every reading of a character, so 还 reads
hai and huan), loaded the first time a policy with this layer is compiled.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from ._normalize import Normalized, fold

_CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z]+")
_HAS_LATIN = re.compile("[a-z]")


def _bare(syllable: str) -> str:
    """A reading without its tone, ü as u (people type lv, lu or lü alike)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", syllable) if not unicodedata.combining(c))
    return plain.replace("v", "u")


class _Tables:
    """pypinyin's tables, read once per process (immutable data, shared by every policy)."""

    _loaded: _Tables | None = None

    def __init__(self) -> None:
        from pypinyin import Style, lazy_pinyin
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        self.pinyin_dict = PINYIN_DICT
        self.phrases = PHRASES_DICT
        self.lazy_pinyin = lazy_pinyin
        self.style = Style.NORMAL
        syllables: set[str] = set()
        for readings in PINYIN_DICT.values():
            syllables.update(_bare(r) for r in readings.split(","))
        # Syllables of one letter besides a, e, o (m, n: 呣, 嗯) are left out: a stray
        # letter is not a word's sound.
        self.syllables = frozenset(s for s in syllables if s.isascii() and s.isalpha()
                                   and (len(s) > 1 or s in "aeo"))
        self.longest = max(map(len, self.syllables))

    @classmethod
    def get(cls) -> _Tables:
        if cls._loaded is None:
            cls._loaded = cls()
        return cls._loaded

    def readings(self, char: str) -> tuple[str, ...]:
        found = self.pinyin_dict.get(ord(char))
        if not found:
            return ()
        return tuple(dict.fromkeys(_bare(r) for r in found.split(",")))

    def term_syllables(self, term: str) -> tuple[str, ...]:
        return tuple(_bare(s) for s in self.lazy_pinyin(term, style=self.style))


@lru_cache(maxsize=8192)
def _segment(run: str, syllables: frozenset[str], longest: int) -> tuple[int, ...] | None:
    """Split a Latin run into pinyin syllables (fewest syllables); the end offset of each, or
    None when the run is not pinyin."""
    n = len(run)
    best: list[tuple[int, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        for j in range(min(n, i + longest), i, -1):
            if run[i:j] in syllables:
                candidate = here + (j,)
                current = best[j]
                if current is None or len(candidate) < len(current):
                    best[j] = candidate
    return best[n]


class _Unit:
    """One sound of the note: a Chinese character, or one pinyin syllable of a Latin word."""

    __slots__ = ("start", "end", "readings", "latin", "segment", "run_start", "run_end")

    def __init__(self, start: int, end: int, readings: tuple[str, ...], latin: bool, segment: int,
                 run_start: int, run_end: int) -> None:
        self.start, self.end, self.readings, self.latin = start, end, readings, latin
        self.segment, self.run_start, self.run_end = segment, run_start, run_end


class Phonetic:
    """The compiled layer: which terms it reads back, from which spellings. pypinyin's tables
    are read the first time a note is read, so a policy that only judges attempts never
    loads them."""

    def __init__(self, pinyin: Iterable[str], homophones: Iterable[str], initials: Iterable[str],
                 not_homophones: Iterable[str]) -> None:
        self._terms = (tuple(sorted({t for t in pinyin if _usable(t)})),
                       tuple(sorted({t for t in homophones if _usable(t)})),
                       tuple(sorted({t for t in initials if _usable(t)})))
        self._not = frozenset(not_homophones)
        self._ready = False

    def __bool__(self) -> bool:
        return any(self._terms)

    def _prepare(self) -> None:
        # Built on first use; every reader builds the same tables, so a race only repeats work.
        t = _Tables.get()
        pinyin, homophones, initials = self._terms
        self._pinyin = _index(t, pinyin + homophones)
        self._by_char: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {}
        for term in homophones:
            syllables = t.term_syllables(term)
            if len(syllables) == len(term):
                for k, char in enumerate(term):
                    self._by_char.setdefault(char, []).append((term, k, syllables))
        self._initials: dict[str, str] = {}
        for term in initials:
            self._initials.setdefault("".join(s[0] for s in t.term_syllables(term)), term)
        self._readings: dict[str, tuple[str, ...]] = {}
        self._t = t
        self._ready = True

    # -- reading a note ------------------------------------------------------------------

    def apply(self, normalized: Normalized) -> Normalized:
        """The note with the spellings this layer knows read back as their terms."""
        if not self._ready:
            self._prepare()
        text = normalized.text
        found: list[tuple[int, int, str, list[int]]] = []  # folded start, end, term, places
        if self._by_char and not self._by_char.keys().isdisjoint(text):
            found.extend(self._homophone_matches(text))
        if _HAS_LATIN.search(text) is not None:
            has_cjk = _CJK_CHAR.search(text) is not None
            if has_cjk or self._mostly_pinyin(text):
                found.extend(self._pinyin_matches(text))
                if has_cjk and self._initials:
                    found.extend(self._initial_matches(text))
        if not found:
            return normalized
        return _rewrite(normalized, _apart(found))

    def _readings_of(self, char: str) -> tuple[str, ...]:
        found = self._readings.get(char)
        if found is None:
            found = self._readings[char] = self._t.readings(char)
        return found

    def _homophone_matches(self, text: str) -> Iterable[tuple[int, int, str, list[int]]]:
        """A listed term written with other characters of its sound, one of its own in place."""
        phrases = self._t.phrases
        for p, char in enumerate(text):
            for term, k, syllables in self._by_char.get(char, ()):
                start, end = p - k, p - k + len(term)
                if start < 0 or end > len(text):
                    continue
                written = text[start:end]
                if written == term or written in self._not or written in phrases:
                    continue
                if not all(_CJK_CHAR.match(c) and syllables[j] in self._readings_of(c)
                           for j, c in enumerate(written)):
                    continue
                before = text[start - 1] if start else ""
                after = text[end] if end < len(text) else ""
                if (before and before + written[0] in phrases) or (after and written[-1] + after in phrases):
                    continue  # the characters belong to words of their own
                yield start, end, term, list(range(start, end))

    def _pinyin_matches(self, text: str) -> Iterable[tuple[int, int, str, list[int]]]:
        """Terms with one or more syllables in Latin letters, near each Latin word that is pinyin."""
        t = self._t
        windows: list[list[int]] = []
        for run in re.finditer("[a-z]+", text):
            if _segment(run.group(), t.syllables, t.longest) is None:
                continue
            lo, hi = max(0, run.start() - 8), min(len(text), run.end() + 8)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        for lo, hi in windows:
            units = self._units(text, lo, hi)
            i = 0
            while i < len(units):
                hit = self._pinyin_at(units, i)
                if hit is None:
                    i += 1
                    continue
                n, term = hit
                # each character of the term from its sound's first letter, the last from the
                # last letter of its sound, so a span over the term covers fa yuan as written
                places = [units[k].start for k in range(i, i + n)]
                places[-1] = units[i + n - 1].end - 1
                yield units[i].start, units[i + n - 1].end, term, places
                i += n

    def _units(self, text: str, lo: int, hi: int) -> list[_Unit]:
        units: list[_Unit] = []
        segment = 0
        last = lo
        syllables, longest = self._t.syllables, self._t.longest
        for token in _TOKEN.finditer(text, lo, hi):
            start, end = token.span()
            if text[last:start].strip():  # punctuation or digits between: a new stretch
                segment += 1
            last = end
            word = token.group()
            if len(word) == 1 and _CJK_CHAR.match(word):
                units.append(_Unit(start, end, self._readings_of(word), False, segment, start, end))
                continue
            if (start == lo and start and text[start - 1].isalpha()) or (end == hi and end < len(text)
                                                                        and text[end].isalpha()):
                segment += 1  # a word cut by the window's edge
                continue
            ends = _segment(word, syllables, longest)
            if ends is None:
                segment += 1  # an English word: no sound crosses it
                continue
            begin = start
            for stop in ends:
                units.append(_Unit(begin, start + stop, (word[begin - start:stop],), True, segment, start, end))
                begin = start + stop
        return units

    def _pinyin_at(self, units: list[_Unit], i: int) -> tuple[int, str] | None:
        for reading in units[i].readings:
            for syllables, term in self._pinyin.get(reading, ()):
                n = _fits(units, i, syllables)
                if n and _whole_latin_words(units[i:i + n]):
                    return n, term
        return None

    def _initial_matches(self, text: str) -> Iterable[tuple[int, int, str, list[int]]]:
        for word in re.finditer("(?<![a-z0-9])[a-z]{2,5}(?![a-z0-9])", text):
            term = self._initials.get(word.group())
            if term is None:
                continue
            start, end = word.span()
            if not (_next_is_cjk(text, start - 1, -1) or _next_is_cjk(text, end, 1)):
                continue
            # each letter stands for one character of the term
            places = [start + j for j in range(len(term))]
            places[-1] = end - 1
            yield start, end, term, places

    def _mostly_pinyin(self, text: str) -> bool:
        words = re.findall("[a-z]{2,}", text)
        if len(words) < 3:
            return False
        syllables, longest = self._t.syllables, self._t.longest
        pinyin = sum(1 for w in words if _segment(w, syllables, longest) is not None)
        return pinyin >= 0.8 * len(words)


def _usable(term: str) -> bool:
    return len(term) >= 2 and _is_chinese(term)


def _index(t: _Tables, terms: Iterable[str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for term in sorted(set(terms), key=len, reverse=True):  # the longest term first
        syllables = t.term_syllables(term)
        if len(syllables) == len(term):
            index.setdefault(syllables[0], []).append((syllables, term))
    return index


def _fits(units: list[_Unit], i: int, syllables: tuple[str, ...]) -> int:
    n = len(syllables)
    if i + n > len(units):
        return 0
    segment = units[i].segment
    for k in range(n):
        unit = units[i + k]
        if unit.segment != segment or syllables[k] not in unit.readings:
            return 0
    return n


def _whole_latin_words(span: list[_Unit]) -> bool:
    """At least one syllable in Latin letters, and every Latin word wholly inside the match
    (the "wo men" of "women" is not 我们, though "fayuan" is 法院)."""
    if not any(u.latin for u in span):
        return False
    return all(not u.latin or (u.run_start >= span[0].start and u.run_end <= span[-1].end) for u in span)


def _apart(found: list[tuple[int, int, str, list[int]]]) -> list[tuple[int, int, str, list[int]]]:
    """The matches in order, the longer first where two overlap."""
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out: list[tuple[int, int, str, list[int]]] = []
    for match in found:
        if not out or match[0] >= out[-1][1]:
            out.append(match)
    return out


def _next_is_cjk(text: str, at: int, step: int) -> bool:
    while 0 <= at < len(text) and text[at] == " ":
        at += step
    return 0 <= at < len(text) and _CJK_CHAR.match(text[at]) is not None


def _is_chinese(term: str) -> bool:
    return bool(term) and all(_CJK_CHAR.match(c) for c in term)


def _rewrite(normalized: Normalized, replacements: list[tuple[int, int, str, list[int]]]) -> Normalized:
    text = normalized.text
    origin = normalized.origin if normalized.origin is not None else list(range(len(text)))
    out: list[str] = []
    new_origin: list[int] = []
    last = 0
    for start, end, term, unit_starts in replacements:
        out.append(text[last:start])
        new_origin.extend(origin[last:start])
        out.append(term)
        new_origin.extend(origin[min(u, len(origin) - 1)] for u in unit_starts[:len(term)])
        last = end
    out.append(text[last:])
    new_origin.extend(origin[last:])
    return Normalized("".join(out), new_origin, normalized.source, normalized.hidden)


def terms_of(rules: Iterable[Any], lexicons: Mapping[str, Iterable[str]]) -> list[str]:
    """The Chinese literal terms of the text rules' groups, and of the lexicons they name
    (what pinyin is read back to)."""
    found: list[str] = []
    for rule in rules:
        for group in getattr(rule, "groups", {}).values():
            terms: list[str] = []
            for t in group.any:
                terms.extend(lexicons.get(t[1:], ()) if t.startswith("@") else [t])
            found.extend(f for f in (fold(t).strip() for t in terms if not t.startswith(("re:", "phrase:")))
                         if _is_chinese(f))
    return found
