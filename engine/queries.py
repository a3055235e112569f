"""Read-only questions to the engine: inboxes, instances, histories, documents."""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_, select

from . import audit, forms, roles
from .access import (
    HEAD_ROLE,
    check_may_work,
    existing_instance,
    is_id,
    may_read,
    may_see,
    readable_instance,
    reads_everything,
    refused,
    roles_of,
    task_and_instance,
)
from .errors import NotFoundError, PermissionDeniedError
from .presenters import (
    event_view,
    instance_row,
    instance_summary,
    instance_view,
    json_data,
    review_record_view,
    sheet_entry,
    task_of,
    task_view,
)
from .store.models import (
    Attachment,
    Definition,
    Document,
    Participant,
    ProcessInstance,
    ReviewRecord,
    User,
    WorkItem,
)
from .store.repository import Repository
from .views import (
    ApprovalSheet,
    AttachmentView,
    DocumentView,
    EventView,
    InstanceView,
    TaskFormView,
    TaskView,
)


class Queries:
    """The engine's read side (mixed into ``Engine``): no call here changes anything."""

    def list_tasks(self, username: str) -> list[TaskView]:
        """Return the ready user tasks ``username`` may work on, claimed ones first."""
        with self._repository(write=False) as repo:
            held = roles_of(repo, username)
            rows = repo.work_items_for_roles(held)
        tasks = [
            task_view(item, process_id, version, subject)
            for item, process_id, version, subject in rows
            if may_see(username, item)
        ]
        return sorted(tasks, key=lambda t: t.claimed_by is None)

    def all_open_tasks(self, admin: str) -> list[TaskView]:
        """Return every ready user task, for an administrator to oversee and reassign."""
        with self._repository(write=False) as repo:
            if "admin" not in roles_of(repo, admin):
                raise PermissionDeniedError(
                    f"只有管理员可以查看全部任务 / Only an admin may see all tasks; "
                    f"{admin} is not one."
                )
            rows = repo.work_items_for_roles(roles.ROLES)
        return [task_view(*row) for row in rows]

    def get_task(self, task_id: str) -> TaskView:
        """Return one ready user task."""
        with self._repository(write=False) as repo:
            item, instance = task_and_instance(repo, task_id)
        return task_of(item, instance)

    def get_instance(self, instance_id: int) -> InstanceView:
        """Return an instance with its data and ready tasks."""
        with self._repository(write=False) as repo:
            instance = existing_instance(repo, instance_id)
            compiled = self._compiled(repo.connection, instance.definition_id)
            items = repo.work_items_of(instance_id)
        workflow = self._load(instance, compiled, keep_cached=True)
        ready = tuple(task_of(i, instance) for i in items)
        return instance_view(instance, compiled, workflow, ready)

    def list_instances(
        self, process_id: str | None = None, status: str | None = None
    ) -> list[InstanceView]:
        """Return instances, newest first, without deserializing their state."""
        with self._session(write=False) as session:
            query = (
                select(ProcessInstance, Definition.content_hash)
                .join(Definition, Definition.id == ProcessInstance.definition_id)
                .order_by(ProcessInstance.id.desc())
            )
            if process_id:
                query = query.where(ProcessInstance.process_id == process_id)
            if status:
                query = query.where(ProcessInstance.status == status)
            return [
                instance_summary(instance_row(i), content) for i, content in session.execute(query)
            ]

    def history(self, instance_id: int) -> list[EventView]:
        """Return the audit events of an instance in order."""
        with self._repository(write=False) as repo:
            existing_instance(repo, instance_id)
            return [event_view(e) for e in repo.events_of(instance_id)]

    def verify_chain(self, instance_id: int) -> audit.ChainReport:
        """Check that an instance's events form an unbroken hash chain."""
        with self._repository(write=False) as repo:
            instance = existing_instance(repo, instance_id)
            return audit.verify_chain(instance, repo.events_of(instance_id))

    def task_form(self, task_id: str, username: str) -> TaskFormView:
        """Return a task with its form's current values, for a user who may work on it."""
        with self._repository(write=False) as repo:
            held = roles_of(repo, username)
            item, instance = task_and_instance(repo, task_id)
            check_may_work(username, held, item)
            compiled = self._compiled(repo.connection, instance.definition_id)
            events = repo.events_of(instance.id)
        workflow = self._load(instance, compiled, keep_cached=True)
        task = workflow.get_task_from_id(UUID(task_id))
        data = json_data(task.data)
        schema = forms.form_schema(item.form)
        opinions = forms.opinion_fields(item.form)
        values = {
            name: None if name in opinions else data.get(name, f.metadata.get("default"))
            for name, f in schema.fields.items()
        }
        values |= {name: data.get(name) for name in schema.FILE_FIELDS}
        returns = [e for e in events if e.type == "sent_back" and e.data["task_id"] == task_id]
        view = task_of(item, instance)
        return TaskFormView(view, values, data, event_view(returns[-1]) if returns else None)

    # -- documents ------------------------------------------------------------------

    def list_documents(self, reader: str, status: str | None = None) -> list[DocumentView]:
        """Return the issued documents ``reader`` may see, newest first.

        The office, auditors and admins see every one; anyone else those he
        worked on or may work on now (a department head, those his department
        started), and the published proactive ones as the public sees them.
        """
        with self._repository(write=False) as repo:
            held = roles_of(repo, reader)
            where = [Document.status == status] if status else []
            if reads_everything(held):
                return [DocumentView(**row._mapping) for row in self._documents(repo, *where)]
            mine = select(Participant.instance_id).where(Participant.username == reader)
            tasks = select(WorkItem.instance_id).where(WorkItem.role.in_(sorted(held)))
            involved = [Document.instance_id.in_(mine), Document.instance_id.in_(tasks)]
            if HEAD_ROLE in held and (department := repo.department(reader)):
                colleagues = (
                    select(ProcessInstance.id)
                    .join(User, User.username == ProcessInstance.started_by)
                    .where(User.department == department)
                )
                involved.append(Document.instance_id.in_(colleagues))
            rows = self._documents(repo, *where, or_(*involved, and_(*_PUBLIC)))
            readable = {r.instance_id for r in rows if may_read(repo, reader, held, r.instance_id)}
        return [
            DocumentView(**row._mapping) if row.instance_id in readable else _public_view(row)
            for row in rows
            if row.instance_id in readable or _is_public(row)
        ]

    def public_documents(self) -> list[DocumentView]:
        """Return the published proactive documents (主动公开), for everyone to read."""
        with self._repository(write=False) as repo:
            rows = self._documents(repo, *_PUBLIC, by=Document.published_at)
        return [_public_view(row) for row in rows]

    def public_document(self, document_id: int) -> DocumentView:
        """Return one published proactive document, as the public may read it."""
        if not is_id(document_id):
            raise NotFoundError(f"无此公开信息 / No published document {document_id}")
        with self._repository(write=False) as repo:
            rows = self._documents(repo, Document.id == document_id, *_PUBLIC)
        if not rows:
            raise NotFoundError(f"无此公开信息 / No published document {document_id}")
        return _public_view(rows[0])

    def get_document(self, document_id: int, reader: str) -> DocumentView:
        """Return one catalogue entry, whole if ``reader`` may read its instance.

        A reader who may not gets the published, de-identified version of a
        published proactive document, and a refusal for anything else.
        """
        with self._repository(write=False) as repo:
            held = roles_of(repo, reader)
            rows = self._documents(repo, Document.id == document_id) if is_id(document_id) else []
            row = rows[0] if rows else None
            if row is not None and may_read(repo, reader, held, row.instance_id):
                return DocumentView(**row._mapping)
        if row is not None and _is_public(row):
            return _public_view(row)
        raise refused(held, row is None)

    def _documents(self, repo: Repository, *where: Any, by: Any = Document.issued_at) -> list[Any]:
        query = select(Document.__table__).where(*where).order_by(by.desc(), Document.id.desc())
        return list(repo.connection.execute(query).all())

    def approval_sheet(self, instance_id: int, reader: str) -> ApprovalSheet:
        """Return the approval sheet (审签单): attribute, reasons, every opinion, name, time."""
        with self._repository(write=False) as repo:
            instance = readable_instance(repo, reader, instance_id)
            compiled = self._compiled(repo.connection, instance.definition_id)
            events = repo.events_of(instance_id)
            names = dict(repo.connection.execute(select(User.username, User.display_name)).all())
            document = repo.connection.execute(
                select(Document.__table__).where(Document.instance_id == instance_id)
            ).first()
            records = repo.connection.execute(
                select(ReviewRecord.__table__)
                .where(ReviewRecord.instance_id == instance_id)
                .order_by(ReviewRecord.id)
            ).all()
        workflow = self._load(instance, compiled, keep_cached=True)
        view = instance_view(instance, compiled, workflow, ())
        entries = tuple(
            sheet_entry(e, names) for e in events if e.type in ("task_completed", "sent_back")
        )
        doc = DocumentView(**document._mapping) if document is not None else None
        reviews = tuple(review_record_view(r, names) for r in records)
        return ApprovalSheet(instance_id, instance.status, view.data, doc, entries, reviews)

    def attachment(self, attachment_id: int, reader: str) -> AttachmentView:
        """Return a stored attachment with its content, to a reader of its instance."""
        with self._repository(write=False) as repo:
            held = roles_of(repo, reader)
            row = (
                repo.connection.execute(
                    select(Attachment.__table__).where(Attachment.id == attachment_id)
                ).first()
                if is_id(attachment_id)
                else None
            )
            if row is None or not may_read(repo, reader, held, row.instance_id):
                raise refused(held, row is None)
        fields_ = ("id", "instance_id", "filename", "content_type", "size", "sha256", "content")
        return AttachmentView(*(row._mapping[f] for f in fields_))


#: what makes a catalogue entry public: proactive, and published
_PUBLIC = (Document.attribute == "proactive", Document.published_at.is_not(None))


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
