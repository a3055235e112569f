"""The rules of disclosure requests: the reply clock, fees, reply types, applicants.

Dates are pinned against the official holiday schedules the chinese_calendar package holds for
2025 and 2026; each expected date is counted by hand in a comment (n = the nth counted day).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from engine.disclosure.privacy import id_check_char
from engine.disclosure.requests.applicants import (
    APPLICANT_TYPES,
    DELIVERY_FORMS,
    DELIVERY_METHODS,
    ID_DOCUMENT_TYPES,
    ID_DOCUMENTS_OF,
    ORGANISATION_KINDS,
    check_id_number,
    credit_code_check_char,
    is_credit_code,
    normalise_id_number,
)
from engine.disclosure.requests.clock import (
    CORRECTION_WITHIN_DAYS,
    MAX_EXTENSION_DAYS,
    PAUSE_KINDS,
    REPLY_DAYS,
    ClockError,
    Pause,
    RequestClock,
    clock_data,
)
from engine.disclosure.requests.fees import FEE_METHODS, FeeError, count_fee, fee, volume_fee
from engine.disclosure.requests.replies import (
    DISCLOSING,
    FAMILIES,
    REPLY_TYPES,
    REPORT_FAMILIES,
    REPORT_ROWS,
    ReplyTypeError,
    family_needs_reason,
    reply_type,
)
from engine.disclosure.workdays import CHINA, WorkingCalendar
from engine.errors import InvalidInputError

CAL = WorkingCalendar()


def test_the_package_holds_the_days_these_tests_rely_on():
    worked = [
        date(2025, 1, 26),  # Sun, Spring Festival 调休
        date(2025, 2, 8),  # Sat, Spring Festival 调休
        date(2025, 4, 27),  # Sun, Labour Day 调休
        date(2025, 9, 28),  # Sun, National Day 调休
        date(2025, 10, 11),  # Sat, National Day 调休
        date(2026, 2, 14),  # Sat, Spring Festival 调休
        date(2026, 2, 28),  # Sat, Spring Festival 调休
        date(2026, 9, 20),  # Sun, National Day 调休
        date(2026, 10, 10),  # Sat, National Day 调休
    ]
    off = [
        date(2025, 1, 28),
        date(2025, 2, 4),
        date(2025, 5, 5),
        date(2025, 10, 8),
        date(2026, 2, 23),
        date(2026, 4, 6),
        date(2026, 5, 5),
        date(2026, 9, 25),
        date(2026, 10, 7),
    ]
    assert all(CAL.working(d) == (True, True) for d in worked)
    assert all(CAL.working(d) == (False, True) for d in off)


# -- the reply clock ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Fri 2026-09-18: 09-20 Sun(1), 21-24(2-5), Mid-Autumn 25-27 off, 28-30(6-8),
        # National Day 10-01..07 off, 10-08(9), 09(10), 10 Sat(11), 12-16(12-16), 19-22(17-20).
        (date(2026, 9, 18), date(2026, 10, 22)),
        # Fri 2025-01-24: 01-26 Sun(1), 27(2), Spring Festival 01-28..02-04 off, 02-05..07(3-5),
        # 02-08 Sat(6), 10-14(7-11), 17-21(12-16), 24-27(17-20).
        (date(2025, 1, 24), date(2025, 2, 27)),
        # Fri 2026-02-13: 02-14 Sat(1), Spring Festival 02-15..23 off, 24-27(2-5), 28 Sat(6),
        # 03-02..06(7-11), 09-13(12-16), 16-19(17-20).
        (date(2026, 2, 13), date(2026, 3, 19)),
        # Fri 2026-04-03: Qingming 04-04..06 off, 07-10(1-4), 13-17(5-9), 20-24(10-14),
        # 27-30(15-18), Labour Day 05-01..05 off, 05-06(19), 07(20).
        (date(2026, 4, 3), date(2026, 5, 7)),
        # Fri 2025-09-26: 09-28 Sun(1), 29-30(2-3), National Day 10-01..08 off, 10-09..10(4-5),
        # 10-11 Sat(6), 13-17(7-11), 20-24(12-16), 27-30(17-20).
        (date(2025, 9, 26), date(2025, 10, 30)),
    ],
)
def test_the_reply_is_due_20_working_days_after_receipt(received, due):
    clock = RequestClock(received)
    assert clock.due_on(CAL) == due
    assert CAL.working_days_between(received, due) == REPLY_DAYS


def test_days_left_counts_to_the_due_day_and_goes_negative_when_overdue():
    clock = RequestClock(date(2026, 9, 18))  # due 2026-10-22 (Thu)
    assert clock.days_left(CAL, date(2026, 9, 18)) == 20
    assert clock.days_left(CAL, date(2026, 9, 30)) == 12  # 10-08..10-22 minus 10-11 Sun: 12
    assert clock.days_left(CAL, date(2026, 10, 21)) == 1
    assert clock.days_left(CAL, date(2026, 10, 22)) == 0
    assert clock.days_left(CAL, date(2026, 10, 23)) == -1  # Fri
    assert clock.days_left(CAL, date(2026, 10, 25)) == -1  # Sun: no working day passed
    assert clock.days_left(CAL, date(2026, 10, 26)) == -2  # Mon


def test_a_third_party_consultation_over_national_day_is_not_counted():
    # Mon 2025-09-22; consultation from Fri 09-26 (that day still counts) to Fri 10-17.
    clock = RequestClock(date(2025, 9, 22)).pause("third_party", date(2025, 9, 26))
    assert clock.paused and clock.due_on(CAL) is None
    assert clock.days_left(CAL, date(2025, 10, 9)) is None
    # The third party has 15 working days: 09-28 Sun(1), 29-30(2-3), 10-09..10(4-5),
    # 10-11 Sat(6), 13-17(7-11), 20-23(12-15).
    assert clock.pause_due_on(CAL) == date(2025, 10, 23)
    assert clock.correction_due_on(CAL) is None
    # Running pauses count up to today when today is given: 09-28, 09-29, 09-30, 10-09.
    assert clock.paused_days(CAL) == 0
    assert clock.paused_days(CAL, date(2025, 10, 9)) == 4

    resumed = clock.resume(date(2025, 10, 17))
    # Not counted: 09-28 Sun, 09-29, 09-30, 10-09, 10-10, 10-11 Sat, 10-13..17: 11 days.
    assert resumed.paused_days(CAL) == 11
    # Counted: 09-23..26(1-4), then 10-20..24(5-9), 27-31(10-14), 11-03..07(15-19), 11-10(20).
    assert resumed.due_on(CAL) == date(2025, 11, 10)
    # Without the pause it would have been 10-24, 11 working days earlier.
    assert RequestClock(date(2025, 9, 22)).due_on(CAL) == date(2025, 10, 24)


def test_the_fee_notice_stops_the_clock_over_labour_day():
    # Fri 2025-04-25; fee notice Mon 04-28, paid Wed 05-07.
    clock = RequestClock(date(2025, 4, 25)).pause("fee", date(2025, 4, 28))
    # 20 working days to pay: 04-29..30(1-2), Labour Day 05-01..05 off, 05-06..09(3-6),
    # 12-16(7-11), 19-23(12-16), 26-29(17-20).
    assert clock.pause_due_on(CAL) == date(2025, 5, 29)
    paid = clock.resume(date(2025, 5, 7))
    assert paid.paused_days(CAL) == 4  # 04-29, 04-30, 05-06, 05-07
    # Unpaused it is due 05-27 (04-27 Sun(1), 28-30(2-4), 05-06..09(5-8), 12-16, 19-23,
    # 26-27(19-20)); four days later, past Dragon Boat 05-31..06-02: 05-28, 29, 30, 06-03.
    assert RequestClock(date(2025, 4, 25)).due_on(CAL) == date(2025, 5, 27)
    assert paid.due_on(CAL) == date(2025, 6, 3)


def test_an_agency_opinion_pause_has_15_days():
    clock = RequestClock(date(2026, 2, 13)).pause("agency", date(2026, 2, 13))
    # 02-14 Sat(1), Spring Festival off, 02-24..27(2-5), 28 Sat(6), 03-02..06(7-11), 09-12(12-15).
    assert clock.pause_due_on(CAL) == date(2026, 3, 12)
    assert PAUSE_KINDS["agency"][2] == 15


def test_pauses_follow_one_another():
    clock = RequestClock(date(2026, 9, 18)).pause("third_party", date(2026, 9, 21))
    with pytest.raises(ClockError) as raised:
        clock.pause("fee", date(2026, 9, 22))
    assert raised.value.code == "clock.already_paused"
    assert raised.value.params == {"kind": "third_party"}
    clock = clock.resume(date(2026, 9, 24))
    with pytest.raises(ClockError) as raised:
        clock.resume(date(2026, 9, 25))
    assert raised.value.code == "clock.not_paused"
    with pytest.raises(ClockError) as raised:
        clock.pause("fee", date(2026, 9, 23))
    assert raised.value.code == "clock.pause_overlaps"
    with pytest.raises(ClockError) as raised:
        RequestClock(date(2026, 9, 18)).pause("fee", date(2026, 9, 17))
    assert raised.value.code == "clock.before_receipt"
    with pytest.raises(ClockError) as raised:
        clock.pause("holiday", date(2026, 9, 28))
    assert raised.value.code == "clock.unknown_pause_kind"
    with pytest.raises(ClockError) as raised:
        clock.pause("correction", date(2026, 9, 28))
    assert raised.value.code == "clock.correction_needs_notice"
    with pytest.raises(ClockError) as raised:
        clock.pause("fee", date(2026, 9, 28)).resume(date(2026, 9, 27))
    assert raised.value.code == "clock.resume_before_pause"
    # A second pause may start the day the first ended.
    two = clock.pause("fee", date(2026, 9, 24)).resume(date(2026, 9, 28))
    # Not counted: 09-22, 23, 24 (third party) and 09-28 (fee).
    assert two.paused_days(CAL) == 4


def test_the_clock_is_extended_once_by_at_most_20_days():
    clock = RequestClock(date(2026, 9, 18))
    longest = clock.extend(MAX_EXTENSION_DAYS)
    # From 10-22 (20): 10-23(21), 26-30(22-26), 11-02..06(27-31), 09-13(32-36), 16-19(37-40).
    assert longest.due_on(CAL) == date(2026, 11, 19)
    assert longest.total_days == 40
    # Ten more: 10-23(21), 26-30(22-26), 11-02..05(27-30).
    assert clock.extend(10).due_on(CAL) == date(2026, 11, 5)
    with pytest.raises(ClockError) as raised:
        longest.extend(1)
    assert raised.value.code == "clock.extension_used"
    with pytest.raises(ClockError) as raised:
        clock.extend(21)
    assert raised.value.code == "clock.extension_too_long"
    assert raised.value.params == {"days": 21, "max": 20}
    with pytest.raises(ClockError) as raised:
        clock.extend(0)
    assert raised.value.code == "clock.extension_too_short"


def test_a_correction_may_be_asked_until_the_7th_working_day():
    clock = RequestClock(date(2026, 9, 18))
    # 09-20 Sun(1), 21-24(2-5), Mid-Autumn 25-27 off, 28(6), 29(7), 30(8).
    assert CORRECTION_WITHIN_DAYS == 7
    assert clock.may_ask_correction(CAL, date(2026, 9, 18))
    assert clock.may_ask_correction(CAL, date(2026, 9, 26))  # a holiday: still 5
    assert clock.may_ask_correction(CAL, date(2026, 9, 29))
    assert not clock.may_ask_correction(CAL, date(2026, 9, 30))
    with pytest.raises(ClockError) as raised:
        clock.ask_correction(CAL, date(2026, 9, 30), 10)
    assert raised.value.code == "clock.correction_too_late"
    assert raised.value.params == {"received_on": "2026-09-18", "days": 8, "max": 7}
    assert not clock.pause("fee", date(2026, 9, 21)).may_ask_correction(CAL, date(2026, 9, 22))


def test_the_corrected_request_restarts_the_clock():
    clock = RequestClock(date(2026, 9, 18)).ask_correction(CAL, date(2026, 9, 29), 10)
    assert clock.paused and clock.open_pause == Pause("correction", date(2026, 9, 29), None, 10)
    # 10 working days to correct: 09-30(1), 10-08..10(2-4), 12-16(5-9), 19(10).
    assert clock.correction_due_on(CAL) == date(2026, 10, 19)
    assert clock.pause_due_on(CAL) == date(2026, 10, 19)
    assert not clock.may_ask_correction(CAL, date(2026, 9, 29))

    corrected = clock.corrected_on(date(2026, 10, 9))
    assert corrected == RequestClock(date(2026, 10, 9), corrected=True)
    # From Fri 10-09: 10-10 Sat(1), 12-16(2-6), 19-23(7-11), 26-30(12-16), 11-02..05(17-20).
    assert corrected.due_on(CAL) == date(2026, 11, 5)
    assert not corrected.may_ask_correction(CAL, date(2026, 10, 9))
    with pytest.raises(ClockError) as raised:
        corrected.ask_correction(CAL, date(2026, 10, 9), 10)
    assert raised.value.code == "clock.correction_used"


def test_a_correction_restarts_only_a_clock_awaiting_one():
    clock = RequestClock(date(2026, 9, 18))
    with pytest.raises(ClockError) as raised:
        clock.corrected_on(date(2026, 9, 21))
    assert raised.value.code == "clock.no_correction_asked"
    asked = clock.ask_correction(CAL, date(2026, 9, 21), 5)
    with pytest.raises(ClockError) as raised:
        asked.corrected_on(date(2026, 9, 20))
    assert raised.value.code == "clock.before_correction_asked"
    with pytest.raises(ClockError) as raised:
        clock.ask_correction(CAL, date(2026, 9, 21), 0)
    assert raised.value.code == "clock.bad_period"
    with pytest.raises(ClockError) as raised:
        asked.ask_correction(CAL, date(2026, 9, 22), 5)
    assert raised.value.code == "clock.correction_used"


def test_clock_data_for_the_timers():
    data = clock_data(RequestClock(date(2026, 9, 18)), CAL, today=date(2026, 10, 19))
    assert data["due_on"] == "2026-10-22"
    # The end of 10-22 in China is 10-23 00:00 CST, 10-22 16:00 UTC.
    assert data["due_at"] == "2026-10-22T16:00:00+00:00"
    # The 3rd working day before 10-22 is 10-19 (21, 20, 19); its start is 10-18 16:00 UTC.
    assert data["remind_at"] == "2026-10-18T16:00:00+00:00"
    assert data["days_left"] == 3
    assert data["paused"] is False and data["pause_due_at"] is None
    assert data["provisional"] is False
    # The same instants as the calendar's own deadline.
    deadline = CAL.deadline(datetime(2026, 9, 18, 10, tzinfo=CHINA), 20, 3)
    assert datetime.fromisoformat(data["due_at"]) == deadline.due_at
    assert datetime.fromisoformat(data["remind_at"]) == deadline.remind_at
    assert datetime.fromisoformat(data["due_at"]).tzinfo == UTC
    json.dumps(data)


def test_clock_data_while_paused():
    clock = RequestClock(date(2025, 9, 22)).pause("third_party", date(2025, 9, 26))
    data = clock_data(clock, CAL, today=date(2025, 10, 9))
    assert data["paused"] is True and data["pause_kind"] == "third_party"
    assert data["due_on"] is None and data["due_at"] is None and data["remind_at"] is None
    assert data["days_left"] is None
    assert data["pause_due_on"] == "2025-10-23"
    assert data["pause_due_at"] == "2025-10-23T16:00:00+00:00"
    assert data["paused_days"] == 4
    json.dumps(data)


def test_a_year_without_an_official_schedule_is_provisional_not_refused():
    data = clock_data(RequestClock(date(2099, 3, 2)), CAL)
    assert data["provisional"] is True
    assert data["due_on"] is not None
    # A clock crossing from an official year into an unofficial one is provisional too.
    assert clock_data(RequestClock(date(2026, 12, 21)), CAL)["provisional"] is (
        not CAL.covers(2027)
    )


def test_json_round_trip():
    clock = (
        RequestClock(date(2025, 9, 22))
        .pause("third_party", date(2025, 9, 26))
        .resume(date(2025, 10, 17))
        .extend(5)
        .pause("fee", date(2025, 10, 20))
    )
    data = json.loads(json.dumps(clock.to_data()))
    assert data["pauses"][0] == {
        "kind": "third_party",
        "started_on": "2025-09-26",
        "ended_on": "2025-10-17",
        "period_days": None,
    }
    assert RequestClock.from_data(data) == clock
    asked = RequestClock(date(2026, 9, 18)).ask_correction(CAL, date(2026, 9, 21), 10)
    assert RequestClock.from_data(json.loads(json.dumps(asked.to_data()))) == asked
    corrected = asked.corrected_on(date(2026, 9, 25))
    assert RequestClock.from_data(corrected.to_data()) == corrected


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({}, "clock.bad_data"),
        ({"received_on": "2026-09-18T08:00:00"}, "clock.bad_data"),
        ({"received_on": "2026-02-30"}, "clock.bad_data"),
        ({"received_on": "2026-09-18", "extension_days": 21}, "clock.extension_too_long"),
        ({"received_on": "2026-09-18", "extension_days": "5"}, "clock.bad_extension"),
        ({"received_on": "2026-09-18", "corrected": "yes"}, "clock.bad_corrected"),
        ({"received_on": "2026-09-18", "pauses": "none"}, "clock.bad_data"),
        (
            {"received_on": "2026-09-18", "pauses": [{"kind": "nap", "started_on": "2026-09-21"}]},
            "clock.unknown_pause_kind",
        ),
        (
            {"received_on": "2026-09-18", "pauses": [{"kind": "fee", "started_on": "2026-09-17"}]},
            "clock.before_receipt",
        ),
        (
            {
                "received_on": "2026-09-18",
                "pauses": [
                    {"kind": "fee", "started_on": "2026-09-21"},
                    {"kind": "agency", "started_on": "2026-09-22"},
                ],
            },
            "clock.already_paused",
        ),
        (
            {
                "received_on": "2026-09-18",
                "pauses": [{"kind": "correction", "started_on": "2026-09-21"}],
            },
            "clock.correction_period_missing",
        ),
    ],
)
def test_malformed_clock_data_is_refused(data, code):
    with pytest.raises(ClockError) as raised:
        RequestClock.from_data(data)
    assert raised.value.code == code


def test_clock_errors_are_coded_value_errors():
    with pytest.raises(ValueError, match=r"clock\.extension_too_long") as raised:
        RequestClock(date(2026, 9, 18)).extend(30)
    assert isinstance(raised.value, InvalidInputError)
    with pytest.raises(ClockError):
        RequestClock(datetime(2026, 9, 18, tzinfo=UTC))


# -- fees --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nth", "yuan"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)],
)
def test_fee_by_count(nth, yuan):
    assert count_fee(nth) == yuan
    assert fee("count", nth_in_month=nth) == yuan


@pytest.mark.parametrize(
    ("pages", "yuan"),
    [
        (1, 0),
        (30, 0),
        (31, 10),  # 1 page at 10
        (100, 700),  # 70 pages at 10
        (101, 720),  # 700 + 1 page at 20
        (200, 2700),  # 700 + 100 pages at 20
        (201, 2740),  # 2700 + 1 page at 40
        (250, 4700),  # 2700 + 50 pages at 40
    ],
)
def test_fee_by_volume(pages, yuan):
    assert volume_fee(pages) == yuan
    assert fee("volume", pages=pages) == yuan


@pytest.mark.parametrize(
    ("method", "kwargs", "code"),
    [
        ("weight", {"pages": 3}, "fee.unknown_method"),
        ("count", {"nth_in_month": 3, "pages": 3}, "fee.both_quantities"),
        ("volume", {"nth_in_month": 3, "pages": 3}, "fee.both_quantities"),
        ("count", {"pages": 3}, "fee.wrong_quantity"),
        ("volume", {"nth_in_month": 3}, "fee.wrong_quantity"),
        ("count", {}, "fee.missing_quantity"),
        ("volume", {}, "fee.missing_quantity"),
        ("count", {"nth_in_month": 0}, "fee.quantity_too_small"),
        ("volume", {"pages": 0}, "fee.quantity_too_small"),
        ("volume", {"pages": -5}, "fee.quantity_too_small"),
    ],
)
def test_fee_refusals(method, kwargs, code):
    with pytest.raises(FeeError) as raised:
        fee(method, **kwargs)
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)


def test_fee_methods():
    assert FEE_METHODS == {"count": ("按件计收", "By count"), "volume": ("按量计收", "By volume")}


# -- reply types -------------------------------------------------------------------------------

EXPECTED_REPLY_TYPES = {
    "already_disclosed",
    "disclose",
    "partial",
    *(
        f"withhold.{r}"
        for r in (
            "state_secret",
            "prohibited_by_law",
            "three_securities",
            "third_party_rights",
            "internal_affairs",
            "process_information",
            "enforcement_files",
            "administrative_query",
        )
    ),
    *(f"cannot_provide.{r}" for r in ("not_held", "needs_production", "unclear_after_correction")),
    *(
        f"not_processed.{r}"
        for r in ("petition", "repeat", "publication", "abusive", "confirmation")
    ),
    *(f"other.{r}" for r in ("correction_overdue", "fee_unpaid", "not_responsible", "other")),
}


def test_every_reply_type_is_there():
    assert set(REPLY_TYPES) == EXPECTED_REPLY_TYPES
    assert {t.family for t in REPLY_TYPES.values()} == set(FAMILIES)
    for key, kind in REPLY_TYPES.items():
        assert kind.key == key
        assert reply_type(key) is kind
        assert kind.zh and kind.en
        assert kind.basis.startswith("《中华人民共和国政府信息公开条例》第")


def test_reply_bases_cite_the_articles():
    assert reply_type("already_disclosed").basis.endswith("第三十六条第（一）项")
    assert reply_type("disclose").basis.endswith("第三十六条第（二）项")
    assert "第三十七条" in reply_type("partial").basis
    assert "第十四条" in reply_type("withhold.state_secret").basis
    assert "第十五条" in reply_type("withhold.third_party_rights").basis
    assert "第十六条第一款" in reply_type("withhold.internal_affairs").basis
    assert "第十六条第二款" in reply_type("withhold.enforcement_files").basis
    assert reply_type("cannot_provide.needs_production").basis.endswith("第三十八条")
    assert reply_type("not_processed.petition").basis.endswith("第三十九条第一款")
    assert reply_type("not_processed.abusive").basis.endswith("第三十五条")
    assert reply_type("other.fee_unpaid").basis.endswith("第四十二条")
    assert reply_type("other.not_responsible").basis.endswith("第三十六条第（五）项")


def test_the_report_rows_count_every_reply_type():
    row_keys = [row.key for row in REPORT_ROWS]
    assert len(row_keys) == len(set(row_keys)) == 2 + 8 + 3 + 5 + 3
    assert {kind.report_row for kind in REPLY_TYPES.values()} == set(row_keys)
    assert reply_type("already_disclosed").report_row == "disclose"
    assert reply_type("other.not_responsible").report_row == "other.other"
    assert row_keys[:3] == ["disclose", "partial", "withhold.state_secret"]
    assert row_keys[-1] == "other.other"
    assert [row.number for row in REPORT_ROWS if row.family == "cannot_provide"] == [
        "1.",
        "2.",
        "3.",
    ]
    assert REPORT_FAMILIES["withhold"] == "（三）不予公开"
    assert list(REPORT_FAMILIES) == [
        "disclose",
        "partial",
        "withhold",
        "cannot_provide",
        "not_processed",
        "other",
    ]


def test_families_and_reasons():
    assert {"disclose", "partial"} == DISCLOSING
    assert not family_needs_reason("disclose")
    assert not family_needs_reason("already_disclosed")
    assert family_needs_reason("withhold")
    assert family_needs_reason("other")
    with pytest.raises(ReplyTypeError) as raised:
        family_needs_reason("ignore")
    assert raised.value.code == "reply.unknown_family"


@pytest.mark.parametrize("key", ["withhold", "withhold.boredom", "", "disclose.state_secret"])
def test_an_unknown_reply_type_is_refused(key):
    with pytest.raises(ReplyTypeError) as raised:
        reply_type(key)
    assert raised.value.code == "reply.unknown_type"
    assert raised.value.params == {"key": key}


# -- applicants --------------------------------------------------------------------------------

VALID_ID = "11010519900307123" + id_check_char("11010519900307123")
ID_ENDING_X = next(
    f + "X" for n in range(100, 1000) if id_check_char(f := f"11010519900307{n}") == "X"
)


def test_the_tables():
    assert APPLICANT_TYPES["organisation"][0] == "法人或其他组织"
    assert list(ORGANISATION_KINDS) == [
        "commercial",
        "research",
        "public_interest",
        "legal_services",
        "other",
    ]
    assert ID_DOCUMENT_TYPES["credit_code"][0] == "统一社会信用代码"
    assert set(DELIVERY_FORMS) == {"paper", "email", "electronic_data"}
    assert set(DELIVERY_METHODS) == {"mail", "email", "collect", "fax"}
    assert "credit_code" not in ID_DOCUMENTS_OF["natural_person"]
    assert ID_DOCUMENTS_OF["organisation"] == {"credit_code", "other"}


def test_resident_ids():
    assert check_id_number("resident_id", VALID_ID) is None
    assert check_id_number("resident_id", ID_ENDING_X) is None
    assert check_id_number("resident_id", ID_ENDING_X.lower()) is None
    assert normalise_id_number("resident_id", ID_ENDING_X.lower()) == ID_ENDING_X
    # Full-width digits and spaces, as typed on a Chinese keyboard.
    typed = " " + VALID_ID[:6] + "　" + VALID_ID[6:].translate({ord("0"): "０", ord("1"): "１"})
    assert normalise_id_number("resident_id", typed) == VALID_ID
    assert check_id_number("resident_id", typed) is None
    wrong_check = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    for bad in (
        wrong_check,
        "11010519900230123" + id_check_char("11010519900230123"),  # 30 February
        "00010519900307123" + id_check_char("00010519900307123"),  # no such province
        VALID_ID[:15],  # first-generation 15 digits: not accepted on a new request
        VALID_ID + "1",
        "A" + VALID_ID[1:],
    ):
        assert check_id_number("resident_id", bad) == "applicant.bad_resident_id", bad
    assert check_id_number("resident_id", "  ") == "applicant.id_number_missing"


def test_credit_codes():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert is_credit_code("91350100M000100Y43")
    assert check_id_number("credit_code", "91350100M000100Y43") is None
    assert check_id_number("credit_code", "9135 0100 m000 100y 43") is None
    for bad in (
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100I000100Y43",  # I is not in the alphabet
        "91350100O000100Y43",  # nor is O
    ):
        assert check_id_number("credit_code", bad) == "applicant.bad_credit_code", bad
    # The weighted sum of 91350100000000024 is a multiple of 31: 31 - 0 = 31 is written 0.
    assert credit_code_check_char("91350100000000024") == "0"
    assert is_credit_code("913501000000000240")


def test_travel_documents_and_other_numbers():
    assert check_id_number("passport", "E12345678") is None
    assert check_id_number("passport", "e1234 5678") is None
    assert check_id_number("hk_macao_permit", "H12345678") is None
    assert check_id_number("taiwan_permit", "12345678") is None
    assert check_id_number("passport", "E123") == "applicant.bad_id_number"
    assert check_id_number("passport", "E12345678-1") == "applicant.bad_id_number"
    assert check_id_number("passport", "A" * 21) == "applicant.bad_id_number"
    assert check_id_number("foreign_permanent_residence", "USA110068061202") is None
    new_card = "93110019900101123" + id_check_char("93110019900101123")
    assert check_id_number("foreign_permanent_residence", new_card) is None
    assert (
        check_id_number("foreign_permanent_residence", VALID_ID)
        == "applicant.bad_permanent_residence_id"
    )
    assert check_id_number("other", "军官证 12345") is None
    assert normalise_id_number("other", " 军官证 abc ") == "军官证 abc"
    assert check_id_number("other", "x" * 51) == "applicant.bad_id_number"
    assert check_id_number("other", "a\x00b") == "applicant.bad_id_number"
    assert check_id_number("driving_licence", "123456") == "applicant.unknown_id_type"


def test_who_may_use_which_document():
    assert check_id_number("resident_id", VALID_ID, applicant_type="natural_person") is None
    assert (
        check_id_number("credit_code", "91350100M000100Y43", applicant_type="natural_person")
        == "applicant.id_type_not_for_natural_person"
    )
    assert (
        check_id_number("credit_code", "91350100M000100Y43", applicant_type="organisation") is None
    )
    assert check_id_number("other", "事业单位法人证书 123", applicant_type="organisation") is None
    assert (
        check_id_number("resident_id", VALID_ID, applicant_type="organisation")
        == "applicant.id_type_not_for_organisation"
    )
    assert (
        check_id_number("resident_id", VALID_ID, applicant_type="robot") == "applicant.unknown_type"
    )


@pytest.mark.parametrize("days", [1.5, "1.5", 2.25, float("inf")])
def test_a_fractional_number_of_days_is_refused_not_cut_down(days: object) -> None:
    # marshmallow's own integer turned an API call's 1.5 days into 1 without a word
    from marshmallow import ValidationError

    from engine.disclosure.requests.forms import RequestCheckForm
    from engine.errors import Problem

    given = {
        "intake_decision": "correct",
        "correction_notice": "请写明所需信息",
        "correction_days": days,
    }
    with pytest.raises(ValidationError) as refused:
        RequestCheckForm().load(given)
    assert refused.value.messages == {"correction_days": [Problem("form.whole_number")]}
    assert RequestCheckForm().load({**given, "correction_days": 2.0})["correction_days"] == 2
