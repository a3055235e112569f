"""Who may do what and read what: users, roles, separation of duties, claims, need to know."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import roles
from .errors import ConflictError, NotFoundError, PermissionDeniedError
from .store.models import User
from .store.repository import InstanceRow, Repository, WorkItemRow

#: what a user name may be: it is an identifier, so nothing invisible or look-alike.
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def active_user(session: Session, username: str) -> User:
    """Return the active user of that name, or raise ``NotFoundError``."""
    if not isinstance(username, str) or not USERNAME.match(username):
        raise NotFoundError(f"无此用户 / No user {username!r}")
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFoundError(f"无此用户 / No user '{username}'")
    return user


def roles_of(repo: Repository, username: str) -> set[str]:
    """Return the roles of an active user, or raise ``NotFoundError``."""
    if not isinstance(username, str) or not USERNAME.match(username):
        raise NotFoundError(f"无此用户 / No user {username!r}")
    held = repo.roles(username)
    if held is None:
        raise NotFoundError(f"无此用户 / No user '{username}'")
    return held


def task_and_instance(repo: Repository, task_id: str) -> tuple[WorkItemRow, InstanceRow]:
    """Return a ready task's work item, read after locking its instance, or raise a conflict."""
    if not _is_task_id(task_id):
        raise NotFoundError(f"无此任务 / No task {task_id!r}")
    found = repo.task_with_instance(task_id)
    if found is None:
        raise ConflictError(
            "该任务不存在或已完成 / This task does not exist or has already been completed."
        )
    return found


def _is_task_id(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def existing_instance(repo: Repository, instance_id: int) -> InstanceRow:
    """Return an instance, or raise ``NotFoundError``."""
    instance = repo.instance(instance_id) if is_id(instance_id) else None
    if instance is None:
        raise NotFoundError(f"无此实例 / No instance {instance_id}")
    return instance


#: roles that read every instance: the disclosure office, auditors (read-only) and admins.
READ_ALL_ROLES = frozenset({"office", "auditor", "admin"})
#: the role that reads what the people of its department start (处室负责人).
HEAD_ROLE = "dept_head"
_NOT_YOURS = (
    "无权查看，或不存在 / You may not read this, or it does not exist "
    "(only the people who work on it, the office, auditors and admins may)."
)


def reads_everything(held: set[str]) -> bool:
    """Tell whether holders of these roles may read every instance."""
    return bool(held & READ_ALL_ROLES)


def may_read(repo: Repository, username: str, held: set[str], instance_id: int) -> bool:
    """Tell whether a user may read an instance.

    He may if he worked on it or may work on it now, if he heads the
    department of whoever started it, or if he reads everything.
    """
    if reads_everything(held) or repo.is_participant(instance_id, username):
        return True
    if any(
        item.role in held and may_see(username, item) for item in repo.work_items_of(instance_id)
    ):
        return True
    return HEAD_ROLE in held and heads_department_of(repo, username, instance_id)


def heads_department_of(repo: Repository, username: str, instance_id: int) -> bool:
    """Tell whether the user works in the department of the instance's starter."""
    department = repo.department(username)
    return department is not None and department == repo.starters_department(instance_id)


def refused(held: set[str], missing: bool) -> PermissionDeniedError | NotFoundError:
    """Return the error for a read that is not allowed or finds nothing.

    Only a user who may read everything learns that something does not exist;
    anyone else gets the same refusal either way.
    """
    if missing and reads_everything(held):
        return NotFoundError("找不到 / Not found.")
    return PermissionDeniedError(_NOT_YOURS)


#: the largest row id the databases store (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


def is_id(value: object) -> bool:
    """Tell whether ``value`` can be the id of a row (anything else names nothing)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def readable_instance(repo: Repository, username: str, instance_id: int) -> InstanceRow:
    """Return an instance the user may read, or raise (without telling whether it exists)."""
    held = roles_of(repo, username)
    instance = repo.instance(instance_id) if is_id(instance_id) else None
    if instance is None or not may_read(repo, username, held, instance_id):
        raise refused(held, instance is None)
    return instance


def may_see(username: str, item: WorkItemRow) -> bool:
    """Tell whether a holder of the task's role may take it (claims, duties, assignment)."""
    return (
        username not in item.excluded_users
        and (item.allowed_users is None or username in item.allowed_users)
        and item.claimed_by in (None, username)
    )


def check_may_work(username: str, held: set[str], item: WorkItemRow) -> None:
    """Raise ``PermissionDeniedError`` unless the user may take the task."""
    if item.role not in held:
        raise PermissionDeniedError(
            f"用户 {username} 无“{roles.ROLES[item.role][0]}”角色，不能办理此任务 / "
            f"User {username} lacks the role '{item.role}' this task needs."
        )
    if username in item.excluded_users:
        raise PermissionDeniedError(
            f"不能审核本人起草的内容 / {username} may not take this task: "
            "nobody reviews his own work (separation of duties)."
        )
    if item.allowed_users is not None and username not in item.allowed_users:
        raise PermissionDeniedError(
            f"此任务由 {'、'.join(item.allowed_users)} 办理 / Only "
            f"{', '.join(item.allowed_users)} may take this task (谁起草、谁解读)."
        )
    if item.claimed_by not in (None, username):
        raise PermissionDeniedError(
            f"此任务已由 {item.claimed_by} 认领 / This task is claimed by {item.claimed_by}."
        )
