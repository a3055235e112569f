"""Who applies for disclosure: applicant types, identity documents, and how a reply is delivered.

The applicant types and organisation kinds are the annual report's columns
(国办公开办函〔2021〕30号). Each table maps a key to its (Chinese, English) labels.
"""

from __future__ import annotations

import re
import unicodedata

from ...text import text_problem
from ..privacy import _valid_id18

APPLICANT_TYPES: dict[str, tuple[str, str]] = {
    "natural_person": ("自然人", "Natural person"),
    "organisation": ("法人或其他组织", "Legal person or other organisation"),
}

ORGANISATION_KINDS: dict[str, tuple[str, str]] = {
    "commercial": ("商业企业", "Commercial enterprise"),
    "research": ("科研机构", "Research institution"),
    "public_interest": ("社会公益组织", "Public-interest organisation"),
    "legal_services": ("法律服务机构", "Legal services provider"),
    "other": ("其他", "Other"),
}

ID_DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "Resident identity card"),
    "passport": ("护照", "Passport"),
    "hk_macao_permit": (
        "港澳居民来往内地通行证",
        "Mainland travel permit for HK and Macao residents",
    ),
    "taiwan_permit": ("台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents"),
    "foreign_permanent_residence": (
        "外国人永久居留身份证",
        "Foreign permanent resident ID card",
    ),
    "credit_code": ("统一社会信用代码", "Unified social credit code"),
    "other": ("其他", "Other"),
}

#: the documents each applicant type may identify itself with.
ID_DOCUMENTS_OF: dict[str, frozenset[str]] = {
    "natural_person": frozenset(ID_DOCUMENT_TYPES) - {"credit_code"},
    "organisation": frozenset({"credit_code", "other"}),
}

DELIVERY_FORMS: dict[str, tuple[str, str]] = {
    "paper": ("纸质", "Paper"),
    "email": ("电子邮件", "E-mail"),
    "electronic_data": ("电子数据（光盘/U盘）", "Electronic data (disc or USB drive)"),
}

DELIVERY_METHODS: dict[str, tuple[str, str]] = {
    "mail": ("邮寄", "Post"),
    "email": ("电子邮件", "E-mail"),
    "collect": ("自行领取", "Collect in person"),
    "fax": ("传真", "Fax"),
}

# GB 32100-2015: the alphabet leaves out I, O, Z, S and V, which read like digits or each other.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE = re.compile(f"[{CREDIT_CODE_ALPHABET}]{{18}}")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_TRAVEL_DOCUMENT = re.compile(r"[A-Z0-9]{5,20}")
# The 2017 card: nationality (3 letters) then 12 digits; the 2023 card has the resident ID's
# layout, starting with 9.
_PERMANENT_RESIDENCE_2017 = re.compile(r"[A-Z]{3}\d{12}")
_OTHER_MAX_LENGTH = 50
_SPACES = re.compile(r"\s+")


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * weight
        for ch, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """Tell whether a normalised code is 18 characters of the alphabet with its check character."""
    return bool(_CREDIT_CODE.fullmatch(code)) and credit_code_check_char(code[:17]) == code[17]


def normalise_id_number(doc_type: str, number: str) -> str:
    """Return an ID number as stored: full-width forms folded, spaces removed, upper case.

    An ``other`` document is free-form: only its outer spaces go, its spelling stays.
    """
    folded = unicodedata.normalize("NFKC", number)
    if doc_type == "other":
        return folded.strip()
    return _SPACES.sub("", folded).upper()


def _number_problem(doc_type: str, number: str) -> str | None:
    """Return what is wrong with a normalised number of the document type, or None."""
    if doc_type == "resident_id":
        if _RESIDENT_ID.fullmatch(number) and _valid_id18(number):
            return None
        return "applicant.bad_resident_id"
    if doc_type == "credit_code":
        return None if is_credit_code(number) else "applicant.bad_credit_code"
    if doc_type == "foreign_permanent_residence":
        if _PERMANENT_RESIDENCE_2017.fullmatch(number) or (
            number.startswith("9") and _RESIDENT_ID.fullmatch(number) and _valid_id18(number)
        ):
            return None
        return "applicant.bad_permanent_residence_id"
    if doc_type == "other":
        if len(number) > _OTHER_MAX_LENGTH or text_problem(number):
            return "applicant.bad_id_number"
        return None
    return None if _TRAVEL_DOCUMENT.fullmatch(number) else "applicant.bad_id_number"


def check_id_number(doc_type: str, number: str, *, applicant_type: str | None = None) -> str | None:
    """Return the code of what is wrong with an identity document's number, or None if it is fine.

    The number is normalised first (:func:`normalise_id_number`). Given the applicant type, the
    document must be one that type may use: a natural person not a credit code, an organisation
    a credit code or another document.
    """
    if doc_type not in ID_DOCUMENT_TYPES:
        return "applicant.unknown_id_type"
    if applicant_type is not None:
        allowed = ID_DOCUMENTS_OF.get(applicant_type)
        if allowed is None:
            return "applicant.unknown_type"
        if doc_type not in allowed:
            return f"applicant.id_type_not_for_{applicant_type}"
    normalised = normalise_id_number(doc_type, number)
    if not normalised:
        return "applicant.id_number_missing"
    return _number_problem(doc_type, normalised)
