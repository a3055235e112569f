"""The PostgreSQL role the web workers run as can do their work and nothing more."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy
from click.testing import CliRunner

from engine import Database, Engine
from engine.store import schema
from webui.cli import main

from .conftest import WORKFLOWS, fresh_database_url


@pytest.fixture
def owner_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url("postgres", tmp_path) as url:
        yield url


@pytest.fixture
def app_role(owner_url: str) -> Iterator[str]:
    role = f"gk_app_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    try:
        yield role
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()


REFUSED = r"must be owner|permission denied"


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))


@pytest.mark.postgres
def test_the_application_role_works_but_cannot_touch_the_review_triggers(
    owner_url: str, app_role: str
) -> None:
    owner = Database.connect(owner_url)
    schema.upgrade(owner)
    result = CliRunner(env={"GONGKAI_DATABASE_URL": owner_url}).invoke(
        main, ["db", "grant", app_role]
    )
    assert result.exit_code == 0, result.output
    assert "REVOKE TRUNCATE" in result.output

    app = Engine(Database.connect(as_role(owner_url, app_role)))
    app.deploy([WORKFLOWS / "simple_approval.bpmn"])
    app.users.add("alice", ["drafter"])
    instance = app.start("simple_approval", "alice")
    app.complete_task(instance.ready_tasks[0].task_id, "alice", {"title": "稿"})
    assert schema.current_revision(app.db) == schema.head_revision()

    for statement in (
        "DROP TRIGGER review_records_immutable ON review_records",
        "ALTER TABLE review_records DISABLE TRIGGER ALL",
        "TRUNCATE review_records",
        "UPDATE review_records SET basis = ''",
        "DELETE FROM review_records",
        "DROP TABLE review_records",
        "UPDATE alembic_version SET version_num = '0001'",
    ):
        with (
            pytest.raises(sqlalchemy.exc.ProgrammingError, match=REFUSED),
            app.db.write_engine.begin() as conn,
        ):
            conn.exec_driver_sql(statement)
    app.db.dispose()
    owner.dispose()


def test_granting_a_role_is_refused_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    result = CliRunner(env={"GONGKAI_DATABASE_URL": url}).invoke(main, ["db", "grant", "app"])
    assert result.exit_code == 1 and "PostgreSQL only" in result.output


@pytest.mark.postgres
def test_migrations_analyze_only_gongkais_own_tables(owner_url: str, tmp_path: Path) -> None:
    """Another schema's table, locked by its application, neither waits for nor blocks gongkai.

    A bare ANALYZE would take every table of the database and wait here (and can
    deadlock with that application's DDL).
    """
    with fresh_database_url("postgres", tmp_path / "other") as other_url:
        neighbour = sqlalchemy.create_engine(other_url)
        try:
            with neighbour.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE theirs (n integer)")
            with neighbour.begin() as conn:
                # What its DDL holds (a foreign key being added, say): ANALYZE must wait for it.
                conn.exec_driver_sql("LOCK TABLE theirs IN SHARE ROW EXCLUSIVE MODE")
                db = Database.connect(f"{owner_url}%20-clock_timeout%3D2s")
                try:
                    schema.upgrade(db)  # migrates, then refreshes the statistics
                finally:
                    db.dispose()
        finally:
            neighbour.dispose()
