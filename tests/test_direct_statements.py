"""Hot-path statements run on the driver give what SQLAlchemy gives, and fail as it fails."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from engine import Engine
from engine.errors import ConflictError
from engine.store.direct import Runner
from engine.store.repository import _TASK

from .conftest import WORKFLOWS


def _started(engine: Engine) -> str:
    """Start a simple approval (its review excludes the drafter); return the review task."""
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add("drafter", ["drafter"])
    engine.users.add("head", ["dept_head"])
    first = engine.start("simple_approval", "drafter").ready_tasks[0]
    done = engine.complete_task(first.task_id, "drafter", {"title": "通知", "body": "正文"})
    return done.ready_tasks[0].task_id


def test_rows_read_on_the_driver_are_sqlalchemys(engine: Engine) -> None:
    """JSON and boolean columns come back as SQLAlchemy returns them."""
    task_id = _started(engine)
    with engine.store.read() as repo:
        direct = Runner(repo.connection).execute(_TASK, {"task_id": task_id}).all()
        through = [tuple(row) for row in repo.connection.execute(_TASK, {"task_id": task_id})]
    assert [tuple(row) for row in direct] == through
    assert through[0][6] == ["drafter"] and through[0][11] is False  # excluded users, overdue


def test_a_statement_listener_sees_every_statement(engine: Engine) -> None:
    """A statement log (a benchmark's plans) still sees the hot path's statements."""
    task_id = _started(engine)
    seen: list[str] = []

    def log(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.db.write_engine, "before_cursor_execute", log)
    try:
        engine.complete_task(task_id, "head", {"decision": "approve", "comment": "同意"})
    finally:
        event.remove(engine.db.write_engine, "before_cursor_execute", log)
    assert any(s.startswith("UPDATE process_instances") for s in seen)
    assert any(s.startswith("INSERT INTO events") for s in seen)


def test_a_refused_write_is_sqlalchemys_error_and_a_conflict(engine: Engine) -> None:
    """A duplicate event is an IntegrityError naming the statement; the store makes it a 409."""
    task_id = _started(engine)
    with engine.store.read() as repo:
        found = repo.task_with_instance(task_id)
        assert found is not None
        event_row = repo.events_of(found[1].id)[0]
    with pytest.raises(ConflictError), engine.store.write() as repo:
        try:
            repo.insert_events([event_row])
        except IntegrityError as refused:
            assert "INSERT INTO events" in str(refused.statement)
            raise


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL's are SQLAlchemy's
def test_a_start_and_a_step_run_every_statement_on_the_driver(engine: Engine) -> None:
    """On SQLite no statement of a start or a completion goes through SQLAlchemy.

    One that does makes SQLAlchemy begin its own bookkeeping and end the
    transaction through it, which costs a short step a tenth of its time.
    """
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add("drafter", ["drafter"], department="办公室")
    engine.users.add("head", ["dept_head"], department="办公室")
    engine.start("simple_approval", "drafter")  # parses and caches the definition
    begun: list[object] = []

    def noted(connection: Any) -> None:
        begun.append(connection)

    event.listen(engine.db.write_engine, "begin", noted)
    try:
        first = engine.start("simple_approval", "drafter").ready_tasks[0]
        data = {"title": "通知", "body": "正文"}
        review = engine.complete_task(first.task_id, "drafter", data)
        engine.complete_task(
            review.ready_tasks[0].task_id, "head", {"decision": "approve", "comment": "同意"}
        )
    finally:
        event.remove(engine.db.write_engine, "begin", noted)
    assert begun == []
