"""Traditional Chinese characters and their Simplified forms, for folding notes.

A reviewed table of the characters collection texts use (debts, banks, courts, threats,
family, money), not a general converter: a folded note is only ever matched, never shown,
so a missing rare character costs nothing but that character's match. Pairs are
(Traditional, Simplified), two characters each.
"""

from ._hanzi_opencc import OPENCC_PAIRS

_PAIRS = (
    "並并亂乱來来係系倆俩個个們们偽伪傑杰備备傭佣傳传債债傷伤傾倾僅仅僞伪僱雇價价儀仪億亿償偿優优儲储兒儿兩两凍冻刪删剛刚劃划劍剑劑剂勁劲動动務务勝胜勞劳勢势勵励勸劝"
    "勻匀匯汇區区協协卻却厲厉參参叢丛吳吴呂吕員员問问啟启喪丧喬乔單单嗎吗嗚呜嘆叹嘗尝嘯啸嚇吓嚴严囑嘱國国圍围圓圆圖图團团執执報报場场塊块塵尘墊垫壓压壞坏壽寿夠够夢梦"
    "奧奥奪夺奮奋妝妆婦妇媽妈嬰婴孃娘孫孙學学實实寧宁審审寫写寬宽寵宠寶宝將将專专尋寻對对導导屆届屍尸層层屬属岡冈島岛峽峡嶺岭嶼屿帥帅師师帳账帶带幣币幫帮幾几庫库廠厂"
    "廢废廣广廳厅張张強强彈弹彌弥彎弯彙汇後后徑径從从復复徵征徹彻恆恒恥耻惡恶惱恼愛爱態态慘惨慣惯慮虑慶庆憂忧憤愤懇恳應应懲惩懶懒懷怀懼惧戀恋戰战戲戏戶户掃扫掛挂採采"
    "揚扬換换損损搖摇搶抢摟搂撥拨撫抚撲扑擁拥擇择擊击擋挡擔担據据擠挤擬拟擴扩擺摆擾扰攔拦攜携攤摊敗败敘叙敵敌數数斃毙斷断於于時时晉晋晝昼暈晕暫暂曆历曉晓書书會会朧胧"
    "東东條条業业極极構构槍枪樁桩樂乐樓楼標标樣样樹树橋桥機机檔档檢检權权歡欢歲岁歸归殘残殺杀殼壳毀毁氣气氫氢決决沒没況况洶汹減减湯汤準准溝沟滅灭滬沪滯滞滾滚滿满漢汉"
    "漲涨潑泼潔洁潛潜澤泽濃浓濕湿濟济濤涛濫滥瀏浏灑洒灣湾災灾為为烏乌無无煉炼煙烟煩烦熱热燈灯燒烧燦灿爛烂爭争爺爷牆墙犧牺狀状獄狱獎奖獨独獲获玀猡現现瑣琐環环璽玺瓊琼"
    "甕瓮產产畝亩畢毕畫画異异當当疊叠瘋疯瘡疮療疗癢痒發发盜盗盞盏盡尽監监盤盘盧卢眾众睏困睜睁瞭了矚瞩矯矫碩硕確确碼码礎础礙碍祕秘禍祸禮礼稅税種种稱称積积穩稳窩窝窮穷"
    "窯窑竊窃競竞筆笔筍笋節节範范築筑簡简簽签簾帘籃篮糧粮糾纠紀纪約约紅红紋纹納纳紐纽純纯紗纱紙纸級级紛纷紡纺細细終终組组結结絕绝絡络給给統统絲丝綁绑經经綜综綠绿維维"
    "網网緊紧緒绪線线緣缘編编緩缓緯纬練练緻致縣县縫缝縮缩縱纵總总績绩織织繞绕繩绳繪绘繫系繳缴繼继續续纏缠罈坛罰罚罵骂罷罢羅罗義义習习聖圣聞闻聯联聰聪聲声職职聽听肅肃"
    "脅胁脫脱腦脑腳脚膚肤膽胆臉脸臨临與与興兴舉举舊旧艙舱艦舰艱艰莊庄萬万薦荐薩萨藍蓝藝艺藥药蘆芦蘇苏蘭兰處处號号蝦虾螞蚂蟲虫衆众術术衛卫衝冲裏里補补裝装裡里製制複复"
    "褲裤襪袜襲袭見见規规視视親亲覺觉覽览觀观觸触訂订計计訊讯討讨訓训託托記记訟讼訣诀訪访設设許许訴诉診诊詐诈詛诅詞词詢询試试話话該该詳详誇夸誌志認认誘诱語语誠诚誣诬"
    "誤误誦诵誨诲說说誰谁課课調调談谈請请諒谅論论諮咨諸诸諾诺謀谋謂谓謊谎講讲謝谢謠谣謹谨證证譏讥識识譯译議议譴谴護护譽誉讀读變变讓让讚赞豎竖豐丰豬猪貓猫貝贝負负財财"
    "貢贡貧贫貨货販贩貪贪貫贯責责貴贵貶贬買买貸贷費费貼贴貿贸賀贺賃赁賄贿資资賈贾賊贼賓宾賜赐賞赏賠赔賢贤賣卖賤贱賦赋質质賬账賭赌賴赖賺赚購购賽赛贈赠贊赞贏赢趕赶趙赵"
    "趨趋跡迹踐践蹟迹蹤踪躉趸躍跃軀躯車车軌轨軍军軟软軸轴較较載载輕轻輛辆輝辉輩辈輪轮輯辑輸输轄辖轉转轟轰辦办辭辞辯辩農农迴回這这連连週周進进運运過过達达違违遙遥遞递"
    "遠远適适遲迟選选遺遗還还邊边郵邮鄉乡鄭郑鄰邻醜丑醞酝醫医釀酿釋释釘钉針针鈔钞鈴铃鉤钩銀银銷销鋪铺鋼钢錄录錢钱錦锦錯错鍋锅鍵键鎖锁鎮镇鏈链鏡镜鐘钟鐵铁鑑鉴鑰钥長长"
    "門门閃闪閉闭開开閒闲間间閣阁閱阅闆板闊阔闖闯關关闡阐陝陕陣阵陰阴陳陈陸陆陽阳隊队階阶際际隨随險险隱隐隸隶雋隽雖虽雙双雜杂雞鸡離离難难雲云電电霧雾靈灵靜静韋韦韌韧"
    "韓韩響响頁页頂顶項项順顺須须預预頒颁頓顿頗颇領领頭头頸颈頹颓頻频顆颗題题額额顏颜願愿顛颠類类顧顾顯显風风颱台飄飘飛飞飯饭飽饱餅饼養养餓饿餘余館馆餵喂馬马駕驾騎骑"
    "騙骗騰腾騷骚驅驱驗验驚惊驟骤骯肮髒脏體体髮发鬆松鬍胡鬥斗鬧闹魚鱼魯鲁鮮鲜鳥鸟鴨鸭鵝鹅鹹咸麗丽麥麦麵面麼么黃黄點点黨党黴霉齊齐齒齿齡龄齣出龍龙龜龟"
    # Found missing by checking the characters of the rules, the corpora and a domain word
    # list against a converter's table; 乾 著 藉, also ordinary Simplified, left out.
    "丟丢産产夥伙偵侦憑凭則则唄呗啞哑喚唤壇坛墳坟傢家崗岗嶽岳攝摄櫃柜汙污牽牵纍累緝缉聾聋蕩荡營营錶表諷讽評评誹诽謗谤貳贰贍赡閨闺顔颜驢驴內内劉刘噴喷嚮向饋馈偉伟綫线淩凌韆千隻只彆别摺折癥症"
)

# Cantonese (and a few northern) function characters folded to the Mandarin word they
# stand for, one character for one: 佢 他, 哋 们, 嘅 的, 咗 了, 冇 没, 唔 不, 喺 在, 嚟 来,
# 畀 and 俾 给, 睇 看, 嗰 那, 搵 找, 攞 拿, 諗 想, 瞓 睡, 啲 些; 妳 你 and northern 俺 我.
# So 佢唔還 reads as 他不还 and every rule written in Mandarin also reads Cantonese. Each is
# a character Mandarin text does not use (唔 as an interjection and 俾, 畀 in classical
# phrases are rare), so Simplified text stays as it is; words of two characters for one
# (屋企, 乜嘢) and characters Mandarin also uses (係, 仲, 晒, 呢) are left to the rules.
DIALECT_PAIRS = "佢他哋们嘅的咗了冇没唔不喺在嚟来畀给俾给睇看嗰那𠮶那搵找揾找攞拿諗想谂想瞓睡啲些妳你俺我"

TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = {
    **{OPENCC_PAIRS[i]: OPENCC_PAIRS[i + 1] for i in range(0, len(OPENCC_PAIRS), 2)},
    **{_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS), 2)},  # the reviewed pairs win
    **{DIALECT_PAIRS[i]: DIALECT_PAIRS[i + 1] for i in range(0, len(DIALECT_PAIRS), 2)},
}
