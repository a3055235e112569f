"""Multi-instance activities with a bounded number of instances.

SpiffWorkflow creates every instance of a parallel multi-instance activity at
once, as many as its cardinality or input collection says: a cardinality of
ten million (or a script's list of a million items) built tasks for minutes
and gigabytes inside one step, before any bound of the step could stop it.
Here the parser builds such activities with a class that refuses to create
more than ``MAX_INSTANCES`` instances, naming the element; the step changes
nothing.  A sequential one creates an instance at a time and is bounded as
every step is (``steps.MAX_STEP_TASKS``).
"""

from __future__ import annotations

import functools
from typing import Any

from SpiffWorkflow.task import Task

from .errors import ScriptError

#: the most instances one parallel multi-instance activity may have at once
MAX_INSTANCES = 1000


class _Bounded:
    """Mixin of a parallel multi-instance spec: refuse an instance beyond ``MAX_INSTANCES``."""

    def create_child(self, my_task: Task, item: Any, key_or_index: Any = None) -> None:
        """Create one more instance, unless the activity has ``MAX_INSTANCES`` already."""
        spec: Any = self
        # Its children are its instances and the tasks after it: count only when near.
        if len(my_task._children) >= MAX_INSTANCES and (
            len(list(spec._instances(my_task))) >= MAX_INSTANCES
        ):
            inner = my_task.workflow.spec.task_specs.get(spec.task_spec)
            raise ScriptError(
                "step.too_many_instances",
                element=spec.bpmn_id,
                name=spec.bpmn_name or getattr(inner, "bpmn_name", None),
                max=MAX_INSTANCES,
            )
        super().create_child(my_task, item, key_or_index)  # type: ignore[misc]


@functools.cache
def bounded_parser(parser: type) -> type:
    """Return ``parser`` building its parallel multi-instance activities bounded."""
    parallel = getattr(parser, "PARALLEL_MI_CLASS", None)
    if parallel is None:
        return parser
    bounded = type(f"Bounded{parallel.__name__}", (_Bounded, parallel), {})
    return type(parser.__name__, (parser,), {"PARALLEL_MI_CLASS": bounded})
