"""The official working-day calendar as the database holds it, rebuilt when it changes."""

from __future__ import annotations

from datetime import date
from threading import Lock

from sqlalchemy import Connection

from .store import DisclosureStore
from .workdays import DayEntry, WorkingCalendar


class WorkingDays:
    """The calendar with the schedules loaded in the database, rebuilt when they change.

    The loaded days are read on every use (a few dozen rows a year), so a
    schedule an admin loads counts at once in every process, tick workers too.
    """

    def __init__(self) -> None:
        self._cached: tuple[tuple[tuple[str, bool, str], ...], WorkingCalendar] | None = None
        self._lock = Lock()

    def calendar(self, connection: Connection) -> WorkingCalendar:
        """Return the calendar as it stands in the transaction of ``connection``."""
        rows = DisclosureStore(connection).calendar_days()
        with self._lock:
            if self._cached is None or self._cached[0] != rows:
                overrides = {date.fromisoformat(d): DayEntry(w, n) for d, w, n in rows}
                self._cached = (rows, WorkingCalendar(overrides))
            return self._cached[1]
