"""De-identification (去标识化) of personal information before a document is disclosed.

The finder proposes candidates; a confidentiality reviewer confirms or dismisses each one and
may mark further passages by hand (:func:`manual_redactions`); the disclosed text is the
redacted one (:func:`redact`), the original stays internal.

The finder is built for precision: every kind is checked beyond its shape.

* ``resident_id`` (居民身份证号), 18 characters: a province code that exists (or 9 for the
  foreigners' permanent residence ID card, which shares the layout), a birth date that is a real
  calendar date between 1900-01-01 and today, a 3-digit sequence, and the GB 11643 check
  character (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 -> "10X98765432"; a
  final ``x`` is accepted).
* ``resident_id``, 15 digits (the first-generation card): province code, 19YYMMDD a real date,
  3 digits. Fifteen digits collide with IMEIs, business registration numbers (注册号) and account
  numbers, so the nearest label within 12 characters before it decides: an ID keyword
  (身份证, 公民身份号码, 证件号…) accepts it, another number's label (文号, 编号, 单号, 账号,
  注册号, IMEI…) rejects it. Unlabelled, it is accepted right after a sex (张三，男，…, the
  usual column order); otherwise it is rejected if it passes the Luhn check (IMEIs and 15-digit
  cards do), or if it passes the registration-number check (ISO 7064 MOD 11,10) within 20
  characters after a firm's name (公司, 企业, 合作社…). The price: about one unlabelled ID in
  ten, outside those cues, is missed.
* ``mobile`` (手机号码): ``1[3-9]`` and 9 more digits, as a run or grouped 3-4-4 by spaces or
  hyphens, optionally after +86, 0086 or 86; not when the nearest label before it names another
  kind of number (编号, 订单号…), nor when a unit follows (13812345678元 is an amount).
* ``bank_card`` (银行卡号): 16-19 digits, as a run or in groups of four, passing the Luhn check
  and fitting a card scheme: UnionPay and others starting 6 (16-19 digits), Visa 4 (16 or 19),
  Mastercard 51-55 (16), JCB 35 (16-19); not when the nearest label before it names another
  kind of number or an ID, nor when a unit follows.
* ``email`` (电子邮箱): ASCII ``local@domain.tld``, trailing punctuation left out.
* ``landline`` (固定电话): area code 010, 02n or 0nnn (n a digit, the first of nnn
  from 3) then a local number of 7-8 digits starting 2-8 (8 after a 3-digit code),
  written 0631-5288123, (0631)5288123 or 0631 5288123; run together (06315288123)
  only right after a telephone label.
* ``passport`` (护照号码): E or G and 8 digits, or E, a letter and 7 digits, only within 16
  characters after 护照 or "passport".
* ``license_plate`` (机动车号牌): province character, issuing-authority letter, optional
  middle dot, then 5 characters (at most two letters) or a 6-character new-energy number
  (鲁K·D12345, 鲁K12345D).

No finding lies inside a longer run of digits or ASCII letters; CJK neighbours are fine, since
Chinese runs digits straight into text. Where candidates overlap, the longer one wins, and on a
tie the more specific kind (the order of :data:`KINDS`).

Masks keep the length of the original, so overlapping redactions can be merged character by
character (see :func:`redact`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

KINDS: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证号", "resident ID number"),
    "bank_card": ("银行卡号", "bank card number"),
    "passport": ("护照号码", "passport number"),
    "mobile": ("手机号码", "mobile phone number"),
    "landline": ("固定电话", "landline phone number"),
    "email": ("电子邮箱", "e-mail address"),
    "license_plate": ("机动车号牌", "vehicle licence plate"),
}

_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}

# First two digits of a resident ID: provinces (GB/T 2260), Taiwan, Hong Kong, Macao.
_PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
))  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_NB = r"(?<![0-9A-Za-z])"  # not preceded by a digit or ASCII letter
_NA = r"(?![0-9A-Za-z])"  # not followed by one

_ID18 = re.compile(_NB + r"[1-9]\d{16}[0-9Xx]" + _NA)
_ID15 = re.compile(_NB + r"[1-9]\d{14}" + _NA)
_MOBILE = re.compile(
    _NB
    + r"(?P<prefix>(?:\+|00)?86[ -]?|[(（]\+?86[)）] ?)?"
    + r"(?P<body>1[3-9]\d{9}|1[3-9]\d(?P<sep>[ -])\d{4}(?P=sep)\d{4})"
    + _NA
)
_CARD = re.compile(
    _NB
    + r"(?:[3-6]\d{15,18}|[3-6]\d{3}(?P<sep>[ -])\d{4}(?:(?P=sep)\d{4}){2}(?:(?P=sep)\d{1,3})?)"
    + _NA
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])"
)
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_LANDLINE = re.compile(
    _NB
    + r"(?:[(（](?P<area1>"
    + _AREA
    + r")[)）] ?|(?P<area2>"
    + _AREA
    + r")(?P<sep>[ -]?))(?P<local>[2-8]\d{6,7})"
    + _NA
)
_PASSPORT = re.compile(_NB + r"(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7})" + _NA)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·•・]?"
    r"(?P<body>[A-HJK][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF]|[A-HJ-NP-Z0-9]{4}[0-9挂学警])" + _NA
)

# Labels before a number. The nearest label within the window decides what the number is;
# a sentence break (，。；…) ends the window.
_ID_WORDS = ("身份证", "公民身份号码", "身份号码", "证件号", "证件号码", "身份证件")
_CARD_WORDS = ("银行卡", "卡号", "账号", "帐号", "账户", "帐户", "储蓄卡", "信用卡", "借记卡")
_PHONE_WORDS = (
    "电话", "手机", "联系方式", "座机", "传真", "热线", "致电", "拨打", "Tel", "TEL", "tel",
)  # fmt: skip
_OTHER_NUMBERS = (
    "文号", "编号", "单号", "订单", "流水号", "发票", "代码", "批号", "案号", "合同号", "序列号",
    "注册号", "登记号", "档案号", "税号", "交易号", "条码", "识别码", "串号", "IMEI", "imei",
    "运单", "工单", "证书号", "许可证号", "登记证号", "识别号", "纳税人", "批次",
)  # fmt: skip
_OTHER_FOR_ID15 = (*_OTHER_NUMBERS, *_CARD_WORDS)
_OTHER_FOR_CARDS = (*_OTHER_NUMBERS, *_ID_WORDS)
_AFTER_SEX = re.compile(r"[男女][，,、：:\s]?$")  # 姓名，性别，身份证号 — the usual column order
_FIRM = re.compile(r"公司|企业|合作社|商行|经营部|个体工商户|[厂店馆]")
_UNIT_AFTER = re.compile(r"\s*(?:元|万元|亿元|美元|平方米|千克|公斤|吨|立方米)")
_BREAKS = re.compile(r"[，,。；;！？!?\n]")
_WINDOW = 12


@dataclass(frozen=True)
class Finding:
    """A candidate personal identifier, for the reviewer to confirm or dismiss."""

    id: str
    kind: str
    start: int
    end: int
    text: str
    masked: str


@dataclass(frozen=True)
class Redaction:
    """Replace ``text[start:end]`` with ``replacement`` in the disclosed text."""

    start: int
    end: int
    replacement: str


def _before(text: str, start: int, width: int = _WINDOW) -> str:
    """Return up to ``width`` characters before ``start``, cut at the last sentence break."""
    window = text[max(0, start - width) : start]
    breaks = list(_BREAKS.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _last_label(window: str, words: Iterable[str]) -> int:
    """Return where the last of ``words`` in ``window`` ends, or -1."""
    ends = [window.rfind(w) + len(w) for w in words if w in window]
    return max(ends, default=-1)


def _label(text: str, start: int, positive: Iterable[str], negative: Iterable[str]) -> int:
    """Return 1 if the nearest label is positive, -1 if negative, 0 if there is none."""
    window = _before(text, start)
    pos, neg = _last_label(window, positive), _last_label(window, negative)
    if pos < 0 and neg < 0:
        return 0
    return 1 if pos >= neg else -1


def _luhn(digits: str) -> bool:
    """Return whether ``digits`` pass the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of a resident ID."""
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    """Return whether the date exists and lies between 1900-01-01 and today."""
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _region_ok(digits: str) -> bool:
    """Return whether an ID starts with a real province code (or 9, foreigners' card)."""
    return digits[:2] in _PROVINCES or digits[0] == "9"


def _valid_id18(value: str) -> bool:
    """Return whether ``value`` is a well-formed 18-character resident ID."""
    body = value[:17]
    return (
        _region_ok(value)
        and _real_date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
        and id_check_char(body) == value[17].upper()
    )


def _valid_id15(value: str) -> bool:
    """Return whether ``value`` has the shape of a 15-digit resident ID (no check digit)."""
    return value[:2] in _PROVINCES and _real_date(
        1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
    )


def _grouped_inside_longer(text: str, start: int, end: int) -> bool:
    """Return whether a grouped number continues a group of 1-4 digits on either side."""
    return bool(
        re.search(r"(?<![0-9])\d{1,4}[ -]$", text[max(0, start - 6) : start])
        or re.match(r"[ -]\d{1,4}(?![0-9])", text[end : end + 6])
    )


Candidate = tuple[int, int, str]


def _resident_ids(text: str) -> Iterator[Candidate]:
    """Yield 18- and 15-character resident IDs."""
    for m in _ID18.finditer(text):
        if _valid_id18(m.group()):
            yield m.start(), m.end(), "resident_id"
    for m in _ID15.finditer(text):
        value = m.group()
        if not _valid_id15(value):
            continue
        label = _label(text, m.start(), _ID_WORDS, _OTHER_FOR_ID15)
        if label == 0:
            label = _unlabelled_id15(text, m.start(), value)
        if label > 0:
            yield m.start(), m.end(), "resident_id"


def _mod11_10(digits: str) -> bool:
    """Return whether ``digits`` pass ISO 7064 MOD 11,10 (business registration numbers)."""
    p = 10
    for ch in digits[:-1]:
        p = ((p + int(ch)) % 10 or 10) * 2 % 11
    return (p + int(digits[-1])) % 10 == 1


def _unlabelled_id15(text: str, start: int, value: str) -> int:
    """Return 1 if an unlabelled 15-digit number is taken for an ID, else -1."""
    if _AFTER_SEX.search(text[max(0, start - 3) : start]):
        return 1
    if _luhn(value):  # an IMEI or a 15-digit card is as likely
        return -1
    if _mod11_10(value) and _FIRM.search(text[max(0, start - 20) : start]):
        return -1  # a business registration number after the firm's name
    return 1


def _card_scheme(digits: str) -> bool:
    """Return whether the first digits and the length fit a card scheme issued in China."""
    if digits[0] == "4":  # Visa
        return len(digits) in (16, 19)
    if digits[0] == "5":  # Mastercard
        return len(digits) == 16 and "51" <= digits[:2] <= "55"
    if digits[0] == "3":  # JCB (American Express has 15 digits)
        return digits[:2] == "35"
    return True  # 6: UnionPay 62, Discover 60/64/65, 16-19 digits


def _bank_cards(text: str) -> Iterator[Candidate]:
    """Yield bank card numbers."""
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if not (_card_scheme(digits) and _luhn(digits)) or _UNIT_AFTER.match(text, m.end()):
            continue
        if m.group("sep") and _grouped_inside_longer(text, m.start(), m.end()):
            continue
        if _label(text, m.start(), _CARD_WORDS, _OTHER_FOR_CARDS) < 0:
            continue
        yield m.start(), m.end(), "bank_card"


def _mobiles(text: str) -> Iterator[Candidate]:
    """Yield mobile phone numbers."""
    for m in _MOBILE.finditer(text):
        if m.group("sep") and _grouped_inside_longer(text, m.start(), m.end()):
            continue
        if _UNIT_AFTER.match(text, m.end()):
            continue
        if _label(text, m.start(), _PHONE_WORDS, _OTHER_NUMBERS) < 0:
            continue
        yield m.start(), m.end(), "mobile"


def _landlines(text: str) -> Iterator[Candidate]:
    """Yield landline phone numbers."""
    for m in _LANDLINE.finditer(text):
        area = m.group("area1") or m.group("area2")
        if len(area) == 3 and len(m.group("local")) != 8:
            continue
        run_together = m.group("area2") and not m.group("sep")
        if run_together and _label(text, m.start(), _PHONE_WORDS, _OTHER_NUMBERS) <= 0:
            continue
        yield m.start(), m.end(), "landline"


def _passports(text: str) -> Iterator[Candidate]:
    """Yield passport numbers near the word 护照 or passport."""
    for m in _PASSPORT.finditer(text):
        window = _before(text, m.start(), 16)
        if "护照" in window or "passport" in window.lower():
            yield m.start(), m.end(), "passport"


def _emails(text: str) -> Iterator[Candidate]:
    """Yield e-mail addresses."""
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email"


def _plates(text: str) -> Iterator[Candidate]:
    """Yield vehicle licence plates."""
    for m in _PLATE.finditer(text):
        body = m.group("body")
        if len(body) == 5 and sum(ch.isascii() and ch.isalpha() for ch in body) > 2:
            continue
        yield m.start(), m.end(), "license_plate"


_DETECTORS: tuple[Callable[[str], Iterator[Candidate]], ...] = (
    _resident_ids,
    _bank_cards,
    _passports,
    _mobiles,
    _landlines,
    _emails,
    _plates,
)


def find_personal_information(text: str) -> list[Finding]:
    """Find candidate personal identifiers in ``text``, in order of position."""
    candidates = {c for detect in _DETECTORS for c in detect(text)}
    taken: list[Candidate] = []
    for start, end, kind in sorted(candidates, key=lambda c: (c[0] - c[1], _PRIORITY[c[2]], c[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    return [
        Finding(
            id=f"{kind}-{start}",
            kind=kind,
            start=start,
            end=end,
            text=text[start:end],
            masked=mask(kind, text[start:end]),
        )
        for start, end, kind in sorted(taken)
    ]


def _star(value: str, keep_first: int, keep_last: int, counts: Callable[[str], bool]) -> str:
    """Return ``value`` with the counted characters starred, except the first and last few."""
    positions = [i for i, ch in enumerate(value) if counts(ch)]
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask(kind: str, value: str) -> str:
    """Return the de-identified form of one identifier.

    The mask is as long as the value and keeps separators (spaces, hyphens, brackets, dots):

    * resident_id: the first 4 and last 4 characters (18 -> 3701**********1234; the 15-digit
      form keeps the same 4 + 4, hiding 7);
    * mobile: all but the 4 digits before the last 4 (138****5678, +86 138-****-5678);
    * bank_card: the first 4 and last 4 digits (6222 **** **** ***0 123);
    * email: the first character of the local part and the whole domain (z*******@example.com);
    * landline: the area code and the last 2 digits (0631-*****23);
    * anything else: the first and last character (鲁*****5); two characters or fewer keep
      only the first.
    """
    if kind == "resident_id":
        return _star(value, 4, 4, str.isalnum)
    if kind == "mobile":
        digits = sum(ch.isdigit() for ch in value)
        return _star(value, max(digits - 8, 0), 4, str.isdigit)
    if kind == "bank_card":
        return _star(value, 4, 4, str.isdigit)
    if kind == "email" and "@" in value:
        local, _, domain = value.rpartition("@")
        return local[:1] + "*" * (len(local) - 1) + "@" + domain
    if kind == "landline":
        number = "".join(ch for ch in value if ch.isdigit())
        return _star(value, 3 if number[:2] in ("01", "02") else 4, 2, str.isdigit)
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    return value[0] + "".join("*" if ch.isalnum() else ch for ch in value[1:-1]) + value[-1]


def redact(text: str, redactions: Iterable[Redaction]) -> str:
    """Return ``text`` with each redaction applied; overlapping redactions are merged.

    Redactions that overlap (not merely touch) are merged over the union of their spans. When
    each of them is as long as its span (masks and hand marks are), the merge goes character by
    character: a character stays visible only if every redaction covering it leaves it
    unchanged. Otherwise the whole union becomes one '*' per character. Raises ``ValueError``
    for an empty span or one outside the text.
    """
    ordered = sorted(set(redactions), key=lambda r: (r.start, r.end, r.replacement))
    for r in ordered:
        if not 0 <= r.start < r.end <= len(text):
            raise ValueError(f"redaction {r.start}-{r.end} outside text of length {len(text)}")
    groups: list[list[Redaction]] = []
    group_end = -1
    for r in ordered:
        if groups and r.start < group_end:
            groups[-1].append(r)
            group_end = max(group_end, r.end)
        else:
            groups.append([r])
            group_end = r.end
    out, pos = [], 0
    for group in groups:
        start, end = group[0].start, max(r.end for r in group)
        out.append(text[pos:start])
        if len(group) == 1:
            out.append(group[0].replacement)
        elif all(len(r.replacement) == r.end - r.start for r in group):
            chars = list(text[start:end])
            for r in group:
                for offset, ch in enumerate(r.replacement):
                    if ch != text[r.start + offset]:
                        chars[r.start + offset - start] = ch
            out.append("".join(chars))
        else:
            out.append("*" * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def manual_redactions(text: str, passages: Iterable[str]) -> list[Redaction]:
    """Return redactions hiding every occurrence of each passage (hand marks) with '*' each.

    A passage is a reviewer's hand mark: every occurrence is hidden with one '*' per character.
    Passages are stripped of surrounding whitespace; empty ones are ignored. Occurrences may
    overlap (:func:`redact` merges them). The list is in order of position.
    """
    found: set[Redaction] = set()
    for passage in passages:
        needle = passage.strip()
        if not needle:
            continue
        at = text.find(needle)
        while at >= 0:
            found.add(Redaction(at, at + len(needle), "*" * len(needle)))
            at = text.find(needle, at + 1)
    return sorted(found, key=lambda r: (r.start, r.end))
