"""BPMN diagrams: the deployed files to draw, and where an instance stands (issue 10)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from engine import Engine, NotFoundError, PermissionDeniedError
from engine.store.repository import Repository
from webui import diagrams, get_engine

from .conftest import WORKFLOWS
from .web import Browser

DIAGRAM = re.compile(r"<div class=\"gk-diagram\"[^>]*>")


def _document(app: Flask, status: str):
    documents = get_engine(app).catalogue.list_documents("qianyi")
    return next(d for d in documents if d.status == status)


def _diagram_attributes(html: str) -> dict[str, str]:
    found = DIAGRAM.search(html)
    assert found, "no diagram on the page"
    pairs = re.findall(r"\s(data-[a-z-]+)(?:=(?:'([^']*)'|\"([^\"]*)\"))?", found.group(0))
    return {name: unescape(single or double) for name, single, double in pairs}


# -- the BPMN files -------------------------------------------------------------------------


def test_a_signed_in_user_gets_the_bpmn_file_of_a_process(app: Flask, client: FlaskClient) -> None:
    position = get_engine(app).diagrams.position(
        _document(app, "awaiting_review").instance_id, "qianyi"
    )
    Browser(client).login("zhangsan")
    response = client.get(f"/diagrams/{position.definition_id}/document_approval.bpmn")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert '<bpmn:process id="document_approval"' in xml
    assert "BPMNDiagram" in xml


def test_the_bpmn_file_names_its_elements_in_the_readers_language(
    app: Flask, client: FlaskClient
) -> None:
    position = get_engine(app).diagrams.position(
        _document(app, "awaiting_review").instance_id, "qianyi"
    )
    Browser(client).login("zhangsan")
    path = f"/diagrams/{position.definition_id}/document_approval.bpmn"
    chinese = client.get(path, query_string={"lang": "zh"}).get_data(as_text=True)
    english = client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
    assert 'id="dept_review" name="处室审核"' in chinese
    assert 'id="dept_review" name="Department review"' in english
    # the drawing is the same: only names change
    assert english.count("<bpmndi:BPMNShape") == chinese.count("<bpmndi:BPMNShape")
    # an English page asks for the English names (and keeps its copy apart from the Chinese)
    document = _document(app, "awaiting_publication")
    html = Browser(app.test_client()).login("zhouba").get(f"/documents/{document.id}?lang=en")
    assert _diagram_attributes(html)["data-bpmn-url"].endswith("/document_approval.bpmn?lang=en")


@pytest.mark.parametrize("process_id", sorted(p.stem for p in WORKFLOWS.glob("*.bpmn")))
def test_every_name_drawn_in_a_bundled_workflow_reads_in_english(
    app: Flask, client: FlaskClient, process_id: str
) -> None:
    # Lanes, gateways, events and flows as well as tasks: an English reader meets no Chinese.
    definition_id = get_engine(app).queries.definition_versions("admin").items[-1].id
    Browser(client).login("admin")
    path = f"/diagrams/{definition_id}/{process_id}.bpmn"
    english = client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
    drawn = re.findall(r'<bpmn:(?!message\b)(\w+) id="([^"]+)" name="([^"]*)"', english)
    assert drawn
    chinese = [found for found in drawn if re.search(r"[\u4e00-\u9fff]", found[2])]
    assert not chinese, chinese


def test_the_bpmn_file_needs_a_sign_in(app: Flask, client: FlaskClient) -> None:
    response = client.get("/diagrams/1/document_approval.bpmn")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/diagrams/999/document_approval.bpmn",
        "/diagrams/1/no_such_process.bpmn",
        "/diagrams/0/document_approval.bpmn",
        "/diagrams/2147483648/document_approval.bpmn",
    ],
)
def test_an_unknown_definition_or_process_is_not_found(client: FlaskClient, path: str) -> None:
    Browser(client).login("zhangsan")
    assert client.get(path).status_code == 404


def test_the_engine_refuses_the_bpmn_file_to_an_unknown_user(app: Flask) -> None:
    engine = get_engine(app)
    with pytest.raises(NotFoundError) as refused:
        engine.diagrams.bpmn_xml(1, "document_approval", "nobody")
    assert refused.value.code == "user.not_found"
    with pytest.raises(NotFoundError) as missing:
        engine.diagrams.bpmn_xml(1, "nowhere", "zhangsan")
    assert missing.value.code == "process.not_deployed"
    name, xml = engine.diagrams.bpmn_xml(1, "confidentiality_review", "zhangsan")
    assert name == "confidentiality_review.bpmn"
    assert 'id="confidentiality_review"' in xml


# -- where it is now ------------------------------------------------------------------------


def test_the_document_page_shows_where_the_document_waits(app: Flask, client: FlaskClient) -> None:
    document = _document(app, "awaiting_publication")
    html = Browser(client).login("zhouba").get(f"/documents/{document.id}")
    assert "办理进度" in html
    attributes = _diagram_attributes(html)
    assert json.loads(attributes["data-waiting"])[0] == "publish"
    assert "publish_reminder" in json.loads(attributes["data-waiting"])
    completed = json.loads(attributes["data-completed"])
    assert {"draft", "dept_review", "office_review", "sign_off", "secrecy_review"} <= set(completed)
    assert "publish" not in completed
    assert attributes["data-bpmn-url"].endswith("/document_approval.bpmn?lang=zh")
    assert attributes["data-process-id"] == "document_approval"
    assert html.count('src="/static/diagram/diagram.js"') == 1


def test_a_task_of_a_called_process_shows_as_its_call_activity(
    app: Flask, client: FlaskClient
) -> None:
    document = _document(app, "awaiting_review")
    html = Browser(client).login("sunqi").get(f"/documents/{document.id}")
    attributes = _diagram_attributes(html)
    assert json.loads(attributes["data-waiting"]) == ["secrecy_review"]
    assert "secrecy_review" not in json.loads(attributes["data-completed"])


def test_who_may_not_read_the_instance_gets_no_diagram(app: Flask, client: FlaskClient) -> None:
    browser = Browser(client).login("zhengshi")
    published = _document(app, "published")
    html = browser.get(f"/documents/{published.id}")  # the public version, without its history
    assert "data-bpmn-diagram" not in html
    assert "办理进度" not in html
    waiting = _document(app, "awaiting_publication")
    browser.get(f"/documents/{waiting.id}", status=403)
    with pytest.raises(PermissionDeniedError):
        get_engine(app).diagrams.position(waiting.instance_id, "zhengshi")


def test_the_request_page_shows_where_the_request_is(app: Flask, client: FlaskClient) -> None:
    engine = get_engine(app)
    handler = Browser(client).login("zhengshi")
    page = engine.requests.list_page("zhengshi", "handling", None)
    shown = [_diagram_attributes(handler.get(f"/requests/{item['id']}")) for item in page.items]
    waiting = [json.loads(attributes["data-waiting"]) for attributes in shown]
    # Being handled: one at the handler (with its timers), one at the office head's signature.
    assert ["handle", "handle_overdue", "handle_reminder"] in waiting
    assert ["sign_overdue", "sign_reminder", "sign_reply"] in waiting
    for attributes in shown:
        assert attributes["data-process-id"] == "disclosure_request"
        assert "check_request" in json.loads(attributes["data-completed"])


def test_a_position_reads_no_history(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    engine: Engine = get_engine(app)
    instance_id = _document(app, "awaiting_publication").instance_id

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the position read the history")

    monkeypatch.setattr(Repository, "events_of", refuse)
    monkeypatch.setattr(Repository, "events_page", refuse)
    position = engine.diagrams.position(instance_id, "zhouba")
    assert position.instance_id == instance_id
    assert position.file_name == "document_approval.bpmn"
    assert "publish" in position.waiting


def test_without_the_built_viewer_the_page_says_so(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagrams, "BUILT_SCRIPT", "diagram/not-built.js")
    document = _document(app, "awaiting_publication")
    html = Browser(client).login("zhouba").get(f"/documents/{document.id}")
    assert "流程图未构建" in html
    assert "data-bpmn-diagram" not in html
    assert "/static/diagram/" not in html


def test_the_viewer_is_included_once_and_steps_carry_their_labels(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagrams, "built", lambda: True)
    app.jinja_env.globals["diagram_built"] = diagrams.built
    steps = [{"seq_from": 1, "seq_to": 2, "title": "it's <b>", "completed": [], "waiting": []}]
    page = (
        '{% from "_diagram.html" import diagram %}'
        "{{ diagram('/a.bpmn', 'p', ['x'], ['y']) }}{{ diagram('/b.bpmn', 'p', [], [], steps) }}"
    )
    with app.test_request_context("/"):
        html = render_template_string(page, steps=steps)
    assert html.count("<script") == 1
    assert html.count("<link") == 1
    assert html.count("data-bpmn-diagram") == 2
    assert "<b>" not in html  # the steps' text is data, escaped in the attribute
    second = DIAGRAM.findall(html)[1]
    assert json.loads(unescape(re.search(r"data-steps='([^']*)'", second).group(1))) == steps
    assert 'tabindex="0"' in second
    assert 'data-label-position="第 {k} / {n} 步"' in second
    buttons = {"first": "首步", "previous": "上一步", "next": "下一步", "last": "末步"}
    for name, label in buttons.items():
        assert f'<button type="button" data-step="{name}">{label}</button>' in second_html(html)


def second_html(html: str) -> str:
    return html[html.index("/b.bpmn") :]
