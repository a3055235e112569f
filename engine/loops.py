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
from SpiffWorkflow.util.task import TaskState

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


class _Counted:
    """Mixin of a multi-instance spec whose completion condition reads the instance counts.

    Camunda, Activiti and Flowable give it ``nrOfInstances``,
    ``nrOfCompletedInstances`` and ``nrOfActiveInstances`` (a countersign done
    once most have signed: ``${nrOfCompletedInstances/nrOfInstances >= 0.6}``);
    SpiffWorkflow gives none, so they are passed beside the instance's data.
    """

    def check_completion_condition(self, my_task: Task) -> Any:
        """Evaluate the completion condition over the last instance done and the counts."""
        spec: Any = self
        merged = my_task.internal_data.get("merged", [])
        if not merged or spec.condition is None:
            return None
        last = next(c for c in my_task.children if str(c.id) == merged[-1])
        instances = list(spec._instances(my_task))
        total = my_task.internal_data.get("cardinality", len(instances))
        if spec.data_input is not None and spec.data_input.exists(my_task):
            total = len(spec.data_input.get(my_task))
        counts = {
            "nrOfInstances": total,
            "nrOfCompletedInstances": len(merged),
            "nrOfActiveInstances": sum(
                1 for c in instances if not c.has_state(TaskState.FINISHED_MASK)
            ),
        }
        return my_task.workflow.script_engine.evaluate(last, spec.condition, counts)


@functools.cache
def bounded_parser(parser: type) -> type:
    """Return ``parser`` building its multi-instance activities counted, parallel ones bounded."""
    parallel = getattr(parser, "PARALLEL_MI_CLASS", None)
    sequential = getattr(parser, "SEQUENTIAL_MI_CLASS", None)
    if parallel is None or sequential is None:
        return parser
    bounded = type(f"Bounded{parallel.__name__}", (_Counted, _Bounded, parallel), {})
    counted = type(f"Counted{sequential.__name__}", (_Counted, sequential), {})
    return type(
        parser.__name__,
        (parser,),
        {"PARALLEL_MI_CLASS": bounded, "SEQUENTIAL_MI_CLASS": counted},
    )
