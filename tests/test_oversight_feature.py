"""Steps of features/oversight.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import openpyxl
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import Engine, EngineError, PermissionDeniedError
from engine.clock import ManualClock
from engine.disclosure.oversight import (
    DepartmentFigures,
    OversightReport,
    Rate,
    period,
    reason_label,
    to_csv,
    to_xlsx,
)

from . import oversight_data as data
from .oversight_data import at
from .test_basic_catalogue import entry_form

pytestmark = pytest.mark.usefixtures("engine")

scenarios("oversight.feature")

#: how a scenario names a period -> (kind, year, number)
PERIODS = {
    "the third quarter of 2026": ("quarter", 2026, 3),
    "the fifth quarter of 2026": ("quarter", 2026, 5),
    "July 2026": ("month", 2026, 7),
}


@dataclass
class Oversight:
    """What the steps hand each other: the draft being told of, the report, a refusal."""

    instance_id: int = 0
    drafter: str = ""
    title: str = ""
    day: str = ""
    report: OversightReport | None = None
    csv: str = ""
    xlsx: bytes = b""
    error: EngineError | None = None


@pytest.fixture
def seen() -> Oversight:
    return Oversight()


# -- given: a quarter of work -------------------------------------------------------------------


@given("the staff of 综合处 and 法规处, the office, an administrator and an auditor")
def the_staff(engine: Engine) -> None:
    data.staff(engine)


@given(
    parsers.parse(
        "a request to {department:w} received on {received} was answered with disclosure on {day}"
    )
)
def disclosed(engine: Engine, clock: ManualClock, department: str, received: str, day: str) -> None:
    instance_id = data.receive(engine, clock, received, department, len(received))
    data.reply(engine, clock, instance_id, department, day, "disclose")


@given(
    parsers.parse(
        "a request to {department:w} received on {received} was answered on {day} "
        "that the information is not held"
    )
)
def not_held(engine: Engine, clock: ManualClock, department: str, received: str, day: str) -> None:
    instance_id = data.receive(engine, clock, received, department, int(received[-2:]))
    data.reply(engine, clock, instance_id, department, day, "cannot_provide.not_held")


@given(parsers.parse("a request to {department:w} received on {received} was never answered"))
def never_answered(engine: Engine, clock: ManualClock, department: str, received: str) -> None:
    data.receive(engine, clock, received, department, 100 + int(received[-2:]))


@given(
    parsers.re(
        r"(?P<drafter>\w+)'s (?P<doc_type>\w+) document \"(?P<title>[^\"]+)\" was issued on "
        r"(?P<issued>\d{4}-\d\d-\d\d) and published on (?P<published>\d{4}-\d\d-\d\d)"
        r"(?:, and never interpreted)?"
    )
)
def published(
    engine: Engine,
    clock: ManualClock,
    drafter: str,
    doc_type: str,
    title: str,
    issued: str,
    published: str,
) -> None:
    instance_id = data.issue(engine, clock, drafter, issued, title, doc_type=doc_type)
    data.publish(engine, clock, instance_id, published)


@given(
    parsers.parse(
        '{drafter:w}\'s {doc_type:w} document "{title}" was issued on {issued} and never published'
    )
)
def never_published(
    engine: Engine, clock: ManualClock, drafter: str, doc_type: str, title: str, issued: str
) -> None:
    data.issue(engine, clock, drafter, issued, title, doc_type=doc_type)


def _returned(
    engine: Engine,
    clock: ManualClock,
    seen: Oversight,
    drafter: str,
    title: str,
    day: str,
    **first: str,
) -> None:
    at(clock, f"{day} 09:00")
    seen.instance_id = engine.start("document_approval", drafter).id
    seen.drafter, seen.title, seen.day = drafter, title, day
    data.submit(engine, clock, seen.instance_id, drafter, day, data.draft(title) | first)


@given(
    parsers.parse(
        '{drafter:w}\'s draft "{title}" came back at once for a missing attribute on {day}'
    )
)
def returned_for_no_attribute(
    engine: Engine, clock: ManualClock, seen: Oversight, drafter: str, title: str, day: str
) -> None:
    _returned(engine, clock, seen, drafter, title, day, attribute="")


@given(
    parsers.parse(
        '{drafter:w}\'s draft "{title}" came back at once, to be withheld with neither '
        "reason nor legal basis, on {day}"
    )
)
def returned_withheld(
    engine: Engine, clock: ManualClock, seen: Oversight, drafter: str, title: str, day: str
) -> None:
    _returned(
        engine,
        clock,
        seen,
        drafter,
        title,
        day,
        attribute="withheld",
        attribute_reason="",
        withheld_basis="",
    )


@given(
    parsers.parse(
        "it was issued as a policy that day, published on {published} and interpreted on {day}"
    )
)
def issued_policy(
    engine: Engine, clock: ManualClock, seen: Oversight, published: str, day: str
) -> None:
    draft = data.draft(seen.title, "policy")
    data.submit(engine, clock, seen.instance_id, seen.drafter, seen.day, draft)
    data.approve(engine, clock, seen.instance_id, seen.drafter, seen.day)
    data.publish(engine, clock, seen.instance_id, published)
    data.interpret(engine, clock, seen.instance_id, seen.drafter, day)


@given("it was issued that day, to be disclosed on request")
def issued_on_request(engine: Engine, clock: ManualClock, seen: Oversight) -> None:
    draft = data.draft(seen.title, attribute="on_request")
    data.submit(engine, clock, seen.instance_id, seen.drafter, seen.day, draft)
    data.approve(engine, clock, seen.instance_id, seen.drafter, seen.day)


@given(
    parsers.parse(
        '{user:w} added on {day} the entry "{name}" of {department:w}, due every month by day {d:d}'
    )
)
def added_entry(
    engine: Engine, clock: ManualClock, user: str, day: str, name: str, department: str, d: int
) -> None:
    before = clock.now
    at(clock, f"{day} 09:00")
    values = entry_form(name=name, department=department, limit_day=str(d))
    engine.basic_catalogue.create(user, values)
    clock.now = before


# -- when ---------------------------------------------------------------------------------------


@when(parsers.parse("{user:w} reads the oversight figures of {name}"))
def reads(engine: Engine, seen: Oversight, user: str, name: str) -> None:
    seen.report = engine.oversight.report(user, period(*PERIODS[name]))


@when(parsers.parse("{user:w} exports the figures of {name}"))
def exports(engine: Engine, seen: Oversight, user: str, name: str) -> None:
    report = engine.oversight.report(user, period(*PERIODS[name]))
    seen.csv, seen.xlsx = to_csv(report), to_xlsx(report)


@when(parsers.parse("{user:w} asks for the oversight figures of {name}"))
def asks(engine: Engine, seen: Oversight, user: str, name: str) -> None:
    try:
        engine.oversight.report(user, period(*PERIODS[name]))
    except EngineError as exc:
        seen.error = exc


# -- then ---------------------------------------------------------------------------------------


def _report(seen: Oversight) -> OversightReport:
    assert seen.report is not None
    return seen.report


def _row(report: OversightReport, name: str) -> DepartmentFigures:
    return report.total if name == "合计" else report.department(name)


@then("the figures read")
def figures_read(seen: Oversight, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    report = _report(seen)
    for row in rows:
        wanted = dict(zip(header, row, strict=True))
        d = _row(report, wanted["department"])
        shown = {
            "department": wanted["department"],
            "issued": d.issued,
            "drafts": d.drafts,
            "attribute stated": d.attribute_stated,
            "returned for no attribute": d.attribute_missing,
            "returns": d.returns,
            "reviews": d.reviews,
            "overdue now": d.overdue,
        }
        assert {k: str(v) for k, v in shown.items()} == wanted


def _rate(rate: Rate) -> str:
    return "none due" if rate.due == 0 else f"{rate.on_time} of {rate.due}: {rate.percent}%"


@then("the on-time figures read")
def on_time(seen: Oversight, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    report = _report(seen)
    for row in rows:
        wanted = dict(zip(header, row, strict=True))
        d = _row(report, wanted["department"])
        shown = {
            "department": wanted["department"],
            "publications": _rate(d.publishing),
            "interpretations": _rate(d.interpretation),
            "replies": _rate(d.replies),
        }
        assert shown == wanted


@then("the returns by reason read")
def by_reason(seen: Oversight, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    report = _report(seen)
    shown = [
        [d.department or "", reason_label(code)[0], str(d.reason(code))]
        for d in report.departments
        for code in report.reasons
        if d.reason(code)
    ]
    assert sorted(shown) == sorted(rows)
    assert header == ["department", "reason", "returns"]


@then(
    parsers.parse(
        "{department:w} has {count:d} items overdue today: 1 publication and 1 catalogue entry"
    )
)
def overdue_publication_and_entry(seen: Oversight, department: str, count: int) -> None:
    d = _report(seen).department(department)
    assert (d.overdue, d.overdue_publications, d.overdue_entries) == (count, 1, 1)


@then(
    parsers.parse(
        "{department:w} has {count:d} items overdue today: 1 interpretation and 1 request"
    )
)
def overdue_interpretation_and_request(seen: Oversight, department: str, count: int) -> None:
    d = _report(seen).department(department)
    assert (d.overdue, d.overdue_interpretations, d.overdue_requests) == (count, 1, 1)


@then(parsers.parse("he reads the figures of {department:w} only"))
def reads_own(seen: Oversight, department: str) -> None:
    report = _report(seen)
    assert report.scope == department
    assert [d.department for d in report.departments] == [department]


@then(parsers.parse("{user:w} may not read the oversight figures"))
def may_not_read(engine: Engine, user: str) -> None:
    with pytest.raises(PermissionDeniedError):
        engine.oversight.report(user, period("quarter", 2026, 3))


@then(
    parsers.parse(
        "the CSV has a row for {department:w} with {issued:d} documents issued "
        "and on-time publications at {rate}"
    )
)
def csv_row(seen: Oversight, department: str, issued: int, rate: str) -> None:
    rows = list(csv.reader(io.StringIO(seen.csv.lstrip("\ufeff"))))
    heads = rows[1]
    (row,) = [dict(zip(heads, r, strict=True)) for r in rows[2:] if r[0] == department]
    assert (row["印发公文"], row["按时发布率"]) == (str(issued), rate)


@then(
    parsers.parse(
        'the XLSX sheet "{sheet_name}" has a row for {department:w} with {issued:d} documents '
        "issued and on-time publications at {rate}"
    )
)
def xlsx_row(seen: Oversight, sheet_name: str, department: str, issued: int, rate: str) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(seen.xlsx))[sheet_name]
    heads = [c.value for c in sheet[2]]
    (row,) = [
        dict(zip(heads, [c.value for c in r], strict=True))
        for r in sheet.iter_rows(min_row=3)
        if r[0].value == department
    ]
    assert row["印发公文"] == issued
    assert f"{row['按时发布率'] * 100:.1f}%" == rate


@then(parsers.parse('he is refused with "{code}"'))
def refused_with(seen: Oversight, code: str) -> None:
    assert seen.error is not None and seen.error.code == code, seen.error
