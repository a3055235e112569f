"""The Flask application over a real database."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.store import schema
from webui import create_app, get_engine


@pytest.fixture
def app(database_url: str) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    schema.upgrade(get_engine(app).db)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_health_reports_current_schema(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "schema": "0002", "expected": "0002"}


def test_health_reports_missing_schema(tmp_path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "outdated"


def test_demo_seed_gives_every_role_a_user_and_is_idempotent(engine) -> None:
    from engine import roles
    from webui.cli import BUNDLED_WORKFLOWS
    from webui.demo import DEMO_USERS, seed

    engine.deploy(sorted(BUNDLED_WORKFLOWS.glob("*.bpmn")))
    seed(engine)
    seed(engine)
    users = engine.list_users()
    assert len(users) == len(DEMO_USERS)
    assert {r for u in users for r in u.roles} == set(roles.ROLES)
    assert len(engine.list_instances(process_id="document_approval")) == 4
    assert [t.element_id for t in engine.list_tasks("lisi")] == ["dept_review"]
    assert [t.element_id for t in engine.list_tasks("zhouba")] == ["publish"]
    assert [t.element_id for t in engine.list_tasks("zhangsan")] == ["draft"]
    assert [d.title for d in engine.public_documents()] == ["关于印发2026年政务公开工作要点的通知"]
