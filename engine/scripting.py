"""SpiffWorkflow's script environment for gongkai: every script runs in the sandbox.

What a script may do is ``engine.restricted``'s policy; where it runs is
``engine.sandbox``'s worker processes, stopped when it runs too long or grows
its memory without bound.  Only a plain condition (names, constants, items by
constant keys, comparisons, ``and``/``or``/``not``: nothing that calls, loops
or computes) is evaluated in the engine's own process, where it cannot run
long or grow; a round trip to a worker would cost more than the whole step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import sandbox
from .errors import ScriptError
from .juel import DEFINED_NAMES
from .restricted import HELPERS, names_used, plain_condition


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's script environment, running every script in the sandbox.

    A script sees only the task data it names (it has no ``globals()`` or
    ``vars()`` to reach the rest), so only that crosses to the worker.
    """

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        time_limit: float = sandbox.DEFAULT_TIME_LIMIT,
        memory_limit_mb: int = sandbox.DEFAULT_MEMORY_LIMIT_MB,
    ) -> None:
        super().__init__({**HELPERS, **(helpers or {})})
        self.time_limit = time_limit
        self.memory_limit_mb = memory_limit_mb

    def _inputs(
        self, source: str, mode: str, context: Mapping[str, Any], external: Mapping[str, Any]
    ) -> dict[str, Any]:
        names = names_used(source, mode)
        inputs = {name: external[name] for name in names if name in external}
        inputs.update((name, context[name]) for name in names if name in context)
        if DEFINED_NAMES in names and DEFINED_NAMES not in inputs:
            # FEEL's is defined(x) asks which names the data hold: their names, not values
            inputs[DEFINED_NAMES] = frozenset(context) | frozenset(external)
        return inputs

    def _sandbox(self) -> sandbox.Sandbox:
        return sandbox.shared_sandbox(self.globals, self.memory_limit_mb)

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition or expression over ``context``."""
        inputs = self._inputs(expression, "eval", context, external_context or {})
        plain = plain_condition(expression)
        if plain is not None and names_used(expression, "eval") <= inputs.keys():
            try:
                # No builtins: a plain condition reads only the data it names.
                return eval(plain, {"__builtins__": {}}, inputs)
            except Exception:  # the sandbox reports a failing condition, as for any script
                pass
        return self._sandbox().evaluate(expression, inputs, self.time_limit)

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> bool:
        """Run a script task, updating ``context`` (the task data) in place."""
        external = external_context or {}
        self.check_for_overwrite(context, external)
        inputs = self._inputs(script, "exec", context, external)
        changed, deleted = self._sandbox().execute(script, inputs, self.time_limit)
        for name, value in changed.items():
            if name not in self.globals and name not in external:
                context[name] = value
        for name in deleted:
            context.pop(name, None)
        return True


def names_unset_data(exc: SpiffWorkflowException) -> bool:
    """Tell whether an expression failed only because it reads a name the data do not hold."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, sandbox.SandboxError | NameError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, sandbox.SandboxError):
        return cause.reason == "NameError"
    return isinstance(cause, NameError)


def script_error(exc: SpiffWorkflowException) -> ScriptError:
    """Return the engine error for a failed step, naming the element and what went wrong."""
    spec = getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    name = getattr(spec, "bpmn_name", None)
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, sandbox.SandboxError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, sandbox.SandboxError):
        reason, detail, line = cause.reason, str(cause), cause.line
    else:
        inner = exc.__cause__ or exc.__context__
        reason, line = "failed", None
        detail = str(exc) + (f" ({type(inner).__name__}: {inner})" if inner else "")
    return ScriptError(
        "script.failed", element=element, name=name, reason=reason, detail=detail, line=line
    )
