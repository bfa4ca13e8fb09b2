"""``text-match``: what a text says, judged by term groups, co-occurrence and cues.

    - id: unauthorized-waiver
      kind: text-match
      unless: {facts: {waiver_authorization: {present: true}}}
      params:
        groups:
          relief: {any: [减免, 免除, "re:免(收|掉|去)", waive, discount], cleared_by: [refusal]}
          charge: {any: [利息, 罚息, 滞纳金, 手续费, interest, fee]}
        fire_when: [[relief, charge]]        # any alternative: all its groups in one sentence
        cues:
          refusal: {any: [不能, 无法, "can't", cannot], before: 8}

A term is matched against the folded note (see ``_normalize``): terms are folded the same
way, so a rule may be written in Traditional or full-width characters and still match
every spelling (a ``re:`` pattern's Chinese characters fold the same way). A term starting
with ``re:`` is a regular expression; ``{amount}``, ``{card}`` and ``{cjk_number}`` inside
one stand for amounts of money, card or account numbers and Chinese numerals. Latin terms
match whole words.

A group's match is cleared when one of its ``cleared_by`` cues occurs within ``before``
characters before it, or ``after`` characters after it, in the same clause (cues do not
reach across ``，。；！？``, a line break or an English full stop). A group with ``unless``
(a condition on the note's context, e.g. ``{facts: {willing_to_repay: true}}``) is ignored
where that condition holds. The rule fires when, in one ``scope`` unit (a sentence by default),
every group of some ``fire_when`` alternative has a match left.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

try:  # the parser behind re, to judge a pattern's shape before it runs
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_parse as _sre_parser  # type: ignore[no-redef, unused-ignore]  # (used on Python 3.10)

from .._backtrack import exponential
from .._conditions import Condition
from .._errors import PolicyError
from .._hanzi import TRADITIONAL_TO_SIMPLIFIED
from .._normalize import fold
from .._phrase import PhraseError, compile_phrase, inflections
from .._scorer import LinearModel, features, load_models, meaningful
from ._base import CompileEnv, Finding, Kind, Params

# A number starts where a run of digits starts (not after a digit, nor after "digit,"): from
# inside "1,1,1,…" no match is tried again, so a long list of numbers is read in linear time.
_NUM = r"(?<![0-9])(?<![0-9],)[0-9][0-9,]*(?:\.[0-9]+)?"
_UNIT = r"(?:万|千|百|亿|w(?![a-z])|k(?![a-z]))"
_CURRENCY = (r"(?:元整|元|圆整|圆|块钱|块|蚊|rmb(?![a-z])|yuan|dollars?|usd(?![a-z])|pesos?(?![a-z])"
             r"|ringgit(?![a-z])|baht(?![a-z])|rupees?(?![a-z]))")
# 参 is the Traditional 參 folded: in amounts written out (參萬) it is the numeral 叁.
_CJK_DIGIT = "零〇一二两三四五六七八九十壹贰叁参肆伍陆柒捌玖拾"
_CJK_NUMBER = rf"[{_CJK_DIGIT}百千万亿佰仟]+"
_VAGUE = "几"  # 几千, 十几万, 好几万: an amount all the same

MACROS = {
    # An amount of money: ¥3,200 / 3200元 / 3,200 / 3200.50 / 3.5万 / 3万2千 / 两千五百元 /
    # 三万二 / 十几万 / 人民币叁万圆整 / $500 / HK$500 / RM 500 / PHP 500 / ₱500 / 500 pesos / 三千蚊. A bare
    # number is not an amount (phone numbers, dates, counts) unless its thousands are grouped or it
    # has cents and three digits or more. (Each currency word's first letter makes the pattern try
    # more places in English text, so only the ones the corpora use are here; the word boundary
    # before RM and PHP is checked after the word, where it costs nothing.)
    "amount": rf"(?:(?:[¥$￥₱]|rmb|cny|usd|人民币|rm(?<![a-z]..)|php(?<![a-z]...))\s?{_NUM}{_UNIT}?"
              rf"|{_NUM}\s?(?:{_UNIT}[0-9{_CJK_DIGIT}]?)+\s?{_CURRENCY}?"
              rf"|{_NUM}\s?{_CURRENCY}"
              rf"|(?<![0-9.,])[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]{{1,2}})?(?![0-9]|\.[0-9])"
              rf"|(?<![0-9.,])[0-9]{{3,}}\.[0-9]{{2}}(?![0-9.])"
              rf"|[{_CJK_DIGIT}{_VAGUE}]+[百千万亿佰仟][{_CJK_DIGIT}{_VAGUE}百千万亿佰仟]*多?{_CURRENCY}?"
              rf"|[{_CJK_DIGIT}]+{_CURRENCY})",
    # A card or account number, or a telling part of one: a tail (尾号6688, 卡号末尾6688,
    # 后4位1234, ending in 1234), a number of 13 or more digits in groups, or a masked one
    # (6222 **** 1234). A mobile number (11 digits) is not a card number.
    "card": r"(?:(?:尾号|尾数|末尾|末四位|后四位|末4位|后4位)[是为:\s]{0,3}[0-9]{3,4}"
            # A masked or spaced card number (6222 **** **** 1234, 6222-xxxx-xxxx-1234):
            # each repeat's body has one part its separator cannot match, so a long run
            # of * or spaces is read in linear time.
            r"|[0-9]{4}(?:[\s-]?[0-9*x]{4}){2,3}[\s-]?[0-9]{1,4}"
            r"|[0-9]{4}(?:[\s-]?[*x]){4,}[\s-]?[0-9]{4}"
            r"|(?:ending|ends) (?:in |with )?[0-9]{4}|last (?:four|4) digits)",
    "cjk_number": _CJK_NUMBER,
    # A share of the money: 30%, 30 percent, 7折, 七折, 六五折 (a price at 70% of it).
    "percent": r"(?:(?:(?<![0-9.])[0-9]{1,3}(?:\.[0-9]+)?"
               r"|(?<![a-z])(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
               r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
               r"\s?(?:%|％|percent(?![a-z])|per cent(?![a-z]))"
               r"|(?<![0-9])[1-9](?:\.[0-9])?折|[一二三四五六七八九]{1,2}折)",
}
_MACRO_NAMES = frozenset(MACROS)

_CLAUSE_END = "，,。；;！!？?\n:："
_SENTENCE_END = "。；;！!？?\n"


class TermGroup(Params):
    any: list[str] = Field(min_length=1, description="terms (folded literals) or 're:' regular expressions")
    cleared_by: list[str] = Field(default_factory=list, description="names of cues that clear this group's matches")
    unless: Condition | None = Field(None, description="the group is ignored where this matches the note's context")


class Cue(Params):
    any: list[str] = Field(min_length=1, description="cue terms or 're:' patterns")
    before: int = Field(0, ge=0, le=80, description="reach, in characters, before a match")
    after: int = Field(0, ge=0, le=80, description="reach, in characters, after a match")

    @model_validator(mode="after")
    def _reaches(self) -> Cue:
        if not self.before and not self.after:
            raise ValueError("a cue needs before or after: how many characters it reaches")
        return self


class Learned(Params):
    model: str = Field(min_length=1, description="a model file (collectguard-linear-1 JSON), relative to "
                       "the policy file; it holds weights under this rule's id")
    threshold: float = Field(ge=0.5, lt=1.0, description="the score at or above which the model alone "
                             "fires the rule")
    evidence: int = Field(3, ge=1, le=10, description="how many of the features that weighed most towards "
                          "the rule a decision names as its evidence")
    unless: Condition | None = Field(None, description="the model is not asked where this matches the "
                                           "note's context")
    cleared_by: list[str] = Field(default_factory=list, description="cues that clear what the model read "
                                  "near them, as they clear a group's terms (a refusal, the other party's "
                                  "request): those words do not count towards the score")


class TextMatchParams(Params):
    groups: dict[str, TermGroup] = Field(min_length=1, description="named term groups")
    fire_when: list[list[str]] = Field(min_length=1, description="alternatives; each a list of groups that must all "
                                       "match in one scope unit")
    cues: dict[str, Cue] = Field(default_factory=dict, description="named cues that clear matches nearby")
    scope: Literal["sentence", "clause", "text"] = Field("sentence", description="where co-occurring groups must be")
    learned: Learned | None = Field(None, description="a learned scorer beside the phrases: the rule "
                                          "also fires where its score reaches the threshold")

    @field_validator("fire_when")
    @classmethod
    def _non_empty(cls, value: list[list[str]]) -> list[list[str]]:
        if any(not alternative for alternative in value):
            raise ValueError("an empty alternative would fire on every text")
        return value

    @model_validator(mode="after")
    def _names_exist(self) -> TextMatchParams:
        for alternative in self.fire_when:
            for name in alternative:
                if name not in self.groups:
                    raise ValueError(f"fire_when names group '{name}', which is not in groups "
                                     f"({', '.join(self.groups)})")
        for group_name, group in self.groups.items():
            for cue in group.cleared_by:
                if cue not in self.cues:
                    raise ValueError(f"group '{group_name}' is cleared_by '{cue}', which is not in cues")
        for cue in self.learned.cleared_by if self.learned is not None else ():
            if cue not in self.cues:
                raise ValueError(f"learned is cleared_by '{cue}', which is not in cues")
        return self


class Terms:
    """A compiled term list: finds terms in folded text, Latin words whole.

    Literal terms are merged into one prefix tree (欠(?:款|钱|债)...): Python's regex
    engine tries every branch of a flat alternation at every position, and skips
    positions fast only when a pattern starts with a plain set of characters. So the
    tree starts with its first characters, a word boundary after a Latin term is a
    lookahead at its end, and the boundary before it is checked here, after the match.
    """

    __slots__ = ("literal", "patterns", "bounded", "_patterns_first", "_bounded_first")

    # Each (pattern, first, needs): ``first`` as below; ``needs`` the strings one of which
    # every match contains (None: not known), so a pattern whose strings are all absent
    # from the note is not run either: with hundreds of patterns most never can match.

    def __init__(self, literal: re.Pattern[str] | None, patterns: tuple[re.Pattern[str], ...],
                 bounded: tuple[re.Pattern[str], ...]) -> None:
        self.literal = literal
        self.patterns = patterns  # searched as written
        self.bounded = bounded    # Latin: must not follow a letter or digit
        # The characters a match of each pattern can start with (None: any): a pattern
        # none of whose first characters is in the note is not run at all, which skips
        # most English patterns on a Chinese note and most Chinese ones on an English one.
        self._patterns_first = tuple((p, *_filters(p)) for p in patterns)
        self._bounded_first = tuple((p, *_filters(p)) for p in bounded)

    def finditer(self, text: str, present: frozenset[str] | None = None) -> list[tuple[int, int]]:
        """``present``: the set of the text's characters, when the caller has it (one note,
        many groups: see :func:`characters`)."""
        spans = []
        if self.literal is not None:
            spans.extend(_whole(text, self.literal.finditer(text)))
        if present is None:
            present = frozenset(text)
        for pattern, first, needs in self._bounded_first:
            if (first is None or not first.isdisjoint(present)) and _may_match(needs, text):
                spans.extend(_whole(text, pattern.finditer(text)))
        for pattern, first, needs in self._patterns_first:
            if (first is None or not first.isdisjoint(present)) and _may_match(needs, text):
                spans.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
        spans.sort()
        return spans

    def search(self, text: str, lo: int, hi: int, present: frozenset[str] | None = None) -> str | None:
        """The first term found in text[lo:hi] (a cue near a match): the literals first, then
        each pattern that can start with a character the note has (the window is short, so
        only the first-character filter is worth its cost here)."""
        if lo >= hi:
            return None
        if self.literal is not None:
            for start, end in _whole(text, self.literal.finditer(text, lo, hi)):
                return text[start:end]
        if present is None:
            present = frozenset(text)
        for pattern, first, _needs in self._bounded_first:
            if first is None or not first.isdisjoint(present):
                for start, end in _whole(text, pattern.finditer(text, lo, hi)):
                    return text[start:end]
        for pattern, first, _needs in self._patterns_first:
            if first is None or not first.isdisjoint(present):
                match = pattern.search(text, lo, hi)
                if match is not None:
                    return match.group()
        return None


def characters(note: Any) -> frozenset[str]:
    """The set of characters in the note's folded text, read once per note (in its memo:
    per check, so threads and policies never share it) for all its rules' groups."""
    found = note.memo.get("characters")
    if found is None:
        found = note.memo["characters"] = frozenset(note.normalized.text)
    return found  # type: ignore[no-any-return]


def _may_match(needs: tuple[str, ...] | None, text: str) -> bool:
    if needs is None:
        return True
    for piece in needs:
        if piece in text:
            return True
    return False


def _filters(pattern: re.Pattern[str]) -> tuple[frozenset[str] | None, tuple[str, ...] | None]:
    """``_first_chars`` and ``_needs`` of a pattern from one parse of it (load time)."""
    try:
        tree = list(_sre_parser.parse(pattern.pattern))
    except Exception:
        return None, None
    return _first_of(tree), _needs(pattern, tree)


def _needs(pattern: re.Pattern[str], tree: list[Any] | None = None) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains; None when not known."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _required(tree if tree is not None else list(_sre_parser.parse(pattern.pattern)))
    except Exception:
        return None
    return tuple(sorted(found)) if found else None


def _required(items: list[Any]) -> set[str] | None:
    """The most selective set of strings one of which a match of the sequence must contain."""
    best: set[str] | None = None
    run = {""}  # the strings the current stretch of fixed characters can spell

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if not candidate or "" in candidate:
            return
        if best is None or min(map(len, candidate)) > min(map(len, best)) or (
                min(map(len, candidate)) == min(map(len, best)) and len(candidate) < len(best)):
            best = candidate

    for op, av in items:
        name = op.name
        if name == "LITERAL":
            run = {piece + chr(av) for piece in run}
            continue
        if name == "IN" and all(item_op.name == "LITERAL" for item_op, _ in av) and len(run) * len(av) <= 32:
            run = {piece + chr(item_av) for piece in run for _, item_av in av}  # 欠|借 parsed as [欠借]
            continue
        consider(run)
        run = {""}
        if name == "SUBPATTERN":
            if not av[1] & re.IGNORECASE:  # a (?i:...) group matches other cases
                consider(_required(list(av[-1])))
        elif name in _UNBOUNDED or name == "POSSESSIVE_REPEAT":
            if av[0] >= 1:
                consider(_required(list(av[-1])))
        elif name == "BRANCH":
            branches = [_required(list(branch)) for branch in av[1]]
            if all(branches):
                consider(set().union(*branches))  # type: ignore[arg-type]
        # anything else (a wide class, a lookaround, an anchor) requires nothing by itself
    consider(run)
    return best


def _first_chars(source: str) -> frozenset[str] | None:
    """Characters every match of ``source`` starts with one of; None when not known."""
    try:
        return _first_of(list(_sre_parser.parse(source)))
    except Exception:
        return None


def _first_of(tree: list[Any]) -> frozenset[str] | None:
    found = _first(tree)
    return frozenset(chr(c) for c in found) if found else None


def _first(items: list[Any]) -> set[int] | None:
    """Code points a match of the parsed sequence ``items`` can start with; None if unknown."""
    chars: set[int] = set()
    for op, av in items:
        name = op.name
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width: the next item starts the match
        if name == "LITERAL":
            return chars | {av}
        if name == "IN":
            for item_op, item_av in av:
                if item_op.name == "LITERAL":
                    chars.add(item_av)
                elif item_op.name == "RANGE" and item_av[1] - item_av[0] <= 1024:
                    chars.update(range(item_av[0], item_av[1] + 1))
                else:  # a negated set, a category such as \\s, a wide range
                    return None
            return chars
        if name == "BRANCH":
            nullable = False
            for branch in av[1]:
                found = _first(list(branch))
                if found is None:
                    return None
                chars |= found
                nullable = nullable or branch.getwidth()[0] == 0
            if nullable:
                continue
            return chars
        if name == "SUBPATTERN" or name in _UNBOUNDED or name == "POSSESSIVE_REPEAT":
            body = av[-1]
            found = _first(list(body))
            if found is None:
                return None
            chars |= found
            low = av[0] if name != "SUBPATTERN" else 1
            if low > 0 and body.getwidth()[0] > 0:
                return chars
            continue
        return None  # any character, a back reference, a conditional...
    return None  # the pattern can match the empty string


def _whole(text: str, matches: Any) -> Any:
    """Spans of the matches that do not start inside a Latin word."""
    for match in matches:
        start, end = match.span()
        if end > start and not (start and _alnum(text[start]) and _alnum(text[start - 1])):
            yield start, end


def expand(terms: list[str], where: str, lexicons: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The terms with each ``@name`` replaced by the lexicon's terms."""
    out: list[str] = []
    for term in terms:
        if term.startswith("@"):
            out.extend(_lexicon(term[1:], where, lexicons))
        else:
            out.append(term)
    return out


def _lexicon(name: str, where: str, lexicons: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    found = lexicons.get(name)
    if found is None:
        known = ", ".join(sorted(lexicons)) or "none declared"
        raise ValueError(f"{where}: no lexicon named '{name}' (lexicons: {known})")
    return found


_LEXICON_REF = re.compile(r"\{@([a-z][a-z0-9_]*)\}")


def _with_lexicons(source: str, where: str, lexicons: Mapping[str, tuple[str, ...]]) -> str:
    """A pattern with each ``{@name}`` replaced by an alternation of the lexicon's terms,
    folded as notes are, the longest first."""
    def alternation(match: re.Match[str]) -> str:
        words = sorted({fold(t).strip() for t in _lexicon(match.group(1), where, lexicons)}, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(re.escape(w) for w in words) + ")"
    return _LEXICON_REF.sub(alternation, source)


def compile_terms(terms: list[str], where: str, lexicons: Mapping[str, tuple[str, ...]] | None = None) -> Terms:
    """Compile a list of terms (literals, ``@lexicon`` names, or 're:' patterns); ValueError
    names a bad one."""
    patterns, literals, bounded = [], [], []
    lexicons = lexicons or {}
    for term in expand(terms, where, lexicons):
        if term.startswith(("re:", "phrase:")):
            if term.startswith("phrase:"):
                try:
                    source = _pattern(compile_phrase(term[7:], lexicons, _MACRO_NAMES), where)
                except PhraseError as exc:
                    raise ValueError(f"{where}: {exc}") from None
            else:
                source = _pattern(_with_lexicons(term[3:], where, lexicons), where)
            # A leading word-boundary lookbehind keeps the regex engine from skipping
            # ahead by first character; it is checked after the match instead.
            for boundary in _LEADING_BOUNDARIES:
                if source.startswith(boundary):
                    bounded.append(f"(?:{source[len(boundary):]})")
                    break
            else:
                patterns.append(f"(?:{source})")
            continue
        folded = fold(term).strip()
        if folded.endswith("+") and len(folded) > 1:  # liar+: liar, liars, lied ...; late fee+: late fees
            literals += _inflected(folded[:-1], where)
            continue
        if not folded:
            raise ValueError(f"{where}: an empty term")
        literals.append(folded)
    return Terms(re.compile(_trie(sorted(set(literals)))) if literals else None,
                 tuple(_compiled(p, where) for p in patterns), tuple(_compiled(p, where) for p in bounded))


def _inflected(term: str, where: str) -> list[str]:
    """A term whose last English word is written ``word+``: that word in each of its
    regular forms (owe+: owe, owes, owed, owing; late fee+: late fee, late fees)."""
    last = term.rsplit(" ", 1)[-1]
    if not last.isascii() or not last.isalpha():
        raise ValueError(f"{where}: '+' (inflections) belongs to an English word, not {term + '+'!r}")
    head = term[:len(term) - len(last)]
    return [head + form for form in sorted(inflections(last))]


def _compiled(wrapped: str, where: str) -> re.Pattern[str]:
    """Compile ``(?:source)``; an error is reported against the source as written."""
    try:
        return re.compile(wrapped)
    except (re.error, OverflowError, RecursionError) as wrapped_error:
        source = wrapped[3:-1]
        try:
            re.compile(source)
        except (re.error, OverflowError, RecursionError) as exc:
            raise ValueError(f"{where}: pattern {source!r} does not compile: {exc}") from None
        # Valid alone, not inside a group: a global flag such as (?i) in the middle.
        raise ValueError(f"{where}: pattern {source!r} does not compile as one of several terms "
                         f"({wrapped_error}); scope flags to a group, e.g. (?i:...)") from None


_LEADING_BOUNDARIES = ("(?<![a-z0-9])", "(?<![a-z])")


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _pattern(source: str, where: str) -> str:
    for macro, expansion in MACROS.items():
        source = source.replace("{" + macro + "}", expansion)
    if exponential(source):
        raise ValueError(f"{where}: pattern {source!r} nests quantifiers and can take "
                         "exponential time on a near miss; rewrite it without (x+)+, (a|aa)+ or "
                         "(x+y?)+ (a repeat whose body can match one text two ways)")
    # Its Chinese characters fold as a note's do (幫佢還 is 帮他还 in a note, so in a
    # pattern too); one character for one, and none of them means anything to re.
    return source.translate(_HANZI)  # compiled once, wrapped, by compile_terms


_HANZI = {ord(t): s for t, s in TRADITIONAL_TO_SIMPLIFIED.items()}


_UNBOUNDED = ("MAX_REPEAT", "MIN_REPEAT")


def _trie(words: list[str]) -> str:
    """A regex matching the longest of ``words`` at a position."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = _alnum(word[-1])
    return _trie_node(root)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(node[char]) for char in sorted(k for k in node if k)]
    if "" in node:
        # A word may end here; a Latin word only where no letter or digit follows.
        end = "(?![a-z0-9])" if node[""] else ""
        if not branches:
            return end
        return "(?:" + "|".join(branches) + ("|" + end if end else "|") + ")"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


class _Group:
    __slots__ = ("name", "pattern", "cues", "unless")

    def __init__(self, name: str, spec: TermGroup, cues: dict[str, _Cue], rule_id: str,
                 lexicons: Mapping[str, tuple[str, ...]]) -> None:
        self.name = name
        self.pattern = compile_terms(spec.any, f"groups.{name}", lexicons)
        self.cues = tuple(cues[c] for c in spec.cleared_by)
        self.unless = spec.unless


class _Cue:
    __slots__ = ("name", "pattern", "before", "after")

    def __init__(self, name: str, spec: Cue, lexicons: Mapping[str, tuple[str, ...]]) -> None:
        self.name = name
        self.pattern = compile_terms(spec.any, f"cues.{name}", lexicons)
        self.before = spec.before
        self.after = spec.after

    def clears(self, text: str, start: int, end: int, clause: tuple[int, int],
               present: frozenset[str] | None = None) -> str | None:
        """The cue text found near [start, end) within its clause [clause), or None."""
        if self.before:
            found = self.pattern.search(text, max(clause[0], start - self.before), start, present)
            if found:
                return found
        if self.after:
            found = self.pattern.search(text, end, min(clause[1], end + self.after), present)
            if found:
                return found
        return None


_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_END)}]")


def _breaks(text: str, ends: str | None) -> list[int]:
    """Sorted starts of the units after the first: after each character of ``ends`` (None:
    clauses) and after each English full stop (". " after a word, see ``_latin_stops``)."""
    if ends is None:
        starts = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
    else:
        starts = [i + 1 for i, c in enumerate(text) if c in ends]
    if ". " in text:
        starts += _latin_stops(text)
        starts.sort()
    return starts


# A full stop after a word ends an English sentence, so it ends a clause too: a cue in one
# sentence ("We won't call after 9pm.") does not clear a term in the next, and groups that
# must share a clause do not meet across sentences. A separator-folded "欠.款" has no space.
# Not after a title or a common abbreviation (Mr. Tan, e.g. this, Sdn. Bhd.) or an initial.
_LATIN_STOP = re.compile(r"([a-z0-9][a-z0-9.']*)\. ")
_ABBREVIATIONS = frozenset("mr mrs ms mdm dr prof st no nos vs jr sr co ltd inc bhd sdn corp "
                           "approx ref tel fig dept e.g i.e a.m p.m u.s".split())


def _latin_stops(text: str) -> list[int]:
    return [m.end() for m in _LATIN_STOP.finditer(text)
            if len(m.group(1)) > 1 and m.group(1) not in _ABBREVIATIONS]


def _clause(text: str, starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from after the break before it to the break after it."""
    i = bisect_right(starts, start)
    lo = starts[i - 1] if i else 0
    j = bisect_right(starts, end - 1)
    hi = starts[j] - 1 if j < len(starts) else len(text)
    return lo, hi


def _units(text: str, scope: str) -> list[int]:
    """Sorted starts of the scope units after the first (the unit of i is bisect_right(starts, i))."""
    if scope == "text":
        return []
    return _breaks(text, _SENTENCE_END if scope == "sentence" else None)


class TextMatch:
    __slots__ = ("groups", "fire_when", "scope", "model", "threshold", "evidence_count", "model_unless",
                 "model_cues")

    def __init__(self, params: TextMatchParams, rule_id: str, model: LinearModel | None = None,
                 lexicons: Mapping[str, tuple[str, ...]] | None = None) -> None:
        lexicons = lexicons or {}
        cues = {name: _Cue(name, spec, lexicons) for name, spec in params.cues.items()}
        self.groups = {name: _Group(name, spec, cues, rule_id, lexicons) for name, spec in params.groups.items()}
        self.fire_when = tuple(tuple(alternative) for alternative in params.fire_when)
        self.scope = params.scope
        self.model = model
        learned = params.learned
        self.threshold = learned.threshold if learned is not None else 1.0
        self.evidence_count = learned.evidence if learned is not None else 0
        self.model_unless = learned.unless if learned is not None else None
        self.model_cues = tuple(cues[c] for c in learned.cleared_by) if learned is not None else ()

    def _learned(self, note: Any) -> tuple[float, list[tuple[float, str, int, int]]] | None:
        """The model's score and the features present, or None where the model is not asked."""
        if self.model is None or (self.model_unless is not None and self.model_unless.matches(note.context)):
            return None
        # The features are the same for every rule's model: read once per note, and looked
        # up once for every rule of the model file.
        index = self.model.index
        by_rule = note.memo.get(index)
        if by_rule is None:
            by_rule = note.memo[index] = index.present(self._features(note))
        present = by_rule.get(self.model.rule, [])
        score = self.model.rescore(present)
        if score < self.threshold or not self.model_cues:
            return score, present
        # Would fire: what it read near a refusal (or another clearing cue) does not count.
        text = note.normalized.text
        starts = _breaks(text, None)
        chars = characters(note)
        kept = [p for p in present if p[0] <= 0 or not any(
            cue.clears(text, p[2], p[3], _clause(text, starts, p[2], p[3]), chars) for cue in self.model_cues)]
        if len(kept) == len(present):
            return score, present
        return self.model.rescore(kept), kept

    @staticmethod
    def _features(note: Any) -> list[tuple[str, int, int]]:
        found = note.memo.get("features")
        if found is None:
            found = note.memo["features"] = list(features(note.normalized.text))
        return found  # type: ignore[no-any-return]

    def _learned_evidence(self, note: Any, score: float, present: list[tuple[float, str, int, int]]
                          ) -> dict[str, Any]:
        """The spans of the features that weighed most towards the rule, in the original text."""
        weighed = sorted((p for p in present if p[0] > 0), key=lambda p: -p[0])
        # Shown: the features with a word of their own meaning (the model does not fire on
        # function words alone, see _has_evidence).
        top = [p for p in weighed if meaningful(p[1])][:self.evidence_count]
        spans = []
        seen = set()
        for _, _, s, e in sorted(top, key=lambda p: (p[2], p[3])):
            start, end = note.normalized.original_span(s, e)
            if (start, end) not in seen:
                seen.add((start, end))
                spans.append({"start": start, "end": end, "text": note.text[start:end]})
        return {"spans": spans, "terms": {"learned": [f for _, f, _, _ in top]},
                "score": round(score, 3), "model": self.model.source if self.model else None}

    def _scan(self, note: Any, trace: bool) -> tuple[dict[str, list[tuple[int, int]]], list[dict[str, Any]]]:
        text = note.normalized.text
        found: dict[str, list[tuple[int, int]]] = {}
        cleared: list[dict[str, Any]] = []
        clause_starts: list[int] | None = None
        present = characters(note)
        for name, group in self.groups.items():
            if group.unless is not None and group.unless.matches(note.context):
                if trace:
                    cleared.append({"group": name, "by": f"unless ({group.unless.describe()})"})
                continue
            spans = []
            for start, end in group.pattern.finditer(text, present):
                cue = None
                if group.cues:
                    if clause_starts is None:
                        clause_starts = _breaks(text, None)
                    clause = _clause(text, clause_starts, start, end)
                else:
                    clause = (0, 0)
                for candidate in group.cues:
                    hit = candidate.clears(text, start, end, clause, present)
                    if hit is not None:
                        cue = (candidate.name, hit)
                        break
                if cue is None:
                    spans.append((start, end))
                elif trace:
                    cleared.append({"group": name, "term": text[start:end], "by": cue[0], "cue": cue[1]})
            if spans:
                found[name] = spans
        return found, cleared

    def _fire(self, note: Any, found: dict[str, list[tuple[int, int]]]) -> list[tuple[str, int, int]]:
        """The matches that make the rule fire: (group, start, end) in folded offsets."""
        hits: set[tuple[str, int, int]] = set()
        starts: list[int] | None = None
        for alternative in self.fire_when:
            if not all(name in found for name in alternative):
                continue
            if len(alternative) == 1 or self.scope == "text":
                hits.update((name, s, e) for name in alternative for s, e in found[name])
                continue
            if starts is None:
                starts = _units(note.normalized.text, self.scope)
            by_unit: dict[int, dict[str, list[tuple[int, int]]]] = {}
            for name in alternative:
                for s, e in found[name]:
                    by_unit.setdefault(bisect_right(starts, s), {}).setdefault(name, []).append((s, e))
            for unit in by_unit.values():
                if len(unit) == len(alternative):
                    hits.update((name, s, e) for name, spans in unit.items() for s, e in spans)
        return sorted(hits, key=lambda h: (h[1], h[2]))

    def _evidence(self, note: Any, hits: list[tuple[str, int, int]]) -> dict[str, Any]:
        spans: list[dict[str, Any]] = []
        terms: dict[str, list[str]] = {}
        seen = set()
        for name, s, e in hits:
            start, end = note.normalized.original_span(s, e)
            if (start, end) not in seen:
                seen.add((start, end))
                spans.append({"start": start, "end": end, "text": note.text[start:end]})
            terms.setdefault(name, []).append(note.normalized.text[s:e])
        spans.sort(key=lambda span: (span["start"], span["end"]))
        return {"spans": spans, "terms": terms}

    def check(self, note: Any) -> Finding | None:
        found, _ = self._scan(note, trace=False)
        hits = self._fire(note, found) if found else []
        if hits:
            return Finding(evidence=self._evidence(note, hits))
        learned = self._learned(note)
        if learned is not None and learned[0] >= self.threshold and _has_evidence(learned[1]):
            score, present = learned
            return Finding(evidence=lambda: self._learned_evidence(note, score, present))
        return None

    def explain(self, note: Any) -> dict[str, Any]:
        found, cleared = self._scan(note, trace=True)
        hits = self._fire(note, found)
        matched = {name: [note.normalized.text[s:e] for s, e in spans] for name, spans in found.items()}
        out = {"matched": matched, "cleared": cleared, "fire_when": [list(a) for a in self.fire_when],
               "fired_on": self._evidence(note, hits)["spans"] if hits else []}
        learned = self._learned(note)
        if learned is not None:
            score, present = learned
            out["learned"] = {"score": round(score, 3), "threshold": self.threshold,
                              "fires": score >= self.threshold and _has_evidence(present),
                              "weighed": self._learned_evidence(note, score, present)["terms"]["learned"]}
        hidden = getattr(note.normalized, "hidden", ())
        if hidden:  # others' turns in a transcript, left out of matching
            out["not_agent"] = [{"start": s, "end": e, "text": note.text[s:e]} for s, e in hidden]
        return out


def _has_evidence(present: list[tuple[float, str, int, int]]) -> bool:
    """A model's deny must show what it read: a feature of its own meaning weighing towards
    the rule (a score carried by "the", "is" or "你们" alone is no evidence)."""
    return any(weight > 0 and meaningful(feature) for weight, feature, _, _ in present)


def _compile(params: TextMatchParams, env: CompileEnv) -> TextMatch:
    model = None
    if params.learned is not None:
        path = Path(params.learned.model)
        if not path.is_absolute():
            if env.source_dir is None:
                raise ValueError(f"learned.model {params.learned.model!r}: a relative path needs a policy file")
            path = env.source_dir / path
        key = f"models:{path}"
        models = env.shared.get(key)
        if models is None:
            models = env.shared[key] = load_models(path)
        model = models.get(env.rule_id)
        if model is None:
            raise ValueError(f"model file {path}: has no weights for rule '{env.rule_id}' "
                             f"(it has: {', '.join(sorted(models))})")
    return TextMatch(params, env.rule_id, model, env.lexicons)


# Regex syntax a literal term is unlikely to mean: a literal "(?:a|b)" never matches.
_PATTERN_SYNTAX = re.compile(r"\(\?|\||\\[dswbDSWB]|\[\^?[^\]]*\]|\.\*|\.\+|\)[?*+]")
_LONG_PATTERN = 80
_LEXICON_USE = re.compile(r"^@([a-z][a-z0-9_]*)$|\{@([a-z][a-z0-9_]*)\}")
_PHRASE_LEXICON = re.compile(r"@([a-z][a-z0-9_]*)")


def _terms_at(params: TextMatchParams) -> Any:
    """(table, group name, index, term) of every term in the groups and cues."""
    for table in ("groups", "cues"):
        for name, group in getattr(params, table).items():
            for i, term in enumerate(group.any):
                yield table, name, i, term


def _lint(rule: Any, where: tuple[Any, ...], doc: Any) -> list[PolicyError]:
    """Literal terms that look like patterns, and raw patterns too long to review."""
    problems = []
    for table, name, i, term in _terms_at(rule.params):
        if not term.startswith(("re:", "phrase:")) and _PATTERN_SYNTAX.search(term):
            line, col = doc.position(where + ("params", table, name, "any", i))
            problems.append(PolicyError(
                f"rule '{rule.id}': term {term!r} in {table}.{name} looks like a pattern but is "
                "matched as literal text", path=doc.path, line=line, column=col, level="warning",
                check="literal-looks-like-pattern", hint=f'write it as a pattern: "re:{term}"'))
        if term.startswith("re:") and len(term) - 3 > _LONG_PATTERN:
            line, col = doc.position(where + ("params", table, name, "any", i))
            problems.append(PolicyError(
                f"rule '{rule.id}': a raw pattern of {len(term) - 3} characters in {table}.{name}",
                path=doc.path, line=line, column=col, level="warning", check="long-pattern",
                hint="name its word lists as lexicons ({@name}) or split it into terms"))
    return problems


def _lexicons(params: TextMatchParams) -> set[str]:
    used: set[str] = set()
    for _, _, _, term in _terms_at(params):
        for match in _LEXICON_USE.finditer(term):
            used.add(match.group(1) or match.group(2))
        if term.startswith("phrase:"):
            used.update(_PHRASE_LEXICON.findall(term))
    return used


def _phonetic_terms(params: TextMatchParams, lexicons: Mapping[str, tuple[str, ...]]) -> list[str]:
    from .._phonetic import terms_of

    return terms_of([params], lexicons)


KIND = Kind(
    name="text-match",
    subject="text",
    params=TextMatchParams,
    compile=_compile,
    summary="what a text says: term groups that co-occur, cleared by nearby cues (negation, refusal)",
    lint=_lint,
    lexicons=_lexicons,
    terms=_phonetic_terms,
)
