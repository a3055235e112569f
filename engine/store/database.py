"""Database engines and the unit of work: one engine call, one transaction."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from . import jsontext, wal

SQLITE_FILE = "gongkai.sqlite3"
#: how SQLite's writers begin: taking the write lock up front (see ``Database``)
WRITER_BEGIN = "BEGIN IMMEDIATE"


def instance_path() -> Path:
    """Return the folder of local state: ``GONGKAI_INSTANCE_PATH``, else ``./instance``."""
    return Path(os.environ.get("GONGKAI_INSTANCE_PATH") or "instance").resolve()


def default_database_url() -> str:
    """Return ``GONGKAI_DATABASE_URL`` or the embedded SQLite file in the instance folder."""
    url = os.environ.get("GONGKAI_DATABASE_URL")
    if url:
        return url
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / SQLITE_FILE}"


def _normalise_url(url: str) -> str:
    # psycopg 3 is the only PostgreSQL driver we ship; plain URLs mean it.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: how JSON columns are written and read (see ``jsontext``)
_JSON = {"json_serializer": jsontext.dumps, "json_deserializer": jsontext.loads}


def _sqlite_engine(url: str, *, begin: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **_JSON)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins,
        # so that writers can take the lock up front with BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL with synchronous=NORMAL: a commit appends to the log without an fsync.  A
        # committed step survives gongkai (or any process) crashing at any moment, and the
        # database always stays consistent; only a power loss or an operating system crash
        # may undo the steps committed since the last checkpoint synced the log: a thread
        # checkpoints within moments of each commit (see ``wal``), and a commit itself only
        # when the log is long.  FULL would fsync every commit (about 0.25 ms here, more on
        # a busy disk).  Where even that loss is not acceptable, run on PostgreSQL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={wal.BACKSTOP_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        driver = connection.connection.driver_connection
        # The kept writer begins on the driver itself (see ``Database.transaction``): a
        # statement that goes through SQLAlchemy then joins that transaction.
        if not driver.in_transaction:
            _driver_call(begin, lambda: driver.execute(begin))

    return engine


def _driver_call(statement: str, call: Callable[[], object]) -> None:
    """Run ``statement`` on the SQLite driver by ``call``; raise its errors as SQLAlchemy would."""
    try:
        call()
    except sqlite3.Error as exc:
        # As SQLAlchemy would raise it: a busy database is told apart by its message.
        raise DBAPIError.instance(statement, (), exc, sqlite3.Error) from exc


class WriterGate:
    """An exclusive lock on a file beside a SQLite database, held by its one writer.

    SQLite lets one writer in at a time, and a writer that finds the database
    locked polls it, sleeping longer each time (up to 100 ms a try).  Under
    contention that sleeping, not the work, is what a step costs.  Writers that
    queue on this lock first are woken the moment the holder lets go, in this
    process and in every other on the host.  A process that dies lets go too.
    """

    #: the gates each thread holds, by path, whichever ``Database`` object took them
    _held = threading.local()

    def __init__(self, path: Path) -> None:
        self.path = str(path.resolve())
        #: (process id, the open lock file, the lock its threads queue on, what closes the file):
        #: opened once a process
        self._file: tuple[int, int, threading.Lock, weakref.finalize[Any, Any]] | None = None

    def _opened(self) -> tuple[int, threading.Lock]:
        """Return this process's lock file and the lock its threads take first."""
        pid = os.getpid()
        opened = self._file
        if opened is None or opened[0] != pid:
            # A forked child opens its own: an inherited file shares the parent's lock.  Two
            # threads opening at once each lock a file of their own, which excludes as well;
            # no lock here that a fork could leave held.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            closing = weakref.finalize(self, _close_in, pid, fd)
            opened = self._file = (pid, fd, threading.Lock(), closing)
        return opened[1], opened[2]

    def _current(self, fd: int, lock: threading.Lock) -> bool:
        opened = self._file
        return opened is not None and opened[1] == fd and opened[2] is lock

    def close(self) -> None:
        """Close the lock file (the next write opens it again)."""
        opened, self._file = self._file, None
        if opened is not None and opened[0] == os.getpid():
            with opened[2]:
                opened[3]()  # closes the file once, and never again when the gate is collected

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Hold the gate for the duration of the block (re-entrant within a thread).

        Yields whether this block took it (False: the thread held it already).
        """
        taken = self.take()
        if taken is None:
            yield False
            return
        try:
            yield True
        finally:
            self.give_back(taken)

    def take(self) -> tuple[int, threading.Lock, bool] | None:
        """Take the gate for this thread until ``give_back``; None if the thread holds it already.

        Returns the locked file, the lock the process's threads queue on (held)
        and whether the file is this thread's own, for ``give_back``.
        """
        held: set[str] = self._held.__dict__.setdefault("paths", set())
        if self.path in held:
            # This thread already writes; SQLite's own busy timeout refuses a second writer.
            return None
        fd, lock = self._opened()
        # The file is opened once a process, and a lock on it is the process's, not a
        # thread's: the process's threads queue on ``lock`` first.
        lock.acquire()
        try:
            own = not self._current(fd, lock)  # closed while this thread waited: a file of its own
            if own:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                if own:
                    os.close(fd)
                raise
        except BaseException:
            lock.release()
            raise
        held.add(self.path)
        return fd, lock, own

    def give_back(self, taken: tuple[int, threading.Lock, bool]) -> None:
        """Let go of the gate ``take`` took."""
        fd, lock, own = taken
        try:
            try:
                self._held.paths.discard(self.path)
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                if own:
                    os.close(fd)
        finally:
            lock.release()


def _close_in(pid: int, fd: int) -> None:
    """Close a file descriptor opened by process ``pid`` (in a forked child, leave it)."""
    if os.getpid() == pid:
        os.close(fd)


#: writer connections a forked process inherited: kept from the garbage collector, whose
#: clean-up would roll back and close, from the child, a connection the parent owns
_INHERITED: list[Connection] = []


def _reusable(connection: Connection) -> bool:
    if connection.closed or connection.invalidated or connection.in_transaction():
        return False
    return not connection.connection.driver_connection.in_transaction  # type: ignore[union-attr]


def _sqlite_file(url: str) -> Path | None:
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


@dataclass
class Database:
    """The engines and session factories of one database.

    On SQLite writers begin with ``BEGIN IMMEDIATE``: a second writer waits
    for the first to commit and then reads fresh data, instead of failing
    later with a stale snapshot.  On PostgreSQL writers lock the instance row
    with ``SELECT ... FOR UPDATE``.
    """

    url: str
    read_engine: Engine
    write_engine: Engine
    _readers: sessionmaker[Session] = field(init=False, repr=False)
    _writers: sessionmaker[Session] = field(init=False, repr=False)
    _gate: WriterGate | None = field(init=False, repr=False, default=None)
    _checkpointer: wal.Checkpointer | None = field(init=False, repr=False, default=None)
    #: (process id, connection): the SQLite writer's connection, kept from one write to the next
    _writer: tuple[int, Connection] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._readers = sessionmaker(bind=self.read_engine, expire_on_commit=False)
        self._writers = sessionmaker(bind=self.write_engine, expire_on_commit=False)
        database_file = _sqlite_file(self.url) if self.is_sqlite else None
        if database_file is not None:
            self._gate = WriterGate(database_file.with_name(database_file.name + "-writer"))
            self._checkpointer = wal.Checkpointer(database_file)

    @contextmanager
    def _writing(self, write: bool) -> Iterator[bool]:
        """Hold the SQLite writer's gate for a write; yield whether this block took it."""
        if write and self._gate is not None:
            with self._gate.held() as taken:
                yield taken
        else:
            yield False
        if write and self._checkpointer is not None:
            self._checkpointer.committed()

    def _kept_writer(self) -> Connection:
        """Return the connection SQLite writes of this process go through, under the gate.

        The gate lets one thread of the process write at a time, so one
        connection serves them all, and a write skips the pool's checkout,
        check-in and reset (a tenth of a short step).  A process forked from
        this one opens its own: a SQLite connection must not cross a fork.
        """
        pid = os.getpid()
        kept = self._writer
        if kept is not None and kept[0] == pid and _reusable(kept[1]):
            return kept[1]
        if kept is not None and kept[0] == pid:
            kept[1].close()
        elif kept is not None:
            _INHERITED.append(kept[1])  # the parent's: neither used nor closed here
        connection = self.write_engine.connect()
        self._writer = (pid, connection)
        return connection

    @classmethod
    def connect(cls, url: str | None = None) -> Database:
        """Open the database at ``url`` (default: ``default_database_url()``)."""
        url = _normalise_url(url or default_database_url())
        if url.startswith("sqlite"):
            return cls(
                url,
                _sqlite_engine(url, begin="BEGIN"),
                _sqlite_engine(url, begin=WRITER_BEGIN),
            )
        # A database host that stops answering fails a connection in seconds, not after
        # the operating system's TCP timeout of minutes.
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": 10}, **_JSON
        )
        return cls(url, engine, engine)

    @property
    def is_sqlite(self) -> bool:
        """Tell whether this is the embedded SQLite database."""
        return self.url.startswith("sqlite")

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[Session]:
        """Yield a session whose work is committed on success and rolled back otherwise."""
        with self._writing(write):
            session = (self._writers if write else self._readers)()
            try:
                with session.begin():
                    yield session
            finally:
                session.close()

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """Yield a Core connection whose work is committed on success, rolled back otherwise.

        A write to a SQLite file holds the writer's gate and goes through the
        kept writer, in a transaction begun and ended on the driver: SQLAlchemy's
        own begin and commit cost three times SQLite's (about 35 µs of Python a
        transaction).  Statements run straight on the driver (``direct``) need
        none of it; one that goes through SQLAlchemy begins its bookkeeping
        inside this transaction, which then ends through SQLAlchemy.  (One
        generator, not one a part: each costs a short step about 1 %.)
        """
        gate = self._gate if write else None
        taken = gate.take() if gate is not None else None
        if taken is None:  # a read, PostgreSQL, or a thread that is writing already
            with (self.write_engine if write else self.read_engine).begin() as connection:
                yield connection
        else:
            assert gate is not None
            try:
                connection = self._kept_writer()
                driver = connection.connection.driver_connection
                assert driver is not None
                _driver_call(WRITER_BEGIN, lambda: driver.execute(WRITER_BEGIN))
                try:
                    yield connection
                except BaseException:
                    if connection.in_transaction():
                        connection.rollback()
                    elif driver.in_transaction:
                        _driver_call("ROLLBACK", driver.rollback)
                    raise
                if connection.in_transaction():
                    connection.commit()
                else:
                    try:
                        _driver_call("COMMIT", driver.commit)
                    except BaseException:
                        if driver.in_transaction:
                            driver.rollback()
                        raise
            finally:
                gate.give_back(taken)
        if write and self._checkpointer is not None:
            self._checkpointer.committed()

    def dispose(self) -> None:
        """Checkpoint the log (SQLite) and close every pooled connection."""
        kept = self._writer
        if kept is not None and kept[0] == os.getpid() and self._gate is not None:
            with self._gate.held():  # not while another thread writes through it
                kept[1].close()
        self._writer = None
        if self._gate is not None:
            self._gate.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
