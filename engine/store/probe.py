"""A quick look at whether the database answers, for health checks: never waits long.

The engine's own connection pool waits as long as the network lets it for a
server that does not answer.  A health check must answer within seconds
whatever the database does, so the probe opens a connection of its own, with
a connect timeout and a statement timeout, reads the schema revision and
closes it again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from .database import Database, _sqlite_file

#: seconds a probe waits for a connection (psycopg takes 2 at least)
CONNECT_TIMEOUT = 2
#: milliseconds a probe's query may run
STATEMENT_TIMEOUT_MS = 2000
_REVISION = text("SELECT version_num FROM alembic_version")


@dataclass(frozen=True)
class ProbeResult:
    """What the probe found: did the database answer, and at which schema revision."""

    reachable: bool
    revision: str | None


class DatabaseProbe:
    """Opens a short-lived connection to a database and reads its schema revision."""

    def __init__(self, db: Database) -> None:
        self._sqlite = db.is_sqlite
        self._file = _sqlite_file(db.url) if db.is_sqlite else None
        self._engine = _probe_engine(db)

    def check(self) -> ProbeResult:
        """Return whether the database answered and the revision it is at (None: no schema)."""
        if self._file is not None and not self._file.exists() and self._file.parent.is_dir():
            # The engine makes the file on its first write: until then it is an empty database.
            return ProbeResult(True, None)
        try:
            with self._engine.connect() as connection:
                if not self._sqlite:
                    connection.exec_driver_sql(
                        f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"
                    )
                try:
                    revision = connection.execute(_REVISION).scalar()
                except DBAPIError as exc:
                    if _missing_table(exc):
                        return ProbeResult(True, None)
                    raise
            return ProbeResult(True, None if revision is None else str(revision))
        except (SQLAlchemyError, sqlite3.Error, OSError):
            return ProbeResult(False, None)

    def dispose(self) -> None:
        """Let go of the probe's engine (it keeps no connection between checks)."""
        self._engine.dispose()


def _missing_table(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return "no such table" in message or "does not exist" in message


def _probe_engine(db: Database) -> Engine:
    if db.is_sqlite:
        path = _sqlite_file(db.url)

        def connect() -> sqlite3.Connection:
            if path is None:
                raise sqlite3.OperationalError("an in-memory database has no health to check")
            # Read-only: a probe of a missing file must not create an empty database there.
            uri = f"{Path(path).resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, timeout=CONNECT_TIMEOUT, check_same_thread=False)

        return create_engine("sqlite://", creator=connect, poolclass=NullPool)
    return create_engine(
        db.url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT}
    )
