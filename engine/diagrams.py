"""BPMN diagrams: the deployed files to draw, and where an instance stands on its diagram.

The browser draws a process from its deployed BPMN file and marks on it
what an instance has done and where it waits now.  Who may see an
instance's position is decided here, by the same read policy as every other
read of an instance; the BPMN files themselves are no secret to staff.

A position costs the same however long the instance's history: it is read
from the instance row (who completed which element), its open work items
and its live state, which is compacted to what is still running.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.util.task import TaskState

from .access import is_id, roles_of
from .definitions import labels, parse_xml
from .errors import NotFoundError
from .extensions import BPMN, BPMNDI

if TYPE_CHECKING:
    from .definitions import CompiledDefinition
    from .runtime import WorkflowEngine


@dataclass(frozen=True)
class DiagramView:
    """An instance's position on the diagram of its process.

    ``completed`` and ``waiting`` are ids of elements drawn in the process's
    file: a task of a called process shows as its call activity.  An element
    waiting now (a task sent back to) is not also listed as completed.
    """

    instance_id: int
    definition_id: int
    process_id: str
    file_name: str
    completed: tuple[str, ...]
    waiting: tuple[str, ...]
    #: whether the file lays the process out (``has_layout``): a program may have written none
    laid_out: bool


class Diagrams:
    """The BPMN files of deployed processes and the positions of instances on them."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def position(self, instance_id: int, reader: str) -> DiagramView:
        """Return where an instance stands, to a reader of the instance.

        Waiting are the elements of its open user tasks and the timer and
        message events it waits on; completed are the elements someone
        completed (and the start event) and the finished tasks still in its
        live state.
        """
        engine = self._engine
        with engine.store.read() as repo:
            instance = engine.read_policy.readable_instance(repo, reader, instance_id)
            compiled = engine.compiled(repo.connection, instance.definition_id)
            items = repo.work_items_of(instance.id)
        workflow = engine.live_workflow(instance, compiled, keep_cached=True)
        shown, calls = _elements(compiled, instance.process_id)
        tasks = {task.id: task for task in workflow.get_tasks()}

        waiting: set[str] = set()
        for item in items:
            task = tasks.get(UUID(item.task_id))
            waiting.update(_drawn_as(task, workflow, tasks)[0] if task else [item.element_id])
        actors = set(instance.actors)
        completed = actors & shown
        for task in tasks.values():
            if task.state == TaskState.WAITING and _is_catching_event(task):
                waiting.update(_drawn_as(task, workflow, tasks)[0])
            elif task.state == TaskState.COMPLETED and _drawn_as(task, workflow, tasks)[1]:
                completed.add(task.task_spec.bpmn_id)
        # Who completed a task of a called process completed part of its call activity.
        elsewhere = actors - shown
        completed.update(
            call
            for call, called in calls.items()
            if elsewhere & _called_elements(compiled, instance.process_id, called)
        )
        file = compiled.processes[instance.process_id].file
        return DiagramView(
            instance.id,
            instance.definition_id,
            instance.process_id,
            file,
            tuple(sorted((completed & shown) - waiting)),
            tuple(sorted(waiting & shown)),
            has_layout(compiled.files[file], instance.process_id),
        )

    def bpmn_xml(
        self, definition_id: int, process_id: str, reader: str, language: str | None = None
    ) -> tuple[str, str]:
        """Return (file name, BPMN text) of the deployed file holding a process, to staff.

        With ``language``, elements that name themselves in it (``name:<language>``
        properties) carry that name, so that the drawing speaks the reader's language.
        """
        engine = self._engine
        with engine.store.read() as repo:
            roles_of(repo, reader)
            if not is_id(definition_id):
                raise NotFoundError("definition.not_found", definition=definition_id)
            compiled = engine.compiled(repo.connection, definition_id)
        info = compiled.processes.get(process_id)
        if info is None:
            raise NotFoundError("process.not_deployed", process=process_id)
        text = compiled.files[info.file]
        return info.file, named_in(text, language) if language else text

    def laid_out(self, definition_id: int, process_id: str, reader: str) -> bool:
        """Tell whether the deployed file holding a process lays it out (has its diagram)."""
        _, text = self.bpmn_xml(definition_id, process_id, reader)
        return has_layout(text, process_id)


@lru_cache(maxsize=64)
def has_layout(text: str, process_id: str) -> bool:
    """Tell whether a BPMN file has a diagram of a process: its own, or its collaboration's.

    A file a program wrote (a generator's, a converter's) may hold the process
    alone, which runs as well but cannot be drawn: there is nowhere to put it.
    """
    root = parse_xml(text)
    drawn = {
        plane.get("bpmnElement")
        for plane in root.iter(f"{{{BPMNDI}}}BPMNPlane")
        if plane.find(f"{{{BPMNDI}}}BPMNShape") is not None
    }
    if process_id in drawn:
        return True
    return any(
        participant.get("processRef") == process_id
        for collaboration in root.iter(f"{{{BPMN}}}collaboration")
        if collaboration.get("id") in drawn
        for participant in collaboration.iter(f"{{{BPMN}}}participant")
    )


@lru_cache(maxsize=64)
def named_in(text: str, language: str) -> str:
    """Return BPMN text whose elements are named in ``language`` where they have such a name."""
    root = parse_xml(text)
    renamed = False
    for element in root.iter():
        if not isinstance(element.tag, str) or element.get("name") is None:
            continue
        name = dict(labels(element)).get(language)
        if name:
            element.set("name", name)
            renamed = True
    return etree.tostring(root, encoding="unicode") if renamed else text


def _elements(compiled: CompiledDefinition, process_id: str) -> tuple[set[str], dict[str, str]]:
    """Return the element ids drawn for a process, and its call activities with what they call.

    The elements of an embedded subprocess are drawn with the process; those
    of a called process are in that process's own diagram.
    """
    spec, subprocess_specs = compiled.spec(process_id)
    shown: set[str] = set()
    calls: dict[str, str] = {}
    pending = [spec]
    seen = {spec.name}
    while pending:
        for task_spec in pending.pop().task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if not bpmn_id:
                continue
            shown.add(bpmn_id)
            if isinstance(task_spec, CallActivity):
                calls[bpmn_id] = task_spec.spec
            elif isinstance(task_spec, SubWorkflowTask) and task_spec.spec not in seen:
                seen.add(task_spec.spec)
                if task_spec.spec in subprocess_specs:
                    pending.append(subprocess_specs[task_spec.spec])
    return shown, calls


def _called_elements(compiled: CompiledDefinition, process_id: str, called: str) -> set[str]:
    """Return the element ids of a process that ``process_id`` calls."""
    _, subprocess_specs = compiled.spec(process_id)
    spec = subprocess_specs.get(called)
    if spec is None:
        return set()
    return {bpmn_id for t in spec.task_specs.values() if (bpmn_id := getattr(t, "bpmn_id", None))}


def _drawn_as(task: Any, top: Any, tasks: dict[UUID, Any]) -> tuple[list[str], bool]:
    """Return the ids a task is drawn as on its top process's diagram, and whether as itself.

    A task of an embedded subprocess is drawn itself, inside its subprocess;
    a task of a called process only as the call activity (not itself).
    """
    drawn: list[str] = []
    itself = True
    while task is not None:
        if bpmn_id := task.task_spec.bpmn_id:
            drawn.append(bpmn_id)
        if task.workflow is top:
            return drawn, itself
        parent = tasks.get(task.workflow.parent_task_id)
        if parent is not None and isinstance(parent.task_spec, CallActivity):
            drawn, itself = [], False
        task = parent
    return drawn, itself


def _is_catching_event(task: Any) -> bool:
    """Tell whether a task is an event that waits (a timer, a message, a signal)."""
    return getattr(task.task_spec, "event_definition", None) is not None
