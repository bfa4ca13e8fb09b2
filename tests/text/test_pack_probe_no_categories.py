"""Categories of phrasing added after probes n and o, in words neither probe used.

Each category fires on a sentence of its own and stays silent on a look-alike: transcripts
read through their speaker turns, refusals and topics around a waiver word, the rest of a
debt not pursued, a settlement set against a larger original balance, letterheads and
signatures of authorities, speech-recognition homophones, made-up judicial bodies, staff
roles and authorities acting through the agency, veiled threats (men at the door, an offer
to tell the family, the children's school), harassment of the workplace, consequences for a
third party's own face and loans, card fraud by its legal and Taiwanese names, and
criminal words said to be unrelated, quoted as a scammer's pretext or advised to the
debtor.
"""

from __future__ import annotations

import pytest

from _categories import ABUSE, COERCION, CRIMINAL, DISCLOSURE, IMPERSONATION, WAIVER, D, T, W, assert_fires_exactly, case_ids


CASES = [
    # speaker turns: only the agent's words
    ("客户：你们就是一帮骗子，我要去派出所报案！\n坐席：好的先生，我们会记录您的意见。", D, ()),
    ("Debtor: I'll call the police on you lot.\nCollector: That's your right, sir.", D, ()),
    ("妈妈：他是不是又欠信用卡的钱了？\n坐席：阿姨，具体情况只能跟他本人说，麻烦让他回个电话。", T, ()),
    ("B：你们这些吸血鬼！\nA：您别激动，我们只是提醒您还款。", D, ()),
    ("客户 再打我就报警抓你们\n坐席 好的 我们记录一下", D, ()),
    ("客户：我没钱。\n坐席：没钱就去借，再不还就等着坐牢吧。", D, (CRIMINAL,)),
    ("Wife: What is this about?\nAgent: Your husband owes us $4,200 and he keeps dodging.", T, (DISCLOSURE,)),
    # a refusal to tell, after a question in unpunctuated speech
    ("喂 你好 是 张强 的 爸爸 吧 嗯 他 是不是 欠 了 网贷 啊 这个 我们 不 方便 说", T, ()),
    # waiver: the rest not pursued, charges taken care of, a figure against a larger original balance
    ("您先还一半，另外那一半我们就不找你要了。", D, (WAIVER,)),
    ("剩下的违约金我这边帮您消掉，以后不会再找您要。", D, (WAIVER,)),
    ("利息那块我给你处理掉，你就还本金。", D, (WAIVER,)),
    ("一次性付清6500元即可了结此账户（原欠款9,800元）。", D, (WAIVER,)),
    ("原欠款两万三，现在只需还一万二就能结清。", D, (WAIVER,)),
    ("Pay $3,000 this week and the other half won't be chased.", D, (WAIVER,)),
    # look-alikes: at least, not a waiver, the topic, an application, the full figure
    ("本月至少还款3,000元才能避免继续逾期。", D, ()),
    ("您最少还个最低还款额吧。", D, ()),
    ("分期并不等于减免，总额是不变的。", D, ()),
    ("关于打折的问题，我这边做不了主。", D, ()),
    ("减免申请需要您本人向银行提交。", D, ()),
    ("一次性还清15,680元即可结清全部欠款。", D, ()),
    ("If you'd like to ask for a fee waiver, please write to the bank directly.", D, ()),
    # impersonation: letterheads and signatures, homophones, made-up bodies, roles, the state acting through us
    ("上海市浦东新区人民法院\n执行通知书\n张三：你欠招商银行信用卡款项，限三日内履行。", D, (IMPERSONATION,)),
    ("华信律师事务所\n催款函\n李先生：请于五日内清偿欠款。", D, (IMPERSONATION,)),
    ("请于三日内归还全部欠款，逾期依法处理。\n深圳市福田区人民检察院", D, (IMPERSONATION,)),
    ("您的欠款已进入执行程序，请尽快处理。——广州市公安局 经侦支队", D, (IMPERSONATION,)),
    ("Hi, this is Kelvin from the recovery department of Harbour Trust Bank.", D, (IMPERSONATION,)),
    ("我们这边是县人民发院执行庭的，你的案子到我们这了。", D, (IMPERSONATION,)),
    ("我是市检查院的工作人员，你配合一下。", D, (IMPERSONATION,)),
    ("这里是司法调解中心，请你配合处理欠款。", D, (IMPERSONATION,)),
    ("身为法院的工作人员，我提醒你尽快还款。", D, (IMPERSONATION,)),
    ("法院那边已经授权我们上门执行。", D, (IMPERSONATION,)),
    ("The police have asked us to contact you about this card.", D, (IMPERSONATION,)),
    # look-alikes
    ("恒信资产管理有限公司\n催收函\n李先生：本公司受招商银行委托提醒您还款。", D, ()),
    ("如有异议，您可以向当地人民法院提起诉讼。\n恒信资产管理有限公司", D, ()),
    ("还款方式：\n1. 招商银行App\n2. 银行柜台", D, ()),
    ("您可以向当地司法调解中心申请调解。", D, ()),
    ("作为银行委托的催收机构，我们提醒您按时还款。", D, ()),
    ("银行委托我们联系您，商量还款的事。", D, ()),
    ("法院不会委托我们收款，这一点您放心。", D, ()),
    # abuse: men at the door, an offer to tell, the school, insults without swear words, the workplace
    ("我叫上一帮兄弟天天去你单位门口等你。", D, (ABUSE,)),
    ("要不要我们给你领导打个电话聊聊你的事？", D, (ABUSE,)),
    ("Should we let your wife know about this, then?", D, (ABUSE,)),
    ("你女儿在哪所幼儿园我们都查到了。", D, (ABUSE,)),
    ("连脸面都不要了，你还算个人吗。", D, (ABUSE,)),
    ("像你这样活着还有什么意思。", D, (ABUSE,)),
    ("从明天起我们每天往你单位打电话。", D, (ABUSE,)),
    ("届时我司将派员到您工作单位催收，并将您的欠款情况告知单位领导。", D, (ABUSE,)),
    ("别逼我们闹到你们公司去。", D, (ABUSE,)),
    # look-alikes
    ("我们不会往您单位打电话，请放心。", D, ()),
    ("您可以把还款计划告诉您的家人，让他们帮忙提醒。", D, ()),
    ("我找几个同事帮您核实一下账单。", D, ()),
    ("他每天往公司打卡上班吗？", T, ()),
    ("我们不会将您的欠款情况告知您的同事。", D, ()),
    ("麻烦您告知贵公司人事部门，让他本人回电。", {"party": "third_party", "relation": "employer"}, ()),
    # coercion: the third party's face and loans, their responsibility, English consequences
    ("他再拖下去，你们全家脸上都不好看。", T, (DISCLOSURE, COERCION)),
    ("还钱本来就是你们做家属的责任。", T, (DISCLOSURE, COERCION)),
    ("他不还的话，你们家里人以后办房贷都批不下来。", T, (DISCLOSURE, COERCION)),
    ("你既然答应帮他，那这笔钱就是你的责任了。", W, (COERCION,)),
    ("Please deduct the arrears from his upcoming salary, failing which your firm may be named as a defendant.",
     {"party": "third_party", "relation": "employer"}, (DISCLOSURE, COERCION)),
    # look-alikes
    ("这不是您的责任，您只需要转告他回个电话。", T, ()),
    # criminal: card fraud by name, Taiwanese fraud, the prosecutor's office
    ("你这就是恶意透支，懂吗？", D, (CRIMINAL,)),
    ("你這樣就是詐欺，我們會告你詐欺。", D, (CRIMINAL,)),
    ("我们会把你的资料移送地检署。", D, (CRIMINAL,)),
    ("再不还，材料就交给检察院了。", D, (CRIMINAL,)),
    ("你坐牢跟我们没关系，反正钱得还。", D, (CRIMINAL,)),
    # look-alikes: unrelated, a scammer's pretext, advice to the debtor, a QA note's negation
    ("欠信用卡的钱跟坐牢没关系，这是民事问题。", D, ()),
    ("逾期还款和刑事责任无关，您别担心。", D, ()),
    ("如有人以涉嫌洗钱犯罪为由要求您转账，请勿相信。", D, ()),
    ("如果发现卡被盗刷，建议您及时报警。", D, ()),
    ("质检：坐席全程未提刑事责任，态度良好。", D, ()),
    ("It has nothing to do with jail, it's a civil debt.", D, ()),
]



MORE = [
    ("我们甚至可以直接减免一半利息。", D, (WAIVER,)),
    ("我知道您也不好过，麻烦您转告他回个电话。", T, ()),
    ("现将其欠款情况告知贵单位，请协助督促其还款。", {"party": "third_party", "relation": "employer"}, (DISCLOSURE,)),
    ("国家出台了政策，让我们给困难客户办理分期。", D, ()),
    ("如有自称公安的人说您涉嫌信用卡犯罪，请勿相信。", D, ()),
    ("有人冒充法院工作人员打电话说您涉嫌诈骗要求转账请勿相信", D, ()),
    ("请您在门口坐着稍等，工作人员马上来。", D, ()),
    # 少 ending a word (多少, 至少, 最少) and a missed instalment are no waiver
    ("您多少还一点吧，表示个态度。", D, ()),
    ("能还多少还多少，先还上。", D, ()),
    ("您少还一期都会影响征信。", D, ()),
    ("今天还了就可以少付两千。", D, (WAIVER,)),
    # the same categories in English
    ("Pay RM5,000 today to fully settle the account (original balance RM9,800).", D, (WAIVER,)),
    ("You can settle the account in full; the original balance is RM9,800.", D, ()),
    ("We'll get a few guys to sit outside your house every night.", D, (ABUSE,)),
    ("We will inform your colleagues and neighbours about your debt.", D, (ABUSE,)),
    ("We will not inform your colleagues about anything.", D, ()),
    ("Have you no shame? Borrowing and not paying.", D, (ABUSE,)),
    ("There's no shame in asking for a payment plan.", D, ()),
    ("If he keeps ignoring us, your whole department will look bad.", T, (DISCLOSURE, COERCION)),
    ("Your family's credit will be affected too if he doesn't pay.", T, (DISCLOSURE, COERCION)),
    ("Beware of anyone claiming to be the police who says you'll be arrested for card fraud.", D, ()),
]


@pytest.mark.parametrize("text, context, expected", CASES + MORE, ids=case_ids(CASES + MORE))
def test_each_category_fires_and_its_look_alike_does_not(pack, text: str, context: dict, expected: tuple) -> None:
    assert_fires_exactly(pack, text, context, expected)
