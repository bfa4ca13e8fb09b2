"""The pack's six text rules, firing and not, on the ways people actually write."""

from __future__ import annotations

import pytest

DEBTOR = {"party": "debtor"}
THIRD = {"party": "third_party", "relation": "sibling"}
PARENT = {"party": "third_party", "relation": "parent"}


def fired(pack, text: str, context: dict) -> set[str]:
    decision = pack.check_note(text, context)
    for reason in decision.reasons:
        for span in reason.evidence["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]
    return {r.rule for r in decision.reasons}


CASES = [
    # third-party-disclosure
    ("third-party-disclosure", THIRD, "你弟弟在我们这欠款三万二，一直没还", True),
    ("third-party-disclosure", THIRD, "他 欠-款 ３万了，你知道吗", True),
    ("third-party-disclosure", THIRD, "他的信用卡尾號6688已經逾期三個月", True),
    ("third-party-disclosure", THIRD, "Your brother owes us $3,200 on his card.", True),
    ("third-party-disclosure", THIRD, "他上个月在商场刷了两万多的消费记录都在这", True),
    ("third-party-disclosure", THIRD, "您好，麻烦您转告张先生给我们回个电话，谢谢", False),
    ("third-party-disclosure", THIRD, "具体情况涉及个人隐私，不方便透露，请让他本人联系我们", False),
    ("third-party-disclosure", DEBTOR, "您的信用卡欠款3万元已逾期，请尽快还款", False),
    ("third-party-disclosure", {**THIRD, "facts": {"willing_to_repay": True}},
     "您愿意帮他还的话，欠款金额是三万二，卡号尾号6688", False),
    ("third-party-disclosure", {**THIRD, "facts": {"willing_to_repay": True}},
     "他上个月的消费明细是这样的", True),
    # unauthorized-waiver
    ("unauthorized-waiver", DEBTOR, "今天还清的话，我们可以把罚息全部减免", True),
    ("unauthorized-waiver", DEBTOR, "您只要還本金就行，利息給您免掉", True),
    ("unauthorized-waiver", DEBTOR, "If you pay today we can waive the late fees.", True),
    ("unauthorized-waiver", DEBTOR, "一次性结清可以给你打八折", True),
    ("unauthorized-waiver", DEBTOR, "罚息不能减免，这是银行的规定", False),
    ("unauthorized-waiver", DEBTOR, "Sorry, we can't waive the fee.", False),
    ("unauthorized-waiver", DEBTOR, "客户要求减免利息，已告知无法办理", False),
    ("unauthorized-waiver", DEBTOR, "请您按时还款，避免产生更多利息", False),
    ("unauthorized-waiver", {**DEBTOR, "facts": {"waiver_authorization": "EM-2026-118"}},
     "银行已书面同意，可以减免您一半的罚息", False),
    # impersonation
    ("impersonation", DEBTOR, "我是法院的，现在正式通知你", True),
    ("impersonation", DEBTOR, "我们是公安局经侦大队的", True),
    ("impersonation", THIRD, "我是招商银行信用卡中心的，找一下张先生", True),
    ("impersonation", DEBTOR, "This is officer Miller from the police department.", True),
    ("impersonation", DEBTOR, "我是XX资产管理公司的催收员，受招商银行委托联系您", False),
    ("impersonation", DEBTOR, "如有疑问，您可以拨打银行客服电话核实", False),
    ("impersonation", DEBTOR, "建议您咨询律师了解您的权利", False),
    ("impersonation", DEBTOR, "We are a collection agency commissioned by the bank.", False),
    # abusive-language
    ("abusive-language", DEBTOR, "你这个老赖，要不要脸", True),
    ("abusive-language", DEBTOR, "再不还钱就去你单位闹，让所有人都知道", True),
    ("abusive-language", THIRD, "不还钱我们天天半夜打电话给你们全家", True),
    ("abusive-language", DEBTOR, "You deadbeat, we know where you live.", True),
    ("abusive-language", DEBTOR, "我们不会去您单位，也不会告诉您的同事", False),
    ("abusive-language", DEBTOR, "客户情绪激动，骂我们是骗子，已安抚", False),
    ("abusive-language", DEBTOR, "请您理解，我们只是提醒您按时还款", False),
    # third-party-coercion
    ("third-party-coercion", THIRD, "他不还的话就由你来还", True),
    ("third-party-coercion", THIRD, "你是他妈妈，你必须替他还这笔钱", True),
    ("third-party-coercion", THIRD, "父债子还，天经地义", True),
    ("third-party-coercion", THIRD, "You are jointly liable for your husband's card.", True),
    ("third-party-coercion", THIRD, "您没有还款义务，只是请您帮忙转告", False),
    ("third-party-coercion", THIRD, "如果您愿意代他还款，我们可以告诉您还款方式", False),
    ("third-party-coercion", DEBTOR, "你必须还这笔钱", False),
    # a duty to repay, even denied, implies the debt; a bare "no responsibility" does not
    ("third-party-disclosure", THIRD, "您没有还款义务，只是请您帮忙转告", True),
    ("third-party-disclosure", THIRD, "You're under no obligation to pay; we'd just like to reach him.", True),
    ("third-party-disclosure", THIRD, "您不需要承担任何责任，麻烦您转告他联系我们", False),
    ("third-party-disclosure", THIRD, "坐席联系其紧急联系人，仅询问客户现联系方式，未透露催收事由", False),
    # categories added from probe-e to probe-g
    ("unauthorized-waiver", DEBTOR, "只需还一半即可结清", True),
    ("unauthorized-waiver", DEBTOR, "No discount is available; the full balance is due.", False),
    ("impersonation", DEBTOR, "这里是市金融办，接到银行反映你长期拖欠", True),
    ("abusive-language", DEBTOR, "再不还，我们就去你孩子学校找老师聊聊", True),
    ("abusive-language", DEBTOR, "客户自称老赖，坐席未回应", False),
    ("third-party-coercion", THIRD, "你弟不还的话，影响的可是你们全家的征信", True),
    ("third-party-coercion", THIRD, "不好意思影响您休息了，请转告他回电", False),
    # the structural alternative (addressee + obligation + paying in one clause) and its look-alikes
    ("third-party-coercion", THIRD, "按理说你们家是要负责的", True),
    ("third-party-coercion", THIRD, "Called his husband, told him the household is expected to clear the arrears.", True),
    ("third-party-coercion", THIRD, "他不还你们就得还", True),
    ("third-party-coercion", THIRD, "你得提醒他还款", False),
    ("third-party-coercion", THIRD, "您得让他自己还", False),
    ("third-party-coercion", THIRD, "您要帮他还的话，我把账号发您", False),
    ("third-party-coercion", THIRD, "您觉得他什么时候能还上", False),
    ("third-party-coercion", THIRD, "You should tell him to pay by Friday.", False),
    ("third-party-coercion", THIRD, "You don't have to pay anything.", False),
    ("third-party-coercion", DEBTOR, "你们家得还这笔钱", False),
    # probe-k's categories
    ("third-party-coercion", THIRD, "阿姨，您总不能眼睁睁看着他被银行追吧", True),
    ("third-party-coercion", THIRD, "这账迟早会算到你们家头上", True),
    ("third-party-coercion", THIRD, "告知其父须代偿客户逾期欠款", True),
    ("third-party-coercion", THIRD, "告知其母无需承担任何责任", False),
    ("third-party-coercion", THIRD, "我们只能找您了解一下他的联系方式", False),
    # categories added from probe-h
    ("third-party-disclosure", THIRD, "His card was charged off and referred to a debt collector.", True),
    ("third-party-disclosure", THIRD, "坐席没有跟其兄长提到任何欠款的事，只留了回电号码", False),
    ("impersonation", DEBTOR, "This is HSBC's recovery department calling.", True),
    ("impersonation", DEBTOR, "We are an agency for Citibank, not the bank.", False),
    ("impersonation", DEBTOR, "我们是建行信用卡部的", True),
    ("impersonation", DEBTOR, "【海淀区人民法院】请于三日内到庭说明", True),
    ("abusive-language", DEBTOR, "不还钱就找人打断你的手", True),
    ("abusive-language", DEBTOR, "The customer accused the agent of being a thief; agent ended the call politely.", False),
    ("third-party-coercion", THIRD, "你弟不还，你们全家以后买车坐飞机都会受限", True),
    ("third-party-coercion", PARENT, "你做妈的就得替他还", True),
    ("third-party-coercion", PARENT, "你做妈的劝劝他，让他回个电话", False),
    ("criminal-liability-threat", DEBTOR, "银行已经向法院起诉，法院那边已经立案", False),
    ("criminal-liability-threat", DEBTOR, "经侦那边已经给你立案了", True),
    # categories from probe-i: dues and 卡债, charges not counted or given away, summaries'
    # settlements below the balance, the issuing bank, Cantonese and Taiwanese authorities,
    # comparisons with animals, thick skin, the phonebook, coercion said to "your good self"
    ("third-party-disclosure", THIRD, "他那张卡的卡费拖了半年了", True),
    ("third-party-disclosure", THIRD, "Kindly remind him that his dues are pending.", True),
    ("unauthorized-waiver", DEBTOR, "罚息这块我们都能不算，你先把本金转过来", True),
    ("unauthorized-waiver", DEBTOR, "零头就当送您了，还个整数就行", True),
    ("unauthorized-waiver", DEBTOR, "OTS offered @ 40k vs o/s 65k.", True),
    ("unauthorized-waiver", DEBTOR, "利息我们不能不收，请您全额还款", False),
    ("unauthorized-waiver", DEBTOR, "The duplicate fee will be reversed within 3 days.", False),
    ("unauthorized-waiver", DEBTOR, "Customer requested a discount, agent declined.", False),
    ("impersonation", DEBTOR, "我是你们开卡那家发卡银行的专员", True),
    ("impersonation", DEBTOR, "我哋係差館嘅，你最好合作", True),
    ("impersonation", DEBTOR, "我们都是公安那边派过来的", True),
    ("impersonation", DEBTOR, "我是发卡行委托的XX公司的", False),
    ("impersonation", DEBTOR, "客户问是不是法院派来的，坐席说不是", False),
    ("abusive-language", DEBTOR, "猪都比你懂事", True),
    ("abusive-language", DEBTOR, "你这脸皮真够厚的", True),
    ("abusive-language", DEBTOR, "We have your contact list and will reach out to each one.", True),
    ("abusive-language", DEBTOR, "再不还，你们单位的人迟早都会知道", True),
    ("abusive-language", DEBTOR, "您放心，您的同事不会知道这件事", False),
    ("abusive-language", DEBTOR, "Cx used foul language at the agent, called him a liar.", False),
    ("third-party-coercion", THIRD, "As his sister, your good self is liable to pay his dues.", True),
    ("third-party-coercion", THIRD, "Sister advised she is jointly liable for the card balance.", True),
    ("third-party-coercion", THIRD, "你哋做家人嘅，有義務幫佢還", True),
    ("third-party-coercion", THIRD, "你作为姐姐的都不管他？", True),
    ("third-party-coercion", THIRD, "他不还，只能从你们家里人身上想办法", True),
    ("third-party-coercion", THIRD, "您没有责任帮他还，我们只想联系他", False),
    ("criminal-liability-threat", DEBTOR, "万一你被抓进去，你妈怎么办？", True),
    ("criminal-liability-threat", DEBTOR, "如果进去了营业厅，请找工作人员办理", False),
    # criminal-liability-threat
    ("criminal-liability-threat", DEBTOR, "再不还就是信用卡诈骗，要坐牢的", True),
    ("criminal-liability-threat", DEBTOR, "我们已经准备报案，警察会上门抓你", True),
    ("criminal-liability-threat", DEBTOR, "You could go to jail for this.", True),
    ("criminal-liability-threat", DEBTOR, "这属于民事纠纷，不涉及刑事责任", False),
    ("criminal-liability-threat", {**DEBTOR, "facts": {"criminal_criteria_met": True}},
     "银行已就恶意透支向公安机关报案", False),
    ("criminal-liability-threat", DEBTOR, "逾期会影响您的个人征信记录", False),
    # false alarms fixed after probe-j: words shared with the rules in compliant talk
    ("third-party-coercion", THIRD, "You are responsible for passing on the message to him.", False),
    ("third-party-disclosure", THIRD, "这不会影响您的贷款。", False),
    ("third-party-disclosure", THIRD, "他的还款提醒会在您这里收到吗？", False),
    ("abusive-language", DEBTOR, "The customer yelled at the agent, calling him an idiot.", False),
    ("third-party-coercion", PARENT, "您作为家属，不需要承担任何责任，这一点请您放心。", False),
    ("unauthorized-waiver", DEBTOR, "如果你只还本金，剩下的利息还会继续计算，账户不会结清。", False),
    # categories from probe-j: the third party asked to handle or cover it; principal only; implied authorities; sarcasm
    ("third-party-coercion", PARENT, "他欠的钱一直拖着，您看这事怎么办吧。", True),
    ("third-party-coercion", THIRD, "你们兄弟姐妹凑一凑，他那六千块就解决了。", True),
    ("unauthorized-waiver", DEBTOR, "您就还个本金吧。", True),
    ("impersonation", DEBTOR, "我们律师事务所这边已经接手您的案子了。", True),
    ("impersonation", DEBTOR, "咱们法院见吧。", False),
    ("abusive-language", DEBTOR, "你可真是个人才，借钱积极还钱没影。", True),
]


@pytest.mark.parametrize("rule, context, text, fires", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_text_rules(pack, rule: str, context: dict, text: str, fires: bool) -> None:
    assert (rule in fired(pack, text, context)) is fires


def test_every_text_rule_has_cases_both_ways(pack) -> None:
    text_rules = {r.id for r in pack._base.text}
    assert text_rules == {c[0] for c in CASES}
    for rule in text_rules:
        assert {c[3] for c in CASES if c[0] == rule} == {True, False}
