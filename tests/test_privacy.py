"""De-identification: finding personal identifiers, masking them, redacting the text."""

import itertools
import random
import time
from datetime import date, timedelta

import pytest

from engine.disclosure.privacy import (
    KINDS,
    Finding,
    Redaction,
    _copies,
    _resolve,
    find_personal_information,
    manual_redactions,
    mask,
    normalize,
    redact,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(region: str, birth: str, seq: str) -> str:
    """An 18-digit ID with its GB 11643 check character, computed here independently."""
    body = region + birth + seq
    assert len(body) == 17
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def wrong_check(id18: str) -> str:
    return id18[:17] + ("0" if id18[17] != "0" else "1")


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mod11_10_ok(digits: str) -> bool:
    """ISO 7064 MOD 11,10, the check of 15-digit business registration numbers."""
    p = 10
    for ch in digits[:-1]:
        p = ((p + int(ch)) % 10 or 10) * 2 % 11
    return (p + int(digits[-1])) % 10 == 1


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the digit that makes it pass the Luhn check."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def luhn_break(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_information(text)]


ID_A = resident_id("370102", "19900307", "123")
ID_B = resident_id("371002", "19851231", "051")
CARD_16 = luhn_complete("622848001234567")  # UnionPay, 16 digits
CARD_19 = luhn_complete("621700123456789012")  # UnionPay, 19 digits
VISA = luhn_complete("411111111111111")


def grouped(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


# ---------------------------------------------------------------- kinds and findings


def test_kinds_have_chinese_and_english_labels():
    for kind in (
        "resident_id", "mobile", "bank_card", "email", "landline", "passport",
        "hk_macau_permit", "taiwan_permit", "military_id", "license_plate",
    ):  # fmt: skip
        zh, en = KINDS[kind]
        assert zh and en
    assert KINDS["hk_macau_permit"][0] == "港澳通行证件号码"
    assert KINDS["taiwan_permit"][0] == "台湾通行证件号码"
    assert KINDS["resident_id"][0] == "居民身份证号"
    assert KINDS["mobile"][0] == "手机号码"
    assert KINDS["bank_card"][0] == "银行卡号"
    assert KINDS["email"][0] == "电子邮箱"


def test_finding_fields_in_chinese_running_text():
    text = f"身份证号{ID_A}，手机13812345678。"
    found = find_personal_information(text)
    assert found == [
        Finding("resident_id-4", "resident_id", 4, 22, ID_A, "3701**********" + ID_A[-4:]),
        Finding("mobile-25", "mobile", 25, 36, "13812345678", "138****5678"),
    ]
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.kind in KINDS


def test_findings_in_order_of_position():
    text = f"邮箱a@b.cn，手机13912345678，身份证{ID_B}，卡号{CARD_16}"
    found = find_personal_information(text)
    assert [f.kind for f in found] == ["email", "mobile", "resident_id", "bank_card"]
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_empty_and_plain_text():
    assert find_personal_information("") == []
    assert find_personal_information("关于做好2026年政务公开工作的通知") == []


# ---------------------------------------------------------------- resident IDs


def test_valid_18_digit_ids_are_found():
    for id18 in (ID_A, ID_B, resident_id("110105", "20010101", "004")):
        assert kinds(f"公民身份号码：{id18}。") == [("resident_id", id18)]
        assert kinds(f"张三{id18}李四") == [("resident_id", id18)]  # no keyword needed


def test_id_with_x_check_character_upper_and_lower():
    seq = next(
        s
        for s in (f"{n:03d}" for n in range(1000))
        if resident_id("371082", "19760502", s)[-1] == "X"
    )
    id_x = resident_id("371082", "19760502", seq)
    assert kinds(f"身份证{id_x}，") == [("resident_id", id_x)]
    assert kinds(f"身份证{id_x.lower()}，") == [("resident_id", id_x.lower())]


def test_id_with_wrong_check_digit_is_not_found():
    assert kinds(f"身份证号{wrong_check(ID_A)}。") == []


def test_id_with_impossible_birth_date_is_not_found():
    body = "370102" + "19900230" + "123"
    bad = resident_id("370102", "19900230", "123")
    assert bad.startswith(body)
    assert kinds(f"身份证号{bad}。") == []
    assert kinds(f"身份证号{resident_id('370102', '19891301', '123')}") == []  # month 13


def test_id_born_in_the_future_or_before_1900_is_not_found():
    tomorrow = (date.today() + timedelta(days=1)).strftime("%Y%m%d")
    assert kinds(f"身份证号{resident_id('370102', tomorrow, '123')}") == []
    assert kinds(f"身份证号{resident_id('370102', '18991231', '123')}") == []


def test_id_with_unknown_province_is_not_found():
    assert kinds(f"身份证号{resident_id('190102', '19900307', '123')}") == []


def test_id_inside_longer_run_of_digits_or_letters_is_not_found():
    assert kinds(f"编码1{ID_A}") == []
    assert kinds(f"{ID_A}5号") == []
    assert kinds(f"ID{ID_A}") == []
    assert kinds(f"{ID_A}A") == []


def test_15_digit_id_with_keyword():
    old = "370102900307123"
    assert kinds(f"身份证号码：{old}，") == [("resident_id", old)]
    assert kinds(f"证件号{old}") == [("resident_id", old)]


def test_15_digit_id_with_keyword_is_found_even_if_luhn_valid():
    old = luhn_complete("37010290030712")
    assert luhn_ok(old)
    assert kinds(f"原身份证号{old}") == [("resident_id", old)]


def test_15_digit_id_without_keyword():
    old = "370102900307123"
    assert not luhn_ok(old)
    assert kinds(f"张三（{old}）") == [("name", "张三"), ("resident_id", old)]  # its holder
    imei_like = luhn_complete("37010290030712")
    assert kinds(f"型号（{imei_like}）") == []  # passes Luhn: an IMEI or a card as likely
    # after a name starting a list's item, it is the holder's ID even so
    assert kinds(f"名单：张三（{imei_like}）") == [("name", "张三"), ("resident_id", imei_like)]


def test_15_digit_number_after_another_label_is_not_an_id():
    old = "370102900307123"
    for label in ("编号", "文号", "单号", "账号", "注册号："):
        assert kinds(f"{label}{old}") == []
    # the nearest label decides
    assert kinds(f"编号1，身份证号{old}") == [("resident_id", old)]


def test_unlabelled_15_digit_id_after_a_sex_is_found_even_if_luhn_valid():
    old = luhn_complete("37010290030712")
    assert kinds(f"张三，男，{old}，威海市环翠区") == [("name", "张三"), ("resident_id", old)]
    assert kinds(f"李四 女 {old}") == [("name", "李四"), ("resident_id", old)]


def test_registration_number_after_a_firm_is_not_an_id():
    candidates = [f"37100285030712{d}" for d in "0123456789"]
    reg = next(c for c in candidates if mod11_10_ok(c) and not luhn_ok(c))
    assert kinds(f"威海海澄商贸有限公司，{reg}，法定代表人张三") == [("name", "张三")]
    assert kinds(f"张三，{reg}，住威海市") == [  # no firm before it
        ("name", "张三"),
        ("resident_id", reg),
    ]
    other = next(c for c in candidates if not mod11_10_ok(c) and not luhn_ok(c))
    assert kinds(f"威海海澄商贸有限公司法定代表人张三（{other}）") == [
        ("name", "张三"),
        ("resident_id", other),
    ]


def test_15_digit_number_with_impossible_date_is_not_found():
    assert kinds("身份证号370102900230123") == []
    assert kinds("身份证号370102901301123") == []


# ---------------------------------------------------------------- mobiles


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "+86 13812345678",
        "+86-138-1234-5678",
        "8613812345678",
        "008613812345678",
        "(+86)13812345678",
    ],
)
def test_mobile_formats(written):
    assert kinds(f"联系人手机：{written}。") == [("mobile", written)]
    assert kinds(f"请拨打{written}咨询") == [("mobile", written)]


def test_mobile_masks():
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("mobile", "138-1234-5678") == "138-****-5678"
    assert mask("mobile", "+86 138 1234 5678") == "+86 138 **** 5678"
    assert mask("mobile", "8613812345678") == "86138****5678"


def test_not_mobiles():
    for text in (
        "编码10012345678",  # 10, 11, 12 are not mobile prefixes
        "11012345678",
        "12345678901",
        "138123456789",  # 12 digits
        "913812345678",
        "A13812345678",
        "条码6913812345678",
        "档案编号13812345678",
        "热线12345",
    ):
        assert kinds(text) == [], text


def test_number_followed_by_a_unit_is_an_amount():
    assert kinds("年度预算总额13812345678元") == []
    assert kinds("合计13812345678 元") == []
    assert kinds(f"共计{CARD_16}元") == []


def test_grouped_mobile_inside_longer_grouped_number_is_not_found():
    assert kinds("序列 9 138 1234 5678 2") == []


# ---------------------------------------------------------------- landlines


@pytest.mark.parametrize(
    "written",
    ["0631-5288123", "(0631)5288123", "（0631）5288123", "0631 5288123", "010-62345678"],
)
def test_landline_formats(written):
    assert kinds(f"联系电话：{written}。") == [("landline", written)]
    assert kinds(f"威海市政务服务中心{written}转8001") == [("landline", written)]


def test_landline_run_together_after_any_words_but_another_numbers_label():
    assert kinds("联系电话06315288123") == [("landline", "06315288123")]
    assert kinds("请联系06318803972") == [("landline", "06318803972")]
    assert kinds("文件06315288123") == [("landline", "06315288123")]
    for label in ("档号", "档案编号：", "发票代码", "账户", "金额合计", "第"):
        assert kinds(f"{label}06315288123") == [], label


def test_not_landlines():
    for text in (
        "服务热线400-123-4567",
        "12345政务服务便民热线",
        "010-1234567",  # a 3-digit area code has 8-digit numbers
        "021-52881234X",
        "0631-0288123",  # local numbers do not start with 0 or 1
        "邮政编码264200",
        "0001-0050号",
    ):
        assert kinds(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "举报电话：0535-6231234。", "值班电话 010-66881234、010-66885678",
        "招标代理机构联系方式：(0531)86123456", "如有疑问，请拨打咨询热线0632 3312345",
        "监督电话：0546-8219876或0546-8219877", "本院受理电话：021-6410 5566",
    ],
)  # fmt: skip
def test_landlines_an_agency_publishes_to_be_called_are_not_found(text: str) -> None:
    assert kinds(text) == [], text


def test_a_persons_landline_and_a_mobile_after_a_public_label_are_found():
    assert kinds("联系人：赵磊，电话：0535-6231234") == [
        ("name", "赵磊"),
        ("landline", "0535-6231234"),
    ]
    assert kinds("咨询电话：13512345678") == [("mobile", "13512345678")]
    assert kinds("监督电话：0535-6231234。申请人电话：0535-6231299") == [
        ("landline", "0535-6231299")
    ]


def test_landline_mask_keeps_area_code_and_last_two_digits():
    assert mask("landline", "0631-5288123") == "0631-*****23"
    assert mask("landline", "(0631)5288123") == "(0631)*****23"
    assert mask("landline", "010-62345678") == "010-******78"
    assert mask("landline", "06315288123") == "0631*****23"


# ---------------------------------------------------------------- bank cards


def test_valid_cards_found_plain_and_grouped():
    for number in (CARD_16, CARD_19, VISA):
        assert kinds(f"银行卡号：{number}。") == [("bank_card", number)]
        assert kinds(f"退款至{grouped(number)}，") == [("bank_card", grouped(number))]
        assert kinds(f"卡号{grouped(number, '-')}") == [("bank_card", grouped(number, "-"))]


def test_cards_failing_luhn_are_not_found():
    for number in (CARD_16, CARD_19, VISA):
        bad = luhn_break(number)
        assert kinds(f"银行卡号：{bad}。") == []
        assert kinds(f"银行卡号：{grouped(bad)}。") == []


def test_cards_with_other_first_digits_or_lengths_are_not_found():
    assert kinds(f"账号{luhn_complete('161402000920001234')}") == []  # corporate, starts 1
    assert kinds(f"账号{luhn_complete('9' * 16)}") == []
    assert kinds(f"卡号{luhn_complete('62284800123456')}") == []  # 15 digits
    assert kinds(f"卡号{luhn_complete('6228480012345678901')}") == []  # 20 digits


def test_cards_must_fit_a_card_scheme():
    assert kinds(f"卡号{luhn_complete('37' + '1' * 15)}") == []  # 3 but not JCB 35, 18 digits
    assert kinds(f"卡号{luhn_complete('35' + '1' * 13)}") == [
        ("bank_card", luhn_complete("35" + "1" * 13))
    ]
    assert kinds(f"卡号{luhn_complete('56' + '1' * 13)}") == []  # Mastercard is 51-55
    assert kinds(f"卡号{luhn_complete('51' + '1' * 16)}") == []  # Mastercard has 16 digits
    assert kinds(f"卡号{luhn_complete('4' * 16)}") == []  # Visa 17 digits
    assert kinds(f"卡号{luhn_complete('4' * 18)}") == [("bank_card", luhn_complete("4" * 18))]


def test_luhn_valid_number_after_other_label_is_not_a_card():
    assert kinds(f"订单号：{CARD_19}") == []
    assert kinds(f"发票号码{CARD_16}") == []
    assert kinds(f"身份证号码{CARD_16}") == []  # a mistyped ID, not a card
    assert kinds(f"订单号：2026001，银行卡号{CARD_16}") == [("bank_card", CARD_16)]


def test_grouped_card_inside_longer_grouped_number_is_not_found():
    assert kinds(f"{grouped(CARD_16)} 1234") == []


def test_bank_card_masks():
    assert mask("bank_card", "6222021234567890123") == "6222***********0123"
    assert mask("bank_card", "6222 0212 3456 7890 123") == "6222 **** **** ***0 123"
    assert mask("bank_card", "6222-0212-3456-7890") == "6222-****-****-7890"


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize("after", ["。", "，", "；", "）", "、", ".", ",", ")", "", " 联系"])
def test_email_leaves_out_trailing_punctuation(after):
    address = "zhang.san_01@mail.weihai.gov.cn"
    assert kinds(f"电子邮箱（{address}{after}") == [("email", address)]


def test_email_masks():
    assert mask("email", "zhangsan@example.com") == "z*******@example.com"
    assert mask("email", "a@b.cn") == "a@b.cn"


def test_not_emails():
    assert kinds("作者@张三") == []
    assert kinds("user@localhost") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("请将材料发送至zhangsan#163.com（发送时请将#改为@）。", "zhangsan#163.com"),
        ("邮箱：wang.xiao#gov-example.cn", "wang.xiao#gov-example.cn"),
        ("联系邮箱 li_si[at]example[dot]com", "li_si[at]example[dot]com"),
        ("E-mail: zhao (at) sina.com", "zhao (at) sina.com"),
        ("Email: zhaoliu at example dot com", "zhaoliu at example dot com"),
        ("zhang【at】qq.com", "zhang【at】qq.com"),
        ("邮箱：ｚｈａｎｇ＃１６３．ｃｏｍ", "ｚｈａｎｇ＃１６３．ｃｏｍ"),
    ],
)
def test_emails_written_so_that_crawlers_miss_them(text: str, found: str) -> None:
    assert kinds(text) == [("email", found)]


@pytest.mark.parametrize(
    "text",
    [
        "we meet at example dot com",
        "C# .NET 培训",
        "话题#政务公开#",
        "请联系 xyz#abc.com",
        "A at b.cn",
    ],
)
def test_a_hash_or_at_is_an_email_only_where_one_is_meant(text: str) -> None:
    assert kinds(text) == []


def test_an_email_written_for_crawlers_keeps_its_domain_when_masked():
    assert mask("email", "zhangsan#163.com") == "z*******#163.com"
    assert mask("email", "li_si[at]example[dot]com") == "l****[at]example[dot]com"


# ---------------------------------------------------------------- passports and plates


def test_passport_only_near_the_word():
    assert kinds("护照号码：E12345678。") == [("passport", "E12345678")]
    assert kinds("持护照（号码EA1234567）入境") == [("passport", "EA1234567")]
    assert kinds("Passport No. G12345678") == [("passport", "G12345678")]
    assert kinds("产品型号E12345678") == []
    assert kinds("护照号码E1234567") == []  # 7 digits


def test_license_plates():
    for plate in ("鲁K12345", "鲁K·D12345", "鲁KD12345", "鲁K12345D", "京AB1234", "鲁K1234挂"):
        assert kinds(f"号牌为{plate}的小型汽车") == [("license_plate", plate)]
    assert mask("license_plate", "鲁K12345") == "鲁*****5"
    assert mask("license_plate", "鲁K·D12345") == "鲁*·*****5"


def test_not_license_plates():
    for text in ("鲁ICP备12345678号", "粤B2-20090059", "鲁KABC12", "鲁K123456", "京A股"):
        assert kinds(text) == [], text


# ---------------------------------------------------------------- overlaps and look-alikes


def test_id_containing_a_mobile_looking_run_is_one_finding():
    id18 = resident_id("513812", "19900307", "123")  # ...13812199003... inside
    assert "1381219900" in id18
    assert kinds(f"身份证号{id18}") == [("resident_id", id18)]


def test_id_that_also_passes_luhn_is_an_id():
    id18 = next(
        resident_id("440305", "19920815", s)
        for s in (f"{n:03d}" for n in range(1000))
        if luhn_ok(resident_id("440305", "19920815", s))
    )
    assert kinds(f"号码{id18}") == [("resident_id", id18)]


def test_email_with_mobile_local_part_is_one_finding():
    assert kinds("邮箱13812345678@163.com。") == [("email", "13812345678@163.com")]


def test_findings_never_overlap():
    text = f"{ID_A} {grouped(CARD_19)} 13812345678@qq.com +86 138 1234 5678 (0631)5288123"
    found = find_personal_information(text)
    assert len(found) == 5
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_government_numbers_are_not_found():
    text = (
        "威海市人民政府办公室关于印发威政办发〔2026〕12号文件的通知，2026年11月28日发布，"
        "日期20261128，金额12345678元（1,234,567.89元），案号（2026）鲁1002行初12号，"
        "鲁威环罚〔2026〕35号，依据《中华人民共和国政府信息公开条例》第十四条、第15条，"
        "统一社会信用代码91371000MA3C8N2K5X，11371000004397129F，邮政编码264200，"
        "热线12345、12315、95588，发票代码037001900111，发票号码01234567，"
        "ISBN 978-7-01-012345-6，订单号202611281234567890。"
    )
    assert find_personal_information(text) == []


# ---------------------------------------------------------------- masks


def test_resident_id_masks():
    assert mask("resident_id", "370102199003071234") == "3701**********1234"
    assert mask("resident_id", "37010219900307123X") == "3701**********123X"
    assert mask("resident_id", "370102900307123") == "3701*******7123"


def test_other_masks_keep_first_and_last_character():
    assert mask("passport", "E12345678") == "E*******8"
    assert mask("other", "张三丰") == "张*丰"
    assert mask("other", "张三") == "张*"
    assert mask("other", "张") == "张"


def test_masks_keep_the_length():
    text = f"{ID_A}，+86 138-1234-5678，{grouped(CARD_19)}，li.si@qq.com，(0631)5288123"
    for f in find_personal_information(text):
        assert len(f.masked) == len(f.text)
        assert f.masked != f.text


# ---------------------------------------------------------------- redact


def test_redact_applies_findings():
    text = f"申请人李四，身份证号{ID_A}，手机13812345678。"
    found = find_personal_information(text)
    disclosed = redact(text, [Redaction(f.start, f.end, f.masked) for f in found])
    assert disclosed == f"申请人李*，身份证号3701**********{ID_A[-4:]}，手机138****5678。"


def test_redact_in_any_order_and_with_replacements_of_other_length():
    text = "甲乙丙丁戊"
    assert redact(text, [Redaction(3, 4, "[删]"), Redaction(0, 1, "X")]) == "X乙丙[删]戊"
    assert redact(text, []) == text


def test_redact_adjacent_redactions_stay_separate():
    text = "abcdef"
    assert redact(text, [Redaction(0, 2, "XY"), Redaction(2, 4, "[z]")]) == "XY[z]ef"


def test_redact_overlapping_masks_merge_character_by_character():
    text = "手机13812345678"
    # the finder's mask keeps 138 and 5678; a hand mark hides the last four digits
    merged = redact(text, [Redaction(2, 13, "138****5678"), Redaction(9, 13, "****")])
    assert merged == "手机138********"
    # nested and duplicated
    assert redact("abcdef", [Redaction(0, 6, "a****f"), Redaction(2, 3, "*")] * 2) == "a****f"


def test_redact_overlapping_with_other_lengths_hides_the_union():
    assert redact("abcdefg", [Redaction(1, 4, "[X]x"), Redaction(3, 5, "**")]) == "a****fg"


def test_redact_rejects_spans_outside_the_text():
    with pytest.raises(ValueError):
        redact("abc", [Redaction(2, 4, "**")])
    with pytest.raises(ValueError):
        redact("abc", [Redaction(2, 2, "")])


# ---------------------------------------------------------------- manual redactions


def test_manual_redactions_hide_a_name_appearing_twice():
    text = "申请人王小明于2026年11月28日提出申请，经核实王小明系该房屋所有权人。"
    marks = manual_redactions(text, ["王小明", "", "  "])
    assert marks == [Redaction(3, 6, "***"), Redaction(26, 29, "***")]
    assert redact(text, marks) == "申请人***于2026年11月28日提出申请，经核实***系该房屋所有权人。"


def test_manual_redactions_overlapping_passages_and_findings():
    text = "联系人王小明，手机13812345678"
    marks = manual_redactions(text, [" 王小明 ", "小明，手机"])
    found = find_personal_information(text)
    assert redact(text, [*marks, *(Redaction(f.start, f.end, f.masked) for f in found)]) == (
        "联系人******138****5678"
    )
    assert manual_redactions("哈哈哈", ["哈哈"]) == [Redaction(0, 2, "**"), Redaction(1, 3, "**")]


# ---------------------------------------------------------------- width


def wide(text: str) -> str:
    """``text`` typed in full width: ASCII to full-width forms, spaces to ideographic ones."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


def test_normalize_folds_width_one_character_for_one():
    assert normalize("３７１０－１２　ＡＢ＠ｘ．ｃｎ（）：，；") == "3710-12 AB@x.cn():,;"
    assert normalize("0631—5288123 0631–1 0631‐1 0631−1 0631﹣1") == (
        "0631-5288123 0631-1 0631-1 0631-1 0631-1"
    )
    assert normalize("鲁K•12345 鲁K・12345 鲁K‧12345 ￥12") == "鲁K·12345 鲁K·12345 鲁K·12345 ¥12"
    text = (
        "关于做好２０２６年政务公开工作的通知，联系人：张三（手机：１３８－１２３４－５６７８）。"
    )
    assert len(normalize(text)) == len(text)
    assert normalize("政府信息公开") == "政府信息公开"


ID_GROUPED = f"{ID_A[:4]} {ID_A[4:8]} {ID_A[8:12]} {ID_A[12:16]} {ID_A[16:]}"

#: (sentence, identifier, kind): each writing of each kind
WRITINGS = [
    ("身份证号{}。", ID_A, "resident_id"),
    ("公民身份号码{}，", "370102900307123", "resident_id"),
    ("身份证号{}。", ID_GROUPED, "resident_id"),
    ("身份证号：{}", f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}", "resident_id"),
    ("身份证号：{}", f"{ID_A[:6]}-{ID_A[6:14]}-{ID_A[14:]}", "resident_id"),
    ("手机{}。", "13812345678", "mobile"),
    ("手机{}。", "138-1234-5678", "mobile"),
    ("手机{}。", "138 1234 5678", "mobile"),
    ("联系电话：{}。", "+86 138 1234 5678", "mobile"),
    ("银行卡号：{}。", CARD_16, "bank_card"),
    ("卡号{}，", grouped(CARD_19), "bank_card"),
    ("邮箱：{}。", "zhang.san@163.com", "email"),
    ("电话：{}。", "0631-5288123", "landline"),
    ("电话：{}。", "(0631)5288123", "landline"),
    ("电话：{}。", "0631 5288123", "landline"),
    ("电话：{}。", "+86-631-5288123", "landline"),
    ("请联系{}。", "06318803972", "landline"),
    ("护照号码：{}。", "E12345678", "passport"),
    ("证件类型：护照；证件号码：{}。", "EA1234567", "passport"),
    ("护照号码：{}。", "G1234567", "passport"),
    ("往来港澳通行证号码：{}。", "C12345678", "hk_macau_permit"),
    ("回乡证号码：{}。", "H1234567801", "hk_macau_permit"),
    ("台胞证号码：{}。", "12345678", "taiwan_permit"),
    ("往来台湾通行证：{}。", "L12345678", "taiwan_permit"),
    ("号牌为{}的车辆", "鲁K12345", "license_plate"),
    ("号牌为{}的车辆", "鲁K-12345", "license_plate"),
    ("号牌为{}的车辆", "鲁K D12345", "license_plate"),
]


@pytest.mark.parametrize(("sentence", "value", "kind"), WRITINGS)
def test_each_writing_is_found_in_both_widths(sentence, value, kind):
    assert kinds(sentence.format(value)) == [(kind, value)]
    # the whole sentence typed in full width, and only the identifier
    assert kinds(wide(sentence.format(value))) == [(kind, wide(value))]
    assert kinds(sentence.format(wide(value))) == [(kind, wide(value))]


@pytest.mark.parametrize(("sentence", "value", "kind"), WRITINGS)
def test_findings_and_masks_address_the_text_as_written(sentence, value, kind):
    text = wide(sentence.format(value))
    (finding,) = find_personal_information(text)
    assert text[finding.start : finding.end] == finding.text == wide(value)
    assert finding.masked == mask(kind, wide(value))
    assert len(finding.masked) == len(finding.text)
    # the mask is the half-width mask, in full width where it keeps a character
    assert normalize(finding.masked) == mask(kind, value)


def test_dash_variants_between_groups():
    for dash in "－—–‐−﹣":
        assert kinds(f"电话：0631{dash}5288123") == [("landline", f"0631{dash}5288123")]
        assert kinds(f"手机138{dash}1234{dash}5678") == [("mobile", f"138{dash}1234{dash}5678")]
        written = f"{ID_A[:6]}{dash}{ID_A[6:14]}{dash}{ID_A[14:]}"
        assert kinds(f"身份证号{written}") == [("resident_id", written)]


def test_full_width_email_parts():
    assert kinds("邮箱：zhangsan＠163.com") == [("email", "zhangsan＠163.com")]
    assert kinds("邮箱：zhangsan@163．com。") == [("email", "zhangsan@163．com")]


#: texts with nothing to find, in either width
LOOK_ALIKES = [
    # amounts and statistics of 11 digits starting 13-19
    "年度预算总额15546680069.58元",
    "支付金额¥18030298747.59",
    "支付￥18030298747",
    "折合$18030298747",
    "人民币13812345678元",
    "全市用电量15546680069千瓦时",
    "接待游客13512345678人次",
    "货物运输量15812345678吨",
    "受益群众13712345678户，",
    "覆盖13612345678人，",
    "服务13612345678次。",
    "面积13612345678平方米",
    "增加13612345678万",
    "财政收入13512345678",
    "合计13812345678",
    "编码213812345678900",
    "系数0.13812345678",
    # other numbers
    "工号13812345678",
    "第13812345678号",
    "档号06315288123",
    "网址http://www.weihai.gov.cn/art/2026/11/28/art_13812345678.html",
    # resident IDs that fail their checks, grouped or not
    f"身份证号{wrong_check(ID_A)}",
    f"身份证号 {wrong_check(ID_A)[:4]} {wrong_check(ID_A)[4:8]} {wrong_check(ID_A)[8:12]} "
    f"{wrong_check(ID_A)[12:16]} {wrong_check(ID_A)[16:]}",
    f"身份证号 {ID_A[:6]} {ID_A[6:14]}-{ID_A[14:]}",  # separators differ
    # shaped like travel documents
    "产品型号E12345678",
    "护照号码E1234567",
    "台胞证有效期至20301231",
    "持往来港澳通行证，设备编号C12345678",
    "台胞证办理咨询电话：52881234",
    "台胞证号码：受理编号2026，12345678",
    "往来港澳通行证号码C1234567",
    # shaped like plates
    "鲁ICP备12345678号-1",
    "粤B2-20090059",
    "鲁K 123456",
    "京A股",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_found_in_either_width(text):
    assert kinds(text) == []
    assert kinds(wide(text)) == []


# ---------------------------------------------------------------- grouped resident IDs


def test_grouped_ids_in_every_grouping():
    for sizes in ((4, 4, 4, 4, 2), (6, 8, 4), (6, 4, 4, 4), (3, 3, 4, 4, 4)):
        parts, at = [], 0
        for size in sizes:
            parts.append(ID_B[at : at + size])
            at += size
        for sep in (" ", "  ", "-", " - ", "\u3000"):
            written = sep.join(parts)
            assert kinds(f"身份证号：{written}，") == [("resident_id", written)], written


def test_grouped_id_after_a_row_number_is_found():
    assert kinds(f"1 {ID_GROUPED} 张三 男") == [("resident_id", ID_GROUPED), ("name", "张三")]
    assert kinds(f"序号 12 {ID_GROUPED}") == [("resident_id", ID_GROUPED)]


def test_grouped_id_mask_keeps_the_groups():
    assert mask("resident_id", ID_GROUPED) == f"{ID_A[:4]} **** **** **{ID_A[-4:-2]} {ID_A[-2:]}"


def test_grouped_15_digit_id_needs_an_id_keyword():
    old = "370102 900307 123"
    assert kinds(f"身份证号码：{old}") == [("resident_id", old)]
    assert kinds(f"张三 {old}") == []


# ---------------------------------------------------------------- passports and permits


def test_passports_after_the_document_type():
    assert kinds("证件类型：护照；证件号码：E12345678") == [("passport", "E12345678")]
    assert kinds("证件类型：护照，证件号码：G12345678") == [("passport", "G12345678")]
    assert kinds("护照号：G1234567") == [("passport", "G1234567")]
    assert kinds("证件号码：E12345678（护照）") == [("passport", "E12345678")]
    assert kinds("护照号码：E12345678、EA1234567、G12345678") == [
        ("passport", "E12345678"),
        ("passport", "EA1234567"),
        ("passport", "G12345678"),
    ]


def test_a_full_stop_ends_the_search_for_the_document_type():
    assert kinds("持护照入境。E12345678") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("护照号：987654321，国籍：美国", "987654321"),  # the United States, 9 digits
        ("证件类型：护照  证件号码：XDA123456", "XDA123456"),  # Spain, 3 letters and 6 digits
        ("持法国护照（12AB34567）入境", "12AB34567"),
        ("Passport No. C4J1K2L39", "C4J1K2L39"),  # Germany, letters and digits
    ],
)
def test_foreign_passports_after_the_word(text: str, number: str) -> None:
    assert kinds(text) == [("passport", number)]


@pytest.mark.parametrize(
    "text",
    [
        "护照号码：ABCDEFGHJ", "护照到期日：20260512", "持护照入境，签证号：123456789",
        "护照办理费120元，受理编号：123456789", "护照号码：E1234567",
    ],
)  # fmt: skip
def test_no_passport_without_its_shape_or_after_another_numbers_label(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "passport"] == [], text


def test_the_nearest_document_type_whose_shape_fits_decides():
    assert kinds("护照、港澳通行证号码分别为E12345678、C12345678") == [
        ("passport", "E12345678"),
        ("hk_macau_permit", "C12345678"),
    ]
    assert kinds("往来港澳通行证E12345678") == []  # C, H or M


def test_hong_kong_and_macao_permits():
    for value in ("C12345678", "CA1234567", "H12345678", "M1234567801"):
        assert kinds(f"港澳通行证件：往来港澳通行证、回乡证，号码{value}") == [
            ("hk_macau_permit", value)
        ]
    assert kinds("往来港澳通行证CI1234567") == []  # no I or O in the second place


def test_taiwan_permits():
    assert kinds("台胞证号码：12345678") == [("taiwan_permit", "12345678")]
    assert kinds("台湾居民来往大陆通行证号码0561682001(D)") == [("taiwan_permit", "0561682001(D)")]
    assert kinds("大陆居民往来台湾通行证号码L12345678") == [("taiwan_permit", "L12345678")]
    assert kinds("往来台湾通行证E12345678") == []


def test_travel_document_after_another_numbers_label_is_not_found():
    assert kinds("护照遗失，报案编号E12345678") == []
    assert kinds("往来港澳通行证，证件编号C12345678") == [("hk_macau_permit", "C12345678")]


# ---------------------------------------------------------------- plates


@pytest.mark.parametrize(
    "plate",
    ["鲁K·12345", "鲁K•12345", "鲁K・12345", "鲁K.12345", "鲁K 12345", "鲁K-12345", "鲁K－12345",
     "鲁K—12345", "鲁 K12345", "鲁KD12345", "鲁K·D12345", "鲁K-DA1234", "鲁K12345D", "粤Z1234港"],
)  # fmt: skip
def test_plates_with_a_dot_space_or_hyphen(plate):
    assert kinds(f"号牌为{plate}的车辆") == [("license_plate", plate)]
    assert kinds(f"号牌为{wide(plate)}的车辆") == [("license_plate", wide(plate))]


# ---------------------------------------------------------------- amounts


def test_a_counter_that_begins_a_word_does_not_make_an_amount():
    assert kinds("张三 13812345678 人民路12号") == [("name", "张三"), ("mobile", "13812345678")]
    assert kinds("13812345678户籍地威海") == [("mobile", "13812345678")]
    assert kinds("13812345678个人") == [("mobile", "13812345678")]


def test_a_number_after_an_address_is_no_ordinal():
    assert kinds("住址：人民路12号 13812345678") == [
        ("address", "人民路12号"),
        ("mobile", "13812345678"),
    ]
    assert kinds("威海市统一路8号06315288123") == [("landline", "06315288123")]


def test_a_telephone_label_outweighs_a_counter_but_not_a_unit():
    assert kinds("手机13812345678人") == [("mobile", "13812345678")]
    assert kinds("手机13812345678元") == []
    assert kinds("电话0631-5288123.5") == []


def test_amount_labels_do_not_hide_a_labelled_phone():
    assert kinds("补贴金额1200元，联系电话13812345678") == [("mobile", "13812345678")]
    assert kinds("月收入2000元 手机13812345678") == [("mobile", "13812345678")]


def test_amount_words_do_not_hide_a_card():
    text = f"补偿金额8,385.20元，补偿款支付至{CARD_16}。"
    assert kinds(text) == [("bank_card", CARD_16)]


# ---------------------------------------------------------------- copies


def redacted(text: str) -> str:
    found = find_personal_information(text)
    return redact(text, [Redaction(f.start, f.end, f.masked) for f in found])


def digits_left(text: str, value: str, run: int = 6) -> list[str]:
    """Runs of ``run`` digits of ``value`` that ``text`` keeps, ignoring width and separators."""
    plain = re_sub_separators(normalize(text))
    digits = "".join(ch for ch in normalize(value) if ch.isdigit())
    return [
        digits[i : i + run] for i in range(len(digits) - run + 1) if digits[i : i + run] in plain
    ]


def re_sub_separators(text: str) -> str:
    return "".join(ch for ch in text if ch not in " \t-.·_/")


COPIES = [
    ID_GROUPED,
    wide(ID_A),
    f"ID{ID_A}",
    f"{ID_A[:6]}.{ID_A[6:14]}.{ID_A[14:]}",
    f"{ID_A[:6]}_{ID_A[6:]}",
    f"No.{wide(ID_A[:9])}{ID_A[9:]}",
]


@pytest.mark.parametrize("copy", COPIES)
def test_a_repeated_id_in_another_writing_is_found_and_hidden(copy):
    text = f"申请人张三，身份证号{ID_A}。经核实，张三（{copy}）系该房屋所有权人。"
    found = find_personal_information(text)
    assert [f.kind for f in found] == ["name", "resident_id", "name", "resident_id"]
    assert [f.text for f in found if f.kind == "name"] == ["张三", "张三"]  # found again
    assert ID_A in found[1].text
    assert digits_left(redacted(text), ID_A) == []


def test_copy_written_first_is_found_too():
    text = f"（系统登记号ID{ID_A}）申请人身份证号{ID_A}"
    assert [f.text for f in find_personal_information(text)] == [ID_A, ID_A]


def test_copies_of_mobiles_landlines_and_mail_digits():
    text = (
        "手机13812345678，电话0631-5288123，邮箱123456789@qq.com。"
        "回访记录：138.1234.5678；值班室5288123；QQ 123456789；"
        "详见http://www.example.gov.cn/art_13812345678.html"
    )
    found = [(f.kind, f.text, f.masked) for f in find_personal_information(text)]
    assert found == [
        ("mobile", "13812345678", "138****5678"),
        ("landline", "0631-5288123", "0631-*****23"),
        ("email", "123456789@qq.com", "1********@qq.com"),
        ("mobile", "138.1234.5678", "138.****.5678"),
        ("landline", "5288123", "*****23"),
        ("qq", "123456789", "1*******9"),  # after its own label: a QQ number
        ("mobile", "13812345678", "138****5678"),
    ]
    for value in ("13812345678", "5288123", "123456789"):
        assert digits_left(redacted(text), value, 7) == []


def test_short_runs_and_longer_numbers_are_no_copies():
    text = f"手机13812345678，楼号5678；身份证号{ID_A}，订单号1{ID_A}"
    assert [f.text for f in find_personal_information(text)] == ["13812345678", ID_A]


def test_plates_are_not_looked_for_again():
    assert kinds("鲁K12345，编号K12345") == [("license_plate", "鲁K12345")]


def test_no_digits_of_a_found_id_survive_in_any_writing():
    writings = [ID_B, *(w.replace(ID_A, ID_B) for w in COPIES)]
    text = "；".join(f"第{i}处：{w}" for i, w in enumerate(writings))
    assert digits_left(redacted(f"身份证号{ID_B}，{text}"), ID_B) == []


# ---------------------------------------------------------------- overlaps


def resolve_by_comparing_all(candidates):
    """The rule, applied the slow way: longest first, then the kind's rank, then position."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    taken = []
    for start, end, kind in sorted(set(candidates), key=lambda c: (c[0] - c[1], rank[c[2]], c[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    return sorted(taken)


def test_sweeping_overlaps_keeps_what_comparing_all_keeps():
    rng = random.Random(11)
    for _ in range(300):
        candidates = []
        for _ in range(rng.randint(0, 40)):
            start = rng.randint(0, 200)
            candidates.append((start, start + rng.randint(1, 25), rng.choice(list(KINDS))))
        assert _resolve(candidates) == resolve_by_comparing_all(candidates)


def test_a_long_list_with_an_id_on_every_row_is_read_in_one_sweep():
    rows = [
        f"{i}\t张三\t{resident_id('371002', '19800101', f'{i % 1000:03d}')}\t{CARD_16}\t13812345678"
        for i in range(3000)
    ]
    found = find_personal_information("\n".join(rows))
    assert [f.kind for f in found].count("resident_id") == 3000
    assert [f.kind for f in found].count("name") == 3000  # the first cell of a row with an ID
    assert len(found) == 12000


def test_runs_of_short_groups_of_digits_are_read_in_linear_time():
    # Each group of such a run starts a grouped candidate; they must be cheap to refuse.
    for unit in ("1 ", "11-", "111 ", "111-"):
        text = unit * (200_000 // len(unit))
        started = time.process_time()
        assert find_personal_information(text) == []
        assert time.process_time() - started < 2.5, unit


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "申请人：王强，男，1979年11月2日出生，",
            [("name", "王强"), ("birth_date", "1979年11月2日")],
        ),
        ("出生日期：2003-07-19", [("birth_date", "2003-07-19")]),
        ("生日 1966/3/8；", [("birth_date", "1966/3/8")]),
        ("4,周慧,女,1990.11,教师", [("name", "周慧"), ("birth_date", "1990.11")]),
        ("患儿（2021年6月生）", [("birth_date", "2021年6月")]),
    ],
)
def test_a_date_of_birth_tied_to_a_person(text: str, found: list[tuple[str, str]]) -> None:
    assert kinds(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "本办法自2026年1月1日生效", "该批次于2025年3月12日生产", "会议于2026年5月8日召开",
        "王强，男，2019年3月入职", "出生日期：2099-01-01", "出生日期：1980-13-01",
        "出生于1975年", "出生日期：19750312.5", "2024.05男",
    ],
)  # fmt: skip
def test_dates_that_are_no_birth_dates(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "birth_date"] == [], text


def test_a_birth_date_mask_keeps_the_year():
    assert mask("birth_date", "1979年11月2日") == "1979年**月*日"
    assert mask("birth_date", "１９９０.１１") == "１９９０.**"
    assert mask("birth_date", "2003-07-19") == "2003-**-**"


# ---------------------------------------------------------------- masks and hand marks


def test_masks_in_full_width_and_other_writings():
    assert mask("mobile", "１３８１２３４５６７８") == "１３８****５６７８"
    assert mask("landline", "０６３１－５２８８１２３") == "０６３１－*****２３"
    assert mask("landline", "+86-631-5288123") == "+86-631-*****23"
    assert mask("landline", "+86 10 62345678") == "+86 10 ******78"
    assert mask("landline", "5288123") == "*****23"
    assert mask("email", "ｚｈａｎｇ＠１６３．ｃｏｍ") == "ｚ****＠１６３．ｃｏｍ"
    assert mask("taiwan_permit", "0561682001(D)") == "0*********(*)"
    assert mask("license_plate", "鲁K 12345") == "鲁* ****5"


def test_hand_marks_hide_occurrences_in_either_width():
    text = "联系人张三１３８，另见张三138"
    marks = manual_redactions(text, ["张三138"])
    assert redact(text, marks) == "联系人*****，另见*****"


# A held-out corpus of government texts (低保公示, 信访答复, 招标公告, 录用公示, tables
# flattened from PDFs) found these; each line is one of its passages, cut short.


@pytest.mark.parametrize(
    "text",
    [
        "保障人口：2 18363186655 保障类别：城市低保",  # the label names the 2
        "户主 丛志强 家庭月收入 800元 13176312288 审核意见：同意",
        "信访件编号XF001 王刚 13812345678 反映拆迁补偿问题",
        "经营者台文静 13863158899 项某某",  # 项 begins a name, not a count of 项
        "1 姜俊杰 13791231234 台儿庄区北江村",
        "信访人住址：羊亭镇孙家滩村六十八号 13012341234。",  # the end of an address
        "投诉人谭敏的支付宝账号13012345566被用于收取赌资",  # an account may be a mobile
        "联系方式为138.6311.2468，",
        "申请人联系方式：1380 631 2233；",
        "备用电话：1595-631-1111。",
    ],
)
def test_a_mobile_after_another_number_or_written_oddly_is_found(text: str) -> None:
    # 户主 丛志强, 信访人住址：羊亭镇…号 and 投诉人谭敏 are found too, as a name or an address
    numbers = [kind for kind, _ in kinds(text) if kind not in ("name", "address")]
    assert numbers == ["mobile"], kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "档案编号：2023 13812345678",  # the label may still name this number
        "项目总投资（元）：15600000000，资金来源：企业自筹",
        "项目资金（元）：13500000000 建设单位：威海市水务局",
        "工程造价 15600000000",
        "准考证号为15310020315，毕业于中国海洋大学",
        "快递 13812345678 件",
        "138.6311.2468",  # an odd writing needs a telephone label
        "账户06315288123",
    ],
)
def test_numbers_named_as_other_numbers_or_amounts_are_not_phones(text: str) -> None:
    assert kinds(text) == []


def test_case_numbers_are_not_cards_or_passports() -> None:
    assert kinds("已受理，受理号：4401062024031517，请凭此号查询") == []
    assert kinds("申请人已提交护照复印件，受理号SL20230001，请于5个工作日后领取") == []


def test_a_joint_heading_names_neither_number_alone() -> None:
    old = "370102900307123"
    text = f"身份证号及银行账号：{old}，{CARD_16}（户名：吕秀兰）"
    assert kinds(text) == [("resident_id", old), ("bank_card", CARD_16), ("name", "吕秀兰")]


def test_a_disability_certificate_number_is_found_whole() -> None:
    assert kinds(f"残疾人证号：{ID_A}23") == [("resident_id", f"{ID_A}23")]
    assert kinds(f"{ID_A}62") == [("resident_id", f"{ID_A}62")]
    assert kinds(f"{ID_A}83") == []  # no category 8, no grade 5: a longer number
    assert kinds(f"{ID_A}15") == []
    wrong = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    assert kinds(f"{wrong}23") == []


def test_a_card_after_its_label_in_a_group_of_six_and_one_of_thirteen() -> None:
    assert kinds(f"银行卡号：{CARD_19[:6]} {CARD_19[6:]}") == [
        ("bank_card", f"{CARD_19[:6]} {CARD_19[6:]}")
    ]


def test_a_times_sign_typed_for_the_check_character_x() -> None:
    with_x = next(
        resident_id("371081", "19780815", seq)
        for seq in (f"{n:03d}" for n in range(1000))
        if resident_id("371081", "19780815", seq).endswith("X")
    )
    for sign in "×Ⅹ":
        typed = with_x[:17] + sign
        assert kinds(f"身份证号：{typed}）") == [("resident_id", typed)]


def test_labelled_odd_writings_of_cards_landlines_and_plates() -> None:
    card = luhn_complete("622908011234987")
    odd = f"{card[:6]} {card[6:]}"
    assert kinds(f"请将退款退至申请人银行卡{odd}（户名：毛卫东）") == [
        ("bank_card", odd),
        ("name", "毛卫东"),
    ]
    assert kinds(f"编号{odd}") == []
    assert kinds("联系电话：021-6410 1234（家）") == [("landline", "021-6410 1234")]
    assert kinds("驾驶车牌号鲁k12345的小型轿车") == [("license_plate", "鲁k12345")]
    assert kinds("鲁k12345") == []  # small letters need a plate's label


def test_cells_of_a_flattened_table_run_together() -> None:
    row = f"1张三丰{ID_A}13963101234\n2李四光{ID_B}15963105678"
    assert kinds(row) == [
        ("resident_id", ID_A),
        ("mobile", "13963101234"),
        ("resident_id", ID_B),
        ("mobile", "15963105678"),
    ]
    assert kinds(f"13963101234{ID_A}") == [("mobile", "13963101234"), ("resident_id", ID_A)]
    # without an ID whose check character holds, a long run stays one number
    assert kinds(f"1396310123415963105678{'1' * 8}") == []
    assert kinds(f"{wrong_check(ID_A)}13963101234") == []


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("申请人：王小明，身份证号见附件", "王小明"),
        ("姓名：欧阳娜娜 性别：女", "欧阳娜娜"),
        ("姓  名：刘洋", "刘洋"),
        ("姓名张三性别男", "张三"),
        ("当事人张伟于2026年3月在统一路经营", "张伟"),
        ("投诉人谭敏的支付宝账号", "谭敏"),
        ("法定代表人（负责人）：孙立新，职务：经理", "孙立新"),
        ("联系人为李红，电话另告", "李红"),
        ("户主 丛志强 家庭月收入", "丛志强"),
        ("被执行人马超，男，1962年出生", "马超"),
        ("委托代理人：诸葛亮明", "诸葛亮明"),
        ("联系人：王胜男，", "王胜男"),  # 男 in the name, not a sex
        ("申请人王和平对答复不服", "王和平"),
        ("联系人：王小明先生，电话另告", "王小明"),
    ],
)
def test_a_name_after_a_personal_label(text: str, name: str) -> None:
    assert kinds(text) == [("name", name)]


def test_names_listed_after_one_label():
    assert kinds("申请人：张三、李四、王五于2026年提出") == [
        ("name", "张三"),
        ("name", "李四"),
        ("name", "王五"),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("张三，男，汉族，1980年出生", "张三"),
        ("李建国，女，37岁", "李建国"),
        ("赵丽（女）", "赵丽"),
        ("经查，石磊（男，汉族）", "石磊"),
        ("1 王伟 男 3710", "王伟"),
        ("2\t李秀英\t女\t37", "李秀英"),
        ("经查，司马相如，男，", "司马相如"),
        ("王小明：\n　　你于2026年11月28日提出的申请收悉。", "王小明"),
        ("政府信息公开申请答复书\n刘红梅女士：", "刘红梅"),
    ],
)
def test_a_name_in_a_lists_row_or_a_salutation(text: str, name: str) -> None:
    assert kinds(text) == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        # already hidden
        "申请人张某，", "当事人王某某，男", "申请人李XX，", "申请人：张*，", "户主：赵××",
        # organisations
        "申请人：威海市某某科技有限公司", "申请人：威海市环翠区人民政府",
        "被申请人：荣成市人民政府", "申请人：万达集团", "申请人：华夏银行威海分行",
        "户名：威海市财政局", "收款人：威海市社会福利院", "联系人：办公室", "经办人：财务科",
        "项目负责人：威海市建筑设计院",
        # a surname with a title, a field left empty or pointing elsewhere
        "联系人：王科长", "联系人：李女士", "联系人张主任１３９", "户主：见附件",
        "法定代表人：同上", "姓名：（签字）",
        # ordinary prose and words that begin with a surname, not after a label
        "各级各部门要高度重视", "王府井百货商场", "黄河流域生态保护", "石油化工企业",
        "市政府副市长王小明主持召开会议", "出席：王小明、李红",
        # prose after a label
        "申请人对本机关作出的答复不服的，可以依法申请行政复议",
        "申请人于今年3月提出申请", "申请人向本机关提出申请", "申请人申请公开的信息不存在",
        "当事人应当在规定期限内缴纳罚款", "当事人陈述申辩，", "当事人严重违反《食品安全法》",
        "当事人全面履行了义务", "申请人曾多次提出申请", "当事人方面表示同意",
        "业主委员会", "物业主管部门",
        # a table's header row
        "姓名 性别 年龄 与户主关系 文化程度 政治面貌 工作单位 金额 项目 备注",
        # a sex that is no list's row
        "男女比例", "其中，男性", "张三男",
        # kinship and schooling in a household's table
        "3 孙子 男 2010", "岳父，男", "张三，高中，男",
    ],
)  # fmt: skip
def test_no_name_where_none_is_meant(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "name"] == [], text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # rarer surnames, single and compound
        ("申请人：逄春生，", "逄春生"),
        ("联系人：訾明，电话另告", "訾明"),
        ("委托代理人：宗政立新", "宗政立新"),
        # names of parts joined by a middle dot, after a label or before a sex
        ("姓名：热依拉·买合木提，", "热依拉·买合木提"),
        ("申请人努尔兰•别克于今年提出", "努尔兰•别克"),
        ("3 迪丽娜尔·阿不都 女 汉", "迪丽娜尔·阿不都"),
        # a two-character name padded to three
        ("当事人：杨　帆，", "杨　帆"),
        ("2 许 静 女 3710", "许 静"),
        # no common surname, but a label before it and a sex after it
        ("当事人：扎西顿珠，男，藏族", "扎西顿珠"),
    ],
)
def test_names_of_rare_surnames_minorities_and_padded_ones(text: str, name: str) -> None:
    assert kinds(text) == [("name", name)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("经核查，郑雨涵（身份证号", "郑雨涵"),
        ("现将熊文斌，公民身份号码", "熊文斌"),
        ("走访中，退休教师邵宏伟（1953年9月生）", "邵宏伟"),
        ("受理告知：冯晓丽（证件号码：", "冯晓丽"),
        ("来访登记：郭子豪，往来港澳通行证号码：", "郭子豪"),
        ("登记：蔡佩琪，台胞证号码", "蔡佩琪"),
        ("来访外宾：朴智勋（韩国籍），", "朴智勋"),
        ("报名人员：邢立伟，籍贯河北", "邢立伟"),
    ],
)
def test_a_name_right_before_its_id_card_or_birth_date(text: str, name: str) -> None:
    assert [k for k in kinds(text) if k[0] == "name"] == [("name", name)]


def test_a_name_before_its_resident_id_in_a_list():
    text = f"享受补贴人员：邓立军，{ID_A}；梁雪，{grouped(ID_B)}；宋平（370211********3216）"
    assert [k for k in kinds(text) if k[0] == "name"] == [
        ("name", "邓立军"),
        ("name", "梁雪"),
        ("name", "宋平"),
    ]
    assert [k for k in kinds(f"补贴金额合计，{ID_A}") if k[0] == "name"] == []


def test_the_first_cell_of_a_row_with_an_id_or_a_mobile_is_a_name():
    masked_id = "370211********3216"
    text = (
        f"序号\t姓名\t证件号码\n1\t邹海涛\t{ID_A}\n2\t叶 青\t{masked_id}\n"
        "3、温小燕  手机 13562217788"
    )
    assert [k for k in kinds(text) if k[0] == "name"] == [
        ("name", "邹海涛"),
        ("name", "叶 青"),
        ("name", "温小燕"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "法定代表人：刘建军，局长。", "负责人：钱红，副主任",  # an office holder acting for it
        "申请人：中国·威海国际经济技术合作公司", "当事人：威海·荣成渔具厂，",  # firms with a dot
        "1 黄河路 13812345678", "2\t合计\t" + ID_A, "3 威海市 13812345678",  # no names in rows
        "持居民身份证", "查验身份证", "于2020年1月生效",  # no name before the field
    ],
)  # fmt: skip
def test_no_name_in_offices_firms_or_cells_that_are_no_names(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "name"] == [], text


def test_a_found_name_is_found_again_wherever_it_stands():
    text = "申请人王小明于2026年11月28日提出申请，经核实王小明系该房屋所有权人。"
    assert kinds(text) == [("name", "王小明"), ("name", "王小明")]
    assert redacted(text) == "申请人王**于2026年11月28日提出申请，经核实王**系该房屋所有权人。"
    # the copy is found even when it comes first
    assert kinds("王小明反映的问题。申请人：王小明") == [("name", "王小明"), ("name", "王小明")]


def test_name_masks_keep_the_surname_and_the_length():
    assert mask("name", "张三") == "张*"
    assert mask("name", "张三丰") == "张**"
    assert mask("name", "欧阳娜娜") == "欧阳**"
    assert mask("name", "欧阳") == "欧*"


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("住址：威海市环翠区青岛北路12号3单元201室，电话", "威海市环翠区青岛北路12号3单元201室"),
        ("家庭住址：山东省乳山市夏村镇东村18号。", "山东省乳山市夏村镇东村18号"),
        ("现住址：威海市高区怡园街道文化西路180号", "威海市高区怡园街道文化西路180号"),
        ("户籍所在地：山东省乳山市夏村镇；", "山东省乳山市夏村镇"),
        ("家住威海市环翠区张村镇王家疃村，", "威海市环翠区张村镇王家疃村"),
        ("被告张三，男，住威海市文登区龙山路8号。", "威海市文登区龙山路8号"),
        ("住址：人民路12号13812345678", "人民路12号"),  # the mobile is its own finding
        ("住址：羊亭镇孙家滩村六十八号（电话：略）", "羊亭镇孙家滩村六十八号"),
    ],
)  # fmt: skip
def test_a_home_address_after_its_label(text: str, address: str) -> None:
    assert ("address", address) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # an agency's own address
        "地址：威海市环翠区统一路1号，邮编264200",
        "通讯地址：威海市新威路19号", "办公地址：世昌大道1号", "单位地址：青岛北路8号",
        # not an address, or already hidden
        "住址：不详", "住址：同上", "住址：本村", "现住址与户籍地址不一致的，应提供居住证明",
        "住址：威海市XX区XX路", "住址：某某小区",
        # 住 that begins another word
        "，住房和城乡建设局", "，住建部门", "，住院治疗", "，住宿费",
        # a bare 住 with no street
        "，住威海市",
    ],
)  # fmt: skip
def test_no_address_where_none_is_meant(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "address"] == [], text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("当事人：田野，男，1981年5月出生，住所：烟台市莱山区观海路9号", "烟台市莱山区观海路9号"),
        ("被处罚人蒋红，女，汉族，住所地济宁市任城区仙营街道37号", "济宁市任城区仙营街道37号"),
        ("该户自2019年起居住在荣成市石岛镇东山村28号。", "荣成市石岛镇东山村28号"),
    ],
)
def test_a_persons_seat_and_where_he_lives(text: str, address: str) -> None:
    assert [k for k in kinds(text) if k[0] == "address"] == [("address", address)]


@pytest.mark.parametrize(
    "text",
    [
        "当事人：烟台海恒贸易有限公司，住所：烟台市莱山区观海路9号",
        "被申请人：莱山区市场监督管理局，住所地：烟台市莱山区港城东大街1号",
        "住所：烟台市莱山区观海路9号",  # no person's particulars before it
        "长期居住在烟台",  # no street, number or village
    ],
)
def test_a_firms_seat_or_a_bare_town_is_no_home_address(text: str) -> None:
    assert [k for k in kinds(text) if k[0] == "address"] == [], text


def test_a_found_address_is_found_again():
    text = "住址：威海市环翠区青岛北路12号。经查，威海市环翠区青岛北路12号系其自有住房。"
    assert kinds(text) == [("address", "威海市环翠区青岛北路12号")] * 2


def test_address_masks_keep_the_divisions():
    assert mask("address", "威海市环翠区青岛北路12号") == "威海市环翠区*******"
    assert mask("address", "山东省威海市文登区龙山路8号") == "山东省威海市文登区*****"
    assert mask("address", "羊亭镇孙家滩村六十八号") == "***********"
    assert mask("address", "威海市环翠区青岛北路12-3号") == "威海市环翠区******-**"


# ---------------------------------------------------------------- QQ and WeChat


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("QQ：123456789", "123456789"),
        ("qq号 12345", "12345"),
        ("QQ号码为88123456，", "88123456"),
        ("ＱＱ：１２３４５６７８９", "１２３４５６７８９"),
        ("扣扣：2233445566", "2233445566"),
        ("QQ/微信：12345678", "12345678"),
    ],
)
def test_qq_numbers_after_their_label(text: str, value: str) -> None:
    assert kinds(text) == [("qq", value)]


def test_not_qq_numbers():
    for text in (
        "QQ群：123456789",  # a group's number is published to be joined
        "QQ：0123456",  # starts with 0
        "QQ：1234",  # too short
        "QQ：123456789012",  # too long
        "编号123456789",  # no label
        "QQ邮箱",
    ):
        assert kinds(text) == [], text
    assert kinds("QQ：123456789@qq.com") == [("email", "123456789@qq.com")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("微信号：zhang_san88", "zhang_san88"),
        ("微信：wxid-abc123", "wxid-abc123"),
        ("WeChat ID: LiMing2020", "LiMing2020"),
        ("wx：abcdef", "abcdef"),
        ("ｗｅｃｈａｔ：ｚｈａｎｇｓａｎ", "ｚｈａｎｇｓａｎ"),
    ],
)
def test_wechat_ids_after_their_label(text: str, value: str) -> None:
    assert kinds(text) == [("wechat", value)]


def test_not_wechat_ids():
    for text in (
        "官方微信：weihaifabu",  # an agency's own account
        "政务微信：whzwgk",
        "关注微信公众号：weihaifabu",
        "微信：abc12",  # too short
        "微信：1zhangsan",  # starts with a digit
        "wxabcdef",  # no label
        "微信：zhangsan@163.com",  # an e-mail address
    ):
        assert [k for k in kinds(text) if k[0] == "wechat"] == [], text
    assert kinds("微信：13812345678") == [("mobile", "13812345678")]


# ---------------------------------------------------------------- Hong Kong, Macao, Taiwan IDs


def hk_id(letters: str, digits: str) -> str:
    """A Hong Kong ID's check character, computed here independently."""
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters]
    total = sum(v * w for v, w in zip([*values, *map(int, digits)], range(9, 1, -1), strict=True))
    return "0123456789A"[(11 - total % 11) % 11]


def taiwan_id(letter: str, body: str) -> str:
    """A Taiwan ID: the letter, nine digits with the check digit computed here."""
    code = "ABCDEFGHJKLMNPQRSTUVXYWZIO".index(letter) + 10
    digits = [code // 10, code % 10, *map(int, body)]
    total = sum(d * w for d, w in zip(digits, (1, 9, 8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    return f"{letter}{body}{(10 - total % 10) % 10}"


def test_hong_kong_ids():
    assert hk_id("A", "123456") == "3"  # the published example A123456(3)
    with_a = next(f"{n:06d}" for n in range(1000) if hk_id("C", f"{n:06d}") == "A")
    for value in (
        "A123456(3)",
        "A123456（3）",
        f"C{with_a}(A)",
        f"XA123456({hk_id('XA', '123456')})",
    ):
        assert kinds(f"持{value}入境") == [("hk_id", value)], value
    assert kinds("香港身份证号码：A1234563") == [("hk_id", "A1234563")]  # no brackets: label
    assert kinds("A1234563") == []
    assert kinds("持A123456(4)入境") == []  # wrong check
    assert kinds("编号A123456(3)") == []  # another number's label
    assert kinds("型号AB123456(7)C") == []


def test_macao_ids_only_after_their_label():
    assert kinds("澳门居民身份证号码：1234567(8)") == [("macau_id", "1234567(8)")]
    assert kinds("澳门特别行政区永久性居民身份证：5123456(1)") == [("macau_id", "5123456(1)")]
    assert kinds("身份证号码：1234567(8)") == []  # no 澳门
    assert kinds("澳门身份证号码：2234567(8)") == []  # 1, 5 or 7
    assert kinds("1234567(8)") == []


def test_taiwan_ids_only_after_an_id_card_label():
    assert taiwan_id("A", "12345678") == "A123456789"  # the published example
    value = taiwan_id("F", "23456789")
    assert kinds(f"台湾居民身份证号码：{value}") == [("taiwan_id", value)]
    assert kinds(f"身份证号：{value}") == [("taiwan_id", value)]
    assert kinds("身份证号：A123456788") == []  # wrong check
    assert kinds("A123456789") == []  # no label
    assert kinds("订单编号A123456789") == []
    assert kinds("身份证号：A323456789") == []  # 1 or 2 after the letter


def test_new_kinds_have_chinese_and_english_labels():
    for kind, zh in (
        ("name", "姓名"), ("address", "住址"), ("qq", "QQ号码"), ("wechat", "微信号"),
        ("hk_id", "香港身份证号码"), ("macau_id", "澳门身份证号码"),
        ("taiwan_id", "台湾身份证号码"),
    ):  # fmt: skip
        assert KINDS[kind][0] == zh and KINDS[kind][1]


def test_names_and_addresses_beside_identifiers_in_a_letter():
    text = (
        "政府信息公开申请答复书\n王小明：\n　　你于2026年11月28日提出的申请收悉。"
        f"申请人：王小明，身份证号码：{ID_A}，住址：威海市环翠区鲸园街道青岛北路12号，"
        "联系电话：13812345678，QQ：123456789。本机关地址：威海市环翠区统一路1号。"
    )
    assert kinds(text) == [
        ("name", "王小明"),
        ("name", "王小明"),
        ("resident_id", ID_A),
        ("address", "威海市环翠区鲸园街道青岛北路12号"),
        ("mobile", "13812345678"),
        ("qq", "123456789"),
    ]
    assert "威海市环翠区统一路1号" in redacted(text)


def test_overlapping_candidates_and_copies_cost_time_in_proportion_to_the_text() -> None:
    # "1 1 1 …" is a grouped 15-digit ID at every digit, and each such run is a copy of the
    # first: choosing among overlapping candidates compared each with all taken before it,
    # and looking for copies sliced the rest of the run at every digit: the work grew with
    # the square of the text (a drafter's 50,000 characters held the sign-off for seconds).
    chain = [(start, start + 2, "mobile") for start in range(30_000)]
    text = "1 " * 40_000
    started = time.perf_counter()
    assert _resolve(chain) == chain[::2]
    copies = list(_copies(text, [(0, 29, "resident_id")]))
    elapsed = time.perf_counter() - started
    assert len(copies) > 39_000
    assert all(text[start:end].replace(" ", "") == "1" * 15 for start, end, _ in copies)
    assert elapsed < 5, f"{elapsed:.1f} s"
