"""Statutory working-day calendar (工作日) for disclosure deadlines.

Working days follow China's official calendar: weekends and public holidays are off, adjusted
working days (调休) are on. Past years come from the ``chinese_calendar`` package; the admin loads
the State Council's schedule for any year the package does not cover yet (see
:func:`parse_schedule`). A year covered by neither is refused, weekends included: a statutory
clock must not guess.

Counting rule: the day of receipt is not counted; a period of N working days ends at the end
(24:00 China Standard Time) of the Nth working day after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

from ..errors import Problem
from ..text import text_problem

CHINA = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)
#: the longest range one schedule line may give (a holiday is days, not years).
MAX_RANGE_DAYS = 366
#: the years a schedule may name: the State Council's schedules of this kind began in 1999;
#: a year beyond these is a typing error, not a schedule (and would stretch every year list)
FIRST_YEAR, LAST_YEAR = 1999, 2100
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: a schedule line's kind: whether the day is worked.  The Chinese words are those the
#: State Council's notices use (放假, 调休上班 / 上班 / 补班) and the admin page names.
_KINDS = {
    "holiday": False,
    "放假": False,
    "休息": False,
    "workday": True,
    "调休上班": True,
    "上班": True,
    "补班": True,
}


class CalendarNotLoadedError(Exception):
    """A date falls in a year with no official holiday schedule."""

    def __init__(self, year: int) -> None:
        """Name the year whose schedule is missing."""
        self.year = year
        super().__init__(f"no official holiday schedule loaded for {year}")


class ScheduleError(ValueError):
    """A holiday schedule text is malformed: the line and what is wrong with it."""

    def __init__(self, line: int, code: str, **params: Any) -> None:
        """Name the line number and what is wrong with it."""
        self.line = line
        self.problem = Problem(code, params)
        super().__init__(f"line {line}: {self.problem}")


@dataclass(frozen=True)
class Deadline:
    """A deadline, its reminder, and whether a year it spans has no official schedule yet.

    A provisional (暂定) deadline counts weekends and the public holidays the
    ``holidays`` package projects; it is recomputed once the State Council's
    schedule of that year is loaded.
    """

    due_at: datetime
    remind_at: datetime
    provisional: bool


@lru_cache(maxsize=64)
def _projected_holidays(year: int) -> frozenset[date]:
    """Return the public holidays the ``holidays`` package projects for a year in China."""
    return frozenset(holidays.country_holidays("CN", years=year))


@dataclass(frozen=True)
class DayEntry:
    """One day of an official schedule: whether it is worked, and why."""

    working: bool
    note: str


def _parse_date(text: str, line: int) -> date:
    """Parse a strict YYYY-MM-DD date or raise ScheduleError for the line."""
    if _ISO_DATE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            # Written right, but the month has no such day (2027-02-30): say so, not the format.
            raise ScheduleError(line, "calendar.no_such_day", text=text) from None
        else:
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day
            raise ScheduleError(
                line, "calendar.year_out_of_range", text=text, first=FIRST_YEAR, last=LAST_YEAR
            )
    raise ScheduleError(line, "calendar.bad_date", text=text)


def parse_schedule(text: str) -> dict[date, DayEntry]:
    """Parse a holiday schedule: one day or range per line.

    Format, one entry per line; blank lines and ``#`` comments (a whole line, or after
    whitespace at the end of a line) are ignored::

        2027-01-01 holiday 元旦
        2027-02-06..2027-02-12 holiday 春节     (inclusive range)
        2027-02-14 workday 春节调休

    The kind is ``holiday`` (放假) or ``workday`` (调休上班, 上班); the note is optional free
    text. A day listed twice with the same kind keeps its first note; with different kinds it
    is refused.
    """
    entries: dict[date, DayEntry] = {}
    first_line: dict[date, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            raise ScheduleError(lineno, "calendar.missing_kind")
        span, kind = parts[0], parts[1]
        note = parts[2].strip() if len(parts) > 2 else ""
        if problem := text_problem(note):
            raise ScheduleError(lineno, "calendar.bad_note", problem=problem)
        working = _KINDS.get(kind.lower())
        if working is None:
            raise ScheduleError(lineno, "calendar.unknown_kind", kind=kind)
        if ".." in span:
            first_text, _, last_text = span.partition("..")
            first = _parse_date(first_text, lineno)
            last = _parse_date(last_text, lineno)
            if last < first:
                raise ScheduleError(lineno, "calendar.reversed_range", span=span)
            if (last - first).days >= MAX_RANGE_DAYS:
                raise ScheduleError(
                    lineno, "calendar.range_too_long", span=span, days=MAX_RANGE_DAYS
                )
        else:
            first = last = _parse_date(span, lineno)
        entry = DayEntry(working=working, note=note)
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            previous = entries.get(day)
            if previous is None:
                entries[day] = entry
                first_line[day] = lineno
            elif previous.working != entry.working:
                earlier = first_line[day]
                raise ScheduleError(
                    lineno, "calendar.conflict", day=day.isoformat(), other_line=earlier
                )
    return entries


@lru_cache(maxsize=1)
def _package_years() -> frozenset[int]:
    """Return the years chinese_calendar holds official schedules for."""
    return frozenset(day.year for day in (*chinese_calendar.holidays, *chinese_calendar.workdays))


@lru_cache(maxsize=16384)
def _package_entry(day: date) -> DayEntry | None:
    """Look a day up in chinese_calendar; return None if the package lacks its year."""
    if day.year not in _package_years():
        return None
    is_holiday, name = chinese_calendar.get_holiday_detail(day)
    return DayEntry(working=not is_holiday, note=name or "")


def _package_covers(year: int) -> bool:
    """Tell whether chinese_calendar holds official data for the year."""
    return year in _package_years()


def _china_date(moment: datetime) -> date:
    """Return the China Standard Time calendar date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware / 时间必须带时区")
    return moment.astimezone(CHINA).date()


def _china_midnight(day: date) -> datetime:
    """Return 00:00 China Standard Time of the day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=CHINA).astimezone(UTC)


@dataclass(frozen=True)
class Countdown:
    """How a deadline stands today, in working days, as every page says it.

    ``state`` is ``left`` (``days`` working days after today, the due day included),
    ``today`` (the due day is today: still in time) or ``overdue`` (``days`` working days
    have passed since the due day, today included; 0 on days off right after it).
    ``provisional`` (待确认): the due day falls in a year without its official schedule,
    so the count is projected too.
    """

    state: Literal["left", "today", "overdue"]
    days: int
    provisional: bool = False


def count_down(
    calendar: WorkingCalendar, today: date, due_day: date, provisional: bool = False
) -> Countdown:
    """Count the working days from ``today`` to the end of ``due_day`` (or past it).

    Today is not counted while days are left, as the day a period starts is not
    (a request received today has its 20 days left, and 0 on its due day, which
    reads 今日到期); overdue, today counts once it is worked.
    """
    if due_day == today:
        return Countdown("today", 0, provisional)
    if due_day > today:
        return Countdown("left", calendar.days_left(today + _ONE_DAY, due_day), provisional)
    return Countdown("overdue", -calendar.days_left(today, due_day), provisional)


class WorkingCalendar:
    """China's statutory working days: package data plus admin-loaded schedules."""

    def __init__(self, overrides: Mapping[date, DayEntry] | None = None) -> None:
        """Build a calendar; overrides (parsed schedules) beat the package data."""
        self._overrides: dict[date, DayEntry] = dict(overrides or {})
        for day in self._overrides:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"override keys must be dates, not {type(day).__name__}")
        self._override_years = frozenset(day.year for day in self._overrides)

    def covers(self, year: int) -> bool:
        """Tell whether official data for the year is available."""
        return year in self._override_years or _package_covers(year)

    def is_working_day(self, day: date) -> bool:
        """Tell whether the day is a statutory working day."""
        if isinstance(day, datetime):
            raise TypeError("pass a date (China calendar day), not a datetime")
        entry = self._overrides.get(day)
        if entry is not None:
            return entry.working
        entry = _package_entry(day)
        if entry is not None:
            return entry.working
        if day.year in self._override_years:
            return day.weekday() < 5
        raise CalendarNotLoadedError(day.year)

    def working(self, day: date) -> tuple[bool, bool]:
        """Return whether a day is worked, and whether that is official (not projected)."""
        entry = self._overrides.get(day) or _package_entry(day)
        if entry is not None:
            return entry.working, True
        if day.year in self._override_years:
            return day.weekday() < 5, True
        return day.weekday() < 5 and day not in _projected_holidays(day.year), False

    def deadline(self, start: datetime, days: int, remind_before: int) -> Deadline:
        """Return the deadline ``days`` working days after ``start`` and its reminder.

        Where the official schedule of a year is missing, the days of that year
        are projected, and the deadline says it is provisional.
        """
        if days < 0 or remind_before < 0:
            raise ValueError("days and remind_before must be >= 0")
        start_day = _china_date(start)
        counted, official = self.working_days_after(start_day, days)
        due_day = counted[-1] if counted else start_day
        remind_day = counted[-1 - remind_before] if len(counted) > remind_before else start_day
        return Deadline(
            _china_midnight(due_day + _ONE_DAY),
            max(_china_midnight(remind_day), start.astimezone(UTC)),
            not official,
        )

    def working_days_after(
        self, start: date, days: int, skip: Callable[[date], bool] | None = None
    ) -> tuple[list[date], bool]:
        """Return the first ``days`` working days after ``start`` (not ``skip``ped ones).

        Also tell whether every day passed is official: where a year's schedule
        is missing, its days are projected (weekends and expected holidays).
        """
        counted: list[date] = []
        official = True
        day = start
        while len(counted) < days:
            day += _ONE_DAY
            working, known = self.working(day)
            official = official and known
            if working and not (skip and skip(day)):
                counted.append(day)
        return counted, official

    def days_left(self, today: date, due_day: date) -> int:
        """Return the working days left until the end of ``due_day``, today included.

        Negative when the due day has passed: the working days overdue, today
        included.  A year without its schedule counts its projected days.
        """
        if due_day >= today:
            return self._worked_between(today - _ONE_DAY, due_day)
        return -self._worked_between(due_day, today)

    def _worked_between(self, after: date, until: date) -> int:
        count, day = 0, after
        while day < until:
            day += _ONE_DAY
            count += self.working(day)[0]
        return count

    def add_working_days(self, start: date, days: int) -> date:
        """Return the Nth working day after start (start itself not counted)."""
        if days < 0:
            raise ValueError(f"days must be >= 0, not {days}")
        day = start
        remaining = days
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days d with start < d <= end."""
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def due_at(self, start: datetime, days: int) -> datetime:
        """Return the end of the Nth working day after start's China date, in UTC."""
        due_day = self.add_working_days(_china_date(start), days)
        return _china_midnight(due_day + _ONE_DAY)

    def remind_at(self, start: datetime, days: int, before: int = 1) -> datetime:
        """Return the start of the working day `before` working days before the due day, in UTC."""
        if before < 0:
            raise ValueError(f"before must be >= 0, not {before}")
        start_day = _china_date(start)
        day = self.add_working_days(start_day, days)
        remaining = before
        while remaining and day > start_day:
            day -= _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return max(_china_midnight(day), start.astimezone(UTC))
