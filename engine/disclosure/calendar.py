"""The official working-day calendar as the database holds it, and loading a year's schedule."""

from __future__ import annotations

from datetime import date
from threading import Lock
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from ..errors import InvalidInputError
from .store import DisclosureStore
from .workdays import DayEntry, ScheduleError, WorkingCalendar, parse_schedule

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine


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


class CalendarAdmin:
    """The admin's side of the calendar: load the State Council's schedule of a year."""

    def __init__(self, engine: WorkflowEngine, days: WorkingDays) -> None:
        self._engine = engine
        self._days = days

    def load(self, text: str, loaded_by: str | None = None) -> int:
        """Load an official holiday schedule (State Council format); return the days loaded.

        Days already loaded are replaced; a malformed schedule raises
        ``InvalidInputError`` naming the line and loads nothing.
        """
        try:
            days = parse_schedule(text)
        except ScheduleError as exc:
            raise InvalidInputError(
                "calendar.bad_line", line=exc.line, problem=exc.problem
            ) from None
        if not days:
            raise InvalidInputError("calendar.empty")
        now = self._engine.now()
        with self._engine.store.write() as repo:
            DisclosureStore(repo.connection).replace_calendar_days(
                [
                    {
                        "day": day.isoformat(),
                        "working": entry.working,
                        "note": entry.note[:64],
                        "loaded_by": loaded_by,
                        "loaded_at": now,
                    }
                    for day, entry in sorted(days.items())
                ]
            )
        return len(days)

    def is_working_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day by the official calendar."""
        with self._engine.store.read() as repo:
            return self._days.calendar(repo.connection).is_working_day(day)
