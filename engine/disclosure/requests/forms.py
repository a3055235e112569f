"""The forms of disclosure requests: the applicant's request and each step's task form."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from ...attachments import SCANS
from ...errors import Problem
from ...forms import (
    NEEDED_WHEN_SHOWN,
    PROMPT,
    REQUIRED,
    SHOWN_WHEN,
    FormSchema,
    TrimmedString,
    WholeNumber,
    choice,
    non_blank,
    optional_text,
)
from ..forms import DECISIONS, ReviewDecisionForm
from .applicants import (
    APPLICANT_TYPES,
    DELIVERY_FORMS,
    DELIVERY_METHODS,
    ID_DOCUMENT_TYPES,
    ORGANISATION_KINDS,
    check_id_number,
    normalise_id_number,
)
from .fees import FEE_METHODS
from .replies import REPLY_TYPES

#: a phone number as people write one: digits with +, -, spaces, dots or brackets between,
#: and an extension (转 / 分机 / ext / x) after; e.g. 13912345678, 0631-5201234, +86 (631) 520 1234
_PHONE = re.compile(
    r"(?P<main>\+?[0-9(][0-9 .\-()]*[0-9])"
    r"(?:\s*(?:转|分机|ext\.?|x|#)\s*(?P<extension>[0-9]{1,6}))?",
    re.IGNORECASE,
)
#: an e-mail address: a local part, one @, and a domain of dotted labels with a top level
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def phone_problem(phone: str) -> str | None:
    """Return why a phone number cannot be called (a problem code), or None if it can.

    A Chinese mobile number has 11 digits beginning 13-19; a landline has an
    area code beginning 0 and 7 or 8 digits; a number with + is international
    (at most 15 digits, E.164).
    """
    # Full-width digits and brackets (１３９, （０６３１）) are read as the ASCII ones.
    found = _PHONE.fullmatch(unicodedata.normalize("NFKC", phone).strip())
    if found is None:
        return "request.phone_invalid"
    main = found.group("main")
    if main.count("(") != main.count(")"):
        return "request.phone_invalid"
    digits = re.sub(r"[^0-9]", "", main)
    if main.startswith("+"):
        return None if 7 <= len(digits) <= 15 else "request.phone_invalid"
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return None if digits[1] in "3456789" else "request.phone_invalid"
    if digits.startswith("0"):
        return None if 10 <= len(digits) <= 12 else "request.phone_invalid"
    # a local number without its area code (7 or 8 digits), or a service number (95xxx, 400…)
    return (
        None if 5 <= len(digits) <= 12 and not digits.startswith("1") else "request.phone_invalid"
    )


def email_problem(email: str) -> str | None:
    """Return why an e-mail address cannot be written to (a problem code), or None."""
    if len(email) > 254 or _EMAIL.fullmatch(email) is None:
        return "request.email_invalid"
    return None


def delivery_problem(form: str | None, delivery: str | None) -> str | None:
    """Return why information in ``form`` cannot be had by ``delivery`` (a code), or None.

    An e-mail is sent by e-mail, and nothing else is: paper and a disc or USB
    drive are posted or collected; a fax carries paper only.
    """
    if not form or not delivery:
        return None  # the missing choice is the field's own problem
    if form == "email" and delivery != "email":
        return "request.email_form_by_email"
    if delivery == "email" and form != "email":
        return "request.email_delivery_of_email"
    if delivery == "fax" and form != "paper":
        return "request.fax_of_paper"
    return None


class DaysField(WholeNumber):
    """A whole number of days; a box left empty means the field's default."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value in ("", None) and self.metadata.get("default") is not None:
            return self.metadata["default"]
        return super()._deserialize(value, attr, data, **kwargs)


def _days(
    label: str, label_en: str, low: int, high: int, default: int | None, **metadata: Any
) -> DaysField:
    given: dict[str, Any] = {"load_default": default} if default is not None else {}
    return DaysField(
        **given,
        strict=False,
        error_messages={**REQUIRED, "invalid": Problem("form.whole_number")},
        validate=validate.Range(low, high, error=Problem("form.range")),
        # The page shows the default, so that a form sent untouched takes it.
        metadata={"label": label, "label_en": label_en, "default": default, **metadata},
    )


class DayField(TrimmedString):
    """A calendar day written ``YYYY-MM-DD``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text and self.required:  # a day left blank, not one written wrong
            raise ValidationError(Problem("form.required"))
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(Problem("form.day")) from None


def day_field(label: str, label_en: str, *, required: bool = True) -> DayField:
    """Return a field taking a day (``YYYY-MM-DD``)."""
    extra: dict[str, Any] = {"required": True} if required else {"load_default": ""}
    return DayField(
        **extra,
        error_messages=REQUIRED,
        metadata={"label": label, "label_en": label_en, "widget": "date"},
    )


class RequestForm(FormSchema):
    """What an applicant asks for, and who he is (政府信息公开申请表)."""

    FILE_FIELDS = {  # noqa: RUF012
        "id_scan": (
            "身份证明扫描件（选填；PDF、JPG 或 PNG，不超过 5 MB）",
            "Scan of the identity document (optional; PDF, JPG or PNG, up to 5 MB)",
        )
    }
    FILE_TYPES = {"id_scan": tuple(SCANS)}  # noqa: RUF012

    applicant_type = choice("申请人类型", "Applicant", APPLICANT_TYPES)
    organisation_kind = choice(
        "组织类型",
        "Kind of organisation",
        ORGANISATION_KINDS,
        required=False,
        blank=PROMPT,
        **{SHOWN_WHEN: ("applicant_type", ("organisation",))},
    )
    applicant_name = non_blank("姓名或名称", "Name", 200)
    id_type = choice("证件类型", "Identity document", ID_DOCUMENT_TYPES)
    id_number = non_blank("证件号码", "Document number", 64)
    phone = non_blank("联系电话", "Phone", 40)
    address = optional_text("通信地址", "Postal address", 300)
    email = optional_text("电子邮箱", "E-mail", 200)
    description = non_blank("所需信息的内容描述", "The information wanted", 4000, widget="textarea")
    document_hint = optional_text("文件名称或文号（如知道）", "Document title or number", 300)
    purpose = optional_text("用途（选填）", "Purpose (optional)", 2000, widget="textarea")
    preferred_form = choice("获取信息的载体形式", "Form of the information", DELIVERY_FORMS)
    delivery = choice(
        "获取方式",
        "Delivery",
        DELIVERY_METHODS,
        hint="纸质材料可邮寄、自行领取或传真；电子邮件载体以电子邮件发送；"
        "光盘、U盘可邮寄或自行领取。邮寄须填写通信地址，电子邮件须填写电子邮箱。",
        hint_en="Paper is posted, collected or faxed; an e-mail is sent by e-mail; a disc or "
        "USB drive is posted or collected. Post needs the postal address, e-mail the "
        "e-mail address.",
    )

    @validates_schema(skip_on_field_errors=False)
    def _applicant_is_consistent(self, data: dict[str, Any], **_: Any) -> None:
        # Run beside the fields' own checks, so one post names every problem.
        errors: dict[str, list[Problem]] = {}
        kind = data.get("applicant_type")
        if kind == "organisation" and not data.get("organisation_kind"):
            errors["organisation_kind"] = [Problem("request.organisation_kind")]
        if data.get("id_type") and data.get("id_number"):
            data["id_number"] = normalise_id_number(data["id_type"], data["id_number"])
            code = check_id_number(data["id_type"], data["id_number"], applicant_type=kind)
            if code:
                errors["id_number"] = [Problem(code)]
        if data.get("phone") and (code := phone_problem(data["phone"])):
            errors["phone"] = [Problem(code)]
        if data.get("email") and (code := email_problem(data["email"])):
            errors["email"] = [Problem(code)]
        elif data.get("delivery") == "email" and not data.get("email"):
            errors["email"] = [Problem("request.email_needed")]
        if data.get("delivery") == "mail" and not data.get("address"):
            errors["address"] = [Problem("request.address_needed")]
        if code := delivery_problem(data.get("preferred_form"), data.get("delivery")):
            errors["delivery"] = [Problem(code)]
        if errors:
            raise ValidationError(errors)
        if kind != "organisation":
            data["organisation_kind"] = ""


#: how a request came in: the registrar's channels, and the public form's
CHANNELS = {
    "web": ("网上申请", "Online"),
    "paper": ("当面提交", "In person"),
    "mail": ("信函", "Mail"),
    "fax": ("传真", "Fax"),
}


class RegistrarEntryForm(RequestForm):
    """A request that came on paper, by mail or fax, entered by the registrar with its day."""

    channel = choice("收到方式", "Received by", {k: CHANNELS[k] for k in ("paper", "mail", "fax")})
    received_on = day_field("收到日期", "Received on")


class RequestStartForm(FormSchema):
    """What a request's handling starts with, named for the readers of its history."""

    request_id = WholeNumber(metadata={"label": "申请编号", "label_en": "Request no."})
    file_number = optional_text("登记号", "File number", 64)
    received_on = day_field("收到日期", "Received on")
    channel = choice("收到方式", "Received by", CHANNELS)
    applicant_type = choice("申请人类型", "Applicant", APPLICANT_TYPES)
    organisation_kind = choice(
        "组织类型", "Kind of organisation", ORGANISATION_KINDS, required=False, blank=PROMPT
    )
    title = optional_text("事项", "Case", 200)


_INTAKE = {
    "accept": ("受理，交承办处室办理", "Accept and assign to a department"),
    "correct": ("申请内容不明确，告知补正", "Unclear: ask for a correction"),
}


def _shown_when(field: str, *values: str, needed: bool = False) -> dict[str, Any]:
    """Return the metadata of a field that matters only for these values of ``field``.

    ``needed``: the form's checks require it for them (a page marks it required).
    """
    return {SHOWN_WHEN: (field, values)} | ({NEEDED_WHEN_SHOWN: True} if needed else {})


def _for(*actions: str, needed: bool = False) -> dict[str, Any]:
    """Return the metadata of a handling field that matters only for these actions."""
    return _shown_when("action", *actions, needed=needed)


_FOR_REPLY = _for("reply")
_NEEDED_FOR_REPLY = _for("reply", needed=True)


class RequestCheckForm(FormSchema):
    """The registrar's check of a new request: accept and assign, or ask for a correction."""

    intake_decision = choice("受理意见", "Decision", _INTAKE, opinion=True)
    department = optional_text(
        "承办处室",
        "Handling department",
        64,
        **_shown_when("intake_decision", "accept", needed=True),
    )
    correction_notice = optional_text(
        "补正告知内容",
        "What the applicant must make clear",
        2000,
        widget="textarea",
        **_shown_when("intake_decision", "correct", needed=True),
    )
    correction_days = _days(
        "补正期限（工作日）",
        "Period to answer (working days)",
        1,
        30,
        15,
        **_shown_when("intake_decision", "correct"),
    )

    @validates_schema(skip_on_field_errors=True)
    def _decision_has_what_it_needs(self, data: dict[str, Any], **_: Any) -> None:
        if data["intake_decision"] == "accept" and not data.get("department"):
            raise ValidationError(Problem("request.department_needed"), "department")
        if data["intake_decision"] == "correct" and not data.get("correction_notice"):
            raise ValidationError(Problem("request.notice_needed"), "correction_notice")


class CorrectionReceivedForm(FormSchema):
    """The applicant's correction, as it arrived."""

    corrected_description = non_blank(
        "补正后的内容描述", "The corrected description", 4000, widget="textarea"
    )
    corrected_on = day_field("补正收到日期", "Correction received on")


_ACTIONS = {
    "reply": ("拟定答复", "Draft the reply"),
    "consult_third_party": ("征求第三方意见（第三十二条）", "Consult a third party (Art. 32)"),
    "consult_agency": ("征求其他机关意见", "Ask other agencies"),
    "extend": ("申请延期答复（第三十三条）", "Ask to extend the period (Art. 33)"),
    "fee_notice": ("发出收费通知", "Send a fee notice"),
}


class RequestHandlingForm(FormSchema):
    """The handler's work on a request: investigate, then reply or pause or extend."""

    FILE_FIELDS = {  # noqa: RUF012
        "reply_attachment": (
            "提供的信息（附件：PDF、DOCX 或 OFD，选填）",
            "The information given out (attachment: PDF, DOCX or OFD, optional)",
        )
    }

    findings = optional_text("调查情况", "Findings", 4000, widget="textarea")
    action = choice("办理方式", "Action", _ACTIONS, opinion=True)
    reply_type = choice(
        "答复类型",
        "Reply type",
        {key: (t.zh, t.en) for key, t in REPLY_TYPES.items()},
        required=False,
        blank=PROMPT,
        **_NEEDED_FOR_REPLY,
    )
    reply_text = optional_text(
        "答复内容（提供的信息、获取途径或理由）",
        "The reply (the information, where to find it, or the reasons)",
        20000,
        widget="textarea",
        **_NEEDED_FOR_REPLY,
    )
    disclosed_document = optional_text(
        "所提供公文的文号（如答复提供了公文目录中的公文）",
        "Number of the catalogue document given out, if any",
        64,
        **_FOR_REPLY,
    )
    consulted = optional_text(
        "征求意见对象",
        "Whom to consult",
        300,
        **_for("consult_third_party", "consult_agency", needed=True),
    )
    extension_days = _days(
        "延长期限（工作日）", "Extension (working days)", 1, 20, 20, **_for("extend")
    )
    extension_reason = optional_text(
        "延期理由", "Reason for the extension", 2000, **_for("extend", needed=True)
    )
    fee_method = choice(
        "收费方式",
        "Fee method",
        FEE_METHODS,
        required=False,
        blank=("（不适用）", "(n/a)"),
        **_for("fee_notice", needed=True),
    )
    fee_pages = _days("页数（按量计收）", "Pages (by volume)", 1, 100000, 1, **_for("fee_notice"))

    @validates_schema(skip_on_field_errors=True)
    def _action_has_what_it_needs(self, data: dict[str, Any], **_: Any) -> None:
        action = data["action"]
        if action == "reply":
            if not data.get("reply_type"):
                raise ValidationError(Problem("request.reply_type_needed"), "reply_type")
            if not data.get("reply_text"):
                raise ValidationError(Problem("request.reply_text_needed"), "reply_text")
        if action.startswith("consult") and not data.get("consulted"):
            raise ValidationError(Problem("request.consulted_needed"), "consulted")
        if action == "extend" and not data.get("extension_reason"):
            raise ValidationError(Problem("request.extension_reason"), "extension_reason")
        if action == "fee_notice" and not data.get("fee_method"):
            raise ValidationError(Problem("request.fee_method_needed"), "fee_method")

    def check_against_case(
        self, data: dict[str, Any], case: dict[str, Any]
    ) -> dict[str, list[Problem]]:
        """Refuse a second extension at once: the period is extended once only (Art. 33)."""
        if data.get("action") == "extend" and (case.get("clock") or {}).get("extension_days"):
            return {"action": [Problem("clock.extension_used")]}
        return {}


class OpinionReceivedForm(FormSchema):
    """The opinion of the third party or agency consulted, as it arrived."""

    opinion = non_blank("意见内容", "The opinion", 4000, widget="textarea")
    opinion_on = day_field("收到日期", "Received on")


class ExtensionDecisionForm(FormSchema):
    """The office head's decision on extending the reply period (Art. 33)."""

    extension_decision = choice(
        "延期审批",
        "Decision",
        {"approve": ("同意延期", "Approve"), "refuse": ("不同意", "Refuse")},
        opinion=True,
    )
    comment = optional_text("意见说明", "Comment", 2000, widget="textarea", opinion=True)


class FeePaymentForm(FormSchema):
    """Whether the applicant paid the fee, or the office waived it (with the reason)."""

    payment = choice(
        "缴费情况",
        "Payment",
        {"paid": ("已缴费", "Paid"), "waived": ("减免（须说明理由）", "Waived (give the reason)")},
        opinion=True,
    )
    waiver_reason = optional_text(
        "减免理由",
        "Reason for the waiver",
        2000,
        opinion=True,
        **_shown_when("payment", "waived", needed=True),
    )

    @validates_schema(skip_on_field_errors=True)
    def _waiver_has_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data["payment"] == "waived" and not data.get("waiver_reason"):
            raise ValidationError(Problem("request.waiver_reason"), "waiver_reason")


class ReplySignOffForm(ReviewDecisionForm):
    """The office head signs the reply, or sends it back to the handler (saying why)."""

    decision = choice("签发意见", "Decision", DECISIONS, opinion=True)


class ProactiveProposalForm(FormSchema):
    """The office's decision on disclosing proactively what several applicants asked for."""

    proposal_decision = choice(
        "是否转为主动公开",
        "Disclose proactively?",
        {
            "accept": ("转为主动公开（经保密审查后发布）", "Yes: review, then publish"),
            "decline": ("不转为主动公开", "No"),
        },
        opinion=True,
    )
    comment = optional_text("理由", "Reason", 2000, widget="textarea", opinion=True)

    @validates_schema(skip_on_field_errors=True)
    def _declining_says_why(self, data: dict[str, Any], **_: Any) -> None:
        if data["proposal_decision"] == "decline" and not data.get("comment"):
            raise ValidationError(Problem("request.decline_reason"), "comment")


FORMS: dict[str, type[FormSchema]] = {
    "request_start": RequestStartForm,
    "request_check": RequestCheckForm,
    "correction_received": CorrectionReceivedForm,
    "request_handling": RequestHandlingForm,
    "opinion_received": OpinionReceivedForm,
    "extension_decision": ExtensionDecisionForm,
    "fee_payment": FeePaymentForm,
    "reply_sign_off": ReplySignOffForm,
    "proactive_proposal": ProactiveProposalForm,
}
