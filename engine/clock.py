"""The engine's clock: injectable, so that recorded histories replay exactly."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone

Clock = Callable[[], datetime]


def iso(moment: datetime) -> str:
    """Return the one text form of a time that the engine stores: UTC, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("the engine clock must return timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


#: the agency's time zone (China Standard Time): a day or time people name without a zone
LOCAL_ZONE = timezone(timedelta(hours=8))


def local_day_start(day: date, after: int = 0) -> str:
    """Return, as stored, when the agency's day ``day`` (plus ``after`` days) begins."""
    start = datetime.combine(day, time(), tzinfo=LOCAL_ZONE) + timedelta(days=after)
    return iso(start)


def local_iso(moment: date | datetime) -> str:
    """Return a day or time as stored; without a zone it is the agency's (Beijing)."""
    if not isinstance(moment, datetime):
        return local_day_start(moment)
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE))


def system_clock() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until moved; for tests, replay and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self.now = start

    def __call__(self) -> datetime:
        """Return the clock's current time."""
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by a ``timedelta(**delta)`` and return the new time."""
        self.now = self.now + timedelta(**delta)
        return self.now


_active_clock: contextvars.ContextVar[Clock] = contextvars.ContextVar(
    "gongkai_active_clock", default=system_clock
)


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now()`` reads the engine clock active in this context."""

    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        current = _active_clock.get()()
        return current.astimezone(tz) if tz is not None else current  # type: ignore[arg-type]


def install_in_spiffworkflow() -> None:
    """Make SpiffWorkflow's timer events read the engine clock.

    SpiffWorkflow calls ``datetime.now(timezone.utc)`` inside its timer module;
    without this a timer would fire by the wall clock and a replayed history
    could not reproduce when a timer fired.
    """
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime


@contextlib.contextmanager
def active(clock: Clock) -> Iterator[None]:
    """Run the enclosed block with ``clock`` as SpiffWorkflow's notion of now."""
    token = activate(clock)
    try:
        yield
    finally:
        deactivate(token)


def activate(clock: Clock) -> contextvars.Token[Clock]:
    """Make ``clock`` SpiffWorkflow's notion of now until ``deactivate`` (what ``active`` does)."""
    return _active_clock.set(clock)


def deactivate(token: contextvars.Token[Clock]) -> None:
    """Give SpiffWorkflow back the clock it had before ``activate`` returned ``token``."""
    _active_clock.reset(token)
