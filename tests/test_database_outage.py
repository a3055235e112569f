"""When the database cannot be reached, pages and the API say so with a 503, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Database, Engine, UnavailableError, WorkflowEngine
from engine.clock import ManualClock
from engine.domain import Domain, ServiceContext
from engine.store import schema
from webui import create_app

from .conftest import MONDAY_MORNING, TEST_BPMN, fresh_database_url

#: a port nothing listens on: every connection is refused at once
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/gongkai"


def test_an_unreachable_database_gives_503_with_retry_after() -> None:
    engine = Engine(Database.connect(UNREACHABLE))
    client = create_app({"TESTING": True, "ENGINE": engine}).test_client()
    page = client.get("/public/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "数据库暂时无法访问" in page.get_data(as_text=True)
    api = client.get("/api/v1/tasks", headers={"Authorization": "Bearer gk_" + "x" * 43})
    assert api.status_code == 503 and api.json["code"] == "database.unreachable"
    english = client.get("/public/?lang=en")
    assert "cannot be reached" in english.get_data(as_text=True)
    engine.db.dispose()


def test_a_signed_in_clerk_gets_the_503_page_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outage page does not need the database to say who is signed in."""
    engine = Engine(Database.connect(f"sqlite:///{tmp_path / 'outage.sqlite3'}"))
    schema.upgrade(engine.db)
    engine.users.add("zhangsan", ["drafter"], "张三", "outage-password")
    app = create_app({"TESTING": True, "ENGINE": engine, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    signed_in = client.post("/login", data={"username": "zhangsan", "password": "outage-password"})
    assert signed_in.status_code == 302

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise UnavailableError("database.unreachable")

    # The database goes away after the clerk was read: the page still says who he is.
    monkeypatch.setattr(engine.queries, "inbox", unreachable)
    page = client.get("/")
    assert page.status_code == 503 and "张三" in page.get_data(as_text=True)
    monkeypatch.undo()

    # The database goes away: the first thing a page reads is who is signed in.
    monkeypatch.setattr(engine.users, "get_with_stamp", unreachable)
    for path in ("/", "/mine", "/tasks/00000000-0000-0000-0000-000000000000"):
        page = client.get(path)
        assert page.status_code == 503, (path, page.status_code)
        assert page.headers["Retry-After"] == "5"
        assert "数据库暂时无法访问" in page.get_data(as_text=True)
    # A page that does not exist is still "not found", said without the database.
    assert client.get("/no-such-page").status_code == 404
    engine.db.dispose()


def _connection_ended_by_the_server(
    context: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> Any:
    """A service whose connection PostgreSQL ends under it, as a restart of the server does."""
    context.connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
    return {"archive_no": "never"}


@pytest.mark.postgres
def test_a_database_lost_inside_a_service_task_is_an_outage_not_a_failed_process(
    tmp_path: Path,
) -> None:
    # Before, the step said 流程无法继续 (the process cannot go on, 422): the service's
    # database error was taken for the service's own failure.  A restart is retried.
    with fresh_database_url("postgres", tmp_path) as url:
        db = Database.connect(url)
        schema.upgrade(db)
        services = {"archive_invoice": _connection_ended_by_the_server}
        core = WorkflowEngine(db, ManualClock(MONDAY_MORNING), domain=Domain(services=services))
        core.users.add("anna", ["accounting"])
        invoice = TEST_BPMN / "camunda" / "invoice.bpmn"
        core.deploy_files({invoice.name: invoice.read_text(encoding="utf-8")})
        instance = core.start("camunda_invoice", "anna", {"wait_for": "PT1H"})
        task = instance.ready_tasks[0]
        with pytest.raises(UnavailableError, match=r"database\.unreachable"):
            core.complete_task(task.task_id, "anna", {"amount": 300, "supplier": "ACME"})
        # Nothing of the step was kept: the task waits as it did, at the same version.
        again = core.queries.get_instance(instance.id)
        assert again.version == instance.version
        assert [t.task_id for t in again.ready_tasks] == [task.task_id]
        db.dispose()
