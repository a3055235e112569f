"""Small helpers the step definitions share: finding tasks, China time."""

from __future__ import annotations

from datetime import UTC, datetime

from engine import Engine
from engine.disclosure.workdays import CHINA
from engine.views import TaskView


def beijing(text: str) -> datetime:
    """Return the UTC moment of ``YYYY-MM-DD HH:MM`` China Standard Time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA).astimezone(UTC)


def task_of(engine: Engine, instance_id: int, element: str, user: str) -> TaskView:
    """Return the task ``element`` of an instance from ``user``'s inbox."""
    tasks = [
        t
        for t in engine.queries.list_tasks(user)
        if t.instance_id == instance_id and t.element_id == element
    ]
    assert tasks, f"{user} has no '{element}' task of instance {instance_id}; inbox: " + str(
        [(t.instance_id, t.element_id) for t in engine.queries.list_tasks(user)]
    )
    return tasks[0]


def waiting_task(engine: Engine, instance_id: int, element: str) -> TaskView:
    """Return the waiting task ``element`` of an instance, whoever may take it."""
    tasks = [
        t for t in engine.queries.get_instance(instance_id).ready_tasks if t.element_id == element
    ]
    assert tasks, f"instance {instance_id} waits for no '{element}'"
    return tasks[0]
