"""A drafter's documents (我的公文): where each one is, and taking a draft back (撤回).

A draft exists from its first save (``WorkflowEngine.start_draft``), is
deleted by its drafter while never submitted (``delete_draft``), and once
submitted may be withdrawn until its first reviewer takes it up: the
document approval's "撤回" message event on the department review brings it
back to the draft.  The list reads one bounded page of instances in SQL with
their open tasks, documents and last opinions; it does not grow with the
number of instances or the length of their histories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, not_, or_, select

from ..access import holds, is_id, may_see, roles_of
from ..clock import local_day_start
from ..errors import ConflictError, FormValidationError, PermissionDeniedError, Problem
from ..store.models import Event, Participant, ProcessInstance, WorkItem
from ..store.repository import InstanceRow, Repository
from ..views import InstanceView
from .models import Document

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: the process a document is drafted and approved in, its drafting task, its first review
PROCESS = "document_approval"
DRAFT = "draft"
FIRST_REVIEW = "dept_review"
#: the message that takes a submitted draft back (the BPMN's 撤回 boundary event)
WITHDRAWN = "draft_withdrawn"
#: what "my documents" can be filtered by
STATES = ("drafting", "in_review", "issued", "deleted")
PAGE = 20
_OPINION_EVENTS = ("task_completed", "sent_back")


#: who, when, what step, comment, decision, the step's names by language, and the reasons
#: of a return by the rules (退文: nobody, decision "returned")
Opinion = tuple[str | None, str, str, str, str | None, dict[str, str] | None, tuple[str, ...]]


@dataclass(frozen=True)
class MyDocument:
    """One document of a drafter's or reviewer's list: where it is and what was said last."""

    instance_id: int
    title: str | None
    state: str
    started_at: str
    updated_at: str
    #: the open steps: (name, labels, who holds it (user) or None, group (zh, en), due,
    #: provisional)
    steps: tuple[
        tuple[str, dict[str, str] | None, str | None, tuple[str, str], str | None, bool], ...
    ]
    document_id: int | None
    number: str | None
    document_status: str | None
    #: the last opinion, or None
    last_opinion: Opinion | None
    #: the user may take it back now (撤回) / delete it (never submitted)
    may_withdraw: bool
    may_delete: bool
    #: the open task of it that is the user's to do (the draft sent back to its drafter,
    #: a review waiting in his group), or None: the title leads to that task's form
    task_id: str | None = None


@dataclass(frozen=True)
class MyDocumentsPage:
    """A page of one's documents, newest first, with display names and the next page."""

    rows: tuple[MyDocument, ...]
    next_before: int | None
    names: dict[str, str]


class DraftDesk:
    """What a drafter does with his documents besides filling in the draft."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def withdraw(self, instance_id: int, actor: str) -> InstanceView:
        """Take a submitted draft back to the drafting task before any reviewer started it."""

        def check(repo: Repository, instance: InstanceRow) -> None:
            if instance.process_id != PROCESS or actor not in instance.actors.get(DRAFT, []):
                raise PermissionDeniedError("draft.not_yours", user=actor)
            if not _untouched(repo.work_items_of(instance.id)):
                raise ConflictError("draft.review_started")

        with self._engine.store.read() as repo:
            # Whoever may not read the case learns neither that it exists nor how it stands.
            self._engine.read_policy.readable_instance(repo, actor, instance_id)
        return self._engine.deliver(instance_id, WITHDRAWN, {}, actor, check)

    def mine(
        self,
        username: str,
        state: str | None = None,
        year: int | None = None,
        before: int | None = None,
    ) -> MyDocumentsPage:
        """Return a page of the documents ``username`` drafted or worked on, newest first."""
        problems: dict[str, list[Problem]] = {}
        if state is not None and state not in STATES:
            problems["state"] = [Problem("form.not_a_choice")]
        if year is not None and not 2000 <= year <= 2100:
            problems["year"] = [Problem("form.invalid_value")]
        if problems:
            raise FormValidationError(problems)
        with self._engine.store.read() as repo:
            held = roles_of(repo, username)
            department = repo.department(username)
            rows = repo.connection.execute(
                _page(username, state, year, before).limit(PAGE + 1)
            ).all()
            shown = rows[:PAGE]
            ids = [r.id for r in shown]
            items = repo.work_items_of_instances(ids)
            documents = {
                d.instance_id: d
                for d in repo.connection.execute(
                    select(
                        Document.instance_id, Document.id, Document.number, Document.status
                    ).where(Document.instance_id.in_(ids))
                )
            }
            opinions = {i: _last_opinion(repo, i) for i in ids}
            people = {r.started_by for r in shown} | {
                w.claimed_by for found in items.values() for w in found if w.claimed_by
            }
            people |= {o[0] for o in opinions.values() if o and o[0]}
            names = repo.display_names_of(p for p in people if p)
        groups = self._engine.domain.groups
        page = []
        for row in shown:
            open_items = items.get(row.id, [])
            document = documents.get(row.id)
            steps = tuple(
                (
                    w.name,
                    w.labels,
                    w.claimed_by,
                    (groups[w.role].zh, groups[w.role].en) if w.role in groups else (w.role,) * 2,
                    w.due_at,
                    bool(w.due_provisional),
                )
                for w in open_items
            )
            elements = [w.element_id for w in open_items]
            todo = [
                w
                for w in open_items
                if holds(held, w, username) and may_see(username, w, department)
            ]
            page.append(
                MyDocument(
                    instance_id=row.id,
                    title=row.subject,
                    state=_state(row.status, elements, document is not None),
                    started_at=row.started_at,
                    updated_at=row.updated_at,
                    steps=steps,
                    document_id=document.id if document else None,
                    number=document.number if document else None,
                    document_status=document.status if document else None,
                    last_opinion=opinions.get(row.id),
                    may_withdraw=_untouched(open_items) and username in row.actors.get(DRAFT, []),
                    may_delete=row.status == "running"
                    and elements == [DRAFT]
                    and row.started_by == username
                    and DRAFT not in row.actors,
                    task_id=todo[0].task_id if todo else None,
                )
            )
        next_before = shown[-1].id if len(rows) > PAGE else None
        return MyDocumentsPage(tuple(page), next_before, names)


def _page(username: str, state: str | None, year: int | None, before: int | None) -> Any:
    """Select one's document approvals (newest first) filtered by state and year."""
    mine = select(Participant.instance_id).where(Participant.username == username)
    query = select(
        ProcessInstance.id,
        ProcessInstance.subject,
        ProcessInstance.status,
        ProcessInstance.started_by,
        ProcessInstance.started_at,
        ProcessInstance.updated_at,
        ProcessInstance.actors,
    ).where(ProcessInstance.process_id == PROCESS, ProcessInstance.id.in_(mine))
    if before is not None and is_id(before):  # any other names no row: the first page
        query = query.where(ProcessInstance.id < before)
    if year is not None:
        query = query.where(
            ProcessInstance.started_at >= local_day_start(date(year, 1, 1)),
            ProcessInstance.started_at < local_day_start(date(year + 1, 1, 1)),
        )
    at_draft = exists().where(
        WorkItem.instance_id == ProcessInstance.id, WorkItem.element_id == DRAFT
    )
    issued = exists().where(Document.instance_id == ProcessInstance.id)
    running = ProcessInstance.status == "running"
    if state == "drafting":
        query = query.where(running, at_draft)
    elif state == "in_review":
        query = query.where(running, not_(at_draft), not_(issued))
    elif state == "issued":
        query = query.where(issued)
    elif state == "deleted":
        query = query.where(ProcessInstance.status == "cancelled")
    return query.order_by(ProcessInstance.id.desc())


def _untouched(items: Sequence[Any]) -> bool:
    """Tell whether a submitted draft waits, unclaimed, for its first review (it may be 撤回)."""
    return [i.element_id for i in items] == [FIRST_REVIEW] and not items[0].claimed_by


def _state(status: str, elements: list[str], issued: bool) -> str:
    if status == "cancelled":
        return "deleted"
    if issued:
        return "issued"
    if DRAFT in elements:
        return "drafting"
    return "in_review" if status == "running" else "closed"


def _last_opinion(repo: Repository, instance_id: int) -> Opinion | None:
    """Return the newest opinion of an instance: a review's comment, or a return's (退文 too)."""
    # The newest matching event comes first on the (instance, seq) index: a short scan.
    found = repo.connection.execute(
        select(Event.type, Event.actor, Event.at, Event.data)
        .where(
            and_(Event.instance_id == instance_id, Event.type.in_(_OPINION_EVENTS)),
            # A return by the rules has nobody: it is what the drafter must see last, not
            # his own submission before it.
            or_(Event.actor.is_not(None), Event.type == "sent_back"),
        )
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    data = found.data or {}
    submitted = data.get("data") or {}
    comment = data.get("comment") or submitted.get("comment") or ""
    decision = "returned" if data.get("automatic") else submitted.get("decision")
    labels = data.get("labels") if isinstance(data.get("labels"), dict) else None
    reasons = tuple(str(r) for r in data.get("reasons") or ()) if data.get("automatic") else ()
    name = str(data.get("name") or "")
    return found.actor, found.at, name, str(comment), decision, labels, reasons
