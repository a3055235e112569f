"""The web UI as an attacker and a careless user try it, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient

import engine.users as users_module
from engine import Engine, NotFoundError, SignInFailedError, SignInThrottledError
from engine.attachments import DEFAULT_MAX_BYTES
from engine.clock import ManualClock
from engine.throttle import client_network
from webui import create_app, get_engine
from webui.cli import _RequestHandler, main
from webui.security import KEY_FILE, SecretKeyError

from .web import Browser, task_link

# -- the secret key -----------------------------------------------------------------------


def forged_admin_session(key: str) -> str:
    """Return a session cookie for 'admin', signed with ``key``."""
    forger = Flask("forger")
    forger.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": "admin", "_fresh": True})


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    monkeypatch.setenv("GONGKAI_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_a_session_signed_with_dev_opens_nothing(app: Flask, instance: Path) -> None:
    production = create_app({"ENGINE": get_engine(app)})  # neither testing nor demo
    client = production.test_client()
    client.set_cookie("session", forged_admin_session("dev"))
    response = client.get("/admin/tasks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert production.secret_key != "dev"


def test_a_key_is_made_once_in_the_instance_folder_readable_by_its_owner_only(
    app: Flask, instance: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = create_app({"ENGINE": get_engine(app)})
    key_file = instance / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "generated a new secret key" in caplog.text
    second = create_app({"ENGINE": get_engine(app)})
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 32

    key_file.chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        create_app({"ENGINE": get_engine(app)})


@pytest.mark.parametrize("weak", ["dev", "secret", "a" * 40, "0123456789"])
def test_a_weak_key_is_refused(
    app: Flask, instance: Path, monkeypatch: pytest.MonkeyPatch, weak: str
) -> None:
    monkeypatch.setenv("GONGKAI_SECRET_KEY", weak)
    with pytest.raises(SecretKeyError, match="too weak"):
        create_app({"ENGINE": get_engine(app)})


def test_a_strong_key_from_the_environment_is_used(
    app: Flask, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "kV3-8sQ_pz1XcL0mW9rT2yB7nF5hJ4dG6aE"
    monkeypatch.setenv("GONGKAI_SECRET_KEY", key)
    assert create_app({"ENGINE": get_engine(app)}).secret_key == key
    assert not (instance / KEY_FILE).exists()


def test_serve_refuses_a_weak_key_and_demo_says_its_key_is_thrown_away(
    database_url: str, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[dict] = []
    monkeypatch.setattr(Flask, "run", lambda self, **options: ran.append(options))
    runner = CliRunner(env={"GONGKAI_DATABASE_URL": database_url})
    demo = runner.invoke(main, ["serve", "--demo"])
    assert demo.exit_code == 0, demo.output
    assert "throw-away secret key" in demo.output.splitlines()[0]
    assert ran and ran[0]["request_handler"] is _RequestHandler

    weak = CliRunner(env={"GONGKAI_DATABASE_URL": database_url, "GONGKAI_SECRET_KEY": "dev"})
    refused = weak.invoke(main, ["serve"])
    assert refused.exit_code == 1 and "too weak" in refused.output
    assert len(ran) == 1


def test_the_server_does_not_name_its_version() -> None:
    assert _RequestHandler.version_string(object.__new__(_RequestHandler)) == "gongkai"


def test_session_cookies_can_be_marked_secure(
    app: Flask, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_SECURE_COOKIES", "1")
    secure = create_app({"ENGINE": get_engine(app), "TESTING": True})
    browser = Browser(secure.test_client())
    browser.get("/login")
    response = browser.client.post(
        "/login", data={"csrf_token": browser.token, "username": "lisi", "password": "demo"}
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


# -- request size and headers -------------------------------------------------------------


def test_a_request_over_the_limit_is_refused_unread(app: Flask, client: FlaskClient) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 4096 * 2 + 2**20
    browser = Browser(client).login("zhangsan")
    path = task_link(browser.get("/"))
    browser.get(path)
    huge = io.BytesIO(b"%PDF-1.7\n" + b"0" * (limit + 1))
    html = browser.post(
        path,
        {"title": "大文件", "attachment": (huge, "big.pdf")},
        status=413,
        content_type="multipart/form-data",
    )
    assert "提交的内容太大" in html and "1.0 MB" in html

    # No Content-Length (a chunked body): the limit holds while the body is read.
    response = client.post(
        path,
        input_stream=io.BytesIO(b"title=" + b"x" * (limit + 10)),
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


def test_every_page_carries_the_security_headers_and_no_inline_script(
    app: Flask, client: FlaskClient
) -> None:
    responses = {page: client.get(page) for page in ("/login", "/public/", "/nowhere")}
    clerk = app.test_client()
    Browser(clerk).login("zhangsan")
    responses["/ (inbox)"] = clerk.get("/")
    assert responses["/ (inbox)"].status_code == 200
    Browser(client).login("admin")
    sheet = re.search(r'href="(/instances/\d+/sheet)"', client.get("/documents").text).group(1)
    for page in ("/audit/instances", "/documents", "/admin/tasks", "/admin/calendar", sheet):
        responses[page] = client.get(page)
        assert responses[page].status_code == 200, page
    for page, response in responses.items():
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Server" not in headers
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page
        assert not re.search(r"\son[a-z]+=", html), page
        assert not re.search(r"\sstyle=", html), page


# -- sign-in --------------------------------------------------------------------------------


def sign_in(client: FlaskClient, username: str, password: str, address: str) -> tuple[int, str]:
    browser = Browser(client)
    browser.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": browser.token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code, response.get_data(as_text=True)


def test_failed_sign_ins_are_throttled_per_user_and_per_address(app: Flask) -> None:
    clock = get_engine(app).clock
    assert isinstance(clock, ManualClock)
    for attempt in range(5):  # a stranger guessing lisi's password at one desk
        status, html = sign_in(app.test_client(), "lisi", f"guess{attempt}", "10.0.0.66")
        assert status == 401 and "用户名或密码错误" in html
    status, html = sign_in(app.test_client(), "lisi", "demo", "10.0.0.66")  # right, but too late
    assert status == 429 and "登录失败次数过多" in html and "15 分钟" in html
    assert sign_in(app.test_client(), "wangwu", "demo", "10.0.0.66")[0] == 302  # others go on
    # lisi at his own desk is not locked out by the stranger's guesses
    assert sign_in(app.test_client(), "lisi", "demo", "10.0.0.9")[0] == 302

    clock.advance(minutes=15, seconds=1)
    assert sign_in(app.test_client(), "lisi", "demo", "10.0.0.66")[0] == 302

    for attempt in range(30):  # guesses at one name spread over many addresses
        assert sign_in(app.test_client(), "lisi", "x", f"10.7.{attempt}.1")[0] == 401
    assert sign_in(app.test_client(), "lisi", "demo", "10.0.0.9")[0] == 429
    clock.advance(minutes=15, seconds=1)
    assert sign_in(app.test_client(), "lisi", "demo", "10.0.0.9")[0] == 302

    for attempt in range(20):  # one address guessing many names
        assert sign_in(app.test_client(), f"nobody{attempt}", "x", "10.9.9.9")[0] == 401
    assert sign_in(app.test_client(), "zhaoliu", "demo", "10.9.9.9")[0] == 429
    assert sign_in(app.test_client(), "zhaoliu", "demo", "10.9.9.8")[0] == 302


def test_the_addresses_of_one_ipv6_network_are_throttled_as_one(app: Flask) -> None:
    """A home or an office is given a whole IPv6 /64: each new address in it is no new desk."""
    for attempt in range(20):  # one network guessing many names, each time from a new address
        address = f"2001:db8:1:2::{attempt + 1:x}"
        assert sign_in(app.test_client(), f"nobody{attempt}", "x", address)[0] == 401
    assert sign_in(app.test_client(), "zhaoliu", "demo", "2001:db8:1:2:ffff::9")[0] == 429
    assert sign_in(app.test_client(), "zhaoliu", "demo", "2001:db8:1:3::1")[0] == 302
    # an IPv4 client as a dual-stack server names it is that IPv4 address
    assert client_network("::ffff:10.1.2.3") == client_network("10.1.2.3") == "10.1.2.3"
    assert client_network("not an address") == "not an address"


def test_unknown_and_known_names_get_the_same_answer(app: Flask) -> None:
    engine: Engine = get_engine(app)
    answers = []
    for name in ("lisi", "no-such-user", "li\x00si", "\u202eisil"):
        with pytest.raises(SignInFailedError) as failed:
            engine.users.authenticate(name, "wrong", "10.1.1.1")
        answers.append(str(failed.value))
    assert len(set(answers)) == 1
    for _ in range(5):
        with pytest.raises(SignInFailedError):
            engine.users.authenticate("another-nobody", "wrong", "10.1.1.2")
    with pytest.raises(SignInThrottledError) as throttled:
        engine.users.authenticate("another-nobody", "wrong", "10.1.1.2")
    assert 0 < throttled.value.retry_after <= timedelta(minutes=15).total_seconds()


def test_a_full_width_user_name_signs_in_as_its_plain_form(app: Flask) -> None:
    assert sign_in(app.test_client(), "ｌｉｓｉ", "demo", "10.2.2.2")[0] == 302


@pytest.mark.parametrize("name", ["lisi", "nobody-at-all", "a name no user can have!", "inactive"])
def test_every_failed_sign_in_checks_one_password_hash(
    app: Flask, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # A name nobody has must cost the hash a real one does, or the time of the answer
    # tells who exists.
    engine = get_engine(app)
    engine.users.add("inactive", ["drafter"], "停用", "demo")
    engine.users.deactivate("admin", "inactive")
    checked: list[str] = []
    real = users_module._password_matches

    def counted(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(users_module, "_password_matches", counted)
    with pytest.raises(SignInFailedError):
        engine.users.authenticate(name, "wrong-password", "10.3.3.3")
    assert len(checked) == 1


# -- input that once made the server fail -------------------------------------------------

BIG = str(2**63)


@pytest.mark.parametrize(
    "path",
    [
        f"/documents/{BIG}",
        f"/attachments/{BIG}",
        f"/instances/{BIG}/sheet",
        f"/public/{BIG}",
        "/public/2147483648",
        "/documents/0",
        "/tasks/not-a-task",
        "/tasks/%00",
    ],
)
def test_ids_out_of_range_are_not_found(client: FlaskClient, path: str) -> None:
    Browser(client).login("qianyi")
    assert client.get(path).status_code == 404


def test_control_characters_are_refused_field_by_field(app: Flask, client: FlaskClient) -> None:
    engine = get_engine(app)
    browser = Browser(client).login("zhangsan")
    path = task_link(browser.get("/"))
    browser.get(path)
    html = browser.post(
        path,
        {
            "title": "标题\x00",
            "doc_type": "general",
            "body": "正文\x00",
            "attribute": "withheld",
            "attribute_reason": "理由\x07",
        },
        status=422,
    )
    for field in ("title", "body", "attribute_reason"):
        assert re.search(rf'id="{field}-error">不能含有控制字符', html), field
    assert sign_in(app.test_client(), "zhang\x00san", "demo", "10.3.3.3")[0] == 401

    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/calendar")
    html = admin.post("/admin/calendar", {"schedule": "2027-01-01 holiday 元旦\x00"}, status=400)
    assert "备注：不能含有控制字符" in html
    with pytest.raises(NotFoundError, match=r"user\.not_found"):
        engine.users.get("li\x00si")


def test_a_look_alike_number_prefix_is_refused(app: Flask, client: FlaskClient) -> None:
    engine = get_engine(app)
    office = Browser(client).login("wangwu")
    office.get("/")
    lisi = Browser(app.test_client()).login("lisi")
    review = task_link(lisi.get("/"))
    lisi.get(review)
    lisi.post(review, {"decision": "approve", "attribute": "on_request"})
    path = task_link(office.get("/"), "办公室审核（公开属性）")
    for prefix, problem in (
        ("威政办发\u200b", "不可见字符"),
        ("\u200f威政办发", "改变文字方向"),
        ("威政 办发", "不可见字符（空格）"),  # a space named in words, not U+0020
        ("威政办发〔2026〕", "发文机关代字"),  # the year is the number's own: 〔2026〕〔2026〕1号
        ("威政办发12号", "发文机关代字"),
    ):
        office.get(path)
        html = office.post(
            path, {"decision": "approve", "attribute": "on_request", "number_prefix": prefix}, 422
        )
        assert re.search(rf'id="number_prefix-error">[^<]*{problem}', html), (prefix, html[-800:])
    assert 'aria-describedby="number_prefix-hint' in office.get(path)
    office.post(
        path, {"decision": "approve", "attribute": "on_request", "number_prefix": "威政办发"}
    )
    assert engine.queries.list_tasks("zhaoliu")
    leader = Browser(app.test_client()).login("zhaoliu")
    sign_off = leader.get(task_link(leader.get("/")))
    assert "威政办发（签发时编入年份和序号）" in sign_off


def test_a_null_character_in_any_input_is_refused_never_a_server_error(app: Flask) -> None:
    """PostgreSQL keeps no NUL in text: it is refused, saying so, where SQLite reads it."""
    sqlite = get_engine(app).db.is_sqlite
    public = Browser(app.test_client())
    public.get("/public/status")
    html = public.post(
        "/public/status",
        {"tracking_number": "GK\x00", "query_code": "X"},
        status=404 if sqlite else 400,
    )
    assert sqlite or "空字符" in html
    for user, path in (
        ("wujiu", "/requests?number=%00"),
        ("admin", "/admin/users?q=%00"),
        ("qianyi", "/audit/instances?actor=%00"),
    ):
        page = Browser(app.test_client()).login(user).get(path, 200 if sqlite else 400)
        assert sqlite or "空字符" in page


def test_signed_in_pages_are_not_kept_by_the_browser(app: Flask) -> None:
    office = app.test_client()
    Browser(office).login("wujiu")
    for path in ("/", "/requests", "/mine"):
        answer = office.get(path)
        assert answer.headers.get("Cache-Control") == "private, no-store", path
    assert "no-store" not in office.get("/static/style.css").headers.get("Cache-Control", "")
    assert "Cache-Control" not in app.test_client().get("/public/").headers


def test_a_form_over_its_own_limits_is_refused_naming_them(app: Flask, client: FlaskClient) -> None:
    # Within the request's limit (room for attachments: 41 MB by default), a field's text or
    # the number of fields may still be too much: the answer names the form's limits.
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BYTES * 2 + 2**20
    browser = Browser(client)
    browser.get("/public/request")
    many = {f"f{n}": "x" for n in range(app.config["MAX_FORM_PARTS"] + 1)}
    long_field = {"description": "申" * app.config["MAX_FORM_MEMORY_SIZE"]}
    for data in (many, long_field):
        html = browser.post("/public/request", data, status=413, content_type="multipart/form-data")
        assert "提交的表单太大：文字一次最多 512 KB，栏目最多 1000 个" in html, html[-400:]
        assert "附件" not in html


def test_a_form_without_files_is_held_to_the_forms_limit_not_the_requests(
    app: Flask, client: FlaskClient
) -> None:
    # werkzeug holds it only to the request's limit: 40 MB of "a=1&" were parsed whole,
    # seconds and gigabytes for one post.  2 MB of them took 0.5 s before being refused.
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BYTES * 2 + 2**20
    browser = Browser(client)
    browser.get("/public/request")
    body = f"csrf_token={browser.token}&" + "a=1&" * (2 * 2**20 // 4)
    kind = "application/x-www-form-urlencoded"
    chunked = {
        "input_stream": io.BytesIO(body.encode()),
        "environ_overrides": {"wsgi.input_terminated": True},
    }
    for sent in ({"data": body}, chunked):
        started = time.process_time()
        response = client.post("/public/request", content_type=kind, **sent)
        assert response.status_code == 413
        assert time.process_time() - started < 0.3
        assert "文字一次最多 512 KB" in response.get_data(as_text=True)
    # a form of the longest text a field may hold is read
    html = browser.post("/public/request", {"description": "申" * 4000}, status=422)
    assert "申" * 4000 in html
