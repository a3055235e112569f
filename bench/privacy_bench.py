"""Benchmark: recall and precision of the personal-information finder on a synthetic corpus.

Generates (seeded, deterministic) paragraphs of Chinese government text — 行政处罚决定书,
失信惩戒公示, 依申请公开答复书, 会议纪要, 补贴发放公示, 采购公告, 执行裁定, 交通违法通告… —
with identifiers of every kind planted at known spans, among look-alikes that must not be found:
IDs with a wrong check digit or an impossible birth date, partly masked IDs, card numbers failing
Luhn, Luhn-valid order numbers, IMEIs and 15-digit business registration numbers, corporate
account numbers, unified social credit codes, invoice codes and numbers, EAN-13 barcodes, VINs,
11-digit numbers starting 10-12, dates written as digits, 400 hotlines, ICP record numbers…

A finding is a true positive when its span and kind equal a planted identifier's, otherwise a
false positive; a planted identifier not found is a false negative. The last line reads

    privacy_bench: recall=R precision=P

over all planted kinds (targets: recall >= 0.99, precision >= 0.98).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from string import Formatter

from engine.disclosure.privacy import KINDS, find_personal_information

Span = tuple[int, int, str]


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ---------------------------------------------------------------------------- data pools

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华志海燕红梅玉晓东春雷新民国庆文博子涵雨萱浩然俊峰欣怡"  # noqa: E501
REGIONS = words(
    "371002 371003 371082 371083 371071 370102 370103 370202 370211 370602 370687 370883 "
    "110105 110108 120101 130102 140105 150102 210102 220102 230102 310104 310115 320102 "
    "320583 330106 340102 350102 360102 410105 420106 430104 440106 440305 450103 460105 "
    "500103 510107 520102 530102 610113 620102 650102"
)
DISTRICTS = ("环翠区", "文登区", "荣成市", "乳山市", "火炬高技术产业开发区", "经济技术开发区")
STREETS = ("鲸园街道", "环翠楼街道", "竹岛街道", "孙家疃街道", "张村镇", "羊亭镇", "宋村镇")
ROADS = ("青岛北路", "统一路", "世昌大道", "新威路", "海滨北路", "文化中路", "昆明路", "古寨东路")
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
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


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


# ---------------------------------------------------------------------------- generators


class Gen:
    """Field values for the templates; planted ones carry their kind."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def digits(self, n: int, first: str = "0123456789") -> str:
        return self.r.choice(first) + "".join(self.r.choice("0123456789") for _ in range(n - 1))

    def pick(self, options: str | tuple | list) -> str:
        return self.r.choice(options)

    # -- context (neither planted nor look-alike) ---------------------------------------

    def name(self) -> str:
        given = "".join(self.r.choice(GIVEN) for _ in range(self.r.choice((1, 2, 2))))
        return self.r.choice(SURNAMES) + given

    def sex(self) -> str:
        return self.pick("男女")

    def age(self) -> str:
        return f"{self.r.randint(18, 86)}岁"

    def addr(self) -> str:
        return (
            f"威海市{self.pick(DISTRICTS)}{self.pick(STREETS)}{self.pick(ROADS)}"
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

    def big_amount(self) -> str:
        """A budget total written out in yuan: eleven digits, some starting 13-19 like a mobile."""
        return self.digits(11, "123456789") + self.pick(("元", " 元", "元", "万元"))

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

    # -- planted identifiers -----------------------------------------------------------

    def _birth(self) -> str:
        d = date(1935, 1, 1) + timedelta(days=self.r.randint(0, 28000))
        return d.strftime("%Y%m%d")

    def id18(self) -> str:
        body = self.pick(REGIONS) + self._birth() + self.digits(3)
        check = id_check(body)
        return body + (check.lower() if check == "X" and self.r.random() < 0.2 else check)

    def id15(self) -> str:
        d = date(1930, 1, 1) + timedelta(days=self.r.randint(0, 25000))
        return self.pick(REGIONS) + d.strftime("%y%m%d") + self.digits(3)

    def mobile(self) -> str:
        number = self.pick(MOBILE_PREFIXES) + self.digits(8)
        a, b, c = number[:3], number[3:7], number[7:]
        return self.r.choices(
            (number, f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {number}", f"+86-{a}-{b}-{c}",
             f"86{number}", f"+86{number}", f"(+86){number}", f"+86 {a} {b} {c}"),
            weights=(60, 8, 8, 6, 3, 2, 5, 3, 5),
        )[0]  # fmt: skip

    def card(self) -> str:
        prefix, length = self.pick(CARD_PREFIXES)
        body = prefix + self.digits(length - len(prefix) - 1)
        number = body + luhn_digit(body)
        style = self.r.random()
        if style < 0.6:
            return number
        sep = " " if style < 0.9 else "-"
        return sep.join(number[i : i + 4] for i in range(0, len(number), 4))

    def email(self) -> str:
        style = self.r.random()
        if style < 0.25:
            local = self.digits(self.r.randint(6, 10), "123456789")
        elif style < 0.6:
            local = self.pick(PINYIN) + self.pick(PINYIN_GIVEN) + self.r.choice(("", self.n()))
        else:
            sep = self.pick("._-")
            local = f"{self.pick(PINYIN)}{sep}{self.pick(PINYIN_GIVEN)}{self.r.randint(60, 99)}"
        return f"{local}@{self.pick(MAIL_HOSTS)}"

    def _landline_parts(self) -> tuple[str, str]:
        area = self.pick(AREA_CODES)
        length = 8 if len(area) == 3 or self.r.random() < 0.2 else 7
        return area, self.digits(length, "2345678")

    def landline(self) -> str:
        area, local = self._landline_parts()
        return self.r.choices(
            (f"{area}-{local}", f"({area}){local}", f"（{area}）{local}", f"{area} {local}"),
            weights=(60, 10, 20, 10),
        )[0]

    def landline_run(self) -> str:
        area, local = self._landline_parts()
        return area + local

    def passport(self) -> str:
        style = self.r.random()
        if style < 0.5:
            return "E" + self.digits(8)
        if style < 0.8:
            return "E" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)
        return "G" + self.digits(8)

    def plate(self) -> str:
        head = self.pick(PLATE_PROVINCES) + (
            "K" if self.r.random() < 0.6 else self.pick(PLATE_LETTERS)
        )
        dot = "·" if self.r.random() < 0.25 else ""
        style = self.r.random()
        if style < 0.65:
            body = list(self.digits(5))
            for i in self.r.sample(range(4), self.r.choice((0, 0, 1, 2))):
                body[i] = self.pick(PLATE_LETTERS)
            tail = "".join(body)
        elif style < 0.9:
            tail = self.pick("DF") + (
                self.digits(5)
                if self.r.random() < 0.7
                else self.pick(PLATE_LETTERS) + self.digits(4)
            )
        else:
            tail = self.digits(5) + self.pick("DF")
        return head + dot + tail  # fmt: skip

    # -- look-alikes --------------------------------------------------------------------

    def bad_id18(self) -> str:
        """A resident ID with a typo (any single digit changed): the check fails."""
        good = self.id18().upper()
        i = self.r.randrange(18)
        wrong = self.pick([d for d in "0123456789X" if d != good[i] and (i == 17 or d != "X")])
        return good[:i] + wrong + good[i + 1 :]

    def bad_date_id18(self) -> str:
        """A resident ID with the right check character but an impossible birth date."""
        day = self.pick(("19900230", "19870229", "19791301", "20010932", "18991231", "20990101",
                         "19650431", "19920000", "19881100"))  # fmt: skip
        body = self.pick(REGIONS) + day + self.digits(3)
        return body + id_check(body)

    def masked_id(self) -> str:
        good = self.id18()
        return self.pick((good[:10] + "****" + good[14:], good[:6] + "********" + good[14:]))

    def masked_mobile(self) -> str:
        return self.pick(MOBILE_PREFIXES) + "****" + self.digits(4)

    def bad_card(self) -> str:
        """A bank card number with a typo: the Luhn check fails."""
        number = "".join(ch for ch in self.card() if ch.isdigit())
        i = self.r.randrange(len(number))
        wrong = self.pick([d for d in "0123456789" if d != number[i]])
        if i == 0:
            wrong = self.pick([d for d in "3456" if d != number[0]])
        return number[:i] + wrong + number[i + 1 :]

    def order_no(self) -> str:
        """E-commerce / payment order numbers: 18-19 digits, a tenth of them Luhn-valid."""
        style = self.r.random()
        if style < 0.5:
            return self.digits(self.r.choice((18, 19)), "123456")
        return self._date().strftime("%Y%m%d") + self.digits(self.r.choice((10, 11, 12)))

    def einvoice(self) -> str:
        return self.year()[2:] + "37" + self.digits(16)

    def inv_code(self) -> str:
        return "0" + self.pick(("3710", "3700", "3702")) + self.year()[2:] + self.digits(5)

    def inv_no(self) -> str:
        return self.digits(8)

    def imei(self) -> str:
        body = self.pick(("86", "35", "99", "01")) + self.digits(12)
        return body + luhn_digit(body)

    def reg_no(self) -> str:
        """A 15-digit business registration number (工商注册号) with its MOD 11,10 check."""
        body = self.pick(REGIONS[:12]) + self.pick("0123456789") + self.digits(7)
        return body + mod11_10(body)

    def tax_no(self) -> str:
        """An old tax registration number: region code and organisation code."""
        org = self.digits(8, "123456789") + self.pick("0123456789X")
        return self.pick(REGIONS[:12]) + org

    def corp_account(self) -> str:
        """Corporate bank account numbers of several banks' formats."""
        return self.pick(
            (
                "1614" + self.digits(15),  # ICBC, 19 digits
                "3705" + self.digits(16),  # CCB, 20 digits
                "37" + self.digits(16),  # Industrial Bank style, 18 digits
                "15" + self.digits(13),  # ABC style, 15 digits
                "8170" + self.digits(14),  # city commercial bank, 18 digits
                "2" + self.digits(11),  # BOC, 12 digits
            )
        )

    def uscc(self) -> str:
        """A unified social credit code with a valid GB 32100 check character."""
        kind = self.pick(("91", "91", "91", "92", "12", "11", "52"))
        org = "".join(
            self.pick(USCC_CHARS[:10] if kind in ("11", "12") else USCC_CHARS) for _ in range(9)
        )
        body = kind + self.pick(REGIONS[:12]) + org
        total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
        return body + USCC_CHARS[-total % 31]

    def ean13(self) -> str:
        body = "69" + self.digits(10)
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return body + str(-total % 10)

    def n11_decoy(self) -> str:
        return self.pick(("10", "11", "12")) + self.digits(9)

    def vin(self) -> str:
        chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        return "L" + "".join(self.pick(chars) for _ in range(10)) + self.digits(6)

    def isbn(self) -> str:
        return (
            f"978-7-{self.r.randint(100, 5999)}-{self.r.randint(1000, 9999)}-{self.r.randint(0, 9)}"
        )

    def icp(self) -> str:
        return self.pick(
            (
                f"鲁ICP备{self.digits(8, '1')}号-{self.r.randint(1, 3)}",
                f"鲁公网安备 {self.digits(14, '3')}号",
                f"粤B2-{self.digits(8, '2')}",
                f"京ICP证{self.digits(6)}号",
            )
        )

    def standard(self) -> str:
        return self.pick(
            (
                f"GB {self.r.randint(1000, 50999)}-{self.year()}",
                f"DB37/T {self.r.randint(1000, 4999)}-{self.year()}",
                f"GB/T {self.r.randint(1000, 39999)}.{self.r.randint(1, 9)}-{self.year()}",
            )
        )

    def project_no(self) -> str:
        return self.pick(("SDGP", "WHCG", "HCZB")) + "3710" + self.year() + self.digits(8)

    def ems_no(self) -> str:
        return self.pick(
            (
                "E" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(9) + "CN",
                "1" + self.digits(12),
                "SF" + self.digits(13),
            )
        )

    def device_no(self) -> str:
        return self.pick("EG") + self.digits(8)

    def archive_no(self) -> str:
        return f"WH-{self.year()}-{self.digits(6)}"

    def property_unit(self) -> str:
        return "371002" + self.digits(6) + "GB" + self.digits(5) + "F" + self.digits(8)

    def date_digits(self) -> str:
        return self._date().strftime("%Y%m%d")

    def date_iso(self) -> str:
        return self._date().isoformat()

    def hotline400(self) -> str:
        return f"{self.pick(('400', '800'))}-{self.digits(3)}-{self.digits(4)}"

    def qq(self) -> str:
        return self.digits(self.r.randint(6, 10), "123456789")

    def time_range(self) -> str:
        return f"{self.r.randint(8, 9):02d}:00-{self.r.randint(11, 12)}:30"

    def coord(self) -> str:
        return f"东经122.{self.digits(6)}°、北纬37.{self.digits(6)}°"

    def id_label(self) -> str:
        return self.pick(("身份证号码：", "公民身份号码", "身份证号", "证件号码：", "身份证："))

    def phone_label(self) -> str:
        return self.pick(("联系电话：", "电话", "联系方式：", "手机：", "手机号码"))


PLANTED: dict[str, str] = {
    "id18": "resident_id",
    "id15": "resident_id",
    "id15u": "resident_id",
    "mobile": "mobile",
    "card": "bank_card",
    "email": "email",
    "landline": "landline",
    "landline_run": "landline",
    "passport": "passport",
    "plate": "license_plate",
}
LOOK_ALIKES = frozenset(
    words(
        "bad_id18 bad_date_id18 masked_id masked_mobile bad_card order_no einvoice inv_code inv_no "
        "imei reg_no reg_no_u tax_no corp_account uscc ean13 n11_decoy vin isbn icp standard "
        "project_no ems_no device_no archive_no property_unit date_digits date_iso hotline400 qq "
        "hotline postcode doc_no penalty_no case_no amount big_amount"
    )
)
ALIASES = {"id15u": "id15", "reg_no_u": "reg_no"}

# ---------------------------------------------------------------------------- templates

TEMPLATES = [
    # 行政处罚决定书
    "{penalty_no}　当事人：{name}，性别：{sex}，{id_label}{id18}，住址：{addr}，"
    "联系电话：{mobile}。"
    "经查，当事人于{date}在{road}从事经营活动，违反了{statute}的规定。依据{statute}，"
    "决定对当事人罚款{amount}，罚款自收到本决定书之日起十五日内缴至指定银行"
    "（缴款码{einvoice}）。",
    "{penalty_no}　当事人：{company}，统一社会信用代码：{uscc}，法定代表人：{name}，"
    "{id_label}{id18}，手机{mobile}，地址：{addr}。当事人于{datetime}因{statute}被立案调查，"
    "现场检查笔录编号{archive_no}，责令改正并处罚款{amount}。",
    # 失信惩戒 / 信用公示名单
    "失信被执行人名单（第{n}批）：{name}，{id18}，案号{case_no}，执行标的{amount}；"
    "{name}，{masked_id}，案号{case_no}，执行标的{amount}；{name}，{id18}，案号{case_no}，"
    "发布日期{date_iso}。",
    "历史遗留失信名单补录：{name}（{id15u}），{name}（{id18}），列入原因：{statute}，"
    "联系法院请拨打{landline}。",
    "{year}年部门预算公开说明：年度收支预算总额{big_amount}，其中一般公共预算拨款{big_amount}，"
    "比上年增长{pct}；政务新媒体：微博@威海发布，公众号“威海发布”，咨询电话{landline}。",
    "拖欠农民工工资失信联合惩戒对象名单：{company}（统一社会信用代码{uscc}，"
    "注册号：{reg_no}），实际控制人{name}（{id_label}{id18}），欠薪金额{amount}，"
    "列入日期{date}，举报电话{hotline}。",
    "企业经营异常名录移出公告：{company}，{reg_no_u}，法定代表人{name}；{company}，{reg_no_u}，"
    "负责人{name}，登记机关威海市市场监督管理局，移出日期{date_digits}。",
    # 依申请公开答复书
    "{name}：你于{date}通过{channel}提出的政府信息公开申请收悉（登记编号{archive_no}）。"
    "申请人{id_label}{id18}，{phone_label}{mobile}，通讯地址{addr}，邮编{postcode}，"
    "电子邮箱{email}。经审查，根据{statute}的规定，答复如下：……",
    "政府信息公开申请答复书（{doc_no}）　申请人：{name}，证件类型：护照，护照号码：{passport}，"
    "电子邮箱：{email}，手机：{mobile}。你申请获取的{year}年度财政预算信息已于{date}主动公开，"
    "可登录威海市人民政府门户网站查询（{icp}）。",
    "补正申请告知书：{name}，你提交的申请表中身份证号码一栏填写为{bad_id18}，经核验有误，"
    "请于{date}前补正；如有疑问请致电{landline}（工作日{time_range}）或发送邮件至{email}。",
    # 会议纪要
    "{date}上午，市政府副市长{name}主持召开专题会议，研究{road}改造工程有关事宜。"
    "会议议定：由{company}负责施工，项目编号{project_no}，总投资{amount}。"
    "联系人：{name}，电话：{landline}，手机：{mobile}。（会议纪要〔{year}〕{n}号）",
    "出席：{name}、{name}、{name}；列席：{name}（{company}，{mobile}）。会议听取了{year}年"
    "政务公开工作情况汇报，完成率{pct}，较上年提高{pct}。会后请各单位于{date}前将材料报送"
    "市政府办公室，联系电话{landline}，传真{landline}，邮箱{email}。",
    # 补贴发放 / 救助 公示
    "{year}年耕地地力保护补贴发放公示：{name}，{id18}，补贴面积{area}，补贴金额{amount}，"
    "开户银行：威海农商银行，账号：{card}；{name}，{id18}，{area}，{amount}，卡号{card}。",
    "城乡居民最低生活保障对象公示：户主{name}，{sex}，{age}，{id_label}{id18}，"
    "家庭人口{n}人，保障金{amount}，发放至社会保障卡{card}。监督电话：{landline}、{hotline}。",
    "退役军人优待金发放明细：{name}，{id18}，银行卡号{card}，{amount}；{name}，{id18}，"
    "银行卡号{card}，{amount}。错账账户{bad_card}已退回，请本人携身份证到{addr}办理。",
    # 采购 / 招标
    "{company}关于{road}绿化提升项目的竞争性磋商公告（项目编号：{project_no}）。预算金额{amount}。"
    "采购人联系方式：{landline}；代理机构联系人：{name}，联系电话：{mobile}，"
    "电子邮箱{email}。开户银行：中国工商银行威海分行，账号：{corp_account}。"
    "执行标准{standard}。",
    "中标结果公告：中标供应商{company}，统一社会信用代码{uscc}，纳税人识别号{tax_no}，"
    "中标金额{amount}，服务热线{hotline400}。质疑请于{date}前以书面形式提出，"
    "联系人{name}，座机{landline_run}。",
    # 执行 / 法院
    "执行裁定书（{case_no}）：被执行人{name}，{sex}，{date}出生，公民身份号码{id15}，"
    "住{addr}。冻结被执行人名下银行账户{card}内存款{amount}，扣划至本院账户{corp_account}。",
    "档案记载：{name}，{sex}，{id15u}，原住{addr}；{name}，{sex}，{id15u}，{addr}。"
    "上述人员原身份证号{id15}已于{year}年升位为{id18}。",
    # 交通 / 车辆
    "交通违法处理公告：号牌号码{plate}的小型汽车于{datetime}在{road}违反禁止标线指示，"
    "机动车所有人{name}，驾驶证号{id18}，车辆识别代号{vin}。请于{date}前到{addr}接受处理。",
    "公共停车场长期占用车辆清理通告：{plate}、{plate}、{plate}等车辆长期停放于{road}，"
    "请车主于{date}前自行驶离，联系电话{landline}，逾期依据{statute}处理。",
    "新能源汽车购置补贴公示：{name}，车牌{plate}，{id_label}{id18}，补贴{amount}，"
    "发票代码{inv_code}，发票号码{inv_no}，电子发票号码{einvoice}，"
    "订单号{order_no}，交易流水号{order_no}。",
    # 涉案财物 / 电子数据
    "涉案财物清单：手机一部（IMEI：{imei}），银行卡一张（卡号{card}），现金{amount}，"
    "快递单号{ems_no}，商品条码{ean13}。嫌疑人{name}，{id_label}{id18}，手机{mobile}，"
    "QQ号{qq}，微信绑定手机{masked_mobile}。",
    # 出入境 / 外籍
    "外籍人员来威投资登记：{name}，持中华人民共和国护照（{passport}），"
    "Passport No. {passport}，联系电话{mobile}，邮箱{email}，设备编号{device_no}，"
    "邮件号{ems_no}。",
    # 不动产 / 住房
    "公共租赁住房保障资格公示：申请人{name}，{id18}，配偶{name}，{id18}，家庭月收入{amount}，"
    "不动产单元号{property_unit}，联系电话：{mobile}。公示期{date}至{date}。",
    "房屋征收补偿公告（{doc_no}）：被征收人{name}，{id_label}{id18}，房屋坐落{addr}，"
    "建筑面积{area}，补偿金额{amount}，补偿款支付至{card}。咨询电话{landline}，"
    "监督电话{hotline}，邮政编码{postcode}。",
    # 信访 / 投诉
    "信访事项受理告知书：{name}（{id_label}{id18}，{phone_label}{mobile}）于{date}反映"
    "{road}噪声扰民问题，信访件编号{n11_decoy}，已转{company}办理，办理期限{n}日。"
    "查询请拨打{hotline}或{landline}。",
    "消费纠纷退款明细（订单号、金额、退款日期）：{order_no}，{amount}，{date}；{order_no}，"
    "{amount}，{date}；{order_no}，{amount}，{date}。投诉人{name}，{phone_label}{mobile}。",
    "12345热线工单转办：工单号{order_no}，来电人{name}，来电号码{mobile}，"
    "回访号码{landline}，诉求：{road}路灯不亮；关联工单{archive_no}，受理时间{datetime}。",
    # 通知 / 公告（多为看似号码但无个人信息）
    "关于做好{year}年度政府信息公开工作年度报告编制工作的通知（{doc_no}）：各区市人民政府，"
    "国家级开发区管委，市政府各部门：请于{date}前报送，联系电话{landline}，"
    "邮政编码{postcode}，依据{statute}。统计截至{date_digits}，共收到申请{n}件，"
    "办结率{pct}，网站{icp}。",
    "数据共享平台更新：数据标准{standard}，资源目录编码{project_no}，出版物ISBN {isbn}，"
    "观测站坐标{coord}，批次号{order_no}，序列号{n11_decoy}，更新时间{date_iso} {time_range}，"
    "对公账号{corp_account}，咨询电话{hotline400}、{hotline}。",
    "行政许可公示：{company}，统一社会信用代码{uscc}，许可证编号{bad_date_id18}，"
    "有效期至{date}，原注册号{reg_no}，税务登记证号{tax_no}，联系人{name}，"
    "{phone_label}{mobile}，地址{addr}。",
    "失业保险金申领公示：{name}，证件号码{id18}，{name}，证件号码{bad_date_id18}（待核实），"
    "{name}，证件号码{id18}，领取期限{n}个月，发放至{card}。",
]

CHANNELS = ("信函", "政府网站", "当面提交", "电子邮件", "传真")


# ---------------------------------------------------------------------------- corpus


def build(paragraphs: int, seed: int) -> list[tuple[str, list[Span], list[Span]]]:
    """Return paragraphs with their planted identifiers and look-alikes, each with its span."""
    gen = Gen(seed)
    fields: dict[str, Callable[[], str]] = {
        name: getattr(gen, name)
        for name in dir(gen)
        if not name.startswith("_") and callable(getattr(gen, name))
    }
    fields["channel"] = lambda: gen.pick(CHANNELS)
    corpus = []
    for _ in range(paragraphs):
        template = gen.pick(TEMPLATES)
        parts: list[str] = []
        planted: list[Span] = []
        decoys: list[Span] = []
        at = 0
        for literal, field, _spec, _conv in Formatter().parse(template):
            parts.append(literal)
            at += len(literal)
            if field is None:
                continue
            value = fields[ALIASES.get(field, field)]()
            kind = PLANTED.get(field)
            if kind:
                planted.append((at, at + len(value), kind))
            elif field in LOOK_ALIKES:
                decoys.append((at, at + len(value), field))
            parts.append(value)
            at += len(value)
        corpus.append(("".join(parts), planted, decoys))
    return corpus


def subkind(kind: str, text: str) -> str:
    """Split resident IDs into the 18- and 15-character forms for the report."""
    if kind == "resident_id":
        return f"resident_id/{len(text)}"
    return kind


def main() -> None:
    """Run the finder over the corpus and print its figures, the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=600, help="paragraphs to generate")
    parser.add_argument("--seed", type=int, default=20261128, help="random seed")
    parser.add_argument("--show", type=int, default=0, help="print up to N misses of each sort")
    args = parser.parse_args()

    corpus = build(args.paragraphs, args.seed)
    started = time.perf_counter()
    results = [find_personal_information(text) for text, _, _ in corpus]
    elapsed = time.perf_counter() - started

    tp, fp, fn, planted_n = Counter(), Counter(), Counter(), Counter()
    fp_sources: Counter[str] = Counter()
    misses: list[str] = []
    for (text, planted, decoys), found in zip(corpus, results, strict=True):
        expected = set(planted)
        got = {(f.start, f.end, f.kind) for f in found}
        for start, end, kind in planted:
            planted_n[subkind(kind, text[start:end])] += 1
        for start, end, kind in got:
            key = subkind(kind, text[start:end])
            if (start, end, kind) in expected:
                tp[key] += 1
                continue
            fp[key] += 1
            source = next((d for s, e, d in decoys if s < end and start < e), "unplanted text")
            fp_sources[f"{kind} in {source}"] += 1
            misses.append(
                f"FP {kind} {text[start:end]!r} ({source}): …{text[max(0, start - 20) : end + 5]}…"
            )
        for start, end, kind in expected - got:
            fn[subkind(kind, text[start:end])] += 1
            misses.append(f"FN {kind} {text[start:end]!r}: …{text[max(0, start - 20) : end + 5]}…")

    chars = sum(len(text) for text, _, _ in corpus)
    decoy_n = sum(len(d) for _, _, d in corpus)
    print(
        f"corpus: {len(corpus)} paragraphs (seed {args.seed}), {chars} characters, "
        f"{sum(planted_n.values())} planted identifiers, {decoy_n} look-alikes"
    )
    print(f"finder: {elapsed:.3f} s ({chars / elapsed / 1e6:.2f} M characters/s)")
    print(f"{'kind':<18}{'planted':>8}{'TP':>7}{'FP':>6}{'FN':>6}{'recall':>9}{'precision':>11}")
    for kind in KINDS:
        keys = sorted(k for k in planted_n | fp if k.split("/")[0] == kind)
        rows = [(kind, keys)] + (
            [(f"  {k.split('/')[1]}-char", [k]) for k in keys] if len(keys) > 1 else []
        )
        for label, group in rows:
            p, t, f, n = (sum(c[k] for k in group) for c in (planted_n, tp, fp, fn))
            print(f"{label:<18}{p:>8}{t:>7}{f:>6}{n:>6}{ratio(t, t + n):>9}{ratio(t, t + f):>11}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'total':<18}{t + n:>8}{t:>7}{f:>6}{n:>6}{ratio(t, t + n):>9}{ratio(t, t + f):>11}")
    if fp_sources:
        print(
            "false positives by source: "
            + ", ".join(f"{k} {v}" for k, v in fp_sources.most_common())
        )
    for line in misses[: args.show]:
        print(line)
    recall = t / (t + n) if t + n else 1.0
    precision = t / (t + f) if t + f else 1.0
    print(f"privacy_bench: recall={recall:.2f} precision={precision:.2f}")


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else "-"


if __name__ == "__main__":
    main()
