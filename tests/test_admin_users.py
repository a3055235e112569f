"""The admin's page of users: create, change, deactivate, set a password; every change logged."""

from __future__ import annotations

import re
from html import unescape as html_unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from engine import (
    Database,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    SignInFailedError,
)
from engine.store import schema
from engine.users import UserFilter
from webui import get_engine

from .helpers import downgrade
from .test_accessibility import audit
from .web import Browser

ADMIN = "boss"
PASSWORD = "first-pass-1"
NEW = {
    "username": "zhang",
    "display_name": "张三",
    "department": "综合处",
    "groups": ["drafter"],
    "password": PASSWORD,
}


@pytest.fixture
def admin(engine: Engine) -> str:
    engine.users.add(ADMIN, ["admin"], "管理员", "boss-pass-1")
    engine.users.add_department(ADMIN, "综合处")
    engine.users.add_department(ADMIN, "办公室")
    return ADMIN


def _problems(error: pytest.ExceptionInfo[FormValidationError]) -> dict[str, list[str]]:
    return {field: [p.code for p in found] for field, found in error.value.errors.items()}


def _stored_changes(engine: Engine) -> list[tuple]:
    with engine.db.transaction(write=False) as connection:
        rows = connection.exec_driver_sql(
            "SELECT admin, username, action, detail FROM user_changes ORDER BY id"
        )
        return [tuple(row) for row in rows]


# -- the engine's rules -------------------------------------------------------------------


def test_an_admin_creates_a_user_who_signs_in_and_the_change_is_logged(
    engine: Engine, admin: str
) -> None:
    created = engine.users.create_user(admin, NEW)
    assert (created.username, created.display_name, created.department, created.roles) == (
        "zhang",
        "张三",
        "综合处",
        ("drafter",),
    )
    assert engine.users.authenticate("zhang", PASSWORD, "127.0.0.1").username == "zhang"
    (change,) = engine.users.changes(admin, "zhang").items
    assert (change.admin, change.action) == (ADMIN, "create")
    assert change.detail == {
        "display_name": [None, "张三"],
        "department": [None, "综合处"],
        "groups": [[], ["drafter"]],
    }


def test_a_new_user_is_refused_field_by_field(engine: Engine, admin: str) -> None:
    engine.users.create_user(admin, NEW)
    with pytest.raises(FormValidationError) as error:
        engine.users.create_user(
            admin,
            {
                "username": "zhang",
                "display_name": "",
                "department": "不存在处",
                "groups": ["drafter", "wizard"],
                "password": "short",
            },
        )
    assert _problems(error) == {
        "username": ["user.exists"],
        "display_name": ["form.empty"],
        "department": ["user.unknown_department"],
        "groups": ["user.unknown_groups"],
        "password": ["password.too_short"],
    }
    assert error.value.errors["groups"] == [Problem("user.unknown_groups", {"groups": ["wizard"]})]
    with pytest.raises(FormValidationError) as error:
        engine.users.create_user(admin, {**NEW, "username": "a/b", "password": "a/b"})
    assert _problems(error)["username"] == ["user.bad_name"]
    with pytest.raises(FormValidationError) as error:  # asked to fill it, not told "" is bad
        engine.users.create_user(admin, {**NEW, "username": "  "})
    assert _problems(error)["username"] == ["form.empty"]
    with pytest.raises(FormValidationError) as error:
        engine.users.create_user(admin, {**NEW, "username": "li", "password": "LI"})
    assert _problems(error) == {"password": ["password.too_short"]}
    with pytest.raises(FormValidationError) as error:
        engine.users.create_user(admin, {**NEW, "username": "liliang1", "password": "LiLiang1"})
    assert _problems(error) == {"password": ["password.is_username"]}
    with pytest.raises(FormValidationError) as error:
        engine.users.create_user(admin, {**NEW, "username": "li", "password": "x" * 129})
    assert _problems(error) == {"password": ["password.too_long"]}
    with pytest.raises(FormValidationError) as error:  # two accounts no list tells apart
        engine.users.create_user(admin, {**NEW, "username": "ZHANG"})
    assert error.value.errors["username"] == [
        Problem("user.exists_in_other_case", {"name": "ZHANG", "other": "zhang"})
    ]
    with pytest.raises(InvalidInputError) as refused:  # nor from the command line
        engine.users.add("Zhang", ["drafter"])
    assert refused.value.code == "user.exists_in_other_case"
    assert [c[1] for c in _stored_changes(engine)] == ["zhang"]  # nothing else was written


def test_groups_are_set_as_a_whole_and_every_change_says_old_and_new(
    engine: Engine, admin: str
) -> None:
    engine.users.create_user(admin, NEW)
    engine.users.retire_department(admin, "综合处")
    changed = engine.users.update_user(
        admin,
        "zhang",
        {"display_name": "张三丰", "department": "综合处", "groups": ["office", "publisher"]},
    )
    # He keeps the retired department he is in; the groups are exactly the ones chosen.
    assert (changed.display_name, changed.department, changed.roles) == (
        "张三丰",
        "综合处",
        ("office", "publisher"),
    )
    newest = engine.users.changes(admin, "zhang").items[0]
    assert (newest.action, newest.detail) == (
        "update",
        {"display_name": ["张三", "张三丰"], "groups": [["drafter"], ["office", "publisher"]]},
    )
    # Into a retired department he cannot move again; nothing changes then.
    engine.users.update_user(
        admin, "zhang", {"display_name": "张三丰", "department": "办公室", "groups": []}
    )
    with pytest.raises(FormValidationError) as error:
        engine.users.update_user(
            admin, "zhang", {"display_name": "张三丰", "department": "综合处", "groups": []}
        )
    assert _problems(error) == {"department": ["user.unknown_department"]}
    # Saving what is there records nothing.
    before = len(_stored_changes(engine))
    engine.users.update_user(
        admin, "zhang", {"display_name": "张三丰", "department": "办公室", "groups": []}
    )
    assert len(_stored_changes(engine)) == before
    assert engine.users.user(admin, "zhang").roles == ()


def test_an_admin_keeps_his_own_admin_group_and_his_own_account(engine: Engine, admin: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        engine.users.update_user(admin, admin, {"display_name": "管理员", "groups": ["auditor"]})
    assert (error.value.code, error.value.params) == ("user.own_admin_group", {"user": ADMIN})
    with pytest.raises(InvalidInputError) as error:
        engine.users.deactivate(admin, admin)
    assert error.value.code == "user.deactivate_self"
    assert engine.users.user(admin, admin).roles == ("admin",)
    assert engine.users.user(admin, admin).active
    # Nor may he give himself the work he oversees (a leader's signature).
    with pytest.raises(InvalidInputError) as error:
        engine.users.update_user(
            admin, admin, {"display_name": "管理员", "groups": ["admin", "leader"]}
        )
    assert (error.value.code, error.value.params) == (
        "user.own_groups",
        {"user": ADMIN, "groups": ["leader"]},
    )
    assert engine.users.user(admin, admin).roles == ("admin",)
    # Another admin may take it from him: then he is no admin any more.
    engine.users.create_user(admin, {**NEW, "username": "root", "groups": ["admin"]})
    engine.users.update_user("root", admin, {"display_name": "管理员", "groups": ["auditor"]})
    with pytest.raises(PermissionDeniedError):
        engine.users.find(admin)


def test_the_last_active_admin_is_kept(engine: Engine, admin: str) -> None:
    # Through the operations an admin can never remove the last admin (he is one himself
    # and may not remove himself); the rule guards the transactions that check it.
    engine.users.create_user(admin, {**NEW, "username": "root", "groups": ["admin"]})
    with engine.store.write() as repo:
        root_id = repo.connection.execute(
            sqlalchemy.text("SELECT id FROM users WHERE username = 'root'")
        ).scalar_one()
        boss_id = repo.connection.execute(
            sqlalchemy.text("SELECT id FROM users WHERE username = 'boss'")
        ).scalar_one()
        engine.users._check_not_last_admin(repo.connection, root_id)  # boss remains
    engine.users.deactivate("root", admin)
    with engine.store.write() as repo, pytest.raises(InvalidInputError) as error:
        engine.users._check_not_last_admin(repo.connection, root_id)
    assert error.value.code == "user.last_admin"
    assert error.value.params == {"groups": ["admin"]}
    with engine.store.write() as repo:
        engine.users._check_not_last_admin(repo.connection, boss_id)


def test_a_deactivated_user_cannot_sign_in_until_reactivated(engine: Engine, admin: str) -> None:
    engine.users.create_user(admin, NEW)
    assert engine.users.deactivate(admin, "zhang") == 0  # no task claimed
    with pytest.raises(SignInFailedError):
        engine.users.authenticate("zhang", PASSWORD, "127.0.0.1")
    with pytest.raises(NotFoundError):
        engine.users.get("zhang")  # what the session's user loader asks
    assert not engine.users.user(admin, "zhang").active
    engine.users.deactivate(admin, "zhang")  # again: nothing more is recorded
    assert engine.users.reactivate(admin, "zhang").active
    assert engine.users.authenticate("zhang", PASSWORD, "127.0.0.1").username == "zhang"
    actions = [c.action for c in engine.users.changes(admin, "zhang").items]
    assert actions == ["reactivate", "deactivate", "create"]


def test_a_new_password_follows_the_rules_and_is_never_logged(engine: Engine, admin: str) -> None:
    engine.users.create_user(admin, NEW)
    with pytest.raises(FormValidationError) as error:
        engine.users.set_password(admin, "zhang", "1234567")
    assert error.value.errors == {"password": [Problem("password.too_short", {"min": 8})]}
    with pytest.raises(FormValidationError):
        engine.users.set_password(admin, "zhang", " " * 10)
    engine.users.set_password(admin, "zhang", "second-pass-2")
    with pytest.raises(SignInFailedError):
        engine.users.authenticate("zhang", PASSWORD, "127.0.0.1")
    assert engine.users.authenticate("zhang", "second-pass-2", "127.0.0.1").username == "zhang"
    assert engine.users.changes(admin, "zhang").items[0].action == "password"
    with engine.db.transaction(write=False) as connection:
        hashes = list(connection.exec_driver_sql("SELECT password_hash FROM users").scalars())
    logged = repr(_stored_changes(engine))
    for secret in (PASSWORD, "second-pass-2", "pbkdf2", *filter(None, hashes)):
        assert secret not in logged
    with pytest.raises(NotFoundError):
        engine.users.set_password(admin, "nobody", "second-pass-2")


def test_a_non_admin_is_refused_in_the_engine(engine: Engine, admin: str) -> None:
    engine.users.create_user(admin, NEW)
    refused = [
        lambda: engine.users.create_user("zhang", {**NEW, "username": "li"}),
        lambda: engine.users.update_user("zhang", "zhang", {"display_name": "x", "groups": []}),
        lambda: engine.users.deactivate("zhang", ADMIN),
        lambda: engine.users.reactivate("zhang", ADMIN),
        lambda: engine.users.set_password("zhang", ADMIN, "taken-over-1"),
        lambda: engine.users.find("zhang"),
        lambda: engine.users.user("zhang", ADMIN),
        lambda: engine.users.changes("zhang", ADMIN),
        lambda: engine.users.claimed_tasks("zhang", ADMIN),
        lambda: engine.users.find("nobody"),
    ]
    for call in refused:
        with pytest.raises((PermissionDeniedError, NotFoundError)) as error:
            call()
        assert error.value.code in ("admin.only", "user.not_found")
    assert [c[2] for c in _stored_changes(engine)] == ["create"]


def test_the_list_is_filtered_and_paged_in_the_database(engine: Engine, admin: str) -> None:
    people = [
        ("a_wang", "王大", "办公室", ["office"]),
        ("b_li", "李二", "综合处", ["drafter"]),
        ("c_zhao", "赵%三", "综合处", ["drafter", "dept_head"]),
        ("d_wang", "王四", "综合处", ["drafter"]),
        ("e_sun", "孙五", "", []),
    ]
    for username, display_name, department, groups in people:
        engine.users.create_user(
            admin,
            {
                "username": username,
                "display_name": display_name,
                "department": department,
                "groups": groups,
                "password": PASSWORD,
            },
        )
    engine.users.deactivate(admin, "d_wang")

    def names(chosen: UserFilter, limit: int = 50) -> list[str]:
        found, after = [], None
        while True:
            page = engine.users.find(admin, chosen, after, limit)
            assert len(page.items) <= limit
            found += [u.username for u in page.items]
            if page.next_after is None:
                return found
            after = page.next_after

    everyone = ["a_wang", "auditor", "b_li", ADMIN, "c_zhao", "d_wang", "e_sun"]
    assert names(UserFilter()) == everyone
    assert names(UserFilter(), limit=2) == everyone
    first = engine.users.find(admin, UserFilter(), None, 2)
    assert (first.next_after, len(first.items)) == ("auditor", 2)
    assert names(UserFilter(text="WANG")) == ["a_wang", "d_wang"]  # user name, any case
    assert names(UserFilter(text="王")) == ["a_wang", "d_wang"]  # display name
    assert names(UserFilter(text="%")) == ["c_zhao"]  # a wildcard is a character
    assert names(UserFilter(text="_")) == ["a_wang", "b_li", "c_zhao", "d_wang", "e_sun"]
    assert names(UserFilter(group="drafter"), limit=1) == ["b_li", "c_zhao", "d_wang"]
    assert names(UserFilter(department="综合处", active=True)) == ["b_li", "c_zhao"]
    assert names(UserFilter(active=False)) == ["d_wang"]
    assert names(UserFilter(group="drafter", text="zhao")) == ["c_zhao"]
    (shown,) = engine.users.find(admin, UserFilter(text="c_zhao")).items
    assert shown.roles == ("dept_head", "drafter")


def test_a_users_history_is_paged_newest_first(engine: Engine, admin: str) -> None:
    engine.users.create_user(admin, NEW)
    for n in range(5):
        engine.users.update_user(
            admin, "zhang", {"display_name": f"张三{n}", "department": "综合处", "groups": []}
        )
    first = engine.users.changes(admin, "zhang", limit=4)
    assert [c.detail["display_name"][1] for c in first.items] == [
        "张三4",
        "张三3",
        "张三2",
        "张三1",
    ]
    rest = engine.users.changes(admin, "zhang", before=first.next_before, limit=4)
    assert [c.action for c in rest.items] == ["update", "create"]
    assert rest.next_before is None
    assert engine.users.changes(admin, ADMIN).items == ()


# -- the migration ------------------------------------------------------------------------


def test_migration_0020_adds_the_change_log_and_takes_it_away(database_url: str) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db)
        assert "user_changes" in sqlalchemy.inspect(db.read_engine).get_table_names()
        downgrade(db, "0019")
        db.read_engine.dispose()
        assert "user_changes" not in sqlalchemy.inspect(db.read_engine).get_table_names()
        schema.upgrade(db)
        db.read_engine.dispose()
        inspected = sqlalchemy.inspect(db.read_engine)
        assert "user_changes" in inspected.get_table_names()
        indexes = {i["name"]: i["column_names"] for i in inspected.get_indexes("user_changes")}
        assert indexes == {"ix_user_changes_username": ["username", "id"]}
        columns = [c["name"] for c in inspected.get_columns("user_changes")]
        assert columns == ["id", "at", "admin", "username", "action", "detail"]
    finally:
        db.dispose()


# -- the pages ----------------------------------------------------------------------------


def _errors(html: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>([^<]*)</p>', html)


def test_the_admin_creates_a_user_through_the_form_refused_then_accepted(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/users/new")
    assert "起草人" in html and 'name="groups" value="drafter"' in html  # groups in words
    assert '<option value="综合处"' in html  # the open departments
    sent = MultiDict(
        [
            ("username", "new.user"),
            ("display_name", ""),
            ("department", "综合处"),
            ("groups", "drafter"),
            ("groups", "publisher"),
            ("password", "short"),
        ]
    )
    html = admin.post("/admin/users/new", sent, status=422)
    assert _errors(html) == ["请更正下列标出的问题后再提交。", "此项必填。", "密码至少 8 个字符。"]
    assert 'value="new.user"' in html  # what was typed is kept
    assert re.search(r'value="drafter" checked', html) and re.search(
        r'value="publisher" checked', html
    )
    assert re.search(r'<option value="综合处" selected>', html)
    assert "short" not in html  # a password is never sent back
    sent["display_name"], sent["password"] = "新用户", "long-enough-1"
    assert admin.post("/admin/users/new", sent) == "/admin/users/new.user"
    html = admin.get("/admin/users/new.user")
    assert "已创建用户“新用户”。" in html and "起草人" in html
    html = admin.get("/admin/users?q=new&group=publisher&status=active")
    assert "/admin/users/new.user" in html and "/admin/users/zhangsan" not in html
    # Then in English.
    admin.client.post("/language", data={"lang": "en", "csrf_token": admin.token})
    html = admin.get("/admin/users/new.user")
    assert "Drafter" in html


def test_the_edit_page_refuses_the_admins_own_group_and_deactivation(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/users/admin")
    html = admin.post(
        "/admin/users/admin", {"display_name": "管理员", "groups": ["auditor"]}, status=422
    )
    assert "不能取消自己的“管理员”角色：请另一位管理员操作。" in _errors(html)
    assert re.search(r'value="auditor" checked', html)
    html = admin.post("/admin/users/admin/deactivate", status=400)
    assert "不能停用自己的账号。" in _errors(html)
    html = admin.post("/admin/users/admin/password", {"password": "admin"}, status=422)
    assert "密码至少 8 个字符。" in _errors(html)
    admin.get("/admin/users/nobody", status=404)


def test_a_deactivated_users_open_session_stops_and_his_claims_are_counted(app: Flask) -> None:
    engine = get_engine(app)
    task = engine.queries.list_tasks("lisi")[0]
    engine.claim(task.task_id, "lisi")
    lisi = Browser(app.test_client()).login("lisi")
    lisi.get("/")
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/users/lisi")
    assert admin.post("/admin/users/lisi/deactivate") == "/admin/users/lisi"
    html = admin.get("/admin/users/lisi")
    assert "该用户认领的 1 项待办任务需要改派。" in html
    assert 'href="/admin/tasks"' in html
    # His session is over: the next page asks him to sign in, and signing in fails.
    response = lisi.client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    lisi.get("/login")
    lisi.post("/login", {"username": "lisi", "password": "demo"}, status=401)
    admin.get("/admin/users/lisi")
    admin.post("/admin/users/lisi/reactivate")
    assert Browser(app.test_client()).login("lisi")


def test_only_the_admin_reaches_the_users_pages(client: FlaskClient, app: Flask) -> None:
    clerk = Browser(app.test_client()).login("zhangsan")
    for path in ("/admin/users", "/admin/users/new", "/admin/users/lisi"):
        clerk.get(path, status=403)
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    clerk.get("/")
    clerk.post("/admin/users/lisi/deactivate", status=403)
    assert get_engine(app).users.get("lisi").active


def test_the_users_pages_are_labelled_for_keyboard_and_screen_readers(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    for path in ("/admin/users", "/admin/users/new", "/admin/users/lisi"):
        page = audit(admin.get(path))
        assert page.controls and not page.unlabelled(), (path, page.unlabelled())
        assert page.h1 == 1 and page.skip_link and page.main and not page.positive_tabindex
    html = admin.get("/admin/users")
    assert 'href="/admin/users"' in html and "用户管理" in html  # in the admin's menu


# -- found walking the pages as the admin would ------------------------------------------


def test_refused_groups_take_the_keyboard_to_the_first_box(app: Flask) -> None:
    # page.js focuses the first [aria-invalid] in the page: it must be a box one can focus,
    # not the fieldset, else the keyboard stays at the top of the page.
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/users/admin")
    html = admin.post(
        "/admin/users/admin", {"display_name": "管理员", "groups": ["auditor"]}, status=422
    )
    first_invalid = re.search(r"<(\w+)[^>]*aria-invalid=\"true\"[^>]*>", html)
    assert first_invalid.group(1) == "input" and 'type="checkbox"' in first_invalid.group(0)
    assert 'aria-describedby="groups-error"' in first_invalid.group(0)
    assert html.count('name="groups"') == html.count('aria-describedby="groups-error" aria-invalid')
    assert re.search(r'<p class="error" id="groups-error">不能取消自己的', html)
    assert "<fieldset" in html and not re.search(r"<fieldset[^>]*aria-invalid", html)


def test_the_tasks_to_reassign_are_told_once_with_the_link(app: Flask) -> None:
    engine = get_engine(app)
    engine.claim(engine.queries.list_tasks("lisi")[0].task_id, "lisi")
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/users/lisi")
    admin.post("/admin/users/lisi/deactivate")
    html = admin.get("/admin/users/lisi")  # the flash and the status, after the redirect
    assert "已停用用户“李四”：该用户不能再登录。" in html
    assert html.count("该用户认领的 1 项待办任务需要改派。") == 1
    assert 'href="/admin/tasks"' in html


def test_an_error_page_says_where_its_link_goes(app: Flask, client: FlaskClient) -> None:
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/users/nobody", status=404)
    assert "没有用户“nobody”。" in html
    # The admin has no inbox: the way back is to the page he starts from.
    assert re.search(r'<a href="/admin/tasks">返回任务管理</a>', html)
    auditor = Browser(app.test_client()).login("qianyi")
    html = auditor.get("/audit/instances/999999", status=404)
    assert re.search(r'<a href="/audit/instances">返回流程实例</a>', html)
    clerk = Browser(app.test_client()).login("zhangsan")
    assert re.search(r'<a href="/">返回待办</a>', clerk.get("/no/such/page", status=404))
    html = client.get("/no/such/page").get_data(as_text=True)
    assert re.search(r'<a href="/public/">返回公开信息</a>', html)
    admin.client.post("/language", data={"lang": "en", "csrf_token": admin.token})
    html = admin.get("/admin/users/nobody", status=404)
    assert re.search(r'<a href="/admin/tasks">Back to task management</a>', html)


def test_the_users_lists_keep_short_cells_on_one_line(app: Flask) -> None:
    # On a phone the list scrolls sideways (its user names are links the keyboard reaches)
    # instead of breaking 已停用 or 综合处 letter by letter; see style.css.
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/users")
    assert re.search(r'<div class="table-scroll">\s*<table class="list users">', html)
    assert '<td class="roles">' in html
    admin.post("/admin/users/lisi", {"display_name": "李四四", "groups": ["dept_head"]})
    assert '<table class="list changes">' in admin.get("/admin/users/lisi")


def test_reactivating_a_user_revives_none_of_his_old_sessions_or_tokens(app: Flask) -> None:
    engine = get_engine(app)
    token = engine.tokens.issue("zhangsan", "报送系统", "admin").token
    assert engine.tokens.authenticate(token) == "zhangsan"
    taken = Browser(app.test_client()).login("zhangsan")  # a cookie copied, say, then unused
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/users/zhangsan")
    admin.post("/admin/users/zhangsan/deactivate")
    admin.get("/admin/users/zhangsan")
    admin.post("/admin/users/zhangsan/reactivate")
    html = admin.get("/admin/users/zhangsan")
    assert "吊销的接口令牌" in html
    response = taken.client.get("/mine")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert engine.tokens.authenticate(token) is None
    assert Browser(app.test_client()).login("zhangsan")  # his password still opens a new one


def test_reassigning_names_nobody_in_advance_and_asks_for_a_choice(app: Flask) -> None:
    engine = get_engine(app)
    task = engine.queries.list_tasks("lisi")[0]
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/tasks")
    # A click on 改派 alone once handed the task to the first holder listed.
    select = re.search(rf'<select id="to-{task.task_id}"[^>]*>\s*<option[^>]*>[^<]*</option>', html)
    assert select is not None and " required" in select.group(0)
    assert select.group(0).endswith('<option value="" selected>请选择</option>')
    # said beside the task's box (and on top), the list again; no redirect, nothing reassigned
    page = admin.post(f"/admin/tasks/{task.task_id}/reassign", data={"to_user": ""}, status=422)
    error = f"task-{task.task_id}-to_user-error"
    assert f'<p class="error" id="{error}">请先选择改派给谁。</p>' in page
    assert re.search(
        rf'<select id="to-{task.task_id}"[^>]*aria-describedby="{error}" aria-invalid="true"', page
    )
    assert engine.queries.list_tasks("lisi")[0].claimed_by is None


def test_a_refused_reassignment_shows_the_page_of_tasks_the_admin_was_on(app: Flask) -> None:
    engine = get_engine(app)
    first = engine.queries.all_open_tasks("admin", limit=1)
    assert first.next_after is not None
    on_first = first.items[0].task_id
    task = engine.queries.all_open_tasks("admin", first.next_after, limit=1).items[0]
    admin = Browser(app.test_client()).login("admin")
    html = admin.get(f"/admin/tasks?{urlencode({'after': first.next_after})}")
    assert f'id="to-{on_first}"' not in html

    def form_action(page: str) -> str:
        found = re.search(rf'action="(/admin/tasks/{task.task_id}/reassign[^"]*)"', page)
        assert found is not None
        action = html_unescape(found.group(1))
        assert parse_qs(urlsplit(action).query) == {"after": [first.next_after]}
        return action

    page = admin.post(form_action(html), data={"to_user": ""}, status=422)
    # the same page again (not the first), the refusal beside the task's box
    assert f'id="task-{task.task_id}-to_user-error"' in page
    assert f'id="to-{on_first}"' not in page and "回到第一页" in page
    holder = re.search(rf'<select id="to-{task.task_id}".*?<option value="([^"]+)"', page, re.S)
    assert holder is not None
    done = admin.post(form_action(page), data={"to_user": holder.group(1)})
    assert parse_qs(urlsplit(done).query) == {"after": [first.next_after]}
    assert urlsplit(done).path == "/admin/tasks"


def test_the_task_list_filter_names_roles_in_english_as_its_label_does(app: Flask) -> None:
    admin = Browser(app.test_client()).login("admin")
    admin.post("/language", {"lang": "en", "next": "/admin/tasks"})
    html = admin.get("/admin/tasks")
    # the box is called Role: its first choice said "All groups", a word used nowhere else
    assert '<label for="role">Role</label>' in html
    assert '<option value="">All roles</option>' in html and "All groups" not in html
