"""The annual report's part four: 政府信息公开行政复议、行政诉讼情况, over two years."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy
from flask.testing import FlaskClient

from engine import (
    ConflictError,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.clock import ManualClock
from engine.disclosure.appeals import APPEAL_BODY_ROW, appeal_sheet, appeal_table
from engine.forms import new_submission
from engine.store import schema

from .helpers import AUDITOR, downgrade, upgraded_database, while_another_writes
from .web import Browser

#: (kind, filed on, result, decided on) — what the office records, case by case
CASES: list[tuple[str, str, str, str]] = [
    ("reconsideration", "2025-03-01", "upheld", "2025-05-01"),
    ("litigation_direct", "2025-06-01", "corrected", "2025-09-01"),
    # pending across New Year, decided in 2026
    ("reconsideration", "2025-11-20", "other", "2026-01-15"),
    # pending at the end of both years
    ("litigation_after", "2025-12-30", "", ""),
    ("reconsideration", "2026-02-01", "corrected", "2026-03-01"),
    # filed on the last day of 2026, decided in 2027
    ("litigation_after", "2026-12-31", "upheld", "2027-01-05"),
    # filed in 2027: in neither table
    ("litigation_direct", "2027-01-02", "", ""),
]


@pytest.fixture
def office(engine: Engine) -> Engine:
    """An engine with an office member (boss), a drafter (zhang) and an admin (root)."""
    engine.users.add("boss", ["office"])
    engine.users.add("zhang", ["drafter"])
    engine.users.add("root", ["admin"])
    return engine


@pytest.fixture
def cases(office: Engine) -> list[int]:
    """The :data:`CASES`, recorded pending and decided later where they were."""
    ids = []
    for kind, filed, result, decided in CASES:
        case_id = office.appeals.record("boss", {"kind": kind, "filed_on": filed, "note": "诉"})
        if result:
            office.appeals.decide("boss", case_id, result, decided)
        ids.append(case_id)
    return ids


def _counts(engine: Engine, year: int) -> dict[str, tuple[int, ...]]:
    table = appeal_table(engine, year, AUDITOR)
    assert [c[0] for c in table.columns] == ["upheld", "corrected", "other", "pending", "total"]
    return {g.key: g.counts for g in table.groups}


def test_the_office_records_and_decides_a_case(office: Engine) -> None:
    values = {
        "kind": "litigation_after",
        "filed_on": "2026-04-01",
        "request_file_number": " 2026-0012 ",
        "note": "申请人不服复议决定",
    }
    case_id = office.appeals.record("boss", values)
    (found,) = office.appeals.list(AUDITOR)
    assert found.id == case_id and found.pending and found.entered_by == "boss"
    assert found.request_file_number == "2026-0012" and found.filed_on == "2026-04-01"
    office.appeals.decide("root", case_id, "corrected", "2026-07-01")
    (found,) = office.appeals.list("boss", year=2026)
    assert (found.result, found.decided_on) == ("corrected", "2026-07-01")
    assert office.appeals.list(AUDITOR, year=2025) == ()
    # decided already
    with pytest.raises(ConflictError):
        office.appeals.decide("boss", case_id, "upheld", "2026-07-02")
    with pytest.raises(NotFoundError):
        office.appeals.decide("boss", case_id + 1, "upheld", "2026-07-02")
    # recorded decided at once
    decided = office.appeals.record(
        "boss",
        {
            "kind": "reconsideration",
            "filed_on": "2026-01-05",
            "result": "upheld",
            "decided_on": "2026-02-05",
        },
    )
    assert [c.id for c in office.appeals.list(AUDITOR)] == [case_id, decided]


def test_of_two_decisions_at_once_the_second_is_refused_not_written_over_the_first(
    office: Engine,
) -> None:
    case_id = office.appeals.record("boss", {"kind": "reconsideration", "filed_on": "2026-03-01"})
    decided = "UPDATE appeal_cases SET result = 'upheld', decided_on = '2026-04-01' WHERE id = :id"
    with pytest.raises(ConflictError) as caught:
        while_another_writes(
            office,
            decided,
            {"id": case_id},
            lambda: office.appeals.decide("root", case_id, "corrected", "2026-04-02"),
        )
    assert caught.value.code == "appeal.already_decided"
    (case,) = office.appeals.cases(AUDITOR)
    assert (case.result, case.decided_on) == ("upheld", "2026-04-01")


def test_a_form_sent_twice_records_one_case(office: Engine) -> None:
    values = {"kind": "reconsideration", "filed_on": "2026-03-01", "note": "不服答复"}
    key = new_submission()
    first = office.appeals.record("boss", values, key)
    assert office.appeals.record("boss", values, key) == first
    other = office.appeals.record("boss", values, new_submission())
    assert [c.id for c in office.appeals.cases(AUDITOR)] == [other, first]


def test_a_form_sent_twice_at_once_records_one_case_without_a_server_error(
    office: Engine,
) -> None:
    # Both sendings find no case of the key yet; the second must wait for the first.
    key = new_submission()
    first = (
        "INSERT INTO appeal_cases (kind, filed_on, request_file_number, note, entered_by,"
        " entered_at, submission) VALUES ('reconsideration', '2026-03-01', '', '', 'boss',"
        " '2026-11-30T01:00:00+00:00', :key)"
    )
    recorded: list[int] = []
    values = {"kind": "reconsideration", "filed_on": "2026-03-01"}
    while_another_writes(
        office,
        first,
        {"key": key},
        lambda: recorded.append(office.appeals.record("boss", values, key)),
    )
    assert [c.id for c in office.appeals.cases(AUDITOR)] == recorded


def test_a_form_key_not_made_by_the_desk_is_refused(office: Engine) -> None:
    values = {"kind": "reconsideration", "filed_on": "2026-03-01"}
    for key in ("", "short", "x" * 65, "a b c d e f g h i j", "\x00" * 20):
        with pytest.raises(InvalidInputError):
            office.appeals.record("boss", values, key)
    assert office.appeals.cases(AUDITOR) == ()


def test_invalid_input_is_refused_field_by_field_and_nothing_is_written(office: Engine) -> None:
    with pytest.raises(FormValidationError) as caught:
        office.appeals.record("boss", {"kind": "appeal", "filed_on": "2026-02-30"})
    assert set(caught.value.errors) == {"kind", "filed_on"}
    with pytest.raises(FormValidationError) as caught:
        office.appeals.record(
            "boss",
            {
                "kind": "reconsideration",
                "filed_on": "2026-03-01",
                "result": "upheld",
                "decided_on": "2026-02-28",
            },
        )
    assert set(caught.value.errors) == {"decided_on"}
    assert caught.value.errors["decided_on"][0].code == "appeal.decided_before_filed"
    with pytest.raises(FormValidationError) as caught:
        office.appeals.record(
            "boss", {"kind": "reconsideration", "filed_on": "2026-03-01", "result": "upheld"}
        )
    assert set(caught.value.errors) == {"decided_on"}
    with pytest.raises(FormValidationError) as caught:
        office.appeals.record(
            "boss", {"kind": "reconsideration", "filed_on": "2026-03-01", "note": "x" * 501}
        )
    assert set(caught.value.errors) == {"note"}
    assert office.appeals.list(AUDITOR) == ()
    case_id = office.appeals.record("boss", {"kind": "reconsideration", "filed_on": "2026-03-01"})
    with pytest.raises(FormValidationError) as caught:
        office.appeals.decide("boss", case_id, "upheld", "2026-02-28")
    assert set(caught.value.errors) == {"decided_on"}
    with pytest.raises(FormValidationError) as caught:
        office.appeals.decide("boss", case_id, "pending", "")
    assert set(caught.value.errors) == {"result", "decided_on"}
    (found,) = office.appeals.list(AUDITOR)
    assert found.pending and found.decided_on is None


def test_only_the_office_and_admins_record_and_decide(office: Engine) -> None:
    values = {"kind": "reconsideration", "filed_on": "2026-03-01"}
    for user in (AUDITOR, "zhang"):
        with pytest.raises(PermissionDeniedError):
            office.appeals.record(user, values)
    case_id = office.appeals.record("boss", values)
    for user in (AUDITOR, "zhang"):
        with pytest.raises(PermissionDeniedError):
            office.appeals.decide(user, case_id, "upheld", "2026-04-01")
    with pytest.raises(PermissionDeniedError):
        office.appeals.list("zhang")
    with pytest.raises(PermissionDeniedError):
        appeal_table(office, 2026, "zhang")
    assert office.appeals.list(AUDITOR)[0].pending


def test_the_table_of_two_years_counts_what_crosses_new_year(
    office: Engine, cases: list[int]
) -> None:
    assert _counts(office, 2025) == {
        "reconsideration": (1, 0, 0, 1, 2),
        "litigation_direct": (0, 1, 0, 0, 1),
        "litigation_after": (0, 0, 0, 1, 1),
    }
    assert _counts(office, 2026) == {
        "reconsideration": (0, 1, 1, 0, 2),
        "litigation_direct": (0, 0, 0, 0, 0),
        "litigation_after": (0, 0, 0, 2, 2),
    }
    assert _counts(office, 2024) == {k: (0, 0, 0, 0, 0) for k in _counts(office, 2024)}
    table = appeal_table(office, 2026, "boss")
    assert table.group("litigation_after").count("pending") == 2
    assert table.group("reconsideration").total == 2
    assert [c.id for c in office.appeals.list(AUDITOR, year=2026)] == [
        cases[5],
        cases[4],
        cases[3],
        cases[2],
    ]


def test_the_sheet_has_three_groups_of_five_columns(office: Engine, cases: list[int]) -> None:
    book = openpyxl.Workbook()
    sheet = appeal_sheet(book, appeal_table(office, 2025, AUDITOR))
    assert sheet["A2"].value == "行政复议" and "A2:E3" in sheet.merged_cells
    assert sheet["F2"].value == "行政诉讼" and "F2:O2" in sheet.merged_cells
    assert sheet["F3"].value == "未经复议直接起诉" and sheet["K3"].value == "复议后起诉"
    assert [sheet.cell(4, c).value for c in range(1, 6)] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ]
    body = [sheet.cell(APPEAL_BODY_ROW, c).value for c in range(1, 16)]
    assert body == [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1]


def test_the_office_records_on_the_page_auditors_read_drafters_do_not(
    client: FlaskClient,
) -> None:
    office = Browser(client).login("wangwu")
    html = office.get("/report/appeals")
    assert 'name="kind"' in html and 'name="filed_on"' in html
    page = office.post("/report/appeals", {"kind": "reconsideration", "filed_on": ""}, status=422)
    assert 'class="error"' in page
    assert (
        office.post(
            "/report/appeals",
            {"kind": "litigation_direct", "filed_on": "2026-05-06", "note": "不服不予公开答复"},
        )
        == "/report/appeals"
    )
    html = office.get("/report/appeals?year=2026")
    assert "不服不予公开答复" in html and "2026-05-06" in html
    case_id = int(html.split('id="appeal-')[2].split('"')[0])
    assert (
        office.post(
            f"/report/appeals/{case_id}/decide", {"result": "other", "decided_on": "2026-08-01"}
        )
        == "/report/appeals"
    )
    annual = office.get("/report/annual?year=2026")
    assert 'href="/report/appeals?year=2026"' in annual
    assert "政府信息公开行政复议、行政诉讼情况" in annual and annual.count("<caption>") == 3
    client.post("/logout", data={"csrf_token": office.token})

    auditor = Browser(client).login("qianyi")
    html = auditor.get("/report/appeals")
    assert "不服不予公开答复" in html and 'name="kind"' not in html
    assert "/decide" not in html
    auditor.post("/report/appeals", {"kind": "reconsideration", "filed_on": "2026-05-06"}, 403)
    auditor.post(f"/report/appeals/{case_id}/decide", {"result": "upheld"}, 403)
    response = client.get("/report/annual.xlsx?year=2026")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["2026", "2026 复议诉讼", "2026 主动公开"]
    second = book["2026 复议诉讼"]
    assert second["A1"].value == "2026年 政府信息公开行政复议、行政诉讼情况"
    assert [second.cell(APPEAL_BODY_ROW, c).value for c in range(6, 11)] == [0, 0, 1, 0, 1]
    client.post("/logout", data={"csrf_token": auditor.token})

    drafter = Browser(client).login("zhangsan")
    drafter.get("/report/appeals", status=403)
    drafter.post("/report/appeals", {"kind": "reconsideration", "filed_on": "2026-05-06"}, 403)


def test_migration_0028_adds_the_keys_of_forms_sent_and_takes_them_away_again(
    database_url: str, clock: ManualClock
) -> None:
    with upgraded_database(database_url) as db:
        engine = Engine(db, clock)
        engine.users.add("boss", ["office"])
        values = {"kind": "reconsideration", "filed_on": "2026-03-01"}
        engine.appeals.record("boss", values, new_submission())
        downgrade(db, "0027")
        with db.transaction(write=False) as connection:
            for table in ("appeal_cases", "disclosure_requests"):
                columns = sqlalchemy.inspect(connection).get_columns(table)
                assert "submission" not in {c["name"] for c in columns}
            assert not sqlalchemy.inspect(connection).has_table("form_submissions")
        schema.upgrade(db)
        engine = Engine(db, clock)
        key = new_submission()
        first = engine.appeals.record("boss", values, key)
        assert engine.appeals.record("boss", values, key) == first
        assert len(engine.appeals.cases("boss")) == 2
