"""The JSON API: tokens, need to know, the flows, races and refusals, on real databases."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from engine import Engine, InvalidInputError, NotFoundError
from engine.attachments import DEFAULT_MAX_BYTES
from engine.tokens import TOKEN, token_hash
from webui import create_app
from webui.api.views import BODY_LIMIT
from webui.cli import main
from webui.demo import DEMO_DEPARTMENT

from .conftest import TEST_BPMN
from .test_accessibility import audit
from .web import Browser

API = "/api/v1"


def _engine(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def system(app: Flask, name: str, roles: list[str], department: str | None = None) -> str:
    """Add a system (a user without a password) and return a token of it."""
    engine = _engine(app)
    engine.users.add(name, roles, name.upper(), department=department, new_groups=True)
    return engine.tokens.issue(name, f"{name} test").token


class Caller:
    """One system calling the API with its token."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.get(API + path, headers=self.headers, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.json)
        return response.json

    def post(self, path: str, body: Any = None, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.post(API + path, json=body, headers=self.headers, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.json)
        assert "Set-Cookie" not in response.headers
        return response.json


def _draft(title: str = "关于开展政务公开培训的通知") -> dict[str, Any]:
    return {
        "title": title,
        "doc_type": "general",
        "body": "各处室：现就政务公开培训有关事项通知如下。",
        "attribute": "on_request",
        "attribute_reason": "仅涉及内部培训安排。",
    }


def _submitted(app: Flask, client: FlaskClient) -> tuple[Caller, dict[str, Any]]:
    """Let a drafting system submit a document; return it and the new instance."""
    erp = Caller(client, system(app, "erp", ["drafter"], DEMO_DEPARTMENT))
    body = {"data": _draft(), "submit": True}
    return erp, erp.post("/processes/document_approval/instances", body, 201)


# -- tokens ------------------------------------------------------------------------------


def test_a_token_is_shown_once_kept_as_a_hash_and_can_be_revoked(app: Flask) -> None:
    engine = _engine(app)
    engine.users.add("erp", ["drafter"], "ERP")
    issued = engine.tokens.issue("erp", "  ERP   2026 ")
    assert TOKEN.match(issued.token) and issued.view.name == "ERP 2026"
    with engine.store.read() as repo:
        rows = repo.connection.execute(sqlalchemy.text("SELECT * FROM api_tokens")).all()
    assert [r.token_hash for r in rows] == [token_hash(issued.token)]
    assert not any(issued.token in str(value) for row in rows for value in row)
    assert engine.tokens.authenticate(issued.token) == "erp"
    other = engine.tokens.issue("erp", "backup").token
    for wrong in ("", "gk_", issued.token[:-1] + "x", issued.token + "x", "x" * 5000, "\x00"):
        assert engine.tokens.authenticate(wrong) is None
    revoked = engine.tokens.revoke(issued.view.id, "admin")
    assert revoked.revoked_by == "admin" and revoked.revoked_at
    assert engine.tokens.authenticate(issued.token) is None
    assert engine.tokens.authenticate(other) == "erp"
    assert engine.tokens.revoke(issued.view.id).revoked_at == revoked.revoked_at
    assert [(t.name, bool(t.revoked_at)) for t in engine.tokens.list("erp")] == [
        ("ERP 2026", True),
        ("backup", False),
    ]
    with pytest.raises(NotFoundError):
        engine.tokens.issue("nobody", "x")
    with pytest.raises(InvalidInputError):
        engine.tokens.issue("erp", " ")
    with pytest.raises(NotFoundError):
        engine.tokens.revoke(10**12)


def test_calls_without_a_valid_token_answer_401_in_json(app: Flask, client: FlaskClient) -> None:
    token = system(app, "erp", ["drafter"], DEMO_DEPARTMENT)
    wrong = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    for headers in ({}, {"Authorization": f"Basic {token}"}, {"Authorization": f"Bearer {wrong}"}):
        response = client.get(f"{API}/tasks", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["code"] in ("auth.token_required", "auth.token_invalid")
        assert "Set-Cookie" not in response.headers
    # A person's session is no way in: the API reads tokens only (no CSRF token needed).
    browser = Browser(client).login("zhangsan")
    assert client.get(f"{API}/tasks").status_code == 401
    assert client.post(f"{API}/messages", json={"name": "x"}).status_code == 401
    assert browser.client.get(f"{API}/tasks", headers={"Authorization": f"Bearer {token}"}).json
    _engine(app).tokens.revoke(_engine(app).tokens.list("erp")[0].id)
    response = client.get(f"{API}/tasks", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 401 and response.json["code"] == "auth.token_invalid"


def test_tokens_on_the_command_line(runner_url: str) -> None:
    runner = CliRunner(env={"GONGKAI_DATABASE_URL": runner_url})
    assert runner.invoke(main, ["init-db"]).exit_code == 0
    assert runner.invoke(main, ["users", "add", "erp", "--role", "drafter"]).exit_code == 0
    added = runner.invoke(main, ["tokens", "add", "erp", "--name", "ERP"])
    assert added.exit_code == 0, added.output
    token = added.stdout.splitlines()[1]
    assert TOKEN.match(token)
    listed = runner.invoke(main, ["tokens", "list"]).stdout
    assert listed.startswith("1\terp\tERP\t") and "active" in listed and token not in listed
    assert runner.invoke(main, ["tokens", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(main, ["tokens", "list", "--user", "erp"]).stdout
    refused = runner.invoke(main, ["tokens", "add", "nobody", "--name", "x"])
    assert refused.exit_code == 1 and "nobody" in refused.output


@pytest.fixture
def runner_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


# -- the flows -----------------------------------------------------------------------------


def test_systems_draft_review_and_read_a_document(app: Flask, client: FlaskClient) -> None:
    erp, started = _submitted(app, client)
    assert started["status"] == "running" and started["started_by"] == "erp"
    assert [t["element_id"] for t in started["ready_tasks"]] == ["dept_review"]
    assert erp.get("/tasks")["total"] == 0
    head = Caller(client, system(app, "oa", ["dept_head"], DEMO_DEPARTMENT))
    inbox = head.get("/tasks?limit=1")
    task_id = started["ready_tasks"][0]["task_id"]
    rest = {"after": inbox["next_after"], "limit": 200}
    assert inbox["next_after"] and len(inbox["items"]) == 1 and inbox["total"] >= 2
    mine = [*inbox["items"], *head.get("/tasks", query_string=rest)["items"]]
    assert task_id in [t["task_id"] for t in mine] and len(mine) == inbox["total"]

    page = head.get(f"/tasks/{task_id}")
    fields = {f["name"]: f for f in page["form"]["fields"]}
    assert fields["decision"]["required"] and fields["decision"]["choices"]
    assert page["data"]["title"] == _draft()["title"] and "decision" in page["values"]
    claimed = head.post(f"/tasks/{task_id}/claim")
    assert claimed["claimed_by"] == "oa"

    refused = head.post(
        f"/tasks/{task_id}/complete", {"data": {"decision": "maybe"}}, 422, query_string="lang=en"
    )
    assert refused["code"] == "form.invalid"
    assert refused["fields"]["decision"][0]["code"] == "form.not_a_choice"
    assert refused["message"] == "Please correct the problems marked below and submit again."
    kept = {k: v for k, v in page["values"].items() if v is not None}
    version = claimed["instance_version"]
    done = head.post(
        f"/tasks/{task_id}/complete",
        {"data": kept | {"decision": "approve", "comment": "同意。"}, "version": version},
    )
    assert [t["element_id"] for t in done["ready_tasks"]] == ["office_review"]

    instance = erp.get(f"/instances/{started['id']}")
    assert instance["data"]["title"] == _draft()["title"] and instance["version"] > version
    first = erp.get(f"/instances/{started['id']}/history?limit=2")
    assert [e["seq"] for e in first["events"]] == [1, 2] and first["next_seq"] == 3
    rest = erp.get(f"/instances/{started['id']}/history?from_seq=3")
    assert rest["next_seq"] is None and rest["events"][0]["prev_hash"] == first["events"][1]["hash"]
    assert "task_completed" in [e["type"] for e in first["events"] + rest["events"]]


def test_a_draft_is_kept_or_refused_before_anything_exists(app: Flask, client: FlaskClient) -> None:
    erp = Caller(client, system(app, "erp", ["drafter"], DEMO_DEPARTMENT))
    before = len(_engine(app).queries.list_instances("document_approval"))
    refused = erp.post(
        "/processes/document_approval/instances", {"data": {"title": "x"}, "submit": True}, 422
    )
    assert sorted(refused["fields"]) == ["body", "doc_type"]
    assert refused["fields"]["body"][0] == {"code": "form.required", "message": "此项必填。"}
    assert len(_engine(app).queries.list_instances("document_approval")) == before
    draft = erp.post("/processes/document_approval/instances", {"data": {"title": "草稿"}}, 201)
    assert draft["ready_tasks"][0]["element_id"] == "draft"
    assert erp.get(f"/tasks/{draft['ready_tasks'][0]['task_id']}")["drafting"] is True
    # Data of the wrong kind, or a name the body does not have, are refused by the schema.
    bad = erp.post("/processes/document_approval/instances", {"data": "x"}, 422)
    assert bad["code"] == "request.invalid" and "data" in bad["fields"]
    unknown = erp.post("/processes/document_approval/instances", {"dta": {}}, 422)
    assert unknown["fields"]["dta"][0]["code"] == "form.unknown_field"
    assert erp.post("/processes/no_such/instances", {}, 404)["code"] == "process.not_deployed"
    # What gongkai starts under its own rules is not started bare, whatever the roles.
    registry = Caller(client, system(app, "registry", ["registrar", "secrecy_reviewer"]))
    for process in ("disclosure_request", "confidentiality_review"):
        refused = registry.post(f"/processes/{process}/instances", {}, 403)
        assert refused["code"] == "process.desk_only"
    assert erp.post("/processes/proactive_proposal/instances", {}, 403)["code"] == (
        "process.desk_only"
    )
    plain = erp.post("/processes/simple_approval/instances", {"data": {"n": 1}}, 201)
    assert plain["ready_tasks"][0]["element_id"] == "draft" and plain["data"] == {"n": 1}
    refused = registry.post("/processes/simple_approval/instances", {}, 403)
    assert refused["code"] == "process.not_your_group"


def test_odd_requests_get_json_errors_never_a_server_error(app: Flask, client: FlaskClient) -> None:
    erp = Caller(client, system(app, "erp", ["drafter"], DEMO_DEPARTMENT))
    start = f"{API}/processes/document_approval/instances"
    odd = [
        (b"{", "application/json", 400),
        (b"[1" * 100_000, "application/json", 400),
        (b'{"data": {"n": ' + b"9" * 5000 + b"}}", "application/json", 400),
        (b"title=x", "application/x-www-form-urlencoded", 415),
        (b'{"data": {"x": "' + b"a" * 2_000_000 + b'"}}', "application/json", 413),
    ]
    for body, content_type, status in odd:
        response = client.post(start, data=body, content_type=content_type, headers=erp.headers)
        assert response.status_code == status, (body[:20], response.status_code)
        assert set(response.json) >= {"code", "message"}
    assert erp.get("/tasks/not-a-task", 404)["code"] == "api.not_found"
    assert erp.get("/instances/99999999999", 404)["code"] == "api.not_found"
    assert erp.get("/instances/2147483647", 403)["code"] == "read.refused"
    gone = "00000000-0000-0000-0000-000000000000"
    assert erp.post(f"/tasks/{gone}/complete", {}, 409)["code"] == "task.gone"
    assert erp.get("/tasks?limit=0", 400)["fields"]["limit"]
    assert erp.get("/tasks?after=x")["total"] == 0  # a cursor it cannot read: the first page
    assert erp.get("/nowhere", 404)["code"] == "api.not_found"
    response = client.delete(f"{API}/tasks", headers=erp.headers)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_a_body_over_the_apis_own_limit_is_refused_unread(app: Flask) -> None:
    # The pages take files, so a request may be twice the attachment limit (41 MB by
    # default); the API takes none, yet read and parsed bodies that large: 40 MB of fields
    # took 1.6 GB and a minute. Its own limit holds whatever the attachments may be.
    engine = _engine(app)
    served = create_app(
        {"TESTING": True, "ENGINE": engine, "MAX_ATTACHMENT_BYTES": DEFAULT_MAX_BYTES}
    )
    client = served.test_client()
    erp = Caller(client, system(app, "erp", ["drafter"], DEMO_DEPARTMENT))
    before = len(engine.queries.list_instances())
    longest = {**_draft(), "body": "正" * 50_000, "interpretation_plan": "解" * 20_000}
    fields = {f"field{n}": 0 for n in range(BODY_LIMIT // 12)}
    for data, status in ((fields, 413), ({"title": "x" * BODY_LIMIT}, 413)):
        answer = erp.post("/processes/simple_approval/instances", {"data": data}, status)
        assert answer["code"] == "request.too_large" and answer["params"] == {"limit": BODY_LIMIT}
    assert len(engine.queries.list_instances()) == before
    # the longest draft, every character written \uXXXX, goes through
    body = json.dumps({"data": longest, "submit": True}, ensure_ascii=True)
    assert len(body) > BODY_LIMIT // 3
    response = client.post(
        f"{API}/processes/document_approval/instances",
        data=body,
        content_type="application/json",
        headers=erp.headers,
    )
    assert response.status_code == 201, response.json
    # the pages still take their files
    assert served.config["MAX_CONTENT_LENGTH"] > 2 * DEFAULT_MAX_BYTES


# -- need to know ----------------------------------------------------------------------------


def test_a_system_reads_only_what_its_roles_let_it(app: Flask, client: FlaskClient) -> None:
    _, started = _submitted(app, client)
    task_id = started["ready_tasks"][0]["task_id"]
    stranger = Caller(client, system(app, "stranger", ["drafter"], "办公室"))
    publisher = Caller(client, system(app, "web_sys", ["publisher"], DEMO_DEPARTMENT))
    auditor = Caller(client, system(app, "audit_sys", ["auditor"]))
    for caller in (stranger, publisher):
        assert caller.get(f"/instances/{started['id']}", 403)["code"] == "read.refused"
        assert caller.get(f"/instances/{started['id']}/history", 403)["code"] == "read.refused"
        caller.get(f"/tasks/{task_id}", 403)
        caller.post(f"/tasks/{task_id}/claim", None, 403)
        caller.post(f"/tasks/{task_id}/complete", {"data": {"decision": "approve"}}, 403)
        assert task_id not in [t["task_id"] for t in caller.get("/tasks?limit=200")["items"]]
    assert auditor.get(f"/instances/{started['id']}")["id"] == started["id"]
    assert auditor.get("/instances/2000000000", 404)["code"] == "read.not_found"

    documents = _engine(app).catalogue.list_documents("qianyi")
    published = next(d for d in documents if d.published_at)
    unpublished = next(d for d in documents if not d.published_at)
    public = stranger.get(f"/documents/{published.id}")
    assert public["full"] is False and public["drafter"] is None
    assert public["official_text"] == published.disclosed_text
    assert auditor.get(f"/documents/{published.id}")["full"] is True
    stranger.get(f"/documents/{unpublished.id}", 403)


def test_applicants_are_read_by_registrars_and_their_handlers_only(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    rows = engine.requests.list_page("wujiu").items
    given = next(r for r in rows if r["department"] == DEMO_DEPARTMENT)
    registry = Caller(client, system(app, "registry", ["registrar"]))
    handler = Caller(client, system(app, "handler_sys", ["handler"], DEMO_DEPARTMENT))
    elsewhere = Caller(client, system(app, "handler_far", ["handler"], "办公室"))
    auditor = Caller(client, system(app, "audit_sys", ["auditor"]))
    whole = registry.get(f"/requests/{given['id']}")
    assert whole["applicant_name"] and whole["id_number"]
    assert handler.get(f"/requests/{given['id']}")["id_number"] == whole["id_number"]
    for caller in (elsewhere, auditor):
        refused = caller.get(f"/requests/{given['id']}", 403)
        assert refused["code"] == "read.refused" and whole["id_number"] not in str(refused)


# -- races and messages ------------------------------------------------------------------------


def test_two_systems_completing_one_task_one_wins_the_other_gets_409(
    app: Flask, client: FlaskClient
) -> None:
    _, started = _submitted(app, client)
    task_id = started["ready_tasks"][0]["task_id"]
    heads = [
        Caller(app.test_client(), system(app, f"oa{n}", ["dept_head"], DEMO_DEPARTMENT))
        for n in range(2)
    ]
    values = heads[0].get(f"/tasks/{task_id}")["values"]
    data = {k: v for k, v in values.items() if v is not None} | {"decision": "approve"}
    barrier = threading.Barrier(2)
    answers: list[tuple[int, dict[str, Any]]] = []

    def complete(caller: Caller) -> None:
        barrier.wait()
        response = caller.client.post(
            f"{API}/tasks/{task_id}/complete", json={"data": data}, headers=caller.headers
        )
        answers.append((response.status_code, response.json))

    threads = [threading.Thread(target=complete, args=(h,)) for h in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 409], answers
    lost = next(body for status, body in answers if status == 409)
    assert lost["code"] in ("task.gone", "instance.changed") and lost["message"]


def test_messages_reach_only_the_cases_a_system_took_part_in(
    app: Flask, client: FlaskClient
) -> None:
    _engine(app).deploy([TEST_BPMN / "elements" / "message_wait.bpmn"])
    cashier = Caller(client, system(app, "cashier", ["clerk"]))
    stranger = Caller(client, system(app, "stranger", ["clerk"]))
    first, second = (
        cashier.post("/processes/message_wait/instances", {"data": {"request_no": n}}, 201)
        for n in ("R-1", "R-2")
    )
    paid = {"name": "payment_received", "payload": {"request_no": "R-1"}}
    assert stranger.post("/messages", paid)["reached"] == []
    assert cashier.post("/messages", paid)["reached"] == [first["id"]]
    assert cashier.get(f"/instances/{first['id']}")["data"]["payment"] == {"request_no": "R-1"}
    to_second = f"/instances/{second['id']}/messages"
    stranger.post(to_second, paid | {"payload": {"request_no": "R-2"}}, 403)
    mismatch = cashier.post(to_second, paid, 409)
    assert mismatch["code"] == "instance.not_waiting"
    moved = cashier.post(to_second, paid | {"payload": {"request_no": "R-2"}})
    assert [t["element_id"] for t in moved["ready_tasks"]] == ["deliver"]
    cashier.post(to_second, paid | {"payload": {"request_no": "R-2"}}, 409)
    # 撤回 goes through its own checks (the drafter, before the review), never bare.
    erp, started = _submitted(app, client)
    withdraw = {"name": "draft_withdrawn"}
    assert erp.post(f"/instances/{started['id']}/messages", withdraw, 403)["code"] == (
        "message.desk_only"
    )
    assert erp.post("/messages", withdraw, 403)["code"] == "message.desk_only"


def test_a_case_that_cannot_take_a_message_is_named_and_the_others_take_it(
    app: Flask, client: FlaskClient
) -> None:
    text = (TEST_BPMN / "elements" / "signal_then_script.bpmn").read_text(encoding="utf-8")
    waits_for_payment = text.replace(
        '<bpmn:signalEventDefinition id="wait_office_closed_signal" signalRef="office_closed" />',
        '<bpmn:messageEventDefinition id="wait_paid" messageRef="paid" />',
    ).replace(
        '<bpmn:signal id="office_closed" name="office_closed" />',
        '<bpmn:message id="paid" name="paid" />',
    )
    _engine(app).deploy_files({"signal_then_script.bpmn": waits_for_payment})
    cashier = Caller(client, system(app, "cashier", ["clerk"]))
    ids = [
        cashier.post("/processes/signal_then_script/instances", {"data": {"parts": n}}, 201)["id"]
        for n in (2, 0)
    ]
    answer = cashier.post("/messages", {"name": "paid"})
    assert answer["reached"] == [ids[0]]
    (failure,) = answer["failed"]
    assert failure["instance_id"] == ids[1] and failure["code"] == "script.failed"
    assert "share_out" in failure["message"] or "分摊" in failure["message"]
    assert cashier.get(f"/instances/{ids[1]}")["status"] == "running"


# -- the document and its page -------------------------------------------------------------------


def test_the_openapi_document_and_its_page_are_served_without_a_token(client: FlaskClient) -> None:
    spec = client.get(f"{API}/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"401", "default"} <= set(operation["responses"]), (path, method)
    for lang, words in (("zh-CN", "认领任务"), ("en", "Claim a task")):
        page = client.get(f"{API}/docs?lang={lang[:2]}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and f'<html lang="{lang}">' in html and words in html
        # Nothing from elsewhere and no script of its own: it reads offline, with the keyboard.
        assert not [a for a in re.findall(r'(?:src|href)="([^"]*)"', html) if "//" in a]
        # only the site's own scripts, as on every page (page.js, keep.js)
        scripts = re.findall(r'<script src="/static/([\w.]+)"', html)
        assert scripts == ["page.js", "keep.js"] and html.count("<script") == len(scripts)
        page_audit = audit(html)
        assert page_audit.h1 == 1 and page_audit.skip_link and page_audit.main
        assert not page_audit.unlabelled() and not page_audit.positive_tabindex
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), "ids must be unique for the links to reach them"
        assert all(f'id="{a[1:]}"' in html for a in re.findall(r'href="(#[^"]+)"', html))
        operations = [m for item in spec["paths"].values() for m in item if m != "parameters"]
        assert html.count('<section class="card" aria-labelledby') == len(operations) + 1
