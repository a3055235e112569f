"""Steps of features/basic_catalogue.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select

from engine import Engine, EngineError, FormValidationError, PermissionDeniedError
from engine.clock import ManualClock
from engine.disclosure.basic_catalogue import CHANGE_ACTIONS, CHANGE_FIELDS, value_label
from engine.disclosure.models import Document

from . import oversight_data as data
from .helpers import AUDITOR
from .test_basic_catalogue import entry_form

# naming ``engine`` puts its database parameter in each scenario: SQLite and PostgreSQL
pytestmark = pytest.mark.usefixtures("engine")

scenarios("basic_catalogue.feature")

#: how a scenario says when an entry falls due -> the form's time limit fields
_MONTHS = {"January": 1, "February": 2, "March": 3, "December": 12}


@dataclass
class Catalogue:
    """What the steps hand each other: entries and documents by name, the last refusal."""

    entries: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    error: EngineError | None = None


@pytest.fixture
def book() -> Catalogue:
    return Catalogue()


def _limit(text: str) -> dict[str, str]:
    """Return the time limit fields of "every month by day 10" and the like."""
    words = text.split()
    empty = {"limit_days": "", "limit_month": "", "limit_day": ""}
    if text.startswith("every month by day"):
        return empty | {"limit_kind": "monthly", "limit_day": words[-1]}
    if text.startswith("every year by"):
        return empty | {
            "limit_kind": "yearly",
            "limit_month": str(_MONTHS[words[-2]]),
            "limit_day": words[-1],
        }
    if text.startswith("within") and "working days" in text:
        return empty | {"limit_kind": "working_days", "limit_days": words[1]}
    raise AssertionError(f"unknown time limit {text!r}")


def _document_id(engine: Engine, instance_id: int) -> int:
    with engine.store.read() as repo:
        found = repo.connection.execute(
            select(Document.id).where(Document.instance_id == instance_id)
        ).scalar_one()
    return int(found)


# -- given --------------------------------------------------------------------------------------


@given("the staff of 综合处 and 法规处, the office, an administrator and an auditor")
def the_staff(engine: Engine) -> None:
    data.staff(engine)


@given(parsers.parse('{user:w} has added the entry "{name}" of {department:w}, due {limit}'))
def added(
    engine: Engine, book: Catalogue, user: str, name: str, department: str, limit: str
) -> None:
    values = entry_form(name=name, department=department) | _limit(limit)
    book.entries[name] = engine.basic_catalogue.create(user, values)


@given(
    parsers.parse(
        '{drafter:w}\'s document "{title}" was issued on {issued} and published on {published}'
    )
)
def issued_and_published(
    engine: Engine,
    clock: ManualClock,
    book: Catalogue,
    drafter: str,
    title: str,
    issued: str,
    published: str,
) -> None:
    instance_id = data.issue(engine, clock, drafter, issued, title)
    data.publish(engine, clock, instance_id, published)
    book.documents[title] = _document_id(engine, instance_id)


@given(
    parsers.parse(
        '{drafter:w}\'s document "{title}" was issued on {issued} to be disclosed on request'
    )
)
def issued_on_request(
    engine: Engine, clock: ManualClock, book: Catalogue, drafter: str, title: str, issued: str
) -> None:
    instance_id = data.issue(engine, clock, drafter, issued, title, attribute="on_request")
    book.documents[title] = _document_id(engine, instance_id)


# -- when ---------------------------------------------------------------------------------------


@when(
    parsers.parse(
        '{user:w} adds the entry "{name}" of {department:w} in the field "{area}" '
        "as a result disclosure, due {limit}, on the website and in the gazette"
    )
)
def adds(
    engine: Engine, book: Catalogue, user: str, name: str, department: str, area: str, limit: str
) -> None:
    values = entry_form(
        name=name,
        department=department,
        area=area,
        category="result",
        manners=["website", "gazette"],
    )
    book.entries[name] = engine.basic_catalogue.create(user, values | _limit(limit))


@when(parsers.parse('{user:w} changes the entry "{name}" to "{new_name}", due {limit}'))
def changes(
    engine: Engine, book: Catalogue, user: str, name: str, new_name: str, limit: str
) -> None:
    entry_id = book.entries[name]
    current = engine.basic_catalogue.entry(user, entry_id).entry
    values = current.values() | {"name": new_name} | _limit(limit)
    assert engine.basic_catalogue.edit(user, entry_id, values, current.version)
    book.entries[new_name] = entry_id


@when(parsers.parse('{user:w} files "{title}" under "{name}"'))
def files(engine: Engine, book: Catalogue, user: str, title: str, name: str) -> None:
    engine.basic_catalogue.file(user, book.documents[title], book.entries[name])


@when(parsers.parse('{user:w} tries to file "{title}" under "{name}"'))
def tries_to_file(engine: Engine, book: Catalogue, user: str, title: str, name: str) -> None:
    book.error = None
    try:
        engine.basic_catalogue.file(user, book.documents[title], book.entries[name])
    except EngineError as exc:
        book.error = exc


@when(parsers.parse('{user:w} retires the entry "{name}"'))
def retires(engine: Engine, book: Catalogue, user: str, name: str) -> None:
    engine.basic_catalogue.retire(user, book.entries[name])


@when(parsers.parse('{user:w} records that the information of "{name}" was formed on {day}'))
def records_formed(engine: Engine, book: Catalogue, user: str, name: str, day: str) -> None:
    engine.basic_catalogue.record_formed(user, book.entries[name], day)


@when(parsers.parse("{user:w} tries to add an entry due {limit}"))
def tries_to_add(engine: Engine, book: Catalogue, user: str, limit: str) -> None:
    if limit == "within working days without saying how many":
        values = entry_form(limit_kind="working_days", limit_days="", limit_day="")
    else:
        words = limit.split()
        values = entry_form(
            limit_kind="yearly", limit_month=str(_MONTHS[words[-2]]), limit_day=words[-1]
        )
    book.error = None
    try:
        engine.basic_catalogue.create(user, values)
    except EngineError as exc:
        book.error = exc


# -- then ---------------------------------------------------------------------------------------


@then(
    parsers.parse(
        'the catalogue lists "{name}" in the field "{area}" for {department:w}, due on {day}'
    )
)
def lists(engine: Engine, book: Catalogue, name: str, area: str, department: str, day: str) -> None:
    (entry,) = [e for e in engine.basic_catalogue.entries(AUDITOR).items if e.name == name]
    assert (entry.area, entry.department, entry.next_due_on) == (area, department, day)


@then(parsers.parse('the change log of "{name}" reads'))
def change_log(engine: Engine, book: Catalogue, name: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    changes = engine.basic_catalogue.entry(AUDITOR, book.entries[name]).changes
    shown = [
        [
            CHANGE_ACTIONS[c.action][0],
            CHANGE_FIELDS[c.field][0] if c.field else "",
            value_label(c.field, c.old_value)[0] if c.old_value else "",
            value_label(c.field, c.new_value)[0] if c.new_value else "",
            c.actor_name,
        ]
        for c in changes
    ]
    assert [dict(zip(header, row, strict=True)) for row in shown] == [
        dict(zip(header, row, strict=True)) for row in rows
    ]


@then(parsers.parse('"{name}" is overdue for {department:w}, due on {day}'))
def is_overdue(engine: Engine, book: Catalogue, name: str, department: str, day: str) -> None:
    overdue = engine.basic_catalogue.entries(AUDITOR, department=department, status="overdue")
    assert [(e.id, e.next_due_on) for e in overdue.items] == [(book.entries[name], day)]


@then(parsers.parse("{department:w} has no overdue entry"))
def none_overdue(engine: Engine, department: str) -> None:
    overdue = engine.basic_catalogue.entries(AUDITOR, department=department, status="overdue")
    assert overdue.items == ()


@then(parsers.parse('"{name}" is not overdue, and due next on {day}'))
def not_overdue(engine: Engine, book: Catalogue, name: str, day: str) -> None:
    entry = engine.basic_catalogue.entry(AUDITOR, book.entries[name]).entry
    assert (entry.overdue, entry.next_due_on) == (False, day)


@then(parsers.parse('the change log of "{name}" begins with {user:w} filing "{title}"'))
def filed_on_record(engine: Engine, book: Catalogue, name: str, user: str, title: str) -> None:
    detail = engine.basic_catalogue.entry(AUDITOR, book.entries[name])
    latest = detail.changes[0]
    (filing,) = [f for f in detail.filings if f.document_id == book.documents[title]]
    assert (latest.action, latest.actor, latest.new_value) == ("filed", user, filing.number)
    assert filing.filed_by == user


@then(parsers.parse("the office's to-do lists {titles}"))
def to_do(engine: Engine, book: Catalogue, titles: str) -> None:
    wanted = [t.strip('" ') for t in titles.split(", newest")[0].split(" and ")]
    listed = engine.basic_catalogue.unfiled("wang").items
    assert [d.id for d in listed] == [book.documents[t] for t in wanted]


@then(parsers.parse('he is refused with "{code}"'))
def refused_with(book: Catalogue, code: str) -> None:
    assert book.error is not None and book.error.code == code, book.error


@then(parsers.parse('the entry is refused naming "{fields}"'))
def entry_refused(book: Catalogue, fields: str) -> None:
    assert isinstance(book.error, FormValidationError), book.error
    assert sorted(book.error.errors) == sorted(f.strip() for f in fields.split(","))


@then("the catalogue has no entry")
def no_entry(engine: Engine) -> None:
    for status in ("active", "retired"):
        assert engine.basic_catalogue.entries(AUDITOR, status=status).items == ()


@then(parsers.parse('{user:w} reads "{name}" only'))
def reads_only(engine: Engine, user: str, name: str) -> None:
    assert [e.name for e in engine.basic_catalogue.entries(user).items] == [name]


@then(parsers.parse('the auditor reads "{first}" and "{second}"'))
def auditor_reads(engine: Engine, first: str, second: str) -> None:
    names = {e.name for e in engine.basic_catalogue.entries("qianyi").items}
    assert names == {first, second}


@then(parsers.parse("{user:w} may not add an entry"))
def may_not_add(engine: Engine, user: str) -> None:
    with pytest.raises(PermissionDeniedError):
        engine.basic_catalogue.create(user, entry_form())


@then(parsers.parse("{user:w} may not read the catalogue"))
def may_not_read(engine: Engine, user: str) -> None:
    with pytest.raises(PermissionDeniedError):
        engine.basic_catalogue.entries(user)
