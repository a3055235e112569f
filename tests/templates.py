"""Test databases built once per session and copied for each test.

Migrating a database and seeding the demo take longer than most tests; the
migrations and the seed are tested on their own, so each test starts from a
copy of a database built once: a copied SQLite file, or the replayed
``pg_dump`` of a PostgreSQL schema (schema and rows).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import sqlalchemy

from engine import Database
from engine.store import schema

#: fills a freshly migrated database with what a kind of test starts from.
Build = Callable[[Database], None]


def schema_name(database_url: str) -> str:
    """Return the PostgreSQL schema a test URL's search path names."""
    return database_url.rsplit("%3D", 1)[1]


class Templates:
    """Databases built once, by name, and copied into each test's empty database."""

    def __init__(self, folder: Path, fresh_postgres: Callable[[], object]) -> None:
        self.folder = folder
        #: a context manager yielding a fresh PostgreSQL URL (``fresh_database_url``)
        self.fresh_postgres = fresh_postgres
        self.dumps: dict[str, str | None] = {}

    def copy(self, name: str, build: Build, database_url: str) -> Database:
        """Open the empty database at ``database_url`` as a copy of template ``name``."""
        if database_url.startswith("sqlite:///"):
            template = self.folder / f"{name}.sqlite3"
            if not template.exists():
                self._build(f"sqlite:///{template}", build)
            shutil.copyfile(template, database_url.removeprefix("sqlite:///"))
            return Database.connect(database_url)
        if name not in self.dumps:
            self.dumps[name] = self._dump(build)
        database = Database.connect(database_url)
        dump = self.dumps[name]
        if dump is None:
            schema.upgrade(database)
            build(database)
            return database
        connection = database.write_engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(dump.replace("{schema}", f'"{schema_name(database_url)}"'))
            connection.commit()
        finally:
            connection.close()
        return database

    @staticmethod
    def _build(url: str, build: Build) -> None:
        database = Database.connect(url)
        try:
            schema.upgrade(database)
            build(database)
        finally:
            database.dispose()

    def _dump(self, build: Build) -> str | None:
        """Return the SQL that rebuilds a built schema under ``{schema}``, or None.

        None (each test then migrates and builds) when ``pg_dump`` is missing or
        refuses, as one older than the server does.
        """
        if shutil.which("pg_dump") is None:
            return None
        with self.fresh_postgres() as url:  # type: ignore[attr-defined]
            self._build(url, build)
            name = schema_name(url)
            parts = sqlalchemy.engine.make_url(url)
            dump = subprocess.run(
                [
                    *("pg_dump", "--no-owner", "--no-privileges", "--inserts", "-n", name),
                    *("-h", parts.host or "127.0.0.1", "-p", str(parts.port or 5432)),
                    *("-U", parts.username or "postgres", parts.database or "test"),
                ],
                capture_output=True,
                text=True,
            )
        if dump.returncode != 0:
            return None
        # psql's meta-commands, the template's own schema and the dump's emptied
        # search_path (it would stay on the pooled connection) are not copied.
        skipped = ("\\", "CREATE SCHEMA", "SELECT pg_catalog.set_config('search_path'")
        lines = [line for line in dump.stdout.splitlines() if not line.startswith(skipped)]
        return "\n".join(lines).replace(f"{name}.", "{schema}.")
