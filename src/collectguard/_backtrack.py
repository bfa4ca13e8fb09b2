"""Which regular expressions can take exponential time on a near miss, refused at load.

Python's ``re`` backtracks. A repeat whose body can match the same text in more than one
way (``(a+)+``, ``(a|aa)+``, ``(a|a)+``, ``(\\w+\\s?)+``, ``(a+a?)+``, ``(a+){2,40}``) tries
every way of splitting a text that almost matches, so one crafted note hangs the check.

A repeat of more than one iteration is accepted when its body is *unambiguous*:

- its body has no variable-width part (no inner repeat, no alternatives of different
  widths), and its alternatives cannot start with the same character; or
- its body is a chain of parts, each matching at least one character, where no part
  shares a character with the next one (nor the last with the first): ``(?:\\s+[^\\s]+)``,
  the phrase language's word gap. Each part then ends where the next one's characters
  begin, so the split is unique; or
- its body contains a mandatory delimiter: a fixed part of every iteration (a character,
  or a group such as ``(?:万|千)``) none of whose characters a variable-width part of the
  body can match (``(?:[a-z]+ )*``, ``(?:\\d+,)*``): each iteration then holds one
  delimiter and the split is unique.

Everything else is refused with the pattern named. The analysis reads the pattern's parse
tree (the standard library's own parser) and compares character sets on a sample
alphabet (ASCII, the pattern's own characters and a few CJK and punctuation), so it is a
conservative check, never a proof of danger: a refused pattern can be rewritten with a
delimiter or a lexicon.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre  # type: ignore[no-redef, unused-ignore]  # (used on Python 3.10)

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_BASE_ALPHABET = "".join(chr(c) for c in range(32, 127)) + "\t\n\u3000中国人民法院，。！？、：；“”é"


def exponential(source: str) -> bool:
    """Whether ``source`` has a repeat that can backtrack exponentially (see the module)."""
    try:
        tree = list(_sre.parse(source))
    except Exception:  # reported as a pattern that does not compile
        return False
    alphabet = _BASE_ALPHABET + "".join(sorted(set(source)))
    return _bad(tree, alphabet)


def _bad(items: list[Any], alphabet: str) -> bool:
    for op, av in items:
        name = op.name
        if name in _REPEATS:
            _, high, body = av
            body = list(body)
            # A repeat of at most a few iterations over fixed alternatives (还|真|可真){0,2}
            # tries at most a few combinations: not a blow-up.
            few = high <= _FEW and not _has_repeat(body)
            if name != "POSSESSIVE_REPEAT" and high > 1 and not few and _ambiguous(body, alphabet):
                return True
            if _bad(body, alphabet):
                return True
        elif name == "SUBPATTERN":
            if _bad(list(av[-1]), alphabet):
                return True
        elif name == "BRANCH":
            if any(_bad(list(b), alphabet) for b in av[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _bad(list(av[1]), alphabet):
                return True
        elif name == "ATOMIC_GROUP":
            continue  # no backtracking into it
    return False


_FEW = 4


def _has_repeat(items: list[Any]) -> bool:
    for op, av in items:
        name = op.name
        if name in _REPEATS:
            return True
        if name == "SUBPATTERN" and _has_repeat(list(av[-1])):
            return True
        if name == "BRANCH" and any(_has_repeat(list(b)) for b in av[1]):
            return True
    return False


def _ambiguous(body: list[Any], alphabet: str) -> bool:
    """Whether iterations of ``body`` can split one text in more than one way."""
    variable = _variable_parts(body)
    if not variable:
        return _overlapping_branches(body, alphabet)
    if _disjoint_chain(body, alphabet):
        return False
    banned: set[str] = set()
    for part in variable:
        banned |= _chars(part, alphabet)
    # A mandatory delimiter: a fixed part of every iteration (a character, or a group of
    # them such as (?:万|千|w)) none of whose characters a variable part can match.
    ids = {id(part) for part in variable}
    for part in _sequence(body):
        if id(part) in ids or part[0].name in _REPEATS and part[1][0] == 0:
            continue
        chars = _chars(part, alphabet)
        if chars and not chars & banned and _min_width([part]) > 0:
            return False
    return True


def _disjoint_chain(body: list[Any], alphabet: str) -> bool:
    """Whether the body is parts of width one or more where each part's characters differ
    from the next part's (cyclically: an iteration's last part meets the next one's first)."""
    parts = [p for p in _sequence(body) if p[0].name not in ("AT", "ASSERT", "ASSERT_NOT")]
    if len(parts) < 2 or any(_min_width([p]) == 0 for p in parts):
        return False
    sets = [_chars(p, alphabet) for p in parts]
    return all(not (sets[i] & sets[(i + 1) % len(sets)]) for i in range(len(sets)))


def _sequence(items: list[Any]) -> list[tuple[Any, Any]]:
    """The items of a sequence with groups opened: each is matched once per iteration."""
    out = []
    for op, av in items:
        if op.name == "SUBPATTERN":
            out += _sequence(list(av[-1]))
        else:
            out.append((op, av))
    return out


def _variable_parts(items: list[Any]) -> list[tuple[Any, Any]]:
    """The parts of a sequence whose width varies: repeats with min != max, branches of
    alternatives of different widths (inside groups too)."""
    out = []
    for op, av in items:
        name = op.name
        if name in _REPEATS:
            low, high, body = av
            if low != high or _width(list(body)) is None:
                out.append((op, av))
        elif name == "SUBPATTERN":
            out += _variable_parts(list(av[-1]))
        elif name == "BRANCH":
            widths = {_width(list(b)) for b in av[1]}
            if len(widths) > 1 or None in widths:
                out.append((op, av))
            else:
                for b in av[1]:
                    out += _variable_parts(list(b))
    return out


def _width(items: list[Any]) -> int | None:
    """The fixed width of a sequence, or None when it varies."""
    try:
        low, high = _sre.SubPattern(_sre.State(), items).getwidth()
    except Exception:  # pragma: no cover - defensive
        return None
    return low if low == high else None


def _overlapping_branches(items: list[Any], alphabet: str) -> bool:
    for op, av in items:
        name = op.name
        if name == "BRANCH":
            # Two alternatives that can start alike, or both match nothing (the parser
            # factors a|a into a(?:|)), match one text two ways.
            firsts = [_first(list(b), alphabet) for b in av[1]]
            if sum(_min_width(list(b)) == 0 for b in av[1]) > 1:
                return True
            for i in range(len(firsts)):
                for j in range(i + 1, len(firsts)):
                    if firsts[i] & firsts[j]:
                        return True
            if any(_overlapping_branches(list(b), alphabet) for b in av[1]):
                return True
        elif name == "SUBPATTERN" and _overlapping_branches(list(av[-1]), alphabet):
            return True
    return False


def _first(items: list[Any], alphabet: str) -> set[str]:
    """The characters a sequence can start with (on the sample alphabet)."""
    out: set[str] = set()
    for op, av in items:
        name = op.name
        single = _single(op, av, alphabet)
        if single is not None:
            return out | single
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width
        if name == "SUBPATTERN":
            inner = list(av[-1])
            out |= _first(inner, alphabet)
            if _min_width(inner) > 0:
                return out
            continue
        if name == "BRANCH":
            for b in av[1]:
                out |= _first(list(b), alphabet)
            if all(_min_width(list(b)) > 0 for b in av[1]):
                return out
            continue
        if name in _REPEATS:
            low, _, body = av
            out |= _first(list(body), alphabet)
            if low > 0 and _min_width(list(body)) > 0:
                return out
            continue
        return out | set(alphabet)  # anything else: assume it can start anywhere
    return out


def _min_width(items: list[Any]) -> int:
    try:
        return int(_sre.SubPattern(_sre.State(), items).getwidth()[0])
    except Exception:  # pragma: no cover - defensive
        return 0


def _chars(part: tuple[Any, Any], alphabet: str) -> set[str]:
    """Every character a part can match anywhere inside it."""
    op, av = part
    name = op.name
    single = _single(op, av, alphabet)
    if single is not None:
        return single
    if name in _REPEATS:
        return _chars_of(list(av[2]), alphabet)
    if name == "SUBPATTERN":
        return _chars_of(list(av[-1]), alphabet)
    if name == "BRANCH":
        out: set[str] = set()
        for b in av[1]:
            out |= _chars_of(list(b), alphabet)
        return out
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return set()
    return set(alphabet)


def _chars_of(items: list[Any], alphabet: str) -> set[str]:
    out: set[str] = set()
    for part in items:
        out |= _chars(part, alphabet)
    return out


def _single(op: Any, av: Any, alphabet: str) -> set[str] | None:
    """The characters a one-character item matches; None when the item is not one."""
    name = op.name
    if name == "LITERAL":
        return {chr(av)}
    if name in ("NOT_LITERAL", "ANY"):
        return {c for c in alphabet if name == "ANY" or c != chr(av)}
    if name == "IN":
        return {c for c in alphabet if _in(av, c)}
    if name == "CATEGORY":
        return {c for c in alphabet if _in([(op, av)], c)}
    return None


def _in(items: list[Any], char: str) -> bool:
    code = ord(char)
    negate = False
    hit = False
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL" and code == av:
            hit = True
        elif name == "RANGE" and av[0] <= code <= av[1]:
            hit = True
        elif name == "CATEGORY" and re.fullmatch(_CATEGORY.get(av.name, "(?!)"), char):
            hit = True
    return hit != negate


_CATEGORY = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}
