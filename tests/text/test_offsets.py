"""Folding and the offset map, as properties: every folded span maps back exactly.

The folded text is what rules match; the original is what users see. For any folded span
that does not cut through one original character's expansion (``ﬁ`` → ``fi``), the
original slice it maps to must fold to exactly the span: nothing lost, nothing added.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from collectguard._normalize import Layers, normalize

# The word layers read a character by its neighbours (!ba is iba, ! alone is !): this
# property is of the character layers, which a slice folds the same way alone.
CHARACTERS_ONLY = Layers(leet={}, spelled_out=False, repeats=False).compiled()

# CJK (Simplified and Traditional), separators people put inside words, full-width forms,
# Latin in both cases, characters whose folding changes length, white space and breaks.
ALPHABET = st.sampled_from(list(
    "欠款债債務务還还錢钱賬账號号銀行逾期罰息減免法院律師坐牢他您"
    " -_.*·|/\\~+=#()（）【】\u200b\u200c\u200d\ufeff\u00ad\u3000\t\n\r"
    "，。；！？,;!?:"
    "ＡＢａｂ３４０１５6789AbCzß㎡ﬁİ½①"
))
TEXTS = st.text(ALPHABET, max_size=60)


def origin_of(n, text: str) -> list[int]:
    return list(range(len(text))) if n.origin is None else n.origin


@settings(max_examples=600, deadline=None)
@given(TEXTS)
@example("欠 款")
@example("ﬁ欠-款ﬁ")
@example("欠\u200b \u200b款")
def test_every_folded_character_has_an_original_index_in_order(text: str) -> None:
    n = normalize(text)
    origin = origin_of(n, text)
    assert len(origin) == len(n.text)
    assert all(0 <= i < len(text) for i in origin)
    assert origin == sorted(origin)


def whole(origin: list[int], start: int, end: int) -> bool:
    """The span starts and ends on the edges of original characters' expansions."""
    return ((start == 0 or origin[start - 1] != origin[start])
            and (end == len(origin) or origin[end] != origin[end - 1]))


@settings(max_examples=800, deadline=None)
@given(TEXTS, st.data())
@example("他欠 - 款３萬元", None)
def test_the_original_slice_folds_to_exactly_the_span(text: str, data) -> None:
    n = normalize(text, CHARACTERS_ONLY)
    if not n.text:
        return
    origin = origin_of(n, text)
    if data is None:
        start, end = 1, 3
    else:
        start = data.draw(st.integers(0, len(n.text) - 1))
        end = data.draw(st.integers(start + 1, len(n.text)))
    if not whole(origin, start, end):
        return
    s, e = n.original_span(start, end)
    assert 0 <= s < e <= len(text)
    assert normalize(text[s:e], CHARACTERS_ONLY).text == n.text[start:end], (text[s:e], n.text[start:end])


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_folding_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_spans_are_monotone(a: str, b: str) -> None:
    n = normalize(a + b)
    spans = [n.original_span(i, i + 1) for i in range(len(n.text))]
    assert spans == sorted(spans)
    assert all(s < e for s, e in spans)


def test_the_evasions_fold_to_one_spelling() -> None:
    for text in ("欠款", "欠 款", "欠-款", "欠*款", "欠_款", "欠.款", "欠·款", "欠|款", "欠/款",
                 "欠\u200b款", "欠\u3000款", "欠 - 款", "欠　＊　款"):
        assert normalize(text).text == "欠款", text
    assert normalize("３万").text == "3万"
    assert normalize("貳萬").text == normalize("贰万").text
    assert normalize("債務 帳單 銀行 滯納金 罰息 減免 逾期 檢察院 律師 詐騙 親戚 單位 連帶責任 擔保").text == \
        "债务账单银行滞纳金罚息减免逾期检察院律师诈骗亲戚单位连带责任担保"  # spaces between CJK go too
    assert normalize("WAIVE the Ｆｅｅ").text == "waive the fee"


def test_latin_words_keep_their_boundaries() -> None:
    assert normalize("late  fee").text == "late fee"
    assert normalize("late-fee").text == "late-fee"   # only separators between CJK go
    assert normalize("no. 5").text == "no. 5"
    assert normalize("他 owes 三万").text == "他 owes 三万"


def test_a_span_maps_to_what_the_user_wrote() -> None:
    text = "您弟弟 欠 - 款 ３萬 元，尾號６６８８"
    n = normalize(text)
    for folded, original in (("欠款", "欠 - 款"), ("3万元", "３萬 元"), ("尾号6688", "尾號６６８８")):
        i = n.text.index(folded)
        s, e = n.original_span(i, i + len(folded))
        assert text[s:e] == original


def test_a_run_of_leet_symbols_reads_the_same_twice() -> None:
    # Found by the property above: !!ß read as !iss, then as iiss.
    once = normalize("!!ß").text
    assert normalize(once).text == once
