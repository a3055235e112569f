"""How a request's reply deadline (答复期限) stands today: working days left, due today, overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..workdays import WorkingCalendar

_ONE_DAY = timedelta(days=1)
#: the statuses in which a request no longer waits for its reply: no deadline runs
CLOSED_STATUSES = ("replied", "abandoned", "fee_unpaid")


@dataclass(frozen=True)
class ReplyCountdown:
    """The working days left to reply, or overdue, counted on the official calendar.

    ``state`` is ``left`` (``days`` working days after today, the due day included),
    ``today`` (the due day is today: still in time) or ``overdue`` (``days`` working days
    have passed since the due day, today included; 0 on days off right after it).
    ``provisional`` (待确认): the due day falls in a year without its official schedule,
    so the count is projected too.
    """

    state: Literal["left", "today", "overdue"]
    days: int
    provisional: bool


def reply_countdown(
    calendar: WorkingCalendar,
    today: date,
    due_on: str | None,
    *,
    status: str,
    paused: str | None,
    provisional: bool,
) -> ReplyCountdown | None:
    """Count a request's reply deadline from today; None when no clock runs.

    No clock runs while it is paused (暂停计算), once it is replied or closed, or
    before it has a due day.  The day of today is not counted when days are
    left, as the day of receipt is not (the request clock's rule: 0 on the due
    day); overdue, today counts once it is worked.
    """
    if not due_on or paused or status in CLOSED_STATUSES:
        return None
    due_day = date.fromisoformat(due_on)
    if due_day == today:
        return ReplyCountdown("today", 0, provisional)
    if due_day > today:
        # days_left counts today too; from tomorrow it counts the days after today.
        return ReplyCountdown("left", calendar.days_left(today + _ONE_DAY, due_day), provisional)
    return ReplyCountdown("overdue", -calendar.days_left(today, due_day), provisional)
