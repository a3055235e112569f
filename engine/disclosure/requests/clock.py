"""The statutory reply clock of a disclosure request (条例 Art. 30, 32, 33, 42).

A reply is due 20 working days after the request is received, the day of receipt not counted
(Art. 33); a period of N working days ends at the end of the Nth working day after its start day.

* Pauses stop the clock while they run (Art. 30, 32, 33 ¶3, 42): a working day ``d`` with
  ``pause.started_on < d <= pause.ended_on`` is not counted. Only one pause runs at a time;
  while one is open the due date is unknown.
* The clock may be extended once, by at most 20 working days (Art. 33 ¶2).
* A correction (补正) may be asked once, within 7 working days of receipt (Art. 30); the
  corrected request restarts the clock from the day it arrives, earlier pauses dropped.

Days are counted with :meth:`WorkingCalendar.working`, which projects a year without an official
schedule instead of refusing it; the answer then says it is provisional (暂定).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from ...errors import InvalidInputError
from ..workdays import WorkingCalendar, _china_midnight

#: kind -> (Chinese, English, working days the other side has; None: the notice states it).
PAUSE_KINDS: dict[str, tuple[str, str, int | None]] = {
    "third_party": ("征求第三方意见", "Third-party consultation", 15),
    "agency": ("征求其他机关意见", "Other agencies' opinion", 15),
    "fee": ("缴纳信息处理费", "Fee payment", 20),
    "correction": ("补正", "Correction", None),
}
REPLY_DAYS = 20
MAX_EXTENSION_DAYS = 20
CORRECTION_WITHIN_DAYS = 7
#: the reminder falls at the start of this many working days before the due day.
REMIND_BEFORE_DAYS = 3

_ONE_DAY = timedelta(days=1)


class ClockError(InvalidInputError, ValueError):
    """A clock operation is refused: a dotted ``code`` and its ``params``."""


def _check_date(value: object, name: str) -> date:
    """Return value if it is a calendar date (a datetime is not one), else raise ClockError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ClockError("clock.bad_date", field=name, value=repr(value))
    return value


@dataclass(frozen=True)
class Pause:
    """A stretch during which the reply clock stands still.

    ``period_days`` is the working days the other side has to answer; None takes the kind's
    (:data:`PAUSE_KINDS`). A correction's period is the one its notice states, so it is given.
    """

    kind: str
    started_on: date
    ended_on: date | None = None
    period_days: int | None = None

    def __post_init__(self) -> None:
        """Refuse an unknown kind, reversed dates, or a period that is not positive."""
        if self.kind not in PAUSE_KINDS:
            raise ClockError("clock.unknown_pause_kind", kind=self.kind)
        _check_date(self.started_on, "started_on")
        if self.ended_on is not None:
            _check_date(self.ended_on, "ended_on")
            if self.ended_on < self.started_on:
                raise ClockError(
                    "clock.resume_before_pause",
                    started_on=self.started_on.isoformat(),
                    ended_on=self.ended_on.isoformat(),
                )
        if self.period_days is not None and (
            isinstance(self.period_days, bool)
            or not isinstance(self.period_days, int)
            or self.period_days < 1
        ):
            raise ClockError("clock.bad_period", days=self.period_days)
        if self.kind == "correction" and self.period_days is None:
            raise ClockError("clock.correction_period_missing")

    @property
    def is_open(self) -> bool:
        """Tell whether the pause is still running."""
        return self.ended_on is None

    @property
    def days(self) -> int | None:
        """Return the working days the other side has, or None if the pause sets no period."""
        return self.period_days if self.period_days is not None else PAUSE_KINDS[self.kind][2]

    def holds(self, day: date) -> bool:
        """Tell whether a closed pause stopped the clock on the day."""
        return self.ended_on is not None and self.started_on < day <= self.ended_on


def _walk(
    calendar: WorkingCalendar, start: date, days: int, skip: Callable[[date], bool]
) -> tuple[list[date], bool]:
    """Return the first ``days`` working days after start not skipped, and if all are official."""
    return calendar.working_days_after(start, days, skip)


def _count(
    calendar: WorkingCalendar, after: date, until: date, skip: Callable[[date], bool]
) -> int:
    """Count working days d with after < d <= until that are not skipped."""
    count = 0
    day = after + _ONE_DAY
    while day <= until:
        if calendar.working(day)[0] and not skip(day):
            count += 1
        day += _ONE_DAY
    return count


def _never(day: date) -> bool:
    """Skip no day."""
    return False


@dataclass(frozen=True)
class RequestClock:
    """The reply clock of one request; every change returns a new clock."""

    received_on: date
    extension_days: int = 0
    corrected: bool = False
    pauses: tuple[Pause, ...] = field(default=())

    def __post_init__(self) -> None:
        """Refuse a clock no sequence of operations could have produced."""
        _check_date(self.received_on, "received_on")
        extension = self.extension_days
        if isinstance(extension, bool) or not isinstance(extension, int):
            raise ClockError("clock.bad_extension", days=extension)
        if not 0 <= extension <= MAX_EXTENSION_DAYS:
            raise ClockError("clock.extension_too_long", days=extension, max=MAX_EXTENSION_DAYS)
        if not isinstance(self.corrected, bool):
            raise ClockError("clock.bad_corrected", value=repr(self.corrected))
        # Tuples only: a list would make the frozen clock mutable through its pauses.
        if not isinstance(self.pauses, tuple) or not all(isinstance(p, Pause) for p in self.pauses):
            raise ClockError("clock.bad_pauses")
        not_before = self.received_on
        for index, pause in enumerate(self.pauses):
            if pause.started_on < not_before:
                raise ClockError(
                    "clock.pause_overlaps" if index else "clock.before_receipt",
                    on=pause.started_on.isoformat(),
                    not_before=not_before.isoformat(),
                )
            if pause.ended_on is None:
                if index != len(self.pauses) - 1:
                    raise ClockError("clock.already_paused", kind=pause.kind)
            else:
                not_before = pause.ended_on
        corrections = sum(p.kind == "correction" for p in self.pauses)
        if corrections > 1 or (corrections and self.corrected):
            raise ClockError("clock.correction_used")

    # -- reading the clock ------------------------------------------------------------------

    @property
    def open_pause(self) -> Pause | None:
        """Return the running pause, if any."""
        if self.pauses and self.pauses[-1].is_open:
            return self.pauses[-1]
        return None

    @property
    def paused(self) -> bool:
        """Tell whether the clock stands still now."""
        return self.open_pause is not None

    @property
    def total_days(self) -> int:
        """Return the working days the agency has to reply, extension included."""
        return REPLY_DAYS + self.extension_days

    def _paused_on(self, day: date) -> bool:
        """Tell whether a closed pause stopped the clock on the day."""
        return any(pause.holds(day) for pause in self.pauses)

    def _schedule(self, calendar: WorkingCalendar) -> tuple[list[date], bool] | None:
        """Return the counted days up to the due day, and if all days walked are official."""
        if self.paused:
            return None
        return _walk(calendar, self.received_on, self.total_days, self._paused_on)

    def due_on(self, calendar: WorkingCalendar) -> date | None:
        """Return the last day to reply, or None while a pause runs."""
        schedule = self._schedule(calendar)
        return schedule[0][-1] if schedule else None

    def days_left(self, calendar: WorkingCalendar, today: date) -> int | None:
        """Return the counted working days after today up to the due day; negative when overdue.

        On the due day it is 0 (the day itself is still in time); None while a pause runs.
        """
        due = self.due_on(calendar)
        if due is None:
            return None
        if today <= due:
            return _count(calendar, today, due, self._paused_on)
        return -_count(calendar, due, today, self._paused_on)

    def paused_days(self, calendar: WorkingCalendar, today: date | None = None) -> int:
        """Return the working days the pauses kept from the count.

        A running pause counts up to today when today is given, else not at all.
        """
        total = 0
        for pause in self.pauses:
            end = pause.ended_on if pause.ended_on is not None else today
            if end is not None:
                total += _count(calendar, pause.started_on, end, _never)
        return total

    def pause_due_on(self, calendar: WorkingCalendar) -> date | None:
        """Return the last day of the running pause's period, or None if none runs."""
        pause = self.open_pause
        if pause is None or pause.days is None:
            return None
        return _walk(calendar, pause.started_on, pause.days, _never)[0][-1]

    def correction_due_on(self, calendar: WorkingCalendar) -> date | None:
        """Return the last day to send the correction, or None if none is awaited."""
        pause = self.open_pause
        if pause is None or pause.kind != "correction":
            return None
        return self.pause_due_on(calendar)

    # -- changing the clock -----------------------------------------------------------------

    def pause(self, kind: str, on: date) -> RequestClock:
        """Stop the clock from the day ``on`` (that day still counts) for a consultation or fee.

        A correction is asked with :meth:`ask_correction`, which checks when it is allowed.
        """
        if kind not in PAUSE_KINDS:
            raise ClockError("clock.unknown_pause_kind", kind=kind)
        if kind == "correction":
            raise ClockError("clock.correction_needs_notice")
        self._check_may_pause(on)
        return replace(self, pauses=(*self.pauses, Pause(kind, on)))

    def _check_may_pause(self, on: date) -> None:
        """Raise ClockError unless a pause may start on the day."""
        _check_date(on, "on")
        running = self.open_pause
        if running is not None:
            raise ClockError("clock.already_paused", kind=running.kind)
        if on < self.received_on:
            raise ClockError(
                "clock.before_receipt",
                on=on.isoformat(),
                not_before=self.received_on.isoformat(),
            )
        last_end = self.pauses[-1].ended_on if self.pauses else None
        if last_end is not None and on < last_end:
            raise ClockError(
                "clock.pause_overlaps", on=on.isoformat(), not_before=last_end.isoformat()
            )

    def resume(self, on: date) -> RequestClock:
        """Start the clock again: the day ``on`` is the last one not counted."""
        _check_date(on, "on")
        running = self.open_pause
        if running is None:
            raise ClockError("clock.not_paused")
        if on < running.started_on:
            raise ClockError(
                "clock.resume_before_pause",
                started_on=running.started_on.isoformat(),
                ended_on=on.isoformat(),
            )
        return replace(self, pauses=(*self.pauses[:-1], replace(running, ended_on=on)))

    def extend(self, days: int) -> RequestClock:
        """Extend the reply period once, by 1 to 20 working days (Art. 33 ¶2)."""
        if self.extension_days:
            raise ClockError("clock.extension_used", days=self.extension_days)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ClockError("clock.extension_too_short", days=days)
        if days > MAX_EXTENSION_DAYS:
            raise ClockError("clock.extension_too_long", days=days, max=MAX_EXTENSION_DAYS)
        return replace(self, extension_days=days)

    def _correction_refusal(self, calendar: WorkingCalendar, on: date) -> ClockError | None:
        """Return why a correction may not be asked on the day, or None if it may."""
        if self.corrected or any(p.kind == "correction" for p in self.pauses):
            return ClockError("clock.correction_used")
        try:
            self._check_may_pause(on)
        except ClockError as refusal:
            return refusal
        # The 7 days run from receipt whatever paused the reply clock meanwhile: Art. 30
        # counts them from receipt and names no exception.
        elapsed = _count(calendar, self.received_on, on, _never)
        if elapsed > CORRECTION_WITHIN_DAYS:
            return ClockError(
                "clock.correction_too_late",
                received_on=self.received_on.isoformat(),
                days=elapsed,
                max=CORRECTION_WITHIN_DAYS,
            )
        return None

    def may_ask_correction(self, calendar: WorkingCalendar, today: date) -> bool:
        """Tell whether a correction may be asked today."""
        return self._correction_refusal(calendar, today) is None

    def ask_correction(self, calendar: WorkingCalendar, on: date, answer_days: int) -> RequestClock:
        """Stop the clock for a correction notice giving the applicant ``answer_days``."""
        if isinstance(answer_days, bool) or not isinstance(answer_days, int) or answer_days < 1:
            raise ClockError("clock.bad_period", days=answer_days)
        refusal = self._correction_refusal(calendar, on)
        if refusal is not None:
            raise refusal
        return replace(self, pauses=(*self.pauses, Pause("correction", on, None, answer_days)))

    def corrected_on(self, arrived: date) -> RequestClock:
        """Restart the clock from the day the corrected request arrived (Art. 30)."""
        _check_date(arrived, "arrived")
        running = self.open_pause
        if running is None or running.kind != "correction":
            raise ClockError("clock.no_correction_asked")
        if arrived < running.started_on:
            raise ClockError(
                "clock.before_correction_asked",
                on=arrived.isoformat(),
                asked_on=running.started_on.isoformat(),
            )
        return replace(self, received_on=arrived, corrected=True, pauses=())

    # -- workflow data ----------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Return the clock as JSON-safe data (ISO dates) for the workflow."""
        return {
            "received_on": self.received_on.isoformat(),
            "extension_days": self.extension_days,
            "corrected": self.corrected,
            "pauses": [
                {
                    "kind": p.kind,
                    "started_on": p.started_on.isoformat(),
                    "ended_on": p.ended_on.isoformat() if p.ended_on else None,
                    "period_days": p.period_days,
                }
                for p in self.pauses
            ],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RequestClock:
        """Rebuild a clock from :meth:`to_data`'s data; raise ClockError if it is malformed."""
        if not isinstance(data, Mapping):
            raise ClockError("clock.bad_data", field="")
        raw_pauses = data.get("pauses", [])
        if not isinstance(raw_pauses, list | tuple):
            raise ClockError("clock.bad_data", field="pauses")
        pauses = []
        for index, raw in enumerate(raw_pauses):
            if not isinstance(raw, Mapping):
                raise ClockError("clock.bad_data", field=f"pauses[{index}]")
            ended = raw.get("ended_on")
            pauses.append(
                Pause(
                    kind=str(raw.get("kind")),
                    started_on=_parse_date(raw.get("started_on"), f"pauses[{index}].started_on"),
                    ended_on=None
                    if ended is None
                    else _parse_date(ended, f"pauses[{index}].ended_on"),
                    period_days=raw.get("period_days"),
                )
            )
        return cls(
            received_on=_parse_date(data.get("received_on"), "received_on"),
            extension_days=data.get("extension_days", 0),
            corrected=data.get("corrected", False),
            pauses=tuple(pauses),
        )


def _parse_date(value: object, name: str) -> date:
    """Parse a YYYY-MM-DD string or raise ClockError naming the field."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ClockError("clock.bad_data", field=name)


def _end_of(day: date) -> str:
    """Return the end of the day in China time (next day's 00:00), as ISO-8601 UTC."""
    return _china_midnight(day + _ONE_DAY).isoformat()


def clock_data(
    clock: RequestClock, calendar: WorkingCalendar, today: date | None = None
) -> dict[str, Any]:
    """Return what the BPMN timers and the pages need to know of the clock, JSON-safe.

    While the clock runs, ``due_at`` (the end of the due day) and ``remind_at`` (the start of
    the 3rd working day before it) are set; while a pause runs they are None and
    ``pause_due_at`` (the end of the pause's period) is set instead. ``days_left`` needs today.
    """
    schedule = clock._schedule(calendar)
    running = clock.open_pause
    data: dict[str, Any] = {
        "received_on": clock.received_on.isoformat(),
        "due_on": None,
        "due_at": None,
        "remind_at": None,
        "days_left": None,
        "paused": running is not None,
        "pause_kind": running.kind if running else None,
        "pause_started_on": running.started_on.isoformat() if running else None,
        "pause_due_on": None,
        "pause_due_at": None,
        "extension_days": clock.extension_days,
        "corrected": clock.corrected,
        "paused_days": clock.paused_days(calendar, today),
        "provisional": False,
    }
    if schedule is not None:
        counted, official = schedule
        due = counted[-1]
        remind = (
            counted[-1 - REMIND_BEFORE_DAYS]
            if len(counted) > REMIND_BEFORE_DAYS
            else clock.received_on
        )
        data["due_on"] = due.isoformat()
        data["due_at"] = _end_of(due)
        data["remind_at"] = _china_midnight(remind).isoformat()
        data["provisional"] = not official
        if today is not None:
            data["days_left"] = clock.days_left(calendar, today)
    elif running is not None and running.days is not None:
        days, official = _walk(calendar, running.started_on, running.days, _never)
        data["pause_due_on"] = days[-1].isoformat()
        data["pause_due_at"] = _end_of(days[-1])
        data["provisional"] = not official
    return data
