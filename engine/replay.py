"""Replay: re-execute an instance's recorded inputs and compare with its history.

The hash chain shows that no event was changed one by one; a replay shows
that the history is what the process gives for its inputs.  It starts the
instance anew on the exact deployed BPMN (the content hash its first event
names) and feeds it, in order and at the recorded times, what came from
outside: the start data, each completion's data and actor, each message,
signal, data change and claim, and each moment a timer was looked at.  A
service task is not run again: the result its history recorded is used.
Every event the replay gives must equal the one recorded in its place, and
the state it ends in must equal the stored state, task for task.

Nothing is written: a replay runs in memory on rows read by the caller.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import audit, clock, services
from .audit import Problem
from .definitions import CompiledDefinition, compile_definition
from .errors import EngineError, NotFoundError
from .presenters import json_data
from .state import compact
from .steps import (
    RULES,
    Step,
    advance,
    cancel,
    catch,
    changed_data,
    claim_data,
    iteration,
    next_timer,
    ready_user_tasks,
    rearm,
)
from .store.repository import EventRow, InstanceRow, Repository, WorkItemRow
from .views import InstanceRowView

if TYPE_CHECKING:
    from .runtime import WorkflowEngine

#: the kinds of problem a replay finds
NOT_REPRODUCED = "not_reproduced"
STATE = "state_edited"
BPMN = "bpmn_changed"

#: events the engine writes itself; any other type is a domain's, written by a service task
ENGINE_EVENTS = frozenset(
    {
        "instance_started",
        "task_completed",
        "sent_back",
        "timer_fired",
        "task_overdue",
        "task_reminded",
        "instance_completed",
        "message_received",
        "signal_received",
        "data_changed",
        "task_claimed",
        "task_released",
        "task_reassigned",
        "task_saved",
        "instance_cancelled",
        services.SERVICE_COMPLETED,
    }
)
_CLAIMS = frozenset({"task_claimed", "task_released", "task_reassigned"})
_LIVE_STATES = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass(frozen=True)
class ReplayStep:
    """One step of a replay: the events it gave, its input, and where the process stood after."""

    seq_from: int
    seq_to: int
    at: str
    actor: str | None
    kind: str
    element_id: str | None
    name: str | None
    labels: dict[str, str] | None
    data: dict[str, Any]
    #: element ids finished so far, and those waiting after the step (ready tasks, timers…)
    completed: tuple[str, ...]
    waiting: tuple[str, ...]


@dataclass(frozen=True)
class ReplayReport:
    """What a replay of one instance found, and its steps."""

    instance_id: int
    events: int
    problems: tuple[Problem, ...]
    steps: tuple[ReplayStep, ...]

    @property
    def ok(self) -> bool:
        """Tell whether the history is exactly what the process gives for its inputs."""
        return not self.problems


@dataclass(frozen=True)
class ReplayPage:
    """An instance, the definition it runs on, its replay, and its actors' display names."""

    instance: InstanceRowView
    definition_id: int
    report: ReplayReport
    names: dict[str, str]


class _Mismatch(Exception):
    """The replay cannot go on: the history does not follow from its inputs."""

    def __init__(self, seq: int | None, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.seq, self.kind, self.detail = seq, kind, detail


@dataclass
class _Run:
    """The state of one replay: the instance anew, its tasks, and the task ids matched so far."""

    instance: InstanceRow
    compiled: CompiledDefinition
    events: Sequence[EventRow]
    workflow: BpmnWorkflow | None = None
    items: dict[str, WorkItemRow] = field(default_factory=dict)
    #: replay task id -> recorded task id, and back
    ids: dict[str, str] = field(default_factory=dict)
    recorded_ids: dict[str, str] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)
    failure: _Mismatch | None = None
    #: whether to note where the process stood after each step (for a step-through)
    steps: bool = False

    def match(self, replayed: str, recorded: str) -> None:
        self.ids[replayed] = recorded
        self.recorded_ids[recorded] = replayed


class Replayer:
    """Re-execute instances of one engine from their histories, in memory."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine
        self._compiled: dict[str, CompiledDefinition] = {}
        self._last: tuple[dict[str, str], CompiledDefinition] | None = None

    def definition(self, files: dict[str, str]) -> CompiledDefinition:
        """Compile deployed files as they are now in the database (kept by their content)."""
        last = self._last
        if last is not None and last[0] is files:
            return last[1]  # the same files read once for many instances: hashed once
        key = hashlib.sha256(audit.canonical_json(files).encode("utf-8")).hexdigest()
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = compile_definition(files, self._engine.deploy_rules())
            if len(self._compiled) > 64:
                self._compiled.clear()
            self._compiled[key] = compiled
        self._last = (files, compiled)
        return compiled

    def replay_stored(
        self,
        instance_id: int,
        events: Sequence[EventRow] | None = None,
        *,
        steps: bool = False,
        definitions: dict[int, dict[str, str] | None] | None = None,
    ) -> ReplayReport:
        """Replay one instance as the database holds it now (nothing is written).

        ``events`` are its events when the caller has read them already; with
        ``steps`` the report tells where the process stood after each step.
        ``definitions`` keeps the deployed files read so far, by definition id,
        for a caller replaying many instances in one verification.
        """
        with self._engine.store.read() as repo:
            instance = repo.instance(instance_id)
            if instance is None:
                raise NotFoundError("instance.not_found", instance=instance_id)
            return self.replay_read(repo, instance, events, steps=steps, definitions=definitions)

    def replay_read(
        self,
        repo: Repository,
        instance: InstanceRow,
        events: Sequence[EventRow] | None = None,
        *,
        steps: bool = False,
        definitions: dict[int, dict[str, str] | None] | None = None,
    ) -> ReplayReport:
        """Replay ``instance`` with the rows ``repo`` reads (its events, unless given)."""
        if events is None:
            events = repo.events_of(instance.id)
        known = {} if definitions is None else definitions
        if instance.definition_id not in known:
            known[instance.definition_id] = repo.definition_files(instance.definition_id)
        files = known[instance.definition_id]
        items = repo.work_items_of(instance.id)
        return self.replay(instance, events, files, items, steps=steps)

    def replay(
        self,
        instance: InstanceRow,
        events: Sequence[EventRow],
        files: dict[str, str] | None,
        items: Sequence[WorkItemRow],
        *,
        steps: bool = False,
    ) -> ReplayReport:
        """Replay ``instance`` from ``events`` on its deployed ``files``; compare with its rows.

        ``items`` are the instance's stored work items (its ready user tasks);
        with ``steps`` the report holds each step's view (for a step-through).
        """
        views: list[ReplayStep] = []
        try:
            run = self._begin(instance, events, files)
            run.steps = steps
            position = 0
            while position < len(events):
                step, replayed = self._step(run, position)
                position += len(replayed)
                if steps:
                    views.append(_step_view(run, step, replayed))
            self._compare_state(run, instance, items)
        except _Mismatch as found:
            problem = Problem(instance.id, found.seq, found.kind, found.detail)
            return ReplayReport(instance.id, len(events), (problem,), tuple(views))
        return ReplayReport(instance.id, len(events), (), tuple(views))

    # -- the steps ----------------------------------------------------------------

    def _begin(
        self, instance: InstanceRow, events: Sequence[EventRow], files: dict[str, str] | None
    ) -> _Run:
        if not events or events[0].type != "instance_started":
            raise _Mismatch(1, NOT_REPRODUCED, "the history does not begin with the start")
        started = events[0].data
        if files is None:
            raise _Mismatch(
                None, BPMN, f"definition {instance.definition_id} is no longer deployed"
            )
        compiled = self.definition(files)
        if compiled.content_hash != started.get("content_hash"):
            raise _Mismatch(
                1,
                BPMN,
                f"the deployed BPMN of definition {instance.definition_id} was changed: its "
                f"content hash is {compiled.content_hash[:16]}…, the instance started on "
                f"{str(started.get('content_hash'))[:16]}…",
            )
        if (
            instance.process_id != started.get("process_id")
            or compiled.processes.get(instance.process_id) is None
        ):
            raise _Mismatch(
                1,
                STATE,
                f"the instance names process {instance.process_id!r}, "
                f"its start {started.get('process_id')!r}",
            )
        rules = started.get("rules", 1)
        if type(rules) is not int or not 1 <= rules <= RULES:
            raise _Mismatch(
                1, NOT_REPRODUCED, f"the history was made by step rules {rules!r}, not known here"
            )
        actor = events[0].actor
        starts = compiled.start_events.get(instance.process_id, ())
        fresh = InstanceRow(
            id=instance.id,
            definition_id=instance.definition_id,
            process_id=instance.process_id,
            status="running",
            row_version=1,
            serializer_version=instance.serializer_version,
            state="{}",
            actors={event: [actor] for event in starts} if actor else {},
            started_by=actor,
            started_at=events[0].at,
            updated_at=events[0].at,
            completed_at=None,
            next_timer_at=None,
            event_count=0,
            last_event_hash=audit.GENESIS_HASH,
            rules=rules,
        )
        return _Run(fresh, compiled, events)

    def _step(self, run: _Run, position: int) -> tuple[Step, Sequence[EventRow]]:
        """Replay the engine call whose first event is at ``position``; return its events."""
        event = run.events[position]
        moment = datetime.fromisoformat(event.at)
        engine = self._engine

        def recorded(task: Task, operation: str) -> Any:
            return _recorded_result(run, step, position, task, operation)

        completed: str | None = None
        try:
            with clock.active(lambda: moment), services.replaying(recorded):
                if position == 0:
                    step = engine.first_step(
                        run.instance,
                        run.compiled,
                        str(event.data["content_hash"]),
                        dict(event.data.get("data") or {}),
                        moment,
                    )
                    run.workflow = step.workflow
                    advance(step.workflow, step)
                else:
                    step = self._next_step(run, event, moment)
                    completed = self._input(run, step, event)
                if event.type in _CLAIMS:
                    return step, _compared(run, step, position)
                ready = ready_user_tasks(step.workflow, run.compiled)
                kept = [run.items[t] for t in step.ready_before if t in ready and t in run.items]
                new_items, _ = engine.settle(step, ready, kept, completed)
        except (SpiffWorkflowException, EngineError, KeyError, TypeError, ValueError) as exc:
            if run.failure is not None:
                raise run.failure from None
            raise _Mismatch(
                event.seq, NOT_REPRODUCED, f"the process cannot take event {event.seq}: {exc}"
            ) from None
        if run.failure is not None:
            raise run.failure
        for task_id in [t for t in run.items if t not in ready]:
            del run.items[task_id]
        run.items.update({item.task_id: item for item in new_items})
        if run.steps:
            _note_finished(run, step.workflow)
        compact(step.workflow)
        return step, _compared(run, step, position)

    def _next_step(self, run: _Run, event: EventRow, moment: datetime) -> Step:
        assert run.workflow is not None
        step = Step(run.instance, run.compiled, run.workflow, moment, event.at, event.actor)
        step.ready_before = ready_user_tasks(run.workflow, run.compiled)
        return step

    def _input(self, run: _Run, step: Step, event: EventRow) -> str | None:
        """Feed the step the input ``event`` records; return the user task it completed."""
        workflow, data = step.workflow, event.data
        if event.type == "task_completed":
            item = _recorded_task(run, event)
            task = workflow.get_task_from_id(UUID(item.task_id))
            self._engine.complete(step, item, task, dict(data.get("data") or {}))
            return item.element_id
        if event.type in ("message_received", "signal_received"):
            kind = event.type.removesuffix("_received")
            step.event(event.type, step.actor, {"name": data["name"], "payload": data["payload"]})
            if not catch(step, kind, str(data["name"]), dict(data["payload"] or {})):
                raise _Mismatch(event.seq, NOT_REPRODUCED, f"nothing waits for {data['name']!r}")
            advance(workflow, step)
            return None
        if event.type == "data_changed":
            updates = {key: change[1] for key, change in dict(data["changes"]).items()}
            changes, touched = changed_data(workflow, updates)
            step.event("data_changed", step.actor, {"changes": changes, "reason": data["reason"]})
            rearm(workflow, touched, step)
            for task_id, (due_at, provisional) in self._engine.new_due_dates(step, touched).items():
                item = run.items[task_id]
                item.due_at, item.due_provisional = due_at, provisional
            return None
        if event.type == "task_saved":
            item = _recorded_task(run, event)
            task = workflow.get_task_from_id(UUID(item.task_id))
            rules = run.compiled.user_task(task.workflow.spec.name, task.task_spec.bpmn_id)
            if rules is None or not rules.drafting:
                raise _Mismatch(event.seq, NOT_REPRODUCED, f"task {item.element_id!r} is no draft")
            self._engine.keep(step, task, rules, dict(data.get("data") or {}))
            return None
        if event.type == "instance_cancelled":
            cancel(step, str(data.get("reason") or ""))
            return None
        if event.type in _CLAIMS:
            item = _recorded_task(run, event)
            before = item.claimed_by
            item.claimed_by = data.get("to")
            which = {}
            if run.instance.rules >= 3:
                which = iteration(workflow.get_task_from_id(UUID(item.task_id)))
            step.event(event.type, step.actor, claim_data(item, before, which))
            return None
        # Anything else begins a step nobody asked for: the engine looked at the timers.
        rearm(workflow, [], step)
        return None

    # -- the end ------------------------------------------------------------------

    def _compare_state(self, run: _Run, stored: InstanceRow, items: Sequence[WorkItemRow]) -> None:
        """Check the stored instance, state and work items against the replay's."""
        workflow = run.workflow
        assert workflow is not None
        last = run.events[-1].seq
        status = run.instance.status
        if stored.status != status:
            raise _Mismatch(
                None, STATE, f"status is {stored.status!r}, the history gives {status!r}"
            )
        if stored.next_timer_at != next_timer(workflow):
            raise _Mismatch(
                None,
                STATE,
                f"next timer is {stored.next_timer_at}, the history gives {next_timer(workflow)}",
            )
        try:
            saved = self._engine.live_workflow(stored, run.compiled, keep_cached=True)
        except Exception as exc:  # any damage to the stored text is the finding
            raise _Mismatch(None, STATE, f"the stored state cannot be read: {exc}") from None
        if audit.canonical_json(json_data(saved.data)) != audit.canonical_json(
            json_data(workflow.data)
        ):
            raise _Mismatch(None, STATE, "the process data differ from what the history gives")
        want, have = _live_tasks(workflow), _live_tasks(saved)
        if want != have:
            raise _Mismatch(None, STATE, _task_difference(want, have, last))
        # Compared as multisets: keys hold None beside text (a claimed sibling), never sorted.
        replayed = Counter(_item_key(i) for i in run.items.values())
        if replayed != Counter(_item_key(i) for i in items):
            raise _Mismatch(None, STATE, "the open tasks (work items) differ from the history's")


def _recorded_task(run: _Run, event: EventRow) -> WorkItemRow:
    """Return the replay's open task the event's recorded task id stands for."""
    recorded_id = str(event.data.get("task_id"))
    replayed = run.recorded_ids.get(recorded_id)
    if replayed is None:
        element = event.data.get("element_id")
        candidates = [
            item
            for item in sorted(run.items.values(), key=lambda i: i.created_at)
            if item.element_id == element and item.task_id not in run.ids
        ]
        if "iteration" in event.data and run.workflow is not None:
            # One of parallel siblings: the one for the same item, whatever order they were done in.
            workflow = run.workflow
            candidates = [
                item
                for item in candidates
                if iteration(workflow.get_task_from_id(UUID(item.task_id))).get("iteration")
                == event.data["iteration"]
            ]
        if not candidates:
            raise _Mismatch(event.seq, NOT_REPRODUCED, f"task {element!r} is not open here")
        replayed = candidates[0].task_id
        run.match(replayed, recorded_id)
    item = run.items.get(replayed)
    if item is None:
        raise _Mismatch(event.seq, NOT_REPRODUCED, f"task {recorded_id} is no longer open here")
    return item


def _recorded_result(run: _Run, step: Step, position: int, task: Task, operation: str) -> Any:
    """Take a service task's recorded result and the domain events it wrote, from the history."""
    events = run.events
    start = position + len(step.events)
    end = start
    while end < len(events) and events[end].type not in ENGINE_EVENTS:
        end += 1
    element = task.task_spec.bpmn_id
    found = events[end] if end < len(events) else None
    if (
        found is None
        or found.type != services.SERVICE_COMPLETED
        or found.data.get("element_id") != element
        or found.data.get("operation") != operation
    ):
        seq = found.seq if found is not None else None
        run.failure = _Mismatch(
            seq, NOT_REPRODUCED, f"no recorded result of service task {element!r} ({operation})"
        )
        raise run.failure
    for recorded in events[start : end + 1]:
        step.event(recorded.type, recorded.actor, recorded.data)
    return found.data.get("result")


def _compared(run: _Run, step: Step, position: int) -> Sequence[EventRow]:
    """Check the step's events against those recorded from ``position``; return the recorded."""
    recorded = run.events[position : position + len(step.events)]
    if not step.events:
        event = run.events[position]
        raise _Mismatch(
            event.seq,
            NOT_REPRODUCED,
            f"event {event.seq} ({event.type}) does not follow from the events before it",
        )
    for given, found in zip(step.events, recorded, strict=False):
        if _shape(run, given, found) != _shape(run, found, None):
            raise _Mismatch(
                found.seq,
                NOT_REPRODUCED,
                f"event {found.seq} is not what the process gives: recorded {found.type} "
                f"{_brief(found)}, the replay gives {given.type} {_brief(given)}",
            )
    if len(recorded) < len(step.events):
        missing = step.events[len(recorded)]
        raise _Mismatch(
            position + len(recorded) + 1,
            NOT_REPRODUCED,
            f"the history ends where the process gives {missing.type} {_brief(missing)}",
        )
    return recorded


def _shape(run: _Run, event: EventRow, counterpart: EventRow | None) -> str:
    """Return an event's content to compare, its replay task id put as the recorded one."""
    data = dict(event.data)
    if counterpart is not None and "task_id" in data:
        replayed = str(data["task_id"])
        if replayed not in run.ids and counterpart.data.get("task_id") not in run.recorded_ids:
            run.match(replayed, str(counterpart.data.get("task_id")))
        data["task_id"] = run.ids.get(replayed, replayed)
    return audit.canonical_json([event.type, event.actor, event.at, data])


def _brief(event: EventRow) -> str:
    data = event.data
    named = data.get("name") or data.get("element_id") or data.get("operation") or ""
    return f"({named})" if named else ""


def _note_finished(run: _Run, workflow: BpmnWorkflow) -> None:
    for task in workflow.get_tasks(state=TaskState.FINISHED_MASK):
        if task.task_spec.bpmn_id and task.state == TaskState.COMPLETED:
            run.finished.add(task.task_spec.bpmn_id)


def _waiting_elements(workflow: BpmnWorkflow) -> tuple[str, ...]:
    found = {
        task.task_spec.bpmn_id
        for task in workflow.get_tasks(state=_LIVE_STATES)
        if task.task_spec.bpmn_id
    }
    return tuple(sorted(found))


def _step_view(run: _Run, step: Step, events: Sequence[EventRow]) -> ReplayStep:
    first = events[0]
    data = first.data
    shown = data.get("data") if first.type in ("task_completed", "instance_started") else None
    if first.type in ("message_received", "signal_received"):
        shown = data.get("payload")
    if first.type == "data_changed":
        shown = {key: change[1] for key, change in dict(data.get("changes") or {}).items()}
    workflow = step.workflow
    kind = first.type if first.type in ENGINE_EVENTS - {services.SERVICE_COMPLETED} else "tick"
    return ReplayStep(
        seq_from=first.seq,
        seq_to=events[-1].seq,
        at=first.at,
        actor=first.actor,
        kind=kind,
        element_id=data.get("element_id"),
        name=data.get("name"),
        labels=data.get("labels"),
        data=dict(shown or {}),
        completed=tuple(sorted(run.finished)),
        waiting=() if workflow.is_completed() else _waiting_elements(workflow),
    )


def _live_tasks(workflow: BpmnWorkflow) -> list[tuple[str, str, str]]:
    """Return the unfinished tasks that hold the process's place: (element, state, data)."""
    return sorted(
        (
            str(task.task_spec.bpmn_id or task.task_spec.name),
            TaskState.get_name(task.state),
            audit.canonical_json(json_data(task.data)),
        )
        for task in workflow.get_tasks(state=_LIVE_STATES)
    )


def _task_difference(
    want: list[tuple[str, str, str]], have: list[tuple[str, str, str]], last: int
) -> str:
    wanted, held = {w[:2] for w in want}, {h[:2] for h in have}
    if wanted != held:
        lacking = sorted(f"{e} ({s})" for e, s in wanted - held)
        extra = sorted(f"{e} ({s})" for e, s in held - wanted)
        return (
            f"after event {last} the history leaves {', '.join(lacking) or 'nothing more'} "
            f"open, the stored state {', '.join(extra) or 'nothing more'}"
        )
    changed = sorted({w[0] for w in want if w not in have})
    return f"the data of {', '.join(changed)} differ from what the history gives"


def _item_key(item: WorkItemRow) -> tuple[Any, ...]:
    return (
        item.element_id,
        item.role,
        item.form,
        tuple(item.excluded_users),
        tuple(item.allowed_users or ()),
        item.claimed_by,
        item.due_at,
        item.due_provisional,
        item.department,
        item.overdue,
        item.returned,
        tuple(item.groups or ()),
        tuple(item.users or ()),
    )
