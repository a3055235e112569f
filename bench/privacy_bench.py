"""Benchmark: recall, precision, leaks and speed of the personal-information finder.

Generates (seeded, deterministic) paragraphs of Chinese government text — 行政处罚决定书,
失信惩戒公示, 依申请公开答复书, 会议纪要, 补贴发放公示, 采购公告, 执行裁定, 交通违法通告,
出入境登记, 统计公报… — with identifiers of every kind planted at known spans, each in one of
the writings people use: plain runs; grouped with spaces or hyphens (3710 0219 8001 0112 34,
371002 19800101 1234, 138-1234-5678); full-width digits and letters (３７１０…, １３９…,
ｚｈａｎｇ＠１６３．ｃｏｍ) or a whole paragraph typed in full width; full-width or typographic
dashes (０６３１－…, 0631—…); landlines run together after a telephone label or after any word
(请联系06318803972); passports and Hong Kong/Macao and Taiwan travel permits after their
document type (证件类型：护照；证件号码：E12345678, G1234567, C12345678, H1234567801, 12345678,
L12345678); plates with a dot, space or hyphen; names where a label, a list's row or a
letter's salutation shows them to be names (申请人：张伟, 户主王芳，女, 王小明：你于…), home
addresses after their label (住址：…, ，住…) and dates of birth (…，男，1968.05, 出生日期：…,
…出生); QQ numbers and WeChat IDs after their label; Hong
Kong, Macao and Taiwan identity card numbers; and the same identifier repeated later in
another writing.

Among them are look-alikes that must not be found: IDs with a wrong check character or an
impossible birth date (also grouped), partly masked IDs, cards failing Luhn, Luhn-valid order
numbers, IMEIs, business registration numbers, corporate accounts, credit codes, invoice codes,
barcodes, VINs, 11-digit numbers starting 10-12, and 11-digit numbers starting 13-19 that are
amounts or statistics (15546680069.58元, ¥18030298747.59, …千瓦时, …人次, …吨, …户, inside a
longer run), dates after a permit's name, model numbers shaped like passports, ICP numbers,
words shaped like plates, names in prose or already hidden (出席：…, 张某某), an agency's own
address, WeChat account and the landlines it publishes (咨询电话, 监督电话,
采购人联系方式)…

A finding is a true positive when its span and kind equal a planted identifier's, otherwise a
false positive; a planted identifier not found is a false negative. After redacting every
finding, a leak is a planted identifier whose digit runs of 6 or more (separators ignored)
still appear in the text. Speed is measured on 0.1, 1 and 5 MB texts (subsidy lists with an
ID on every row, between paragraphs) in the same run: the sizes take turns over three rounds
and the best CPU time of each counts, so that other work on the machine weighs on all alike.
The last line reads

    privacy_bench: recall=R precision=P chars_per_s=C

over all planted kinds, C being characters per second on the 5 MB text (targets: recall >=
0.995, precision >= 0.99, C at least 0.8 x the rate on 0.1 MB). ``--quick`` keeps the run
short (at most 400 paragraphs, 0.05/0.25/1 MB texts, two rounds; C is then the rate on 1 MB).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from string import Formatter

from engine.disclosure.privacy import KINDS, Redaction, find_personal_information, redact


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Planted:
    """An identifier that must be found: its text, kind and how it is written."""

    value: str
    kind: str
    writing: str


@dataclass(frozen=True)
class Decoy:
    """A look-alike that must not be found."""

    value: str
    source: str


Piece = str | Planted | Decoy | list["Piece"]
Span = tuple[int, int, str]

# ---------------------------------------------------------------------------- data pools

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华志海燕红梅玉晓东春雷新民国庆文博子涵雨萱浩然俊峰欣怡"  # noqa: E501
REGIONS = words(
    "371002 371003 371082 371083 371071 370102 370103 370202 370211 370602 370687 370883 "
    "110105 110108 120101 130102 140105 150102 210102 220102 230102 310104 310115 320102 "
    "320583 330106 340102 350102 360102 410105 420106 430104 440106 440305 450103 460105 "
    "500103 510107 520102 530102 610113 620102 650102 810000 820000 830000"
)
CITIES = ("威海市", "济南市", "青岛市", "烟台市", "潍坊市", "临沂市", "淄博市", "德州市")
DISTRICTS = ("环翠区", "文登区", "荣成市", "乳山市", "高新区", "经济技术开发区", "历下区", "市南区")
STREETS = ("鲸园街道", "环翠楼街道", "竹岛街道", "孙家疃街道", "张村镇", "羊亭镇", "宋村镇")
ROADS = ("青岛北路", "统一路", "世昌大道", "新威路", "海滨北路", "文化中路", "昆明路", "人民路")
FIRMS = ("海澄", "鑫源", "华联", "荣顺", "蓝海", "鼎盛", "泰和", "金港", "远航", "恒信")
TRADES = ("商贸", "食品", "建筑工程", "水产", "物流", "餐饮管理", "机械制造", "房地产开发")
ISSUERS = ("威政办发", "威政发", "威政字", "环政办发", "威环发", "威市监发", "荣政办发", "文政发")
PENALTY = ("威环罚", "威市监处罚", "威应急罚", "威自然资罚", "鲁威环罚字", "威综执罚")
COURTS = ("1002", "1003", "1081", "1082", "1083", "10")
CASES = ("民初", "行初", "执", "刑初", "执恢", "行审")
LAWS = (
    "《中华人民共和国政府信息公开条例》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国食品安全法》",
    "《中华人民共和国大气污染防治法》",
    "《山东省物业管理条例》",
    "《威海市城市风貌保护条例》",
)
NUMERALS = "一二三四五六七八九十"
MOBILE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 "
    "166 170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 "
    "196 197 198 199"
)
AREA_CODES = ("0631",) * 8 + words(
    "0531 0532 0535 0536 0539 010 021 020 022 023 024 025 027 028 029 0755 0571 0311 0371"
)
CARD_PREFIXES = (  # issuer prefix, length
    ("622848", 19),
    ("621700", 19),
    ("622202", 19),
    ("621483", 16),
    ("622588", 16),
    ("621226", 19),
    ("623059", 19),
    ("622908", 16),
    ("4", 16),
    ("51", 16),
    ("55", 16),
)
MAIL_HOSTS = words(
    "163.com 126.com qq.com sina.com sohu.com foxmail.com gmail.com outlook.com "
    "139.com yeah.net hotmail.com vip.163.com mail.sdu.edu.cn"
)
PINYIN = words("zhang wang li liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo")
PINYIN_GIVEN = words("wei fang na min jing li qiang lei jun yang yong yan jie juan tao ming chao")
PLATE_PROVINCES = "鲁" * 12 + "京津沪冀豫辽苏浙皖闽粤川陕"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PASSPORT_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DASHES = ("-",) * 6 + ("－", "—", "–", "‐", "−", "﹣")
# Units and signs that make an 11-digit number an amount or a statistic.
UNITS = (
    "元", "万元", " 元", "千瓦时", "人次", "吨", "户", "人", "次", "平方米", "立方米", "亩",
    "公里", "千克", "万", "亿", "%", "kWh", "件", "个",
)  # fmt: skip
CHANNELS = ("信函", "政府网站", "当面提交", "电子邮件", "传真")
# Words naming a travel document before its number.
PASSPORT_LABELS = (
    "护照号码：", "护照号码", "护照号", "证件类型：护照；证件号码：", "证件类型：护照，证件号码：",
    "持中华人民共和国护照（号码", "Passport No. ", "证件名称：普通护照  证件号码：", "所持护照（",
    "护照：",
)  # fmt: skip
HK_PERMIT_LABELS = (
    "往来港澳通行证号码：", "证件类型：往来港澳通行证；证件号码：", "持往来港澳通行证（",
    "港澳通行证号：", "往来港澳通行证 ",
)  # fmt: skip
HOME_RETURN_LABELS = (
    "港澳居民来往内地通行证号码：", "回乡证号码", "回乡证（",
    "证件类型：港澳居民来往内地通行证，证件号码：",
)  # fmt: skip
TAIWAN_PERMIT_LABELS = (
    "台湾居民来往大陆通行证号码：", "台胞证号码", "台胞证：",
    "证件类型：台湾居民来往大陆通行证；证件号码：",
)  # fmt: skip
TO_TAIWAN_LABELS = (
    "往来台湾通行证号码：", "大陆居民往来台湾通行证号码", "证件类型：往来台湾通行证；证件号码：",
)  # fmt: skip


def wide(text: str) -> str:
    """Return ``text`` with ASCII characters in full width (the ideographic space for ' ')."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


def id_check(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def luhn_digit(body: str) -> str:
    """Return the digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def mod11_10(body: str) -> str:
    """Return the ISO 7064 MOD 11,10 check digit (business registration numbers)."""
    p = 10
    for ch in body:
        s = (p + int(ch)) % 10 or 10
        p = s * 2 % 11
    return str((11 - p) % 10)


def grouped(number: str, sizes: tuple[int, ...], sep: str) -> str:
    """Return ``number`` cut into groups of the given sizes (the last takes the rest)."""
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    if at < len(number):
        parts.append(number[at:])
    return sep.join(p for p in parts if p)


# ---------------------------------------------------------------------------- generators


class Gen:
    """Field values for the templates: context text, planted identifiers and look-alikes."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.last: dict[str, tuple[str, str]] = {}  # kind -> (plain value, writing)

    def digits(self, n: int, first: str = "0123456789") -> str:
        return self.r.choice(first) + "".join(self.r.choice("0123456789") for _ in range(n - 1))

    def pick(self, options: str | tuple | list) -> str:
        return self.r.choice(options)

    def dash(self) -> str:
        return self.pick(DASHES)

    def choose(self, options: dict[str, tuple[int, Callable[[], str]]]) -> tuple[str, str]:
        """Return (writing, value) for one of the weighted writings."""
        names = list(options)
        name = self.r.choices(names, weights=[options[n][0] for n in names])[0]
        return name, options[name][1]()

    # -- context (neither planted nor look-alike) ---------------------------------------

    def name(self) -> str:
        given = "".join(self.r.choice(GIVEN) for _ in range(self.r.choice((1, 2, 2))))
        return self.r.choice(SURNAMES) + given

    def pname(self) -> Planted:
        """A name that a label, a list's row (…，男) or a letter's salutation shows to be one."""
        return Planted(self.name(), "name", "name")

    def paddr(self) -> Planted:
        """A home address after a personal address label (住址：, ，住)."""
        return Planted(self.addr(), "address", "address")

    def sex(self) -> str:
        return self.pick("男女")

    def age(self) -> str:
        return f"{self.r.randint(18, 86)}岁"

    def addr(self) -> str:
        return (
            f"{self.pick(CITIES)}{self.pick(DISTRICTS)}{self.pick(STREETS)}{self.pick(ROADS)}"
            f"{self.r.randint(1, 299)}号{self.r.randint(1, 30)}号楼"
            f"{self.r.randint(1, 4)}单元{self.r.randint(1, 18)}0{self.r.randint(1, 4)}室"
        )

    def company(self) -> str:
        return f"威海{self.pick(FIRMS)}{self.pick(TRADES)}有限公司"

    def road(self) -> str:
        return f"{self.pick(ROADS)}与{self.pick(ROADS)}交叉口"

    def _date(self) -> date:
        return date(2018, 1, 1) + timedelta(days=self.r.randint(0, 3300))

    def date(self) -> str:
        d = self._date()
        return f"{d.year}年{d.month}月{d.day}日"

    def pbirth(self) -> Planted:
        """A date of birth, tied to its person by 出生 after it, its label or a sex before it."""
        d = date(1935, 1, 1) + timedelta(days=self.r.randint(0, 28000))
        writing, value = self.choose(
            {
                "年月日": (50, lambda: f"{d.year}年{d.month}月{d.day}日"),
                "年月": (20, lambda: f"{d.year}年{d.month}月"),
                "hyphen": (15, lambda: d.strftime("%Y-%m-%d")),
                "dot": (15, lambda: f"{d.year}.{d.month:02d}"),
            }
        )
        return Planted(value, "birth_date", f"birth date {writing}")

    def datetime(self) -> str:
        d = self._date()
        return f"{d.year}年{d.month}月{d.day}日{self.r.randint(7, 21)}时{self.r.randint(0, 59)}分"

    def year(self) -> str:
        return str(self.r.randint(2018, 2026))

    def n(self) -> str:
        return str(self.r.randint(1, 60))

    def amount(self) -> str:
        style = self.r.random()
        if style < 0.4:
            return f"{self.r.randint(100, 99999999)}元"
        if style < 0.7:
            return f"{self.r.randint(1, 9999999):,}.{self.r.randint(0, 99):02d}元"
        return f"{self.r.randint(1, 9999)}.{self.r.randint(0, 9)}万元"

    def area(self) -> str:
        return f"{self.r.randint(20, 200)}.{self.r.randint(0, 99):02d}平方米"

    def doc_no(self) -> str:
        return f"{self.pick(ISSUERS)}〔{self.year()}〕{self.r.randint(1, 150)}号"

    def penalty_no(self) -> str:
        n = self.r.randint(1, 2000)
        return (
            f"{self.pick(PENALTY)}〔{self.year()}〕{'第' if self.r.random() < 0.3 else ''}{n:04d}号"
        )

    def case_no(self) -> str:
        return (
            f"（{self.year()}）鲁{self.pick(COURTS)}{self.pick(CASES)}{self.r.randint(1, 9999)}号"
        )

    def statute(self) -> str:
        article = self.r.randint(1, 130)
        written = str(article) if self.r.random() < 0.3 else self._numeral(article)
        return f"{self.pick(LAWS)}第{written}条"

    def _numeral(self, n: int) -> str:
        tens, units = divmod(n, 10)
        if n >= 100:
            return "一百" + ("" if n == 100 else ("零" if n < 110 else "") + self._numeral(n - 100))
        if tens == 0:
            return NUMERALS[units - 1]
        return (
            (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[units - 1] if units else "")
        )

    def hotline(self) -> str:
        return self.pick(("12345", "12315", "12369", "12333", "110", "96123", "95588", "12366"))

    def postcode(self) -> str:
        return self.pick(("264200", "264209", "264400", "264300", "264500", "264205", "250001"))

    def pct(self) -> str:
        return f"{self.r.randint(1, 99)}.{self.r.randint(0, 9)}%"

    def channel(self) -> str:
        return self.pick(CHANNELS)

    def id_label(self) -> str:
        return self.pick(
            ("身份证号码：", "公民身份号码", "身份证号", "证件号码：", "身份证：", "身份证号码 ")
        )

    def phone_label(self) -> str:
        return self.pick(("联系电话：", "电话", "联系方式：", "手机：", "手机号码", "联系电话 "))

    def contact_words(self) -> str:
        """Words before a number that are no telephone label."""
        return self.pick(("请联系", "可联系", "或", "咨询", "请与", "联系人王科长", "办公室"))

    # -- planted identifiers -----------------------------------------------------------

    def _birth(self) -> str:
        d = date(1935, 1, 1) + timedelta(days=self.r.randint(0, 28000))
        return d.strftime("%Y%m%d")

    def _id18_value(self) -> str:
        body = self.pick(REGIONS) + self._birth() + self.digits(3)
        check = id_check(body)
        return body + (check.lower() if check == "X" and self.r.random() < 0.2 else check)

    def _id18_writings(self, number: str) -> dict[str, tuple[int, Callable[[], str]]]:
        return {
            "plain": (50, lambda: number),
            "4-4-4-4-2": (8, lambda: grouped(number, (4, 4, 4, 4), self.pick("  \u3000"))),
            "6-8-4": (8, lambda: grouped(number, (6, 8), self.pick("  \u3000"))),
            "6-8-4 hyphen": (5, lambda: grouped(number, (6, 8), self.dash())),
            "6-4-4-4": (3, lambda: grouped(number, (6, 4, 4), " ")),
            "full-width": (12, lambda: wide(number)),
            "full-width grouped": (4, lambda: wide(grouped(number, (6, 8), " "))),
        }

    def id18(self) -> Planted:
        number = self._id18_value()
        writing, value = self.choose(self._id18_writings(number))
        self.last["resident_id"] = (number, writing)
        return Planted(value, "resident_id", f"id18 {writing}")

    def id18_again(self) -> Planted:
        """The ID planted last, repeated in another writing."""
        number, before = self.last["resident_id"]
        options = {k: v for k, v in self._id18_writings(number).items() if k != before}
        _writing, value = self.choose(options)
        return Planted(value, "resident_id", "id18 repeated")

    def id15(self) -> Planted:
        d = date(1930, 1, 1) + timedelta(days=self.r.randint(0, 25000))
        number = self.pick(REGIONS[:-3]) + d.strftime("%y%m%d") + self.digits(3)
        if self.r.random() < 0.1:
            return Planted(wide(number), "resident_id", "id15 full-width")
        return Planted(number, "resident_id", "id15 plain")

    def _mobile_writings(self, number: str) -> dict[str, tuple[int, Callable[[], str]]]:
        a, b, c = number[:3], number[3:7], number[7:]
        return {
            "plain": (45, lambda: number),
            "3-4-4 space": (7, lambda: f"{a} {b} {c}"),
            "3-4-4 hyphen": (7, lambda: f"{a}{(d := self.dash())}{b}{d}{c}"),
            "3-8": (2, lambda: f"{a} {b}{c}"),
            "+86": (
                10,
                lambda: self.pick(
                    (
                        f"+86 {number}",
                        f"+86-{a}-{b}-{c}",
                        f"86{number}",
                        f"+86{number}",
                        f"(+86){number}",
                        f"0086{number}",
                    )
                ),
            ),
            "full-width": (12, lambda: wide(number)),
            "full-width 3-4-4": (5, lambda: wide(f"{a}-{b}-{c}")),
        }

    def mobile(self) -> Planted:
        number = self.pick(MOBILE_PREFIXES) + self.digits(8)
        writing, value = self.choose(self._mobile_writings(number))
        self.last["mobile"] = (number, writing)
        return Planted(value, "mobile", f"mobile {writing}")

    def mobile_again(self) -> Planted:
        number, before = self.last["mobile"]
        options = {k: v for k, v in self._mobile_writings(number).items() if k != before}
        _writing, value = self.choose(options)
        return Planted(value, "mobile", "mobile repeated")

    def card(self) -> Planted:
        prefix, length = self.pick(CARD_PREFIXES)
        body = prefix + self.digits(length - len(prefix) - 1)
        number = body + luhn_digit(body)
        writing, value = self.choose(
            {
                "plain": (55, lambda: number),
                "4s space": (25, lambda: grouped(number, (4,) * 4, " ")),
                "4s hyphen": (8, lambda: grouped(number, (4,) * 4, "-")),
                "full-width": (12, lambda: wide(number)),
            }
        )
        return Planted(value, "bank_card", f"card {writing}")

    def email(self) -> Planted:
        style = self.r.random()
        if style < 0.25:
            local = self.digits(self.r.randint(6, 10), "123456789")
        elif style < 0.6:
            local = self.pick(PINYIN) + self.pick(PINYIN_GIVEN) + self.r.choice(("", self.n()))
        else:
            sep = self.pick("._-")
            local = f"{self.pick(PINYIN)}{sep}{self.pick(PINYIN_GIVEN)}{self.r.randint(60, 99)}"
        address = f"{local}@{self.pick(MAIL_HOSTS)}"
        writing, value = self.choose(
            {
                "plain": (80, lambda: address),
                "full-width @": (10, lambda: address.replace("@", "＠")),
                "full-width": (10, lambda: wide(address)),
            }
        )
        return Planted(value, "email", f"email {writing}")

    def _landline_parts(self) -> tuple[str, str]:
        area = self.pick(AREA_CODES)
        length = 8 if len(area) == 3 or self.r.random() < 0.2 else 7
        return area, self.digits(length, "2345678")

    def landline(self) -> Planted:
        area, local = self._landline_parts()
        writing, value = self.choose(
            {
                "hyphen": (45, lambda: f"{area}-{local}"),
                "dash": (8, lambda: f"{area}{self.dash()}{local}"),
                "brackets": (8, lambda: f"({area}){local}"),
                "full-width brackets": (12, lambda: f"（{area}）{local}"),
                "space": (8, lambda: f"{area} {local}"),
                "+86": (4, lambda: f"+86-{area[1:]}-{local}"),
                "full-width": (15, lambda: wide(f"{area}-{local}")),
            }
        )
        return Planted(value, "landline", f"landline {writing}")

    def office_landline(self) -> Decoy:
        """An agency's own landline after 咨询电话, 监督电话 or a purchaser's contact label."""
        area, local = self._landline_parts()
        return Decoy(self.pick((f"{area}-{local}", f"({area}){local}", area + local)), "office")

    def office_email(self) -> Decoy:
        """An agency's own mailbox, in the contact lines it gives after its name."""
        return Decoy(
            f"{self.pick(PINYIN)}{self.pick(PINYIN_GIVEN)}@{self.pick(MAIL_HOSTS)}", "office"
        )

    def landline_run(self) -> Planted:
        """A landline run together, after a telephone label (the template has it)."""
        area, local = self._landline_parts()
        value = area + local
        if self.r.random() < 0.15:
            return Planted(wide(value), "landline", "landline run-together full-width")
        return Planted(value, "landline", "landline run-together")

    def landline_bare(self) -> list[Piece]:
        """A landline run together after words that are no telephone label."""
        area, local = self._landline_parts()
        return [self.contact_words(), Planted(area + local, "landline", "landline after words")]

    def _passport_value(self) -> str:
        style = self.r.random()
        if style < 0.45:
            return "E" + self.digits(8)
        if style < 0.7:
            return "E" + self.pick(PASSPORT_LETTERS) + self.digits(7)
        if style < 0.85:
            return "G" + self.digits(8)
        return "G" + self.digits(7)

    def passport(self) -> list[Piece]:
        """A label naming the passport, then its number."""
        label = self.pick(PASSPORT_LABELS)
        value = self._passport_value()
        writing = "full-width" if self.r.random() < 0.1 else "plain"
        planted = Planted(
            wide(value) if writing != "plain" else value,
            "passport",
            f"passport {'G7' if len(value) == 8 else value[0]} {writing}",
        )
        if self.r.random() < 0.1:  # the document named after the number
            return ["证件号码：", planted, self.pick(("（护照）", "(护照)", " 护照"))]
        return [label, planted]

    def hk_permit(self) -> list[Piece]:
        """A label naming a Hong Kong/Macao travel permit, then its number."""
        if self.r.random() < 0.6:
            label = self.pick(HK_PERMIT_LABELS)
            value = "C" + (
                self.digits(8)
                if self.r.random() < 0.7
                else self.pick(PASSPORT_LETTERS) + self.digits(7)
            )
            writing = "C"
        else:
            label = self.pick(HOME_RETURN_LABELS)
            value = self.pick("HM") + self.digits(self.pick((8, 10)))
            writing = f"{value[0]}+{len(value) - 1}"
        if self.r.random() < 0.1:
            value, writing = wide(value), writing + " full-width"
        return [label, Planted(value, "hk_macau_permit", f"hk/macau permit {writing}")]

    def tw_permit(self) -> list[Piece]:
        """A label naming a Taiwan travel permit, then its number."""
        style = self.r.random()
        if style < 0.45:
            label = self.pick(TAIWAN_PERMIT_LABELS)
            value, writing = self.digits(8), "8 digits"
        elif style < 0.6:
            label = self.pick(("台胞证号码：", "台湾居民来往大陆通行证（"))
            value, writing = self.digits(10) + f"({self.pick('ABD')})", "10 digits"
        else:
            label = self.pick(TO_TAIWAN_LABELS)
            value, writing = "L" + self.digits(8), "L"
        return [label, Planted(value, "taiwan_permit", f"taiwan permit {writing}")]

    def plate(self) -> Planted:
        head = self.pick(PLATE_PROVINCES) + (
            "K" if self.r.random() < 0.6 else self.pick(PLATE_LETTERS)
        )
        style = self.r.random()
        if style < 0.6:
            body = list(self.digits(5))
            for i in self.r.sample(range(4), self.r.choice((0, 0, 1, 2))):
                body[i] = self.pick(PLATE_LETTERS)
            tail, kind = "".join(body), "5"
        elif style < 0.9:
            tail = self.pick("DF") + (
                self.digits(5)
                if self.r.random() < 0.7
                else self.pick(PLATE_LETTERS) + self.digits(4)
            )
            kind = "new-energy"
        else:
            tail, kind = self.digits(5) + self.pick("DF"), "new-energy large"
        writing, value = self.choose(
            {
                "plain": (45, lambda: head + tail),
                "dot": (20, lambda: head + self.pick("··•・") + tail),
                "space": (15, lambda: head + self.pick((" ", " ", "\u3000")) + tail),
                "hyphen": (12, lambda: head + self.dash() + tail),
                "full-width": (8, lambda: head[0] + wide(head[1] + tail)),
                "space after province": (3, lambda: f"{head[0]} {head[1]}{tail}"),
            }
        )
        return Planted(value, "license_plate", f"plate {kind} {writing}")

    # -- look-alikes --------------------------------------------------------------------

    def bad_id18(self) -> Decoy:
        """A resident ID with a typo (any single digit changed): the check fails."""
        good = self._id18_value().upper()
        i = self.r.randrange(18)
        wrong = self.pick([d for d in "0123456789X" if d != good[i] and (i == 17 or d != "X")])
        value = good[:i] + wrong + good[i + 1 :]
        if self.r.random() < 0.3:
            value = grouped(value, self.pick(((4, 4, 4, 4), (6, 8))), " ")
        return Decoy(value, "bad_id18")

    def bad_date_id18(self) -> Decoy:
        """A resident ID with the right check character but an impossible birth date."""
        day = self.pick(("19900230", "19870229", "19791301", "20010932", "18991231", "20990101",
                         "19650431", "19920000", "19881100"))  # fmt: skip
        body = self.pick(REGIONS) + day + self.digits(3)
        return Decoy(body + id_check(body), "bad_date_id18")

    def masked_id(self) -> Decoy:
        good = self._id18_value()
        return Decoy(
            self.pick((good[:10] + "****" + good[14:], good[:6] + "********" + good[14:])),
            "masked_id",
        )

    def hk_id(self) -> Planted:
        """A Hong Kong identity card number with its check character (A123456(3))."""
        letters = "".join(self.pick(PLATE_LETTERS) for _ in range(1 + (self.r.random() < 0.1)))
        digits = self.digits(6)
        values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters]
        total = sum(
            v * w for v, w in zip([*values, *map(int, digits)], range(9, 1, -1), strict=True)
        )
        check = "0123456789A"[-total % 11]
        writing, value = self.choose(
            {
                "brackets": (70, lambda: f"{letters}{digits}({check})"),
                "full-width brackets": (20, lambda: f"{letters}{digits}（{check}）"),
                "no brackets": (10, lambda: f"{letters}{digits}{check}"),
            }
        )
        return Planted(value, "hk_id", f"hk id {writing}")

    def tw_id(self) -> Planted:
        """A Taiwan identity card number with its check digit (A123456789)."""
        letter = self.pick("ABCDEFGHJKLMNPQRSTUVXYWZIO")
        code = "ABCDEFGHJKLMNPQRSTUVXYWZIO".index(letter) + 10
        body = self.pick("12") + self.digits(7)
        digits = [code // 10, code % 10, *map(int, body)]
        total = sum(d * w for d, w in zip(digits, (1, 9, 8, 7, 6, 5, 4, 3, 2, 1), strict=True))
        return Planted(f"{letter}{body}{-total % 10}", "taiwan_id", "taiwan id")

    def mo_id(self) -> Planted:
        """A Macao identity card number (1234567(8)), after its label."""
        return Planted(
            f"{self.pick('157')}{self.digits(6)}({self.digits(1)})", "macau_id", "macau id"
        )

    def wechat(self) -> Planted:
        """A WeChat ID after its label."""
        rest = "".join(self.pick("abcdefghijkmnpqrstuvwxyz0123456789_-") for _ in range(7))
        return Planted(self.pick(PINYIN) + rest, "wechat", "wechat id")

    def official_wechat(self) -> Decoy:
        """An agency's own WeChat account, published to be found."""
        return Decoy("weihai" + self.pick(PINYIN), "official_wechat")

    def masked_mobile(self) -> Decoy:
        return Decoy(self.pick(MOBILE_PREFIXES) + "****" + self.digits(4), "masked_mobile")

    def bad_card(self) -> Decoy:
        """A bank card number with a typo: the Luhn check fails."""
        prefix, length = self.pick(CARD_PREFIXES)
        body = prefix + self.digits(length - len(prefix) - 1)
        number = body + luhn_digit(body)
        i = self.r.randrange(1, len(number))
        wrong = self.pick([d for d in "0123456789" if d != number[i]])
        return Decoy(number[:i] + wrong + number[i + 1 :], "bad_card")

    def order_no(self) -> Decoy:
        """E-commerce / payment order numbers: 18-19 digits, a tenth of them Luhn-valid."""
        if self.r.random() < 0.5:
            return Decoy(self.digits(self.r.choice((18, 19)), "123456"), "order_no")
        return Decoy(
            self._date().strftime("%Y%m%d") + self.digits(self.r.choice((10, 11, 12))), "order_no"
        )

    def einvoice(self) -> Decoy:
        return Decoy(self.year()[2:] + "37" + self.digits(16), "einvoice")

    def inv_code(self) -> Decoy:
        return Decoy(
            "0" + self.pick(("3710", "3700", "3702")) + self.year()[2:] + self.digits(5), "inv_code"
        )

    def inv_no(self) -> Decoy:
        return Decoy(self.digits(8), "inv_no")

    def imei(self) -> Decoy:
        body = self.pick(("86", "35", "99", "01")) + self.digits(12)
        return Decoy(body + luhn_digit(body), "imei")

    def reg_no(self) -> Decoy:
        """A 15-digit business registration number (工商注册号) with its MOD 11,10 check."""
        body = self.pick(REGIONS[:12]) + self.pick("0123456789") + self.digits(7)
        return Decoy(body + mod11_10(body), "reg_no")

    def tax_no(self) -> Decoy:
        org = self.digits(8, "123456789") + self.pick("0123456789X")
        return Decoy(self.pick(REGIONS[:12]) + org, "tax_no")

    def corp_account(self) -> Decoy:
        """Corporate bank account numbers of several banks' formats."""
        return Decoy(
            self.pick(
                (
                    "1614" + self.digits(15),
                    "3705" + self.digits(16),
                    "37" + self.digits(16),
                    "15" + self.digits(13),
                    "8170" + self.digits(14),
                    "2" + self.digits(11),
                )
            ),
            "corp_account",
        )

    def uscc(self) -> Decoy:
        """A unified social credit code with a valid GB 32100 check character."""
        kind = self.pick(("91", "91", "91", "92", "12", "11", "52"))
        org = "".join(
            self.pick(USCC_CHARS[:10] if kind in ("11", "12") else USCC_CHARS) for _ in range(9)
        )
        body = kind + self.pick(REGIONS[:12]) + org
        total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
        return Decoy(body + USCC_CHARS[-total % 31], "uscc")

    def ean13(self) -> Decoy:
        body = "69" + self.digits(10)
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return Decoy(body + str(-total % 10), "ean13")

    def n11_decoy(self) -> Decoy:
        return Decoy(self.pick(("10", "11", "12")) + self.digits(9), "n11_decoy")

    def big_number(self) -> Decoy:
        """An 11-digit amount or statistic starting 13-19, written as people write amounts."""
        n = self.pick("13456789")
        number = "1" + n + self.digits(9)
        cents = f"{self.r.randint(0, 99):02d}"
        value = self.pick(
            (
                f"{number}.{cents}元",
                f"{number}.{cents}",
                f"¥{number}.{cents}",
                f"￥{number}",
                f"¥ {number}",
                f"${number}.{cents}",
                f"人民币{number}元",
                f"{number}{self.pick(UNITS)}",
                f"{number}{self.pick(UNITS)}",
                f"{number}{self.digits(self.r.randint(1, 3))}",
                f"{self.digits(self.r.randint(1, 3))}{number}",
                f"0.{number}",
            )
        )
        if self.r.random() < 0.15:
            value = wide(value)
        return Decoy(value, "big_number")

    def vin(self) -> Decoy:
        chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        return Decoy("L" + "".join(self.pick(chars) for _ in range(10)) + self.digits(6), "vin")

    def isbn(self) -> Decoy:
        publisher, title = self.r.randint(100, 5999), self.r.randint(1000, 9999)
        return Decoy(f"978-7-{publisher}-{title}-{self.r.randint(0, 9)}", "isbn")

    def icp(self) -> Decoy:
        return Decoy(
            self.pick(
                (
                    f"鲁ICP备{self.digits(8, '1')}号-{self.r.randint(1, 3)}",
                    f"鲁公网安备 {self.digits(14, '3')}号",
                    f"粤B2-{self.digits(8, '2')}",
                    f"京ICP证{self.digits(6)}号",
                )
            ),
            "icp",
        )

    def plate_like(self) -> Decoy:
        """Words and numbers shaped almost like a plate."""
        return Decoy(
            self.pick(
                (
                    f"鲁K {self.digits(6)}",
                    f"京A{self.digits(7)}",
                    f"鲁A股{self.digits(6)}",
                    f"苏E-{self.year()}-{self.digits(2)}",
                    f"鲁ICP备{self.digits(8)}号",
                    f"川B {self.year()}年",
                )
            ),
            "plate_like",
        )

    def standard(self) -> Decoy:
        return Decoy(
            self.pick(
                (
                    f"GB {self.r.randint(1000, 50999)}-{self.year()}",
                    f"DB37/T {self.r.randint(1000, 4999)}-{self.year()}",
                    f"GB/T {self.r.randint(1000, 39999)}.{self.r.randint(1, 9)}-{self.year()}",
                )
            ),
            "standard",
        )

    def project_no(self) -> Decoy:
        return Decoy(
            self.pick(("SDGP", "WHCG", "HCZB")) + "3710" + self.year() + self.digits(8),
            "project_no",
        )

    def ems_no(self) -> Decoy:
        return Decoy(
            self.pick(
                (
                    "E" + self.pick(PASSPORT_LETTERS) + self.digits(9) + "CN",
                    "1" + self.digits(12),
                    "SF" + self.digits(13),
                )
            ),
            "ems_no",
        )

    def device_no(self) -> Decoy:
        """Model and device numbers shaped like passports and permits."""
        return Decoy(self.pick("EGCHLM") + self.digits(8), "device_no")

    def archive_no(self) -> Decoy:
        return Decoy(f"WH-{self.year()}-{self.digits(6)}", "archive_no")

    def zero_serial(self) -> Decoy:
        """Serial numbers starting 0 that could be read as a landline run together."""
        return Decoy(
            self.pick(("0631", "0531", "010", "021")) + self.digits(self.pick((7, 8)), "2345678"),
            "zero_serial",
        )

    def property_unit(self) -> Decoy:
        return Decoy(
            "371002" + self.digits(6) + "GB" + self.digits(5) + "F" + self.digits(8),
            "property_unit",
        )

    def date_digits(self) -> Decoy:
        return Decoy(self._date().strftime("%Y%m%d"), "date_digits")

    def valid_until(self) -> Decoy:
        """An expiry date after a permit's number, written as digits."""
        return Decoy((self._date() + timedelta(days=3000)).strftime("%Y%m%d"), "valid_until")

    def date_iso(self) -> Decoy:
        return Decoy(self._date().isoformat(), "date_iso")

    def hotline400(self) -> Decoy:
        return Decoy(f"{self.pick(('400', '800'))}-{self.digits(3)}-{self.digits(4)}", "hotline400")

    def qq(self) -> Planted:
        """A QQ number, after its label in the template (QQ号…)."""
        return Planted(self.digits(self.r.randint(6, 10), "123456789"), "qq", "qq after its label")

    def grouped_serial(self) -> Decoy:
        """A serial number in groups of four that is no card (fails Luhn)."""
        prefix, length = self.pick(CARD_PREFIXES)
        body = prefix + self.digits(length - len(prefix) - 1)
        last = (int(luhn_digit(body)) + self.r.randint(1, 9)) % 10
        return Decoy(grouped(body + str(last), (4,) * 4, " "), "grouped_serial")

    def url(self) -> Decoy:
        """A web address with long numbers in it."""
        d = self._date()
        return Decoy(
            f"http://www.weihai.gov.cn/art/{d.year}/{d.month}/{d.day}/"
            f"art_{self.digits(11, '3')}_{self.digits(7)}.html",
            "url",
        )

    def extension(self) -> str:
        return self.pick(("", "", "转" + self.digits(3), "-" + self.digits(3), "（传真）"))

    def time_range(self) -> str:
        return f"{self.r.randint(8, 9):02d}:00-{self.r.randint(11, 12)}:30"

    def coord(self) -> str:
        return f"东经122.{self.digits(6)}°、北纬37.{self.digits(6)}°"


# ---------------------------------------------------------------------------- templates

TEMPLATES = [
    # 行政处罚决定书
    "{penalty_no}　当事人：{pname}，性别：{sex}，出生日期：{pbirth}，{id_label}{id18}，"
    "住址：{paddr}，"
    "联系电话：{mobile}。"
    "经查，当事人于{date}在{road}从事经营活动，违反了{statute}的规定。依据{statute}，"
    "决定对当事人罚款{amount}，罚款自收到本决定书之日起十五日内缴至指定银行"
    "（缴款码{einvoice}）。",
    "{penalty_no}　当事人：{company}，统一社会信用代码：{uscc}，法定代表人：{pname}，"
    "{id_label}{id18}，手机{mobile}，地址：{addr}。当事人于{datetime}因{statute}被立案调查，"
    "现场检查笔录编号{archive_no}，责令改正并处罚款{amount}。经复核，当事人{pname}"
    "（身份证号{id18_again}）对上述事实无异议。",
    "行政处罚决定书（{penalty_no}）当事人：{pname}，{passport}，联系电话{mobile}。"
    "你（单位）于{date}在{road}驾驶号牌为{plate}的车辆，违反{statute}，罚款{amount}。",
    # 失信惩戒 / 信用公示名单
    "失信被执行人名单（第{n}批）：{pname}，{id18}，案号{case_no}，执行标的{amount}；"
    "{pname}，{masked_id}，案号{case_no}，执行标的{amount}；{pname}，{id18}，案号{case_no}，"
    "发布日期{date_iso}。",
    "历史遗留失信名单补录：{pname}（{id15u}），{pname}（{id18}），列入原因：{statute}，"
    "联系法院请拨打{landline}。",
    "{year}年部门预算公开说明：年度收支预算总额{big_number}，其中一般公共预算拨款{big_number}，"
    "比上年增长{pct}；政务新媒体：微博@威海发布，公众号“威海发布”，咨询电话{office_landline}。",
    "拖欠农民工工资失信联合惩戒对象名单：{company}（统一社会信用代码{uscc}，"
    "注册号：{reg_no}），实际控制人{pname}（{id_label}{id18}），欠薪金额{amount}，"
    "列入日期{date}，举报电话{hotline}。",
    "企业经营异常名录移出公告：{company}，{reg_no_u}，法定代表人{pname}；{company}，{reg_no_u}，"
    "负责人{pname}，登记机关威海市市场监督管理局，移出日期{date_digits}。",
    # 依申请公开答复书
    "{pname}：你于{date}通过{channel}提出的政府信息公开申请收悉（登记编号{archive_no}）。"
    "申请人{id_label}{id18}，{phone_label}{mobile}，通讯地址{paddr}，邮编{postcode}，"
    "电子邮箱{email}。经审查，根据{statute}的规定，答复如下：……",
    "政府信息公开申请答复书（{doc_no}）　申请人：{pname}，{passport}，"
    "电子邮箱：{email}，手机：{mobile}。你申请获取的{year}年度财政预算信息已于{date}主动公开，"
    "可登录威海市人民政府门户网站查询（{icp}）。",
    "补正申请告知书：{name}，你提交的申请表中身份证号码一栏填写为{bad_id18}，经核验有误，"
    "请于{date}前补正；如有疑问请致电{landline}（工作日{time_range}）或发送邮件至{email}。",
    "政府信息公开申请答复书：申请人{pname}（香港居民），{hk_permit}，通讯地址香港九龙，"
    "电子邮箱{email}，联系电话{mobile}。你申请的信息属于{statute}规定的范围，现予公开。"
    "原申请表所载证件号码与{hk_permit_again}一致。",
    "告知书：申请人{pname}，{tw_permit}，证件有效期至{valid_until}，{phone_label}{mobile}。"
    "你于{date}提出的申请，本机关已于{date}作出答复，请{landline_bare}查询办理进度。",
    # 会议纪要
    "{date}上午，市政府副市长{name}主持召开专题会议，研究{road}改造工程有关事宜。"
    "会议议定：由{company}负责施工，项目编号{project_no}，总投资{amount}。"
    "联系人：{pname}，电话：{landline}{extension}，手机：{mobile}/{mobile}。"
    "（会议纪要〔{year}〕{n}号，全文见{url}）",
    "出席：{name}、{name}、{name}；列席：{name}（{company}，{mobile}）。会议听取了{year}年"
    "政务公开工作情况汇报，完成率{pct}，较上年提高{pct}。会后请各单位于{date}前将材料报送"
    "市政府办公室，联系电话{office_landline}，传真{office_landline}，邮箱{office_email}，"
    "具体事宜{landline_bare}。",
    "会议纪要：{year}年全市用电量{big_number}，接待群众{big_number}，"
    "联系人{pname}，座机{landline_run}，手机{mobile}；下次会议由{name}（{mobile_again}）通知。",
    # 补贴发放 / 救助 公示
    "{year}年耕地地力保护补贴发放公示：{pname}，{id18}，补贴面积{area}，补贴金额{amount}，"
    "开户银行：威海农商银行，账号：{card}；{pname}，{id18}，{area}，{amount}，卡号{card}。",
    "城乡居民最低生活保障对象公示：户主{pname}，{sex}，{pbirth}，{age}，{id_label}{id18}，"
    "家庭人口{n}人，保障金{amount}，发放至社会保障卡{card}。监督电话：{office_landline}、{hotline}。",
    "退役军人优待金发放明细：{pname}，{id18}，银行卡号{card}，{amount}；{pname}，{id18}，"
    "银行卡号{card}，{amount}。错账账户{bad_card}已退回，请本人携身份证到{addr}办理。"
    "经核对，前述{id18_again}一户已补发。",
    "{year}年度惠民补贴发放情况：累计发放资金{big_number}，受益群众{big_number}，"
    "其中{name}户（{id_label}{id18}）补贴{amount}，联系电话{mobile}。",
    # 采购 / 招标
    "{company}关于{road}绿化提升项目的竞争性磋商公告（项目编号：{project_no}）。预算金额{amount}。"
    "采购人联系方式：{office_landline}；代理机构联系人：{pname}，联系电话：{mobile}，"
    "电子邮箱{email}。开户银行：中国工商银行威海分行，账号：{corp_account}。"
    "执行标准{standard}。",
    "中标结果公告：中标供应商{company}，统一社会信用代码{uscc}，纳税人识别号{tax_no}，"
    "中标金额{big_number}，服务热线{hotline400}。质疑请于{date}前以书面形式提出，"
    "联系人{pname}，座机{landline_run}，项目负责人{pname}（{landline_bare}）。",
    # 执行 / 法院
    "执行裁定书（{case_no}）：被执行人{pname}，{sex}，{pbirth}出生，公民身份号码{id15}，"
    "住{paddr}。冻结被执行人名下银行账户{card}内存款{amount}，扣划至本院账户{corp_account}。",
    "档案记载：{pname}，{sex}，{id15u}，原住{addr}；{pname}，{sex}，{id15u}，{addr}。"
    "上述人员原身份证号{id15}已于{year}年升位为{id18}。",
    # 交通 / 车辆
    "交通违法处理公告：号牌号码{plate}的小型汽车于{datetime}在{road}违反禁止标线指示，"
    "机动车所有人{pname}，驾驶证号{id18}，车辆识别代号{vin}。请于{date}前到{addr}接受处理。",
    "公共停车场长期占用车辆清理通告：{plate}、{plate}、{plate}等车辆长期停放于{road}，"
    "请车主于{date}前自行驶离，联系电话{landline}，逾期依据{statute}处理。{plate_like}。",
    "新能源汽车购置补贴公示：{name}，车牌{plate}，{id_label}{id18}，补贴{amount}，"
    "发票代码{inv_code}，发票号码{inv_no}，电子发票号码{einvoice}，"
    "订单号{order_no}，交易流水号{order_no}。",
    # 涉案财物 / 电子数据
    "涉案财物清单：手机一部（IMEI：{imei}），银行卡一张（卡号{card}），现金{amount}，"
    "快递单号{ems_no}，商品条码{ean13}。嫌疑人{pname}，{id_label}{id18}，手机{mobile}，"
    "QQ号{qq}，微信绑定手机{masked_mobile}。",
    # 出入境 / 外籍 / 港澳台
    "外籍人员来威投资登记：{pname}，{passport}，联系电话{mobile}，邮箱{email}，"
    "设备型号{device_no}，邮件号{ems_no}。",
    "港澳台居民办事登记：{pname}，{hk_permit}；{pname}，{tw_permit}；{pname}，{passport}。"
    "以上人员联系电话分别为{mobile}、{landline}、{mobile}，产品型号{device_no}。",
    "来访登记：{pname}，{tw_permit}，{pname}，{hk_permit}，均于{date}来访，接待人{name}，"
    "接待室电话{landline_run}。",
    "港澳台居民办事登记（二）：申请人{pname}，香港居民身份证号码{hk_id}，微信号{wechat}；"
    "申请人{pname}，台湾居民身份证号码{tw_id}；申请人{pname}，澳门居民身份证号码{mo_id}。"
    "受理单位地址：{addr}，官方微信{official_wechat}，申请人：{company}，代理人张某某。",
    # 不动产 / 住房
    "公共租赁住房保障资格公示：申请人{pname}，{id18}，配偶{pname}，{id18}，家庭月收入{amount}，"
    "不动产单元号{property_unit}，联系电话：{mobile}。公示期{date}至{date}。",
    "房屋征收补偿公告（{doc_no}）：被征收人{pname}，{id_label}{id18}，房屋坐落{addr}，"
    "建筑面积{area}，补偿金额{amount}，补偿款支付至{card}。咨询电话{office_landline}，"
    "监督电话{hotline}，邮政编码{postcode}。",
    # 信访 / 投诉
    "信访事项受理告知书：{pname}（{id_label}{id18}，{phone_label}{mobile}）于{date}反映"
    "{road}噪声扰民问题，信访件编号{n11_decoy}，已转{company}办理，办理期限{n}日。"
    "查询请拨打{hotline}或{landline}。",
    "消费纠纷退款明细（订单号、金额、退款日期）：{order_no}，{amount}，{date}；{order_no}，"
    "{amount}，{date}；{order_no}，{amount}，{date}。投诉人{pname}，{phone_label}{mobile}。",
    "12345热线工单转办：工单号{order_no}，来电人{pname}，来电号码{mobile}，"
    "回访号码{landline}，诉求：{road}路灯不亮；关联工单{archive_no}，受理时间{datetime}。",
    # 通知 / 公告 / 统计（多为看似号码但无个人信息）
    "关于做好{year}年度政府信息公开工作年度报告编制工作的通知（{doc_no}）：各区市人民政府，"
    "国家级开发区管委，市政府各部门：请于{date}前报送，联系电话{landline}{extension}，"
    "通知原文{url}，"
    "邮政编码{postcode}，依据{statute}。统计截至{date_digits}，共收到申请{n}件，"
    "办结率{pct}，网站{icp}。",
    "数据共享平台更新：数据标准{standard}，资源目录编码{project_no}，出版物ISBN {isbn}，"
    "观测站坐标{coord}，批次号{order_no}，序列号{n11_decoy}，更新时间{date_iso} {time_range}，"
    "对公账号{corp_account}，咨询电话{hotline400}、{hotline}，档号{zero_serial}。",
    "{year}年国民经济和社会发展统计公报：全年全社会用电量{big_number}，"
    "接待游客{big_number}，货物运输量{big_number}，财政总收入{big_number}，"
    "城镇新增就业{big_number}，资产编号{grouped_serial}。",
    "行政许可公示：{company}，统一社会信用代码{uscc}，许可证编号{bad_date_id18}，"
    "有效期至{date}，原注册号{reg_no}，税务登记证号{tax_no}，联系人{pname}，"
    "{phone_label}{mobile}，地址{addr}。",
    "失业保险金申领公示：{pname}，证件号码{id18}，{pname}，证件号码{bad_date_id18}（待核实），"
    "{pname}，证件号码{id18}，领取期限{n}个月，发放至{card}。",
]

ALIASES = {"id15u": "id15", "reg_no_u": "reg_no"}


def hk_permit_again(gen: Gen, last: list[Planted]) -> Piece:
    """Repeat the last planted Hong Kong/Macao permit in the other width."""
    previous = next(p for p in reversed(last) if p.kind == "hk_macau_permit")
    value = previous.value
    folded = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in value)
    again = wide(folded) if folded == value else folded
    return Planted(again, "hk_macau_permit", "hk/macau permit repeated")


# ---------------------------------------------------------------------------- corpus


def flatten(piece: Piece) -> list[str | Planted | Decoy]:
    if isinstance(piece, list):
        return [leaf for part in piece for leaf in flatten(part)]
    return [piece]


def paragraph(
    gen: Gen, fields: dict[str, Callable[[], Piece]]
) -> tuple[str, list[Span], list[Span]]:
    """Return one paragraph with its planted identifiers and look-alikes, each with its span."""
    template = gen.pick(TEMPLATES)
    parts: list[str] = []
    planted: list[Span] = []
    decoys: list[Span] = []
    writings: list[Planted] = []
    at = 0
    for literal, field, _spec, _conv in Formatter().parse(template):
        parts.append(literal)
        at += len(literal)
        if field is None:
            continue
        if field == "hk_permit_again":
            leaves = flatten(hk_permit_again(gen, writings))
        else:
            leaves = flatten(fields[ALIASES.get(field, field)]())
        for leaf in leaves:
            value = leaf if isinstance(leaf, str) else leaf.value
            if isinstance(leaf, Planted):
                planted.append((at, at + len(value), leaf.kind))
                writings.append(leaf)
            elif isinstance(leaf, Decoy):
                decoys.append((at, at + len(value), leaf.source))
            parts.append(value)
            at += len(value)
    text = "".join(parts)
    if gen.r.random() < 0.06:  # typed in full width throughout (spans do not move)
        text = wide(text)
    labels = [(s, e, f"{k}|{w.writing}") for (s, e, k), w in zip(planted, writings, strict=True)]
    return text, labels, decoys


def build(paragraphs: int, seed: int) -> list[tuple[str, list[Span], list[Span]]]:
    """Return paragraphs with their planted identifiers (kind|writing) and look-alikes."""
    gen = Gen(seed)
    fields: dict[str, Callable[[], Piece]] = {
        name: getattr(gen, name)
        for name in dir(gen)
        if not name.startswith("_") and callable(getattr(gen, name))
    }
    return [paragraph(gen, fields) for _ in range(paragraphs)]


def subsidy_rows(gen: Gen, rows: int) -> str:
    """Return a subsidy list: one row per person, an ID (in any writing) on every row."""
    lines = []
    for i in range(1, rows + 1):
        ident = gen.id18().value
        lines.append(
            f"{i}\t{gen.name()}\t{gen.sex()}\t{ident}\t{gen.pick(STREETS)}\t"
            f"{gen.area()}\t{gen.amount()}\t{gen.card().value}\t{gen.mobile().value}"
        )
    return "\n".join(lines)


def speed_text(size: int, seed: int) -> str:
    """Return about ``size`` characters: subsidy lists between generated paragraphs."""
    gen = Gen(seed)
    fields: dict[str, Callable[[], Piece]] = {
        name: getattr(gen, name)
        for name in dir(gen)
        if not name.startswith("_") and callable(getattr(gen, name))
    }
    chunks, total = [], 0
    while total < size:
        chunk = subsidy_rows(gen, 40) if gen.r.random() < 0.5 else paragraph(gen, fields)[0]
        chunks.append(chunk)
        total += len(chunk) + 1
    return "\n".join(chunks)[:size]


def rates(texts: list[str], rounds: int) -> list[float]:
    """Return the finder's best rate on each text, in characters per second of CPU time.

    The texts take turns in each round, and CPU time is counted, so that other work on the
    machine weighs on every size alike.
    """
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            gc.collect()
            started = time.process_time()
            find_personal_information(text)
            best[i] = min(best[i], time.process_time() - started)
    return [len(text) / max(seconds, 1e-9) for text, seconds in zip(texts, best, strict=True)]


# ---------------------------------------------------------------------------- scoring

SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d\ufe63.·•・]")


def fold(text: str) -> str:
    """Return ``text`` with full-width ASCII folded back (for the leak check)."""
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)


def leaks(text: str, planted: list[Span], found: list) -> int:
    """Return how many planted identifiers keep a digit run of 6+ in the redacted text."""
    redacted = SEPARATORS.sub(
        "", fold(redact(text, [Redaction(f.start, f.end, f.masked) for f in found]))
    )
    count = 0
    for start, end, _ in planted:
        value = SEPARATORS.sub("", fold(text[start:end]))
        runs = re.findall(r"\d{6,}", value)
        if any(run in redacted for run in runs):
            count += 1
    return count


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else "-"


def main() -> None:
    """Run the finder over the corpus and the speed texts; print the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=3000, help="paragraphs to generate")
    parser.add_argument("--seed", type=int, default=20261128, help="random seed")
    parser.add_argument("--show", type=int, default=0, help="print up to N misses of each sort")
    parser.add_argument("--quick", action="store_true", help="a short run (under ~20 s)")
    args = parser.parse_args()
    sizes = (50_000, 250_000, 1_000_000) if args.quick else (100_000, 1_000_000, 5_000_000)
    paragraphs = min(args.paragraphs, 400) if args.quick else args.paragraphs

    corpus = build(paragraphs, args.seed)
    started = time.perf_counter()
    results = [find_personal_information(text) for text, _, _ in corpus]
    elapsed = time.perf_counter() - started

    tp, fp, fn, planted_n = Counter(), Counter(), Counter(), Counter()
    by_writing, found_writing = Counter(), Counter()
    fp_sources: Counter[str] = Counter()
    misses: list[str] = []
    leaked = 0
    for (text, planted, decoys), found in zip(corpus, results, strict=True):
        expected = {(s, e, label.split("|")[0]): label.split("|")[1] for s, e, label in planted}
        got = {(f.start, f.end, f.kind) for f in found}
        for span, writing in expected.items():
            planted_n[span[2]] += 1
            by_writing[writing] += 1
            found_writing[writing] += span in got
        for start, end, kind in got:
            if (start, end, kind) in expected:
                tp[kind] += 1
                continue
            fp[kind] += 1
            source = next((d for s, e, d in decoys if s < end and start < e), "unplanted text")
            fp_sources[f"{kind} in {source}"] += 1
            misses.append(
                f"FP {kind} {text[start:end]!r} ({source}): …{text[max(0, start - 20) : end + 5]}…"
            )
        for start, end, kind in set(expected) - got:
            fn[kind] += 1
            misses.append(
                f"FN {kind} {text[start:end]!r} ({expected[(start, end, kind)]}): "
                f"…{text[max(0, start - 20) : end + 5]}…"
            )
        leaked += leaks(text, planted, found)

    chars = sum(len(text) for text, _, _ in corpus)
    decoy_n = sum(len(d) for _, _, d in corpus)
    print(
        f"corpus: {len(corpus)} paragraphs (seed {args.seed}), {chars} characters, "
        f"{sum(planted_n.values())} planted identifiers, {decoy_n} look-alikes"
    )
    print(f"finder on the corpus: {elapsed:.3f} s")
    print(
        f"{'category':<18}{'planted':>8}{'TP':>7}{'FP':>6}{'FN':>6}{'recall':>9}{'precision':>11}"
    )
    for kind in KINDS:
        p, t, f, n = planted_n[kind], tp[kind], fp[kind], fn[kind]
        print(f"{kind:<18}{p:>8}{t:>7}{f:>6}{n:>6}{ratio(t, t + n):>9}{ratio(t, t + f):>11}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'total':<18}{t + n:>8}{t:>7}{f:>6}{n:>6}{ratio(t, t + n):>9}{ratio(t, t + f):>11}")
    print("recall by writing:")
    for writing in sorted(by_writing):
        share = ratio(found_writing[writing], by_writing[writing])
        print(f"  {writing:<46}{by_writing[writing]:>6}{share:>9}")
    if fp_sources:
        print(
            "false positives by source: "
            + ", ".join(f"{k} {v}" for k, v in fp_sources.most_common())
        )
    print(f"leaks after redaction: {leaked} of {sum(planted_n.values())} planted identifiers")
    for line in misses[: args.show]:
        print(line)

    texts = [speed_text(size, args.seed + size) for size in sizes]
    speeds = rates(texts, 2 if args.quick else 3)
    for text, speed in zip(texts, speeds, strict=True):
        print(f"speed: {len(text) / 1e6:g} MB text, {speed:,.0f} characters/s")
    print(f"speed ratio (largest / smallest text): {speeds[-1] / speeds[0]:.3f} (target >= 0.8)")
    recall = t / (t + n) if t + n else 1.0
    precision = t / (t + f) if t + f else 1.0
    print(
        f"privacy_bench: recall={recall:.3f} precision={precision:.3f} chars_per_s={speeds[-1]:.0f}"
    )


if __name__ == "__main__":
    main()
