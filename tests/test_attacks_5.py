"""A fifth round of attacks, on SQLite and PostgreSQL.

Each test here failed before the fix it names.
"""

from __future__ import annotations

import json
import random
import re
import time

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from engine import DeploymentError, Engine
from engine.definitions import compile_definition
from engine.disclosure import privacy
from engine.disclosure.privacy import (
    _CLAUSE_END,
    _OFFICE_IN_CLAUSE,
    _ClauseOffices,
    find_personal_information,
)
from engine.jsonforms import MOST_CHOICES, MOST_FIELDS
from webui import get_engine

from .conftest import TEST_BPMN
from .helpers import task_of
from .test_attacks_more import _with_property
from .test_third_party_dialects import ZEEBE
from .web import Browser

THIRD_PARTY = TEST_BPMN / "third_party"

# -- forms too big for a page, and a field named as the page's own control ---------------------


def _json_form_deployment(schema: object) -> dict[str, str]:
    """Return the manual task's file with its task's form the JSON ``schema``."""
    manual = (TEST_BPMN / "elements" / "manual_task.bpmn").read_text(encoding="utf-8")
    with_form = _with_property(
        manual, '<bpmn:manualTask id="check_paper"', "formJsonSchemaFilename", "big.json"
    )
    return {"manual_task.bpmn": with_form, "big.json": json.dumps(schema)}


def _fields(count: int, choices: int = 0) -> dict[str, object]:
    """Return a JSON form of ``count`` text fields, the first offering ``choices`` choices."""
    properties: dict[str, object] = {f"f{n}": {"type": "string"} for n in range(count)}
    if choices:
        properties["f0"] = {"enum": [f"c{n}" for n in range(choices)]}
    return {"type": "object", "properties": properties}


def test_a_json_form_of_thousands_of_fields_is_refused_naming_its_file_and_the_bound(
    engine: Engine,
) -> None:
    # 20,000 fields took 6.5 s to deploy, and every page of the task wrote them all.
    started = time.process_time()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files(_json_form_deployment(_fields(20_000)))
    assert time.process_time() - started < 3
    (problem,) = refused.value.problems
    assert problem.file == "big.json" and problem.code == "definition.form_too_many_fields"
    assert problem.params == {"count": 20_000, "most": MOST_FIELDS}
    assert f"at most {MOST_FIELDS}" in problem.message
    # as many as the bound are deployed
    engine.deploy_files(_json_form_deployment(_fields(MOST_FIELDS)))


@pytest.mark.parametrize("array", [False, True])
def test_a_json_form_of_too_many_choices_is_refused_naming_its_file_and_the_bound(
    engine: Engine, array: bool
) -> None:
    schema = _fields(3, MOST_CHOICES + 1)
    if array:  # a list of choices: its items' enum
        schema["properties"]["f0"] = {  # type: ignore[index]
            "type": "array",
            "items": {"enum": [f"c{n}" for n in range(MOST_CHOICES + 1)]},
        }
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files(_json_form_deployment(schema))
    (problem,) = refused.value.problems
    assert problem.file == "big.json" and problem.code == "definition.form_too_many_choices"
    assert problem.params == {"count": MOST_CHOICES + 1, "most": MOST_CHOICES}
    engine.deploy_files(_json_form_deployment(_fields(3, MOST_CHOICES)))


def _camunda_form(fields: str) -> dict[str, str]:
    """Return Camunda's invoice example with its approval task's form holding ``fields``."""
    given = (THIRD_PARTY / "camunda_invoice_approvers.bpmn").read_text(encoding="utf-8")
    old = '<camunda:formField id="approved" label="Do you approve?" type="boolean" />'
    assert old in given
    table = (THIRD_PARTY / "camunda_invoice_approvers.dmn").read_text(encoding="utf-8")
    return {
        "camunda_invoice_approvers.bpmn": given.replace(old, old + fields),
        "camunda_invoice_approvers.dmn": table,
    }


def test_a_camunda_form_of_too_many_fields_or_choices_is_refused_saying_the_bound() -> None:
    many = "".join(f'<camunda:formField id="f{n}" type="string" />' for n in range(MOST_FIELDS))
    with pytest.raises(DeploymentError) as refused:
        compile_definition(_camunda_form(many))
    (problem,) = refused.value.problems
    assert problem.file == "camunda_invoice_approvers.bpmn"
    assert problem.code == "definition.form_too_many_fields"
    assert problem.params == {"count": MOST_FIELDS + 2, "most": MOST_FIELDS}
    values = "".join(f'<camunda:value id="c{n}" name="c{n}" />' for n in range(MOST_CHOICES))
    choices = f'<camunda:formField id="kind" type="enum">{values}</camunda:formField>'
    with pytest.raises(DeploymentError) as refused:
        compile_definition(_camunda_form(choices * 2))
    assert [p.code for p in refused.value.problems] == ["definition.form_too_many_choices"]
    compile_definition(_camunda_form(choices))


def _zeebe_form(components: list[dict[str, object]]) -> dict[str, str]:
    """Return the Camunda 8 forms example with its embedded form's ``components``."""
    given = (ZEEBE / "forms.bpmn").read_text(encoding="utf-8")
    opened = given.index('<zeebe:userTaskForm id="userTaskForm_check">') + len(
        '<zeebe:userTaskForm id="userTaskForm_check">'
    )
    closed = given.index("</zeebe:userTaskForm>")
    form = json.dumps({"components": components, "type": "default"})
    return {"forms.bpmn": given[:opened] + form + given[closed:]}


def test_a_camunda_8_form_of_too_many_fields_is_refused_saying_the_bound() -> None:
    # The form-js JSON is one text in the file: 20,000 fields in it are no 20,000 elements.
    fields = [{"type": "textfield", "key": f"f{n}", "label": "x"} for n in range(20_000)]
    started = time.process_time()
    with pytest.raises(DeploymentError) as refused:
        compile_definition(_zeebe_form(fields))
    assert time.process_time() - started < 3
    assert [(p.file, p.element_id, p.code) for p in refused.value.problems] == [
        ("forms.bpmn", "Activity_check", "definition.form_too_many_fields")
    ]
    compile_definition(_zeebe_form(fields[:MOST_FIELDS]))


def test_a_form_field_named_csrf_token_is_refused_at_deployment_in_every_dialect(
    engine: Engine,
) -> None:
    # The task page's CSRF token has that name: the field's input and the token were read
    # as one (the field's own value was lost, or the page refused as a CSRF failure).
    schema = {"properties": {"csrf_token": {"type": "string"}, "note": {"type": "string"}}}
    camunda = _camunda_form('<camunda:formField id="csrf_token" type="string" />')
    zeebe = _zeebe_form([{"type": "textfield", "key": "csrf_token", "label": "Token"}])
    for files, file in (
        (_json_form_deployment(schema), "big.json"),
        (camunda, "camunda_invoice_approvers.bpmn"),
        (zeebe, "forms.bpmn"),
    ):
        with pytest.raises(DeploymentError) as refused:
            engine.deploy_files(files)
        assert [(p.file, p.code, p.params) for p in refused.value.problems] == [
            (file, "definition.form_name_taken", {"field": "csrf_token"})
        ], file


@pytest.mark.parametrize("required", ["5", '"note"', "[[1]]", '{"note": true}', "[null]"])
def test_a_json_form_whose_required_is_no_list_of_names_is_refused_not_misread_or_a_500(
    engine: Engine, required: str
) -> None:
    # set() of a number or of lists raised TypeError: the deployment was a server error
    # (and a text was read as its letters).
    files = _json_form_deployment({})
    note = '{"note": {"type": "string"}}'
    files["big.json"] = f'{{"properties": {note}, "required": {required}}}'
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files(files)
    (problem,) = refused.value.problems
    assert problem.file == "big.json" and "'required' must be a list" in problem.message


# -- the privacy finder's worst cases ------------------------------------------------------------


@pytest.mark.parametrize("unit", ["递补王", "拟录用王", "递补王芳、李", "确定王为"])
def test_personnel_acts_in_one_long_clause_are_read_in_linear_time(unit: str) -> None:
    # After each act the rest of its clause was searched for an office to its end (the
    # text's end, without a full stop): 16,000 characters of 递补王 took 4 s, 50,000 a minute.
    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    started = time.process_time()
    find_personal_information(text)
    assert time.process_time() - started < 2.5, unit


def test_offices_in_a_clause_are_read_as_searching_the_clause_reads_them() -> None:
    rng = random.Random(5)
    pieces = ["局长", "长", "。", "；", "\n", "，", "王", "主任", "职务", "a", "市长", "副"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        clauses = _ClauseOffices(text)
        for at in range(len(text) + 1):
            clause = _CLAUSE_END.search(text, at)
            end = clause.start() if clause else len(text)
            searched = _OFFICE_IN_CLAUSE.search(text, at, end) is not None
            assert clauses.named_after(at) == searched, (text, at)


# -- a form of many parts ---------------------------------------------------------------------


def _at_review(app: Flask, rows: int) -> tuple[int, str]:
    """Return a new case listing ``rows`` people at its confidentiality review, and its task."""
    engine = get_engine(app)
    body = "\n".join(
        f"{n} 王{'芳明伟'[n % 3]}{'一二三四五六七八九'[n % 9]} 138{n:08d}" for n in range(rows)
    )
    case = engine.start("document_approval", "zhangsan").id
    draft = task_of(engine, case, "draft", "zhangsan")
    data = {"title": "名单", "doc_type": "general", "body": body, "attribute": "proactive"}
    engine.complete_task(draft.task_id, "zhangsan", data)
    for element, user in (
        ("dept_review", "lisi"),
        ("office_review", "wangwu"),
        ("sign_off", "zhaoliu"),
    ):
        step = task_of(engine, case, element, user)
        values = engine.queries.task_form(step.task_id, user).values
        kept = {name: value for name, value in values.items() if value is not None}
        engine.complete_task(step.task_id, user, kept | {"decision": "approve", "comment": ""})
    return case, task_of(engine, case, "confidentiality_review_task", "sunqi").task_id


def test_a_review_confirming_more_than_a_thousand_findings_can_be_sent(app: Flask) -> None:
    # Each confirmed finding is a part of the page's multipart form: past werkzeug's 1,000
    # parts the review of a list of 600 people was refused as too large (413), every time.
    case, task = _at_review(app, 600)
    reviewer = Browser(app.test_client()).login("sunqi")
    page = reviewer.get(f"/tasks/{task}")
    ids = re.findall(r'name="confirmed_findings" value="([^"]+)"', page)
    assert len(ids) == 1200
    sent = [("review_conclusion", "disclose_redacted"), ("review_basis", "去除个人信息")]
    response = reviewer.client.post(
        f"/tasks/{task}",
        data=MultiDict(
            [("csrf_token", reviewer.token), *sent, *(("confirmed_findings", i) for i in ids)]
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    engine = get_engine(app)
    assert not [t for t in engine.queries.list_tasks("sunqi") if t.instance_id == case]
    # A form of as many parts sent by no one signed in is refused before it is read.
    stranger = app.test_client().post(
        "/login",
        data=MultiDict([("username", "x"), *(("confirmed_findings", i) for i in ids)]),
        content_type="multipart/form-data",
    )
    assert stranger.status_code == 413


@pytest.mark.parametrize(
    "field",
    [
        '{"type": "integer", "default": "abc"}',
        '{"type": "number", "default": NaN}',
        '{"type": "string", "default": {"x": [1]}}',
        '{"type": "string", "maxLength": 3, "default": "too long"}',
        '{"enum": ["a", "b"], "default": "c"}',
        '{"type": "array", "items": {"enum": ["p"]}, "default": "p"}',
    ],
)
def test_a_json_form_field_whose_default_it_would_refuse_is_refused_at_deployment(
    engine: Engine, field: str
) -> None:
    # An integer field defaulting to "abc" was deployed, and completing its task without
    # it was a server error (the default could not be written as a number).
    files = _json_form_deployment({})
    files["big.json"] = f'{{"properties": {{"pages": {field}}}}}'
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files(files)
    (problem,) = refused.value.problems
    assert problem.file == "big.json" and "not a value the field takes" in problem.message


@pytest.mark.parametrize("text", ["丈夫" * 2000, "由" * 4000, "投诉人：" * 1000, "递补父亲" * 1000])
def test_labels_and_acts_before_no_surname_read_no_name_there(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # Every reading of a name begins with a surname: each label and act (丈夫, 由, 投诉人)
    # still tried every reading of the characters after it, and the spaced and verb ones,
    # twice the work of a text of names for a text of none.
    read: list[str] = []
    is_name = privacy._is_name
    monkeypatch.setattr(privacy, "_is_name", lambda value: read.append(value) or is_name(value))
    assert find_personal_information(text) == []
    assert read == []
