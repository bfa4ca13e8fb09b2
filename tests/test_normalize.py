"""Folding notes for matching, and mapping every folded span back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from collectguard._normalize import Layers, fold, normalize

# The character layers alone: the word layers read a character by its neighbours, so a
# slice of the original may fold differently without them (A5A is aSa, 5A is 5a).
CHARACTERS_ONLY = Layers(leet={}, spelled_out=False, repeats=False).compiled()


def test_width_case_traditional_and_separators() -> None:
    assert normalize("他欠 款 ３万").text == "他欠款 3万"
    assert normalize("欠-款").text == "欠款"
    assert normalize("欠*款").text == "欠款"
    assert normalize("欠\u200b款").text == "欠款"
    assert normalize("他欠款，請儘快還錢").text.startswith("他欠款,请")
    assert normalize("WAIVE the Fee").text == "waive the fee"
    assert normalize("ＷＡＩＶＥ").text == "waive"
    assert fold("債務") == "债务"


def test_latin_words_keep_their_boundaries_and_lines_their_breaks() -> None:
    assert normalize("late   fee").text == "late fee"
    assert normalize("他欠\n款").text == "他欠\n款"  # a line break ends a sentence; it is not folded away


def test_spans_map_back_to_the_original() -> None:
    text = "您弟弟欠 - 款３萬元"
    n = normalize(text)
    start = n.text.index("欠款")
    s, e = n.original_span(start, start + 2)
    assert text[s:e] == "欠 - 款"
    start = n.text.index("3万")
    s, e = n.original_span(start, start + 2)
    assert text[s:e] == "３萬"


ALPHABET = st.sampled_from(list("欠款债務還钱他您 -*·._|/\n，。ＡＢａｂ３４5Ab\u200b\u3000ß㎡ﬁ"))


@settings(max_examples=400, deadline=None)
@given(st.text(ALPHABET, max_size=40), st.data())
def test_every_folded_span_maps_to_an_original_span_that_folds_to_it(text: str, data) -> None:
    n = normalize(text, CHARACTERS_ONLY)
    if n.origin is not None:
        assert len(n.origin) == len(n.text)
        assert n.origin == sorted(n.origin)
        assert all(0 <= i < len(text) for i in n.origin)
    if not n.text:
        return
    start = data.draw(st.integers(0, len(n.text) - 1))
    end = data.draw(st.integers(start + 1, len(n.text)))
    s, e = n.original_span(start, end)
    assert 0 <= s < e <= len(text)
    piece = n.text[start:end].strip()
    # The original slice, folded on its own, contains what was matched (separators at the
    # slice's edges may fold differently without their neighbours).
    assert piece.replace(" ", "") in normalize(text[s:e], CHARACTERS_ONLY).text.replace(" ", "")


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("ab jail-.*0134$@!|欠款 \n\u200bÀ")), max_size=40))
def test_the_word_layers_keep_the_map_in_order_and_in_bounds(text: str) -> None:
    n = normalize(text)
    origin = n.origin if n.origin is not None else list(range(len(n.text)))
    assert len(origin) == len(n.text)
    assert origin == sorted(set(origin))        # each folded character from its own original
    assert all(0 <= i < len(text) for i in origin)


def test_traditional_characters_beyond_the_domain_table_fold_too() -> None:
    # 夾 (the Cantonese 夾錢, "pool money") is not in the reviewed table; OpenCC's is.
    assert fold("夾吓錢，幫佢還") == "夹吓钱,帮他还"   # 佢 is Cantonese 他 (below)
    assert fold("乾淨，著名，狼藉") == "乾净,著名,狼藉"   # also ordinary Simplified: kept


def test_cantonese_function_characters_fold_to_their_mandarin_words() -> None:
    assert fold("佢欠我哋嘅錢唔還，搵咗佢冇？") == "他欠我们的钱不还,找了他没?"
    assert fold("畀返三萬蚊，嗰啲利息我哋唔收") == "给返三万蚊,那些利息我们不收"
    assert fold("妳先生") == "你先生"
    assert fold("俺们是工行的") == "我们是工行的"
    # Mandarin text is untouched; characters Mandarin also uses (係 系, 仲, 晒, 呢) stay as they are
    assert fold("他欠我们的钱不还，找了他没？") == "他欠我们的钱不还,找了他没?"
    assert fold("仲裁委，晒朋友圈，是吗呢") == "仲裁委,晒朋友圈,是吗呢"
    text = "佢唔還錢"
    n = normalize(text)
    assert n.text == "他不还钱" and n.original_span(0, 4) == (0, 4)   # one character for one


def test_the_dialect_pairs_fold_each_character_once() -> None:
    from collectguard._hanzi import DIALECT_PAIRS, TRADITIONAL_TO_SIMPLIFIED as table

    pairs = dict(zip(DIALECT_PAIRS[::2], DIALECT_PAIRS[1::2]))
    assert all(table[c] == m for c, m in pairs.items())
    assert not set(pairs.values()) & set(table)   # the Mandarin word is never folded again


def test_the_traditional_table_folds_each_character_once() -> None:
    from collectguard._hanzi import TRADITIONAL_TO_SIMPLIFIED as table

    assert len(table) > 4000
    chained = {t: s for t, s in table.items() if s in table}
    assert not chained, chained       # a Simplified form is never folded again
    assert all(len(t) == 1 and len(s) == 1 for t, s in table.items())


# -- the layers, each catching an evasion and leaving its lawful neighbour alone ----------

def test_format_characters_inside_a_word_are_dropped() -> None:
    # bidi marks and overrides, isolates, the combining grapheme joiner, variation selectors,
    # NUL, BEL and tag characters: each between 欠 and 款 hides nothing
    for hidden in ("\u200e", "\u202e", "\u2066", "\u034f", "\ufe0f", "\x00", "\x07", "\U000e0041", "\u00ad"):
        assert normalize(f"他欠{hidden}款").text == "他欠款", repr(hidden)
    assert normalize("他欠\n款").text == "他欠\n款"


def test_marks_drop_and_lookalike_letters_read_as_latin() -> None:
    assert normalize("fǎyuàn").text == "fayuan"
    assert normalize("Pоlicе").text == "police"          # Cyrillic о and е
    assert normalize("сουrt").text == "court"             # Cyrillic с, Greek ο and υ
    assert normalize("警察").text == "警察" and normalize("その").text == "その"
    n = normalize("а jail")                              # the map stays exact
    assert n.original_span(2, 6) == (2, 6)


def test_leet_reads_digits_and_symbols_inside_a_word() -> None:
    assert normalize("j4il").text == "jail"
    assert normalize("p0l1ce").text == "police"
    assert normalize("fr@ud, $cum").text == "fraud, scum"
    # numbers, times, amounts and chat numbers are left alone
    assert normalize("3w2 2k 10am 4pm $500 1.8w 24hrs a1").text == "3w2 2k 10am 4pm $500 1.8w 24hrs a1"


def test_a_word_spelt_out_reads_as_the_word() -> None:
    for spelt in ("a-r-r-e-s-t", "a.r.r.e.s.t", "a r r e s t", "A - R - R - E - S - T", "a*r*r*e*s*t"):
        n = normalize(f"you face {spelt} today")
        assert n.text == "you face arrest today", spelt
        start = n.text.index("arrest")
        s, e = n.original_span(start, start + 6)
        assert f"you face {spelt} today"[s:e] == spelt
    assert normalize("a.m. e.g. a loan").text == "a.m. e.g. a loan"   # two letters, or mixed separators
    assert normalize("plan a or b").text == "plan a or b"


def test_a_letter_repeated_reads_once() -> None:
    assert normalize("jaaaail").text == "jail"
    assert normalize("see you soon, all good").text == "see you soon, all good"


def test_a_policy_can_turn_each_word_layer_off() -> None:
    off = Layers(leet={}, spelled_out=False, repeats=False).compiled()
    assert normalize("j4il a-r-r-e-s-t jaaail", off).text == "j4il a-r-r-e-s-t jaaail"
    only_zero = Layers(leet={"0": "o"}).compiled()
    assert normalize("p0l1ce", only_zero).text == "pol1ce"
