"""The catalogue of issued documents and their approval sheets, as each reader may see them."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, literal, or_, select

from ..access import is_id, roles_of
from ..errors import NotFoundError, PermissionDeniedError
from ..presenters import instance_view
from ..store.models import Participant, ProcessInstance, User, WorkItem
from ..store.repository import Repository
from .models import Document, ReviewRecord
from .views import ApprovalSheet, DocumentView, ReviewRecordView, SearchHit, SheetEntry

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: what makes a catalogue entry public: proactive, and published
_PUBLIC = (Document.attribute == "proactive", Document.published_at.is_not(None))


class Catalogue:
    """Issued documents (公文目录), the public list, approval sheets (审签单)."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def list_documents(self, reader: str, status: str | None = None) -> list[DocumentView]:
        """Return the issued documents ``reader`` may see, newest first.

        The office, auditors and admins see every one; anyone else those he
        worked on or may work on now (a department head, those his department
        started), and the published proactive ones as the public sees them.
        """
        policy = self._engine.read_policy
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            where = [Document.status == status] if status else []
            if policy.reads_everything(held):
                return [DocumentView(**row._mapping) for row in _documents(repo, *where)]
            mine = select(Participant.instance_id).where(Participant.username == reader)
            tasks = select(WorkItem.instance_id).where(WorkItem.role.in_(sorted(held)))
            involved = [Document.instance_id.in_(mine), Document.instance_id.in_(tasks)]
            if policy.heads_a_department(held) and (department := repo.department(reader)):
                colleagues = (
                    select(ProcessInstance.id)
                    .join(User, User.username == ProcessInstance.started_by)
                    .where(User.department == department)
                )
                involved.append(Document.instance_id.in_(colleagues))
            rows = _documents(repo, *where, or_(*involved, and_(*_PUBLIC)))
            readable = {
                r.instance_id for r in rows if policy.may_read(repo, reader, held, r.instance_id)
            }
        return [
            DocumentView(**row._mapping) if row.instance_id in readable else _public_view(row)
            for row in rows
            if row.instance_id in readable or _is_public(row)
        ]

    def search_for_request(self, text: str, reader: str, limit: int = 10) -> list[SearchHit]:
        """Return the issued documents that match a request's words best (the first place to look).

        For a request's handlers, the registrars and those who read every
        instance: number, title, attribute and whether and where it is
        published; never the text of a document that is not public.
        """
        policy = self._engine.read_policy
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not (held & {"handler", "registrar"} or policy.reads_everything(held)):
                raise PermissionDeniedError("read.refused")
            pieces = search_pieces(text)
            if not pieces:
                return []
            score = sum(
                (
                    case((Document.title.contains(p, autoescape=True), 3), else_=0)
                    + case((Document.official_text.contains(p, autoescape=True), 1), else_=0)
                    for p in pieces
                ),
                start=literal(0),
            )
            query = (
                select(
                    Document.id,
                    Document.number,
                    Document.title,
                    Document.attribute,
                    Document.published_at,
                    Document.publication_url,
                    score.label("score"),
                )
                .where(score > 0)
                .order_by(score.desc(), Document.issued_at.desc())
                .limit(limit)
            )
            rows = repo.connection.execute(query).all()
        return [SearchHit(*row) for row in rows]

    def public_documents(self) -> list[DocumentView]:
        """Return the published proactive documents (主动公开), for everyone to read."""
        with self._engine.store.read() as repo:
            rows = _documents(repo, *_PUBLIC, by=Document.published_at)
        return [_public_view(row) for row in rows]

    def public_document(self, document_id: int) -> DocumentView:
        """Return one published proactive document, as the public may read it."""
        if not is_id(document_id):
            raise NotFoundError("document.not_published", document=document_id)
        with self._engine.store.read() as repo:
            rows = _documents(repo, Document.id == document_id, *_PUBLIC)
        if not rows:
            raise NotFoundError("document.not_published", document=document_id)
        return _public_view(rows[0])

    def get_document(self, document_id: int, reader: str) -> DocumentView:
        """Return one catalogue entry, whole if ``reader`` may read its instance.

        A reader who may not gets the published, de-identified version of a
        published proactive document, and a refusal for anything else.
        """
        policy = self._engine.read_policy
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            rows = _documents(repo, Document.id == document_id) if is_id(document_id) else []
            row = rows[0] if rows else None
            if row is not None and policy.may_read(repo, reader, held, row.instance_id):
                return DocumentView(**row._mapping)
        if row is not None and _is_public(row):
            return _public_view(row)
        raise policy.refused(held, row is None)

    def approval_sheet(self, instance_id: int, reader: str) -> ApprovalSheet:
        """Return the approval sheet (审签单): attribute, reasons, every opinion, name, time."""
        engine = self._engine
        with engine.store.read() as repo:
            instance = engine.read_policy.readable_instance(repo, reader, instance_id)
            compiled = engine.compiled(repo.connection, instance.definition_id)
            events = repo.events_of(instance_id)
            names = engine.users.display_names(repo.connection)
            document = repo.connection.execute(
                select(Document.__table__).where(Document.instance_id == instance_id)
            ).first()
            records = repo.connection.execute(
                select(ReviewRecord.__table__)
                .where(ReviewRecord.instance_id == instance_id)
                .order_by(ReviewRecord.id)
            ).all()
        workflow = engine.live_workflow(instance, compiled, keep_cached=True)
        view = instance_view(instance, compiled, workflow, ())
        entries = tuple(
            sheet_entry(e.type, e.actor, e.at, e.data, names)
            for e in events
            if e.type in ("task_completed", "sent_back")
        )
        doc = DocumentView(**document._mapping) if document is not None else None
        reviews = tuple(review_record_view(r, names) for r in records)
        return ApprovalSheet(instance_id, instance.status, view.data, doc, entries, reviews)


#: the most two-character pieces of a query that are looked for
_MAX_PIECES = 12


def search_pieces(text: str) -> list[str]:
    """Cut a query into the pieces a Chinese text is matched by.

    Chinese has no spaces between words, so a run of Chinese characters is
    found by its overlapping pairs (bigrams), as trigram indexes do; a run of
    Latin letters or digits (a year, a number) is one piece.
    """
    pieces: list[str] = []
    for run in _RUNS.findall(text):
        chinese = not run.isascii()
        grams = [run[i : i + 2] for i in range(len(run) - 1)] if chinese and len(run) > 2 else [run]
        pieces += [g for g in grams if g not in pieces and (chinese or len(g) > 1)]
    return pieces[:_MAX_PIECES]


#: runs of Chinese characters, and of Latin letters and digits
_RUNS = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")


def _documents(repo: Repository, *where: Any, by: Any = Document.issued_at) -> list[Any]:
    query = select(Document.__table__).where(*where).order_by(by.desc(), Document.id.desc())
    return list(repo.connection.execute(query).all())


def _is_public(row: Any) -> bool:
    return row.attribute == "proactive" and row.published_at is not None


def _public_view(row: Any) -> DocumentView:
    # The public sees the reviewed, de-identified title and text only: the
    # original never leaves the engine through this door.
    return dataclasses.replace(
        DocumentView(**row._mapping),
        title=row.disclosed_title or "",
        official_text=row.disclosed_text or "",
        attachments=None,
        drafter=None,
        published_by=None,
        reviewed_by=None,
        review_conclusion=None,
        review_record_id=None,
        full=False,
    )


def sheet_entry(
    kind: str, actor: str | None, at: str, data: dict[str, Any], names: dict[str, str]
) -> SheetEntry:
    """Return an event as a line of the approval sheet."""
    submitted = data.get("data", {})
    if kind == "sent_back":
        kind = "returned" if data.get("automatic") else "sent_back"
    return SheetEntry(
        at=at,
        actor=actor,
        actor_name=names.get(actor or "", actor),
        step=data.get("name", ""),
        element_id=data.get("element_id", ""),
        kind=kind,
        decision=submitted.get("decision") or submitted.get("review_conclusion"),
        comment=submitted.get("comment") or submitted.get("review_basis") or data.get("comment"),
        reasons=tuple(data.get("reasons", ())),
        changes=data.get("changes", {}),
        step_labels=data.get("labels"),
    )


def review_record_view(row: Any, names: dict[str, str]) -> ReviewRecordView:
    """Return the view of a review record row."""
    return ReviewRecordView(
        id=row.id,
        item_kind=row.item_kind,
        item_ref=row.item_ref,
        conclusion=row.conclusion,
        basis=row.basis,
        exemption=row.exemption,
        exemption_reason=row.exemption_reason,
        reviewer=row.reviewer,
        reviewer_name=names.get(row.reviewer, row.reviewer),
        reviewed_at=row.reviewed_at,
        content_hash=row.content_hash,
        redactions=len(row.redactions),
        follows_id=row.follows_id,
        referral_reference=row.referral_reference,
    )
