"""The forms of the disclosure workflows: drafts, reviews, publication (the domain's schemas)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ..errors import Problem
from ..forms import (
    PROMPT,
    REQUIRED,
    TOO_LONG,
    FormSchema,
    IdentifierString,
    TrimmedString,
    choice,
    non_blank,
    optional_text,
    optional_url,
)
from .documents import ATTRIBUTES, DOC_TYPES, URGENCIES, WITHHELD_BASES
from .review import CONCLUSIONS, DISCLOSING, EXEMPTIONS


class SimpleDraftForm(FormSchema):
    """Draft of the simple approval process: a title and a text."""

    title = non_blank("标题", "Title", 200)
    body = TrimmedString(
        load_default="",
        validate=validate.Length(max=20000, error=TOO_LONG),
        metadata={"label": "正文", "label_en": "Body", "widget": "textarea"},
    )


#: approve or send back: the decisions of every review step
DECISIONS = {"approve": ("同意", "Approve"), "send_back": ("退回", "Send back")}
_NO_ATTRIBUTE = ("（未定）", "(none yet)")
_NO_BASIS = ("（不适用）", "(not applicable)")


def reason_field() -> TrimmedString:
    """Return the field giving the reason for a disclosure attribute."""
    return optional_text("属性理由", "Reason for the attribute", 2000, widget="textarea")


def basis_field() -> fields.String:
    """Return the field naming the legal basis for withholding (条例 Art. 14-16)."""
    return choice(
        "不予公开的法律依据",
        "Legal basis for withholding",
        WITHHELD_BASES,
        required=False,
        blank=_NO_BASIS,
    )


class ReviewDecisionForm(FormSchema):
    """A reviewer's decision: approve, or send back with a comment saying why.

    Whoever gets the work back reads why there.  Subclasses name the
    ``decision`` field as their step calls it.
    """

    decision = choice("审核意见", "Decision", DECISIONS, opinion=True)
    comment = optional_text("意见说明", "Comment", 2000, widget="textarea", opinion=True)

    @validates_schema(skip_on_field_errors=False)
    def _send_back_has_comment(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("decision") == "send_back" and not data.get("comment"):
            raise ValidationError(Problem("review.send_back_needs_comment"), "comment")


#: the most copies a document is printed in (印发份数)
MAX_COPIES = 100_000


class CopiesField(fields.Field[int | None]):
    """The number of copies printed (印发份数): a positive whole number, or none stated."""

    def __init__(self, **kwargs: Any) -> None:
        """Make the field optional ('' or nothing: none stated)."""
        super().__init__(load_default=None, allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | None:
        problem = Problem("document.copies", {"max": MAX_COPIES})
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.isdecimal() or len(value) > 6:
                raise ValidationError(problem)
            value = int(value)  # full-width digits count as the digits they are
        # true is not 1 and 2.0 is not 2: neither is a count a clerk writes
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(problem)
        if not 1 <= value <= MAX_COPIES:
            raise ValidationError(problem)
        return value


class DocumentDraftForm(FormSchema):
    """A draft document (公文) with its proposed disclosure attribute.

    Besides the text, the drafter fills in the approval sheet's drafting
    fields (发文稿纸: urgency, recipients, copies) and, for a policy
    document, its interpretation plan (解读方案), approved along with it.
    """

    FILE_FIELDS = {"attachment": ("附件（PDF、DOCX 或 OFD）", "Attachment (PDF, DOCX or OFD)")}  # noqa: RUF012

    title = non_blank("标题", "Title", 200)
    doc_type = choice("文件类型", "Document type", DOC_TYPES)
    urgency = fields.String(
        load_default="",
        validate=validate.OneOf(["", *URGENCIES], error=Problem("document.urgency")),
        metadata={
            "label": "紧急程度",
            "label_en": "Urgency",
            "choices": URGENCIES,
            "blank": ("（不标注）", "(none)"),
        },
    )
    main_recipients = optional_text("主送机关", "Main recipients", 500)
    body = non_blank("正文", "Body", 50000, widget="textarea")
    interpretation_plan = optional_text(
        "解读方案（政策性文件须一并报批）",
        "Interpretation plan (a policy document is approved with it)",
        20000,
        widget="textarea",
    )
    copied_to = optional_text("抄送机关", "Copied to", 500)
    copies = CopiesField(metadata={"label": "印发份数", "label_en": "Copies printed"})
    # Saving a draft without it is fine; submitting one is returned (退文) by the rules.
    attribute = choice(
        "公开属性",
        "Disclosure attribute",
        ATTRIBUTES,
        required=False,
        blank=_NO_ATTRIBUTE,
        hint="保存草稿时可暂不选择；提交前须选定，未标明公开属性的草稿将被自动退回。",
        hint_en="You may save the draft without one; choose one before submitting, "
        "as a draft with none is returned automatically.",
    )
    attribute_reason = reason_field()
    withheld_basis = basis_field()
    government_draft = fields.Boolean(
        load_default=False,
        metadata={
            "label": "政府政策性文件代拟稿",
            "label_en": "Policy draft written on the government's behalf",
            "widget": "checkbox",
        },
    )


class DocumentReviewForm(ReviewDecisionForm):
    """A reviewer's opinion on a draft; he may change its attribute, with reasons."""

    attribute = choice("公开属性", "Disclosure attribute", ATTRIBUTES)
    attribute_reason = reason_field()
    withheld_basis = basis_field()

    @validates_schema(skip_on_field_errors=False)
    def _withheld_has_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("attribute") != "withheld":
            return
        errors = {}
        if not data.get("attribute_reason"):
            errors["attribute_reason"] = [Problem("document.withheld_needs_reason")]
        if not data.get("withheld_basis"):
            errors["withheld_basis"] = [Problem("document.withheld_needs_basis")]
        if errors:
            raise ValidationError(errors)


class DocumentSignOffForm(DocumentReviewForm):
    """The leader's sign-off (签发): he signs or sends back, and may change the attribute too."""

    decision = choice("签发意见", "Decision", DECISIONS, opinion=True)


class OfficeReviewForm(DocumentReviewForm):
    """The office's review: checks the attribute and sets the number prefix (文号前缀)."""

    number_prefix = IdentifierString(
        required=True,
        validate=[
            validate.Length(min=1, error=Problem("form.empty")),
            validate.Length(max=32, error=TOO_LONG),
            # The year and the sequence are the number's own: 威政办发 gives 威政办发〔2026〕12号.
            validate.Regexp(r"^[\u3400-\u9fff]+$", error=Problem("document.prefix_shape")),
        ],
        error_messages=REQUIRED,
        metadata={
            "label": "文号前缀",
            "label_en": "Document number prefix",
            "default": "威政办发",
            "hint": "发文机关代字，如“威政办发”；年份和序号在签发时编入（威政办发〔2026〕12号）。",
            "hint_en": "The issuing office's code, e.g. 威政办发; the year and sequence number "
            "are added when the document is signed (威政办发〔2026〕12号).",
        },
    )


def findings_field(*, opinion: bool) -> fields.List[str]:
    """Return the field listing the found personal information to hide (finding ids)."""
    return fields.List(
        fields.String(),
        load_default=list,
        metadata={
            "label": "确认去标识化的个人信息",
            "label_en": "Personal information to de-identify",
            "widget": "findings",
            "opinion": opinion,
        },
    )


def passages_field(*, opinion: bool) -> TrimmedString:
    """Return the field of passages a reviewer hides by hand, one per line."""
    return optional_text(
        "另行遮盖的内容（每行一处）",
        "Further passages to hide (one per line)",
        2000,
        widget="textarea",
        opinion=opinion,
    )


class RedactionForm(FormSchema):
    """A form that decides what of one item to hide (去标识化) and concludes on it."""

    CONCLUSION_FIELD = ""

    @validates_schema(skip_on_field_errors=False)
    def _redactions_fit_the_conclusion(self, data: dict[str, Any], **_: Any) -> None:
        conclusion = data.get(self.CONCLUSION_FIELD)
        hides = bool(data.get("confirmed_findings") or (data.get("manual_passages") or "").strip())
        exempt = bool(data.get("exemption"))
        if exempt and conclusion == "disclose_redacted":
            raise ValidationError(Problem("review.exempt_disclosed_whole"), self.CONCLUSION_FIELD)
        if conclusion == "disclose_redacted" and not hides:
            raise ValidationError(Problem("review.nothing_hidden"), "confirmed_findings")
        if conclusion == "disclose" and hides and not exempt:
            raise ValidationError(Problem("review.confirmed_must_be_hidden"), self.CONCLUSION_FIELD)

    def check_against_case(
        self, data: dict[str, Any], case: dict[str, Any]
    ) -> dict[str, list[Problem]]:
        """Refuse findings that are not in this item, and hand marks its text lacks."""
        item = case.get("review_item") or {"findings": [], "text": ""}
        errors: dict[str, list[Problem]] = {}
        known = {f["id"] for f in item["findings"]}
        unknown = [f for f in data.get("confirmed_findings") or [] if f not in known]
        if unknown:
            errors["confirmed_findings"] = [Problem("review.not_in_item", {"ids": unknown})]
        passages = [p.strip() for p in (data.get("manual_passages") or "").splitlines()]
        absent = [p for p in passages if p and p not in item["text"]]
        if absent:
            errors["manual_passages"] = [Problem("review.not_in_text", {"passages": absent})]
        return errors


class ConfidentialityReviewForm(RedactionForm):
    """One confidentiality review of one item (保密审查，先审查后公开，一事一审).

    The reviewer confirms the personal information found (each finding by
    id), may mark more passages by hand, or states why the item is exempt
    from de-identification; then concludes, with a basis where needed.
    """

    CONCLUSION_FIELD = "review_conclusion"

    review_conclusion = choice("审查结论", "Conclusion", CONCLUSIONS, opinion=True)
    review_basis = optional_text("审查依据", "Basis", 2000, widget="textarea", opinion=True)
    confirmed_findings = findings_field(opinion=True)
    manual_passages = passages_field(opinion=True)
    exemption = choice(
        "不作去标识化的情形",
        "Exempt from de-identification",
        EXEMPTIONS,
        required=False,
        blank=("（无）", "(none)"),
        opinion=True,
    )
    exemption_reason = optional_text(
        "豁免理由", "Why it is exempt", 2000, widget="textarea", opinion=True
    )

    @validates_schema(skip_on_field_errors=False)
    def _reasons_given(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("review_conclusion") in ("withhold", "refer") and not data.get("review_basis"):
            errors["review_basis"] = [Problem("review.needs_basis")]
        if data.get("exemption") and not data.get("exemption_reason"):
            errors["exemption_reason"] = [Problem("review.exemption_needs_reason")]
        if errors:
            raise ValidationError(errors)


class ReferralAnswerForm(RedactionForm):
    """The secrecy administration's answer to a referred review (条例第十七条).

    What to hide starts as the referring reviewer chose it (the fields are
    the case's, not an opinion) and may be changed with the answer.
    """

    CONCLUSION_FIELD = "referral_conclusion"

    referral_reference = non_blank("保密行政管理部门复函文号", "Reference of the answer", 64)
    referral_conclusion = choice(
        "确定意见", "Their conclusion", {k: CONCLUSIONS[k] for k in (*DISCLOSING, "withhold")}
    )
    referral_basis = optional_text("依据", "Basis", 2000, widget="textarea")
    confirmed_findings = findings_field(opinion=False)
    manual_passages = passages_field(opinion=False)

    @validates_schema(skip_on_field_errors=False)
    def _withhold_has_basis(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("referral_conclusion") == "withhold" and not data.get("referral_basis"):
            raise ValidationError(Problem("review.needs_basis"), "referral_basis")


_PUBLISH_ACTIONS = {
    "publish": ("发布", "Publish"),
    "review_again": (
        "退回重新审查（内容已变动）",
        "Send back for a new review (the content changed)",
    ),
}


class PublishDocumentForm(FormSchema):
    """The publisher's record of where the document was published, or a call for a new review."""

    publish_action = fields.String(
        load_default="publish",
        validate=validate.OneOf(list(_PUBLISH_ACTIONS), error=Problem("form.not_a_choice")),
        metadata={
            "label": "办理方式",
            "label_en": "Action",
            "choices": _PUBLISH_ACTIONS,
            "opinion": True,
        },
    )
    channel = choice(
        "发布渠道",
        "Channel",
        {
            "website": ("政府网站", "Government website"),
            "gazette": ("政府公报", "Government gazette"),
            "both": ("网站和公报", "Website and gazette"),
        },
        required=False,
        blank=PROMPT,
    )
    url = optional_url("网址", "Web address")

    @validates_schema(skip_on_field_errors=False)
    def _publishing_names_the_channel(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("publish_action", "publish") == "publish" and not data.get("channel"):
            raise ValidationError(Problem("publication.needs_channel"), "channel")


class PublishInterpretationForm(FormSchema):
    """The drafting department's published policy interpretation (政策解读)."""

    interpretation_title = non_blank("解读标题", "Interpretation title", 200)
    interpretation_url = optional_url("解读网址", "Interpretation web address")


FORMS: dict[str, type[FormSchema]] = {
    "simple_draft": SimpleDraftForm,
    "review_decision": ReviewDecisionForm,
    "document_draft": DocumentDraftForm,
    "document_review": DocumentReviewForm,
    "document_sign_off": DocumentSignOffForm,
    "office_review": OfficeReviewForm,
    "confidentiality_review": ConfidentialityReviewForm,
    "referral_answer": ReferralAnswerForm,
    "publish_document": PublishDocumentForm,
    "publish_interpretation": PublishInterpretationForm,
}
