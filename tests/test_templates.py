"""Recycled PostgreSQL copies of test templates hold exactly the template's rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from engine import Database

from .conftest import _admin, _demo, fresh_database_url
from .templates import Templates, schema_name

pytestmark = pytest.mark.postgres


@pytest.fixture
def own(tmp_path: Path) -> Iterator[Templates]:
    """Templates of this test alone, so that its spare copies are its own."""
    kept = Templates(
        tmp_path,
        lambda: fresh_database_url("postgres", Path(".")),
        lambda: _admin(transactions=True),
    )
    yield kept
    kept.close()


def _contents(db: Database) -> dict[str, object]:
    """Return every table's rows (as text, sorted) and every sequence's next value."""
    found: dict[str, object] = {}
    with db.write_engine.begin() as connection:
        tables = connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
        for table in sorted(tables):
            rows = connection.exec_driver_sql(f'SELECT t::text FROM "{table}" t').scalars()
            found[table] = sorted(rows)
        sequences = connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        ).scalars()
        for sequence in sorted(sequences):
            found[sequence] = connection.exec_driver_sql(
                f"SELECT nextval('\"{sequence}\"')"
            ).scalar()
    return found


def _schemas() -> set[str]:
    with _admin().connect() as connection:
        return set(connection.exec_driver_sql("SELECT nspname FROM pg_namespace").scalars())


def test_a_recycled_copy_holds_the_template_rows_and_sequences(own: Templates) -> None:
    with fresh_database_url("postgres", Path("."), own.recycle) as url:
        db = own.copy("demo", _demo, url)
        expected = _contents(db)  # takes one value of each sequence, as the next test will
        db.dispose()
    assert len(own.spare["demo"]) == 1, "the first copy was not kept"
    with fresh_database_url("postgres", Path("."), own.recycle) as url:
        db = own.copy("demo", _demo, url)
        assert not own.spare["demo"], "the spare copy was not taken"
        with db.write_engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM work_items")
            connection.exec_driver_sql(
                "INSERT INTO departments (name, active, created_at) "
                "VALUES ('临时处', true, '2026-11-30'), ('另一处', true, '2026-11-30')"
            )
            connection.exec_driver_sql("UPDATE users SET display_name = 'x'")
        db.dispose()
    assert len(own.spare["demo"]) == 1, "the changed copy was not kept"
    with fresh_database_url("postgres", Path("."), own.recycle) as url:
        db = own.copy("demo", _demo, url)
        assert not own.spare["demo"], "the spare copy was not taken"
        assert _contents(db) == expected
        db.dispose()


@pytest.mark.parametrize(
    "change",
    [
        "CREATE INDEX ix_extra ON users (display_name)",
        "ALTER TABLE users ADD COLUMN extra text",
        "ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL",
        "DROP TRIGGER review_records_no_update ON review_records",
        "GRANT SELECT ON users TO PUBLIC",
        "CREATE TABLE extra (id int)",
        "ALTER TABLE users ADD CONSTRAINT extra_check CHECK (id > 0)",
    ],
)
def test_a_copy_whose_definitions_changed_is_dropped(own: Templates, change: str) -> None:
    with fresh_database_url("postgres", Path("."), own.recycle) as url:
        db = own.copy("migrated", lambda _: None, url)
        with db.write_engine.begin() as connection:
            if change.startswith("DROP TRIGGER"):
                # the trigger's name as the migration made it
                name = connection.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                    "AND tgrelid = 'review_records'::regclass LIMIT 1"
                ).scalar_one()
                change = f'DROP TRIGGER "{name}" ON review_records'
            connection.exec_driver_sql(change)
        db.dispose()
        name = schema_name(url)
    assert not own.spare.get("migrated")
    assert name not in _schemas()


def test_a_copy_a_test_still_holds_is_dropped_not_kept(own: Templates) -> None:
    with fresh_database_url("postgres", Path("."), own.recycle) as url:
        db = own.copy("migrated", lambda _: None, url)
        held = db.write_engine.connect()
        held.begin()
        held.exec_driver_sql("LOCK TABLE users IN SHARE MODE")
        recycled = own.recycle(schema_name(url))
        held.rollback()
        held.close()
        db.dispose()
    assert not recycled
    with sqlalchemy.create_engine(url).connect() as connection:
        assert connection.exec_driver_sql("SELECT current_schema()").scalar() is None
