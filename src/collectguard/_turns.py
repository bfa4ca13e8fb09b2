"""Speaker turns: in a transcript, only the agent's words are judged.

A call transcript gives each turn a speaker label (坐席：…, 客户：…, Agent: …, B: …). What
the customer or a third party says ("他欠的钱跟我没关系", "Does he owe you money?", "你们这帮
吸血鬼", "我要报警") cannot break a rule about what the agent says, so the text rules must not
see it. A policy declares the labels (``text.turns`` in the YAML); this module finds the
turns of a note and blanks out the others' turns in the folded text, once per note, before
any text rule runs:

- a turn starts with a label at the start of the text, of a line, or of a sentence (after
  。！？；, or ". "), followed by a colon (full or half width), optionally with a bracketed
  qualifier or a number between (客户（王先生）：, Customer (Mrs Lopez):, 客户1：);
- in speech-recognition output a Chinese label may stand at the start of a line without a
  colon, followed by a space (``客户 你再打我就…``);
- a note is read as a transcript only when it has at least one agent turn and one turn of
  someone else: a lone 联系人：… or 客户：… is a field of a summary, written by the agent;
- another's turn runs to the next turn (of anyone), the next line that starts with a
  label and a colon (a field such as 质检：), a blank line, or the end of the text;
- text outside the others' turns is the agent's: text before the first label, the agent's
  turns, and notes that are not transcripts.

Reported speech in a summary is read the same way when the policy lists the verbs of
saying (``text.turns.says``): a quotation that another party's label introduces with one
of them (客户说“你们就是骗子”, 客户话「我即刻报警」, The debtor called the agent a 'parasite'
and said 'have me arrested then') is the other's words, blanked out like their turns.
Each quotation is introduced by its own verb within its clause, and an agent's label in
between ends the run (客户问能否减免，坐席答复“可以免除利息”: the agent's offer stays); an
agent's label earlier in the clause makes the other the one spoken to (坐席对客户说“…”).

The blanked characters become line breaks, so nothing matches there and no clause, cue or
co-occurring group reaches across; the folded text keeps its length, so spans still map to
offsets in the text as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ._kinds.text_match import _trie
from ._normalize import Normalized, fold

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Where a turn can start: after a line break or the end of a sentence (folded: ！？； are !?;).
_TURN_BREAKS = "[\n。!?;.]"
_LINE_BREAKS = "\n"


class _AtStarts:
    """A pattern matched at the text's start and found right after each break character (one
    scan in C: a pattern that starts with a set of characters is searched fast, where ``^|``
    or a lookbehind would be tried at every position)."""

    __slots__ = ("start", "after")

    def __init__(self, source: str, breaks: str) -> None:
        self.start = re.compile(source)
        self.after = re.compile(breaks + source)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        found = self.start.match(text)
        if found is not None:
            yield found
        yield from self.after.finditer(text)


# A line starting with a short label and a colon (质检：, 备注：, Note:) ends another's turn.
_FIELD = _AtStarts(r"[ \t]*([^\s:,.!?;。，]{1,12})[ \t]?:", _LINE_BREAKS)


class Turns:
    """Compiled speaker labels: which turns of a note are not the agent's."""

    __slots__ = ("_turn", "_spoken", "_kinds", "_said", "_again", "_agent_before")

    def __init__(self, others: Iterable[str], agent: Iterable[str], says: Iterable[str] = ()) -> None:
        kinds: dict[str, str] = {}
        for kind, labels in (("agent", agent), ("other", others)):
            for label in labels:
                folded = fold(label).strip()
                if not folded:
                    raise ValueError(f"an empty {kind} label")
                if kinds.get(folded, kind) != kind:
                    raise ValueError(f"label {label!r} is both an agent label and another's")
                kinds[folded] = kind
        self._kinds = kinds
        # A label (a prefix tree: one pass whatever the number of labels) at a turn's start,
        # then a qualifier: a number (客户1) or a bracketed name (the opening bracket may have
        # been folded away between two Chinese characters: 客户（王先生）→ 客户王先生)), then
        # the colon; a Latin label ends at a word's end. In speech recognition output, a
        # Chinese label at a line's start (the space after it is checked in the original).
        labels = _trie(sorted(kinds))
        self._turn = _AtStarts(rf"[ \t]*(?P<label>{labels})"
                               r"(?:[ \t]?[0-9]{1,2}(?![0-9])|[ \t]?\(?[^()\n:]{1,16}\))?[ \t]?:", _TURN_BREAKS)
        spoken = _trie(sorted(label for label in kinds if _CJK.search(label))) or "(?!)"
        self._spoken = _AtStarts(rf"[ \t]*(?P<label>{spoken})", _LINE_BREAKS)
        verbs = sorted({fold(v).strip() for v in says if fold(v).strip()})
        self._said = self._again = self._agent_before = None
        if verbs:
            other = _trie(sorted(label for label, kind in kinds.items() if kind == "other"))
            agent_labels = _trie(sorted(label for label, kind in kinds.items() if kind == "agent"))
            verb = _trie(verbs)
            # within one clause; the agent may be named as the one spoken to (客户对坐席说,
            # the debtor called the agent a '…')
            gap = rf"[^\n。!?;.,{_OPENERS}]{{0,24}}?"
            # between two quotations, an agent's label ends the other's run
            again_gap = rf"(?:(?!{agent_labels})[^\n。!?;.,{_OPENERS}]){{0,24}}?"
            # another's label, a verb of saying, an opening quotation mark, in one sentence
            # (an apostrophe inside a word, can't, opens nothing)
            opener = rf"(?P<open>[{_OPENERS}])(?<![a-z0-9]')"
            # (a comma or colon may end the clause just before the mark: the wife asked, "…")
            self._said = re.compile(rf"(?<![a-z])(?:{other}){gap}(?<![a-z])(?:{verb}){gap}(?:[,:][ \t]*)?{opener}")
            # after a quotation: the next one, introduced by its own verb, no agent between
            # (or right after it, in a list: 骂坐席是“骗子”“吸血鬼”, 'liar', 'thief')
            self._again = re.compile(rf"(?:{again_gap}(?<![a-z])(?:{verb}){again_gap}|[\s、,和与及/]{{0,3}}){opener}")
            # an agent's label earlier in the clause makes the other party the one spoken to
            # (坐席对客户说“…”, the agent told the customer '…'): the quotation is the agent's
            self._agent_before = re.compile(rf"(?<![a-z])(?:{agent_labels})")

    def hidden(self, normalized: Normalized) -> list[tuple[int, int]]:
        """Folded spans of the turns that are not the agent's (empty: not a transcript)."""
        text = normalized.text
        markers: dict[int, str] = {}
        if ":" in text:  # a label and a colon at a turn's start
            for found in self._turn.finditer(text):
                markers[found.start("label")] = self._kinds[found.group("label")]
        kinds = set(markers.values())
        if ("agent" not in kinds or "other" not in kinds) and "\n" in text:
            for found in self._spoken.finditer(text):  # speech recognition: 客户 你再打… at a line's start
                if found.start("label") not in markers and _space_after(normalized, found.end("label")):
                    markers[found.start("label")] = self._kinds[found.group("label")]
            kinds = set(markers.values())
        if "agent" not in kinds or "other" not in kinds:
            return []
        for found in _FIELD.finditer(text):  # 质检：, 欠款： at a line's start end another's turn
            markers.setdefault(found.start(1), "field")
        ordered = sorted(markers.items())
        spans = []
        for i, (pos, kind) in enumerate(ordered):
            if kind != "other":
                continue
            end = ordered[i + 1][0] if i + 1 < len(ordered) else len(text)
            blank = _BLANK_LINE.search(text, pos, end)
            spans.append((pos, blank.start() + 1 if blank else end))
        return spans

    def quoted(self, normalized: Normalized) -> list[tuple[int, int]]:
        """Folded spans of quotations another party's label introduces with a verb of saying.
        Read on the text as written, folded character for character: folding proper drops
        a quotation mark between two Chinese characters (说“你们 reads 说你们)."""
        source = normalized.source
        if self._said is None or not any(q in source for q in _QUOTE_MARKS):
            return []
        found = self._quoted(_char_folded(source))
        if not found or normalized.origin is None:
            return found
        origin = normalized.origin
        return [(bisect_left(origin, start), bisect_left(origin, end)) for start, end in found]

    def _quoted(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        # (called only when the patterns are set: see quoted)
        for found in self._said.finditer(text):  # type: ignore[union-attr]
            if spans and found.start() < spans[-1][1]:
                continue
            clause = max(text.rfind(c, 0, found.start()) for c in _CLAUSE_BREAKS) + 1
            if self._agent_before.search(text, clause, found.start()):  # type: ignore[union-attr]
                continue
            if _ADDRESSED.search(text, max(clause, found.start() - 9), found.start()):
                continue  # 职员同借款人阿妈讲「…」, told the customer '…': the other is spoken to
            start = found.start("open")
            while True:
                end = _closing(text, start)
                if end is None:
                    break
                spans.append((start, end))
                again = self._again.match(text, end)  # type: ignore[union-attr]
                if again is None:
                    break
                start = again.start("open")
        return spans

    def mask(self, normalized: Normalized) -> Normalized:
        """The note with the others' turns and quotations blanked out (line breaks), or the
        note itself."""
        spans = sorted(self.hidden(normalized) + self.quoted(normalized))
        if len(spans) > 1:  # a quotation inside another's turn: one span
            merged = [spans[0]]
            for start, end in spans[1:]:
                if start < merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                else:
                    merged.append((start, end))
            spans = merged
        if not spans:
            return normalized
        text = normalized.text
        pieces, last = [], 0
        for start, end in spans:
            pieces.append(text[last:start])
            pieces.append("\n" * (end - start))
            last = end
        pieces.append(text[last:])
        return Normalized("".join(pieces), normalized.origin, normalized.source,
                          hidden=tuple(normalized.original_span(s, e) for s, e in spans))


_OPENERS = "\"“‘「『'"
_QUOTE_MARKS = _OPENERS + "＂＇"
_CLAUSE_BREAKS = "\n。!?;,，:"
# Words right before another's label that make them the one spoken to, not the speaker.
_ADDRESSED = re.compile(r"(?:[对向跟同和与给]|(?<![a-z])(?:to|told|tells|asked|informed|warned|reminded)"
                        r"(?: the| his| her| their)?\s)$")
_CLOSERS = {'"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "'": "'"}
_LONGEST_QUOTE = 400


@lru_cache(maxsize=8192)
def _char_fold(char: str) -> str:
    folded = fold(char)
    return folded if len(folded) == 1 else char


def _char_folded(text: str) -> str:
    """The text folded one character for one (case, width, Traditional), keeping offsets."""
    return "".join(map(_char_fold, text))


def _closing(text: str, start: int) -> int | None:
    """The end (after the closing mark) of the quotation opened at ``start``, or None when it
    does not close within a paragraph. A closing ' must not stand inside a word (don't)."""
    close = _CLOSERS[text[start]]
    limit = min(len(text), start + _LONGEST_QUOTE)
    i = start + 1
    while i < limit:
        char = text[i]
        if char == "\n" and text[i + 1:i + 2] == "\n":
            return None
        if char == close and (close != "'" or not text[i + 1:i + 2].isalpha()):
            return i + 1
        i += 1
    return None


def _space_after(normalized: Normalized, end: int) -> bool:
    """Whether the original text has white space right after the folded text's [..end)."""
    index = normalized.original_span(end - 1, end)[1]
    source = normalized.source
    return index < len(source) and source[index].isspace()
