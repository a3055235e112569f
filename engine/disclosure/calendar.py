"""The admin's side of the working-day calendar: load a year's schedule, recompute deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..errors import ConflictError, InvalidInputError, NotFoundError
from .documents import DEADLINES
from .official_days import WorkingDays
from .store import DisclosureStore
from .workdays import (
    CHINA,
    Countdown,
    ScheduleError,
    WorkingCalendar,
    count_down,
    parse_schedule,
)

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

_ONE_DAY = timedelta(days=1)
#: the fewest runs of days off a year's State Council notice gives (中秋 and 国庆 may meet)
FESTIVAL_PERIODS = 6


@dataclass(frozen=True)
class ScheduleYear:
    """Where a year's holidays and adjusted working days come from."""

    year: int
    #: days of the year the admin loaded from the State Council's notice
    loaded_days: int
    #: the bundled calendar (the ``chinese-calendar`` package) has the year's notice
    built_in: bool
    #: runs of consecutive loaded holidays (a festival's days off make one)
    holiday_periods: int = 0

    @property
    def looks_partial(self) -> bool:
        """Tell whether a loaded schedule has fewer festivals than a State Council notice.

        A notice gives seven (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆), six runs of days
        off when 中秋 and 国庆 meet: one with fewer was likely loaded in part.
        """
        return self.loaded_days > 0 and self.holiday_periods < FESTIVAL_PERIODS

    @property
    def official(self) -> bool:
        """Tell whether deadlines in this year are final (else provisional, 待确认)."""
        return self.loaded_days > 0 or self.built_in


class CalendarAdmin:
    """The admin's side of the calendar: load the State Council's schedule of a year."""

    def __init__(self, engine: WorkflowEngine, days: WorkingDays) -> None:
        self._engine = engine
        self._days = days

    def load(self, text: str, loaded_by: str | None = None) -> int:
        """Load an official holiday schedule (State Council format); return the days loaded.

        Days already loaded are replaced; a malformed schedule raises
        ``InvalidInputError`` naming the line and loads nothing.  Every
        provisional deadline is then computed again on the official days: its
        instance's data, due dates and timers follow, and its history says so.
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
        self.recompute_provisional(loaded_by)
        return len(days)

    def countdowns(self, due_ats: Iterable[str | None]) -> dict[str, Countdown]:
        """Return, for each due time, how it stands today in working days (see ``count_down``).

        One read of the calendar serves every due time.
        """
        today = datetime.fromisoformat(self._engine.now()).astimezone(CHINA).date()
        with self._engine.store.read() as repo:
            calendar = self._days.calendar(repo.connection)
        # A due time is the end of its last day: China midnight of the next day.
        return {
            due_at: count_down(
                calendar, today, datetime.fromisoformat(due_at).astimezone(CHINA).date() - _ONE_DAY
            )
            for due_at in {d for d in due_ats if d}
        }

    def recompute_provisional(self, actor: str | None = None) -> int:
        """Compute every provisional deadline again; return how many became official."""
        with self._engine.store.read() as repo:
            rows = DisclosureStore(repo.connection).provisional_deadlines()
        settled = 0
        for row in rows:
            kind = DEADLINES[row.kind]
            with self._engine.store.read() as repo:
                calendar = self._days.calendar(repo.connection)
            deadline = calendar.deadline(
                datetime.fromisoformat(row.starts_at), kind.days, kind.remind_before
            )
            try:
                self._engine.update_data(
                    row.instance_id,
                    {kind.data_key: kind.data(deadline)},
                    "calendar.loaded",
                    actor,
                )
                ended = False
            except (ConflictError, NotFoundError):
                ended = True  # the instance has finished: its deadlines no longer count
            with self._engine.store.write() as repo:
                store = DisclosureStore(repo.connection)
                if row.document_id is not None:
                    store.update_document(row.document_id, kind.columns(deadline))
                if ended or not deadline.provisional:
                    store.drop_provisional(row.id)
                    settled += 1
        return settled

    def missing_years(self) -> list[int]:
        """Return the years deadlines fall in, or that have begun, without an official schedule."""
        today = self._engine.clock().astimezone(CHINA).date()
        with self._engine.store.read() as repo:
            calendar = self._days.calendar(repo.connection)
            rows = DisclosureStore(repo.connection).provisional_deadlines()
        years = {today.year}
        for row in rows:
            kind = DEADLINES[row.kind]
            start = datetime.fromisoformat(row.starts_at)
            years.add(calendar.deadline(start, kind.days, kind.remind_before).due_at.year)
            years.add(start.astimezone(CHINA).year)
        return sorted(year for year in years if not calendar.covers(year))

    def schedule_years(self) -> list[ScheduleYear]:
        """Return last year to next year, and every year loaded: where each one's schedule is."""
        today = self._engine.clock().astimezone(CHINA).date()
        with self._engine.store.read() as repo:
            loaded = DisclosureStore(repo.connection).calendar_years()
            periods = DisclosureStore(repo.connection).holiday_periods()
        bundled = WorkingCalendar({})
        # Not every year between the first and the last loaded: one schedule of 1999 and
        # one of 2100 would make a page of a century.
        years = sorted({today.year - 1, today.year, today.year + 1, *loaded})
        return [
            ScheduleYear(year, loaded.get(year, 0), bundled.covers(year), periods.get(year, 0))
            for year in years
        ]

    def is_working_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day by the official calendar."""
        with self._engine.store.read() as repo:
            return self._days.calendar(repo.connection).is_working_day(day)
