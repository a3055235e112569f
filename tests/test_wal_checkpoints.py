"""SQLite's log reaches the database file within moments of a commit, outside the commit."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from engine import Database
from engine.store import wal


def _in_the_file(path: Path) -> list[int]:
    """Return the rows the database file itself holds, the write-ahead log left aside."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return [n for (n,) in connection.execute("SELECT n FROM t ORDER BY n")]
    except sqlite3.OperationalError:
        return []  # the table itself is still only in the log
    except sqlite3.DatabaseError:
        return []  # read while a checkpoint was writing the file: look again
    finally:
        connection.close()


def _eventually(check: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("wal-checkpoint")]


def test_a_commit_is_in_the_database_file_moments_later(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    db = Database.connect(f"sqlite:///{path}")
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    try:
        for n in range(1, 4):
            with db.transaction(write=True) as connection:
                connection.exec_driver_sql(f"INSERT INTO t VALUES ({n})")
        assert _eventually(lambda: _in_the_file(path) == [1, 2, 3])
    finally:
        db.dispose()


def test_a_rolled_back_write_wakes_no_checkpoint(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    checkpointer = db._checkpointer
    assert checkpointer is not None
    with pytest.raises(RuntimeError), db.transaction(write=True):
        raise RuntimeError("changed my mind")
    time.sleep(wal.PAUSE * 2)
    assert checkpointer.runs == 0
    db.dispose()


def test_the_thread_ends_when_idle_and_comes_back_with_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wal, "IDLE", 0.3)
    path = tmp_path / "wal.sqlite3"
    db = Database.connect(f"sqlite:///{path}")
    checkpointer = db._checkpointer
    assert checkpointer is not None
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert _eventually(lambda: checkpointer._thread is None)
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (2)")
    assert _eventually(lambda: _in_the_file(path) == [1, 2])
    db.dispose()


def test_dispose_checkpoints_and_stops_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    db = Database.connect(f"sqlite:///{path}")
    with db.transaction(write=True) as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (7)")
    db.dispose()
    assert _in_the_file(path) == [7]
    assert db._checkpointer is not None and db._checkpointer._thread is None
    assert not [t for t in _checkpoint_threads() if t.name.endswith(str(path))]


def test_commits_do_not_checkpoint_themselves_while_the_log_is_short(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    with db.transaction(write=True) as connection:
        setting = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert setting == wal.BACKSTOP_PAGES
    db.dispose()
