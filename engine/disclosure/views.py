"""What the disclosure domain's read models return: catalogue entries and approval sheets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentView:
    """An issued document as the catalogue shows it.

    ``full`` is false for a reader who may see only what the public sees:
    the published, de-identified title and text.
    """

    id: int
    instance_id: int
    number: str
    prefix: str
    year: int
    sequence: int
    title: str
    doc_type: str
    attribute: str
    status: str
    official_text: str
    drafter: str | None
    issued_at: str
    publish_due_at: str | None
    published_at: str | None
    published_by: str | None
    publication_channel: str | None
    publication_url: str | None
    interpretation_due_at: str | None
    interpretation_at: str | None
    interpretation_title: str | None
    interpretation_url: str | None
    review_conclusion: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    review_record_id: int | None = None
    disclosed_title: str | None = None
    disclosed_text: str | None = None
    attachments: list[dict[str, Any]] | None = None
    publish_due_provisional: bool = False
    interpretation_due_provisional: bool = False
    repealed_on: str | None = None
    repeal_reason: str | None = None
    urgency: str | None = None
    main_recipients: str | None = None
    copied_to: str | None = None
    copies: int | None = None
    drafting_unit: str | None = None
    issuing_authority: str | None = None
    interpretation_plan: str | None = None
    full: bool = True


@dataclass(frozen=True)
class SheetEntry:
    """One line of an approval sheet: who did what, when, with which opinion."""

    at: str
    actor: str | None
    actor_name: str | None
    step: str
    element_id: str
    kind: str
    decision: str | None
    comment: str | None
    reasons: tuple[str, ...]
    changes: dict[str, list[Any]]
    step_labels: dict[str, str] | None = None


@dataclass(frozen=True)
class ReviewRecordView:
    """A confidentiality review record (审查记录) as the approval sheet shows it."""

    id: int
    item_kind: str
    item_ref: str
    conclusion: str
    basis: str
    exemption: str
    exemption_reason: str
    reviewer: str
    reviewer_name: str
    reviewed_at: str
    content_hash: str
    redactions: int
    follows_id: int | None
    referral_reference: str | None


@dataclass(frozen=True)
class SearchHit:
    """A catalogue document that matches a search: enough to cite it, no text."""

    id: int
    number: str
    title: str
    attribute: str
    published_at: str | None
    publication_url: str | None
    score: int


@dataclass(frozen=True)
class ApprovalSheet:
    """The approval sheet (审签单) of a document instance."""

    instance_id: int
    status: str
    data: dict[str, Any]
    document: DocumentView | None
    entries: tuple[SheetEntry, ...]
    reviews: tuple[ReviewRecordView, ...] = ()
