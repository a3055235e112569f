"""The personal-information finder on the twelfth corpus's genres and the classes it taught."""

import time

import pytest

from engine.disclosure.privacy import find_personal_information
from tests import privacy_corpus_12, privacy_corpus_13
from tests.test_privacy_more import _score, kinds, names


def test_the_twelfth_corpus_scores() -> None:
    hits, labels, finds = _score(privacy_corpus_12.PASSAGES)
    assert hits / labels >= 0.99 and hits / finds >= 0.99, (hits, labels, finds)


def test_the_thirteenth_corpus_scores() -> None:
    hits, labels, finds = _score(privacy_corpus_13.PASSAGES)
    assert hits / labels >= 0.98 and hits / finds >= 0.98, (hits, labels, finds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name before its own certificate's number
        (
            "何军伟（从业资格证号430203198503211536）、简金平（从业资格证号8801）",
            ["何军伟", "简金平"],
        ),
        # a change told after a label
        ("经营者：由付春华变更为付家明\n经营场所：醴陵市", ["付春华", "付家明"]),
        # numbered rows set out with blanks, in a list of persons
        (
            "拟确定以下农户为补助对象：\n"
            "1. 杨木生　　4组　　补助1.5万元\n2. 汪翠英　　7组　　补助3.5万元",
            ["杨木生", "汪翠英"],
        ),
        # a numbered row's name of two characters before a sex
        ("拟推荐人选公示\n3.向东，男，1975年生，出租车司机", ["向东"]),
        # an honour conferred on names dotted, spaced, past a line break, after their work
        (
            "授予赵淑兰、古丽娜·买买提、蒋 红、\n纪念馆讲解员尹佳同志“优秀共产党员”称号。",
            ["赵淑兰", "古丽娜·买买提", "蒋 红", "尹佳"],
        ),
        ("授予第一中学 易明辉、实验学校 邓秀芬“优秀教师”称号。", ["易明辉", "邓秀芬"]),
        # recruits, neighbours, lodgers, retirement
        ("王家坪村 兵员：尹志刚，父亲：尹德旺，优待金18600元", ["尹志刚", "尹德旺"]),
        ("责任田被邻居袁志明擅自占用修建猪舍", ["袁志明"]),
        ("住宿人：金敏俊，房东：易国强，电话", ["金敏俊", "易国强"]),
        ("关于您父亲曾广福退休待遇问题", ["曾广福"]),
        # a class's list under its grade; numbered rows, one with a surname no list holds
        ("拟资助学生名单\n一年级（2班）：黄梓涵、罗嘉怡", ["黄梓涵", "罗嘉怡"]),
        (
            "新增对象名单\n1、黄德华  肢体二级\n2、陆美玲  视力一级\n3、农志刚  智力二级",
            ["黄德华", "陆美玲", "农志刚"],
        ),
        ("以下学生录取：\n高一年级：訾梓涵、操嘉怡、汪语桐", ["訾梓涵", "操嘉怡", "汪语桐"]),
    ],
)
def test_names_of_the_twelfth_corpus_classes(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a cadre's particulars in a notice of appointment
        "龙建军，男，1978年5月生，汉族，中共党员，现任南洲镇镇长，拟任南洲镇党委书记。",
        "任命：\n李卫华为株洲市中级人民法院审判员；",
        # a sign-off of officers in office, an agency's contact and lines
        "经办人：刘红英　　复核人：陈卫东",
        "株洲市人力资源和社会保障局信访科\n联系人：郭芳　电话：0731-28688123",
        "异议书面材料送达地址：株洲市天元区神农大道368号市民中心3楼　联系电话：0731-28683300",
        "施工单位：湖南建工集团有限公司，项目负责人：张工　联系电话：0731-28120000",
        "请向宜春市不动产登记中心书面提出。电话：0795-3219000",
        # numbered rows of projects, not persons; a board that hires
        "重点项目名单\n1. 宜春经开区锂电  总投资120亿元\n2. 袁州区秀江两岸  总投资18亿元",
        "经股东会决议，经理由董事会聘任。",
        # a hotel is no home of its guest
        "住宿地址：威海市环翠区海滨北路66号海悦宾馆808房间。",
    ],
)
def test_look_alikes_of_the_twelfth_corpus_classes(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "经调查，你所居住的芦淞区建宁街道枫溪港小区11栋402室楼上住户钟国强已于5月20日完成维修。",
            "芦淞区建宁街道枫溪港小区11栋402室",
        ),
        ("信访人：殷德富，男，现居住茶陵县腰潞镇洮水村8组，电话", "茶陵县腰潞镇洮水村8组"),
        (
            "陈冬梅（女，1986年7月23日出生，汉族，住湖南省攸县江桥街道城西社区解放路47号）：",
            "湖南省攸县江桥街道城西社区解放路47号",
        ),
        ("经营者住所：醴陵市来龙门街道西山社区红旗路6号\n", "醴陵市来龙门街道西山社区红旗路6号"),
        (
            "住宿地址：株洲市天元区黄河北路588号华天城3栋2105室，房东",
            "株洲市天元区黄河北路588号华天城3栋2105室",
        ),
    ],
)
def test_homes_of_the_twelfth_corpus_classes(text: str, address: str) -> None:
    assert [value for kind, value in kinds(text) if kind == "address"] == [address]


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "王李张刘陈" * 20_000,
        "、" * 100_000,
        "王伟、" * 33_334,
        "1. 王伟  \n" * 12_500,
        "1. 王伟  \n2. 农伟  \n" * 6_250,
        "授予" + "某某学校 王伟、" * 12_500,
        "授予" + "讲解员" * 33_333,
        ("现任" + "拟" * 100 + "\n") * 970,
        "经办人：" + "复" * 99_996,
        "经办人：复核人" * 14_286,  # each signer searched on to the line's end: 24 s
        "现任" * 50_000,
        "授予" + "王伟、\n" * 25_000,
    ],
)
def test_the_twelfth_corpus_rules_stay_fast(text: str) -> None:
    started = time.process_time()
    find_personal_information(text[:100_000])
    assert time.process_time() - started < 1.0
