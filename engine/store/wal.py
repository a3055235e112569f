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
import weakref
from pathlib import Path

#: the most seconds between a commit and the checkpoint that syncs it (as long as the disk keeps up)
PAUSE = 0.2
#: the log's length at which a commit checkpoints itself (SQLite's default is 1,000 pages)
BACKSTOP_PAGES = 10_000
#: the seconds without a commit after which the thread ends
IDLE = 30.0


#: every checkpointer of this process, for the fork hooks below
_ALL: weakref.WeakSet[Checkpointer] = weakref.WeakSet()
_hooked = False


def _before_fork() -> None:
    # A child inherits every lock as it was at the fork, with none of the threads that
    # hold them: had the thread been inside SQLite (whose own mutexes are locks too),
    # the child's first connection would wait forever.  So a fork waits for it.
    for checkpointer in list(_ALL):
        checkpointer._lock.acquire()
        checkpointer._sqlite.acquire()


def _after_fork_in_parent() -> None:
    for checkpointer in list(_ALL):
        checkpointer._sqlite.release()
        checkpointer._lock.release()


def _after_fork_in_child() -> None:
    for checkpointer in list(_ALL):
        checkpointer._reset()


class Checkpointer:
    """Wakes a thread after commits to one SQLite file; the thread checkpoints its log."""

    def __init__(self, path: Path) -> None:
        global _hooked
        self.path = str(path)
        self._reset()
        self._pid = 0
        #: checkpoints made by the thread (for tests and metrics)
        self.runs = 0
        _ALL.add(self)
        if not _hooked:
            _hooked = True
            os.register_at_fork(
                before=_before_fork,
                after_in_parent=_after_fork_in_parent,
                after_in_child=_after_fork_in_child,
            )

    def _reset(self) -> None:
        """Start with fresh locks and no thread (also in a forked child, whose thread is gone)."""
        self._wake = threading.Event()
        self._lock = threading.Lock()
        #: held while the thread is inside SQLite
        self._sqlite = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def committed(self) -> None:
        """Note a committed write: a checkpoint follows within ``PAUSE`` seconds."""
        thread = self._thread
        if (
            self._wake.is_set()
            and thread is not None
            and self._pid == os.getpid()
            and thread.is_alive()
        ):
            # A checkpoint is due already and the thread has yet to clear the wake-up: that
            # checkpoint begins after this commit.  (Setting the event again costs more than
            # the rest of an empty transaction.)
            return
        # Under the lock: a thread deciding to end sees this wake-up, or ends and lets
        # this call start the next one; never both miss it.
        with self._lock:
            self._wake.set()
            thread = self._thread
            running = thread is not None and thread.is_alive() and self._pid == os.getpid()
            if running or self._stopping:
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name=f"wal-checkpoint {self.path}", daemon=True
            )
            self._thread.start()

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

    def _run(self) -> None:
        pause = threading.Event()  # never set: waiting on it is a sleep
        while True:
            if not self._wake.wait(timeout=IDLE) and self._end(idle=True):
                return
            self._wake.clear()
            self._checkpoint()
            if self._stopping and self._end(idle=False):
                return
            # The commits of the next moment wait for the next checkpoint together.
            pause.wait(PAUSE)

    def _end(self, idle: bool) -> bool:
        """Let the thread end (idle: unless a commit has just woken it); tell whether it does."""
        with self._lock:
            if idle and self._wake.is_set():
                return False
            if self._thread is threading.current_thread():
                self._thread = None
            return True

    def _checkpoint(self) -> None:
        with self._sqlite:
            self._checkpoint_now()

    def _checkpoint_now(self) -> None:
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
