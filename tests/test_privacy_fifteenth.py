"""The personal-information finder on the fifteenth corpus's regions and the classes it taught."""

import time

import pytest

from engine.disclosure.privacy import find_personal_information
from tests import privacy_corpus_15
from tests.test_privacy_more import _score, kinds, names


def test_the_fifteenth_corpus_scores() -> None:
    hits, labels, finds = _score(privacy_corpus_15.PASSAGES)
    assert hits / labels >= 0.99 and hits / finds >= 0.99, (hits, labels, finds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name spaced out character by character, found again where the sentence runs on
        ("被告人钟 小 林，男，汉族。被告人钟 小 林犯盗窃罪", ["钟 小 林", "钟 小 林"]),
        ("承租人：韦 明 亮，男，壮族", ["韦 明 亮"]),
        ("与市民刘 春 生一同救起两名落水群众。拟给予刘春生奖励", ["刘 春 生", "刘春生"]),
        ("2.蔡 伟 强，优待证号：YD4415810031279", ["蔡 伟 强"]),
        # …and cut by a scan's line break
        ("当事人：邹 志\n刚（个体工商户）", ["邹 志\n刚"]),
        # surnames of the east and south: 洪, 楼 (not a building's word), 萧, 谈
        ("被处罚人名称：洪 振 辉\n纳税人识别号：", ["洪 振 辉"]),
        ("申请人：楼正华，男", ["楼正华"]),
        ("被申请人：萧美玲、谈国栋", ["萧美玲", "谈国栋"]),
        # labels of injury at work, a worker's fellows, a hearing's representatives
        ("受伤害职工：汪国庆\n性别：男", ["汪国庆"]),
        ("经同事李卫东送至医院救治", ["李卫东"]),
        ("被征收人代表：向家福、田春香、覃 勇", ["向家福", "田春香", "覃 勇"]),
        # a Latin name with Chinese running straight on after it
        ("有证人Mary Brown的证言", ["Mary Brown"]),
        # households with their sizes and a household after its village's colon
        ("一、新增对象\n陈家岗村：詹国友（3人）、詹小翠（1人）", ["詹国友", "詹小翠"]),
        ("二、退出对象\n桐梓河村：田汉清户（家庭成员已就业）", ["田汉清"]),
        # the third set: a fellow worker before 立即, 停保对象, a spaced name before the next field
        ("工友刘大春、张二保立即拨打120", ["刘大春", "张二保"]),
        ("停保对象：石秀兰（户主），坡山村5组", ["石秀兰"]),
        ("经营者：应 丽 娟　统一社会信用代码：92330206MA2J1X6B5R", ["应 丽 娟"]),
        # labels of other writings, of honours and gifts, of benefit lists
        ("申请人：王晓明（英文名：Tony Wang），微信：", ["王晓明", "Tony Wang"]),
        ("献血者：黄丽、周建华、吴 敏", ["黄丽", "周建华", "吴 敏"]),
        ("见义勇为人员：陈 刚（已故），其妻李秀英", ["陈 刚", "李秀英"]),
        ("安置对象：黄德胜、黄小明（父子）", ["黄德胜", "黄小明"]),
        # personal labels a scan spaced out
        ("当 事 人：刘德华，男", ["刘德华"]),
        ("户　主：周杰　家庭人口：3人", ["周杰"]),
        ("王 伟 申 请 人：李娜", ["李娜"]),
        # an honours list of pairs of a district and a name
        (
            "无偿献血先进个人名单\n龙文区　沈丽娟　　芗城区　蓝 天 明　　东山县　欧阳晓峰",
            ["沈丽娟", "蓝 天 明", "欧阳晓峰"],
        ),
    ],
)
def test_names_of_the_fifteenth_corpus_classes(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a column named by 经营者, a name of three split by a blank, three single characters
        ("序号\t被抽样单位\t经营者\t食品名称\n1\t某市场12号摊位\t丁玉梅\t豇豆", ["丁玉梅"]),
        (
            "序号　户主姓名　　安置人口\n1　　龚雪 芬　　 3\n2　　朱樟根　　　5",
            ["龚雪 芬", "朱樟根"],
        ),
        ("顺序　被安置人　　房源\n第1号　　时 光 明　　6-1-1502", ["时 光 明"]),
    ],
)
def test_names_in_the_fifteenth_corpus_tables(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # buildings, floods, talks and the words of 符; 楼 after a number
        "楼长：7号楼 楼上住户反映漏水，楼道堆放杂物",
        "申请人符合条件，申请人谈话笔录，当事人宣传部",
        "洪水、洪涝灾害后，谈判破裂，封存账户",
        # officers in a sign-off, two names spaced in a row
        "审判员 王 伟 书记员 李 娜",
        # a column of 经营者 holding a firm
        "序号 经营者 食品\n1 义乌市好运来超市 豇豆",
        # a village's heading with items counted as things
        "一、涉及村：金山（3个）、白石（2个）",
        # officers and lawyers under spaced labels, an official's title
        "执 法 人 员：王伟　审 判 员：刘伟　联 系 人：王科长",
        "委 托 代 理 人：张明，某某律师事务所律师",
        # a document's word after a district, benefit labels before prose
        "持香港特别行政区护照，护照号码：",
        "补助对象：符合条件的困难家庭；获奖者名单如下；申请者应当于30日内提交",
        # a table's header after 姓名; pairs of districts and villages, or in no list of persons
        "序号　义务兵姓名　　入伍地　　家属姓名",
        "项目名单\n芝罘区　张家村　　福山区　王家庄",
        "会议安排\n芝罘区　金山　　福山区　白石",
    ],
)
def test_look_alikes_of_the_fifteenth_corpus_classes(text: str) -> None:
    assert names(text) == []


def test_a_padded_name_beside_a_columns_word_keeps_two_characters() -> None:
    assert names("序号  姓名  残疾类别\n1     龚  翠  视力") == ["龚  翠"]


def test_a_persons_form_gives_its_address_under_a_bare_label() -> None:
    text = (
        "被处罚人名称：洪 振 辉\n纳税人识别号：350503198802153029\n"
        "地址：泉州市丰泽区东海街道东星社区东海大街523号\n"
    )
    assert ("address", "泉州市丰泽区东海街道东星社区东海大街523号") in kinds(text)


def test_an_agencys_address_under_a_bare_label_is_none() -> None:
    text = "威海市环翠区市场监督管理局\n联系人：王科长\n地址：威海市环翠区青岛中路100号\n"
    assert [kind for kind, _ in kinds(text)] == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "被告人钟林，男，户籍地江西省于都县贡江镇\n长征大道西路66号。因涉嫌盗窃罪",
            "江西省于都县贡江镇\n长征大道西路66号",
        ),
        (
            "当事人：邹志刚（个体工商户，字号：双清区志刚快餐店）\n身份证号：430502198207163015\n"
            "住所：邵阳市双清区东风路街道\n东风路社区新建巷12号\n联系电话：",
            "邵阳市双清区东风路街道\n东风路社区新建巷12号",
        ),
    ],
)
def test_an_address_a_line_break_cuts(text: str, address: str) -> None:
    assert ("address", address) in kinds(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("户口由瑞安市安阳街道万松路32号之一迁至温州市鹿城区。", "瑞安市安阳街道万松路32号之一"),
        ("申请人：林海，住福州市鼓楼区五四路32号之一，电话", "福州市鼓楼区五四路32号之一"),
        ("遗失位于泉州市丰泽区东海街道32号之二的不动产权证书。", "泉州市丰泽区东海街道32号之二"),
    ],
)
def test_a_house_numbered_after_its_neighbours_keeps_its_whole_number(
    text: str, address: str
) -> None:
    # 32号之一 is the house built beside 32号: the address stopped at 32号 and left 之一 shown
    assert ("address", address) in kinds(text)


def test_a_line_break_after_a_whole_address_ends_it() -> None:
    text = "申请人：张伟，男，住址：威海市环翠区青岛中路12号\n东风路社区新建巷12号为其经营场所"
    assert ("address", "威海市环翠区青岛中路12号") in kinds(text)


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        # the contact closing an agency's letter, and its line
        (
            "怀化市鹤城区退役军人事务局\n关于办理随军落户的函\n鹤城区公安分局：\n"
            "兹有军官向海峰（军官证号：南字第2034517号）申请随军。请予办理。\n"
            "联系人：舒晓燕　联系电话：0745-2712345",
            "舒晓燕",
        ),
        # the contact at the foot of an agency's notice
        (
            "恩施市人民政府房屋征收听证会通知\n被征收人代表：向家福。\n请准时参加。\n"
            "联系人：谭 丽　电话：0718-8221345",
            "谭 丽",
        ),
    ],
)
def test_an_agencys_contact_at_its_letters_foot_is_none(text: str, contact: str) -> None:
    found = kinds(text)
    assert ("name", contact) not in found
    assert [kind for kind, _ in found if kind == "landline"] == []
    assert [kind for kind, _ in found if kind == "name"]  # the person it is about is found


def test_a_callers_contact_in_a_ticket_is_found() -> None:
    text = "某市12345热线工单\n来电人：王芳\n联系人：王芳　电话：0579-85123456"
    assert kinds(text) == [
        ("name", "王芳"),
        ("name", "王芳"),
        ("landline", "0579-85123456"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "王 伟 " * 20_000,
        "钟 小 林，" * 16_000,
        "王 伟\n林（" * 16_000,
        "刘 春 生、刘春生" * 10_000,
        "".join(f"{chr(0x4E00 + i % 5000)} {chr(0x4F00 + i % 300)} 林，" for i in range(16_000)),
        "被处罚人名称：洪 振 辉\n" * 8_000,
        "\n地址：" * 25_000,
        "纳税人识别号：350503198802153029\n地址：泉州市丰泽区东海大街523号\n" * 2_000,
        "户籍地江西省于都县贡江镇\n" * 8_000,
        "住址：江西省于都县贡江镇\n长征大道西路" * 5_000,
        "请予办理。\n联系人：王伟　电话：0745-2712345\n" * 3_000,
        "某市人民政府通知\n" + "联系人：王伟\n" * 14_000,
        "陈家岗村：" + "詹国友（3人）、" * 12_000,
        "摇号顺序 被安置人 证件号码 房源\n" + "第1号   时 光 明    2314    房\n" * 4_000,
        "序号 经营者 食品\n" + "1\t丁玉梅\t豇豆\n" * 8_000,
        "2.蔡 伟 强，优待证号：" * 6_000,
        "同事李卫东送至" * 14_000,
        "证人" + "Mary " * 20_000,
        "桐梓河村：田汉清户（" * 10_000,
        "当事人：王伟，个体工商户，字号：" * 3_000 + "住所：",
        "龙文区 沈丽娟  " * 9_000,
        "先进个人\n" + "龙文区 沈丽娟  芗城区 蓝 天 明\n" * 4_000,
        "区 " + "  " * 49_000,
        "经营者：应 丽 娟 统一" * 8_000,
        "姓名　　入伍地" * 14_000,
        "工友刘大春、张二保立即" * 9_000,
        "：" * 100_000,
        "申 请 人：" * 16_000,
        "王 伟 申 请 人：李" * 9_000,
    ],
)
def test_the_fifteenth_corpus_rules_stay_fast(text: str) -> None:
    started = time.process_time()
    find_personal_information(text[:100_000])
    # Linear work takes well under a second here; quadratic work would take minutes.
    assert time.process_time() - started < 5.0
