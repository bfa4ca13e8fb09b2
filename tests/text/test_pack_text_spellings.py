"""The six text rules of the pack: firing and not, in every spelling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import collectguard
from collectguard._kinds.text_match import TextMatchParams

PACK = Path(__file__).parents[2] / "rules" / "cn-card-collection.yaml"
IDS = ["third-party-disclosure", "unauthorized-waiver", "impersonation", "abusive-language",
       "third-party-coercion", "criminal-liability-threat"]


@pytest.fixture(scope="module")
def pack() -> collectguard.Policy:
    return collectguard.load_policy(PACK)


def test_the_text_rules_are_plain_yaml() -> None:
    doc = yaml.safe_load(PACK.read_text(encoding="utf-8"))  # any YAML reader, not only ours
    texts = [rule for rule in doc["rules"] if rule["kind"] == "text-match"]
    assert [rule["id"] for rule in texts] == IDS
    for rule in texts:
        assert rule["kind"] == "text-match"
        assert rule.get("severity", "deny") == "deny"
        assert "\n" not in rule["message"].strip() and rule["citation"].startswith("电话催收管理制度")
        params = TextMatchParams.model_validate(rule["params"])
        for name, group in {**params.groups, **params.cues}.items():
            for term in group.any:
                # A literal that looks like a pattern never matches: it lacks its "re:".
                assert term.startswith(("re:", "phrase:")) or not re.search(r"\(\?|[|\\\[\]]", term), (rule["id"], name, term)


DEBTOR = {"party": "debtor"}
THIRD = {"party": "third_party", "relation": "sibling"}
PARENT = {"party": "third_party", "relation": "parent"}
WILLING = {**THIRD, "facts": {"willing_to_repay": True}}


def fired(policy: collectguard.Policy, text: str, context: dict) -> set[str]:
    decision = policy.check_note(text, context)
    for reason in decision.reasons:
        spans = reason.evidence["spans"]
        assert spans == sorted(spans, key=lambda s: (s["start"], s["end"]))
        for span in spans:
            assert text[span["start"]:span["end"]] == span["text"]
    return {reason.rule for reason in decision.reasons}


FIRES = [
    # third-party-disclosure: existence of the debt, amount, card, transactions
    ("third-party-disclosure", THIRD, "你弟弟在我们这里欠了一笔钱"),
    ("third-party-disclosure", THIRD, "他欠 款 ３万，一直拖着"),
    ("third-party-disclosure", THIRD, "他 欠-款 好幾個月了"),
    ("third-party-disclosure", THIRD, "他的信用卡帳單已經逾期"),
    ("third-party-disclosure", THIRD, "他差平台两万多没处理"),
    ("third-party-disclosure", THIRD, "卡号 6222 **** 1234 这张卡是他的"),
    ("third-party-disclosure", THIRD, "HE IS BEHIND ON HIS CARD PAYMENTS"),
    ("third-party-disclosure", THIRD, "Your brother's account is delinquent."),
    ("third-party-disclosure", WILLING, "这是他的消费清单，主要是网购"),
    # unauthorized-waiver
    ("unauthorized-waiver", DEBTOR, "今天还清，罚息给您减免"),
    ("unauthorized-waiver", DEBTOR, "今天還清，罰息給您減免"),
    ("unauthorized-waiver", DEBTOR, "先还本金，剩下的利息就当还清了"),
    ("unauthorized-waiver", DEBTOR, "只还六成就可以"),
    ("unauthorized-waiver", DEBTOR, "給你打個對折"),
    ("unauthorized-waiver", DEBTOR, "Pay today and I'll have the late fees REMOVED."),
    # impersonation
    ("impersonation", DEBTOR, "我是人民法院执行庭的"),
    ("impersonation", DEBTOR, "我們是檢察院的"),
    ("impersonation", DEBTOR, "我 是 法-院 的"),
    ("impersonation", DEBTOR, "I am calling on behalf of the county court."),
    # abusive-language
    ("abusive-language", DEBTOR, "你就是个社会蛀虫"),
    ("abusive-language", DEBTOR, "老-赖，你等着"),
    ("abusive-language", DEBTOR, "不还就天天去你家门口堵你"),
    ("abusive-language", DEBTOR, "把你的照片发到你们公司群里"),
    ("abusive-language", DEBTOR, "You are a useless PIG."),
    ("abusive-language", DEBTOR, "What a piece of garbage you are."),
    # third-party-coercion
    ("third-party-coercion", PARENT, "他不还，就得你们当父母的来还"),
    ("third-party-coercion", PARENT, "你作为家长必须负责"),
    ("third-party-coercion", THIRD, "你是担保人，要承担全部责任"),
    ("third-party-coercion", THIRD, "If he doesn't pay, we'll come after you."),
    # criminal-liability-threat
    ("criminal-liability-threat", DEBTOR, "再拖下去就要进去了"),
    ("criminal-liability-threat", DEBTOR, "材料已经交给经侦"),
    ("criminal-liability-threat", DEBTOR, "这是信用卡詐騙，要坐 牢的"),
    ("criminal-liability-threat", DEBTOR, "You could go to JAIL for this."),
    # categories added from probe-h, in other spellings
    ("third-party-disclosure", THIRD, "His account was CHARGED OFF last spring."),
    ("third-party-disclosure", THIRD, "那张卡早成了壞賬"),
    ("impersonation", DEBTOR, "我們是招行信用卡中心的"),
    ("impersonation", DEBTOR, "【XX市公安局】請配合調查"),
    ("impersonation", DEBTOR, "請按時還款——XX區人民法院"),
    ("abusive-language", DEBTOR, "信不信我卸 你 一條腿"),
    ("abusive-language", DEBTOR, "We'll BREAK YOUR LEGS."),
    ("third-party-coercion", PARENT, "你當媽的得替他還"),
    ("third-party-coercion", PARENT, "他不還，你們全家房貸都會受影響"),
    ("criminal-liability-threat", DEBTOR, "公安那邊已經立案了"),
]


@pytest.mark.parametrize(("rule", "context", "text"), FIRES)
def test_fires(pack, rule: str, context: dict, text: str) -> None:
    assert rule in fired(pack, text, context)


SILENT = [
    # to the debtor, about the debt: lawful
    ("third-party-disclosure", DEBTOR, "您的欠款３万已逾期，尾号6688"),
    ("third-party-disclosure", THIRD, "麻烦您转告他给我们回个电话，谢谢"),
    ("third-party-disclosure", THIRD, "这是他的个人隐私，不方便透露"),
    ("third-party-disclosure", THIRD, "请他回电13800138000"),
    ("third-party-disclosure", WILLING, "您愿意代还的话，欠款是三万二，卡号尾号6688"),
    ("third-party-disclosure", {**PARENT, "facts": {"willing_to_repay": False}}, "请问张先生在家吗"),
    # refusals, requests, advice: not offers
    ("unauthorized-waiver", DEBTOR, "罚息不能减免"),
    ("unauthorized-waiver", DEBTOR, "罰息不能減免"),
    ("unauthorized-waiver", DEBTOR, "We CAN'T waive the fee."),
    ("unauthorized-waiver", DEBTOR, "客户要求减免利息，已告知需向银行申请"),
    ("unauthorized-waiver", DEBTOR, "为避免产生更多罚息，请尽快还款"),
    ("unauthorized-waiver", {**DEBTOR, "facts": {"waiver_authorization": "EM-2026-7"}}, "银行同意减免一半罚息"),
    # lawful self-identification and advice
    ("impersonation", DEBTOR, "我是XX催收公司的，受XX银行委托联系您"),
    ("impersonation", DEBTOR, "建议您咨询律师"),
    ("impersonation", DEBTOR, "如有疑问请拨打银行客服核实"),
    ("impersonation", DEBTOR, "We are a collection agency acting for your bank."),
    # negated promises and reported abuse
    ("abusive-language", DEBTOR, "我们不会去您单位，也不会告诉您的同事"),
    ("abusive-language", DEBTOR, "客户骂我们是骗子，已安抚"),
    ("abusive-language", DEBTOR, "We will not contact your employer."),
    # no duty, voluntary, or said to the debtor
    ("third-party-coercion", THIRD, "您没有还款义务，只是请您转告"),
    ("third-party-coercion", THIRD, "家属没有还款的义务，您放心"),
    ("third-party-coercion", THIRD, "您作为家属应该知道他的近况吧"),
    ("third-party-coercion", DEBTOR, "这笔钱您必须还"),
    # civil matters, ruled out, or on file
    ("criminal-liability-threat", DEBTOR, "欠款属于民事纠纷，不涉及刑事责任"),
    ("criminal-liability-threat", DEBTOR, "Nobody is going to jail over this."),
    ("criminal-liability-threat", {**DEBTOR, "facts": {"criminal_criteria_met": True}}, "银行已报案，涉嫌信用卡诈骗"),
    # categories added from probe-h: what is not said, agencies for a bank, notices described, civil filings
    ("third-party-disclosure", PARENT, "坐席未向其母親透露任何欠款資訊"),
    ("impersonation", DEBTOR, "We're calling on behalf of Chase, your card issuer."),
    ("impersonation", DEBTOR, "如被起訴，法院會向您送達傳票"),
    ("impersonation", DEBTOR, "【溫馨提示】法院判決後會依法執行"),
    ("abusive-language", DEBTOR, "Debtor CALLED the collector a crook; collector stayed polite."),
    ("third-party-coercion", THIRD, "这不会影响您的贷款"),
    ("criminal-liability-threat", DEBTOR, "您的案子法院已經立案，這是民事訴訟"),
]


@pytest.mark.parametrize(("rule", "context", "text"), SILENT)
def test_does_not_fire(pack, rule: str, context: dict, text: str) -> None:
    assert rule not in fired(pack, text, context)


def test_a_lawful_collection_call_is_silent_everywhere(pack) -> None:
    text = ("您好，我是XX资产管理公司的催收员，受招商银行委托联系您。您尾号6688的信用卡本期应还"
            "3,200元已逾期，请您尽快还款；如有困难可以向银行申请分期，罚息我们无权减免。")
    assert fired(pack, text, DEBTOR) == set()
