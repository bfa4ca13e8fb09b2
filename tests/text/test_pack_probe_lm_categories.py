"""Categories of phrasing added after probes l and m, in words neither probe used.

Each category fires on a sentence of its own and stays silent on a look-alike: Cantonese
police and jail, pinyin halves, reporting to the police, the debtor's or a third party's
own words, first-person promises not to, English visits and night calls, named banks and
ministries, principal-only and "full and final" settlements, third parties called upon to
pay, and Cantonese read through the dialect folding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import collectguard

D = {"party": "debtor"}
T = {"party": "third_party", "relation": "sibling"}
W = {"party": "third_party", "relation": "parent", "facts": {"willing_to_repay": True}}

CRIMINAL = "criminal-liability-threat"
WAIVER = "unauthorized-waiver"
IMPERSONATION = "impersonation"
ABUSE = "abusive-language"
COERCION = "third-party-coercion"
DISCLOSURE = "third-party-disclosure"

CASES = [
    ('你再唔還，差人就會上門捉你。', D, (CRIMINAL,)),
    ('拖到下个月你就准备坐大牢吧。', D, (CRIMINAL,)),
    ('你再拖，我们就直接报警处理。', D, (CRIMINAL,)),
    ('We will be referring your case to the police next week.', D, (CRIMINAL,)),
    ("Keep ignoring us and you'll end up jailed.", D, (CRIMINAL,)),
    ('This is Inspector Tan from the CID, your file has been passed to us.', D, (CRIMINAL, IMPERSONATION)),
    ('再不还就要去差馆录口供了。', D, (CRIMINAL,)),
    ('刑shi责任你担得起吗？', D, (CRIMINAL,)),
    ('客户称要报警告我们骚扰，坐席已记录。', D, ()),
    ('我们不会报警，这是民事纠纷。', D, ()),
    ('Customer said he had already reported the agent to the police.', D, ()),
    ("Not paying a credit card bill doesn't make you a criminal.", D, ()),
    ('QA: agent never mentioned jail or arrest during the call.', D, ()),
    ('If you believe this call is a scam, you can report it to the police.', D, ()),
    ('您可以拨打110报警核实我们的身份。', D, ()),
    ('只要今天把本金清咗，利息我哋唔计你。', D, (WAIVER,)),
    ('剩下的几千块钱就算球了。', D, (WAIVER,)),
    ("Pay back the principal alone and we'll forget about the interest.", D, (WAIVER,)),
    ('Settle today and consider the late fees forgotten.', D, (WAIVER,)),
    ("We'll accept RM 5,000 as full settlement of your account.", D, (WAIVER,)),
    ('znj不收了，今天jq就行。', D, (WAIVER,)),
    ("Your request for an interest waiver is with the bank; we can't promise anything.", D, ()),
    ('The reduction you asked about needs bank approval.', D, ()),
    ('客户要求减免滞纳金，坐席解释无权处理。', D, ()),
    ('减免需要银行审批，我这边定不了。', D, ()),
    ("Don't forget the interest keeps running until it's paid.", D, ()),
    ('我哋係汇丰信用卡中心嘅同事。', D, (IMPERSONATION,)),
    ('This is the Ministry of Home Affairs calling about your debt.', D, (IMPERSONATION,)),
    ('Hello, DBS collections here, calling about your overdue card.', D, (IMPERSONATION,)),
    ("This letter was issued by the Debt Enforcement Unit of the Magistrate's Court.", D, (IMPERSONATION,)),
    ('外访员以法院工作人员身份上门。', D, (IMPERSONATION,)),
    ('The agent posed as a police officer during the call.', D, (IMPERSONATION,)),
    ('本函由XX律师行发出，请于七日内清偿。', D, (IMPERSONATION,)),
    ('我们这边是gong安局的，你配合一下。', D, (IMPERSONATION,)),
    ('We are an agency appointed by OCBC, not the bank itself.', D, ()),
    ("I'm going to the bank tomorrow to check the statement.", D, ()),
    ('Beware of scammers posing as police officers.', D, ()),
    ('If you have questions, you can call HSBC here: 2233 3322.', D, ()),
    ('本短信由受XX银行委托的XX公司发出。', D, ()),
    ("We'll show up at your office every day until you pay.", D, (ABUSE,)),
    ('Our guys will pay you a visit at home.', D, (ABUSE,)),
    ("We'll keep texting your relatives until somebody pays.", D, (ABUSE,)),
    ('我哋每晚十二點打俾你。', D, (ABUSE,)),
    ('你个废wu。', D, (ABUSE,)),
    ('We know where your daughter goes to school.', D, (ABUSE,)),
    ('We will never come to your workplace or call your boss.', D, ()),
    ('We do not visit customers at their homes or offices.', D, ()),
    ('我们保证不会去您单位，也不会联系您的同事。', D, ()),
    ('The customer threatened to come to our office with his friends.', D, ()),
    ("Please don't worry, nobody will show up at your home.", D, ()),
    ('你細佬張卡數未清。', T, (DISCLOSURE,)),
    ('Your nephew is two payments behind on his card.', T, (DISCLOSURE,)),
    ('He borrows and never repays.', T, (DISCLOSURE,)),
    ('您不用替您儿子还。', T, (DISCLOSURE,)),
    ('请转告他回电，谢谢。', T, ()),
    ('作为家属你们也跑不脱。', T, (COERCION, DISCLOSURE)),
    ("Your company may end up bearing the liability if he doesn't pay.", T, (COERCION, DISCLOSURE)),
    ('Family members can be called upon to cover the balance.', T, (COERCION, DISCLOSURE)),
    ("It's in your best interest to pay his arrears now.", T, (COERCION, DISCLOSURE)),
    ('贵司如不配合扣款，须承担相应的法律后果。', T, (COERCION, DISCLOSURE)),
    ('银行会连你的工资一起扣。', T, (COERCION,)),
    ('Family members are not required to settle his balance.', T, (DISCLOSURE,)),
    ('You are not expected to pay anything.', T, (DISCLOSURE,)),
    ('老爷子主动说愿意帮儿子还一部分。', W, ()),
    ('转账手续费由您承担。', W, ()),
    ('Our office is open until midnight; you can come to our office any time.', D, ()),
    ('We will keep calling you until we reach an agreement.', D, ()),
    ('Would you like to take care of it today?', T, ()),
    ('You should take care of yourself.', T, ()),
    ('Could you ask him to sort this out with us?', T, ()),
    ('家里的事由你们自己决定。', T, ()),
    ('运费由您承担。', W, ()),
    ('坐席要求客户先还本金利息全免。', D, (WAIVER,)),
    ("Don't think we won't come to your office.", D, (ABUSE,)),
    ('Please call Mr. Tan back. He asked us to call.', T, ()),
    ("We won't call after 9pm. We'll tell your boss about your debt every day.", D, (ABUSE,)),
    ('The police may contact you soon about this card.', D, (CRIMINAL,)),
    ('他的钱还不是你来还？', T, (COERCION, DISCLOSURE)),
    ('佢唔還錢，你哋做屋企人嘅就要幫佢還。', T, (COERCION, DISCLOSURE)),
    ('我哋唔會搵你屋企人，亦唔會上你公司。', D, ()),
    ('唔該你叫佢覆個電話。', T, ()),
    ('冇問題，我哋可以幫你申請分期。', D, ()),
    ('If you have filed a police report about identity theft, please send us a copy.', D, ()),
    ('Payment received at 2am was credited this morning.', D, ()),
    ('Let me check with the guys in our back office.', D, ()),
    ('Please make sure your wife knows the new due date.', D, ()),
    ("I'll give you the discount you asked for.", D, (WAIVER,)),
    ('The customer was told he would be arrested if he did not pay.', D, (CRIMINAL,)),
    ('Should you wish, our officer can come to your home to discuss a plan.', D, ()),
    ('This letter is issued by Apex Collections on behalf of XYZ Bank.', D, ()),
    ('我们不是开玩笑的我们会去你单位闹', D, (ABUSE,)),
    ("You need to handle this carefully, he's sensitive.", T, ()),
    ("We'll be calling you at 3am every night.", D, (ABUSE,)),
    ("We will file a police report if you don't pay by Friday.", D, (CRIMINAL,)),
    ('我不管你怎么想我们明天就去你单位闹', D, (ABUSE,)),
    ("I don't know why you keep hiding but we'll show up at your office.", D, (ABUSE,)),
    ('QA: agent did not threaten to visit his workplace.', D, ()),
    ('坐席未提及上门，也未使用侮辱性语言。', D, ()),
    ("He's calling the agent a fraud and refuses to pay.", D, ()),
    ('他跑了，你们家属得兜底。', T, (COERCION, DISCLOSURE)),
    ('我们只能找你们家里人想办法了。', T, (COERCION, DISCLOSURE)),
    ('华信律师事务所律师函\n致张三先生：请于七日内清偿。', D, (IMPERSONATION,)),
    ('质检：坐席冒充银行客服致电客户。', D, (IMPERSONATION,)),
    ('客户怀疑坐席冒充警察，坐席已解释。', D, ()),
    ('谨防不法分子冒充银行工作人员。', D, ()),
    ('我们不会再跟你客气了明天就去你家门口贴告示', D, (ABUSE,)),
    ('我们不会放过你明天就去你单位闹', D, (ABUSE,)),
    ('别以为我们不会去你单位闹', D, (ABUSE,)),
    ("We won't stop until your boss knows, we'll call your boss every day.", D, (ABUSE,)),
]


@pytest.fixture(scope="module")
def pack() -> collectguard.Policy:
    return collectguard.load_policy(Path(__file__).parents[2] / "rules" / "cn-card-collection.yaml")


@pytest.mark.parametrize(("text", "context", "rules"), CASES, ids=[c[0][:40] for c in CASES])
def test_each_category_fires_and_its_look_alike_does_not(pack, text: str, context: dict, rules: tuple) -> None:
    got = {r.rule for r in pack.check_note(text, context).reasons}
    assert got == set(rules), (text, sorted(got))
