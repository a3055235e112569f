"""Service tasks: named operations a BPMN ``serviceTask`` may call.

A service runs inside the engine call that reached it, in the same database
transaction, so that what it writes commits or rolls back together with the
workflow step.  BPMN names the operation with
``spiffworkflow:serviceTaskOperator id="..."``; the domain registers the
operations (see ``engine.domain``) and deployment refuses unknown names.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.task import Task
from sqlalchemy.exc import SQLAlchemyError

from .domain import Service, ServiceContext
from .errors import EngineError
from .store.unit import is_refusal

_context: contextvars.ContextVar[ServiceContext] = contextvars.ContextVar("gongkai_service_context")

#: a replay's source of recorded results: (task, operation) -> the result recorded for it
RecordedResults = Callable[[Task, str], Any]
_recorded: contextvars.ContextVar[RecordedResults | None] = contextvars.ContextVar(
    "gongkai_recorded_results", default=None
)

#: the history event that records a service task's result, for replays
SERVICE_COMPLETED = "service_completed"


@contextlib.contextmanager
def replaying(results: RecordedResults) -> Iterator[None]:
    """Answer every service task in the enclosed block from ``results``, calling none."""
    token = _recorded.set(results)
    try:
        yield
    finally:
        _recorded.reset(token)


@contextlib.contextmanager
def serving(context: ServiceContext) -> Iterator[None]:
    """Make ``context`` available to the services called in the enclosed block."""
    token = serve(context)
    try:
        yield
    finally:
        unserve(token)


def serve(context: ServiceContext) -> contextvars.Token[ServiceContext]:
    """Make ``context`` the services' until ``unserve`` (what ``serving`` does)."""
    return _context.set(context)


def unserve(token: contextvars.Token[ServiceContext]) -> None:
    """Give the services back the context they had before ``serve`` returned ``token``."""
    _context.reset(token)


class ServiceScriptEngine(PythonScriptEngine):
    """Script engine that runs gongkai's services for BPMN service tasks."""

    def __init__(self, environment: Any, services: Mapping[str, Service]) -> None:
        super().__init__(environment=environment)
        self.services = services

    def call_service(
        self,
        task: Task,
        operation_name: str = "",
        operation_params: dict[str, Any] | None = None,
        **_: Any,
    ) -> str:
        """Run service ``operation_name`` with the evaluated parameters; return its JSON result.

        The result is recorded in the instance's history, so that a replay
        uses it instead of running the service again.
        """
        recorded = _recorded.get()
        if recorded is not None:
            return json.dumps(recorded(task, operation_name))
        service = self.services.get(operation_name)
        if service is None:
            raise WorkflowTaskException(f"unknown service '{operation_name}'", task=task)
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        try:
            result = service(_context.get(), task.data, params)
        except EngineError:
            raise
        except SQLAlchemyError as exc:
            if is_refusal(exc):
                # The database's, not the service's (a restart, a lost connection, a busy
                # lock): the step's unit of work says so (503, 409), as for any statement.
                raise
            # Say what failed, not the SQL: the message reaches the user's page.
            kind = type(getattr(exc, "orig", None) or exc).__name__
            raise WorkflowTaskException(
                f"service '{operation_name}' failed: database error ({kind})", task=task
            ) from exc
        except Exception as exc:
            raise WorkflowTaskException(
                f"service '{operation_name}' failed: {exc}", task=task, exception=exc
            ) from exc
        text = json.dumps(result)
        _context.get().record(
            SERVICE_COMPLETED,
            {
                "element_id": task.task_spec.bpmn_id,
                "operation": operation_name,
                "result": json.loads(text),
            },
        )
        return text
