"""Who may do what: users, roles, separation of duties, claims."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import roles
from .errors import ConflictError, NotFoundError, PermissionDeniedError
from .store.models import User
from .store.repository import InstanceRow, Repository, WorkItemRow


def active_user(session: Session, username: str) -> User:
    """Return the active user of that name, or raise ``NotFoundError``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFoundError(f"无此用户 / No user '{username}'")
    return user


def roles_of(repo: Repository, username: str) -> set[str]:
    """Return the roles of an active user, or raise ``NotFoundError``."""
    held = repo.roles(username)
    if held is None:
        raise NotFoundError(f"无此用户 / No user '{username}'")
    return held


def task_and_instance(repo: Repository, task_id: str) -> tuple[WorkItemRow, InstanceRow]:
    """Return a ready task's work item, read after locking its instance, or raise a conflict."""
    found = repo.task_with_instance(task_id)
    if found is None:
        raise ConflictError(
            "该任务不存在或已完成 / This task does not exist or has already been completed."
        )
    return found


def existing_instance(repo: Repository, instance_id: int) -> InstanceRow:
    """Return an instance, or raise ``NotFoundError``."""
    instance = repo.instance(instance_id)
    if instance is None:
        raise NotFoundError(f"无此实例 / No instance {instance_id}")
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
