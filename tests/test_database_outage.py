"""When the database cannot be reached, pages and the API say so with a 503, never a 500."""

from __future__ import annotations

from engine import Database, Engine
from webui import create_app

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
