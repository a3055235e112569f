"""Backups of the embedded SQLite database, and the commands that back up PostgreSQL.

A SQLite backup is taken with SQLite's online backup API in one step: one
read transaction, so the copy is the database as it was at one moment while
the application goes on writing (WAL mode lets writers past a reader).  It is
written beside its target under a temporary name, checked, flushed to disk
and only then renamed: a backup file that exists is complete.

A restore puts a checked copy in place of a database nobody has open.
PostgreSQL has its own tools (``pg_dump``, ``pg_restore``); gongkai names the
commands instead of wrapping them.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shlex
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from .. import audit
from .database import Database, _sqlite_file
from .models import Event, ProcessInstance, table_of
from .repository import EventRow

#: the first bytes of every SQLite database file
SQLITE_HEADER = b"SQLite format 3\x00"
#: where SQLite's locks live in the database file (os_unix.c): the shared range
_SHARED_FIRST, _SHARED_SIZE = 0x40000000 + 2, 510
#: the "dead man switch" byte of the WAL index every open connection holds a read lock on
_SHM_DMS = 120 + 8


class BackupError(Exception):
    """A backup or restore was refused; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    """What a SQLite database file holds: its schema revision and how much history."""

    path: Path
    revision: str | None
    instances: int
    events: int


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite database URL, or None (PostgreSQL, in memory)."""
    if not url.startswith("sqlite"):
        return None
    found = _sqlite_file(url)
    return found.resolve() if found is not None else None


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def describe(path: Path) -> BackupInfo:
    """Check a SQLite file's integrity and return its revision and counts; else raise."""
    path = path.resolve()
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        with closing(_connect(path, read_only=True)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:5])}")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if not {"alembic_version", "process_instances", "events"} <= tables:
                raise BackupError(f"{path} is not a gongkai database")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            instances = connection.execute("SELECT count(*) FROM process_instances").fetchone()
            events = connection.execute("SELECT count(*) FROM events").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from None
    return BackupInfo(path, revision[0] if revision else None, int(instances[0]), int(events[0]))


def in_use(path: Path) -> bool:
    """Tell whether a process has the SQLite database at ``path`` open.

    Every connection to a database in WAL mode holds a read lock on a byte of
    its WAL index (``-shm``), and one in rollback mode holds its shared lock
    while it reads; an exclusive lock that cannot be had means someone is there.
    """
    for file, first, size in (
        (path.with_name(path.name + "-shm"), _SHM_DMS, 1),
        (path, _SHARED_FIRST, _SHARED_SIZE),
    ):
        try:
            descriptor = os.open(file, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, size, first, os.SEEK_SET)
        except OSError:
            return True
        else:
            fcntl.lockf(descriptor, fcntl.LOCK_UN, size, first, os.SEEK_SET)
        finally:
            os.close(descriptor)
    return False


def _durable(path: Path) -> None:
    """Flush a file and its folder's entry for it to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def _staged(beside: Path) -> Iterator[Path]:
    """Yield a temporary file name beside ``beside``; remove what is left there on failure."""
    staged = beside.with_name(f".{beside.name}.{secrets.token_hex(6)}.partial")
    try:
        yield staged
    finally:
        for suffix in ("", "-journal", "-wal", "-shm", "-writer"):
            staged.with_name(staged.name + suffix).unlink(missing_ok=True)


def _copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API, in one read transaction."""
    with closing(_connect(source)) as reader, closing(_connect(target)) as writer:
        # One step (pages=-1): the copy is one snapshot however the source changes meanwhile.
        reader.backup(writer, pages=-1)
        # A backup is one self-contained file, not a WAL database waiting for its log.
        writer.execute("PRAGMA journal_mode=DELETE")


def backup_sqlite(source: Path, target: Path) -> BackupInfo:
    """Copy the database at ``source`` to a new file ``target`` while it is in use; check it."""
    source, target = source.resolve(), target.resolve()
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = target / f"gongkai-{stamp}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} exists; a backup never overwrites a file")
    with _staged(target) as staged:
        _copy(source, staged)
        info = describe(staged)
        _durable(staged)
        # Linking fails rather than replaces if someone made the target meanwhile.
        os.link(staged, target)
    _durable(target)
    return BackupInfo(target, info.revision, info.instances, info.events)


@contextmanager
def staged_restore(backup: Path, target: Path) -> Iterator[Path]:
    """Yield a checked copy of ``backup`` beside ``target``, to verify before ``put_in_place``."""
    backup, target = backup.resolve(), target.resolve()
    if not backup.is_file():
        raise BackupError(f"there is no backup at {backup}")
    describe(backup)
    if in_use(target):
        raise BackupError(
            f"{target} is in use: stop the web and tick workers that use it, then restore"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _staged(target) as staged:
        _copy(backup, staged)
        yield staged


def put_in_place(staged: Path, target: Path) -> Path | None:
    """Replace ``target`` by ``staged``; keep the old database aside and return where."""
    if in_use(target):
        raise BackupError(
            f"{target} is in use: stop the web and tick workers that use it, then restore"
        )
    with closing(_connect(staged)) as connection:
        # Fold a WAL left by the checks into the file: only the file is moved.
        connection.execute("PRAGMA journal_mode=DELETE")
    _durable(staged)
    aside = None
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = target.with_name(f"{target.name}.replaced-{stamp}")
        # The old database's log goes with it: left behind, SQLite would apply it to the new one.
        for suffix in ("-wal", "-shm", ""):
            old = target.with_name(target.name + suffix)
            if old.exists():
                old.rename(aside.with_name(aside.name + suffix))
    os.replace(staged, target)
    _durable(target)
    return aside


_INSTANCES = table_of(ProcessInstance)
_EVENTS = table_of(Event)
_EVENT_COLUMNS = [
    _EVENTS.c[name]
    for name in ("instance_id", "seq", "type", "actor", "at", "data", "prev_hash", "hash")
]


def verify_chains(db: Database) -> tuple[int, list[str]]:
    """Check every instance's hash chain against its head; return (instances, problems).

    Events are read in one ordered pass, a few thousand rows at a time, so a
    restore checks a large history without holding it in memory.
    """
    problems: list[str] = []
    with db.transaction(write=False) as connection:
        heads = {
            int(i): (int(n), str(h))
            for i, n, h in connection.execute(
                select(_INSTANCES.c.id, _INSTANCES.c.event_count, _INSTANCES.c.last_event_hash)
            )
        }
        rows = connection.execution_options(yield_per=2000).execute(
            select(*_EVENT_COLUMNS).order_by(_EVENTS.c.instance_id, _EVENTS.c.seq)
        )
        seen: set[int] = set()
        for owner, chain in groupby(rows, key=lambda row: int(row[0])):
            seen.add(owner)
            events = [EventRow(*row) for row in chain]
            if owner not in heads:
                problems.append(f"instance {owner}: events of an instance that does not exist")
                continue
            count, head = heads[owner]
            report = audit.verify_events(owner, count, head, events)
            if not report.ok:
                problems.append(f"instance {owner}: {report.problem}")
    for owner in sorted(set(heads) - seen):
        count, head = heads[owner]
        report = audit.verify_events(owner, count, head, [])
        if not report.ok:
            problems.append(f"instance {owner}: {report.problem}")
    return len(heads), problems


def _libpq_url(url: str) -> str:
    """Return a PostgreSQL URL as libpq reads it: no driver name, no password."""
    parsed = make_url(url).set(drivername="postgresql")._replace(password=None)
    return parsed.render_as_string(hide_password=False)


def pg_dump_command(url: str, target: str) -> str:
    """Return the ``pg_dump`` command that backs up the PostgreSQL database at ``url``."""
    return shlex.join(["pg_dump", "--format=custom", f"--file={target}", _libpq_url(url)])


def pg_restore_command(url: str, backup: str) -> str:
    """Return the ``pg_restore`` command that loads a dump into an empty database at ``url``."""
    return shlex.join(["pg_restore", "--exit-on-error", f"--dbname={_libpq_url(url)}", backup])
