"""The personal-information finder on the fourteenth corpus's regions and the classes it taught."""

import time

import pytest

from engine.disclosure.privacy import find_personal_information
from tests import privacy_corpus_14
from tests.test_privacy_more import _score, kinds, names


def test_the_fourteenth_corpus_scores() -> None:
    hits, labels, finds = _score(privacy_corpus_14.PASSAGES)
    assert hits / labels >= 0.99 and hits / finds >= 0.99, (hits, labels, finds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Tibetan names, no surname: in a column, before a licence's number, in a list
        ("序号  姓名      性别\n1     才让卓玛  女\n2     罗 华     男", ["才让卓玛", "罗 华"]),
        ("记分满12分的驾驶人：\n达瓦次仁，驾驶证号540102198501013011，记分12分", ["达瓦次仁"]),
        ("拟授予学位人员名单\n理学院：曾 敏、索朗旺堆", ["曾 敏", "索朗旺堆"]),
        # a name written for its sound in a form's field, then the next field
        ("申请人：乌兰其其格　性别：女　民族：蒙古族", ["乌兰其其格"]),
        ("监护人：额尔德木图　与申请人关系：父子　联系电话：", ["额尔德木图"]),
        # labels of legal aid and of an old person's keepers, a cousin
        ("受援人：扎西卓玛，女，藏族", ["扎西卓玛"]),
        ("委托照料人：柏淑芬（侄女），电话", ["柏淑芬"]),
        ("将医保卡借给其表哥靳志军使用", ["靳志军"]),
        # surnames of the north-east, north-west and Shanxi; 南 and 那 where no word follows
        ("户主：纳国栋，家庭人口3人", ["纳国栋"]),
        ("南贤淑女士：\n您反映的问题收悉。", ["南贤淑"]),
        ("被征收人：那丽华、况建平", ["那丽华", "况建平"]),
        ("扶助对象：智海生　男　1960年2月生", ["智海生"]),
        # neighbours in a plot's bounds
        ("四至：东至巷道，西至莫永福宅，南至水渠，北至柯秀兰家承包地", ["莫永福", "柯秀兰"]),
        # a private clinic's head before a wrongdoing
        ("经查，某诊所负责人甄国强虚构诊疗项目", ["甄国强"]),
    ],
)
def test_names_of_the_fourteenth_corpus_classes(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the south, "that", words of 纳, 智 and 况, roads and ditches in a plot's bounds
        "东至王家沟，西至李家地，南至水渠，北至村道",
        "东至国道，南至南京路，西至江边",
        "南宁市南湖公园南侧",
        "那些问题已于那天解决",
        "纳入低保范围，纳税人识别号",
        "1、黄德华  智力二级  横州市校椅镇",
        "况且该户已领取补贴",
        # a Tibetan word alone is no name; a lawyer assigned as such
        "扎西德勒，尼玛县人民政府",
        "指派西藏雪域律师事务所律师承办。",
        # a header with one blank and two, a column of amounts
        "序号　项目名称　　金额\n１　　道路硬化　１５０",
    ],
)
def test_look_alikes_of_the_fourteenth_corpus_classes(text: str) -> None:
    assert kinds(text) == []


def test_a_forms_home_on_its_own_line() -> None:
    text = (
        "当事人：柴德胜　性别：男　出生年月：1974年10月\n"
        "住所：牡丹江市东安区太平路街道光华社区18号楼4单元502室\n"
    )
    assert ("address", "牡丹江市东安区太平路街道光华社区18号楼4单元502室") in kinds(text)


def test_a_firms_seat_on_its_own_line_is_no_home() -> None:
    text = "当事人：拉萨某某商贸有限公司\n法定代表人：张伟，男\n住所：拉萨市城关区北京中路18号"
    assert [kind for kind, _ in kinds(text)] == ["name"]


def test_a_header_typed_with_one_blank_and_two() -> None:
    text = (
        "序号　姓名　　残疾人证号　　　补贴金额\n"
        "１　　孙桂香　ＡＢ１２３　１５０\n"
        "２　　隋振东　ＡＢ４５６　２００"
    )
    assert names(text) == ["孙桂香", "隋振东"]


@pytest.mark.parametrize(
    "text",
    [
        "东至" * 50_000,
        "东至王伟宅" * 20_000,
        "南至王伟" * 25_000,
        "：王伟伟 " * 20_000,
        "申请人：其木格 性别：" * 10_000,
        "：" + "王" * 99_999,
        "序号 姓名  残疾人证号  金额\n" + "1  王伟 123 45\n" * 8_000,
        "才让东智，驾驶证号" * 11_000,
        "次仁卓玛、" * 20_000,
        "住所：" + "\n" * 99_997,
    ],
)
def test_the_fourteenth_corpus_rules_stay_fast(text: str) -> None:
    started = time.process_time()
    find_personal_information(text[:100_000])
    # Linear work takes well under a second here; quadratic work would take minutes.
    assert time.process_time() - started < 5.0
