"""Plain read-only views the engine hands to its callers (no ORM objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DeploymentResult:
    """What a deploy call did."""

    definition_id: int
    content_hash: str
    process_ids: tuple[str, ...]
    created: bool


@dataclass(frozen=True)
class UserView:
    """A user and the roles he holds."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    department: str | None = None


@dataclass(frozen=True)
class TaskView:
    """A ready user task as an inbox shows it."""

    task_id: str
    instance_id: int
    process_id: str
    element_id: str
    name: str
    role: str
    form: str
    claimed_by: str | None
    created_at: str
    due_at: str | None
    instance_version: int
    overdue: bool = False
    reminded_at: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class InstanceView:
    """A process instance: status, version, data and what it waits for."""

    id: int
    process_id: str
    definition_id: int
    content_hash: str
    status: str
    version: int
    started_by: str | None
    started_at: str
    updated_at: str
    completed_at: str | None
    data: dict[str, Any]
    ready_tasks: tuple[TaskView, ...] = field(default=())


@dataclass(frozen=True)
class EventView:
    """One event of an instance's history."""

    seq: int
    type: str
    actor: str | None
    at: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class TickResult:
    """What one ``tick`` did: instances looked at and timers fired."""

    instances: int
    timers_fired: int
    failures: tuple[str, ...] = ()


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
    full: bool = True


@dataclass(frozen=True)
class TaskFormView:
    """What a task page needs: the task, its form's current values and the case data."""

    task: TaskView
    values: dict[str, Any]
    data: dict[str, Any]
    last_return: EventView | None


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
class ApprovalSheet:
    """The approval sheet (审签单) of a document instance."""

    instance_id: int
    status: str
    data: dict[str, Any]
    document: DocumentView | None
    entries: tuple[SheetEntry, ...]
    reviews: tuple[ReviewRecordView, ...] = ()


@dataclass(frozen=True)
class AttachmentView:
    """A stored attachment, ready to be sent to a browser."""

    id: int
    instance_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes
