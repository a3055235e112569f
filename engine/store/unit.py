"""The unit of work: one engine call, one transaction, rolled back unless it completes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

from ..errors import ConflictError, InvalidInputError, UnavailableError
from .database import Database
from .repository import Repository, StaleInstanceError


class Store:
    """Transactions on one database, with the database's refusals turned into engine errors."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def write(self) -> AbstractContextManager[Repository]:
        """Yield a repository in a write transaction; commit on success, else roll back.

        Writers serialize per instance: SQLite's writer begins with ``BEGIN
        IMMEDIATE``; on PostgreSQL the repository locks the rows it changes.
        """
        return self._unit(write=True)

    def read(self) -> AbstractContextManager[Repository]:
        """Yield a repository in a read transaction; it takes no row locks."""
        return self._unit(write=False)

    @contextmanager
    def _unit(self, *, write: bool) -> Iterator[Repository]:
        try:
            with self.db.transaction(write=write) as connection:
                yield Repository(connection, row_locks=write and not self.db.is_sqlite)
        except _REFUSALS as exc:
            mapped = _engine_error(exc)
            if mapped is None:
                raise
            raise mapped[0] from mapped[1]


#: the database's refusals ``_engine_error`` looks at (anything else passes as it is)
_REFUSALS = (StaleInstanceError, IntegrityError, OperationalError, InterfaceError, DataError)


def is_refusal(exc: BaseException) -> bool:
    """Tell whether the unit of work turns this database error into an engine error.

    Such an error is the database's (unreachable, busy, a text it cannot keep),
    not a fault of the code whose statement met it.
    """
    return isinstance(exc, _REFUSALS) and _engine_error(exc) is not None


def _engine_error(exc: Exception) -> tuple[Exception, Exception | None] | None:
    """Return the engine error a refusal of the database is (with its cause), or None.

    None: the refusal is raised as it is.  (A function rather than a context
    manager around each transaction: one generator fewer a transaction.)
    """
    if isinstance(exc, StaleInstanceError):
        return ConflictError("instance.changed"), None
    if isinstance(exc, IntegrityError):
        statement = str(exc.statement or "")
        if "events" in statement or "work_items" in statement:
            return ConflictError("instance.changed"), None
        return None
    if isinstance(exc, OperationalError):
        # The driver's message, not the statement's text: "SKIP LOCKED" is not a lock.
        reason = str(exc.orig).lower()
        # PostgreSQL ends one of two transactions that wait on each other (a deadlock):
        # like a lock not granted, trying again a moment later succeeds.
        if "locked" in reason or "deadlock detected" in reason:
            return ConflictError("database.busy"), None
        # A connection refused or lost (a restart, a network fault): nothing was
        # written, and the same call may well succeed in a moment.
        return UnavailableError("database.unreachable"), exc
    if isinstance(exc, InterfaceError):
        return UnavailableError("database.unreachable"), exc
    # PostgreSQL keeps no NUL in text (SQLite does): whatever the input, a clear
    # refusal, never a server error.
    if isinstance(exc, DataError) and ("NUL" in str(exc.orig) or "0x00" in str(exc.orig)):
        return InvalidInputError("text.nul_character"), None
    return None
