"""Views built from stored rows and live workflows, for the engine's callers."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .definitions import CompiledDefinition
from .store import jsontext
from .store.repository import EventRow, InstanceRow, WorkItemRow
from .views import EventView, InstanceView, TaskView


def json_data(data: dict[str, Any]) -> dict[str, Any]:
    """Return task or workflow data as plain JSON, without internal keys."""
    # Scripts may leave dates in task data; events and views hold JSON only.
    public = {k: v for k, v in data.items() if not k.startswith("_")}
    try:
        # What the round trip through JSON text gives plain data, without the text.
        copied: dict[str, Any] = jsontext.plain_copy(public)
        return copied
    except ValueError:
        pass
    plain: dict[str, Any] = jsontext.loads(jsontext.dumps(public, default=str))
    return plain


def task_of(item: WorkItemRow, instance: InstanceRow) -> TaskView:
    """Return the view of a work item of ``instance``."""
    return task_view(item, instance.process_id, instance.row_version, instance.subject)


def task_view(
    item: WorkItemRow, process_id: str, version: int, subject: str | None = None
) -> TaskView:
    """Return the view of a work item."""
    return TaskView(
        item.task_id,
        item.instance_id,
        process_id,
        item.element_id,
        item.name,
        item.role,
        item.form,
        item.claimed_by,
        item.created_at,
        item.due_at,
        version,
        item.overdue,
        item.reminded_at,
        subject,
        item.labels,
        item.due_provisional,
        item.returned,
        item.every_group(),
        tuple(item.users or ()),
    )


def event_view(event: EventRow) -> EventView:
    """Return the view of an event."""
    return EventView(
        event.seq, event.type, event.actor, event.at, event.data, event.prev_hash, event.hash
    )


def instance_view(
    instance: InstanceRow,
    compiled: CompiledDefinition,
    workflow: BpmnWorkflow,
    ready: tuple[TaskView, ...],
    *,
    ready_in_workflow: bool = False,
) -> InstanceView:
    """Return the view of an instance with its current data and ready tasks.

    ``ready_in_workflow``: ``ready`` are tasks ready in ``workflow`` itself (as a
    step's save gives them), so that it is unfinished unless it says it is
    complete, without a walk of its tasks to find one.
    """
    if (not (ready_in_workflow and ready) or workflow.completed) and workflow.is_completed():
        data = workflow.data
    else:
        data = (workflow.last_task or workflow.task_tree).data
    return instance_summary(instance, compiled.content_hash, json_data(data), ready)


def instance_summary(
    instance: InstanceRow,
    content_hash: str,
    data: dict[str, Any] | None = None,
    ready: tuple[TaskView, ...] = (),
) -> InstanceView:
    """Return the view of an instance from its row alone."""
    return InstanceView(
        instance.id,
        instance.process_id,
        instance.definition_id,
        content_hash,
        instance.status,
        instance.row_version,
        instance.started_by,
        instance.started_at,
        instance.updated_at,
        instance.completed_at,
        data or {},
        ready,
    )
