"""The disclosure domain's tables: the catalogue of documents, their numbers, reviews, calendar."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base


class Document(Base):
    """An issued document (公文) in the catalogue: number, attribute, status."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    doc_type: Mapped[str] = mapped_column(String(16))
    attribute: Mapped[str] = mapped_column(String(16))
    official_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    drafter: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[str] = mapped_column(String(40))
    publish_due_at: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[str | None] = mapped_column(String(40))
    published_by: Mapped[str | None] = mapped_column(String(64))
    publication_channel: Mapped[str | None] = mapped_column(String(32))
    publication_url: Mapped[str | None] = mapped_column(String(500))
    interpretation_due_at: Mapped[str | None] = mapped_column(String(40))
    interpretation_at: Mapped[str | None] = mapped_column(String(40))
    interpretation_title: Mapped[str | None] = mapped_column(String(200))
    interpretation_url: Mapped[str | None] = mapped_column(String(500))
    review_conclusion: Mapped[str | None] = mapped_column(String(24))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[str | None] = mapped_column(String(40))
    review_record_id: Mapped[int | None] = mapped_column(ForeignKey("review_records.id"))
    disclosed_title: Mapped[str | None] = mapped_column(String(200))
    disclosed_text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    publish_due_provisional: Mapped[bool] = mapped_column(default=False)
    interpretation_due_provisional: Mapped[bool] = mapped_column(default=False)
    #: the China day a normative document was repealed (废止), and why
    repealed_on: Mapped[str | None] = mapped_column(String(10))
    repeal_reason: Mapped[str | None] = mapped_column(Text)
    #: the drafting fields of the approval sheet (发文稿纸), as they stood at issue
    urgency: Mapped[str | None] = mapped_column(String(8))
    main_recipients: Mapped[str | None] = mapped_column(Text)
    copied_to: Mapped[str | None] = mapped_column(Text)
    copies: Mapped[int | None] = mapped_column(Integer)
    drafting_unit: Mapped[str | None] = mapped_column(String(64))
    #: the agency in the red header (发文机关), as its profile named it at issue
    issuing_authority: Mapped[str | None] = mapped_column(String(200))
    #: a policy document's interpretation plan, approved with it (解读方案一并报批)
    interpretation_plan: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("prefix", "year", "sequence", name="uq_documents_prefix_year_sequence"),
        Index("ix_documents_status", "status"),
        # what the lists filter and sort on (migration 0013, which also adds the
        # full-text indexes: FTS5 ``documents_fts`` on SQLite, pg_trgm on PostgreSQL)
        Index("ix_documents_attribute_published", "attribute", "published_at", "id"),
        Index("ix_documents_attribute_year_published", "attribute", "year", "published_at", "id"),
        Index(
            "ix_documents_attribute_type_published", "attribute", "doc_type", "published_at", "id"
        ),
        Index("ix_documents_issued", "issued_at", "id"),
        Index("ix_documents_year_issued", "year", "issued_at", "id"),
        Index("ix_documents_attribute_issued", "attribute", "issued_at", "id"),
        Index("ix_documents_type_issued", "doc_type", "issued_at", "id"),
        Index("ix_documents_drafter", "drafter"),
        Index("ix_documents_interpretation_url", "interpretation_url"),
        # oversight counts a period's deadlines (migration 0014)
        Index("ix_documents_publish_due_at", "publish_due_at"),
        Index("ix_documents_interpretation_due_at", "interpretation_due_at"),
    )


class ProvisionalDeadline(Base):
    """A deadline computed without the official schedule of its year, to recompute later."""

    __tablename__ = "provisional_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    document_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        UniqueConstraint("instance_id", "kind", name="uq_provisional_deadlines_instance_kind"),
    )


class NumberSequence(Base):
    """The last document number used per prefix and year (文号), never reused or skipped."""

    __tablename__ = "number_sequences"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class CalendarDay(Base):
    """An official holiday or adjusted working day loaded by the admin (节假日安排)."""

    __tablename__ = "calendar_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    working: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(64))
    loaded_by: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[str] = mapped_column(String(40))


class ReviewRecord(Base):
    """One confidentiality review of one item (审查记录), immutable once written.

    谁审查谁负责: the reviewer, time, conclusion, basis, the exact content
    reviewed (and its hash) and the redactions applied.  A correction is a
    new record; database triggers refuse UPDATE and DELETE.
    """

    __tablename__ = "review_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    item_kind: Mapped[str] = mapped_column(String(24))
    item_ref: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    disclosed_text: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    conclusion: Mapped[str] = mapped_column(String(24))
    basis: Mapped[str] = mapped_column(Text)
    exemption: Mapped[str] = mapped_column(String(24))
    exemption_reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[str] = mapped_column(String(40))
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("review_records.id"))
    referral_reference: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_review_records_item", "item_kind", "item_ref"),
        Index("ix_review_records_reviewed_at", "reviewed_at"),
    )


class DisclosureRequest(Base):
    """A request for information (依申请公开): who asks, for what, and where it stands.

    The applicant's personal data lives here and nowhere else: the workflow's
    data, its history and the catalogue hold only the request's id, so that
    only the registrar and the request's handlers read who the applicant is.
    """

    __tablename__ = "disclosure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    #: what the applicant quotes on the status page: random, so it cannot be guessed
    tracking_number: Mapped[str] = mapped_column(String(32), unique=True)
    #: the office's own running number (受理编号), printed on the reply letter
    file_number: Mapped[str] = mapped_column(String(64), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[str] = mapped_column(String(10))
    received_by: Mapped[str | None] = mapped_column(String(64))
    applicant_type: Mapped[str] = mapped_column(String(16))
    organisation_kind: Mapped[str | None] = mapped_column(String(24))
    applicant_name: Mapped[str] = mapped_column(String(200))
    id_type: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    document_hint: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    preferred_form: Mapped[str] = mapped_column(String(24))
    delivery: Mapped[str] = mapped_column(String(24))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    status: Mapped[str] = mapped_column(String(24))
    department: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[str | None] = mapped_column(String(10))
    due_provisional: Mapped[bool] = mapped_column(default=False)
    paused: Mapped[str | None] = mapped_column(String(24))
    #: the one extension (Art. 33), told to the applicant on the status page
    extension_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: a scan of the identity document, kept here with the rest of the personal data
    #: (not among the workflow's attachments, which whoever reads the instance may open)
    id_scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_scan_name: Mapped[str | None] = mapped_column(String(255))
    id_scan_type: Mapped[str | None] = mapped_column(String(64))
    fee_method: Mapped[str | None] = mapped_column(String(16))
    fee_yuan: Mapped[int | None] = mapped_column(Integer)
    #: while the request waits on its applicant: what he is asked (a correction, a fee) and
    #: by when, for his status page
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reply_type: Mapped[str | None] = mapped_column(String(48))
    #: the information item the reply gave out ("document:<id>"), counted for Art. 44
    reply_item: Mapped[str | None] = mapped_column(String(100))
    reply_letter: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    replied_at: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))
    #: the one-time key of the form that filed it: the same form sent twice is one request
    submission: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_disclosure_requests_status", "status"),
        Index("ux_disclosure_requests_submission", "submission", unique=True),
        Index("ix_disclosure_requests_applicant", "id_type", "id_number", "received_on"),
        Index("ix_disclosure_requests_reply_item", "reply_item"),
        Index("ix_disclosure_requests_due_on", "due_on"),
    )


class ProactiveProposal(Base):
    """A proposal to disclose proactively what several applicants were given (Art. 44)."""

    __tablename__ = "proactive_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(100), unique=True)
    applicants: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))


class PublicAttempt(Base):
    """A counted attempt on the public pages (a request sent, a wrong query code): throttling."""

    __tablename__ = "public_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_public_attempts_key_at", "key", "at"),)


class AgencyRecord(Base):
    """The agency profile every reply letter states (机关信息): one row, kept by the admin."""

    __tablename__ = "agency_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(6))
    phone: Mapped[str] = mapped_column(String(40))
    reconsideration_body: Mapped[str] = mapped_column(String(200))
    court: Mapped[str] = mapped_column(String(200))
    reconsideration_days: Mapped[int] = mapped_column(Integer)
    litigation_months: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(40))


class AppealCase(Base):
    """A 行政复议 or 行政诉讼 case the office is party to, counted in the annual report."""

    __tablename__ = "appeal_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    #: the China day it was filed (YYYY-MM-DD)
    filed_on: Mapped[str] = mapped_column(String(10))
    #: upheld, corrected or other; None while pending
    result: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[str | None] = mapped_column(String(10))
    request_file_number: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[str] = mapped_column(String(40))
    #: the one-time key of the form that recorded it: the same form sent twice is one case
    submission: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_appeal_cases_filed_on", "filed_on"),
        Index("ux_appeal_cases_submission", "submission", unique=True),
    )


class CatalogueEntry(Base):
    """An entry (目录事项) of the basic catalogue of proactive disclosure (主动公开基本目录).

    Seed 七(一): by field (领域) and by the "five disclosures" (五公开), with its owner
    department, content, time limit and manner. The time limit is kept computable
    (``limit_kind`` and its numbers); ``next_due_on`` is the China day by which the next
    publication is due, recomputed on every change, so that overdue is a comparison in SQL.
    """

    __tablename__ = "catalogue_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the field (领域), e.g. 财政预决算
    area: Mapped[str] = mapped_column(String(64))
    #: one of the five disclosures (决策、执行、管理、服务、结果公开)
    category: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: working_days (after the information is formed or changed), yearly, quarterly, monthly
    limit_kind: Mapped[str] = mapped_column(String(16))
    limit_days: Mapped[int | None] = mapped_column(Integer)
    limit_month: Mapped[int | None] = mapped_column(Integer)
    limit_day: Mapped[int | None] = mapped_column(Integer)
    manners: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: the China day the information was last formed or changed (a working-days limit)
    formed_on: Mapped[str | None] = mapped_column(String(10))
    #: the China day the current time limit applies from
    rule_since: Mapped[str] = mapped_column(String(10))
    next_due_on: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        Index("ix_catalogue_entries_area", "area", "id"),
        Index("ix_catalogue_entries_department_due", "department", "next_due_on"),
    )


class CatalogueChange(Base):
    """One change of a catalogue entry: who, when, what, old and new value."""

    __tablename__ = "catalogue_entry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("catalogue_entries.id"))
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    #: created, edited, retired, restored, formed, filed, unfiled
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_catalogue_entry_changes_entry", "entry_id", "id"),)


class CatalogueFiling(Base):
    """A published proactive document filed under a catalogue entry (归入目录)."""

    __tablename__ = "catalogue_filings"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("catalogue_entries.id"))
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_catalogue_filings_entry", "entry_id"),)
