"""What SpiffWorkflow would leave out or misread is refused at deployment, naming it.

Each test compiles a small process written inline (no database is needed):
a file that deploys runs as drawn, and one that would not is refused with
the element and the reason, not left to fail or do nothing when started.
"""

from __future__ import annotations

import pytest

from engine import DeploymentError
from engine.definitions import compile_definition

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" {namespaces}'
    'id="definitions" targetNamespace="http://example.org/tests">\n'
)


def document(body: str, namespaces: str = "", executable: str = "true") -> str:
    """Return a file of one process ``checked`` with ``body`` as its content."""
    return (
        HEAD.format(namespaces=namespaces)
        + f'<process id="checked" isExecutable="{executable}">\n{body}\n</process>\n'
        + "</definitions>\n"
    )


def refused(files: dict[str, str]) -> list[str]:
    """Return the problems deploying ``files`` is refused with."""
    with pytest.raises(DeploymentError) as error:
        compile_definition(files)
    return [str(problem) for problem in error.value.problems]


def test_a_sequence_flow_or_flow_node_without_id_is_refused_naming_it() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow sourceRef="start" targetRef="review" />\n'
        '<userTask id="review" name="Review" />\n'
        '<sequenceFlow id="to_end" sourceRef="review" targetRef="end" />\n'
        '<endEvent id="end" />\n'
        '<manualTask name="File it" />'
    )
    assert refused({"ids.bpmn": given}) == [
        "ids.bpmn: sequenceFlow from 'start' to 'review' (line 5, in 'checked') has no id, "
        "and an element without one is left out of the process: give it an id",
        "ids.bpmn: manualTask 'File it' (line 9, in 'checked') has no id, "
        "and an element without one is left out of the process: give it an id",
    ]
    with_ids = given.replace("<sequenceFlow sourceRef", '<sequenceFlow id="to_review" sourceRef')
    compile_definition({"ids.bpmn": with_ids.replace('<manualTask name="File it" />', "")})
