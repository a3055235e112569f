"""Attacks from outside and by signed-in users of low privilege, on SQLite and PostgreSQL.

Each test here failed before the fix it names: a number no row can have
in a page's address gave a server error; a session planted before sign-in
(and its CSRF token) survived it, and a session cookie opened the account
for ever; any Host was believed; a script worker inherited the server's
secrets; a file someone uploaded could be shown as a page.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import Connection
from werkzeug.test import EnvironBuilder

from engine import Engine, FormValidationError, NotFoundError, PermissionDeniedError
from engine.attachments import Upload
from engine.definitions import compile_definition, read_files
from engine.disclosure.requests.store import RequestStore
from engine.restricted import HELPERS
from engine.sandbox import Sandbox, worker_environment
from engine.store.repository import Repository
from webui import create_app, get_engine
from webui.auth import SIGNED_IN_AT
from webui.observability import REQUEST_LOGGER, PlainFormatter

from .conftest import WORKFLOWS
from .helpers import while_another_writes
from .web import CSRF, Browser, task_id_of, task_link

#: numbers no row has: beyond PostgreSQL's integer, beyond SQLite's, and thousands of digits
HUGE = (str(2**40), str(2**70), "9" * 5000, "-1", "0", "²⁰²⁶", "٢٠٢٦")

#: (user, page, parameter) of every list paged or filtered by a number in its address
NUMBERED_PAGES = [
    ("zhangsan", "/mine", "before"),
    ("zhangsan", "/mine", "year"),
    ("zhangsan", "/documents", "before"),
    ("zhangsan", "/documents", "year"),
    ("zhangsan", "/public/", "before"),
    ("zhangsan", "/public/", "year"),
    ("zhengshi", "/requests", "before"),
    ("qianyi", "/audit/instances", "before"),
    ("qianyi", "/audit/instances/1", "from"),
    ("qianyi", "/audit/instances/1/steps", "from"),
    ("wangwu", "/office/catalogue", "after"),
    ("wangwu", "/office/catalogue/unfiled", "before"),
    ("wangwu", "/office/oversight", "year"),
    ("wangwu", "/office/oversight", "quarter"),
    ("wangwu", "/office/oversight.csv", "year"),
    ("wangwu", "/office/oversight.xlsx", "quarter"),
    ("admin", "/admin/users/zhangsan", "before"),
]


def test_numbers_no_row_can_have_in_an_address_get_an_answer_not_a_server_error(
    app: Flask,
) -> None:
    signed_in: dict[str, FlaskClient] = {}
    wrong = []
    for user, page, name in NUMBERED_PAGES:
        if user not in signed_in:
            signed_in[user] = Browser(app.test_client()).login(user).client
        for value in HUGE:
            # TESTING: an exception in a view reaches the test instead of becoming a 500.
            status = signed_in[user].get(page, query_string={name: value}).status_code
            if status not in (200, 400):
                wrong.append(f"{user} {page}?{name}={value[:12]}: {status}")
    assert not wrong, wrong
    # The engine, asked directly (as the CLI or another page might), gives the first page.
    first = get_engine(app).drafts.mine("zhangsan")
    assert get_engine(app).drafts.mine("zhangsan", None, None, 2**70) == first


# -- sessions -------------------------------------------------------------------------------


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_sign_in_starts_a_new_session_with_a_new_csrf_token(app: Flask) -> None:
    # An attacker who planted his own session cookie (and so knows its CSRF token)
    # in the victim's browser learns nothing that works after the victim signs in.
    attacker = Browser(app.test_client())
    attacker.get("/login")
    planted, known_token = _session_cookie(attacker.client), attacker.token

    victim = Browser(app.test_client())
    victim.client.set_cookie("session", planted)
    with victim.client.session_transaction() as session:
        session["lang"] = "en"
    victim.token = known_token
    assert victim.post("/login", {"username": "admin", "password": "demo"}) == "/admin/tasks"
    with victim.client.session_transaction() as session:
        assert session.get("lang") == "en"  # the language chosen before stays
        assert SIGNED_IN_AT in session
    forged = victim.client.post(
        "/admin/users/zhangsan/deactivate", data={"csrf_token": known_token}
    )
    assert forged.status_code == 400
    assert get_engine(app).users.get("zhangsan").active

    victim.get("/admin/users")  # the new session's own token works
    assert victim.post("/admin/users/nobody/deactivate", status=404)


def test_signing_out_clears_the_session(app: Flask) -> None:
    browser = Browser(app.test_client()).login("zhangsan")
    browser.get("/")
    old_token = browser.token
    assert browser.post("/logout") == "/login"
    with browser.client.session_transaction() as session:
        assert set(session) <= {"lang", "_flashes"}
    browser.get("/login")
    assert browser.token != old_token


def test_a_session_cookie_kept_after_signing_out_opens_nothing(app: Flask) -> None:
    # Left on a shared computer, or copied before: the cookie is signed, not stored,
    # so only the server's record of the sign-out can end it.
    browser = Browser(app.test_client()).login("zhangsan")
    copied = _session_cookie(browser.client)
    elsewhere = Browser(app.test_client()).login("zhangsan")  # his other computer
    assert browser.post("/logout") == "/login"
    thief = app.test_client()
    thief.set_cookie("session", copied)
    for client in (thief, elsewhere.client):
        response = client.get("/mine")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Other users' sessions go on; signing in again opens a new one.
    assert Browser(app.test_client()).login("lisi").client.get("/mine").status_code == 200
    assert Browser(app.test_client()).login("zhangsan").client.get("/mine").status_code == 200


def test_a_session_cookie_opens_the_account_only_for_the_session_hours(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = Browser(app.test_client()).login("zhangsan")
    copied = _session_cookie(browser.client)
    assert browser.client.get("/mine").status_code == 200
    later = time.time() + 12 * 3600 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/mine")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert browser.client.get("/mine").status_code == 302


def test_a_password_set_anew_ends_the_sessions_signed_in_with_the_old_one(app: Flask) -> None:
    # The admin resets the password of an account someone else got into: the
    # intruder's session (a copied cookie) ends, and so does every other one.
    user = Browser(app.test_client()).login("zhangsan")
    intruder = app.test_client()
    intruder.set_cookie("session", _session_cookie(user.client))
    assert intruder.get("/mine").status_code == 200
    get_engine(app).users.set_password("admin", "zhangsan", "a-new-password-9")
    for client in (intruder, user.client):
        response = client.get("/mine")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Other users' sessions go on; the new password opens a new one.
    assert Browser(app.test_client()).login("lisi").client.get("/").status_code == 200
    again = Browser(app.test_client()).login("zhangsan", "a-new-password-9")
    assert again.client.get("/mine").status_code == 200


def test_a_session_signed_without_signing_in_opens_nothing(app: Flask) -> None:
    # A session holding a user but no sign-in time (as one signed with a leaked
    # key, or from before sign-ins were timed) is not a sign-in.
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["_user_id"] = "admin"
        session["_fresh"] = True
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- the Host header --------------------------------------------------------------------------


def test_a_host_not_among_the_trusted_hosts_is_refused(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_TRUSTED_HOSTS", "gongkai.example.gov.cn, localhost")
    trusting = create_app({"ENGINE": get_engine(app), "TESTING": True})
    client = trusting.test_client()
    evil = client.get("/public/", headers={"Host": "evil.example"})
    assert evil.status_code == 400 and "evil.example" not in evil.get_data(as_text=True)
    good = client.get("/public/", headers={"Host": "gongkai.example.gov.cn"})
    assert good.status_code == 200
    assert client.get("/public/").status_code == 200  # localhost


def _answer(app: Flask, path: str, host: str) -> tuple[int, str]:
    """Return the status and text of a GET handed to the app as a server hands it on."""
    # (not through the test client: it reads the address itself, and would fail first)
    environ = EnvironBuilder(path=path, headers={"Host": host}).get_environ()
    started: list[str] = []
    body = b"".join(app(environ, lambda status, headers, *_: started.append(status)))
    return int(started[0].split()[0]), body.decode("utf-8")


def test_a_host_header_that_names_no_host_is_refused_not_a_server_error(app: Flask) -> None:
    """With any host trusted (no GONGKAI_TRUSTED_HOSTS), the page's address is built from it."""
    for host in ("xn--", "xn--a.example", "a.xn--zz"):
        for path in ("/documents", "/public/", "/tasks/7a981f96-012a-474f-82a3-53b5fba771a2"):
            status, text = _answer(app, path, host)
            assert status == 400 and "Host" in text, (host, path, status)
    assert _answer(app, "/documents", "gongkai.example.gov.cn")[0] == 302


# -- script workers ---------------------------------------------------------------------------


def test_script_workers_are_not_given_the_servers_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = {
        "GONGKAI_SECRET_KEY": "kV3-8sQ_pz1XcL0mW9rT2yB7nF5hJ4dG6aE",
        "GONGKAI_DATABASE_URL": "postgresql://gongkai:hunter2@db/gongkai",
        "GONGKAI_CHECKPOINT_KEY": "0" * 64,
        "PGPASSWORD": "hunter2",
        "SOME_API_TOKEN": "t0ken",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    assert not set(secrets) & set(worker_environment(dict(__import__("os").environ)))
    assert worker_environment({"PATH": "/usr/bin", "LANG": "C.UTF-8"}) == {
        "PATH": "/usr/bin",
        "LANG": "C.UTF-8",
    }
    sandbox = Sandbox(HELPERS)
    try:
        assert sandbox.evaluate("1 + 1", {}, 10) == 2
        (worker,) = sandbox._idle
        environ = Path(f"/proc/{worker.process.pid}/environ").read_bytes()
    finally:
        sandbox.close()
    for value in secrets.values():
        assert value.encode() not in environ


# -- files people uploaded --------------------------------------------------------------------

PDF = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n"
#: a draft that may be submitted with an attachment
DRAFT = {
    "title": "关于附件的通知",
    "doc_type": "general",
    "body": "正文。",
    "attribute": "on_request",
    "attribute_reason": "内部事项",
}


def test_uploaded_files_and_bpmn_files_may_run_nothing_if_opened(app: Flask) -> None:
    engine: Engine = get_engine(app)
    instance = engine.start("document_approval", "zhangsan")
    task = instance.ready_tasks[0]
    done = engine.complete_task(
        task.task_id, "zhangsan", DRAFT, files={"attachment": Upload("方案 <b>.pdf", PDF)}
    )
    attachment = done.data["attachment"]["id"]
    client = Browser(app.test_client()).login("zhangsan").client
    response = client.get(f"/attachments/{attachment}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "<" not in response.headers["Content-Disposition"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    page = client.get(f"/tasks/{done.ready_tasks[0].task_id}")
    diagram = re.search(r'data-bpmn-url="([^"]+)"', page.get_data(as_text=True))
    xml_url = diagram.group(1) if diagram else "/diagrams/1/document_approval.bpmn"
    xml = client.get(xml_url)
    assert xml.status_code == 200, xml_url
    assert "sandbox" in xml.headers["Content-Security-Policy"]


def test_markup_in_a_title_and_a_search_is_shown_as_text(app: Flask) -> None:
    mark = '<img src=x onerror="alert(1)">'
    browser = Browser(app.test_client()).login("zhangsan")
    browser.get("/drafts/new")
    location = browser.post(
        "/drafts/new",
        {
            "title": f"关于{mark}的通知",
            "doc_type": "general",
            "body": f"正文{mark}",
            "attribute": "on_request",
            "attribute_reason": mark,
            "action": "save",
            "attachment": (io.BytesIO(PDF), "<img src=x onerror=alert(1)>.pdf"),
        },
        content_type="multipart/form-data",
    )
    for page in (location, "/", "/mine", f"/documents?q={mark}", f"/public/?q={mark}"):
        html = browser.client.get(page).get_data(as_text=True)
        assert "<img src=x" not in html, page


# -- headers ----------------------------------------------------------------------------------


def test_https_sites_ask_browsers_to_stay_on_https(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    assert plain.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    monkeypatch.setenv("GONGKAI_SECURE_COOKIES", "1")
    secure = create_app({"ENGINE": get_engine(app), "TESTING": True})
    answer = secure.test_client().get("/login")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_an_appeal_number_no_row_can_have_is_not_found(app: Flask) -> None:
    browser = Browser(app.test_client()).login("wangwu")
    browser.get("/report/appeals")
    for case in (2**40, 2**70):
        path = f"/report/appeals/{case}/decide"
        browser.post(path, {"result": "upheld", "decided_on": "2026-11-30"}, status=404)
    with pytest.raises(NotFoundError):
        get_engine(app).appeals.decide("wangwu", 2**70, "upheld", "2026-11-30")


def test_a_department_name_is_never_a_formula_in_the_oversight_exports(app: Flask) -> None:
    engine = get_engine(app)
    name = '=HYPERLINK("http://evil.example","点击")'
    engine.users.add_department("admin", name)
    engine.users.add("drafter3", ["drafter"], "起草人三", "demo", name)
    engine.start("document_approval", "drafter3")
    client = Browser(app.test_client()).login("wangwu").client
    csv_text = client.get("/office/oversight.csv").get_data(as_text=True)
    assert f"'{name}" in csv_text.replace('""', '"')
    assert not re.search(r'^"?=HYPERLINK', csv_text, re.M)
    book = load_workbook(io.BytesIO(client.get("/office/oversight.xlsx").data))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)


# -- what a refusal tells ------------------------------------------------------------------


def test_a_task_refused_to_someone_outside_its_group_names_no_one_working_on_it(
    app: Flask,
) -> None:
    engine = get_engine(app)
    head = Browser(app.test_client()).login("lisi")
    task_id = task_id_of(task_link(head.get("/")))
    engine.claim(task_id, "lisi")

    # The publisher learns that the task is not his group's, not who took it.
    outsider = Browser(app.test_client()).login("zhouba")
    page = outsider.get(f"/tasks/{task_id}", status=403)
    assert "李四" not in page and "认领" not in page
    assert "周八 不属于“处室负责人”" in page
    answer = outsider.post(f"/tasks/{task_id}", {"decision": "approve"}, status=403)
    assert "李四" not in answer


def test_withdrawing_or_deleting_a_case_one_may_not_read_tells_nothing_of_it(app: Flask) -> None:
    # Whether a case exists, and whether it is finished, are part of reading it: someone
    # who may not read a case learns neither by trying to take it back or delete it.
    engine = get_engine(app)
    approvals = engine.queries.list_instances(process_id="document_approval")
    finished = next(i.id for i in approvals if i.status == "completed")
    running = next(i.id for i in approvals if i.status == "running")
    nowhere = max(i.id for i in engine.queries.list_instances()) + 1000
    handler = Browser(app.test_client()).login("zhengshi")  # reads no document's case
    for action in ("withdraw", "delete"):
        answers = set()
        for case in (finished, running, nowhere):
            response = handler.client.post(
                f"/drafts/{case}/{action}", data={"csrf_token": handler.token}
            )
            # The CSRF token is signed with the second it was made: not part of the answer.
            page = CSRF.sub("csrf_token", response.get_data(as_text=True))
            answers.add((response.status_code, page))
        assert [status for status, _ in answers] == [403], (action, answers)
    for case in (finished, running, nowhere):
        with pytest.raises(PermissionDeniedError, match=r"read\.refused"):
            engine.drafts.withdraw(case, "zhengshi")
        with pytest.raises(PermissionDeniedError, match=r"read\.refused"):
            engine.delete_draft(case, "zhengshi")
    # The auditor reads every case: he is told what there is and is not.
    with pytest.raises(NotFoundError):
        engine.drafts.withdraw(nowhere, "qianyi")
    with pytest.raises(PermissionDeniedError, match=r"draft\.not_yours"):
        engine.delete_draft(running, "qianyi")


def test_methods_a_client_makes_up_add_no_series_to_the_metrics(app: Flask) -> None:
    # Each method measured by its name was a counter and a histogram kept for good: a
    # stranger sending FOOA, FOOB, … grew the metrics (and their files) without end.
    client = app.test_client()
    made_up = [f"X{n:05d}Q" for n in range(50)]
    for method in [*made_up, "GET"]:
        with client.open("/public/", method=method) as response:  # closed: then measured
            assert response.status_code == (200 if method == "GET" else 405)
    text = client.get("/metrics").get_data(as_text=True)
    methods = set(re.findall(r'^gongkai_http_requests_total\{[^}]*method="([^"]*)"', text, re.M))
    assert "GET" in methods and "OTHER" in methods
    assert not methods & set(made_up)


def test_a_path_cannot_write_a_line_of_its_own_into_the_plain_log(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    # The path is decoded before it is logged: /x%0A… wrote a second, forged request line
    # (and %1B… a terminal's escape codes) into a log read as plain text.
    forged = "2026-11-29T20:00:00.000+00:00 INFO gongkai.http: request method=POST path=/login"
    client = app.test_client()
    path = "/x%0A" + forged.replace(" ", "%20") + "%1B[2J"
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER), client.get(path) as response:
        assert response.status_code == 404
    (record,) = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    line = PlainFormatter().format(record)
    assert "\n" not in line and "\x1b" not in line
    assert "path=/x\\n2026-11-29T20:00:00.000+00:00 INFO gongkai.http: request" in line


def _docx_with_pictures(count: int) -> bytes:
    """Return a DOCX-shaped zip holding ``count`` (empty) pictures beside its text."""
    made = io.BytesIO()
    with zipfile.ZipFile(made, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(count):
            archive.writestr(f"word/media/image{n:06d}.png", b"")
    return made.getvalue()


def test_a_docx_with_a_huge_table_of_contents_is_refused_before_it_is_read(app: Flask) -> None:
    # zipfile makes an object of every entry of the table: 18 MB of one-letter entries (an
    # attachment within its 20 MB) cost 5 s and 120 MB to find word/document.xml in it.
    engine = Engine(get_engine(app).db, get_engine(app).clock)  # attachments up to 20 MB
    instance = engine.start("document_approval", "zhangsan")
    task_id = instance.ready_tasks[0].task_id
    huge = Upload("方案.docx", _docx_with_pictures(30_000))
    with pytest.raises(FormValidationError) as refused:
        engine.complete_task(task_id, "zhangsan", DRAFT, files={"attachment": huge})
    assert [p.code for p in refused.value.errors["attachment"]] == ["attachment.content"]
    assert engine.queries.get_instance(instance.id).version == instance.version
    pictures = Upload("方案.docx", _docx_with_pictures(300))
    done = engine.complete_task(task_id, "zhangsan", DRAFT, files={"attachment": pictures})
    assert done.data["attachment"]["filename"] == "方案.docx"


def test_an_item_two_replies_give_out_at_once_is_proposed_once_without_a_server_error(
    engine: Engine,
) -> None:
    # Two cases signed off at once, each the third applicant given the item: each case locks
    # only its own row, so both count three and both propose it (Art. 44).
    proposed: list[bool] = []

    def propose(item: str = "document:7") -> None:
        with engine.store.write() as repo:
            store = RequestStore(repo.connection)
            proposed.append(store.propose(item, 3, "2026-09-18T02:00:00+00:00"))

    first = (
        "INSERT INTO proactive_proposals (item, applicants, created_at)"
        " VALUES ('document:7', 3, '2026-09-18T02:00:00+00:00')"
    )
    while_another_writes(engine, first, {}, propose)
    assert proposed == [False]
    propose()
    propose("document:8")
    assert proposed == [False, False, True]


def test_a_workflow_deployed_twice_at_once_is_one_version_without_a_server_error(
    engine: Engine,
) -> None:
    # Two clicks on 部署 with the same file (or two admins): both find it not deployed yet.
    files = read_files(sorted(WORKFLOWS.glob("*.bpmn")))
    compiled = compile_definition(files, engine.deploy_rules(False))
    processes = [(p.process_id, p.name, p.file) for p in compiled.processes.values()]
    first: list[int | None] = []

    def deploy_first(connection: Connection) -> None:
        repo = Repository(connection, row_locks=False)
        first.append(
            repo.insert_definition(compiled.content_hash, files, "now", "admin", processes)
        )

    results = []
    while_another_writes(
        engine, deploy_first, {}, lambda: results.append(engine.deploy_files(files, "root"))
    )
    (second,) = results
    assert first[0] is not None and second.definition_id == first[0] and not second.created


def test_a_holiday_schedule_loaded_twice_at_once_is_loaded_once_without_a_server_error(
    engine: Engine,
) -> None:
    # Two clicks on 上传 with a new year's schedule: neither finds its days loaded.
    first = (
        "INSERT INTO calendar_days (day, working, note, loaded_by, loaded_at)"
        " VALUES ('2029-01-01', false, '元旦', 'admin', '2026-11-30T01:00:00+00:00')"
    )
    loaded: list[int] = []
    schedule = "2029-01-01 holiday 元旦（再次）\n2029-01-02 holiday 补休\n"
    while_another_writes(
        engine, first, {}, lambda: loaded.append(engine.calendar.load(schedule, "root"))
    )
    assert loaded == [2]
    with engine.store.read() as repo:
        rows = repo.connection.execute(
            sqlalchemy.text("SELECT day, note FROM calendar_days ORDER BY day")
        ).all()
    assert [tuple(r) for r in rows] == [("2029-01-01", "元旦（再次）"), ("2029-01-02", "补休")]


def test_head_on_a_page_with_a_form_answers_as_get_and_submits_nothing(app: Flask) -> None:
    # HEAD was neither GET nor POST to these views: one fell through to a server error,
    # others ran the form's submission (unchecked for CSRF, which guards POST only).
    admin = Browser(app.test_client()).login("admin")
    office = Browser(app.test_client()).login("wangwu")
    entry = re.search(r"/office/catalogue/(\d+)", office.get("/office/catalogue"))
    assert entry is not None
    for browser, path in (
        (admin, "/admin/agency"),
        (admin, "/admin/users/lisi"),
        (office, "/office/catalogue/new"),
        (office, f"/office/catalogue/{entry.group(1)}/edit"),
    ):
        head = browser.client.head(path, data={"display_name": "改名", "name": "新事项"})
        assert head.status_code == 200 == browser.client.get(path).status_code, path
        assert head.get_data() == b""
    assert "改名" not in admin.get("/admin/users/lisi")
