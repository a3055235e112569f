"""Who may do what and read what: groups, separation of duties, claims, need to know."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import ConflictError, NotFoundError, PermissionDeniedError
from .store.repository import InstanceRow, Repository, WorkItemRow

if TYPE_CHECKING:
    from .definitions import CompiledDefinition

#: what a user name may be: it is an identifier, so nothing invisible or look-alike.
USERNAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}\Z")
#: the group of a task anyone may take (a user task outside every lane, by default).
ANYONE = "*"
#: what a group's name may be: as a lane names it ("Finance Team", 财务处) and a work item
#: and a user's groups keep it (32 characters): printable, no comma, no outer space.
GROUP_NAME = re.compile(r"[^\s,\x00-\x1f\x7f](?:[^,\x00-\x1f\x7f]{0,30}[^\s,\x00-\x1f\x7f])?")
#: the largest row id the databases store (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


def is_id(value: object) -> bool:
    """Tell whether ``value`` can be the id of a row (anything else names nothing)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def is_username(value: object) -> bool:
    """Tell whether ``value`` can be a user name (anything else names nobody)."""
    return isinstance(value, str) and USERNAME.match(value) is not None


def is_group_name(value: object) -> bool:
    """Tell whether ``value`` can be a group's name (a lane's, a user's group)."""
    return isinstance(value, str) and value != ANYONE and GROUP_NAME.fullmatch(value) is not None


def roles_of(repo: Repository, username: str) -> set[str]:
    """Return the groups of an active user, or raise ``NotFoundError``."""
    held = repo.roles(username) if is_username(username) else None
    if held is None:
        raise NotFoundError("user.not_found", user=username)
    return held


def roles_and_department_of(repo: Repository, username: str) -> tuple[set[str], str | None]:
    """Return the groups and department of an active user, or raise as ``roles_of`` does."""
    found = repo.roles_and_department(username) if is_username(username) else None
    if found is None:
        raise NotFoundError("user.not_found", user=username)
    return found


def check_admin(repo: Repository, username: str, admin_groups: frozenset[str]) -> None:
    """Raise ``PermissionDeniedError`` unless the user is in one of the admin groups."""
    if not roles_of(repo, username) & admin_groups:
        raise PermissionDeniedError("admin.only", user=username)


def task_and_instance(repo: Repository, task_id: str) -> tuple[WorkItemRow, InstanceRow]:
    """Return a ready task's work item, read after locking its instance, or raise."""
    if not _is_task_id(task_id):
        raise NotFoundError("task.not_found", task=task_id)
    found = repo.task_with_instance(task_id)
    if found is None:
        raise ConflictError("task.gone")
    return found


def worker_and_task(
    repo: Repository, username: str, task_id: str
) -> tuple[set[str], WorkItemRow, InstanceRow]:
    """Return a user's groups and a ready task's work item and instance, or raise.

    As ``roles_of`` then ``task_and_instance``, with the same errors in the
    same order, in one read where the database allows.
    """
    if not is_username(username) or not _is_task_id(task_id):
        return roles_of(repo, username), *task_and_instance(repo, task_id)
    held, found = repo.roles_and_task(username, task_id)
    if held is None:
        raise NotFoundError("user.not_found", user=username)
    if found is None:
        raise ConflictError("task.gone")
    return held, *found


#: a task id as the engine writes them: ``str(uuid.UUID(...))``, lowercase, with hyphens
_TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def _is_task_id(value: object) -> bool:
    """Tell whether ``value`` is a UUID's text exactly as ``str(uuid.UUID(value))`` writes it."""
    return isinstance(value, str) and _TASK_ID.match(value) is not None


def existing_instance(repo: Repository, instance_id: int) -> InstanceRow:
    """Return an instance, or raise ``NotFoundError``."""
    instance = repo.instance(instance_id) if is_id(instance_id) else None
    if instance is None:
        raise NotFoundError("instance.not_found", instance=instance_id)
    return instance


def holds(held: set[str], item: WorkItemRow, username: str | None = None) -> bool:
    """Tell whether someone with these groups (and this name) is one the task is for.

    A task is for its ``role`` and, when the BPMN names several groups
    (``camunda:candidateGroups``), for each of the others too; and for the
    users it lists besides them (``camunda:candidateUsers``), whatever their groups.
    """
    if username is not None and username in (item.users or ()):
        return True
    return any(group == ANYONE or group in held for group in item.every_group())


def check_may_start(
    username: str | None, held: set[str], compiled: CompiledDefinition, process_id: str
) -> None:
    """Raise ``PermissionDeniedError`` unless the user holds a group that may start the process.

    A process that names no group, or the group of anyone, is open to everyone signed in.
    """
    groups = compiled.start_groups.get(process_id, ())
    if groups and ANYONE not in groups and held.isdisjoint(groups):
        group = groups[0] if len(groups) == 1 else list(groups)
        raise PermissionDeniedError("process.not_your_group", user=username, group=group)


def may_see(username: str, item: WorkItemRow, department: str | None) -> bool:
    """Tell whether a member of the task's group may take it (claims, duties, department)."""
    return (
        username not in item.excluded_users
        and (item.allowed_users is None or username in item.allowed_users)
        and item.claimed_by in (None, username)
        and item.department in (None, department)
    )


def check_may_work(repo: Repository, username: str, held: set[str], item: WorkItemRow) -> None:
    """Raise ``PermissionDeniedError`` unless the user may take the task."""
    if not holds(held, item, username):
        raise PermissionDeniedError(
            "task.not_your_group", user=username, group=item.groups or item.role
        )
    if item.department is not None and repo.department(username) != item.department:
        raise PermissionDeniedError("task.other_department", department=item.department)
    if username in item.excluded_users:
        raise PermissionDeniedError("task.own_work", user=username)
    if item.allowed_users is not None and username not in item.allowed_users:
        raise PermissionDeniedError("task.only_for", users=list(item.allowed_users))
    if item.claimed_by not in (None, username):
        raise PermissionDeniedError("task.claimed", user=item.claimed_by)


class ReadPolicy:
    """Who may read an instance: need to know, decided here and nowhere else.

    Whoever started an instance or completed one of its tasks may read it,
    and whoever may take one of its tasks now.  Members of ``read_all``
    groups read every instance; members of ``heads`` groups read what anyone
    of their department starts.
    """

    def __init__(self, read_all: Iterable[str] = (), heads: Iterable[str] = ()) -> None:
        self.read_all = frozenset(read_all)
        self.heads = frozenset(heads)

    def reads_everything(self, held: set[str]) -> bool:
        """Tell whether members of these groups may read every instance."""
        return bool(held & self.read_all)

    def heads_a_department(self, held: set[str]) -> bool:
        """Tell whether members of these groups read what their department starts."""
        return bool(held & self.heads)

    def may_read(self, repo: Repository, username: str, held: set[str], instance_id: int) -> bool:
        """Tell whether a user may read an instance."""
        if self.reads_everything(held) or repo.is_participant(instance_id, username):
            return True
        department = repo.department(username)
        if any(
            holds(held, item, username) and may_see(username, item, department)
            for item in repo.work_items_of(instance_id)
        ):
            return True
        if not self.heads_a_department(held):
            return False
        return department is not None and department == repo.starters_department(instance_id)

    def refused(self, held: set[str], missing: bool) -> PermissionDeniedError | NotFoundError:
        """Return the error for a read that is not allowed or finds nothing.

        Only a user who may read everything learns that something does not
        exist; anyone else gets the same refusal either way.
        """
        if missing and self.reads_everything(held):
            return NotFoundError("read.not_found")
        return PermissionDeniedError("read.refused")

    def readable_instance(self, repo: Repository, username: str, instance_id: int) -> InstanceRow:
        """Return an instance the user may read, or raise (not telling whether it exists)."""
        held = roles_of(repo, username)
        instance = repo.instance(instance_id) if is_id(instance_id) else None
        if instance is None or not self.may_read(repo, username, held, instance_id):
            raise self.refused(held, instance is None)
        return instance
