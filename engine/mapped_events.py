"""Events that set variables as they complete (Camunda 8's output mappings on an event).

Camunda 8 maps variables on events: a message's payload into the names a
process uses (``=order.id`` into ``orderId``), or a none intermediate event
that only sets variables, as Camunda 8 processes without script tasks do.
SpiffWorkflow runs no script on an event.  The Zeebe rewrite gives an event's
output mappings as ``EVENT_OUTPUTS_PROPERTY`` (Python assigning each target);
the parsers here build such an event as one that runs it when it completes,
after what it caught became its data.  An event without the property is
SpiffWorkflow's own, built as before.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .extensions import EVENT_OUTPUTS_PROPERTY


class _SettingOutputs:
    """Runs the event's output mappings as it completes."""

    output_mappings: str

    def _on_complete_hook(self, my_task: Task) -> None:
        try:
            my_task.workflow.script_engine.execute(my_task, self.output_mappings)
        except SpiffWorkflowException as exc:
            my_task._set_state(TaskState.ERROR)
            exc.add_note("Error occurred in the event's output mappings")
            raise
        except Exception:
            my_task._set_state(TaskState.ERROR)
            raise
        super()._on_complete_hook(my_task)  # type: ignore[misc]


class MappedStartEvent(_SettingOutputs, StartEvent):  # type: ignore[misc]
    """A start event setting its output mappings' variables."""


class MappedIntermediateCatchEvent(_SettingOutputs, IntermediateCatchEvent):  # type: ignore[misc]
    """An intermediate catch event setting its output mappings' variables."""


class MappedIntermediateThrowEvent(_SettingOutputs, IntermediateThrowEvent):  # type: ignore[misc]
    """An intermediate throw event setting its output mappings' variables."""


class MappedBoundaryEvent(_SettingOutputs, BoundaryEvent):  # type: ignore[misc]
    """A boundary event setting its output mappings' variables."""


def outputs_parser(parser: type, mapped: type) -> type:
    """Return ``parser`` building a ``mapped`` event where the event has output mappings."""

    class OutputsParser(parser):  # type: ignore[misc]
        def create_task(self) -> Any:
            properties = self.parse_extensions().get("properties") or {}
            outputs = properties.get(EVENT_OUTPUTS_PROPERTY)
            if outputs is None:
                return super().create_task()
            self.spec_class = mapped
            task = super().create_task()
            task.output_mappings = outputs
            return task

    OutputsParser.__name__ = OutputsParser.__qualname__ = f"Outputs{parser.__name__}"
    return OutputsParser
