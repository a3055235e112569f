"""BPMN files as other people's modelers write them run on the core engine.

Each test deploys a small file of ``tests/bpmn/third_party`` shaped the way a
third-party tool or SpiffWorkflow's own examples write it, on a
``WorkflowEngine`` with no domain, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine import Database, DeploymentError, WorkflowEngine
from engine.clock import ManualClock

from .conftest import TEST_BPMN

THIRD_PARTY = TEST_BPMN / "third_party"


def text(name: str) -> str:
    return (THIRD_PARTY / name).read_text(encoding="utf-8")


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without any domain, with one user in the default group."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    yield engine


def test_an_empty_io_specification_deploys_and_runs(core: WorkflowEngine) -> None:
    given = text("empty_io_specification.bpmn")
    assert given.count("<bpmn:ioSpecification />") == 2
    core.deploy_files({"empty_io_specification.bpmn": given})
    instance = core.start("empty_io_specification", "clara")
    (task,) = instance.ready_tasks
    assert task.element_id == "fill_in"
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_a_camunda_file_without_juel_reads_its_expressions_as_python(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"camunda_python_expressions.bpmn": text("camunda_python_expressions.bpmn")})
    instance = core.start("camunda_python_expressions", "clara")
    (task,) = instance.ready_tasks
    fields = core.queries.task_form(task.task_id, "clara").form.fields
    assert list(fields) == ["decision", "notes", "urgent"]
    assert fields["urgent"].load_default is False  # defaultValue="No", as SpiffWorkflow's files say
    clock.advance(hours=1, minutes=1)  # the quoted Python duration "PT1H"
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(instance.id).data["reminded"] is True
    before = {i.id for i in core.queries.list_instances()}
    done = core.complete_task(task.task_id, "clara", {"decision": "approve", "notes": "可以"})
    assert done.status == "completed"
    (archive,) = [i for i in core.queries.list_instances() if i.id not in before]
    started = core.queries.get_instance(archive.id)
    assert started.process_id == "camunda_python_archive"
    assert started.data["approval"] == {"notes": "可以"}  # camunda:expression, resultVariable
    rejected = core.start("camunda_python_expressions", "clara")
    (task,) = rejected.ready_tasks
    assert core.complete_task(task.task_id, "clara", {"decision": "reject"}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_in_a_file_with_juel_an_expression_without_it_is_still_refused(
    core: WorkflowEngine,
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '"PT1H"</bpmn:timeDuration>', "${reminder}</bpmn:timeDuration>"
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    (problem,) = [p for p in refused.value.problems if p.element_id == "flow_approved"]
    assert "not a JUEL expression" in problem.message
    assert "language=" in problem.message


def test_a_camunda_file_without_juel_names_python_that_does_not_compile(
    core: WorkflowEngine,
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        "decision == 'approve'</bpmn:conditionExpression>",
        "decision == </bpmn:conditionExpression>",
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    assert [p.element_id for p in refused.value.problems] == ["flow_approved"]


@pytest.mark.parametrize(
    ("script_format", "refused"),
    [("text/x-python", False), ("reset", False), ("javascript", True), ("groovy", True)],
)
def test_a_camunda_file_without_juel_runs_any_script_format_but_another_language_as_python(
    core: WorkflowEngine, script_format: str, refused: bool
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '<bpmn:scriptTask id="remind" name="提醒 Remind"',
        f'<bpmn:scriptTask id="remind" name="提醒 Remind" scriptFormat="{script_format}"',
    )
    if not refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
        return
    with pytest.raises(DeploymentError) as failed:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    (problem,) = failed.value.problems
    assert problem.element_id == "remind" and repr(script_format) in problem.message


def test_a_process_with_a_plain_start_is_not_started_by_its_message(core: WorkflowEngine) -> None:
    core.deploy_files({"plain_and_message_start.bpmn": text("plain_and_message_start.bpmn")})
    instance = core.start("plain_and_message_start", "clara")
    (task,) = instance.ready_tasks
    assert task.element_id == "enter"  # the plain start fired; the message start is dropped
    before = {i.id for i in core.queries.list_instances()}
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"
    assert {i.id for i in core.queries.list_instances()} == before
    thrown = [e for e in core.queries.history(instance.id) if e.type == "message_thrown"]
    assert [e.data["name"] for e in thrown] == ["request"]
    result = core.send_message("request", {})
    assert (result.started, result.reached, result.failures) == ((), (), ())


def test_juel_quoted_in_documentation_leaves_the_expressions_python(core: WorkflowEngine) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '<bpmn:userTask id="review" name="审核 Review" camunda:formKey="review">',
        '<bpmn:userTask id="review" name="审核 Review" camunda:formKey="review">'
        "<bpmn:documentation>Review ${applicant}'s request</bpmn:documentation>",
    )
    core.deploy_files({"camunda_python_expressions.bpmn": given})
    instance = core.start("camunda_python_expressions", "clara")
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "clara", {"decision": "reject"})
    assert done.status == "completed"
