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

The blanked characters become line breaks, so nothing matches there and no clause, cue or
co-occurring group reaches across; the folded text keeps its length, so spans still map to
offsets in the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

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

    __slots__ = ("_turn", "_spoken", "_kinds")

    def __init__(self, others: Iterable[str], agent: Iterable[str]) -> None:
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

    def mask(self, normalized: Normalized) -> Normalized:
        """The note with the others' turns blanked out (line breaks), or the note itself."""
        spans = self.hidden(normalized)
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


def _space_after(normalized: Normalized, end: int) -> bool:
    """Whether the original text has white space right after the folded text's [..end)."""
    index = normalized.original_span(end - 1, end)[1]
    source = normalized.source
    return index < len(source) and source[index].isspace()
