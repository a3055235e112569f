"""Test databases built once per session and copied for each test.

Migrating a database and seeding the demo take longer than most tests; the
migrations and the seed are tested on their own, so each test starts from a
copy of a database built once: a copied SQLite file, or the replayed
``pg_dump`` of a PostgreSQL schema (schema and rows).

Replaying a schema's definitions costs PostgreSQL a tenth of a second or
more (and dropping it another thirty milliseconds), most of a short test.  So
a copy a test leaves behind with its definitions as they were copied is
recycled: its rows are put back as the template has them (every table
emptied, the template's rows and sequence values written again) and
the next test of this process that starts from the same template takes it
over under its own schema name.  A test that changed definitions (a
migration, a trigger dropped, a grant) leaves a schema that is dropped.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy

from engine import Database
from engine.store import schema

#: fills a freshly migrated database with what a kind of test starts from.
Build = Callable[[Database], None]

#: what the definitions of a schema are compared by: its relations with their columns,
#: defaults, access and options; constraints, indexes, triggers, functions, views, policies.
_DEFINITIONS = """
SELECT c.relname::text || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '')
       || ':' || c.relrowsecurity::text || ':' || coalesce(c.reloptions::text, '')
       || ':' || coalesce((
            SELECT string_agg(a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod)
                              || ' ' || a.attnotnull::text || ' '
                              || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                              || ' ' || coalesce(a.attacl::text, ''), ';' ORDER BY a.attnum)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
       || ':' || CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) ELSE '' END
FROM pg_class c WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'constraint ' || conname::text || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'function ' || p.proname::text || '(' || pg_get_function_identity_arguments(p.oid)
       || ') ' || coalesce(pg_get_function_result(p.oid), '') || ' ' || md5(p.prosrc)
       || ' ' || coalesce(p.proacl::text, '')
FROM pg_proc p WHERE p.pronamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'policy ' || polname::text || ' ' || polrelid::regclass::text FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'schema ' || coalesce(nspacl::text, '') FROM pg_namespace
WHERE oid = %(schema)s::regnamespace
"""
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = %(schema)s"


def schema_name(database_url: str) -> str:
    """Return the PostgreSQL schema a test URL's search path names."""
    return database_url.rsplit("%3D", 1)[1]


def quoted(name: str) -> str:
    """Return a PostgreSQL identifier quoted."""
    return '"' + name.replace('"', '""') + '"'


class Templates:
    """Databases built once, by name, and copied into each test's empty database."""

    def __init__(
        self,
        folder: Path,
        fresh_postgres: Callable[[], object],
        admin: Callable[[], sqlalchemy.Engine] | None = None,
    ) -> None:
        self.folder = folder
        #: a context manager yielding a fresh PostgreSQL URL (``fresh_database_url``)
        self.fresh_postgres = fresh_postgres
        #: an engine on the PostgreSQL server that may create, rename and drop schemas
        self.admin = admin
        #: by template: the SQL of its schema and rows, and of its rows alone (None: no pg_dump)
        self.dumps: dict[str, tuple[str, str] | None] = {}
        #: by template: the digest of a copy's definitions, as copied
        self.definitions: dict[str, str] = {}
        #: by template: schemas holding an unused copy of it, rows as built
        self.spare: dict[str, list[str]] = {}
        #: by schema: the template a test's copy came from
        self.copied: dict[str, str] = {}

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
        target = schema_name(database_url)
        dumped = self.dumps[name]
        if dumped is None:
            database = Database.connect(database_url)
            schema.upgrade(database)
            build(database)
            return database
        spare = self.spare.get(name)
        if spare and self.admin is not None:
            # The test's empty schema makes way for a spare copy under its name.
            self._run(
                f"DROP SCHEMA {quoted(target)}; ALTER SCHEMA {quoted(spare.pop())} "
                f"RENAME TO {quoted(target)}"
            )
        else:
            self._run(dumped[0].replace("{schema}", quoted(target)))
            if name not in self.definitions:
                self.definitions[name] = self._definitions(target)
        self.copied[target] = name
        return Database.connect(database_url)

    def recycle(self, target: str) -> bool:
        """Keep a test's copy as a spare with the template's rows; tell whether it was kept.

        Only a copy whose definitions are as copied is kept, and only if its
        tables can be emptied at once (nothing of the test still holds them).
        """
        name = self.copied.pop(target, None)
        dumped = self.dumps.get(name) if name is not None else None
        if name is None or dumped is None or self.admin is None:
            return False
        spare = f"t_{uuid.uuid4().hex[:16]}"
        connection = self.admin().raw_connection()
        try:
            with connection.cursor() as cursor:
                # A test that still holds a table (a leaked transaction) keeps its schema.
                # Test data need not survive a crash: no waiting for the disk.
                cursor.execute("SET LOCAL lock_timeout = '2s'; SET LOCAL synchronous_commit = off")
                if self._definitions(target, cursor) != self.definitions.get(name):
                    connection.rollback()
                    return False
                cursor.execute(_TABLES, {"schema": target})
                tables = [quoted(target) + "." + quoted(t) for (t,) in cursor.fetchall()]
                # Replica mode: no trigger fires (append-only logs refuse to be emptied),
                # nor do foreign keys, whose rows go in the order the dump writes them.
                # DELETE, not TRUNCATE: truncating thirty tables costs twenty times as much.
                emptied = "".join(f"DELETE FROM {table};" for table in tables)
                cursor.execute("SET LOCAL session_replication_role = replica;" + emptied)
                cursor.execute(dumped[1].replace("{schema}", quoted(target)))
                cursor.execute(f"ALTER SCHEMA {quoted(target)} RENAME TO {quoted(spare)}")
            connection.commit()
        except sqlalchemy.exc.DBAPIError:
            connection.rollback()
            return False
        except Exception as exc:  # the driver's own errors (psycopg) on a raw connection
            if not _driver_error(exc):
                raise
            connection.rollback()
            return False
        finally:
            connection.close()
        self.spare.setdefault(name, []).append(spare)
        return True

    def close(self) -> None:
        """Drop the spare copies."""
        names = [s for spare in self.spare.values() for s in spare]
        self.spare.clear()
        if names and self.admin is not None:
            self._run("; ".join(f"DROP SCHEMA IF EXISTS {quoted(n)} CASCADE" for n in names))

    def _run(self, sql: str) -> None:
        """Run SQL text (several statements, no parameters) in one transaction as the admin."""
        assert self.admin is not None
        connection = self.admin().raw_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off;" + sql)
            connection.commit()
        finally:
            connection.close()

    def _definitions(self, target: str, cursor: Any = None) -> str:
        """Return a digest of a schema's definitions, whatever the schema is called."""
        if cursor is None:
            assert self.admin is not None
            connection = self.admin().raw_connection()
            try:
                with connection.cursor() as own:
                    return self._definitions(target, own)
            finally:
                connection.rollback()
                connection.close()
        cursor.execute(f"SET LOCAL search_path = {quoted(target)}")
        cursor.execute(_DEFINITIONS, {"schema": target})
        lines = sorted(str(row[0]).replace(target, "{schema}") for row in cursor.fetchall())
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    @staticmethod
    def _build(url: str, build: Build) -> None:
        database = Database.connect(url)
        try:
            schema.upgrade(database)
            build(database)
        finally:
            database.dispose()

    def _dump(self, build: Build) -> tuple[str, str] | None:
        """Return the SQL that rebuilds a built schema under ``{schema}``, and of its rows.

        None (each test then migrates and builds) when ``pg_dump`` is missing or
        refuses, as one older than the server does.
        """
        if shutil.which("pg_dump") is None:
            return None
        with self.fresh_postgres() as url:  # type: ignore[attr-defined]
            self._build(url, build)
            name = schema_name(url)
            whole = _pg_dump(url, name)
            rows = _pg_dump(url, name, "--data-only")
        if whole is None or rows is None:
            return None
        return whole, rows


def _pg_dump(url: str, name: str, *options: str) -> str | None:
    """Return ``pg_dump``'s SQL of schema ``name`` with the schema written ``{schema}``."""
    parts = sqlalchemy.engine.make_url(url)
    dump = subprocess.run(
        [
            *("pg_dump", "--no-owner", "--no-privileges", "--inserts", *options, "-n", name),
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


def _driver_error(exc: Exception) -> bool:
    """Tell whether ``exc`` is an error of the PostgreSQL driver."""
    import psycopg

    return isinstance(exc, psycopg.Error)
