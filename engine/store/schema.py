"""Create and upgrade the database schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema of ``db`` up to ``revision`` (default: the newest)."""
    with db.write_engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    # A migration may add indexes the planner knows nothing of yet.
    optimize(db)


def optimize(db: Database) -> None:
    """Refresh the query planner's statistics, bounded in time however big the tables are.

    PostgreSQL's autovacuum analyzes on its own, but not at once after a
    migration or a bulk load; SQLite never does.  Without statistics SQLite
    may pick an index that scans every running instance (tick) or every task
    of a group (inboxes).
    """
    with db.write_engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # Sample at most this many index rows per index, and analyze every table
            # whose statistics are missing or stale (0x10002), not only those used lately.
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
            connection.exec_driver_sql("PRAGMA optimize=0x10002")
        else:
            # Only gongkai's own tables: a bare ANALYZE takes every table of the database,
            # other schemas' too, and can deadlock with another application's DDL there.
            tables = connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).scalars()
            quote = connection.dialect.identifier_preparer.quote_identifier
            named = ", ".join(quote(table) for table in sorted(tables))
            if named:
                connection.exec_driver_sql(f"ANALYZE {named}")


def current_revision(db: Database) -> str | None:
    """Return the schema revision ``db`` is at, or None for an empty database."""
    with db.read_engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision the migrations define."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def app_role_statements(db: Database, role: str) -> list[str]:
    """Return the PostgreSQL statements that give ``role`` what the application needs, no more.

    The tables belong to the role that runs the migrations.  The application's
    role may read and write rows, but not alter, drop, truncate or disable the
    triggers that keep review records immutable, nor change the schema
    version; review records it may only read and add.
    """
    if db.is_sqlite:
        raise ValueError("database roles exist on PostgreSQL only")
    preparer = db.write_engine.dialect.identifier_preparer
    with db.read_engine.connect() as connection:
        current = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    schema, who = preparer.quote_identifier(current), preparer.quote_identifier(role)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        f"REVOKE UPDATE, DELETE ON {schema}.review_records FROM {who}",
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.alembic_version FROM {who}",
    ]


def grant_app_role(db: Database, role: str) -> list[str]:
    """Grant the application's role its privileges (see ``app_role_statements``)."""
    statements = app_role_statements(db, role)
    with db.write_engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    return statements
