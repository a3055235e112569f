"""The basic catalogue (主动公开基本目录): entries, their changes, filing, overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import (
    ConflictError,
    Database,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.clock import ManualClock
from engine.disclosure.basic_catalogue import TimeLimit, next_due
from engine.disclosure.models import CatalogueChange, CatalogueEntry, CatalogueFiling, Document
from engine.disclosure.workdays import WorkingCalendar
from engine.store import schema
from webui import create_app

from . import oversight_data as data
from .helpers import AUDITOR, while_another_writes
from .oversight_data import GENERAL, LEGAL, at, issue, publish
from .web import Browser

PASSWORD = "catalogue-pass"


def entry_form(**changes: Any) -> dict[str, Any]:
    """Return a complete entry as the office fills it in (monthly, by the 10th)."""
    return {
        "name": "财政收支月报",
        "area": "财政预决算",
        "category": "result",
        "department": GENERAL,
        "content": "每月一般公共预算收支执行情况",
        "basis": "《预算法》第十四条",
        "limit_kind": "monthly",
        "limit_days": "",
        "limit_month": "",
        "limit_day": "10",
        "manners": ["website", "gazette"],
    } | changes


def _document_id(engine: Engine, instance_id: int) -> int:
    with engine.store.read() as repo:
        found = repo.connection.execute(
            select(Document.id).where(Document.instance_id == instance_id)
        ).scalar_one()
    return int(found)


def _count(engine: Engine, model: Any) -> int:
    with engine.store.read() as repo:
        return int(repo.connection.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def office(engine: Engine) -> Engine:
    """The people of two departments, the office, an admin; the workflows deployed."""
    data.staff(engine, PASSWORD)
    return engine


# -- time limits, computed ----------------------------------------------------------------------


def test_a_time_limit_reads_in_words_and_falls_due_on_its_days() -> None:
    yearly = TimeLimit("yearly", month=3, day=31)
    assert yearly.label() == ("每年3月31日前", "Every year by March 31")
    assert yearly.first_due_after(date(2026, 3, 30)) == date(2026, 3, 31)
    assert yearly.first_due_after(date(2026, 3, 31)) == date(2027, 3, 31)
    assert yearly.previous_due(date(2027, 3, 31)) == date(2026, 3, 31)
    monthly = TimeLimit("monthly", day=31)
    assert monthly.label()[0] == "每月31日前"
    # a short month falls due on its last day
    assert monthly.first_due_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert monthly.previous_due(date(2026, 3, 31)) == date(2026, 2, 28)
    quarterly = TimeLimit("quarterly", day=15)
    assert quarterly.label()[0] == "每季度结束后次月15日前"
    assert quarterly.first_due_after(date(2026, 1, 15)) == date(2026, 4, 15)
    assert quarterly.first_due_after(date(2026, 11, 30)) == date(2027, 1, 15)
    days = TimeLimit("working_days", days=20)
    assert days.label()[0] == "信息形成或变更之日起20个工作日内"
    for limit in (yearly, monthly, quarterly, days):
        assert TimeLimit.from_spec(limit.spec()) == limit


def _due(limit: TimeLimit, published: list[str], formed: str | None = None) -> date | None:
    calendar = WorkingCalendar()
    return next_due(
        limit,
        date(2026, 7, 1),
        date.fromisoformat(formed) if formed else None,
        [date.fromisoformat(p) for p in published],
        lambda day, n: calendar.working_days_after(day, n)[0],
    )


def test_a_publication_covers_the_due_day_it_comes_before_or_the_ones_it_catches_up() -> None:
    monthly = TimeLimit("monthly", day=10)
    assert _due(monthly, []) == date(2026, 7, 10)
    # on time for July: August is next
    assert _due(monthly, ["2026-07-08"]) == date(2026, 8, 10)
    # late for July: it covers July, and August is still open
    assert _due(monthly, ["2026-07-20"]) == date(2026, 8, 10)
    # on time for July, then on time for August
    assert _due(monthly, ["2026-07-08", "2026-07-20"]) == date(2026, 9, 10)
    # three months late: it catches up July to September, October stays open
    assert _due(monthly, ["2026-10-05"]) == date(2026, 10, 10)
    # a publication from before the cycle covers nothing
    assert _due(monthly, ["2026-06-01"]) == date(2026, 7, 10)


def test_a_working_days_limit_runs_from_the_day_the_information_was_formed() -> None:
    days = TimeLimit("working_days", days=20)
    assert _due(days, []) is None
    # November 2026 has no holiday: 20 working days after Monday the 2nd end on the 30th
    assert _due(days, [], formed="2026-11-02") == date(2026, 11, 30)
    assert _due(days, ["2026-10-30"], formed="2026-11-02") == date(2026, 11, 30)
    assert _due(days, ["2026-11-02"], formed="2026-11-02") is None
    # the National Day holidays are not counted, its adjusted Saturday (10-10) is
    assert _due(days, [], formed="2026-09-30") == date(2026, 11, 3)


# -- keeping entries ----------------------------------------------------------------------------


def test_the_office_keeps_entries_and_every_change_is_recorded(
    office: Engine, clock: ManualClock
) -> None:
    desk = office.basic_catalogue
    at(clock, "2026-11-30 09:00")
    entry_id = desk.create("wang", entry_form())
    entry = desk.entry(AUDITOR, entry_id).entry
    assert (entry.name, entry.area, entry.category, entry.department) == (
        "财政收支月报",
        "财政预决算",
        "result",
        GENERAL,
    )
    assert entry.limit == TimeLimit("monthly", day=10)
    assert entry.limit_label == ("每月10日前", "Every month by day 10")
    assert entry.manners == ("website", "gazette")
    assert entry.next_due_on == "2026-12-10"
    assert entry.active and not entry.overdue and entry.version == 1

    at(clock, "2026-12-01 10:00")
    changes = entry_form(
        name="财政收支季报",
        limit_kind="quarterly",
        limit_day="15",
        manners=["gazette", "website", "bulletin_board"],
    )
    assert desk.edit("root", entry_id, changes, version=1) is True
    detail = desk.entry(AUDITOR, entry_id)
    assert detail.entry.name == "财政收支季报"
    assert detail.entry.next_due_on == "2027-01-15"
    # the manners are kept in the form's order, whatever order they came in
    assert detail.entry.manners == ("website", "gazette", "bulletin_board")
    logged = [(c.action, c.field, c.old_value, c.new_value, c.actor) for c in detail.changes]
    assert logged == [
        ("edited", "manners", "website,gazette", "website,gazette,bulletin_board", "root"),
        ("edited", "limit", "monthly:10", "quarterly:15", "root"),
        ("edited", "name", "财政收支月报", "财政收支季报", "root"),
        ("created", None, None, "财政收支月报", "wang"),
    ]
    assert detail.changes[0].actor_name == "管理员"
    assert detail.changes[0].at == office.now()
    # the same values again change nothing and record nothing
    assert desk.edit("wang", entry_id, changes, version=2) is False
    assert len(desk.entry(AUDITOR, entry_id).changes) == 4
    # a form filled from an older version is refused
    with pytest.raises(ConflictError) as refused:
        desk.edit("wang", entry_id, entry_form(name="别的名称"), version=1)
    assert refused.value.code == "catalogue.entry_changed"

    desk.retire("wang", entry_id)
    with pytest.raises(ConflictError):
        desk.retire("wang", entry_id)
    assert desk.entries(AUDITOR).items == ()
    assert [e.id for e in desk.entries(AUDITOR, status="retired").items] == [entry_id]
    desk.restore("wang", entry_id)
    actions = [c.action for c in desk.entry(AUDITOR, entry_id).changes]
    assert actions[:2] == ["restored", "retired"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"limit_kind": "working_days", "limit_days": ""},
            {"limit_days": "catalogue.limit_needed"},
        ),
        (
            {"limit_kind": "yearly", "limit_month": "2", "limit_day": "30"},
            {"limit_day": "catalogue.no_such_day"},
        ),
        (
            {"limit_kind": "yearly", "limit_month": "", "limit_day": "1"},
            {"limit_month": "catalogue.limit_needed"},
        ),
        ({"limit_day": "四"}, {"limit_day": "form.whole_number"}),
        ({"limit_day": "32"}, {"limit_day": "form.range"}),
        ({"department": "外星处"}, {"department": "catalogue.unknown_department"}),
        ({"manners": []}, {"manners": "catalogue.no_manner"}),
        ({"manners": ["carrier_pigeon"]}, {"manners": "form.invalid_value"}),
        (
            {"category": "everything", "name": " "},
            {"category": "form.not_a_choice", "name": "form.empty"},
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_each_field_and_nothing_is_written(
    office: Engine, changes: dict[str, Any], fields: dict[str, str]
) -> None:
    with pytest.raises(FormValidationError) as refused:
        office.basic_catalogue.create("wang", entry_form(**changes))
    assert {name: [p.code for p in found] for name, found in refused.value.errors.items()} == {
        name: [code] for name, code in fields.items()
    }
    assert _count(office, CatalogueEntry) == 0
    assert _count(office, CatalogueChange) == 0


def test_only_the_office_and_admins_keep_it_and_each_reads_what_he_may(office: Engine) -> None:
    desk = office.basic_catalogue
    general = desk.create("wang", entry_form())
    legal = desk.create("root", entry_form(name="法规清理情况", department=LEGAL))
    for user in ("zhang", "li", AUDITOR, "reg"):
        with pytest.raises(PermissionDeniedError):
            desk.create(user, entry_form())
        with pytest.raises(PermissionDeniedError):
            desk.retire(user, general)
        assert desk.may_manage(user) is False
    assert desk.may_manage("wang") and desk.may_manage("root")
    # the office, admins and auditors read every entry; a department head his department's
    for reader in ("wang", "root", AUDITOR):
        assert {e.id for e in desk.entries(reader).items} == {general, legal}
    assert [e.id for e in desk.entries("li").items] == [general]
    assert [e.id for e in desk.entries("liu", department=GENERAL).items] == [legal]
    assert desk.entries("li").department == GENERAL and desk.entries("li").may_manage is False
    desk.entry("li", general)
    with pytest.raises(PermissionDeniedError):
        desk.entry("li", legal)
    for refused in ("zhang", "reg", "sun"):
        with pytest.raises(PermissionDeniedError):
            desk.entries(refused)
    with pytest.raises(PermissionDeniedError):
        desk.unfiled("li")
    with pytest.raises(NotFoundError):
        desk.entry("wang", 999_999)
    with pytest.raises(InvalidInputError):
        desk.entries("wang", status="everything")


def test_the_list_goes_by_field_and_pages_in_sql(office: Engine) -> None:
    desk = office.basic_catalogue
    b = desk.create("wang", entry_form(name="乙", area="重大建设项目"))
    a1 = desk.create("wang", entry_form(name="甲一", area="公共资源配置", category="service"))
    a2 = desk.create("wang", entry_form(name="甲二", area="公共资源配置", department=LEGAL))
    first = desk.entries("wang", limit=2)
    assert [e.id for e in first.items] == [a1, a2]
    assert first.next_after == a2
    second = desk.entries("wang", limit=2, after=first.next_after)
    assert [e.id for e in second.items] == [b] and second.next_after is None
    assert [e.id for e in desk.entries("wang", category="service").items] == [a1]
    assert [e.id for e in desk.entries("wang", department=LEGAL).items] == [a2]
    assert [e.id for e in desk.entries("wang", area="重大建设项目").items] == [b]
    assert desk.areas("wang") == ["公共资源配置", "重大建设项目"]


# -- filing and overdue -------------------------------------------------------------------------


@pytest.fixture
def published(office: Engine, clock: ManualClock) -> dict[str, int]:
    """Documents of July 2026: two published, one issued on request, one not published yet."""
    made = {
        "D1": issue(office, clock, "zhang", "2026-07-06", "关于做好防汛工作的通知"),
        "D3": issue(office, clock, "qian", "2026-07-07", "关于规范招标投标的通知"),
        "D4": issue(
            office, clock, "qian", "2026-07-08", "关于内部值班安排的通知", attribute="on_request"
        ),
        "D5": issue(office, clock, "zhang", "2026-07-09", "关于暑期安全的通知"),
    }
    publish(office, clock, made["D1"], "2026-07-08")
    publish(office, clock, made["D3"], "2026-07-13")
    return {name: _document_id(office, instance) for name, instance in made.items()}


def test_an_entry_is_overdue_until_a_publication_is_filed_under_it(
    office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    desk = office.basic_catalogue
    at(clock, "2026-07-01 09:00")
    monthly = desk.create("wang", entry_form())
    at(clock, "2026-07-10 18:00")
    assert not desk.entries("wang", status="overdue").items
    at(clock, "2026-07-11 09:00")
    (overdue,) = desk.entries("wang", status="overdue").items
    assert overdue.id == monthly and overdue.overdue and overdue.next_due_on == "2026-07-10"
    assert [e.id for e in desk.entries("li", status="overdue").items] == [monthly]
    assert not desk.entries("liu", status="overdue").items
    # the documents waiting to be filed: published proactive ones, newest published first
    assert desk.unfiled_count("wang") == 2
    page = desk.unfiled("wang", limit=1)
    assert [d.id for d in page.items] == [published["D3"]]
    assert page.items[0].department == LEGAL
    rest = desk.unfiled("wang", limit=1, before=page.next_before)
    assert [d.id for d in rest.items] == [published["D1"]] and rest.next_before is None

    desk.file("wang", published["D1"], monthly)
    entry = desk.entry("wang", monthly)
    assert entry.entry.next_due_on == "2026-08-10" and not entry.entry.overdue
    assert [f.number for f in entry.filings] == [entry.filings[0].number]
    assert entry.filings[0].filed_by == "wang"
    assert (entry.changes[0].action, entry.changes[0].new_value) == (
        "filed",
        entry.filings[0].number,
    )
    assert desk.unfiled_count("wang") == 1
    at(clock, "2026-08-11 09:00")
    assert [e.id for e in desk.entries("wang", status="overdue").items] == [monthly]


def _two_entries(office: Engine, clock: ManualClock) -> tuple[int, int]:
    """Create two entries on 2026-07-14 (of the general office, of the legal department)."""
    at(clock, "2026-07-14 09:00")
    desk = office.basic_catalogue
    return desk.create("wang", entry_form()), desk.create(
        "wang", entry_form(name="招标投标信息", department=LEGAL)
    )


def test_filing_takes_published_proactive_documents_only_and_moves_them_on_record(
    office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    desk = office.basic_catalogue
    first, second = _two_entries(office, clock)
    for document in (published["D4"], published["D5"]):
        with pytest.raises(InvalidInputError) as refused:
            desk.file("wang", document, first)
        assert refused.value.code == "catalogue.not_filable"
    with pytest.raises(NotFoundError):
        desk.file("wang", 999_999, first)
    with pytest.raises(NotFoundError):
        desk.file("wang", published["D3"], 999_999)
    with pytest.raises(PermissionDeniedError):
        desk.file("zhang", published["D3"], first)
    desk.file("wang", published["D3"], first)
    with pytest.raises(ConflictError) as again:
        desk.file("wang", published["D3"], first)
    assert again.value.code == "catalogue.already_filed"
    # filed elsewhere: it moves, and both entries record it
    desk.file("root", published["D3"], second)
    assert [f.document_id for f in desk.entry("wang", second).filings] == [published["D3"]]
    assert desk.entry("wang", first).filings == ()
    assert desk.entry("wang", first).changes[0].action == "unfiled"
    assert desk.entry("wang", second).changes[0].action == "filed"
    assert _count(office, CatalogueFiling) == 1
    desk.retire("wang", first)
    with pytest.raises(ConflictError):
        desk.file("wang", published["D1"], first)
    # where a document is filed: for those who read every document, and who may file it
    filing = desk.document_filing("wang", published["D3"])
    assert filing is not None and filing.may_file
    assert filing.filing is not None and filing.filing.entry_id == second
    assert [c.id for c in filing.choices] == [second]
    seen = desk.document_filing(AUDITOR, published["D3"])
    assert seen is not None and not seen.may_file and seen.choices == ()
    assert desk.document_filing("zhang", published["D3"]) is None
    unpublished = desk.document_filing("wang", published["D5"])
    assert unpublished is not None and not unpublished.may_file


def test_a_document_filed_under_two_entries_at_once_ends_under_the_second(
    office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    desk = office.basic_catalogue
    first, second = _two_entries(office, clock)
    filed = (
        "INSERT INTO catalogue_filings (document_id, entry_id, filed_by, filed_at)"
        " VALUES (:document, :entry, 'wang', '2026-07-14T01:00:00+00:00')"
    )
    while_another_writes(
        office,
        filed,
        {"document": published["D3"], "entry": first},
        lambda: desk.file("root", published["D3"], second),
    )
    assert [f.document_id for f in desk.entry("wang", second).filings] == [published["D3"]]
    assert desk.entry("wang", first).filings == ()
    assert desk.entry("wang", first).changes[0].action == "unfiled"
    assert _count(office, CatalogueFiling) == 1


def test_a_working_days_entry_is_due_after_the_information_is_formed(
    office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    desk = office.basic_catalogue
    at(clock, "2026-10-30 09:00")
    entry_id = desk.create(
        "wang",
        entry_form(
            name="重大建设项目批准信息",
            area="重大建设项目",
            limit_kind="working_days",
            limit_days="20",
            limit_day="",
        ),
    )
    assert desk.entry("wang", entry_id).entry.next_due_on is None
    with pytest.raises(FormValidationError) as future:
        desk.record_formed("wang", entry_id, "2026-10-31")
    assert future.value.errors["formed_on"][0].code == "catalogue.future_day"
    with pytest.raises(FormValidationError):
        desk.record_formed("wang", entry_id, "2026-13-01")
    at(clock, "2026-11-02 09:00")
    desk.record_formed("wang", entry_id, "2026-11-02")
    assert desk.entry("wang", entry_id).entry.next_due_on == "2026-11-30"
    at(clock, "2026-11-30 17:00")
    assert not desk.entries("wang", status="overdue").items
    at(clock, "2026-12-01 09:00")
    assert [e.id for e in desk.entries("wang", status="overdue").items] == [entry_id]
    # a document published before the information was formed does not count
    desk.file("wang", published["D1"], entry_id)
    assert desk.entry("wang", entry_id).entry.overdue
    # a recurring entry has no day of forming
    monthly = desk.create("wang", entry_form())
    with pytest.raises(InvalidInputError):
        desk.record_formed("wang", monthly, "2026-11-02")
    change = desk.entry("wang", entry_id).changes[1]
    assert (change.action, change.field, change.new_value) == ("formed", "formed_on", "2026-11-02")


# -- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def site(office: Engine) -> Iterator[FlaskClient]:
    """The web application over the test engine."""
    app = create_app({"TESTING": True, "ENGINE": office})
    yield app.test_client()


def _as(client: FlaskClient, user: str) -> Browser:
    return Browser(client).login(user, PASSWORD)


def test_the_office_adds_an_entry_on_its_page_and_a_bad_one_comes_back_explained(
    site: FlaskClient, office: Engine, clock: ManualClock
) -> None:
    at(clock, "2026-11-30 09:00")
    browser = _as(site, "wang")
    page = browser.get("/office/catalogue/new")
    assert "新增目录事项" in page and f'<option value="{GENERAL}"' in page
    form = entry_form(limit_kind="yearly", limit_month="", limit_day="", manners=[])
    shown = browser.post("/office/catalogue/new", form, status=422)
    # each field that is wrong says so beside it, and keeps what was typed
    for name in ("limit_month", "limit_day", "manners"):
        assert f'id="{name}-error"' in shown
    assert 'value="财政收支月报"' in shown and "请更正下列标出的问题后再提交。" in shown
    assert _count(office, CatalogueEntry) == 0
    location = browser.post(
        "/office/catalogue/new", entry_form(limit_kind="yearly", limit_month="3", limit_day="31")
    )
    page = browser.get(location)
    assert "财政收支月报" in page and "每年3月31日前" in page and "2027-03-31" in page
    assert 'id="entry-changes"' in page and "王五" in page
    # the list shows it, and a department head sees it read-only
    assert "财政收支月报" in browser.get("/office/catalogue")
    head = _as(site.application.test_client(), "li")
    listing = head.get("/office/catalogue")
    assert "财政收支月报" in listing and "新增目录事项" not in listing
    head.get("/office/catalogue/new", status=403)


def test_pages_refuse_those_who_may_not_read_the_catalogue(site: FlaskClient) -> None:
    drafter = _as(site, "zhang")
    for path in ("/office/catalogue", "/office/catalogue/unfiled", "/office/oversight"):
        drafter.get(path, status=403)
    drafter.post("/office/catalogue/file", {"document_id": "1", "entry_id": "1"}, status=403)
    auditor = _as(site.application.test_client(), "qianyi")
    auditor.get("/office/catalogue")
    auditor.get("/office/catalogue/new", status=403)
    auditor.get("/office/catalogue/999999", status=404)


def test_the_office_files_documents_from_the_to_do_and_from_the_document_page(
    site: FlaskClient, office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    at(clock, "2026-07-01 09:00")
    desk = office.basic_catalogue
    monthly = desk.create("wang", entry_form())
    at(clock, "2026-07-14 09:00")
    browser = _as(site, "wang")
    listing = browser.get("/office/catalogue")
    assert 'class="overdue"' in listing and "已逾期" in listing
    assert "待归入目录的文件（2）" in listing
    todo = browser.get("/office/catalogue/unfiled")
    assert f'id="unfiled-{published["D1"]}"' in todo and f'id="unfiled-{published["D3"]}"' in todo
    # no entry chosen: the to-do again, said beside the document's box; nothing filed
    d1 = published["D1"]
    page = browser.post("/office/catalogue/file", {"document_id": d1, "entry_id": ""}, status=422)
    error = f"document-{d1}-entry_id-error"
    assert f'<p class="error" id="{error}">请选择要归入的目录事项。</p>' in page
    assert f'aria-describedby="{error}" aria-invalid="true"' in page
    assert desk.unfiled_count("wang") == 2
    assert browser.post(
        "/office/catalogue/file", {"document_id": published["D1"], "entry_id": monthly}
    ).endswith("/office/catalogue/unfiled")
    assert desk.unfiled_count("wang") == 1
    assert 'class="overdue"' not in browser.get("/office/catalogue")
    # on the document page: where it is filed, and a form to file another
    page = browser.get(f"/documents/{published['D1']}")
    assert "已归入目录事项" in page and "财政收支月报" in page
    page = browser.get(f"/documents/{published['D3']}")
    assert "尚未归入目录事项" in page and 'name="entry_id"' in page
    # no entry chosen on the document page: that page again, said beside its box
    page = browser.post(
        "/office/catalogue/file",
        {"document_id": published["D3"], "entry_id": "", "next": "document"},
        status=422,
    )
    assert '<p class="error" id="filing-entry_id-error">请选择要归入的目录事项。</p>' in page
    assert 'aria-describedby="filing-entry_id-error" aria-invalid="true"' in page
    assert "尚未归入目录事项" in page
    back = browser.post(
        "/office/catalogue/file",
        {"document_id": published["D3"], "entry_id": monthly, "next": "document"},
    )
    assert back.endswith(f"/documents/{published['D3']}")
    assert "已归入目录事项" in browser.get(back)
    # a document that may not be filed is refused and nothing changes
    browser.post("/office/catalogue/file", {"document_id": published["D5"], "entry_id": monthly})
    assert 'class="flash error" role="alert"' in browser.get("/office/catalogue/unfiled")
    assert len(desk.entry("wang", monthly).filings) == 2
    # the drafter sees no filing on his document's page
    drafter = _as(site.application.test_client(), "zhang")
    assert "catalogue-filing" not in drafter.get(f"/documents/{published['D1']}")


def test_the_entry_page_records_the_day_information_was_formed(
    site: FlaskClient, office: Engine, clock: ManualClock
) -> None:
    at(clock, "2026-11-02 09:00")
    entry_id = office.basic_catalogue.create(
        "wang", entry_form(limit_kind="working_days", limit_days="20", limit_day="")
    )
    browser = _as(site, "wang")
    page = browser.get(f"/office/catalogue/{entry_id}")
    assert "登记信息形成或变更" in page
    browser.post(f"/office/catalogue/{entry_id}/formed", {"formed_on": "2026-11-02"})
    assert "2026-11-30" in browser.get(f"/office/catalogue/{entry_id}")
    # a day that is none, or none at all: said beside the box, kept, nothing recorded
    path = f"/office/catalogue/{entry_id}/formed"
    page = browser.post(path, {"formed_on": "不是日期"}, status=422)
    assert "日期格式应为 YYYY-MM-DD" in page and 'value="不是日期"' in page
    assert 'aria-describedby="formed_on-error" aria-invalid="true"' in page
    page = browser.post(path, {"formed_on": ""}, status=422)
    assert '<p class="error" id="formed_on-error">此项必填。</p>' in page
    page = browser.post(path, {"formed_on": "2026-11-03"}, status=422)  # tomorrow
    assert 'value="2026-11-03"' in page and 'id="formed_on-error"' in page
    assert "请更正下列标出的问题后再提交。" in page
    edit = browser.get(f"/office/catalogue/{entry_id}/edit")
    assert 'name="version" value="2"' in edit
    location = browser.post(
        f"/office/catalogue/{entry_id}/edit",
        entry_form(limit_kind="working_days", limit_days="15", limit_day="", version="2"),
    )
    page = browser.get(location)
    assert "信息形成或变更之日起15个工作日内" in page and "信息形成或变更之日起20个工作日内" in page
    browser.post(f"/office/catalogue/{entry_id}/retire")
    assert "已停用" in browser.get(f"/office/catalogue/{entry_id}")


# -- the migration ------------------------------------------------------------------------------


def test_migration_0014_adds_and_removes_the_catalogue_tables(database_url: str) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db)
        tables = {"catalogue_entries", "catalogue_entry_changes", "catalogue_filings"}
        inspected = sqlalchemy.inspect(db.read_engine)
        assert tables <= set(inspected.get_table_names())
        assert "ix_events_type_at" in {i["name"] for i in inspected.get_indexes("events")}
        config = schema._config()
        with db.write_engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        inspected = sqlalchemy.inspect(db.read_engine)
        assert not tables & set(inspected.get_table_names())
        assert "ix_events_type_at" not in {i["name"] for i in inspected.get_indexes("events")}
        schema.upgrade(db)
        assert schema.current_revision(db) == schema.head_revision()
        assert tables <= set(sqlalchemy.inspect(db.read_engine).get_table_names())
    finally:
        db.dispose()


#: odd requests to the office's pages: each gets an answer, never a server error
ODD_GETS = (
    "/office/catalogue?status=%ff&after=-1&department=%00",
    "/office/catalogue?status=nope",
    "/office/catalogue?after=99999999999999999999&category=x&area=%E2%80%AE",
    "/office/catalogue/unfiled?before=abc",
    "/office/catalogue/unfiled?before=-7",
    "/office/catalogue/1?changes_before=-3&filings_before=x",
    "/office/catalogue/2147483648",
    "/office/catalogue/1/edit",
    "/office/oversight?kind=month&year=2026&month=%EF%BC%93",
    "/office/oversight?kind=year&year=99999999999999999999",
    "/office/oversight?kind=quarter&year=-1&quarter=1",
    "/office/oversight.csv?kind=quarter&quarter=0",
    "/office/oversight.xlsx?kind=%00",
)
ODD_POSTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/office/catalogue/new", {"name": "\u202e", "manners": "x" * 3000, "limit_days": "1e9"}),
    ("/office/catalogue/new", {"limit_kind": "yearly", "limit_month": "-1", "limit_day": "٣"}),
    ("/office/catalogue/1/edit", {"version": "x"}),
    ("/office/catalogue/1/edit", {"version": "99999999999999999999"}),
    ("/office/catalogue/1/edit", {"version": "1", "department": "办公室\x00"}),
    ("/office/catalogue/1/formed", {"formed_on": "2026-02-30"}),
    ("/office/catalogue/1/formed", {"formed_on": "\x00"}),
    ("/office/catalogue/1/retire", {}),
    ("/office/catalogue/1/restore", {}),
    ("/office/catalogue/2147483647/retire", {}),
    ("/office/catalogue/file", {"document_id": "-1", "entry_id": "1"}),
    ("/office/catalogue/file", {"document_id": "99999999999999", "entry_id": "1"}),
    ("/office/catalogue/file", {"document_id": "1", "entry_id": "-5", "next": "document"}),
    ("/office/catalogue/file", {"document_id": "1", "entry_id": "99999999999999"}),
)


def test_odd_requests_get_an_answer_never_a_server_error(site: FlaskClient, office: Engine) -> None:
    office.basic_catalogue.create("wang", entry_form())
    for user in ("wang", "li", "zhang"):
        browser = _as(site.application.test_client(), user)
        browser.get("/office/catalogue" if user != "zhang" else "/", status=200)
        for path in ODD_GETS:
            status = browser.client.get(path).status_code
            assert status in (200, 302, 400, 403, 404, 409), (user, path, status)
        for path, form in ODD_POSTS:
            status = browser.client.post(
                path, data={"csrf_token": browser.token, **form}
            ).status_code
            assert status in (302, 400, 403, 404, 409, 422), (user, path, form, status)
    # the entry is as it was made, but for the retire and restore the office did
    detail = office.basic_catalogue.entry("wang", 1)
    assert detail.entry.name == "财政收支月报" and detail.entry.active
    assert [c.action for c in detail.changes] == ["restored", "retired", "created"]


def test_filing_from_a_later_page_of_the_to_do_comes_back_to_that_page(
    site: FlaskClient, office: Engine, clock: ManualClock, published: dict[str, int]
) -> None:
    at(clock, "2026-07-14 09:00")
    desk = office.basic_catalogue
    monthly = desk.create("wang", entry_form())
    first = desk.unfiled("wang", limit=1)
    later = first.next_before
    assert later is not None  # two unfiled: the second page starts after the newest
    newest, older = first.items[0].id, desk.unfiled("wang", before=later).items[0].id
    browser = _as(site, "wang")
    todo = browser.get(f"/office/catalogue/unfiled?before={later}")
    action = f'action="/office/catalogue/file?before={later}"'
    assert action in todo and f'id="unfiled-{newest}"' not in todo
    # no entry chosen: the page the office was on, not the first, with the box said
    page = browser.post(
        f"/office/catalogue/file?before={later}", {"document_id": older, "entry_id": ""}, 422
    )
    assert f'id="document-{older}-entry_id-error"' in page
    assert f'id="unfiled-{newest}"' not in page and action in page
    # filed: back to that page too
    back = browser.post(
        f"/office/catalogue/file?before={later}", {"document_id": older, "entry_id": monthly}
    )
    assert back.endswith(f"/office/catalogue/unfiled?before={later}")
    assert desk.unfiled_count("wang") == 1
