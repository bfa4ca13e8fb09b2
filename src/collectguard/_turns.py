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
from collections.abc import Iterable

from ._normalize import Normalized, fold

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Where a turn can start: the text's start, a line's, or a sentence's (folded: ！？； are !?;).
_STARTS = re.compile(r"(?:^|(?<=[\n。!?;.]))[ \t]*(?=\S)")
# A line starting with a short label and a colon (质检：, 备注：, Note:) ends another's turn.
_FIELD = re.compile(r"[^\s:,.!?;。，]{1,12}[ \t]?:")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class Turns:
    """Compiled speaker labels: which turns of a note are not the agent's."""

    __slots__ = ("_label", "_kinds", "_cjk")

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
        self._cjk = {label: bool(_CJK.search(label)) for label in kinds}
        alternatives = "|".join(re.escape(label) for label in sorted(kinds, key=len, reverse=True))
        # label, then a qualifier: a number (客户1) or a bracketed name (the opening bracket
        # may have been folded away between two Chinese characters: 客户（王先生）→ 客户王先生)),
        # then the colon; a Latin label must end at a word's end.
        self._label = re.compile(
            rf"(?P<label>{alternatives})(?![a-z0-9])"
            r"(?P<qual>[ \t]?[0-9]{1,2}(?![0-9])|[ \t]?\(?[^()\n:]{1,16}\))?"
            r"(?P<colon>[ \t]?:)?")

    def hidden(self, normalized: Normalized) -> list[tuple[int, int]]:
        """Folded spans of the turns that are not the agent's (empty: not a transcript)."""
        text = normalized.text
        if ":" not in text and "\n" not in text:
            return []
        markers: list[tuple[int, str]] = []
        for start in _STARTS.finditer(text):
            pos = start.end()
            line_start = start.start() == 0 or text[start.start() - 1] == "\n"
            found = self._label.match(text, pos)
            if found is not None:
                label = found.group("label")
                if found.group("colon"):
                    markers.append((pos, self._kinds[label]))
                    continue
                if line_start and not found.group("qual") and self._cjk[label] \
                        and _space_after(normalized, found.end("label")):
                    markers.append((pos, self._kinds[label]))  # speech recognition: 客户 你再打…
                    continue
            if line_start and _FIELD.match(text, pos):
                markers.append((pos, "field"))
        kinds = {kind for _, kind in markers}
        if "agent" not in kinds or "other" not in kinds:
            return []
        spans = []
        for i, (pos, kind) in enumerate(markers):
            if kind != "other":
                continue
            end = markers[i + 1][0] if i + 1 < len(markers) else len(text)
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
