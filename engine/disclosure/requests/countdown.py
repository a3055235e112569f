"""How a request's reply deadline (答复期限) stands today: working days left, due today, overdue."""

from __future__ import annotations

from datetime import date

from ..workdays import Countdown, WorkingCalendar, count_down

#: the statuses in which a request no longer waits for its reply: no deadline runs
CLOSED_STATUSES = ("replied", "abandoned", "fee_unpaid")


def reply_countdown(
    calendar: WorkingCalendar,
    today: date,
    due_on: str | None,
    *,
    status: str,
    paused: str | None,
    provisional: bool,
) -> Countdown | None:
    """Count a request's reply deadline from today; None when no clock runs.

    No clock runs while it is paused (暂停计算), once it is replied or closed, or
    before it has a due day.
    """
    if not due_on or paused or status in CLOSED_STATUSES:
        return None
    return count_down(calendar, today, date.fromisoformat(due_on), provisional)
