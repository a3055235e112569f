"""The stored JSON text: the engine's short ways write what the standard ways write."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine import Engine
from engine.clock import ManualClock
from engine.state import StateSerializer
from engine.store import jsontext

from . import oversight_data as data
from .conftest import WORKFLOWS

VALUES: list[Any] = [
    {"title": "关于做好政务公开工作的通知", "n": 3, "ok": True, "none": None, "x": 0.1},
    [1, -0.0, 5e-324, 1e308, 18446744073709551615, -9223372036854775808, '\u2028\x00"\\'],
    {"nested": {"deeper": [{"a": [1.5, {"b": "c"}]}]}, "tuple": (1, 2)},
    {"big": 123456789012345678901234567890, "negative": -9223372036854775809},
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf},
    {1: "integer key", "s": "text key"},
    "\ud800 a lone surrogate",
]


@pytest.mark.parametrize("value", VALUES)
def test_json_text_reads_back_as_json_gives_it(value: Any) -> None:
    """Whichever library writes a value, it reads back as ``json`` writes and reads it."""
    expected = json.loads(json.dumps(value))
    text = jsontext.dumps(value)
    assert _same(json.loads(text), expected)
    assert _same(jsontext.loads(text), expected)
    assert _same(jsontext.loads(json.dumps(value)), expected)


@pytest.mark.parametrize(
    "value",
    [
        *VALUES[:4],
        VALUES[6],
        {"\U0001f600": 1, "\uffff": 2, "a": {"z": [], "\u00e9": "\x1f\x7f\b\f\n\r\t/"}},
        {"ints": [2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1]},
        [True, False, None, "", {}, [], ("tuple", 1)],
        {"floats": [1e16, 1e-7, 0.1, 2.0, -0.0]},
    ],
)
def test_canonical_text_is_json_text_to_the_byte(value: Any) -> None:
    """Hashed text is ``json``'s own, whichever library writes it."""
    expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert jsontext.canonical(value) == expected


def test_canonical_text_matches_json_on_every_control_and_odd_character() -> None:
    """Each of the first 2,048 code points and the ends of the planes is escaped as by ``json``."""
    points = [*range(2048), 0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF]
    for point in points:
        if 0xD800 <= point <= 0xDFFF:
            continue
        value = {chr(point): chr(point) + "x", "k": [chr(point)]}
        expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert jsontext.canonical(value) == expected, hex(point)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_canonical_text_of_any_value_is_json_text(value: Any) -> None:
    """Any mix of texts, numbers and nesting gets ``json``'s text."""
    expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert jsontext.canonical(value) == expected


def test_json_text_hands_what_json_lacks_to_the_default() -> None:
    """A date goes to ``default`` as with ``json``; without one it is refused, as by ``json``."""
    moment = datetime(2026, 7, 1, tzinfo=UTC)
    assert json.loads(jsontext.dumps({"at": moment}, default=str)) == {"at": str(moment)}
    with pytest.raises(TypeError):
        jsontext.dumps({"at": moment})


def _same(a: Any, b: Any) -> bool:
    """Tell whether two read JSON values are equal, NaN equal to NaN, types and all."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_state_is_written_as_spiffworkflow_writes_it(
    engine: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarter of documents and requests, timers and all: each state as the registry has it."""
    serializer = engine._serializer
    short = serializer.dumps
    written: list[str] = []

    def checked(workflow: BpmnWorkflow) -> str:
        text = short(workflow)
        assert json.loads(text) == json.loads(serializer.standard_dumps(workflow))
        written.append(text)
        return text

    monkeypatch.setattr(serializer, "dumps", checked)
    data.third_quarter(engine, clock)
    data.at(clock, "2026-12-31")
    assert not engine.tick().failures
    assert len(written) > 40
    assert any('"subprocesses":{"' in text for text in written)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_data_json_cannot_hold_takes_the_standard_way(engine: Engine) -> None:
    """NaN and a date in task data (a script's) are written as SpiffWorkflow's encoder does."""
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add("drafter", ["drafter"])
    started = engine.start("simple_approval", "drafter")
    with engine.store.read() as repo:
        row = repo.instance(started.id)
        assert row is not None
        compiled = engine.compiled(repo.connection, row.definition_id)
    workflow = engine.live_workflow(row, compiled, keep_cached=True)
    task = workflow.get_tasks()[-1]
    moment = datetime(2026, 7, 1, tzinfo=UTC)
    task.data.update({"ratio": math.nan, "when": moment})
    serializer = StateSerializer()
    text = serializer.dumps(workflow)
    assert text == serializer.standard_dumps(workflow)
    spec, subprocess_specs = compiled.spec("simple_approval")
    loaded = serializer.loads(
        text, serializer.version, spec, subprocess_specs, workflow.script_engine
    )
    restored = loaded.get_task_from_id(task.id).data
    assert math.isnan(restored["ratio"])
    assert restored["when"] == moment


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_short_way_that_disagrees_is_not_taken(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the short way ever differ from the registry (another SpiffWorkflow), it is dropped."""
    serializer = StateSerializer()
    wrong = serializer._workflow_dict

    def misconverted(workflow: BpmnWorkflow, payloads: list[Any]) -> dict[str, Any]:
        return {**wrong(workflow, payloads), "data": {"not": "what the registry writes"}}

    monkeypatch.setattr(serializer, "_workflow_dict", misconverted)
    engine._serializer = serializer
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add("drafter", ["drafter"])
    started = engine.start("simple_approval", "drafter")
    with engine.store.read() as repo:
        row = repo.instance(started.id)
    assert row is not None and "not what the registry writes" not in row.state
    assert not serializer._direct


def _same_in_order(a: Any, b: Any) -> bool:
    """Tell whether two values are equal as ``_same`` says, their keys in the same order too."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_in_order(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_in_order(x, y) for x, y in zip(a, b, strict=True))
    return _same(a, b)


_WITH_TUPLES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize("value", [*VALUES, {"deep": [[[[[[[[[["x"]]]]]]]]]]}])
def test_a_plain_copy_is_what_its_json_text_reads_back_as(value: Any) -> None:
    """Plain data copied in one walk is what writing its text and reading it back gives."""
    _check_plain_copy(value)


@settings(max_examples=300, deadline=None)
@given(_WITH_TUPLES)
def test_a_plain_copy_of_any_value_is_what_its_json_text_reads_back_as(value: Any) -> None:
    """Any mix of texts, numbers, tuples and nesting: the copy or a refusal, never another value."""
    _check_plain_copy(value)


def _check_plain_copy(value: Any) -> None:
    if not jsontext.plain(value):
        with pytest.raises(ValueError):
            jsontext.plain_copy(value)
        return
    copied = jsontext.plain_copy(value)
    assert _same_in_order(copied, jsontext.loads(jsontext.dumps(value)))
    assert copied is not value or not isinstance(value, dict | list | tuple)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_hashed_bytes_are_the_canonical_text_encoded(value: Any) -> None:
    """What an event's hash is computed over is its canonical text in UTF-8, to the byte."""
    assert jsontext.canonical_bytes(value) == jsontext.canonical(value).encode("utf-8")
