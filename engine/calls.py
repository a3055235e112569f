"""Call activities that pass only the variables their mappings name (Camunda's in and out).

SpiffWorkflow's call activity starts the called process with all of the
caller's data and puts all of the called process's data back.  A call
activity with ``MAPPINGS_PROPERTY`` (written by the Camunda rewrite for
``camunda:in`` / ``camunda:out``) passes what Camunda passes instead: the
called process starts with the mapped variables only, and only the mapped
outputs come back into the caller's data, which otherwise stays as it was.
"""

from __future__ import annotations

import json
import keyword
from copy import deepcopy
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffIntermediateCatchEventParser,
    SpiffIntermediateThrowEventParser,
)
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import CallActivityParser
from SpiffWorkflow.spiff.specs.defaults import CallActivity
from SpiffWorkflow.task import Task

from . import caught, mapped_events
from .extensions import BPMN, MAPPINGS_PROPERTY
from .loops import bounded_parser

#: what one mapping may hold: every variable, or one target from a source or expression
MAPPING_KEYS = ({"all"}, {"source", "target"}, {"expression", "target"})


def read_mappings(value: str) -> dict[str, list[dict[str, Any]]]:
    """Return the mappings a ``MAPPINGS_PROPERTY`` value gives, or raise ``ValueError``."""
    try:
        mappings = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"'{MAPPINGS_PROPERTY}' is not JSON: {exc}") from None
    except RecursionError:
        raise ValueError(f"'{MAPPINGS_PROPERTY}' is nested too deeply") from None
    if not isinstance(mappings, dict) or set(mappings) - {"in", "out"}:
        raise ValueError(f"'{MAPPINGS_PROPERTY}' must be an object of 'in' and 'out' lists")
    for direction in ("in", "out"):
        items = mappings.setdefault(direction, [])
        if not isinstance(items, list) or not all(
            isinstance(item, dict)
            and set(item) in MAPPING_KEYS
            and all(isinstance(v, str) for k, v in item.items() if k != "all")
            for item in items
        ):
            raise ValueError(
                f"'{MAPPINGS_PROPERTY}' {direction!r} must list objects with 'all', "
                "'source' and 'target', or 'expression' and 'target'"
            )
        for item in items:
            # a target is a variable the data gets: another key no script could read
            target = item.get("target")
            if target is not None and (not target.isidentifier() or keyword.iskeyword(target)):
                raise ValueError(
                    f"'{MAPPINGS_PROPERTY}' {direction!r} maps into {target!r}, "
                    "which is no variable name"
                )
    return mappings


class MappedCallActivity(CallActivity):  # type: ignore[misc]
    """A call activity passing the variables its mappings name, if it has any."""

    def _mappings(self) -> dict[str, list[dict[str, Any]]] | None:
        value = (
            (getattr(self, "extensions", None) or {}).get("properties", {}).get(MAPPINGS_PROPERTY)
        )
        return None if value is None else read_mappings(value)

    def copy_data(self, my_task: Task, subworkflow: Any) -> None:
        """Start the called process with the mapped variables (all of them unmapped)."""
        mappings = self._mappings()
        if mappings is None:
            super().copy_data(my_task, subworkflow)
            return
        start = subworkflow.get_next_task(
            subworkflow.task_tree, skip_subprocesses=True, spec_name="Start"
        )
        start.set_data(**_mapped(mappings["in"], my_task, my_task.data))

    def update_data(self, my_task: Task, subworkflow: Any) -> None:
        """Put the mapped outputs of the called process into the caller's data."""
        mappings = self._mappings()
        if mappings is None:
            super().update_data(my_task, subworkflow)
            return
        data = deepcopy(my_task.data)
        data.update(_mapped(mappings["out"], my_task, subworkflow.last_task.data))
        my_task.data = data


def _mapped(mappings: list[dict[str, Any]], task: Task, data: dict[str, Any]) -> dict[str, Any]:
    """Return the variables mappings take from ``data`` (a missing source is None, as Camunda's).

    An expression is evaluated over ``data``; a failure names ``task``.
    """
    out: dict[str, Any] = {}
    for mapping in mappings:
        if mapping.get("all"):
            out.update(deepcopy(data))
        elif "source" in mapping:
            out[mapping["target"]] = deepcopy(data.get(mapping["source"]))
        else:
            engine = task.workflow.script_engine
            try:
                out[mapping["target"]] = engine.environment.evaluate(
                    mapping["expression"], dict(data)
                )
            except Exception as exc:
                raise WorkflowTaskException(
                    f"Error evaluating the mapping into {mapping['target']!r}: "
                    f"'{mapping['expression']}'",
                    task=task,
                    exception=exc,
                ) from exc
    return out


class MappingParser(SpiffBpmnParser):  # type: ignore[misc]
    """SpiffWorkflow's parser, building call activities that follow their mappings.

    Its catching events set the variables Camunda names for a caught code (``caught``),
    and its events those their output mappings name (``mapped_events``).
    """

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        f"{{{BPMN}}}callActivity": (CallActivityParser, MappedCallActivity),
        **{
            tag: (
                mapped_events.outputs_parser(parser, mapped),
                SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[tag][1],
            )
            for tag, parser, mapped in (
                (
                    f"{{{BPMN}}}boundaryEvent",
                    caught.BoundaryEventParser,
                    mapped_events.MappedBoundaryEvent,
                ),
                (
                    f"{{{BPMN}}}startEvent",
                    caught.StartEventParser,
                    mapped_events.MappedStartEvent,
                ),
                (
                    f"{{{BPMN}}}intermediateCatchEvent",
                    SpiffIntermediateCatchEventParser,
                    mapped_events.MappedIntermediateCatchEvent,
                ),
                (
                    f"{{{BPMN}}}intermediateThrowEvent",
                    SpiffIntermediateThrowEventParser,
                    mapped_events.MappedIntermediateThrowEvent,
                ),
            )
        },
    }

    def _get_parser_class(self, tag: str) -> tuple[type | None, type | None]:
        # Every activity's parser builds a parallel multi-instance activity bounded.
        parser, spec = super()._get_parser_class(tag)
        return (bounded_parser(parser) if parser is not None else None), spec
