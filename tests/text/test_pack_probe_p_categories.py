"""Categories of phrasing added after probe p, in words the probe did not use.

Each category fires on a sentence of its own and stays silent on a look-alike: a waiver or a
jail threat told as what someone else said (an earlier colleague, 有人跟您说) and the
debtor's own proposal quoted back (您说…), settling at a lower figure (按…结清), the rest
"taken care of" (搞定, 摆平, 不用再还), Taiwanese prosecutors' and police offices and US
federal agencies (also "on behalf of"), a limb broken said with 给你 or 把你, the other
party's words opened by 称 in a summary, the debt carried by a third party (孭, 背, 扛) and
a third party added to those pursued, and Taiwanese criminal procedure (偵辦, 到案說明).
"""

from __future__ import annotations

import pytest

from _categories import ABUSE, COERCION, CRIMINAL, DISCLOSURE, IMPERSONATION, WAIVER, D, T, assert_fires_exactly, case_ids


CASES = [
    # waiver: hearsay from an earlier colleague or someone else, the debtor's proposal quoted back
    ("上次的客服说能帮您免掉罚息，这个不对，罚息照常计算。", D, ()),
    ("有人跟你讲可以打八折，我们这边没有收到任何通知。", D, ()),
    ("你刚才说只还本金，银行那边不会同意的。", D, ()),
    ("我跟您说，只还本金就行，利息不用管。", D, (WAIVER,)),
    ("这个月您就只还本金吧，利息我们不算了。", D, (WAIVER,)),
    # settling at a lower figure, the rest taken care of
    ("这笔欠款我们按两万五帮您结清。", D, (WAIVER,)),
    ("按8000元给你了结这个账户，剩下的不用管。", D, (WAIVER,)),
    ("您先交五千，其余的我帮你摆平，不用再还。", D, (WAIVER,)),
    ("剩低嗰啲我同你搞定佢。", D, (WAIVER,)),
    ("请按账单金额结清全部欠款。", D, ()),
    ("剩下的手续我帮您处理，您今天先把三千还上。", D, ()),
    ("其他材料我帮你搞定，钱还是要按账单还。", D, ()),
    ("您的欠款需要按期还清，剩余部分请下月还款日前还上。", D, ()),
    # impersonation: Taiwanese prosecutors' and police offices, US federal agencies
    ("您好，這邊是新北地方檢察署，通知您一件帳款案件。", D, (IMPERSONATION,)),
    ("我們是警政署的，你的帳戶有問題。", D, (IMPERSONATION,)),
    ("This is the IRS, your card debt has been flagged.", D, (IMPERSONATION,)),
    ("I'm calling on behalf of the FBI about your overdue account.", D, (IMPERSONATION,)),
    ("I'm calling on behalf of Harbour Bank about your overdue account.", D, ()),
    ("Never trust callers who say they are calling on behalf of the IRS.", D, ()),
    # abuse: a limb broken with 给你 / 把你; the other party's words quoted in a summary
    ("再躲着不还，手给你打断。", D, (ABUSE,)),
    ("小心我把你的腿打折。", D, (ABUSE,)),
    ("手续费给你打折，今天还就行。", D, (WAIVER,)),
    ("对方情绪激动，骂道“你们这些人渣”，坐席已安抚。", D, ()),
    ("客户来电投诉，称催收员是骗子，已记录。", D, ()),
    ("你就是个人渣，赶紧还钱。", D, (ABUSE,)),
    # coercion: the debt carried by the third party, the third party added to those pursued
    ("他不还的话，这笔账就要你来背。", T, (DISCLOSURE, COERCION)),
    ("佢唔還，就要你哋孭啦。", T, (DISCLOSURE, COERCION)),
    ("如果您不管，我们会将您一并列入起诉名单。", T, (COERCION,)),
    ("If your brother won't pay, we will add you to the claim as well.", T, (DISCLOSURE, COERCION)),
    ("这个锅不用你来背，我们只是请您转告一下。", T, ()),
    ("这笔钱由他本人来还，您不用担心。", T, (DISCLOSURE,)),
    # criminal: Taiwanese criminal procedure; hearsay about jail corrected
    ("本案已進入偵辦程序，請您配合。", D, (CRIMINAL,)),
    ("請於收到通知後到案說明，逾期將依法處理。", D, (CRIMINAL,)),
    ("你的案件我們會移送偵查。", D, (CRIMINAL,)),
    ("听说欠钱不还要判刑，其实这是误传，逾期是民事问题。", D, ()),
    ("有人告诉你会被拘留，那是吓唬人的。", D, ()),
]


@pytest.mark.parametrize("text, context, expected", CASES, ids=case_ids(CASES))
def test_each_category_fires_and_its_look_alike_does_not(pack, text: str, context: dict, expected: tuple) -> None:
    assert_fires_exactly(pack, text, context, expected)
