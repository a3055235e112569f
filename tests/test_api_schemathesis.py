"""schemathesis against the API's published OpenAPI document, on SQLite and PostgreSQL.

Every operation gets generated calls, valid by the document and not, with a
token of a system that holds many roles (so that calls reach the engine, not
just the token check), and some on real tasks, instances, documents and
requests of the demo.  No answer may be a server error, have a status the
document does not list, or break the schema the document gives it.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from engine import Engine
from webui.demo import DEMO_DEPARTMENT

from .conftest import TEST_BPMN

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
#: generated calls per operation and generation mode: bounded, so that the file stays short
EXAMPLES = 10
#: the same calls on every run; no shrinking: the calls change the database
RUNS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
#: a system in every role the demo's cases need, so that calls reach the engine's rules
ROLES = ["drafter", "dept_head", "office", "registrar", "handler", "auditor", "clerk"]


def _real_values(engine: Engine, system: str) -> dict[str, list[Any]]:
    """Return path parameters naming things that exist, for calls that reach real code."""
    tasks = [t.task_id for t in engine.queries.list_tasks(system)]
    instances = [i.id for i in engine.queries.list_instances()]
    documents = [d.id for d in engine.catalogue.list_documents(system)]
    requests = [r["id"] for r in engine.requests.list_page(system).items]
    return {
        "task_id": tasks[:4],
        "instance_id": instances[:4],
        "document_id": documents[:3],
        "request_id": requests[:3],
        "process_id": ["document_approval", "message_wait", "simple_approval"],
    }


def _strategy(operation: Any, real: dict[str, list[Any]], mode: Any) -> Any:
    """Return calls of an operation: generated throughout, or on things that exist."""
    names = [p.name for p in operation.path_parameters]
    strategies = [operation.as_strategy(generation_mode=mode)]
    for index in range(4):
        chosen = {n: real[n][index % len(real[n])] for n in names if real.get(n)}
        if chosen and len(chosen) == len(names):
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=chosen))
    return st.one_of(strategies)


def test_every_operation_keeps_to_the_published_document(app: Flask) -> None:
    engine: Engine = app.extensions["gongkai.engine"]
    engine.deploy([TEST_BPMN / "elements" / "message_wait.bpmn"])
    engine.users.add("everything", ROLES, department=DEMO_DEPARTMENT, new_groups=True)
    token = engine.tokens.issue("everything", "schemathesis").token
    headers = {"Authorization": f"Bearer {token}"}
    real = _real_values(engine, "everything")
    assert all(real.values()), real

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
        for operation in operations:

            @RUNS
            @given(case=_strategy(operation, real, mode))
            def calls(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            calls()
