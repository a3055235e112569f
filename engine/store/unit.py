"""The unit of work: one engine call, one transaction, rolled back unless it completes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

from ..errors import ConflictError, InvalidInputError, UnavailableError
from .database import Database
from .repository import Repository, StaleInstanceError


class Store:
    """Transactions on one database, with the database's refusals turned into engine errors."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def write(self) -> Iterator[Repository]:
        """Yield a repository in a write transaction; commit on success, else roll back.

        Writers serialize per instance: SQLite's writer begins with ``BEGIN
        IMMEDIATE``; on PostgreSQL the repository locks the rows it changes.
        """
        with self._errors_mapped(), self.db.transaction(write=True) as connection:
            yield Repository(connection, row_locks=not self.db.is_sqlite)

    @contextmanager
    def read(self) -> Iterator[Repository]:
        """Yield a repository in a read transaction; it takes no row locks."""
        with self._errors_mapped(), self.db.transaction(write=False) as connection:
            yield Repository(connection, row_locks=False)

    @contextmanager
    def _errors_mapped(self) -> Iterator[None]:
        try:
            yield
        except StaleInstanceError:
            raise ConflictError("instance.changed") from None
        except IntegrityError as exc:
            statement = str(exc.statement or "")
            if "events" in statement or "work_items" in statement:
                raise ConflictError("instance.changed") from None
            raise
        except OperationalError as exc:
            # The driver's message, not the statement's text: "SKIP LOCKED" is not a lock.
            reason = str(exc.orig).lower()
            # PostgreSQL ends one of two transactions that wait on each other (a deadlock):
            # like a lock not granted, trying again a moment later succeeds.
            if "locked" in reason or "deadlock detected" in reason:
                raise ConflictError("database.busy") from None
            # A connection refused or lost (a restart, a network fault): nothing was
            # written, and the same call may well succeed in a moment.
            raise UnavailableError("database.unreachable") from exc
        except InterfaceError as exc:
            raise UnavailableError("database.unreachable") from exc
        except DataError as exc:
            # PostgreSQL keeps no NUL in text (SQLite does): whatever the input, a clear
            # refusal, never a server error.
            if "NUL" in str(exc.orig) or "0x00" in str(exc.orig):
                raise InvalidInputError("text.nul_character") from None
            raise
