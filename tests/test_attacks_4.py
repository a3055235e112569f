"""A fourth round of attacks, on SQLite and PostgreSQL.

Each test here failed before the fix it names.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask

from engine import DeploymentError, Engine
from engine.definitions import compile_definition
from webui import get_engine

from .conftest import TEST_BPMN
from .test_attacks_more import _with_property
from .test_script_sandbox import probe_files
from .test_third_party_dialects import ZEEBE

# -- BPMN and DMN files made to hurt the server ------------------------------------------------


def _crowded(count: int) -> str:
    """Return the probe process with ``count`` empty extension elements in its process."""
    (text,) = probe_files().values()
    opened = text.index(">", text.index("<bpmn:process ")) + 1
    many = '<x:a xmlns:x="http://example.org/x"/>' * count
    return f"{text[:opened]}<bpmn:extensionElements>{many}</bpmn:extensionElements>{text[opened:]}"


def test_a_file_of_hundreds_of_thousands_of_elements_is_refused_at_once(engine: Engine) -> None:
    # Every element is read by a few dozen passes before anything could refuse the file:
    # 300,000 empty ones (11 MB) cost 11 s of the deployment, and again at every compile.
    started = time.process_time()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"probe.bpmn": _crowded(300_000)})
    assert time.process_time() - started < 3
    (problem,) = refused.value.problems
    assert problem.file == "probe.bpmn" and "more than 50,000 elements" in problem.message
    # A file within the limit, extension elements and all, is deployed.
    engine.deploy_files({"probe.bpmn": _crowded(1000)})
    assert "script_probe" in engine.queries.process_ids()


# -- what JSON can carry and a form cannot ----------------------------------------------------

#: names JSON may spell with escapes that no text encoding can write: lone surrogates
ODD_NAMES = ["\\ud800", "\\udfff\\ud800"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_message_named_with_a_lone_surrogate_is_refused_not_a_server_error(
    app: Flask, name: str
) -> None:
    # The name was looked up in the database, or written into the history of the case it
    # went to: neither could encode a lone surrogate, and the API answered with a 500.
    token = get_engine(app).tokens.issue("zhangsan", "probe").token
    client = app.test_client()
    for path in ("/api/v1/instances/2/messages", "/api/v1/messages"):
        response = client.post(
            path,
            data=f'{{"name": "{name}", "payload": {{}}}}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (path, response.status_code)
        assert list(response.get_json()["fields"]) == ["name"]


#: JSON form schemas whose names, labels, choices or defaults hold what no page can show
ODD_SCHEMAS = {
    "a field's name": '{"type": "object", "properties": {"\\ud800": {"type": "string"}}}',
    "a label": '{"properties": {"pages": {"type": "string", "title": "页数\\udc00"}}}',
    "a choice": '{"properties": {"kind": {"enum": ["原件", "\\ud83d"]}}}',
    "a default": '{"properties": {"kind": {"type": "string", "default": "a\\u0000b"}}}',
}


@pytest.mark.parametrize("where", sorted(ODD_SCHEMAS))
def test_a_form_schema_holding_a_lone_surrogate_or_a_nul_is_refused_naming_its_file(
    engine: Engine, where: str
) -> None:
    # JSON spells any character with an escape: a label of "\\ud800" was deployed, and
    # every page of its task was a server error (no encoding can write a lone surrogate).
    manual = (TEST_BPMN / "elements" / "manual_task.bpmn").read_text(encoding="utf-8")
    with_form = _with_property(
        manual, '<bpmn:manualTask id="check_paper"', "formJsonSchemaFilename", "odd.json"
    )
    with pytest.raises(DeploymentError) as refused:
        engine.deploy_files({"manual_task.bpmn": with_form, "odd.json": ODD_SCHEMAS[where]})
    (problem,) = refused.value.problems
    assert problem.file == "odd.json" and "which a form cannot show" in problem.message


@pytest.mark.parametrize("label", ["\\ud800", "\\udfff 页数", "a\\u0000b"])
def test_a_camunda_8_form_with_a_label_no_page_can_show_gives_the_task_its_own_form(
    label: str,
) -> None:
    # The form-js JSON embedded in the file spelled the label with an escape: making the
    # task's fields of it raised UnicodeEncodeError (or lxml's ValueError), a server error.
    given = (ZEEBE / "forms.bpmn").read_text(encoding="utf-8")
    old = '"label": "Pages"'
    assert old in given
    compiled = compile_definition({"forms.bpmn": given.replace(old, f'"label": "{label}"')})
    assert compiled.user_task("zeebe_forms", "Activity_check").form == "confirm"
