"""The catalogue of issued documents and their approval sheets, as each reader may see them."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, exists, false, literal, not_, or_, select, true

from ..access import ANYONE, is_id, roles_of
from ..errors import FormValidationError, NotFoundError, PermissionDeniedError, Problem
from ..presenters import instance_view
from ..queries import DONE_EVENTS
from ..store.models import Department, Participant, ProcessInstance, User, WorkItem
from ..store.repository import Repository
from . import search
from .models import Document, ReviewRecord
from .search import (
    CATALOGUE_PAGE,
    PUBLIC_PAGE,
    DocumentPage,
    DocumentQuery,
    Hit,
    PublicDocument,
)
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
                colleagues = select(ProcessInstance.id).where(
                    ProcessInstance.department == department
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

    def search(
        self, reader: str, query: DocumentQuery, limit: int = CATALOGUE_PAGE
    ) -> DocumentPage:
        """Return a page of the catalogue ``reader`` may see, newest issued first, as searched.

        Need to know as in ``list_documents``, decided in SQL: a document the
        reader may read is searched and shown whole (its original title and
        text); any other only if it is published proactively, searched and
        shown as the public sees it (de-identified), so that no word of an
        original the reader may not read can find it.  Raises
        ``FormValidationError`` for a department that does not exist.
        """
        policy = self._engine.read_policy
        limit = max(1, min(limit, 200))
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            where = search.filters(query, _department_members(repo, query.department))
            public = and_(*_PUBLIC)
            everything = policy.reads_everything(held)
            if everything:
                full: ColumnElement[bool] = true()
                by_task: ColumnElement[bool] = false()
            else:
                department = repo.department(reader)
                mine = exists().where(
                    Participant.instance_id == Document.instance_id,
                    Participant.username == reader,
                )
                task = exists().where(
                    WorkItem.instance_id == Document.instance_id,
                    WorkItem.role.in_([*sorted(held), ANYONE]),
                    or_(WorkItem.claimed_by.is_(None), WorkItem.claimed_by == reader),
                    or_(WorkItem.department.is_(None), WorkItem.department == department),
                )
                colleague: ColumnElement[bool] = false()
                if policy.heads_a_department(held) and department is not None:
                    colleague = exists().where(
                        ProcessInstance.id == Document.instance_id,
                        ProcessInstance.department == department,
                    )
                full = or_(mine, colleague, task)
                by_task = and_(task, not_(or_(mine, colleague)))
                where.append(or_(full, public))
            original = search.match(repo.connection, query, search.ORIGINAL)
            disclosed = search.match(repo.connection, query, search.DISCLOSED)
            # What a task lets him read is confirmed row by row below; until then such
            # a row is also searched as the public sees it, the view he may fall back to.
            found = or_(and_(full, original), and_(or_(not_(full), by_task), public, disclosed))
            public_match = false() if everything else and_(public, disclosed)
            columns = [
                *Document.__table__.c,
                full.label("may_read"),
                by_task.label("by_task"),
                public_match.label("public_match"),
            ]
            worded = bool(query.words or query.number) and not query.titles_only
            plan = search.Plan(
                columns,
                [*where, found] if worded else where,
                Document.issued_at,
                limit,
                short=found if query.titles_only else None,
            )
            rows, next_before = _read_page(repo, plan, query)
            hits = []
            for row in rows:
                whole = bool(row.may_read) and (
                    not row.by_task or policy.may_read(repo, reader, held, row.instance_id)
                )
                if whole:
                    view = dataclasses.replace(search.document_view(row), full=True)
                elif _is_public(row) and row.public_match:
                    view = _public_view(row)
                else:
                    # A task he may not take after all (not for him, or his own work).
                    continue
                hits.append(Hit(view, search.excerpt(view.official_text, query.all_words)))
        return DocumentPage(tuple(hits), next_before, query, query.titles_only)

    def search_public(
        self, query: DocumentQuery, site: str | None = None, limit: int = PUBLIC_PAGE
    ) -> DocumentPage:
        """Return a page of the public list (主动公开), newest published first, as searched.

        Only published proactive documents, searched and shown de-identified
        (``disclosed_title``, ``disclosed_text``): the original never takes
        part.  ``site`` is the address of the public pages
        (``https://host/public/``): a policy whose interpretation is recorded
        at one of them is linked with it both ways.
        """
        limit = max(1, min(limit, 200))
        public_query = dataclasses.replace(query, attribute=None, department=None)
        with self._engine.store.read() as repo:
            where = [*_PUBLIC, *search.filters(public_query)]
            found = search.match(repo.connection, public_query, search.DISCLOSED)
            plan = search.Plan(
                list(Document.__table__.c),
                where if query.titles_only else [*where, found],
                Document.published_at,
                limit,
                short=found if query.titles_only else None,
            )
            rows, next_before = _read_page(repo, plan, public_query)
            views = [_public_view(row) for row in rows]
            links = _interpretation_links(repo, views, site)
        hits = tuple(
            Hit(
                view,
                search.excerpt(view.official_text, query.all_words),
                *links.get(view.id, (None, ())),
            )
            for view in views
        )
        return DocumentPage(hits, next_before, public_query, query.titles_only)

    def public_page(self, document_id: int, site: str | None = None) -> PublicDocument:
        """Return one published proactive document with its interpretation or its policies.

        A policy's interpretation recorded at the public page of another
        published document here (``site`` + id) is that document, read with
        the policy; that document in turn names the policies it interprets.
        """
        view = self.public_document(document_id)
        with self._engine.store.read() as repo:
            interpretation = None
            linked = search.public_id(view.interpretation_url, site)
            if linked is not None and linked != view.id:
                rows = _documents(repo, Document.id == linked, *_PUBLIC)
                interpretation = _public_view(rows[0]) if rows else None
            addresses = search.public_addresses([view.id], site)
            policies = (
                _documents(
                    repo,
                    *_PUBLIC,
                    Document.interpretation_url.in_(addresses),
                    Document.id != view.id,
                    by=Document.published_at,
                )
                if addresses
                else []
            )
        return PublicDocument(view, interpretation, tuple(_public_view(r) for r in policies))

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
            if e.type in DONE_EVENTS
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


def _department_members(repo: Repository, department: str | None) -> Any:
    """Return the users of a department (a document's is its drafter's), or None for any.

    Raises ``FormValidationError`` when no such department exists.
    """
    if not department:
        return None
    known = repo.connection.execute(
        select(Department.name)
        .where(Department.name == department)
        .union(select(User.department).where(User.department == department))
    ).first()
    if known is None:
        raise FormValidationError({"department": [Problem("form.not_a_choice")]})
    return select(User.username).where(User.department == department)


def _read_page(
    repo: Repository, plan: search.Plan, query: DocumentQuery
) -> tuple[list[Any], str | None]:
    """Read one page (and, for a short search, where its window ends); return rows and cursor."""
    page, end = plan.statements(query.before)
    if repo.connection.dialect.name == "postgresql":
        # A page takes milliseconds; PostgreSQL's estimate of a window of short words
        # can pass jit_above_cost, and compiling it then costs a hundred times more.
        repo.connection.exec_driver_sql("SET LOCAL jit = off")
    rows = list(repo.connection.execute(page).all())
    window_end = repo.connection.execute(end).first() if end is not None else None
    shown, next_before = search.next_cursor(rows, plan.limit, plan.key.name, window_end)
    return list(shown), next_before


def _interpretation_links(
    repo: Repository, views: list[DocumentView], site: str | None
) -> dict[int, tuple[int | None, tuple[tuple[int, str], ...]]]:
    """Return, by document, its interpretation's public page here and the policies it interprets.

    Two bounded queries for a page: the interpretations named, and the
    policies naming one of the page's documents (by the indexed address).
    """
    named = {v.id: search.public_id(v.interpretation_url, site) for v in views}
    wanted = sorted({i for i in named.values() if i is not None})
    published = (
        set(
            repo.connection.execute(
                select(Document.id).where(Document.id.in_(wanted), *_PUBLIC)
            ).scalars()
        )
        if wanted
        else set()
    )
    addresses = search.public_addresses([v.id for v in views], site)
    interprets: dict[int, list[tuple[int, str]]] = {}
    if addresses:
        rows = repo.connection.execute(
            select(Document.id, Document.disclosed_title, Document.interpretation_url)
            .where(Document.interpretation_url.in_(addresses), *_PUBLIC)
            .order_by(Document.published_at.desc(), Document.id.desc())
        ).all()
        for row in rows:
            target = search.public_id(row.interpretation_url, site)
            if target is not None and target != row.id:
                interprets.setdefault(target, []).append((row.id, row.disclosed_title or ""))
    return {
        v.id: (
            named[v.id] if named[v.id] in published and named[v.id] != v.id else None,
            tuple(interprets.get(v.id, ())),
        )
        for v in views
    }


def _documents(repo: Repository, *where: Any, by: Any = Document.issued_at) -> list[Any]:
    query = select(Document.__table__).where(*where).order_by(by.desc(), Document.id.desc())
    return list(repo.connection.execute(query).all())


def _is_public(row: Any) -> bool:
    return row.attribute == "proactive" and row.published_at is not None


def _public_view(row: Any) -> DocumentView:
    # The public sees the reviewed, de-identified title and text only: the
    # original never leaves the engine through this door.
    return dataclasses.replace(
        search.document_view(row),
        title=row.disclosed_title or "",
        official_text=row.disclosed_text or "",
        attachments=None,
        drafter=None,
        published_by=None,
        reviewed_by=None,
        review_conclusion=None,
        review_record_id=None,
        # What went out was reviewed: the title and the text, not the drafting fields.
        main_recipients=None,
        copied_to=None,
        copies=None,
        drafting_unit=None,
        interpretation_plan=None,
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
