"""One engine call on one instance, and the SpiffWorkflow moves it is made of.

Shared by the engine, which runs and stores each step, and by the replay,
which runs the same steps again in memory to check a history.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins import NoneTaskMixin
from SpiffWorkflow.bpmn.util.event import PendingBpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import audit, event_subprocesses
from .clock import iso
from .definitions import CompiledDefinition, UserTaskRules
from .errors import ScriptError
from .store import jsontext
from .store.repository import EventRow, InstanceRow, WorkItemRow

#: The version of the step rules new instances run by.  A history replays by
#: the rules it was made with (``InstanceRow.rules``), so a change to what a
#: step records gets a new version rather than changing the old rules:
#: 1. a reminder or overdue timer marks a task that existed before the step;
#: 2. also one the step creates (a task created already past its due time);
#: 3. an event that names a task of a multi-instance activity names which of its
#:    items the task is for (``iteration``), so that a replay tells apart parallel
#:    siblings done in any order (a countersign by several departments);
#: 4. a message or signal a process throws that nothing in it catches is recorded
#:    (``message_thrown``, ``signal_thrown``) and reaches the other instances
#:    waiting for it, in the same transaction (``thrown``);
#: 5. a message or signal caught where the BPMN says its payload is process data (a
#:    Camunda file's catching event: ``CompiledDefinition.payload_as_data``) puts the
#:    payload's items into the data of the task that caught it;
#: 6. each firing of a repeating timer (``timeCycle``) is recorded (``timer_fired``), as
#:    a timer that fires once is: SpiffWorkflow keeps such a timer waiting and completes
#:    it only when its cycles are spent, which is no firing;
#: 7. a repeating timer that fell behind by several of its intervals (the server or
#:    the tick workers were stopped) fires once for all of them, as Camunda's does,
#:    and goes on from its first occurrence after the step's time; the firing's event
#:    says how many occurrences it stood for besides its own (``missed``).  Before, it
#:    fired once for each: a timer of every second, a day late, ran away at every try;
#: 8. event sub-processes run as BPMN says (``event_subprocesses``): a process whose own
#:    flow has ended ends, cancelling the handlers not started; an interrupting handler
#:    cancels the rest of its process; a message or signal starts a handler waiting for it;
#: 9. a message or signal starts a handler of a sub-process under way too (innermost
#:    first), and none of a scope that an interrupting handler has interrupted: a
#:    repeated message no longer starts the interrupting handler a second time;
#: 10. a message that starts a process whose BPMN says its payload is process data (a
#:    Camunda or Camunda 8 file's message start event:
#:    ``CompiledDefinition.start_payload_as_data``) puts the payload's items into the new
#:    instance's data, as Camunda starts an instance with the message's variables.
#:    Before, such an instance started with none of them.
RULES = 10
#: how deep messages and signals thrown in reply to thrown ones may go in one step
MAX_THROW_DEPTH = 16
#: how many tasks one step may run on its own, and for how long, before it is stopped as
#: running away (a repeating timer of no interval, a loop of script tasks with no end):
#: a step holds the writer, so it must end for every other instance's sake
MAX_STEP_TASKS = 5000
MAX_STEP_SECONDS = 10.0


@dataclass
class Step:
    """One engine call on one instance: its time, what it changed, the events it wrote."""

    instance: InstanceRow
    compiled: CompiledDefinition
    workflow: BpmnWorkflow
    moment: datetime
    now: str
    actor: str | None
    ready_before: dict[str, tuple[Task, UserTaskRules]] = field(default_factory=dict)
    waiting_before: frozenset[tuple[str, str]] = frozenset()
    timers_fired: list[Task] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    #: processes a service task asked to start in this transaction: (process id, data)
    starts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: the step ended the instance without finishing it (a draft deleted)
    cancelled: bool = False
    #: messages and signals thrown that no task of the instance caught: (kind, name, payload)
    thrown: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    #: how many throws led to this step (0: a person's or the clock's)
    depth: int = 0
    #: the ready user tasks and the events waited for once the step is saved
    ready_after: dict[str, tuple[Task, UserTaskRules]] | None = None
    waiting_after: frozenset[tuple[str, str]] | None = None
    #: the instance's status and next timer as the step found them (see ``update_instance``)
    read_key: tuple[str, str | None] = field(init=False)
    #: how many tasks SpiffWorkflow completed on its own in this step, and since when
    ran: int = field(init=False, default=0)
    began: float = field(init=False, default=0.0)

    #: by task: the cycles the repeating timers waiting when the step began had left
    cycles_before: dict[UUID, int] = field(init=False, default_factory=dict)
    #: by task: the occurrences of a repeating timer that its next firing stands for too
    cycles_missed: dict[UUID, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.read_key = (self.instance.status, self.instance.next_timer_at)
        self.began = time.monotonic()
        if self.instance.rules >= 6:
            # one walk of the waiting timers: fold what they missed (rules 7), then count
            waiting = _waiting_cycles(self.workflow)
            if self.instance.rules >= 7:
                self.cycles_missed = _fold_missed_cycles(waiting, self.moment)
            self.cycles_before = {task.id: int(value["cycles"]) for task, value in waiting}

    def record(self, task: Task) -> None:
        """Note a task SpiffWorkflow completed on its own (passed as its callback).

        A step that runs on past ``MAX_STEP_TASKS`` tasks or ``MAX_STEP_SECONDS``
        is stopped, naming the element it was at; nothing of it is kept.
        """
        # A loop in one line of tasks grows the tree deeper than SpiffWorkflow's iterator
        # looks (``_ITERATOR_DEPTH``), which then sees no task left and calls the instance
        # finished: it is stopped before.
        deep = (self.ran + 1) % 16 == 0 and task.depth > _ITERATOR_DEPTH - 64
        self.count(task.task_spec.bpmn_id, task.task_spec.bpmn_name, deep)
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, CycleTimerEventDefinition) and self.instance.rules >= 6:
            return  # its cycles are spent: each firing was counted when it fired
        if isinstance(definition, TimerEventDefinition) or _went_on_by_timer(task, definition):
            self.timers_fired.append(task)

    def count(self, element: str | None, name: str | None, deep: bool = False) -> None:
        """Count one more task the step ran on its own (or instance a throw reached); bound them.

        Past ``MAX_STEP_TASKS`` or ``MAX_STEP_SECONDS`` (or ``deep``) the step is
        stopped, naming ``element``; nothing of it is kept.
        """
        self.ran += 1
        # The clock is read at every task: as a loop of parallel branches grows, one task may
        # cost seconds, and 32 of them minutes.
        if deep or self.ran > MAX_STEP_TASKS or time.monotonic() - self.began > MAX_STEP_SECONDS:
            raise ScriptError(
                "step.runaway",
                element=element,
                name=name,
                tasks=self.ran,
                max_tasks=MAX_STEP_TASKS,
                seconds=MAX_STEP_SECONDS,
            )

    def event(self, type_: str, actor: str | None, data: dict[str, Any]) -> None:
        """Append an event to the instance's chain, to be written with the state."""
        self.events.append(audit.chain_event(self.instance, type_, actor, self.now, data))


def cycles_fired(step: Step) -> None:
    """Count as fired each time a repeating timer waiting since the step began went off."""
    for task_id, before in step.cycles_before.items():
        task = step.workflow.get_task_from_id(task_id)
        if task is None:
            continue
        value = task.internal_data.get("event_value")
        after = int(value["cycles"]) if value is not None else 0
        # an unbounded cycle counts down from -1: each firing is one step further either way
        step.timers_fired.extend([task] * max(0, before - after))


def _fold_missed_cycles(
    waiting: list[tuple[Task, dict[str, Any]]], moment: datetime
) -> dict[UUID, int]:
    """Let each waiting repeating timer behind by several intervals fire once for all of them.

    Moves the timer's next occurrence on to the last one due at ``moment`` and
    counts the ones passed over as spent; returns, by task, how many it passed over.
    """
    missed: dict[UUID, int] = {}
    for task, value in waiting:
        cycles, interval = int(value["cycles"]), float(value["duration"])
        following = datetime.fromisoformat(value["next"])
        if cycles == 0 or interval <= 0 or following.tzinfo is None or following >= moment:
            continue
        step = timedelta(seconds=interval)
        due = -((following - moment) // step)  # SpiffWorkflow fires an occurrence before now
        behind = due - 1 if cycles < 0 else min(due, cycles) - 1
        if behind > 0:
            value["next"] = (following + behind * step).isoformat()
            value["cycles"] = cycles - behind  # an unbounded cycle counts down from -1
            missed[task.id] = behind
    return missed


def _waiting_cycles(workflow: BpmnWorkflow) -> list[tuple[Task, dict[str, Any]]]:
    """Return the armed repeating timers the workflow waits on, with their values."""
    if not _traits(workflow)[1]:
        return []
    waiting: list[tuple[Task, dict[str, Any]]] = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        value = task.internal_data.get("event_value")
        if isinstance(definition, CycleTimerEventDefinition) and value is not None:
            waiting.append((task, value))
    return waiting


def _went_on_by_timer(task: Task, definition: Any) -> bool:
    """Tell whether a multiple event (an event-based gateway) went on because its timer fired."""
    if not isinstance(definition, MultipleEventDefinition):
        return False
    seen = task.internal_data.get("seen_events") or []
    return any(isinstance(getattr(e, "event_definition", None), TimerEventDefinition) for e in seen)


#: the kinds of events an instance waits for and the engine delivers
MESSAGE, SIGNAL = "message", "signal"


def thrown(step: Step) -> None:
    """Record the messages and signals the step threw that its own instance did not catch.

    SpiffWorkflow keeps them in the workflow for the application to route
    (``get_events``); under rules 4 the step takes them out, so that the
    state does not grow with them, and names them in the history.
    """
    for event in step.workflow.get_events():
        definition = event.event_definition
        if not isinstance(definition, MessageEventDefinition | SignalEventDefinition):
            continue  # escalations and errors are the process's own
        kind = MESSAGE if isinstance(definition, MessageEventDefinition) else SIGNAL
        given = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        # As JSON, the way the history holds it (a date becomes its text).
        payload: dict[str, Any] = jsontext.loads(jsontext.dumps(given, default=str))
        step.event(f"{kind}_thrown", None, {"name": definition.name, "payload": payload})
        step.thrown.append((kind, str(definition.name), payload))


def catch(step: Step, kind: str, name: str, payload: dict[str, Any]) -> bool:
    """Hand the step's workflow a message or signal its waiting tasks expect; tell if one took it.

    A message carries the correlations each waiting event computes from the
    payload, so that only the instance the BPMN correlates takes it.  Where
    the BPMN says so (``payload_as_data``, by rules 5), the payload's items
    become data of the task that took it.
    """
    workflow = step.workflow
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    taken = False
    for task in waiting:
        definition = _awaited(getattr(task.task_spec, "event_definition", None), kind, name)
        if definition is None:
            continue
        correlations = {}
        properties = getattr(definition, "correlation_properties", None)
        if properties:
            correlations = definition.calculate_correlations(
                workflow.script_engine, properties, payload
            )
        event = BpmnEvent(type(definition)(name), payload, correlations=correlations)
        try:
            workflow.send_event(event)
        except WorkflowException:
            continue
        taken = True
        if kind == MESSAGE:
            break  # one message, one receiver
    if not taken and step.instance.rules >= 8:
        taken = _start_handler(workflow, kind, name, payload, step.instance.rules)
    as_data = step.compiled.payload_as_data if step.instance.rules >= 5 else frozenset()
    if step.instance.rules >= 10:
        as_data = as_data | step.compiled.start_payload_as_data
    for task in waiting if taken and as_data else ():
        # SpiffWorkflow keeps what a task caught under the event's name until it runs
        if task.internal_data.get(name) is payload and (
            (task.workflow.spec.name, task.task_spec.bpmn_id) in as_data
        ):
            task.data.update(copy.deepcopy(payload))
    return taken


def _start_handler(
    workflow: BpmnWorkflow, kind: str, name: str, payload: dict[str, Any], rules: int
) -> bool:
    """Start the event sub-process whose start event waits for this message or signal."""
    for scope, handler, definition in event_subprocesses.startable(workflow, rules):
        if _awaited(definition, kind, name) is not None:
            event = BpmnEvent(type(definition)(name), payload)
            if scope is not workflow:  # SpiffWorkflow starts the top process's alone
                event.target = event_subprocesses.trigger(workflow, scope, handler)
            workflow.send_event(event)
            return True
    return False


def _awaited(definition: Any, kind: str, name: str) -> Any:
    """Return the event definition of a waiting task that awaits this message or signal.

    A multiple event (an event-based gateway, an event with several
    definitions) awaits each of its own definitions.
    """
    for each in _each_definition(definition):
        if getattr(each, "name", None) == name and event_kind(type(each).__name__) == kind:
            return each
    return None


def _each_definition(definition: Any) -> list[Any]:
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def pending_events(workflow: BpmnWorkflow) -> list[PendingBpmnEvent]:
    """Return what the workflow waits for, as ``workflow.waiting_events()`` does.

    SpiffWorkflow gives a multiple event (an event-based gateway, an event
    with several definitions) as one event without a name or a time; here each
    event it waits for is given on its own, so that its messages and signals
    can be delivered and its timers fire.
    """
    pending: list[PendingBpmnEvent] = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        pending.extend(each.details(task) for each in _each_definition(definition))
    return pending


def changed_data(
    workflow: BpmnWorkflow, updates: dict[str, Any]
) -> tuple[dict[str, list[Any]], list[Task]]:
    """Apply ``updates`` to the unfinished tasks holding each key; return changes and tasks.

    A waiting task takes its data from its parent again whenever it is updated
    (a timer, for one): the parents of unfinished tasks change with them.
    """
    changes: dict[str, list[Any]] = {}
    touched: list[Task] = []
    unfinished = workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK)
    parents = {t.parent.id: t.parent for t in unfinished if t.parent is not None}
    for task in [*unfinished, *parents.values()]:
        changed = False
        for key, value in updates.items():
            if key not in task.data:
                continue
            old = task.data[key]
            new = {**old, **value} if isinstance(old, dict) and isinstance(value, dict) else value
            if old != new:
                changes.setdefault(key, [copy.deepcopy(old), copy.deepcopy(new)])
                task.data[key] = copy.deepcopy(new)
                changed = True
        if changed:
            touched.append(task)
    return changes, touched


def waiting_events(
    workflow: BpmnWorkflow, rules: int, pending: list[PendingBpmnEvent] | None = None
) -> frozenset[tuple[str, str]]:
    """Return the (kind, name) of every message and signal the workflow waits for.

    ``pending``, when given, is what ``pending_events(workflow)`` returns.
    """
    handlers = frozenset(
        (kind, str(definition.name))
        for _, _, definition in event_subprocesses.startable(workflow, rules)
        if (kind := event_kind(type(definition).__name__)) and definition.name
    )
    return handlers | frozenset(
        (kind, str(pending.name))
        for pending in (pending_events(workflow) if pending is None else pending)
        if (kind := event_kind(pending.event_type)) and pending.name
    )


def event_kind(event_type: str) -> str | None:
    """Return whether a SpiffWorkflow event type is a message or a signal (or neither)."""
    if "Message" in event_type:
        return MESSAGE
    if "Signal" in event_type:
        return SIGNAL
    return None


def iteration(task: Task | None) -> dict[str, Any]:
    """Return, as event data, which item of its multi-instance activity ``task`` is for.

    Empty for a task that is no such sibling, and for an item with no plain
    JSON form (then siblings are told apart by their order, as under rules 2).
    """
    if task is None:
        return {}
    found = task.internal_data.get("key_or_index", task.internal_data.get("item"))
    if found is None or type(found) not in (str, int):
        return {}
    return {"iteration": found}


def claim_data(
    item: WorkItemRow, before: str | None, which: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return what a claim event records: the task (``which`` sibling), who had it, who has it."""
    return {
        "task_id": item.task_id,
        "element_id": item.element_id,
        "name": item.name,
        **({"labels": item.labels} if item.labels else {}),
        **(which or {}),
        "from": before,
        "to": item.claimed_by,
    }


def cancel(step: Step, reason: str) -> None:
    """End the step's instance unfinished: every task is cancelled, the history says why."""
    step.event("instance_cancelled", step.actor, {"reason": reason})
    step.workflow.cancel()
    step.cancelled = True


def rearm(workflow: BpmnWorkflow, touched: list[Task], step: Step) -> None:
    """Evaluate anew the timers whose data changed, fire those due, and run on."""
    for task in touched:
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimeDateEventDefinition):
            # Evaluated when the timer was armed: evaluate it again.
            task.internal_data.pop("event_value", None)
    workflow.refresh_timers()
    advance(workflow, step)


def advance(workflow: BpmnWorkflow, step: Step) -> None:
    """Run the engine steps; a plain task (``bpmn:task``) does nothing and passes straight on."""
    while True:
        workflow.do_engine_steps(did_complete_task=step.record)
        if (
            step.instance.rules >= 8
            and _traits(workflow)[2]
            and event_subprocesses.settle(workflow)
        ):
            continue
        if not _traits(workflow)[0]:
            return
        plain = [
            task
            for task in workflow.get_tasks(state=TaskState.READY)
            if isinstance(task.task_spec, NoneTaskMixin)
        ]
        if not plain:
            return
        for task in plain:
            task.run()
            step.record(task)  # counted as every task the step runs on its own


#: whether a process (with its subprocesses) has plain tasks, repeating timers and event
#: sub-processes, by the id of its spec
_TRAITS: dict[int, tuple[BpmnProcessSpec, tuple[bool, bool, bool]]] = {}


def _traits(workflow: BpmnWorkflow) -> tuple[bool, bool, bool]:
    """Tell whether the workflow's process or a subprocess has these kinds of element.

    Plain tasks, repeating timers, event sub-processes: what a step need not look
    for in a process that has none.
    """
    spec = workflow.spec
    known = _TRAITS.get(id(spec))
    if known is None or known[0] is not spec:
        task_specs = [
            task_spec
            for each in (spec, *workflow.subprocess_specs.values())
            for task_spec in each.task_specs.values()
        ]
        traits = (
            any(isinstance(task_spec, NoneTaskMixin) for task_spec in task_specs),
            any(
                isinstance(getattr(task_spec, "event_definition", None), CycleTimerEventDefinition)
                for task_spec in task_specs
            ),
            any(
                event_subprocesses.drawn(each)
                for each in (spec, *workflow.subprocess_specs.values())
            ),
        )
        if len(_TRAITS) >= 256:
            _TRAITS.clear()  # specs of replayed definitions come and go
        known = _TRAITS[id(spec)] = (spec, traits)
    return known[1]


#: how deep SpiffWorkflow's task iterator descends (``max_depth``)
_ITERATOR_DEPTH = 1000


def ready_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """Return what ``workflow.get_tasks(state=TaskState.READY)`` returns, in its order.

    SpiffWorkflow's iterator keeps a depth and matches every task through a
    filter object; here the same walk of the tree, depth first and into each
    subprocess before the task's own children, in a third of the time.  Its
    depth grows at most once a task, so a workflow of fewer tasks than it
    descends is walked whole either way; a larger one is left to it.
    """
    subprocesses = workflow.subprocesses
    if (
        type(workflow).get_tasks_iterator is not BpmnWorkflow.get_tasks_iterator
        or len(workflow.tasks) + sum(len(sub.tasks) for sub in subprocesses.values())
        >= _ITERATOR_DEPTH
    ):
        tasks: list[Task] = workflow.get_tasks(state=TaskState.READY)
        return tasks
    ready, future, finished = TaskState.READY, TaskState.FUTURE, TaskState.FINISHED_MASK
    found = []
    stack = [workflow.task_tree]
    pop, extend = stack.pop, stack.extend
    while stack:
        task = pop()
        state = task.state
        subprocess = subprocesses.get(task.id) if subprocesses else None
        if (
            (task._children or subprocess is not None)
            and (state >= future or subprocess is not None)
            and task.task_spec.name is not None
        ):
            # As the iterator: a subprocess's tasks first, then the task's children.
            below = task.children
            if subprocess is not None and not (state >= finished and ready <= finished):
                below = [subprocess.task_tree, *below]
            extend(reversed(below))
        if state & ready and task.last_state_change >= 0:
            found.append(task)
    return found


def ready_user_tasks(
    workflow: BpmnWorkflow, compiled: CompiledDefinition, ready_tasks: list[Task] | None = None
) -> dict[str, tuple[Task, UserTaskRules]]:
    """Return the ready user tasks that have rules (lanes, forms), by task id.

    ``ready_tasks``, when given, are the workflow's ready tasks as
    ``get_tasks(state=READY)`` returns them (the same walk, without the
    ``manual`` filter): the caller has walked the tree already.
    """
    ready: dict[str, tuple[Task, UserTaskRules]] = {}
    if ready_tasks is None:
        manual = workflow.get_tasks(state=TaskState.READY, manual=True)
    else:
        manual = [task for task in ready_tasks if task.task_spec.manual]
    for task in manual:
        rules = compiled.user_task(task.workflow.spec.name, task.task_spec.bpmn_id)
        if rules is not None:
            ready[str(task.id)] = (task, rules)
    return ready


TIMER_TYPES = frozenset(
    cls.__name__
    for cls in (TimeDateEventDefinition, DurationTimerEventDefinition, CycleTimerEventDefinition)
)


def next_timer(workflow: BpmnWorkflow, pending: list[PendingBpmnEvent] | None = None) -> str | None:
    """Return when the workflow's earliest armed timer is due, if any.

    ``pending``, when given, is what ``pending_events(workflow)`` returns.
    """
    due: list[str] = []
    for pending_event in pending_events(workflow) if pending is None else pending:
        if pending_event.event_type in TIMER_TYPES and pending_event.value:
            try:
                due.append(iso(datetime.fromisoformat(str(pending_event.value))))
            except ValueError:
                continue
    return min(due) if due else None
