"""De-identification: finding personal identifiers, masking them, redacting the text."""

import itertools
from datetime import date, timedelta

import pytest

from engine.disclosure.privacy import (
    KINDS,
    Finding,
    Redaction,
    find_personal_information,
    manual_redactions,
    mask,
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
    for kind in ("resident_id", "mobile", "bank_card", "email", "landline"):
        zh, en = KINDS[kind]
        assert zh and en
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
    assert kinds(f"张三（{old}）") == [("resident_id", old)]
    imei_like = luhn_complete("37010290030712")
    assert kinds(f"张三（{imei_like}）") == []  # passes Luhn: an IMEI or a card as likely


def test_15_digit_number_after_another_label_is_not_an_id():
    old = "370102900307123"
    for label in ("编号", "文号", "单号", "账号", "注册号："):
        assert kinds(f"{label}{old}") == []
    # the nearest label decides
    assert kinds(f"编号1，身份证号{old}") == [("resident_id", old)]


def test_unlabelled_15_digit_id_after_a_sex_is_found_even_if_luhn_valid():
    old = luhn_complete("37010290030712")
    assert kinds(f"张三，男，{old}，威海市环翠区") == [("resident_id", old)]
    assert kinds(f"李四 女 {old}") == [("resident_id", old)]


def test_registration_number_after_a_firm_is_not_an_id():
    candidates = [f"37100285030712{d}" for d in "0123456789"]
    reg = next(c for c in candidates if mod11_10_ok(c) and not luhn_ok(c))
    assert kinds(f"威海海澄商贸有限公司，{reg}，法定代表人张三") == []
    assert kinds(f"张三，{reg}，住威海市") == [("resident_id", reg)]  # no firm before it
    other = next(c for c in candidates if not mod11_10_ok(c) and not luhn_ok(c))
    assert kinds(f"威海海澄商贸有限公司法定代表人张三（{other}）") == [("resident_id", other)]


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
    assert kinds(f"咨询电话：{written}。") == [("landline", written)]
    assert kinds(f"威海市政务服务中心{written}转8001") == [("landline", written)]


def test_landline_run_together_only_after_a_telephone_label():
    assert kinds("联系电话06315288123") == [("landline", "06315288123")]
    assert kinds("文件06315288123") == []


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
    assert disclosed == f"申请人李四，身份证号3701**********{ID_A[-4:]}，手机138****5678。"


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
