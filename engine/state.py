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
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow


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


class StateSerializer:
    """Turns a live workflow into JSON text and back, given its specs."""

    def __init__(self) -> None:
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    @property
    def version(self) -> str:
        """Return the SpiffWorkflow serializer version, stored beside each state."""
        return str(self._serializer.VERSION)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """Return the JSON text of ``workflow``'s state."""
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            return json.dumps(
                self._serializer.to_dict(workflow),
                cls=self._serializer._encoder_cls,
                separators=(",", ":"),
            )
        finally:
            registry._encoder_mode = False

    def loads(
        self,
        text: str,
        version: str,
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: PythonScriptEngine,
    ) -> BpmnWorkflow:
        """Rebuild a live workflow from its stored state and specs."""
        dct = json.loads(text)
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
    path = []
    node = unfinished[0]
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()
    position = {task.id: i for i, task in enumerate(path)}
    deepest = len(path) - 1
    for task in unfinished[1:]:
        while task.id not in position:
            task = task.parent
        deepest = min(deepest, position[task.id])
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
