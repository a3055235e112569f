"""Hot-path statements run on the driver give what SQLAlchemy gives, and fail as it fails."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import sqltypes

from engine import Engine
from engine.errors import ConflictError
from engine.store import direct
from engine.store.direct import Runner
from engine.store.repository import _INSERT_WORK_ITEM, _TASK, _WORK_ITEMS

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


@pytest.mark.parametrize("none", [None, True, False, [], ["drafter"], {"zh": "审核"}])
def test_values_bound_on_the_driver_are_sqlalchemys(engine: Engine, none: Any) -> None:
    """Each value a work item binds is what SQLAlchemy's own processors make of it.

    None in a JSON column is the text ``null``, not SQL's NULL: both read back
    as None, so only the bound value tells them apart.
    """
    dialect = engine.db.write_engine.dialect
    params = {column.name: _value(column.type, none) for column in _WORK_ITEMS.columns}
    compiled = direct._compile(_INSERT_WORK_ITEM, dialect, frozenset(params))
    assert compiled is not None
    bound = direct._prepared(compiled, params)
    sqlalchemys = _INSERT_WORK_ITEM.compile(
        dialect=dialect, column_keys=sorted(params), for_executemany=True
    )
    expected = {}
    for bind, name in sqlalchemys.bind_names.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        expected[name] = process(params[name]) if process is not None else params[name]
    if isinstance(bound, dict):
        got = bound
    else:
        assert sqlalchemys.positiontup is not None
        got = dict(zip(sqlalchemys.positiontup, bound, strict=True))
    assert {k: _plain(v) for k, v in got.items()} == {k: _plain(v) for k, v in expected.items()}
    assert all(type(got[k]) is type(expected[k]) for k in expected)


def _value(kind: Any, value: Any) -> Any:
    """Return ``value`` for a JSON column, and a value of its kind for another column."""
    if isinstance(kind, sqltypes.JSON):
        return value
    if isinstance(kind, sqltypes.Boolean):
        return value if value is None or isinstance(value, bool) else True
    return "x" if value is not None else None


def _plain(value: Any) -> Any:
    """A driver's wrapper (psycopg's Json) as what it wraps: each made anew compares unequal."""
    return (type(value).__name__, value.obj) if hasattr(value, "obj") else value
