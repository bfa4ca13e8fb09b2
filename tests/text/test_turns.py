"""Speaker turns: in a transcript the text rules judge only the agent's words.

A policy declares its speaker labels under ``text.turns``; the turns of anyone else (the
customer, a relative, a receptionist) are left out of matching, in every script and label
form, and spans still point into the text as written.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import collectguard
from collectguard._errors import PolicyError
from collectguard._normalize import normalize
from collectguard._turns import Turns
from conftest import policy_from

D = {"party": "debtor"}
T = {"party": "third_party", "relation": "sibling"}

RULES = """
rules:
  - id: disclosure
    kind: text-match
    when: {parties: [third_party]}
    params:
      groups:
        debt: {any: [欠款, 欠钱, 欠的钱, owe, owes]}
      fire_when: [[debt]]
    message: Tells a third party about the debt.
    citation: 第九条5
  - id: abuse
    kind: text-match
    params:
      groups:
        insult: {any: [骗子, 吸血鬼, 弄死你, scammers]}
      fire_when: [[insult]]
    message: Insults.
    citation: 第九条1
"""
HEAD = 'id: t\nversion: "1"\ntimezone: Asia/Shanghai\n'
TURNS = "text:\n  turns:\n    others: [客户, 联系人, B, Customer]\n    agent: [坐席, 专员, 质检, A, Agent]\n"


@pytest.fixture(scope="module")
def policy() -> collectguard.Policy:
    return policy_from(HEAD + TURNS + RULES)


@pytest.fixture(scope="module")
def plain() -> collectguard.Policy:
    return policy_from(HEAD + RULES)


def fired(policy: collectguard.Policy, text: str, context: dict) -> set[str]:
    return {r.rule for r in policy.check_note(text, context).reasons}


@pytest.mark.parametrize("text, context", [
    ("客户：你们催债的吧？他欠的钱跟我没关系！\n坐席：抱歉打扰，我们不会再拨打这个号码。", T),
    ("客户：你再打来我找人弄死你。\n坐席：先生请您冷静。\n客户：你们这帮吸血鬼！\n坐席：好的，再见。", D),
    ("Agent: Hi, is this Mrs Lopez?\nCustomer: Is he in trouble? Does he owe you money?\n"
     "Agent: I can only discuss the matter with him.", T),
    ("A：您好，请问是李明的哥哥吗？\nB：是，他是不是欠钱了？\nA：麻烦您让他回个电话。", T),
    ("專員：您好，請問是林小姐嗎？\n客戶：你們是不是騙子？\n專員：我們受銀行委託。", D),   # Traditional labels fold
    ("坐席：请问您是？客户（王先生）：你们是骗子吧。坐席：我们受银行委托。", D),          # inline, qualified
    ("CUSTOMER (Mr Tan): Are you scammers?\nAGENT: No sir, we are appointed by the bank.", D),
    ("客户 你们 就是 骗子 弄死你\n坐席 嗯 好的 您有这个权利", D),                       # speech recognition
])
def test_the_others_turns_are_not_matched(policy, plain, text: str, context: dict) -> None:
    assert fired(policy, text, context) == set()
    assert fired(plain, text, context) != set(), "without turns the same words fire"


@pytest.mark.parametrize("text, context, rule", [
    ("客户：我不清楚。\n坐席：他欠款三万，你让他赶紧还。", T, "disclosure"),
    ("Customer: Who is this?\nAgent: Your brother owes us $3,000.", T, "disclosure"),
    ("客户：你们是哪里？\n坐席：你这个骗子还敢问？", D, "abuse"),
    # the agent's turn ends the customer's, inline too
    ("客户：行吧。坐席：你这个骗子。", D, "abuse"),
    # a line starting with a field label (欠款：) ends the customer's turn
    ("坐席：您好。\n客户：嗯。\n欠款：三万，他欠款没还", T, "disclosure"),
    # a blank line ends it as well
    ("坐席：您好。\n客户：嗯。\n\n他欠款三万没还", T, "disclosure"),
])
def test_the_agents_words_still_fire(policy, text: str, context: dict, rule: str) -> None:
    assert rule in fired(policy, text, context)


@pytest.mark.parametrize("text", [
    "联系人（同事）：已告知其欠款未结清，同事称会转达。",   # a summary's field, no agent turn: not a transcript
    "客户：张三\n他欠款三万未还",                              # a form, not a dialogue
    "Customers: he still owes us money.",                      # not the label 'customer'
    "客户说他欠款三万。坐席告知会转达。",                        # no colon: a summary line, not a turn
])
def test_notes_that_are_not_transcripts_are_read_whole(policy, text: str) -> None:
    assert "disclosure" in fired(policy, text, T)


def test_spans_point_into_the_text_as_written(policy) -> None:
    text = "客戶：他是不是欠錢了？\n專員：他欠 款三萬，請轉告他。"
    reason = policy.check_note(text, T).reasons[0]
    assert [text[s["start"]:s["end"]] for s in reason.evidence["spans"]] == ["欠 款"]
    assert all(s["text"] == text[s["start"]:s["end"]] for s in reason.evidence["spans"])


def test_explain_names_the_turns_left_out(policy) -> None:
    text = "客户：你们是骗子。\n坐席：好的。"
    decision = policy.check_note(text, D, explain=True)
    trace = next(t for t in decision.explanation if t.rule == "abuse")
    assert not trace.fired
    assert [text[s["start"]:s["end"]] for s in trace.values["not_agent"]] == ["客户：你们是骗子。\n"]


def test_turns_mask_keeps_the_length_and_the_map() -> None:
    turns = Turns(others=["客户"], agent=["坐席"])
    note = normalize("坐席：您好\n客户：他欠 款了？\n坐席：是的")
    masked = turns.mask(note)
    assert len(masked.text) == len(note.text)
    assert masked.origin is note.origin
    assert "欠款" not in masked.text and "是的" in masked.text
    assert turns.mask(normalize("他欠款三万")) is not None
    assert turns.hidden(normalize("客户：他欠款三万")) == []   # no agent turn


@pytest.mark.parametrize("block, message", [
    ("text:\n  turns:\n    others: [客户, Customer]\n    agent: [坐席, CUSTOMER]\n", "both agent and others"),
    ("text:\n  turns:\n    others: [客户, '  ']\n    agent: [坐席]\n", "must not be empty"),
    ("text:\n  turns:\n    others: []\n    agent: [坐席]\n", "at least 1"),
    ("text:\n  turn:\n    others: [客户]\n    agent: [坐席]\n", "unknown key 'turn'"),
])
def test_bad_labels_are_refused_where_written(block: str, message: str) -> None:
    with pytest.raises(PolicyError) as err:
        policy_from(HEAD + block + RULES)
    assert message in str(err.value)
    assert err.value.line is not None and err.value.line >= 4


def test_the_pack_reads_transcripts(pack) -> None:
    text = "客户：我要报警！你们这帮吸血鬼，他欠的钱跟我没关系。\n坐席：好的，我们会备注不再拨打，再见。"
    assert pack.check_note(text, T).allowed
    text = "客户：你是谁？\n坐席：你弟弟欠我们三万，你今天必须替他还上。"
    assert {"third-party-disclosure", "third-party-coercion"} <= fired(pack, text, T)


@pytest.mark.parametrize("text", [
    "坐席1：您好。\n客户2：你们是骗子。",                # numbered labels
    "坐席：您好。客户：你们是骗子！坐席：我们受银行委托。",   # inline after a sentence's end
    "客户 你们 是 骗子\n坐席 嗯 好的 10:30 再联系您",       # speech recognition with a colon elsewhere
])
def test_label_forms(policy, text: str) -> None:
    assert fired(policy, text, D) == set()


_PIECES = st.sampled_from(["客户", "客戶", "坐席", "專員", "Customer", "Agent", "B", "A", "：", ":", "（王）", " ",
                           "\n", "\n\n", "。", "？", ". ", "他欠款三万", "你们是骗子", "质检：", "欠 款", "ﬁ", "３萬"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_masking_keeps_the_agents_words_and_the_map(text: str) -> None:
    turns = Turns(others=["客户", "Customer", "B"], agent=["坐席", "专员", "Agent", "A"])
    note = normalize(text)
    masked = turns.mask(note)
    assert len(masked.text) == len(note.text) and masked.origin is note.origin
    assert all(a == b or b == "\n" for a, b in zip(note.text, masked.text, strict=False))  # only blanked, never changed
    for start, end in masked.hidden:  # each hidden span starts with another's label
        assert normalize(text[start:end]).text.lstrip().startswith(("客户", "customer", "b"))
    if masked.hidden:  # a transcript keeps an agent's turn
        assert any(label in masked.text for label in ("坐席", "专员", "agent", "a"))
