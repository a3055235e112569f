from datetime import UTC, date, datetime, timedelta

import pytest

from engine.disclosure.workdays import (
    CHINA,
    CalendarNotLoadedError,
    Countdown,
    DayEntry,
    ScheduleError,
    WorkingCalendar,
    count_down,
    parse_schedule,
)

# The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知).
SCHEDULE_2026 = """\
# 2026 国务院节假日安排
2026-01-01..2026-01-03 holiday 元旦
2026-01-04 workday 元旦调休
2026-02-15..2026-02-23 holiday 春节
2026-02-14 workday 春节调休
2026-02-28 workday 春节调休
2026-04-04..2026-04-06 holiday 清明节
2026-05-01..2026-05-05 holiday 劳动节
2026-05-09 workday 劳动节调休
2026-06-19..2026-06-21 holiday 端午节
2026-09-25..2026-09-27 holiday 中秋节
2026-10-01..2026-10-07 holiday 国庆节
2026-09-20 workday 国庆节调休
2026-10-10 workday 国庆节调休
"""

# A year no package release will cover for a long time; stands in for "not yet published".
FAR_YEAR = 2099
SCHEDULE_FAR = f"""\
{FAR_YEAR}-01-01 holiday 元旦
{FAR_YEAR}-01-05 holiday 测试假日
{FAR_YEAR}-01-10 workday 测试调休
"""


def test_worked_example_2026_package_data():
    cal = WorkingCalendar()
    assert cal.covers(2026)
    assert cal.add_working_days(date(2026, 9, 18), 20) == date(2026, 10, 22)
    assert cal.working_days_between(date(2026, 9, 18), date(2026, 10, 22)) == 20


def test_worked_example_2026_loaded_schedule():
    cal = WorkingCalendar(parse_schedule(SCHEDULE_2026))
    assert cal.add_working_days(date(2026, 9, 18), 20) == date(2026, 10, 22)


def test_state_council_2026_schedule_matches_package():
    package = WorkingCalendar()
    loaded = WorkingCalendar(parse_schedule(SCHEDULE_2026))
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert loaded.is_working_day(day) == package.is_working_day(day), day
        day += timedelta(days=1)


def test_worked_example_days():
    cal = WorkingCalendar()
    assert cal.is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, adjusted working day
    assert not cal.is_working_day(date(2026, 9, 25))  # 中秋
    assert not cal.is_working_day(date(2026, 10, 7))  # 国庆
    assert not cal.is_working_day(date(2026, 10, 11))  # ordinary Sunday


def test_friday_plus_one_is_monday():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_worked_saturday_counts():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert cal.add_working_days(date(2026, 10, 9), 2) == date(2026, 10, 12)


def test_zero_days_returns_start_and_negative_refused():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 10, 3), -1)


def test_working_days_between_empty_and_inverse_of_add():
    cal = WorkingCalendar()
    assert cal.working_days_between(date(2026, 9, 18), date(2026, 9, 18)) == 0
    assert cal.working_days_between(date(2026, 9, 18), date(2026, 9, 1)) == 0
    start = date(2026, 1, 30)
    for n in range(0, 45):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_uncovered_year_raises_naming_the_year():
    cal = WorkingCalendar()
    assert not cal.covers(FAR_YEAR)
    with pytest.raises(CalendarNotLoadedError) as excinfo:
        cal.is_working_day(date(FAR_YEAR, 3, 2))
    assert excinfo.value.year == FAR_YEAR
    assert f"for {FAR_YEAR}" in str(excinfo.value)
    # A weekend of an uncovered year is not guessed either.
    with pytest.raises(CalendarNotLoadedError):
        cal.is_working_day(date(FAR_YEAR, 3, 7))  # Saturday
    with pytest.raises(CalendarNotLoadedError):
        cal.add_working_days(date(FAR_YEAR, 3, 2), 5)


def test_loaded_schedule_makes_uncovered_year_computable():
    cal = WorkingCalendar(parse_schedule(SCHEDULE_FAR))
    assert cal.covers(FAR_YEAR)
    assert not cal.covers(FAR_YEAR + 1)
    assert not cal.is_working_day(date(FAR_YEAR, 1, 5))  # Monday, listed holiday
    assert cal.is_working_day(date(FAR_YEAR, 1, 10))  # Saturday, listed workday
    assert not cal.is_working_day(date(FAR_YEAR, 1, 11))  # Sunday, weekend rule
    assert cal.is_working_day(date(FAR_YEAR, 1, 6))  # Tuesday, weekday rule
    # Thu 01-01 holiday; Fri 02 (1), Mon 05 holiday, Tue 06 (2) .. Fri 09 (5), Sat 10 (6).
    assert cal.add_working_days(date(FAR_YEAR, 1, 1), 6) == date(FAR_YEAR, 1, 10)
    # Running past the loaded year into an unloaded one is refused, naming that year.
    with pytest.raises(CalendarNotLoadedError) as excinfo:
        cal.add_working_days(date(FAR_YEAR, 12, 24), 10)
    assert excinfo.value.year == FAR_YEAR + 1


def test_overrides_beat_package_data():
    cal = WorkingCalendar(
        {
            date(2026, 10, 8): DayEntry(working=False, note="extra holiday"),
            date(2026, 10, 3): DayEntry(working=True, note="worked holiday"),
        }
    )
    assert not cal.is_working_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 3))
    assert WorkingCalendar().is_working_day(date(2026, 10, 8))
    # 10-03 now counts (+1) and 10-08 does not (-1): the example's due day is unchanged...
    assert cal.add_working_days(date(2026, 9, 18), 20) == date(2026, 10, 22)
    # ...but the 9th working day moves from 10-08 to 10-03.
    assert cal.add_working_days(date(2026, 9, 18), 9) == date(2026, 10, 3)


def test_datetime_is_not_a_day():
    with pytest.raises(TypeError):
        WorkingCalendar().is_working_day(datetime(2026, 10, 8, 9, 0, tzinfo=CHINA))


def test_parse_schedule_format():
    text = """
    # comment line

    2027-01-01 holiday 元旦   # trailing comment
    2027-02-06..2027-02-12 holiday 春节
    2027-02-14 workday
    2027-02-12 holiday duplicate with same kind is fine
    """
    entries = parse_schedule(text)
    assert entries[date(2027, 1, 1)] == DayEntry(working=False, note="元旦")
    assert entries[date(2027, 2, 14)] == DayEntry(working=True, note="")
    assert entries[date(2027, 2, 12)].note == "春节"
    assert len(entries) == 1 + 7 + 1
    assert parse_schedule("") == {}


def test_a_schedule_may_name_the_kinds_in_the_state_councils_words():
    given = "2027-10-01..2027-10-07 放假 国庆节\n2027-10-09 调休上班\n2027-09-26 上班"
    entries = parse_schedule(given)
    assert entries[date(2027, 10, 3)] == DayEntry(working=False, note="国庆节")
    assert entries[date(2027, 10, 9)].working and entries[date(2027, 9, 26)].working
    assert parse_schedule("2027-01-01 Holiday")[date(2027, 1, 1)].working is False


@pytest.mark.parametrize(
    ("text", "line", "code", "params"),
    [
        (
            "2027-01-01 holiday\n2027-02-30 holiday",
            2,
            "calendar.no_such_day",
            {"text": "2027-02-30"},
        ),
        ("# c\n\n27-1-1 holiday", 3, "calendar.bad_date", {"text": "27-1-1"}),
        ("2027-01-01 holidy 元旦", 1, "calendar.unknown_kind", {"kind": "holidy"}),
        ("2027-01-01", 1, "calendar.missing_kind", {}),
        ("2027-01-01 holiday\n2027-02-12..2027-02-06 holiday", 2, "calendar.reversed_range", {}),
        ("2027-01-01..2027-01-x holiday", 1, "calendar.bad_date", {"text": "2027-01-x"}),
        (
            "2027-02-06..2027-02-12 holiday\n\n2027-02-10 workday",
            3,
            "calendar.conflict",
            {"day": "2027-02-10", "other_line": 1},
        ),
        ("2026-01-01..2027-06-30 holiday", 1, "calendar.range_too_long", {"days": 366}),
        ("9999-12-31 holiday", 1, "calendar.year_out_of_range", {"first": 1999, "last": 2100}),
        ("1998-12-31..1999-01-02 holiday", 1, "calendar.year_out_of_range", {"text": "1998-12-31"}),
    ],
)
def test_parse_schedule_errors_name_the_line(text, line, code, params):
    with pytest.raises(ScheduleError) as excinfo:
        parse_schedule(text)
    assert excinfo.value.line == line
    assert f"line {line}:" in str(excinfo.value)
    assert excinfo.value.problem.code == code
    assert params.items() <= excinfo.value.problem.params.items()
    assert isinstance(excinfo.value, ValueError)


def test_due_at_is_end_of_due_day_in_utc():
    cal = WorkingCalendar()
    received = datetime(2026, 9, 18, 15, 30, tzinfo=CHINA)
    due = cal.due_at(received, 20)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 10, 22, 16, 0, tzinfo=UTC)
    assert due.astimezone(CHINA).replace(tzinfo=None) == datetime(2026, 10, 23, 0, 0)


def test_due_at_uses_china_date_of_start():
    cal = WorkingCalendar()
    # 2026-09-17 17:00 UTC is 2026-09-18 01:00 in China: received on the 18th.
    received = datetime(2026, 9, 17, 17, 0, tzinfo=UTC)
    assert cal.due_at(received, 20) == datetime(2026, 10, 22, 16, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        cal.due_at(datetime(2026, 9, 18, 9, 0), 20)


def test_remind_at_is_start_of_earlier_working_day():
    cal = WorkingCalendar()
    received = datetime(2026, 9, 18, 15, 30, tzinfo=CHINA)
    remind = cal.remind_at(received, 20)
    assert remind.tzinfo is UTC
    assert remind.astimezone(CHINA).replace(tzinfo=None) == datetime(2026, 10, 21, 0, 0)
    # Three working days before Thu 10-22: Wed 21, Tue 20, Mon 19.
    three = cal.remind_at(received, 20, before=3)
    assert three.astimezone(CHINA).replace(tzinfo=None) == datetime(2026, 10, 19, 0, 0)
    # Skips the weekend: 5 before 10-22 is Thu 10-15.
    five = cal.remind_at(received, 20, before=5)
    assert five.astimezone(CHINA).replace(tzinfo=None) == datetime(2026, 10, 15, 0, 0)
    # before=0 is the start of the due day itself.
    zero = cal.remind_at(received, 20, before=0)
    assert zero.astimezone(CHINA).replace(tzinfo=None) == datetime(2026, 10, 22, 0, 0)


def test_remind_at_never_before_start():
    cal = WorkingCalendar()
    received = datetime(2026, 9, 18, 15, 30, tzinfo=CHINA)
    remind = cal.remind_at(received, 2, before=10)
    assert remind == received
    assert remind.tzinfo is UTC
    assert cal.remind_at(received, 0) == received


def test_working_days_left_count_today_and_turn_negative_when_overdue() -> None:
    calendar = WorkingCalendar()
    received, due = date(2026, 9, 18), date(2026, 10, 22)
    assert calendar.days_left(received, due) == 21  # the Friday itself, then the 20 counted
    assert calendar.days_left(due, due) == 1
    assert calendar.days_left(date(2026, 10, 23), due) == -1
    # Saturday 24 and Sunday 25 October are off: still one day overdue on Monday's eve
    assert calendar.days_left(date(2026, 10, 25), due) == -1
    assert calendar.days_left(date(2026, 10, 26), due) == -2


def test_a_countdown_leaves_today_out_until_the_due_day_and_counts_it_once_overdue() -> None:
    calendar = WorkingCalendar()
    received, due = date(2026, 9, 18), date(2026, 10, 22)
    # Received on the Friday: its 20 working days are all still to come.
    assert count_down(calendar, received, due) == Countdown("left", 20)
    assert count_down(calendar, date(2026, 10, 21), due) == Countdown("left", 1)
    assert count_down(calendar, due, due, provisional=True) == Countdown("today", 0, True)
    assert count_down(calendar, date(2026, 10, 23), due) == Countdown("overdue", 1)
    # Saturday: no working day missed yet beyond Friday; Monday: two.
    assert count_down(calendar, date(2026, 10, 24), due) == Countdown("overdue", 1)
    assert count_down(calendar, date(2026, 10, 26), due) == Countdown("overdue", 2)
    # National Day's week off, then 8, 9, the worked Saturday 10 and Monday 12 October.
    assert count_down(calendar, date(2026, 9, 30), date(2026, 10, 12)) == Countdown("left", 4)
