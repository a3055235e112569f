"""SQLite's writers queue on a lock beside the database file and are woken at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from engine import Database
from engine.store.database import WriterGate


def test_a_second_writer_waits_for_the_first_and_goes_on_when_it_commits(tmp_path: Path) -> None:
    first = Database.connect(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    second = Database.connect(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
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
