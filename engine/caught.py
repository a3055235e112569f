"""Catching error and escalation events that put the caught code (and message) into data.

Camunda's ``errorCodeVariable``, ``errorMessageVariable`` and
``escalationCodeVariable`` on a catching event set those variables to the
code of the error or escalation caught (which a catch-all event learns only
then) and to the error's message.  The Camunda rewrite gives them as
``CODE_VARIABLE`` and ``MESSAGE_VARIABLE`` attributes of the event
definition, and the thrown error's message as its payload (SpiffWorkflow's
``payloadExpression``); the parsers here build definitions that read them.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import CodeEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffBoundaryEventParser,
    SpiffStartEventParser,
)
from SpiffWorkflow.spiff.specs.event_definitions import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.task import Task

from .extensions import CODE_VARIABLE, MESSAGE_VARIABLE


class _CaughtCode:
    """Sets the caught event's code (and payload, an error's message) as variables."""

    code: str | None
    name: str
    code_variable: str | None = None
    message_variable: str | None = None

    def __eq__(self, other: object) -> bool:
        # a thrown event is SpiffWorkflow's own class: match it as that class would
        kind = (
            ErrorEventDefinition
            if isinstance(self, ErrorEventDefinition)
            else EscalationEventDefinition
        )
        return isinstance(other, kind) and self.code in (None, getattr(other, "code", None))

    __hash__ = object.__hash__

    def catch(self, my_task: Task, event: BpmnEvent) -> None:
        """Keep the thrown code and payload where ``update_task_data`` finds them."""
        super().catch(my_task, event)  # type: ignore[misc]
        thrown = event.event_definition
        code = thrown.code if isinstance(thrown, CodeEventDefinition) else None
        my_task.internal_data[self.name] = {"code": code, "message": event.payload}

    def update_task_data(self, my_task: Task) -> None:
        """Set the code and message variables to what was caught."""
        caught = my_task.internal_data.pop(self.name, None) or {}
        if self.code_variable:
            my_task.data[self.code_variable] = caught.get("code")
        if self.message_variable:
            my_task.data[self.message_variable] = caught.get("message")


class CaughtError(_CaughtCode, ErrorEventDefinition):  # type: ignore[misc]
    """An error event definition setting ``errorCodeVariable`` and ``errorMessageVariable``."""


class CaughtEscalation(_CaughtCode, EscalationEventDefinition):  # type: ignore[misc]
    """An escalation event definition setting ``escalationCodeVariable``."""


class _Catching:
    """Builds the caught-code definitions of event definitions naming variables for them."""

    def parse_error_event(self, error_event: Any) -> Any:
        return _caught(super().parse_error_event(error_event), error_event, CaughtError)  # type: ignore[misc]

    def parse_escalation_event(self, escalation_event: Any) -> Any:
        parsed = super().parse_escalation_event(escalation_event)  # type: ignore[misc]
        return _caught(parsed, escalation_event, CaughtEscalation)


def _caught(parsed: Any, node: Any, kind: type) -> Any:
    """Return ``parsed`` as ``kind`` when ``node`` names variables for what it catches."""
    code, message = node.get(CODE_VARIABLE), node.get(MESSAGE_VARIABLE)
    if code is None and message is None:
        return parsed
    caught = kind(parsed.name, expression=parsed.expression, variable=None, code=parsed.code)
    caught.code_variable, caught.message_variable = code, message
    return caught


class BoundaryEventParser(_Catching, SpiffBoundaryEventParser):  # type: ignore[misc]
    """SpiffWorkflow's boundary event parser, knowing caught-code variables."""


class StartEventParser(_Catching, SpiffStartEventParser):  # type: ignore[misc]
    """SpiffWorkflow's start event parser, knowing caught-code variables and interruption."""

    def create_task(self) -> Any:
        """Build the start event, noting whether it interrupts (BPMN's isInterrupting)."""
        task = super().create_task()
        # SpiffWorkflow reads no isInterrupting: an event sub-process's start needs it
        task.interrupting = self.node.get("isInterrupting", "true") != "false"
        return task
