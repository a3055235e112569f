"""Live workflow state: (de)serialization without specs, and compaction.

The stored state holds only the task tree and data; specs come from the
deployed definition, parsed once per process.  After every step the tree is
compacted: finished tasks that no unfinished task depends on are dropped, so
the live state stays as small as the process is wide, however long its
history.  The history itself lives in the audit log.  Without this a draft
sent back 500 times sits deeper than SpiffWorkflow's task iterator looks
(``max_depth=1000``) and the instance silently counts as finished.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from .store import jsontext

#: how many task ids' texts ``StateSerializer`` keeps before it starts afresh
_MAX_TEXTS = 20_000


class _StateConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow without its specs."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dict(dct)

    def from_dict(
        self,
        dct: dict[str, Any],
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
    ) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _converter(registry: Any, cls: type) -> Any:
    """Return the converter object the registry converts ``cls`` with, if any."""
    entry = registry.convert_to_dict.get(registry.typenames.get(cls))
    to_dict = entry.args[1] if entry is not None and len(entry.args) == 2 else None
    return getattr(to_dict, "__self__", None)


class StateSerializer:
    """Turns a live workflow into JSON text and back, given its specs.

    The text is what SpiffWorkflow's converters give.  When they are
    SpiffWorkflow's own (as here), a workflow and its tasks are converted
    without the registry's dispatch and each task id turned into text once:
    the same dictionaries, at a third of the cost.  Text is written and read
    by ``jsontext``: orjson for plain data, ``json`` with SpiffWorkflow's
    encoder for anything else (dates, events waited for).
    """

    def __init__(self) -> None:
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
        registry = self._serializer.registry
        self._registry = registry
        self._encoder = self._serializer._encoder_cls(separators=(",", ":"))
        # The short way reproduces these converters' output; other converters take theirs.
        self._direct = (
            type(_converter(registry, Task)) is TaskConverter
            and type(_converter(registry, BpmnSubWorkflow)) is BpmnSubWorkflowConverter
            and type(_converter(registry, BpmnWorkflow)) is _StateConverter
        )
        self._unchecked = self._direct
        self._typenames = {
            cls: registry.typenames.get(cls) for cls in (Task, BpmnSubWorkflow, BpmnWorkflow)
        }
        self._task_typename = self._typenames[Task]
        #: the text of each task id met (ids never change; a workflow's tasks are met again
        #: at each of its steps)
        self._texts: dict[UUID, str] = {}

    @property
    def version(self) -> str:
        """Return the SpiffWorkflow serializer version, stored beside each state."""
        return str(self._serializer.VERSION)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """Return the JSON text of ``workflow``'s state."""
        if self._unchecked:
            self._unchecked = False
            self._direct = self._direct and self._agrees(workflow)
        registry = self._registry
        registry._encoder_mode = True
        try:
            if self._direct:
                payloads: list[Any] = []
                dct = self._workflow_dict(workflow, payloads)
            else:
                dct = self._serializer.to_dict(workflow)
                payloads = [dct]
            # What the short way builds itself is plain: only the payloads need a look.
            if jsontext.plain(payloads) and (text := jsontext.fast_dumps(dct)) is not None:
                return text
            return str(self._encoder.encode(dct))
        finally:
            registry._encoder_mode = False

    def _agrees(self, workflow: BpmnWorkflow) -> bool:
        """Tell whether the short way gives what the registry gives for ``workflow``.

        Checked on the first state written: should another SpiffWorkflow
        convert differently, its own converters are used from then on.
        """
        registry = self._registry
        registry._encoder_mode = True
        try:
            short = self._encoder.encode(self._workflow_dict(workflow, []))
        except Exception:
            return False
        finally:
            registry._encoder_mode = False
        return bool(json.loads(short) == json.loads(self.standard_dumps(workflow)))

    def standard_dumps(self, workflow: BpmnWorkflow) -> str:
        """Return the JSON text SpiffWorkflow's registry and encoder give (to check ``dumps``)."""
        registry = self._registry
        registry._encoder_mode = True
        try:
            return json.dumps(
                self._serializer.to_dict(workflow),
                cls=self._serializer._encoder_cls,
                separators=(",", ":"),
            )
        finally:
            registry._encoder_mode = False

    def _workflow_dict(self, workflow: BpmnWorkflow, payloads: list[Any]) -> dict[str, Any]:
        """Return what ``_StateConverter.to_dict`` returns, with its typename."""
        dct = self._common_dict(workflow, payloads)
        dct["subprocesses"] = {
            str(tid): self._subworkflow_dict(sub, payloads)
            for tid, sub in workflow.subprocesses.items()
        }
        events = self._registry.convert(workflow.bpmn_events)
        payloads.append(events)
        dct["bpmn_events"] = events
        dct["typename"] = self._typenames[BpmnWorkflow]
        return dct

    def _subworkflow_dict(self, workflow: BpmnSubWorkflow, payloads: list[Any]) -> dict[str, Any]:
        """Return what ``BpmnSubWorkflowConverter.to_dict`` returns, with its typename."""
        dct = self._common_dict(workflow, payloads)
        dct["parent_task_id"] = str(workflow.parent_task_id)
        dct["spec"] = workflow.spec.name
        dct["typename"] = self._typenames[BpmnSubWorkflow]
        return dct

    def _common_dict(self, workflow: Workflow, payloads: list[Any]) -> dict[str, Any]:
        """Return what ``WorkflowConverter.to_dict`` returns."""
        registry = self._registry
        tasks = workflow.tasks
        texts = self._texts
        if len(texts) > _MAX_TEXTS:
            texts.clear()
        names = {}
        for tid in tasks:
            name = texts.get(tid)
            if name is None:
                name = texts[tid] = str(tid)
            names[tid] = name
        data = registry.convert(registry.clean(workflow.data))
        payloads.append(data)
        payloads.append(workflow.correlations)
        last = workflow.last_task
        root = workflow.task_tree.id
        return {
            "data": data,
            "correlations": workflow.correlations,
            "last_task": (names.get(last.id) or str(last.id)) if last is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": {
                names[tid]: self._task_dict(task, tasks, names, payloads)
                for tid, task in tasks.items()
            },
            "root": names.get(root) or str(root),
        }

    def _task_dict(
        self, task: Task, tasks: dict[UUID, Task], names: dict[UUID, str], payloads: list[Any]
    ) -> dict[str, Any]:
        """Return what ``TaskConverter.to_dict`` returns, with its typename.

        Of its values, only those ``jsontext.plain`` might refuse are added to
        ``payloads``: not an empty dict, a state, a flag or a finite time.
        """
        parent_id = task._parent
        parent = tasks.get(parent_id) if parent_id is not None else None
        if parent is None:
            data, delta = task.data, {}
            if type(data) is not dict or data:
                payloads.append(data)
        else:
            data = {}
            parent_data, own = parent.data, task.data
            updates = DeepMerge.get_updated_keys(parent_data, own)
            deletions = DeepMerge.get_deleted_keys(parent_data, own)
            delta = {"updates": updates, "deletions": deletions}
            if updates:
                payloads.append(updates)
            if deletions:
                payloads.append(deletions)
        internal = task.internal_data
        if internal:
            internal = self._registry.convert(internal)
            payloads.append(internal)
        else:
            internal = {}
        changed, state, triggered = task.last_state_change, task.state, task.triggered
        if type(changed) is not float or changed - changed:  # NaN and infinities: not 0.0
            payloads.append(changed)
        if type(state) is not int:
            payloads.append(state)
        if type(triggered) is not bool:
            payloads.append(triggered)
        return {
            "id": names[task.id],
            "parent": (names.get(parent_id) or str(parent_id)) if parent is not None else None,
            "children": [names.get(child) or str(child) for child in task._children],
            "last_state_change": changed,
            "state": state,
            "task_spec": task.task_spec.name,
            "triggered": triggered,
            "internal_data": internal,
            "data": data,
            "delta": delta,
            "typename": self._task_typename,
        }

    def loads(
        self,
        text: str,
        version: str,
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: PythonScriptEngine,
    ) -> BpmnWorkflow:
        """Rebuild a live workflow from its stored state and specs."""
        dct = jsontext.loads(text)
        if version != self.version:
            dct[self._serializer.VERSION_KEY] = version
            self._serializer.migrate(dct)
        dct["typename"] = "BpmnWorkflow"
        workflow = self._serializer.registry.restore(
            dct, spec=spec, subprocess_specs=subprocess_specs
        )
        workflow.script_engine = script_engine
        return workflow


def compact(workflow: BpmnWorkflow) -> int:
    """Drop finished tasks that nothing unfinished descends from; return how many."""
    removed = _compact_tree(workflow, workflow)
    for subprocess in list(workflow.subprocesses.values()):
        if subprocess.parent_task_id in workflow.subprocesses:
            removed += _compact_tree(subprocess, workflow)
    return removed


def _compact_tree(wf: Workflow, top: BpmnWorkflow) -> int:
    unfinished = [t for t in wf.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not unfinished:
        return 0
    anchors = unfinished + _arrivals(wf, unfinished)
    path = []
    node = anchors[0]
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()
    position = {task.id: i for i, task in enumerate(path)}
    deepest = len(path) - 1
    for task in anchors[1:]:
        climbed = []
        while task.id not in position:
            climbed.append(task.id)
            task = task.parent
        found = position[task.id]
        # What this climb went through leads to the same task of the path: a later climb
        # stops there (a chain of unfinished tasks is climbed once, not once a task).
        for tid in climbed:
            position[tid] = found
        deepest = min(deepest, found)
    # Keep the deepest finished task above every unfinished one: tasks read
    # their parent's data and joins look for their split among ancestors.
    while deepest > 0 and not path[deepest].has_state(TaskState.FINISHED_MASK):
        deepest -= 1
    if deepest <= 1:
        return 0
    root, keep = wf.task_tree, path[deepest]
    kept = {root.id}
    stack = [keep]
    while stack:
        task = stack.pop()
        kept.add(task.id)
        stack.extend(task.children)
    dropped = [tid for tid in wf.tasks if tid not in kept]
    for tid in dropped:
        if tid in top.subprocesses:
            top.delete_subprocess(wf.tasks[tid])
    for tid in dropped:
        del wf.tasks[tid]
    root._children = [keep.id]
    keep._parent = root.id
    if wf.last_task is not None and wf.last_task.id not in kept:
        wf.last_task = keep
    return len(dropped)


def _arrivals(wf: Workflow, unfinished: list[Task]) -> list[Task]:
    """Return the finished copies of every waiting join that its waiting copy still counts.

    A parallel or inclusive join reached by one branch after another waits
    in the last branch's copy and cancels the earlier copies, yet counts the
    branches that reached them (and merges their data) by scanning the whole
    tree for its spec: a branch dropped before the join fires is a token lost
    and the join waits forever.
    """
    waiting = [
        t
        for t in unfinished
        if t.state == TaskState.WAITING and isinstance(t.task_spec, UnstructuredJoin)
    ]
    if not waiting:
        return []
    return [
        t
        for join in waiting
        for t in wf.tasks.values()
        if t.task_spec is join.task_spec
        and t.has_state(TaskState.FINISHED_MASK)
        # a copy above the waiting one is an earlier round of a loop, which it ignores
        and not join.is_descendant_of(t)
    ]
