"""Figures for monitoring, read when a scraper asks: open tasks and overdue tasks.

Each figure is one ``count`` over the work items (the ready user tasks), so
that a scrape costs the same few milliseconds however busy the engine is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from .store.models import WorkItem, table_of
from .store.unit import Store

_WORK_ITEMS = table_of(WorkItem)
#: every ready user task (an index-only count: the table is narrow and every row counts)
_OPEN = select(func.count()).select_from(_WORK_ITEMS)
#: ready user tasks whose due time has passed (due times are UTC text: compared as text)
_OVERDUE = (
    select(func.count())
    .select_from(_WORK_ITEMS)
    .where(_WORK_ITEMS.c.due_at.is_not(None), _WORK_ITEMS.c.due_at < bindparam("now"))
)


@dataclass(frozen=True)
class TaskCounts:
    """How many tasks are open, and how many of them are past their due time."""

    open: int
    overdue: int


def task_counts(store: Store, now: str) -> TaskCounts:
    """Count the open tasks and those due before ``now`` (the engine's time text)."""
    with store.read() as repo:
        connection = repo.connection
        open_ = int(connection.execute(_OPEN).scalar_one())
        overdue = int(connection.execute(_OVERDUE, {"now": now}).scalar_one())
    return TaskCounts(open_, overdue)
