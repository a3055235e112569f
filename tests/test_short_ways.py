"""The engine's short ways give what the long ways they stand for give."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, Schema, fields
from marshmallow.error_store import ErrorStore
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import Engine, steps
from engine.access import _is_task_id
from engine.clock import ManualClock
from engine.definitions import compile_definition, read_files
from engine.disclosure.forms import FORMS
from engine.errors import Problem
from engine.forms import ConfirmForm, FormSchema, TrimmedString
from engine.text import BIDI_CONTROLS, text_problem

from . import oversight_data as data
from .conftest import TEST_BPMN

ELEMENTS = TEST_BPMN / "elements"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_ready_tasks_a_save_walks_for_are_spiffworkflows(
    engine: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarter of documents and requests, subprocesses and all: each save's ready tasks."""
    walk = steps.ready_tasks
    walked: list[int] = []

    def checked(workflow: BpmnWorkflow) -> list[Any]:
        found = walk(workflow)
        assert found == workflow.get_tasks(state=TaskState.READY)
        walked.append(len(workflow.subprocesses))
        return found

    monkeypatch.setattr(steps, "ready_tasks", checked)
    data.third_quarter(engine, clock)
    assert len(walked) > 40
    assert any(walked)  # some saves had subprocesses to walk into


@pytest.mark.parametrize(
    ("files", "process"),
    [
        (["parallel_and_inclusive.bpmn"], "parallel_and_inclusive"),
        (["countersign.bpmn"], "countersign"),
        (["multi_instance.bpmn"], "multi_instance"),
        (["call_activity.bpmn", "called_process.bpmn"], "call_activity"),
        (["subprocess_user_task.bpmn"], "subprocess_user_task"),
    ],
)
@pytest.mark.parametrize("last", [False, True])
def test_ready_tasks_are_spiffworkflows_in_its_order(
    files: list[str], process: str, last: bool
) -> None:
    """Parallel branches, siblings of a multi-instance task, a called process: the same tasks
    as ``get_tasks(state=READY)`` in the same order, whichever of them is done first."""
    compiled = compile_definition(read_files([ELEMENTS / name for name in files]))
    workflow = BpmnWorkflow(*compiled.spec(process))
    start = {
        "amount": 500,
        "urgent": True,
        "departments": ["法规处", "综合处", "办公室"],
        "reviewers": ["a", "b", "c"],
    }
    workflow.task_tree.data.update(start)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(start)
    workflow.do_engine_steps()
    seen = 0
    for _ in range(30):
        ready = steps.ready_tasks(workflow)
        assert ready == workflow.get_tasks(state=TaskState.READY)
        seen = max(seen, len(ready))
        manual = [task for task in ready if task.task_spec.manual]
        if not manual:
            break
        task = manual[-1] if last else manual[0]
        task.data.update({"decision": "approve", "opinion": "同意", "opinion_text": "同意"})
        task.run()
        workflow.do_engine_steps()
    assert seen >= 1


class _OddForm(FormSchema):
    """Fields whose dump is not their loaded text as it is: each keeps the short way off."""

    items = TrimmedString()  # a dict's attribute: dumped as that when the key is missing
    shown = fields.String(data_key="seen")
    given = fields.String(dump_default="none given")


_FORMS: dict[str, FormSchema] = {name: form() for name, form in FORMS.items()}
_FORMS["confirm"] = ConfirmForm()
_FORMS["odd"] = _OddForm()
for _name, _field in _OddForm().fields.items():
    _FORMS[f"odd_{_name}"] = FormSchema.from_dict({_name: _field})()


@pytest.mark.parametrize("name", sorted(_FORMS))
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_forms_dump_of_what_it_loaded_is_marshmallows(name: str, data: st.DataObject) -> None:
    """A form's short dump of loaded data gives what marshmallow's dump gives, or is its dump."""
    form = _FORMS[name]
    keys = st.sampled_from([*sorted(form.fields), "items", "seen", "x"])
    values = st.none() | st.text() | st.integers() | st.binary(max_size=3)
    loaded = data.draw(st.dictionaries(keys, values, max_size=8))
    try:
        expected = dict(form.dump(loaded))
    except Exception as exc:  # what marshmallow refuses, the short way refuses alike
        with pytest.raises(type(exc)):
            form.dumped(loaded)
        return
    dumped = form.dumped(loaded)
    assert dumped == expected and list(dumped) == list(expected)
    assert all(type(dumped[key]) is type(expected[key]) for key in expected)


def _choices(form: FormSchema) -> list[str]:
    """Return the values a form's choice fields take (so that some loads succeed)."""
    found = []
    for field in form.fields.values():
        for check in field.validators:
            found.extend(str(c) for c in getattr(check, "choices", ()))
    return found or ["x"]


@pytest.mark.parametrize("name", sorted(_FORMS))
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_forms_load_of_each_field_is_marshmallows(name: str, data: st.DataObject) -> None:
    """A form's own field loop loads and refuses what marshmallow's loop does, in its order."""
    form = _FORMS[name]
    keys = st.sampled_from([*sorted(form.fields), "items", "seen", "x"])
    values = (
        st.none()
        | st.text(max_size=30)
        | st.integers()
        | st.sampled_from(_choices(form))
        | st.dates().map(str)
        | st.lists(st.integers(), max_size=2)
    )
    raw = data.draw(st.dictionaries(keys, values, max_size=8))
    ours, theirs = ErrorStore(), ErrorStore()
    loaded = form._deserialize(raw, error_store=ours, unknown=EXCLUDE)
    expected = Schema._deserialize(form, raw, error_store=theirs, unknown=EXCLUDE)
    assert loaded == expected and list(loaded) == list(expected)
    assert ours.errors == theirs.errors


@settings(max_examples=500, deadline=None)
@given(
    st.uuids().map(str)
    | st.uuids().map(lambda u: str(u).upper())
    | st.uuids().map(lambda u: u.hex)
    | st.uuids().map(lambda u: "{" + str(u) + "}")
    | st.text(alphabet="0123456789abcdefABCDEF-{}:urn_ \n١", min_size=30, max_size=40)
)
def test_a_task_id_is_what_uuid_writes(text: str) -> None:
    """The pattern takes exactly the texts ``str(uuid.UUID(text))`` gives back unchanged."""
    try:
        expected = str(uuid.UUID(text)) == text
    except ValueError:
        expected = False
    assert _is_task_id(text) == expected


def _text_problem_by_character(text: str, multiline: bool) -> Problem | None:
    """``text_problem`` as it was written first: each character looked up in turn."""
    for char in text:
        if char in BIDI_CONTROLS:
            return Problem("text.direction_character", {"char": f"U+{ord(char):04X}"})
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in "\n\r\t"):
            return Problem("text.control_character", {"char": f"U+{ord(char):04X}"})
        if category == "Cs" or char in "\ufffe\uffff":
            return Problem("text.invalid_character", {"char": f"U+{ord(char):04X}"})
    return None


@pytest.mark.parametrize("multiline", [False, True])
def test_text_problems_are_found_for_every_character(multiline: bool) -> None:
    """Each code point of the first plane (where every wrong one is) and some beyond, alone and
    after ordinary text, is found wrong as character by character."""
    for point in [*range(0x10000), *range(0x10000, 0x110000, 997), 0x10FFFF]:
        char = chr(point)
        for text in (char, "政务公开" + char + "\u202e"):
            assert text_problem(text, multiline=multiline) == _text_problem_by_character(
                text, multiline
            ), hex(point)
