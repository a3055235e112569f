"""Event sub-processes as BPMN runs them, where SpiffWorkflow 3.2 does not.

SpiffWorkflow starts an event sub-process's timer with its process and
waits for it at the process's end, so a process whose own flow has ended
stays running until the timer fires, and then runs the handler of a finished
case.  It reads no ``isInterrupting`` on a start event either, so an
interrupting handler runs beside the flow it should have ended.  And it
starts a handler whose start event waits for a message or signal only when
that arrives, so nothing shows the instance waits for it.  Here (by step
rules 8):

- once nothing of a process (or sub-process) but the handlers that have not
  started is left, those are cancelled and the process ends;
- a handler whose start event interrupts cancels the rest of its process
  when it starts;
- the messages and signals handlers of the top process start on are among
  those the instance waits for.

By step rules 9 a handler of a sub-process under way starts on its message
or signal as well (SpiffWorkflow starts only the top process's), and a scope
that an interrupting handler has interrupted starts no handler again.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def drawn(spec: BpmnProcessSpec) -> bool:
    """Tell whether a process (not its sub-processes) has event sub-processes."""
    start = spec.start
    return bool(getattr(start, "trigger_specs", ())) or any(
        isinstance(output, SubWorkflowTask) for output in start.outputs
    )


def settle(workflow: BpmnWorkflow) -> bool:
    """End what event sub-processes end in every scope; tell whether anything changed."""
    changed = False
    for scope in (workflow, *list(workflow.subprocesses.values())):
        if not scope.completed:
            changed = _settle(workflow, scope) or changed
    return changed


def _settle(top: BpmnWorkflow, scope: Any) -> bool:
    own = scope.get_tasks(skip_subprocesses=True)
    handlers = [task for task in own if _is_handler(task)]
    if not handlers:
        return False
    active = [task for task in own if task.has_state(ACTIVE)]
    ends = [task for task in active if _is_end(task)]
    started = {task.id for task in handlers if _started(top, task)}
    if any(task.id in started and _interrupts(top, task) for task in handlers):
        # what it interrupts: all else, other handlers too (a handler that ran has finished)
        cancelled = [task for task in active if task.id not in started and not _is_end(task)]
    elif any(task not in handlers and not _is_end(task) for task in active) or not ends:
        return False
    else:
        cancelled = [task for task in active if task.id not in started and task in handlers]
    if not cancelled:
        return False
    for task in cancelled:
        if task.state != TaskState.CANCELLED and task.id in task.workflow.tasks:
            task.cancel()
    for end in ends:
        end.task_spec._update(end)  # the join waited for what was just cancelled
    return True


def _is_handler(task: Task) -> bool:
    """Tell whether a task is an event sub-process (one its process's start starts)."""
    # SpiffWorkflow reads triggeredByEvent as a namespaced attribute, never finding it, so
    # the handler is a plain sub-process task that the process's start leads to
    spec, start = task.task_spec, task.workflow.spec.start
    return isinstance(spec, SubWorkflowTask) and (
        spec in start.outputs or spec.spec in getattr(start, "trigger_specs", ())
    )


def _started(top: BpmnWorkflow, handler: Task) -> bool:
    """Tell whether the handler's start event has fired (it has run, or runs)."""
    if handler.state == TaskState.COMPLETED:
        return True
    subprocess = top.subprocesses.get(handler.id)
    return subprocess is not None and any(
        isinstance(task.task_spec, StartEvent) and task.state == TaskState.COMPLETED
        for task in subprocess.get_tasks(skip_subprocesses=True)
    )


def _interrupts(top: BpmnWorkflow, handler: Task) -> bool:
    spec = top.subprocess_specs.get(handler.task_spec.spec)
    starts = spec.bpmn_start_events if spec is not None else []
    return any(getattr(start, "interrupting", True) for start in starts)


def _is_end(task: Task) -> bool:
    return isinstance(task.task_spec, _EndJoin) or task.task_spec is task.workflow.spec.end


def startable(workflow: BpmnWorkflow, rules: int) -> list[tuple[Any, str, Any]]:
    """Return (scope, handler, definition) for each handler a message or signal may start.

    By rules 8, the top process's handlers, as SpiffWorkflow starts them.  By
    rules 9 also those of each sub-process under way, innermost first (SpiffWorkflow
    starts none of them), and none of a scope that an interrupting handler has
    interrupted: a second message does not start it again, nor another handler there.
    """
    scopes = [workflow]
    if rules >= 9:
        scopes = [*reversed([s for s in workflow.subprocesses.values() if _running(s)]), workflow]
    found = []
    for scope in scopes:
        names = getattr(scope.spec.start, "trigger_specs", ())
        if not names or (rules >= 9 and _interrupted(workflow, scope)):
            continue
        for name in names:
            spec = workflow.subprocess_specs.get(name)
            for start in spec.bpmn_start_events if spec is not None else ():
                definition = start.event_definition
                if isinstance(definition, (MessageEventDefinition, SignalEventDefinition)):
                    found.append((scope, name, definition))
    return found


def trigger(workflow: BpmnWorkflow, scope: Any, name: str) -> Any:
    """Start a handler of a sub-process under way; return its workflow, waiting for its event."""
    handler = scope.spec.start.trigger_wf(scope.task_tree, name)
    task = scope.get_task_from_id(handler)
    # SpiffWorkflow adds no way on from a handler it starts so: the top process ends when
    # nothing is left of it, but a sub-process only when its end runs, which none would
    while not task.children and task.task_spec.outputs:
        task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
        task = task.children[0]  # the handler's scope's end join, then its end
    return workflow.subprocesses[handler]


def _running(scope: Any) -> bool:
    """Tell whether a sub-process's workflow is under way (its task in its parent is active)."""
    parent = scope.parent_workflow.tasks.get(scope.parent_task_id)
    return not scope.completed and parent is not None and parent.has_state(ACTIVE)


def _interrupted(top: BpmnWorkflow, scope: Any) -> bool:
    """Tell whether an interrupting handler of this scope has started."""
    return any(
        _is_handler(task) and _started(top, task) and _interrupts(top, task)
        for task in scope.get_tasks(skip_subprocesses=True)
    )
