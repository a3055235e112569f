"""SQLite's writers queue on a lock beside the database file and are woken at once."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from engine import Database
from engine.store.database import WriterGate


@pytest.mark.parametrize("databases", ["one", "two"])
def test_a_second_writer_waits_for_the_first_and_goes_on_when_it_commits(
    tmp_path: Path, databases: str
) -> None:
    """Another thread of the process (through the same or another database object) waits.

    The gate's file stays open from one write to the next: the process's own
    threads still wait their turn.
    """
    first = Database.connect(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    second = (
        first if databases == "one" else Database.connect(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    )
    with first.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    order: list[str] = []
    waiting = threading.Event()

    def write_second() -> None:
        waiting.set()
        with second.transaction(write=True) as connection:
            order.append("second writes")
            connection.exec_driver_sql("INSERT INTO t VALUES (2)")

    with first.transaction(write=True) as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        other = threading.Thread(target=write_second)
        other.start()
        waiting.wait(5)
        time.sleep(0.2)  # the second writer has had time to get in, were it let in
        order.append("first commits")
    released = time.monotonic()
    other.join(5)
    assert order == ["first commits", "second writes"]
    assert time.monotonic() - released < 0.1, "the second writer slept instead of being woken"
    with first.transaction(write=False) as connection:
        assert [n for (n,) in connection.exec_driver_sql("SELECT n FROM t ORDER BY n")] == [1, 2]


def test_the_gate_is_re_entrant_within_a_thread(tmp_path: Path) -> None:
    gate, same = WriterGate(tmp_path / "x-writer"), WriterGate(tmp_path / "x-writer")
    with gate.held(), same.held():
        pass  # a nested write of the same thread does not wait for itself


def _driver(db: Database) -> object:
    with db.transaction(write=True) as connection:
        return connection


def test_writes_share_one_connection_which_a_failed_write_leaves_usable(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'kept.sqlite3'}")
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    first = _driver(db)
    try:
        with db.transaction(write=True) as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            raise RuntimeError("the step failed")
    except RuntimeError:
        pass
    other = threading.Thread(target=lambda: _write(db, 2))
    other.start()
    other.join(5)
    _write(db, 3)
    assert _driver(db) is first  # one connection for every write of the process
    with db.transaction(write=False) as connection:
        assert [n for (n,) in connection.exec_driver_sql("SELECT n FROM t ORDER BY n")] == [2, 3]
    db.dispose()
    assert db.write_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def _write(db: Database, n: int) -> None:
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql(f"INSERT INTO t VALUES ({n})")


def test_a_forked_process_writes_through_a_connection_of_its_own(tmp_path: Path) -> None:
    """Forks right after writes, while the checkpoint thread is at work, never hang the child."""
    db = Database.connect(f"sqlite:///{tmp_path / 'fork.sqlite3'}")
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    parents = _driver(db)
    for n in range(10):
        _write(db, 100 + n)  # wakes the checkpoint thread, which now opens SQLite
        pid = os.fork()
        if pid == 0:  # the child: write, and tell through the exit code whose connection it used
            code = 1
            try:
                _write(db, n)
                code = 0 if _driver(db) is not parents else 2
            finally:
                os._exit(code)
        assert _exit_code(pid, within=10) == 0, f"fork {n}"
    _write(db, 99)
    assert _driver(db) is parents
    with db.transaction(write=False) as connection:
        children = connection.exec_driver_sql("SELECT n FROM t WHERE n < 100 ORDER BY n")
        assert [n for (n,) in children] == [*range(10), 99]
    db.dispose()


def _exit_code(pid: int, within: float) -> int | str:
    """Return a child's exit code; kill it if it has not ended ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "hung"


def test_a_database_let_go_leaves_no_file_open(tmp_path: Path) -> None:
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    warm = Database.connect(f"sqlite:///{tmp_path / 'warm.sqlite3'}")
    _write_table(warm)  # imports, caches
    warm.dispose()
    gc.collect()
    before = open_files()
    kept = []  # let go, not collected: only dispose may close their files
    for n in range(20):
        db = Database.connect(f"sqlite:///{tmp_path / f'{n}.sqlite3'}")
        _write_table(db)
        db.dispose()
        _write(db, 1)  # a write after dispose opens what it needs again
        db.dispose()
        kept.append(db)
    assert open_files() == before


def _write_table(db: Database) -> None:
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
