"""The admin keeps the departments (处室) and the agency profile (机关信息) every letter states."""

from __future__ import annotations

import re

import pytest
import sqlalchemy
from click.testing import CliRunner
from flask import Flask

from engine import (
    Database,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from engine.disclosure.agency import ADDRESS_VARIABLE, NAME_VARIABLE
from engine.disclosure.letter import AgencyProfile
from engine.disclosure.models import AgencyRecord
from engine.store import schema
from engine.store.models import User, table_of
from engine.users import DepartmentAdded, DepartmentView
from webui import get_engine
from webui.cli import main

from .test_accessibility import audit
from .web import Browser

ADMIN = "boss"
PROFILE = {
    "name": "威海市人民政府办公室",
    "address": "山东省威海市统一路 39 号",
    "postcode": "264200",
    "phone": "0631-5287000",
    "reconsideration_body": "山东省人民政府",
    "court": "威海市中级人民法院",
    "reconsideration_days": "60",
    "litigation_months": "6",
}
SAVED = AgencyProfile(
    name="威海市人民政府办公室",
    address="山东省威海市统一路 39 号",
    postcode="264200",
    phone="0631-5287000",
    reconsideration_body="山东省人民政府",
    court="威海市中级人民法院",
    reconsideration_days=60,
    litigation_months=6,
)


@pytest.fixture(autouse=True)
def _no_agency_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME_VARIABLE, raising=False)
    monkeypatch.delenv(ADDRESS_VARIABLE, raising=False)


@pytest.fixture
def admin(engine: Engine) -> str:
    engine.users.add(ADMIN, ["admin"], "管理员")
    return ADMIN


def _code(error: pytest.ExceptionInfo[Exception]) -> str:
    return getattr(error.value, "code", "")


# -- departments, in the engine ---------------------------------------------------------


def test_the_list_fills_itself_from_the_users_until_an_admin_keeps_it(
    engine: Engine, admin: str
) -> None:
    engine.users.add("zhang", ["drafter"], department="综合处")
    engine.users.add("wang", ["office"], department="办公室")
    engine.users.add("li", ["dept_head"], department="综合处")
    assert engine.users.departments() == sorted(["办公室", "综合处"])

    assert engine.users.add_department(admin, " 法规处 ") == DepartmentAdded("法规处")
    assert engine.users.departments() == sorted(["办公室", "法规处", "综合处"])
    # Now the list is the admin's: a department not on it is refused, and no user is made.
    with pytest.raises(InvalidInputError) as refused:
        engine.users.add("zhao", ["drafter"], department="保密办")
    assert _code(refused) == "user.unknown_department"
    assert refused.value.params == {"department": "保密办"}
    with pytest.raises(NotFoundError):
        engine.users.get("zhao")
    assert "保密办" not in engine.users.departments()
    # A name is compared in its one form: full-width and outer spaces do not make another.
    assert engine.users.add("zhao", ["drafter"], department="　法规处").department == "法规处"
    assert engine.users.department_list() == [
        DepartmentView("办公室", True, 1),
        DepartmentView("法规处", True, 1),
        DepartmentView("综合处", True, 2),
    ]


def test_a_retired_department_takes_no_one_new_and_can_be_restored(
    engine: Engine, admin: str
) -> None:
    engine.users.add("zhang", ["drafter"], department="综合处")
    engine.users.add_department(admin, "法规处")
    assert engine.users.retire_department(admin, "综合处") == "综合处"
    assert engine.users.departments() == ["法规处"]
    assert engine.users.department_list() == [
        DepartmentView("法规处", True, 0),
        DepartmentView("综合处", False, 1),
    ]
    with pytest.raises(InvalidInputError) as refused:
        engine.users.add("li", ["dept_head"], department="综合处")
    assert _code(refused) == "user.unknown_department"
    # Its members keep it: giving a member roles again does not move him out.
    assert engine.users.add("zhang", ["office"], department="综合处").department == "综合处"
    with pytest.raises(NotFoundError) as again:
        engine.users.retire_department(admin, "综合处")
    assert _code(again) == "department.not_found"

    # Restored, not added: the admin is told which it was.
    assert engine.users.add_department(admin, "综合处") == DepartmentAdded("综合处", restored=True)
    assert engine.users.departments() == sorted(["法规处", "综合处"])
    assert engine.users.add("li", ["dept_head"], department="综合处").department == "综合处"


def test_retiring_the_first_department_keeps_the_list_too(engine: Engine, admin: str) -> None:
    engine.users.add("zhang", ["drafter"], department="综合处")
    engine.users.add("wang", ["office"], department="办公室")
    engine.users.retire_department(admin, "办公室")
    with pytest.raises(InvalidInputError):
        engine.users.add("zhao", ["drafter"], department="保密办")
    assert engine.users.departments() == ["综合处"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", Problem("form.empty")),
        ("   ", Problem("form.empty")),
        ("法规\u200b处", Problem("text.invisible_character", {"char": "U+200B"})),
        ("法规 处", Problem("text.invisible_character", {"char": "U+0020"})),
        ("处" * 65, Problem("form.too_long", {"max": 64})),
    ],
)
def test_a_department_name_is_one_visible_word(
    engine: Engine, admin: str, name: str, problem: Problem
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        engine.users.add_department(admin, name)
    assert _code(refused) == "department.bad_name"
    assert refused.value.params["problem"] == problem
    assert engine.users.departments() == []


def test_a_department_is_added_once(engine: Engine, admin: str) -> None:
    engine.users.add_department(admin, "法规处")
    with pytest.raises(InvalidInputError) as twice:
        engine.users.add_department(admin, "法规处")
    assert _code(twice) == "department.exists"
    with pytest.raises(NotFoundError) as unknown:
        engine.users.retire_department(admin, "保密办")
    assert _code(unknown) == "department.not_found"


def test_only_admins_keep_the_departments(engine: Engine, admin: str) -> None:
    engine.users.add("zhang", ["drafter", "office"], department="综合处")
    for attempt in (
        lambda: engine.users.add_department("zhang", "法规处"),
        lambda: engine.users.retire_department("zhang", "综合处"),
    ):
        with pytest.raises(PermissionDeniedError) as refused:
            attempt()
        assert _code(refused) == "admin.only"
    with pytest.raises(NotFoundError):
        engine.users.add_department("nobody", "法规处")
    assert engine.users.department_list() == [DepartmentView("综合处", True, 1)]


def test_the_migration_starts_the_list_with_the_users_departments(database_url: str) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db, "0007")
        users = table_of(User)
        with db.write_engine.begin() as connection:
            connection.execute(
                sqlalchemy.insert(users),
                [
                    {
                        "username": u,
                        "display_name": u,
                        "active": True,
                        "department": d,
                        "created_at": t,
                    }
                    for u, d, t in [
                        ("zhang", "综合处", "2026-02-01T00:00:00.000000+00:00"),
                        ("li", "综合处", "2026-01-01T00:00:00.000000+00:00"),
                        ("wang", None, "2026-01-01T00:00:00.000000+00:00"),
                    ]
                ],
            )
        schema.upgrade(db)
        engine = Engine(db)
        assert engine.users.department_list() == [DepartmentView("综合处", True, 2)]
        # Recorded from the users, the list is not yet the admin's: new names still join it.
        engine.users.add("zhao", ["drafter"], department="办公室", password=None)
        assert engine.users.departments() == sorted(["办公室", "综合处"])
        assert engine.agency.get() == AgencyProfile("", "")
    finally:
        db.dispose()


# -- the agency profile, in the engine --------------------------------------------------


def test_a_fresh_install_reports_the_profile_incomplete(engine: Engine) -> None:
    profile = engine.agency.get()
    assert profile == AgencyProfile(name="", address="")
    assert (profile.reconsideration_days, profile.litigation_months) == (60, 6)
    assert not engine.agency.is_complete(profile)


def test_before_it_is_saved_the_environment_names_the_agency(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NAME_VARIABLE, " 某县人民政府办公室 ")
    monkeypatch.setenv(ADDRESS_VARIABLE, "某县人民路 1 号")
    profile = engine.agency.get()
    assert (profile.name, profile.address) == ("某县人民政府办公室", "某县人民路 1 号")
    assert engine.agency.is_complete(profile)
    monkeypatch.delenv(ADDRESS_VARIABLE)
    assert not engine.agency.is_complete(engine.agency.get())


def test_the_profile_is_saved_and_read_back(
    engine: Engine, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert engine.agency.save(admin, PROFILE) == SAVED
    monkeypatch.setenv(NAME_VARIABLE, "环境变量里的名称")
    assert engine.agency.get() == SAVED
    assert engine.agency.is_complete(SAVED)
    # Saving again replaces the whole profile; a field left out takes its default.
    changed = {"name": "威海市人民政府", "address": "威海市", "reconsideration_days": 30}
    assert engine.agency.save(admin, changed) == AgencyProfile(
        "威海市人民政府", "威海市", reconsideration_days=30
    )
    assert engine.agency.get() == AgencyProfile("威海市人民政府", "威海市", reconsideration_days=30)


def test_invalid_input_is_named_per_field_and_changes_nothing(engine: Engine, admin: str) -> None:
    engine.agency.save(admin, PROFILE)
    bad = {
        **PROFILE,
        "name": "  ",
        "address": "一行\n两行",
        "postcode": "26420",
        "phone": "0631\x00",
        "reconsideration_days": "0",
        "litigation_months": "半年",
    }
    with pytest.raises(FormValidationError) as refused:
        engine.agency.save(admin, bad)
    errors = refused.value.errors
    assert sorted(errors) == sorted(
        ["name", "address", "postcode", "phone", "reconsideration_days", "litigation_months"]
    )
    assert errors["name"] == [Problem("form.empty", {"min": 1})]
    assert errors["address"] == [Problem("text.control_character", {"char": "U+000A"})]
    assert errors["postcode"] == [Problem("agency.postcode")]
    assert errors["reconsideration_days"] == [Problem("form.range", {"min": 1, "max": 365})]
    assert errors["litigation_months"] == [Problem("form.whole_number")]
    with pytest.raises(FormValidationError) as too_long:
        engine.agency.save(admin, {**PROFILE, "reconsideration_days": 366, "litigation_months": 25})
    assert sorted(too_long.value.errors) == ["litigation_months", "reconsideration_days"]
    with pytest.raises(FormValidationError) as missing:
        engine.agency.save(admin, {})
    assert sorted(missing.value.errors) == ["address", "name"]
    assert engine.agency.get() == SAVED


def test_only_admins_save_the_profile(engine: Engine) -> None:
    engine.users.add("zhang", ["office"])
    with pytest.raises(PermissionDeniedError) as refused:
        engine.agency.save("zhang", PROFILE)
    assert _code(refused) == "admin.only"
    assert engine.agency.get() == AgencyProfile("", "")


# -- the pages ---------------------------------------------------------------------------


def _row(html: str, name: str) -> str:
    found = re.search(rf'<tr>\s*<th scope="row">{re.escape(name)}</th>.*?</tr>', html, re.S)
    assert found, f"no row for {name}"
    return found.group(0)


def test_the_admin_lists_adds_and_retires_departments(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/departments")
    assert 'href="/admin/departments"' in html and 'href="/admin/agency"' in html
    # The demo's users brought their departments: 综合处 has three, 办公室 two.
    assert "<td>3</td>" in _row(html, "综合处") and "<td>2</td>" in _row(html, "办公室")

    assert admin.post("/admin/departments", {"name": "法规处"}) == "/admin/departments"
    html = admin.get("/admin/departments")
    assert "已添加处室“法规处”。" in html and "<td>0</td>" in _row(html, "法规处")

    refused = admin.post("/admin/departments", {"name": "法规处"}, status=400)
    assert "处室“法规处”已经存在。" in refused and 'aria-invalid="true"' in refused
    empty = admin.post("/admin/departments", {"name": " "}, status=400)
    assert "处室名称：此项必填。" in empty

    admin.get("/admin/departments")
    assert admin.post("/admin/departments/retire", {"name": "办公室"}) == "/admin/departments"
    html = admin.get("/admin/departments")
    assert "已撤销处室“办公室”。" in html and "已撤销" in _row(html, "办公室")
    assert "恢复" in _row(html, "办公室") and "撤销" in _row(html, "综合处")
    engine: Engine = app.extensions["gongkai.engine"]
    assert engine.users.departments() == sorted(["法规处", "综合处"])
    admin.post("/admin/departments/retire", {"name": "保密办"}, status=404)

    with pytest.raises(InvalidInputError):
        engine.users.add("zhao", ["drafter"], department="保密办")


def test_restoring_a_retired_department_says_it_was_restored(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/departments")
    admin.post("/admin/departments/retire", {"name": "办公室"})
    row = _row(admin.get("/admin/departments"), "办公室")
    # the row's 恢复 button posts the name where the list takes it
    action = re.search(r'<form method="post" action="([^"]+)"', row).group(1)
    assert re.search(r'<input type="hidden" name="name" value="办公室">', row)
    assert admin.post(action, {"name": "办公室"}) == "/admin/departments"
    html = admin.get("/admin/departments")
    assert "已恢复处室“办公室”：可以再为其分配新用户。" in html and "已添加" not in html
    assert "在用" in _row(html, "办公室") and "<td>2</td>" in _row(html, "办公室")
    # a retired name typed into 添加处室 restores it too, and says so
    admin.post("/admin/departments/retire", {"name": "办公室"})
    admin.get("/admin/departments")
    admin.post("/admin/departments", {"name": "办公室"})
    assert "已恢复处室“办公室”" in admin.get("/admin/departments")
    admin.post("/language", {"lang": "en", "next": "/"})
    admin.post("/admin/departments/retire", {"name": "办公室"})
    admin.get("/admin/departments")
    admin.post("/admin/departments", {"name": "办公室"})
    assert "Department 办公室 restored" in admin.get("/admin/departments")


def test_an_unknown_department_is_refused_on_the_command_line(app: Flask) -> None:
    engine: Engine = app.extensions["gongkai.engine"]
    engine.users.add_department("admin", "法规处")
    runner = CliRunner(env={"GONGKAI_DATABASE_URL": engine.db.url})
    refused = runner.invoke(
        main, ["users", "add", "zhao", "--role", "drafter", "--department", "保密办"]
    )
    assert refused.exit_code == 1 and "没有在用的处室“保密办”" in refused.output
    ok = runner.invoke(
        main, ["users", "add", "zhao", "--role", "drafter", "--department", "法规处"]
    )
    assert ok.exit_code == 0, ok.output


@pytest.fixture
def unconfigured(app: Flask) -> Flask:
    """The demo application as a fresh install finds it: no agency profile saved yet."""
    engine: Engine = app.extensions["gongkai.engine"]
    with engine.store.write() as repo:
        repo.connection.execute(sqlalchemy.delete(AgencyRecord.__table__))
    return app


def test_the_agency_page_says_when_the_profile_is_incomplete_and_saves_it(
    unconfigured: Flask,
) -> None:
    app = unconfigured
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/agency")
    assert "答复书须载明机关名称、地址和救济途径，请填写完整" in html
    assert 'name="reconsideration_days" value="60"' in html
    assert 'name="litigation_months" value="6"' in html

    assert admin.post("/admin/agency", PROFILE) == "/admin/agency"
    html = admin.get("/admin/agency")
    assert "机关信息已保存。" in html
    assert "答复书须载明机关名称、地址和救济途径" not in html
    assert 'value="威海市中级人民法院"' in html and 'value="264200"' in html
    assert app.extensions["gongkai.engine"].agency.get() == SAVED


def test_invalid_agency_input_is_shown_per_field_and_saves_nothing(unconfigured: Flask) -> None:
    app = unconfigured
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/agency")
    bad = {**PROFILE, "name": "", "postcode": "ABC", "reconsideration_days": "400"}
    html = admin.post("/admin/agency", bad, status=422)
    assert "请更正下列标出的问题后再提交。" in html
    for field in ("name", "postcode", "reconsideration_days"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html), field
    assert 'id="f-address"' in html and not re.search(r'id="f-address"[^>]*aria-invalid', html)
    assert (
        "此项必填。" in html
        and "邮政编码应为 6 位数字。" in html
        and "须在 1 到 365 之间。" in html
    )
    # What was typed stays in the form; nothing was saved.
    assert 'value="威海市中级人民法院"' in html and 'value="400"' in html
    assert "答复书须载明机关名称、地址和救济途径" in html
    assert app.extensions["gongkai.engine"].agency.get() == AgencyProfile("", "")


def test_only_admins_reach_the_pages(unconfigured: Flask) -> None:
    app = unconfigured
    office = Browser(app.test_client()).login("wangwu")
    office.get("/admin/departments", status=403)
    office.get("/admin/agency", status=403)
    office.post("/admin/departments", {"name": "法规处"}, status=403)
    office.post("/admin/departments/retire", {"name": "综合处"}, status=403)
    office.post("/admin/agency", PROFILE, status=403)
    assert 'href="/admin/agency"' not in office.get("/")
    engine: Engine = app.extensions["gongkai.engine"]
    assert engine.users.departments() == sorted(["办公室", "综合处"])
    assert engine.agency.get() == AgencyProfile("", "")
    anonymous = app.test_client().get("/admin/agency")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_pages_are_labelled_and_translated(unconfigured: Flask) -> None:
    app = unconfigured
    admin = Browser(app.test_client()).login("admin")
    for language in ("zh", "en"):
        if language == "en":
            admin.post("/language", {"lang": "en", "next": "/"})
        for path in ("/admin/departments", "/admin/agency"):
            page = audit(admin.get(path))
            assert page.controls and not page.unlabelled(), (path, page.unlabelled())
            assert page.h1 == 1 and page.skip_link and page.main
    assert "Every reply letter must state the agency's name" in admin.get("/admin/agency")
    assert "Add a department" in admin.get("/admin/departments")


FULL_2028 = """
2028-01-01 holiday 元旦
2028-01-25..2028-01-31 holiday 春节
2028-04-04..2028-04-06 holiday 清明节
2028-05-01..2028-05-05 holiday 劳动节
2028-05-28..2028-05-30 holiday 端午节
2028-10-01..2028-10-08 holiday 国庆节、中秋节
"""


def test_a_schedule_loaded_in_part_is_pointed_out(app: Flask) -> None:
    engine = get_engine(app)
    engine.calendar.load("2029-01-01 holiday 元旦\n2029-02-12..2029-02-18 holiday 春节\n")
    engine.calendar.load(FULL_2028)
    years = {y.year: y for y in engine.calendar.schedule_years()}
    assert (years[2029].holiday_periods, years[2029].looks_partial) == (2, True)
    assert (years[2028].holiday_periods, years[2028].looks_partial) == (6, False)
    page = Browser(app.test_client()).login("admin").get("/admin/calendar")
    assert page.count("可能不全") == 1 and "只有 2 段假期" in page
