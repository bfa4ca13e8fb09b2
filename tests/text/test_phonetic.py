"""The phonetic layer: Chinese words written by their sound are read back as the word."""

from __future__ import annotations

from typing import Any

import pytest

import collectguard
from collectguard._normalize import normalize
from collectguard._phonetic import Phonetic

LAYER = Phonetic(pinyin=["法院", "欠款", "坐牢"], homophones=["坐牢", "废物", "检察院"],
                 initials=["警察", "公安", "信用卡"], not_homophones=["作牢"])


def read(text: str) -> str:
    return LAYER.apply(normalize(text)).text


@pytest.mark.parametrize("written, read_as", [
    ("我们是fa院的", "我们是法院的"),
    ("法yuan已经受理", "法院已经受理"),
    ("他qian kuan三万", "他欠款三万"),
    ("他 QianKuan 三万", "他 欠款 三万"),
    ("ta qian kuan san wan bu huan jiu qu fa yuan", "ta 欠款 san wan bu huan jiu qu 法院"),  # a note all in pinyin
    ("fǎ yuàn已经立案", "法院已经立案"),                                                  # with its tones
    ("再不还就要做牢", "再不还就要坐牢"),                                                  # a homophone
    ("你就是个费物", "你就是个废物"),
    ("检查院的人", "检察院的人"),
    ("jc马上上门", "警察马上上门"),                                                      # initials
    ("找GA处理", "找公安处理"),
])
def test_a_word_written_by_its_sound_reads_as_the_word(written: str, read_as: str) -> None:
    assert read(written) == read_as


@pytest.mark.parametrize("text", [
    "women are here, fine",            # English, no Chinese: never read as pinyin
    "the fa yuan case",                # an English note with two pinyin-like words
    "我们这边women部门",                # "wo men" inside an English word is not 我们
    "预期收益不错",                     # a homophone that is a word of its own
    "作牢固一点",                       # a spelling the policy says is never a homophone
    "等于期望",
    "我们的app里面ok",                  # Latin words that are no term's initials
    "jc",                              # initials with no Chinese character beside them
    "法院和欠款都写对了",                # already written as the word: untouched
])
def test_lawful_neighbours_are_left_alone(text: str) -> None:
    assert read(text) == normalize(text).text


def test_evidence_points_at_the_spelling_as_written() -> None:
    text = "我们是fa yuan的"
    n = LAYER.apply(normalize(text))
    start = n.text.index("法院")
    s, e = n.original_span(start, start + 2)
    assert text[s:e] == "fa yuan"
    n = LAYER.apply(normalize("jc上门"))
    assert n.original_span(0, 2) == (0, 2)


def test_the_pack_reads_sounds_only_where_it_declares_the_layer(tmp_path) -> None:
    import yaml

    def load(phonetic: dict[str, Any] | None) -> collectguard.Policy:
        doc: dict[str, Any] = {
            "id": "p", "version": "1", "timezone": "Asia/Shanghai",
            "rules": [{"id": "crime", "kind": "text-match", "message": "m", "citation": "c",
                       "params": {"groups": {"jail": {"any": ["坐牢", "re:(?:去|进)派出所"]}},
                                  "fire_when": [["jail"]]}}]}
        if phonetic is not None:
            doc["text"] = {"phonetic": phonetic}
        path = tmp_path / "p.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        return collectguard.load_policy(path)

    ctx = {"party": "debtor"}
    without = load(None)
    with_layer = load({"terms": ["派出所"], "homophones": ["坐牢"]})
    for text in ("你要zuo lao了", "你要做牢了", "带你去pai chu suo"):
        assert without.check_note(text, ctx).allowed, text
        decision = with_layer.check_note(text, ctx)
        assert not decision.allowed, text
    decision = with_layer.check_note("带你去pai chu suo", ctx)
    assert decision.reasons[0].evidence["spans"][0]["text"] == "去pai chu suo"
    assert with_layer.check_note("带你去派对", ctx).allowed


@pytest.mark.parametrize("phonetic, message", [
    ({"homophones": ["jail"]}, "two or more Chinese characters"),
    ({"initials": ["警"]}, "two or more Chinese characters"),
    ({"pinyin": "yes"}, "boolean"),
])
def test_bad_phonetic_settings_are_refused(tmp_path, phonetic: dict[str, Any], message: str) -> None:
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"id": "p", "version": "1", "timezone": "Asia/Shanghai",
                                    "text": {"phonetic": phonetic},
                                    "rules": [{"id": "q", "kind": "contact-hours", "message": "m",
                                               "citation": "c", "params": {"from": "08:00", "until": "22:00"}}]},
                                   allow_unicode=True), encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match=message):
        collectguard.load_policy(path)


def test_bad_leet_maps_are_refused(tmp_path) -> None:
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"id": "p", "version": "1", "timezone": "Asia/Shanghai",
                                    "text": {"fold": {"leet": {"4": "AA"}}},
                                    "rules": [{"id": "q", "kind": "contact-hours", "message": "m",
                                               "citation": "c", "params": {"from": "08:00", "until": "22:00"}}]}),
                    encoding="utf-8")
    with pytest.raises(collectguard.PolicyError, match="leet maps one digit"):
        collectguard.load_policy(path)
