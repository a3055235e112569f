"""SQLAlchemy models of deployed definitions, instances, tasks, events and users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..errors import ConflictError


class Base(DeclarativeBase):
    """Declarative base of every gongkai table."""


def table_of(model: type[Base]) -> Table:
    """Return a model's table, for statements in SQLAlchemy Core."""
    return cast(Table, model.__table__)


def insert_unless_taken(
    connection: Connection,
    table: Table,
    values: dict[str, Any],
    returned: Column[Any],
    key: Sequence[Column[Any]] | None = None,
) -> Any:
    """Insert a row unless a unique key of it is taken; return its ``returned``, or None.

    One statement: a row another transaction is inserting at the same moment makes this
    one wait for it and then insert nothing, instead of failing on the unique key.
    With ``key``, only that unique key counts: a clash on another still fails.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=key)
        .returning(returned)
    )
    return connection.execute(statement).scalar()


class User(Base):
    """A person who signs in; roles say which lanes' tasks he may work on."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    department: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    #: how often he signed out: a session ends when this moves past the count it began with
    signed_out: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class Department(Base):
    """A department (处室) users belong to; a retired one takes no new members."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[str] = mapped_column(String(40))
    #: the admin who added it; None when it was recorded from a user's department
    created_by: Mapped[str | None] = mapped_column(String(64))


class UserChange(Base):
    """One change an admin made to a user: what changed, old and new (never a password)."""

    __tablename__ = "user_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    admin: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    #: JSON text: field -> [old, new]
    detail: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_user_changes_username", "username", "id"),)


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class Definition(Base):
    """One deployed version of a set of BPMN files, keyed by their content hash."""

    __tablename__ = "definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    deployed_at: Mapped[str] = mapped_column(String(40))
    deployed_by: Mapped[str | None] = mapped_column(String(64))
    processes: Mapped[list[DeployedProcess]] = relationship(
        back_populates="definition", cascade="all, delete-orphan"
    )


class DeployedProcess(Base):
    """A process contained in a deployed definition; starting by id picks the newest."""

    __tablename__ = "deployed_processes"

    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    file: Mapped[str] = mapped_column(String(256))
    definition: Mapped[Definition] = relationship(back_populates="processes")

    __table_args__ = (Index("ix_deployed_processes_process_id", "process_id"),)


class ProcessInstance(Base):
    """A running or finished workflow: its live state and the head of its event chain.

    ``row_version`` guards against lost updates: an UPDATE whose version is
    stale matches no row and SQLAlchemy raises ``StaleDataError``.
    """

    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"))
    process_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    serializer_version: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(Text)
    actors: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    started_by: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[str | None] = mapped_column(String(40))
    next_timer_at: Mapped[str | None] = mapped_column(String(40))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(200))
    #: the version of the engine's step rules the instance started under (``runtime.RULES``):
    #: a history replays by the rules it was made with
    rules: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    #: the department its starter was in when he started it: whose head reads it
    department: Mapped[str | None] = mapped_column(String(64))

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012
    __table_args__ = (
        # tick asks for running instances by due time: one range of this index
        Index("ix_process_instances_status_timer", "status", "next_timer_at"),
        Index("ix_process_instances_department", "department"),
    )


_CLAIMED = text("claimed_by IS NOT NULL")
_DUE = text("due_at IS NOT NULL")


class WorkItem(Base):
    """A ready user task, kept beside the state so inboxes need no deserialization."""

    __tablename__ = "work_items"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(64))
    excluded_users: Mapped[list[str]] = mapped_column(JSON)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[str | None] = mapped_column(String(40))
    allowed_users: Mapped[list[str] | None] = mapped_column(JSON)
    overdue: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[str | None] = mapped_column(String(40))
    labels: Mapped[dict[str, str] | None] = mapped_column(JSON)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    #: the department (处室) whose members alone may take the task, if the BPMN names one
    department: Mapped[str | None] = mapped_column(String(64))
    #: how the task came back to its doer: "automatic" (退文) or "sent_back" (退回)
    returned: Mapped[str | None] = mapped_column(String(16))
    #: only the users named in ``allowed_users`` may take the task (kept as a column so
    #: an inbox finds the tasks open to a whole group by index)
    named: Mapped[bool] = mapped_column(default=False)
    #: every group a member of which may take the task, ``role`` first, when there are
    #: several (``camunda:candidateGroups``); None when ``role`` is the only one
    groups: Mapped[list[str] | None] = mapped_column(JSON)
    #: users who may take the task besides its groups' members, whatever groups they hold
    #: (``camunda:candidateUsers`` beside ``candidateGroups``); None for most tasks
    users: Mapped[list[str] | None] = mapped_column(JSON)

    __table_args__ = (
        # An inbox reads one range per (group, department) it may see, oldest first.
        Index("ix_work_items_inbox", "role", "named", "department", "created_at", "task_id"),
        Index("ix_work_items_instance_id", "instance_id"),
        Index("ix_work_items_created", "created_at", "task_id"),
        # Only claimed tasks and tasks with a due time are looked up by these: the
        # others are left out, so that a step writes two B-trees fewer.
        Index(
            "ix_work_items_claimed",
            "claimed_by",
            "created_at",
            "task_id",
            sqlite_where=_CLAIMED,
            postgresql_where=_CLAIMED,
        ),
        # monitoring counts the tasks past their due time
        # by due time, and the admin's list of every task in its order (migration 0026)
        Index(
            "ix_work_items_due",
            "due_at",
            "created_at",
            "task_id",
            sqlite_where=_DUE,
            postgresql_where=_DUE,
        ),
        # SQLite: stored in the key's order, one B-tree instead of a table and an index
        {"sqlite_with_rowid": False},
    )


class WorkItemUser(Base):
    """A user a work item names: the only ones who may take it, or those who may not.

    Kept beside ``work_items.allowed_users`` and ``excluded_users`` so that an
    inbox is filtered in SQL by index, however many tasks a group has.
    """

    __tablename__ = "work_item_users"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("work_items.task_id", ondelete="CASCADE", name="fk_work_item_users_task"),
        primary_key=True,
    )
    #: "allowed" (the only ones), "excluded", or "user" (one who may take it besides its
    #: groups' members)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (
        Index("ix_work_item_users_user", "username", "kind", "task_id"),
        {"sqlite_with_rowid": False},
    )


class WorkItemGroup(Base):
    """A further group a work item is for, besides its ``role`` (its first group).

    Kept beside ``work_items.groups`` so that an inbox finds, by index and in
    page order, the tasks open to one of its groups through a further group.
    Only tasks with several groups have rows here: a step of a one-group task
    writes nothing more.
    """

    __tablename__ = "work_item_groups"

    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the work item's ``created_at``, so that a group's tasks are read oldest first
    created_at: Mapped[str] = mapped_column(String(40), primary_key=True)
    task_id: Mapped[str] = mapped_column(
        ForeignKey("work_items.task_id", ondelete="CASCADE", name="fk_work_item_groups_task"),
        primary_key=True,
    )

    __table_args__ = (
        Index("ix_work_item_groups_task", "task_id"),
        {"sqlite_with_rowid": False},
    )


class Participant(Base):
    """Someone who started an instance or completed one of its tasks: he may read it."""

    __tablename__ = "instance_participants"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (
        Index("ix_instance_participants_username", "username"),
        {"sqlite_with_rowid": False},
    )


class WaitingEvent(Base):
    """A message or signal an instance waits for, so that sending one finds its receivers."""

    __tablename__ = "waiting_events"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(256), primary_key=True)

    __table_args__ = (Index("ix_waiting_events_kind_name", "kind", "name"),)


class FormSubmission(Base):
    """The one-time key of a form that started an instance: the same form sent twice starts one."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[str] = mapped_column(String(40))


class SignInFailure(Base):
    """A failed sign-in, counted per user name and per address to throttle guessing."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)


class Event(Base):
    """One entry of an instance's append-only, hash-chained audit log."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("instance_id", "seq", name="uq_events_instance_seq"),
        Index("ix_events_type_at", "type", "at"),
    )


class Attachment(Base):
    """A file uploaded with a task form (PDF, DOCX or OFD), kept whole in the database."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[str] = mapped_column(String(40))


class Checkpoint(Base):
    """A signed checkpoint of every chain's head; the append-only log file is the trusted copy."""

    __tablename__ = "checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    root: Mapped[str] = mapped_column(String(64))
    leaf_count: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[str] = mapped_column(String(128))
    public_key: Mapped[str] = mapped_column(String(64))
    #: the heads it covered: [instance id, event count, last event hash], ordered by id
    leaves: Mapped[list[list[Any]]] = mapped_column(JSON)


def claim_submission(connection: Connection, submission: str | None, now: str) -> None:
    """Record a form's one-time key in this transaction; ``ConflictError`` if it was sent before.

    A sending of the same form at the same moment makes this one wait for it
    (PostgreSQL) and then fail, so that only one of them records anything.
    """
    if submission is None:
        return
    table = table_of(FormSubmission)
    row = {"key": submission, "at": now}
    if insert_unless_taken(connection, table, row, table.c.key) is None:
        raise ConflictError("form.already_sent")
