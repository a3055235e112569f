"""Hot-path persistence of instances, work items and events in SQLAlchemy Core.

Statements are built once at import and executed with bound parameters:
building a statement and its cache key costs more than running it on SQLite,
and each task completion runs about eight of them.  Those of a step (``_run``)
go straight to the driver, compiled once (``direct``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Exists,
    Select,
    Subquery,
    Update,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.sql import Executable

from . import direct
from .direct import DirectResult as Rows
from .direct import Params
from .models import (
    Attachment,
    Definition,
    DeployedProcess,
    Event,
    Participant,
    ProcessInstance,
    User,
    UserRole,
    WaitingEvent,
    WorkItem,
    WorkItemGroup,
    WorkItemUser,
    insert_unless_taken,
    table_of,
)

_INSTANCES = table_of(ProcessInstance)
_WORK_ITEMS = table_of(WorkItem)
_ITEM_USERS = table_of(WorkItemUser)
_NAMED = _ITEM_USERS.alias("named")
_ITEM_GROUPS = table_of(WorkItemGroup)
_FURTHER = _ITEM_GROUPS.alias("further")
_EVENTS = table_of(Event)


def _values(row: object) -> dict[str, Any]:
    """Return a row's fields as statement parameters.

    Not ``dataclasses.asdict``: that deep-copies every nested value (an
    instance's whole state, an event's data) only for the driver to read it.
    """
    return dict(vars(row))


@dataclass
class InstanceRow:
    """A row of ``process_instances``; ``row_version`` is the version it was read at."""

    id: int
    definition_id: int
    process_id: str
    status: str
    row_version: int
    serializer_version: str
    state: str
    actors: dict[str, list[str]]
    started_by: str | None
    started_at: str
    updated_at: str
    completed_at: str | None
    next_timer_at: str | None
    event_count: int
    last_event_hash: str
    subject: str | None = None
    #: the version of the step rules it runs by (``runtime.RULES``)
    rules: int = 1


@dataclass
class WorkItemRow:
    """A row of ``work_items``: one ready user task."""

    task_id: str
    instance_id: int
    element_id: str
    name: str
    role: str
    form: str
    excluded_users: list[str]
    claimed_by: str | None
    created_at: str
    due_at: str | None
    allowed_users: list[str] | None = None
    overdue: bool = False
    reminded_at: str | None = None
    labels: dict[str, str] | None = None
    due_provisional: bool = False
    department: str | None = None
    returned: str | None = None
    #: every group a member of which may take the task, ``role`` first, when there are
    #: several; None when ``role`` is the only one
    groups: list[str] | None = None
    #: users who may take the task besides its groups' members, whatever groups they hold
    users: list[str] | None = None

    def every_group(self) -> tuple[str, ...]:
        """Return every group a member of which may take the task, ``role`` first."""
        return tuple(self.groups) if self.groups else (self.role,)

    def further_groups(self) -> list[str]:
        """Return the groups the task is for besides ``role`` (none for most tasks)."""
        return [g for g in self.groups or () if g != self.role]


@dataclass
class EventRow:
    """A row of ``events``, hash already computed."""

    instance_id: int
    seq: int
    type: str
    actor: str | None
    at: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


#: where an inbox page ends: (0 if claimed else 1, created_at, task_id)
InboxKey = tuple[int, str, str]
#: where a page of the admin's list of every task ends: (0 if it has a due time else 1, the
#: due time or "", created at, task id), the list's order
UrgencyKey = tuple[int, str, str, str]


@dataclass(frozen=True)
class InboxReader:
    """Who reads an inbox: the user, the groups he holds and his department."""

    username: str
    roles: frozenset[str]
    department: str | None
    #: whether any task is open to one of his groups through a further group
    #: (``Repository.further_groups``): only then are those read too
    further: bool = True

    def parameters(self, after: InboxKey | None, limit: int) -> dict[str, Any]:
        """Return the values the inbox query binds for him."""
        values: dict[str, Any] = {"username": self.username, "department": self.department}
        values.update(
            limit=limit, after_at=after[1] if after else "", after_id=after[2] if after else ""
        )
        values.update({f"role_{i}": role for i, role in enumerate(sorted(self.roles))})
        return values

    def visible(self, after: InboxKey | None) -> Subquery:
        """Select (task_id, claimed-last flag, created_at) of the tasks he may take."""
        return _visible(
            len(self.roles),
            self.department is not None,
            after[0] if after else None,
            self.further,
        )


@lru_cache(maxsize=64)
def _visible(
    roles: int, has_department: bool, after_flag: int | None, further_groups: bool = True
) -> Subquery:
    """Build the inbox query of one shape, its values left as parameters.

    The same rules as ``access.may_see``: one of his groups (the task's first,
    or a further one) or his name among the task's candidate users, his
    department or none, unclaimed or claimed by him,
    not excluded, and named if the task names users.  Each part reads one
    index range in page order and stops after ``limit`` rows past the page's
    start, so a page costs the same however many tasks his groups have.
    Without ``further_groups`` (no task is open to his groups through a
    further group) the parts that find those are left out.  Built once per
    shape: building it costs more than running it.
    """
    items, users, further = _WORK_ITEMS.c, _ITEM_USERS.c, _ITEM_GROUPS.c
    username: BindParameter[str] = bindparam("username")
    role_names: list[BindParameter[str]] = [bindparam(f"role_{i}") for i in range(roles)]
    departments: list[ColumnElement[bool]] = [items.department.is_(None)]
    if has_department:
        departments.append(items.department == bindparam("department"))
    not_excluded = ~_named(items.task_id, "excluded", username)
    claimed, grouped, named, further_order = _ORDERS
    in_page = (items.created_at, items.task_id)
    parts: list[tuple[int, Select[Any], tuple[Any, ...], tuple[Any, Any]]] = [
        (
            0,
            select(items.task_id).where(
                items.claimed_by == username,
                or_(
                    items.role.in_(role_names),
                    *(
                        [_further(items.created_at, items.task_id, role_names)]
                        if further_groups
                        else []
                    ),
                    _named(items.task_id, "user", username),
                ),
                or_(*departments),
                or_(items.named == false(), _named(items.task_id, "allowed", username)),
                not_excluded,
            ),
            claimed,
            in_page,
        ),
        *(
            (
                1,
                select(items.task_id).where(
                    items.role == role,
                    items.named == false(),
                    department,
                    items.claimed_by.is_(None),
                    not_excluded,
                ),
                grouped,
                in_page,
            )
            for role in role_names
            for department in departments
        ),
        # A task open to one of his groups through a further group, named or not: read
        # from that group's rows, in page order (left out when no task has such a row,
        # as with tasks of one group only).  A task whose first group is his is read by
        # the other parts, one with several further groups of his only from the first.
        *(
            (
                1,
                select(items.task_id)
                .select_from(_ITEM_GROUPS.join(_WORK_ITEMS, items.task_id == further.task_id))
                .where(
                    further.role == role,
                    items.role.not_in(role_names),
                    *(
                        [~_further(further.created_at, further.task_id, role_names[:i])]
                        if i
                        else []
                    ),
                    or_(items.named == false(), _named(items.task_id, "allowed", username)),
                    or_(*departments),
                    items.claimed_by.is_(None),
                    not_excluded,
                ),
                further_order,
                (further.created_at, further.task_id),
            )
            for i, role in enumerate(role_names if further_groups else ())
        ),
        (
            1,
            select(items.task_id)
            .select_from(_ITEM_USERS.join(_WORK_ITEMS, items.task_id == users.task_id))
            .where(
                users.username == username,
                users.kind == "allowed",
                items.role.in_(role_names),
                or_(*departments),
                items.claimed_by.is_(None),
                not_excluded,
            ),
            named,
            in_page,
        ),
        # A task that lists him among the users who may take it besides its groups'
        # members (``candidateUsers``), when none of his groups reaches it.
        (
            1,
            select(items.task_id)
            .select_from(_ITEM_USERS.join(_WORK_ITEMS, items.task_id == users.task_id))
            .where(
                users.username == username,
                users.kind == "user",
                items.role.not_in(role_names),
                *(
                    [~_further(items.created_at, items.task_id, role_names)]
                    if further_groups
                    else []
                ),
                or_(items.named == false(), _named(items.task_id, "allowed", username)),
                or_(*departments),
                items.claimed_by.is_(None),
                not_excluded,
            ),
            named,
            in_page,
        ),
    ]
    arms = []
    for flag, part, order, position in parts:
        if after_flag is not None and flag < after_flag:
            continue  # the page began after every task of this part
        query = part.with_only_columns(*_WORK_ITEM_COLUMNS, literal(flag).label("flag"))
        if flag == after_flag:
            query = query.where(
                tuple_(*position) > tuple_(bindparam("after_at"), bindparam("after_id"))
            )
        # Ordered by the whole index the part reads (its leading columns are constant
        # here), so that PostgreSQL too walks that index in order and stops at the
        # limit rather than walk the creation-time index (or the table) and filter.
        query = query.order_by(*order).limit(bindparam("limit"))
        arms.append(select(*query.subquery().c))
    return union_all(*arms).subquery("visible")


#: the order each kind of part reads its index in: claimed, open to a group, named,
#: open to a group through a further group
_ORDERS = (
    (_WORK_ITEMS.c.claimed_by, _WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id),
    (
        _WORK_ITEMS.c.role,
        _WORK_ITEMS.c.named,
        _WORK_ITEMS.c.department,
        _WORK_ITEMS.c.created_at,
        _WORK_ITEMS.c.task_id,
    ),
    (_WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id),
    (_ITEM_GROUPS.c.role, _ITEM_GROUPS.c.created_at, _ITEM_GROUPS.c.task_id),
)


def _further(created_at: Any, task_id: Any, roles: Sequence[Any]) -> ColumnElement[bool]:
    """Tell whether a task is open to one of ``roles`` through a further group.

    A lookup of ``work_item_groups``' primary key (group, creation time, task)
    per group.
    """
    return (
        exists()
        .where(
            _FURTHER.c.role.in_(roles),
            _FURTHER.c.created_at == created_at,
            _FURTHER.c.task_id == task_id,
        )
        .correlate_except(_FURTHER)
    )


def _named(task_id: Any, kind: str, username: BindParameter[str]) -> Exists:
    """Tell whether a task names the user, as one allowed or as one excluded."""
    return (
        exists()
        .where(
            _NAMED.c.task_id == task_id,
            _NAMED.c.kind == kind,
            _NAMED.c.username == username,
        )
        .correlate_except(_NAMED)
    )


@lru_cache(maxsize=64)
def _inbox_page(visible: Subquery) -> Select[Any]:
    # The page is cut first and joined to its instances after: at most a page of rows.
    order = (visible.c.flag, visible.c.created_at, visible.c.task_id)
    cut = select(visible).order_by(*order).limit(bindparam("limit")).subquery("page")
    return (
        select(
            *(cut.c[c.name] for c in _WORK_ITEM_COLUMNS),
            _INSTANCES.c.process_id,
            _INSTANCES.c.row_version,
            _INSTANCES.c.subject,
        )
        .join_from(cut, _INSTANCES, _INSTANCES.c.id == cut.c.instance_id)
        .order_by(cut.c.flag, cut.c.created_at, cut.c.task_id)
    )


@lru_cache(maxsize=64)
def _inbox_count(visible: Subquery) -> Select[Any]:
    # Each part stops at the cap, so the count reads at most that many rows a part.
    return select(func.count()).select_from(visible)


def _of_group(role: str, further: bool) -> ColumnElement[bool]:
    """Tell whether a work item is for a group: its first, or (if ``further``) a further one."""
    items = _WORK_ITEMS.c
    if not further:
        return items.role == role
    through = select(_ITEM_GROUPS.c.task_id).where(_ITEM_GROUPS.c.role == role)
    return or_(items.role == role, items.task_id.in_(through))


def _distinct_upto(column: Any) -> Select[Any]:
    """Return the first ``:cap`` distinct values of an indexed column, in order.

    A loose index scan (a recursive query each step of which seeks the next value along
    the index): it costs one seek a value, however many rows hold each, on SQLite and
    PostgreSQL alike, where ``SELECT DISTINCT`` would read every row.
    """
    first = select(func.min(column).label("value"), literal(1).label("n"))
    seen = first.cte("seen", recursive=True)
    following = select(func.min(column)).where(column > seen.c.value).scalar_subquery()
    more = and_(seen.c.value.is_not(None), seen.c.n < bindparam("cap"))
    seen = seen.union_all(select(following, seen.c.n + 1).where(more))
    return select(seen.c.value).where(seen.c.value.is_not(None))


#: the groups with open tasks: as tasks' first group, or a further one
_OPEN_GROUPS = (
    _distinct_upto(_WORK_ITEMS.c.role),
    _distinct_upto(_ITEM_GROUPS.c.role),
)


def _columns(table: Any, row_type: type) -> list[Any]:
    return [table.c[f.name] for f in fields(row_type)]


_INSTANCE_COLUMNS = _columns(_INSTANCES, InstanceRow)
_WORK_ITEM_COLUMNS = _columns(_WORK_ITEMS, WorkItemRow)
_EVENT_COLUMNS = _columns(_EVENTS, EventRow)


@lru_cache(maxsize=8)
def _newest_of(kinds: int, whole: bool) -> Select[Any]:
    """Return the read of an instance's newest events of ``kinds`` types (whole, or who did)."""
    columns = _EVENT_COLUMNS if whole else (_EVENTS.c.type, _EVENTS.c.actor)
    return (
        select(*columns)
        .where(
            _EVENTS.c.instance_id == bindparam("instance_id"),
            _EVENTS.c.type.in_([bindparam(f"type_{i}") for i in range(kinds)]),
        )
        .order_by(_EVENTS.c.seq.desc())
        .limit(bindparam("limit"))
    )


_ROLES = (
    select(UserRole.role)
    .select_from(User)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(User.username == bindparam("username"), User.active.is_(True))
)
#: an active user's groups with his department, one row a group (one with no group: none)
_ROLES_AND_DEPARTMENT = (
    select(UserRole.role, User.department)
    .select_from(User)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(User.username == bindparam("username"), User.active.is_(True))
)
_TASK = (
    select(*_WORK_ITEM_COLUMNS, *_INSTANCE_COLUMNS)
    .select_from(_WORK_ITEMS.join(_INSTANCES, _WORK_ITEMS.c.instance_id == _INSTANCES.c.id))
    .where(_WORK_ITEMS.c.task_id == bindparam("task_id"))
)
#: a work item with its instance and the groups of the user about to work on it, one row a group
_TASK_WITH_ROLES = (
    select(*_WORK_ITEM_COLUMNS, *_INSTANCE_COLUMNS, User.id, UserRole.role)
    .select_from(_WORK_ITEMS.join(_INSTANCES, _WORK_ITEMS.c.instance_id == _INSTANCES.c.id))
    .outerjoin(User, and_(User.username == bindparam("username"), User.active.is_(True)))
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(_WORK_ITEMS.c.task_id == bindparam("task_id"))
)
_INSTANCE_OF_TASK = select(_WORK_ITEMS.c.instance_id).where(
    _WORK_ITEMS.c.task_id == bindparam("task_id")
)
_WORK_ITEM = select(*_WORK_ITEM_COLUMNS).where(_WORK_ITEMS.c.task_id == bindparam("task_id"))
_INSTANCE = select(*_INSTANCE_COLUMNS).where(_INSTANCES.c.id == bindparam("instance_id"))
_INSTANCE_FOR_UPDATE = _INSTANCE.with_for_update()
_INSTANCE_SKIP_LOCKED = _INSTANCE.with_for_update(skip_locked=True)
_INSERT_INSTANCE = insert(_INSTANCES).returning(_INSTANCES.c.id)
_INSTANCE_WRITTEN = (
    "status",
    "row_version",
    "serializer_version",
    "state",
    "actors",
    "updated_at",
    "completed_at",
    "next_timer_at",
    "event_count",
    "last_event_hash",
    "subject",
)
#: the columns of ``ix_process_instances_status_timer``: SQLite rewrites an index whose
#: columns an UPDATE sets, even to the values they had
_TIMER_KEY = ("status", "next_timer_at")


def _instance_update(columns: Sequence[str]) -> Update:
    return (
        update(_INSTANCES)
        .where(
            _INSTANCES.c.id == bindparam("b_id"),
            _INSTANCES.c.row_version == bindparam("b_version"),
        )
        .values({name: bindparam(name) for name in columns})
    )


_UPDATE_INSTANCE = _instance_update(_INSTANCE_WRITTEN)
_UPDATE_KEEPS = tuple(c for c in _INSTANCE_WRITTEN if c not in _TIMER_KEY)
_UPDATE_INSTANCE_SAME_KEY = _instance_update(_UPDATE_KEEPS)
_WORK_ITEMS_BY_ID = select(*_WORK_ITEM_COLUMNS).where(
    _WORK_ITEMS.c.task_id.in_(bindparam("task_ids", expanding=True))
)
_WORK_ITEMS_OF_INSTANCE = (
    select(*_WORK_ITEM_COLUMNS)
    .where(_WORK_ITEMS.c.instance_id == bindparam("instance_id"))
    .order_by(_WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id)
)
_WORK_ITEMS_OF_INSTANCES = (
    select(*_WORK_ITEM_COLUMNS)
    .where(_WORK_ITEMS.c.instance_id.in_(bindparam("instance_ids", expanding=True)))
    .order_by(_WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id)
)
_LISTED_ITEMS = select(
    *_WORK_ITEM_COLUMNS,
    _INSTANCES.c.process_id,
    _INSTANCES.c.row_version,
    _INSTANCES.c.subject,
).select_from(_WORK_ITEMS.join(_INSTANCES, _WORK_ITEMS.c.instance_id == _INSTANCES.c.id))
#: the admin's order of every task, in two runs each read along an index: those with a due
#: time by it (the overdue, whose time has passed, first: ix_work_items_due), then those
#: without one (ix_work_items_created); oldest first among equals
_DUE_ORDER = (_WORK_ITEMS.c.due_at, _WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id)
_UNDUE_ORDER = (_WORK_ITEMS.c.created_at, _WORK_ITEMS.c.task_id)


def _newest_about_task(kind: str) -> Select[Any]:
    """Return the statement reading an instance's newest event of ``kind`` about a task."""
    return (
        select(*_EVENT_COLUMNS)
        .where(
            _EVENTS.c.instance_id == bindparam("instance_id"),
            _EVENTS.c.type == kind,
            _EVENTS.c.data["task_id"].as_string() == bindparam("task_id"),
        )
        .order_by(_EVENTS.c.seq.desc())
        .limit(1)
    )


_LAST_RETURN = _newest_about_task("sent_back")
_TASK_COMPLETED = _newest_about_task("task_completed")
_INSTANCES_WITH_HASH = (
    select(*_INSTANCE_COLUMNS, Definition.content_hash)
    .join(Definition, Definition.id == _INSTANCES.c.definition_id)
    .order_by(_INSTANCES.c.id.desc())
)
_MARK_WORK_ITEM = (
    update(_WORK_ITEMS)
    .where(_WORK_ITEMS.c.task_id == bindparam("b_task_id"))
    .values(
        claimed_by=bindparam("claimed_by"),
        overdue=bindparam("overdue"),
        reminded_at=bindparam("reminded_at"),
    )
)
_SET_DUE = (
    update(_WORK_ITEMS)
    .where(_WORK_ITEMS.c.task_id == bindparam("b_task_id"))
    .values(due_at=bindparam("due_at"), due_provisional=bindparam("due_provisional"))
)
_DELETE_WORK_ITEM = delete(_WORK_ITEMS).where(_WORK_ITEMS.c.task_id == bindparam("task_id"))
_INSERT_WORK_ITEM = insert(_WORK_ITEMS)
_INSERT_ITEM_USERS = insert(_ITEM_USERS)
_INSERT_ITEM_GROUPS = insert(_ITEM_GROUPS)
_FURTHER_GROUPS_OF = (
    select(_ITEM_GROUPS.c.task_id)
    .where(_ITEM_GROUPS.c.role.in_(bindparam("roles", expanding=True)))
    .limit(1)
)
_INSERT_EVENT = insert(_EVENTS)
_EVENTS_OF_INSTANCE = (
    select(*_EVENT_COLUMNS)
    .where(_EVENTS.c.instance_id == bindparam("instance_id"))
    .order_by(_EVENTS.c.seq)
)
_PARTICIPANTS = table_of(Participant)
_INSERT_PARTICIPANT = insert(_PARTICIPANTS)
_IS_PARTICIPANT = select(_PARTICIPANTS.c.instance_id).where(
    _PARTICIPANTS.c.instance_id == bindparam("instance_id"),
    _PARTICIPANTS.c.username == bindparam("username"),
)
_DEPARTMENT = select(User.department).where(User.username == bindparam("username"))
_STARTERS_DEPARTMENT = select(_INSTANCES.c.department).where(
    _INSTANCES.c.id == bindparam("instance_id")
)
_DEFINITIONS = table_of(Definition)
_DEPLOYED = table_of(DeployedProcess)
_DEFINITION_BY_HASH = select(_DEFINITIONS.c.id).where(
    _DEFINITIONS.c.content_hash == bindparam("content_hash")
)
_PROCESSES_OF = select(_DEPLOYED.c.process_id).where(
    _DEPLOYED.c.definition_id == bindparam("definition_id")
)
_INSERT_DEPLOYED = insert(_DEPLOYED)
_DEFINITION_FILES = select(_DEFINITIONS.c.files).where(
    _DEFINITIONS.c.id == bindparam("definition_id")
)
_LATEST_DEFINITION = (
    select(_DEFINITIONS.c.id, _DEFINITIONS.c.content_hash)
    .join(_DEPLOYED, _DEPLOYED.c.definition_id == _DEFINITIONS.c.id)
    .where(_DEPLOYED.c.process_id == bindparam("process_id"))
    .order_by(_DEFINITIONS.c.id.desc())
    .limit(1)
)
_DUE_INSTANCES = (
    select(_INSTANCES.c.id)
    .where(_INSTANCES.c.status == "running", _INSTANCES.c.next_timer_at <= bindparam("now"))
    .order_by(_INSTANCES.c.next_timer_at)
    .limit(bindparam("limit"))
)
_DUE_INSTANCES_BUT = (
    select(_INSTANCES.c.id)
    .where(
        _INSTANCES.c.status == "running",
        _INSTANCES.c.next_timer_at <= bindparam("now"),
        _INSTANCES.c.id.not_in(bindparam("skip", expanding=True)),
    )
    .order_by(_INSTANCES.c.next_timer_at)
    .limit(bindparam("limit"))
)
_INSERT_ATTACHMENT = insert(table_of(Attachment)).returning(table_of(Attachment).c.id)
_WAITING = table_of(WaitingEvent)
_DELETE_WAITING = delete(_WAITING).where(_WAITING.c.instance_id == bindparam("instance_id"))
_INSERT_WAITING = insert(_WAITING)
_WAITING_FOR = (
    select(_WAITING.c.instance_id)
    .where(_WAITING.c.kind == bindparam("kind"), _WAITING.c.name == bindparam("name"))
    .order_by(_WAITING.c.instance_id)
)
_PROCESS_IDS = select(_DEPLOYED.c.process_id).distinct()
_CONTENT_HASH = select(Definition.content_hash).where(Definition.id == bindparam("definition_id"))

_N_WORK_ITEM = len(_WORK_ITEM_COLUMNS)


class StaleInstanceError(Exception):
    """The instance row changed since it was read."""


class Repository:
    """Reads and writes of the engine's hot path, on one connection in one transaction."""

    def __init__(self, connection: Connection, *, row_locks: bool) -> None:
        self.connection = connection
        # PostgreSQL needs SELECT ... FOR UPDATE; a SQLite writer holds the database lock.
        self.row_locks = row_locks
        self._direct = direct.Runner(connection)

    def _run(self, statement: Executable, params: Params | Sequence[Params] | None = None) -> Rows:
        """Run a hot-path statement straight on the driver (see ``direct``)."""
        return self._direct.execute(statement, params)

    def roles(self, username: str) -> set[str] | None:
        """Return the roles of an active user, or None if there is no such user."""
        rows = self._run(_ROLES, {"username": username}).all()
        if not rows:
            return None
        return {role for (role,) in rows if role is not None}

    def roles_and_department(self, username: str) -> tuple[set[str], str | None] | None:
        """Return an active user's roles and department (as ``roles`` and ``department``).

        None if there is no such user.  One statement instead of two: a start reads both.
        """
        rows = self._run(_ROLES_AND_DEPARTMENT, {"username": username}).all()
        if not rows:
            return None
        return {role for role, _ in rows if role is not None}, rows[0][1]

    def roles_and_task(
        self, username: str, task_id: str
    ) -> tuple[set[str] | None, tuple[WorkItemRow, InstanceRow] | None]:
        """Return a user's roles (None: no such active user) and a work item with its instance.

        The work item is read as ``task_with_instance`` reads it; on SQLite, in the
        same statement as the roles (a step's first read).
        """
        if self.row_locks:
            # The task's instance is locked for the step: not for someone who is nobody.
            held = self.roles(username)
            return held, self.task_with_instance(task_id) if held is not None else None
        rows = self._run(_TASK_WITH_ROLES, {"task_id": task_id, "username": username}).all()
        if not rows:
            return self.roles(username), None
        row = rows[0]
        held = {role for *_, role in rows if role is not None} if row[-2] is not None else None
        item = WorkItemRow(*row[:_N_WORK_ITEM])
        return held, (item, InstanceRow(*row[_N_WORK_ITEM:-2]))

    def task_with_instance(self, task_id: str) -> tuple[WorkItemRow, InstanceRow] | None:
        """Lock a work item's instance, then return the work item as it is now and the instance."""
        params = {"task_id": task_id}
        if not self.row_locks:
            # A SQLite writer holds the database lock already: one read sees it all fresh.
            row = self._run(_TASK, params).first()
            if row is None:
                return None
            return WorkItemRow(*row[:_N_WORK_ITEM]), InstanceRow(*row[_N_WORK_ITEM:])
        # PostgreSQL re-reads only the locked row of a statement that waited for the
        # lock; the rest of it stays as it was when the statement began.  So lock the
        # instance first, then read the work item in a new statement, which sees
        # everything committed by whoever held the lock before.
        instance_id = self._run(_INSTANCE_OF_TASK, params).scalar()
        if instance_id is None:
            return None
        instance = self.instance(instance_id, lock=True)
        row = self._run(_WORK_ITEM, params).first()
        if instance is None or row is None:
            return None  # completed while we waited for the lock
        item = WorkItemRow(*row)
        return (item, instance) if item.instance_id == instance_id else None

    def instance(
        self, instance_id: int, *, lock: bool = False, skip_locked: bool = False
    ) -> InstanceRow | None:
        """Return an instance; with ``lock``, lock it (skipping it if ``skip_locked`` and taken)."""
        query = _INSTANCE
        if lock and self.row_locks:
            query = _INSTANCE_SKIP_LOCKED if skip_locked else _INSTANCE_FOR_UPDATE
        row = self._run(query, {"instance_id": instance_id}).first()
        return InstanceRow(*row) if row is not None else None

    def definition_by_hash(self, content_hash: str) -> tuple[int, tuple[str, ...]] | None:
        """Return the id and process ids of the definition with this content, if deployed."""
        found = self.connection.execute(_DEFINITION_BY_HASH, {"content_hash": content_hash})
        definition_id = found.scalar()
        if definition_id is None:
            return None
        processes = self.connection.execute(_PROCESSES_OF, {"definition_id": definition_id})
        return definition_id, tuple(processes.scalars())

    def insert_definition(
        self,
        content_hash: str,
        files: dict[str, str],
        deployed_at: str,
        deployed_by: str | None,
        processes: list[tuple[str, str, str]],
    ) -> int | None:
        """Store a new definition version with its processes (id, name, file); return its id.

        None: the same content was deployed meanwhile (a second click on 部署, another admin).
        """
        values = {
            "content_hash": content_hash,
            "files": files,
            "deployed_at": deployed_at,
            "deployed_by": deployed_by,
        }
        definition_id = insert_unless_taken(
            self.connection, _DEFINITIONS, values, _DEFINITIONS.c.id
        )
        if definition_id is None:
            return None
        self.connection.execute(
            _INSERT_DEPLOYED,
            [
                {"definition_id": definition_id, "process_id": p, "name": n, "file": f}
                for p, n, f in processes
            ],
        )
        return int(definition_id)

    def definition_files(self, definition_id: int) -> dict[str, str] | None:
        """Return the files of a deployed definition, or None."""
        found = self.connection.execute(_DEFINITION_FILES, {"definition_id": definition_id})
        return found.scalar_one_or_none()

    def latest_definition(self, process_id: str) -> tuple[int, str] | None:
        """Return the id and content hash of the newest definition holding a process."""
        row = self._run(_LATEST_DEFINITION, {"process_id": process_id}).first()
        return (row[0], row[1]) if row is not None else None

    def due_instances(self, now: str, limit: int, skip: Sequence[int] = ()) -> list[int]:
        """Return running instances whose next timer is due, soonest first, but for ``skip``."""
        params: dict[str, Any] = {"now": now, "limit": limit}
        if skip:
            params["skip"] = list(skip)
        result = self.connection.execute(_DUE_INSTANCES_BUT if skip else _DUE_INSTANCES, params)
        return list(result.scalars())

    def insert_attachment(self, values: dict[str, Any]) -> int:
        """Store an uploaded file; return its id."""
        return int(self.connection.execute(_INSERT_ATTACHMENT, values).scalar_one())

    def set_waiting_events(self, instance_id: int, events: Iterable[tuple[str, str]]) -> None:
        """Record the (kind, name) of every message and signal an instance now waits for."""
        self._run(_DELETE_WAITING, {"instance_id": instance_id})
        rows = [{"instance_id": instance_id, "kind": k, "name": n} for k, n in sorted(set(events))]
        if rows:
            self._run(_INSERT_WAITING, rows)

    def waiting_for(self, kind: str, name: str) -> list[int]:
        """Return the instances waiting for a message or signal of that name."""
        found = self.connection.execute(_WAITING_FOR, {"kind": kind, "name": name})
        return list(found.scalars())

    def process_ids(self) -> list[str]:
        """Return every process id ever deployed."""
        return sorted(self.connection.execute(_PROCESS_IDS).scalars())

    def definition_versions(
        self, before: int | None, limit: int
    ) -> list[tuple[int, str, str | None, list[tuple[str, str, str]]]]:
        """Return up to ``limit`` deployed definitions, newest first, older than ``before``.

        Each is (id, deployed at, deployed by, its processes: id, name, file).
        """
        d, p = _DEFINITIONS.c, _DEPLOYED.c
        query = select(d.id, d.deployed_at, d.deployed_by).order_by(d.id.desc()).limit(limit)
        if before is not None:
            query = query.where(d.id < before)
        rows = self.connection.execute(query).all()
        processes: dict[int, list[tuple[str, str, str]]] = {row.id: [] for row in rows}
        if rows:
            found = select(p.definition_id, p.process_id, p.name, p.file).where(
                p.definition_id.in_(list(processes))
            )
            for row in self.connection.execute(found.order_by(p.definition_id, p.process_id)):
                processes[row.definition_id].append((row.process_id, row.name, row.file))
        return [(r.id, r.deployed_at, r.deployed_by, processes[r.id]) for r in rows]

    def content_hash(self, definition_id: int) -> str:
        """Return the content hash of a deployed definition."""
        return self.connection.execute(_CONTENT_HASH, {"definition_id": definition_id}).scalar_one()

    def insert_instance(self, row: InstanceRow, department: str | None = None) -> int:
        """Insert a new instance, of the starter's ``department``, and return its id."""
        values = {k: v for k, v in _values(row).items() if k != "id"}
        values["department"] = department
        return int(self._run(_INSERT_INSTANCE, values).scalar_one())

    def update_instance(
        self, row: InstanceRow, read_version: int, read_key: tuple[str, str | None] | None = None
    ) -> None:
        """Write ``row`` back if nobody changed it since ``read_version``; else raise.

        ``read_key`` is the status and next timer as read: when they are the
        same now, the row is written without them (and their index is not).
        """
        same_key = read_key == (row.status, row.next_timer_at)
        columns = _INSTANCE_WRITTEN if not same_key else _UPDATE_KEEPS
        values = {name: getattr(row, name) for name in columns}
        values["b_id"] = row.id
        values["b_version"] = read_version
        statement = _UPDATE_INSTANCE_SAME_KEY if same_key else _UPDATE_INSTANCE
        if self._run(statement, values).rowcount != 1:
            raise StaleInstanceError(row.id)

    def work_items(self, task_ids: Sequence[str]) -> list[WorkItemRow]:
        """Return the work items of the given task ids."""
        if not task_ids:
            return []
        result = self.connection.execute(_WORK_ITEMS_BY_ID, {"task_ids": list(task_ids)})
        return [WorkItemRow(*r) for r in result]

    def work_items_of(self, instance_id: int) -> list[WorkItemRow]:
        """Return the work items of an instance, oldest first."""
        result = self.connection.execute(_WORK_ITEMS_OF_INSTANCE, {"instance_id": instance_id})
        return [WorkItemRow(*r) for r in result]

    def work_items_of_instances(self, instance_ids: Sequence[int]) -> dict[int, list[WorkItemRow]]:
        """Return the work items of these instances, oldest first, by instance (one read)."""
        found: dict[int, list[WorkItemRow]] = {}
        if not instance_ids:
            return found
        ids = {"instance_ids": list(instance_ids)}
        for r in self.connection.execute(_WORK_ITEMS_OF_INSTANCES, ids):
            item = WorkItemRow(*r)
            found.setdefault(item.instance_id, []).append(item)
        return found

    def further_groups(self, roles: Iterable[str]) -> bool:
        """Tell whether any task is open to one of these groups through a further group.

        One probe of ``work_item_groups``' key: most inboxes then read only the
        parts of tasks' first groups.
        """
        found = self.connection.execute(_FURTHER_GROUPS_OF, {"roles": sorted(roles)})
        return found.first() is not None

    def inbox_items(
        self, who: InboxReader, after: InboxKey | None, limit: int
    ) -> list[tuple[WorkItemRow, str, int, str | None]]:
        """Return a page of the work items ``who`` may take: claimed first, then oldest first.

        Each item comes with its process id, row version and subject.
        """
        if not who.roles:
            return []
        query = _inbox_page(who.visible(after))
        rows = self.connection.execute(query, who.parameters(after, limit))
        return [(WorkItemRow(*r[:_N_WORK_ITEM]), r[-3], r[-2], r[-1]) for r in rows]

    def inbox_count(self, who: InboxReader, cap: int) -> int:
        """Count the work items ``who`` may take, up to ``cap``."""
        if not who.roles:
            return 0
        # Counted over the same ordered parts as a page: ordered by its index, each part
        # walks that index even where PostgreSQL's estimate would rather scan the table.
        query = _inbox_count(who.visible(None))
        if self.connection.dialect.name == "postgresql":
            # With a cap of a thousand, PostgreSQL's estimate of a part (a group's tasks of
            # no department: it takes group and department as unrelated) makes a scan of the
            # whole table and a sort look cheaper than the index; the rest of this read
            # transaction (nothing after the count) walks indexes.
            # A count prepared once (psycopg prepares what runs often) would keep a plan made
            # for no group in particular: each is planned for the groups it counts.
            self.connection.exec_driver_sql(
                "SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan"
            )
        return int(self.connection.execute(query, who.parameters(None, cap)).scalar_one())

    def open_work_items(
        self, after: UrgencyKey | None, limit: int, role: str | None = None
    ) -> list[tuple[WorkItemRow, str, int, str | None]]:
        """Return a page of all work items, most urgent first, with process, version, subject.

        Those with a due time come first, the nearest (the overdue) first, then
        those with none; oldest first among equals.  Each run is read along its
        index from where the page before ended, so a page costs the same however
        many tasks there are.  With ``role``, those for that group: as their
        first group or a further one.
        """
        base = _LISTED_ITEMS
        if role:
            base = base.where(_of_group(role, self.further_groups([role])))
        runs = (
            (0, _WORK_ITEMS.c.due_at.is_not(None), _DUE_ORDER, after[1:] if after else None),
            (1, _WORK_ITEMS.c.due_at.is_(None), _UNDUE_ORDER, after[2:] if after else None),
        )
        rows: list[Any] = []
        for run, where, order, key in runs:
            if (after is not None and after[0] > run) or len(rows) >= limit:
                continue
            query = base.where(where)
            if key is not None and after is not None and after[0] == run:
                query = query.where(tuple_(*order) > tuple_(*key))
            rows += self.connection.execute(query.order_by(*order).limit(limit - len(rows)))
        return [(WorkItemRow(*r[:_N_WORK_ITEM]), r[-3], r[-2], r[-1]) for r in rows]

    def open_groups(self, cap: int) -> list[str]:
        """Return the groups open tasks are for, sorted, at most ``cap`` of them."""
        found: set[str] = set()
        for query in _OPEN_GROUPS:
            found.update(self.connection.execute(query, {"cap": cap}).scalars())
        return sorted(found)[:cap]

    def open_work_items_count(self, cap: int, role: str | None = None) -> int:
        """Count the open work items (for one group, if given), up to ``cap``."""
        query = select(_WORK_ITEMS.c.task_id)
        if role:
            query = query.where(_of_group(role, self.further_groups([role])))
        return self._count_upto(query, cap)

    def _count_upto(self, query: Select[Any], cap: int) -> int:
        # Counting stops at the cap, so a count costs no more than a page's worth of rows.
        bounded = query.limit(cap).subquery()
        return int(self.connection.execute(select(func.count()).select_from(bounded)).scalar_one())

    def instances(
        self, process_id: str | None = None, status: str | None = None
    ) -> list[tuple[InstanceRow, str]]:
        """Return instances, newest first, each with its definition's content hash."""
        query = _INSTANCES_WITH_HASH
        if process_id:
            query = query.where(_INSTANCES.c.process_id == process_id)
        if status:
            query = query.where(_INSTANCES.c.status == status)
        return [(InstanceRow(*r[:-1]), r[-1]) for r in self.connection.execute(query)]

    def last_return_of(self, instance_id: int, task_id: str) -> EventRow | None:
        """Return the newest event that sent a task back, if any."""
        params = {"instance_id": instance_id, "task_id": task_id}
        row = self.connection.execute(_LAST_RETURN, params).first()
        return EventRow(*row) if row is not None else None

    def completion_of(self, instance_id: int, task_id: str) -> EventRow | None:
        """Return the event that completed a task of the instance, if any."""
        params = {"instance_id": instance_id, "task_id": task_id}
        row = self.connection.execute(_TASK_COMPLETED, params).first()
        return EventRow(*row) if row is not None else None

    def mark_work_item(self, item: WorkItemRow) -> None:
        """Write a work item's claim, overdue mark and reminder time."""
        self._run(
            _MARK_WORK_ITEM,
            {
                "b_task_id": item.task_id,
                "claimed_by": item.claimed_by,
                "overdue": item.overdue,
                "reminded_at": item.reminded_at,
            },
        )

    def set_due(self, task_id: str, due_at: str | None, provisional: bool) -> None:
        """Change when a ready task is due, and whether that may still move."""
        self._run(
            _SET_DUE, {"b_task_id": task_id, "due_at": due_at, "due_provisional": provisional}
        )

    def delete_work_items(self, task_ids: Sequence[str]) -> None:
        """Delete the work items of tasks that are no longer ready."""
        if task_ids:
            # The users a task names go with it (ON DELETE CASCADE).
            self._run(_DELETE_WORK_ITEM, [{"task_id": t} for t in task_ids])

    def insert_work_items(self, items: Iterable[WorkItemRow]) -> None:
        """Insert work items for newly ready tasks."""
        values = []
        named = []
        grouped = []
        for item in items:
            values.append({**_values(item), "named": item.allowed_users is not None})
            named += [
                {"task_id": item.task_id, "kind": kind, "username": user}
                for kind, users in (
                    ("excluded", item.excluded_users),
                    ("allowed", item.allowed_users or ()),
                    ("user", item.users or ()),
                )
                for user in users
            ]
            # Only a task with several groups writes rows here: most write none.
            grouped += [
                {"role": group, "created_at": item.created_at, "task_id": item.task_id}
                for group in dict.fromkeys(item.further_groups())
            ]
        if values:
            self._run(_INSERT_WORK_ITEM, values)
        if named:
            self._run(_INSERT_ITEM_USERS, named)
        if grouped:
            self._run(_INSERT_ITEM_GROUPS, grouped)

    def add_participant(self, instance_id: int, username: str) -> None:
        """Record that ``username`` worked on the instance (he may read it from now on)."""
        self._run(_INSERT_PARTICIPANT, {"instance_id": instance_id, "username": username})

    def is_participant(self, instance_id: int, username: str) -> bool:
        """Tell whether ``username`` started the instance or completed one of its tasks."""
        params = {"instance_id": instance_id, "username": username}
        return self.connection.execute(_IS_PARTICIPANT, params).first() is not None

    def department(self, username: str) -> str | None:
        """Return the department a user works in, if any."""
        department: str | None = self._run(_DEPARTMENT, {"username": username}).scalar()
        return department

    def starters_department(self, instance_id: int) -> str | None:
        """Return the department whoever started the instance was in when he started it."""
        params = {"instance_id": instance_id}
        return self.connection.execute(_STARTERS_DEPARTMENT, params).scalar()

    def insert_events(self, events: Sequence[EventRow]) -> None:
        """Append events to the log."""
        if events:
            self._run(_INSERT_EVENT, [_values(e) for e in events])

    def events_page(self, instance_id: int, from_seq: int, limit: int) -> list[EventRow]:
        """Return at most ``limit`` events of an instance from event ``from_seq`` on."""
        query = (
            select(*_EVENT_COLUMNS)
            .where(_EVENTS.c.instance_id == instance_id, _EVENTS.c.seq >= from_seq)
            .order_by(_EVENTS.c.seq)
            .limit(limit)
        )
        return [EventRow(*r) for r in self.connection.execute(query)]

    def display_names_of(self, usernames: Iterable[str]) -> dict[str, str]:
        """Return the display names of these users (those that exist)."""
        wanted = sorted(set(usernames))
        if not wanted:
            return {}
        query = select(User.username, User.display_name).where(User.username.in_(wanted))
        return dict(self.connection.execute(query).all())

    def browse_instances(
        self, where: Sequence[Any], before_id: int | None, limit: int
    ) -> list[InstanceRow]:
        """Return at most ``limit`` instances matching ``where``, newest first, below an id."""
        query = select(*_INSTANCE_COLUMNS).where(*where)
        if before_id is not None:
            query = query.where(_INSTANCES.c.id < before_id)
        query = query.order_by(_INSTANCES.c.id.desc()).limit(limit)
        return [InstanceRow(*r) for r in self.connection.execute(query)]

    def newest_events(
        self, instance_id: int, types: Sequence[str], whole: int, glanced: int = 0
    ) -> tuple[list[EventRow], list[tuple[str, str | None]]]:
        """Return an instance's newest events of these types, oldest first.

        The newest ``whole`` come whole; of the newest ``glanced`` (if more),
        read only where there are more, the type and actor.  Read back from the
        newest along the instance's (instance, seq) key: a long history costs
        no more than a short one.
        """
        params: dict[str, Any] = {f"type_{i}": kind for i, kind in enumerate(types)}
        params["instance_id"] = instance_id
        rows = self._run(_newest_of(len(types), True), params | {"limit": whole}).all()
        events = [EventRow(*row) for row in reversed(rows)]
        if glanced <= whole or len(rows) < whole:
            return events, [(e.type, e.actor) for e in events]
        acts = self._run(_newest_of(len(types), False), params | {"limit": glanced}).all()
        return events, [(kind, actor) for kind, actor in reversed(acts)]

    def events_of(self, instance_id: int) -> list[EventRow]:
        """Return the events of an instance in chain order."""
        result = self.connection.execute(_EVENTS_OF_INSTANCE, {"instance_id": instance_id})
        return [EventRow(*r) for r in result]
