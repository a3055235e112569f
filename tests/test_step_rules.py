"""Step rules are versioned: an instance runs, and its history replays, by the rules it began with.

Rules 2 marks a task created already past its due time (a paper request
entered after its deadline); an instance begun under rules 1 keeps rules 1
for all its steps, so that its recorded history still replays.
"""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy

from engine import Database, Engine, WorkflowEngine, runtime
from engine.clock import ManualClock
from engine.store import schema
from engine.views import TaskView

from .conftest import WORKFLOWS
from .helpers import beijing, downgrade
from .test_general_engine import files
from .test_request_handling_feature import request_form

LATE = request_form("农村公路养护资金使用情况") | {"channel": "mail", "received_on": "2026-09-18"}


@pytest.fixture
def registry(engine: Engine, clock: ManualClock) -> Engine:
    """The request workflow deployed, its registrar and a handler; a month after a receipt."""
    names = ("disclosure_request", "confidentiality_review", "proactive_proposal")
    engine.deploy([WORKFLOWS / f"{name}.bpmn" for name in names])
    engine.users.add("reg", ["registrar"], department="办公室")
    engine.users.add("han", ["handler"], department="法规处")
    clock.now = beijing("2026-10-26 09:00")
    return engine


def _task(engine: Engine, instance_id: int, element: str, user: str) -> TaskView:
    (task,) = [
        t
        for t in engine.queries.list_tasks(user)
        if t.instance_id == instance_id and t.element_id == element
    ]
    return task


def _rules_column(engine: Engine, instance_id: int) -> int:
    with engine.store.read() as repo:
        query = sqlalchemy.text("SELECT rules FROM process_instances WHERE id = :id")
        return int(repo.connection.execute(query, {"id": instance_id}).scalar_one())


def test_a_new_instance_runs_by_the_newest_rules_and_says_so(registry: Engine) -> None:
    instance_id = registry.requests.submit(LATE, registrar="reg").instance_id
    assert _rules_column(registry, instance_id) == runtime.RULES >= 2
    started = registry.queries.history(instance_id)[0]
    assert started.type == "instance_started" and started.data["rules"] == runtime.RULES
    check = _task(registry, instance_id, "check_request", "reg")
    assert check.overdue


def test_an_instance_begun_under_rules_1_keeps_them_and_replays(
    registry: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(runtime, "RULES", 1)
        instance_id = registry.requests.submit(LATE, registrar="reg").instance_id
    # The engine is the new one from here on; the instance still runs by its own rules.
    assert _rules_column(registry, instance_id) == 1
    assert "rules" not in registry.queries.history(instance_id)[0].data
    check = _task(registry, instance_id, "check_request", "reg")
    assert not check.overdue
    registry.complete_task(
        check.task_id, "reg", {"intake_decision": "accept", "department": "法规处"}
    )
    handle = _task(registry, instance_id, "handle", "han")
    assert not handle.overdue
    types = [e.type for e in registry.queries.history(instance_id)]
    assert "task_overdue" not in types and types.count("timer_fired") == 4
    assert registry.replayer.replay_stored(instance_id).ok  # (the fixture replays all, too)


def test_a_history_of_rules_this_engine_does_not_know_does_not_replay(registry: Engine) -> None:
    instance_id = registry.requests.submit(LATE, registrar="reg").instance_id
    events = registry.queries.history(instance_id)
    with registry.store.read() as repo:
        stored = repo.events_of(instance_id)
        newer = [
            dataclasses.replace(stored[0], data={**stored[0].data, "rules": runtime.RULES + 1}),
            *stored[1:],
        ]
        instance = repo.instance(instance_id)
        assert instance is not None
        report = registry.replayer.replay_read(repo, instance, newer)
    assert len(events) == len(stored)
    (problem,) = report.problems
    assert f"step rules {runtime.RULES + 1}" in str(problem)


def test_migration_0021_gives_the_instances_before_it_rules_1(
    database_url: str, clock: ManualClock
) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db)
        core = WorkflowEngine(db, clock)
        core.users.add("clara", ["clerk"])
        core.deploy_files(files("lane_less_user_task.bpmn"))
        downgrade(db, "0020")
        with db.transaction(write=True) as connection:
            columns = sqlalchemy.inspect(connection).get_columns("process_instances")
            assert "rules" not in {c["name"] for c in columns}
            # an instance of the engine before: the columns it wrote, no rules
            connection.exec_driver_sql(
                "INSERT INTO process_instances (definition_id, process_id, status, row_version,"
                " serializer_version, state, actors, started_by, started_at, updated_at,"
                " event_count, last_event_hash) SELECT id, 'lane_less_user_task', 'running', 1,"
                " '1.4', '{}', '{}', 'clara', '2026-11-30T09:00:00+08:00',"
                " '2026-11-30T09:00:00+08:00', 0, 'x' FROM definitions"
            )
        schema.upgrade(db)
        with db.transaction(write=False) as connection:
            rows = connection.exec_driver_sql("SELECT rules FROM process_instances").all()
        assert [tuple(r) for r in rows] == [(1,)]
        assert core.start("lane_less_user_task", "clara").id
        with db.transaction(write=False) as connection:
            rules = connection.exec_driver_sql("SELECT rules FROM process_instances ORDER BY id")
            assert [r[0] for r in rules] == [1, runtime.RULES]
    finally:
        db.dispose()
