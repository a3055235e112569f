"""Files as Flowable's, Activiti's and jBPM's tools write them: run, or refused saying what to do.

Each file is in ``tests/bpmn/third_party``; each test deploys it on a
``WorkflowEngine`` with no domain (or uploads it on the admin's page), on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from engine import Database, DeploymentError, PermissionDeniedError, WorkflowEngine
from engine.clock import ManualClock, iso
from engine.definitions import compile_definition
from engine.views import InstanceView

from .conftest import TEST_BPMN
from .web import Browser

THIRD_PARTY = TEST_BPMN / "third_party"


def text(name: str) -> str:
    return (THIRD_PARTY / name).read_text(encoding="utf-8")


def refusals(files: dict[str, str]) -> dict[str | None, str]:
    with pytest.raises(DeploymentError) as refused:
        compile_definition(files)
    said: dict[str | None, str] = {}
    for problem in refused.value.problems:
        said[problem.element_id] = f"{said.get(problem.element_id, '')} {problem.message}"
    return said


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without any domain, with one user in the default group."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    yield engine


def test_a_plain_file_in_flowables_namespace_gives_each_task_to_its_potential_owner(
    core: WorkflowEngine,
) -> None:
    name = "flowable_plain_potential_owner.bpmn"
    given = text(name)
    assert "xmlns:flowable" not in given and 'targetNamespace="http://www.flowable.org/' in given
    core.deploy_files({name: given})
    core.users.add("anna", ["accountancy"], new_groups=True)
    core.users.add("max", ["management"], new_groups=True)
    instance = core.start("flowable_plain_potential_owner", "clara")
    (write,) = instance.ready_tasks
    assert (write.element_id, write.role) == ("writeReportTask", "accountancy")
    with pytest.raises(PermissionDeniedError):
        core.complete_task(write.task_id, "clara", {})  # not anyone's, as SpiffWorkflow has it
    (verify,) = core.complete_task(write.task_id, "anna", {}).ready_tasks
    assert verify.role == "management"
    with pytest.raises(PermissionDeniedError):
        core.complete_task(verify.task_id, "anna", {})
    assert core.complete_task(verify.task_id, "max", {}).status == "completed"


def test_a_countersign_done_once_most_have_signed_cancels_the_rest(core: WorkflowEngine) -> None:
    name = "flowable_countersign_most.bpmn"
    given = text(name)
    assert "${nrOfCompletedInstances/nrOfInstances &gt;= 0.6}" in given
    core.deploy_files({name: given})
    for user in ("alice", "bob", "carol"):
        core.users.add(user, ["clerk"])
    instance = core.start(
        name.removesuffix(".bpmn"), "clara", {"signers": ["alice", "bob", "carol"]}
    )
    assert len(instance.ready_tasks) == 3

    def sign(task_id: str) -> InstanceView:
        for user in ("alice", "bob", "carol"):
            try:
                return core.complete_task(task_id, user, {})  # each instance is its signer's
            except PermissionDeniedError:
                continue
        raise AssertionError("nobody may sign")

    left = sign(instance.ready_tasks[0].task_id).ready_tasks
    assert len(left) == 2  # one of three is not most
    (filing,) = sign(left[0].task_id).ready_tasks
    assert filing.element_id == "file"  # two of three are: the third is cancelled
    assert core.complete_task(filing.task_id, "clara", {}).status == "completed"


def test_loops_naming_their_items_alike_deploy_and_give_each_instance_its_approver(
    core: WorkflowEngine,
) -> None:
    name = "flowable_modeler_countersign.bpmn"
    given = text(name)
    assert given.count('flowable:elementVariable="user"') == 2
    core.deploy_files({name: given})
    for user in ("alice", "bob", "carol"):
        core.users.add(user, ["clerk"])
    data = {"userList1": ["alice", "bob"], "userList2": ["carol"]}
    instance = core.start("flowable_modeler_countersign", "clara", data)
    first = {task.element_id for task in instance.ready_tasks}
    assert first == {"sign_first"} and len(instance.ready_tasks) == 2
    by_user = {}
    for task in instance.ready_tasks:
        with pytest.raises(PermissionDeniedError):
            core.complete_task(task.task_id, "carol", {})  # each instance is its approver's
        for user in ("alice", "bob"):
            try:
                core.complete_task(task.task_id, user, {})
            except PermissionDeniedError:
                continue
            by_user[user] = task.task_id
            break
    assert set(by_user) == {"alice", "bob"}
    (second,) = core.queries.get_instance(instance.id).ready_tasks
    assert second.element_id == "sign_second"
    assert core.complete_task(second.task_id, "carol", {}).status == "completed"


@pytest.mark.parametrize("modeler", ["http://flowable.org/modeler", "http://activiti.com/modeler"])
def test_initiator_can_complete_true_is_refused_naming_the_task_and_what_to_write(
    modeler: str,
) -> None:
    name = "flowable_modeler_countersign.bpmn"
    given = text(name).replace("http://flowable.org/modeler", modeler)
    compile_definition({name: given})  # false: the task app's record, which changes nothing
    widened = given.replace("<![CDATA[false]]>", "true", 1)
    said = refusals({name: widened})
    assert list(said) == ["sign_first"]
    assert "modeler:initiator-can-complete is 'true'" in said["sign_first"]
    assert "write false" in said["sign_first"] and "candidateUsers" in said["sign_first"]
    odd = refusals({name: given.replace("<![CDATA[false]]>", "yes", 1)})
    assert "modeler:initiator-can-complete is 'yes'" in odd["sign_first"]
    # the starter's own task: true lets nobody else complete it
    starters = widened.replace('flowable:assignee="${user}"', 'flowable:assignee="$INITIATOR"', 1)
    compile_definition({name: starters})


def test_refusals_of_another_engines_tasks_name_the_element_and_what_to_write() -> None:
    name = "activiti_connector_tasks.bpmn"
    said = refusals({name: text(name)})
    # the receive task naming no message is a wait state its trigger moves on (engine.trigger)
    assert set(said) == {"describe", "rank", "to_end"}
    assert "implementation 'Movies.getMovieDesc'" in said["describe"]
    assert "spiffworkflow:serviceTaskOperator" in said["describe"]
    assert "draw a plain task" in said["describe"]
    assert "calledElement 'rankMovieChild'" in said["rank"]
    assert "deploy the called process's file" in said["rank"]
    assert "activiti:executionListener" in said["to_end"] and "remove it" in said["to_end"]


def test_a_juel_method_call_is_refused_saying_what_to_write() -> None:
    name = "flowable_plain_potential_owner.bpmn"
    called = text(name).replace(
        '<sequenceFlow id="flow3" sourceRef="verifyReportTask" targetRef="theEnd" />',
        '<sequenceFlow id="flow3" sourceRef="verifyReportTask" targetRef="theEnd">'
        "<conditionExpression>${report.isVerified()}</conditionExpression></sequenceFlow>",
    )
    said = refusals({name: called})
    assert "calls a method or function" in said["flow3"]
    assert "the process's variables, literals and operators" in said["flow3"]


def test_a_jbpm_bpmn2_file_uploads_and_is_refused_naming_the_task_and_its_lane(
    app: Flask,
) -> None:
    admin = Browser(app.test_client()).login("admin")
    page = admin.get("/admin/workflows")
    assert ".bpmn2" in page  # the file picker offers jBPM's files
    name = "jbpm_lane_potential_owner.bpmn2"
    page = admin.post(
        "/admin/workflows",
        {"files": [(io.BytesIO((THIRD_PARTY / name).read_bytes()), name)]},
        status=422,
        content_type="multipart/form-data",
    )
    assert "不是流程文件" not in page
    assert "hello" in page and "potentialOwner" in page
    assert "这里不读取任务的 potentialOwner：任务由所在泳道“reviewers”的角色办理。" in page


def test_a_due_date_of_joda_time_or_a_duration_counts_from_the_tasks_creation(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    name = "camunda_joda_due_dates.bpmn"
    given = text(name)
    assert 'camunda:dueDate="${dateTime().plusWeeks(1).toDate()}"' in given
    core.deploy_files({name: given})
    core.users.add("ada", ["accounting"], new_groups=True)
    created = clock()
    (approve,) = core.start("camunda_joda_due_dates", "clara", {"amount": 30}).ready_tasks
    assert approve.due_at == iso(created + timedelta(weeks=1))
    clock.advance(days=2)
    (prepare,) = core.complete_task(approve.task_id, "ada", {}).ready_tasks
    assert prepare.due_at == iso(clock() + timedelta(days=1, hours=4))
    clock.advance(hours=1)
    (archive,) = core.complete_task(prepare.task_id, "ada", {}).ready_tasks
    assert archive.due_at == iso(clock() + timedelta(hours=12))  # camunda:dueDate="PT12H"
    # the task's data changing leaves a due date counted from its creation where it was
    clock.advance(hours=2)
    core.update_data(archive.instance_id, {"amount": 40}, "corrected")
    assert core.queries.get_task(archive.task_id).due_at == archive.due_at
    assert core.complete_task(archive.task_id, "ada", {}).status == "completed"


def test_a_joda_time_due_date_going_back_is_refused_as_a_method_call() -> None:
    name = "camunda_joda_due_dates.bpmn"
    back = text(name).replace("plusWeeks(1)", "minusDays(1)")
    assert "calls a method or function" in refusals({name: back})["approveInvoice"]
