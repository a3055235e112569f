"""Checkpoints of SQLite's write-ahead log, made beside the writers instead of inside them.

In WAL mode with ``synchronous=NORMAL`` a commit appends to the log and does
not wait for the disk; the log reaches the disk when a checkpoint syncs it
and copies it into the database.  SQLite would checkpoint inside whichever
commit finds the log over 1,000 pages: that commit then waits for two
fsyncs and the copy (tens of milliseconds), and a step committed on a quiet
afternoon may sit unsynced for hours until the log fills.

Here a thread checkpoints shortly after writes instead: a commit only wakes
it.  The log is synced within about ``PAUSE`` seconds of any commit, which
bounds what a power loss can undo by time rather than by pages; SQLite's own
checkpoint stays as a backstop (``BACKSTOP_PAGES``) should the thread fall
behind.  The thread ends after a while without writes and starts again with
the next one, in whichever process writes (a forked worker starts its own).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

#: the most seconds between a commit and the checkpoint that syncs it (as long as the disk keeps up)
PAUSE = 0.2
#: the log's length at which a commit checkpoints itself (SQLite's default is 1,000 pages)
BACKSTOP_PAGES = 10_000
#: the seconds without a commit after which the thread ends
IDLE = 30.0


class Checkpointer:
    """Wakes a thread after commits to one SQLite file; the thread checkpoints its log."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._stopping = False
        #: checkpoints made by the thread (for tests and metrics)
        self.runs = 0

    def committed(self) -> None:
        """Note a committed write: a checkpoint follows within ``PAUSE`` seconds."""
        self._wake.set()
        thread = self._thread
        if thread is None or not thread.is_alive() or self._pid != os.getpid():
            self._start()

    def close(self) -> None:
        """Make a last checkpoint of what was committed, and end the thread until the next write."""
        with self._lock:
            thread = self._thread if self._pid == os.getpid() else None
            self._stopping = True
        try:
            self._wake.set()
            if thread is not None and thread.is_alive():
                thread.join(timeout=10)
        finally:
            with self._lock:
                self._stopping = False

    def _start(self) -> None:
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive()
            if self._stopping or (alive and self._pid == os.getpid()):
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name=f"wal-checkpoint {self.path}", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        pause = threading.Event()  # never set: waiting on it is a sleep
        while self._wake.wait(timeout=IDLE):
            self._wake.clear()
            self._checkpoint()
            if self._stopping:
                break
            # The commits of the next moment wait for the next checkpoint together.
            pause.wait(PAUSE)
        with self._lock:
            if self._thread is threading.current_thread():
                self._thread = None

    def _checkpoint(self) -> None:
        # A connection of its own each time: the file may have been replaced (a restore)
        # since the last checkpoint, and an old connection would write into the old one.
        try:
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            # PASSIVE: never waits for a writer or a reader; what it cannot copy now, the
            # next checkpoint will.  A failure (a busy or vanished file) is retried then too.
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.runs += 1
        except sqlite3.Error:
            pass
        finally:
            connection.close()
